//! Which files of the site folder count, for every part that reads or watches it (`load`, the
//! theme, `serve`'s watcher): editors' leftovers never do, and a link out of the site is refused.
//! It only walks and reads; what a file means is up to its caller.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Span};

/// Swap, backup, lock and temp files that editors leave beside the real ones: the one list that
/// `build`, `check` and `serve` all skip. vim: `.x.swp`, `.x.swx`, `x~`, `4913`; emacs: `.#x`
/// (a lock, often a dangling link), `#x#` (autosave), `x~`; JetBrains: `x___jb_tmp___`,
/// `x___jb_old___`; Kate `.x.kate-swp`, gedit `.goutputstream-*` and every other hidden file.
pub fn is_editor_leftover(name: &str) -> bool {
    name.starts_with('.')
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".bck")
        || name.ends_with(".tmp")
        || name.contains("___jb_")
        || name == "4913"
}

/// Whether the last part of `path` is an editor's leftover (a dangling lock link among them).
pub fn is_leftover_path(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| is_editor_leftover(&name.to_string_lossy()))
}

/// Every regular file below `dir`, as (path relative to `root` with `/`, bytes), sorted.
pub fn files_under(root: &Path, dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<(String, Vec<u8>)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) if error.path().is_some_and(is_leftover_path) => continue,
            Err(error) => {
                let path = error
                    .path()
                    .unwrap_or(dir)
                    .strip_prefix(root)
                    .unwrap_or(dir)
                    .to_path_buf();
                diagnostics.push(
                    Diagnostic::error(format!("cannot walk this folder: {error}")).with_span(Span::file_only(&path)),
                );
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || is_editor_leftover(&name) {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(target) = link_target_outside(root, entry.path()) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "this file links to `{}`, outside the site folder",
                    target.display()
                ))
                .with_span(Span::file_only(Path::new(&relative)))
                .with_hint("only files inside the site are published; copy the file in instead of linking to it"),
            );
            continue;
        }
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push((relative, bytes)),
            Err(error) => diagnostics.push(
                Diagnostic::error(format!("cannot read this file: {error}"))
                    .with_span(Span::file_only(Path::new(&relative))),
            ),
        }
    }
    files
}

/// Where `path` really is, when a symbolic link takes it outside `root`.
pub fn link_target_outside(root: &Path, path: &Path) -> Option<PathBuf> {
    let real_root = std::fs::canonicalize(root).ok()?;
    let real = std::fs::canonicalize(path).ok()?;
    (!real.starts_with(&real_root)).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system's temporary folder, removed first if a run left it.
    fn scratch(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("guidegen-site-files-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn swap_backup_and_temp_files_are_leftovers_and_real_files_are_not() {
        for name in [
            ".a.md.swp",
            ".#site.yaml",
            "a.md~",
            "a.swx",
            "a.bck",
            "a.tmp",
            "x___jb_tmp___",
            "x.md___jb_old___",
            "#timeline.md#",
            ".#timeline.md",
            ".x.md.kate-swp",
            ".goutputstream-AB12CD",
            "4913",
        ] {
            assert!(is_editor_leftover(name), "{name}");
        }
        for name in ["a.md", "style.css", "4913.md", "中文.md", "#", "c#.md"] {
            assert!(!is_editor_leftover(name), "{name}");
        }
    }

    #[test]
    fn files_under_a_folder_come_sorted_relative_to_the_root_without_leftovers() {
        let root = scratch("walk");
        let dir = root.join("static");
        std::fs::create_dir_all(dir.join("b")).unwrap();
        for (path, text) in [("z.css", "z"), ("b/a.js", "a"), ("a.txt", "t"), ("b/.a.js.swp", "swap")] {
            std::fs::write(dir.join(path), text).unwrap();
        }
        let mut diagnostics = Vec::new();
        let found = files_under(&root, &dir, &mut diagnostics);
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(diagnostics, Vec::<Diagnostic>::new());
        assert_eq!(
            found,
            [
                ("static/a.txt".to_string(), b"t".to_vec()),
                ("static/b/a.js".to_string(), b"a".to_vec()),
                ("static/z.css".to_string(), b"z".to_vec()),
            ]
        );
        assert!(files_under(&root, &root.join("missing"), &mut diagnostics).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_linking_out_of_the_site_is_refused_with_its_path() {
        let root = scratch("link-out");
        let outside = scratch("link-out-target");
        std::fs::write(outside.join("secret.txt"), "secret").unwrap();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("static/secret.txt")).unwrap();
        let mut diagnostics = Vec::new();
        let found = files_under(&root, &root.join("static"), &mut diagnostics);
        let _ = (std::fs::remove_dir_all(&root), std::fs::remove_dir_all(&outside));
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        assert!(
            diagnostics[0].message.contains("outside the site folder"),
            "{diagnostics:#?}"
        );
        assert_eq!(
            diagnostics[0].span.as_ref().map(|s| s.file.clone()),
            Some(PathBuf::from("static/secret.txt"))
        );
    }
}
