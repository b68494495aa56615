//! Stage 4: turn the plan into bytes: each page through its template, plus raw and static files.
//! It never touches the disk; `write` does. Pages render in parallel; the result keeps plan order.

pub mod theme;

use ahash::AHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::plan::{Page, PageData, Plan};
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

/// Pages rendered before (in `serve`): a page whose template, theme and data are unchanged is
/// not rendered again. Rendering is deterministic, so reuse gives exactly the same bytes.
#[derive(Default)]
pub struct PageCache {
    /// Off for one-off builds, where keeping a copy of every page would only cost memory.
    enabled: bool,
    /// Fingerprint of everything all pages share (templates, labels, site, navigation).
    shared: u64,
    /// Page path -> the key of the data it was rendered from, that data, and the bytes.
    pages: HashMap<String, CachedPage>,
    /// Each section's navigation entries, with the stamp of the navigation they were made from.
    navs: HashMap<String, (u64, Arc<SectionPieces>)>,
}

impl PageCache {
    /// A cache that remembers pages between builds.
    pub fn enabled() -> Self {
        PageCache {
            enabled: true,
            ..PageCache::default()
        }
    }
}

/// A page's key, the page itself and its bytes.
type CachedPage = (u64, Arc<Page>, Arc<[u8]>);

/// Files of the site, and which pages went through a template this time.
pub struct RenderResult {
    pub files: Vec<OutputFile>,
    /// Paths of the pages that went through a template (the others were reused unchanged).
    pub rendered: Vec<String>,
}

/// Renders every page of `plan` with `theme`. Reports every template that failed, not just the first.
pub fn render(plan: &Plan, theme: &mut Theme, cache: &mut PageCache) -> Result<RenderResult, Vec<Diagnostic>> {
    let labels = theme.labels.clone();
    let context = theme.tera.global_context();
    context.insert("site", &plan.site);
    context.insert("nav", &plan.nav);
    context.insert("labels", &labels);
    let shared = fingerprint(&(&plan.site, &plan.nav, &labels, &theme.template_texts));
    if shared != cache.shared {
        cache.pages.clear();
        cache.shared = shared;
    }
    let theme: &Theme = theme;
    let navs = SectionNavHtml::render(plan, theme, cache)
        .map_err(|error| vec![theme::template_diagnostic(&error, &theme.template_paths)])?;
    let results: Vec<PageOutcome> = plan
        .pages
        .par_iter()
        .map(|page| render_or_reuse(page, theme, &navs, cache))
        .collect();
    let mut files = Vec::with_capacity(plan.pages.len() + plan.raw_files.len() + theme.static_files.len());
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut rendered = Vec::new();
    for (page, outcome) in plan.pages.iter().zip(results) {
        match outcome {
            PageOutcome::Same(bytes) => files.push(OutputFile {
                path: page.path.clone(),
                bytes,
            }),
            PageOutcome::New { key, bytes, fresh } => {
                if fresh {
                    rendered.push(page.path.clone());
                }
                if cache.enabled {
                    cache
                        .pages
                        .insert(page.path.clone(), (key, page.clone(), bytes.clone()));
                }
                files.push(OutputFile {
                    path: page.path.clone(),
                    bytes,
                });
            }
            PageOutcome::Failed(error) => {
                let diagnostic = theme::template_diagnostic(&error, &theme.template_paths);
                // One broken template breaks many pages; report it once.
                if !diagnostics
                    .iter()
                    .any(|d| d.message == diagnostic.message && d.span == diagnostic.span)
                {
                    let hint = format!("fix the template (first failed while rendering {})", page.path);
                    diagnostics.push(diagnostic.with_hint(hint));
                }
            }
        }
    }
    if !diagnostics.is_empty() {
        cache.pages.clear();
        return Err(diagnostics);
    }
    let live: ahash::AHashSet<&str> = plan.pages.iter().map(|p| p.path.as_str()).collect();
    cache.pages.retain(|path, _| live.contains(path.as_str()));
    files.extend(
        plan.raw_files
            .iter()
            .map(|(path, bytes)| OutputFile::new(path.clone(), bytes.clone())),
    );
    files.extend(
        theme
            .static_files
            .iter()
            .map(|(name, bytes)| OutputFile::new(format!("assets/{name}"), bytes.as_slice())),
    );
    Ok(RenderResult { files, rendered })
}

/// Room for a page without regrowing: its own HTML plus the frame and any section navigation.
fn page_size_hint(page: &Page) -> usize {
    match &page.data {
        PageData::Guide(guide) => guide.content_html.len() + 64 * 1024,
        _ => 32 * 1024,
    }
}

/// What became of one page in this build.
enum PageOutcome {
    /// The very page the cache holds (the plan handed it on): its bytes, nothing to record.
    Same(Arc<[u8]>),
    /// Bytes for data the cache did not hold as such: rendered now (`fresh`), or reused
    /// because equal data had been rendered before.
    New {
        key: u64,
        bytes: Arc<[u8]>,
        fresh: bool,
    },
    Failed(tera::Error),
}

/// Reuses a page's bytes when the cache holds the same page (no hashing needed) or equal data
/// (hashed), and renders it otherwise.
fn render_or_reuse(page: &Arc<Page>, theme: &Theme, navs: &SectionNavHtml, cache: &PageCache) -> PageOutcome {
    let cached = cache.enabled.then(|| cache.pages.get(&page.path)).flatten();
    if let Some((_, same, bytes)) = cached {
        if Arc::ptr_eq(same, page) {
            return PageOutcome::Same(bytes.clone());
        }
    }
    let key = if cache.enabled { page_key(page) } else { 0 };
    match cached {
        Some((cached_key, _, bytes)) if *cached_key == key => PageOutcome::New {
            key,
            bytes: bytes.clone(),
            fresh: false,
        },
        _ => match render_page(page, theme, navs) {
            Ok(bytes) => PageOutcome::New {
                key,
                bytes: Arc::from(bytes),
                fresh: true,
            },
            Err(error) => PageOutcome::Failed(error),
        },
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
}

/// What a guide template gets as `section`.
#[derive(Serialize)]
struct SectionForPage {
    title: Option<String>,
    href: String,
    /// The `<li>` entries, the current page marked; empty when the section has one page.
    items_html: String,
}

impl SectionNavHtml {
    /// Renders the entries of each section whose navigation changed; the others come from `cache`.
    fn render(plan: &Plan, theme: &Theme, cache: &mut PageCache) -> Result<Self, tera::Error> {
        let previous = std::mem::take(&mut cache.navs);
        let sections = plan
            .sections
            .par_iter()
            .map(|(folder, nav)| {
                let stamp = nav.stamp();
                if let Some((cached, pieces)) = previous.get(folder) {
                    if *cached == stamp {
                        return Ok((folder.clone(), (stamp, pieces.clone())));
                    }
                }
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
                let pieces = SectionPieces {
                    title: nav.title.clone(),
                    href: nav.href.clone(),
                    plain,
                    current,
                    position,
                };
                Ok((folder.clone(), (stamp, Arc::new(pieces))))
            })
            .collect::<Result<Vec<_>, tera::Error>>()?;
        let sections: HashMap<_, _> = sections.into_iter().collect();
        if cache.enabled {
            cache.navs = sections.clone();
        }
        Ok(SectionNavHtml {
            sections: sections
                .into_iter()
                .map(|(folder, (_, pieces))| (folder, pieces))
                .collect(),
        })
    }

    fn for_page(&self, folder: &str, path: &str) -> Option<SectionForPage> {
        let pieces = self.sections.get(folder)?;
        let items_html = match pieces.position.get(path) {
            Some(&at) if pieces.plain.len() > 1 => {
                let mut html = String::with_capacity(pieces.plain.iter().map(String::len).sum::<usize>() + 32);
                pieces.plain[..at].iter().for_each(|item| html.push_str(item));
                html.push_str(&pieces.current[at]);
                pieces.plain[at + 1..].iter().for_each(|item| html.push_str(item));
                html
            }
            _ => String::new(),
        };
        Some(SectionForPage {
            title: pieces.title.clone(),
            href: pieces.href.clone(),
            items_html,
        })
    }
}

/// What a page's bytes depend on: its template, its place in the site, and its data — hashed
/// from the data itself, or, where the plan stamped the page with its inputs, from that stamp.
fn page_key(page: &Page) -> u64 {
    match page.stamp {
        Some(stamp) => fingerprint(&(page.template, page, stamp)),
        None => fingerprint(&(page.template, page, &page.data)),
    }
}

/// A hash of a value's JSON form: equal data gives an equal fingerprint.
fn fingerprint<T: serde::Serialize>(value: &T) -> u64 {
    let mut hasher = ahash::AHasher::default();
    let json = serde_json::to_vec(value).unwrap_or_default();
    json.hash(&mut hasher);
    json.len().hash(&mut hasher);
    hasher.finish()
}
