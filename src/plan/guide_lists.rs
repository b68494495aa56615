//! Planning the lists of guides: the guides index (`guides/index.html`, the guides at the top
//! and the sections) and each section's page (`guides/<folder>/index.html`). A list longer than
//! `guides_per_page` goes on over numbered pages (`index-2.html`, …) in the same folder, so that
//! no page grows with the number of guides; the introduction and the sections stay on the first.

use std::sync::Arc;

use ahash::AHashMap as HashMap;

use super::guide_nav::{list_page_path, list_pages, pagination};
use super::{GuideIndexData, GuideList, Page, PageData, Planner, SectionData};
use crate::markdown;

impl Planner<'_> {
    /// The guides index and, for the top guides beyond its first page, the pages after it.
    pub(super) fn guide_index_pages(&self, rendered: &HashMap<&str, Arc<markdown::Rendered>>) -> Vec<Page> {
        let per_page = self.guides_per_page();
        let top = self.guides.sections.get("").map_or(&[][..], Vec::as_slice);
        let total = list_pages(top.len(), per_page);
        (1..=total)
            .map(|number| {
                let data = if number == 1 {
                    GuideIndexData {
                        intro_html: self
                            .guides
                            .intros
                            .get("")
                            .map(|g| rendered[g.slug.as_str()].html.clone()),
                        list: self.guide_list("../"),
                        pagination: pagination(1, total),
                    }
                } else {
                    let path = list_page_path("", number);
                    let root = "../".repeat(path.matches('/').count());
                    GuideIndexData {
                        intro_html: None,
                        list: GuideList {
                            guides: top
                                .chunks(per_page)
                                .nth(number - 1)
                                .unwrap_or_default()
                                .iter()
                                .map(|g| Self::guide_summary(g, &root))
                                .collect(),
                            sections: Vec::new(),
                            more: None,
                        },
                        pagination: pagination(number, total),
                    }
                };
                self.page(
                    list_page_path("", number),
                    "guides.html",
                    "guides",
                    "guides",
                    None,
                    PageData::GuideIndex(data),
                )
            })
            .collect()
    }

    /// The pages of `folder`'s list of guides: one, or one per `guides_per_page` guides.
    pub(super) fn section_pages(&self, folder: &str, rendered: &HashMap<&str, Arc<markdown::Rendered>>) -> Vec<Page> {
        let per_page = self.guides_per_page();
        let list = self.guides.sections.get(folder).map_or(&[][..], Vec::as_slice);
        let total = list_pages(list.len(), per_page);
        (1..=total)
            .map(|number| {
                let path = list_page_path(folder, number);
                let root = "../".repeat(path.matches('/').count());
                let intro_html = (number == 1)
                    .then(|| self.guides.intros.get(folder))
                    .flatten()
                    .map(|g| rendered[g.slug.as_str()].html.clone());
                let guides = list
                    .chunks(per_page)
                    .nth(number - 1)
                    .unwrap_or_default()
                    .iter()
                    .map(|g| Self::guide_summary(g, &root))
                    .collect();
                self.page(
                    path,
                    "section.html",
                    "section",
                    "guides",
                    Some(self.guides.title(folder)),
                    PageData::Section(SectionData {
                        intro_html,
                        guides,
                        pagination: pagination(number, total),
                    }),
                )
            })
            .collect()
    }
}
