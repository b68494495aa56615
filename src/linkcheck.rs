//! Checks the finished site in memory: every relative link and anchor must land on something
//! (used by `check`), and no page gives two elements one id (used by `build` and `check`).
//! Both take each page as it is rendered; it reads only the rendered files, never the disk.

use std::collections::{HashMap, HashSet};

use std::path::Path;
use std::sync::Mutex;

use crate::diagnostics::{line_column, Diagnostic, SourceMap, Span};
use crate::href::decode_path;
use crate::markdown::resolve;
use crate::plan::ContentLink;
#[cfg(test)]
use crate::render::OutputFile;

/// The relative links written in guides (to pages and files that are not guides), each
/// checked against the finished site and reported where it is written, with the closest page.
/// Links to guides and links by what a page is (`stage:x`) are checked earlier, in `plan`.
/// `paths` are every file of the site (known from the plan, before anything is rendered).
pub(crate) fn content_links(links: &[ContentLink], paths: &HashSet<&str>) -> Vec<Diagnostic> {
    if links.is_empty() {
        return Vec::new();
    }
    let lands = |target: &str| {
        let folder_page = format!(
            "{}index.html",
            if target.is_empty() || target.ends_with('/') {
                target.to_string()
            } else {
                format!("{target}/")
            }
        );
        paths.contains(target) || paths.contains(folder_page.as_str())
    };
    let mut diagnostics = Vec::new();
    for link in links {
        let (message, hint) = match &link.target {
            Some(target) if lands(target) => continue,
            Some(target) => {
                let pages = paths.iter().copied().filter(|p| p.ends_with(".html"));
                let hint = match crate::diagnostics::closest(target, pages) {
                    Some(page) => format!(
                        "did you mean `{page}`{}? {WRITE_BY_KIND}",
                        by_kind(page).map(|k| format!(" (`{k}`)")).unwrap_or_default()
                    ),
                    None => WRITE_BY_KIND.to_string(),
                };
                (
                    format!(
                        "link `{}` leads to `{target}`, which the site does not have",
                        link.written
                    ),
                    hint,
                )
            }
            None => (
                format!("link `{}` leaves the site", link.written),
                format!("a relative link must stay inside the site; {WRITE_BY_KIND}"),
            ),
        };
        diagnostics.push(Diagnostic::error(message).with_span(link.span.clone()).with_hint(hint));
    }
    diagnostics
}

/// How to write a link to a page that survives renamed folders and pages shown at any depth.
const WRITE_BY_KIND: &str =
    "link a page by what it is: `stage:<id>`, `form:<id>`, `checklist:<id>` or `page:<name>` (see docs/content-format.md)";

/// `stages/apply.html` -> `stage:apply`, for the pages a link can name by kind and id.
fn by_kind(page: &str) -> Option<String> {
    let (folder, file) = page.split_once('/')?;
    let id = file.strip_suffix(".html")?;
    let kind = match folder {
        "stages" => "stage",
        "forms" => "form",
        "checklists" => "checklist",
        _ => return None,
    };
    (id != "index" && !id.contains('/')).then(|| format!("{kind}:{id}"))
}

/// One broken link per diagnostic, naming the page that holds it.
#[cfg(test)]
pub(crate) fn check_links(files: &[OutputFile]) -> Vec<Diagnostic> {
    let check = LinkCheck::new(files.iter().map(|f| f.path.clone()));
    for file in files {
        check.add(&file.path, &file.bytes);
    }
    check.finish()
}

/// The link check of a site whose pages arrive one at a time, from several threads, in any
/// order (as `check` renders them): every path of the site is known before the first page, so
/// each link to a path is settled as its page arrives. What waits for the end is only what a
/// page needs of others: every page's ids, and the links to an anchor in another page.
pub(crate) struct LinkCheck {
    paths: HashSet<String>,
    found: Mutex<Found>,
}

/// A link to `target#fragment`, written as `href` at `span` of `page`.
struct Waiting {
    span: Span,
    href: String,
    page: String,
    target: String,
    fragment: String,
}

#[derive(Default)]
struct Found {
    /// Page path -> the ids on it.
    anchors: HashMap<String, HashSet<String>>,
    /// Links to an anchor in another page, with where each is written.
    waiting: Vec<Waiting>,
    diagnostics: Vec<Diagnostic>,
}

impl LinkCheck {
    /// A check for a site of these `paths` (every file, pages or not).
    pub(crate) fn new(paths: impl IntoIterator<Item = String>) -> Self {
        LinkCheck {
            paths: paths.into_iter().collect(),
            found: Mutex::default(),
        }
    }

    /// Checks one file of the site (anything but an HTML page is passed over).
    pub(crate) fn add(&self, page: &str, bytes: &[u8]) {
        if !page.ends_with(".html") {
            return;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            return;
        };
        let ids: HashSet<String> = attribute_values(text, "id").into_iter().collect();
        let mut waiting = Vec::new();
        let mut diagnostics = Vec::new();
        if page != "404.html" {
            let folder = page.rsplit_once('/').map_or("", |(f, _)| f);
            for (href, at) in attribute_positions(text, "href")
                .into_iter()
                .chain(attribute_positions(text, "src"))
            {
                let problem = match judge(&href, page, folder, |path| self.paths.contains(path)) {
                    Verdict::Fine => continue,
                    Verdict::Broken(problem) => Some(problem),
                    Verdict::Anchor { target, fragment } if target == page => {
                        anchor_problem(&target, &fragment, Some(&ids))
                    }
                    Verdict::Anchor { target, fragment } => {
                        waiting.push(Waiting {
                            span: span_in(text, page, at, &href),
                            href,
                            page: page.to_string(),
                            target,
                            fragment,
                        });
                        continue;
                    }
                };
                if let Some(problem) = problem {
                    diagnostics.push(broken(span_in(text, page, at, &href), &href, page, problem));
                }
            }
        }
        let mut found = self.found.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        found.anchors.insert(page.to_string(), ids);
        found.waiting.append(&mut waiting);
        found.diagnostics.append(&mut diagnostics);
    }

    /// Every broken link of the pages added, sorted.
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        let found = self
            .found
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut diagnostics = found.diagnostics;
        for link in found.waiting {
            if let Some(problem) = anchor_problem(&link.target, &link.fragment, found.anchors.get(&link.target)) {
                diagnostics.push(broken(link.span, &link.href, &link.page, problem));
            }
        }
        crate::diagnostics::sort(&mut diagnostics);
        diagnostics
    }
}

/// Where a link is written: the page is not on disk (`check` writes nothing); the position is
/// where `build` would write it, by default under `output/`.
fn span_in(text: &str, page: &str, at: usize, href: &str) -> Span {
    let (line, column) = line_column(text, at);
    Span::new(&Path::new("output").join(page), line, column, href.chars().count())
}

fn broken(span: Span, href: &str, page: &str, problem: String) -> Diagnostic {
    Diagnostic::error(format!("broken link `{href}` in output page `{page}`"))
        .with_span(span)
        .with_hint(problem)
}

/// What one link needs: nothing more, a fix, or an anchor in a page.
enum Verdict {
    Fine,
    Broken(String),
    Anchor { target: String, fragment: String },
}

/// Every id given twice on one HTML page, one error per repeat, naming the page, the id and the
/// line of its first use: a link to it would land on the first only. The error points at the
/// content file that writes `id="…"` when one does (raw HTML), else at the repeat in the page.
/// Pages arrive one at a time, from several threads, as they are rendered.
#[derive(Default)]
pub(crate) struct RepeatedIds {
    found: Mutex<Vec<(String, Diagnostic)>>,
}

impl RepeatedIds {
    /// Looks at one file of the site (anything but an HTML page is passed over).
    pub(crate) fn add(&self, page: &str, bytes: &[u8]) {
        if !page.ends_with(".html") {
            return;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            return;
        };
        let mut repeated = page_duplicate_ids(page, text);
        if !repeated.is_empty() {
            let mut found = self.found.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            found.append(&mut repeated);
        }
    }

    /// Every repeat found, pointed at the content that writes it where `sources` tell, sorted.
    /// `sources` need only hold the texts that write an `id="…"` of their own.
    pub(crate) fn finish(self, sources: &SourceMap) -> Vec<Diagnostic> {
        let found = self
            .found
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut diagnostics: Vec<Diagnostic> = found
            .into_iter()
            .map(|(id, diagnostic)| at_source(diagnostic, &id, sources))
            .collect();
        crate::diagnostics::sort(&mut diagnostics);
        diagnostics
    }
}

/// `RepeatedIds` over a whole site at once.
#[cfg(test)]
fn duplicate_ids(files: &[OutputFile], sources: &SourceMap) -> Vec<Diagnostic> {
    let repeated = RepeatedIds::default();
    for file in files {
        repeated.add(&file.path, &file.bytes);
    }
    repeated.finish(sources)
}

/// `diagnostic` pointed at the first content file that writes `id="<id>"`, if one does; the
/// position in the page moves into the hint.
fn at_source(diagnostic: Diagnostic, id: &str, sources: &SourceMap) -> Diagnostic {
    let written = format!("id=\"{id}\"");
    let mut files: Vec<(&Path, &str)> = sources.files().filter(|(_, text)| text.contains(&written)).collect();
    files.sort_by_key(|(file, _)| *file);
    let Some((file, text)) = files.first() else {
        return diagnostic;
    };
    let at = text.find(&written).unwrap_or(0);
    let (line, column) = line_column(text, at);
    let in_page = diagnostic
        .span
        .as_ref()
        .map(|span| format!(" (in the page: {}:{}:{})", span.file.display(), span.line, span.column))
        .unwrap_or_default();
    let hint = format!("{}{in_page}", diagnostic.hint.clone().unwrap_or_default());
    Diagnostic {
        span: Some(Span::new(file, line, column, written.chars().count())),
        hint: Some(hint),
        ..diagnostic
    }
}

/// `duplicate_ids` of one page, `text` being the page at `page` in the output.
/// Each with the id it repeats.
pub(crate) fn page_duplicate_ids(page: &str, text: &str) -> Vec<(String, Diagnostic)> {
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut diagnostics = Vec::new();
    for (id, at) in attribute_positions(text, "id") {
        let Some(&earlier) = first.get(&id) else {
            first.insert(id, at);
            continue;
        };
        let (line, column) = line_column(text, at);
        let (first_line, _) = line_column(text, earlier);
        let span = Span::new(&Path::new("output").join(page), line, column, id.chars().count().max(1));
        diagnostics.push((
            id.clone(),
            Diagnostic::error(format!("output page `{page}` gives two elements the id `{id}`"))
                .with_span(span)
                .with_hint(format!(
                    "the first is on line {first_line}; a link to `#{id}` reaches only that one. Headings and footnotes in Markdown get ids of their own, so look for `id=\"{id}\"` in raw HTML of the content or in the theme's templates, and rename one"
                )),
        ));
    }
    diagnostics
}

fn judge(href: &str, page: &str, folder: &str, has: impl Fn(&str) -> bool) -> Verdict {
    if href.contains("://") || href.starts_with("mailto:") || href.starts_with("tel:") || href.starts_with("data:") {
        return Verdict::Fine;
    }
    if href.starts_with('/') {
        return Verdict::Broken("links must be relative so the site works from disk and under any sub-path".into());
    }
    let (path, fragment) = match href.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let target = if path.is_empty() {
        page.to_string()
    } else {
        match resolve(folder, &decode_path(path)) {
            Some(target) => target,
            None => return Verdict::Broken("it climbs above the site root".into()),
        }
    };
    if !has(target.as_str()) {
        return Verdict::Broken(format!("no page `{target}` in the site"));
    }
    let fragment = decode_path(fragment.unwrap_or(""));
    if fragment.is_empty() {
        return Verdict::Fine;
    }
    Verdict::Anchor {
        target,
        fragment: fragment.into_owned(),
    }
}

/// `ids` are those of the target page; none when it is not an HTML page (nothing to check).
fn anchor_problem(target: &str, fragment: &str, ids: Option<&HashSet<String>>) -> Option<String> {
    match ids {
        Some(ids) if ids.contains(fragment) => None,
        Some(_) => Some(format!("page `{target}` has no element with id `{fragment}`")),
        None => None,
    }
}

/// Values of `name="..."` attributes, entity `&amp;` decoded.
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    attribute_positions(html, name)
        .into_iter()
        .map(|(value, _)| value)
        .collect()
}

/// `attribute_values`, each with the byte offset of the value in `html`.
fn attribute_positions(html: &str, name: &str) -> Vec<(String, usize)> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .filter_map(|(start, matched)| {
            let from = start + matched.len();
            let rest = &html[from..];
            rest.find('"').map(|end| (rest[..end].replace("&amp;", "&"), from))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: html.as_bytes().into(),
        }
    }

    #[test]
    fn finds_missing_pages_and_anchors_only() {
        let files = vec![
            file(
                "index.html",
                r#"<a href="stages/a.html#x">ok</a><a href="stages/b.html">bad</a><a href="stages/a.html#nope">bad</a><a href="https://x.y/">ext</a>"#,
            ),
            file(
                "stages/a.html",
                r#"<h2 id="x">x</h2><a href="../index.html">up</a><a href="%E4%B8%AD.html">cn</a>"#,
            ),
            file("stages/中.html", ""),
        ];
        let problems = check_links(&files);
        assert_eq!(problems.len(), 2, "{problems:#?}");
    }

    #[test]
    fn an_id_given_twice_on_a_page_is_reported_at_the_repeat_with_the_first_line() {
        let files = vec![
            file(
                "a.html",
                "<h2 id=\"x\">1</h2>\n<p data-id=\"x\" id=\"y\">\n<div id=\"x\"></div>",
            ),
            file("b.html", r#"<h2 id="x">other page</h2>"#),
        ];
        let problems = duplicate_ids(&files, &SourceMap::default());
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(
            problems[0].message,
            "output page `a.html` gives two elements the id `x`"
        );
        let span = problems[0].span.as_ref().expect("a position");
        assert_eq!(
            (span.file.as_path(), span.line, span.column),
            (Path::new("output/a.html"), 3, 10)
        );
        assert!(problems[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .starts_with("the first is on line 1"));
    }

    #[test]
    fn a_repeated_id_that_a_content_file_writes_is_reported_there() {
        let files = vec![file("g.html", "<p id=\"x\"></p><p id=\"x\"></p>")];
        let mut sources = SourceMap::default();
        sources.insert(Path::new("content/guides/g.md"), "---\n---\nText\n\n<p id=\"x\"></p>\n");
        let problems = duplicate_ids(&files, &sources);
        let span = problems[0].span.as_ref().expect("a position");
        assert_eq!(
            (span.file.as_path(), span.line, span.column),
            (Path::new("content/guides/g.md"), 5, 4)
        );
        assert!(problems[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .ends_with("(in the page: output/g.html:1:22)"));
    }

    #[test]
    fn a_broken_link_is_reported_at_its_line_and_column_in_the_page() {
        let files = vec![file("a/b.html", "<p>\n  <a href=\"gone.html\">x</a>\n</p>")];
        let problems = check_links(&files);
        let span = problems[0].span.as_ref().expect("a position");
        assert_eq!(
            (span.file.as_path(), span.line, span.column, span.len),
            (Path::new("output/a/b.html"), 2, 12, 9)
        );
    }

    #[test]
    fn percent_decoding_handles_chinese() {
        assert_eq!(decode_path("%E4%B8%AD-x"), "中-x");
        assert_eq!(decode_path("100%"), "100%");
    }

    #[test]
    fn escapes_that_are_malformed_or_not_utf8_are_taken_as_written() {
        let files = vec![
            file(
                "index.html",
                r#"<a href="100%.html">a</a><a href="%zz.html#%E4%B8%AD">b</a><a href="%FF.html">c</a>"#,
            ),
            file("100%.html", ""),
            file("%zz.html", r#"<h2 id="中">x</h2>"#),
        ];
        let problems: Vec<String> = check_links(&files).into_iter().filter_map(|d| d.hint).collect();
        assert_eq!(problems, ["no page `%FF.html` in the site"]);
    }

    #[test]
    fn a_link_to_an_anchor_is_settled_whichever_page_arrives_first() {
        let linking = file(
            "a.html",
            r##"<a href="b.html#here">ok</a><a href="b.html#gone">bad</a><a href="#self">own</a><p id="self"></p>"##,
        );
        let target = file("b.html", r#"<h2 id="here">x</h2>"#);
        for order in [[&linking, &target], [&target, &linking]] {
            let check = LinkCheck::new(["a.html".to_string(), "b.html".to_string()]);
            for page in order {
                check.add(&page.path, &page.bytes);
            }
            let problems: Vec<String> = check.finish().into_iter().filter_map(|d| d.hint).collect();
            assert_eq!(problems, ["page `b.html` has no element with id `gone`"]);
        }
    }
}
