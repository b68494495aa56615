//! Planning the sources page (every source, in the order of `site.yaml`) and the links to it:
//! whatever cites a source links to its entry, `sources.html#source-<id>`.

use super::{LinkView, Page, PageData, Planner, SourceView, SourcesData};
use crate::model::Id;

impl Planner<'_> {
    /// The link to the source `source` names, from a page whose root prefix is `root`.
    pub(super) fn source_link(&self, source: &Option<Id>, root: &str) -> Option<LinkView> {
        let source = self.sources.get(source.as_ref()?.as_str())?;
        Some(LinkView {
            title: source.title.clone(),
            href: format!("{root}sources.html#source-{}", source.id.as_str()),
        })
    }

    pub(super) fn sources_page(&self) -> Page {
        let sources = self
            .content
            .site
            .sources
            .iter()
            .map(|s| SourceView {
                id: s.id.value.clone(),
                title: s.title.clone(),
                issuer: s.issuer.clone(),
                number: s.number.clone(),
                date: s.date.as_ref().map(|d| d.value.clone()),
                url: s.url.as_ref().map(|u| u.value.clone()),
                kind: s.kind.value.clone(),
                kind_name: self
                    .content
                    .site
                    .source_kinds
                    .iter()
                    .find(|k| k.id.as_str() == s.kind.as_str())
                    .map(|k| k.name.clone()),
                note: s.note.clone(),
            })
            .collect();
        self.page(
            "sources.html".into(),
            "sources.html",
            "sources",
            "sources",
            None,
            PageData::Sources(SourcesData { sources }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{id, minimal, today};
    use super::*;
    use crate::model::SourceKindName;

    #[test]
    fn the_sources_page_lists_every_source_with_its_details_and_names_the_sites_own_kinds() {
        let mut model = minimal();
        let mut second = model.content.site.sources[0].clone();
        second.id = id("law");
        second.kind = id("law");
        second.url = None;
        let mut third = second.clone();
        third.id = id("ruling");
        third.kind = id("court_ruling");
        model.content.site.source_kinds.push(SourceKindName {
            id: id("court_ruling"),
            name: "Court ruling".into(),
        });
        model.content.site.sources.extend([second, third]);
        let page = Planner::new(&model, today()).sources_page();
        let PageData::Sources(data) = &page.data else {
            panic!("the sources page")
        };
        let listed: Vec<(&str, &str, Option<&str>, Option<&str>)> = data
            .sources
            .iter()
            .map(|s| (s.id.as_str(), s.kind.as_str(), s.kind_name.as_deref(), s.url.as_deref()))
            .collect();
        assert_eq!(
            listed,
            [
                ("notice", "notice", None, Some("https://example.org/notice")),
                ("law", "law", None, None),
                ("ruling", "court_ruling", Some("Court ruling"), None)
            ]
        );
    }

    #[test]
    fn a_source_link_leads_to_the_sources_entry_from_the_pages_root() {
        let model = minimal();
        let planner = Planner::new(&model, today());
        let link = planner.source_link(&Some(id("notice")), "../").expect("a known source");
        assert_eq!(
            (link.title.as_str(), link.href.as_str()),
            ("The official notice", "../sources.html#source-notice")
        );
        assert!(planner.source_link(&None, "../").is_none());
        assert!(planner.source_link(&Some(id("nowhere")), "../").is_none());
    }
}
