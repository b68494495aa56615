//! A warm rebuild (as `serve` does it, reusing caches) must give exactly the bytes of a cold one,
//! whatever changed: a guide body, a guide title, a YAML rule, a template, a guide removed.

mod common;

use common::*;
use guidegen::site::{render_site, render_site_with, Caches};
use std::path::Path;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()
}

fn files(root: &Path, caches: Option<&mut Caches>) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
    let rendered = match caches {
        Some(caches) => render_site_with(root, today(), caches),
        None => render_site(root, today()),
    };
    let rendered = rendered.unwrap_or_else(|failed| panic!("build failed: {:?}", failed.diagnostics));
    let mut files: Vec<(String, Vec<u8>)> = rendered.files.into_iter().map(|f| (f.path, f.bytes.to_vec())).collect();
    files.sort();
    (files, rendered.rendered)
}

#[test]
fn warm_rebuilds_equal_cold_builds_after_every_kind_of_change() {
    let tmp = TempDir::new("incremental");
    let root = tmp.path().join("site");
    copy_dir(&repo_root().join("content"), &root.join("content"));
    let mut caches = Caches::warm();
    let (first, rendered) = files(&root, Some(&mut caches));
    assert_eq!(
        rendered.len(),
        first.iter().filter(|(p, _)| p.ends_with(".html")).count(),
        "a cold cache renders every page"
    );

    let guide = root.join("content/guides/sms-verification.md");
    type Change<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let changes: Vec<Change> = vec![
        ("nothing", Box::new(|| {})),
        (
            "a guide body",
            Box::new(|| {
                let text = std::fs::read_to_string(&guide).unwrap();
                std::fs::write(&guide, format!("{text}\n\n## 新加的一节\n\n正文改了。\n")).unwrap();
            }),
        ),
        (
            "a guide title",
            Box::new(|| replace_in_file(&guide, "title: ", "title: 改 ")),
        ),
        (
            "a guide summary",
            Box::new(|| {
                replace_in_file(
                    &root.join("content/guides/prepare-materials.md"),
                    "summary: ",
                    "summary: 改过的",
                );
            }),
        ),
        (
            "a section introduction",
            Box::new(|| {
                replace_in_file(
                    &root.join("content/guides/after/_index.md"),
                    "备案通过",
                    "改过的介绍：备案通过",
                );
            }),
        ),
        (
            "a guide's order",
            Box::new(|| replace_in_file(&root.join("content/guides/after/_index.md"), "order: 90", "order: 1")),
        ),
        (
            "a stage in YAML",
            Box::new(|| {
                replace_in_file(
                    &root.join("content/stages.yaml"),
                    "name: 平台初审",
                    "name: 平台初审（改）",
                );
            }),
        ),
        (
            "a template",
            Box::new(|| {
                let dir = root.join("themes/default/templates");
                std::fs::create_dir_all(&dir).unwrap();
                let base = std::fs::read_to_string(repo_root().join("themes/default/templates/guide.html")).unwrap();
                std::fs::write(
                    dir.join("guide.html"),
                    base.replace("<article class=\"guide\">", "<article class=\"guide changed\">"),
                )
                .unwrap();
            }),
        ),
        (
            // Section navigation entries are rendered once per section and kept apart from the
            // pages: they must follow their own template too.
            "the section navigation's template",
            Box::new(|| {
                let dir = root.join("themes/default/templates");
                std::fs::create_dir_all(&dir).unwrap();
                let base = std::fs::read_to_string(repo_root().join("themes/default/templates/section_nav_item.html"))
                    .unwrap();
                std::fs::write(
                    dir.join("section_nav_item.html"),
                    base.replace("<li>", "<li class=\"changed\">"),
                )
                .unwrap();
            }),
        ),
        (
            "a guide added",
            Box::new(|| {
                std::fs::create_dir_all(root.join("content/guides/extra")).unwrap();
                std::fs::write(
                    root.join("content/guides/extra/added.md"),
                    "---\ntitle: 新指南\norder: 0\n---\n正文。\n",
                )
                .unwrap();
            }),
        ),
        (
            "a guide removed",
            Box::new(|| std::fs::remove_file(root.join("content/guides/extra/added.md")).unwrap()),
        ),
        (
            "raw HTML added to a guide and a material (cleaned)",
            Box::new(|| {
                let text = std::fs::read_to_string(&guide).unwrap();
                std::fs::write(
                    &guide,
                    format!("{text}\n\n<p onclick=\"run()\">点<script>run()</script></p>\n"),
                )
                .unwrap();
                replace_in_file(
                    &root.join("content/materials.yaml"),
                    "证明备案单位身份的证件",
                    "<b onmouseover=\"run()\">证明</b>备案单位身份的证件",
                );
            }),
        ),
        (
            "raw HTML trusted by the site",
            Box::new(|| {
                replace_in_file(
                    &root.join("content/site.yaml"),
                    "language: zh-CN",
                    "language: zh-CN\nraw_html: trusted",
                );
            }),
        ),
        (
            "raw HTML cleaned again",
            Box::new(|| replace_in_file(&root.join("content/site.yaml"), "\nraw_html: trusted", "")),
        ),
    ];
    for (what, change) in changes {
        change();
        let rendered = assert_warm_equals_cold(&root, &mut caches, what);
        if what == "nothing" {
            assert!(rendered.is_empty(), "nothing changed, yet re-rendered {rendered:?}");
        }
        if what.starts_with("raw HTML") {
            // Every page the raw HTML lands on was rebuilt with the site's choice, warm as cold.
            let (built, _) = files(&root, Some(&mut caches));
            let html: String = built
                .iter()
                .filter(|(path, _)| path.ends_with(".html"))
                .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
                .collect();
            let trusted = what.contains("trusted");
            assert_eq!(html.contains("<script>run()</script>"), trusted, "{what}");
            assert_eq!(html.contains("onmouseover=\"run()\""), trusted, "{what}");
            assert!(
                html.contains("<b>证明</b>") || trusted,
                "{what}: the kept markup is gone"
            );
        }
        if what == "a guide body" {
            assert_eq!(
                rendered,
                ["guides/sms-verification.html"],
                "a body edit re-renders only that guide"
            );
        }
    }
}

/// Rebuilds warm and cold and compares every file; returns the pages the warm build re-rendered.
fn assert_warm_equals_cold(root: &Path, caches: &mut Caches, what: &str) -> Vec<String> {
    let (warm, rendered) = files(root, Some(caches));
    let (cold, _) = files(root, None);
    let warm_paths: Vec<&String> = warm.iter().map(|(p, _)| p).collect();
    let cold_paths: Vec<&String> = cold.iter().map(|(p, _)| p).collect();
    assert_eq!(warm_paths, cold_paths, "after changing {what}");
    for ((path, bytes_w), (_, bytes_c)) in warm.iter().zip(&cold) {
        assert!(
            bytes_w == bytes_c,
            "{path} differs between warm and cold builds after changing {what}"
        );
    }
    rendered
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `serve` tells the loader which files the watcher saw change, and the loader then reads only
/// those (no walk, no check of the other guides). The result must still equal a cold build.
#[test]
fn warm_rebuilds_told_what_changed_equal_cold_builds() {
    let tmp = TempDir::new("incremental-noted");
    let root = tmp.path().join("site");
    copy_dir(&repo_root().join("content"), &root.join("content"));
    let mut caches = Caches::warm();
    files(&root, Some(&mut caches));
    const GUIDE: &str = "content/guides/sms-verification.md";

    type Step<'a> = (&'a str, Box<dyn Fn() + 'a>, &'a [&'a str]);
    let steps: Vec<Step> = vec![
        ("nothing", Box::new(|| {}), &[]),
        (
            "a guide body",
            Box::new(|| replace_in_file(&root.join(GUIDE), "\n## ", "\n## 改过的 ")),
            &[GUIDE],
        ),
        (
            "a guide in a new folder",
            Box::new(|| {
                write(
                    &root,
                    "content/guides/extra/added.md",
                    "---\ntitle: 新指南\n---\n正文。\n",
                );
            }),
            &["content/guides/extra", "content/guides/extra/added.md"],
        ),
        (
            "a guide beside it, told by its file alone",
            Box::new(|| {
                write(
                    &root,
                    "content/guides/extra/second.md",
                    "---\ntitle: 第二篇\n---\n见[新指南](added.md)。\n",
                );
            }),
            &["content/guides/extra/second.md"],
        ),
        (
            "a YAML rule",
            Box::new(|| {
                replace_in_file(
                    &root.join("content/stages.yaml"),
                    "name: 平台初审",
                    "name: 平台初审（改）",
                );
            }),
            &["content/stages.yaml"],
        ),
        (
            "a guide removed",
            Box::new(|| std::fs::remove_file(root.join("content/guides/extra/second.md")).unwrap()),
            &["content/guides/extra/second.md"],
        ),
        (
            "a folder removed",
            Box::new(|| std::fs::remove_dir_all(root.join("content/guides/extra")).unwrap()),
            &["content/guides/extra", "content/guides/extra/added.md"],
        ),
    ];
    for (what, change, noted) in steps {
        change();
        caches
            .load
            .note_changes(&noted.iter().map(std::string::ToString::to_string).collect::<Vec<_>>());
        let rendered = assert_warm_equals_cold(&root, &mut caches, what);
        if what == "a guide body" {
            assert_eq!(
                rendered,
                ["guides/sms-verification.html"],
                "only the edited guide is rendered"
            );
        }
    }
}

#[test]
fn a_note_names_the_only_files_read_and_a_bad_file_keeps_failing_until_removed() {
    let tmp = TempDir::new("incremental-trust");
    let root = tmp.path().join("site");
    copy_dir(&repo_root().join("content"), &root.join("content"));
    let mut caches = Caches::warm();
    files(&root, Some(&mut caches));

    // An edit the note leaves out is not seen (proof that the note is what is read) ...
    replace_in_file(
        &root.join("content/guides/sms-verification.md"),
        "\n## ",
        "\n## 没说的 ",
    );
    caches.load.note_changes(&["content/site.yaml".to_string()]);
    let (quiet, _) = files(&root, Some(&mut caches));
    let page = |files: &[(String, Vec<u8>)]| {
        let (_, bytes) = files.iter().find(|(p, _)| p == "guides/sms-verification.html").unwrap();
        String::from_utf8(bytes.clone()).unwrap()
    };
    assert!(!page(&quiet).contains("没说的"));
    // ... and a build without a note checks every file again.
    let (full, _) = files(&root, Some(&mut caches));
    assert!(page(&full).contains("没说的"));

    // A file that does not belong fails the build, and keeps failing while other files change.
    write(&root, "content/guides/notes.txt", "not a guide");
    caches.load.note_changes(&["content/guides/notes.txt".to_string()]);
    assert!(render_site_with(&root, today(), &mut caches).is_err());
    replace_in_file(&root.join("content/guides/sms-verification.md"), "\n## ", "\n## 又改 ");
    caches
        .load
        .note_changes(&["content/guides/sms-verification.md".to_string()]);
    assert!(
        render_site_with(&root, today(), &mut caches).is_err(),
        "the stray file is still there"
    );
    std::fs::remove_file(root.join("content/guides/notes.txt")).unwrap();
    caches.load.note_changes(&["content/guides/notes.txt".to_string()]);
    assert_warm_equals_cold(&root, &mut caches, "the stray file removed");
}

/// The change log and the version dates feed the changes page, the feed, the notes on items and
/// which version of each item a page shows: a warm rebuild after editing any of them must give
/// the bytes of a cold build.
#[test]
fn warm_rebuilds_equal_cold_builds_after_a_change_to_the_history() {
    let tmp = TempDir::new("incremental-history");
    let root = tmp.path().join("site");
    copy_dir(&fixture("history"), &root);
    let mut caches = Caches::warm();
    let _ = files(&root, Some(&mut caches));
    let changes_yaml = root.join("content/changes.yaml");
    let guide = root.join("content/guides/first.md");
    type Edit<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let edits: Vec<Edit> = vec![
        ("nothing", Box::new(|| {})),
        (
            "a change's title",
            Box::new(|| {
                replace_in_file(
                    &changes_yaml,
                    "title: No residence permit any more",
                    "title: Residence permit dropped",
                );
            }),
        ),
        (
            "a change's date",
            Box::new(|| replace_in_file(&changes_yaml, "effective: \"2027-03-01\"", "effective: \"2027-04-01\"")),
        ),
        (
            "a change added",
            Box::new(|| {
                let text = std::fs::read_to_string(&changes_yaml).unwrap();
                std::fs::write(
                    &changes_yaml,
                    format!("{text}  - id: licence-note\n    effective: \"2026-01-01\"\n    kind: clarified\n    title: Licence wording\n    summary: Clearer.\n    affects: [licence]\n"),
                )
                .unwrap();
            }),
        ),
        (
            "an effective date of a version",
            Box::new(|| {
                for file in [
                    "content/materials.yaml",
                    "content/conditions.yaml",
                    "content/stages.yaml",
                ] {
                    let path = root.join(file);
                    let text = std::fs::read_to_string(&path).unwrap();
                    std::fs::write(&path, text.replace("\"2026-06-01\"", "\"2026-12-01\"")).unwrap();
                }
                replace_in_file(&changes_yaml, "effective: \"2026-06-01\"", "effective: \"2026-12-01\"");
            }),
        ),
        (
            "a guide's dates",
            Box::new(|| replace_in_file(&guide, "order: 1\n", "order: 1\neffective_from: \"2024-05-02\"\n")),
        ),
    ];
    for (what, edit) in edits {
        edit();
        let rendered = assert_warm_equals_cold(&root, &mut caches, what);
        if what == "nothing" {
            assert!(rendered.is_empty(), "nothing changed, yet re-rendered {rendered:?}");
        } else {
            assert!(!rendered.is_empty(), "{what} re-rendered nothing");
        }
    }
}
