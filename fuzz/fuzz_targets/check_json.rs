//! `check --format json`: whatever the diagnostics hold (any message and hint, any file name
//! bytes, any position) `diagnostics::json` prints one valid JSON object that reads back to the
//! same values; and the real diagnostics of any YAML text, read as a materials file, print as
//! valid JSON too.
#![no_main]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use arbitrary::Arbitrary;
use guidegen::diagnostics::{self, Diagnostic, Span};
use guidegen::model::MaterialsFile;
use guidegen::yaml;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Found {
    error: bool,
    message: String,
    hint: Option<String>,
    place: Option<(Vec<u8>, u32, u32, u16)>,
}

#[derive(Arbitrary, Debug)]
enum Input {
    Made { found: Vec<Found>, pages: Option<u32>, ok: bool },
    Yaml { file: Vec<u8>, text: String },
}

fuzz_target!(|input: Input| {
    match input {
        Input::Made { found, pages, ok } => {
            let made: Vec<Diagnostic> = found.iter().map(diagnostic).collect();
            let pages = pages.map(|n| n as usize);
            let value = parse(&diagnostics::json(&made, pages, ok));
            assert_eq!(value["ok"], ok);
            assert_eq!(value["pages"].as_u64(), pages.map(|n| n as u64));
            let errors = made.iter().filter(|d| d.is_error()).count() as u64;
            assert_eq!(value["errors"].as_u64(), Some(errors));
            assert_eq!(value["warnings"].as_u64(), Some(made.len() as u64 - errors));
            let items = value["diagnostics"].as_array().expect("a list of diagnostics");
            assert_eq!(items.len(), made.len());
            for (item, made) in items.iter().zip(&made) {
                assert_eq!(item["message"].as_str(), Some(made.message.as_str()));
                assert_eq!(item["hint"].as_str(), made.hint.as_deref());
                assert_eq!(item["severity"], if made.is_error() { "error" } else { "warning" });
                match &made.span {
                    None => assert!(item["file"].is_null() && item["line"].is_null()),
                    Some(span) => {
                        let file = span.file.to_string_lossy().replace('\\', "/");
                        assert_eq!(item["file"].as_str(), Some(file.as_str()));
                        let line = (span.line > 0).then_some(span.line as u64);
                        assert_eq!(item["line"].as_u64(), line);
                        assert_eq!(item["column"].as_u64(), line.map(|_| span.column as u64));
                    }
                }
            }
        }
        Input::Yaml { file, text } => {
            let file = Path::new(OsStr::from_bytes(&file));
            let found: Vec<Diagnostic> = match yaml::parse_all::<MaterialsFile>(file, &text) {
                Ok(_) => Vec::new(),
                Err(mistakes) => mistakes.diagnostics,
            };
            let value = parse(&diagnostics::json(&found, None, false));
            assert_eq!(value["diagnostics"].as_array().map(Vec::len), Some(found.len()));
        }
    }
});

fn diagnostic(found: &Found) -> Diagnostic {
    let made = if found.error {
        Diagnostic::error(found.message.clone())
    } else {
        Diagnostic::warning(found.message.clone())
    };
    let made = match &found.hint {
        Some(hint) => made.with_hint(hint.clone()),
        None => made,
    };
    match &found.place {
        Some((file, line, column, len)) => {
            made.with_span(Span::new(Path::new(OsStr::from_bytes(file)), *line, *column, usize::from(*len)))
        }
        None => made,
    }
}

/// The text as JSON: one object, and nothing after it but the closing newline.
fn parse(text: &str) -> serde_json::Value {
    assert!(text.ends_with('\n'), "{text:?}");
    let value: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"));
    assert!(value.is_object());
    value
}
