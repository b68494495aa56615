//! The shape of `src/`, kept as the README describes it: data flows one way through the
//! pipeline (load -> validate -> plan -> render -> write), no two top-level modules import each
//! other in a circle, and no file grows past what a reader takes in at once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The pipeline's stages in order: a stage may use an earlier one, never a later one.
const STAGES: &[&str] = &["load", "validate", "plan", "render", "write"];

/// Modules every stage may use; they use no stage themselves.
const SHARED: &[&str] = &[
    "diagnostics",
    "href",
    "markdown",
    "memo",
    "model",
    "script_json",
    "site_files",
    "yaml",
];

/// Lines of code (tests not counted) past which a file wants splitting.
const MOST_LINES: usize = 600;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("an entry of src/").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// `src/plan/guides.rs` -> `plan`; `src/site.rs` -> `site`.
fn top_module(file: &Path) -> String {
    let relative = file.strip_prefix(src()).expect("a file under src/");
    let first = relative
        .components()
        .next()
        .expect("a path")
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The code of a file before its unit tests.
fn code_before_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests").map_or(text, |at| &text[..at])
}

/// Top-level module -> the top-level modules its code (tests left out) names as `crate::x`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let module = top_module(&file);
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        let code = code_before_tests(&text);
        let used = graph.entry(module.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                used.insert(name);
            }
        }
    }
    graph
}

fn position(stage: &str) -> Option<usize> {
    STAGES.iter().position(|s| *s == stage)
}

#[test]
fn no_stage_imports_a_later_stage_and_shared_modules_import_no_stage() {
    let mut wrong = Vec::new();
    for (module, used) in imports() {
        for target in &used {
            let later = match (position(&module), position(target)) {
                (Some(from), Some(to)) => to > from,
                _ => false,
            };
            let shared_uses_stage = SHARED.contains(&module.as_str()) && position(target).is_some();
            if later || shared_uses_stage {
                wrong.push(format!("{module} -> {target}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the pipeline's direction: {wrong:?}");
}

#[test]
fn no_two_top_level_modules_import_each_other_in_a_circle() {
    let graph = imports();
    // Depth-first search; a module met again while still on the path closes a circle.
    fn visit<'g>(
        module: &'g str,
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
        circles: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|m| *m == module) {
            circles.push(format!("{} -> {module}", path[at..].join(" -> ")));
            return;
        }
        if !done.insert(module) {
            return;
        }
        path.push(module);
        for next in graph.get(module).into_iter().flatten() {
            visit(next, graph, path, done, circles);
        }
        path.pop();
    }
    let mut circles = Vec::new();
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done, &mut circles);
    }
    assert!(circles.is_empty(), "import circles: {circles:?}");
}

#[test]
fn the_architecture_check_finds_a_circle_and_a_backward_import_when_there_is_one() {
    // The checks above read real files; this one proves the parsing they rely on can fail.
    let code = "use crate::plan::Plan;\nfn f() { crate::write::go() }\n#[cfg(test)]\nmod tests { use crate::serve; }";
    let names: Vec<&str> = code_before_tests(code)
        .match_indices("crate::")
        .map(|(at, _)| &code[at + 7..at + 11])
        .collect();
    assert_eq!(names, ["plan", "writ"]);
    assert_eq!(top_module(&src().join("plan/guides.rs")), "plan");
    assert!(position("render") > position("plan"));
}

#[test]
fn no_source_file_is_longer_than_a_reader_takes_in_at_once() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(file).expect("a readable source file");
            let lines = code_before_tests(&text)
                .lines()
                .filter(|l| !l.trim().is_empty())
                .count();
            (lines > MOST_LINES).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these files: {long:?}");
}
