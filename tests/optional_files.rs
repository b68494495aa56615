//! Every content file but `site.yaml` is optional: a site with only `site.yaml`, and one with
//! `site.yaml` and any single optional file, passes `check` (no error, no broken link the
//! editor could not fix) and builds. The theme links only to what the site has.

mod common;

use common::*;

const SITE: &str = "title: Bare site\ndescription: A bare site.\nlanguage: en\nreviewed: \"2026-11-01\"\nintro: Nothing yet.\nsources:\n  - id: notice\n    title: The notice\n";

/// A material names its provider, so materials come with the providers file.
const MATERIALS_AND_PROVIDERS: &[(&str, &str)] = &[
    ("content/providers.yaml", "providers:\n  - id: you\n    name: You\n    filer: true\n"),
    ("content/materials.yaml", "materials:\n  - id: card\n    name: Card\n    description: Your card.\n    provider: you\n    source: notice\n"),
];

/// The optional files, each written so that it stands alone (naming nothing in another file).
const ALONE: &[(&str, &str)] = &[
    ("content/subjects.yaml", "subjects:\n  - id: person\n    name: A person\n"),
    ("content/conditions.yaml", "conditions:\n  - id: far\n    label: If you live far away\n    question: Do you live far away?\n"),
    ("content/providers.yaml", "providers:\n  - id: you\n    name: You\n    filer: true\n"),
    ("content/stages.yaml", "stages:\n  - id: apply\n    name: Apply\n    summary: Send the form.\n    actor: You\n    duration: {min: 1, max: 2, unit: days}\n"),
    ("content/deadlines.yaml", "deadlines:\n  - id: start\n    date: \"2030-01-01\"\n    title: Starts\n    applies_to: Everyone\n    rule: It starts.\n    source: notice\n"),
    ("content/forms.yaml", "forms:\n  - id: paper\n    title: Paper form\n    sections:\n      - title: You\n        fields:\n          - label: Name\n"),
    ("content/holidays.yaml", "years: []\n"),
    ("content/changes.yaml", "changes:\n  - id: first\n    effective: \"2026-01-01\"\n    kind: clarified\n    title: First version\n    summary: The first version of the rules.\n"),
    ("content/guides/one.md", "---\ntitle: One guide\n---\nSome text.\n"),
];

fn site_with(files: &[(&str, &str)]) -> TempDir {
    let tmp = TempDir::new("optional");
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content/guides")).unwrap();
    std::fs::write(root.join("content/site.yaml"), SITE).unwrap();
    for (path, text) in files {
        std::fs::write(root.join(path), text).unwrap();
    }
    tmp
}

#[test]
fn a_site_with_only_site_yaml_checks_and_builds() {
    let tmp = site_with(&[]);
    check_and_build(&tmp.path().join("site"), "site.yaml alone");
}

#[test]
fn a_site_with_any_one_optional_file_checks_and_builds() {
    for file in ALONE {
        let tmp = site_with(&[*file]);
        check_and_build(&tmp.path().join("site"), file.0);
    }
    let tmp = site_with(MATERIALS_AND_PROVIDERS);
    check_and_build(&tmp.path().join("site"), "materials.yaml with providers.yaml");
}

#[test]
fn a_site_without_deadlines_links_to_no_calendar_file() {
    let tmp = site_with(&[]);
    let root = tmp.path().join("site");
    check_and_build(&root, "site.yaml alone");
    let output = read_tree(&root.join("output"));
    assert!(output.iter().all(|(path, _)| path != "deadlines.ics"));
    for (path, bytes) in &output {
        assert!(
            !String::from_utf8_lossy(bytes).contains("deadlines.ics"),
            "{path} links to deadlines.ics, which this site does not have"
        );
    }
}
