//! Splitting text into the grams the index is keyed by: pairs of adjacent Han characters and
//! lower-case words (runs of letters and digits of any other script), collected while the text's
//! whitespace is collapsed (see `search`'s documentation). The twin of this file is `analyse`
//! (with `isHan`, `isWordChar`, `lowerChar`) in `themes/default/static/search.js`, which splits
//! a query the same way: change both together.

/// The grams of a page.
#[derive(Default)]
pub(super) struct Grams {
    /// Han bigrams, each as `first << 32 | second`.
    pub(super) han: Vec<u64>,
    /// The words, lower case, one after the other (`word_ends` tells where each ends).
    word_text: String,
    word_ends: Vec<u32>,
}

impl Grams {
    fn push_word(&mut self, word: &str) {
        self.word_text.extend(word.chars().map(lower_char));
        self.word_ends.push(self.word_text.len() as u32);
    }

    /// Each gram once, in no particular order: all the index needs of a page once its text is read.
    pub(super) fn compact(&mut self) {
        self.han.sort_unstable();
        self.han.dedup();
        self.han.shrink_to_fit();
        let mut seen = std::collections::HashSet::with_capacity(self.word_ends.len());
        let mut kept = Grams::default();
        for word in self.words() {
            if seen.insert(word) {
                kept.word_text.push_str(word);
                kept.word_ends.push(kept.word_text.len() as u32);
            }
        }
        self.word_text = kept.word_text;
        self.word_ends = kept.word_ends;
    }

    pub(super) fn words(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.word_ends.iter().copied());
        starts
            .zip(self.word_ends.iter().copied())
            .map(|(start, end)| &self.word_text[start as usize..end as usize])
    }
}

/// Whether `c` is a CJK Unified Ideograph (the basic block, extensions A to I, and the
/// compatibility ideographs). Twin: `isHan` in `search.js`, same ranges.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x30000..=0x323AF)
}

/// Whether `c` belongs to a word: a letter or digit of any script but Han (Unicode's Alphabetic
/// or Numeric, as `char::is_alphanumeric`). Twin: `isWordChar` in `search.js`, which tests
/// `\p{Alphabetic}` and `\p{N}`.
pub(super) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        // Han first: most of a Chinese page, and a range test where Alphabetic is a table.
        !is_han(c) && c.is_alphanumeric()
    }
}

/// `c` in lower case, when its lower case is one character (`A` → `a`, `É` → `é`, `Σ` → `σ`);
/// otherwise `c` as it is (`İ`, whose lower case is two characters). Twin: `lowerChar` in
/// `search.js`, the same rule on JavaScript's lower case.
pub(super) fn lower_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

/// Collects text: collapses whitespace, and records grams as characters arrive.
pub(super) struct TextSink<'g> {
    text: String,
    /// A space is due before the next character.
    space: bool,
    previous_han: Option<char>,
    /// Byte offset in `text` where the current word began.
    word_start: Option<usize>,
    grams: &'g mut Grams,
}

impl<'g> TextSink<'g> {
    pub(super) fn new(grams: &'g mut Grams) -> Self {
        TextSink {
            text: String::new(),
            space: false,
            previous_han: None,
            word_start: None,
            grams,
        }
    }

    pub(super) fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.boundary();
            return;
        }
        let han = is_han(c);
        if han {
            if let Some(previous) = self.previous_han {
                self.grams
                    .han
                    .push(u64::from(previous as u32) << 32 | u64::from(c as u32));
            }
            self.previous_han = Some(c);
        } else {
            self.previous_han = None;
        }
        // is_word_char, knowing whether `c` is Han.
        let word_char = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            !han && c.is_alphanumeric()
        };
        if !word_char {
            self.end_word();
        }
        if self.space {
            self.text.push(' ');
            self.space = false;
        }
        if word_char && self.word_start.is_none() {
            self.word_start = Some(self.text.len());
        }
        self.text.push(c);
    }

    /// A break between words (whitespace, or a tag that is not inline).
    pub(super) fn boundary(&mut self) {
        self.end_word();
        self.previous_han = None;
        self.space = !self.text.is_empty();
    }

    fn end_word(&mut self) {
        if let Some(start) = self.word_start.take() {
            let word = &self.text[start..];
            // Two characters or more (not bytes: `é` alone is one character).
            if word.chars().nth(1).is_some() {
                self.grams.push_word(word);
            }
        }
    }

    pub(super) fn finish(mut self) -> String {
        self.end_word();
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tests::{extract, han_grams, words};

    #[test]
    fn mixed_text_gives_han_bigrams_and_lower_case_words() {
        let p = extract("<p>完成ICP备案后，WeChat 会在 12381 短信里 A 提醒 x.y</p>");
        let mut expected: Vec<String> = ["完成", "备案", "案后", "会在", "短信", "信里", "提醒", "标题"]
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        expected.sort();
        assert_eq!(han_grams(&p), expected);
        assert_eq!(words(&p), ["12381", "icp", "wechat"]);
        assert_eq!(p.text, "完成ICP备案后，WeChat 会在 12381 短信里 A 提醒 x.y");
    }

    #[test]
    fn words_of_any_space_separated_language_are_words_in_lower_case() {
        let p = extract("<p>Café ÉTÉ Straße Привет мир Ελλάδα İz é 12381 ①② x</p>");
        assert_eq!(
            words(&p),
            ["12381", "café", "straße", "été", "İz", "ελλάδα", "мир", "привет", "①②"]
        );
        assert!(is_word_char('é') && is_word_char('Я') && is_word_char('٣') && !is_word_char('核'));
        assert!(!is_word_char('，') && !is_word_char('-') && !is_word_char('\''));
        assert_eq!(lower_char('Σ'), 'σ');
        assert_eq!(lower_char('İ'), 'İ', "its lower case is two characters");
    }

    #[test]
    fn han_covers_the_extensions_and_not_punctuation() {
        assert!(is_han('核') && is_han('㐀') && is_han('𠀀') && is_han('郎'));
        assert!(!is_han('，') && !is_han('。') && !is_han('a') && !is_han('ー') && !is_han('가'));
        let p = extract("<p>𠀀𠀁，核</p>");
        assert_eq!(han_grams(&p), ["标题", "𠀀𠀁"]);
    }
}
