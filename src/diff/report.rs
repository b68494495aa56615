//! Writing a `Diff` for the editor (text, one line per change, grouped by subject type) or for
//! tools (JSON, the `Diff` as it is, with a count).
//! Rule: the same two sets of rules always give the same bytes (order is the sites' own).

use super::{Diff, ItemChange};

/// The report as text, ending with a line that counts the differences.
pub fn text(diff: &Diff) -> String {
    let mut out = String::new();
    for subject in &diff.subjects {
        match subject.change {
            "changed" => {
                out.push_str(&format!("subject {} ({}):\n", subject.id, subject.name));
                for item in &subject.items {
                    out.push_str(&format!("  {}\n", line(item)));
                }
            }
            change => out.push_str(&format!("subject {change}: {} ({})\n", subject.id, subject.name)),
        }
    }
    if !diff.guides.is_empty() {
        out.push_str("guides:\n");
        for guide in &diff.guides {
            out.push_str(&format!("  {}\n", line(guide)));
        }
    }
    match diff.count() {
        0 => out.push_str("no differences a reader would see\n"),
        1 => out.push_str("1 difference a reader would see\n"),
        n => out.push_str(&format!("{n} differences a reader would see\n")),
    }
    out
}

fn line(item: &ItemChange) -> String {
    let mut line = format!("{} {}: {} ({})", item.kind, item.change, item.id, item.name);
    if let Some(old) = &item.old_name {
        line.push_str(&format!(", was \"{old}\""));
    }
    if !item.fields.is_empty() {
        // A field with a short value says what it was and is; the others are named.
        let named = item.fields.iter().map(|field| {
            item.values
                .iter()
                .find(|v| {
                    v.strip_prefix(field.as_str())
                        .is_some_and(|rest| rest.starts_with(": "))
                })
                .cloned()
                .unwrap_or_else(|| field.clone())
        });
        line.push_str(&format!(": {}", named.collect::<Vec<_>>().join("; ")));
    }
    line
}

/// The report as JSON: `{"subjects": [...], "guides": [...], "count": n}`.
pub fn json(diff: &Diff) -> String {
    let mut value = serde_json::to_value(diff).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("count".into(), diff.count().into());
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
