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

use ahash::AHashSet as HashSet;

use super::html_text::TextOut;
use super::tokens::{is_han, is_word_char};

/// The interface phrases of a site: its theme's labels and its providers' names.
#[derive(Default, Debug, Clone)]
pub struct InterfaceWords {
    /// Phrases without placeholders.
    literal: HashSet<String>,
    /// The distinct byte lengths of `literal`, longest first.
    lengths: Vec<usize>,
    /// Phrases with placeholders, as pieces.
    patterns: Vec<Vec<Piece>>,
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
    !is_word_char(c) && !is_han(c)
}

fn has_word(text: &str) -> bool {
    text.chars().any(|c| !is_separator(c))
}

impl InterfaceWords {
    /// The phrases, each as the theme or content writes it.
    pub fn new<'a>(phrases: impl IntoIterator<Item = &'a str>) -> Self {
        let mut words = InterfaceWords::default();
        for phrase in phrases {
            let phrase = phrase.trim();
            if !has_word(phrase) {
                continue;
            }
            if phrase.contains('{') {
                let pieces = pieces(phrase);
                if pieces.iter().any(|p| matches!(p, Piece::Text(t) if has_word(t))) {
                    words.patterns.push(pieces);
                }
            } else {
                words.literal.insert(phrase.to_string());
            }
        }
        let mut lengths: Vec<usize> = words.literal.iter().map(String::len).collect();
        lengths.sort_unstable_by(|a, b| b.cmp(a));
        lengths.dedup();
        let longest = words
            .literal
            .iter()
            .map(String::len)
            .chain(words.patterns.iter().flatten().map(|p| match p {
                Piece::Text(t) => t.len(),
                Piece::Any => 0,
            }))
            .max()
            .unwrap_or(0);
        words.lengths = lengths;
        words.longest_run = 2 * longest + 64;
        // Sorted, so that the same phrases always try the same patterns first.
        words.patterns.sort_by_key(|p| format!("{p:?}"));
        words
    }

    fn is_empty(&self) -> bool {
        self.literal.is_empty() && self.patterns.is_empty()
    }

    /// Rule 1: `run` is interface phrases and separators, with at least one phrase.
    fn is_interface(&self, run: &str) -> bool {
        if run.len() > self.longest_run {
            return false;
        }
        // `seen[i]`: the run up to byte `i` is covered; `with_phrase[i]`: by at least one phrase.
        let n = run.len();
        let mut covered = vec![false; n + 1];
        let mut with_phrase = vec![false; n + 1];
        covered[0] = true;
        for (i, c) in run.char_indices() {
            if !covered[i] {
                continue;
            }
            if is_separator(c) {
                let next = i + c.len_utf8();
                covered[next] = true;
                with_phrase[next] |= with_phrase[i];
            }
            for end in self.phrase_ends(run, i) {
                covered[end] = true;
                with_phrase[end] = true;
            }
        }
        with_phrase[n]
    }

    /// Where a phrase starting at byte `at` of `run` can end.
    fn phrase_ends(&self, run: &str, at: usize) -> Vec<usize> {
        let mut ends: Vec<usize> = self
            .lengths
            .iter()
            .filter(|&&len| run.get(at..at + len).is_some_and(|s| self.literal.contains(s)))
            .map(|len| at + len)
            .collect();
        for pattern in &self.patterns {
            match_pieces(pattern, run, at, &mut ends);
        }
        ends
    }

    /// Rule 2: `run` without the phrases that label what follows them (`办理人：`).
    fn without_labels(&self, run: &str) -> Option<String> {
        let mut kept = String::new();
        let mut from = 0;
        for (colon, c) in run.char_indices().filter(|(_, c)| matches!(c, ':' | '：')) {
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
            if let Some(len) = label {
                kept.push_str(&before[..before.len() - len]);
                from = colon + c.len_utf8();
            }
        }
        (from > 0).then(|| {
            kept.push_str(&run[from..]);
            kept
        })
    }
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
            kept.as_deref().unwrap_or(&run).chars().for_each(|c| self.inner.push(c));
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
        assert!(!words().is_interface("第 步"), "a placeholder stands for one character or more");
        assert!(!words().is_interface("、 ·"), "punctuation alone is not interface words");
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
        let text = PageText::extract(&file.path, &file.bytes, &InterfaceWords::default()).unwrap().text;
        assert_eq!(text, "依据：通知");
    }

    #[test]
    fn placeholders_match_any_text_between_the_fixed_parts() {
        let w = words();
        assert!(w.is_interface("第 1 步") && w.is_interface("Company formation的日期"));
        assert!(!w.is_interface("的日期"));
        assert_eq!(pieces("{a}{b} x {c}"), [Piece::Any, Piece::Text(" x ".into()), Piece::Any]);
    }
}
