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
    "sanitise",
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

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Imports that go against the pipeline: a stage importing a later stage, or a shared module
/// importing any stage, as `from -> to`.
fn against_the_pipeline(graph: &Graph) -> Vec<String> {
    let mut wrong = Vec::new();
    for (module, used) in graph {
        for target in used {
            let later = match (position(module), position(target)) {
                (Some(from), Some(to)) => to > from,
                _ => false,
            };
            let shared_uses_stage = SHARED.contains(&module.as_str()) && position(target).is_some();
            if later || shared_uses_stage {
                wrong.push(format!("{module} -> {target}"));
            }
        }
    }
    wrong
}

/// Every import circle, as `a -> b -> a`.
fn circles(graph: &Graph) -> Vec<String> {
    // Depth-first search; a module met again while still on the path closes a circle.
    fn visit<'g>(
        module: &'g str,
        graph: &'g Graph,
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
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, graph, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

#[test]
fn no_stage_imports_a_later_stage_and_shared_modules_import_no_stage() {
    let wrong = against_the_pipeline(&imports());
    assert!(wrong.is_empty(), "imports against the pipeline's direction: {wrong:?}");
}

#[test]
fn no_two_top_level_modules_import_each_other_in_a_circle() {
    let found = circles(&imports());
    assert!(found.is_empty(), "import circles: {found:?}");
}

#[test]
fn the_checks_find_a_circle_and_imports_against_the_pipeline_when_there_are_some() {
    let graph: Graph = [
        ("load", vec!["plan"]),
        ("plan", vec!["load", "markdown"]),
        ("markdown", vec!["render"]),
        ("render", vec!["plan"]),
    ]
    .into_iter()
    .map(|(module, used)| (module.to_string(), used.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(against_the_pipeline(&graph), ["load -> plan", "markdown -> render"]);
    assert_eq!(
        circles(&graph),
        ["load -> plan -> load", "plan -> markdown -> render -> plan"]
    );
    // And the parsing they rely on: tests are left out, `crate::x` names are read.
    let code = "use crate::plan::Plan;\n#[cfg(test)]\nmod tests { use crate::serve; }";
    assert_eq!(code_before_tests(code), "use crate::plan::Plan;\n");
    assert_eq!(top_module(&src().join("plan/guides.rs")), "plan");
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
