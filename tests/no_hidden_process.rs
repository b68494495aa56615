//! The generator knows no process: the default content's ids and the filing's own words appear
//! nowhere in the code (unit tests left out), the default theme's templates, scripts or words.
//! A site for another process must inherit none of them; they belong in `content/`.

use std::path::{Path, PathBuf};

/// Words that only the mini-program filing uses (its offices, its steps, its forms).
const FILING_WORDS: &[&str] = &[
    "备案",
    "核验",
    "小程序",
    "微信",
    "通信管理局",
    "通管局",
    "工信部",
    "工业和信息化部",
    "短信",
    "调休",
    "国务院",
    "居住证",
    "营业执照",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            files_under(&path, found);
        } else {
            found.push(path);
        }
    }
}

/// The code of a Rust file before its unit tests (`#[cfg(test)]` over a `mod`).
fn code_before_tests(text: &str) -> &str {
    let at = text.match_indices("#[cfg(test)]\n").map(|(at, _)| at).find(|at| {
        let next = text[at + "#[cfg(test)]\n".len()..].lines().next().unwrap_or_default();
        next.contains("mod ")
    });
    at.map_or(text, |at| &text[..at])
}

/// Every file the generator is made of, with the text that counts (Rust without its tests).
fn generator_texts() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    files_under(&repo().join("src"), &mut files);
    files_under(&repo().join("themes/default"), &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let text = if path.extension().is_some_and(|e| e == "rs") {
                code_before_tests(&text).to_string()
            } else {
                text
            };
            (path, text)
        })
        .collect()
}

/// The ids the default content defines (`id: x` and `- id: x` in content/*.yaml).
fn default_content_ids() -> Vec<String> {
    let mut ids = Vec::new();
    for entry in std::fs::read_dir(repo().join("content")).expect("content/") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a content file");
        for line in text.lines() {
            let line = line.trim_start().trim_start_matches("- ");
            if let Some(id) = line.strip_prefix("id: ") {
                ids.push(id.trim().trim_matches('"').to_string());
            }
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn the_code_and_the_default_theme_name_none_of_the_filing_s_own_words() {
    let found: Vec<String> = generator_texts()
        .iter()
        .flat_map(|(path, text)| {
            FILING_WORDS
                .iter()
                .filter(|word| text.contains(*word))
                .map(move |word| format!("{} says {word}", path.display()))
        })
        .collect();
    assert!(found.is_empty(), "move these into content/: {found:#?}");
}

#[test]
fn the_code_and_the_default_theme_test_for_none_of_the_default_content_s_ids() {
    let ids = default_content_ids();
    assert!(ids.len() > 20, "the ids were read: {ids:?}");
    let found: Vec<String> = generator_texts()
        .iter()
        .flat_map(|(path, text)| {
            ids.iter()
                .filter(|id| text.contains(&format!("\"{id}\"")) || text.contains(&format!("'{id}'")))
                .map(move |id| format!("{} names \"{id}\"", path.display()))
        })
        .collect();
    assert!(found.is_empty(), "the generator must not know these ids: {found:#?}");
}

#[test]
fn the_check_finds_a_filing_word_or_an_id_when_there_is_one() {
    let planted = "fn f(kind: &str) -> bool { kind == \"enterprise\" } // 备案";
    assert!(FILING_WORDS.iter().any(|w| planted.contains(w)));
    assert!(default_content_ids()
        .iter()
        .any(|id| planted.contains(&format!("\"{id}\""))));
}
