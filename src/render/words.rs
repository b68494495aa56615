//! The site's words: the theme's labels in the site's language, overlaid by the site theme's
//! `labels.yaml` and then by content's `words:`, and how dates and printed date boxes read in them.
//! The rule it keeps: no word, punctuation mark or date order of any one language is written in
//! code or templates; they all come from a labels file, so a site in any language is clean.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::diagnostics::{closest, Diagnostic, SourceMap, Span};
use crate::yaml::Spanned;

/// The default theme's labels, one file per language, by BCP 47 tag. The first is the fallback.
const DEFAULT_LABELS: &[(&str, &str)] = &[
    ("en", include_str!("../../themes/default/labels/en.yaml")),
    ("zh-CN", include_str!("../../themes/default/labels/zh-CN.yaml")),
];

pub type Labels = BTreeMap<String, String>;

/// The default theme's labels file for `language`: the same tag, else the same primary language
/// (`en-GB` gets `en`, `zh-Hans` gets `zh-CN`), else `None`.
fn default_labels_for(language: &str) -> Option<(&'static str, &'static str)> {
    let primary = |tag: &str| tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    DEFAULT_LABELS
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(language))
        .or_else(|| DEFAULT_LABELS.iter().find(|(tag, _)| primary(tag) == primary(language)))
        .copied()
}

/// The default theme's labels for `language`, then the site theme's `labels.yaml` over them.
/// A language the default theme has no words for gets the English ones and a warning, unless the
/// site's own theme gives labels; so does `""`, a site whose content did not load, without one.
pub(super) fn theme_labels(
    root: &Path,
    site_theme: &Path,
    language: &str,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Labels {
    let own = site_theme.join("labels.yaml");
    let found = default_labels_for(language);
    if found.is_none() && !own.is_file() && !language.is_empty() {
        diagnostics.push(
            Diagnostic::warning(format!("the default theme has no interface words in `{language}`; English ones are used"))
                .with_span(site_key_span(sources, "language"))
                .with_hint(format!(
                    "write your own in themes/<your theme>/labels.yaml (the keys of themes/default/labels/en.yaml), or use one of: {}",
                    DEFAULT_LABELS.iter().map(|(tag, _)| *tag).collect::<Vec<_>>().join(", ")
                )),
        );
    }
    let (tag, text) = found.unwrap_or(DEFAULT_LABELS[0]);
    let default_path = Path::new("themes/default/labels").join(format!("{tag}.yaml"));
    sources.insert(&default_path, text);
    let mut labels: Labels = match crate::yaml::parse(&default_path, text) {
        Ok(labels) => labels,
        Err(d) => {
            diagnostics.push(d);
            return Labels::new();
        }
    };
    if own.is_file() {
        let relative = own.strip_prefix(root).unwrap_or(&own).to_path_buf();
        match std::fs::read_to_string(&own) {
            Ok(text) => {
                sources.insert(&relative, &text);
                match crate::yaml::parse::<BTreeMap<Spanned<String>, String>>(&relative, &text) {
                    Ok(own_labels) => {
                        diagnostics.extend(unknown_label_keys(
                            &relative,
                            &own_labels,
                            &labels,
                            &own_template_texts(site_theme),
                        ));
                        labels.extend(own_labels.into_iter().map(|(key, text)| (key.value, text)));
                    }
                    Err(d) => diagnostics.push(d),
                }
            }
            Err(error) => diagnostics.push(
                Diagnostic::error(format!("cannot read this file: {error}")).with_span(Span::file_only(&relative)),
            ),
        }
    }
    labels
}

/// The texts of the site theme's own templates, where a label key of its own may be used.
fn own_template_texts(site_theme: &Path) -> String {
    let mut ignored = Vec::new();
    let templates = site_theme.join("templates");
    crate::site_files::files_under(&templates, &templates, &mut ignored)
        .into_iter()
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A key of the site theme's `labels.yaml` that the default theme does not have and none of the
/// site's own templates uses changes nothing: most likely a misspelt key, so it is a warning.
fn unknown_label_keys(
    file: &Path,
    own: &BTreeMap<Spanned<String>, String>,
    defaults: &Labels,
    own_templates: &str,
) -> Vec<Diagnostic> {
    own.keys()
        .filter(|key| !defaults.contains_key(key.as_str()))
        .filter(|key| {
            let used = [
                format!("labels.{}", key.as_str()),
                format!("labels[\"{}\"]", key.as_str()),
            ];
            !used.iter().any(|pattern| own_templates.contains(pattern.as_str()))
        })
        .map(|key| {
            let hint = match closest(key, defaults.keys().map(String::as_str)) {
                Some(known) => format!("did you mean `{known}`? only the theme's own words can be changed here"),
                None => "only the theme's own words can be changed here; see the keys in docs/themes.md".to_string(),
            };
            Diagnostic::warning(format!(
                "the theme has no word `{}`, so this changes nothing",
                key.as_str()
            ))
            .with_span(key.span(file))
            .with_hint(hint)
        })
        .collect()
}

/// The default theme's labels file for `language` (English for a language it has none for):
/// its language tag and text, for `guidegen theme eject`.
pub fn default_labels_text(language: &str) -> (&'static str, &'static str) {
    default_labels_for(language).unwrap_or(DEFAULT_LABELS[0])
}

/// Puts content's `words:` over `labels`. A key the theme does not know is a warning at its
/// position (it would change nothing), with the closest known key.
pub fn apply_words(labels: &mut Labels, words: &BTreeMap<Spanned<String>, String>) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (key, text) in words {
        if labels.contains_key(key.as_str()) {
            labels.insert(key.value.clone(), text.clone());
            continue;
        }
        let hint = match closest(key, labels.keys().map(String::as_str)) {
            Some(known) => format!("did you mean `{known}`? `words:` can only change the theme's own words"),
            None => "`words:` can only change the theme's own words; see the keys in docs/themes.md".to_string(),
        };
        warnings.push(
            Diagnostic::warning(format!(
                "the theme has no word `{}`, so this changes nothing",
                key.as_str()
            ))
            .with_span(key.span(Path::new("content/site.yaml")))
            .with_hint(hint),
        );
    }
    warnings
}

/// How a date reads in the site's language (`date_format`, `date_format_day_month`, `months`).
/// Twin of `formatDate` in themes/default/static/timeline.js.
#[derive(Debug, Clone)]
pub struct DateWords {
    format: String,
    day_month: String,
    months: Vec<String>,
}

impl DateWords {
    pub fn from_labels(labels: &Labels) -> Self {
        let get = |key: &str| labels.get(key).cloned().unwrap_or_default();
        DateWords {
            format: get("date_format"),
            day_month: get("date_format_day_month"),
            months: get("months").split(',').map(|m| m.trim().to_string()).collect(),
        }
    }

    /// `date` in words: `{y}`, `{m}`, `{d}` as numbers and `{month}` as the month's name.
    pub fn text(&self, date: NaiveDate, with_year: bool) -> String {
        let format = if with_year { &self.format } else { &self.day_month };
        if format.is_empty() {
            return date.format("%Y-%m-%d").to_string();
        }
        let month_name = self.months.get(date.month0() as usize).map_or("", String::as_str);
        format
            .replace("{y}", &date.year().to_string())
            .replace("{month}", month_name)
            .replace("{m}", &date.month().to_string())
            .replace("{d}", &date.day().to_string())
    }

    /// The text of `value` when it is a date written YYYY-MM-DD; any other text unchanged.
    fn text_of(&self, value: &str, with_year: bool) -> String {
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(date) => self.text(date, with_year),
            Err(_) => value.to_string(),
        }
    }
}

/// Gives templates the `long_date` filter in the site's language: `{{ d | long_date }}` and,
/// for a date that comes back every year, `{{ d | long_date(year=false) }}`.
pub(super) fn register_date_filter(tera: &mut tera::Tera, labels: &Labels) {
    let words = DateWords::from_labels(labels);
    tera.register_filter(
        "long_date",
        move |value: &str, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let with_year = kwargs.get::<bool>("year")?.unwrap_or(true);
            Ok(words.text_of(value, with_year))
        },
    );
}

/// One piece of a date to fill in by hand: a word, or a blank (`wide` for the year).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateBoxPart {
    pub text: String,
    pub blank: Option<&'static str>,
}

/// The pieces of `date_boxes` ("[year]年[month]月[day]日", "Day [day] Month [month] Year [year]").
pub fn date_boxes(labels: &Labels) -> Vec<DateBoxPart> {
    let pattern = labels.get("date_boxes").map_or("[year] [month] [day]", String::as_str);
    let mut parts = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let blank = match &rest[open + 1..close] {
            "year" => Some("wide"),
            "month" | "day" => Some("short"),
            _ => None,
        };
        let Some(blank) = blank else {
            push_word(&mut parts, &rest[..=close]);
            rest = &rest[close + 1..];
            continue;
        };
        push_word(&mut parts, &rest[..open]);
        parts.push(DateBoxPart {
            text: String::new(),
            blank: Some(blank),
        });
        rest = &rest[close + 1..];
    }
    push_word(&mut parts, rest);
    parts
}

fn push_word(parts: &mut Vec<DateBoxPart>, text: &str) {
    if text.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(last) if last.blank.is_none() => last.text.push_str(text),
        _ => parts.push(DateBoxPart {
            text: text.to_string(),
            blank: None,
        }),
    }
}

/// Where `key:` is set at the top of content/site.yaml, for keys the model keeps no position of.
pub(super) fn site_key_span(sources: &SourceMap, key: &str) -> Span {
    let file = Path::new("content/site.yaml");
    let prefix = format!("{key}:");
    let found = sources.get(file).and_then(|text| {
        text.lines()
            .enumerate()
            .find(|(_, line)| line.starts_with(&prefix))
            .map(|(index, line)| {
                let value = line[prefix.len()..].trim_start();
                let column = line.chars().count() - value.chars().count() + 1;
                Span::new(file, index as u32 + 1, column as u32, value.chars().count().max(1))
            })
    });
    found.unwrap_or_else(|| Span::file_only(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(tag: &str) -> Labels {
        let (_, text) = default_labels_for(tag).expect("a labels file");
        crate::yaml::parse(Path::new("labels.yaml"), text).expect("labels parse")
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_language_of_the_default_theme_has_the_same_keys() {
        let english: Vec<String> = labels("en").into_keys().collect();
        for (tag, _) in DEFAULT_LABELS {
            let keys: Vec<String> = labels(tag).into_keys().collect();
            assert_eq!(keys, english, "{tag}.yaml and en.yaml differ in keys");
        }
    }

    #[test]
    fn a_language_tag_finds_its_file_by_the_tag_or_its_primary_language() {
        assert_eq!(default_labels_for("zh-CN").map(|l| l.0), Some("zh-CN"));
        assert_eq!(default_labels_for("zh-Hans").map(|l| l.0), Some("zh-CN"));
        assert_eq!(default_labels_for("en-GB").map(|l| l.0), Some("en"));
        assert_eq!(default_labels_for("EN").map(|l| l.0), Some("en"));
        assert_eq!(default_labels_for("fr"), None);
    }

    #[test]
    fn dates_read_in_the_site_s_language() {
        let chinese = DateWords::from_labels(&labels("zh-CN"));
        let english = DateWords::from_labels(&labels("en"));
        assert_eq!(chinese.text(day("2024-03-31"), true), "2024年3月31日");
        assert_eq!(english.text(day("2024-03-31"), true), "31 March 2024");
        assert_eq!(chinese.text(day("2027-01-05"), false), "1月5日");
        assert_eq!(english.text(day("2027-01-05"), false), "5 January");
    }

    #[test]
    fn text_that_is_not_a_date_is_left_alone() {
        let english = DateWords::from_labels(&labels("en"));
        assert_eq!(english.text_of("soon", true), "soon");
    }

    #[test]
    fn form_date_boxes_follow_the_language_s_order() {
        let blanks = |tag: &str| -> Vec<String> {
            date_boxes(&labels(tag))
                .into_iter()
                .map(|p| p.blank.map_or(p.text, |b| format!("<{b}>")))
                .collect()
        };
        assert_eq!(blanks("zh-CN"), ["<wide>", "年", "<short>", "月", "<short>", "日"]);
        assert_eq!(
            blanks("en"),
            ["Day ", "<short>", " Month ", "<short>", " Year ", "<wide>"]
        );
    }

    #[test]
    fn words_override_labels_and_an_unknown_key_is_a_positioned_warning() {
        let mut known = labels("en");
        let mut words = BTreeMap::new();
        words.insert(
            Spanned {
                value: "forms".to_string(),
                line: 3,
                column: 3,
            },
            "Verification forms".to_string(),
        );
        words.insert(
            Spanned {
                value: "formz".to_string(),
                line: 4,
                column: 3,
            },
            "x".to_string(),
        );
        let warnings = apply_words(&mut known, &words);
        assert_eq!(known["forms"], "Verification forms");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("`formz`"), "{}", warnings[0].message);
        assert!(warnings[0].hint.as_deref().unwrap_or_default().contains("`forms`"));
    }
}
