//! Checks the finished site in memory: every relative link and anchor must land on something
//! (used by `check`), and no page gives two elements one id (used by `build` and `check`).
//! It reads only the rendered files, never the disk.

use std::collections::{HashMap, HashSet};

use std::path::Path;

use crate::diagnostics::{line_column, Diagnostic, SourceMap, Span};
use crate::href::decode_path;
use crate::markdown::resolve;
use crate::plan::ContentLink;
use crate::render::OutputFile;

/// The relative links written in guides (to pages and files that are not guides), each
/// checked against the finished site and reported where it is written, with the closest page.
/// Links to guides and links by what a page is (`stage:x`) are checked earlier, in `plan`.
pub(crate) fn content_links(links: &[ContentLink], files: &[OutputFile], search_index: bool) -> Vec<Diagnostic> {
    if links.is_empty() {
        return Vec::new();
    }
    let mut paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    if search_index {
        paths.insert(crate::search::INDEX_PATH);
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
pub(crate) fn check_links(files: &[OutputFile]) -> Vec<Diagnostic> {
    let html: Vec<(&str, &str)> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| std::str::from_utf8(&f.bytes).ok().map(|text| (f.path.as_str(), text)))
        .collect();
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let anchors: HashMap<&str, HashSet<String>> = html
        .iter()
        .map(|(path, text)| (*path, attribute_values(text, "id").into_iter().collect()))
        .collect();
    let mut diagnostics = Vec::new();
    for (page, text) in &html {
        if *page == "404.html" {
            continue;
        }
        let folder = page.rsplit_once('/').map_or("", |(f, _)| f);
        for (href, at) in attribute_positions(text, "href")
            .into_iter()
            .chain(attribute_positions(text, "src"))
        {
            if let Some(problem) = problem_with(&href, page, folder, &paths, &anchors) {
                // The page is not on disk (`check` writes nothing); the position is where
                // `build` would write it, by default under `output/`.
                let (line, column) = line_column(text, at);
                let span = Span::new(&Path::new("output").join(page), line, column, href.chars().count());
                diagnostics.push(
                    Diagnostic::error(format!("broken link `{href}` in output page `{page}`"))
                        .with_span(span)
                        .with_hint(problem),
                );
            }
        }
    }
    crate::diagnostics::sort(&mut diagnostics);
    diagnostics
}

/// Every id given twice on one HTML page, one error per repeat, naming the page, the id and the
/// line of its first use: a link to it would land on the first only. The error points at the
/// content file that writes `id="…"` when one does (raw HTML), else at the repeat in the page.
pub(crate) fn duplicate_ids(files: &[OutputFile], sources: &SourceMap) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| std::str::from_utf8(&f.bytes).ok().map(|text| (f.path.as_str(), text)))
        .flat_map(|(page, text)| page_duplicate_ids(page, text))
        .map(|(id, diagnostic)| at_source(diagnostic, &id, sources))
        .collect();
    crate::diagnostics::sort(&mut diagnostics);
    diagnostics
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

fn problem_with(
    href: &str,
    page: &str,
    folder: &str,
    paths: &HashSet<&str>,
    anchors: &HashMap<&str, HashSet<String>>,
) -> Option<String> {
    if href.contains("://") || href.starts_with("mailto:") || href.starts_with("tel:") || href.starts_with("data:") {
        return None;
    }
    if href.starts_with('/') {
        return Some("links must be relative so the site works from disk and under any sub-path".into());
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
            None => return Some("it climbs above the site root".into()),
        }
    };
    if !paths.contains(target.as_str()) {
        return Some(format!("no page `{target}` in the site"));
    }
    let fragment = decode_path(fragment.unwrap_or(""));
    if fragment.is_empty() {
        return None;
    }
    match anchors.get(target.as_str()) {
        Some(ids) if ids.contains(fragment.as_ref()) => None,
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
}
