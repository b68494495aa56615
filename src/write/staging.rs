//! Writing a site while it is rendered: each page goes into the staging folder as soon as it is
//! made, so a build never holds the whole output in memory. The promises of `write_site` hold
//! unchanged: every path is checked before anything is written, the staging folder is swapped in
//! whole only when the build succeeded (`Staging::finish`), and dropped otherwise.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{
    refuse_shared_paths, remove_leftovers, remove_tree, safe_relative, swap_in, temporary_name, RETIRED, STAGING,
};
use crate::diagnostics::Diagnostic;
use crate::render::FileSink;

/// The new site being written beside `output`. Nothing touches the disk until `expect` is told
/// the site's paths; if the build fails (or `finish` is never called), dropping it removes the
/// staging folder and leaves the previous output as it was.
pub struct Staging {
    output: PathBuf,
    parent: PathBuf,
    folder: PathBuf,
    retired: PathBuf,
    /// Set once the staging folder exists (by `expect`).
    made: OnceLock<()>,
    swapped: bool,
}

impl Staging {
    /// A staging folder for `output` (`.output.building-<pid>` beside it), not made yet.
    pub fn new(output: &Path) -> Staging {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = output
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let pid = std::process::id();
        Staging {
            output: output.to_path_buf(),
            folder: parent.join(temporary_name(&name, STAGING, pid)),
            retired: parent.join(temporary_name(&name, RETIRED, pid)),
            parent,
            made: OnceLock::new(),
            swapped: false,
        }
    }

    /// Puts the written site in the place of the output, whole (see `swap_in`).
    pub fn finish(mut self) -> Result<(), Diagnostic> {
        if self.made.get().is_none() {
            self.make(&[]).map_err(|error| self.cannot(&error))?;
        }
        swap_in(&self.folder, &self.output, &self.retired).map_err(|error| self.cannot(&error))?;
        self.swapped = true;
        Ok(())
    }

    fn cannot(&self, error: &io::Error) -> Diagnostic {
        Diagnostic::error(format!("cannot write the site to `{}`: {error}", self.output.display()))
            .with_hint("check that the folder is writable; the previous output was left as it was")
    }

    /// The staging folder, fresh, with every folder the files need; earlier builds' leftovers gone.
    fn make(&self, relative: &[PathBuf]) -> io::Result<()> {
        fs::create_dir_all(&self.parent)?;
        let name = self
            .output
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        remove_leftovers(&self.parent, &name);
        let _ = self.made.set(());
        fs::create_dir_all(&self.folder)?;
        let folders: std::collections::BTreeSet<&Path> = relative.iter().filter_map(|path| path.parent()).collect();
        for folder in folders {
            fs::create_dir_all(self.folder.join(folder))?;
        }
        Ok(())
    }
}

impl FileSink for Staging {
    fn expect(&self, paths: &[&str]) -> Result<(), Diagnostic> {
        let relative = paths
            .iter()
            .map(|path| safe_relative(path).map_err(|e| e.to_string()))
            .collect::<Result<Vec<PathBuf>, String>>()
            .and_then(|relative| refuse_shared_paths(&relative).map(|()| relative))
            .map_err(|refusal| {
                Diagnostic::error(format!(
                    "cannot write the site to `{}`: {refusal}",
                    self.output.display()
                ))
                .with_hint(super::SHARED_PATH_HINT)
            })?;
        self.make(&relative).map_err(|error| self.cannot(&error))
    }

    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let relative = safe_relative(path).map_err(|error| self.cannot(&error))?;
        fs::write(self.folder.join(relative), bytes).map_err(|error| self.cannot(&error))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.made.get().is_some() && !self.swapped {
            let _ = remove_tree(&self.folder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("guidegen-staging-{label}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn files_put_one_by_one_reach_the_output_only_at_the_finish() {
        let dir = scratch("finish");
        let output = dir.join("site");
        fs::create_dir_all(&output).unwrap();
        fs::write(output.join("old.html"), "old").unwrap();
        let staging = Staging::new(&output);
        staging.expect(&["a.html", "sub/b.html"]).unwrap();
        staging.put("sub/b.html", b"B").unwrap();
        staging.put("a.html", b"A").unwrap();
        assert_eq!(names_in(&output), ["old.html"], "the output changed before the finish");
        staging.finish().unwrap();
        assert_eq!(names_in(&output), ["a.html", "sub"]);
        assert_eq!(fs::read_to_string(output.join("sub/b.html")).unwrap(), "B");
        assert_eq!(names_in(&dir), ["site"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_build_that_stops_midway_leaves_the_output_as_it_was_and_nothing_beside_it() {
        let dir = scratch("dropped");
        let output = dir.join("site");
        fs::create_dir_all(&output).unwrap();
        fs::write(output.join("old.html"), "old").unwrap();
        let staging = Staging::new(&output);
        staging.expect(&["a.html", "b.html"]).unwrap();
        staging.put("a.html", b"A").unwrap();
        assert_eq!(names_in(&dir).len(), 2, "no staging folder beside the output");
        drop(staging);
        assert_eq!(names_in(&dir), ["site"]);
        assert_eq!(names_in(&output), ["old.html"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn paths_that_cannot_be_written_whole_are_refused_before_anything_is_made() {
        let dir = scratch("refused");
        let output = dir.join("site");
        for paths in [
            &["a.html", "a.html"][..],
            &["x.html", "x.html/y.html"],
            &["../escape.html"],
        ] {
            let staging = Staging::new(&output);
            let refusal = staging.expect(paths).unwrap_err();
            assert!(
                refusal.message.starts_with("cannot write the site to"),
                "{}",
                refusal.message
            );
            assert!(
                names_in(&dir).is_empty(),
                "{paths:?}: something was made: {:?}",
                names_in(&dir)
            );
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
