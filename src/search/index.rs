//! Building the index: every searched page read in parallel into its text and grams, the grams
//! merged into one map from gram to page numbers, and all of it written as one script (the
//! format is in `search`'s documentation). The same pages always give the same bytes.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use super::chrome::{InterfaceWords, WithoutInterface};
use super::codec::encode_numbers;
use super::html_text::{content_start, start_tag_with, visible_text, TextOut};
use super::tokens::{Grams, TextSink};
use super::INDEX_PATH;
use crate::render::OutputFile;

/// The attribute of a page's `<main>` that names its kind (`stage`, `checklist`, …): the
/// browser labels each result with it and may fold results of one kind together.
pub(super) const KIND_ATTRIBUTE: &str = "data-search-kind";

/// Pages of the site that are not searched (the not-found page and the search page itself).
const SKIPPED: &[&str] = &["404.html", "search.html"];

/// [`super::build_index_unless`] with the text budget given (for tests and measurements).
pub(crate) fn build_index_with(
    files: &[OutputFile],
    interface: &InterfaceWords,
    budget: usize,
    min_chars: usize,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<OutputFile> {
    let builder = IndexBuilder::with_budget(interface, budget, min_chars);
    files.par_iter().enumerate().for_each(|(at, file)| {
        if !stop() {
            builder.add(at, &file.path, &file.bytes);
        }
    });
    if stop() {
        return None;
    }
    Some(builder.finish())
}

/// The index of a site whose pages arrive one at a time, from several threads, in any order
/// (as `build` renders them): each page is read when it arrives and its bytes are not needed
/// after. What is kept per page is its grams, each once, and the start of its text: never
/// less than the text budget will let it keep in the end (the cap only falls as pages come),
/// so the index is the same, byte for byte, as one built from all the pages at once.
pub struct IndexBuilder<'i> {
    interface: &'i InterfaceWords,
    budget: usize,
    min_chars: usize,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// Each page with its place in the site's file order.
    pages: Vec<(usize, PageText)>,
    /// Bytes of text kept for all pages.
    bytes: usize,
    /// When `bytes` passes this, the texts are cut to the cap of the pages so far (twice what
    /// was kept after the last cut, or twice the budget: cuts are rare, and what is kept stays
    /// within a few times the budget).
    next_cut: usize,
    /// The cap of the pages so far (`usize::MAX` while all their text fits).
    cap: usize,
}

impl<'i> IndexBuilder<'i> {
    /// A builder for the default text budget ([`super::TEXT_BUDGET_CHARS`]).
    pub fn new(interface: &'i InterfaceWords) -> Self {
        Self::with_budget(interface, super::TEXT_BUDGET_CHARS, super::MIN_TEXT_CHARS)
    }

    pub(crate) fn with_budget(interface: &'i InterfaceWords, budget: usize, min_chars: usize) -> Self {
        IndexBuilder {
            interface,
            budget,
            min_chars,
            kept: Mutex::new(Kept {
                next_cut: budget.saturating_mul(2),
                cap: usize::MAX,
                ..Kept::default()
            }),
        }
    }

    /// Reads the page at place `at` of the site (anything but a searched page is passed over).
    pub fn add(&self, at: usize, path: &str, html: &[u8]) {
        if !is_searched(path) {
            return;
        }
        let Some(mut page) = PageText::extract(path, html, self.interface) else {
            return;
        };
        page.grams.compact();
        let mut guard = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let kept = &mut *guard;
        keep_start(&mut page, kept.cap);
        kept.bytes += page.text.len();
        kept.pages.push((at, page));
        if kept.bytes > kept.next_cut {
            let lengths: Vec<usize> = kept.pages.iter().map(|(_, page)| page.chars).collect();
            let cap = text_cap(&lengths, self.budget, self.min_chars);
            kept.cap = cap;
            kept.bytes = 0;
            for (_, page) in &mut kept.pages {
                keep_start(page, cap);
                kept.bytes += page.text.len();
            }
            kept.next_cut = kept.bytes.max(self.budget).saturating_mul(2);
        }
    }

    /// The index of every page added, in the order of their places.
    pub fn finish(self) -> OutputFile {
        let mut pages = self
            .kept
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pages;
        pages.sort_unstable_by_key(|(at, _)| *at);
        let pages: Vec<PageText> = pages.into_iter().map(|(_, page)| page).collect();
        assemble(&pages, self.budget, self.min_chars)
    }
}

/// Drops the text of `page` past its first `cap` characters (`page.chars` stays the whole
/// length, which the final cut needs).
fn keep_start(page: &mut PageText, cap: usize) {
    if page.chars > cap {
        if let Some((end, _)) = page.text.char_indices().nth(cap) {
            page.text.truncate(end);
            page.text.shrink_to_fit();
        }
    }
}

/// The index script of `pages`, in their order.
fn assemble(pages: &[PageText], budget: usize, min_chars: usize) -> OutputFile {
    // Page numbers are positions in `pages`, which keeps the order of `files`; each gram's list
    // is filled in that order, so it comes out sorted, and a page's repeats are easy to drop.
    fn add(list: &mut Vec<u32>, number: u32) {
        if list.last() != Some(&number) {
            list.push(number);
        }
    }
    let mut han: HashMap<u64, Vec<u32>, FastHash> = HashMap::default();
    let mut words: HashMap<&str, Vec<u32>, FastHash> = HashMap::default();
    for (number, page) in pages.iter().enumerate() {
        let number = number as u32;
        for &pair in &page.grams.han {
            add(han.entry(pair).or_default(), number);
        }
        for word in page.grams.words() {
            add(words.entry(word).or_default(), number);
        }
    }
    let mut grams: BTreeMap<Cow<str>, String> = BTreeMap::new();
    for (pair, numbers) in &han {
        let key: String = [(pair >> 32) as u32, *pair as u32]
            .into_iter()
            .map(|c| char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        grams.insert(Cow::Owned(key), encode_numbers(numbers));
    }
    for (word, numbers) in &words {
        grams.insert(Cow::Borrowed(*word), encode_numbers(numbers));
    }

    // The kinds of page, each named once; a page refers to its kind by its place in the list.
    let mut kinds: Vec<&str> = pages.iter().filter_map(|page| page.kind.as_deref()).collect();
    kinds.sort_unstable();
    kinds.dedup();

    let lengths: Vec<usize> = pages.iter().map(|page| page.chars).collect();
    let cap = text_cap(&lengths, budget, min_chars);
    let entries: Vec<PageEntry> = pages
        .iter()
        .map(|page| {
            let (text, more) = cut(&page.text, page.chars, cap);
            PageEntry {
                url: &page.url,
                title: &page.title,
                text,
                more,
                kind: page.kind.as_deref().and_then(|kind| kinds.binary_search(&kind).ok()),
            }
        })
        .collect();

    let script = crate::script_json::window_assignment(
        "GUIDEGEN_SEARCH",
        &Index {
            kinds,
            pages: entries,
            grams,
        },
    );
    OutputFile {
        path: INDEX_PATH.to_string(),
        bytes: script.into_bytes().into(),
    }
}

#[derive(Serialize)]
struct Index<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kinds: Vec<&'a str>,
    pages: Vec<PageEntry<'a>>,
    grams: BTreeMap<Cow<'a, str>, String>,
}

#[derive(Serialize)]
struct PageEntry<'a> {
    url: &'a str,
    title: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    more: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<usize>,
}

fn is_searched(path: &str) -> bool {
    path.ends_with(".html") && !SKIPPED.contains(&path) && !path.starts_with("assets/")
}

/// The largest cap such that the pages' texts, each cut to the cap, fit in `budget`
/// characters, but at least `min_chars`; `usize::MAX` when everything fits.
fn text_cap(lengths: &[usize], budget: usize, min_chars: usize) -> usize {
    if lengths.iter().sum::<usize>() <= budget {
        return usize::MAX;
    }
    let mut sorted = lengths.to_vec();
    sorted.sort_unstable();
    // Pages shorter than the cap keep their text; the others share what is left equally.
    let mut left = budget;
    for (i, &len) in sorted.iter().enumerate() {
        let share = left / (sorted.len() - i);
        if len > share {
            return share.max(min_chars);
        }
        left -= len;
    }
    usize::MAX
}

/// The first `cap` characters of `text` (which has `chars` characters), and whether it was cut.
fn cut(text: &str, chars: usize, cap: usize) -> (&str, bool) {
    if chars <= cap {
        return (text, false);
    }
    let end = text.char_indices().nth(cap).map_or(text.len(), |(at, _)| at);
    (text[..end].trim_end(), true)
}

/// A small fast hash (FxHash's) for the gram maps: their keys are short and not chosen by an
/// attacker, and SipHash is most of the cost of merging millions of entries.
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

type FastHash = std::hash::BuildHasherDefault<FastHasher>;

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.write_u64(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        }
        for &b in chunks.remainder() {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What the index needs of one page, read in one pass over its HTML.
pub(super) struct PageText {
    pub(super) url: String,
    pub(super) title: String,
    /// The kind of page its `<main>` names in [`KIND_ATTRIBUTE`], if it does.
    pub(super) kind: Option<String>,
    /// The visible text of `<main>` less the interface words, whitespace collapsed, without the
    /// title when it starts with it (the page's heading).
    pub(super) text: String,
    /// `text` in characters.
    pub(super) chars: usize,
    /// The grams of the title and the text, in order, repeats included.
    pub(super) grams: Grams,
}

impl PageText {
    /// `None` for a file without `<main>` or `<body>` (not a page of the site). The theme's
    /// `interface` words are left out of the text (see `chrome`), not of the title.
    pub(super) fn extract(url: &str, html: &[u8], interface: &InterfaceWords) -> Option<PageText> {
        let mut grams = Grams::default();
        let title = match content_start(html, "title") {
            Some(start) => {
                let mut throwaway = Grams::default();
                let mut sink = TextSink::new(&mut throwaway);
                visible_text(html, start, "title", &mut sink);
                let full = sink.finish();
                let title = match full.rfind(" · ") {
                    Some(at) => full[..at].trim_end().to_string(),
                    None => full,
                };
                // Index the page's own title, not the site title it ends with.
                let mut sink = TextSink::new(&mut grams);
                title.chars().for_each(|c| sink.push(c));
                sink.finish();
                title
            }
            None => String::new(),
        };
        let (start, stop, kind) = match start_tag_with(html, "main", KIND_ATTRIBUTE) {
            Some((start, kind)) => (start, "main", kind),
            None => (content_start(html, "body")?, "body", None),
        };
        let mut sink = WithoutInterface::new(interface, TextSink::new(&mut grams));
        visible_text(html, start, stop, &mut sink);
        let mut text = sink.finish().finish();
        // A page's text mostly starts with its heading, the title again: a snippet would show it
        // twice. The title's grams are in already.
        if let Some(rest) = text.strip_prefix(title.as_str()) {
            if !title.is_empty() && (rest.is_empty() || rest.starts_with(' ')) {
                text = rest.trim_start().to_string();
            }
        }
        Some(PageText {
            url: crate::href::encode_path(url).into_owned(),
            title,
            kind,
            chars: text.chars().count(),
            text,
            grams,
        })
    }
}

/// The scanner hands the page's text straight to the tokenizer, so the text is read only once.
impl TextOut for TextSink<'_> {
    fn push(&mut self, c: char) {
        TextSink::push(self, c);
    }

    fn boundary(&mut self) {
        TextSink::boundary(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::build_index;
    use crate::search::tests::{page, pages_of, parse};

    #[test]
    fn each_page_names_its_kind_from_its_main_element_by_a_place_in_one_list() {
        let with_kind = |path: &str, kind: &str| OutputFile {
            path: path.to_string(),
            bytes: format!("<title>T</title><main class=\"wrap\" data-search-kind=\"{kind}\"><p>核验</p></main>")
                .into_bytes()
                .into(),
        };
        let files = [
            with_kind("checklists/a.html", "checklist"),
            with_kind("stages/b.html", "stage"),
            with_kind("checklists/c.html", "checklist"),
            page("no-kind.html", "无", "<p>核验</p>"),
        ];
        let index = parse(&build_index(&files, &InterfaceWords::default()));
        assert_eq!(index["kinds"], serde_json::json!(["checklist", "stage"]));
        let kinds: Vec<Option<u64>> = index["pages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.get("kind").and_then(serde_json::Value::as_u64))
            .collect();
        assert_eq!(kinds, [Some(0), Some(1), Some(0), None]);
        // A site whose pages name no kind has no list of kinds.
        let index = parse(&build_index(&files[3..], &InterfaceWords::default()));
        assert!(index.get("kinds").is_none());
    }

    #[test]
    fn a_text_that_starts_with_the_page_s_title_leaves_it_to_the_title() {
        let files = [
            page(
                "a.html",
                "工信部短信核验",
                "<h1>工信部短信核验</h1><p>收到短信后完成核验。</p>",
            ),
            page("b.html", "核验", "<p>核验单要签字。</p>"),
            page("c.html", "只有标题", "<h1>只有标题</h1>"),
        ];
        let index = parse(&build_index(&files, &InterfaceWords::default()));
        assert_eq!(index["pages"][0]["text"], "收到短信后完成核验。");
        // 核验 is the start of a word of the text, not a heading: it stays.
        assert_eq!(index["pages"][1]["text"], "核验单要签字。");
        assert_eq!(index["pages"][2]["text"], "");
        // The title's words still find the page.
        assert_eq!(pages_of(&index, "短信"), [0]);
        assert_eq!(pages_of(&index, "标题"), [2]);
    }

    #[test]
    fn long_texts_share_the_budget() {
        assert_eq!(text_cap(&[10, 20, 30], 60, 5), usize::MAX);
        // 10 and 20 fit; 30 and 40 share the 40 left.
        assert_eq!(text_cap(&[40, 10, 30, 20], 70, 5), 20);
        assert_eq!(text_cap(&[40, 10, 30, 20], 60, 5), 16);
        assert_eq!(text_cap(&[40, 10, 30, 20], 60, 18), 18);
        assert_eq!(cut("核验 abc", 6, 3), ("核验", true));
        assert_eq!(cut("核验 abc", 6, 6), ("核验 abc", false));

        let long = "核验单".repeat(100);
        let files = [
            page("short.html", "短", "<p>短文</p>"),
            page("long.html", "长", &format!("<p>{long}</p><p>末尾 tail</p>")),
        ];
        let index = parse(&build_index_with(&files, &InterfaceWords::default(), 40, 10, &|| false).unwrap());
        assert_eq!(index["pages"][0]["text"], "短文");
        assert!(index["pages"][0].get("more").is_none());
        assert_eq!(index["pages"][1]["text"].as_str().unwrap().chars().count(), 38);
        assert_eq!(index["pages"][1]["more"], true);
        // Grams come from the whole text: a word past the cut is still found.
        assert_eq!(pages_of(&index, "tail"), [1]);
        assert_eq!(pages_of(&index, "末尾"), [1]);
    }

    #[test]
    fn adding_a_page_never_raises_the_cap() {
        // The builder cuts texts to the cap of the pages so far; that is safe only because the
        // final cap is never above it.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize
        };
        for _ in 0..200 {
            let (budget, min) = (next() % 5_000, next() % 50);
            let mut lengths = Vec::new();
            let mut cap = text_cap(&lengths, budget, min);
            for _ in 0..60 {
                lengths.push(next() % 400);
                let now = text_cap(&lengths, budget, min);
                assert!(
                    now <= cap,
                    "{lengths:?}, budget {budget}: the cap rose from {cap} to {now}"
                );
                cap = now;
            }
        }
    }

    #[test]
    fn pages_added_in_any_order_and_cut_on_the_way_give_the_index_of_all_pages_at_once() {
        let files: Vec<OutputFile> = (0..120)
            .map(|i| {
                let text = format!("核验第{i}步。").repeat(i % 9 + 1) + &" word".repeat(i % 5);
                page(
                    &format!("guides/p{i:03}.html"),
                    &format!("第{i}篇"),
                    &format!("<p>{text}</p>"),
                )
            })
            .collect();
        let (budget, min) = (600, 12);
        let interface = InterfaceWords::default();
        let builder = IndexBuilder::with_budget(&interface, budget, min);
        // Last page first, then the others interleaved, as threads might hand them over.
        for at in (0..files.len()).rev().step_by(2).chain((0..files.len()).step_by(2)) {
            builder.add(at, &files[at].path, &files[at].bytes);
        }
        let kept = builder.kept.lock().unwrap().bytes;
        // Three bytes a character here; cut when twice the budget is kept.
        assert!(
            kept <= 6 * budget,
            "{kept} bytes of text kept for a budget of {budget} characters"
        );
        let streamed = builder.finish();
        // What the index was before pages came one at a time: every page whole, then cut once.
        let whole: Vec<PageText> = files
            .iter()
            .map(|f| PageText::extract(&f.path, &f.bytes, &InterfaceWords::default()).unwrap())
            .collect();
        let at_once = assemble(&whole, budget, min);
        assert_eq!(
            std::str::from_utf8(&streamed.bytes),
            std::str::from_utf8(&at_once.bytes)
        );
        assert!(parse(&streamed)["pages"][100]["more"] == true, "the budget cut nothing");
    }
}
