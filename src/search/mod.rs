//! Site search, built at build time: the rendered pages in, one script `assets/search-index.js`
//! out. The browser side is `themes/default/static/search.js`; the index is loaded with a
//! `<script>` tag (not `fetch`), so search works from `file://` and needs no server.
//!
//! # What is indexed
//!
//! Every `.html` page except `404.html`, `search.html` and anything under `assets/`: the text of
//! its `<title>` (without the ` · <site title>` suffix) and the visible text of its `<main>`
//! element (of `<body>` when it has no `<main>`; a file with neither is skipped), less the title
//! at its start (the page's heading, which a snippet would show twice). Tags are
//! removed (block tags become a space, inline tags like `<strong>` nothing, so 请<strong>务必</strong>
//! stays one run of text), `<script>`, `<style>`, `<noscript>`, `<template>`, `<nav>` (the
//! table of contents, the section's page list and the pager repeat other pages' titles),
//! elements with a `hidden` attribute, decorative ones (`aria-hidden="true"`: the tick box before
//! each option of a form's choice field, which also keeps `Yes` and `No` apart), elements a
//! theme marks `data-nosearch`, and comments are dropped, entities are decoded and whitespace is
//! collapsed. The kind of page (`stage`, `checklist`, …) is read from the `data-search-kind`
//! attribute of `<main>` (the default theme writes the page's key there), so the browser can
//! label each result and fold the many near-identical pages of one kind (the checklists, one
//! per subject type) into one result. The theme's own words around the content (its labels, such as 依据： or 第 1 步,
//! and the provider's name on every material) are left out too: see `chrome`.
//!
//! # Grams
//!
//! Chinese has no spaces, so words cannot be split off without a dictionary. Instead every pair
//! of adjacent Han characters (CJK Unified Ideographs) is a gram: 图书馆 gives 图书 and 书馆.
//! Other text gives lower-cased words: runs of letters and digits of any script but Han
//! (Unicode's Alphabetic and Numeric) of two or more characters (`ICP` → `icp`, `12381`,
//! `Société` → `société`). A query is split the same way in the browser, and a page matches when
//! it holds every Han gram of the query and, for every word of the query, a word that starts
//! with it (`regist` finds `register` and `registration`: the browser looks the prefix up in the
//! sorted words of the index). The browser then checks that each Chinese run of the query occurs
//! as written in the page's text (a page with 工作 far from 作业 holds 工作 and 作业 but not
//! 工作业), so any Chinese query of two or more characters finds exactly the pages that contain
//! it. A one-character query has no gram: the browser scans the stored texts.
//!
//! # Format
//!
//! ```text
//! window.GUIDEGEN_SEARCH = {"kinds":["checklist","form","stage",…],
//!   "pages":[{"url":"stages/sms-verification.html","title":"…","text":"…","kind":2},…],
//!   "grams":{"12381":"1G13","工作":"12","办理":"~__7",…}};
//! ```
//!
//! `kinds` lists the kinds of page the pages name, each once, sorted, and `pages[i].kind` is the
//! place of the page's kind in it (left out, like `kinds` when empty, for a page whose `<main>`
//! names none): a number of one or two digits costs less per page than the kind's name.
//!
//! `pages[i].url` is the page's path inside the site (relative to the site root, percent-encoded
//! as in links, see `href::encode_path`), `title` its
//! title, `text` the start of its text (see below) and `more: true` when `text` was cut short.
//! `grams` maps each gram, keys sorted, to the numbers of the pages holding it (ascending),
//! written in whichever of two codes is shorter:
//!
//! - gap codes: each number as its distance from the previous one (the first from -1, so every
//!   gap is ≥ 1) in base 32, least significant digit first; the last digit of a gap is one of
//!   `0-9a-v` (0–31), the others one of `w-zA-Z-_` (0–31). `"1G13"` is the pages 0, 42 and 45
//!   (gaps 1, 42 = 10 + 1·32, 3). A page costs one character while the gaps stay under 32.
//! - a bitmap, for grams in most pages: `~` then one character of `0-9a-zA-Z-_` (0–63) per six
//!   pages, bit `j` of character `i` standing for page `6i + j`. `"~1w"` is the pages 0 and 11.
//!
//! A JSON array of numbers would cost 4–6 characters per page on a large site.
//!
//! The JSON is written by `serde_json`, keys in sorted order, so the same pages give the same
//! bytes, and put in the script by `script_json`, as the timeline's data is: every `<`, `>`, `&`,
//! U+2028 and U+2029 is written as a `\u` escape (`<` as `\u003c`), so no text can end the script
//! (`</script>`) or open a comment (`<!--`) wherever the file is loaded.
//!
//! # Size: the text kept per page
//!
//! The grams find every page, whatever its length. The stored `text` is only for the snippet
//! and for the exact check of Chinese runs, and keeping all of it costs: 10,000 pages of about
//! 3 KB of text would make a 30 MB index, loaded whole by the search page. So the texts share
//! a budget of [`TEXT_BUDGET_CHARS`] characters: pages shorter than a common cap keep all
//! their text, longer ones are cut at the cap, the cap chosen as large as the budget allows
//! (never below [`MIN_TEXT_CHARS`]). A site of a few hundred pages keeps all of its text; a
//! very large site keeps the first part of each long page. The trade-off, for a match beyond
//! the kept part of a cut page (`more: true`): the snippet shows the start of the page without
//! a highlight, and for a Chinese query of three or more characters whose grams the page holds
//! only apart, the page is shown anyway (it cannot be checked); ranking counts occurrences
//! only in the kept part.
//!
//! Measured on the synthetic 10,000-page corpus of `bench/` (about 3.2 KB of mixed Chinese
//! and English Markdown a page, 438 MB of HTML with the section navigation): 10,053 pages,
//! 35,718 grams, a 6.5 MB index (2.5 MB gzipped; 4.1 MB of it the pages and their first 200
//! characters, 2.5 MB the grams), built in about 0.8 s on one core. A browser reads it and
//! answers the first query in about half a second; later queries take 20–100 ms. The default
//! site (35 pages) keeps all its text: 0.20 MB. The kinds of page add 9 bytes a page (about
//! 90 KB at 10,000 pages, 1.4 %).
//!
//! # Speed
//!
//! The index is built on every build, so each page is read once, in parallel: the scan jumps
//! from markup to markup eight bytes at a time, skips skipped elements by looking for the
//! last letter of their closing tag, and records the grams while it collects the text.
//!
//! # Parts
//!
//! `index.rs` builds the index from the pages; `html_text.rs` reads a page's visible text and
//! `chrome.rs` takes the theme's words out of it; `tokens.rs` splits text into grams and
//! `codec.rs` writes the page numbers. The last two have twins in `search.js` (`analyse`,
//! `decode`) that must change with them.

mod chrome;
mod codec;
mod html_text;
mod index;
mod tokens;

use crate::render::OutputFile;

pub use chrome::InterfaceWords;
pub use codec::decode_numbers;
pub(crate) use index::build_index_with;
pub use index::IndexBuilder;
pub use tokens::is_han;

/// Where the index goes in the output folder.
pub const INDEX_PATH: &str = "assets/search-index.js";

/// Characters of page text the index keeps, for all pages together (2–6 MB of UTF-8).
pub const TEXT_BUDGET_CHARS: usize = 2_000_000;

/// Characters of text every page keeps however large the site (so a snippet has some context).
pub const MIN_TEXT_CHARS: usize = 200;

/// Builds `assets/search-index.js` from the rendered site (only its `.html` pages are read),
/// leaving out the theme's `interface` words.
pub fn build_index(files: &[OutputFile], interface: &InterfaceWords) -> OutputFile {
    build_index_with(files, interface, TEXT_BUDGET_CHARS, MIN_TEXT_CHARS, &|| false).expect("never stopped")
}

/// [`build_index`], giving up (`None`) as soon as `stop` says so: `serve` abandons the index of
/// a build that a newer one has replaced.
pub fn build_index_unless(
    files: &[OutputFile],
    interface: &InterfaceWords,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<OutputFile> {
    build_index_with(files, interface, TEXT_BUDGET_CHARS, MIN_TEXT_CHARS, stop)
}

#[cfg(test)]
mod tests {
    use super::index::PageText;
    use super::tokens::{Grams, TextSink};
    use super::*;
    use serde_json::Value;

    /// A page shaped like the default theme's: header navigation, breadcrumbs, `<main>`, footer.
    pub(super) fn page(path: &str, title: &str, main: &str) -> OutputFile {
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{title} · 微信小程序备案指南</title>\n<link rel=\"stylesheet\" href=\"../assets/style.css\">\n\
             </head>\n<body class=\"page-stage\">\n<a class=\"skip-link\" href=\"#main\">跳到正文</a>\n\
             <header class=\"site-header\"><a class=\"site-title\" href=\"../index.html\">微信小程序备案指南</a>\n\
             <nav class=\"site-nav\" aria-label=\"主导航\"><ul><li><a href=\"../forms/index.html\">核验单</a></li></ul></nav>\n\
             </header>\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n{main}\n</main>\n\
             <footer class=\"site-footer\"><p>规则最后核对日期</p></footer>\n\
             <script src=\"../assets/site.js\" defer></script>\n</body>\n</html>\n"
        );
        OutputFile {
            path: path.to_string(),
            bytes: html.into_bytes().into(),
        }
    }

    pub(super) fn parse(index: &OutputFile) -> Value {
        let js = std::str::from_utf8(&index.bytes).unwrap();
        let json = js
            .strip_prefix("window.GUIDEGEN_SEARCH = ")
            .and_then(|rest| rest.strip_suffix(";\n"))
            .expect("the index is one assignment");
        serde_json::from_str(json).expect("the index is JSON")
    }

    /// The pages holding a gram.
    pub(super) fn pages_of(index: &Value, gram: &str) -> Vec<u32> {
        index["grams"][gram]
            .as_str()
            .and_then(decode_numbers)
            .unwrap_or_default()
    }

    /// The search as `search.js` runs it: every Han gram of the query, for every word of the
    /// query a word of the index that starts with it, then every Chinese run checked in the
    /// title or text. Returns the matching pages' urls, in page order.
    pub(super) fn find(index: &Value, query: &str) -> Vec<String> {
        let mut grams = Grams::default();
        let mut sink = TextSink::new(&mut grams);
        query.chars().for_each(|c| sink.push(c));
        sink.finish();
        let all = index["grams"].as_object().unwrap();
        let mut lists: Vec<Vec<u32>> = grams
            .han
            .iter()
            .map(|pair| pages_of(index, &pair_text(*pair)))
            .collect();
        for word in grams.words() {
            let mut pages: Vec<u32> = all
                .keys()
                .filter(|key| key.starts_with(word) && !key.starts_with(is_han))
                .flat_map(|key| pages_of(index, key))
                .collect();
            pages.sort_unstable();
            pages.dedup();
            lists.push(pages);
        }
        assert!(!lists.is_empty(), "query {query:?} has no gram");
        let runs: Vec<String> = query
            .split(|c: char| !is_han(c))
            .filter(|run| run.chars().count() >= 2)
            .map(str::to_string)
            .collect();
        let pages = index["pages"].as_array().unwrap();
        let mut hits = lists[0].clone();
        for other in &lists[1..] {
            hits.retain(|n| other.contains(n));
        }
        hits.into_iter()
            .map(|n| &pages[n as usize])
            .filter(|p| {
                let (title, text) = (p["title"].as_str().unwrap(), p["text"].as_str().unwrap());
                runs.iter()
                    .all(|run| title.contains(run.as_str()) || text.contains(run.as_str()))
            })
            .map(|p| p["url"].as_str().unwrap().to_string())
            .collect()
    }

    /// The two characters a Han bigram key stands for.
    pub(super) fn pair_text(pair: u64) -> String {
        [(pair >> 32) as u32, pair as u32]
            .iter()
            .map(|&c| char::from_u32(c).unwrap())
            .collect()
    }

    pub(super) fn extract(main: &str) -> PageText {
        let file = page("p.html", "标题", main);
        PageText::extract(&file.path, &file.bytes, &InterfaceWords::default()).unwrap()
    }

    /// A page's Han bigrams, sorted, each once.
    pub(super) fn han_grams(page: &PageText) -> Vec<String> {
        let mut grams: Vec<String> = page.grams.han.iter().map(|pair| pair_text(*pair)).collect();
        grams.sort();
        grams.dedup();
        grams
    }

    /// A page's words, sorted, each once.
    pub(super) fn words(page: &PageText) -> Vec<&str> {
        let mut words: Vec<&str> = page.grams.words().collect();
        words.sort_unstable();
        words.dedup();
        words
    }

    #[test]
    fn title_loses_the_site_title_only() {
        let files = [
            page("a.html", "A · B", "<p>x</p>"),
            OutputFile {
                path: "index.html".into(),
                bytes: "<title>微信小程序备案指南</title><main><p>首页</p></main>"
                    .as_bytes()
                    .into(),
            },
        ];
        let index = parse(&build_index(&files, &InterfaceWords::default()));
        assert_eq!(index["pages"][0]["title"], "A · B");
        assert_eq!(index["pages"][1]["title"], "微信小程序备案指南");
        // The site title is in every page's <title>, but only the home page is found by it.
        assert_eq!(find(&index, "小程序"), ["index.html"]);
    }

    #[test]
    fn an_index_told_to_stop_gives_up() {
        let files = [page("a.html", "A", "<p>甲乙</p>")];
        assert!(build_index_unless(&files, &InterfaceWords::default(), &|| true).is_none());
        assert!(build_index_unless(&files, &InterfaceWords::default(), &|| false).is_some());
    }

    #[test]
    fn only_searchable_pages_are_indexed() {
        let files = [
            page("404.html", "页面不存在", "<p>页面</p>"),
            page("search.html", "搜索", "<p>页面</p>"),
            page("assets/demo.html", "演示", "<p>页面</p>"),
            page("guides/404.html", "指南", "<p>页面</p>"),
            OutputFile {
                path: "rules.json".into(),
                bytes: b"{\"a\": \"\xe9\xa1\xb5\xe9\x9d\xa2\"}".to_vec().into(),
            },
            OutputFile {
                path: "google123.html".into(),
                bytes: b"google-site-verification: google123.html".to_vec().into(),
            },
            OutputFile {
                path: "bare.html".into(),
                bytes: "<title>T</title><body><p>页面 bare</p></body>".as_bytes().into(),
            },
        ];
        let index = parse(&build_index(&files, &InterfaceWords::default()));
        let urls: Vec<&str> = index["pages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["url"].as_str().unwrap())
            .collect();
        assert_eq!(urls, ["guides/404.html", "bare.html"]);
        assert_eq!(index["pages"][1]["text"], "页面 bare");
        assert_eq!(find(&index, "页面"), ["guides/404.html", "bare.html"]);
    }

    #[test]
    fn chinese_queries_find_pages_that_contain_them() {
        let files = [
            page(
                "stages/sms-verification.html",
                "工信部短信核验",
                "<h1>工信部短信核验</h1><p>收到短信后 24 小时内完成<strong>核验</strong>。</p>",
            ),
            page(
                "forms/verification-individual.html",
                "个人核验单",
                "<h1>个人核验单</h1><p>非本地户籍须提供居住证。</p>",
            ),
            // 核 and 验 apart, and 居住 and 住证 apart: holds the grams of neither query.
            page(
                "guides/apart.html",
                "分开",
                "<p>核对信息，验证身份。居住地址；保住证件。</p>",
            ),
            // Holds every gram of 居住证 (居住, 住证) but not the word.
            page("guides/grams-only.html", "只有字", "<p>居住地址。保住证件。</p>"),
        ];
        let index = parse(&build_index(&files, &InterfaceWords::default()));
        assert_eq!(
            find(&index, "核验"),
            ["stages/sms-verification.html", "forms/verification-individual.html"]
        );
        assert_eq!(find(&index, "居住证"), ["forms/verification-individual.html"]);
        assert_eq!(pages_of(&index, "居住"), [1, 2, 3]);
        assert_eq!(pages_of(&index, "住证"), [1, 2, 3]);
        assert_eq!(find(&index, "短信核验"), ["stages/sms-verification.html"]);
        assert!(find(&index, "核验证").is_empty());
    }

    #[test]
    fn english_words_match_in_any_case_whole_or_by_their_start() {
        let files = [
            page(
                "a.html",
                "WeChat Mini Program",
                "<p>Filing a Mini Program takes ICP verification.</p>",
            ),
            page("b.html", "Other", "<p>wechat pay</p>"),
            page("c.html", "Programs", "<p>programs, miniature</p>"),
        ];
        let index = parse(&build_index(&files, &InterfaceWords::default()));
        assert_eq!(find(&index, "WECHAT"), ["a.html", "b.html"]);
        // `mini` starts `miniature`, `program` starts `programs`.
        assert_eq!(find(&index, "mini program"), ["a.html", "c.html"]);
        assert_eq!(find(&index, "Icp 核验"), Vec::<String>::new());
        assert_eq!(find(&index, "programs"), ["c.html"]);
        assert_eq!(find(&index, "VERIF"), ["a.html"]);
        assert_eq!(find(&index, "erification"), Vec::<String>::new());
    }

    #[test]
    fn the_same_pages_give_the_same_bytes() {
        let files: Vec<OutputFile> = (0..300)
            .map(|i| {
                page(
                    &format!("guides/p{i}.html"),
                    &format!("第{i}篇 Guide {i}"),
                    &format!(
                        "<p>核验 word{} 备案{} 材料 {}</p>",
                        i % 7,
                        ["一", "二", "三"][i % 3],
                        i * 31
                    ),
                )
            })
            .collect();
        let first = build_index(&files, &InterfaceWords::default());
        let second = build_index(&files, &InterfaceWords::default());
        assert_eq!(first, second);
        assert_eq!(first.path, "assets/search-index.js");
        let index = parse(&first);
        let keys: Vec<&String> = index["grams"].as_object().unwrap().keys().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(pages_of(&index, "核验"), (0..300).collect::<Vec<u32>>());
        assert_eq!(
            pages_of(&index, "word3"),
            (0..300).filter(|i| i % 7 == 3).collect::<Vec<u32>>()
        );
    }

    #[test]
    fn text_cannot_end_the_script() {
        let files = [page(
            "a.html",
            "&lt;/script&gt;",
            "<p>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- x \u{2028} y \u{2029}</p>",
        )];
        let index = build_index(&files, &InterfaceWords::default());
        let js = std::str::from_utf8(&index.bytes).unwrap();
        assert!(!js.contains(['<', '>', '&']), "{js}");
        assert!(!js.contains('\u{2028}') && !js.contains('\u{2029}'));
        assert!(js.contains("\\u003c/script\\u003e"));
        let index = parse(&index);
        assert_eq!(index["pages"][0]["title"], "</script>");
        assert_eq!(index["pages"][0]["text"], "</script><script>alert(1)</script> <!-- x y");
    }
}
