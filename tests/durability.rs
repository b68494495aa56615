//! A power cut right after "built" cannot leave the new site with empty or missing files: a real
//! build runs under `strace`, and the trace must show every file and folder of the new output
//! flushed (`fsync`) before the rename that swaps it in, and the folder holding the output after
//! it. Checked for the atomic exchange, for the first build (a plain rename) and for the two
//! renames other systems use (forced with `GUIDEGEN_SWAP=renames`). Needs `strace` (Debian
//! package `strace`, installed by `scripts/test.sh`).
#![cfg(target_os = "linux")]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;

/// One system call of the trace: its name and the text between its parentheses (as far as the
/// trace line shows it).
struct Call {
    name: String,
    args: String,
}

/// Builds the site at `root` into `output` under strace; returns the calls in the order they
/// started (a call another thread interrupted is taken from its `<unfinished ...>` line).
fn traced_build(root: &Path, output: &Path, trace: &Path, renames: bool) -> Vec<Call> {
    let mut command = std::process::Command::new("strace");
    command
        .args([
            "-f",
            "-y",
            "-qq",
            "-e",
            "trace=fsync,fdatasync,openat,rename,renameat,renameat2",
            "-o",
        ])
        .arg(trace)
        .arg(env!("CARGO_BIN_EXE_guidegen"))
        .args(["build", "--today", TODAY, "--root"])
        .arg(root)
        .arg("--output")
        .arg(output)
        .env("NO_COLOR", "1");
    if renames {
        command.env("GUIDEGEN_SWAP", "renames");
    }
    let result = command.output().unwrap_or_else(|error| {
        panic!("strace is needed for this test (Debian package `strace`; scripts/test.sh installs it): {error}")
    });
    assert!(result.status.success(), "{}", text(&result.stderr));
    std::fs::read_to_string(trace)
        .unwrap()
        .lines()
        .filter_map(|line| {
            // `1234 fsync(3</a/b>) = 0` or `1234 fsync(3</a/b> <unfinished ...>`
            let call = line.split_once(' ')?.1.trim_start();
            let (name, args) = call.split_once('(')?;
            (!name.starts_with('<')).then(|| Call {
                name: name.to_string(),
                args: args.to_string(),
            })
        })
        .collect()
}

/// The path of an `fsync(3</a/b>)` call's file.
fn synced_path(call: &Call) -> Option<PathBuf> {
    if call.name != "fsync" && call.name != "fdatasync" {
        return None;
    }
    let start = call.args.find('<')? + 1;
    let end = call.args[start..].find('>')? + start;
    Some(PathBuf::from(&call.args[start..end]))
}

/// Every file and folder below `dir`, relative, folders included ("" for `dir` itself).
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found = vec![PathBuf::new()];
    let mut at = 0;
    while at < found.len() {
        let folder = dir.join(&found[at]);
        if folder.is_dir() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                found.push(found[at].join(entry.unwrap().file_name()));
            }
        }
        at += 1;
    }
    found
}

/// Checks one traced build: `output` must hold exactly what was flushed, in `staging`, before
/// the swap; and the output's parent must be flushed after it.
fn assert_flushed_before_the_swap(calls: &[Call], output: &Path, case: &str) {
    let parent = output.parent().unwrap();
    let name = output.file_name().unwrap().to_string_lossy();
    // The swap: the call that renames (or exchanges) the staging folder with the output, and
    // succeeds (the first build tries the exchange first, which fails: there is no output yet).
    // Only the main thread renames, while the others wait: its calls are never interrupted.
    let swap = calls
        .iter()
        .position(|call| {
            call.name.starts_with("rename")
                && call.args.contains(&format!(".{name}.building-"))
                && call.args.contains(&format!("\"{}\"", output.display()))
                && call.args.trim_end().ends_with("= 0")
        })
        .unwrap_or_else(|| panic!("{case}: no rename of the staging folder in the trace"));
    let staging_name = calls[swap]
        .args
        .split('"')
        .find(|part| part.contains(&format!(".{name}.building-")))
        .and_then(|path| Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap();
    let staging = parent.join(&staging_name);
    let mut synced: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for (at, call) in calls.iter().enumerate() {
        if let Some(path) = synced_path(call) {
            synced.entry(path).or_insert(at);
        }
    }
    let written = entries(output);
    assert!(written.len() > 20, "{case}: {} entries", written.len());
    for entry in &written {
        let in_staging = staging.join(entry);
        let in_staging = if entry.as_os_str().is_empty() {
            staging.clone()
        } else {
            in_staging
        };
        match synced.get(&in_staging) {
            Some(&at) if at < swap => {}
            Some(_) => panic!("{case}: `{}` was flushed only after the swap", entry.display()),
            None => panic!(
                "{case}: `{}` was never flushed (staging {})",
                entry.display(),
                staging.display()
            ),
        }
    }
    let parent_after = calls[swap + 1..]
        .iter()
        .any(|call| synced_path(call).as_deref() == Some(parent));
    assert!(
        parent_after,
        "{case}: the folder holding the output, `{}`, is not flushed after the swap",
        parent.display()
    );
}

#[test]
fn every_file_and_folder_of_a_new_site_is_flushed_before_it_is_swapped_in_and_the_swap_after() {
    let tmp = TempDir::new("durability");
    let base = tmp.path().canonicalize().unwrap();
    let site = base.join("site");
    copy_dir(&fixture("minimal"), &site);
    for (case, renames) in [
        ("the first build (a plain rename)", false),
        ("a build over an output (the exchange)", false),
        ("two renames forced", true),
    ] {
        let output = base.join("out");
        let calls = traced_build(&site, &output, &base.join("trace"), renames);
        assert_flushed_before_the_swap(&calls, &output, case);
    }
}
