//! Rules that change over time, end to end on the `history` fixture: the site as of a day, the
//! changes page, the Atom feed, the notes on each item, `rules.json`'s history, and the warnings
//! an editor gets about the change log and about reviews that are due.
//!
//! The fixture (`tests/fixtures/history`, `minimal` with a history): from 2025-01-01 the ID card
//! must show both sides and a face photo is added; from 2026-06-01 the residence permit and the
//! condition that asked for it are gone; a new form is announced for 2027-03-01; a correction of
//! the first guide on 2024-05-02.

mod common;

use common::*;
use std::path::{Path, PathBuf};

fn build(site: &Path, as_of: Option<&str>, label: &str) -> (TempDir, PathBuf) {
    let out = TempDir::new(label);
    let output = out.path().join("output");
    let mut args = vec!["build", "--root", site.to_str().unwrap(), "--today", TODAY];
    if let Some(day) = as_of {
        args.extend(["--as-of", day]);
    }
    args.extend(["--output", output.to_str().unwrap()]);
    let result = run(&args);
    assert!(result.status.success(), "{}", text(&result.stderr));
    (out, output)
}

fn read(output: &Path, file: &str) -> String {
    std::fs::read_to_string(output.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The text of the element with `id="<id>"` up to the next `id="material-` (enough to see what
/// a checklist item says).
fn material_text(page: &str, id: &str) -> Option<String> {
    let start = page.find(&format!("id=\"material-{id}\""))?;
    let rest = &page[start..];
    let end = rest[1..].find("id=\"material-").map_or(rest.len(), |e| e + 1);
    Some(rest[..end].to_string())
}

#[test]
fn the_site_as_of_a_day_shows_the_rules_in_force_that_day() {
    let site = fixture("history");
    let (_a, before) = build(&site, Some("2024-12-31"), "history-before");
    let (_b, between) = build(&site, Some("2025-01-01"), "history-between");
    let (_c, after) = build(&site, None, "history-after");

    let page = read(&before, "checklists/person.html");
    assert!(material_text(&page, "id_card").unwrap().contains("The filer's own ID."));
    assert!(material_text(&page, "photo").is_none());
    assert!(material_text(&page, "residence").is_some());
    assert!(
        page.contains("questionnaire"),
        "the condition is asked before 2026-06-01"
    );

    let page = read(&between, "checklists/person.html");
    assert!(material_text(&page, "id_card")
        .unwrap()
        .contains("both sides, in colour"));
    assert!(material_text(&page, "photo").is_some());
    assert!(material_text(&page, "residence").is_some());

    let page = read(&after, "checklists/person.html");
    assert!(material_text(&page, "photo").is_some());
    assert!(material_text(&page, "residence").is_none());
    assert!(
        !page.contains("class=\"questionnaire\""),
        "no condition is left to ask about"
    );
}

/// `rules.json` without its `as_of`: what the rules of a day are.
fn rules_of_day(output: &Path) -> serde_json::Value {
    let mut rules: serde_json::Value = serde_json::from_str(&read(output, "rules.json")).unwrap();
    rules.as_object_mut().unwrap().remove("as_of");
    rules
}

#[test]
fn two_builds_differ_exactly_where_the_rules_differ() {
    let site = fixture("history");
    let (_a, early) = build(&site, Some("2025-02-01"), "history-early");
    let (_b, late) = build(&site, Some("2026-05-31"), "history-late");
    let (_c, later) = build(&site, Some("2026-06-01"), "history-later");
    assert_eq!(rules_of_day(&early), rules_of_day(&late), "no rule changes between");
    let (late, later) = (rules_of_day(&late), rules_of_day(&later));
    let ids = |rules: &serde_json::Value, list: &str| -> Vec<String> {
        rules[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&late, "materials"),
        ["id_card", "photo", "licence", "residence", "form"]
    );
    assert_eq!(ids(&later, "materials"), ["id_card", "photo", "licence", "form"]);
    assert_eq!(ids(&late, "conditions"), ["non_local"]);
    assert!(ids(&later, "conditions").is_empty());
    for list in ["subjects", "deadlines", "forms", "guides", "changes", "versions"] {
        assert_eq!(late[list], later[list], "{list}");
    }
}

#[test]
fn the_changes_page_puts_coming_changes_first_then_the_rest_newest_first() {
    let (_t, output) = build(&fixture("history"), None, "history-changes");
    let page = read(&output, "changes.html");
    let order: Vec<&str> = page
        .match_indices("id=\"change-")
        .map(|(at, found)| {
            let rest = &page[at + found.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(
        order,
        [
            "new-verification-form",
            "residence-dropped",
            "photo-and-both-sides",
            "first-guide-typo"
        ]
    );
    let coming = &page[..page.find("id=\"change-residence-dropped\"").unwrap()];
    assert!(coming.contains("Coming changes"));
    assert!(coming.contains("Days left: 94"), "2026-11-27 to 2027-03-01");
    assert!(page.contains("<span class=\"tag tag-change tag-correction\">Correction</span>"));
    // Affected items link to where the site shows them; an item no longer in force is named only.
    assert!(page.contains("<a href=\"stages/fill-in.html#material-photo\">Face photo</a>"));
    assert!(page.contains("<li>Residence permit</li>"));
    assert!(page.contains("<a href=\"guides/first.html\">First guide</a>"));
    assert!(page.contains("<a href=\"sources.html#source-notice\">The official notice</a>"));
}

#[test]
fn materials_stages_and_forms_say_when_they_last_changed_and_what_is_coming() {
    let (_t, output) = build(&fixture("history"), None, "history-notes");
    let stage = read(&output, "stages/fill-in.html");
    assert!(stage.contains(
        "Last changed: <a href=\"../changes.html#change-residence-dropped\"><time datetime=\"2026-06-01\">1 June 2026</time></a> · Removed"
    ));
    let id_card = material_text(&stage, "id_card").unwrap();
    assert!(
        id_card.contains("../changes.html#change-photo-and-both-sides"),
        "{id_card}"
    );
    let form = read(&output, "forms/verification-person.html");
    assert!(form.contains(
        "From <time datetime=\"2027-03-01\">1 March 2027</time>: <a href=\"../changes.html#change-new-verification-form\">A new verification form</a>"
    ));
    // Before the change took effect, the ID card announces it instead.
    let (_u, early) = build(&fixture("history"), Some("2024-12-01"), "history-notes-early");
    let id_card = material_text(&read(&early, "checklists/person.html"), "id_card").unwrap();
    assert!(id_card.contains("From <time datetime=\"2025-01-01\">"), "{id_card}");
    assert!(!id_card.contains("Last changed"), "{id_card}");
}

#[test]
fn every_page_says_which_day_its_rules_are_as_of_and_links_the_feed() {
    let (_t, output) = build(&fixture("history"), Some("2025-03-04"), "history-as-of");
    let pages: Vec<(String, Vec<u8>)> = read_tree(&output)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .collect();
    assert!(pages.len() > 10);
    for (path, bytes) in pages {
        let page = text(&bytes);
        if path == "404.html" {
            continue;
        }
        assert!(
            page.contains("Rules as of: <time class=\"rules-as-of\" datetime=\"2025-03-04\">4 March 2025</time>"),
            "{path}"
        );
        assert!(
            page.contains("<link rel=\"alternate\" type=\"application/atom+xml\""),
            "{path}"
        );
    }
}

#[test]
fn the_feed_is_atom_with_stable_ids_and_the_same_bytes_on_every_build() {
    let (_t, first) = build(&fixture("history"), None, "history-feed");
    let (_u, second) = build(&fixture("history"), None, "history-feed-again");
    let bytes = std::fs::read(first.join("changes.xml")).unwrap();
    assert_eq!(bytes, std::fs::read(second.join("changes.xml")).unwrap());
    let feed = atom_syndication::Feed::read_from(&bytes[..]).expect("an Atom feed");
    assert_eq!(feed.title().as_str(), "Test filing guide");
    assert!(feed.id().starts_with("urn:guidegen:"), "{}", feed.id());
    assert_eq!(feed.updated().to_rfc3339(), "2026-10-01T00:00:00+00:00");
    assert!(!feed.authors().is_empty(), "a feed names its author (RFC 4287 4.1.1)");
    assert!(feed
        .links()
        .iter()
        .any(|l| l.rel() == "self" && l.href() == "changes.xml"));
    let ids: Vec<&str> = feed.entries().iter().map(atom_syndication::Entry::id).collect();
    assert_eq!(ids.len(), 4);
    assert!(ids[1].ends_with(":changes:residence-dropped"), "{ids:?}");
    for entry in feed.entries() {
        assert!(!entry.title().as_str().is_empty());
        assert!(entry
            .links()
            .iter()
            .any(|l| l.href().starts_with("changes.html#change-")));
        assert!(entry
            .content()
            .and_then(|c| c.value())
            .is_some_and(|v| v.starts_with("<p>")));
    }
    assert_eq!(feed.entries()[2].updated().to_rfc3339(), "2025-01-01T00:00:00+00:00");
    assert_eq!(
        feed.entries()[2]
            .published()
            .map(chrono::DateTime::to_rfc3339)
            .as_deref(),
        Some("2024-11-15T00:00:00+00:00")
    );
}

#[test]
fn a_published_site_gives_the_feed_absolute_addresses() {
    let temp = TempDir::new("history-base-url");
    let site = temp.path().join("site");
    copy_dir(&fixture("history"), &site);
    let site_yaml = site.join("content/site.yaml");
    let text_before = std::fs::read_to_string(&site_yaml).unwrap();
    std::fs::write(
        &site_yaml,
        format!("base_url: https://example.org/guide/\n{text_before}"),
    )
    .unwrap();
    let (_t, output) = build(&site, None, "history-base-url-out");
    let feed = atom_syndication::Feed::read_from(&std::fs::read(output.join("changes.xml")).unwrap()[..]).unwrap();
    assert_eq!(feed.id(), "https://example.org/guide/changes.html");
    assert_eq!(
        feed.entries()[0].id(),
        "https://example.org/guide/changes.html#change-new-verification-form"
    );
}

#[test]
fn rules_json_holds_every_version_and_the_change_log() {
    let (_t, output) = build(&fixture("history"), None, "history-rules");
    let rules: serde_json::Value = serde_json::from_str(&read(&output, "rules.json")).unwrap();
    assert_eq!(rules["as_of"], TODAY);
    let versions = rules["versions"]["materials"].as_array().unwrap();
    let id_cards: Vec<_> = versions.iter().filter(|m| m["id"] == "id_card").collect();
    assert_eq!(id_cards.len(), 2);
    assert_eq!(id_cards[0]["effective_until"], "2025-01-01");
    assert_eq!(id_cards[1]["effective_from"], "2025-01-01");
    assert!(versions.iter().any(|m| m["id"] == "residence"));
    assert_eq!(
        rules["versions"]["stages"].as_array().unwrap().len(),
        3,
        "fill-in's three versions"
    );
    assert!(
        !versions.iter().any(|m| m["id"] == "licence"),
        "undated items are in the lists above"
    );
    let changes = rules["changes"].as_array().unwrap();
    assert_eq!(changes[0]["id"], "new-verification-form");
    assert_eq!(changes[0]["effective"], "2027-03-01");
    assert_eq!(changes[0]["affects_items"][0]["kind"], "form");
}

/// `check` on a copy of the history fixture with `edit` applied to one file.
fn check_edited(file: &str, edit: impl Fn(&str) -> String, extra: &[&str]) -> (i32, String) {
    let temp = TempDir::new("history-check");
    let site = temp.path().join("site");
    copy_dir(&fixture("history"), &site);
    let path = site.join(file);
    let before = std::fs::read_to_string(&path).unwrap();
    let after = edit(&before);
    assert_ne!(before, after, "the edit changes {file}");
    std::fs::write(&path, after).unwrap();
    let mut args = vec!["check", "--root", site.to_str().unwrap(), "--today", TODAY];
    args.extend(extra);
    let output = run(&args);
    (output.status.code().unwrap_or(-1), text(&output.stderr))
}

#[test]
fn a_version_boundary_no_change_explains_is_a_positioned_warning() {
    let (code, stderr) = check_edited(
        "content/changes.yaml",
        |t| {
            t.replace(
                "affects: [residence, non_local, fill-in]",
                "affects: [residence, fill-in]",
            )
        },
        &["--deny-warnings"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "warning: a version of condition `non_local` ends on 2026-06-01, but no entry of content/changes.yaml explains it
 --> content/conditions.yaml:3:22
  |
3 |     effective_until: \"2026-06-01\"
  |                      ^^^^^^^^^^
  |
  = help: add a change with `effective: \"2026-06-01\"` and `affects: [condition:non_local]` to content/changes.yaml, so that readers see what changed and why

failing because of warnings (--deny-warnings)
"
    );
}

#[test]
fn a_future_change_without_an_announcement_is_a_positioned_warning() {
    let (code, stderr) = check_edited(
        "content/changes.yaml",
        |t| t.replace("    announced: \"2026-10-01\"\n", ""),
        &[],
    );
    assert_eq!(code, 0);
    assert_eq!(
        stderr,
        "warning: change `new-verification-form` takes effect on 2027-03-01, after today (2026-11-27), but says nothing of when it was announced
 --> content/changes.yaml:3:16
  |
3 |     effective: \"2027-03-01\"
  |                ^^^^^^^^^^
  |
  = help: add `announced: YYYY-MM-DD` with the day it was made public; a change that is only expected, not announced, should wait until it is

"
    );
}

#[test]
fn a_review_or_a_source_check_older_than_review_every_is_a_positioned_warning() {
    let (code, stderr) = check_edited(
        "content/site.yaml",
        |t| {
            t.replace("review_every: 365", "review_every: 180")
                .replace("    kind: notice\n", "    kind: notice\n    checked: \"2025-01-02\"\n")
        },
        &[],
    );
    assert_eq!(code, 0);
    assert_eq!(
        stderr,
        "warning: the rules were last reviewed on 2026-01-15, 316 days before today (2026-11-27); site.yaml asks for one every 180 days (`review_every`)
 --> content/site.yaml:4:11
  |
4 | reviewed: \"2026-01-15\"
  |           ^^^^^^^^^^
  |
  = help: check the rules against their sources, then set `reviewed:` to the day you did

warning: source `notice` was last checked on 2025-01-02, 694 days before today (2026-11-27); site.yaml asks for one every 180 days (`review_every`)
  --> content/site.yaml:20:14
   |
20 |     checked: \"2025-01-02\"
   |              ^^^^^^^^^^
   |
   = help: open the source, confirm the rules still follow it, then set its `checked:` to that day

"
    );
}

#[test]
fn the_history_fixture_checks_clean_on_every_day_it_covers() {
    for day in [
        "2020-01-01",
        "2024-12-31",
        "2025-01-01",
        "2026-06-01",
        "2027-03-01",
        "2030-06-01",
    ] {
        let output = run(&[
            "check",
            "--root",
            fixture("history").to_str().unwrap(),
            "--today",
            TODAY,
            "--as-of",
            day,
            "--deny-warnings",
        ]);
        assert!(output.status.success(), "{day}: {}", text(&output.stderr));
    }
}

#[test]
fn the_default_site_reads_as_the_filing_stood_before_between_and_after_its_deadlines() {
    let site = repo_root();
    let (_a, before) = build(&site, Some("2023-08-31"), "default-before");
    let (_b, between) = build(&site, Some("2024-03-31"), "default-between");
    let (_c, after) = build(&site, Some("2024-04-01"), "default-after");
    let deadlines = |output: &Path| -> Vec<String> {
        rules_of_day(output)["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect()
    };
    // The rules themselves: the catch-up deadline, which stays once passed (read in the past
    // tense, see tests/time.rs), and the clearing from its first day.
    assert_eq!(rules_of_day(&before), rules_of_day(&between));
    assert_eq!(
        deadlines(&between),
        ["unlisted-2023-09-01", "listed-2024-03-31", "sms-verification-24-hours"]
    );
    assert_eq!(
        deadlines(&after),
        [
            "unlisted-2023-09-01",
            "listed-2024-03-31",
            "cleanup-2024-04-01",
            "sms-verification-24-hours"
        ]
    );
    let (between_rules, after_rules) = (rules_of_day(&between), rules_of_day(&after));
    for list in [
        "subjects",
        "conditions",
        "materials",
        "stages",
        "forms",
        "guides",
        "changes",
    ] {
        assert_eq!(between_rules[list], after_rules[list], "{list}");
    }
    // What readers are told: before 1 September 2023, filing before listing is still to come.
    let changes = read(&before, "changes.html");
    let coming = &changes[..changes.find("id=\"change-miit-app-filing-notice\"").unwrap()];
    assert!(coming.contains("id=\"change-filing-before-listing\""), "{coming}");
    assert!(coming.contains("id=\"change-clearing-from-2024-04-01\""));
    let changes = read(&after, "changes.html");
    let past = &changes[changes.find("已生效的变更").unwrap()..];
    assert!(
        past.contains("id=\"change-clearing-from-2024-04-01\""),
        "in force from its first day"
    );
    let deadlines_page = read(&after, "deadlines.html");
    assert!(
        deadlines_page.contains("最近变更"),
        "deadlines say when they last changed"
    );
    // The catch-up deadline is still there, among the dates that have passed.
    let past = &deadlines_page[deadlines_page
        .find("id=\"deadlines-past\"")
        .expect("a list of past dates")..];
    assert!(past.contains("id=\"deadline-listed-2024-03-31\""), "{past}");
}
