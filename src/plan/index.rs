//! Planning the home page: the introduction, who must file, and a summary of every other part of
//! the site (stages, deadlines, subjects, guides, forms), each made by that part's own planner.

use super::{IndexData, Page, PageData, Planner};

impl Planner<'_> {
    pub(super) fn index_page(&self) -> Page {
        let site = &self.content.site;
        let data = IndexData {
            intro_html: self.markdown(&site.intro, ""),
            who_must_html: self.markdown_all(&site.who_must, ""),
            who_need_not_html: self.markdown_all(&site.who_need_not, ""),
            stages: self.content.stages.iter().map(|s| self.stage_summary(s, "")).collect(),
            deadlines: self.deadline_views(""),
            subjects: self.subject_groups(""),
            guides: self.guide_list(""),
            forms: self.form_summaries(""),
        };
        let mut page = self.page(
            "index.html".into(),
            "index.html",
            "index",
            "index",
            None,
            PageData::Index(data),
        );
        // The home page is where every trail of breadcrumbs starts.
        page.crumbs.clear();
        page
    }
}
