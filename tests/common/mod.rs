//! Helpers shared by the integration tests: run the real binary, copy fixture sites.
#![allow(dead_code)]

pub(crate) mod browser;
pub(crate) mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) const TODAY: &str = "2026-11-27";

pub(crate) fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guidegen"));
    command.env("NO_COLOR", "1");
    command
}

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the guidegen binary runs")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh temporary folder under target/, removed when dropped.
pub(crate) struct TempDir(pub PathBuf);

impl TempDir {
    pub(crate) fn new(label: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies the folder `from` into `to` (created), recursively, over what `to` already holds.
/// A symbolic link is copied as a link (a broken fixture holds a link loop).
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file below `dir` as (relative path, bytes), sorted.
pub(crate) fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.sort();
    files
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            collect(root, &entry.path(), files);
        } else {
            let relative = entry
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, std::fs::read(entry.path()).unwrap()));
        }
    }
}

/// Replaces the first `from` in the file at `path` with `to`; fails when `from` is not there, so
/// an edit that a fixture change made stale cannot pass unnoticed.
pub(crate) fn replace_in_file(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Runs `check`, then `build`, on the site at `root` for `TODAY`; both must succeed (`what`
/// names the case in the failure message).
pub(crate) fn check_and_build(root: &Path, what: &str) {
    for verb in ["check", "build"] {
        let output = bin()
            .args([verb, "--today", TODAY, "--root"])
            .arg(root)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{what}: {verb} failed:\n{}",
            text(&output.stderr)
        );
    }
}
