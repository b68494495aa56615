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

fn replace(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
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
        ("a guide title", Box::new(|| replace(&guide, "title: ", "title: 改 "))),
        (
            "a stage in YAML",
            Box::new(|| {
                replace(
                    &root.join("content/stages.yaml"),
                    "name: 平台初审",
                    "name: 平台初审（改）",
                )
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
    ];
    for (what, change) in changes {
        change();
        let (warm, rendered) = files(&root, Some(&mut caches));
        let (cold, _) = files(&root, None);
        assert_eq!(warm.len(), cold.len(), "after changing {what}");
        for ((path_w, bytes_w), (path_c, bytes_c)) in warm.iter().zip(&cold) {
            assert_eq!(path_w, path_c, "after changing {what}");
            assert!(
                bytes_w == bytes_c,
                "{path_w} differs between warm and cold builds after changing {what}"
            );
        }
        if what == "nothing" {
            assert!(rendered.is_empty(), "nothing changed, yet re-rendered {rendered:?}");
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
