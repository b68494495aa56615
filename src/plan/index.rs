//! Planning the home page: the introduction, who must file, and a summary of every other part of
//! the site (stages, what applies now, subjects, guides, forms), each made by that part's own planner.

use super::{IndexData, Page, PageData, Planner};

impl Planner<'_> {
    pub(super) fn index_page(&self) -> Page {
        let site = &self.content.site;
        let data = IndexData {
            intro_html: self.markdown(&site.intro, ""),
            who_must_html: self.markdown_all(&site.who_must, ""),
            who_need_not_html: self.markdown_all(&site.who_need_not, ""),
            steps: self.step_views("", None),
            start: self.content.stages.first().map(|s| self.stage_link(s, "").href),
            overview: (!self.content.stages.is_empty()).then(|| super::stages::STAGES_INDEX.to_string()),
            now: self.now_view(""),
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

#[cfg(test)]
mod tests {
    use super::super::testing::{minimal, today};
    use super::*;

    #[test]
    fn the_home_page_has_no_breadcrumbs_and_links_from_the_top() {
        let model = minimal();
        let page = Planner::new(&model, today()).index_page();
        assert_eq!((page.path.as_str(), page.root.as_str()), ("index.html", ""));
        assert!(page.crumbs.is_empty());
        let PageData::Index(data) = &page.data else {
            panic!("the home page")
        };
        assert_eq!(data.steps[0].stages[0].href, "stages/prepare.html");
        assert_eq!(data.subjects[0].subjects[0].href, "checklists/person.html");
        assert_eq!(data.forms[0].href, "forms/verification-person.html");
        assert_eq!(data.guides.guides[0].href, "guides/first.html");
        assert!(
            data.intro_html.contains(r#"href="guides/first.html""#),
            "{}",
            data.intro_html
        );
    }

    #[test]
    fn the_home_page_sums_up_every_part_of_the_site() {
        let model = minimal();
        let page = Planner::new(&model, today()).index_page();
        let PageData::Index(data) = &page.data else {
            panic!("the home page")
        };
        let stages: Vec<&str> = data
            .steps
            .iter()
            .flat_map(|s| &s.stages)
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(stages, ["prepare", "fill-in", "review"]);
        let applies: Vec<&str> = data.now.rules.iter().map(|r| r.title.as_str()).collect();
        assert!(
            applies.is_empty(),
            "the minimal site's rules have no `now:` sentence: {applies:?}"
        );
        assert_eq!(
            data.subjects.iter().map(|g| g.subjects.len()).collect::<Vec<_>>(),
            [1, 1]
        );
        let sections: Vec<(&str, usize)> = data
            .guides
            .sections
            .iter()
            .map(|s| (s.title.as_str(), s.count))
            .collect();
        assert_eq!(sections, [("sub", 1)]);
        assert_eq!(data.who_must_html.len(), 1);
        assert_eq!(data.who_need_not_html.len(), 1);
    }
}
