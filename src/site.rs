//! The pipeline, end to end: load -> validate -> plan -> render, in memory.
//! `build`, `check` and `serve` call this; it never writes to disk.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::diagnostics::{Diagnostic, SourceMap, Span};
use crate::render::{OutputFile, PageCache};
use crate::{linkcheck, load, plan, render, validate};

/// A site rendered in memory.
pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub pages: usize,
    /// The site has a search page whose index was left to the caller (`Caches::defer_search`).
    pub search_pending: bool,
    /// What the index leaves out of the pages' text: the theme's labels, the providers' names.
    pub interface_words: Arc<crate::search::InterfaceWords>,
    /// Pages that went through a template (the rest were unchanged since the last build).
    pub rendered: Vec<String>,
    pub warnings: Vec<Diagnostic>,
    pub sources: SourceMap,
    pub timings: Timings,
}

/// How long each stage took (for `--timings` and the benchmarks).
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub load: Duration,
    pub validate: Duration,
    pub plan: Duration,
    pub render: Duration,
    pub search: Duration,
}

/// Why a build stopped: every diagnostic (errors and warnings) and the text they point into.
pub struct Failed {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
}

/// What one build leaves for the next, so that `serve` redoes only what changed.
/// The default keeps nothing (a one-off build); `Caches::warm()` keeps everything.
#[derive(Default)]
pub struct Caches {
    /// Leave the search index to the caller (`serve` builds it after the new pages are served).
    pub defer_search: bool,
    pub load: load::LoadCache,
    pub plan: plan::PlanCache,
    pub pages: PageCache,
}

impl Caches {
    pub fn warm() -> Self {
        Caches {
            defer_search: false,
            load: load::LoadCache::keeping(),
            plan: plan::PlanCache::keeping(),
            pages: PageCache::keeping(),
        }
    }
}

/// The days a build is for: `today` (which changes are still to come, how old a review is) and
/// `as_of`, the day whose rules the site shows (today, unless `--as-of` says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub today: NaiveDate,
    pub as_of: NaiveDate,
}

impl From<NaiveDate> for When {
    /// The site as its rules stand today.
    fn from(today: NaiveDate) -> When {
        When { today, as_of: today }
    }
}

/// Runs the whole pipeline for the site at `root` for `when` (a day, or `When`).
pub fn render_site(root: &Path, when: impl Into<When>) -> Result<Rendered, Failed> {
    render_site_with(root, when, &mut Caches::default())
}

/// `render_site`, reusing what `caches` remember from earlier builds.
pub fn render_site_with(root: &Path, when: impl Into<When>, caches: &mut Caches) -> Result<Rendered, Failed> {
    let when = when.into();
    let mut timings = Timings::default();
    let started = Instant::now();
    let (loaded, static_files, mut diagnostics, mut sources, unreadable) =
        match load::load_partial_with(root, &mut caches.load) {
            Ok(partial) => (
                Some(partial.loaded.content),
                partial.loaded.static_files,
                partial.problems,
                partial.loaded.sources,
                partial.unreadable,
            ),
            Err((diagnostics, sources)) => (None, Vec::new(), diagnostics, sources, Default::default()),
        };
    timings.load = started.elapsed();
    let started = Instant::now();
    let (theme_name, language) = loaded.as_ref().map_or_else(
        || ("default".into(), String::new()),
        |c| (c.site.theme.clone(), c.site.language.clone()),
    );
    let mut theme = match render::theme::load(root, &theme_name, &language, &mut sources) {
        Ok((theme, warnings)) => {
            diagnostics.extend(warnings);
            Some(theme)
        }
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
    if let (Some(theme), Some(content)) = (theme.as_mut(), loaded.as_ref()) {
        diagnostics.extend(theme.use_words(&content.site.words));
    }
    let model = loaded.and_then(|content| {
        diagnostics.extend(validate::unit_spacing::check(&content, &sources));
        let (model, found) = validate::validate_partial(content, when.as_of, when.today, &unreadable);
        diagnostics.extend(found);
        model
    });
    if diagnostics.iter().any(Diagnostic::is_error) {
        // Report the broken links too, in this run, when they can be told apart from the rest:
        // with a file unreadable, links to its items would all look broken.
        let links_tell = unreadable.iter().all(|kind| *kind == load::MISTAKEN_STAGES);
        if let (Some(model), true) = (&model, links_tell) {
            for broken in plan::check_links(model, when.as_of) {
                if !diagnostics.iter().any(|d| d.span == broken.span) {
                    diagnostics.push(broken);
                }
            }
        }
        return Err(failed(diagnostics, sources));
    }
    let (Some(model), Some(mut theme)) = (model, theme) else {
        return Err(failed(diagnostics, sources));
    };
    timings.validate = started.elapsed();
    let started = Instant::now();
    let mut plan = match plan::plan(&model, when.as_of, &mut caches.plan) {
        Ok(mut plan) => {
            diagnostics.append(&mut plan.warnings);
            plan
        }
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(failed(diagnostics, sources));
        }
    };
    timings.plan = started.elapsed();
    let started = Instant::now();
    match render::render(&plan, &mut theme, &mut caches.pages) {
        Ok(result) => {
            timings.render = started.elapsed();
            let mut files = result.files;
            let repeated = linkcheck::duplicate_ids(&files, &sources);
            if !repeated.is_empty() {
                diagnostics.extend(repeated);
                return Err(failed(diagnostics, sources));
            }
            let wants_search = plan.pages.iter().any(|p| p.key == "search");
            let pages = plan.pages.len();
            let interface_words = Arc::new(crate::search::InterfaceWords::new(
                theme
                    .labels
                    .iter()
                    // "Yes" and "No" are also the choices of a form's fields, which are content.
                    .filter(|(key, _)| !key.starts_with("answer_"))
                    .map(|(_, word)| word)
                    .chain(model.content.providers.iter().map(|p| &p.name))
                    .map(String::as_str),
            ));
            let content_links = std::mem::take(&mut plan.content_links);
            // The pages are bytes now; the data they were made from (the guides' HTML among it)
            // would only add to the peak memory of the steps still to come.
            drop(plan);
            drop(model);
            if wants_search && !caches.defer_search {
                let started = Instant::now();
                let index = crate::search::build_index(&files, &interface_words);
                files.push(index);
                timings.search = started.elapsed();
            }
            let clashes = static_clashes(&files, &static_files, wants_search);
            if !clashes.is_empty() {
                diagnostics.extend(clashes);
                return Err(failed(diagnostics, sources));
            }
            files.extend(
                static_files
                    .into_iter()
                    .map(|(path, bytes)| OutputFile::new(path, bytes)),
            );
            let broken = linkcheck::content_links(&content_links, &files, wants_search);
            if !broken.is_empty() {
                diagnostics.extend(broken);
                return Err(failed(diagnostics, sources));
            }
            Ok(Rendered {
                pages,
                rendered: result.rendered,
                search_pending: wants_search && caches.defer_search,
                interface_words,
                files,
                warnings: sorted(diagnostics),
                sources,
                timings,
            })
        }
        Err(errors) => {
            diagnostics.extend(errors);
            Err(failed(diagnostics, sources))
        }
    }
}

/// Files in `static/` that would take the place of a file guidegen makes, or need one of its
/// files to be a folder (or the reverse): the output would depend on which was written last.
fn static_clashes(generated: &[OutputFile], statics: &[(String, Vec<u8>)], search_index: bool) -> Vec<Diagnostic> {
    if statics.is_empty() {
        return Vec::new();
    }
    let mut made: ahash::AHashSet<&str> = generated.iter().map(|f| f.path.as_str()).collect();
    if search_index {
        made.insert(crate::search::INDEX_PATH);
    }
    let folders_made: ahash::AHashSet<&str> = made.iter().flat_map(|path| folders_of(path)).collect();
    let mut clashes = Vec::new();
    for (path, _) in statics {
        let message = if made.contains(path.as_str()) {
            format!("`static/{path}` would be written over `{path}`, which guidegen makes")
        } else if folders_made.contains(path.as_str()) {
            format!("`static/{path}` is where guidegen makes the folder `{path}/`")
        } else if let Some(page) = folders_of(path).find(|folder| made.contains(folder)) {
            format!("`static/{path}` needs `{page}` to be a folder, but guidegen makes a file there")
        } else {
            continue;
        };
        clashes.push(
            Diagnostic::error(message)
                .with_span(Span::file_only(&Path::new("static").join(path)))
                .with_hint("rename the file in `static/` or move it to a folder of its own; a theme's own files are replaced through `themes/<name>/static/`"),
        );
    }
    clashes
}

/// `a/b/c.css` -> `a`, `a/b`.
fn folders_of(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(at, _)| &path[..at])
}

/// `render_site` plus a check that every internal link and anchor of the result resolves.
pub fn check_site(root: &Path, when: impl Into<When>) -> Result<Rendered, Failed> {
    let rendered = render_site(root, when)?;
    let broken = linkcheck::check_links(&rendered.files);
    if broken.is_empty() {
        Ok(rendered)
    } else {
        let mut diagnostics = rendered.warnings;
        diagnostics.extend(broken);
        Err(failed(diagnostics, rendered.sources))
    }
}

fn failed(diagnostics: Vec<Diagnostic>, sources: SourceMap) -> Failed {
    Failed {
        diagnostics: sorted(diagnostics),
        sources,
    }
}

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diagnostics::sort(&mut diagnostics);
    diagnostics
}
