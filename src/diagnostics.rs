//! Errors and warnings as values with positions, and the one place that formats them.
//! Every stage returns `Diagnostic`s; only `main` decides how to print them and how to exit.

use ahash::AHashMap as HashMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// Where a problem is: a file (relative to the site root), a 1-based line and column, a width.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    pub len: usize,
}

impl Span {
    pub fn new(file: &Path, line: u32, column: u32, len: usize) -> Self {
        Span {
            file: file.to_path_buf(),
            line,
            column,
            len,
        }
    }

    /// The start of a file, for problems with the file as a whole.
    pub fn file_only(file: &Path) -> Self {
        Span::new(file, 1, 1, 1)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display().to_string().replace('\\', "/");
        if self.line == 0 {
            write!(f, "{file}")
        } else {
            write!(f, "{file}:{}:{}", self.line, self.column)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the input: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub span: Option<Span>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: None,
            hint: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            span: None,
            hint: None,
        }
    }

    pub fn with_span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The text of every file read, so diagnostics can quote the offending line.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    /// Shared, because `serve` keeps every guide's text between builds and hands it to each one.
    /// Keyed by the path's bytes: hashing a `Path` walks its components, and `serve` files every
    /// guide's text here on every rebuild.
    texts: HashMap<OsString, Arc<str>>,
}

impl SourceMap {
    pub fn insert(&mut self, file: &Path, text: &str) {
        self.texts.insert(file.as_os_str().to_owned(), Arc::from(text));
    }

    /// `insert` without copying the text.
    pub fn insert_shared(&mut self, file: &Path, text: Arc<str>) {
        self.texts.insert(file.as_os_str().to_owned(), text);
    }

    /// Adds every file of `other`.
    pub fn extend(&mut self, other: SourceMap) {
        self.texts.extend(other.texts);
    }

    pub fn get(&self, file: &Path) -> Option<&str> {
        self.texts.get(file.as_os_str()).map(|text| &**text)
    }

    /// Forgets the text of every file but those `keep` names.
    pub fn retain(&mut self, mut keep: impl FnMut(&Path, &str) -> bool) {
        self.texts.retain(|file, text| keep(Path::new(file), text));
    }

    /// Every file and its text, in no particular order.
    pub fn files(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.texts
            .iter()
            .map(|(file, text)| (Path::new(file.as_os_str()), &**text))
    }
}

/// Orders diagnostics by file and position so output is stable whatever order stages ran in.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.span, a.severity, &a.message).cmp(&(&b.span, b.severity, &b.message)));
}

/// Formats diagnostics rustc-style: headline, `--> file:line:col`, the source line, a caret, the hint.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&render_one(diagnostic, sources, &renderer));
        out.push_str("\n\n");
    }
    out
}

fn render_one(diagnostic: &Diagnostic, sources: &SourceMap, renderer: &Renderer) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(diagnostic.message.as_str());
    let hint = diagnostic.hint.as_deref().map(|h| Level::HELP.message(h));
    let quoted = diagnostic.span.as_ref().and_then(|span| quote(span, sources));
    let group = match (&diagnostic.span, quoted) {
        (Some(span), Some((line_text, range))) => {
            let snippet = Snippet::source(line_text)
                .line_start(span.line as usize)
                .path(span.file.display().to_string().replace('\\', "/"))
                .annotation(AnnotationKind::Primary.span(range));
            let group = title.element(snippet);
            match hint {
                Some(h) => group.element(h),
                None => group,
            }
        }
        (Some(span), None) => {
            // No text to quote (unreadable or binary file): still say where, as the others do.
            let group = match hint {
                Some(h) => Group::with_title(title).element(h),
                None => Group::with_title(title),
            };
            let rendered = renderer.render(&[group]);
            let (head, rest) = rendered.split_once('\n').unwrap_or((&rendered, ""));
            let rest = if rest.is_empty() {
                String::new()
            } else {
                format!("\n{rest}")
            };
            return format!("{head}\n --> {span}{rest}");
        }
        (None, _) => match hint {
            Some(h) => Group::with_title(title).element(h),
            None => Group::with_title(title),
        },
    };
    renderer.render(&[group])
}

/// What `check --format json` prints: one JSON object for tools (editors, CI annotations).
/// `ok` is the exit status (warnings count with `--deny-warnings`); `pages` is absent when the
/// site could not be rendered. Positions are 1-based, columns in characters; `line`, `column`
/// and `length` are null for a problem with no position, `line` and `column` also for a
/// problem with a whole file. Paths are site-relative with `/`; bytes that are not UTF-8 become
/// U+FFFD, so the output is always valid JSON.
pub fn json(diagnostics: &[Diagnostic], pages: Option<usize>, ok: bool) -> String {
    let count = |severity| diagnostics.iter().filter(|d| d.severity == severity).count();
    let items: Vec<serde_json::Value> = diagnostics.iter().map(json_one).collect();
    let report = serde_json::json!({
        "ok": ok,
        "pages": pages,
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
        "diagnostics": items,
    });
    let mut text = report.to_string();
    text.push('\n');
    text
}

fn json_one(diagnostic: &Diagnostic) -> serde_json::Value {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let span = diagnostic.span.as_ref();
    let positioned = span.filter(|span| span.line > 0);
    serde_json::json!({
        "severity": severity,
        "message": diagnostic.message,
        "file": span.map(|span| span.file.to_string_lossy().replace('\\', "/")),
        "line": positioned.map(|span| span.line),
        "column": positioned.map(|span| span.column),
        "length": positioned.map(|span| span.len),
        "hint": diagnostic.hint,
    })
}

/// The source line a span points into, and the byte range of the span within that line.
fn quote<'a>(span: &Span, sources: &'a SourceMap) -> Option<(&'a str, std::ops::Range<usize>)> {
    if span.line == 0 {
        return None;
    }
    let text = sources.get(&span.file)?;
    let line_text = text.lines().nth(span.line as usize - 1)?;
    let start = char_to_byte(line_text, span.column.saturating_sub(1) as usize);
    let end = char_to_byte(line_text, span.column.saturating_sub(1) as usize + span.len.max(1));
    let end = end.max(start);
    Some((line_text, start..end))
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i)
}

/// Line and column (1-based, in characters) of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The closest known name to `wanted`, for "did you mean" hints.
pub fn closest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| (edit_distance(wanted, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.chars().count().max(3) / 3).max(2))
        .min()
        .map(|(_, candidate)| candidate)
}

/// A hint that suggests the closest known id, or lists the known ones.
pub fn unknown_id_hint<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str> + Clone) -> String {
    match closest(wanted, known.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let mut list: Vec<&str> = known.into_iter().collect();
            if list.is_empty() {
                return "there are none yet".into();
            }
            list.sort_unstable();
            format!("known ids: {}", list.join(", "))
        }
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push((previous[j] + cost).min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        assert_eq!(line_column("ab\n中文x", 9), (2, 3));
        assert_eq!(line_column("abc", 0), (1, 1));
    }

    #[test]
    fn closest_suggests_a_near_id() {
        assert_eq!(closest("id_crad", ["id_card", "licence"]), Some("id_card"));
        assert_eq!(closest("zzzzzz", ["id_card", "licence"]), None);
        assert_eq!(
            unknown_id_hint("zzzzzz", ["licence", "id_card"]),
            "known ids: id_card, licence"
        );
        assert_eq!(unknown_id_hint("zzzzzz", []), "there are none yet");
    }

    #[cfg(unix)]
    #[test]
    fn json_gives_every_field_and_counts_and_stays_valid_for_any_path() {
        use std::os::unix::ffi::OsStrExt;
        let odd = Path::new(std::ffi::OsStr::from_bytes(b"content/\xff\"q\".yaml"));
        let found = [
            Diagnostic::error("unknown id `bad`\n\u{2028}")
                .with_span(Span::new(odd, 2, 5, 3))
                .with_hint("did you mean `bat`?"),
            Diagnostic::warning("whole file").with_span(Span::new(Path::new("content\\a.yaml"), 0, 0, 0)),
            Diagnostic::error("nowhere"),
        ];
        let text = json(&found, None, false);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["ok"], false);
        assert!(value["pages"].is_null());
        assert_eq!(
            (value["errors"].as_u64(), value["warnings"].as_u64()),
            (Some(2), Some(1))
        );
        let first = &value["diagnostics"][0];
        assert_eq!(first["file"], "content/\u{fffd}\"q\".yaml");
        assert_eq!(
            (
                first["line"].as_u64(),
                first["column"].as_u64(),
                first["length"].as_u64()
            ),
            (Some(2), Some(5), Some(3))
        );
        assert_eq!(first["message"], "unknown id `bad`\n\u{2028}");
        assert_eq!(first["hint"], "did you mean `bat`?");
        assert_eq!(value["diagnostics"][1]["file"], "content/a.yaml");
        assert!(value["diagnostics"][1]["line"].is_null());
        assert!(value["diagnostics"][2]["file"].is_null());
        assert!(value["diagnostics"][2]["hint"].is_null());
    }

    #[test]
    fn render_quotes_the_line_with_a_caret() {
        let mut sources = SourceMap::default();
        sources.insert(Path::new("content/a.yaml"), "x: 1\nid: bad\n");
        let d = Diagnostic::error("unknown id `bad`")
            .with_span(Span::new(Path::new("content/a.yaml"), 2, 5, 3))
            .with_hint("did you mean `bat`?");
        let text = render(&[d], &sources, false);
        assert!(text.contains("--> content/a.yaml:2:5"), "{text}");
        assert!(text.contains("2 | id: bad"), "{text}");
        assert!(text.contains("^^^"), "{text}");
        assert!(text.contains("help: did you mean `bat`?"), "{text}");
    }
}
