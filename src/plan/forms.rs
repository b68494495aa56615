//! Planning the printable forms: one page per form, sections and fields numbered and given room
//! to write by hand (1 to 20 ruled lines a field), and the index listing them.

use super::{FieldView, FormIndexData, FormSectionView, FormSummary, FormView, Page, PageData, Planner};
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
                kind: f.kind,
                href: format!("{root}forms/{}.html", f.id.as_str()),
            })
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
            kind: form.kind,
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
        }
    }
}

fn field_view(field: &FormField) -> FieldView {
    FieldView {
        label: field.label.clone(),
        kind: field.kind,
        lines: (1..=field.lines.as_ref().map(|l| l.value.clamp(1, MAX_LINES)).unwrap_or(1)).collect(),
        options: field.options.clone(),
        hint: field.hint.clone(),
    }
}
