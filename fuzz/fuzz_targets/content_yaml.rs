//! Loading a content folder: the input becomes one file of a real site folder, which then goes
//! through `load` (file reading, UTF-8, YAML, front matter), `validate` and, when it validates,
//! `plan`; every diagnostic is rendered as `check` prints it. The first byte chooses the base
//! site (bit 7: the default content, else the small test fixture) and which file to replace
//! (the rest modulo 10); the other bytes are the file. Asserted: a failed load reports an error,
//! and every error names its file, on a line the file has.
//!
//! `load` reads a folder, so each process copies both sites into a folder of its own (in
//! /dev/shm when there is one) and each run writes the file, loads, then puts the file back.
#![no_main]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use guidegen::diagnostics::{self, Diagnostic, SourceMap};
use guidegen::{load, plan, validate};
use libfuzzer_sys::fuzz_target;

/// The content files a run may replace, in either site.
const YAML_FILES: [&str; 9] = [
    "content/site.yaml",
    "content/subjects.yaml",
    "content/conditions.yaml",
    "content/materials.yaml",
    "content/stages.yaml",
    "content/deadlines.yaml",
    "content/forms.yaml",
    "content/providers.yaml",
    "content/holidays.yaml",
];
/// And a guide and a section's `_index.md` of each site.
const SMALL_GUIDES: [&str; 2] = ["content/guides/first.md", "content/guides/sub/_index.md"];
const DEFAULT_GUIDES: [&str; 2] = ["content/guides/getting-started.md", "content/guides/after/_index.md"];

struct Sites {
    small: PathBuf,
    default: PathBuf,
}

fn sites() -> &'static Sites {
    static SITES: OnceLock<Sites> = OnceLock::new();
    SITES.get_or_init(|| {
        // One thread: libFuzzer measures one run at a time, and the machine is shared.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let shm = Path::new("/dev/shm");
        let tmp = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let work = tmp.join(format!("guidegen-fuzz-content-{}", std::process::id()));
        let sites = Sites {
            small: work.join("small"),
            default: work.join("default"),
        };
        copy_dir(
            &repo.join("tests/fixtures/minimal/content"),
            &sites.small.join("content"),
        );
        copy_dir(&repo.join("content"), &sites.default.join("content"));
        sites
    })
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("a work folder");
    for entry in fs::read_dir(from).expect("the site to copy") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("a copy");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, file)) = data.split_first() else {
        return;
    };
    let sites = sites();
    let (root, guides) = if choice & 0x80 != 0 {
        (&sites.default, &DEFAULT_GUIDES)
    } else {
        (&sites.small, &SMALL_GUIDES)
    };
    let names: Vec<&str> = YAML_FILES.iter().chain(guides).copied().collect();
    let path = root.join(names[usize::from(choice & 0x7F) % names.len()]);
    let original = fs::read(&path).ok();
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("the file's folder");
    }
    fs::write(&path, file).expect("the fuzzed file");
    run(root);
    match original {
        Some(bytes) => fs::write(&path, bytes).expect("the original file"),
        None => fs::remove_file(&path).expect("the added file"),
    }
});

fn run(root: &Path) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
    let (diagnostics, sources) = match load::load(root) {
        Ok(loaded) => {
            let (model, mut found) = validate::validate(loaded.content, today, today);
            if let Some(model) = model {
                if let Err(errors) = plan::plan(&model, today, &mut plan::PlanCache::default()) {
                    found.extend(errors);
                }
            }
            (found, loaded.sources)
        }
        Err((found, sources)) => {
            assert!(
                found.iter().any(Diagnostic::is_error),
                "a failed load reported no error"
            );
            (found, sources)
        }
    };
    for diagnostic in diagnostics.iter().filter(|d| d.is_error()) {
        check_position(diagnostic, &sources);
    }
    let shown = diagnostics::render(&diagnostics, &sources, false);
    assert_eq!(shown.is_empty(), diagnostics.is_empty());
}

/// An error names its file, and a line the file has (one past the last when it ends there).
fn check_position(diagnostic: &Diagnostic, sources: &SourceMap) {
    let span = diagnostic.span.as_ref();
    let Some(span) = span else {
        panic!("an error without a file: {}", diagnostic.message);
    };
    let Some(text) = sources.get(&span.file) else {
        return;
    };
    let lines = text.lines().count() as u32;
    assert!(
        span.line <= lines + 1,
        "{}:{}:{} points past the end ({lines} lines): {}",
        span.file.display(),
        span.line,
        span.column,
        diagnostic.message
    );
}
