//! The theme: templates and static files, from the built-in default theme overlaid by the site's own.
//! It only loads and parses; which page uses which template is decided by `plan`.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, SourceMap, Span};
use crate::site_files::files_under;

use super::words::{register_date_filter, site_key_span, theme_labels, Labels};

/// The built-in default theme, compiled into the binary so any site folder can use it.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../themes/default/templates/base.html")),
    ("index.html", include_str!("../../themes/default/templates/index.html")),
    ("stage.html", include_str!("../../themes/default/templates/stage.html")),
    (
        "stages.html",
        include_str!("../../themes/default/templates/stages.html"),
    ),
    (
        "step_nav.html",
        include_str!("../../themes/default/templates/step_nav.html"),
    ),
    (
        "checklists.html",
        include_str!("../../themes/default/templates/checklists.html"),
    ),
    (
        "checklist.html",
        include_str!("../../themes/default/templates/checklist.html"),
    ),
    ("forms.html", include_str!("../../themes/default/templates/forms.html")),
    ("form.html", include_str!("../../themes/default/templates/form.html")),
    (
        "guides.html",
        include_str!("../../themes/default/templates/guides.html"),
    ),
    ("guide.html", include_str!("../../themes/default/templates/guide.html")),
    (
        "section_nav_item.html",
        include_str!("../../themes/default/templates/section_nav_item.html"),
    ),
    (
        "pagination.html",
        include_str!("../../themes/default/templates/pagination.html"),
    ),
    (
        "questions.html",
        include_str!("../../themes/default/templates/questions.html"),
    ),
    (
        "timeline.html",
        include_str!("../../themes/default/templates/timeline.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "section.html",
        include_str!("../../themes/default/templates/section.html"),
    ),
    (
        "guide_list.html",
        include_str!("../../themes/default/templates/guide_list.html"),
    ),
    (
        "deadlines.html",
        include_str!("../../themes/default/templates/deadlines.html"),
    ),
    (
        "sources.html",
        include_str!("../../themes/default/templates/sources.html"),
    ),
    ("404.html", include_str!("../../themes/default/templates/404.html")),
    (
        "sitemap.xml",
        include_str!("../../themes/default/templates/sitemap.xml"),
    ),
    (
        "duration.html",
        include_str!("../../themes/default/templates/duration.html"),
    ),
    (
        "deadline.html",
        include_str!("../../themes/default/templates/deadline.html"),
    ),
    (
        "deadlines_now.html",
        include_str!("../../themes/default/templates/deadlines_now.html"),
    ),
    (
        "timeline_cell.html",
        include_str!("../../themes/default/templates/timeline_cell.html"),
    ),
    (
        "subject_list.html",
        include_str!("../../themes/default/templates/subject_list.html"),
    ),
    (
        "material.html",
        include_str!("../../themes/default/templates/material.html"),
    ),
    (
        "item_history.html",
        include_str!("../../themes/default/templates/item_history.html"),
    ),
    (
        "changes.html",
        include_str!("../../themes/default/templates/changes.html"),
    ),
    (
        "confidence.html",
        include_str!("../../themes/default/templates/confidence.html"),
    ),
    (
        "change.html",
        include_str!("../../themes/default/templates/change.html"),
    ),
    (
        "material_body.html",
        include_str!("../../themes/default/templates/material_body.html"),
    ),
    (
        "stage_materials.html",
        include_str!("../../themes/default/templates/stage_materials.html"),
    ),
];

const DEFAULT_STATIC: &[(&str, &str)] = &[
    ("style.css", include_str!("../../themes/default/static/style.css")),
    ("site.js", include_str!("../../themes/default/static/site.js")),
    ("ticks.js", include_str!("../../themes/default/static/ticks.js")),
    ("timeline.js", include_str!("../../themes/default/static/timeline.js")),
    ("search.js", include_str!("../../themes/default/static/search.js")),
    ("query.js", include_str!("../../themes/default/static/query.js")),
];

/// Parsed templates and the static files to copy to `assets/`.
pub struct Theme {
    pub tera: tera::Tera,
    pub static_files: Vec<(String, Vec<u8>)>,
    /// Template name -> the path it is reported under.
    pub template_paths: Vec<(String, PathBuf)>,
    /// Interface words in the site's language (see `words`); content's `words:` go over them.
    pub labels: Labels,
    /// Every template's name and text, so a change to any of them can be noticed.
    pub template_texts: Vec<(String, String)>,
}

impl Theme {
    /// Puts content's `words:` over the theme's labels (warnings for keys the theme lacks).
    pub fn use_words(
        &mut self,
        words: &std::collections::BTreeMap<crate::yaml::Spanned<String>, String>,
    ) -> Vec<Diagnostic> {
        let warnings = super::words::apply_words(&mut self.labels, words);
        register_date_filter(&mut self.tera, &self.labels);
        warnings
    }
}

/// One template's text and the path it is reported under.
struct TemplateSource {
    name: String,
    path: PathBuf,
    text: String,
}

/// Loads theme `name` for the site at `root` in `language`; template text goes into `sources`
/// for diagnostics. Warnings (a language without words) come back beside the theme.
pub fn load(
    root: &Path,
    name: &str,
    language: &str,
    sources: &mut SourceMap,
) -> Result<(Theme, Vec<Diagnostic>), Vec<Diagnostic>> {
    let site_theme = root.join("themes").join(name);
    if name != "default" && !site_theme.is_dir() {
        return Err(vec![Diagnostic::error(format!("theme `{name}` not found"))
            .with_span(site_key_span(sources, "theme"))
            .with_hint(format!(
                "create the folder themes/{name}/ or remove `theme:` to use the default theme{}",
                existing_themes(root)
            ))]);
    }
    let mut diagnostics = Vec::new();
    let templates = template_sources(root, &site_theme, name, &mut diagnostics);
    let static_files = static_files(root, &site_theme, &mut diagnostics);
    let labels = theme_labels(root, &site_theme, language, sources, &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    for t in &templates {
        sources.insert(&t.path, &t.text);
    }
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Filters must exist before templates are added: tera refuses a template naming an unknown one.
    register_date_filter(&mut tera, &labels);
    let raw: Vec<(&str, &str)> = templates.iter().map(|t| (t.name.as_str(), t.text.as_str())).collect();
    let template_paths = templates_paths(&templates);
    if let Err(error) = tera.add_raw_templates(raw) {
        return Err(template_diagnostics(&error, &template_paths));
    }
    let template_texts = templates.into_iter().map(|t| (t.name, t.text)).collect();
    let theme = Theme {
        tera,
        static_files,
        template_paths,
        labels,
        template_texts,
    };
    Ok((theme, diagnostics))
}

fn templates_paths(templates: &[TemplateSource]) -> Vec<(String, PathBuf)> {
    templates.iter().map(|t| (t.name.clone(), t.path.clone())).collect()
}

fn template_sources(
    root: &Path,
    site_theme: &Path,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<TemplateSource> {
    let mut templates: Vec<TemplateSource> = DEFAULT_TEMPLATES
        .iter()
        .map(|(file, text)| TemplateSource {
            name: file.to_string(),
            path: PathBuf::from("themes/default/templates").join(file),
            text: text.to_string(),
        })
        .collect();
    for (relative, bytes) in files_under(root, &site_theme.join("templates"), diagnostics) {
        let file_name = relative
            .strip_prefix(format!("themes/{name}/templates/").as_str())
            .unwrap_or(&relative)
            .to_string();
        let Ok(text) = String::from_utf8(bytes) else {
            diagnostics.push(
                Diagnostic::error("this template is not valid UTF-8").with_span(Span::file_only(Path::new(&relative))),
            );
            continue;
        };
        let source = TemplateSource {
            name: file_name.clone(),
            path: PathBuf::from(&relative),
            text,
        };
        match templates.iter_mut().find(|t| t.name == file_name) {
            Some(existing) => *existing = source,
            None => templates.push(source),
        }
    }
    templates
}

fn static_files(root: &Path, site_theme: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = DEFAULT_STATIC
        .iter()
        .map(|(f, t)| (f.to_string(), t.as_bytes().to_vec()))
        .collect();
    let prefix = site_theme.join("static");
    let prefix = prefix
        .strip_prefix(root)
        .unwrap_or(&prefix)
        .to_string_lossy()
        .replace('\\', "/")
        + "/";
    for (relative, bytes) in files_under(root, &site_theme.join("static"), diagnostics) {
        let name = relative.strip_prefix(&prefix).unwrap_or(&relative).to_string();
        match files.iter_mut().find(|(n, _)| *n == name) {
            Some(existing) => existing.1 = bytes,
            None => files.push((name, bytes)),
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// "; the themes here are: a, b" listing the folders under `root/themes/`, or nothing.
fn existing_themes(root: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(root.join("themes"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if names.is_empty() {
        String::new()
    } else {
        format!("; the themes here are: {}", names.join(", "))
    }
}

/// Like `template_diagnostic`, but splits tera's check of all templates (unknown filters,
/// includes, blocks), which arrives as one pre-formatted text, into one diagnostic per problem.
pub fn template_diagnostics(error: &tera::Error, paths: &[(String, PathBuf)]) -> Vec<Diagnostic> {
    if let tera::ErrorKind::Msg(text) = error.kind() {
        let found: Vec<Diagnostic> = text
            .trim_start_matches("error: ")
            .split("\n\nerror: ")
            .filter_map(|report| report_diagnostic(report, paths))
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    vec![template_diagnostic(error, paths)]
}

/// Reads one of tera's reports: "message\n --> name:line:col\n  |\n3 | text\n  |   ^^^".
fn report_diagnostic(report: &str, paths: &[(String, PathBuf)]) -> Option<Diagnostic> {
    let message = report.lines().next()?;
    let location = report.lines().find_map(|line| line.trim_start().strip_prefix("--> "))?;
    let mut parts = location.rsplitn(3, ':');
    let column: u32 = parts.next()?.parse().ok()?;
    let line: u32 = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let width = report
        .lines()
        .rev()
        .find(|l| l.contains('^'))
        .map_or(1, |l| l.matches('^').count());
    let path = template_path(name, paths);
    let hint = if let Some(missing) = backticked(message, "Unknown template ") {
        format!("add {}, or include a template that exists", sibling(&path, missing))
    } else if message.starts_with("Block ") {
        "a template can only fill blocks its parent defines (the default base.html defines `content`); rename the block"
            .to_string()
    } else if message.starts_with("Unknown ") {
        "check the spelling; the built-in filters, tests and functions are listed at https://keats.github.io/tera/"
            .to_string()
    } else {
        "fix the template; see https://keats.github.io/tera/ for the syntax".to_string()
    };
    Some(
        Diagnostic::error(format!("template error: {message}"))
            .with_span(Span::new(&path, line, column, width))
            .with_hint(hint),
    )
}

/// The name in backticks after `prefix` in `message`: "Unknown template `a.html`" -> "a.html".
fn backticked<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.trim_matches('`').into()
}

/// The path of template `name` in the same folder as the template at `path`, with `/`.
fn sibling(path: &Path, name: &str) -> String {
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => {
            format!("{}/{name}", folder.to_string_lossy().replace('\\', "/"))
        }
        _ => format!("themes/<theme>/templates/{name}"),
    }
}

/// The path a template is reported under (its file in the site theme or the default theme).
fn template_path(name: &str, paths: &[(String, PathBuf)]) -> PathBuf {
    paths
        .iter()
        .find(|(n, _)| n == name)
        .map_or_else(|| PathBuf::from(name), |(_, p)| p.clone())
}

/// Turns a tera error into a diagnostic at the template's file, line and column.
pub fn template_diagnostic(error: &tera::Error, paths: &[(String, PathBuf)]) -> Diagnostic {
    let path_of = |name: &str| {
        paths
            .iter()
            .find(|(n, _)| n == name)
            .map_or_else(|| PathBuf::from(name), |(_, p)| p.clone())
    };
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let width = if span.start_line == span.end_line {
                span.end_col.saturating_sub(span.start_col).max(1)
            } else {
                1
            };
            let kind = if matches!(error.kind(), tera::ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            Diagnostic::error(format!("{kind}: {}", report.message()))
                .with_span(Span::new(
                    &path_of(report.filename()),
                    span.start_line as u32,
                    span.start_col as u32 + 1,
                    width,
                ))
                .with_hint("fix the template; see https://keats.github.io/tera/ for the syntax")
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            Diagnostic::error(format!("template `{current}` extends `{parent}`, which does not exist"))
                .with_span(Span::file_only(&path_of(current)))
                .with_hint(format!(
                    "add {}, or extend an existing template such as `base.html`",
                    sibling(&path_of(current), parent)
                ))
        }
        tera::ErrorKind::TemplateNotFound(name) => Diagnostic::error(format!("template `{name}` not found")).with_hint(
            format!("add themes/<theme>/templates/{name}; the default theme's templates are listed in docs/themes.md"),
        ),
        tera::ErrorKind::CircularExtend { inheritance_chain, .. } => {
            template_loop("extend", inheritance_chain, &path_of)
                .with_hint("one of them must end the loop: let it extend a template outside the loop, or none")
        }
        tera::ErrorKind::CircularInclude { include_chain, .. } => template_loop("include", include_chain, &path_of)
            .with_hint("a template may not include itself, directly or through others; remove one `include`"),
        other => Diagnostic::error(format!("template error: {other}")),
    }
}

/// Templates that extend or include each other in a loop, pointing at the first of them.
fn template_loop(how: &str, chain: &[String], path_of: &dyn Fn(&str) -> PathBuf) -> Diagnostic {
    let shown = chain
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(" -> ");
    let diagnostic = Diagnostic::error(format!("templates {how} each other in a loop: {shown}"));
    match chain.first() {
        Some(first) => diagnostic.with_span(Span::file_only(&path_of(first))),
        None => diagnostic,
    }
}

/// The built-in default theme as files, as a site's own theme folder holds them: every
/// template under `templates/`, every static file under `static/`, and the words of
/// `language` as `labels.yaml` (for `guidegen theme eject`).
pub fn built_in_files(language: &str) -> Vec<(PathBuf, &'static str)> {
    let templates = DEFAULT_TEMPLATES
        .iter()
        .map(|(name, text)| (Path::new("templates").join(name), *text));
    let statics = DEFAULT_STATIC
        .iter()
        .map(|(name, text)| (Path::new("static").join(name), *text));
    let (_, labels) = super::words::default_labels_text(language);
    templates
        .chain(statics)
        .chain(std::iter::once((PathBuf::from("labels.yaml"), labels)))
        .collect()
}
