//! Planning the stage pages (one per stage, each linked to the stages before and after it) and
//! the stages' summaries for the overview. A stage page lists its materials in the stage's order.

use super::{
    DurationView, FailureView, LinkView, MaterialRef, Page, PageData, Planner, StageSummary, StageView, StepGroupView,
    StepView,
};
use crate::model::history::ItemKind;
use crate::model::{Model, Stage};

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

    /// The stages grouped by step number, each joined to the one before it by `and` or `or`.
    pub(super) fn step_views(&self, root: &str) -> Vec<StepGroupView> {
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
            materials: stage
                .materials
                .iter()
                .filter_map(|id| self.materials.get(id.as_str()))
                .map(|m| MaterialRef {
                    name: m.name.clone(),
                    provider: self.provider_view(m),
                })
                .collect(),
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
        }
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
    use super::super::testing::{minimal, today};
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
        let names: Vec<&str> = summary.materials.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Residence permit", "Business licence", "ID card"]);
        assert_eq!(summary.href, "stages/fill-in.html");
        let pages = planner.stage_pages();
        let PageData::Stage(fill_in) = &pages[1].data else {
            panic!("a stage page")
        };
        let ids: Vec<&str> = fill_in.materials.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["residence", "licence", "id_card"]);
        assert_eq!(fill_in.steps[0].number, 1, "steps are numbered from 1");
    }
}
