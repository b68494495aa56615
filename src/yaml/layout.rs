//! Explains the parser's complaints about the shape of a YAML file (indentation, a list item
//! or a text line where a key was expected) in the words of someone editing it, with the column
//! to move the line to. It only reads the text around the position the parser gave; it never
//! parses on its own, so a message it cannot improve is left to the caller.

/// A rewritten message: what is wrong, how to fix it, and where to point (1-based).
#[derive(Debug, PartialEq)]
pub(super) struct Explained {
    pub message: String,
    pub hint: String,
    pub line: u32,
    pub column: u32,
}

/// The rewrite of the parser's `message` reported at `line`:`column` of `text`, when it is one
/// of the layout complaints this module knows.
pub(super) fn explain(message: &str, text: &str, line: u32, column: u32) -> Option<Explained> {
    let lines: Vec<&str> = text.lines().collect();
    let here = *lines.get(line.checked_sub(1)? as usize)?;
    if here.starts_with([' ', '\t']) && here[..indentation_with_tabs(here)].contains('\t') {
        return Some(explained(
            "a tab is used for indentation",
            "indent YAML with spaces, never tabs",
            (line, here.find('\t').unwrap_or(0) as u32 + 1),
        ));
    }
    if message.contains("did not find expected key") {
        return Some(misplaced_in_mapping(&lines, line, here));
    }
    if message.contains("did not find expected '-' indicator") {
        return Some(misplaced_in_list(&lines, line, here));
    }
    if message.starts_with("simple key expected") {
        return Some(text_without_key(&lines, line, here));
    }
    if message.starts_with("mapping values are not allowed") {
        return deeper_key_under_a_value(&lines, line, here, column);
    }
    if let Some(rest) = message.strip_prefix("unexpected character: `") {
        // A control character is named by the caller (it arrives escaped, as `\u{0}`).
        let ch = rest.chars().next().filter(|c| !c.is_control() && *c != '\\')?;
        return Some(Explained {
            message: format!("a value cannot start with `{ch}`"),
            hint: format!("put the value in quotes, e.g. `\"{ch}...\"`"),
            line,
            column,
        });
    }
    None
}

/// A line inside a mapping whose indentation matches no key (or a list item under a key that
/// already has a value).
fn misplaced_in_mapping(lines: &[&str], line: u32, here: &str) -> Explained {
    let indent = indentation(here);
    let at = |column: usize| (line, column as u32 + 1);
    let Some((above_line, above)) = content_line_above(lines, line) else {
        return explained(
            "this line is indented, but nothing above it has keys",
            "start it at column 1",
            at(indent),
        );
    };
    let key = key_of(above);
    let key_at = super::key_column(above);
    if here.trim_start().starts_with("- ") && has_value(above) {
        return explained(
            "a list item under a key that already has a value",
            &format!(
                "`{key}` on line {above_line} has its value on the same line; to give it a list instead, remove that value and write the items indented below `{key}:`"
            ),
            at(indent),
        );
    }
    if indent > key_at {
        return explained(
            "this line is indented further than the key above it",
            &format!(
                "to add a key beside `{key}` (line {above_line}), start this line at column {}; to continue the value above, put the whole value in quotes, or write `>-` after `{key}:` and indent the text below it",
                key_at + 1
            ),
            at(indent),
        );
    }
    explained(
        &format!(
            "this line starts at column {}, which lines up with no key above it",
            indent + 1
        ),
        &format!(
            "start it in the same column as the keys it belongs with: {}",
            columns_in_use(lines, line)
        ),
        at(indent),
    )
}

/// A line inside a list that neither starts a new item nor lines up with the keys of the item.
fn misplaced_in_list(lines: &[&str], line: u32, here: &str) -> Explained {
    let indent = indentation(here);
    let item = (1..line).rev().find_map(|number| {
        let text = lines[number as usize - 1];
        let trimmed = text.trim_start_matches(' ');
        (trimmed.starts_with("- ") || trimmed == "-").then_some((number, text))
    });
    let Some((item_line, item)) = item else {
        return explained(
            "this line does not line up with the list above it",
            "start a new item with `- `, lined up with the other items",
            (line, indent as u32 + 1),
        );
    };
    let dash = indentation(item);
    let key_at = super::key_column(item);
    explained(
        "this line does not line up with the list item above it",
        &format!(
            "to add a key to the item on line {item_line}, start it at column {}, lined up with `{}`; to start a new item, write `- ` at column {}",
            key_at + 1,
            key_of(&item[key_at.min(item.len())..]),
            dash + 1
        ),
        (line, indent as u32 + 1),
    )
}

/// A line that is not `key: value` where a key was expected: usually text meant to continue
/// the value above, indented no further than its key.
fn text_without_key(lines: &[&str], line: u32, here: &str) -> Explained {
    let indent = indentation(here);
    let above = content_line_above(lines, line);
    let hint = match above {
        Some((number, above)) => format!(
            "a text continued on the next line must be indented more than its key: `{}` on line {number} starts at column {}, so indent this line further; or write it as `key: value` if it is a new key",
            key_of(&above[super::key_column(above).min(above.len())..]),
            super::key_column(above) + 1
        ),
        None => "write it as `key: value`".to_string(),
    };
    explained(
        "this line has no `key:` and is not part of the text above it",
        &hint,
        (line, indent as u32 + 1),
    )
}

/// `key: value` indented under a key whose value is already on its own line.
fn deeper_key_under_a_value(lines: &[&str], line: u32, here: &str, column: u32) -> Option<Explained> {
    let (above_line, above) = content_line_above(lines, line)?;
    let key_at = super::key_column(above);
    let indent = indentation(here);
    let key_here = here.trim_start().split(':').next().unwrap_or("");
    // Only a plain key on its own indented line: `: ` inside a value is the caller's message.
    let plain_key = indent as u32 + key_here.chars().count() as u32 + 1 == column && !key_here.contains(' ');
    if !(plain_key && indent > key_at && has_value(above)) {
        return None;
    }
    let key = key_of(&above[key_at.min(above.len())..]);
    Some(explained(
        "this line is indented further than the key above it",
        &format!(
            "`{key}` on line {above_line} already has a value; to add a key beside it, start this line at column {}; to give `{key}` keys of its own, remove its value",
            key_at + 1
        ),
        (line, indent as u32 + 1),
    ))
}

fn explained(message: &str, hint: &str, (line, column): (u32, u32)) -> Explained {
    Explained {
        message: message.to_string(),
        hint: hint.to_string(),
        line,
        column,
    }
}

/// The nearest line above `line` with content (not blank, not only a comment).
fn content_line_above<'a>(lines: &[&'a str], line: u32) -> Option<(u32, &'a str)> {
    (1..line).rev().find_map(|number| {
        let text = lines[number as usize - 1];
        let trimmed = text.trim();
        (!trimmed.is_empty() && !trimmed.starts_with('#')).then_some((number, text))
    })
}

/// Distinct columns (1-based) where keys start in the lines above, nearest first, as text.
fn columns_in_use(lines: &[&str], line: u32) -> String {
    let mut seen: Vec<usize> = Vec::new();
    let mut narrowest = usize::MAX;
    for number in (1..line).rev() {
        let text = lines[number as usize - 1];
        if text.trim().is_empty() || text.trim_start().starts_with('#') {
            continue;
        }
        let column = super::key_column(text);
        // Only the enclosing chain counts: each step up must start further left.
        if column < narrowest || seen.is_empty() {
            narrowest = narrowest.min(column);
            if !seen.contains(&column) {
                seen.push(column);
            }
        }
    }
    seen.iter()
        .map(|column| format!("column {}", column + 1))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The bytes of leading spaces and tabs.
fn indentation_with_tabs(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The key a line starts with (after its indentation and `- `), or the line's start.
fn key_of(line: &str) -> String {
    let content = line.trim_start_matches([' ', '-']).trim_start();
    let key = content.split(':').next().unwrap_or(content);
    key.chars().take(40).collect()
}

/// Whether a `key: value` line has its value on the same line (not `key:` alone, nor `key: |`).
fn has_value(line: &str) -> bool {
    let content = line.trim_start_matches([' ', '-']).trim_start();
    match content.split_once(':') {
        Some((_, rest)) => {
            let rest = rest.split(" #").next().unwrap_or(rest).trim();
            !rest.is_empty() && !rest.starts_with(['|', '>', '&'])
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain_at(text: &str, message: &str, line: u32, column: u32) -> Explained {
        explain(message, text, line, column).expect("explained")
    }

    #[test]
    fn a_key_between_two_indentations_names_the_columns_in_use() {
        let e = explain_at(
            "a:\n  b: 1\n c: 2\n",
            "while parsing a block mapping, did not find expected key",
            3,
            2,
        );
        assert_eq!(
            e.message,
            "this line starts at column 2, which lines up with no key above it"
        );
        assert_eq!(
            e.hint,
            "start it in the same column as the keys it belongs with: column 3 or column 1"
        );
        assert_eq!((e.line, e.column), (3, 2));
    }

    #[test]
    fn a_line_below_a_quoted_value_is_indented_further_than_its_key() {
        let e = explain_at(
            "a: 'x'\n  y\n",
            "while parsing a block mapping, did not find expected key",
            2,
            3,
        );
        assert_eq!(e.message, "this line is indented further than the key above it");
        assert!(e.hint.contains("start this line at column 1"), "{}", e.hint);
    }

    #[test]
    fn a_list_under_a_key_with_a_value_says_so() {
        let e = explain_at(
            "a: x\n- y\n",
            "while parsing a block mapping, did not find expected key",
            2,
            3,
        );
        assert_eq!(e.message, "a list item under a key that already has a value");
        assert_eq!((e.line, e.column), (2, 1));
    }

    #[test]
    fn a_key_out_of_line_with_its_list_item_names_both_fixes() {
        let e = explain_at(
            "items:\n  - id: a\n  n: 1\n",
            "while parsing a block collection, did not find expected '-' indicator",
            3,
            3,
        );
        assert_eq!(e.message, "this line does not line up with the list item above it");
        assert_eq!(
            e.hint,
            "to add a key to the item on line 2, start it at column 5, lined up with `id`; to start a new item, write `- ` at column 3"
        );
    }

    #[test]
    fn continued_text_not_indented_enough_says_how_far() {
        let e = explain_at("a:\n  b: hello\n  world\n", "simple key expected ':'", 3, 3);
        assert_eq!(
            e.message,
            "this line has no `key:` and is not part of the text above it"
        );
        assert!(e.hint.starts_with("a text continued on the next line must be indented more than its key: `b` on line 2 starts at column 3"), "{}", e.hint);
    }

    #[test]
    fn a_key_indented_under_a_key_with_a_value_is_named() {
        let e = explain_at("a: 1\n  b: 2\n", "mapping values are not allowed in this context", 2, 4);
        assert_eq!(e.message, "this line is indented further than the key above it");
        assert_eq!((e.line, e.column), (2, 3));
        assert!(explain("mapping values are not allowed in this context", "a: b: c\n", 1, 5).is_none());
    }
}
