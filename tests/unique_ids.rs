//! No page gives two elements one id: every `.html` file of the default site, of
//! `tests/fixtures/business-england` and of `tests/fixtures/clashing-ids` (laid over
//! `tests/fixtures/minimal`: headings and footnotes in Markdown from YAML that repeat on one page
//! and take the ids the templates write) is parsed, and each page's ids must all differ; and
//! `build` and `check` refuse a page whose raw HTML repeats an id, naming the page and the id.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;

/// Builds the site at `root` into a fresh folder, after `check` passes on it (its link checker
/// makes every `#id` link land).
fn built(root: &Path, label: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new(label);
    let output = dir.path().join("output");
    for verb in ["check", "build"] {
        let mut command = bin();
        command.args([verb, "--today", TODAY, "--root"]).arg(root);
        if verb == "build" {
            command.arg("--output").arg(&output);
        }
        let result = command.output().expect("run guidegen");
        assert!(result.status.success(), "{verb} {label}: {}", text(&result.stderr));
    }
    (dir, output)
}

/// The value of every `id` attribute in the tags of `html`, in order.
fn ids(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        // Comments and the inside of a tag's quoted values hold no attribute of their own.
        if rest.starts_with("!--") {
            rest = rest.find("-->").map_or("", |end| &rest[end + 3..]);
            continue;
        }
        let mut tag_end = 0;
        let mut quote = None;
        for (at, c) in rest.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    tag_end = at;
                    break;
                }
                _ => {}
            }
        }
        let tag = &rest[..tag_end];
        for (at, _) in tag.match_indices("id=") {
            let before = tag[..at].chars().last();
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let value = &tag[at + 3..];
            let (quote, value) = value.split_at(1);
            if let Some(end) = value.find(quote) {
                found.push(value[..end].to_string());
            }
        }
        rest = &rest[tag_end..];
    }
    found
}

/// Every id used more than once, page by page, over every `.html` file below `output`.
fn repeated_ids(output: &Path) -> BTreeMap<String, Vec<String>> {
    let mut repeated = BTreeMap::new();
    for (path, bytes) in read_tree(output) {
        if !path.ends_with(".html") {
            continue;
        }
        let mut seen = std::collections::BTreeSet::new();
        let twice: Vec<String> = ids(&text(&bytes))
            .into_iter()
            .filter(|id| !seen.insert(id.clone()))
            .collect();
        if !twice.is_empty() {
            repeated.insert(path, twice);
        }
    }
    repeated
}

#[test]
fn the_id_reader_of_this_test_finds_every_id_and_only_ids() {
    let html = r#"<h2 id="a">x</h2><p data-id="no" title="id=&quot;no&quot;">id="no"</p><!-- <b id="no"> --><div class='x' id='b'></div>"#;
    assert_eq!(ids(html), ["a", "b"]);
}

#[test]
fn no_page_of_the_default_site_the_english_fixture_or_a_site_of_clashing_pieces_repeats_an_id() {
    let clashing = TempDir::new("clashing-ids-site");
    copy_dir(&fixture("minimal"), clashing.path());
    copy_dir(&fixture("clashing-ids"), clashing.path());
    for (root, label) in [
        (repo_root(), "default-site"),
        (fixture("business-england"), "business-england"),
        (clashing.path().to_path_buf(), "clashing-ids"),
    ] {
        let (_dir, output) = built(&root, label);
        let pages = read_tree(&output).iter().filter(|(p, _)| p.ends_with(".html")).count();
        assert!(pages > 10, "{label}: only {pages} pages");
        let repeated = repeated_ids(&output);
        assert!(repeated.is_empty(), "{label}: ids used twice on a page: {repeated:#?}");
    }
}

#[test]
fn clashing_pieces_keep_their_links_to_their_own_headings_and_notes() {
    let clashing = TempDir::new("clashing-ids-links");
    copy_dir(&fixture("minimal"), clashing.path());
    copy_dir(&fixture("clashing-ids"), clashing.path());
    let (_dir, output) = built(clashing.path(), "clashing-ids-links");
    let stage = std::fs::read_to_string(output.join("stages/fill-in.html")).unwrap();
    let page_ids = ids(&stage);
    for template_id in ["main", "step-1", "step-2", "material-id_card"] {
        assert_eq!(
            page_ids.iter().filter(|id| *id == template_id).count(),
            1,
            "{template_id} once on the stage page"
        );
    }
    // The first step's `## Note` is the first `note` heading of the page; the second step's gets
    // its own id, and each piece's `[the note](#note)` goes to its own.
    let first_note = stage.find(r##"See <a href="#"##).expect("the first step's link");
    let href = &stage[first_note + r##"See <a href="#"##.len()..];
    let href = &href[..href.find('"').unwrap()];
    assert!(
        stage.contains(&format!(r#"<h2 id="{href}">Note</h2>"#)),
        "the link `#{href}` reaches the first step's own heading"
    );
    let step_one = stage.find(r#"id="step-1""#).unwrap();
    let heading_step_one = stage.find(">Step 1</h2>").unwrap();
    assert!(
        heading_step_one > step_one,
        "the heading `## Step 1` is inside the first step"
    );
    assert!(
        !stage[..heading_step_one].ends_with(r#"<h2 id="step-1">"#),
        "the heading does not take the step's id"
    );
    let guide = std::fs::read_to_string(output.join("guides/footnotes.html")).unwrap();
    assert!(
        guide.contains(r##"<a href="#main-1">the heading</a>"##) || guide.contains(r##"href="#main-1""##),
        "the guide's `#main` link follows its heading, renamed because `main` is the page's: {guide}"
    );
}

#[test]
fn a_page_whose_raw_html_repeats_an_id_is_refused_naming_the_page_and_the_id() {
    let site = TempDir::new("repeated-raw-id");
    copy_dir(&fixture("minimal"), site.path());
    std::fs::write(
        site.path().join("content/guides/twice.md"),
        "---\ntitle: Twice\nsummary: Raw HTML with one id twice.\n---\n<p id=\"here\">One</p>\n\n<p id=\"here\">Two</p>\n",
    )
    .unwrap();
    for verb in ["check", "build"] {
        let output = site.path().join("output");
        let mut command = bin();
        command.args([verb, "--today", TODAY, "--root"]).arg(site.path());
        if verb == "build" {
            command.arg("--output").arg(&output);
        }
        let result = command.output().unwrap();
        let stderr = text(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{verb}: {stderr}");
        assert!(
            stderr.contains("output page `guides/twice.html` gives two elements the id `here`"),
            "{verb}: {stderr}"
        );
        assert!(
            stderr.contains("--> content/guides/twice.md:5:4"),
            "at the raw HTML that writes the id: {verb}: {stderr}"
        );
        assert!(
            stderr.contains("(in the page: output/guides/twice.html:"),
            "{verb}: {stderr}"
        );
        assert!(!output.exists(), "{verb}: nothing written");
    }
}
