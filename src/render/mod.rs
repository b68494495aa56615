//! Stage 4: turn the plan into bytes: each page through its template, plus raw and static files.
//! It never touches the disk; `write` does.

pub mod markdown;
pub mod theme;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::diagnostics::Diagnostic;
use crate::plan::{Page, Plan};
use theme::Theme;

/// A file of the finished site: its path inside the output folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Pages rendered before (in `serve`): a page whose template, theme and data are unchanged is
/// not rendered again. Rendering is deterministic, so reuse gives exactly the same bytes.
#[derive(Default)]
pub struct PageCache {
    /// Fingerprint of everything all pages share (templates, labels, site, navigation).
    shared: u64,
    pages: HashMap<String, (u64, Vec<u8>)>,
}

/// Files of the site, and how many pages went through a template this time.
pub struct RenderResult {
    pub files: Vec<OutputFile>,
    /// Paths of the pages that went through a template (the others were reused unchanged).
    pub rendered: Vec<String>,
}

/// Renders every page of `plan` with `theme`. Reports every template that failed, not just the first.
pub fn render(
    plan: &Plan,
    theme: &mut Theme,
    cache: &mut PageCache,
) -> Result<RenderResult, Vec<Diagnostic>> {
    let labels = theme.labels.clone();
    let context = theme.tera.global_context();
    context.insert("site", &plan.site);
    context.insert("nav", &plan.nav);
    context.insert("labels", &labels);
    // Section navigation is shared by every guide page of a section; each such page carries a
    // stamp of its section's navigation, so it is not part of the fingerprint of all pages.
    context.insert("sections", &plan.sections);
    let shared = fingerprint(&(&plan.site, &plan.nav, &labels, &theme.template_texts));
    if shared != cache.shared {
        cache.pages.clear();
        cache.shared = shared;
    }
    let mut files =
        Vec::with_capacity(plan.pages.len() + plan.raw_files.len() + theme.static_files.len());
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut rendered = Vec::new();
    for page in &plan.pages {
        let key = fingerprint(&(page.template, page, &page.data));
        if let Some((cached_key, bytes)) = cache.pages.get(&page.path) {
            if *cached_key == key {
                files.push(OutputFile {
                    path: page.path.clone(),
                    bytes: bytes.clone(),
                });
                continue;
            }
        }
        rendered.push(page.path.clone());
        match render_page(page, theme) {
            Ok(bytes) => {
                cache.pages.insert(page.path.clone(), (key, bytes.clone()));
                files.push(OutputFile {
                    path: page.path.clone(),
                    bytes,
                });
            }
            Err(error) => {
                let diagnostic = theme::template_diagnostic(&error, &theme.template_paths);
                // One broken template breaks many pages; report it once.
                if !diagnostics
                    .iter()
                    .any(|d| d.message == diagnostic.message && d.span == diagnostic.span)
                {
                    let hint = format!(
                        "fix the template (first failed while rendering {})",
                        page.path
                    );
                    diagnostics.push(diagnostic.with_hint(hint));
                }
            }
        }
    }
    if !diagnostics.is_empty() {
        cache.pages.clear();
        return Err(diagnostics);
    }
    let live: std::collections::HashSet<&str> =
        plan.pages.iter().map(|p| p.path.as_str()).collect();
    cache.pages.retain(|path, _| live.contains(path.as_str()));
    files.extend(plan.raw_files.iter().map(|(path, bytes)| OutputFile {
        path: path.clone(),
        bytes: bytes.clone(),
    }));
    files.extend(theme.static_files.iter().map(|(name, bytes)| OutputFile {
        path: format!("assets/{name}"),
        bytes: bytes.clone(),
    }));
    Ok(RenderResult { files, rendered })
}

fn render_page(page: &Page, theme: &Theme) -> Result<Vec<u8>, tera::Error> {
    let mut context = tera::Context::new();
    context.insert("page", page);
    context.insert("data", &page.data);
    theme
        .tera
        .render(page.template, &context)
        .map(String::into_bytes)
}

/// A hash of a value's JSON form: equal data gives an equal fingerprint.
fn fingerprint<T: serde::Serialize>(value: &T) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let json = serde_json::to_vec(value).unwrap_or_default();
    json.hash(&mut hasher);
    json.len().hash(&mut hasher);
    hasher.finish()
}
