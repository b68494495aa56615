//! Planning the checklists: one page per subject type listing every material it may need, grouped
//! under the first stage that uses each, with the questions that can narrow it; and the index
//! with every subject and the whole questionnaire. A material is never listed twice.

use std::collections::HashSet;

use super::{
    ChecklistData, ChecklistGroup, ChecklistIndexData, LinkView, MaterialView, Page, PageData, Planner,
    QuestionView, SubjectGroups, SubjectSummary,
};
use crate::model::{Condition, Material, Subject, SubjectKind};

impl Planner<'_> {
    /// A material as stage pages and checklists show it, its conditions written out.
    pub(super) fn material_view(&self, material: &Material, root: &str) -> MaterialView {
        MaterialView {
            id: material.id.value.clone(),
            name: material.name.clone(),
            description_html: self.markdown(&material.description, root),
            tips_html: self.markdown_all(&material.tips, root),
            provider: material.provider,
            conditions: material
                .when
                .iter()
                .filter_map(|id| self.conditions.get(id.as_str()))
                .map(|c| c.label.clone())
                .collect(),
            condition_ids: material.when.iter().map(|id| id.as_str()).collect::<Vec<_>>().join(" "),
            confidence: material.confidence,
            source: self.source_link(&material.source, root),
        }
    }

    fn subject_summary(subject: &Subject, root: &str) -> SubjectSummary {
        SubjectSummary {
            id: subject.id.value.clone(),
            name: subject.name.clone(),
            kind: subject.kind,
            certificates: subject.certificates.clone(),
            href: format!("{root}checklists/{}.html", subject.id.as_str()),
        }
    }

    pub(super) fn subject_groups(&self, root: &str) -> SubjectGroups {
        let of_kind = |kind| {
            self.content
                .subjects
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| Self::subject_summary(s, root))
                .collect()
        };
        SubjectGroups {
            individual: of_kind(SubjectKind::Individual),
            organisation: of_kind(SubjectKind::Organisation),
        }
    }

    /// The questions about conditions that pass `relevant`, in the order of conditions.yaml.
    fn questions(&self, relevant: impl Fn(&Condition) -> bool) -> Vec<QuestionView> {
        self.content
            .conditions
            .iter()
            .filter(|c| c.question.is_some() && relevant(c))
            .map(|c| QuestionView {
                id: c.id.value.clone(),
                question: c.question.clone().unwrap_or_default(),
                options: c.options.clone(),
                kinds: c
                    .kinds
                    .iter()
                    .map(|k| match k {
                        SubjectKind::Individual => "individual",
                        SubjectKind::Organisation => "organisation",
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect()
    }

    pub(super) fn checklist_index_page(&self) -> Page {
        let data = ChecklistIndexData {
            subjects: self.subject_groups("../"),
            questions: self.questions(|_| true),
        };
        self.page(
            "checklists/index.html".into(),
            "checklists.html",
            "checklists",
            "checklists",
            None,
            PageData::ChecklistIndex(data),
        )
    }

    /// Does `subject` ever need `material` (whatever the conditions)?
    fn needs(subject: &Subject, material: &Material) -> bool {
        (material.kinds.is_empty() || material.kinds.contains(&subject.kind))
            && (material.subjects.is_empty() || material.subjects.iter().any(|s| s.as_str() == subject.id.as_str()))
    }

    pub(super) fn checklist_pages(&self) -> Vec<Page> {
        self.content
            .subjects
            .iter()
            .map(|subject| {
                let path = format!("checklists/{}.html", subject.id.as_str());
                self.page(
                    path,
                    "checklist.html",
                    "checklist",
                    "checklists",
                    Some(subject.name.clone()),
                    PageData::Checklist(self.checklist(subject, "../")),
                )
            })
            .collect()
    }

    fn checklist(&self, subject: &Subject, root: &str) -> ChecklistData {
        let groups = self.checklist_groups(subject, root);
        let count = groups.iter().map(|g| g.items.len()).sum();
        let always_count = groups
            .iter()
            .flat_map(|g| &g.items)
            .filter(|m| m.conditions.is_empty())
            .count();
        let form = self
            .content
            .forms
            .iter()
            .find(|f| f.kind == subject.kind)
            .map(|f| LinkView {
                title: f.title.clone(),
                href: format!("{root}forms/{}.html", f.id.as_str()),
            });
        ChecklistData {
            subject: Self::subject_summary(subject, root),
            note_html: subject.note.as_ref().map(|n| self.markdown(n, root)),
            confidence: subject.confidence,
            groups,
            count,
            always_count,
            form,
            storage_key: format!("guidegen:{}:checklist:{}", self.content.site.title, subject.id.as_str()),
            questions: self.questions(|condition| {
                let used = self.content.materials.iter().filter(|m| Self::needs(subject, m));
                let asked = used
                    .flat_map(|m| &m.when)
                    .any(|id| id.as_str() == condition.id.as_str());
                asked && (condition.kinds.is_empty() || condition.kinds.contains(&subject.kind))
            }),
        }
    }

    /// The subject's materials grouped under the first stage that uses each, in stage order.
    fn checklist_groups(&self, subject: &Subject, root: &str) -> Vec<ChecklistGroup> {
        let needed: Vec<&Material> = self
            .content
            .materials
            .iter()
            .filter(|m| Self::needs(subject, m))
            .collect();
        let mut placed = HashSet::new();
        let mut groups = Vec::new();
        for stage in &self.content.stages {
            let items: Vec<MaterialView> = stage
                .materials
                .iter()
                .filter_map(|id| needed.iter().find(|m| m.id.as_str() == id.as_str()))
                .filter(|m| placed.insert(m.id.as_str()))
                .map(|m| self.material_view(m, root))
                .collect();
            if !items.is_empty() {
                groups.push(ChecklistGroup {
                    stage: Some(self.stage_link(stage, root)),
                    stage_number: Some(stage.number.value),
                    items,
                });
            }
        }
        let rest: Vec<MaterialView> = needed
            .iter()
            .filter(|m| !placed.contains(m.id.as_str()))
            .map(|m| self.material_view(m, root))
            .collect();
        if !rest.is_empty() {
            groups.push(ChecklistGroup {
                stage: None,
                stage_number: None,
                items: rest,
            });
        }
        groups
    }
}
