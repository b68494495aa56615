//! Ids: which spellings an id may have, what is wrong with one that may not, a fixed spelling
//! to suggest, and where each kind of item is defined (for "no X is defined yet").

/// Ids become file names and URL parts, so only a safe alphabet is allowed.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && id.len() <= 100
}

/// What is wrong with an id `is_valid_id` rejects, in a few words.
pub(super) fn id_problem(id: &str) -> String {
    if id.is_empty() {
        return "it is empty".into();
    }
    if id.len() > 100 {
        return format!("it has {} characters", id.chars().count());
    }
    if let Some(c) = id.chars().find(char::is_ascii_uppercase) {
        return format!("it contains the upper-case letter `{c}`");
    }
    let first = id.chars().next().unwrap_or_default();
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return format!("it starts with `{first}`");
    }
    match id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        Some(' ') => "it contains a space".into(),
        Some(c) => format!("it contains `{c}`"),
        None => "it uses characters outside a-z, 0-9, `-` and `_`".into(),
    }
}

/// A valid id close to `id` (lower-cased, other characters turned into `-`), if there is one.
pub(super) fn suggested_id(id: &str) -> Option<String> {
    let mapped: String = id
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut fixed = String::new();
    for c in mapped.trim_matches(|c| c == '-' || c == '_').chars() {
        if !(c == '-' && fixed.ends_with('-')) {
            fixed.push(c);
        }
    }
    (is_valid_id(&fixed) && fixed != "index").then_some(fixed)
}

/// Where an editor defines ids of `kind`, for hints about an unknown one.
pub(super) fn where_defined(kind: &str) -> String {
    match kind {
        "source" => "list sources under `sources:` in content/site.yaml".into(),
        "subject group" => "list groups under `groups:` in content/subjects.yaml".into(),
        "event" => "list events under `events:` in content/deadlines.yaml".into(),
        "calendar" => "name calendars under `calendars:` in content/holidays.yaml".into(),
        "guide" => "write guides as Markdown files under content/guides/ and name them by their path without `.md` (`after/show-number`)".into(),
        _ => format!("define {kind}s in content/{kind}s.yaml"),
    }
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

    #[test]
    fn bad_ids_get_a_reason_and_a_suggestion() {
        assert_eq!(id_problem("Company"), "it contains the upper-case letter `C`");
        assert_eq!(id_problem("../x"), "it starts with `.`");
        assert_eq!(id_problem("a/b"), "it contains `/`");
        assert_eq!(suggested_id("../Future").as_deref(), Some("future"));
        assert_eq!(
            suggested_id("verification/person").as_deref(),
            Some("verification-person")
        );
        assert_eq!(suggested_id("中文"), None);
    }
}
