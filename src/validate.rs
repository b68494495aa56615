//! Stage 2: cross-check the loaded content (ids, references, order, dates) and type what is checked.
//! It reports every problem in one pass; it never reads files or renders anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;

use crate::diagnostics::{unknown_id_hint, Diagnostic};
use crate::model::*;
use crate::yaml::Spanned;

const SITE: &str = "content/site.yaml";
const SUBJECTS: &str = "content/subjects.yaml";
const CONDITIONS: &str = "content/conditions.yaml";
const MATERIALS: &str = "content/materials.yaml";
const STAGES: &str = "content/stages.yaml";
const DEADLINES: &str = "content/deadlines.yaml";
const FORMS: &str = "content/forms.yaml";

/// Content whose references all resolve, with its dates parsed.
#[derive(Debug, Clone)]
pub struct Model {
    pub content: Content,
    pub reviewed: NaiveDate,
    /// The date of each deadline, in the order of `content.deadlines`.
    pub deadline_dates: Vec<NaiveDate>,
}

/// Checks `content`; returns the model (when there is no error) and every diagnostic found.
pub fn validate(content: Content) -> (Option<Model>, Vec<Diagnostic>) {
    let mut checker = Checker::default();
    checker.check_ids(&content);
    checker.check_references(&content);
    checker.check_stage_order(&content.stages);
    checker.check_details(&content);
    let reviewed = checker.date(SITE, &content.site.reviewed);
    let deadline_dates: Vec<Option<NaiveDate>> = content
        .deadlines
        .iter()
        .map(|d| checker.date(DEADLINES, &d.date))
        .collect();
    for source in &content.site.sources {
        if let Some(date) = &source.date {
            checker.date(SITE, date);
        }
    }
    let diagnostics = checker.diagnostics;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    let model = Model {
        content,
        reviewed: reviewed.unwrap_or_default(),
        deadline_dates: deadline_dates
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect(),
    };
    (Some(model), diagnostics)
}

#[derive(Default)]
struct Checker {
    diagnostics: Vec<Diagnostic>,
    known: BTreeMap<&'static str, BTreeSet<String>>,
}

impl Checker {
    fn error(
        &mut self,
        file: &str,
        at: &Spanned<String>,
        message: String,
        hint: impl Into<String>,
    ) {
        self.diagnostics.push(
            Diagnostic::error(message)
                .with_span(at.span(Path::new(file)))
                .with_hint(hint),
        );
    }

    fn check_ids(&mut self, content: &Content) {
        self.collect_ids("source", SITE, content.site.sources.iter().map(|s| &s.id));
        self.collect_ids("subject", SUBJECTS, content.subjects.iter().map(|s| &s.id));
        self.collect_ids(
            "condition",
            CONDITIONS,
            content.conditions.iter().map(|c| &c.id),
        );
        self.collect_ids(
            "material",
            MATERIALS,
            content.materials.iter().map(|m| &m.id),
        );
        self.collect_ids("stage", STAGES, content.stages.iter().map(|s| &s.id));
        self.collect_ids(
            "deadline",
            DEADLINES,
            content.deadlines.iter().map(|d| &d.id),
        );
        self.collect_ids("form", FORMS, content.forms.iter().map(|f| &f.id));
    }

    /// Records the ids of one kind, reporting malformed, reserved and duplicate ones.
    fn collect_ids<'a>(
        &mut self,
        kind: &'static str,
        file: &str,
        ids: impl Iterator<Item = &'a Id>,
    ) {
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        for id in ids {
            if !is_valid_id(id) {
                self.error(
                    file,
                    id,
                    format!("`{}` is not a valid {kind} id", id.as_str()),
                    "ids use lower-case letters a-z, digits, `-` and `_`, and start with a letter or digit",
                );
            } else if id.as_str() == "index" {
                self.error(
                    file,
                    id,
                    format!("`index` cannot be a {kind} id"),
                    "`index` names the section's own page; choose another id",
                );
            }
            if let Some(first_line) = seen.get(id.as_str()) {
                let message = format!("duplicate {kind} id `{}`", id.as_str());
                self.error(
                    file,
                    id,
                    message,
                    format!("the same id is already used on line {first_line}; ids must be unique"),
                );
            } else {
                seen.insert(id.value.clone(), id.line);
            }
        }
        self.known.insert(kind, seen.into_keys().collect());
    }

    /// Reports `reference` unless it names a known id of `kind`.
    fn reference(&mut self, kind: &'static str, file: &str, reference: &Id) {
        let known = self.known.get(kind).cloned().unwrap_or_default();
        if !known.contains(reference.as_str()) {
            let hint = if known.is_empty() {
                format!("no {kind} is defined yet")
            } else {
                unknown_id_hint(reference.as_str(), known.iter().map(String::as_str))
            };
            self.error(
                file,
                reference,
                format!("unknown {kind} `{}`", reference.as_str()),
                hint,
            );
        }
    }

    fn optional_source(&mut self, file: &str, source: &Option<Id>) {
        if let Some(source) = source {
            self.reference("source", file, source);
        }
    }

    fn check_references(&mut self, content: &Content) {
        for subject in &content.subjects {
            self.optional_source(SUBJECTS, &subject.source);
        }
        for condition in &content.conditions {
            self.optional_source(CONDITIONS, &condition.source);
        }
        for material in &content.materials {
            for subject in &material.subjects {
                self.reference("subject", MATERIALS, subject);
            }
            for condition in &material.when {
                self.reference("condition", MATERIALS, condition);
            }
            self.optional_source(MATERIALS, &material.source);
            if material.source.is_none() {
                self.diagnostics.push(
                    Diagnostic::warning(format!(
                        "material `{}` cites no source",
                        material.id.as_str()
                    ))
                    .with_span(material.id.span(Path::new(MATERIALS)))
                    .with_hint(
                        "add `source: <id>` naming an entry of `sources` in content/site.yaml",
                    ),
                );
            }
        }
        for stage in &content.stages {
            for material in &stage.materials {
                self.reference("material", STAGES, material);
            }
            for failure in &stage.on_failure {
                if let Some(back_to) = &failure.back_to {
                    self.reference("stage", STAGES, back_to);
                }
            }
            self.optional_source(STAGES, &stage.source);
        }
        for deadline in &content.deadlines {
            self.optional_source(DEADLINES, &deadline.source);
            if deadline.source.is_none() {
                self.diagnostics.push(
                    Diagnostic::warning(format!(
                        "deadline `{}` cites no source",
                        deadline.id.as_str()
                    ))
                    .with_span(deadline.id.span(Path::new(DEADLINES)))
                    .with_hint(
                        "add `source: <id>`; a deadline readers cannot check is hard to trust",
                    ),
                );
            }
        }
        for form in &content.forms {
            self.optional_source(FORMS, &form.source);
        }
    }

    /// Stage numbers must rise by exactly one, in file order.
    fn check_stage_order(&mut self, stages: &[Stage]) {
        for pair in stages.windows(2) {
            let (previous, current) = (&pair[0], &pair[1]);
            let expected = previous.number.value + 1;
            if current.number.value != expected {
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "stage `{}` has number {} but follows stage {}",
                        current.id.as_str(),
                        current.number.value,
                        previous.number.value
                    ))
                    .with_span(
                        current
                            .number
                            .span_in(Path::new(STAGES), current.number.value.to_string().len()),
                    )
                    .with_hint(format!(
                        "stages are listed in order; give this one `number: {expected}` or move it"
                    )),
                );
            }
        }
    }

    fn check_details(&mut self, content: &Content) {
        for stage in &content.stages {
            if let Some(duration) = &stage.duration {
                if duration.min.value > duration.max.value {
                    self.diagnostics.push(
                        Diagnostic::error(format!(
                            "duration min {} is larger than max {}",
                            duration.min.value, duration.max.value
                        ))
                        .with_span(
                            duration
                                .min
                                .span_in(Path::new(STAGES), duration.min.value.to_string().len()),
                        )
                        .with_hint("swap the two values"),
                    );
                }
            }
        }
        for form in &content.forms {
            for field in form.sections.iter().flat_map(|s| &s.fields) {
                if field.kind == FieldKind::Choice && field.options.is_empty() {
                    self.diagnostics.push(
                        Diagnostic::error(format!(
                            "field `{}` is a choice with no options",
                            field.label
                        ))
                        .with_span(form.id.span(Path::new(FORMS)))
                        .with_hint("add `options: [...]` to the field, or use `kind: text`"),
                    );
                }
            }
        }
        let used: BTreeSet<&str> = content
            .stages
            .iter()
            .flat_map(|s| &s.materials)
            .map(|m| m.as_str())
            .collect();
        for material in &content.materials {
            if !content.stages.is_empty() && !used.contains(material.id.as_str()) {
                self.diagnostics.push(
                    Diagnostic::warning(format!("material `{}` is used by no stage", material.id.as_str()))
                        .with_span(material.id.span(Path::new(MATERIALS)))
                        .with_hint("list it under `materials:` of the stage that needs it in content/stages.yaml"),
                );
            }
        }
    }

    fn date(&mut self, file: &str, value: &Spanned<String>) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(value.as_str(), "%Y-%m-%d") {
            Ok(date) if value.len() == 10 => Some(date),
            _ => {
                self.error(
                    file,
                    value,
                    format!("`{}` is not a valid date", value.as_str()),
                    "write dates as YYYY-MM-DD, e.g. 2024-03-31",
                );
                None
            }
        }
    }
}

/// Ids become file names and URL parts, so only a safe alphabet is allowed.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && id.len() <= 100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_allow_only_a_safe_alphabet() {
        assert!(is_valid_id("id_card-2"));
        for bad in ["", "-x", "ID", "a/b", "..", "a b", "中文"] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }
}
