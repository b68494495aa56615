//! A build killed with SIGKILL at any moment leaves either the old site or the new one whole:
//! real builds of a large site are killed at seeded random moments, and after each kill the
//! output folder must be exactly the old site or exactly the new one, never absent, never a mix.
//! The same again with the fallback swap of systems without an atomic exchange forced
//! (`GUIDEGEN_SWAP=renames:300`, which also waits 300 ms between the two renames so that kills
//! land there): a kill between its two renames leaves no output folder, but then the old site is
//! whole beside it and the next build, even one that fails, puts it back.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;
use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};

/// How many builds are killed.
const KILLS: usize = 30;
/// Guides in the new site and in the old one: enough that writing the one and removing the other
/// take a while (and the file sets differ).
const NEW_GUIDES: usize = 300;
const OLD_GUIDES: usize = 250;
/// With the two renames forced: how long the output stays absent between them.
const PAUSE_BETWEEN_RENAMES_MS: u64 = 300;
/// Longest wait for one build to show its staging folder.
const BUILD_LIMIT: Duration = Duration::from_secs(300);

type Tree = Vec<(String, Vec<u8>)>;

/// The minimal fixture titled `title`, plus `guides` generated guides in ten sections and some
/// static files. Every page shows the title, so two such sites share no page.
fn large_site(root: &Path, title: &str, guides: usize) {
    copy_dir(&fixture("minimal"), root);
    let site_yaml = root.join("content/site.yaml");
    let yaml = std::fs::read_to_string(&site_yaml).unwrap();
    std::fs::write(
        &site_yaml,
        yaml.replacen("title: Test filing guide", &format!("title: {title}"), 1),
    )
    .unwrap();
    for n in 0..guides {
        let folder = root.join(format!("content/guides/part-{}", n % 10));
        std::fs::create_dir_all(&folder).unwrap();
        let mut body = format!("---\ntitle: Generated guide {n}\norder: {n}\nsummary: Guide number {n}.\n---\n");
        for section in 0..12 {
            body.push_str(&format!(
                "## Step {section} of guide {n}\n\nRead this carefully: step {section} asks for form {n}-{section}, \
                 a photo, and a signature.\n\n- [ ] done {section}\n- [x] checked\n\n"
            ));
        }
        std::fs::write(folder.join(format!("g{n:03}.md")), body).unwrap();
    }
    let images = root.join("static/img");
    std::fs::create_dir_all(&images).unwrap();
    for n in 0..16u8 {
        let bytes: Vec<u8> = (0..256 * 1024).map(|i| (i as u8).wrapping_mul(n | 1)).collect();
        std::fs::write(images.join(format!("{n}.bin")), bytes).unwrap();
    }
}

/// How the new site is swapped in: the system's way, or forced to two renames.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Swap {
    System,
    Renames,
}

fn start_build(root: &Path, output: &Path, swap: Swap) -> Child {
    let mut command = bin();
    if swap == Swap::Renames {
        // A pause between the two renames, so that some kills land there.
        command.env("GUIDEGEN_SWAP", format!("renames:{PAUSE_BETWEEN_RENAMES_MS}"));
    }
    command
        .args(["build", "--timings", "--today", TODAY, "--root"])
        .arg(root)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Builds to the end; returns stderr (with `--timings`).
fn complete_build(root: &Path, output: &Path, swap: Swap) -> String {
    let done = start_build(root, output, swap).wait_with_output().unwrap();
    let stderr = text(&done.stderr);
    assert!(done.status.success(), "build of {} failed:\n{stderr}", root.display());
    stderr
}

/// The write stage's time from `--timings` output ("..., write 12.3 ms").
fn write_time(timings: &str) -> Duration {
    let ms: f64 = timings
        .rsplit("write ")
        .next()
        .and_then(|rest| rest.split(" ms").next())
        .and_then(|number| number.trim().parse().ok())
        .unwrap_or_else(|| panic!("no write time in {timings}"));
    Duration::from_secs_f64(ms / 1000.0)
}

/// The temporary folders of builds into `output` (`.site.building-PID`, `.site.old-PID`).
fn leftovers(output: &Path) -> Vec<String> {
    let prefix = format!(".{}.", output.file_name().unwrap().to_string_lossy());
    let mut names: Vec<String> = std::fs::read_dir(output.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(&prefix))
        .collect();
    names.sort();
    names
}

/// Waits (polling, bounded) until `child`'s staging folder exists; false if the build ended first.
fn wait_for_staging(child: &mut Child, output: &Path) -> bool {
    let staging = output.with_file_name(format!(
        ".{}.building-{}",
        output.file_name().unwrap().to_string_lossy(),
        child.id()
    ));
    let deadline = Instant::now() + BUILD_LIMIT;
    while Instant::now() < deadline {
        if staging.exists() {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    panic!("no staging folder within {BUILD_LIMIT:?}");
}

/// Which site a tree is; panics, naming the mixed or missing files, when it is neither whole.
fn whole_site(found: Option<Tree>, old: &Tree, new: &Tree, after: &str) -> Site {
    let found = found.unwrap_or_else(|| panic!("the output folder is absent after {after}"));
    if &found == old {
        return Site::Old;
    }
    if &found == new {
        return Site::New;
    }
    let from_old = found.iter().filter(|f| old.contains(f)).count();
    let from_new = found.iter().filter(|f| new.contains(f)).count();
    let neither: Vec<&str> = found
        .iter()
        .filter(|f| !old.contains(f) && !new.contains(f))
        .map(|(path, _)| path.as_str())
        .take(5)
        .collect();
    panic!(
        "after {after} the output is neither site whole: {} files, {from_old} of the old site ({} files), \
         {from_new} of the new ({} files), and these from neither: {neither:?}",
        found.len(),
        old.len(),
        new.len()
    );
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Site {
    Old,
    New,
}

fn read_output(output: &Path) -> Option<Tree> {
    output.is_dir().then(|| read_tree(output))
}

/// What each kill left, told apart by the site in the output and the folders beside it.
#[derive(Debug, Default)]
struct Outcomes {
    /// Old site, nothing beside it: killed while loading or rendering.
    before_writing: usize,
    /// Old site, a staging folder beside it: killed while writing the new site.
    while_writing: usize,
    /// New site, the old one still beside it: killed after the swap, before the old copy was removed.
    after_swap_before_cleanup: usize,
    /// New site, nothing beside it: killed after the build was done (or as it exited).
    after_the_build: usize,
    /// No output, the old site whole beside it (two renames only): killed between the renames.
    between_renames: usize,
    /// Kills sent after the staging folder was seen (aimed at the write and the swap).
    aimed_at_writing: usize,
}

impl Outcomes {
    fn record(&mut self, site: Site, leftovers: &[String]) {
        match (site, leftovers.is_empty()) {
            (Site::Old, true) => self.before_writing += 1,
            (Site::Old, false) => self.while_writing += 1,
            (Site::New, false) => self.after_swap_before_cleanup += 1,
            (Site::New, true) => self.after_the_build += 1,
        }
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one_whole() {
    kill_builds("atomicity", Swap::System);
}

#[test]
fn with_the_two_rename_swap_forced_a_killed_build_leaves_a_whole_site_or_one_the_next_build_restores() {
    kill_builds("atomicity-renames", Swap::Renames);
}

fn kill_builds(label: &str, swap: Swap) {
    let tmp = TempDir::new(label);
    let (old_root, new_root) = (tmp.path().join("old"), tmp.path().join("new"));
    large_site(&old_root, "The old site", OLD_GUIDES);
    large_site(&new_root, "The new site", NEW_GUIDES);

    // Each site built once, unkilled, elsewhere: the two trees the output may ever be.
    complete_build(&old_root, &tmp.path().join("reference-old"), swap);
    let started = Instant::now();
    let timings = complete_build(&new_root, &tmp.path().join("reference-new"), swap);
    let build_time = started.elapsed();
    let writing = write_time(&timings);
    let old = read_tree(&tmp.path().join("reference-old"));
    let new = read_tree(&tmp.path().join("reference-new"));
    assert!(
        old.iter().all(|file| !new.contains(file) || !file.0.ends_with(".html")),
        "every page differs"
    );
    eprintln!(
        "a build of the large site ({} files) took {build_time:?}, {writing:?} of it writing",
        new.len()
    );

    let output: PathBuf = tmp.path().join("out/site");
    complete_build(&old_root, &output, swap);
    assert_eq!(read_output(&output).as_ref(), Some(&old));

    // Seeded, so every run kills at the same (relative) moments.
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[6u8; 32]);
    let mut outcomes = Outcomes::default();
    for kill in 0..KILLS {
        if read_output(&output).as_ref() == Some(&new) {
            // Back to the old site, so the next kill can tell old from new again.
            complete_build(&old_root, &output, swap);
            assert_eq!(
                leftovers(&output),
                Vec::<String>::new(),
                "the next build removes what killed builds left"
            );
        }
        let mut child = start_build(&new_root, &output, swap);
        // Even kills anywhere in the whole build (and after: builds here vary in speed); odd kills
        // aimed at the write, the swap and the removal of the old site: after the staging folder
        // appears, within three times the write time.
        let aimed = kill % 2 == 1;
        let delay = if aimed {
            let seen = wait_for_staging(&mut child, &output);
            outcomes.aimed_at_writing += usize::from(seen);
            rng.random_range(Duration::ZERO..=writing * 3)
        } else {
            rng.random_range(Duration::ZERO..=build_time * 3 / 2)
        };
        std::thread::sleep(delay);
        child.kill().unwrap();
        child.wait().unwrap();
        let after = format!(
            "kill {kill} ({delay:?} after {})",
            if aimed { "staging appeared" } else { "start" }
        );
        let parked = output.with_file_name(format!(".site.old-{}", child.id()));
        if swap == Swap::Renames && !output.exists() {
            // Between the two renames: the old site is parked whole, and the next build, even
            // one that fails at once, puts it back before anything else.
            assert_eq!(
                read_output(&parked).as_ref(),
                Some(&old),
                "after {after}, the parked site"
            );
            let failed = bin()
                .env("GUIDEGEN_SWAP", "renames")
                .args(["build", "--today", TODAY, "--root"])
                .arg(tmp.path().join("no-such-site"))
                .arg("--output")
                .arg(&output)
                .output()
                .unwrap();
            assert_eq!(failed.status.code(), Some(1), "{}", text(&failed.stderr));
            assert_eq!(
                read_output(&output).as_ref(),
                Some(&old),
                "after {after}, the next build restores the old site"
            );
            eprintln!("{after}: between the renames; restored");
            outcomes.between_renames += 1;
            continue;
        }
        let site = whole_site(read_output(&output), &old, &new, &after);
        let left = leftovers(&output);
        assert!(
            left.len() <= 1,
            "after {after}, earlier leftovers were not removed: {left:?}"
        );
        let own: Vec<String> = left
            .into_iter()
            .filter(|name| name.ends_with(&format!("-{}", child.id())))
            .collect();
        eprintln!("{after}: {site:?} {own:?}");
        outcomes.record(site, &own);
    }
    eprintln!("{KILLS} kills ({swap:?}): {outcomes:?}");
    assert!(
        outcomes.aimed_at_writing > 0,
        "no kill was sent while the new site was being written"
    );
    if swap == Swap::Renames {
        assert!(
            outcomes.between_renames > 0,
            "no kill landed between the two renames: make the pause longer"
        );
    }

    // A complete build after all the kills gives the new site, and nothing beside it.
    complete_build(&new_root, &output, swap);
    assert_eq!(read_output(&output).as_ref(), Some(&new));
    assert_eq!(leftovers(&output), Vec::<String>::new());
}
