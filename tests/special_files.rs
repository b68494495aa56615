//! A content file that is not an ordinary file, or is larger than any real one, is refused
//! before it is read, with its name: a named pipe once made `build` wait forever, and a link to
//! `/dev/zero` read until memory ran out. Waits here are bounded so a regression fails, not hangs.

#![cfg(unix)]

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `command`, killing it if it has not finished within `limit` (then `None`).
fn run_within(mut command: Command, limit: Duration) -> Option<Output> {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn check(root: &Path) -> Output {
    let mut command = bin();
    command.args(["check", "--today", TODAY, "--root"]).arg(root);
    run_within(command, Duration::from_secs(60)).expect("check finished instead of waiting forever")
}

fn minimal_copy() -> TempDir {
    let tmp = TempDir::new("special");
    copy_dir(&fixture("minimal"), &tmp.path().join("site"));
    tmp
}

#[test]
fn a_named_pipe_as_a_content_file_is_refused_at_once() {
    let tmp = minimal_copy();
    let file = tmp.path().join("site/content/materials.yaml");
    std::fs::remove_file(&file).unwrap();
    let made = Command::new("mkfifo").arg(&file).status().expect("mkfifo runs");
    assert!(made.success());
    let output = check(&tmp.path().join("site"));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("error: this is not a regular file"), "{stderr}");
    assert!(stderr.contains("content/materials.yaml"), "{stderr}");
}

#[test]
fn a_link_to_an_endless_device_is_refused_before_reading() {
    let tmp = minimal_copy();
    let file = tmp.path().join("site/content/materials.yaml");
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &file).unwrap();
    let output = check(&tmp.path().join("site"));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("error: this is not a regular file"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn a_yaml_file_over_its_size_limit_is_refused_with_the_limit() {
    let tmp = minimal_copy();
    let file = tmp.path().join("site/content/materials.yaml");
    let mut text_of_file = std::fs::read_to_string(&file).unwrap();
    text_of_file.push_str(&format!("# {}\n", "x".repeat(17 << 20)));
    std::fs::write(&file, text_of_file).unwrap();
    let output = check(&tmp.path().join("site"));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("more than the 16 MB a content file of its kind may be"),
        "{stderr}"
    );
    assert!(stderr.contains("content/materials.yaml"), "{stderr}");
}

#[test]
fn a_guide_that_is_a_pipe_or_a_device_link_is_refused_at_once() {
    let tmp = minimal_copy();
    let guides = tmp.path().join("site/content/guides");
    assert!(Command::new("mkfifo")
        .arg(guides.join("pipe.md"))
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink("/dev/zero", guides.join("zero.md")).unwrap();
    let output = check(&tmp.path().join("site"));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    for name in ["content/guides/pipe.md", "content/guides/zero.md"] {
        assert!(stderr.contains(name), "{name} is not named:\n{stderr}");
    }
    assert_eq!(
        stderr.matches("error: this is not a regular file").count(),
        2,
        "{stderr}"
    );
}
