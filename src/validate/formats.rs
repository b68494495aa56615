//! The two value formats every content file shares: dates (`YYYY-MM-DD`) and web addresses.
//! One parser and one check for each, so every file accepts the same values and reports a wrong
//! one in the same words; only the hint names what the file's dates come from.

use std::path::Path;

use chrono::NaiveDate;

use crate::diagnostics::Diagnostic;
use crate::yaml::Spanned;

/// Where the dates of one kind of file come from, for the hints of its date errors.
pub(super) struct DateSource {
    /// What to check an impossible date against, e.g. "the source".
    pub check_against: &'static str,
    /// A date in the right form, for the example in the hint.
    pub example: &'static str,
}

/// Dates of the rules (site.yaml, deadlines.yaml), taken from the sources they cite.
pub(super) const RULE_DATES: DateSource = DateSource {
    check_against: "the source",
    example: "2024-03-31",
};

/// Dates of holidays.yaml, taken from the official list of each year's holidays.
pub(super) const NOTICE_DATES: DateSource = DateSource {
    check_against: "the official list of holidays",
    example: "2024-10-01",
};

/// `value` as a date, or the error that says what is wrong with it.
pub(super) fn date(file: &Path, value: &Spanned<String>, source: &DateSource) -> Result<NaiveDate, Diagnostic> {
    let (message, hint) = match parse_date(value.as_str()) {
        Ok(date) => return Ok(date),
        Err(Some(why)) => (
            format!("`{}` is not a real date: {why}", value.as_str()),
            format!("check the date against {}", source.check_against),
        ),
        Err(None) => (
            format!("`{}` is not a date in the form YYYY-MM-DD", value.as_str()),
            format!("write dates as YYYY-MM-DD in quotes, e.g. \"{}\"", source.example),
        ),
    };
    Err(Diagnostic::error(message).with_span(value.span(file)).with_hint(hint))
}

/// A strict `YYYY-MM-DD`; the error says why a well-formed text names no day (`None`: malformed).
pub(super) fn parse_date(text: &str) -> Result<NaiveDate, Option<String>> {
    let bytes = text.as_bytes();
    let well_formed = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return Err(None);
    }
    let year: i32 = text[..4].parse().map_err(|_| None)?;
    let month: u32 = text[5..7].parse().map_err(|_| None)?;
    let day: u32 = text[8..].parse().map_err(|_| None)?;
    if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
        return Ok(date);
    }
    if !(1..=12).contains(&month) {
        return Err(Some(format!("there is no month {month}")));
    }
    let days = (28..=31)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
        .unwrap_or(28);
    Err(Some(format!("{year}-{month:02} has {days} days, not {day}")))
}

/// An error unless `url` is a web address. Addresses are printed into links, so only web
/// addresses are accepted (never `javascript:`).
pub(super) fn web_address(file: &Path, url: &Spanned<String>) -> Result<(), Diagnostic> {
    if is_web_address(url.as_str()) {
        return Ok(());
    }
    Err(Diagnostic::error(format!("`{}` is not a web address", url.as_str()))
        .with_span(url.span(file))
        .with_hint("write a full address starting with https:// (or http://)"))
}

/// The most guides a page of a section's list may hold (`guides_per_page`): more would let a
/// guide page's navigation and a list page grow too large to read or to build.
pub(crate) const MOST_GUIDES_PER_PAGE: u32 = 1000;

/// `guides_per_page` is a number from 1 to [`MOST_GUIDES_PER_PAGE`].
pub(super) fn guides_per_page(file: &Path, per_page: &Spanned<u32>) -> Result<(), Diagnostic> {
    if (1..=MOST_GUIDES_PER_PAGE).contains(&per_page.value) {
        return Ok(());
    }
    Err(Diagnostic::error(format!(
        "`guides_per_page` must be from 1 to {MOST_GUIDES_PER_PAGE}, not {}",
        per_page.value
    ))
    .with_span(per_page.span_in(file, per_page.value.to_string().len()))
    .with_hint("leave it out for 100 guides per page, or choose a number such as 50 or 200"))
}

/// `https://host…` or `http://host…` with no white space. (Other characters are escaped wherever
/// an address is printed; what matters here is that it can never be `javascript:` or the like.)
pub fn is_web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    matches!(rest, Some(host) if !host.is_empty() && !host.starts_with('/'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn only_web_addresses_are_addresses() {
        assert!(is_web_address("https://beian.miit.gov.cn/"));
        assert!(is_web_address("http://example.org/a?b=c"));
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "https://",
            "//x.org",
            "data:text/html,x",
            "https://a b",
            "ftp://x",
            " javascript:x",
        ] {
            assert!(!is_web_address(bad), "{bad}");
        }
    }

    #[test]
    fn impossible_dates_say_why() {
        assert_eq!(parse_date("2026-13-40"), Err(Some("there is no month 13".into())));
        assert_eq!(
            parse_date("2030-02-30"),
            Err(Some("2030-02 has 28 days, not 30".into()))
        );
        assert_eq!(parse_date("2024/03/31"), Err(None));
    }

    #[test]
    fn parse_date_is_strict() {
        assert_eq!(parse_date("2024-02-29"), Ok(d("2024-02-29")));
        assert_eq!(
            parse_date("2023-02-29"),
            Err(Some("2023-02 has 28 days, not 29".into()))
        );
        assert_eq!(parse_date("2023-2-28"), Err(None));
        assert_eq!(parse_date("2023/02/28"), Err(None));
        assert_eq!(parse_date("+023-02-28"), Err(None));
    }

    #[test]
    fn a_padded_or_signed_date_is_not_a_date_in_any_file() {
        // The rules' dates were once read by chrono, which took these; one parser now refuses them.
        for text in ["2024- 3-31", " 024-03-31", "-024-03-31", "2024-03- 1"] {
            assert_eq!(parse_date(text), Err(None), "{text}");
        }
    }

    #[test]
    fn a_date_error_names_the_value_and_hints_at_where_the_file_s_dates_come_from() {
        let value = Spanned::detached("2023-02-29".to_string());
        let error = date(Path::new("content/site.yaml"), &value, &RULE_DATES).unwrap_err();
        assert_eq!(
            error.message,
            "`2023-02-29` is not a real date: 2023-02 has 28 days, not 29"
        );
        assert_eq!(error.hint.as_deref(), Some("check the date against the source"));
        let value = Spanned::detached("1 Oct".to_string());
        let error = date(Path::new("content/holidays.yaml"), &value, &NOTICE_DATES).unwrap_err();
        assert_eq!(error.message, "`1 Oct` is not a date in the form YYYY-MM-DD");
        assert_eq!(
            error.hint.as_deref(),
            Some("write dates as YYYY-MM-DD in quotes, e.g. \"2024-10-01\"")
        );
    }
}
