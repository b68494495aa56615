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
                kind: s.kind,
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
