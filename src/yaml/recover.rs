//! Reading past a mistake: the parser stops at the first wrong key or value, so after each one
//! the key that holds it (with everything indented under it) is blanked out, keeping every other
//! character where it stands, and the text is read again. An editor thus sees every independent
//! mistake of a file in one run, at the positions of the file as written.
//! The rule it keeps: only a mistake inside one key's value is stepped over; a broken layout
//! (brackets, indentation, quotes) ends the reading, and so does a required key that had to be
//! blanked, since what the parser would say next is only a consequence.

use std::path::Path;

use serde::Deserialize;

use super::{
    lone_carriage_return, lone_carriage_return_diagnostic, strip_position_suffix, text, to_diagnostic, unclosed_opener,
};
use crate::diagnostics::{closest, Diagnostic};

/// How many mistakes of one file are reported before the reading stops.
const MOST_MISTAKES: usize = 100;

/// What a file with mistakes still gave: the value read with the wrong keys left out (when the
/// reading could go on to the end), and every mistake.
#[derive(Debug)]
pub struct Mistakes<T> {
    pub partial: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Like `parse`, but reads past each wrong key or value (see `recover`) to report every
/// independent mistake of the file in one run, and keeps what could be read around them.
pub fn parse_all<T: for<'de> Deserialize<'de>>(file: &Path, text: &str) -> Result<T, Mistakes<T>> {
    if let Some(at) = lone_carriage_return(text) {
        return Err(Mistakes {
            partial: None,
            diagnostics: vec![lone_carriage_return_diagnostic(file, text, at)],
        });
    }
    let mut diagnostics = Vec::new();
    let mut current = text.to_string();
    let mut blanked_keys: Vec<String> = Vec::new();
    // Keys renamed to what was meant: (line, column, bytes the rest of the line moved).
    let mut renamed: Vec<(u32, u32, isize)> = Vec::new();
    while diagnostics.len() < MOST_MISTAKES {
        let error = match text::with_source(&current, || serde_saphyr::from_str::<T>(&current)) {
            Ok(value) if diagnostics.is_empty() => return Ok(value),
            Ok(value) => {
                return Err(Mistakes {
                    partial: Some(value),
                    diagnostics,
                })
            }
            Err(error) => error,
        };
        let plain = error.without_snippet().to_string();
        let message = strip_position_suffix(&plain);
        // A required key blanked after an earlier mistake is missing only because of it.
        let missing = message
            .strip_prefix("missing field `")
            .map(|rest| rest.trim_end_matches('`'));
        // So is one whose misspelling was reported as an unknown key (`titel` for `title`).
        let misspelt = |key: &str| closest(key, blanked_keys.iter().map(String::as_str)).is_some();
        if missing.is_some_and(|key| blanked_keys.iter().any(|k| k == key) || misspelt(key)) {
            break;
        }
        let mut diagnostic = to_diagnostic(file, &current, &error);
        if let Some(span) = diagnostic.span.as_mut() {
            let moved: isize = renamed
                .iter()
                .filter(|(line, from, _)| *line == span.line && *from < span.column)
                .map(|(_, _, by)| by)
                .sum();
            span.column = (span.column as isize - moved).max(1) as u32;
        }
        // A broken layout is blamed where it starts, whatever the parser stumbled on: once said
        // (or said again), reading further would only repeat it.
        let blames_layout = unclosed_opener(&current).is_some();
        if diagnostics.contains(&diagnostic) {
            break;
        }
        diagnostics.push(diagnostic);
        if blames_layout {
            break;
        }
        let Some(location) = error.location().filter(|at| at.line() > 0) else {
            break;
        };
        let (line, column) = (location.line() as u32, location.column().max(1) as u32);
        // A misspelt key is read as the key meant, so its entry's other keys are checked too.
        if let Some((written, meant)) = misspelt_key(message) {
            if let Some(by) = rename_key(&mut current, line, column, &written, &meant) {
                renamed.push((line, column, by));
                blanked_keys.push(written);
                continue;
            }
        }
        match blank_out(&mut current, message, line, column) {
            Some(key) => blanked_keys.push(key),
            None => break,
        }
    }
    Err(Mistakes {
        partial: None,
        diagnostics,
    })
}

/// The key named by "unknown field `x`, expected one of ..." and the allowed key closest to it.
fn misspelt_key(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (written, expected) = rest.split_once("`, expected ")?;
    let allowed = expected
        .trim_start_matches("one of ")
        .split(", ")
        .map(|key| key.trim_matches('`'));
    closest(written, allowed).map(|meant| (written.to_string(), meant.to_string()))
}

/// The parser's messages after which the offending key can be blanked and the reading go on.
fn can_step_over(message: &str) -> bool {
    [
        "unknown field ",
        "unknown variant ",
        "invalid ",
        "duplicate mapping key",
        "expected sequence start",
        "expected string scalar",
        "expected mapping start",
        "cannot deserialize null",
    ]
    .iter()
    .any(|start| message.starts_with(start))
}

/// Blanks the key (or list item) that holds the mistake the parser reported at `line`:`column`
/// (1-based), with the lines indented under it. Returns the key's name when one was blanked.
pub(super) fn blank_out(text: &mut String, message: &str, line: u32, column: u32) -> Option<String> {
    if !can_step_over(message) {
        return None;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let line = line as usize - 1;
    let column = byte_column(lines.get(line)?, column);
    let (owner_line, owner_column) = owner(&lines, line, column)?;
    let key = lines[owner_line][owner_column..]
        .trim_start_matches(['-', ' '])
        .split(':')
        .next()
        .unwrap_or_default()
        .to_string();
    let mut blanked = String::with_capacity(text.len());
    let mut rest_indented = true;
    for (index, content) in lines.iter().enumerate() {
        if index > 0 {
            blanked.push('\n');
        }
        let inside =
            index > owner_line && rest_indented && (content.trim().is_empty() || indent(content) > owner_column);
        if index > owner_line && !inside {
            rest_indented = false;
        }
        if index == owner_line {
            blanked.push_str(&content[..owner_column]);
            blanked.push_str(&spaces(&content[owner_column..]));
        } else if inside {
            blanked.push_str(&spaces(content));
        } else {
            blanked.push_str(content);
        }
    }
    if blanked == *text {
        return None;
    }
    *text = blanked;
    Some(key)
}

/// Renames the misspelt key at `line`:`column` (1-based) to `wanted`, so the entry is read with
/// the key its author meant, unless the entry already has that key. Returns how many bytes the
/// rest of the line moved right (negative: left), for the positions of later mistakes.
pub(super) fn rename_key(text: &mut String, line: u32, column: u32, written: &str, wanted: &str) -> Option<isize> {
    let lines: Vec<&str> = text.split('\n').collect();
    let line = line as usize - 1;
    let here = *lines.get(line)?;
    let column = byte_column(here, column);
    if !here.get(column..)?.starts_with(&format!("{written}:")) {
        return None;
    }
    if sibling_keys(&lines, line, column).iter().any(|key| key == wanted) {
        return None;
    }
    let renamed = format!("{}{wanted}{}", &here[..column], &here[column + written.len()..]);
    let start: usize = lines[..line].iter().map(|l| l.len() + 1).sum();
    text.replace_range(start..start + here.len(), &renamed);
    Some(wanted.len() as isize - written.len() as isize)
}

/// The keys written in the same mapping as the key at `line`:`column` (0-based).
fn sibling_keys(lines: &[&str], line: usize, column: usize) -> Vec<String> {
    let same_mapping = |index: usize| {
        let text = lines[index];
        text.trim().is_empty()
            || text.trim_start().starts_with('#')
            || indent(text) >= column
            || key_start(text) == Some(column)
    };
    let first = (0..line).rev().take_while(|&i| same_mapping(i)).last().unwrap_or(line);
    let last = (line + 1..lines.len())
        .take_while(|&i| same_mapping(i) && !head(lines[i], column).contains('-'))
        .last()
        .unwrap_or(line);
    (first..=last)
        .filter(|&i| key_start(lines[i]) == Some(column))
        .filter_map(|i| lines[i][column..].split(':').next().map(str::to_string))
        .collect()
}

/// Where the key or list item holding the value at `line`:`column` (0-based) starts.
fn owner(lines: &[&str], line: usize, column: usize) -> Option<(usize, usize)> {
    let here = *lines.get(line)?;
    let column = column.min(here.len());
    let before = &here[..column];
    let start = indent(here);
    // The mistake is the key itself (`bogus: 1`, a duplicate key) or the value after `key:`.
    if before.trim_start_matches(['-', ' ']).is_empty() && here[column..].contains(':') {
        return Some((line, column));
    }
    if let Some(key_at) = key_start(here) {
        if key_at < column {
            return Some((line, key_at));
        }
    }
    // A list item of its own (`- value`): the item is the owner.
    if here[start..].starts_with('-') && start < column {
        return Some((line, start));
    }
    // A value that starts on a later line than its key: the nearest line above, indented less,
    // that ends with `key:`.
    (0..line).rev().find_map(|above| {
        let text = lines[above];
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || indent(text) >= start.max(1) {
            return None;
        }
        key_start(text).map(|key_at| (above, key_at))
    })
}

/// The byte column where a `key:` starts on this line (after indentation and `- ` markers).
fn key_start(line: &str) -> Option<usize> {
    let content_at = line.len() - line.trim_start_matches(['-', ' ']).len();
    let content = &line[content_at..];
    let colon = content.find(':')?;
    let key = &content[..colon];
    let plain = !key.is_empty() && !key.contains([' ', '"', '\'', '[', '{', '#']);
    let ends_key = content[colon + 1..].is_empty() || content[colon + 1..].starts_with(' ');
    (plain && ends_key).then_some(content_at)
}

/// The byte offset in `line` of the parser's 1-based column, which counts characters.
fn byte_column(line: &str, column: u32) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line.len(), |(at, _)| at)
}

/// At most the first `bytes` bytes of `line`, ending on a character boundary.
fn head(line: &str, bytes: usize) -> &str {
    let mut end = bytes.min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    &line[..end]
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// As many spaces as `text` has characters... in bytes, so later byte offsets stay put.
fn spaces(text: &str) -> String {
    " ".repeat(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blank(text: &str, message: &str, line: u32, column: u32) -> (String, Option<String>) {
        let mut text = text.to_string();
        let key = blank_out(&mut text, message, line, column);
        (text, key)
    }

    #[test]
    fn an_unknown_key_is_blanked_with_its_block_and_nothing_else() {
        let text = "items:\n  - id: a\n    bogus:\n      - x\n    n: 1\n";
        let (after, key) = blank(text, "unknown field `bogus`", 3, 5);
        assert_eq!(key.as_deref(), Some("bogus"));
        assert_eq!(after, "items:\n  - id: a\n          \n         \n    n: 1\n");
    }

    #[test]
    fn a_wrong_value_blanks_its_key() {
        let (after, key) = blank("id: a\nn: two\nm: 3\n", "invalid digit", 2, 4);
        assert_eq!(key.as_deref(), Some("n"));
        assert_eq!(after, "id: a\n      \nm: 3\n");
    }

    #[test]
    fn a_wrong_block_value_on_the_next_lines_blanks_the_key_above() {
        let text = "id: a\nn:\n  - 1\n  - 2\nm: 3\n";
        let (after, key) = blank(text, "invalid type: sequence, expected u32", 3, 3);
        assert_eq!(key.as_deref(), Some("n"));
        assert_eq!(after, "id: a\n  \n     \n     \nm: 3\n");
    }

    #[test]
    fn a_misspelt_key_is_renamed_unless_its_entry_has_the_right_one() {
        let mut text = "items:\n  - id: a\n    descripton: x\n    n: 1\n".to_string();
        assert_eq!(rename_key(&mut text, 3, 5, "descripton", "description"), Some(1));
        assert_eq!(text, "items:\n  - id: a\n    description: x\n    n: 1\n");
        let mut text = "items:\n  - id: a\n    nn: 1\n    n: 2\n  - id: b\n".to_string();
        assert_eq!(rename_key(&mut text, 3, 5, "nn", "n"), None);
    }

    #[test]
    fn columns_count_characters_and_never_split_one() {
        // Chinese text before the mistake on its line, and a comment flush left in the entry.
        let text =
            "materials:\n  - id: a\n    descripton: x\n# 第二组材料\n  - id: b\n    tips: [第一条提示, {x: 1}]\n";
        let mut renamed = text.to_string();
        assert_eq!(rename_key(&mut renamed, 3, 5, "descripton", "description"), Some(1));
        let mut blanked = text.to_string();
        assert_eq!(
            blank_out(&mut blanked, "invalid type: map, expected a string", 6, 19).as_deref(),
            Some("tips")
        );
        assert!(
            blanked.ends_with("  - id: b\n                                  \n") || !blanked.contains("tips"),
            "{blanked:?}"
        );
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: crate::yaml::Spanned<String>,
        name: Option<String>,
        tips: Option<Vec<String>>,
        n: Option<u32>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Items {
        items: Vec<Item>,
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Reading past mistakes never panics, whatever the text: Chinese before a mistake,
        /// comments flush left, tabs, brackets, misspelt keys.
        #[test]
        fn reading_past_mistakes_never_panics(
            lines in proptest::collection::vec(
                proptest::sample::select(vec![
                    "items:", "  - id: a", "  - id: 第一", "    name: 名字", "    nmae: x", "    tips: [第一条, {x: 1}]",
                    "    n: 二", "    n: 3", "# 注释", "\t- id: c", "    tipps: [a]", "  n: 1", "    bogus: 值: 值",
                    "      - 子项", "  - {id: d, nam: 名}", "    name: \"未闭合", "", "- 甲",
                ]),
                1..12,
            )
        ) {
            let text = lines.join("\n");
            let _ = parse_all::<Items>(Path::new("x.yaml"), &text);
        }
    }

    #[test]
    fn a_broken_layout_is_not_stepped_over() {
        let mut text = "a: [1\n".to_string();
        assert_eq!(blank_out(&mut text, "unclosed bracket '['", 1, 4), None);
    }
}
