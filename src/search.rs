//! Site search, built at build time: the rendered pages in, one script `assets/search-index.js`
//! out. The browser side is `themes/default/static/search.js`; the index is loaded with a
//! `<script>` tag (not `fetch`), so search works from `file://` and needs no server.
//!
//! # What is indexed
//!
//! Every `.html` page except `404.html`, `search.html` and anything under `assets/`: the text of
//! its `<title>` (without the ` · <site title>` suffix) and the visible text of its `<main>`
//! element (of `<body>` when it has no `<main>`; a file with neither is skipped). Tags are
//! removed (block tags become a space, inline tags like `<strong>` nothing, so 请<strong>务必</strong>
//! stays one run of text), `<script>`, `<style>`, `<noscript>`, `<template>`, `<nav>` (the
//! table of contents, the section's page list and the pager repeat other pages' titles),
//! elements with a `hidden` attribute and comments are dropped, entities are decoded and
//! whitespace is collapsed.
//!
//! # Grams
//!
//! Chinese has no spaces, so words cannot be split off without a dictionary. Instead every pair
//! of adjacent Han characters (CJK Unified Ideographs) is a gram: 居住证 gives 居住 and 住证.
//! Latin text gives lower-cased words: runs of ASCII letters and digits of two or more
//! characters (`ICP` → `icp`, `12381`). A query is split the same way in the browser, and a page
//! matches when it holds every gram of the query; the browser then checks that each Chinese run
//! of the query occurs as written in the page's text (a page with 核验 far from 验证 holds 核验 and
//! 验证 but not 核验证), so any Chinese query of two or more characters finds exactly the pages
//! that contain it. A one-character query has no gram: the browser scans the stored texts.
//!
//! # Format
//!
//! ```text
//! window.GUIDEGEN_SEARCH = {"pages":[{"url":"stages/sms-verification.html","title":"…","text":"…"},…],
//!   "grams":{"12381":"1H13","核验":"12",…}};
//! ```
//!
//! `pages[i].url` is the page's path inside the site (relative to the site root), `title` its
//! title, `text` the start of its text (see below) and `more: true` when `text` was cut short.
//! `grams` maps each gram, keys sorted, to the page numbers holding it, as a string of gap
//! codes: the numbers ascending, each written as its distance from the previous one (the first
//! from -1, so every gap is ≥ 1) in base 32, least significant digit first; the last digit of
//! a gap is one of `0-9a-v` (0–31), the others one of `w-zA-Z-_` (0–31), so `"1H13"` is the
//! pages 0, 42 and 45 (gaps 1, 43 = 11 + 1·32, 3). Common grams are in most pages, their gaps are 1 and cost one character each;
//! a JSON array of numbers would cost 4–6 characters per page on a large site.
//!
//! The JSON is written by `serde_json`, keys in sorted order, so the same pages give the same
//! bytes. Every `<` is written as `\u003c` (and U+2028, U+2029 escaped), so no text can end the
//! script (`</script>`) or open a comment (`<!--`) wherever the file is loaded.
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

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::render::OutputFile;

/// Where the index goes in the output folder.
pub const INDEX_PATH: &str = "assets/search-index.js";

/// Characters of page text the index keeps, for all pages together (about 2–6 MB of index).
pub const TEXT_BUDGET_CHARS: usize = 1_500_000;

/// Characters of text every page keeps however large the site (so a snippet has some context).
pub const MIN_TEXT_CHARS: usize = 200;

/// Pages of the site that are not searched (the not-found page and the search page itself).
const SKIPPED: &[&str] = &["404.html", "search.html"];

/// Builds `assets/search-index.js` from the rendered site (only its `.html` pages are read).
pub fn build_index(files: &[OutputFile]) -> OutputFile {
    build_index_with(files, TEXT_BUDGET_CHARS, MIN_TEXT_CHARS)
}

/// [`build_index`] with the text budget given (for tests and measurements).
pub(crate) fn build_index_with(files: &[OutputFile], budget: usize, min_chars: usize) -> OutputFile {
    let t0 = std::time::Instant::now();
    let pages: Vec<PageText> = files
        .par_iter()
        .filter(|file| is_searched(&file.path))
        .filter_map(|file| PageText::extract(&file.path, &file.bytes))
        .collect();

    // Page numbers are positions in `pages`, which keeps the order of `files`; each gram's list
    // is filled in that order, so it is sorted without sorting.
    eprintln!("extract {:?}", t0.elapsed());
    let mut han: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut words: HashMap<&str, Vec<u32>> = HashMap::new();
    for (number, page) in pages.iter().enumerate() {
        let number = number as u32;
        for &pair in &page.han {
            han.entry(pair).or_default().push(number);
        }
        for word in &page.words {
            words.entry(word.as_str()).or_default().push(number);
        }
    }
    eprintln!("merge {:?}", t0.elapsed());
    let mut grams: BTreeMap<Cow<str>, String> = BTreeMap::new();
    for (pair, numbers) in &han {
        let mut key = String::with_capacity(8);
        key.push(char::from_u32((pair >> 32) as u32).unwrap_or('\u{fffd}'));
        key.push(char::from_u32(*pair as u32).unwrap_or('\u{fffd}'));
        grams.insert(Cow::Owned(key), encode_numbers(numbers));
    }
    for (word, numbers) in &words {
        grams.insert(Cow::Borrowed(word), encode_numbers(numbers));
    }

    eprintln!("encode {:?}", t0.elapsed());
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
            }
        })
        .collect();

    let json = serde_json::to_string(&Index { pages: entries, grams }).expect("the index serializes");
    eprintln!("json {:?}", t0.elapsed());
    let mut out = String::with_capacity(json.len() + 64);
    out.push_str("window.GUIDEGEN_SEARCH = ");
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push_str(";\n");
    OutputFile {
        path: INDEX_PATH.to_string(),
        bytes: out.into_bytes(),
    }
}

#[derive(Serialize)]
struct Index<'a> {
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
}

fn is_searched(path: &str) -> bool {
    path.ends_with(".html") && !SKIPPED.contains(&path) && !path.starts_with("assets/")
}

/// The largest cap such that the pages' texts, each cut to the cap, fit in `budget`
/// characters; at least `min_chars`; `usize::MAX` when everything fits.
fn text_cap(lengths: &[usize], budget: usize, min_chars: usize) -> usize {
    let total: usize = lengths.iter().sum();
    if total <= budget {
        return usize::MAX;
    }
    let mut sorted = lengths.to_vec();
    sorted.sort_unstable();
    // Pages shorter than the cap keep their text; the others share what is left equally.
    let mut left = budget;
    let mut cap = 0;
    for (i, &len) in sorted.iter().enumerate() {
        let share = left / (sorted.len() - i);
        if len > share {
            cap = share;
            break;
        }
        left -= len;
    }
    cap.max(min_chars)
}

/// The first `cap` characters of `text` (which has `chars` characters), and whether it was cut.
fn cut(text: &str, chars: usize, cap: usize) -> (&str, bool) {
    if chars <= cap {
        return (text, false);
    }
    let end = text.char_indices().nth(cap).map_or(text.len(), |(at, _)| at);
    (text[..end].trim_end(), true)
}

/// Digits of the gap codes: the first 32 end a number, the last 32 are followed by more digits.
const DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// Ascending page numbers as gap codes (see the module documentation).
fn encode_numbers(numbers: &[u32]) -> String {
    let mut out = String::with_capacity(numbers.len());
    let mut previous: i64 = -1;
    for &number in numbers {
        let mut gap = (i64::from(number) - previous) as u64;
        previous = i64::from(number);
        loop {
            let digit = (gap % 32) as usize;
            gap /= 32;
            if gap == 0 {
                out.push(DIGITS[digit] as char);
                break;
            }
            out.push(DIGITS[32 + digit] as char);
        }
    }
    out
}

/// What the index needs of one page, read in one pass over its HTML.
struct PageText {
    url: String,
    title: String,
    /// The visible text of `<main>`, whitespace collapsed.
    text: String,
    /// `text` in characters.
    chars: usize,
    /// Han bigrams of the title and text, each as `first << 32 | second`, sorted, unique.
    han: Vec<u64>,
    /// Latin words of the title and text, lower case, sorted, unique.
    words: Vec<String>,
}

impl PageText {
    /// `None` for a file without `<main>` or `<body>` (not a page of the site).
    fn extract(url: &str, html: &[u8]) -> Option<PageText> {
        let mut grams = Grams::default();
        let title = match content_start(html, "title") {
            Some(start) => {
                let mut sink = TextSink::new(&mut grams);
                visible_text(html, start, "title", &mut sink);
                let full = sink.finish();
                let title = match full.rfind(" · ") {
                    Some(at) => full[..at].trim_end().to_string(),
                    None => full,
                };
                // Index only the page's own title, not the site title it ends with.
                grams.clear();
                let mut sink = TextSink::new(&mut grams);
                title.chars().for_each(|c| sink.push(c));
                sink.finish();
                title
            }
            None => String::new(),
        };
        let (start, stop) = match content_start(html, "main") {
            Some(start) => (start, "main"),
            None => (content_start(html, "body")?, "body"),
        };
        let mut sink = TextSink::new(&mut grams);
        visible_text(html, start, stop, &mut sink);
        let text = sink.finish();
        let (han, words) = grams.into_sorted();
        Some(PageText {
            url: url.to_string(),
            title,
            chars: text.chars().count(),
            text,
            han,
            words,
        })
    }
}

#[derive(Default)]
struct Grams {
    han: Vec<u64>,
    words: Vec<String>,
}

impl Grams {
    fn clear(&mut self) {
        self.han.clear();
        self.words.clear();
    }

    fn into_sorted(mut self) -> (Vec<u64>, Vec<String>) {
        self.han.sort_unstable();
        self.han.dedup();
        self.words.sort_unstable();
        self.words.dedup();
        (self.han, self.words)
    }
}

/// Whether `c` is a CJK Unified Ideograph (the basic block, extensions A to I, and the
/// compatibility ideographs). `search.js` uses the same ranges.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x30000..=0x323AF)
}

/// Collects text: collapses whitespace, and records grams as characters arrive.
struct TextSink<'g> {
    text: String,
    /// A space is due before the next character.
    space: bool,
    previous_han: Option<char>,
    /// Byte offset in `text` where the current Latin word began.
    word_start: Option<usize>,
    grams: &'g mut Grams,
}

impl<'g> TextSink<'g> {
    fn new(grams: &'g mut Grams) -> Self {
        TextSink {
            text: String::new(),
            space: false,
            previous_han: None,
            word_start: None,
            grams,
        }
    }

    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.boundary();
            return;
        }
        if is_han(c) {
            if let Some(previous) = self.previous_han {
                self.grams.han.push(u64::from(previous as u32) << 32 | u64::from(c as u32));
            }
            self.previous_han = Some(c);
        } else {
            self.previous_han = None;
        }
        if !c.is_ascii_alphanumeric() {
            self.end_word();
        }
        if self.space {
            self.text.push(' ');
            self.space = false;
        }
        if c.is_ascii_alphanumeric() && self.word_start.is_none() {
            self.word_start = Some(self.text.len());
        }
        self.text.push(c);
    }

    /// A break between words (whitespace, or a tag that is not inline).
    fn boundary(&mut self) {
        self.end_word();
        self.previous_han = None;
        self.space = !self.text.is_empty();
    }

    fn end_word(&mut self) {
        if let Some(start) = self.word_start.take() {
            let word = &self.text[start..];
            if word.len() >= 2 {
                self.grams.words.push(word.to_ascii_lowercase());
            }
        }
    }

    fn finish(mut self) -> String {
        self.end_word();
        self.text
    }
}

/// The offset just past the start tag of the first element `name`, if there is one.
fn content_start(html: &[u8], name: &str) -> Option<usize> {
    let open = find_tag(html, name, 0, false)?;
    Some(tag_end(html, open))
}

/// Whether the `<` at `open` starts a tag `<name` or `</name` (any case): `Some(closing)`.
fn tag_named(html: &[u8], open: usize, name: &str) -> Option<bool> {
    let closing = html.get(open + 1) == Some(&b'/');
    let name_start = open + 1 + usize::from(closing);
    let name_end = name_start + name.len();
    let matched = html.len() > name_end
        && html[name_start..name_end].eq_ignore_ascii_case(name.as_bytes())
        && matches!(html[name_end], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    matched.then_some(closing)
}

/// The offset of the next `<name` (or `</name` when `closing`) at or after `from`.
fn find_tag(html: &[u8], name: &str, from: usize, closing: bool) -> Option<usize> {
    let mut at = from;
    while let Some(found) = find_either(html.get(at..)?, b'<', b'<') {
        let open = at + found;
        if tag_named(html, open, name) == Some(closing) {
            return Some(open);
        }
        at = open + 1;
    }
    None
}

/// The offset just past the `>` ending the tag that starts at `open` (quotes respected).
fn tag_end(html: &[u8], open: usize) -> usize {
    let mut quote = None;
    for (i, &b) in html.iter().enumerate().skip(open + 1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// How a tag bears on the text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// Inside a run of text (`<strong>`, `<a>`): no word break.
    Inline,
    /// Breaks words (`<p>`, `<li>`, `<br>`, and anything unknown).
    Block,
    /// No content and no closing tag (`<br>`, `<img>`).
    Void,
    /// Content left out: not shown, or not the page's own text. Navigation (the section's
    /// page list, the pager, a table of contents) repeats other pages' titles on every page.
    Skipped,
    /// Left out, and raw text: ended only by its closing tag.
    SkippedRaw,
}

fn tag_kind(name: &[u8]) -> TagKind {
    let mut lower = [0u8; 12];
    if name.len() > lower.len() {
        return TagKind::Block;
    }
    for (to, from) in lower.iter_mut().zip(name) {
        *to = from.to_ascii_lowercase();
    }
    match &lower[..name.len()] {
        b"a" | b"abbr" | b"b" | b"bdi" | b"bdo" | b"cite" | b"code" | b"data" | b"del" | b"dfn" | b"em" | b"font"
        | b"i" | b"ins" | b"kbd" | b"mark" | b"q" | b"s" | b"samp" | b"small" | b"span" | b"strong" | b"sub"
        | b"sup" | b"time" | b"tt" | b"u" | b"var" => TagKind::Inline,
        b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"link" | b"meta" | b"source"
        | b"track" | b"wbr" => TagKind::Void,
        b"noscript" | b"template" | b"nav" => TagKind::Skipped,
        b"script" | b"style" => TagKind::SkippedRaw,
        _ => TagKind::Block,
    }
}

/// Feeds the visible text of `html` from `from` up to the closing tag `</stop>` (or the end)
/// into `sink`: tags removed, entities decoded, skipped elements and elements with a `hidden`
/// attribute left out.
fn visible_text(html: &[u8], from: usize, stop: &str, sink: &mut TextSink) {
    let mut at = from;
    while at < html.len() {
        // The run of plain text up to the next markup.
        let next = find_either(&html[at..], b'<', b'&').map_or(html.len(), |p| at + p);
        if next > at {
            match std::str::from_utf8(&html[at..next]) {
                Ok(text) => text.chars().for_each(|c| sink.push(c)),
                Err(_) => String::from_utf8_lossy(&html[at..next]).chars().for_each(|c| sink.push(c)),
            }
        }
        at = next;
        if at >= html.len() {
            break;
        }
        if html[at] == b'&' {
            let (decoded, len) = decode_entity(&html[at..]);
            sink.push(decoded.unwrap_or('&'));
            at += len;
            continue;
        }
        // A `<`: a comment, a tag, or (in broken HTML) a literal character.
        if html[at..].starts_with(b"<!--") {
            at = find_bytes(html, b"-->", at + 4).map_or(html.len(), |p| p + 3);
            continue;
        }
        let closing = html.get(at + 1) == Some(&b'/');
        let name_start = at + 1 + usize::from(closing);
        let name_len = html[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 && !matches!(html.get(at + 1), Some(b'!' | b'?' | b'/')) {
            sink.push('<');
            at += 1;
            continue;
        }
        let name = &html[name_start..name_start + name_len];
        if closing && name.eq_ignore_ascii_case(stop.as_bytes()) {
            return;
        }
        let end = tag_end(html, at);
        let kind = tag_kind(name);
        let has_content = !closing && kind != TagKind::Void && html[end - 1] == b'>' && html[end - 2] != b'/';
        if has_content && (matches!(kind, TagKind::Skipped | TagKind::SkippedRaw) || has_attribute(&html[at..end], b"hidden")) {
            at = skip_element(html, name, end, kind == TagKind::SkippedRaw);
            sink.boundary();
            continue;
        }
        if kind != TagKind::Inline {
            sink.boundary();
        }
        at = end;
    }
}

/// The position of the first `a` or `b` in `hay`, eight bytes at a time (most of a page is
/// markup to skip, so this is the hot loop of the index).
fn find_either(hay: &[u8], a: u8, b: u8) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (fill_a, fill_b) = (LOW * u64::from(a), LOW * u64::from(b));
    let has_zero = |x: u64| x.wrapping_sub(LOW) & !x & HIGH;
    let mut chunks = hay.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        if has_zero(word ^ fill_a) | has_zero(word ^ fill_b) != 0 {
            return chunk.iter().position(|&c| c == a || c == b).map(|p| offset + p);
        }
        offset += 8;
    }
    chunks.remainder().iter().position(|&c| c == a || c == b).map(|p| offset + p)
}

/// The offset of the first `needle` in `html` at or after `from`.
fn find_bytes(html: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    html.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| from + p)
}

/// The offset just past the closing tag of the element `name` whose start tag ends at `from`
/// (nested elements of the same name counted, except in raw text like a script).
fn skip_element(html: &[u8], name: &[u8], from: usize, raw: bool) -> usize {
    let name = std::str::from_utf8(name).unwrap_or_default();
    let mut depth = 1;
    let mut at = from;
    while let Some(found) = find_either(&html[at..], b'<', b'<') {
        let open = at + found;
        at = open + 1;
        match tag_named(html, open, name) {
            Some(true) => {
                depth -= 1;
                if depth == 0 || raw {
                    return tag_end(html, open);
                }
            }
            Some(false) if !raw => depth += 1,
            _ => {}
        }
    }
    html.len()
}

/// Whether the start tag `tag` (`<name …>`) has the attribute `attribute`.
fn has_attribute(tag: &[u8], attribute: &[u8]) -> bool {
    let mut quote = None;
    for at in 1..tag.len() {
        let b = tag[at];
        match quote {
            Some(q) if q == b => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b.is_ascii_whitespace() => {
                let start = at + 1;
                let end = start + attribute.len();
                if end < tag.len()
                    && tag[start..end].eq_ignore_ascii_case(attribute)
                    && matches!(tag[end], b'=' | b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
                {
                    return true;
                }
            }
            None => {}
        }
    }
    false
}

/// Decodes the entity at the start of `s` (which starts with `&`): the character, if it is
/// one, and the bytes consumed (1 for a lone `&`).
fn decode_entity(s: &[u8]) -> (Option<char>, usize) {
    let Some(semi) = s.iter().take(12).position(|&b| b == b';') else {
        return (None, 1);
    };
    let body = std::str::from_utf8(&s[1..semi]).unwrap_or_default();
    let c = if let Some(number) = body.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse::<u32>().ok(),
        };
        value.and_then(char::from_u32)
    } else {
        match body {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            "middot" => Some('·'),
            "hellip" => Some('…'),
            "mdash" => Some('—'),
            "ndash" => Some('–'),
            "copy" => Some('©'),
            "reg" => Some('®'),
            "times" => Some('×'),
            "ldquo" => Some('“'),
            "rdquo" => Some('”'),
            "lsquo" => Some('‘'),
            "rsquo" => Some('’'),
            "laquo" => Some('«'),
            "raquo" => Some('»'),
            _ => None,
        }
    };
    match c {
        Some(c) => (Some(c), semi + 1),
        None => (None, 1),
    }
}
