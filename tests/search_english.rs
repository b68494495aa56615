//! Search on a site in English: `tests/fixtures/business-england` built, its index read. Words are
//! indexed as words (a form's options are not glued together), a word's start finds it
//! (`regist`), the theme's interface words are not page text, and in Chromium a result's title
//! keeps the spaces around the highlighted word.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::browser::*;
use common::*;
use guidegen::search::{decode_numbers, INDEX_PATH};
use serde_json::Value;

/// The fixture built once for this test binary, as of 21 December 2026.
fn output() -> &'static Path {
    static OUTPUT: OnceLock<PathBuf> = OnceLock::new();
    OUTPUT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("search-english-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let result = bin()
            .args(["build", "--root"])
            .arg(fixture("business-england"))
            .arg("--output")
            .arg(&dir)
            .args(["--today", "2026-12-21"])
            .output()
            .expect("run guidegen");
        assert!(result.status.success(), "{}", text(&result.stderr));
        dir
    })
}

fn index() -> Value {
    let script = std::fs::read_to_string(output().join(INDEX_PATH)).unwrap();
    let json = script
        .strip_prefix("window.GUIDEGEN_SEARCH = ")
        .and_then(|rest| rest.strip_suffix(";\n"))
        .expect("the index is one assignment");
    serde_json::from_str(json).unwrap()
}

/// The index's words (its keys that are not Han bigrams).
fn words(index: &Value) -> Vec<String> {
    index["grams"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|key| !key.chars().any(guidegen::search::is_han))
        .cloned()
        .collect()
}

/// The urls of the pages holding a word that starts with `prefix`, as search.js finds them.
fn pages_starting(index: &Value, prefix: &str) -> Vec<String> {
    let mut numbers: Vec<u32> = words(index)
        .iter()
        .filter(|word| word.starts_with(prefix))
        .flat_map(|word| decode_numbers(index["grams"][word.as_str()].as_str().unwrap()).unwrap())
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
        .into_iter()
        .map(|n| index["pages"][n as usize]["url"].as_str().unwrap().to_string())
        .collect()
}

/// A page's title and text, lower case.
fn page_text(index: &Value, url: &str) -> String {
    let page = index["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["url"] == url)
        .unwrap_or_else(|| panic!("{url} is not indexed"));
    format!("{} {}", page["title"].as_str().unwrap(), page["text"].as_str().unwrap()).to_lowercase()
}

#[test]
fn the_options_of_a_choice_field_are_words_of_their_own() {
    let index = index();
    let words = words(&index);
    for option in ["yes", "no", "applying"] {
        assert!(words.iter().any(|w| w == option), "{option} in {words:?}");
    }
    assert!(!words.iter().any(|w| w.contains("yesno") || w.contains("noapplying")));
    let form = page_text(&index, "forms/sole-trader-checklist.html");
    assert!(form.contains("yes no applying"), "{form}");
}

#[test]
fn every_word_of_the_index_is_a_word_of_some_page_and_none_is_two_glued_together() {
    let index = index();
    let pages = index["pages"].as_array().unwrap();
    let texts: Vec<String> = pages
        .iter()
        .map(|p| format!("{} {}", p["title"].as_str().unwrap(), p["text"].as_str().unwrap()).to_lowercase())
        .collect();
    let is_word_char = |c: char| c.is_alphanumeric() && !guidegen::search::is_han(c);
    for word in words(&index) {
        let whole = texts.iter().any(|text| {
            text.match_indices(word.as_str()).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + word.len()..].chars().next();
                !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
            })
        });
        assert!(whole, "`{word}` is not a whole word of any page's text");
    }
}

#[test]
fn the_start_of_a_word_finds_the_pages_with_the_word() {
    let index = index();
    let registers: Vec<String> = words(&index).into_iter().filter(|w| w.starts_with("regist")).collect();
    for word in ["register", "registered", "registration"] {
        assert!(registers.iter().any(|w| w == word), "{word} in {registers:?}");
    }
    let found = pages_starting(&index, "regist");
    for url in [
        "stages/register-company.html",
        "stages/register-vat.html",
        "stages/register-paye.html",
        "forms/sole-trader-checklist.html",
        "guides/choosing-a-structure.html",
    ] {
        assert!(found.iter().any(|u| u == url), "regist finds {url}: {found:?}");
        assert!(page_text(&index, url).contains("regist"), "{url}");
    }
    assert!(pages_starting(&index, "egist").is_empty(), "only the start of a word");
}

#[test]
fn the_theme_s_labels_and_the_providers_names_are_not_page_text() {
    let index = index();
    for page in index["pages"].as_array().unwrap() {
        let text = page["text"].as_str().unwrap();
        for interface in [
            "依据",
            "办理人",
            "这一步用到的材料",
            "必需",
            "已准备好",
            "You prepare it",
            "HMRC issues it",
            "Companies House issues it",
        ] {
            assert!(!text.contains(interface), "{interface} in {}: {text}", page["url"]);
        }
    }
    // What they labelled stays: the actor. The line naming the source (`data-nosearch`) goes
    // whole, so the source's title does not fill the step's snippets; the sources page has it.
    let stage = page_text(&index, "stages/register-vat.html");
    assert!(stage.contains("you, then hmrc"), "{stage}");
    assert!(!stage.contains("set up a business"), "{stage}");
    assert!(page_text(&index, "sources.html").contains("set up a business"));
}

#[test]
fn in_the_browser_a_prefix_finds_the_pages_and_titles_keep_the_spaces_around_the_mark() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    record_page_errors(&tab);
    let url = |query: &str| format!("file://{}/search.html?q={query}", output().display());
    open(&tab, &url("regist"));
    wait_until(
        &tab,
        "document.querySelectorAll('#search-results li').length > 0",
        "results for regist",
    );
    let hrefs = eval(
        &tab,
        "Array.from(document.querySelectorAll('#search-results li a')).map(a => a.getAttribute('href'))",
    );
    assert!(
        hrefs
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h == "stages/register-vat.html"),
        "{hrefs}"
    );

    open(&tab, &url("for"));
    wait_until(
        &tab,
        "document.querySelectorAll('#search-results li').length > 0",
        "results for for",
    );
    // The title's text as laid out is as wide as the same words in one line of text: no space
    // is lost beside the mark (in a flex box each piece of text would lose the spaces at its ends).
    let widths = eval(
        &tab,
        "Array.from(document.querySelectorAll('#search-results .search-title')).filter(a => a.querySelector('mark')).map(a => {
           const probe = document.createElement('span');
           probe.style.fontWeight = '700';
           probe.style.whiteSpace = 'pre';
           probe.textContent = a.textContent;
           a.parentNode.appendChild(probe);
           const range = document.createRange();
           range.selectNodeContents(a);
           const gap = range.getBoundingClientRect().width - probe.getBoundingClientRect().width;
           probe.remove();
           return [a.textContent, a.querySelector('mark').textContent, gap];
         })",
    );
    let widths = widths.as_array().unwrap();
    assert!(!widths.is_empty());
    for row in widths {
        let (title, mark, gap) = (
            row[0].as_str().unwrap(),
            row[1].as_str().unwrap(),
            row[2].as_f64().unwrap(),
        );
        assert!(mark.to_lowercase().starts_with("for"), "{title}: {mark}");
        assert!(
            gap.abs() < 1.0,
            "`{title}` is {gap}px off its width as one line of text"
        );
    }
    assert!(page_errors(&tab).is_empty(), "{:?}", page_errors(&tab));
}
