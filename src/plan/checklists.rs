//! Planning the checklists: one page per subject type listing every material it may need, grouped
//! under the first stage that uses each, with the questions that can narrow it; and the index
//! with every subject and the whole questionnaire. A material is never listed twice.

use crate::model::history::ItemKind;
use std::collections::HashSet;

use super::{
    ChecklistData, ChecklistGroup, ChecklistIndexData, LinkView, MaterialView, Page, PageData, Planner, ProviderView,
    QuestionView, SubjectGroupView, SubjectSummary,
};
use crate::model::{Condition, Form, Id, Material, Model, Subject, SubjectGroup};

impl Planner<'_> {
    /// The forms `subject` files: those it names; else those its groups name (in the order of its
    /// groups, each once); else the forms that say they are for it or one of its groups.
    pub(super) fn forms_of(&self, subject: &Subject) -> Vec<&Form> {
        let by_id = |ids: &mut dyn Iterator<Item = &Id>| -> Vec<&Form> {
            let mut forms: Vec<&Form> = Vec::new();
            for id in ids {
                if let Some(form) = self.content.forms.iter().find(|f| f.id.as_str() == id.as_str()) {
                    if !forms.iter().any(|f| f.id.as_str() == form.id.as_str()) {
                        forms.push(form);
                    }
                }
            }
            forms
        };
        if !subject.forms.is_empty() {
            return by_id(&mut subject.forms.iter());
        }
        let from_groups = by_id(&mut self.groups_of(subject).flat_map(|g| &g.forms));
        if !from_groups.is_empty() {
            return from_groups;
        }
        self.content
            .forms
            .iter()
            .filter(|f| !f.subjects.is_empty() && Model::covers(&f.subjects, subject))
            .collect()
    }

    /// The groups `subject` belongs to, in the order it lists them.
    pub(super) fn groups_of<'s>(&'s self, subject: &'s Subject) -> impl Iterator<Item = &'s SubjectGroup> + 's {
        subject.groups.iter().filter_map(|id| {
            self.content
                .subject_groups
                .iter()
                .find(|g| g.id.as_str() == id.as_str())
        })
    }

    /// The ids of the subject types a list of subjects and groups takes in, space-separated;
    /// empty when it takes in everyone.
    pub(super) fn subject_ids(&self, ids: &[Id]) -> String {
        if ids.is_empty() {
            return String::new();
        }
        self.content
            .subjects
            .iter()
            .filter(|s| Model::covers(ids, s))
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The names of the subject types and groups in `ids`, in the order written.
    pub(super) fn audience_names(&self, ids: &[Id]) -> Vec<String> {
        ids.iter()
            .filter_map(|id| {
                let subject = self.content.subjects.iter().find(|s| s.id.as_str() == id.as_str());
                let group = self
                    .content
                    .subject_groups
                    .iter()
                    .find(|g| g.id.as_str() == id.as_str());
                subject
                    .map(|s| s.name.clone())
                    .or_else(|| group.map(|g| g.name.clone()))
            })
            .collect()
    }

    /// Who provides `material` (validate made sure the provider exists).
    pub(super) fn provider_view(&self, material: &Material) -> ProviderView {
        let provider = self.providers.get(material.provider.as_str());
        ProviderView {
            id: material.provider.value.clone(),
            name: provider.map(|p| p.name.clone()).unwrap_or_default(),
            filer: provider.is_some_and(|p| p.filer),
        }
    }

    /// A material as stage pages and checklists show it, its conditions written out.
    pub(super) fn material_view(&self, material: &Material, root: &str) -> MaterialView {
        MaterialView {
            id: material.id.value.clone(),
            name: material.name.clone(),
            description_html: self.markdown(&material.description, root),
            tips_html: self.markdown_all(&material.tips, root),
            provider: self.provider_view(material),
            conditions: material
                .when
                .iter()
                .filter_map(|id| self.conditions.get(id.as_str()))
                .map(|c| c.label.clone())
                .collect(),
            condition_ids: material
                .when
                .iter()
                .map(super::super::yaml::Spanned::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            confidence: material.confidence,
            source: self.source_link(&material.source, root),
            history: self.item_history(ItemKind::Material, material.id.as_str(), root),
            version: material_version(material),
            subject_ids: if material.subjects.is_empty() && self.conditions_of(material).all(|c| c.subjects.is_empty())
            {
                String::new()
            } else {
                self.content
                    .subjects
                    .iter()
                    .filter(|s| self.may_need(s, material))
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            roles: if material.same_as.is_empty() {
                Vec::new()
            } else {
                std::iter::once(material.name.clone())
                    .chain(
                        material
                            .same_as
                            .iter()
                            .filter_map(|id| self.materials.get(id.as_str()))
                            .map(|m| m.name.clone()),
                    )
                    .collect()
            },
            same_as_ids: material
                .same_as
                .iter()
                .map(super::super::yaml::Spanned::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// The conditions `material` names in `when:` (validate made sure they exist).
    fn conditions_of<'m>(&'m self, material: &'m Material) -> impl Iterator<Item = &'m Condition> + 'm {
        material
            .when
            .iter()
            .filter_map(|id| self.conditions.get(id.as_str()).copied())
    }

    /// Can `subject` ever need `material`? It must be for the subject, and each of its conditions
    /// must be one the subject can meet: a condition for other subject types never holds for
    /// this one (e.g. a question about a legal representative, for a sole trader who has none).
    pub(super) fn may_need(&self, subject: &Subject, material: &Material) -> bool {
        Model::covers(&material.subjects, subject)
            && self
                .conditions_of(material)
                .all(|c| Model::covers(&c.subjects, subject))
    }

    /// The source every material of `items` cites, when they all cite the same one; the items
    /// then lose theirs, so that the page shows it once for the group.
    pub(super) fn share_source(items: &mut [MaterialView]) -> Option<LinkView> {
        let first = items.first()?.source.clone()?;
        if items.len() < 2
            || !items
                .iter()
                .all(|m| m.source.as_ref().is_some_and(|s| s.href == first.href))
        {
            return None;
        }
        for item in items.iter_mut() {
            item.source = None;
        }
        Some(first)
    }

    fn subject_summary(&self, subject: &Subject, root: &str) -> SubjectSummary {
        SubjectSummary {
            id: subject.id.value.clone(),
            name: subject.name.clone(),
            group: self.groups_of(subject).next().map(|g| g.name.clone()),
            certificates: subject.certificates.clone(),
            href: format!("{root}checklists/{}.html", subject.id.as_str()),
        }
    }

    /// The subject types under the first group each names, groups in the order of `groups:`;
    /// those in no group last, under no heading.
    pub(super) fn subject_groups(&self, root: &str) -> Vec<SubjectGroupView> {
        let first_group = |s: &Subject| s.groups.first().map(|g| g.as_str().to_string());
        let mut views: Vec<SubjectGroupView> = self
            .content
            .subject_groups
            .iter()
            .map(|group| SubjectGroupView {
                name: Some(group.name.clone()),
                subjects: self
                    .content
                    .subjects
                    .iter()
                    .filter(|s| first_group(s).as_deref() == Some(group.id.as_str()))
                    .map(|s| self.subject_summary(s, root))
                    .collect(),
            })
            .filter(|g| !g.subjects.is_empty())
            .collect();
        let ungrouped: Vec<SubjectSummary> = self
            .content
            .subjects
            .iter()
            .filter(|s| s.groups.is_empty())
            .map(|s| self.subject_summary(s, root))
            .collect();
        if !ungrouped.is_empty() {
            views.push(SubjectGroupView {
                name: None,
                subjects: ungrouped,
            });
        }
        views
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
                subjects: self.subject_ids(&c.subjects),
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
        let forms = self
            .forms_of(subject)
            .into_iter()
            .map(|f| LinkView {
                title: f.title.clone(),
                href: format!("{root}forms/{}.html", f.id.as_str()),
            })
            .collect();
        ChecklistData {
            subject: self.subject_summary(subject, root),
            note_html: subject.note.as_ref().map(|n| self.markdown(n, root)),
            confidence: subject.confidence,
            groups,
            count,
            always_count,
            forms,
            storage_key: format!("guidegen:{}:checklist:{}", self.content.site.title, subject.id.as_str()),
            questions: self.questions(|condition| {
                let used = self.content.materials.iter().filter(|m| self.may_need(subject, m));
                let asked = used
                    .flat_map(|m| &m.when)
                    .any(|id| id.as_str() == condition.id.as_str());
                asked && Model::covers(&condition.subjects, subject)
            }),
        }
    }

    /// The subject's materials grouped under the first stage that uses each, in stage order. A
    /// material that another one needed here declares the same document (`same_as:`) is not
    /// listed: it is one of that one's roles, its tips added to that one's.
    fn checklist_groups(&self, subject: &Subject, root: &str) -> Vec<ChecklistGroup> {
        let may: Vec<&Material> = self
            .content
            .materials
            .iter()
            .filter(|m| self.may_need(subject, m))
            .collect();
        let merged: HashSet<&str> = may
            .iter()
            .flat_map(|m| &m.same_as)
            .map(super::super::yaml::Spanned::as_str)
            .filter(|id| may.iter().any(|m| m.id.as_str() == *id))
            .collect();
        let needed: Vec<&Material> = may.into_iter().filter(|m| !merged.contains(m.id.as_str())).collect();
        let view = |m: &Material| {
            let mut view = self.material_view(m, root);
            for other in m.same_as.iter().filter_map(|id| self.materials.get(id.as_str())) {
                for tip in self.markdown_all(&other.tips, root) {
                    if !view.tips_html.contains(&tip) {
                        view.tips_html.push(tip);
                    }
                }
            }
            view
        };
        let mut placed = HashSet::new();
        let mut groups = Vec::new();
        for stage in self
            .content
            .stages
            .iter()
            .filter(|s| Model::covers(&s.subjects, subject))
        {
            let items: Vec<MaterialView> = stage
                .materials
                .iter()
                .filter_map(|id| needed.iter().find(|m| m.id.as_str() == id.as_str()))
                .filter(|m| placed.insert(m.id.as_str()))
                .map(|m| view(m))
                .collect();
            if !items.is_empty() {
                let mut items = items;
                groups.push(ChecklistGroup {
                    stage: Some(self.stage_link(stage, root)),
                    stage_number: Some(self.stage_number(stage)),
                    source: Self::share_source(&mut items),
                    items,
                });
            }
        }
        let mut rest: Vec<MaterialView> = needed
            .iter()
            .filter(|m| !placed.contains(m.id.as_str()))
            .map(|m| view(m))
            .collect();
        if !rest.is_empty() {
            groups.push(ChecklistGroup {
                stage: None,
                stage_number: None,
                source: Self::share_source(&mut rest),
                items: rest,
            });
        }
        groups
    }
}

/// A material's version, stored with a reader's tick so that the checklist can tell what changed
/// since (its reader: `changesSince` in `themes/default/static/ticks.js`, which compares versions
/// and never recomputes one). A fingerprint of what the material says, fields added later
/// included, leaving out what does not change what a reader of one checklist is asked to bring:
/// its id (the key the tick is stored under), the days it is in force (an end announced for
/// later, or a new version that says the same, is no reason to check it again) and the subject
/// types it is for (another subject gaining it changes nothing on this checklist).
fn material_version(material: &Material) -> String {
    let mut value = serde_json::to_value(material).unwrap_or_default();
    if let Some(fields) = value.as_object_mut() {
        for field in ["id", "effective_from", "effective_until", "subjects"] {
            fields.remove(field);
        }
    }
    super::changes::fingerprint(&value)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{id, minimal, today};
    use super::*;
    use crate::model::Model;
    use crate::yaml::Spanned;

    fn checklist(model: &Model, subject: &str) -> ChecklistData {
        let planner = Planner::new(model, today());
        let subject = model
            .content
            .subjects
            .iter()
            .find(|s| s.id.as_str() == subject)
            .expect("a subject of the fixture");
        planner.checklist(subject, "../")
    }

    /// Each group as its stage's name (none for the last group) and its materials' ids.
    fn groups(data: &ChecklistData) -> Vec<(Option<&str>, Vec<&str>)> {
        data.groups
            .iter()
            .map(|g| {
                let stage = g.stage.as_ref().map(|s| s.title.as_str());
                (stage, g.items.iter().map(|m| m.id.as_str()).collect())
            })
            .collect()
    }

    fn questions(data: &ChecklistData) -> Vec<&str> {
        data.questions.iter().map(|q| q.id.as_str()).collect()
    }

    #[test]
    fn a_materials_version_is_the_same_in_every_build_and_changes_when_what_it_says_changes() {
        // The hash itself is fixed (FNV-1a of the JSON `"a"`), so every machine and build
        // writes the same version for the same words.
        assert_eq!(super::super::changes::fingerprint(&"a"), "d4272417d7c7");
        let model = minimal();
        let material = &model.content.materials[0];
        let version = material_version(material);
        assert_eq!(version.len(), 12);
        assert!(version.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(material_version(&material.clone()), version, "a copy says the same");
        assert_eq!(
            checklist(&model, "person").groups[0].items[0].version,
            version,
            "the checklist hands the template this version"
        );

        let changed = |edit: &dyn Fn(&mut Material)| {
            let mut other = material.clone();
            edit(&mut other);
            material_version(&other)
        };
        for (field, edit) in [
            ("name", &(|m: &mut Material| m.name.push('!')) as &dyn Fn(&mut Material)),
            ("description", &|m: &mut Material| m.description = "Both sides.".into()),
            ("tips", &|m: &mut Material| m.tips.push("In colour.".into())),
            ("provider", &|m: &mut Material| m.provider = id("office")),
            ("when", &|m: &mut Material| m.when.push(id("non_local"))),
        ] {
            assert_ne!(changed(edit), version, "a change of its {field}");
        }
        for (field, edit) in [
            (
                "effective_until",
                &(|m: &mut Material| m.effective_until = Some(Spanned::detached("2027-01-01".into())))
                    as &dyn Fn(&mut Material),
            ),
            ("effective_from", &|m: &mut Material| {
                m.effective_from = Some(Spanned::detached("2020-01-01".into()));
            }),
            ("subjects", &|m: &mut Material| m.subjects.push(id("company"))),
        ] {
            assert_eq!(changed(edit), version, "its {field} says nothing new to this checklist");
        }
    }

    #[test]
    fn a_checklist_groups_its_subjects_materials_under_the_stages_that_use_them() {
        let model = minimal();
        let person = checklist(&model, "person");
        assert_eq!(
            groups(&person),
            [
                (Some("Fill in"), vec!["id_card", "residence"]),
                (Some("Review"), vec!["form"])
            ]
        );
        assert_eq!(person.groups[0].stage_number, Some(1));
        assert_eq!(
            (person.count, person.always_count),
            (3, 2),
            "the residence permit has a condition"
        );
        let company = checklist(&model, "company");
        assert_eq!(
            groups(&company),
            [(Some("Fill in"), vec!["licence"]), (Some("Review"), vec!["form"])]
        );
        assert_eq!((company.count, company.always_count), (2, 2));
    }

    #[test]
    fn a_material_is_listed_once_under_its_first_stage_and_unstaged_ones_come_last() {
        let mut model = minimal();
        model.content.stages[1].materials.push(id("form"));
        let mut photo = model.content.materials[3].clone();
        photo.id = id("photo");
        model.content.materials.insert(0, photo);
        let company = checklist(&model, "company");
        assert_eq!(
            groups(&company),
            [(Some("Fill in"), vec!["licence", "form"]), (None, vec!["photo"])]
        );
        assert_eq!(company.groups[1].stage_number, None);
    }

    #[test]
    fn a_material_for_named_subjects_is_left_off_the_others_checklists() {
        let mut model = minimal();
        model.content.materials[3].subjects = vec![id("company")];
        let person = checklist(&model, "person");
        assert_eq!(groups(&person), [(Some("Fill in"), vec!["id_card", "residence"])]);
        let company = checklist(&model, "company");
        assert_eq!(company.count, 2, "the company still needs the form");
    }

    #[test]
    fn a_checklist_asks_only_the_questions_its_materials_depend_on() {
        let mut model = minimal();
        assert_eq!(questions(&checklist(&model, "person")), ["non_local"]);
        assert!(
            questions(&checklist(&model, "company")).is_empty(),
            "no company material depends on it"
        );
        // A condition for individuals only is not asked of a company, even if a material it
        // needs names it.
        model.content.materials[1].when = vec![id("non_local")];
        assert!(questions(&checklist(&model, "company")).is_empty());
        // A condition without a question is never asked.
        model.content.conditions[0].question = None;
        assert!(questions(&checklist(&model, "person")).is_empty());
    }

    #[test]
    fn the_checklists_index_asks_every_question_of_the_subject_types_it_is_for() {
        let model = minimal();
        let page = Planner::new(&model, today()).checklist_index_page();
        let PageData::ChecklistIndex(data) = &page.data else {
            panic!("the checklists index")
        };
        let asked: Vec<(&str, &str)> = data
            .questions
            .iter()
            .map(|q| (q.id.as_str(), q.subjects.as_str()))
            .collect();
        assert_eq!(
            asked,
            [("non_local", "person")],
            "the group `people` is the subject `person`"
        );
        let groups: Vec<(Option<&str>, Vec<&str>)> = data
            .subjects
            .iter()
            .map(|g| (g.name.as_deref(), g.subjects.iter().map(|s| s.href.as_str()).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                (Some("People"), vec!["../checklists/person.html"]),
                (Some("Organisations"), vec!["../checklists/company.html"])
            ]
        );
    }

    #[test]
    fn a_material_shows_its_providers_name_from_the_content_and_whether_the_filer_prepares_it() {
        let mut model = minimal();
        model.content.providers[0].name = "Bring it yourself".into();
        let planner = Planner::new(&model, today());
        let views: Vec<ProviderView> = model
            .content
            .materials
            .iter()
            .map(|m| planner.provider_view(m))
            .collect();
        let shown: Vec<(&str, &str, bool)> = views
            .iter()
            .map(|p| (p.id.as_str(), p.name.as_str(), p.filer))
            .collect();
        assert_eq!(
            shown,
            [
                ("filer", "Bring it yourself", true),
                ("filer", "Bring it yourself", true),
                ("filer", "Bring it yourself", true),
                ("platform", "The platform provides it", false)
            ]
        );
    }

    #[test]
    fn a_checklist_links_the_form_for_its_subjects_kind_if_there_is_one() {
        let model = minimal();
        let hrefs = |model: &Model, subject| -> Vec<String> {
            checklist(model, subject).forms.into_iter().map(|f| f.href).collect()
        };
        assert_eq!(hrefs(&model, "person"), ["../forms/verification-person.html"]);
        assert!(hrefs(&model, "company").is_empty(), "no form for organisations");
    }

    #[test]
    fn a_subject_that_names_its_forms_gets_exactly_those_whatever_their_kind() {
        let mut model = minimal();
        let mut second = model.content.forms[0].clone();
        second.id = id("annex");
        model.content.forms.push(second);
        let company = model
            .content
            .subjects
            .iter_mut()
            .find(|s| s.id.as_str() == "company")
            .unwrap();
        company.forms = vec![id("annex"), id("verification-person")];
        let hrefs: Vec<String> = checklist(&model, "company").forms.into_iter().map(|f| f.href).collect();
        assert_eq!(hrefs, ["../forms/annex.html", "../forms/verification-person.html"]);
    }

    #[test]
    fn a_material_shows_its_conditions_written_out_and_their_ids_for_the_script() {
        let model = minimal();
        let planner = Planner::new(&model, today());
        let residence = planner.material_view(&model.content.materials[2], "../");
        assert_eq!(residence.conditions, ["If you file outside the province of your ID"]);
        assert_eq!(residence.condition_ids, "non_local");
        let source = residence.source.expect("it cites the notice");
        assert_eq!(source.href, "../sources.html#source-notice");
        let id_card = planner.material_view(&model.content.materials[0], "../");
        assert!(id_card.conditions.is_empty() && id_card.condition_ids.is_empty());
    }
    #[test]
    fn a_material_another_declares_the_same_document_is_one_of_its_roles_where_both_are_needed() {
        let mut model = minimal();
        model.content.materials[0].same_as = vec![id("form")];
        model.content.materials[3].tips = vec!["Check every line.".into()];
        let person = checklist(&model, "person");
        assert_eq!(
            groups(&person),
            [(Some("Fill in"), vec!["id_card", "residence"])],
            "the form is the ID card here, listed once"
        );
        let card = &person.groups[0].items[0];
        assert_eq!(card.roles, ["ID card", "Verification form"]);
        assert!(
            card.tips_html.iter().any(|t| t.contains("Check every line.")),
            "the form's tips come along: {:?}",
            card.tips_html
        );
        assert_eq!(person.count, 2);
        let company = checklist(&model, "company");
        assert_eq!(
            groups(&company),
            [(Some("Fill in"), vec!["licence"]), (Some("Review"), vec!["form"])],
            "a company needs no ID card, so the form stays an item of its own"
        );
    }

    #[test]
    fn a_material_whose_condition_is_not_asked_of_a_subject_type_is_left_off_its_checklist() {
        let mut model = minimal();
        model.content.materials[3].when = vec![id("non_local")];
        assert_eq!(
            groups(&checklist(&model, "company")),
            [(Some("Fill in"), vec!["licence"])],
            "`non_local` is asked of people only, so it never holds for a company"
        );
        let person = checklist(&model, "person");
        assert_eq!(groups(&person)[1], (Some("Review"), vec!["form"]));
        let planner = Planner::new(&model, today());
        let form = planner.material_view(&model.content.materials[3], "../");
        assert_eq!(
            form.subject_ids, "person",
            "a stage page narrowed to a company hides it too"
        );
        let card = planner.material_view(&model.content.materials[0], "../");
        assert_eq!(card.subject_ids, "person");
        model.content.materials[3].when.clear();
        let planner = Planner::new(&model, today());
        assert_eq!(
            planner.material_view(&model.content.materials[3], "../").subject_ids,
            ""
        );
    }

    #[test]
    fn a_group_whose_items_cite_one_source_shows_it_once() {
        let mut model = minimal();
        let person = checklist(&model, "person");
        let fill_in = &person.groups[0];
        assert_eq!(
            fill_in.source.as_ref().map(|s| s.href.as_str()),
            Some("../sources.html#source-notice")
        );
        assert!(fill_in.items.iter().all(|m| m.source.is_none()));
        assert!(
            person.groups[1].source.is_none() && person.groups[1].items[0].source.is_some(),
            "one item keeps its own source line"
        );
        model.content.materials[2].source = None;
        let person = checklist(&model, "person");
        assert!(person.groups[0].source.is_none(), "not all cite it");
        assert!(person.groups[0].items[0].source.is_some());
    }
}
