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

    pub(super) fn not_found_page(&self) -> Page {
        let mut page = self.page(
            "404.html".into(),
            "404.html",
            "not_found",
            "index",
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
        let rules: Arc<[u8]> = serde_json::to_vec_pretty(&self.content).unwrap_or_default().into();
        ("rules.json".into(), rules)
    }
}
