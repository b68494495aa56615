//! The checks of `content/holidays.yaml`, and the `Calendar` they vouch for: four-digit years
//! listed once, real dates inside their year, each date listed once (off or worked), worked days
//! on weekends only, ranges short enough to catch a mistyped month. Every problem is reported.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};

use super::formats::{self, NOTICE_DATES};
use crate::diagnostics::{Diagnostic, Span};
use crate::model::calendar::is_weekend;
use crate::model::{Calendar, DayGroup, HolidayYear, HolidaysFile, SiteCalendar};
use crate::yaml::Spanned;

/// The longest range `from`..`to` accepted, in days: a guard against a mistyped month.
const LONGEST_RANGE: i64 = 31;

/// The calendar of the holiday data `data` (from `file`, relative to the site root), or every
/// problem found in it. For a file with several `calendars:`, the site's (the first).
pub fn holiday_calendar(file: &Path, data: &HolidaysFile) -> Result<Calendar, Vec<Diagnostic>> {
    let mut calendars = holiday_calendars(file, data)?;
    Ok(calendars.remove(0).calendar)
}

/// Every calendar of the holiday data `data`, the site's first (one, with an empty id and name,
/// for a file that lists `years:`); or every problem found in it. Calendar ids are checked with
/// the other ids, by `validate`.
pub fn holiday_calendars(file: &Path, data: &HolidaysFile) -> Result<Vec<SiteCalendar>, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    if !data.years.is_empty() && !data.calendars.is_empty() {
        diagnostics.push(
            Diagnostic::error("the file lists both `years` and `calendars`")
                .with_span(Span::file_only(file))
                .with_hint("list one calendar's years under `years:`, or name each calendar under `calendars:` with its own `years:`, not both"),
        );
        return Err(diagnostics);
    }
    let mut calendars = Vec::new();
    if data.calendars.is_empty() && data.years.is_empty() {
        // `years: []`: a file kept, explained, for the years to come; no year has data yet.
        calendars.push(SiteCalendar {
            id: String::new(),
            name: String::new(),
            calendar: Calendar::default(),
        });
    } else if data.calendars.is_empty() {
        match years_calendar(file, &data.years, "`years` lists no year") {
            Ok(calendar) => calendars.push(SiteCalendar {
                id: String::new(),
                name: String::new(),
                calendar,
            }),
            Err(errors) => diagnostics.extend(errors),
        }
    }
    for named in &data.calendars {
        let empty = format!("calendar `{}` lists no year", named.id.as_str());
        match years_calendar(file, &named.years, &empty) {
            Ok(calendar) => calendars.push(SiteCalendar {
                id: named.id.value.clone(),
                name: named.name.clone(),
                calendar,
            }),
            Err(errors) => diagnostics.extend(errors),
        }
    }
    if diagnostics.is_empty() {
        Ok(calendars)
    } else {
        Err(diagnostics)
    }
}

/// The calendar of one list of years, or every problem in it (`empty` when it lists none).
fn years_calendar(file: &Path, years: &[HolidayYear], empty: &str) -> Result<Calendar, Vec<Diagnostic>> {
    let mut checker = Checker {
        file,
        diagnostics: Vec::new(),
        calendar: Calendar::default(),
    };
    if years.is_empty() {
        checker.diagnostics.push(
            Diagnostic::error(empty)
                .with_span(Span::file_only(file))
                .with_hint("add each year's notice and dates, or delete the file if the site needs no working days"),
        );
    }
    let mut seen_years: BTreeMap<i32, u32> = BTreeMap::new();
    for year in years {
        checker.year(year, &mut seen_years);
    }
    if checker.diagnostics.is_empty() {
        Ok(checker.calendar)
    } else {
        Err(checker.diagnostics)
    }
}

struct Checker<'a> {
    file: &'a Path,
    diagnostics: Vec<Diagnostic>,
    calendar: Calendar,
}

/// Where a date was first listed: its group's name, its line, and whether it was a day off.
struct Listed {
    name: String,
    line: u32,
    off: bool,
}

impl Checker<'_> {
    fn error(&mut self, span: Span, message: String, hint: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(message).with_span(span).with_hint(hint));
    }

    fn year(&mut self, entry: &HolidayYear, seen_years: &mut BTreeMap<i32, u32>) {
        let year = entry.year.value;
        let year_span = entry.year.span_in(self.file, year.to_string().chars().count());
        if !(1000..=9999).contains(&year) {
            self.error(
                year_span,
                format!("`{year}` is not a four-digit year"),
                "write the calendar year the notice is for, e.g. `year: 2024`",
            );
            return;
        }
        if let Some(first) = seen_years.get(&year) {
            let hint = format!("year {year} is already listed on line {first}; merge the two entries");
            self.error(year_span, format!("year {year} is listed twice"), hint);
            return;
        }
        seen_years.insert(year, entry.year.line);
        if let Some(notice) = &entry.notice {
            self.date(&notice.date);
            if let Some(url) = &notice.url {
                if let Err(error) = formats::web_address(self.file, url) {
                    self.diagnostics.push(error);
                }
            }
        }
        let mut listed: BTreeMap<NaiveDate, Listed> = BTreeMap::new();
        for group in &entry.days_off {
            for (date, at) in self.group_dates(year, group) {
                self.list(&mut listed, date, &at, group, true);
            }
        }
        for group in &entry.working_days {
            for (date, at) in self.group_dates(year, group) {
                if !is_weekend(date) {
                    self.error(
                        at.span(self.file),
                        format!("`{}` is a {}, not a Saturday or Sunday", at.as_str(), weekday_name(date)),
                        "`working_days` lists only weekend days that are worked; a weekday is a working day unless it is in `days_off`",
                    );
                    continue;
                }
                self.list(&mut listed, date, &at, group, false);
            }
        }
        let (mut off, mut work) = (Vec::new(), Vec::new());
        for (date, listed) in listed {
            let days = if listed.off { &mut off } else { &mut work };
            days.push((date, listed.name));
        }
        let source = entry.source.as_ref().map(|s| s.value.clone());
        self.calendar.add_year(year, (entry.notice.clone(), source), off, work);
    }

    /// Records a date once; a second listing (as off or working) is an error.
    fn list(
        &mut self,
        listed: &mut BTreeMap<NaiveDate, Listed>,
        date: NaiveDate,
        at: &Spanned<String>,
        group: &DayGroup,
        off: bool,
    ) {
        let kind = |off: bool| if off { "a day off" } else { "a working day" };
        if let Some(first) = listed.get(&date) {
            let message = if first.off == off {
                format!("`{}` is listed twice as {}", at.as_str(), kind(off))
            } else {
                format!("`{}` is listed both as a day off and as a working day", at.as_str())
            };
            let hint = format!(
                "it is already listed as {} in `{}` on line {}; a date is either off or worked, once",
                kind(first.off),
                first.name,
                first.line
            );
            self.error(at.span(self.file), message, hint);
            return;
        }
        listed.insert(
            date,
            Listed {
                name: group.name.value.clone(),
                line: at.line,
                off,
            },
        );
    }

    /// The dates a group names, each with the value to blame for it; reports malformed groups.
    fn group_dates(&mut self, year: i32, group: &DayGroup) -> Vec<(NaiveDate, Spanned<String>)> {
        let name = group.name.as_str();
        let name_span = group.name.span(self.file);
        let mut out = Vec::new();
        match (&group.from, &group.to) {
            (Some(_), _) | (_, Some(_)) if !group.dates.is_empty() => {
                self.error(
                    name_span,
                    format!("`{name}` has both `dates` and `from`/`to`"),
                    "write either a list `dates: [...]` or a range `from: ...` `to: ...`, not both",
                );
            }
            (None, None) if group.dates.is_empty() => {
                self.error(
                    name_span,
                    format!("`{name}` lists no date"),
                    "add `dates: [\"YYYY-MM-DD\", ...]`, or a range `from: \"YYYY-MM-DD\"` and `to: \"YYYY-MM-DD\"`",
                );
            }
            (None, None) => {
                for value in &group.dates {
                    if let Some(date) = self.date_in(year, value) {
                        out.push((date, value.clone()));
                    }
                }
            }
            (Some(from), None) | (None, Some(from)) => {
                let (has, lacks) = if group.from.is_some() {
                    ("from", "to")
                } else {
                    ("to", "from")
                };
                self.error(
                    from.span(self.file),
                    format!("`{name}` has `{has}` but no `{lacks}`"),
                    "a range needs both `from` and `to` (both included); for single days write `dates: [...]`",
                );
            }
            (Some(from), Some(to)) => {
                let (Some(first), Some(last)) = (self.date_in(year, from), self.date_in(year, to)) else {
                    return out;
                };
                let days = (last - first).num_days() + 1;
                if last < first {
                    self.error(
                        to.span(self.file),
                        format!("`to` ({}) comes before `from` ({})", to.as_str(), from.as_str()),
                        "a range runs from its first day to its last day; swap them or fix the typo",
                    );
                } else if days > LONGEST_RANGE {
                    self.error(
                        to.span(self.file),
                        format!("`{name}` runs {days} days, from {} to {}", from.as_str(), to.as_str()),
                        format!("a range may span at most {LONGEST_RANGE} days, to catch a mistyped month; check `from` and `to`"),
                    );
                } else {
                    let mut date = first;
                    while date <= last {
                        // Blame the start of the range for any of its days.
                        out.push((
                            date,
                            Spanned {
                                value: date.format("%Y-%m-%d").to_string(),
                                ..from.clone()
                            },
                        ));
                        date = match date.succ_opt() {
                            Some(next) => next,
                            None => break,
                        };
                    }
                }
            }
        }
        out
    }

    /// A valid date inside `year`, or an error.
    fn date_in(&mut self, year: i32, value: &Spanned<String>) -> Option<NaiveDate> {
        let date = self.date(value)?;
        if date.year() != year {
            self.error(
                value.span(self.file),
                format!("`{}` is not in {year}", value.as_str()),
                format!(
                    "list each date under the year it falls in (here `year: {}`), even when the notice for {year} names it",
                    date.year()
                ),
            );
            return None;
        }
        Some(date)
    }

    fn date(&mut self, value: &Spanned<String>) -> Option<NaiveDate> {
        match formats::date(self.file, value, &NOTICE_DATES) {
            Ok(date) => Some(date),
            Err(error) => {
                self.diagnostics.push(error);
                None
            }
        }
    }
}

fn weekday_name(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! The holiday data of the tests of every module that needs a calendar.

    use super::*;

    pub(crate) const FILE: &str = "content/holidays.yaml";
    const REAL: &str = include_str!("../../content/holidays.yaml");

    /// `text` as `content/holidays.yaml`, read and checked.
    pub(crate) fn parse(text: &str) -> Result<Calendar, Vec<Diagnostic>> {
        let data: HolidaysFile = crate::yaml::parse(Path::new(FILE), text).map_err(|d| vec![d])?;
        holiday_calendar(Path::new(FILE), &data)
    }

    /// The calendar of the default site's `content/holidays.yaml` (2023 to 2026).
    pub(crate) fn real() -> Calendar {
        match parse(REAL) {
            Ok(cal) => cal,
            Err(errors) => panic!("content/holidays.yaml does not check: {errors:#?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::parse;

    fn errors(text: &str) -> Vec<(u32, u32, String)> {
        let mut found: Vec<(u32, u32, String)> = parse(text)
            .unwrap_err()
            .into_iter()
            .map(|e| {
                let span = e.span.expect("every error has a span");
                assert!(e.hint.is_some(), "no hint for {}", e.message);
                (span.line, span.column, e.message)
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_position() {
        let text = r#"years:
  - year: 2023
    notice: {title: t, number: n, date: "2022-13-08"}
    days_off:
      - {name: 春节, from: "2023-01-21", to: "2023-01-27"}
      - {name: 元旦, dates: ["2022-12-31", "2023-01-02"]}
      - {name: 清明节, dates: ["2023-04-05", "2023-04-05"]}
      - {name: 空, dates: []}
      - {name: 两种, dates: ["2023-06-22"], from: "2023-06-22", to: "2023-06-24"}
      - {name: 半个, from: "2023-09-29"}
      - {name: 倒着, from: "2023-10-06", to: "2023-09-29"}
      - {name: 太长, from: "2023-01-21", to: "2023-03-27"}
    working_days:
      - {name: 春节调休, dates: ["2023-01-28", "2023-01-30", "2023-01-21", "2023-2-29"]}
  - year: 2023
    notice: {title: t, number: n, date: "2022-12-08"}
    days_off: []
"#;
        let found = errors(text);
        let messages: Vec<String> = found.iter().map(|(l, c, m)| format!("{l}:{c}: {m}")).collect();
        let expected = [
            "3:41: `2022-13-08` is not a real date: there is no month 13",
            "6:28: `2022-12-31` is not in 2023",
            "7:43: `2023-04-05` is listed twice as a day off",
            "8:16: `空` lists no date",
            "9:16: `两种` has both `dates` and `from`/`to`",
            "10:26: `半个` has `from` but no `to`",
            "11:44: `to` (2023-09-29) comes before `from` (2023-10-06)",
            "12:44: `太长` runs 66 days, from 2023-01-21 to 2023-03-27",
            "14:44: `2023-01-30` is a Monday, not a Saturday or Sunday",
            "14:58: `2023-01-21` is listed both as a day off and as a working day",
            "14:72: `2023-2-29` is not a date in the form YYYY-MM-DD",
            "15:11: year 2023 is listed twice",
        ];
        assert_eq!(messages, expected);
    }

    #[test]
    fn a_yaml_error_comes_back_as_one_diagnostic() {
        let errors = parse("years:\n  - year: 2023\n    bogus: 1\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "unknown key `bogus`");
        assert!(
            parse("years: []\n").is_ok(),
            "an empty list of years is a file kept for later"
        );
        let errors = parse("calendars:\n  - id: a\n    name: A\n    years: []\n").unwrap_err();
        assert_eq!(errors[0].message, "calendar `a` lists no year");
    }
}
