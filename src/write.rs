//! Stage 5: put the rendered files on disk so that the output folder is always a whole site.
//! It writes only inside the output folder, and refuses output folders that would destroy input.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::render::OutputFile;

/// Refuses an output folder that is the site root, `content/`, `themes/`, or holds any of them.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let output = absolute(output);
    let protected = [root.clone(), root.join("content"), root.join("themes")];
    for dir in &protected {
        if dir.starts_with(&output) {
            return Err(
                Diagnostic::error(format!("refusing to write the site into `{}`", output.display())).with_hint(
                    format!(
                        "it is or contains `{}`, which a build would delete; choose another --output",
                        dir.display()
                    ),
                ),
            );
        }
    }
    for dir in &protected[1..] {
        if output.starts_with(dir) {
            return Err(
                Diagnostic::error(format!("refusing to write the site into `{}`", output.display())).with_hint(
                    format!(
                        "it lies inside `{}`, which holds the site's input; choose another --output",
                        dir.display()
                    ),
                ),
            );
        }
    }
    Ok(())
}

/// `path` made absolute and with `.`/`..` folded, without touching the disk.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    fs::canonicalize(&out).unwrap_or(out)
}

/// Writes `files` into a fresh folder beside `output`, then swaps it in.
pub fn write_site(output: &Path, files: &[OutputFile]) -> io::Result<()> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let staging = parent.join(format!(".{name}.building-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result = write_all(&staging, files).and_then(|()| swap_in(&staging, output, &retired));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let targets = files
        .iter()
        .map(|file| Ok(dir.join(safe_relative(&file.path)?)))
        .collect::<io::Result<Vec<PathBuf>>>()?;
    let folders: std::collections::BTreeSet<&Path> = targets.iter().filter_map(|t| t.parent()).collect();
    for folder in folders {
        fs::create_dir_all(folder)?;
    }
    // Writing is most of a large build's time; both cores share it.
    files
        .par_iter()
        .zip(&targets)
        .try_for_each(|(file, target)| fs::write(target, &file.bytes))
}

/// Only plain relative paths may be written: never `..`, a root, a drive or a NUL.
pub fn safe_relative(path: &str) -> io::Result<PathBuf> {
    let candidate = Path::new(path);
    let plain =
        !path.is_empty() && !path.contains('\0') && candidate.components().all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(candidate.to_path_buf())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output folder: `{path}`"),
        ))
    }
}

fn swap_in(staging: &Path, output: &Path, retired: &Path) -> io::Result<()> {
    let had_output = output.exists();
    if had_output {
        let _ = fs::remove_dir_all(retired);
        fs::rename(output, retired)?;
    }
    if let Err(error) = fs::rename(staging, output) {
        if had_output {
            let _ = fs::rename(retired, output);
        }
        return Err(error);
    }
    if had_output {
        fs::remove_dir_all(retired)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_written() {
        assert!(safe_relative("a/b.html").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../x", "", "a\0b"] {
            assert!(safe_relative(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn output_may_not_hold_the_input() {
        let root = std::env::temp_dir().join("guidegen-write-test");
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(&root, &root.join("content")).is_err());
        assert!(check_output_dir(&root, &root.join("content/out")).is_err());
        assert!(check_output_dir(&root, &root.join("output")).is_ok());
    }
}
