//! Planning the printable forms: one page per form, sections and fields numbered and given room
//! to write by hand (1 to 20 ruled lines a field), and the index listing them.

use super::{FieldView, FormIndexData, FormSectionView, FormSummary, FormView, Page, PageData, Planner};
use crate::model::history::ItemKind;
use crate::model::{Form, FormField};

/// The most ruled lines a field gets, whatever the content asks (a page must still fit).
const MAX_LINES: u32 = 20;

impl Planner<'_> {
    pub(super) fn form_summaries(&self, root: &str) -> Vec<FormSummary> {
        self.content
            .forms
            .iter()
            .map(|f| FormSummary {
                title: f.title.clone(),
                audience: self.form_audience(f),
                href: format!("{root}forms/{}.html", f.id.as_str()),
            })
            .collect()
    }

    /// Who files `form`, by name: the subject types and groups it says it is for; else the groups
    /// that name it; else the subject types that name it.
    fn form_audience(&self, form: &Form) -> Vec<String> {
        if !form.subjects.is_empty() {
            return self.audience_names(&form.subjects);
        }
        let names = |forms: &[crate::model::Id]| forms.iter().any(|id| id.as_str() == form.id.as_str());
        let groups: Vec<String> = self
            .content
            .subject_groups
            .iter()
            .filter(|g| names(&g.forms))
            .map(|g| g.name.clone())
            .collect();
        if !groups.is_empty() {
            return groups;
        }
        self.content
            .subjects
            .iter()
            .filter(|s| names(&s.forms))
            .map(|s| s.name.clone())
            .collect()
    }

    pub(super) fn form_index_page(&self) -> Page {
        let data = FormIndexData {
            forms: self.form_summaries("../"),
        };
        self.page(
            "forms/index.html".into(),
            "forms.html",
            "forms",
            "forms",
            None,
            PageData::FormIndex(data),
        )
    }

    pub(super) fn form_pages(&self) -> Vec<Page> {
        self.content
            .forms
            .iter()
            .map(|form| {
                let path = format!("forms/{}.html", form.id.as_str());
                self.page(
                    path,
                    "form.html",
                    "form",
                    "forms",
                    Some(form.title.clone()),
                    PageData::Form(Box::new(self.form_view(form, "../"))),
                )
            })
            .collect()
    }

    fn form_view(&self, form: &Form, root: &str) -> FormView {
        FormView {
            id: form.id.value.clone(),
            title: form.title.clone(),
            intro_html: form.intro.as_ref().map(|t| self.markdown(t, root)),
            sections: form
                .sections
                .iter()
                .enumerate()
                .map(|(n, section)| FormSectionView {
                    number: n + 1,
                    title: section.title.clone(),
                    fields: section.fields.iter().map(field_view).collect(),
                })
                .collect(),
            declaration_html: form.declaration.as_ref().map(|t| self.markdown(t, root)),
            sign_boxes: form.sign_boxes.clone(),
            confidence: form.confidence,
            source: self.source_link(&form.source, root),
            history: self.item_history(ItemKind::Form, form.id.as_str(), root),
        }
    }
}

fn field_view(field: &FormField) -> FieldView {
    FieldView {
        label: field.label.clone(),
        kind: field.kind,
        lines: (1..=field.lines.as_ref().map_or(1, |l| l.value.clamp(1, MAX_LINES))).collect(),
        options: field.options.clone(),
        hint: field.hint.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{minimal, today};
    use super::*;
    use crate::model::Model;

    /// The ruled lines of each field of the fixture's form.
    fn lines(model: &Model) -> Vec<(String, usize)> {
        let pages = Planner::new(model, today()).form_pages();
        let PageData::Form(form) = &pages[0].data else {
            panic!("a form page")
        };
        form.sections[0]
            .fields
            .iter()
            .map(|f| (f.label.clone(), f.lines.len()))
            .collect()
    }

    #[test]
    fn a_field_gets_one_ruled_line_unless_it_asks_for_more_and_never_over_twenty() {
        let mut model = minimal();
        let counted = |pairs: &[(&str, usize)]| -> Vec<(String, usize)> {
            pairs.iter().map(|(label, n)| (label.to_string(), *n)).collect()
        };
        assert_eq!(
            lines(&model),
            counted(&[("Name", 1), ("ID type", 1), ("About", 3), ("Valid until", 1)])
        );
        let about = &mut model.content.forms[0].sections[0].fields[2];
        about.lines.as_mut().expect("About asks for lines").value = 99;
        assert_eq!(lines(&model)[2], ("About".to_string(), 20));
        let about = &mut model.content.forms[0].sections[0].fields[2];
        about.lines.as_mut().expect("About asks for lines").value = 0;
        assert_eq!(lines(&model)[2], ("About".to_string(), 1));
    }

    #[test]
    fn a_form_page_numbers_its_sections_and_keeps_its_fields_choices() {
        let mut model = minimal();
        let mut second = model.content.forms[0].sections[0].clone();
        second.title = "Your service".into();
        model.content.forms[0].sections.push(second);
        let pages = Planner::new(&model, today()).form_pages();
        assert_eq!(pages[0].title.as_deref(), Some("Verification form (individual)"));
        let PageData::Form(form) = &pages[0].data else {
            panic!("a form page")
        };
        let sections: Vec<(usize, &str)> = form.sections.iter().map(|s| (s.number, s.title.as_str())).collect();
        assert_eq!(sections, [(1, "You"), (2, "Your service")]);
        assert_eq!(form.sections[0].fields[1].options, ["ID card", "Passport"]);
        assert_eq!(form.sign_boxes.len(), 2);
    }

    #[test]
    fn form_summaries_link_each_form_from_the_pages_root() {
        let model = minimal();
        let planner = Planner::new(&model, today());
        let summaries = planner.form_summaries("");
        assert_eq!(summaries.len(), 1);
        assert_eq!(summaries[0].href, "forms/verification-person.html");
        assert_eq!(summaries[0].audience, ["People"], "the group that names it");
        let index = planner.form_index_page();
        let PageData::FormIndex(data) = &index.data else {
            panic!("the forms index")
        };
        assert_eq!(data.forms[0].href, "../forms/verification-person.html");
    }
}
