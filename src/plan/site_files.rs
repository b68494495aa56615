//! Planning the pages and files every site has besides its content: the search page, the 404
//! page, `sitemap.xml` (only with a `base_url`) and `rules.json` (the whole content, for reuse).
//! The 404 page links from the site's address, since a host serves it at any depth.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Page, PageData, Planner, SitemapData};

impl Planner<'_> {
    /// The search page; it shows nothing of its own (the index is built from the rendered site).
    pub(super) fn search_page(&self) -> Page {
        self.page(
            "search.html".into(),
            "search.html",
            "search",
            "search",
            None,
            PageData::Empty(BTreeMap::new()),
        )
    }

    /// The 404 page: it belongs to no entry of the navigation (none is marked current on it).
    pub(super) fn not_found_page(&self) -> Page {
        let mut page = self.page(
            "404.html".into(),
            "404.html",
            "not_found",
            "not_found",
            None,
            PageData::Empty(BTreeMap::new()),
        );
        if let Some(base) = &self.content.site.base_url {
            // A host serves 404.html at any depth, so links must not be relative here.
            page.root = format!("{}/", base.trim_end_matches('/'));
        }
        page
    }

    /// `sitemap.xml`: the address of every page of `pages` but the 404 page.
    pub(super) fn sitemap<'p>(&self, base_url: &str, pages: impl Iterator<Item = &'p Arc<Page>>) -> Page {
        let base = base_url.trim_end_matches('/');
        let urls = pages
            .filter(|p| p.key != "not_found")
            .map(|p| format!("{base}/{}", crate::href::encode_path(&p.path)))
            .collect();
        self.page(
            "sitemap.xml".into(),
            "sitemap.xml",
            "sitemap",
            "index",
            None,
            PageData::Sitemap(SitemapData { urls }),
        )
    }

    /// `rules.json`: the whole content as JSON, for anyone who wants the rules as data.
    pub(super) fn rules_json(&self) -> (String, Arc<[u8]>) {
        let rules: Arc<[u8]> = serde_json::to_vec_pretty(&self.model.rules())
            .unwrap_or_default()
            .into();
        ("rules.json".into(), rules)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{guide, minimal, page, paths, plan_of, today};
    use super::*;
    use crate::yaml::Spanned;

    #[test]
    fn the_404_page_links_from_the_sites_address_when_it_has_one() {
        let mut model = minimal();
        assert_eq!(Planner::new(&model, today()).not_found_page().root, "");
        model.content.site.base_url = Some(Spanned::detached("https://example.org/guide/".into()));
        let page = Planner::new(&model, today()).not_found_page();
        assert_eq!(page.root, "https://example.org/guide/");
        assert_eq!(
            page.crumbs[0].href, "index.html",
            "its crumbs are made before the root is set"
        );
    }

    #[test]
    fn the_404_page_belongs_to_no_entry_of_the_navigation() {
        let model = minimal();
        let planner = Planner::new(&model, today());
        let page = planner.not_found_page();
        assert!(
            planner.nav.iter().all(|entry| entry.key != page.section),
            "the navigation would mark `{}` as the 404 page's own",
            page.section
        );
        assert_eq!(page.crumbs.len(), 1, "only home in its crumbs: {:?}", page.crumbs);
    }

    #[test]
    fn a_site_has_a_sitemap_only_when_it_knows_its_address() {
        let mut model = minimal();
        assert!(!paths(&plan_of(&model)).contains(&"sitemap.xml"));
        model.content.site.base_url = Some(Spanned::detached("https://example.org/guide".into()));
        let plan = plan_of(&model);
        assert_eq!(
            paths(&plan).last(),
            Some(&"sitemap.xml"),
            "written last, after every page it lists"
        );
    }

    #[test]
    fn the_sitemap_lists_every_page_but_the_404_page_with_encoded_paths() {
        let mut model = minimal();
        model.content.site.base_url = Some(Spanned::detached("https://example.org/guide/".into()));
        model.content.guides.push(guide("a b?", "Odd name", None, "Text."));
        let plan = plan_of(&model);
        let PageData::Sitemap(sitemap) = &page(&plan, "sitemap.xml").data else {
            panic!("the sitemap")
        };
        let listed: Vec<String> = plan
            .pages
            .iter()
            .filter(|p| !matches!(p.key, "not_found" | "sitemap"))
            .map(|p| format!("https://example.org/guide/{}", crate::href::encode_path(&p.path)))
            .collect();
        assert_eq!(sitemap.urls, listed);
        assert!(sitemap
            .urls
            .contains(&"https://example.org/guide/guides/a%20b%3F.html".to_string()));
        assert!(!sitemap.urls.iter().any(|u| u.ends_with("404.html")));
    }

    #[test]
    fn rules_json_is_the_whole_content() {
        let model = minimal();
        let (path, bytes) = Planner::new(&model, today()).rules_json();
        assert_eq!(path, "rules.json");
        let rules: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(rules["site"]["title"], "Test filing guide");
        assert_eq!(rules["materials"].as_array().map(Vec::len), Some(4));
    }
}
