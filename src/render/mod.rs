//! Stage 4: turn the plan into bytes: each page through its template, plus raw and static files.
//! It never touches the disk; `write` does, through a `FileSink` that gets each page as soon as
//! it is rendered. Pages render in parallel; what is kept (`RenderResult`) keeps plan order.

pub mod theme;
pub mod words;

use ahash::AHashMap as HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::memo::{Memo, Stamp};
use crate::plan::{MoreLink, NavWindow, Page, PageData, Plan, SectionNav};
use theme::Theme;

/// A file of the finished site: its path inside the output folder and its bytes, shared (a page
/// reused from the cache in `serve` is the same allocation, never a copy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Arc<[u8]>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Arc<[u8]>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Pages rendered before (in `serve`): a page is rendered again only when the stamp of its
/// inputs (`Page::stamp`) or of what every page shares (templates, labels, site, navigation)
/// changed; so is each section navigation's list of entries. Rendering is deterministic, so
/// reuse gives exactly the same bytes. The default keeps nothing.
#[derive(Default)]
pub struct PageCache {
    /// Page path -> its bytes.
    pages: Memo<String, Arc<[u8]>>,
    /// Section folder -> its navigation's entries.
    navs: Memo<String, Arc<SectionPieces>>,
}

impl PageCache {
    /// A cache that keeps pages between builds.
    pub fn keeping() -> Self {
        PageCache {
            pages: Memo::keeping(),
            navs: Memo::keeping(),
        }
    }
}

/// Files of the site, and which pages went through a template this time.
pub struct RenderResult {
    /// Every file, in plan order (pages, then raw files, then the theme's static files), when
    /// the caller asked to keep them (`Delivery::keep`); empty otherwise.
    pub files: Vec<OutputFile>,
    /// Paths of the pages that went through a template (the others were reused unchanged).
    pub rendered: Vec<String>,
}

/// What is done with each file the moment it is made: `each` gets its place in the site's file
/// order, its path and its bytes (from several threads at once, in any order); `keep` also
/// collects every file into `RenderResult::files`. A `build` keeps nothing: each page is written
/// and dropped, so memory does not grow with the size of the output.
pub struct Delivery<'a> {
    pub keep: bool,
    pub each: &'a Each<'a>,
}

/// The hook `Delivery` calls per file; an error stops the rendering of the pages not yet begun.
pub type Each<'a> = dyn Fn(usize, &str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Where a build puts each file as soon as it is rendered (`write::Staging`).
pub trait FileSink: Sync {
    /// Every path the site will have, told before the first file: a set that cannot be written
    /// whole is refused here, before anything is written.
    fn expect(&self, paths: &[&str]) -> Result<(), Diagnostic>;
    /// One file of the site; called from several threads at once, in any order.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
}

/// Why one page did not reach `Delivery::each`.
enum PageFailure {
    Template(tera::Error),
    Delivery(Diagnostic),
    /// Not rendered: an earlier file could not be delivered.
    Skipped,
}

/// Renders every page of `plan` with `theme`, handing each file to `delivery` as soon as it is
/// made. Reports every template that failed, not just the first.
pub fn render(
    plan: &Plan,
    theme: &mut Theme,
    cache: &mut PageCache,
    delivery: &Delivery,
) -> Result<RenderResult, Vec<Diagnostic>> {
    let labels = theme.labels.clone();
    let context = theme.tera.global_context();
    context.insert("site", &plan.site);
    context.insert("nav", &plan.nav);
    context.insert("labels", &labels);
    // Computed once from the labels, so templates only place the pieces.
    context.insert("date_boxes", &words::date_boxes(&labels));
    let shared = Stamp::of_json(&(&plan.site, &plan.nav, &labels, &theme.template_texts));
    let theme: &Theme = theme;
    let navs = SectionNavHtml::render(plan, theme, &mut cache.navs, shared)
        .map_err(|error| vec![theme::template_diagnostic(&error, &theme.template_paths)])?;
    // Which pages went through a template (the others were reused), by their place in the plan.
    let fresh: Vec<AtomicBool> = plan.pages.iter().map(|_| AtomicBool::new(false)).collect();
    let stopped = AtomicBool::new(false);
    let deliver = |at: usize, path: &str, bytes: &[u8]| -> Result<(), PageFailure> {
        if stopped.load(Ordering::Relaxed) {
            return Err(PageFailure::Skipped);
        }
        (delivery.each)(at, path, bytes).map_err(|problem| {
            stopped.store(true, Ordering::Relaxed);
            PageFailure::Delivery(problem)
        })
    };
    let results: Vec<Result<Option<Arc<[u8]>>, PageFailure>> = if cache.pages.keeps() {
        // `serve`: every page's bytes are kept for the next build anyway.
        let jobs = plan
            .pages
            .iter()
            .enumerate()
            .map(|(at, page)| (page.path.as_str(), (at, page)))
            .collect();
        // The key is the page's path, so the stamp need not hold it (a page's own stamp does anyway).
        let built = cache.pages.try_get_or_build_all(
            jobs,
            |(_, page)| Stamp::of(&(shared, page.template, page.stamp)),
            |(at, page)| {
                fresh[*at].store(true, Ordering::Relaxed);
                render_page(page, theme, &navs).map(Arc::from)
            },
        );
        built
            .into_par_iter()
            .enumerate()
            .map(|(at, result)| {
                let bytes = result.map_err(PageFailure::Template)?;
                deliver(at, &plan.pages[at].path, &bytes)?;
                Ok(delivery.keep.then_some(bytes))
            })
            .collect()
    } else {
        // A one-off build: each page goes on as soon as it is rendered and only what the caller
        // keeps stays in memory.
        plan.pages
            .par_iter()
            .enumerate()
            .map(|(at, page)| {
                if stopped.load(Ordering::Relaxed) {
                    return Err(PageFailure::Skipped);
                }
                fresh[at].store(true, Ordering::Relaxed);
                let bytes = render_page(page, theme, &navs).map_err(PageFailure::Template)?;
                deliver(at, &page.path, &bytes)?;
                Ok(delivery.keep.then(|| Arc::from(bytes)))
            })
            .collect()
    };
    cache.pages.sweep();
    let mut files = Vec::with_capacity(if delivery.keep {
        plan.pages.len() + plan.raw_files.len() + theme.static_files.len()
    } else {
        0
    });
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for (page, result) in plan.pages.iter().zip(results) {
        let diagnostic = match result {
            Ok(Some(bytes)) => {
                files.push(OutputFile {
                    path: page.path.clone(),
                    bytes,
                });
                continue;
            }
            Ok(None) | Err(PageFailure::Skipped) => continue,
            Err(PageFailure::Delivery(problem)) => problem,
            Err(PageFailure::Template(error)) => {
                let hint = format!("fix the template (first failed while rendering {})", page.path);
                theme::template_diagnostic(&error, &theme.template_paths).with_hint(hint)
            }
        };
        // One broken template breaks many pages (one full disk, many files); report it once.
        if !diagnostics
            .iter()
            .any(|d| d.message == diagnostic.message && d.span == diagnostic.span)
        {
            diagnostics.push(diagnostic);
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let rendered = plan
        .pages
        .iter()
        .zip(&fresh)
        .filter(|(_, fresh)| fresh.load(Ordering::Relaxed))
        .map(|(page, _)| page.path.clone())
        .collect();
    let others = plan
        .raw_files
        .iter()
        .map(|(path, bytes)| OutputFile::new(path.clone(), bytes.clone()))
        .chain(
            theme
                .static_files
                .iter()
                .map(|(name, bytes)| OutputFile::new(format!("assets/{name}"), bytes.as_slice())),
        );
    for (at, file) in (plan.pages.len()..).zip(others) {
        (delivery.each)(at, &file.path, &file.bytes).map_err(|problem| vec![problem])?;
        if delivery.keep {
            files.push(file);
        }
    }
    Ok(RenderResult { files, rendered })
}

/// Every path `render` makes, in its order: the pages, the raw files, the theme's static files.
pub fn paths<'a>(plan: &'a Plan, theme: &'a Theme) -> impl Iterator<Item = String> + 'a {
    plan.pages
        .iter()
        .map(|page| page.path.clone())
        .chain(plan.raw_files.iter().map(|(path, _)| path.clone()))
        .chain(theme.static_files.iter().map(|(name, _)| format!("assets/{name}")))
}

/// Room for a page without regrowing: its own HTML plus the frame and any section navigation.
fn page_size_hint(page: &Page) -> usize {
    match &page.data {
        PageData::Guide(guide) => guide.content_html.len() + 64 * 1024,
        _ => 32 * 1024,
    }
}

fn render_page(page: &Page, theme: &Theme, navs: &SectionNavHtml) -> Result<Vec<u8>, tera::Error> {
    let mut context = tera::Context::new();
    context.insert("page", page);
    context.insert("data", &page.data);
    if let PageData::Guide(guide) = &page.data {
        context.insert("section", &navs.for_page(&guide.section, &page.path));
    }
    // Straight into bytes: `render` would check the whole page is UTF-8 only for us to undo it.
    let mut bytes = Vec::with_capacity(page_size_hint(page));
    theme.tera.render_to(page.template, &context, &mut bytes)?;
    Ok(bytes)
}

/// Each guide section's navigation, rendered once: every entry through `section_nav_item.html`
/// as a plain and as a current entry, so a page's list is only stitched together, not rendered.
/// With hundreds of guides in a section this is most of the cost of a build.
struct SectionNavHtml {
    sections: HashMap<String, Arc<SectionPieces>>,
}

struct SectionPieces {
    title: Option<String>,
    href: String,
    plain: Vec<String>,
    current: Vec<String>,
    position: HashMap<String, usize>,
    /// How many guides a list page of the section holds: with more, a page lists only a window
    /// of the entries (`NavWindow::of`).
    per_page: usize,
}

/// What a guide template gets as `section`.
#[derive(Serialize)]
struct SectionForPage {
    title: Option<String>,
    href: String,
    /// The `<li>` entries, the current page marked; empty when the section has one page.
    items_html: String,
    /// Whether the heading links to the section's page: always for a folder, and for the top
    /// guides when only some of them are listed.
    link_heading: bool,
    /// The guides before and after the listed ones, on the section's list pages.
    earlier: Option<MoreLink>,
    later: Option<MoreLink>,
}

impl SectionNavHtml {
    /// Renders the entries of each section whose navigation (or what every page shares,
    /// `shared`) changed; the others come from `memo`.
    fn render(
        plan: &Plan,
        theme: &Theme,
        memo: &mut Memo<String, Arc<SectionPieces>>,
        shared: Stamp,
    ) -> Result<Self, tera::Error> {
        let jobs = plan
            .sections
            .iter()
            .map(|(folder, nav)| (folder.as_str(), nav))
            .collect();
        let built = memo.try_get_or_build_all(
            jobs,
            |nav| Stamp::of(&(shared, nav)),
            |nav| Self::pieces(nav, theme).map(Arc::new),
        );
        memo.sweep();
        let sections = plan
            .sections
            .keys()
            .cloned()
            .zip(built)
            .map(|(folder, pieces)| pieces.map(|pieces| (folder, pieces)))
            .collect::<Result<HashMap<_, _>, tera::Error>>()?;
        Ok(SectionNavHtml { sections })
    }

    /// One section's entries, each through `section_nav_item.html`, plain and as the current one.
    fn pieces(nav: &SectionNav, theme: &Theme) -> Result<SectionPieces, tera::Error> {
        let entry = |item, current: bool| -> Result<String, tera::Error> {
            let mut context = tera::Context::new();
            context.insert("item", item);
            context.insert("current", &current);
            theme.tera.render("section_nav_item.html", &context)
        };
        let plain = nav
            .pages
            .iter()
            .map(|item| entry(item, false))
            .collect::<Result<Vec<_>, _>>()?;
        let current = nav
            .pages
            .iter()
            .map(|item| entry(item, true))
            .collect::<Result<Vec<_>, _>>()?;
        let position = nav
            .pages
            .iter()
            .enumerate()
            .map(|(i, item)| (item.path.clone(), i))
            .collect();
        Ok(SectionPieces {
            title: nav.title.clone(),
            href: nav.href.clone(),
            plain,
            current,
            position,
            per_page: nav.per_page,
        })
    }

    /// The navigation of the guide page at `path` in `folder`: the entries its window lists
    /// (the whole section, unless it is too big), the page's own marked as current.
    fn for_page(&self, folder: &str, path: &str) -> Option<SectionForPage> {
        let pieces = self.sections.get(folder)?;
        let (items_html, window) = match pieces.position.get(path) {
            Some(&at) if pieces.plain.len() > 1 => {
                let window = NavWindow::of(pieces.plain.len(), pieces.per_page, at);
                let range = window.range.clone();
                let mut html =
                    String::with_capacity(pieces.plain[range.clone()].iter().map(String::len).sum::<usize>() + 32);
                pieces.plain[range.start..at]
                    .iter()
                    .for_each(|item| html.push_str(item));
                html.push_str(&pieces.current[at]);
                pieces.plain[at + 1..range.end]
                    .iter()
                    .for_each(|item| html.push_str(item));
                (html, Some(window))
            }
            _ => (String::new(), None),
        };
        let (earlier, later) = window.map_or((None, None), |w| (w.earlier, w.later));
        Some(SectionForPage {
            title: pieces.title.clone(),
            href: pieces.href.clone(),
            items_html,
            link_heading: pieces.title.is_some() || earlier.is_some() || later.is_some(),
            earlier,
            later,
        })
    }
}
