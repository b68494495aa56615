//! `guidegen theme eject`: copies the built-in theme into the site's own theme folder, so an
//! editor can change its words (`labels.yaml`), its look (`static/style.css`) and its pages
//! (`templates/`). A site's theme folder overrides the built-in theme file by file.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Span};

/// Copies the built-in theme into `root/themes/<theme>/`, where `<theme>` is the site's
/// `theme:` (default `default`) and the words are in the site's `language:`. Refuses to replace
/// a file that is already there unless `force`. Returns the folder and the files written.
pub fn eject_theme(root: &Path, force: bool) -> Result<(PathBuf, Vec<PathBuf>), Diagnostic> {
    let (theme, language) = site_theme_and_language(root)?;
    let folder = Path::new("themes").join(&theme);
    let files = crate::render::theme::built_in_files(&language);
    let existing: Vec<&PathBuf> = files
        .iter()
        .map(|(path, _)| path)
        .filter(|path| root.join(&folder).join(path).exists())
        .collect();
    if let (Some(first), false) = (existing.first(), force) {
        return Err(Diagnostic::error(format!(
            "{} is already there ({} of the theme's {} files)",
            folder.join(first).display(),
            existing.len(),
            files.len()
        ))
        .with_hint(
            "it may hold your changes: move it away first, or add --force to replace the files with the built-in ones",
        ));
    }
    let mut written = Vec::new();
    for (path, text) in &files {
        super::write_new(&root.join(&folder), path, text.as_bytes(), &mut written)?;
    }
    Ok((folder, written))
}

/// The site's `theme:` and `language:` from content/site.yaml (`default` and `zh-CN`, the
/// model's own defaults, when unset).
fn site_theme_and_language(root: &Path) -> Result<(String, String), Diagnostic> {
    let file = Path::new("content/site.yaml");
    let text = std::fs::read_to_string(root.join(file)).map_err(|error| {
        Diagnostic::error(format!("cannot read the site's settings: {error}"))
            .with_span(Span::file_only(file))
            .with_hint("run this in a site folder (one that holds content/site.yaml), or name it with --root")
    })?;
    let site: serde_json::Value = crate::yaml::parse(file, &text)?;
    let read = |key: &str, default: &str| site.get(key).and_then(|v| v.as_str()).unwrap_or(default).to_string();
    let theme = read("theme", "default");
    let safe = !theme.is_empty() && theme.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !safe {
        return Err(
            Diagnostic::error(format!("the theme name `{theme}` cannot be a folder name"))
                .with_span(Span::file_only(file))
                .with_hint("name the theme with letters, digits, `-` and `_` only"),
        );
    }
    Ok((theme, read("language", "zh-CN")))
}
