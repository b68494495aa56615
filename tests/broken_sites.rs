//! Every site under tests/fixtures/broken/ must fail `check` with exactly the diagnostics in its
//! `expected.txt` (exit code and stderr). Run with UPDATE_SNAPSHOTS=1 to rewrite the snapshots.

mod common;

use common::*;

fn snapshot_of(site: &std::path::Path) -> String {
    let output = bin()
        .args(["check", "--root"])
        .arg(site)
        .args(["--today", TODAY])
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
    let broken = fixture("broken");
    let mut names: Vec<_> = std::fs::read_dir(&broken)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.len() >= 15,
        "expected at least 15 broken fixture sites, found {}",
        names.len()
    );
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for name in &names {
        let site = broken.join(name);
        let actual = snapshot_of(&site);
        let expected_file = site.join("expected.txt");
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
    let broken = fixture("broken");
    for entry in std::fs::read_dir(&broken).unwrap() {
        let site = entry.unwrap().path();
        let output = bin()
            .args(["check", "--root"])
            .arg(&site)
            .args(["--today", TODAY])
            .output()
            .unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{}: {stderr}", site.display());
        let positioned = stderr.lines().any(|line| {
            let Some(rest) = line.trim_start().strip_prefix("--> ") else {
                return false;
            };
            let parts: Vec<&str> = rest.rsplitn(3, ':').collect();
            parts.len() == 3 && parts[0].parse::<u32>().is_ok() && parts[1].parse::<u32>().is_ok()
        });
        assert!(positioned, "{}: no `--> file:line:col` in\n{stderr}", site.display());
        assert!(!stderr.contains("panicked"), "{}: {stderr}", site.display());
    }
}
