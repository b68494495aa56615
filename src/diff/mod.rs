//! `guidegen diff`: what an edit changes for readers. Both sides are the rules as `rules.json`
//! holds them (a site folder is loaded and checked first; a published `rules.json` is read as it
//! is), compared per subject type, as each reader's checklist, steps, deadlines and forms would
//! show them, plus the guides site-wide. `report` writes the result as text or JSON.
//! Rule: items are matched by id, and only what a reader would see counts; the comparison knows
//! nothing of any process beyond the shape of `rules.json`.

pub mod report;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, SourceMap, Span};
use crate::site::Failed;

/// The rules of the site at `root` as they stand on `as_of`, in the shape of `rules.json`.
pub fn rules_of_site(root: &Path, today: NaiveDate, as_of: NaiveDate) -> Result<Value, Failed> {
    let loaded = crate::load::load(root).map_err(|(diagnostics, sources)| Failed { diagnostics, sources })?;
    let (model, mut diagnostics) = crate::validate::validate(loaded.content, as_of, today);
    match model {
        Some(model) => Ok(serde_json::to_value(model.rules()).unwrap_or(Value::Null)),
        None => {
            crate::diagnostics::sort(&mut diagnostics);
            Err(Failed {
                diagnostics,
                sources: loaded.sources,
            })
        }
    }
}

/// A published `rules.json`, read back.
pub fn rules_of_file(path: &Path) -> Result<Value, Failed> {
    let refuse = |message: String, hint: &str| Failed {
        diagnostics: vec![Diagnostic::error(message)
            .with_span(Span::file_only(path))
            .with_hint(hint.to_string())],
        sources: SourceMap::default(),
    };
    let text = std::fs::read(path).map_err(|e| {
        refuse(
            format!("cannot read this file: {e}"),
            "pass a site folder or the rules.json of a build",
        )
    })?;
    let value: Value = serde_json::from_slice(&text).map_err(|e| {
        refuse(
            format!("this is not JSON: {e}"),
            "pass the rules.json that `guidegen build` writes into its output folder",
        )
    })?;
    if !value.get("subjects").is_some_and(Value::is_array) {
        return Err(refuse(
            "this JSON is not a guidegen rules.json (it has no `subjects` list)".into(),
            "pass the rules.json that `guidegen build` writes into its output folder",
        ));
    }
    Ok(value)
}

/// What changed between two sets of rules, for readers.
#[derive(Debug, Default, Serialize)]
pub struct Diff {
    /// Per subject type (by id, in the new site's order, then those removed).
    pub subjects: Vec<SubjectDiff>,
    pub guides: Vec<ItemChange>,
}

#[derive(Debug, Serialize)]
pub struct SubjectDiff {
    pub id: String,
    pub name: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    pub items: Vec<ItemChange>,
}

/// One item added, removed or changed.
#[derive(Debug, Serialize)]
pub struct ItemChange {
    /// `material`, `stage`, `deadline`, `form` or `guide`.
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    /// `added`, `removed`, `changed` (or `retitled`, for a guide).
    pub change: &'static str,
    /// The fields that differ, for a change.
    pub fields: Vec<String>,
    /// For each field of `fields` whose value is short (a word, a number, a duration): what it
    /// was and what it is, e.g. `duration: 1–2 working_days → 1–5 working_days`.
    pub values: Vec<String>,
    /// The former name, when it changed.
    pub old_name: Option<String>,
}

impl Diff {
    pub fn count(&self) -> usize {
        self.subjects.iter().map(|s| s.items.len().max(1)).sum::<usize>() + self.guides.len()
    }
}

/// The kinds a reader sees per subject type, with the key that names each.
const KINDS: [(&str, &str, &str); 4] = [
    ("materials", "material", "name"),
    ("stages", "stage", "name"),
    ("deadlines", "deadline", "title"),
    ("forms", "form", "title"),
];

/// Compares `old` with `new`.
pub fn compare(old: &Value, new: &Value) -> Diff {
    let old_subjects = by_id(old, "subjects");
    let new_subjects = by_id(new, "subjects");
    let mut diff = Diff::default();
    for (id, subject) in &new_subjects {
        let name = text(subject, "name");
        match old_subjects.iter().find(|(old_id, _)| old_id == id) {
            None => diff.subjects.push(SubjectDiff {
                id: id.clone(),
                name,
                change: "added",
                items: Vec::new(),
            }),
            Some((_, old_subject)) => {
                let items: Vec<ItemChange> = KINDS
                    .iter()
                    .flat_map(|kind| {
                        compare_items(
                            *kind,
                            &seen_by(old, old_subject, kind.0),
                            &seen_by(new, subject, kind.0),
                        )
                    })
                    .collect();
                if !items.is_empty() {
                    diff.subjects.push(SubjectDiff {
                        id: id.clone(),
                        name,
                        change: "changed",
                        items,
                    });
                }
            }
        }
    }
    for (id, subject) in old_subjects
        .iter()
        .filter(|(id, _)| !new_subjects.iter().any(|(n, _)| n == id))
    {
        diff.subjects.push(SubjectDiff {
            id: id.clone(),
            name: text(subject, "name"),
            change: "removed",
            items: Vec::new(),
        });
    }
    diff.guides = compare_guides(old, new);
    diff
}

fn compare_items(
    (_, kind, name_key): (&str, &'static str, &str),
    old: &[(String, Value)],
    new: &[(String, Value)],
) -> Vec<ItemChange> {
    let mut changes = Vec::new();
    let item = |id: &str, value: &Value, change, fields: Vec<String>, old_name, values| ItemChange {
        kind,
        id: id.to_string(),
        name: text(value, name_key),
        change,
        fields,
        values,
        old_name,
    };
    for (id, value) in new {
        match old.iter().find(|(o, _)| o == id) {
            None => changes.push(item(id, value, "added", Vec::new(), None, Vec::new())),
            Some((_, before)) => {
                let fields = changed_fields(before, value);
                if !fields.is_empty() {
                    let old_name = Some(text(before, name_key)).filter(|n| *n != text(value, name_key));
                    let values = fields
                        .iter()
                        .filter_map(|f| Some(format!("{f}: {} → {}", short(&before[f])?, short(&value[f])?)))
                        .collect();
                    changes.push(item(id, value, "changed", fields, old_name, values));
                }
            }
        }
    }
    for (id, value) in old.iter().filter(|(id, _)| !new.iter().any(|(n, _)| n == id)) {
        changes.push(item(id, value, "removed", Vec::new(), None, Vec::new()));
    }
    changes
}

/// The top-level keys whose values differ (dates of versions left out: what a reader sees is
/// what the item says on the day).
fn changed_fields(old: &Value, new: &Value) -> Vec<String> {
    let (Some(old), Some(new)) = (old.as_object(), new.as_object()) else {
        return vec![];
    };
    let mut keys: Vec<&String> = new.keys().chain(old.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !matches!(k.as_str(), "effective_from" | "effective_until"))
        .filter(|k| old.get(*k).unwrap_or(&Value::Null) != new.get(*k).unwrap_or(&Value::Null))
        .cloned()
        .collect()
}

fn compare_guides(old: &Value, new: &Value) -> Vec<ItemChange> {
    let titles = |rules: &Value| -> BTreeMap<String, String> {
        list(rules, "guides")
            .iter()
            .map(|g| (text(g, "slug"), text(&g["front"], "title")))
            .collect()
    };
    let (old, new) = (titles(old), titles(new));
    let mut changes = Vec::new();
    let guide = |id: &String, name: &String, change, old_name| ItemChange {
        kind: "guide",
        id: id.clone(),
        name: name.clone(),
        change,
        fields: Vec::new(),
        values: Vec::new(),
        old_name,
    };
    for (slug, title) in &new {
        match old.get(slug) {
            None => changes.push(guide(slug, title, "added", None)),
            Some(before) if before != title => changes.push(guide(slug, title, "retitled", Some(before.clone()))),
            Some(_) => {}
        }
    }
    for (slug, title) in old.iter().filter(|(slug, _)| !new.contains_key(*slug)) {
        changes.push(guide(slug, title, "removed", None));
    }
    changes
}

/// The items of `list` that `subject` sees: those whose `subjects` is empty or names it or one
/// of its groups; forms by the subject's own `forms`, else its groups', else those naming it.
fn seen_by(rules: &Value, subject: &Value, kind: &str) -> Vec<(String, Value)> {
    let id = text(subject, "id");
    let groups: Vec<String> = strings(&subject["groups"]);
    let covers = |item: &Value| {
        let named = strings(&item["subjects"]);
        named.is_empty() || named.iter().any(|n| *n == id || groups.contains(n))
    };
    if kind == "forms" {
        let mut chosen = strings(&subject["forms"]);
        if chosen.is_empty() {
            for group in list(rules, "subject_groups")
                .iter()
                .filter(|g| groups.contains(&text(g, "id")))
            {
                chosen.extend(strings(&group["forms"]));
            }
        }
        if !chosen.is_empty() {
            return by_id(rules, "forms")
                .into_iter()
                .filter(|(f, _)| chosen.contains(f))
                .collect();
        }
    }
    by_id(rules, kind)
        .into_iter()
        .filter(|(_, item)| covers(item))
        .collect()
}

/// A value short enough to show in a line: a word, a number, `none`, or a duration range.
fn short(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("none".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if s.chars().count() <= 40 && !s.contains('\n') => Some(format!("\"{s}\"")),
        Value::Object(o) if o.contains_key("min") && o.contains_key("max") && o.contains_key("unit") => Some(format!(
            "{}–{} {}",
            o["min"],
            o["max"],
            o["unit"].as_str().unwrap_or_default()
        )),
        Value::Array(items) if items.iter().all(Value::is_string) && items.len() <= 8 => Some(format!(
            "[{}]",
            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
        )),
        _ => None,
    }
}

fn list<'a>(rules: &'a Value, key: &str) -> &'a [Value] {
    rules.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn by_id(rules: &Value, key: &str) -> Vec<(String, Value)> {
    list(rules, key)
        .iter()
        .map(|item| (text(item, "id"), item.clone()))
        .collect()
}

fn text(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(materials: Value) -> Value {
        json!({
            "subjects": [{"id": "a", "name": "A", "groups": ["g"], "forms": []},
                         {"id": "b", "name": "B", "groups": [], "forms": []}],
            "subject_groups": [], "materials": materials, "stages": [], "deadlines": [], "forms": [],
            "guides": [{"slug": "x", "front": {"title": "X"}}]
        })
    }

    #[test]
    fn a_material_for_a_group_is_a_change_for_its_members_only() {
        let old = rules(json!([]));
        let new = rules(json!([{"id": "m", "name": "M", "subjects": ["g"]}]));
        let diff = compare(&old, &new);
        assert_eq!(diff.subjects.len(), 1);
        assert_eq!(diff.subjects[0].id, "a");
        assert_eq!(diff.subjects[0].items[0].change, "added");
    }

    #[test]
    fn a_changed_material_names_the_fields_that_differ_but_not_its_dates() {
        let old = rules(json!([{"id": "m", "name": "M", "description": "d", "effective_from": null, "subjects": []}]));
        let new = rules(
            json!([{"id": "m", "name": "M2", "description": "d", "effective_from": "2025-01-01", "subjects": []}]),
        );
        let diff = compare(&old, &new);
        assert_eq!(diff.subjects.len(), 2);
        let item = &diff.subjects[0].items[0];
        assert_eq!(
            (item.change, item.fields.clone(), item.old_name.as_deref()),
            ("changed", vec!["name".to_string()], Some("M"))
        );
    }

    #[test]
    fn identical_rules_differ_in_nothing() {
        let same = rules(json!([{"id": "m", "name": "M", "subjects": []}]));
        assert_eq!(compare(&same, &same).count(), 0);
    }
}
