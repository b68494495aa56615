//! Every site under tests/fixtures/broken/ must fail `check` with exactly the diagnostics in its
//! `expected.txt` (exit code and stderr). Run with UPDATE_SNAPSHOTS=1 to rewrite the snapshots.
//!
//! A broken site is stored as an overlay of tests/fixtures/minimal: only the files it changes or
//! adds, the paths of minimal it removes in `removed.txt`, and its `expected.txt` (see the README
//! there). The harness builds each site in a fresh temporary folder, so a format change touches
//! minimal once instead of every copy, and it refuses an overlay that no longer changes anything.
//! An overlay's `args.txt` adds arguments to `check` (a site of warnings runs with `--deny-warnings`).

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// Files of an overlay that describe it and are not laid over minimal.
const EXPECTED: &str = "expected.txt";
const REMOVED: &str = "removed.txt";
/// Extra arguments of `check` for this site, one a line (e.g. `--deny-warnings` for a site whose
/// only problems are warnings).
const ARGS: &str = "args.txt";

/// The extra arguments in the overlay's `args.txt` (none without it).
fn extra_args(name: &str) -> Vec<String> {
    std::fs::read_to_string(broken_sites_folder().join(name).join(ARGS))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

fn broken_sites_folder() -> PathBuf {
    fixture("broken")
}

/// The names of the overlays (the folders under tests/fixtures/broken/), sorted.
fn overlay_names() -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(broken_sites_folder())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The site-relative paths listed in the overlay's `removed.txt`, one a line (none without it).
fn removed_paths(overlay: &Path) -> Vec<String> {
    let Ok(list) = std::fs::read_to_string(overlay.join(REMOVED)) else {
        return Vec::new();
    };
    list.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .inspect(|path| {
            let inside = Path::new(path)
                .components()
                .all(|part| matches!(part, std::path::Component::Normal(_)));
            assert!(
                inside,
                "{}: `{path}` must be a plain path inside the site",
                overlay.display()
            );
        })
        .map(str::to_owned)
        .collect()
}

/// The broken site `name`, built in a fresh temporary folder: a copy of minimal, less the paths
/// in `removed.txt`, with the overlay's files laid over it. The folder keeps the fixture's name.
fn build_broken_site(name: &str) -> (TempDir, PathBuf) {
    let overlay = broken_sites_folder().join(name);
    let temp = TempDir::new("broken-site");
    let site = temp.path().join(name);
    copy_dir(&fixture("minimal"), &site);
    // Removals come first, so an overlay can replace a file of minimal by a folder.
    for path in removed_paths(&overlay) {
        let target = site.join(&path);
        let removed = if target.is_dir() && !target.is_symlink() {
            std::fs::remove_dir_all(&target)
        } else {
            std::fs::remove_file(&target)
        };
        removed.unwrap_or_else(|e| panic!("{name}/{REMOVED}: cannot remove `{path}`: {e}"));
    }
    for entry in std::fs::read_dir(&overlay).unwrap() {
        let entry = entry.unwrap();
        let file_name = entry.file_name();
        if file_name == EXPECTED || file_name == REMOVED || file_name == ARGS {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &site.join(&file_name));
        } else {
            std::fs::copy(entry.path(), site.join(&file_name)).unwrap();
        }
    }
    (temp, site)
}

/// What is wrong with the overlay in `overlay_dir` against the site `minimal`: nothing laid over
/// minimal and nothing removed, or a file that is byte for byte minimal's (a leftover copy).
fn overlay_problems(overlay_dir: &Path, minimal: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut laid = Vec::new();
    for entry in std::fs::read_dir(overlay_dir).unwrap() {
        let entry = entry.unwrap();
        let file_name = entry.file_name();
        if file_name != EXPECTED && file_name != REMOVED && file_name != ARGS {
            collect_laid_files(overlay_dir, &entry.path(), &mut laid);
        }
    }
    for relative in &laid {
        let ours = overlay_dir.join(relative);
        let theirs = minimal.join(relative);
        let same =
            !ours.is_symlink() && theirs.is_file() && std::fs::read(&ours).unwrap() == std::fs::read(&theirs).unwrap();
        if same {
            problems.push(format!(
                "`{relative}` is the same as minimal's; delete it from the overlay"
            ));
        }
    }
    let removed = removed_paths(overlay_dir);
    for path in &removed {
        if !minimal.join(path).exists() {
            problems.push(format!("{REMOVED} names `{path}`, which minimal does not have"));
        }
    }
    if laid.is_empty() && removed.is_empty() {
        problems.push(format!(
            "it changes nothing in minimal: add the files it breaks, or list paths in {REMOVED}"
        ));
    }
    problems
}

/// Every file and link below `path`, relative to `root`, without following links.
fn collect_laid_files(root: &Path, path: &Path, files: &mut Vec<String>) {
    if path.is_dir() && !path.is_symlink() {
        for entry in std::fs::read_dir(path).unwrap() {
            collect_laid_files(root, &entry.unwrap().path(), files);
        }
    } else {
        files.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
    }
}

fn snapshot_of(site: &Path, extra: &[String]) -> String {
    let output = bin()
        .args(["check", "--root"])
        .arg(site)
        .args(["--today", TODAY])
        .args(extra)
        .output()
        .unwrap();
    format!(
        "exit: {}\n--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        text(&output.stderr)
    )
}

#[test]
fn each_broken_site_reports_its_exact_diagnostics() {
    let names = overlay_names();
    assert!(
        names.len() >= 15,
        "expected at least 15 broken fixture sites, found {}",
        names.len()
    );
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for name in &names {
        let (_temp, site) = build_broken_site(name);
        let actual = snapshot_of(&site, &extra_args(name));
        let expected_file = broken_sites_folder().join(name).join(EXPECTED);
        if update {
            std::fs::write(&expected_file, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        if actual != expected {
            failures.push(format!("=== {name}\n--- expected\n{expected}\n--- actual\n{actual}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} snapshot(s) differ (UPDATE_SNAPSHOTS=1 rewrites them):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn each_broken_site_names_a_file_line_and_column_and_exits_1() {
    for name in overlay_names() {
        let (_temp, site) = build_broken_site(&name);
        let output = bin()
            .args(["check", "--root"])
            .arg(&site)
            .args(["--today", TODAY])
            .args(extra_args(&name))
            .output()
            .unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        let positioned = stderr.lines().any(|line| {
            let Some(rest) = line.trim_start().strip_prefix("--> ") else {
                return false;
            };
            let parts: Vec<&str> = rest.rsplitn(3, ':').collect();
            parts.len() == 3 && parts[0].parse::<u32>().is_ok() && parts[1].parse::<u32>().is_ok()
        });
        assert!(positioned, "{name}: no `--> file:line:col` in\n{stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

/// The `--> file:line:col` (or `--> file`) lines of `check`'s text output, in order.
fn text_positions(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("--> "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn check_as_json_gives_every_broken_site_the_same_verdict_problems_and_positions_as_the_text() {
    for name in overlay_names() {
        let (_temp, site) = build_broken_site(&name);
        let run = |format: &str| {
            bin()
                .args(["check", "--format", format, "--root"])
                .arg(&site)
                .args(["--today", TODAY])
                .args(extra_args(&name))
                .output()
                .unwrap()
        };
        let (as_text, as_json) = (run("text"), run("json"));
        assert_eq!(as_json.status.code(), as_text.status.code(), "{name}");
        assert!(as_json.stderr.is_empty(), "{name}: {}", text(&as_json.stderr));
        let stdout = text(&as_json.stdout);
        let report: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{name}: not JSON ({e}):\n{stdout}"));
        assert_eq!(report["ok"], false, "{name}");
        let found = report["diagnostics"].as_array().unwrap();
        let stderr = text(&as_text.stderr);
        let headlines = stderr
            .lines()
            .filter(|line| line.starts_with("error:") || line.starts_with("warning:"))
            .count();
        assert_eq!(found.len(), headlines, "{name}: {stdout}\n{stderr}");
        let errors = found.iter().filter(|d| d["severity"] == "error").count();
        assert_eq!(report["errors"].as_u64(), Some(errors as u64), "{name}");
        let positions: Vec<String> = found
            .iter()
            .filter(|d| !d["file"].is_null())
            .map(|d| match (d["line"].as_u64(), d["column"].as_u64()) {
                (Some(line), Some(column)) => format!("{}:{line}:{column}", d["file"].as_str().unwrap()),
                _ => d["file"].as_str().unwrap().to_owned(),
            })
            .collect();
        assert_eq!(positions, text_positions(&stderr), "{name}");
    }
}

#[test]
fn check_as_json_on_a_good_site_is_ok_with_its_page_count_and_warnings_fail_only_when_denied() {
    let run_on = |site: &Path, extra: &[&str]| {
        let output = bin()
            .args(["check", "--format", "json", "--root"])
            .arg(site)
            .args(["--today", TODAY])
            .args(extra)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_str(&text(&output.stdout)).unwrap();
        (output.status.code(), report)
    };
    let (code, report) = run_on(&fixture("minimal"), &[]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["ok"], true);
    assert!(report["pages"].as_u64().unwrap() > 5, "{report}");
    assert_eq!(report["errors"], 0);

    // A site whose only problems are warnings: ok, unless warnings are denied.
    let (_temp, warned) = build_broken_site("raw-html-that-could-run");
    let (code, report) = run_on(&warned, &[]);
    assert_eq!(
        (code, &report["ok"]),
        (Some(0), &serde_json::Value::Bool(true)),
        "{report}"
    );
    assert!(report["warnings"].as_u64().unwrap() > 0, "{report}");
    assert!(report["pages"].as_u64().is_some(), "{report}");
    let (code, report) = run_on(&warned, &["--deny-warnings"]);
    assert_eq!(
        (code, &report["ok"]),
        (Some(1), &serde_json::Value::Bool(false)),
        "{report}"
    );
    assert!(report["pages"].as_u64().is_some(), "{report}");
}

#[test]
fn each_overlay_changes_minimal_and_holds_no_copy_of_its_files() {
    let minimal = fixture("minimal");
    let mut failures = Vec::new();
    for name in overlay_names() {
        for problem in overlay_problems(&broken_sites_folder().join(&name), &minimal) {
            failures.push(format!("{name}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "stale overlays:\n{}", failures.join("\n"));
}

#[test]
fn an_overlay_of_only_expected_txt_or_of_copies_of_minimal_is_refused() {
    let minimal = fixture("minimal");
    let temp = TempDir::new("stale-overlay");
    let overlay = temp.path();
    std::fs::write(overlay.join(EXPECTED), "exit: 1\n").unwrap();
    let problems = overlay_problems(overlay, &minimal);
    assert!(problems.iter().any(|p| p.contains("changes nothing")), "{problems:?}");

    copy_dir(&minimal.join("content"), &overlay.join("content"));
    let problems = overlay_problems(overlay, &minimal);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`content/site.yaml` is the same as minimal's")),
        "{problems:?}"
    );

    std::fs::write(overlay.join(REMOVED), "content/nosuch.yaml\n").unwrap();
    let problems = overlay_problems(overlay, &minimal);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`content/nosuch.yaml`, which minimal does not have")),
        "{problems:?}"
    );
}

#[test]
fn a_built_broken_site_lacks_its_removed_paths_and_holds_its_overlay_files() {
    let (_temp, site) = build_broken_site("guide-page-and-folder");
    assert!(!site.join("content/guides/sub").exists());
    assert!(!site.join("content/guides/first.md").exists());
    assert!(site.join("content/guides/a.html/second.md").is_file());
    assert!(site.join("content/stages.yaml").is_file(), "minimal's files stay");
    assert!(!site.join(EXPECTED).exists() && !site.join(REMOVED).exists());
    let (_temp, site) = build_broken_site("number-written-against-its-unit");
    assert!(!site.join(ARGS).exists(), "args.txt is for the harness, not the site");

    let (_temp, site) = build_broken_site("guide-folder-link-loop");
    let link = site.join("content/guides/sub/back");
    assert!(link.is_symlink(), "the link is laid as a link");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new(".."));
}
