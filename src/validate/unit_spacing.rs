//! The spacing between a number and the Chinese unit after it, checked in the content's text as
//! written. The rule it keeps: on a Chinese site a number is followed by a space before its unit
//! (`24 小时`, `2024 年 3 月 31 日`, `5 MB`); every place that writes them together (`24小时`) is a
//! warning at its file, line and column. Names of documents (source and notice titles), text in
//! quotation or title marks, code and YAML comments keep their own spelling and are not checked.
//! The units are generic measure words, no fact of any process.

use std::path::Path;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, SourceMap, Span};
use crate::model::Content;

/// Measure words and units that follow a number, longest first so that `个工作日` wins over `个`.
const UNITS: &[&str] = &[
    "个工作日",
    "工作日",
    "个小时",
    "个月",
    "小时",
    "分钟",
    "秒钟",
    "星期",
    "周",
    "天",
    "日",
    "月",
    "年",
    "项",
    "字",
    "个",
    "次",
    "份",
    "张",
    "页",
    "岁",
    "元",
    "秒",
    "MB",
    "KB",
    "GB",
];

/// Opening marks whose text (up to the matching closing mark) is a quotation or a title.
const QUOTES: &[(char, char)] = &[
    ('“', '”'),
    ('‘', '’'),
    ('「', '」'),
    ('『', '』'),
    ('《', '》'),
    ('〈', '〉'),
    ('〔', '〕'),
];

/// Every number written together with its unit in the content files of `sources` (YAML and
/// Markdown under `content/`), when the site's language is Chinese.
pub fn check(content: &Content, sources: &SourceMap) -> Vec<Diagnostic> {
    if !is_chinese(&content.site.language) {
        return Vec::new();
    }
    let titles = document_titles(content);
    let files: Vec<(&Path, &str, Kind)> = sources
        .files()
        .filter(|(file, _)| file.starts_with("content"))
        .filter_map(|(file, text)| match file.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => Some((file, text, Kind::Yaml)),
            Some("md") => Some((file, text, Kind::Markdown)),
            _ => None,
        })
        .collect();
    // A site of many guides has as many texts to read: one per worker at a time.
    files
        .par_iter()
        .flat_map_iter(|(file, text, kind)| check_text(file, text, *kind, &titles))
        .collect()
}

fn is_chinese(language: &str) -> bool {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    primary.eq_ignore_ascii_case("zh")
}

/// The titles of the sources and holiday notices: a document's name is written as it writes it.
fn document_titles(content: &Content) -> Vec<&str> {
    let mut titles: Vec<&str> = content.site.sources.iter().map(|s| s.title.as_str()).collect();
    if let Some(holidays) = &content.holidays {
        let years = holidays
            .years
            .iter()
            .chain(holidays.calendars.iter().flat_map(|c| c.years.iter()));
        titles.extend(years.filter_map(|y| y.notice.as_ref()).map(|n| n.title.as_str()));
    }
    titles.retain(|t| !t.is_empty());
    titles
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Yaml,
    Markdown,
}

fn check_text(file: &Path, text: &str, kind: Kind, titles: &[&str]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut in_fence = false;
    for (index, line) in text.lines().enumerate() {
        if kind == Kind::Markdown && (line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~")) {
            in_fence = !in_fence;
            continue;
        }
        // Only a digit can start a number; most lines have none, and need no closer look.
        if in_fence || !line.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        let checked = checked_chars(line, kind, titles);
        for (column, number, unit) in joined(&checked) {
            let written = format!("{number}{unit}");
            found.push(
                Diagnostic::warning(format!("`{written}`: no space between the number and its unit"))
                    .with_span(Span::new(
                        file,
                        index as u32 + 1,
                        column as u32 + 1,
                        written.chars().count(),
                    ))
                    .with_hint(format!(
                        "write `{number} {unit}`: this site puts a space between a number and its unit (see \"Numbers and units\" in docs/content-format.md)"
                    )),
            );
        }
    }
    found
}

/// The characters of `line`, with those that are not checked (comments, code, quotations,
/// document titles, web addresses) replaced by a space, so that columns stay where they are.
fn checked_chars(line: &str, kind: Kind, titles: &[&str]) -> Vec<char> {
    let mut chars: Vec<char> = line.chars().collect();
    let blank = |chars: &mut Vec<char>, from: usize, to: usize| {
        let to = to.min(chars.len());
        for c in &mut chars[from..to] {
            *c = ' ';
        }
    };
    // Document titles, wherever they are written.
    for title in titles.iter().filter(|title| line.contains(**title)) {
        let title: Vec<char> = title.chars().collect();
        let mut at = 0;
        while at + title.len() <= chars.len() {
            if chars[at..at + title.len()] == title[..] {
                blank(&mut chars, at, at + title.len());
                at += title.len();
            } else {
                at += 1;
            }
        }
    }
    let mut at = 0;
    let mut closing: Option<char> = None;
    let mut in_code = false;
    while at < chars.len() {
        let c = chars[at];
        if let Some(close) = closing {
            if c == close {
                closing = None;
            }
            chars[at] = ' ';
        } else if in_code {
            if c == '`' {
                in_code = false;
            }
            chars[at] = ' ';
        } else if let Some(&(_, close)) = QUOTES.iter().find(|(open, _)| *open == c) {
            closing = Some(close);
            chars[at] = ' ';
        } else if c == '`' && kind == Kind::Markdown {
            in_code = true;
            chars[at] = ' ';
        } else if c == '#' && kind == Kind::Yaml && (at == 0 || chars[at - 1].is_whitespace()) {
            let len = chars.len();
            blank(&mut chars, at, len);
        } else if chars[at..].starts_with(&['h', 't', 't', 'p']) {
            let end = chars[at..]
                .iter()
                .position(|c| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\''))
                .map_or(chars.len(), |n| at + n);
            blank(&mut chars, at, end);
            at = end;
            continue;
        }
        at += 1;
    }
    chars
}

/// Each number written together with a unit in `chars`: (column of the number, 0-based in
/// characters; the number; the unit). A number is a run of ASCII digits (with a decimal point
/// inside), not part of a word (`H5` is a name, not a number).
fn joined(chars: &[char]) -> Vec<(usize, String, &'static str)> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if !chars[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        while at < chars.len()
            && (chars[at].is_ascii_digit() || (chars[at] == '.' && chars.get(at + 1).is_some_and(char::is_ascii_digit)))
        {
            at += 1;
        }
        let in_word = start > 0
            && (chars[start - 1].is_ascii_alphanumeric() || matches!(chars[start - 1], '_' | '-' | '.' | '/'));
        if in_word {
            continue;
        }
        let rest = &chars[at..];
        let unit = UNITS.iter().find(|unit| {
            let unit: Vec<char> = unit.chars().collect();
            rest.starts_with(&unit)
                && !(unit[0].is_ascii_alphabetic() && rest.get(unit.len()).is_some_and(char::is_ascii_alphanumeric))
        });
        if let Some(unit) = unit {
            found.push((start, chars[start..at].iter().collect(), *unit));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(text: &str, kind: Kind) -> Vec<String> {
        check_text(Path::new("content/a.yaml"), text, kind, &["关于2023年的通知"])
            .into_iter()
            .map(|d| {
                let span = d.span.unwrap();
                format!("{}:{}:{} {}", span.line, span.column, span.len, d.message)
            })
            .collect()
    }

    #[test]
    fn a_number_written_against_its_unit_is_warned_at_its_line_and_column() {
        assert_eq!(
            warnings("a: 在24小时内\nb: 20个工作日，5MB\n", Kind::Yaml),
            [
                "1:5:4 `24小时`: no space between the number and its unit",
                "2:4:6 `20个工作日`: no space between the number and its unit",
                "2:11:3 `5MB`: no space between the number and its unit",
            ]
        );
    }

    #[test]
    fn a_number_spaced_from_its_unit_and_words_that_only_look_like_one_pass() {
        let clean = "a: 在 24 小时内，2024 年 3 月 31 日，H5页面，第292号，5 MB，5Mbps，v2.0版\n";
        assert_eq!(warnings(clean, Kind::Yaml), Vec::<String>::new());
    }

    #[test]
    fn quotations_titles_code_comments_and_addresses_keep_their_own_spelling() {
        let yaml = "a: 通知为“1月1日放假”，见《2023年通知》，关于2023年的通知 # 24小时\nb: https://x.org/2023年\n";
        assert_eq!(warnings(yaml, Kind::Yaml), Vec::<String>::new());
        let markdown = "# 24小时内\n\n`3天` and\n```\n5天\n```\n";
        assert_eq!(
            warnings(markdown, Kind::Markdown),
            ["1:3:4 `24小时`: no space between the number and its unit"]
        );
    }

    #[test]
    fn only_a_chinese_language_tag_is_chinese() {
        assert!(is_chinese("zh-CN") && is_chinese("zh") && is_chinese("ZH_tw"));
        assert!(!is_chinese("en") && !is_chinese("zha"));
    }
}
