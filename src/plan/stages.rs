//! Planning the stage pages (one per stage, each linked to the stages before and after it) and
//! the stages' summaries for the overview. A stage page lists its materials in the stage's order.

use super::{DurationView, FailureView, LinkView, MaterialRef, Page, PageData, Planner, StageSummary, StageView, StepView};
use crate::model::Stage;

/// The path of a stage's page, from the site root.
pub(super) fn stage_href(stage: &Stage) -> String {
    format!("stages/{}.html", stage.id.as_str())
}

impl Planner<'_> {
    pub(super) fn duration(stage: &Stage) -> Option<DurationView> {
        stage.duration.as_ref().map(|d| DurationView {
            min: d.min.value,
            max: d.max.value,
            unit: d.unit,
            note: d.note.clone(),
            exact: d.min.value == d.max.value,
        })
    }

    pub(super) fn stage_summary(&self, stage: &Stage, root: &str) -> StageSummary {
        StageSummary {
            id: stage.id.value.clone(),
            number: stage.number.value,
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
                    provider: m.provider,
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
        StageView {
            id: stage.id.value.clone(),
            number: stage.number.value,
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
            notification: stage.notification.clone(),
            tips_html: self.markdown_all(&stage.tips, root),
            confidence: stage.confidence,
            source: self.source_link(&stage.source, root),
        }
    }

    pub(super) fn stage_link(&self, stage: &Stage, root: &str) -> LinkView {
        LinkView {
            title: stage.name.clone(),
            href: format!("{root}{}", stage_href(stage)),
        }
    }
}
