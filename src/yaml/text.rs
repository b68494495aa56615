//! A string value that remembers how it was written, so that a piece of it (a link inside a
//! Markdown field) can be reported at its own line and column, not only at the value's start.
//! The rule it keeps: it changes nothing of the value; where the piece cannot be found as
//! written (an escape in a quoted string), the value's own position is given.

use std::borrow::Cow;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

thread_local! {
    /// The text of the file `yaml::parse` is reading on this thread, for `Text` to take its
    /// written form from.
    static SOURCE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `parse` with `text` as the source that `Text` values are cut from.
pub(super) fn with_source<T>(text: &str, parse: impl FnOnce() -> T) -> T {
    SOURCE.with(|source| *source.borrow_mut() = Some(text.to_string()));
    let result = parse();
    SOURCE.with(|source| *source.borrow_mut() = None);
    result
}

/// A string read from YAML, with its position (1-based line and column of where it is written)
/// and the text it was written as (quotes, indentation and line breaks included).
#[derive(Debug, Clone, Default)]
pub struct Text {
    pub value: String,
    pub line: u32,
    pub column: u32,
    /// The value as written in the file, from `line`:`column` on; empty when unknown.
    written: Arc<str>,
}

impl Text {
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Where `piece`, which is in the value at byte `offset`, is written in the file: the line
    /// and column of its first character. The value's own position when it is not written as it
    /// reads (or the value was not read from a file).
    pub fn locate(&self, offset: usize, piece: &str) -> (u32, u32) {
        if piece.is_empty() {
            return (self.line, self.column);
        }
        let nth = self
            .value
            .get(..offset)
            .map_or(0, |before| before.matches(piece).count());
        let Some((at, _)) = self.written.match_indices(piece).nth(nth) else {
            return (self.line, self.column);
        };
        let before = &self.written[..at];
        match before.rfind('\n') {
            None => (self.line, self.column + before.chars().count() as u32),
            Some(newline) => (
                self.line + before.matches('\n').count() as u32,
                before[newline + 1..].chars().count() as u32 + 1,
            ),
        }
    }
}

impl From<&str> for Text {
    fn from(value: &str) -> Self {
        value.to_string().into()
    }
}

impl From<String> for Text {
    fn from(value: String) -> Self {
        Text {
            value,
            ..Text::default()
        }
    }
}

impl std::ops::Deref for Text {
    type Target = String;
    fn deref(&self) -> &String {
        &self.value
    }
}

// The written form follows from the value and its position.
impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (&self.value, self.line, self.column).hash(state);
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let inner = serde_saphyr::Spanned::<String>::deserialize(deserializer)?;
        // Where the text stands: for a value reached through an alias, where it was defined.
        let at = inner.defined;
        let span = at.span();
        let written = match (span.byte_offset(), span.byte_len()) {
            (Some(start), Some(len)) => SOURCE.with(|source| {
                let source = source.borrow();
                let (start, len) = (start as usize, len as usize);
                source
                    .as_deref()
                    .and_then(|text| text.get(start..start + len))
                    .map(Arc::from)
            }),
            _ => None,
        };
        Ok(Text {
            value: inner.value,
            line: at.line() as u32,
            column: at.column() as u32,
            written: written.unwrap_or_default(),
        })
    }
}

// Positions are for diagnostics only: rules.json and templates see the bare value.
impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl JsonSchema for Text {
    fn inline_schema() -> bool {
        String::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        String::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[derive(Deserialize)]
    struct Item {
        a: Text,
    }

    #[derive(Deserialize)]
    struct File {
        items: Vec<Item>,
    }

    fn read(yaml: &str) -> Vec<Text> {
        let file: File = crate::yaml::parse(Path::new("a.yaml"), yaml).unwrap();
        file.items.into_iter().map(|i| i.a).collect()
    }

    /// Where `piece` is written, found from its first occurrence in the value.
    fn where_is(text: &Text, piece: &str) -> (u32, u32) {
        text.locate(text.value.find(piece).unwrap(), piece)
    }

    #[test]
    fn a_piece_of_a_value_is_found_where_it_is_written_in_every_style_of_scalar() {
        let texts = read(
            "items:\n\
             \x20 - a: |\n\
             \x20     one [x](form:a)\n\
             \x20     two [y](form:b) [z](form:b)\n\
             \x20 - a: plain [y](form:c)\n\
             \x20     continued (form:d)\n\
             \x20 - a: \"quoted \\\"q\\\" (form:e)\"\n\
             \x20 - a: >-\n\
             \x20     folded\n\
             \x20     (form:f)\n",
        );
        assert_eq!(texts[0].value, "one [x](form:a)\ntwo [y](form:b) [z](form:b)\n");
        assert_eq!(where_is(&texts[0], "form:a"), (3, 15));
        assert_eq!(where_is(&texts[0], "form:b"), (4, 15));
        let second = texts[0].value.rfind("form:b").unwrap();
        assert_eq!(texts[0].locate(second, "form:b"), (4, 27), "the second of two alike");
        assert_eq!(where_is(&texts[1], "form:c"), (5, 18));
        assert_eq!(where_is(&texts[1], "form:d"), (6, 18));
        assert_eq!(where_is(&texts[2], "form:e"), (7, 23));
        assert_eq!(
            where_is(&texts[2], "\"q\""),
            (7, 8),
            "escaped: the value's own position"
        );
        assert_eq!(where_is(&texts[3], "form:f"), (10, 8));
    }

    #[test]
    fn a_value_made_in_code_has_no_position_and_the_same_value_as_read() {
        let made = Text::from("a [x](form:a)");
        assert_eq!(where_is(&made, "form:a"), (0, 0));
        assert_eq!(serde_json::to_string(&made).unwrap(), "\"a [x](form:a)\"");
        assert_eq!(made.len(), 13, "reads as its string");
    }
}
