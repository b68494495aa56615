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
//!   "grams":{"12381":"1G13","核验":"12","办理":"~__7",…}};
//! ```
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
//!
//! Measured on the synthetic 10,000-page corpus of `bench/` (about 3.2 KB of mixed Chinese
//! and English Markdown a page, 438 MB of HTML with the section navigation): 10,053 pages,
//! 35,718 grams, a 6.5 MB index (2.5 MB gzipped; 4.1 MB of it the pages and their first 200
//! characters, 2.5 MB the grams), built in about 0.8 s on one core. A browser reads it and
//! answers the first query in about half a second; later queries take 20–100 ms. The default
//! site (34 pages) keeps all its text: 0.24 MB.
//!
//! # Speed
//!
//! The index is built on every build, so each page is read once, in parallel: the scan jumps
//! from markup to markup eight bytes at a time, skips skipped elements by looking for the
//! last letter of their closing tag, and records the grams while it collects the text.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::render::OutputFile;

/// Where the index goes in the output folder.
pub const INDEX_PATH: &str = "assets/search-index.js";

/// Characters of page text the index keeps, for all pages together (2–6 MB of UTF-8).
pub const TEXT_BUDGET_CHARS: usize = 2_000_000;

/// Characters of text every page keeps however large the site (so a snippet has some context).
pub const MIN_TEXT_CHARS: usize = 200;

/// Pages of the site that are not searched (the not-found page and the search page itself).
const SKIPPED: &[&str] = &["404.html", "search.html"];

/// Builds `assets/search-index.js` from the rendered site (only its `.html` pages are read).
pub fn build_index(files: &[OutputFile]) -> OutputFile {
    build_index_with(files, TEXT_BUDGET_CHARS, MIN_TEXT_CHARS, &|| false).expect("never stopped")
}

/// [`build_index`], giving up (`None`) as soon as `stop` says so: `serve` abandons the index of
/// a build that a newer one has replaced.
pub fn build_index_unless(files: &[OutputFile], stop: &(dyn Fn() -> bool + Sync)) -> Option<OutputFile> {
    build_index_with(files, TEXT_BUDGET_CHARS, MIN_TEXT_CHARS, stop)
}

/// [`build_index_unless`] with the text budget given (for tests and measurements).
pub(crate) fn build_index_with(
    files: &[OutputFile],
    budget: usize,
    min_chars: usize,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<OutputFile> {
    let pages: Vec<PageText> = files
        .par_iter()
        .filter(|file| is_searched(&file.path))
        .filter_map(|file| {
            if stop() {
                None
            } else {
                PageText::extract(&file.path, &file.bytes)
            }
        })
        .collect();
    if stop() {
        return None;
    }

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
    let mut out = String::with_capacity(json.len() + json.len() / 64 + 32);
    out.push_str("window.GUIDEGEN_SEARCH = ");
    let mut rest = json.as_str();
    // Only inside strings can these occur; each becomes its JSON escape.
    while let Some(at) = rest.find(['<', '\u{2028}', '\u{2029}']) {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().expect("a character");
        out.push_str(match c {
            '<' => "\\u003c",
            '\u{2028}' => "\\u2028",
            _ => "\\u2029",
        });
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
    out.push_str(";\n");
    Some(OutputFile {
        path: INDEX_PATH.to_string(),
        bytes: out.into_bytes().into(),
    })
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

/// Digits of the codes: in gap codes the first 32 end a number and the last 32 are followed
/// by more digits; in bitmaps each stands for six bits.
const DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// The page numbers a code stands for (the inverse of `encode_numbers`, read as `search.js`
/// reads it); `None` when the code holds a character that is not a digit.
pub fn decode_numbers(code: &str) -> Option<Vec<u32>> {
    let value = |c: char| DIGITS.iter().position(|&d| char::from(d) == c).map(|v| v as i64);
    let mut out = Vec::new();
    if let Some(bits) = code.strip_prefix('~') {
        for (i, c) in bits.chars().enumerate() {
            let v = value(c)?;
            out.extend((0..6).filter(|j| v & (1 << j) != 0).map(|j| i as u32 * 6 + j));
        }
        return Some(out);
    }
    let (mut page, mut gap, mut scale) = (-1i64, 0i64, 1i64);
    for c in code.chars() {
        let v = value(c)?;
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
    Some(out)
}

/// Ascending page numbers as gap codes or as a bitmap, whichever is shorter (see the module
/// documentation).
fn encode_numbers(numbers: &[u32]) -> String {
    let mut out = String::with_capacity(numbers.len() + 1);
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
    let last = numbers.last().map_or(0, |&n| n as usize);
    // The bitmap: `~` and one digit per six pages up to the last.
    if out.len() <= last / 6 + 2 {
        return out;
    }
    let mut bits = vec![0u8; last / 6 + 1];
    for &number in numbers {
        bits[number as usize / 6] |= 1 << (number % 6);
    }
    let mut map = String::with_capacity(bits.len() + 1);
    map.push('~');
    map.extend(bits.iter().map(|&b| DIGITS[usize::from(b)] as char));
    map
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
struct PageText {
    url: String,
    title: String,
    /// The visible text of `<main>`, whitespace collapsed.
    text: String,
    /// `text` in characters.
    chars: usize,
    /// The grams of the title and the text, in order, repeats included.
    grams: Grams,
}

impl PageText {
    /// `None` for a file without `<main>` or `<body>` (not a page of the site).
    fn extract(url: &str, html: &[u8]) -> Option<PageText> {
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
        let (start, stop) = match content_start(html, "main") {
            Some(start) => (start, "main"),
            None => (content_start(html, "body")?, "body"),
        };
        let mut sink = TextSink::new(&mut grams);
        visible_text(html, start, stop, &mut sink);
        let text = sink.finish();
        Some(PageText {
            url: crate::href::encode_path(url).into_owned(),
            title,
            chars: text.chars().count(),
            text,
            grams,
        })
    }
}

/// The grams of a page.
#[derive(Default)]
struct Grams {
    /// Han bigrams, each as `first << 32 | second`.
    han: Vec<u64>,
    /// The Latin words, lower case, one after the other (`word_ends` tells where each ends).
    word_text: String,
    word_ends: Vec<u32>,
}

impl Grams {
    fn push_word(&mut self, word: &str) {
        self.word_text.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        self.word_ends.push(self.word_text.len() as u32);
    }

    fn words(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.word_ends.iter().copied());
        starts
            .zip(self.word_ends.iter().copied())
            .map(|(start, end)| &self.word_text[start as usize..end as usize])
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
                self.grams
                    .han
                    .push(u64::from(previous as u32) << 32 | u64::from(c as u32));
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
                self.grams.push_word(word);
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
                Err(_) => String::from_utf8_lossy(&html[at..next])
                    .chars()
                    .for_each(|c| sink.push(c)),
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
        if has_content
            && (matches!(kind, TagKind::Skipped | TagKind::SkippedRaw) || has_attribute(&html[at..end], b"hidden"))
        {
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
    chunks
        .remainder()
        .iter()
        .position(|&c| c == a || c == b)
        .map(|p| offset + p)
}

/// The offset of the first `needle` in `html` at or after `from`.
fn find_bytes(html: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    html.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The offset just past the closing tag of the element `name` whose start tag ends at `from`
/// (nested elements of the same name counted, except in raw text like a script). It looks for
/// the last letter of the name, not for every `<`: a navigation list is mostly short tags.
fn skip_element(html: &[u8], name: &[u8], from: usize, raw: bool) -> usize {
    let (Some(&last), Ok(name_str)) = (name.last(), std::str::from_utf8(name)) else {
        return from;
    };
    let mut depth = 1;
    let mut at = from;
    while let Some(found) = find_either(&html[at..], last.to_ascii_lowercase(), last.to_ascii_uppercase()) {
        let hit = at + found;
        at = hit + 1;
        // `<name` or `</name` ending at `hit`.
        let Some(before) = (hit + 1).checked_sub(name.len() + 1) else {
            continue;
        };
        let open = match html[before] {
            b'<' => before,
            b'/' if before > 0 && html[before - 1] == b'<' => before - 1,
            _ => continue,
        };
        match tag_named(html, open, name_str) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// A page shaped like the default theme's: header navigation, breadcrumbs, `<main>`, footer.
    fn page(path: &str, title: &str, main: &str) -> OutputFile {
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

    fn parse(index: &OutputFile) -> Value {
        let js = std::str::from_utf8(&index.bytes).unwrap();
        let json = js
            .strip_prefix("window.GUIDEGEN_SEARCH = ")
            .and_then(|rest| rest.strip_suffix(";\n"))
            .expect("the index is one assignment");
        serde_json::from_str(json).expect("the index is JSON")
    }

    /// The pages holding a gram.
    fn pages_of(index: &Value, gram: &str) -> Vec<u32> {
        index["grams"][gram]
            .as_str()
            .and_then(decode_numbers)
            .unwrap_or_default()
    }

    /// The search as `search.js` runs it: every gram of the query, then every Chinese run
    /// checked in the title or text. Returns the matching pages' urls.
    fn find(index: &Value, query: &str) -> Vec<String> {
        let mut grams = Grams::default();
        let mut sink = TextSink::new(&mut grams);
        query.chars().for_each(|c| sink.push(c));
        sink.finish();
        let keys: Vec<String> = grams
            .han
            .iter()
            .map(|pair| pair_text(*pair))
            .chain(grams.words().map(str::to_string))
            .collect();
        assert!(!keys.is_empty(), "query {query:?} has no gram");
        let runs: Vec<String> = query
            .split(|c: char| !is_han(c))
            .filter(|run| run.chars().count() >= 2)
            .map(str::to_string)
            .collect();
        let pages = index["pages"].as_array().unwrap();
        let mut hits: Vec<u32> = pages_of(index, &keys[0]);
        for key in &keys[1..] {
            let other = pages_of(index, key);
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
    fn pair_text(pair: u64) -> String {
        [(pair >> 32) as u32, pair as u32]
            .iter()
            .map(|&c| char::from_u32(c).unwrap())
            .collect()
    }

    fn extract(main: &str) -> PageText {
        let file = page("p.html", "标题", main);
        PageText::extract(&file.path, &file.bytes).unwrap()
    }

    /// A page's Han bigrams, sorted, each once.
    fn han_grams(page: &PageText) -> Vec<String> {
        let mut grams: Vec<String> = page.grams.han.iter().map(|pair| pair_text(*pair)).collect();
        grams.sort();
        grams.dedup();
        grams
    }

    /// A page's words, sorted, each once.
    fn words(page: &PageText) -> Vec<&str> {
        let mut words: Vec<&str> = page.grams.words().collect();
        words.sort_unstable();
        words.dedup();
        words
    }

    #[test]
    fn mixed_text_gives_han_bigrams_and_lower_case_words() {
        let p = extract("<p>完成ICP备案后，WeChat 会在 12381 短信里 A 提醒 x.y</p>");
        let mut expected: Vec<String> = ["完成", "备案", "案后", "会在", "短信", "信里", "提醒", "标题"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        expected.sort();
        assert_eq!(han_grams(&p), expected);
        assert_eq!(words(&p), ["12381", "icp", "wechat"]);
        assert_eq!(p.text, "完成ICP备案后，WeChat 会在 12381 短信里 A 提醒 x.y");
    }

    #[test]
    fn han_covers_the_extensions_and_not_punctuation() {
        assert!(is_han('核') && is_han('㐀') && is_han('𠀀') && is_han('郎'));
        assert!(!is_han('，') && !is_han('。') && !is_han('a') && !is_han('ー') && !is_han('가'));
        let p = extract("<p>𠀀𠀁，核</p>");
        assert_eq!(han_grams(&p), ["标题", "𠀀𠀁"]);
    }

    #[test]
    fn entities_are_decoded() {
        let p = extract(
            "<p>A &amp; B &lt;tag&gt; &quot;q&quot; &#39;s&#39; &#x27;h&#x27; &#26680;&#x9A8C; &nbsp;x &bogus; & y</p>",
        );
        assert_eq!(p.text, "A & B <tag> \"q\" 's' 'h' 核验 x &bogus; & y");
        assert!(p
            .grams
            .han
            .contains(&(u64::from('核' as u32) << 32 | u64::from('验' as u32))));
        assert!(words(&p).contains(&"tag"));
    }

    #[test]
    fn scripts_styles_navigation_hidden_parts_and_comments_are_not_text() {
        let p = extract(
            "<h1>正文</h1><script>var 脚本 = \"</div>\";</script><style>p::before { content: '样式' }</style>\
             <!-- 注释 <p>x</p> --><nav class=\"toc\"><h2>目录</h2><nav><a>嵌套</a></nav><a>导航</a></nav>\
             <noscript>无脚本</noscript><template><p>模板</p></template>\
             <form hidden><div><p>隐藏</p></div><div>也隐藏</div></form><input hidden value=\"x\"><p>结尾</p>",
        );
        assert_eq!(p.text, "正文 结尾");
    }

    #[test]
    fn inline_tags_keep_a_run_block_tags_break_it() {
        let p = extract("<p>请<strong>务必</strong>核验</p><p>居</p><p>住</p><li>A<br>B</li><p>co<em>de</em></p>");
        assert_eq!(p.text, "请务必核验 居 住 A B code");
        let grams = han_grams(&p);
        assert!(grams.contains(&"必核".to_string()));
        assert!(!grams.contains(&"居住".to_string()));
        assert!(words(&p).contains(&"code"));
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
        let index = parse(&build_index(&files));
        assert_eq!(index["pages"][0]["title"], "A · B");
        assert_eq!(index["pages"][1]["title"], "微信小程序备案指南");
        // The site title is in every page's <title>, but only the home page is found by it.
        assert_eq!(find(&index, "小程序"), ["index.html"]);
    }

    #[test]
    fn an_index_told_to_stop_gives_up() {
        let files = [page("a.html", "A", "<p>甲乙</p>")];
        assert!(build_index_unless(&files, &|| true).is_none());
        assert!(build_index_unless(&files, &|| false).is_some());
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
        let index = parse(&build_index(&files));
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
        let index = parse(&build_index(&files));
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
    fn english_words_match_in_any_case() {
        let files = [
            page(
                "a.html",
                "WeChat Mini Program",
                "<p>Filing a Mini Program takes ICP verification.</p>",
            ),
            page("b.html", "Other", "<p>wechat pay</p>"),
            page("c.html", "Programs", "<p>programs, miniature</p>"),
        ];
        let index = parse(&build_index(&files));
        assert_eq!(find(&index, "WECHAT"), ["a.html", "b.html"]);
        assert_eq!(find(&index, "mini program"), ["a.html"]);
        assert_eq!(find(&index, "Icp 核验"), Vec::<String>::new());
        assert_eq!(find(&index, "programs"), ["c.html"]);
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
        let first = build_index(&files);
        let second = build_index(&files);
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
        let index = build_index(&files);
        let js = std::str::from_utf8(&index.bytes).unwrap();
        assert!(!js.contains('<'), "{js}");
        assert!(!js.contains('\u{2028}') && !js.contains('\u{2029}'));
        assert!(js.contains("\\u003c/script>"));
        let index = parse(&index);
        assert_eq!(index["pages"][0]["title"], "</script>");
        assert_eq!(index["pages"][0]["text"], "</script><script>alert(1)</script> <!-- x y");
    }

    #[test]
    fn page_numbers_round_trip_in_both_codes() {
        assert_eq!(encode_numbers(&[0, 42, 45]), "1G13");
        assert_eq!(decode_numbers("1G13").unwrap(), [0, 42, 45]);
        assert_eq!(encode_numbers(&(0..15).collect::<Vec<_>>()), "~__7");
        assert_eq!(decode_numbers("~1w").unwrap(), [0, 11]);
        let sets: Vec<Vec<u32>> = vec![
            vec![0],
            vec![5],
            vec![31, 32, 33, 1_000_000],
            (0..10_000).collect(),
            (0..10_000).filter(|i| i % 3 != 0).collect(),
            (0..10_000).filter(|i| i % 97 == 5).collect(),
            vec![1023, 1024, 32_767, 32_768, 32_800],
        ];
        for set in sets {
            let code = encode_numbers(&set);
            assert_eq!(decode_numbers(&code).unwrap(), set, "{code}");
            assert!(code.chars().all(|c| c == '~' || DIGITS.contains(&(c as u8))));
        }
        assert!(encode_numbers(&(0..10_000).collect::<Vec<_>>()).len() < 1700);
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
        let index = parse(&build_index_with(&files, 40, 10, &|| false).unwrap());
        assert_eq!(index["pages"][0]["text"], "短文");
        assert!(index["pages"][0].get("more").is_none());
        assert_eq!(index["pages"][1]["text"].as_str().unwrap().chars().count(), 38);
        assert_eq!(index["pages"][1]["more"], true);
        // Grams come from the whole text: a word past the cut is still found.
        assert_eq!(pages_of(&index, "tail"), [1]);
        assert_eq!(pages_of(&index, "末尾"), [1]);
    }
}
