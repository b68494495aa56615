//! `guidegen init` and `guidegen theme eject`: an editor's first commands. A new site passes
//! `check --deny-warnings`, builds, and serves an edit; the theme copied out of the program
//! changes the site's words; neither command writes over someone's work unasked.

mod common;

use common::server::Server;
use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn init(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    bin().arg("init").arg(dir).args(extra).output().unwrap()
}

fn check_strictly(dir: &std::path::Path) -> std::process::Output {
    bin()
        .args(["check", "--deny-warnings", "--root"])
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn a_new_site_in_either_language_passes_a_strict_check_and_builds() {
    for (language, title, expected_words) in [
        ("en", "Parking \"permits\": a guide", "Checklists"),
        ("zh-CN", "停车证办理指南", "清单"),
    ] {
        let tmp = TempDir::new("init");
        let site = tmp.path().join("site");
        let made = init(&site, &["--lang", language, "--title", title]);
        assert!(made.status.success(), "{}", text(&made.stderr));
        for file in [
            "content/site.yaml",
            "content/subjects.yaml",
            "content/conditions.yaml",
            "content/materials.yaml",
            "content/providers.yaml",
            "content/stages.yaml",
            "content/deadlines.yaml",
            "content/forms.yaml",
            "content/holidays.yaml",
            ".gitignore",
            "README.md",
            "schema/materials.schema.json",
        ] {
            assert!(site.join(file).is_file(), "{language}: init wrote no {file}");
        }
        // Every schema line of the new site points at a schema written beside it.
        for entry in std::fs::read_dir(site.join("content")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let first = std::fs::read_to_string(&path)
                    .unwrap()
                    .lines()
                    .next()
                    .unwrap()
                    .to_string();
                let schema = first
                    .strip_prefix("# yaml-language-server: $schema=")
                    .expect("a schema line");
                assert!(
                    site.join("content").join(schema).is_file(),
                    "{}: {schema} is missing",
                    path.display()
                );
            }
        }
        assert_eq!(
            std::fs::read_to_string(site.join(".gitignore")).unwrap().trim(),
            "output/"
        );
        let checked = check_strictly(&site);
        assert!(checked.status.success(), "{language}: {}", text(&checked.stderr));
        let built = bin().args(["build", "--root"]).arg(&site).output().unwrap();
        assert!(built.status.success(), "{}", text(&built.stderr));
        let home = std::fs::read_to_string(site.join("output/index.html")).unwrap();
        assert!(
            home.contains(&title.replace('"', "&quot;")),
            "{language}: the title is not on the home page"
        );
        assert!(
            home.contains(&format!("<html lang=\"{language}\">")),
            "{language}: the site is not in {language}"
        );
        assert!(
            home.contains(expected_words),
            "{language}: the interface is not in {language}"
        );
    }
}

#[test]
fn init_refuses_a_folder_with_files_unless_forced() {
    let tmp = TempDir::new("init");
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("notes.txt"), "mine").unwrap();
    let refused = init(&site, &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("is not empty"),
        "{}",
        text(&refused.stderr)
    );
    assert!(!site.join("content").exists(), "a refused init wrote files");
    let forced = init(&site, &["--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert_eq!(std::fs::read_to_string(site.join("notes.txt")).unwrap(), "mine");
    assert!(site.join("content/site.yaml").is_file());
}

#[test]
fn a_new_site_under_serve_shows_an_edit_after_saving() {
    let tmp = TempDir::new("init-serve");
    let made = init(&tmp.path().join("site"), &["--lang", "en"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let server = Server::start_in(tmp, &[]);
    let page = |path: &str| {
        let mut stream = TcpStream::connect(server.address()).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut body = String::new();
        stream.read_to_string(&mut body).unwrap();
        body
    };
    assert!(page("/stages/apply.html").contains("Send the application form"));
    replace_in_file(
        &server.root().join("content/stages.yaml"),
        "Send the application form and the materials to the council.",
        "Post the form to the town hall.",
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while !page("/stages/apply.html").contains("Post the form to the town hall.") {
        assert!(
            Instant::now() < deadline,
            "the edit never showed; serve said:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_ejected_theme_changes_the_words_and_a_misspelt_key_is_a_positioned_warning() {
    let tmp = TempDir::new("eject");
    let site = tmp.path().join("site");
    assert!(init(&site, &["--lang", "en"]).status.success());
    let eject = || bin().args(["theme", "eject", "--root"]).arg(&site).output().unwrap();
    let ejected = eject();
    assert!(ejected.status.success(), "{}", text(&ejected.stderr));
    let theme = site.join("themes/default");
    for file in ["templates/base.html", "static/style.css", "labels.yaml"] {
        assert!(theme.join(file).is_file(), "eject wrote no {file}");
    }
    assert!(std::fs::read_to_string(theme.join("labels.yaml"))
        .unwrap()
        .contains("checklists: Checklists"));
    // A second eject would overwrite the editor's changes: refused unless --force.
    let again = eject();
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already there"), "{}", text(&again.stderr));

    replace_in_file(
        &theme.join("labels.yaml"),
        "checklists: Checklists",
        "checklists: What to bring",
    );
    let labels = std::fs::read_to_string(theme.join("labels.yaml")).unwrap();
    std::fs::write(theme.join("labels.yaml"), format!("{labels}stagez: Steps\n")).unwrap();
    let line = labels.lines().count() + 1;
    let checked = bin().args(["check", "--root"]).arg(&site).output().unwrap();
    let stderr = text(&checked.stderr);
    assert!(checked.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: the theme has no word `stagez`, so this changes nothing"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("themes/default/labels.yaml:{line}:1")),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `stages`?"), "{stderr}");
    let built = bin().args(["build", "--root"]).arg(&site).output().unwrap();
    assert!(built.status.success());
    assert!(std::fs::read_to_string(site.join("output/index.html"))
        .unwrap()
        .contains("What to bring"));
}
