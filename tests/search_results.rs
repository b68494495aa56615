//! Search results on the default site, in Chromium: each result says what kind of page it is
//! (step, checklist, form, guide), the per-subject checklists come as one result that says in
//! how many checklists the words are, snippets are the pages' own text (not the theme's words
//! around it), and on a 375-px phone the results do not scroll sideways, a highlighted word
//! stays in its title's line, and the search boxes show their placeholder whole. Screenshots of
//! two searches at 375 and 1280 px go to `tests/screenshots/search-*.png`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::browser::*;
use common::*;
use headless_chrome::Tab;
use serde_json::Value;

/// The default site built once for this test binary.
fn output() -> &'static Path {
    static OUTPUT: OnceLock<PathBuf> = OnceLock::new();
    OUTPUT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("search-results-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let result = bin()
            .args(["build", "--today", TODAY, "--root"])
            .arg(repo_root())
            .arg("--output")
            .arg(&dir)
            .output()
            .expect("run guidegen");
        assert!(result.status.success(), "{}", text(&result.stderr));
        dir
    })
}

/// A label of the default theme in Chinese, with the site's `words:` over it.
fn label(key: &str) -> String {
    let read = |path: PathBuf| -> Value { serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap() };
    let site = read(repo_root().join("content/site.yaml"));
    if let Some(word) = site["words"][key].as_str() {
        return word.to_string();
    }
    let labels = read(repo_root().join("themes/default/labels/zh-CN.yaml"));
    labels[key]
        .as_str()
        .unwrap_or_else(|| panic!("no label {key}"))
        .to_string()
}

/// The subjects' checklist pages of the built site (not their index).
fn checklist_pages() -> Vec<String> {
    let mut pages: Vec<String> = std::fs::read_dir(output().join("checklists"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".html") && name != "index.html")
        .map(|name| format!("checklists/{name}"))
        .collect();
    pages.sort();
    pages
}

/// Opens the search page for `query` and waits for its results.
fn search(tab: &Tab, query: &str) {
    let encoded: String = query.bytes().map(|b| format!("%{b:02X}")).collect();
    open(tab, &format!("file://{}/search.html?q={encoded}", output().display()));
    wait_until(
        tab,
        "document.querySelectorAll('#search-results li').length > 0",
        &format!("results for {query}"),
    );
}

/// Each result as [kind label, title link href, title text, member hrefs, snippet text].
fn results(tab: &Tab) -> Vec<Value> {
    eval(
        tab,
        "Array.from(document.querySelectorAll('#search-results > li')).map(li => [
           (li.querySelector('.search-kind') || {}).textContent || '',
           li.querySelector('.search-title').getAttribute('href'),
           li.querySelector('.search-title').textContent,
           Array.from(li.querySelectorAll('.search-members a')).map(a => a.getAttribute('href')),
           (li.querySelector('.snippet') || {}).textContent || '',
           (li.querySelector('.search-members') || {}).textContent || ''])",
    )
    .as_array()
    .unwrap()
    .clone()
}

#[test]
fn every_result_says_what_kind_of_page_it_is() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    record_page_errors(&tab);
    search(&tab, "核验");
    let results = results(&tab);
    let kinds: Vec<&str> = results.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert!(kinds.iter().all(|k| !k.is_empty()), "{kinds:?}");
    for (key, page) in [
        ("search_kind_stage", "stages/sms-verification.html"),
        ("search_kind_form", "forms/verification-individual.html"),
        ("search_kind_guide", "guides/sms-verification.html"),
    ] {
        let row = results
            .iter()
            .find(|r| r[1] == page)
            .unwrap_or_else(|| panic!("{page} is a result: {results:?}"));
        assert_eq!(row[0], label(key), "{page}");
    }
    // The process's own word for a form (`words:` in content/site.yaml) names the form pages.
    assert!(kinds.contains(&label("search_kind_form").as_str()));
    assert!(page_errors(&tab).is_empty(), "{:?}", page_errors(&tab));
}

#[test]
fn a_material_in_every_checklist_is_one_result_that_says_in_how_many() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let checklists = checklist_pages();
    assert!(checklists.len() >= 10, "{checklists:?}");
    // In every subject's checklist (the subject's responsible person's ID).
    search(&tab, "主体负责人证件");
    let results = results(&tab);
    let into_checklists: Vec<&Value> = results
        .iter()
        .filter(|r| r[1].as_str().unwrap().starts_with("checklists/"))
        .collect();
    assert_eq!(into_checklists.len(), 1, "one result for the checklists: {results:?}");
    let fold = into_checklists[0];
    assert_eq!(fold[1], "checklists/index.html");
    assert_eq!(fold[0], label("search_kind_checklist"));
    let said = label("search_in_checklists").replace("{n}", &checklists.len().to_string());
    assert!(fold[5].as_str().unwrap().starts_with(&said), "{fold}");
    let mut members: Vec<String> = fold[3]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect();
    members.sort();
    assert_eq!(members, checklists, "every checklist is named, once");
    assert!(fold[4].as_str().unwrap().contains("主体负责人证件"), "{fold}");
}

#[test]
fn no_snippet_holds_the_theme_s_words_around_the_content() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let tick = label("tick");
    let source_line = format!("{}{}", label("source"), label("colon"));
    let caption = format!("{} · ", label("checklists"));
    for query in ["身份证", "核验", "营业执照", "公告", "准备"] {
        search(&tab, query);
        for row in results(&tab) {
            let snippet = row[4].as_str().unwrap();
            for word in [&tick, &source_line, &caption] {
                assert!(
                    !snippet.contains(word.as_str()),
                    "{query}: {word} in the snippet of {row}"
                );
            }
        }
    }
    // The line naming a material's source (依据：…) is left out, so the source's title does not
    // fill the snippets of the steps and checklists (the sources page still has it).
    search(&tab, "关于小程序备案的公告");
    let urls: Vec<String> = results(&tab)
        .iter()
        .map(|r| r[1].as_str().unwrap().to_string())
        .collect();
    assert!(urls.contains(&"sources.html".to_string()), "{urls:?}");
    assert!(!urls.iter().any(|u| u.starts_with("checklists/")), "{urls:?}");
}

/// Whether the search results lay out well at this width: no sideways scroll, and each title
/// with a highlighted word is inline text in a block, as tall as the same text without marks.
fn check_layout(tab: &Tab, width: u32, query: &str, titles_marked: bool) -> Vec<String> {
    search(tab, query);
    let mut problems = Vec::new();
    let widths = eval(tab, "[document.documentElement.scrollWidth, window.innerWidth]");
    if widths[0].as_f64() > widths[1].as_f64() {
        problems.push(format!("{width}px, {query}: scrolls sideways ({widths})"));
    }
    let titles = eval(
        tab,
        "Array.from(document.querySelectorAll('#search-results .search-title')).filter(a => a.querySelector('mark')).map(a => {
           const probe = a.cloneNode(false);
           probe.textContent = a.textContent;
           probe.removeAttribute('href');
           a.parentNode.insertBefore(probe, a);
           const plain = probe.getBoundingClientRect().height;
           probe.remove();
           const marks = Array.from(a.querySelectorAll('mark')).map(m => getComputedStyle(m).display);
           return [a.textContent, getComputedStyle(a).display, marks, a.getBoundingClientRect().height, plain];
         })",
    );
    let titles = titles.as_array().unwrap();
    if titles_marked && titles.is_empty() {
        problems.push(format!("{width}px, {query}: no title holds a highlighted word"));
    }
    for row in titles {
        let (title, display) = (row[0].as_str().unwrap(), row[1].as_str().unwrap());
        if display.contains("flex") || display.contains("grid") {
            problems.push(format!("{width}px: the title `{title}` is display: {display}"));
        }
        if row[2].as_array().unwrap().iter().any(|d| d != "inline") {
            problems.push(format!("{width}px: a mark in `{title}` is not inline: {}", row[2]));
        }
        let (height, plain) = (row[3].as_f64().unwrap(), row[4].as_f64().unwrap());
        if (height - plain).abs() > 1.0 {
            problems.push(format!(
                "{width}px: `{title}` is {height}px tall, the same text without highlights {plain}px"
            ));
        }
    }
    problems
}

#[test]
fn on_a_phone_results_stay_in_the_screen_and_a_highlighted_title_keeps_its_lines() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    record_page_errors(&tab);
    let mut problems = Vec::new();
    for (width, mobile) in [(375, true), (1280, false)] {
        emulate_screen(&tab, width, 900, 1.0, mobile);
        // 核验 highlights words inside long titles that wrap on a phone; 身份证 is in no title.
        for (query, titles_marked) in [("核验", true), ("短信", true), ("练习版", true), ("身份证", false)] {
            problems.extend(check_layout(&tab, width, query, titles_marked));
            // For people to look at (tests/screenshots/, not kept in git).
            match query {
                "核验" => screenshot(&tab, &format!("search-verification-{width}")),
                "身份证" => screenshot(&tab, &format!("search-id-card-{width}")),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(page_errors(&tab).is_empty(), "{:?}", page_errors(&tab));
}

#[test]
fn the_search_boxes_show_their_placeholder_whole_on_a_phone_and_a_desktop() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    for (width, mobile) in [(375, true), (1280, false)] {
        emulate_screen(&tab, width, 900, 1.0, mobile);
        open(&tab, &format!("file://{}/search.html", output().display()));
        let fits = eval(
            &tab,
            "Array.from(document.querySelectorAll('#site-search-q, #search-page-q')).map(input => {
               const style = getComputedStyle(input);
               const context = document.createElement('canvas').getContext('2d');
               context.font = style.font;
               const needed = context.measureText(input.placeholder).width;
               const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
               return [input.id, input.placeholder, needed, room];
             })",
        );
        let fits = fits.as_array().unwrap();
        assert_eq!(fits.len(), 2, "{fits:?}");
        for row in fits {
            assert!(!row[1].as_str().unwrap().is_empty(), "{row}");
            assert!(
                row[2].as_f64().unwrap() <= row[3].as_f64().unwrap(),
                "{width}px: the placeholder of {} is cut off: {row}",
                row[0]
            );
        }
    }
}
