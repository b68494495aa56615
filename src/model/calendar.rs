//! The holiday calendar once `validate` has checked `content/holidays.yaml`, and working-day
//! arithmetic on it. Pure: no files, no diagnostics; it never guesses silently: a date in a year
//! without data is an error (`MissingYear`), not a working day, except in
//! `add_working_days_estimating`, which counts such a year's weekdays and says which years it did. Its twin in the browser is
//! themes/default/static/timeline.js (`makeCalendar`), which reads `to_json`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::holidays::Notice;

/// A date in a year the calendar has no data for: its working days are unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MissingYear(pub i32);

impl MissingYear {
    /// What to do about it, for a diagnostic's hint.
    pub fn hint(&self) -> String {
        format!(
            "working days in {0} are unknown until that year's public holidays are published; add {0} to content/holidays.yaml from the official arrangement",
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
    /// Every year with data, with its notice where it has one.
    notices: BTreeMap<i32, Option<Notice>>,
    /// The source id a year cites instead of (or as well as) a notice.
    sources: BTreeMap<i32, String>,
    off: BTreeMap<NaiveDate, String>,
    work: BTreeMap<NaiveDate, String>,
}

impl Calendar {
    /// Adds one year: its notice, its days off and its worked weekend days, each with its group's
    /// name. Only `validate` calls it, once the year's dates are checked (each in the year, listed
    /// once, worked days on weekends).
    pub(crate) fn add_year(
        &mut self,
        year: i32,
        citation: (Option<Notice>, Option<String>),
        off: impl IntoIterator<Item = (NaiveDate, String)>,
        work: impl IntoIterator<Item = (NaiveDate, String)>,
    ) {
        let (notice, source) = citation;
        self.off.extend(off);
        self.work.extend(work);
        self.notices.insert(year, notice);
        if let Some(source) = source {
            self.sources.insert(year, source);
        }
    }

    /// The id of the source a year's data cites, if it cites one.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.sources.get(&year).map(String::as_str)
    }

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
        self.notices.get(&year).and_then(Option::as_ref)
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

    /// Like `add_working_days`, except that a day in a year without data counts as a working
    /// day when it is Monday to Friday: an estimate, never silently: the years so counted are
    /// returned beside the date. Its twin in the browser is `addWorkingDays` in
    /// themes/default/static/timeline.js (with its `estimated` argument). Fails only past the
    /// last day chrono knows.
    pub fn add_working_days_estimating(
        &self,
        start: NaiveDate,
        n: u32,
    ) -> Result<(NaiveDate, std::collections::BTreeSet<i32>), MissingYear> {
        let mut estimated = std::collections::BTreeSet::new();
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().ok_or(MissingYear(date.year().saturating_add(1)))?;
            let working = match self.is_working_day(date) {
                Ok(working) => working,
                Err(MissingYear(year)) => {
                    estimated.insert(year);
                    !is_weekend(date)
                }
            };
            if working {
                left -= 1;
            }
        }
        Ok((date, estimated))
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

    /// The calendar as the browser needs it: `{"years": [..], "off": [ISO dates], "work": [ISO dates]}`.
    pub fn to_json(&self) -> serde_json::Value {
        let iso = |d: &NaiveDate| serde_json::Value::String(d.format("%Y-%m-%d").to_string());
        serde_json::json!({
            "years": self.covered_years(),
            "off": self.off.keys().map(iso).collect::<Vec<_>>(),
            "work": self.work.keys().map(iso).collect::<Vec<_>>(),
        })
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
                source: self.sources.get(year),
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
    notice: &'a Option<Notice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a String>,
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

/// Saturday or Sunday: a day off unless the calendar lists it as worked.
pub(crate) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DayGroup, HolidayYear, HolidaysFile};
    use crate::validate::holidays::testing::{parse, real, FILE};
    use crate::yaml::Spanned;
    use std::path::Path;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
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
        let calendar = parse(text).unwrap();
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
        let again = crate::validate::holiday_calendar(Path::new(FILE), &data).unwrap();
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
    fn estimating_counts_weekdays_in_a_year_without_data_and_names_the_year() {
        let cal = real();
        let years = |ys: &[i32]| ys.iter().copied().collect::<std::collections::BTreeSet<i32>>();
        assert_eq!(
            cal.add_working_days_estimating(d("2026-12-30"), 1),
            Ok((d("2026-12-31"), years(&[]))),
            "a date inside the data is exact"
        );
        // 31 December 2026, Friday 1 January 2027, then Monday 4 and Tuesday 5 (weekend skipped).
        assert_eq!(
            cal.add_working_days_estimating(d("2026-12-30"), 4),
            Ok((d("2027-01-05"), years(&[2027])))
        );
        // Saturday 31 December 2022 skipped (no data: a weekend); 1-2 January 2023 are days off.
        assert_eq!(
            cal.add_working_days_estimating(d("2022-12-30"), 1),
            Ok((d("2023-01-03"), years(&[2022])))
        );
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
            Calendar::default().is_working_day(d("2024-06-03")),
            Err(MissingYear(2024))
        );
        let message = MissingYear(2027).to_string();
        assert_eq!(message, "no holiday data for 2027");
        let hint = MissingYear(2027).hint();
        assert!(
            hint.contains("2027") && hint.contains("content/holidays.yaml"),
            "{hint}"
        );
        // The generator names no country's authority: that is the content's business.
        assert!(!hint.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{hint}");
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
    fn to_json_lists_years_days_off_and_worked_weekends() {
        let cal = parse(
            "years:\n  - year: 2024\n    notice: {title: t, number: n, date: \"2023-10-25\"}\n    days_off:\n      - {name: 春节, from: \"2024-02-16\", to: \"2024-02-17\"}\n      - {name: 元旦, dates: [\"2024-01-01\"]}\n    working_days:\n      - {name: 春节调休, dates: [\"2024-02-18\"]}\n",
        )
        .unwrap();
        assert_eq!(
            cal.to_json(),
            serde_json::json!({"years": [2024], "off": ["2024-01-01", "2024-02-16", "2024-02-17"], "work": ["2024-02-18"]})
        );
        let json = real().to_json();
        assert_eq!(json["years"], serde_json::json!([2023, 2024, 2025, 2026]));
        assert_eq!(json["work"].as_array().map(Vec::len), Some(26));
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
                    notice: Some(Notice {
                        title: format!("{year}年部分节假日安排"),
                        number: Some("test".into()),
                        // Four digits even for the year 999 (`0999-12-01`) before a first year 1000.
                        date: Spanned::detached(format!("{:04}-12-01", year - 1)),
                        url: None,
                    }),
                    source: None,
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
            let calendar = crate::validate::holiday_calendar(
                Path::new(FILE),
                &HolidaysFile {
                    years,
                    calendars: Vec::new(),
                },
            )
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
