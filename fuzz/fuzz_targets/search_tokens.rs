//! The search index builder and its tokenizer (tags, entities, Han bigrams, Latin words) on
//! any bytes as HTML pages: the input is split into up to eight pages at each 0xFF byte (which
//! UTF-8 never holds). Asserted: the index is one script assignment that no text can end, its
//! JSON parses, every gram's page list decodes to ascending numbers of indexed pages, and page
//! texts have their whitespace collapsed.
#![no_main]

use guidegen::render::OutputFile;
use guidegen::search::{build_index, INDEX_PATH};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const PREFIX: &str = "window.GUIDEGEN_SEARCH = ";
const DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

fuzz_target!(|data: &[u8]| {
    let files: Vec<OutputFile> = data
        .split(|&b| b == 0xFF)
        .take(8)
        .enumerate()
        .map(|(i, html)| OutputFile::new(format!("p{i}.html"), html.to_vec()))
        .collect();
    let index = build_index(&files);
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
        let numbers = decode(code.as_str().expect("a code"));
        assert!(!numbers.is_empty(), "{gram:?} is in no page");
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{gram:?}: {numbers:?}");
        assert!(
            numbers.iter().all(|&n| (n as usize) < pages.len()),
            "{gram:?}: {numbers:?}"
        );
    }
});

/// Page numbers from their code, as `search.js` reads them (see `src/search.rs`).
fn decode(code: &str) -> Vec<u32> {
    let value = |c: char| DIGITS.iter().position(|&d| char::from(d) == c).expect("a digit") as u64;
    let mut out = Vec::new();
    if let Some(bits) = code.strip_prefix('~') {
        for (i, c) in bits.chars().enumerate() {
            let v = value(c);
            out.extend((0..6).filter(|j| v & (1 << j) != 0).map(|j| i as u32 * 6 + j));
        }
        return out;
    }
    let (mut page, mut gap, mut scale) = (-1i64, 0i64, 1i64);
    for c in code.chars() {
        let v = value(c) as i64;
        if v >= 32 {
            gap += (v - 32) * scale;
            scale *= 32;
        } else {
            page += gap + v * scale;
            out.push(page as u32);
            gap = 0;
            scale = 1;
        }
    }
    out
}
