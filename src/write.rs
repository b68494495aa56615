//! Stage 5: put the rendered files on disk so that the output folder is always a whole site.
//! It writes only inside the output folder, and refuses output folders that would destroy input.
//! `build` writes through `Staging` (each page as soon as it is rendered); `write_site` writes
//! files already in memory.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::render::OutputFile;

mod staging;
pub use staging::Staging;

/// What to do about paths that cannot be written whole (two files for one path, a file and a folder).
const SHARED_PATH_HINT: &str =
    "every output file needs a path of its own: rename the file in `static/` (or the theme's `static/`) \
     that has the path of a generated file, or the folder named like a page (e.g. `x.html/`); \
     nothing was written and the previous output was left as it was";

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

/// Writes `files` into a fresh folder beside `output`, then swaps it in, so that at every moment
/// (even if the process is killed) `output` is either the previous site or the new one, whole.
/// Paths that cannot be written whole are refused before anything touches the disk.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    let cannot = |why: String| format!("cannot write the site to `{}`: {why}", output.display());
    let relative =
        output_paths(files).map_err(|refusal| Diagnostic::error(cannot(refusal)).with_hint(SHARED_PATH_HINT))?;
    write_and_swap(output, files, &relative).map_err(|error| {
        Diagnostic::error(cannot(error.to_string()))
            .with_hint("check that the folder is writable; the previous output was left as it was")
    })
}

fn write_and_swap(output: &Path, files: &[OutputFile], relative: &[PathBuf]) -> io::Result<()> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = output
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    remove_leftovers(&parent, &name);
    let pid = std::process::id();
    let staging = parent.join(temporary_name(&name, STAGING, pid));
    let retired = parent.join(temporary_name(&name, RETIRED, pid));
    let result = write_all(&staging, files, relative).and_then(|()| swap_in(&staging, output, &retired));
    if result.is_err() {
        let _ = remove_tree(&staging);
    }
    result
}

/// The folder a build writes into before swapping it in (after an exchange it holds the old site).
const STAGING: &str = "building";
/// Where the two-rename fallback parks the old site.
const RETIRED: &str = "old";

/// `.output.building-1234`: hidden, named after the output and the process that made it.
fn temporary_name(output_name: &str, kind: &str, pid: u32) -> String {
    format!(".{output_name}.{kind}-{pid}")
}

/// The process id in a temporary folder name made for `output_name`, if `name` is one.
fn temporary_owner(output_name: &str, name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_prefix(output_name)?.strip_prefix('.')?;
    let pid = [STAGING, RETIRED]
        .iter()
        .find_map(|kind| rest.strip_prefix(kind)?.strip_prefix('-'))?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Puts the previous site back when a build was killed between the two renames of the fallback
/// swap (the output folder is then absent, and the old site whole in `.output.old-PID`), and
/// removes the other temporary folders killed builds left. `build` calls it first, so that even a
/// build that fails afterwards leaves a whole site in place.
pub fn recover(output: &Path) {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let Some(name) = output.file_name() {
        remove_leftovers(&parent, &name.to_string_lossy());
    }
}

/// Removes temporary folders that builds killed midway left beside the output. A folder whose
/// build is still running is left alone: deleting it while that build swaps it in would put a
/// half-deleted site in place. When the output folder is absent, a killed build's parked old
/// site (only ever whole: see `swap_by_two_renames`) is put back instead of removed.
fn remove_leftovers(parent: &Path, output_name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let own = std::process::id();
    let output = parent.join(output_name);
    let mut dead: Vec<(PathBuf, bool)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let pid = temporary_owner(output_name, &name)?;
            let retired = name.contains(&format!(".{RETIRED}-"));
            (pid == own || !process_is_running(pid)).then(|| (entry.path(), retired))
        })
        .collect();
    // Folder names are read in no fixed order: look for a parked site first.
    dead.sort_by_key(|(_, retired)| !retired);
    for (path, retired) in dead {
        if retired && fs::symlink_metadata(&output).is_err() && fs::rename(&path, &output).is_ok() {
            sync_folder(parent);
            continue;
        }
        let _ = remove_tree(&path);
    }
}

#[cfg(unix)]
#[allow(unsafe_code)] // kill(2) with signal 0; see the SAFETY note
fn process_is_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let status = unsafe { libc::kill(pid, 0) };
    status == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_is_running(_pid: u32) -> bool {
    false
}

/// A folder, a file or a symbolic link (never what it points to), gone.
fn remove_tree(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// Every file's path inside the output folder, or why the set cannot be written whole.
fn output_paths(files: &[OutputFile]) -> Result<Vec<PathBuf>, String> {
    let relative = files
        .iter()
        .map(|file| safe_relative(&file.path).map_err(|e| e.to_string()))
        .collect::<Result<Vec<PathBuf>, String>>()?;
    refuse_shared_paths(&relative)?;
    Ok(relative)
}

fn write_all(dir: &Path, files: &[OutputFile], relative: &[PathBuf]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let targets: Vec<PathBuf> = relative.iter().map(|path| dir.join(path)).collect();
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

/// Two files for one path would be written at once, leaving either, or the start of one over
/// the end of the other: the output would depend on timing (e.g. a file in `static/` named like
/// a page). A path that is both a file and a folder (`a.html` and `a.html/b.html`, e.g. a guide
/// folder named like a page) cannot be written at all. Both are refused before anything is
/// written; `a//b` and `a/b` are one path.
fn refuse_shared_paths(paths: &[PathBuf]) -> Result<(), String> {
    let mut files = std::collections::HashSet::with_capacity(paths.len());
    if let Some(shared) = paths.iter().find(|path| !files.insert(path.as_path())) {
        return Err(format!(
            "two files would be written to `{}` (does a file in `static/` or the theme share the path of a generated one?)",
            plain(shared)
        ));
    }
    let file_and_folder = paths
        .iter()
        .flat_map(|path| path.ancestors().skip(1))
        .find(|folder| files.contains(folder));
    match file_and_folder {
        Some(both) => Err(format!(
            "`{}` would be both a file and a folder (is a folder named like a page, e.g. `x.html/`?)",
            plain(both)
        )),
        None => Ok(()),
    }
}

/// A relative path as written in messages: its components joined by `/`.
fn plain(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
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

/// Puts `staging` in the place of `output`: one atomic exchange where the system has one, else
/// two renames (between which `output` is briefly absent). Every file and folder of `staging` is
/// on disk before the swap, and the swap itself after it (`sync_tree`, `sync_folder`).
fn swap_in(staging: &Path, output: &Path, retired: &Path) -> io::Result<()> {
    sync_tree(staging)?;
    let parent = staging.parent().unwrap_or(Path::new("."));
    if forced_renames() {
        return swap_by_two_renames(staging, output, retired);
    }
    match exchange(staging, output) {
        Exchange::Done => {
            sync_folder(parent);
            // `staging` now holds the previous site. Should removing it fail, the next build does it.
            let _ = remove_tree(staging);
            Ok(())
        }
        Exchange::Failed(error) if error.kind() == io::ErrorKind::NotFound && fs::symlink_metadata(output).is_err() => {
            fs::rename(staging, output)?;
            sync_folder(parent);
            Ok(())
        }
        Exchange::Failed(error) => Err(error),
        Exchange::Unsupported => swap_by_two_renames(staging, output, retired),
    }
}

/// A testing knob: `GUIDEGEN_SWAP=renames` makes Linux swap the new site in as other systems do,
/// with two renames, so that path is tested where the exchange exists.
fn forced_renames() -> bool {
    swap_knob().is_some()
}

/// `GUIDEGEN_SWAP=renames` gives `Some(0)`; `renames:<ms>` also waits that long between the two
/// renames, so that a test can kill a build there.
fn swap_knob() -> Option<u64> {
    let value = std::env::var("GUIDEGEN_SWAP").ok()?;
    match value.split_once(':') {
        None if value == "renames" => Some(0),
        Some(("renames", ms)) => ms.parse().ok(),
        _ => None,
    }
}

/// Every file and folder below `dir`, and `dir` itself, flushed to disk (`fsync`), so that a
/// power cut after the swap cannot leave the new site with empty or missing files. Files are
/// flushed before the folders that name them.
fn sync_tree(dir: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    let mut at = 0;
    while at < folders.len() {
        for entry in fs::read_dir(&folders[at])? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                folders.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
        at += 1;
    }
    // Files first, then the folders naming them; all before the swap.
    flush_all(&files)?;
    flush_all(&folders)
}

/// Flushes every path of `paths` (files or folders) to disk. Flushing waits on the disk, not the
/// processor: many at once let the file system commit them together (one journal commit for
/// many), which costs far less than one after another.
fn flush_all(paths: &[PathBuf]) -> io::Result<()> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let flush = || -> io::Result<()> {
        loop {
            let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(path) = paths.get(at) else {
                return Ok(());
            };
            fs::File::open(path)?.sync_all()?;
        }
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..FLUSHING_THREADS.min(paths.len()))
            .map(|_| scope.spawn(flush))
            .collect();
        workers.into_iter().try_for_each(|worker| {
            worker
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("a flushing thread failed")))
        })
    })
}

/// How many files are flushed at once (see `sync_tree`).
const FLUSHING_THREADS: usize = 32;

/// `folder`'s entries flushed to disk (after a rename in it). A failure is not an error: the
/// rename is done, only its durability is left to the system.
fn sync_folder(folder: &Path) {
    if let Ok(handle) = fs::File::open(folder) {
        let _ = handle.sync_all();
    }
}

enum Exchange {
    Done,
    /// The system or the file system cannot exchange two paths.
    Unsupported,
    Failed(io::Error),
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[allow(unsafe_code)] // renameat2(2) has no safe wrapper in std; see the SAFETY note
fn exchange(a: &Path, b: &Path) -> Exchange {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (
        CString::new(a.as_os_str().as_bytes()),
        CString::new(b.as_os_str().as_bytes()),
    ) else {
        return Exchange::Failed(io::Error::new(io::ErrorKind::InvalidInput, "a path holds a NUL byte"));
    };
    // SAFETY: both are valid NUL-terminated paths that outlive the call; AT_FDCWD resolves
    // relative paths as rename(2) does.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        return Exchange::Done;
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        // Old kernels (ENOSYS) and file systems without exchange support (EINVAL, EOPNOTSUPP).
        Some(libc::ENOSYS | libc::EINVAL | libc::EOPNOTSUPP) => Exchange::Unsupported,
        _ => Exchange::Failed(error),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> Exchange {
    Exchange::Unsupported
}

/// The fallback swap: the old site is parked at `retired`, the new one renamed into place. A kill
/// between the two renames leaves no output folder, the old site whole at `retired` and the new
/// one at `staging`; the next build puts the old site back first (`recover`). The parked site is
/// renamed away before it is removed, so a folder named `retired` always holds a whole site.
fn swap_by_two_renames(staging: &Path, output: &Path, retired: &Path) -> io::Result<()> {
    let parent = staging.parent().unwrap_or(Path::new("."));
    let had_output = fs::symlink_metadata(output).is_ok();
    if had_output {
        let _ = remove_tree(retired);
        fs::rename(output, retired)?;
    }
    if let Some(pause) = swap_knob().filter(|ms| *ms > 0) {
        std::thread::sleep(std::time::Duration::from_millis(pause));
    }
    if let Err(error) = fs::rename(staging, output) {
        if had_output {
            let _ = fs::rename(retired, output);
        }
        return Err(error);
    }
    sync_folder(parent);
    if had_output && fs::rename(retired, staging).is_ok() {
        let _ = remove_tree(staging);
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

    /// A fresh folder in the system's temporary folder, for one test.
    fn scratch(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("guidegen-write-{label}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn files(list: &[(&str, &str)]) -> Vec<OutputFile> {
        list.iter()
            .map(|(path, text)| OutputFile::new(*path, text.as_bytes()))
            .collect()
    }

    /// Every file below `dir`, as sorted relative paths with their text.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let relative = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                (relative, fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        found.sort();
        found
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
    fn a_second_build_replaces_the_output_whole_and_leaves_nothing_beside_it() {
        let dir = scratch("replace");
        let output = dir.join("site");
        write_site(&output, &files(&[("a.html", "A"), ("sub/x.html", "X")])).unwrap();
        assert_eq!(
            tree(&output),
            [("a.html".into(), "A".into()), ("sub/x.html".into(), "X".into())]
        );
        write_site(&output, &files(&[("b.html", "B")])).unwrap();
        assert_eq!(tree(&output), [("b.html".to_string(), "B".to_string())]);
        assert_eq!(names_in(&dir), ["site"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_cannot_be_written_leaves_the_output_as_it_was() {
        let dir = scratch("refused");
        let output = dir.join("site");
        write_site(&output, &files(&[("a.html", "A")])).unwrap();
        assert!(write_site(&output, &files(&[("b.html", "B"), ("../escape.html", "E")])).is_err());
        assert_eq!(tree(&output), [("a.html".to_string(), "A".to_string())]);
        assert_eq!(names_in(&dir), ["site"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn two_files_for_one_path_or_a_file_and_folder_are_refused_before_anything_is_written() {
        let dir = scratch("shared");
        let output = dir.join("site");
        write_site(&output, &files(&[("a.html", "A")])).unwrap();
        for shared in [
            files(&[("guides/x.html", "page"), ("b.html", "B"), ("guides/x.html", "static")]),
            files(&[("guides/x.html", "page"), ("guides//x.html", "static")]),
        ] {
            let error = write_site(&output, &shared).unwrap_err();
            assert!(
                error.message.contains("two files would be written to `guides/x.html`"),
                "{}",
                error.message
            );
            assert_eq!(tree(&output), [("a.html".to_string(), "A".to_string())]);
            assert_eq!(names_in(&dir), ["site"]);
        }
        let error = write_site(
            &output,
            &files(&[("guides/a.html/b.html", "b"), ("guides/a.html", "a")]),
        )
        .unwrap_err();
        assert!(
            error
                .message
                .contains("`guides/a.html` would be both a file and a folder"),
            "{}",
            error.message
        );
        assert_eq!(tree(&output), [("a.html".to_string(), "A".to_string())]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn the_exchange_swaps_two_folders_in_one_step() {
        let dir = scratch("exchange");
        let (a, b) = (dir.join("a"), dir.join("b"));
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        fs::write(a.join("from-a"), "a").unwrap();
        fs::write(b.join("from-b"), "b").unwrap();
        match exchange(&a, &b) {
            Exchange::Done => {
                assert_eq!(names_in(&a), ["from-b"]);
                assert_eq!(names_in(&b), ["from-a"]);
            }
            // Some file systems (e.g. some overlay or network mounts) cannot; the fallback covers them.
            Exchange::Unsupported => eprintln!("note: no RENAME_EXCHANGE on {}", dir.display()),
            Exchange::Failed(error) => panic!("{error}"),
        }
        match exchange(&a, &dir.join("missing")) {
            Exchange::Failed(error) => assert_eq!(error.kind(), io::ErrorKind::NotFound),
            Exchange::Unsupported => {}
            Exchange::Done => panic!("exchanged with a missing folder"),
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_two_rename_fallback_also_replaces_the_output_whole() {
        let dir = scratch("fallback");
        let (staging, output, retired) = (dir.join(".site.building-1"), dir.join("site"), dir.join(".site.old-1"));
        let (old, new) = (files(&[("old.html", "old")]), files(&[("new.html", "new")]));
        write_all(&output, &old, &output_paths(&old).unwrap()).unwrap();
        write_all(&staging, &new, &output_paths(&new).unwrap()).unwrap();
        swap_by_two_renames(&staging, &output, &retired).unwrap();
        assert_eq!(tree(&output), [("new.html".to_string(), "new".to_string())]);
        assert_eq!(names_in(&dir), ["site"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_build_killed_between_the_two_renames_leaves_the_old_site_which_the_next_build_puts_back() {
        let dir = scratch("between-renames");
        let output = dir.join("site");
        let mut finished = std::process::Command::new("true").spawn().unwrap();
        finished.wait().unwrap();
        let dead = finished.id();
        // What a kill after `output -> retired` and before `staging -> output` leaves.
        let (old, new) = (files(&[("old.html", "old")]), files(&[("new.html", "new")]));
        let retired = dir.join(temporary_name("site", RETIRED, dead));
        let staging = dir.join(temporary_name("site", STAGING, dead));
        write_all(&retired, &old, &output_paths(&old).unwrap()).unwrap();
        write_all(&staging, &new, &output_paths(&new).unwrap()).unwrap();
        recover(&output);
        assert_eq!(tree(&output), [("old.html".to_string(), "old".to_string())]);
        assert_eq!(names_in(&dir), ["site"]);
        // With an output in place, a parked site is only a leftover.
        write_all(&retired, &new, &output_paths(&new).unwrap()).unwrap();
        recover(&output);
        assert_eq!(tree(&output), [("old.html".to_string(), "old".to_string())]);
        assert_eq!(names_in(&dir), ["site"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn temporary_folders_are_recognised_by_output_name_kind_and_process() {
        assert_eq!(temporary_owner("site", ".site.building-42"), Some(42));
        assert_eq!(temporary_owner("site", ".site.old-7"), Some(7));
        for other in [
            "site",
            ".site.building-",
            ".site.building-4x",
            ".site.building--4",
            ".site.other-4",
            ".site2.building-4",
            ".other.building-4",
            "site.building-4",
        ] {
            assert_eq!(temporary_owner("site", other), None, "{other}");
        }
        assert_eq!(temporary_name("site", STAGING, 42), ".site.building-42");
    }

    #[cfg(unix)]
    #[test]
    fn leftovers_of_killed_builds_go_and_those_of_running_builds_stay() {
        let dir = scratch("leftovers");
        let output = dir.join("site");
        let mut finished = std::process::Command::new("true").spawn().unwrap();
        finished.wait().unwrap();
        let dead = finished.id();
        assert!(!process_is_running(dead));
        // Process 1 runs as long as the system does.
        assert!(process_is_running(1));
        let kept = [
            ".other.building-1".to_string(),
            ".site.building-1".to_string(),
            "unrelated".to_string(),
        ];
        for name in [
            temporary_name("site", STAGING, dead),
            temporary_name("site", RETIRED, dead),
            temporary_name("other", STAGING, dead),
        ]
        .iter()
        .chain(&kept)
        {
            fs::create_dir_all(dir.join(name).join("stages")).unwrap();
            fs::write(dir.join(name).join("stages/a.html"), "half").unwrap();
        }
        write_site(&output, &files(&[("a.html", "A")])).unwrap();
        let mut expected: Vec<String> = kept.to_vec();
        expected.push(temporary_name("other", STAGING, dead));
        expected.push("site".into());
        expected.sort();
        assert_eq!(
            names_in(&dir),
            expected,
            "only this output's leftovers of finished builds go"
        );
        fs::remove_dir_all(&dir).unwrap();
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
