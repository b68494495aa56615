//! The one place that knows the YAML library (serde-saphyr).
//! It turns text into typed values with positions; it must not know what the values mean.

use std::borrow::Cow;
use std::path::Path;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostics::{closest, Diagnostic, Span};

mod layout;
mod recover;
pub use recover::{parse_all, Mistakes};
mod text;
pub use text::Text;

/// A value read from YAML together with where it stands (1-based line and column). Ordered by
/// value first, so a map keyed by it keeps the keys' order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Spanned<T> {
    pub value: T,
    pub line: u32,
    pub column: u32,
}

impl<T> Spanned<T> {
    /// A value with no position (built in code, not read from a file).
    pub fn detached(value: T) -> Self {
        Spanned {
            value,
            line: 0,
            column: 0,
        }
    }

    /// The span of this value inside `file`, `len` characters wide.
    pub fn span_in(&self, file: &Path, len: usize) -> Span {
        Span::new(file, self.line, self.column, len)
    }
}

impl Spanned<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The span of this string value, as wide as the value itself.
    pub fn span(&self, file: &Path) -> Span {
        self.span_in(file, self.value.chars().count().max(1))
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let inner = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Spanned {
            value: inner.value,
            line: inner.referenced.line() as u32,
            column: inner.referenced.column() as u32,
        })
    }
}

// Positions are for diagnostics only: rules.json and templates see the bare value.
impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// Parses one YAML document into `T`, or a diagnostic pointing at the offending value.
pub fn parse<T: for<'de> Deserialize<'de>>(file: &Path, text: &str) -> Result<T, Diagnostic> {
    // The parser ends a line at a lone CR too, while every line guidegen counts, quotes or splits
    // ends at LF: past a lone CR the two disagree (and an index past the last line panicked).
    if let Some(at) = lone_carriage_return(text) {
        return Err(lone_carriage_return_diagnostic(file, text, at));
    }
    // The library's default limits already refuse alias bombs (at a million replayed events).
    text::with_source(text, || serde_saphyr::from_str::<T>(text)).map_err(|error| to_diagnostic(file, text, &error))
}

/// The byte offset of the first CR that is not part of a CRLF line end.
fn lone_carriage_return(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&at| bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n'))
}

fn lone_carriage_return_diagnostic(file: &Path, text: &str, at: usize) -> Diagnostic {
    let (line, column) = crate::diagnostics::line_column(text, at);
    Diagnostic::error("a carriage return (CR) without a line feed after it")
        .with_span(Span::new(file, line, column, 1))
        .with_hint("save the file with LF (or CRLF) line ends; a lone CR comes from old Mac files or a stray control character")
}

fn to_diagnostic(file: &Path, text: &str, error: &serde_saphyr::Error) -> Diagnostic {
    let plain = error.without_snippet().to_string();
    let message = strip_position_suffix(&plain);
    let Some(location) = error.location().filter(|loc| loc.line() > 0) else {
        let (message, hint) = explain(message, None);
        return with_hint(Diagnostic::error(message).with_span(end_of_file_span(file, text)), hint);
    };
    let (line, column) = (location.line() as u32, location.column().max(1) as u32);
    // An unclosed `[`, `{` or quote makes the parser fail later, somewhere unrelated: blame it.
    if let Some(opener) = unclosed_opener(text).filter(|o| (o.line, o.column) <= (line, column)) {
        return opener.diagnostic(file);
    }
    if let Some(layout) = layout::explain(message, text, line, column) {
        return Diagnostic::error(layout.message)
            .with_span(Span::new(file, layout.line, layout.column, 1))
            .with_hint(layout.hint);
    }
    let found = found_text(text, location.span());
    let (explained, hint) = explain(message, found.as_deref());
    let (line, column, width) = if message.starts_with("missing field ") {
        let (line, column) = mapping_start(text, line, column);
        (line, column, 1)
    } else if explained.starts_with("a tab") {
        first_tab_from(text, line).map_or((line, column, 1), |(line, column)| (line, column, 1))
    } else {
        let width = found.as_deref().map_or(1, |f| f.chars().count().max(1));
        (line, column, width)
    };
    let hint = match hint {
        Some(h) if explained.starts_with("missing required key") && column == 1 => {
            Some(h.replace("to this entry", "to this file"))
        }
        Some(h) if explained.starts_with("duplicate key") => {
            match found.as_deref().and_then(|key| earlier_key(text, line, column, key)) {
                Some(first) => Some(format!(
                    "`{}` is already set on line {first}; {h}",
                    found.unwrap_or_default()
                )),
                None => Some(h),
            }
        }
        other => other,
    };
    with_hint(
        Diagnostic::error(explained).with_span(Span::new(file, line, column, width)),
        hint,
    )
}

fn with_hint(diagnostic: Diagnostic, hint: Option<String>) -> Diagnostic {
    match hint {
        Some(hint) => diagnostic.with_hint(hint),
        None => diagnostic,
    }
}

/// The library appends " at line L, column C" (sometimes with more positions after it); the
/// span already says where, so everything from the first such suffix on goes.
fn strip_position_suffix(message: &str) -> &str {
    match message.find(" at line ") {
        Some(index) => &message[..index],
        None => message,
    }
}

/// The text the library's span covers (the offending key or value), if it names any.
fn found_text(text: &str, span: serde_saphyr::Span) -> Option<String> {
    if span.is_empty() {
        return None;
    }
    let found: String = text
        .chars()
        .skip(span.offset() as usize)
        .take(span.len() as usize)
        .collect();
    (!found.trim().is_empty() && !found.contains('\n')).then_some(found)
}

/// How to name what was found in a message: a list, a mapping, or the value itself.
fn describe(found: Option<&str>) -> String {
    match found {
        Some(f) if f.starts_with('[') || f.starts_with("- ") => "a list".into(),
        Some(f) if f.starts_with('{') => "a mapping".into(),
        Some(f) => format!("`{f}`"),
        None => "something else".into(),
    }
}

/// Rewrites the library's wording into what a content author needs to hear, with a fix.
/// `found` is the key or value the library points at, when it points at one.
fn explain(message: &str, found: Option<&str>) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = match rest.split_once(", expected ") {
            Some((field, expected)) => (field, Some(expected)),
            None => (rest, None),
        };
        let hint = expected.map(|list| {
            let list = list.trim_start_matches("one of ");
            format!("{}the keys allowed here are: {list}", did_you_mean(field, list))
        });
        return (format!("unknown key {field}"), hint);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return (
            format!("missing required key {rest}"),
            Some(format!("add {}: ...` to this entry", rest.trim_end_matches('`'))),
        );
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest);
        return (
            format!("duplicate key `{key}`"),
            Some("each key may appear once in a mapping; remove or rename one of them".into()),
        );
    }
    if message.starts_with("unknown variant ") {
        let head = message.split(", expected").next().unwrap_or(message);
        let value = head.trim_start_matches("unknown variant ");
        let hint = message.split_once(", expected ").map(|(_, expected)| {
            let list = expected.trim_start_matches("one of ");
            format!("{}use one of: {list}", did_you_mean(value, list))
        });
        return (head.replace("unknown variant", "unknown value"), hint);
    }
    if message.contains("tabs disallowed") || message.contains("found a tab") {
        return (
            "a tab is used for indentation".to_string(),
            Some("indent YAML with spaces, never tabs".into()),
        );
    }
    if let Some(ty) = message.strip_prefix("invalid ") {
        if let Some((what, hint)) = scalar_type(ty) {
            let digits =
                found.is_some_and(|f| !f.is_empty() && f.trim_start_matches('-').chars().all(|c| c.is_ascii_digit()));
            if digits && ty.starts_with(['u', 'i']) {
                // Digits and still not a number of this kind: it is out of range.
                let message = format!(
                    "the number {} is too large (or negative where it may not be)",
                    describe(found)
                );
                return (message, Some("use a smaller number, e.g. the position 1, 2, 3".into()));
            }
            return (format!("expected {what}, found {}", describe(found)), Some(hint.into()));
        }
    }
    if message == "expected sequence start" {
        return (
            format!("expected a list, found {}", describe(found)),
            Some("write a list as `[a, b]`, or as lines that start with `- `".into()),
        );
    }
    if message == "expected string scalar" {
        return (
            format!("expected text, found {}", describe(found)),
            Some("write a single value; put it in quotes if it starts with `[` or `{`".into()),
        );
    }
    if message == "expected mapping start" {
        return (
            format!("expected `key: value` entries, found {}", describe(found)),
            Some("write the keys of this entry on their own lines, indented under it".into()),
        );
    }
    if message.starts_with("cannot deserialize null into string") {
        return (
            "this key has no value".into(),
            Some("write a value after the `:`, or remove the key if it is optional".into()),
        );
    }
    if message.starts_with("mapping values are not allowed") || message.starts_with("illegal placement of ':'") {
        return (
            "unexpected `:` in a value".into(),
            Some("put a value that contains `: ` in quotes, e.g. `summary: \"Note: read first\"`; or check the indentation of this line".into()),
        );
    }
    if message.starts_with("invalid trailing content after") {
        return (
            "text after a closing quote".into(),
            Some("put the whole value in quotes, or remove what follows the closing quote".into()),
        );
    }
    if message.starts_with("invalid type") || message.starts_with("invalid ") || message.starts_with("expected ") {
        return (format!("wrong type: {message}"), None);
    }
    if message.starts_with("alias references unknown anchor") {
        return (
            "this alias (`*name`) names no anchor".into(),
            Some("define the anchor first with `&name` on the value to repeat, or write the value out".into()),
        );
    }
    if message.starts_with("budget breached") || message.contains("alias replay") || message.contains("alias expansion")
    {
        return (
            "this document is too large once its aliases are expanded".into(),
            Some(
                "a few aliases that repeat each other can expand to millions of values; write the values out instead"
                    .into(),
            ),
        );
    }
    if message.starts_with("multiple YAML documents") {
        return (
            "a second YAML document starts here (after a `---` line)".into(),
            Some(
                "each content file holds one document: remove the `---` line, or move what follows into another file"
                    .into(),
            ),
        );
    }
    if message.starts_with("recursion limit exceeded") {
        return (
            "values are nested too deeply".into(),
            Some("a content file needs a few levels of nesting at most; check for runaway brackets".into()),
        );
    }
    if message.contains("unexpected character") && message.contains("\\u{0}") {
        return (
            "a NUL character (byte 0) in the text".into(),
            Some("remove it; it usually comes from copying from a binary file or a broken editor".into()),
        );
    }
    (message.to_string(), None)
}

/// "did you mean `x`? " when `wanted` (in backticks) is close to one of the comma-separated `list`.
fn did_you_mean(wanted: &str, list: &str) -> String {
    let wanted = wanted.trim_matches('`');
    closest(wanted, list.split(", "))
        .map(|best| format!("did you mean `{best}`? "))
        .unwrap_or_default()
}

/// What a scalar of the library's type name `ty` looks like to an author, and how to write one.
fn scalar_type(ty: &str) -> Option<(&'static str, &'static str)> {
    match ty {
        "u8" | "u16" | "u32" | "u64" => Some(("a whole number (0 or more)", "write digits only, e.g. `3`")),
        "i8" | "i16" | "i32" | "i64" => Some(("a whole number", "write digits only, e.g. `3`")),
        "f32" | "f64" => Some(("a number", "write a number, e.g. `1.5`")),
        "boolean" | "bool" => Some(("`true` or `false`", "write `true` or `false`")),
        _ => None,
    }
}

/// serde-saphyr reports a missing key at the mapping's last key; point at where the mapping starts.
fn mapping_start(text: &str, line: u32, column: u32) -> (u32, u32) {
    let lines: Vec<&str> = text.lines().collect();
    let Some(current) = lines.get(line as usize - 1) else {
        return (line, column);
    };
    let key = column as usize - 1;
    // In a flow mapping `{...}`, the mapping starts at the nearest unmatched `{` to the left.
    let before: Vec<char> = current.chars().take(key).collect();
    let mut depth = 0;
    for (index, c) in before.iter().enumerate().rev() {
        match c {
            '}' => depth += 1,
            '{' if depth == 0 => return (line, index as u32 + 1),
            '{' => depth -= 1,
            _ => {}
        }
    }
    let indent = current.len() - current.trim_start_matches(' ').len();
    if key_column(current) != key || indent < key {
        return (line, column); // not a block key, or the first key of a `- ` entry already
    }
    // A block mapping: walk up over its keys (all in this column) to the first one.
    let mut start = line;
    for number in (1..line).rev() {
        let above = lines[number as usize - 1];
        if above.trim().is_empty() || above.trim_start().starts_with('#') {
            continue;
        }
        let indent = above.len() - above.trim_start_matches(' ').len();
        if indent > key {
            continue;
        }
        if key_column(above) != key {
            break;
        }
        start = number;
        if indent < key {
            break; // `- key:` opens this entry of a list
        }
    }
    (start, column)
}

/// The 0-based column where a line's content starts, after its indentation and `- ` markers.
fn key_column(line: &str) -> usize {
    let mut column = 0;
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start_matches(' ');
        column += rest.len() - trimmed.len();
        match trimmed.strip_prefix('-') {
            Some(after) if after.is_empty() || after.starts_with(' ') => {
                column += 1;
                rest = after;
            }
            _ => return column,
        }
    }
}

/// The line where `key` first appears in the same block mapping as the key at `line`:`column`.
fn earlier_key(text: &str, line: u32, column: u32, key: &str) -> Option<u32> {
    let key_at = column as usize - 1;
    let lines: Vec<&str> = text.lines().collect();
    for number in (1..line).rev() {
        let above = lines[number as usize - 1];
        if above.trim().is_empty() || above.trim_start().starts_with('#') {
            continue;
        }
        let indent = above.len() - above.trim_start_matches(' ').len();
        if indent > key_at {
            continue;
        }
        if key_column(above) != key_at {
            return None;
        }
        let content: String = above.chars().skip(key_at).collect();
        if content.strip_prefix(key).is_some_and(|rest| rest.starts_with(':')) {
            return Some(number);
        }
        if indent < key_at {
            return None;
        }
    }
    None
}

/// The first tab on `line` or below it (1-based line and column). The parser names the tab
/// when it scans past it, often from the end of the line before, so the search goes forward.
fn first_tab_from(text: &str, line: u32) -> Option<(u32, u32)> {
    text.lines()
        .enumerate()
        .skip(line.saturating_sub(1) as usize)
        .find_map(|(index, content)| {
            let column = content.chars().position(|c| c == '\t')?;
            Some((index as u32 + 1, column as u32 + 1))
        })
}

/// A `[`, `{` or quote that is never closed.
#[derive(Debug, PartialEq)]
struct Opener {
    line: u32,
    column: u32,
    ch: char,
}

impl Opener {
    fn diagnostic(&self, file: &Path) -> Diagnostic {
        let (message, hint) = match self.ch {
            '[' => (
                "this `[` is never closed".to_string(),
                "add the closing `]`; a list written with `[` ends with `]`, normally on the same line".to_string(),
            ),
            '{' => (
                "this `{` is never closed".to_string(),
                "add the closing `}`; a mapping written with `{` ends with `}`, normally on the same line".to_string(),
            ),
            quote => (
                "this quoted value is never closed".to_string(),
                format!("add the closing {quote} at the end of the value"),
            ),
        };
        Diagnostic::error(message)
            .with_span(Span::new(file, self.line, self.column, 1))
            .with_hint(hint)
    }
}

/// Finds the first flow bracket or quote still open when a later line starts at or left of the
/// line that opened it (or at the end of the text). The parser itself only notices much later.
fn unclosed_opener(text: &str) -> Option<Opener> {
    let mut open: Vec<Opener> = Vec::new();
    // Column of the content of the line that opened `open[0]`.
    let mut owner = 0;
    // Indentation of the line that started a `|` or `>` block scalar, whose lines are not YAML.
    let mut block_scalar: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if line.trim().is_empty() {
            continue;
        }
        if let Some(parent) = block_scalar {
            if indent > parent {
                continue;
            }
            block_scalar = None;
        }
        let content = key_column(line);
        // A line that starts by closing (`]` on its own, as some write long lists) is no sign.
        let closes = line.trim_start().starts_with([']', '}']);
        if !open.is_empty() && content <= owner && !closes {
            break;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut at_start = true;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match open.last().map(|o| o.ch) {
                Some('"') => {
                    if c == '\\' {
                        i += 1;
                    } else if c == '"' {
                        open.pop();
                        at_start = false;
                    }
                    i += 1;
                    continue;
                }
                Some('\'') => {
                    if c == '\'' && next == Some('\'') {
                        i += 1;
                    } else if c == '\'' {
                        open.pop();
                        at_start = false;
                    }
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let in_flow = !open.is_empty();
            let spaced = next.is_none_or(|n| n == ' ');
            match c {
                '#' if i == 0 || chars[i - 1] == ' ' => break,
                ' ' => {}
                '"' | '\'' | '[' | '{' if at_start => {
                    if open.is_empty() {
                        owner = content;
                    }
                    open.push(Opener {
                        line: index as u32 + 1,
                        column: i as u32 + 1,
                        ch: c,
                    });
                }
                ']' | '}' if in_flow => {
                    open.pop();
                    at_start = false;
                }
                ',' if in_flow => at_start = true,
                ':' | '-' if spaced => {}
                '|' | '>' if at_start && !in_flow => {
                    block_scalar = Some(indent);
                    break;
                }
                _ => at_start = false,
            }
            if c == ':' && spaced {
                at_start = true;
            }
            i += 1;
        }
    }
    open.into_iter().next()
}

fn end_of_file_span(file: &Path, text: &str) -> Span {
    let line = text.lines().count().max(1) as u32;
    Span::new(file, line, 1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        id: Spanned<String>,
        #[allow(dead_code)]
        n: Option<u32>,
    }

    #[test]
    fn spanned_values_know_their_line_and_column() {
        let doc: Doc = parse(Path::new("x.yaml"), "n: 1\nid: hello\n").unwrap();
        assert_eq!((doc.id.value.as_str(), doc.id.line, doc.id.column), ("hello", 2, 5));
    }

    #[test]
    fn unknown_key_names_the_allowed_keys() {
        let err = parse::<Doc>(Path::new("x.yaml"), "id: a\nbogus: 1\n").unwrap_err();
        assert_eq!(err.message, "unknown key `bogus`");
        assert_eq!(err.hint.as_deref(), Some("the keys allowed here are: id, n"));
        let span = err.span.unwrap();
        assert_eq!((span.line, span.column), (2, 1));
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct List {
        items: Vec<Doc>,
    }

    fn position(d: &Diagnostic) -> (u32, u32) {
        let span = d.span.as_ref().unwrap();
        (span.line, span.column)
    }

    #[test]
    fn an_unclosed_bracket_is_blamed_not_the_line_after_it() {
        let err = parse::<List>(Path::new("x.yaml"), "items:\n  - id: a\n    n: [1\n  - id: b\n").unwrap_err();
        assert_eq!(err.message, "this `[` is never closed");
        assert_eq!(position(&err), (3, 8));
    }

    #[test]
    fn valid_yaml_has_no_unclosed_opener() {
        let text = "a: |\n  [not yaml\n  \"nor this\nb: The filer's [own](x.md) ID\nc: [x,\n    y]\nd: {e: 'it''s'}  # [comment\nf: [\n  g,\n]\n";
        assert_eq!(unclosed_opener(text), None);
    }

    #[test]
    fn a_missing_key_points_at_the_start_of_its_entry() {
        for (text, at) in [
            ("items:\n  - id: a\n  - n: 1\n", (3, 5)),
            ("items:\n  - id: a\n  - n: 1\n    # note\n\n    m: 2\n", (3, 5)),
            ("items:\n  - id: a\n  - {n: 1, m: 2}\n", (3, 5)),
        ] {
            #[derive(Debug, Deserialize)]
            #[allow(dead_code)]
            struct Three {
                id: String,
                n: Option<u32>,
                m: Option<u32>,
            }
            #[derive(Debug, Deserialize)]
            #[allow(dead_code)]
            struct Items {
                items: Vec<Three>,
            }
            let err = parse::<Items>(Path::new("x.yaml"), text).unwrap_err();
            assert_eq!(err.message, "missing required key `id`", "{text}");
            assert_eq!(position(&err), at, "{text}");
        }
    }

    #[test]
    fn a_wrong_scalar_names_what_was_found() {
        let err = parse::<Doc>(Path::new("x.yaml"), "id: a\nn: two\n").unwrap_err();
        assert_eq!(err.message, "expected a whole number (0 or more), found `two`");
        assert_eq!(err.span.unwrap().len, 3);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let bomb = "a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
        assert!(parse::<serde_json::Value>(Path::new("x.yaml"), bomb).is_err());
    }

    // Found by fuzzing (fuzz/fuzz_targets/front_matter.rs): the parser counted lone CRs as line
    // ends, `earlier_key` looked the duplicate's line up among LF-separated lines and panicked.
    #[test]
    fn a_lone_carriage_return_is_refused_where_it_stands() {
        let text = "items:\n  - id: a\r    id: b\r";
        let err = parse::<List>(Path::new("x.yaml"), text).unwrap_err();
        assert_eq!(err.message, "a carriage return (CR) without a line feed after it");
        assert_eq!(position(&err), (2, 10));
        let err = parse::<Doc>(Path::new("x.yaml"), "id: a\r\nn: 1\rm").unwrap_err();
        assert_eq!(position(&err), (2, 5));
    }

    #[test]
    fn a_tab_is_blamed_where_it_stands_not_on_the_line_before() {
        for (text, at) in [
            ("items:\n  - id: a\n\t- id: b\n", (3, 1)),
            ("items:\n  - id: a\n    n: 1\n\tm: 2\n", (4, 1)),
            ("items:\n  - id: a\n  \t- id: b\n", (3, 3)),
            ("id: a\n\tn: 2\n", (2, 1)),
            ("items:\n  - id: a\n    n:\n\t\t1\n", (4, 1)),
        ] {
            let err = parse::<serde_json::Value>(Path::new("x.yaml"), text).unwrap_err();
            assert_eq!(err.message, "a tab is used for indentation", "{text:?}");
            assert_eq!(position(&err), at, "{text:?}");
        }
    }

    #[test]
    fn every_wrong_key_and_value_of_a_file_is_reported_in_one_reading() {
        let text = "items:\n  - id: a\n    bogus: 1\n    n: two\n  - id: b\n    nn: 3\n  - id: c\n    n: 4\n";
        let mistakes = parse_all::<List>(Path::new("x.yaml"), text).unwrap_err();
        let errors = mistakes.diagnostics;
        let found: Vec<(&str, (u32, u32))> = errors.iter().map(|e| (e.message.as_str(), position(e))).collect();
        assert_eq!(
            found,
            [
                ("unknown key `bogus`", (3, 5)),
                ("expected a whole number (0 or more), found `two`", (4, 8)),
                ("unknown key `nn`", (6, 5)),
            ]
        );
        let read_around = mistakes.partial.expect("the rest of the file is read");
        assert_eq!(
            read_around.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        let fine = parse_all::<List>(Path::new("x.yaml"), "items:\n  - id: a\n").unwrap();
        assert_eq!(fine.items.len(), 1);
    }

    #[test]
    fn a_required_key_blanked_after_its_mistake_is_not_reported_missing_too() {
        let errors = parse_all::<List>(Path::new("x.yaml"), "items:\n  - id: [a]\n    n: 1\n")
            .unwrap_err()
            .diagnostics;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.starts_with("expected text"), "{}", errors[0].message);
    }

    #[test]
    fn crlf_line_ends_are_fine() {
        let doc: Doc = parse(Path::new("x.yaml"), "n: 1\r\nid: hello\r\n").unwrap();
        assert_eq!((doc.id.line, doc.id.column), (2, 5));
        let err = parse::<Doc>(Path::new("x.yaml"), "id: a\r\nid: b\r\n").unwrap_err();
        assert_eq!(err.message, "duplicate key `id`");
        assert_eq!(position(&err), (2, 1));
    }
}
