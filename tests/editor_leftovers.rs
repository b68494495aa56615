//! Files editors leave beside the ones being edited never break `build` or `check` and never
//! reach the output: the same list `serve` ignores (`site_files::is_editor_leftover`), tested
//! here editor by editor, in the guides folder and in `static/`.

mod common;

use common::*;
use std::path::Path;

/// What each editor leaves while `timeline.md` is open (names confirmed from each editor's
/// behaviour: vim's swap and its write test `4913`, emacs's lock link and autosave, ...).
const LEFTOVERS: &[(&str, &[&str])] = &[
    ("vim", &[".timeline.md.swp", ".timeline.md.swx", "timeline.md~", "4913"]),
    ("emacs", &["#timeline.md#", "timeline.md~"]),
    ("JetBrains", &["timeline.md___jb_tmp___", "timeline.md___jb_old___"]),
    ("Kate", &[".timeline.md.kate-swp"]),
    ("gedit", &[".goutputstream-R2M8X1"]),
];

fn site_with_leftovers(editor: &str, names: &[&str]) -> TempDir {
    let tmp = TempDir::new("leftovers");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    for folder in ["content/guides", "content/guides/sub", "static"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        for name in names {
            std::fs::write(root.join(folder).join(name), format!("left by {editor}\n\u{0}binary")).unwrap();
        }
    }
    tmp
}

fn builds_and_checks_without_leftovers(root: &Path, editor: &str) {
    check_and_build(root, editor);
    for (path, bytes) in read_tree(&root.join("output")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&format!("left by {editor}")),
            "{editor}: {path} holds a leftover"
        );
    }
}

#[test]
fn every_editors_leftovers_are_ignored_by_build_and_check() {
    for (editor, names) in LEFTOVERS {
        let tmp = site_with_leftovers(editor, names);
        builds_and_checks_without_leftovers(&tmp.path().join("site"), editor);
    }
}

/// emacs locks a file it edits with a symbolic link `.#name` to `user@host.pid`, which exists
/// nowhere: following it fails, and the walk must pass over it, not stop.
#[cfg(unix)]
#[test]
fn an_emacs_lock_link_that_leads_nowhere_is_ignored() {
    let tmp = site_with_leftovers("emacs", &["#timeline.md#"]);
    let root = tmp.path().join("site");
    for folder in ["content/guides", "static"] {
        std::os::unix::fs::symlink("editor@host.12345:1700000000", root.join(folder).join(".#timeline.md")).unwrap();
    }
    builds_and_checks_without_leftovers(&root, "emacs");
}
