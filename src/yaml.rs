//! The one place that knows the YAML library (serde-saphyr).
//! It turns text into typed values with positions; it must not know what the values mean.

use std::borrow::Cow;
use std::path::Path;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostics::{Diagnostic, Span};

/// A value read from YAML together with where it stands (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    // The library's default limits already refuse alias bombs (at a million replayed events).
    serde_saphyr::from_str::<T>(text).map_err(|error| to_diagnostic(file, text, &error))
}

fn to_diagnostic(file: &Path, text: &str, error: &serde_saphyr::Error) -> Diagnostic {
    let plain = error.without_snippet().to_string();
    let message = strip_position_suffix(&plain);
    let (message, hint) = explain(message);
    let span = match error.location() {
        Some(loc) if loc.line() > 0 => {
            Span::new(file, loc.line() as u32, loc.column().max(1) as u32, 1)
        }
        _ => end_of_file_span(file, text),
    };
    let mut diagnostic = Diagnostic::error(message).with_span(span);
    if let Some(hint) = hint {
        diagnostic = diagnostic.with_hint(hint);
    }
    diagnostic
}

/// The library appends " at line L, column C"; the span already says that.
fn strip_position_suffix(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(index) => &message[..index],
        None => message,
    }
}

/// Rewrites the library's wording into what a content author needs to hear, with a fix.
fn explain(message: &str) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = match rest.split_once(", expected ") {
            Some((field, expected)) => (field, Some(expected)),
            None => (rest, None),
        };
        let hint = expected.map(|list| {
            let list = list.trim_start_matches("one of ");
            format!("the keys allowed here are: {list}")
        });
        return (format!("unknown key {field}"), hint);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return (
            format!("missing required key {rest}"),
            Some(format!("add {rest} to this entry")),
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
        let hint = message
            .split_once(", expected ")
            .map(|(_, expected)| format!("use one of: {}", expected.trim_start_matches("one of ")));
        let head = message.split(", expected").next().unwrap_or(message);
        return (head.replace("unknown variant", "unknown value"), hint);
    }
    if message.contains("tabs disallowed") {
        return (
            message.to_string(),
            Some("indent YAML with spaces, never tabs".into()),
        );
    }
    if message.starts_with("invalid type")
        || message.starts_with("invalid ")
        || message.starts_with("expected ")
    {
        return (format!("wrong type: {message}"), None);
    }
    if message.contains("alias") || message.contains("budget") {
        return (
            format!("{message}"),
            Some("this document expands aliases too much; write the values out instead".into()),
        );
    }
    (message.to_string(), None)
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
        assert_eq!(
            (doc.id.value.as_str(), doc.id.line, doc.id.column),
            ("hello", 2, 5)
        );
    }

    #[test]
    fn unknown_key_names_the_allowed_keys() {
        let err = parse::<Doc>(Path::new("x.yaml"), "id: a\nbogus: 1\n").unwrap_err();
        assert_eq!(err.message, "unknown key `bogus`");
        assert_eq!(
            err.hint.as_deref(),
            Some("the keys allowed here are: id, n")
        );
        let span = err.span.unwrap();
        assert_eq!((span.line, span.column), (2, 1));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let bomb = "a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
        assert!(parse::<serde_json::Value>(Path::new("x.yaml"), bomb).is_err());
    }
}
