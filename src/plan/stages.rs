//! Planning the stage pages (one per stage, each linked to the stages before and after it) and
//! the stages' summaries for the overview. A stage page lists its materials in the stage's order.

use super::guide_nav::guide_path_of;
use super::{
    DurationView, FailureView, LinkView, MaterialView, Page, PageData, Planner, StageMaterialGroup, StageRelated,
    StageSummary, StageView, StagesIndexData, StepGroupView, StepView,
};
use crate::href::encode_path;
use crate::model::history::ItemKind;
use crate::model::{Model, Stage};

/// The path of the step-by-step overview, from the site root.
pub(super) const STAGES_INDEX: &str = "stages/index.html";

/// The path of a stage's page, from the site root.
pub(super) fn stage_href(stage: &Stage) -> String {
    format!("stages/{}.html", stage.id.as_str())
}

impl Planner<'_> {
    /// The step number the stage graph gives `stage`.
    pub(super) fn stage_number(&self, stage: &Stage) -> u32 {
        self.stage_index
            .get(stage.id.as_str())
            .and_then(|&i| self.model.stage_graph.numbers.get(i))
            .copied()
            .unwrap_or_default()
    }

    pub(super) fn duration(stage: &Stage) -> Option<DurationView> {
        stage.duration.as_ref().map(|d| DurationView {
            min: d.min.value,
            max: d.max.value,
            unit: d.unit,
            note: d.note.clone(),
            exact: d.min.value == d.max.value,
        })
    }

    /// The stages grouped by step number, each joined to the one before it by `and` or `or`;
    /// the stage with the id `current` (on its own page) is marked.
    pub(super) fn step_views(&self, root: &str, current: Option<&str>) -> Vec<StepGroupView> {
        self.model
            .stage_graph
            .steps()
            .into_iter()
            .map(|(number, indices)| StepGroupView {
                number,
                stages: indices
                    .iter()
                    .enumerate()
                    .map(|(place, &i)| {
                        let stage = &self.content.stages[i];
                        let mut summary = self.stage_summary(stage, root);
                        summary.current = current == Some(stage.id.as_str());
                        summary.connector = place.checked_sub(1).map(|before| {
                            let before = &self.content.stages[indices[before]];
                            let both = self
                                .content
                                .subjects
                                .iter()
                                .any(|s| Model::covers(&before.subjects, s) && Model::covers(&stage.subjects, s));
                            if both || self.content.subjects.is_empty() {
                                "and"
                            } else {
                                "or"
                            }
                        });
                        summary
                    })
                    .collect(),
            })
            .collect()
    }

    pub(super) fn stage_summary(&self, stage: &Stage, root: &str) -> StageSummary {
        StageSummary {
            connector: None,
            audience: self.audience_names(&stage.subjects),
            id: stage.id.value.clone(),
            number: self.stage_number(stage),
            name: stage.name.clone(),
            summary_html: self.markdown(&stage.summary, root),
            actor: stage.actor.clone(),
            duration: Self::duration(stage),
            href: format!("{root}{}", stage_href(stage)),
            steps: stage.steps.iter().map(|s| s.title.clone()).collect(),
            current: false,
        }
    }

    /// The step-by-step overview of the whole process: `stages/index.html`, what the stages'
    /// entry of the navigation opens.
    pub(super) fn stages_index_page(&self) -> Page {
        let data = StagesIndexData {
            steps: self.step_views("../", None),
        };
        self.page(
            STAGES_INDEX.into(),
            "stages.html",
            "stages",
            "stages",
            None,
            PageData::StagesIndex(data),
        )
    }

    /// The pages that belong to `stage`: the guides and forms it names, the checklist when it
    /// uses materials, the timeline when it takes time.
    fn stage_related(&self, stage: &Stage, root: &str) -> StageRelated {
        let guides = stage
            .guides
            .iter()
            .filter_map(|slug| self.content.guides.iter().find(|g| g.slug == slug.as_str()))
            .map(|g| LinkView {
                title: g.front.title.clone(),
                href: format!("{root}{}", encode_path(&guide_path_of(&g.slug))),
            })
            .collect();
        let forms = stage
            .forms
            .iter()
            .filter_map(|id| self.content.forms.iter().find(|f| f.id.as_str() == id.as_str()))
            .map(|f| LinkView {
                title: f.title.clone(),
                href: format!("{root}forms/{}.html", f.id.as_str()),
            })
            .collect();
        let has_section = |key: &str| {
            self.nav
                .iter()
                .find(|n| n.key == key)
                .map(|n| format!("{root}{}", n.href))
        };
        StageRelated {
            guides,
            forms,
            checklist: (!stage.materials.is_empty())
                .then(|| has_section("checklists"))
                .flatten(),
            timeline: stage.duration.as_ref().and_then(|_| has_section("timeline")),
        }
    }

    pub(super) fn stage_pages(&self) -> Vec<Page> {
        let stages = &self.content.stages;
        stages
            .iter()
            .enumerate()
            .map(|(i, stage)| {
                let root = "../";
                let mut page = self.page(
                    stage_href(stage),
                    "stage.html",
                    "stage",
                    "stages",
                    Some(stage.name.clone()),
                    PageData::Stage(Box::new(self.stage_view(stage, root))),
                );
                page.prev = i.checked_sub(1).map(|p| self.stage_link(&stages[p], root));
                page.next = stages.get(i + 1).map(|s| self.stage_link(s, root));
                page
            })
            .collect()
    }

    fn stage_view(&self, stage: &Stage, root: &str) -> StageView {
        let index = self.stage_index.get(stage.id.as_str()).copied().unwrap_or_default();
        StageView {
            after: self
                .model
                .stage_graph
                .waits_for
                .get(index)
                .filter(|_| stage.after.is_some())
                .into_iter()
                .flatten()
                .map(|&before| self.stage_link(&self.content.stages[before], root))
                .collect(),
            audience: self.audience_names(&stage.subjects),
            calendar: stage
                .calendar
                .as_ref()
                .and_then(|id| self.model.calendar_for(Some(id)))
                .map(|c| c.name.clone()),
            id: stage.id.value.clone(),
            number: self.stage_number(stage),
            name: stage.name.clone(),
            summary_html: self.markdown(&stage.summary, root),
            actor: stage.actor.clone(),
            duration: Self::duration(stage),
            steps: stage
                .steps
                .iter()
                .enumerate()
                .map(|(n, step)| StepView {
                    number: n + 1,
                    title: step.title.clone(),
                    text_html: step.text.as_ref().map(|t| self.markdown(t, root)),
                    actor: step.actor.clone(),
                })
                .collect(),
            on_failure: stage
                .on_failure
                .iter()
                .map(|f| FailureView {
                    when: f.when.clone(),
                    then_html: self.markdown(&f.then, root),
                    back_to: f
                        .back_to
                        .as_ref()
                        .and_then(|id| self.stages.get(id.as_str()))
                        .map(|s| self.stage_link(s, root)),
                })
                .collect(),
            materials: stage
                .materials
                .iter()
                .filter_map(|id| self.materials.get(id.as_str()))
                .map(|m| self.material_view(m, root))
                .collect(),
            material_groups: self.stage_material_groups(stage, root),
            subjects: self.subject_groups(root).into_iter().flat_map(|g| g.subjects).collect(),
            deadlines: self
                .deadline_views(root)
                .into_iter()
                .filter(|d| stage.deadlines.iter().any(|id| id.as_str() == d.id))
                .collect(),
            notification: stage.notification.clone(),
            tips_html: self.markdown_all(&stage.tips, root),
            confidence: stage.confidence,
            source: self.source_link(&stage.source, root),
            history: self.item_history(ItemKind::Stage, stage.id.as_str(), root),
            journey: self.step_views(root, Some(stage.id.as_str())),
            overview: format!("{root}{STAGES_INDEX}"),
            related: self.stage_related(stage, root),
        }
    }

    /// A stage's materials grouped by who may need them (their `subjects:` and those of their
    /// conditions): those for everyone first, then each audience in the order it first appears;
    /// each group in the stage's order, its shared source once.
    fn stage_material_groups(&self, stage: &Stage, root: &str) -> Vec<StageMaterialGroup> {
        let mut keys: Vec<String> = Vec::new();
        let mut groups: Vec<Vec<MaterialView>> = Vec::new();
        let views: Vec<MaterialView> = stage
            .materials
            .iter()
            .filter_map(|id| self.materials.get(id.as_str()))
            .map(|m| self.material_view(m, root))
            .collect();
        let (everyone, some): (Vec<MaterialView>, Vec<MaterialView>) =
            views.into_iter().partition(|m| m.subject_ids.is_empty());
        for view in everyone.into_iter().chain(some) {
            let at = keys.iter().position(|k| *k == view.subject_ids).unwrap_or_else(|| {
                keys.push(view.subject_ids.clone());
                groups.push(Vec::new());
                keys.len() - 1
            });
            groups[at].push(view);
        }
        keys.into_iter()
            .zip(groups)
            .map(|(key, mut items)| StageMaterialGroup {
                audience: self.audience_of(&key),
                source: Self::share_source(&mut items),
                items,
            })
            .collect()
    }

    /// Names for a set of subject types (space-separated ids, as `subject_ids` writes them): none
    /// for everyone; the name of the group that has exactly these members; else each one's name.
    fn audience_of(&self, ids: &str) -> Vec<String> {
        if ids.is_empty() {
            return Vec::new();
        }
        let wanted: Vec<&str> = ids.split(' ').collect();
        let members = |group: &str| -> Vec<&str> {
            self.content
                .subjects
                .iter()
                .filter(|s| s.groups.iter().any(|g| g.as_str() == group))
                .map(|s| s.id.as_str())
                .collect()
        };
        if let Some(group) = self
            .content
            .subject_groups
            .iter()
            .find(|g| members(g.id.as_str()) == wanted)
        {
            return vec![group.name.clone()];
        }
        self.content
            .subjects
            .iter()
            .filter(|s| wanted.contains(&s.id.as_str()))
            .map(|s| s.name.clone())
            .collect()
    }

    pub(super) fn stage_link(&self, stage: &Stage, root: &str) -> LinkView {
        LinkView {
            title: stage.name.clone(),
            href: format!("{root}{}", stage_href(stage)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{id, minimal, today};
    use super::*;

    fn names(links: &[Option<&LinkView>]) -> Vec<Option<(String, String)>> {
        links
            .iter()
            .map(|l| l.map(|l| (l.title.clone(), l.href.clone())))
            .collect()
    }

    #[test]
    fn each_stage_page_links_to_the_stage_before_and_the_stage_after_it() {
        let model = minimal();
        let pages = Planner::new(&model, today()).stage_pages();
        let paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            ["stages/prepare.html", "stages/fill-in.html", "stages/review.html"]
        );
        let prev: Vec<Option<&LinkView>> = pages.iter().map(|p| p.prev.as_ref()).collect();
        let next: Vec<Option<&LinkView>> = pages.iter().map(|p| p.next.as_ref()).collect();
        let link = |title: &str, href: &str| Some((title.to_string(), href.to_string()));
        assert_eq!(
            names(&prev),
            [
                None,
                link("Before you start", "../stages/prepare.html"),
                link("Fill in", "../stages/fill-in.html")
            ]
        );
        assert_eq!(
            names(&next),
            [
                link("Fill in", "../stages/fill-in.html"),
                link("Review", "../stages/review.html"),
                None
            ]
        );
    }

    #[test]
    fn a_failure_links_back_to_the_stage_it_sends_the_filer_to() {
        let model = minimal();
        let pages = Planner::new(&model, today()).stage_pages();
        let PageData::Stage(review) = &pages[2].data else {
            panic!("a stage page")
        };
        let back_to = review.on_failure[0].back_to.as_ref().expect("a stage to go back to");
        assert_eq!(
            (back_to.title.as_str(), back_to.href.as_str()),
            ("Fill in", "../stages/fill-in.html")
        );
        assert_eq!(review.on_failure[0].when, "Rejected");
    }

    #[test]
    fn a_stage_page_marks_itself_in_the_journey_and_links_the_pages_that_belong_to_it() {
        use crate::yaml::Spanned;
        let mut model = minimal();
        model.content.stages[1].guides = vec![Spanned::detached("sub/second".to_string())];
        model.content.stages[1].forms = vec![Spanned::detached("verification-person".to_string())];
        let planner = Planner::new(&model, today());
        let pages = planner.stage_pages();
        let PageData::Stage(fill_in) = &pages[1].data else {
            panic!("a stage page")
        };
        let current: Vec<(&str, bool)> = fill_in
            .journey
            .iter()
            .flat_map(|step| &step.stages)
            .map(|s| (s.id.as_str(), s.current))
            .collect();
        assert_eq!(current, [("prepare", false), ("fill-in", true), ("review", false)]);
        assert_eq!(fill_in.journey[1].stages[0].steps, ["Subject"]);
        assert_eq!(fill_in.overview, "../stages/index.html");
        let related = &fill_in.related;
        let links = |l: &[LinkView]| l.iter().map(|l| (l.title.clone(), l.href.clone())).collect::<Vec<_>>();
        assert_eq!(
            links(&related.guides),
            [("Second guide".to_string(), "../guides/sub/second.html".to_string())]
        );
        assert_eq!(related.forms[0].href, "../forms/verification-person.html");
        assert_eq!(
            related.checklist.as_deref(),
            Some("../checklists/index.html"),
            "it uses materials"
        );
        assert_eq!(related.timeline, None, "no duration, and no timeline without holidays");
        let PageData::Stage(prepare) = &pages[0].data else {
            panic!("a stage page")
        };
        assert!(prepare.related.checklist.is_none() && prepare.related.guides.is_empty());
    }

    #[test]
    fn the_overview_is_the_stages_section_page_with_every_stage() {
        let model = minimal();
        let page = Planner::new(&model, today()).stages_index_page();
        assert_eq!((page.path.as_str(), page.section), ("stages/index.html", "stages"));
        let PageData::StagesIndex(data) = &page.data else {
            panic!("the overview")
        };
        let ids: Vec<&str> = data
            .steps
            .iter()
            .flat_map(|s| &s.stages)
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(ids, ["prepare", "fill-in", "review"]);
        assert!(data.steps.iter().flat_map(|s| &s.stages).all(|s| !s.current));
    }

    #[test]
    fn a_duration_is_exact_only_when_its_least_and_most_agree() {
        let mut model = minimal();
        let review = Planner::duration(&model.content.stages[2]).expect("review has a duration");
        assert_eq!((review.min, review.max, review.exact), (1, 2, false));
        assert!(
            Planner::duration(&model.content.stages[0]).is_none(),
            "prepare has none"
        );
        let duration = model.content.stages[2].duration.as_mut().expect("a duration");
        duration.min.value = 2;
        let review = Planner::duration(&model.content.stages[2]).expect("review has a duration");
        assert_eq!((review.min, review.max, review.exact), (2, 2, true));
    }

    #[test]
    fn a_stage_lists_its_materials_in_the_order_it_names_them() {
        let mut model = minimal();
        model.content.stages[1].materials.reverse();
        let planner = Planner::new(&model, today());
        let summary = planner.stage_summary(&model.content.stages[1], "");
        assert_eq!(summary.href, "stages/fill-in.html");
        let pages = planner.stage_pages();
        let PageData::Stage(fill_in) = &pages[1].data else {
            panic!("a stage page")
        };
        let ids: Vec<&str> = fill_in.materials.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["residence", "licence", "id_card"]);
        assert_eq!(fill_in.steps[0].number, 1, "steps are numbered from 1");
    }
    #[test]
    fn a_stage_groups_its_materials_by_who_may_need_them_everyone_first() {
        let mut model = minimal();
        model.content.stages[1].materials.push(id("form"));
        let planner = Planner::new(&model, today());
        let view = planner.stage_view(&model.content.stages[1], "../");
        let groups: Vec<(Vec<&str>, Vec<&str>)> = view
            .material_groups
            .iter()
            .map(|g| {
                (
                    g.audience.iter().map(String::as_str).collect(),
                    g.items.iter().map(|m| m.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            groups,
            [
                (vec![], vec!["form"]),
                (vec!["People"], vec!["id_card", "residence"]),
                (vec!["Organisations"], vec!["licence"])
            ]
        );
        assert!(view.material_groups[1].source.is_some(), "both cite the notice");
        let subjects: Vec<&str> = view.subjects.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(subjects, ["person", "company"]);
    }
}
