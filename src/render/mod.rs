//! Stage 4: turn the plan into bytes: each page through its template, plus raw and static files.
//! It never touches the disk; `write` does.

pub mod markdown;
pub mod theme;

use crate::diagnostics::Diagnostic;
use crate::plan::Plan;
use theme::Theme;

/// A file of the finished site: its path inside the output folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Renders every page of `plan` with `theme`. Reports every template that failed, not just the first.
pub fn render(plan: &Plan, theme: &mut Theme) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    theme.tera.global_context().insert("site", &plan.site);
    theme.tera.global_context().insert("nav", &plan.nav);
    let labels = theme.labels.clone();
    theme.tera.global_context().insert("labels", &labels);
    let mut files =
        Vec::with_capacity(plan.pages.len() + plan.raw_files.len() + theme.static_files.len());
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for page in &plan.pages {
        let mut context = tera::Context::new();
        context.insert("page", page);
        context.insert("data", &page.data);
        match theme.tera.render(page.template, &context) {
            Ok(html) => files.push(OutputFile {
                path: page.path.clone(),
                bytes: html.into_bytes(),
            }),
            Err(error) => {
                let diagnostic = theme::template_diagnostic(&error, &theme.template_paths);
                // One broken template breaks many pages; report it once.
                if !diagnostics
                    .iter()
                    .any(|d| d.message == diagnostic.message && d.span == diagnostic.span)
                {
                    diagnostics.push(diagnostic.with_hint(format!(
                        "fix the template (first failed while rendering {})",
                        page.path
                    )));
                }
            }
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    files.extend(plan.raw_files.iter().map(|(path, bytes)| OutputFile {
        path: path.clone(),
        bytes: bytes.clone(),
    }));
    files.extend(theme.static_files.iter().map(|(name, bytes)| OutputFile {
        path: format!("assets/{name}"),
        bytes: bytes.clone(),
    }));
    Ok(files)
}
