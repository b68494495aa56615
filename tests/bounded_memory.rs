//! A build's memory does not grow with the size of its output: each page is written into the
//! staging folder as soon as it is rendered, and its bytes are dropped. A site whose pages add
//! up to about 590 MB builds in a small part of that (the build before this held every page
//! until all were rendered: its peak was above the size of the whole output).
//!
//! The peak is the child's own (`getrusage(RUSAGE_CHILDREN)`: this file runs no other child),
//! read by the kernel, not sampled, so the bound does not depend on timing.

mod common;

use common::*;
use std::path::Path;

/// Guides in the site, in folders of 50 (so that each page's section navigation stays small,
/// however big sections are shown: the size comes from the pages, not from the navigation).
const GUIDES: usize = 1_500;
/// Bytes every guide page carries in a comment its template adds (the site's own `guide.html`).
const PADDING: usize = 400 * 1024;
/// The bound on the build's peak resident memory; the whole output is about 590 MB.
const BOUND_MB: u64 = 200;

/// The minimal fixture plus `GUIDES` short guides, and a `guide.html` that pads every page.
fn site_with_big_pages(root: &Path) {
    copy_dir(&fixture("minimal"), root);
    for n in 0..GUIDES {
        let folder = root.join(format!("content/guides/part-{:02}", n / 50));
        std::fs::create_dir_all(&folder).unwrap();
        let body = format!("---\ntitle: Guide {n}\norder: {n}\n---\n\nStep {n}: read the form and sign it.\n");
        std::fs::write(folder.join(format!("g{n:04}.md")), body).unwrap();
    }
    let template = std::fs::read_to_string(repo_root().join("themes/default/templates/guide.html")).unwrap();
    let padding = format!("<!-- {} -->", "padding ".repeat(PADDING / 8));
    let padded = template.replacen("{% block content %}", &format!("{{% block content %}}\n{padding}"), 1);
    assert_ne!(padded, template, "guide.html has no content block to pad");
    let templates = root.join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("guide.html"), padded).unwrap();
}

/// The largest resident set of any child this process has waited for, in MB.
#[allow(unsafe_code)] // getrusage(2); see the SAFETY note
fn children_peak_mb() -> u64 {
    // SAFETY: `usage` is a plain C struct that getrusage fills; zeroed is a valid value of it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage the call may write.
    let status = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(status, 0, "getrusage failed");
    // Linux gives ru_maxrss in kilobytes.
    u64::try_from(usage.ru_maxrss).unwrap() / 1024
}

fn size_of_tree(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        total += if kind.is_dir() {
            size_of_tree(&entry.path())
        } else {
            entry.metadata().unwrap().len()
        };
    }
    total
}

#[test]
#[cfg(target_os = "linux")]
fn a_site_of_590_mb_of_pages_builds_in_under_200_mb_of_memory() {
    let dir = TempDir::new("bounded-memory");
    let root = dir.path().join("site");
    let output = dir.path().join("out");
    site_with_big_pages(&root);
    let built = bin()
        .args(["build", "--today", TODAY, "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert!(built.status.success(), "the build failed:\n{}", text(&built.stderr));
    let peak = children_peak_mb();
    let written = size_of_tree(&output) / (1024 * 1024);
    eprintln!("{written} MB written, peak resident memory {peak} MB");
    assert!(
        written > 5 * BOUND_MB / 2,
        "the site is too small ({written} MB) for the bound to mean anything"
    );
    assert!(
        peak < BOUND_MB,
        "building {written} MB of pages took {peak} MB of memory: pages are held, not written as they are rendered"
    );
}
