//! Working days: the official holiday calendar (`content/holidays.yaml`), working-day arithmetic
//! and the stage timeline. It never guesses: a date in a year without data is an error, not a working day.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Span};
use crate::model::DurationUnit;
use crate::yaml::Spanned;

/// The longest range `from`..`to` accepted, in days: a guard against a mistyped month.
const LONGEST_RANGE: i64 = 31;

/// `content/holidays.yaml`: the State Council's holiday arrangements, one entry per year.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidaysFile {
    pub years: Vec<HolidayYear>,
}

/// One calendar year's arrangement, as the State Council's notice for that year fixed it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayYear {
    /// The calendar year; every date listed under it must lie in it.
    pub year: Spanned<i32>,
    /// The notice the dates come from.
    pub notice: Notice,
    /// The breaks: every date that is a day off, weekend days inside a break included.
    pub days_off: Vec<DayGroup>,
    /// Adjusted working days (调休上班): weekend days that are working days.
    #[serde(default)]
    pub working_days: Vec<DayGroup>,
}

/// A State Council notice (国务院办公厅关于YYYY年部分节假日安排的通知).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub title: String,
    /// Document number, e.g. 国办发明电〔2022〕16号.
    pub number: String,
    /// Date of issue, YYYY-MM-DD.
    pub date: Spanned<String>,
    #[serde(default)]
    pub url: Option<Spanned<String>>,
}

/// Named dates: either a list (`dates`) or an inclusive range (`from` and `to`), not both.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DayGroup {
    /// The festival (e.g. 春节), or what the working days make up for (e.g. 春节调休).
    pub name: Spanned<String>,
    /// The dates, YYYY-MM-DD.
    #[serde(default)]
    pub dates: Vec<Spanned<String>>,
    /// First day of a range, YYYY-MM-DD.
    #[serde(default)]
    pub from: Option<Spanned<String>>,
    /// Last day of a range (included), YYYY-MM-DD.
    #[serde(default)]
    pub to: Option<Spanned<String>>,
    /// Anything worth knowing, e.g. a day of the break that falls in another year.
    #[serde(default)]
    pub note: Option<String>,
}

/// A date in a year the calendar has no data for: its working days are unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MissingYear(pub i32);

impl MissingYear {
    /// What to do about it, for a diagnostic's hint.
    pub fn hint(&self) -> String {
        format!(
            "working days in {0} are unknown until the State Council publishes 国务院办公厅关于{0}年部分节假日安排的通知; add that year to content/holidays.yaml",
            self.0
        )
    }
}

impl fmt::Display for MissingYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no holiday data for {}", self.0)
    }
}

impl std::error::Error for MissingYear {}

/// The checked holiday data: which years are known, which days are off, which weekends are worked.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    notices: BTreeMap<i32, Notice>,
    off: BTreeMap<NaiveDate, String>,
    work: BTreeMap<NaiveDate, String>,
}

impl Calendar {
    /// The years with data, in order.
    pub fn covered_years(&self) -> Vec<i32> {
        self.notices.keys().copied().collect()
    }

    /// Whether `year` has data.
    pub fn covers(&self, year: i32) -> bool {
        self.notices.contains_key(&year)
    }

    /// The notice a year's data comes from.
    pub fn notice(&self, year: i32) -> Option<&Notice> {
        self.notices.get(&year)
    }

    /// The break `date` belongs to, if it is an official day off.
    pub fn day_off(&self, date: NaiveDate) -> Option<&str> {
        self.off.get(&date).map(String::as_str)
    }

    /// The group name of an adjusted working day (a weekend day that is worked).
    pub fn adjusted_working_day(&self, date: NaiveDate) -> Option<&str> {
        self.work.get(&date).map(String::as_str)
    }

    /// A weekday that is not a day off, or a weekend day listed as a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, MissingYear> {
        if !self.covers(date.year()) {
            return Err(MissingYear(date.year()));
        }
        Ok(if is_weekend(date) {
            self.work.contains_key(&date)
        } else {
            !self.off.contains_key(&date)
        })
    }

    /// The `n`-th working day strictly after `start`; `start` itself when `n` is 0.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, MissingYear> {
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().ok_or(MissingYear(date.year().saturating_add(1)))?;
            if self.is_working_day(date)? {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// How many working days lie after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, MissingYear> {
        let mut count = 0;
        let mut date = from;
        while date < to {
            date = date.succ_opt().ok_or(MissingYear(date.year().saturating_add(1)))?;
            if self.is_working_day(date)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// Every official day off, in order, with its break's name.
    pub fn days_off(&self) -> impl Iterator<Item = (NaiveDate, &str)> {
        self.off.iter().map(|(d, n)| (*d, n.as_str()))
    }

    /// Every adjusted working day, in order, with its group's name.
    pub fn adjusted_working_days(&self) -> impl Iterator<Item = (NaiveDate, &str)> {
        self.work.iter().map(|(d, n)| (*d, n.as_str()))
    }
}

/// In `rules.json` the calendar has the shape of `content/holidays.yaml`, so a tool can read it
/// back as a `HolidaysFile`: the years in order, each with its notice, its days off and its
/// adjusted working days as `{ name, dates }` groups, every range written out as its dates and the
/// groups in the order of their first date. Groups' notes are not part of the checked calendar.
impl Serialize for Calendar {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let years = self
            .notices
            .iter()
            .map(|(year, notice)| YearOut {
                year: *year,
                notice,
                days_off: groups_in(&self.off, *year),
                working_days: groups_in(&self.work, *year),
            })
            .collect();
        CalendarOut { years }.serialize(serializer)
    }
}

#[derive(Serialize)]
struct CalendarOut<'a> {
    years: Vec<YearOut<'a>>,
}

#[derive(Serialize)]
struct YearOut<'a> {
    year: i32,
    notice: &'a Notice,
    days_off: Vec<GroupOut<'a>>,
    working_days: Vec<GroupOut<'a>>,
}

#[derive(Serialize)]
struct GroupOut<'a> {
    name: &'a str,
    dates: Vec<String>,
}

/// The dates of `year` in `days`, grouped by name.
fn groups_in(days: &BTreeMap<NaiveDate, String>, year: i32) -> Vec<GroupOut<'_>> {
    let mut groups: Vec<GroupOut> = Vec::new();
    for (date, name) in days.iter().filter(|(date, _)| date.year() == year) {
        let date = date.format("%Y-%m-%d").to_string();
        match groups.iter_mut().find(|group| group.name == name) {
            Some(group) => group.dates.push(date),
            None => groups.push(GroupOut {
                name,
                dates: vec![date],
            }),
        }
    }
    groups
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Parses and checks `content/holidays.yaml`; `file` is its path relative to the site root.
pub fn parse(file: &Path, text: &str) -> Result<Calendar, Vec<Diagnostic>> {
    let data: HolidaysFile = crate::yaml::parse(file, text).map_err(|d| vec![d])?;
    from_file(file, data)
}

/// Checks already-parsed holiday data and builds the calendar; every problem is reported at once.
pub fn from_file(file: &Path, data: HolidaysFile) -> Result<Calendar, Vec<Diagnostic>> {
    let mut checker = Checker {
        file,
        diagnostics: Vec::new(),
        calendar: Calendar::default(),
    };
    if data.years.is_empty() {
        checker.diagnostics.push(
            Diagnostic::error("`years` lists no year")
                .with_span(Span::file_only(file))
                .with_hint("add each year's notice and dates, or delete the file if the site needs no working days"),
        );
    }
    let mut seen_years: BTreeMap<i32, u32> = BTreeMap::new();
    for year in data.years {
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

    fn year(&mut self, entry: HolidayYear, seen_years: &mut BTreeMap<i32, u32>) {
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
        self.date(&entry.notice.date);
        if let Some(url) = &entry.notice.url {
            if !crate::validate::is_web_address(url.as_str()) {
                let message = format!("`{}` is not a web address", url.as_str());
                self.error(
                    url.span(self.file),
                    message,
                    "write a full address starting with https:// (or http://)".to_string(),
                );
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
                        "`working_days` lists only weekend days that are worked (调休上班); a weekday is a working day unless it is in `days_off`",
                    );
                    continue;
                }
                self.list(&mut listed, date, &at, group, false);
            }
        }
        for (date, entry) in listed {
            let target = if entry.off {
                &mut self.calendar.off
            } else {
                &mut self.calendar.work
            };
            target.insert(date, entry.name);
        }
        self.calendar.notices.insert(year, entry.notice);
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
        match parse_date(value.as_str()) {
            Ok(date) => Some(date),
            Err(why) => {
                let (message, hint) = match why {
                    Some(why) => (
                        format!("`{}` is not a real date: {why}", value.as_str()),
                        "check the date against the notice".to_string(),
                    ),
                    None => (
                        format!("`{}` is not a date in the form YYYY-MM-DD", value.as_str()),
                        "write dates as YYYY-MM-DD in quotes, e.g. \"2024-10-01\"".to_string(),
                    ),
                };
                self.error(value.span(self.file), message, hint);
                None
            }
        }
    }
}

/// A strict `YYYY-MM-DD`; the error says why a well-formed text names no day (`None`: malformed).
fn parse_date(text: &str) -> Result<NaiveDate, Option<String>> {
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

/// How long a stage takes, as (min, max, unit); `None` for a stage without a duration.
pub type StageDuration = Option<(u32, u32, DurationUnit)>;

/// When a stage ends at the earliest and at the latest, counted from the submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageDates {
    pub id: String,
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

/// The end dates of each stage, cumulative from `submitted`: the earliest chain adds every stage's
/// `min`, the latest chain every `max`. Working days follow `cal`; hours count as whole calendar
/// days rounded up (ceil(hours / 24)); a stage without a duration adds nothing.
pub fn timeline(
    cal: &Calendar,
    submitted: NaiveDate,
    stages: &[(String, StageDuration)],
) -> Result<Vec<StageDates>, MissingYear> {
    let mut earliest = submitted;
    let mut latest = submitted;
    let mut out = Vec::with_capacity(stages.len());
    for (id, duration) in stages {
        if let Some((min, max, unit)) = *duration {
            earliest = advance(cal, earliest, min, unit)?;
            latest = advance(cal, latest, max, unit)?;
        }
        out.push(StageDates {
            id: id.clone(),
            earliest,
            latest,
        });
    }
    Ok(out)
}

fn advance(cal: &Calendar, from: NaiveDate, amount: u32, unit: DurationUnit) -> Result<NaiveDate, MissingYear> {
    let calendar_days = |days: u32| {
        from.checked_add_days(chrono::Days::new(u64::from(days)))
            .ok_or(MissingYear(from.year().saturating_add(1)))
    };
    match unit {
        DurationUnit::WorkingDays => cal.add_working_days(from, amount),
        DurationUnit::Hours => calendar_days(amount.div_ceil(24)),
        DurationUnit::Days => calendar_days(amount),
    }
}

/// The calendar as the browser needs it: `{"years": [..], "off": [ISO dates], "work": [ISO dates]}`.
pub fn to_json(cal: &Calendar) -> serde_json::Value {
    let iso = |d: &NaiveDate| serde_json::Value::String(d.format("%Y-%m-%d").to_string());
    serde_json::json!({
        "years": cal.covered_years(),
        "off": cal.off.keys().map(iso).collect::<Vec<_>>(),
        "work": cal.work.keys().map(iso).collect::<Vec<_>>(),
    })
}

/// Everything `timeline.js` reads from `window.GUIDEGEN_TIMELINE`: the calendar, the stages as
/// (id, name, duration), and the build's date. A stage without a duration has null min, max, unit.
pub fn browser_data(cal: &Calendar, stages: &[(String, String, StageDuration)], today: NaiveDate) -> serde_json::Value {
    let stages: Vec<serde_json::Value> = stages
        .iter()
        .map(|(id, name, duration)| {
            let (min, max, unit) = match duration {
                Some((min, max, unit)) => (
                    serde_json::json!(min),
                    serde_json::json!(max),
                    serde_json::to_value(unit).unwrap_or(serde_json::Value::Null),
                ),
                None => (
                    serde_json::Value::Null,
                    serde_json::Value::Null,
                    serde_json::Value::Null,
                ),
            };
            serde_json::json!({"id": id, "name": name, "min": min, "max": max, "unit": unit})
        })
        .collect();
    serde_json::json!({
        "calendar": to_json(cal),
        "stages": stages,
        "today": today.format("%Y-%m-%d").to_string(),
    })
}

/// `window.GUIDEGEN_TIMELINE = <data>;` as a script that is safe inline in HTML (`<`, `>`, `&`,
/// U+2028 and U+2029 escaped) and as a file loaded by a script tag.
pub fn browser_script(data: &serde_json::Value) -> String {
    crate::script_json::window_assignment("GUIDEGEN_TIMELINE", data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "content/holidays.yaml";
    const REAL: &str = include_str!("../content/holidays.yaml");

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn real() -> Calendar {
        match parse(Path::new(FILE), REAL) {
            Ok(cal) => cal,
            Err(errors) => panic!("content/holidays.yaml does not check: {errors:#?}"),
        }
    }

    fn errors(text: &str) -> Vec<(u32, u32, String)> {
        let mut found: Vec<(u32, u32, String)> = parse(Path::new(FILE), text)
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

    fn filing_stages() -> Vec<(String, StageDuration)> {
        vec![
            ("before-you-start".into(), None),
            ("fill-in".into(), None),
            ("platform-review".into(), Some((1, 2, DurationUnit::WorkingDays))),
            ("sms-verification".into(), Some((0, 24, DurationUnit::Hours))),
            ("administration-review".into(), Some((1, 20, DurationUnit::WorkingDays))),
            ("filed".into(), None),
        ]
    }

    fn ends(rows: &[StageDates]) -> Vec<(&str, String, String)> {
        rows.iter()
            .map(|r| (r.id.as_str(), r.earliest.to_string(), r.latest.to_string()))
            .collect()
    }

    #[test]
    fn the_calendar_serializes_in_the_shape_of_holidays_yaml_with_ranges_written_out() {
        let text = r#"years:
  - year: 2024
    notice: { title: T, number: N, date: "2023-10-25" }
    days_off:
      - { name: 春节, from: "2024-02-10", to: "2024-02-12" }
      - { name: 元旦, dates: ["2024-01-01"], note: a note }
    working_days:
      - { name: 春节调休, dates: ["2024-02-18", "2024-02-04"] }
"#;
        let calendar = parse(Path::new(FILE), text).unwrap();
        let expected = serde_json::json!({ "years": [{
            "year": 2024,
            "notice": { "title": "T", "number": "N", "date": "2023-10-25", "url": null },
            "days_off": [
                { "name": "元旦", "dates": ["2024-01-01"] },
                { "name": "春节", "dates": ["2024-02-10", "2024-02-11", "2024-02-12"] },
            ],
            "working_days": [{ "name": "春节调休", "dates": ["2024-02-04", "2024-02-18"] }],
        }]});
        assert_eq!(serde_json::to_value(&calendar).unwrap(), expected);
    }

    #[test]
    fn the_serialized_real_calendar_reads_back_as_holiday_data_giving_the_same_calendar() {
        let json = serde_json::to_string(&real()).unwrap();
        let data: HolidaysFile = serde_json::from_str(&json).unwrap();
        let again = from_file(Path::new(FILE), data).unwrap();
        assert_eq!(serde_json::to_string(&again).unwrap(), json);
        assert!(again.days_off().eq(real().days_off()));
        assert!(again.adjusted_working_days().eq(real().adjusted_working_days()));
        assert_eq!(again.covered_years(), real().covered_years());
    }

    #[test]
    fn the_real_file_covers_2023_to_2026() {
        assert_eq!(real().covered_years(), vec![2023, 2024, 2025, 2026]);
    }

    #[test]
    fn the_domain_example_crosses_the_2023_national_day_break() {
        let rows = timeline(&real(), d("2023-09-25"), &filing_stages()).unwrap();
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        let expected = [
            ("before-you-start", s("2023-09-25", "2023-09-25")),
            ("fill-in", s("2023-09-25", "2023-09-25")),
            ("platform-review", s("2023-09-26", "2023-09-27")),
            ("sms-verification", s("2023-09-26", "2023-09-28")),
            ("administration-review", s("2023-09-27", "2023-11-01")),
            ("filed", s("2023-09-27", "2023-11-01")),
        ];
        let expected: Vec<(&str, String, String)> = expected.into_iter().map(|(id, (a, b))| (id, a, b)).collect();
        assert_eq!(ends(&rows), expected);
    }

    #[test]
    fn completion_dates_across_each_year_s_breaks() {
        let cal = real();
        for (submitted, earliest, latest) in [
            ("2024-02-08", "2024-02-18", "2024-03-18"),
            ("2025-01-24", "2025-01-27", "2025-03-03"),
            ("2026-02-12", "2026-02-14", "2026-03-20"),
            ("2026-09-18", "2026-09-21", "2026-10-27"),
        ] {
            let rows = timeline(&cal, d(submitted), &filing_stages()).unwrap();
            let last = rows.last().unwrap();
            assert_eq!((last.earliest, last.latest), (d(earliest), d(latest)), "{submitted}");
        }
    }

    #[test]
    fn the_2023_national_day_break_and_its_working_weekend() {
        let cal = real();
        for day in 29..=30 {
            assert_eq!(
                cal.is_working_day(NaiveDate::from_ymd_opt(2023, 9, day).unwrap()),
                Ok(false)
            );
        }
        for day in 1..=6 {
            assert_eq!(
                cal.is_working_day(NaiveDate::from_ymd_opt(2023, 10, day).unwrap()),
                Ok(false)
            );
        }
        assert_eq!(cal.is_working_day(d("2023-10-07")), Ok(true), "Saturday worked");
        assert_eq!(cal.is_working_day(d("2023-10-08")), Ok(true), "Sunday worked");
        assert_eq!(cal.add_working_days(d("2023-09-28"), 1), Ok(d("2023-10-07")));
        assert_eq!(cal.add_working_days(d("2023-09-28"), 3), Ok(d("2023-10-09")));
        assert_eq!(cal.add_working_days(d("2023-09-28"), 20), Ok(d("2023-11-01")));
    }

    #[test]
    fn spring_festival_2024_eve_is_worked_and_a_sunday_follows_the_break() {
        let cal = real();
        assert_eq!(
            cal.is_working_day(d("2024-02-09")),
            Ok(true),
            "除夕 2024 was not a day off"
        );
        assert_eq!(cal.day_off(d("2024-02-10")), Some("春节"));
        assert_eq!(
            cal.add_working_days(d("2024-02-09"), 1),
            Ok(d("2024-02-18")),
            "Sunday 02-18 worked"
        );
        assert_eq!(
            cal.add_working_days(d("2024-02-02"), 1),
            Ok(d("2024-02-04")),
            "Sunday 02-04 worked"
        );
        assert_eq!(cal.add_working_days(d("2024-02-18"), 1), Ok(d("2024-02-19")));
    }

    #[test]
    fn spring_festival_2025_has_new_year_s_eve_off() {
        let cal = real();
        assert_eq!(cal.is_working_day(d("2025-01-26")), Ok(true), "Sunday before worked");
        assert_eq!(cal.is_working_day(d("2025-01-27")), Ok(true));
        assert_eq!(cal.day_off(d("2025-01-28")), Some("春节"), "除夕 off from 2025");
        assert_eq!(cal.add_working_days(d("2025-01-27"), 1), Ok(d("2025-02-05")));
        assert_eq!(
            cal.add_working_days(d("2025-02-07"), 1),
            Ok(d("2025-02-08")),
            "Saturday 02-08 worked"
        );
        let break_days = cal
            .days_off()
            .filter(|(day, name)| day.year() == 2025 && *name == "春节")
            .count();
        assert_eq!(break_days, 8);
    }

    #[test]
    fn spring_festival_2026_is_nine_days_between_two_worked_saturdays() {
        let cal = real();
        assert_eq!(cal.is_working_day(d("2026-02-14")), Ok(true));
        assert_eq!(cal.add_working_days(d("2026-02-13"), 1), Ok(d("2026-02-14")));
        assert_eq!(cal.add_working_days(d("2026-02-14"), 1), Ok(d("2026-02-24")));
        assert_eq!(cal.add_working_days(d("2026-02-27"), 1), Ok(d("2026-02-28")));
        let break_days: Vec<NaiveDate> = cal
            .days_off()
            .filter(|(day, name)| day.year() == 2026 && *name == "春节")
            .map(|(day, _)| day)
            .collect();
        assert_eq!(break_days.first(), Some(&d("2026-02-15")));
        assert_eq!(break_days.last(), Some(&d("2026-02-23")));
        assert_eq!(break_days.len(), 9);
    }

    #[test]
    fn each_break_has_the_length_its_notice_states() {
        // (year, name, days in that year) as the notices say ("共N天"); 元旦 2023 began on 2022-12-31.
        let expected = [
            (2023, "元旦", 2),
            (2023, "春节", 7),
            (2023, "清明节", 1),
            (2023, "劳动节", 5),
            (2023, "端午节", 3),
            (2023, "中秋节、国庆节", 8),
            (2024, "元旦", 1),
            (2024, "春节", 8),
            (2024, "清明节", 3),
            (2024, "劳动节", 5),
            (2024, "端午节", 1),
            (2024, "中秋节", 3),
            (2024, "国庆节", 7),
            (2025, "元旦", 1),
            (2025, "春节", 8),
            (2025, "清明节", 3),
            (2025, "劳动节", 5),
            (2025, "端午节", 3),
            (2025, "国庆节、中秋节", 8),
            (2026, "元旦", 3),
            (2026, "春节", 9),
            (2026, "清明节", 3),
            (2026, "劳动节", 5),
            (2026, "端午节", 3),
            (2026, "中秋节", 3),
            (2026, "国庆节", 7),
        ];
        let cal = real();
        let mut counted: BTreeMap<(i32, String), usize> = BTreeMap::new();
        for (day, name) in cal.days_off() {
            *counted.entry((day.year(), name.to_string())).or_default() += 1;
        }
        let expected: BTreeMap<(i32, String), usize> =
            expected.iter().map(|(y, n, c)| ((*y, n.to_string()), *c)).collect();
        assert_eq!(counted, expected);
    }

    #[test]
    fn the_adjusted_working_days_are_the_notices_weekends() {
        let worked: Vec<String> = real().adjusted_working_days().map(|(day, _)| day.to_string()).collect();
        let expected = [
            "2023-01-28",
            "2023-01-29",
            "2023-04-23",
            "2023-05-06",
            "2023-06-25",
            "2023-10-07",
            "2023-10-08",
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
            "2025-01-26",
            "2025-02-08",
            "2025-04-27",
            "2025-09-28",
            "2025-10-11",
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ];
        assert_eq!(worked, expected);
    }

    #[test]
    fn an_adjusted_weekend_counts_and_a_holiday_never_does() {
        let cal = real();
        // Friday 2024-05-10, then Saturday 05-11 is worked.
        assert_eq!(cal.add_working_days(d("2024-05-10"), 1), Ok(d("2024-05-11")));
        // A day off that falls on a weekday is skipped: 2024-04-30 -> next working day 05-06.
        assert_eq!(cal.add_working_days(d("2024-04-30"), 1), Ok(d("2024-05-06")));
        for (day, name) in cal.days_off() {
            assert_eq!(cal.is_working_day(day), Ok(false), "{day} ({name})");
        }
        for (day, name) in cal.adjusted_working_days() {
            assert_eq!(cal.is_working_day(day), Ok(true), "{day} ({name})");
        }
    }

    #[test]
    fn a_year_without_data_is_missing_not_guessed() {
        let cal = real();
        assert_eq!(cal.is_working_day(d("2027-01-04")), Err(MissingYear(2027)));
        assert_eq!(cal.is_working_day(d("2022-12-30")), Err(MissingYear(2022)));
        assert_eq!(cal.add_working_days(d("2026-12-30"), 1), Ok(d("2026-12-31")));
        assert_eq!(cal.add_working_days(d("2026-12-30"), 2), Err(MissingYear(2027)));
        assert_eq!(
            cal.add_working_days(d("2027-03-01"), 0),
            Ok(d("2027-03-01")),
            "n = 0 reads no data"
        );
        assert_eq!(
            timeline(&cal, d("2026-12-01"), &filing_stages()),
            Err(MissingYear(2027))
        );
        assert_eq!(
            Calendar::default().is_working_day(d("2024-06-03")),
            Err(MissingYear(2024))
        );
        let message = MissingYear(2027).to_string();
        assert_eq!(message, "no holiday data for 2027");
        assert!(MissingYear(2027).hint().contains("2027年部分节假日安排"));
    }

    #[test]
    fn add_working_days_lands_on_the_n_th_working_day_for_every_start() {
        let cal = real();
        let mut start = d("2023-01-01");
        let last = d("2026-12-31");
        while start <= last {
            let before_end = cal.working_days_between(start, last).unwrap();
            for n in 0..=25u32 {
                match cal.add_working_days(start, n) {
                    Ok(end) => {
                        assert!(n <= before_end, "{start} + {n}");
                        assert_eq!(cal.working_days_between(start, end), Ok(n), "{start} + {n} = {end}");
                        if n > 0 {
                            assert_eq!(cal.is_working_day(end), Ok(true), "{start} + {n} = {end}");
                            let previous = cal.add_working_days(start, n - 1).unwrap();
                            assert!(previous < end);
                        }
                    }
                    Err(missing) => {
                        assert_eq!(missing, MissingYear(2027), "{start} + {n}");
                        assert!(n > before_end, "{start} + {n}");
                    }
                }
            }
            start = start.succ_opt().unwrap();
        }
    }

    #[test]
    fn working_days_per_year_match_the_notices() {
        // Weekdays minus weekday days off plus worked weekends; 2024 is a leap year.
        let cal = real();
        let expected = [(2023, 249), (2024, 251), (2025, 248), (2026, 248)];
        for (year, count) in expected {
            let start = NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap();
            let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
            assert_eq!(cal.working_days_between(start, end), Ok(count), "{year}");
        }
    }

    #[test]
    fn timeline_units_hours_round_up_and_days_are_calendar_days() {
        let cal = real();
        let stages = vec![
            ("a".to_string(), Some((1, 25, DurationUnit::Hours))),
            ("b".to_string(), Some((2, 3, DurationUnit::Days))),
            ("c".to_string(), None),
        ];
        let rows = timeline(&cal, d("2024-09-30"), &stages).unwrap();
        let expected = vec![
            ("a", "2024-10-01".to_string(), "2024-10-02".to_string()),
            ("b", "2024-10-03".to_string(), "2024-10-05".to_string()),
            ("c", "2024-10-03".to_string(), "2024-10-05".to_string()),
        ];
        assert_eq!(ends(&rows), expected);
        assert_eq!(timeline(&cal, d("2024-09-30"), &[]), Ok(vec![]));
    }

    #[test]
    fn to_json_lists_years_days_off_and_worked_weekends() {
        let cal = parse(
            Path::new(FILE),
            "years:\n  - year: 2024\n    notice: {title: t, number: n, date: \"2023-10-25\"}\n    days_off:\n      - {name: 春节, from: \"2024-02-16\", to: \"2024-02-17\"}\n      - {name: 元旦, dates: [\"2024-01-01\"]}\n    working_days:\n      - {name: 春节调休, dates: [\"2024-02-18\"]}\n",
        )
        .unwrap();
        assert_eq!(
            to_json(&cal),
            serde_json::json!({"years": [2024], "off": ["2024-01-01", "2024-02-16", "2024-02-17"], "work": ["2024-02-18"]})
        );
        let json = to_json(&real());
        assert_eq!(json["years"], serde_json::json!([2023, 2024, 2025, 2026]));
        assert_eq!(json["work"].as_array().map(Vec::len), Some(26));
    }

    #[test]
    fn browser_data_names_units_as_the_yaml_does_and_the_script_is_inline_safe() {
        let cal = real();
        let stages = vec![
            ("fill-in".to_string(), "填写</script>".to_string(), None),
            (
                "sms".to_string(),
                "短信核验".to_string(),
                Some((0, 24, DurationUnit::Hours)),
            ),
        ];
        let data = browser_data(&cal, &stages, d("2026-11-27"));
        assert_eq!(data["today"], "2026-11-27");
        assert_eq!(
            data["stages"],
            serde_json::json!([
                {"id": "fill-in", "name": "填写</script>", "min": null, "max": null, "unit": null},
                {"id": "sms", "name": "短信核验", "min": 0, "max": 24, "unit": "hours"},
            ])
        );
        let script = browser_script(&data);
        assert!(script.starts_with("window.GUIDEGEN_TIMELINE = {"), "{script}");
        assert!(script.ends_with("};\n"));
        assert!(!script.contains("</script>"), "{script}");
        let json = script
            .trim_start_matches("window.GUIDEGEN_TIMELINE = ")
            .trim_end_matches(";\n");
        assert_eq!(serde_json::from_str::<serde_json::Value>(json).unwrap(), data);
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
        let errors = parse(Path::new(FILE), "years:\n  - year: 2023\n    bogus: 1\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "unknown key `bogus`");
        let errors = parse(Path::new(FILE), "years: []\n").unwrap_err();
        assert_eq!(errors[0].message, "`years` lists no year");
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

    /// Properties of working-day arithmetic on random calendars: random consecutive years, random
    /// days off (weekend days included, as breaks list them) and random worked weekend days.
    mod properties {
        use super::*;
        use proptest::prelude::*;
        use std::collections::BTreeSet;

        /// One year's data: day-of-year offsets of days off and of candidate worked weekend days.
        #[derive(Debug, Clone)]
        struct YearPlan {
            off: Vec<u16>,
            worked: Vec<u16>,
        }

        #[derive(Debug, Clone)]
        struct Random {
            first_year: i32,
            years: Vec<YearPlan>,
        }

        fn year_plan() -> impl Strategy<Value = YearPlan> {
            (
                proptest::collection::vec(0u16..366, 0..60),
                proptest::collection::vec(0u16..366, 0..30),
            )
                .prop_map(|(off, worked)| YearPlan { off, worked })
        }

        fn random_calendar() -> impl Strategy<Value = Random> {
            // Up to 9997 so that the last year, 9999, is reached too.
            (1000i32..=9997, proptest::collection::vec(year_plan(), 1..=3))
                .prop_map(|(first_year, years)| Random { first_year, years })
        }

        fn day_of(year: i32, offset: u16) -> Option<NaiveDate> {
            NaiveDate::from_yo_opt(year, u32::from(offset) + 1)
        }

        fn group(name: &str, dates: &[NaiveDate]) -> DayGroup {
            DayGroup {
                name: Spanned::detached(name.to_string()),
                dates: dates
                    .iter()
                    .map(|d| Spanned::detached(d.format("%Y-%m-%d").to_string()))
                    .collect(),
                from: None,
                to: None,
                note: None,
            }
        }

        /// The calendar, and the days off and worked weekend days it was given (what it must obey).
        fn build(random: &Random) -> (Calendar, BTreeSet<NaiveDate>, BTreeSet<NaiveDate>) {
            let mut all_off = BTreeSet::new();
            let mut all_worked = BTreeSet::new();
            let mut years = Vec::new();
            for (i, plan) in random.years.iter().enumerate() {
                let year = random.first_year + i as i32;
                let off: BTreeSet<NaiveDate> = plan.off.iter().filter_map(|o| day_of(year, *o)).collect();
                let worked: BTreeSet<NaiveDate> = plan
                    .worked
                    .iter()
                    .filter_map(|o| day_of(year, *o))
                    .filter(|d| is_weekend(*d) && !off.contains(d))
                    .collect();
                years.push(HolidayYear {
                    year: Spanned::detached(year),
                    notice: Notice {
                        title: format!("{year}年部分节假日安排"),
                        number: "test".into(),
                        // Four digits even for the year 999 (`0999-12-01`) before a first year 1000.
                        date: Spanned::detached(format!("{:04}-12-01", year - 1)),
                        url: None,
                    },
                    days_off: vec![group("假", &off.iter().copied().collect::<Vec<_>>())]
                        .into_iter()
                        .filter(|g| !g.dates.is_empty())
                        .collect(),
                    working_days: vec![group("调休", &worked.iter().copied().collect::<Vec<_>>())]
                        .into_iter()
                        .filter(|g| !g.dates.is_empty())
                        .collect(),
                });
                all_off.extend(off);
                all_worked.extend(worked);
            }
            let calendar = from_file(Path::new(FILE), HolidaysFile { years })
                .unwrap_or_else(|errors| panic!("random data does not check: {errors:#?}"));
            (calendar, all_off, all_worked)
        }

        fn first_day(random: &Random) -> NaiveDate {
            NaiveDate::from_ymd_opt(random.first_year, 1, 1).unwrap()
        }

        fn last_day(random: &Random) -> NaiveDate {
            NaiveDate::from_ymd_opt(random.first_year + random.years.len() as i32 - 1, 12, 31).unwrap()
        }

        /// A day among the random calendar's years, `offset` days after the first (wrapping).
        fn day_in_range(random: &Random, offset: u32) -> NaiveDate {
            let days = (last_day(random) - first_day(random)).num_days() as u32 + 1;
            first_day(random) + chrono::Days::new(u64::from(offset % days))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn adding_n_working_days_then_counting_back_gives_n(
                random in random_calendar(),
                start_offset in 0u32..1100,
                n in 0u32..400,
            ) {
                let (cal, _, _) = build(&random);
                let start = day_in_range(&random, start_offset);
                let available = cal.working_days_between(start, last_day(&random)).unwrap();
                match cal.add_working_days(start, n) {
                    Ok(end) => {
                        prop_assert!(n <= available);
                        prop_assert!(end >= start && end <= last_day(&random));
                        prop_assert_eq!(cal.working_days_between(start, end), Ok(n));
                        if n > 0 {
                            prop_assert_eq!(cal.is_working_day(end), Ok(true));
                            prop_assert!(cal.add_working_days(start, n - 1).unwrap() < end);
                        }
                    }
                    Err(missing) => {
                        prop_assert!(n > available, "{} + {} reached no data, but {} working days were left", start, n, available);
                        prop_assert_eq!(missing, MissingYear(last_day(&random).year() + 1));
                    }
                }
            }

            #[test]
            fn a_day_off_is_never_a_working_day_and_a_worked_weekend_day_always_is(random in random_calendar()) {
                let (cal, off, worked) = build(&random);
                let mut date = first_day(&random);
                while date <= last_day(&random) {
                    let expected = if is_weekend(date) { worked.contains(&date) } else { !off.contains(&date) };
                    prop_assert_eq!(cal.is_working_day(date), Ok(expected), "{}", date);
                    if off.contains(&date) {
                        prop_assert_eq!(cal.is_working_day(date), Ok(false), "day off {}", date);
                    }
                    if worked.contains(&date) {
                        prop_assert_eq!(cal.is_working_day(date), Ok(true), "worked weekend day {}", date);
                    }
                    date = match date.succ_opt() {
                        Some(next) => next,
                        None => break,
                    };
                }
                prop_assert_eq!(cal.days_off().count(), off.len());
                prop_assert_eq!(cal.adjusted_working_days().count(), worked.len());
            }

            #[test]
            fn no_working_day_count_ever_lands_on_a_day_off(
                random in random_calendar(),
                start_offset in 0u32..1100,
            ) {
                let (cal, off, _) = build(&random);
                let start = day_in_range(&random, start_offset);
                let mut previous = start;
                for n in 1..=60 {
                    let Ok(end) = cal.add_working_days(start, n) else { break };
                    prop_assert!(!off.contains(&end), "{} + {} = {}, a day off", start, n, end);
                    prop_assert!(end > previous);
                    previous = end;
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// The same on the real calendar, with long counts from any start.
            #[test]
            fn on_the_real_calendar_counting_back_gives_n(start_offset in 0u64..1461, n in 0u32..1100) {
                let cal = real();
                let last = d("2026-12-31");
                let start = d("2023-01-01") + chrono::Days::new(start_offset);
                match cal.add_working_days(start, n) {
                    Ok(end) => prop_assert_eq!(cal.working_days_between(start, end), Ok(n)),
                    Err(missing) => {
                        prop_assert_eq!(missing, MissingYear(2027));
                        prop_assert!(cal.working_days_between(start, last).unwrap() < n);
                    }
                }
            }
        }
    }
}
