//! The search index builder and its tokenizer (tags, entities, Han bigrams, Latin words) on
//! any bytes as HTML pages: the input is split into up to eight pages at each 0xFF byte (which
//! UTF-8 never holds). Asserted: the index is one script assignment that no text can end, its
//! JSON parses, every gram's page list decodes to ascending numbers of indexed pages, and page
//! texts have their whitespace collapsed.
#![no_main]

use guidegen::render::OutputFile;
use guidegen::search::{build_index, decode_numbers, InterfaceWords, INDEX_PATH};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const PREFIX: &str = "window.GUIDEGEN_SEARCH = ";

fuzz_target!(|data: &[u8]| {
    let files: Vec<OutputFile> = data
        .split(|&b| b == 0xFF)
        .take(8)
        .enumerate()
        .map(|(i, html)| OutputFile::new(format!("p{i}.html"), html.to_vec()))
        .collect();
    let index = build_index(&files, &InterfaceWords::default());
    assert_eq!(index.path, INDEX_PATH);
    let script = std::str::from_utf8(&index.bytes).expect("the index is UTF-8");
    assert!(
        !script.contains(['<', '\u{2028}', '\u{2029}']),
        "text could end the script"
    );
    let json = script
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(";\n"))
        .expect("the index is one assignment");
    let index: Value = serde_json::from_str(json).expect("the index is JSON");
    let pages = index["pages"].as_array().expect("a page list");
    assert!(pages.len() <= files.len());
    for page in pages {
        let text = page["text"].as_str().expect("a text");
        assert!(
            !text.starts_with(' ') && !text.ends_with(' ') && !text.contains("  "),
            "whitespace left uncollapsed: {text:?}"
        );
        assert!(!text.chars().any(|c| c.is_whitespace() && c != ' '), "{text:?}");
    }
    for (gram, code) in index["grams"].as_object().expect("a gram map") {
        assert!(!gram.is_empty());
        let numbers = decode_numbers(code.as_str().expect("a code")).expect("only digits");
        assert!(!numbers.is_empty(), "{gram:?} is in no page");
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{gram:?}: {numbers:?}");
        assert!(
            numbers.iter().all(|&n| (n as usize) < pages.len()),
            "{gram:?}: {numbers:?}"
        );
    }
});
