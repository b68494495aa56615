//! The pipeline, end to end: load -> validate -> plan -> render. `build`, `check` and `serve`
//! call this; it never writes to disk itself: `build` hands it a `FileSink` that gets each file
//! as soon as it is rendered, so no step holds the whole output (see `build_site`).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::diagnostics::{Diagnostic, SourceMap, Span};
use crate::render::{FileSink, OutputFile, PageCache};
use crate::{linkcheck, load, plan, render, validate};

/// A site rendered: its files in memory (`render_site`), or written as they were made
/// (`build_site`, whose `files` is empty).
pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub pages: usize,
    /// Files in the site (those in `files` when kept).
    pub file_count: usize,
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
    let mode = Mode {
        keep: true,
        sink: None,
        check_links: false,
    };
    run(root, when.into(), caches, &mode)
}

/// Runs the pipeline for `build`: each file goes to `sink` as soon as it is made and none is
/// kept, so memory does not grow with the output (`Rendered::files` is empty). The caller
/// finishes the sink (the swap) on success, and drops it on failure.
pub fn build_site(root: &Path, when: impl Into<When>, sink: &dyn FileSink) -> Result<Rendered, Failed> {
    let mode = Mode {
        keep: false,
        sink: Some(sink),
        check_links: false,
    };
    run(root, when.into(), &mut Caches::default(), &mode)
}

/// What a run does with the files it renders.
struct Mode<'a> {
    /// Keep every file in `Rendered::files` (`serve`, tests).
    keep: bool,
    /// Hand each file to this as soon as it is made (`build`).
    sink: Option<&'a dyn FileSink>,
    /// Check every link and anchor of the pages (`check`).
    check_links: bool,
}

fn run(root: &Path, when: When, caches: &mut Caches, mode: &Mode) -> Result<Rendered, Failed> {
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
    let plan = match plan::plan(&model, when.as_of, &mut caches.plan) {
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
    let wants_search = plan.pages.iter().any(|p| p.key == "search");
    // Every path of the site, known before anything is rendered: what cannot be written whole,
    // and links in guides to files the site lacks, stop the build before the first page.
    let generated: Vec<String> = render::paths(&plan, &theme).collect();
    let clashes = static_clashes(&generated, &static_files, wants_search);
    let mut paths: Vec<&str> = generated.iter().map(String::as_str).collect();
    if wants_search {
        paths.push(crate::search::INDEX_PATH);
    }
    paths.extend(static_files.iter().map(|(path, _)| path.as_str()));
    let broken = linkcheck::content_links(&plan.content_links, &paths.iter().copied().collect());
    if !clashes.is_empty() || !broken.is_empty() {
        diagnostics.extend(clashes);
        diagnostics.extend(broken);
        return Err(failed(diagnostics, sources));
    }
    if let Some(sink) = mode.sink {
        if let Err(refused) = sink.expect(&paths) {
            diagnostics.push(refused);
            return Err(failed(diagnostics, sources));
        }
    }
    let file_count = paths.len();
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
    // What needs every page takes what it needs from each page as it passes, not its bytes.
    let index = (wants_search && !caches.defer_search).then(|| crate::search::IndexBuilder::new(&interface_words));
    let links = mode
        .check_links
        .then(|| linkcheck::LinkCheck::new(paths.iter().map(ToString::to_string)));
    drop(paths);
    let repeated_ids = linkcheck::RepeatedIds::default();
    let each = |at: usize, path: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        if let Some(index) = &index {
            index.add(at, path, bytes);
        }
        if let Some(links) = &links {
            links.add(path, bytes);
        }
        repeated_ids.add(path, bytes);
        mode.sink.map_or(Ok(()), |sink| sink.put(path, bytes))
    };
    // Every content file's text was kept to quote it in diagnostics; from here on only a
    // template can be quoted (when it fails), besides what is reported already. Nor is the
    // model needed: the plan holds all the pages are made from. On a large site both are
    // hundreds of MB that rendering would otherwise carry.
    let quoted: ahash::AHashSet<&Path> = diagnostics
        .iter()
        .filter_map(|d| d.span.as_ref().map(|span| span.file.as_path()))
        .chain(theme.template_paths.iter().map(|(_, path)| path.as_path()))
        .collect();
    // A text that writes an id of its own is kept too: a page that repeats it is blamed there.
    sources.retain(|file, text| quoted.contains(file) || text.contains("id=\""));
    drop(quoted);
    drop(model);
    let started = Instant::now();
    let delivery = render::Delivery {
        keep: mode.keep,
        each: &each,
    };
    let result = match render::render(&plan, &mut theme, &mut caches.pages, &delivery) {
        Ok(result) => result,
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(failed(diagnostics, sources));
        }
    };
    timings.render = started.elapsed();
    let repeated = repeated_ids.finish(&sources);
    if !repeated.is_empty() {
        diagnostics.extend(repeated);
        return Err(failed(diagnostics, sources));
    }
    let pages = plan.pages.len();
    // The data the pages were made from (the guides' HTML among it) would only add to the peak
    // memory of the steps still to come.
    drop(plan);
    let mut files = result.files;
    let mut deliver = |file: OutputFile| -> Result<(), Diagnostic> {
        if let Some(links) = &links {
            links.add(&file.path, &file.bytes);
        }
        if let Some(sink) = mode.sink {
            sink.put(&file.path, &file.bytes)?;
        }
        if mode.keep {
            files.push(file);
        }
        Ok(())
    };
    let mut delivered = Ok(());
    if let Some(index) = index {
        let started = Instant::now();
        delivered = deliver(index.finish());
        timings.search = started.elapsed();
    }
    let delivered = delivered.and_then(|()| {
        static_files
            .into_iter()
            .try_for_each(|(path, bytes)| deliver(OutputFile::new(path, bytes)))
    });
    if let Err(problem) = delivered {
        diagnostics.push(problem);
        return Err(failed(diagnostics, sources));
    }
    if let Some(links) = links {
        let broken = links.finish();
        if !broken.is_empty() {
            diagnostics.extend(broken);
            return Err(failed(diagnostics, sources));
        }
    }
    Ok(Rendered {
        pages,
        file_count,
        rendered: result.rendered,
        search_pending: wants_search && caches.defer_search,
        interface_words,
        files,
        warnings: sorted(diagnostics),
        sources,
        timings,
    })
}

/// Files in `static/` that would take the place of a file guidegen makes, or need one of its
/// files to be a folder (or the reverse): the output would depend on which was written last.
fn static_clashes(generated: &[String], statics: &[(String, Vec<u8>)], search_index: bool) -> Vec<Diagnostic> {
    if statics.is_empty() {
        return Vec::new();
    }
    let mut made: ahash::AHashSet<&str> = generated.iter().map(String::as_str).collect();
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

/// Renders the whole site for `check`: nothing is kept or written, and every internal link and
/// anchor of every page is checked as the pages are rendered.
pub fn check_site(root: &Path, when: impl Into<When>) -> Result<Rendered, Failed> {
    let mode = Mode {
        keep: false,
        sink: None,
        check_links: true,
    };
    run(root, when.into(), &mut Caches::default(), &mode)
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
