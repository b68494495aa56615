//! Starting points for editors: `guidegen init` writes a new site that already passes
//! `check --deny-warnings` (every content file with commented examples, the JSON Schemas its
//! files point at, a .gitignore and a README), and `guidegen theme eject` copies the built-in
//! theme into a site so its words and look can be changed.
//! The rule it keeps: it only ever adds files; it writes into a folder that holds anything only
//! when asked to with `--force`, and never deletes.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Span};

mod eject;
mod starter;

pub use eject::eject_theme;

/// What `init` is asked for.
pub struct InitOptions {
    pub dir: PathBuf,
    pub title: Option<String>,
    pub language: String,
    pub today: chrono::NaiveDate,
    pub force: bool,
}

/// Writes a new site into `options.dir`; returns the files written, relative to it.
pub fn init(options: &InitOptions) -> Result<Vec<PathBuf>, Diagnostic> {
    let starter = starter::for_language(&options.language).ok_or_else(|| {
        Diagnostic::error(format!("there is no starter site in `{}`", options.language))
            .with_hint(format!("use --lang with one of: {}", starter::LANGUAGES.join(", ")))
    })?;
    refuse_a_folder_in_use(&options.dir, options.force)?;
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| starter.default_title.to_string());
    let mut written = Vec::new();
    for (path, text) in starter.files {
        let text = fill_in(text, &title, options.today);
        write_new(&options.dir, Path::new(path), text.as_bytes(), &mut written)?;
    }
    let schemas = options.dir.join("schema");
    crate::schema::write_all(&schemas)?;
    written.push(PathBuf::from("schema/"));
    Ok(written)
}

/// A folder that exists and holds anything is someone's work: only `--force` writes into it.
fn refuse_a_folder_in_use(dir: &Path, force: bool) -> Result<(), Diagnostic> {
    if dir.exists() && !dir.is_dir() {
        return Err(
            Diagnostic::error(format!("`{}` is a file, not a folder", dir.display()))
                .with_hint("name a new folder for the site"),
        );
    }
    let in_use = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if in_use && !force {
        return Err(Diagnostic::error(format!("`{}` is not empty", dir.display())).with_hint(
            "name a new folder, or add --force to write the starter files into this one (files with the same names are replaced; nothing is deleted)",
        ));
    }
    Ok(())
}

/// The starter's placeholders: `"{title}"` (a quoted YAML text, so any title is safe in it),
/// `{title}` elsewhere, and `{today}`.
fn fill_in(text: &str, title: &str, today: chrono::NaiveDate) -> String {
    let quoted = serde_json::to_string(title).unwrap_or_default();
    text.replace("\"{title}\"", &quoted)
        .replace("{title}", title)
        .replace("{today}", &today.to_string())
}

/// Writes one file under `root`, making its folders; records it in `written`.
fn write_new(root: &Path, relative: &Path, bytes: &[u8], written: &mut Vec<PathBuf>) -> Result<(), Diagnostic> {
    let path = root.join(relative);
    let result = match path.parent() {
        Some(parent) => std::fs::create_dir_all(parent).and_then(|()| std::fs::write(&path, bytes)),
        None => std::fs::write(&path, bytes),
    };
    result.map_err(|error| {
        Diagnostic::error(format!("cannot write this file: {error}")).with_span(Span::file_only(&path))
    })?;
    written.push(relative.to_path_buf());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_with_quotes_stays_one_yaml_text() {
        let filled = fill_in("title: \"{title}\"\n", "A \"quoted\" name: yes", chrono::NaiveDate::MIN);
        let value: serde_json::Value = serde_saphyr::from_str(&filled).unwrap();
        assert_eq!(value["title"], "A \"quoted\" name: yes");
    }

    #[test]
    fn every_starter_file_is_listed_in_both_languages() {
        let paths = |language: &str| -> Vec<&str> {
            starter::for_language(language)
                .unwrap()
                .files
                .iter()
                .map(|(path, _)| *path)
                .collect()
        };
        let english = paths("en");
        assert!(english.contains(&"content/site.yaml") && english.contains(&".gitignore"));
        assert_eq!(english, paths("zh-CN"));
    }
}
