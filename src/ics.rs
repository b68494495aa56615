//! The deadlines as an iCalendar file (RFC 5545): one all-day event per deadline.
//! Output depends only on its arguments (no clock), so builds stay byte-identical.

use chrono::{Datelike, Days, NaiveDate};

/// One deadline as a calendar event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IcsDeadline {
    /// Stable id; the event's UID is `<id>@guidegen`.
    pub id: String,
    /// The day the event falls on (all day); for a yearly one, its first day.
    pub date: NaiveDate,
    /// Repeats every year on the same day.
    pub yearly: bool,
    /// The event's summary (plain text).
    pub title: String,
    /// The event's description (plain text; newlines are kept).
    pub description: String,
}

/// Longest physical line, in octets, without its CRLF (RFC 5545 section 3.1).
const LINE_OCTETS: usize = 75;

/// The calendar of `deadlines`, CRLF-terminated and folded; `dtstamp` (midnight UTC) stamps every
/// event, so the same input always gives the same bytes.
pub(crate) fn deadlines_ics(site_title: &str, language: &str, deadlines: &[IcsDeadline], dtstamp: NaiveDate) -> String {
    let language = language_param(language);
    let stamp = format!("{}T000000Z", basic_date(dtstamp));
    let mut out = String::new();
    let mut line = |text: &str| out.push_str(&fold(text));
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//guidegen//guidegen//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME{language}:{}", escape_text(site_title)));
    for deadline in deadlines {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}@guidegen", escape_text(&deadline.id)));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("DTSTART;VALUE=DATE:{}", basic_date(deadline.date)));
        line(&event_end(deadline.date));
        if deadline.yearly {
            line("RRULE:FREQ=YEARLY");
        }
        line(&format!("SUMMARY{language}:{}", escape_text(&deadline.title)));
        if !deadline.description.is_empty() {
            line(&format!("DESCRIPTION{language}:{}", escape_text(&deadline.description)));
        }
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// An all-day event ends, exclusively, on the next day. After 9999-12-31 no DATE value exists
/// (four-digit years), so that day lasts one day instead (RFC 5545 allows DURATION for DTEND).
fn event_end(date: NaiveDate) -> String {
    match date
        .checked_add_days(Days::new(1))
        .filter(|end| end.year() <= LAST_YEAR)
    {
        Some(end) => format!("DTEND;VALUE=DATE:{}", basic_date(end)),
        None => "DURATION:P1D".to_string(),
    }
}

/// The last year a DATE value can hold (`date-fullyear = 4DIGIT`).
const LAST_YEAR: i32 = 9999;

/// `YYYYMMDD`, the form of a DATE value.
fn basic_date(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// `;LANGUAGE=<tag>` for a well-formed BCP 47 tag, nothing otherwise.
fn language_param(language: &str) -> String {
    let well_formed = !language.is_empty()
        && language.len() <= 35
        && language
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
    if well_formed {
        format!(";LANGUAGE={language}")
    } else {
        String::new()
    }
}

/// A TEXT value (RFC 5545 section 3.3.11): `\`, `;` and `,` escaped, each line break as `\n`,
/// other control characters (which TEXT may not hold) dropped, tabs kept.
pub(crate) fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded: physical lines of at most 75 octets, a continuation line starting
/// with a space, never splitting a character; each line ends with CRLF.
pub(crate) fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 64 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Undoes folding (RFC 5545 section 3.1): a CRLF followed by one space or tab disappears.
    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "").replace("\r\n\t", "")
    }

    /// Undoes `escape_text`.
    fn unescape(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn sample() -> Vec<IcsDeadline> {
        vec![
            IcsDeadline {
                yearly: false,
                id: "listed-2024-03-31".into(),
                date: d("2024-03-31"),
                title: "已上架的小程序补办备案的截止日".into(),
                description: "已上架的小程序要在 2024 年 3 月 31 日之前完成备案；逾期仍未完成备案的，平台会按照备案相关规定从 2024 年 4 月 1 日起清退。\n小程序会被下架、暂停服务或无法提交新版本更新。".into(),
            },
            IcsDeadline {
                yearly: false,
                id: "year-end".into(),
                date: d("2024-12-31"),
                title: "Year end, a test; with \\ backslash".into(),
                description: String::new(),
            },
        ]
    }

    #[test]
    fn every_line_ends_with_crlf_and_fits_in_75_octets() {
        let ics = deadlines_ics("微信小程序备案指南", "zh-CN", &sample(), d("2026-11-27"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "a bare LF");
        assert!(!ics.replace("\r\n", "").contains('\r'), "a bare CR");
        for physical in ics.split_terminator("\r\n") {
            assert!(physical.len() <= 75, "{} octets: {physical}", physical.len());
        }
    }

    #[test]
    fn the_event_is_all_day_with_an_exclusive_end_and_a_fixed_stamp() {
        let ics = deadlines_ics("指南", "zh-CN", &sample(), d("2026-11-27"));
        let lines: Vec<&str> = ics.split_terminator("\r\n").collect();
        let event: Vec<&str> = lines
            .iter()
            .copied()
            .skip_while(|l| *l != "BEGIN:VEVENT")
            .take_while(|l| *l != "END:VEVENT")
            .filter(|l| !l.starts_with(' ') && !l.starts_with("SUMMARY") && !l.starts_with("DESCRIPTION"))
            .collect();
        assert_eq!(
            event,
            [
                "BEGIN:VEVENT",
                "UID:listed-2024-03-31@guidegen",
                "DTSTAMP:20261127T000000Z",
                "DTSTART;VALUE=DATE:20240331",
                "DTEND;VALUE=DATE:20240401",
                "TRANSP:TRANSPARENT",
            ]
        );
        assert!(
            ics.contains("DTSTART;VALUE=DATE:20241231\r\nDTEND;VALUE=DATE:20250101\r\n"),
            "{ics}"
        );
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"), "{ics}");
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let a = deadlines_ics("指南", "zh-CN", &sample(), d("2026-11-27"));
        let b = deadlines_ics("指南", "zh-CN", &sample(), d("2026-11-27"));
        assert_eq!(a, b);
        assert_ne!(a, deadlines_ics("指南", "zh-CN", &sample(), d("2026-11-28")));
    }

    #[test]
    fn unfolding_and_unescaping_restore_the_text_exactly() {
        let deadlines = sample();
        let ics = deadlines_ics("微信小程序备案指南", "zh-CN", &deadlines, d("2026-11-27"));
        let unfolded = unfold(&ics);
        let values = |name: &str| -> Vec<String> {
            unfolded
                .split("\r\n")
                .filter_map(|l| l.strip_prefix(name))
                .map(unescape)
                .collect()
        };
        assert_eq!(
            values("SUMMARY;LANGUAGE=zh-CN:"),
            [deadlines[0].title.clone(), deadlines[1].title.clone()]
        );
        assert_eq!(
            values("DESCRIPTION;LANGUAGE=zh-CN:"),
            [deadlines[0].description.clone()]
        );
        assert_eq!(values("X-WR-CALNAME;LANGUAGE=zh-CN:"), ["微信小程序备案指南"]);
    }

    #[test]
    fn folding_never_splits_a_character() {
        for text in [
            "中".repeat(200),
            format!("DESCRIPTION:{}", "备案号a😀，".repeat(60)),
            format!("X:{}", "a".repeat(300)),
            "é".repeat(100),
            String::new(),
        ] {
            let folded = fold(&text);
            // Every physical line is valid UTF-8 on its own (no character cut in two).
            let bytes = folded.as_bytes();
            let mut start = 0;
            for (i, pair) in bytes.windows(2).enumerate() {
                if pair == b"\r\n" {
                    let physical = &bytes[start..i];
                    assert!(std::str::from_utf8(physical).is_ok(), "split character in {text}");
                    assert!(physical.len() <= 75, "{} octets", physical.len());
                    start = i + 2;
                }
            }
            assert_eq!(unfold(&folded), format!("{text}\r\n"));
        }
        // 25 three-octet characters fill the first line exactly; the 26th goes on.
        let folded = fold(&"中".repeat(26));
        assert_eq!(folded, format!("{}\r\n 中\r\n", "中".repeat(25)));
        // A continuation line holds 74 octets after its space.
        let folded = fold(&"a".repeat(75 + 74 + 1));
        let lines: Vec<usize> = folded.split_terminator("\r\n").map(str::len).collect();
        assert_eq!(lines, [75, 75, 2]);
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf\rg"), "a\\\\b\\;c\\,d\\ne\\nf\\ng");
        assert_eq!(escape_text("中文，全角逗号；分号"), "中文，全角逗号；分号");
        assert_eq!(escape_text("bell\u{7}\ttab"), "bell\ttab");
        let ics = deadlines_ics("A, B; C", "zh-CN", &[], d("2026-11-27"));
        assert!(ics.contains("X-WR-CALNAME;LANGUAGE=zh-CN:A\\, B\\; C\r\n"), "{ics}");
    }

    #[test]
    fn a_malformed_language_tag_is_left_out() {
        let ics = deadlines_ics("T", "zh\"CN;x", &sample(), d("2026-11-27"));
        assert!(ics.contains("\r\nSUMMARY:"), "{ics}");
        assert!(!ics.contains("LANGUAGE"), "{ics}");
        assert!(deadlines_ics("T", "zh-Hans-CN", &sample(), d("2026-11-27")).contains("SUMMARY;LANGUAGE=zh-Hans-CN:"));
    }

    #[test]
    fn the_last_representable_day_lasts_one_day_instead_of_ending_in_year_10000() {
        let last = IcsDeadline {
            yearly: false,
            id: "end-of-time".into(),
            date: d("9999-12-31"),
            title: "Last day".into(),
            description: String::new(),
        };
        let ics = deadlines_ics("T", "en", std::slice::from_ref(&last), d("2026-11-27"));
        assert!(
            ics.contains("DTSTART;VALUE=DATE:99991231\r\nDURATION:P1D\r\nSUMMARY"),
            "{ics}"
        );
        assert!(!ics.contains("DTEND"), "{ics}");
        assert!(!ics.contains("10000"), "{ics}");
        // The day before still gets an exclusive end date, in the same year.
        let eve = IcsDeadline {
            date: d("9999-12-30"),
            ..last
        };
        let ics = deadlines_ics("T", "en", &[eve], d("2026-11-27"));
        assert!(ics.contains("DTEND;VALUE=DATE:99991231\r\n"), "{ics}");
        assert!(!ics.contains("DURATION"), "{ics}");
    }

    #[test]
    fn every_date_value_has_exactly_eight_digits() {
        let dates = [
            "0001-01-01",
            "1600-02-29",
            "2024-02-29",
            "9998-12-31",
            "9999-12-30",
            "9999-12-31",
        ];
        let deadlines: Vec<IcsDeadline> = dates
            .iter()
            .map(|date| IcsDeadline {
                yearly: false,
                id: date.to_string(),
                date: d(date),
                title: "t".into(),
                description: String::new(),
            })
            .collect();
        let ics = deadlines_ics("T", "en", &deadlines, d("9999-12-31"));
        for line in ics.split_terminator("\r\n") {
            if let Some(value) = line
                .strip_prefix("DTSTART;VALUE=DATE:")
                .or(line.strip_prefix("DTEND;VALUE=DATE:"))
            {
                assert!(value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()), "{line}");
            }
        }
        assert_eq!(
            ics.matches("DTEND;VALUE=DATE:").count() + ics.matches("DURATION:P1D").count(),
            dates.len()
        );
    }

    #[test]
    fn no_deadlines_is_an_empty_calendar() {
        let ics = deadlines_ics("T", "en", &[], d("2026-11-27"));
        assert_eq!(
            ics,
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//guidegen//guidegen//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME;LANGUAGE=en:T\r\nEND:VCALENDAR\r\n"
        );
    }
}
