//! The theme's own words on a page, left out of the index: what the templates print around the
//! content on every page of a kind (the labels, `依据：`, `第 1 步`, and each material's provider)
//! would otherwise make every such page a match for them, and fill the snippets.
//!
//! The rule it keeps: only text that is nothing but interface words goes, so content is never
//! lost for sharing a word with the interface. The text of a page comes in runs, each the text
//! between two tags that break words (inline tags like `<a>` do not end a run), and
//!
//! 1. a run made of interface phrases and punctuation only (`办理人`, `依据：`, `You prepare it ·
//!    必需`, `第 2 步`, `年月日`) is left out whole;
//! 2. in any other run, an interface phrase followed by a colon (`:` or `：`), at the start of
//!    the run or after punctuation or a space, is left out with its colon (`办理人：You` keeps
//!    `You`).
//!
//! A phrase is a label of the theme (a placeholder such as `{n}` in it stands for any text) or a
//! provider's name; phrases with no letter, digit or Han character (`、`, `{n}`) are ignored. A
//! run that is exactly a label written as content (a form field called 日期, a list item that is
//! a link named like a section) is left out too: the page keeps its title and the rest of its
//! text. Templates can also leave out any element explicitly with `data-nosearch` (see
//! `html_text`).

use ahash::{AHashMap as HashMap, AHashSet as HashSet};

use super::html_text::TextOut;
use super::tokens::{is_han, is_word_char};

/// The interface phrases of a site: its theme's labels and its providers' names.
#[derive(Default, Debug, Clone)]
pub struct InterfaceWords {
    /// Phrases without placeholders.
    literal: HashSet<String>,
    /// The byte lengths of the literal phrases starting with each character, longest first.
    literal_lengths: HashMap<char, Vec<usize>>,
    /// The distinct byte lengths of `literal`, longest first.
    lengths: Vec<usize>,
    /// Phrases with placeholders, as pieces, by the character they start with.
    patterns: HashMap<char, Vec<Vec<Piece>>>,
    /// Phrases that start with a placeholder, as pieces.
    open_patterns: Vec<Vec<Piece>>,
    /// Runs longer than this (in bytes) are never a phrase or a few (rule 1 is not tried).
    longest_run: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    /// A placeholder: any text of one character or more.
    Any,
}

/// Punctuation, spaces and symbols: what may stand between phrases in a run of interface words.
fn is_separator(c: char) -> bool {
    !is_han(c) && !is_word_char(c)
}

fn has_word(text: &str) -> bool {
    text.chars().any(|c| !is_separator(c))
}

impl InterfaceWords {
    /// The phrases, each as the theme or content writes it.
    pub fn new<'a>(phrases: impl IntoIterator<Item = &'a str>) -> Self {
        let mut words = InterfaceWords::default();
        let mut patterns: Vec<Vec<Piece>> = Vec::new();
        for phrase in phrases {
            let phrase = phrase.trim();
            if !has_word(phrase) {
                continue;
            }
            if phrase.contains('{') {
                let pieces = pieces(phrase);
                if pieces.iter().any(|p| matches!(p, Piece::Text(t) if has_word(t))) {
                    patterns.push(pieces);
                }
            } else {
                words.literal.insert(phrase.to_string());
            }
        }
        // Sorted, so that the same phrases are always tried in the same order.
        patterns.sort_by_key(|p| format!("{p:?}"));
        patterns.dedup();
        let mut longest = 0;
        for pieces in patterns {
            longest = longest.max(
                pieces
                    .iter()
                    .map(|p| if let Piece::Text(t) = p { t.len() } else { 0 })
                    .sum(),
            );
            match pieces.first() {
                Some(Piece::Text(t)) => {
                    let first = t.chars().next().expect("a piece of text is never empty");
                    words.patterns.entry(first).or_default().push(pieces);
                }
                _ => words.open_patterns.push(pieces),
            }
        }
        for phrase in &words.literal {
            longest = longest.max(phrase.len());
            let first = phrase.chars().next().expect("a phrase has a word");
            words.literal_lengths.entry(first).or_default().push(phrase.len());
        }
        for lengths in words.literal_lengths.values_mut() {
            lengths.sort_unstable_by(|a, b| b.cmp(a));
            lengths.dedup();
        }
        words.lengths = words.literal.iter().map(String::len).collect();
        words.lengths.sort_unstable_by(|a, b| b.cmp(a));
        words.lengths.dedup();
        words.longest_run = 2 * longest + 64;
        words
    }

    fn is_empty(&self) -> bool {
        self.literal.is_empty() && self.patterns.is_empty() && self.open_patterns.is_empty()
    }

    /// Rule 1: `run` is interface phrases and separators, with at least one phrase.
    fn is_interface(&self, run: &str) -> bool {
        if run.len() > self.longest_run {
            return false;
        }
        // Most runs are content: no phrase where their first word starts.
        let Some((first, c)) = run.char_indices().find(|&(_, c)| !is_separator(c)) else {
            return false;
        };
        if !self.literal_lengths.contains_key(&c) && !self.patterns.contains_key(&c) && self.open_patterns.is_empty() {
            return false;
        }
        // 0: not reached; 1: reached over separators only; 2: reached with a phrase.
        let n = run.len();
        let mut reach = vec![0u8; n + 1];
        reach[first] = 1;
        let mut furthest = first;
        for (i, c) in run[first..].char_indices().map(|(i, c)| (first + i, c)) {
            if i > furthest {
                // Nothing covers this character: the run is not only phrases.
                return false;
            }
            let here = reach[i];
            if here == 0 {
                continue;
            }
            let mut mark = |end: usize, state: u8| {
                reach[end] = reach[end].max(state);
                furthest = furthest.max(end);
            };
            if is_separator(c) {
                mark(i + c.len_utf8(), here);
            }
            for end in self.phrase_ends(run, i, c) {
                mark(end, 2);
            }
        }
        reach[n] == 2
    }

    /// Where a phrase starting with `c` at byte `at` of `run` can end.
    fn phrase_ends(&self, run: &str, at: usize, c: char) -> Vec<usize> {
        let mut ends: Vec<usize> = self.literal_lengths.get(&c).map_or_else(Vec::new, |lengths| {
            lengths
                .iter()
                .filter(|&&len| run.get(at..at + len).is_some_and(|s| self.literal.contains(s)))
                .map(|len| at + len)
                .collect()
        });
        for pattern in self.patterns.get(&c).into_iter().flatten().chain(&self.open_patterns) {
            match_pieces(pattern, run, at, &mut ends);
        }
        ends
    }

    /// Rule 2: `run` without the phrases that label what follows them (`办理人：`).
    fn without_labels(&self, run: &str) -> Option<String> {
        let mut kept = String::new();
        let mut from = 0;
        for (colon, len) in colons(run) {
            if colon < from {
                continue;
            }
            let before = &run[from..colon];
            let label = self.lengths.iter().find(|&&len| {
                let Some(start) = before.len().checked_sub(len) else {
                    return false;
                };
                let Some(head) = before.get(..start) else {
                    return false;
                };
                let starts_a_phrase = head.chars().next_back().is_none_or(is_separator);
                starts_a_phrase && self.literal.contains(&before[start..])
            });
            if let Some(label) = label {
                kept.push_str(&before[..before.len() - label]);
                from = colon + len;
            }
        }
        (from > 0).then(|| {
            kept.push_str(&run[from..]);
            kept
        })
    }
}

/// Where `:` and `：` are in `text`, with their length in bytes; read as bytes, which is
/// several times faster than as characters (`：` is EF BC 9A).
fn colons(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().filter_map(move |(i, &b)| match b {
        b':' => Some((i, 1)),
        0x9A if i >= 2 && bytes[i - 2] == 0xEF && bytes[i - 1] == 0xBC => Some((i - 2, 3)),
        _ => None,
    })
}

/// A label with placeholders (`第 {n} 步`) as pieces: `第 `, any, ` 步`.
fn pieces(phrase: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = phrase;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            pieces.push(Piece::Text(rest[..open].to_string()));
        }
        if pieces.last() != Some(&Piece::Any) {
            pieces.push(Piece::Any);
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    pieces
}

/// Adds to `ends` every byte where `pieces`, matched from `at` in `run`, can end.
fn match_pieces(pieces: &[Piece], run: &str, at: usize, ends: &mut Vec<usize>) {
    match pieces {
        [] => ends.push(at),
        [Piece::Text(text), rest @ ..] => {
            if run[at..].starts_with(text.as_str()) {
                match_pieces(rest, run, at + text.len(), ends);
            }
        }
        [Piece::Any] => ends.extend(run[at..].char_indices().skip(1).map(|(i, _)| at + i).chain([run.len()])),
        [Piece::Any, Piece::Text(text), rest @ ..] => {
            let Some(first) = run[at..].chars().next() else { return };
            let from = at + first.len_utf8();
            // A quick look for the text's first character before setting up a search for it.
            if !text.chars().next().is_some_and(|c| run[from..].contains(c)) {
                return;
            }
            for (i, _) in run[from..].match_indices(text.as_str()) {
                match_pieces(rest, run, from + i + text.len(), ends);
            }
        }
        // Two placeholders in a row are merged by `pieces`.
        [Piece::Any, Piece::Any, ..] => {}
    }
}

/// Hands the page's text on to `inner`, less its interface words: a run is held back until
/// the tag that ends it, then passed on, cut, or left out.
pub(super) struct WithoutInterface<'w, T: TextOut> {
    words: &'w InterfaceWords,
    run: String,
    inner: T,
}

impl<'w, T: TextOut> WithoutInterface<'w, T> {
    pub(super) fn new(words: &'w InterfaceWords, inner: T) -> Self {
        WithoutInterface {
            words,
            run: String::new(),
            inner,
        }
    }

    fn flush(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let run = std::mem::take(&mut self.run);
        if self.words.is_interface(&run) {
            self.inner.boundary();
        } else {
            let kept = self.words.without_labels(&run);
            self.inner.push_str(kept.as_deref().unwrap_or(&run));
        }
        self.run = run;
        self.run.clear();
    }

    /// The last run passed on; the inner output back.
    pub(super) fn finish(mut self) -> T {
        self.flush();
        self.inner
    }
}

impl<T: TextOut> TextOut for WithoutInterface<'_, T> {
    fn push(&mut self, c: char) {
        if self.words.is_empty() {
            self.inner.push(c);
        } else {
            self.run.push(c);
        }
    }

    fn push_str(&mut self, text: &str) {
        if self.words.is_empty() {
            self.inner.push_str(text);
        } else {
            self.run.push_str(text);
        }
    }

    fn boundary(&mut self) {
        self.flush();
        self.inner.boundary();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::PageText;
    use crate::search::tests::page;

    fn words() -> InterfaceWords {
        InterfaceWords::new([
            "依据",
            "办理人",
            "所需时间",
            "必需",
            "第 {n} 步",
            "年",
            "月",
            "日",
            "、",
            "{n}",
            "为什么需要：{subject}备案都需要这项材料。",
            "{event}的日期",
            "You prepare it",
            "Date",
        ])
    }

    fn text_of(main: &str) -> String {
        let file = page("p.html", "标题", main);
        PageText::extract(&file.path, &file.bytes, &words()).unwrap().text
    }

    #[test]
    fn a_run_of_interface_words_is_left_out_whole() {
        assert_eq!(
            text_of(
                "<p class=\"caption\">第 12 步</p><h1>短信核验</h1><dl><dt>办理人</dt><dd>开发者</dd></dl>\
                 <p class=\"provider\">You prepare it · 必需</p><p>依据：<a href=\"s.html\">通知</a></p>\
                 <span class=\"date-fill\"><span class=\"blank\"></span>年<span class=\"blank\"></span>月\
                 <span class=\"blank\"></span>日</span><p class=\"why\">为什么需要：企业备案都需要这项材料。</p>"
            ),
            "短信核验 开发者 通知"
        );
    }

    #[test]
    fn content_that_only_shares_words_with_the_interface_stays() {
        assert_eq!(
            text_of("<p>Date you started trading</p><p>每年 6 月</p><p>、</p><p>依据法律，必需材料</p>"),
            "Date you started trading 每年 6 月 、 依据法律，必需材料"
        );
        assert!(
            !words().is_interface("第 步"),
            "a placeholder stands for one character or more"
        );
        assert!(
            !words().is_interface("、 ·"),
            "punctuation alone is not interface words"
        );
    }

    #[test]
    fn a_label_before_a_colon_goes_and_what_it_labels_stays() {
        assert_eq!(
            text_of("<p>办理人：开发者 · 所需时间：<span>1–2 天</span></p><p>见依据：这里</p><p>Note: Date: x</p>"),
            "开发者 · 1–2 天 见依据：这里 Note: x"
        );
    }

    #[test]
    fn without_interface_words_the_text_is_passed_on_as_it_comes() {
        let file = page("p.html", "标题", "<p>依据：通知</p>");
        let text = PageText::extract(&file.path, &file.bytes, &InterfaceWords::default())
            .unwrap()
            .text;
        assert_eq!(text, "依据：通知");
    }

    #[test]
    fn placeholders_match_any_text_between_the_fixed_parts() {
        let w = words();
        assert!(w.is_interface("第 1 步") && w.is_interface("Company formation的日期"));
        assert!(!w.is_interface("的日期"));
        assert_eq!(
            pieces("{a}{b} x {c}"),
            [Piece::Any, Piece::Text(" x ".into()), Piece::Any]
        );
    }
}
