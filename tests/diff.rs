//! `guidegen diff`, run as an editor runs it: a site against an edited copy, against the
//! `rules.json` of a build, and one site between two days. Outputs are exact snapshots.

mod common;

use common::*;

fn diff(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["diff"];
    all.extend(args);
    all.extend(["--today", TODAY]);
    let output = run(&all);
    (
        output.status.code().unwrap_or(-1),
        text(&output.stdout),
        text(&output.stderr),
    )
}

/// A copy of the minimal fixture with a material added, one removed, one changed, a stage's
/// duration changed and a guide retitled.
fn edited_minimal(temp: &TempDir) -> std::path::PathBuf {
    let site = temp.path().join("edited");
    copy_dir(&fixture("minimal"), &site);
    let materials = site.join("content/materials.yaml");
    replace_in_file(
        &materials,
        "description: The filer's own ID.",
        "description: Both sides of the filer's ID.",
    );
    replace_in_file(
        &materials,
        "  - id: residence\n    name: Residence permit\n    description: Proof that you live where you file.\n    provider: filer\n    subjects: [people]\n    when: [non_local]\n    source: notice\n",
        "",
    );
    let text = std::fs::read_to_string(&materials).unwrap();
    std::fs::write(
        &materials,
        format!("{text}  - id: photo\n    name: Face photo\n    description: A recent photo.\n    provider: filer\n    subjects: [people]\n    source: notice\n"),
    )
    .unwrap();
    let stages = site.join("content/stages.yaml");
    replace_in_file(
        &stages,
        "materials: [id_card, licence, residence]",
        "materials: [id_card, licence, photo]",
    );
    replace_in_file(
        &stages,
        "duration: {min: 1, max: 2, unit: working_days}",
        "duration: {min: 1, max: 5, unit: working_days}",
    );
    replace_in_file(
        &site.join("content/guides/first.md"),
        "title: First guide",
        "title: Start here",
    );
    site
}

#[test]
fn an_edited_copy_shows_each_change_a_reader_would_see_per_subject_type() {
    let temp = TempDir::new("diff-edited");
    let site = edited_minimal(&temp);
    let (code, stdout, stderr) = diff(&[fixture("minimal").to_str().unwrap(), "--root", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "subject person (Individual):
  material changed: id_card (ID card): description: \"The filer's own ID.\" → \"Both sides of the filer's ID.\"
  material added: photo (Face photo)
  material removed: residence (Residence permit)
  stage changed: fill-in (Fill in): materials: [id_card, licence, residence] → [id_card, licence, photo]
  stage changed: review (Review): duration: 1–2 working_days → 1–5 working_days
subject company (Company):
  stage changed: fill-in (Fill in): materials: [id_card, licence, residence] → [id_card, licence, photo]
  stage changed: review (Review): duration: 1–2 working_days → 1–5 working_days
guides:
  guide retitled: first (Start here), was \"First guide\"
8 differences a reader would see
"
    );
}

#[test]
fn the_published_rules_json_is_compared_like_a_site_folder() {
    let temp = TempDir::new("diff-published");
    let published = temp.path().join("published");
    let built = run(&[
        "build",
        "--root",
        fixture("minimal").to_str().unwrap(),
        "--today",
        TODAY,
        "--output",
        published.to_str().unwrap(),
    ]);
    assert!(built.status.success());
    let rules = published.join("rules.json");
    let (code, same, _) = diff(&[rules.to_str().unwrap(), "--root", fixture("minimal").to_str().unwrap()]);
    assert_eq!((code, same.as_str()), (0, "no differences a reader would see\n"));
    let site = edited_minimal(&temp);
    let (_, against_file, _) = diff(&[rules.to_str().unwrap(), "--root", site.to_str().unwrap()]);
    let (_, against_folder, _) = diff(&[fixture("minimal").to_str().unwrap(), "--root", site.to_str().unwrap()]);
    assert_eq!(against_file, against_folder);
}

#[test]
fn one_site_between_two_days_shows_its_history() {
    let root = fixture("history");
    let (code, stdout, _) = diff(&[
        "--root",
        root.to_str().unwrap(),
        "--from",
        "2024-12-31",
        "--to",
        "2026-06-01",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "subject person (Individual):
  material changed: id_card (ID card): description
  material added: photo (Face photo)
  material removed: residence (Residence permit)
  stage changed: fill-in (Fill in): materials: [id_card, licence, residence] → [id_card, photo, licence]
subject company (Company):
  stage changed: fill-in (Fill in): materials: [id_card, licence, residence] → [id_card, photo, licence]
5 differences a reader would see
"
    );
    let (_, nothing, _) = diff(&[
        "--root",
        root.to_str().unwrap(),
        "--from",
        "2025-02-01",
        "--to",
        "2026-05-31",
    ]);
    assert_eq!(nothing, "no differences a reader would see\n");
}

#[test]
fn json_output_is_the_same_diff_for_tools() {
    let temp = TempDir::new("diff-json");
    let site = edited_minimal(&temp);
    let (code, stdout, _) = diff(&[
        fixture("minimal").to_str().unwrap(),
        "--root",
        site.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["count"], 8);
    assert_eq!(value["subjects"][0]["id"], "person");
    assert_eq!(value["subjects"][0]["items"][2]["change"], "removed");
    assert_eq!(value["subjects"][0]["items"][0]["fields"][0], "description");
    assert_eq!(
        value["subjects"][0]["items"][4]["values"][0],
        "duration: 1–2 working_days → 1–5 working_days"
    );
    assert_eq!(value["guides"][0]["old_name"], "First guide");
}

#[test]
fn an_unreadable_side_fails_with_its_reason_and_no_side_is_bad_usage() {
    let temp = TempDir::new("diff-bad");
    let bad = temp.path().join("rules.json");
    std::fs::write(&bad, "{\"not\": \"rules\"}").unwrap();
    let (code, stdout, stderr) = diff(&[bad.to_str().unwrap(), "--root", fixture("minimal").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("this JSON is not a guidegen rules.json (it has no `subjects` list)"),
        "{stderr}"
    );
    let broken = temp.path().join("broken");
    copy_dir(&fixture("minimal"), &broken);
    replace_in_file(
        &broken.join("content/materials.yaml"),
        "when: [non_local]",
        "when: [non-local]",
    );
    let (code, _, stderr) = diff(&[broken.to_str().unwrap(), "--root", fixture("minimal").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("unknown condition `non-local`"), "{stderr}");
    let (code, _, _) = diff(&["--root", fixture("minimal").to_str().unwrap()]);
    assert_eq!(code, 2);
}
