//! The working-day calculator on the real holiday data or on holiday files made up from the
//! input (any four-digit years, days off as dates or ranges, worked weekends), read and checked
//! through `validate::holiday_calendar`. Asserted: adding n working days and counting them back
//! gives n, the day reached is a working day, counts never exceed the days counted over, days off
//! are never working days, a missing year is one without data, and timelines never run backwards.
#![no_main]

use std::fmt::Write;
use std::path::Path;

use arbitrary::Arbitrary;
use chrono::{Days, NaiveDate};
use guidegen::model::{Calendar, DurationUnit, HolidaysFile, MissingYear};
use guidegen::plan::{self, StageDuration};
use guidegen::{validate, yaml};
use libfuzzer_sys::fuzz_target;

const REAL: &str = include_str!("../../content/holidays.yaml");

#[derive(Arbitrary, Debug)]
struct Input {
    made_up: Option<Vec<Year>>,
    /// The start: the first covered year's January 1st plus this many days.
    start: i16,
    add: u16,
    /// The range counted over, in days from the start.
    span: u16,
    stages: Vec<(u16, u16, u8)>,
}

#[derive(Arbitrary, Debug)]
struct Year {
    year: u16,
    days_off: Vec<Group>,
    working_days: Vec<Group>,
}

#[derive(Arbitrary, Debug)]
struct Group {
    /// Day of the year (0-based, wrapped to the year's length).
    day: u16,
    /// 0: a single date in `dates`; otherwise a `from`/`to` range of this many extra days.
    extra: u8,
}

fuzz_target!(|input: Input| {
    let text = match &input.made_up {
        Some(years) => holidays_yaml(years),
        None => REAL.to_string(),
    };
    let Ok(cal) = holiday_calendar(&text) else {
        assert!(input.made_up.is_some(), "the real holiday data must parse");
        return;
    };
    let Some(&first_year) = cal.covered_years().first() else {
        panic!("a calendar that parsed covers no year");
    };
    let Some(start) = NaiveDate::from_ymd_opt(first_year, 1, 1)
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(i64::from(input.start))))
    else {
        return;
    };
    check_days(&cal);
    check_add(&cal, start, u32::from(input.add));
    check_count(&cal, start, u64::from(input.span));
    check_timeline(&cal, start, &input.stages);
});

/// `text` as `content/holidays.yaml`, read and checked as a build reads and checks it.
fn holiday_calendar(text: &str) -> Result<Calendar, ()> {
    let file = Path::new("content/holidays.yaml");
    let data: HolidaysFile = yaml::parse(file, text).map_err(|_| ())?;
    validate::holiday_calendar(file, &data).map_err(|_| ())
}

/// A `holidays.yaml` text for the made-up years; dates may fall on any day, so many are refused.
fn holidays_yaml(years: &[Year]) -> String {
    let mut text = String::from("years:\n");
    for year in years {
        let number = 1000 + i32::from(year.year) % 9000;
        let _ = writeln!(
            text,
            "  - year: {number}\n    notice: {{title: t, number: n, date: \"{number}-01-01\"}}"
        );
        for (key, groups) in [("days_off", &year.days_off), ("working_days", &year.working_days)] {
            let _ = writeln!(text, "    {key}:");
            if groups.is_empty() {
                let _ = writeln!(text, "      []");
            }
            for group in groups {
                let _ = writeln!(text, "      - {}", group_yaml(number, group));
            }
        }
    }
    text
}

fn group_yaml(year: i32, group: &Group) -> String {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a four-digit year");
    let length = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    };
    let from = first + Days::new(u64::from(group.day) % length);
    if group.extra == 0 {
        return format!("{{name: g, dates: [\"{from}\"]}}");
    }
    let to = from + Days::new(u64::from(group.extra));
    format!("{{name: g, from: \"{from}\", to: \"{to}\"}}")
}

fn check_days(cal: &Calendar) {
    for (day, _) in cal.days_off() {
        assert_eq!(cal.is_working_day(day), Ok(false), "{day} is a day off");
    }
    for (day, _) in cal.adjusted_working_days() {
        assert_eq!(cal.is_working_day(day), Ok(true), "{day} is a worked weekend day");
    }
}

fn check_add(cal: &Calendar, start: NaiveDate, n: u32) {
    match cal.add_working_days(start, n) {
        Ok(end) => {
            assert!(end >= start, "{start} + {n} = {end}");
            assert_eq!(cal.working_days_between(start, end), Ok(n), "{start} + {n} = {end}");
            if n > 0 {
                assert_eq!(cal.is_working_day(end), Ok(true), "{start} + {n} = {end}");
                let before = cal
                    .add_working_days(start, n - 1)
                    .expect("fewer days need no other year");
                assert!(before < end, "{start} + {n} = {end}, but + {} = {before}", n - 1);
            }
        }
        Err(MissingYear(year)) => assert_missing(cal, year),
    }
}

fn check_count(cal: &Calendar, start: NaiveDate, span: u64) {
    let Some(to) = start.checked_add_days(Days::new(span)) else {
        return;
    };
    match cal.working_days_between(start, to) {
        Ok(count) => {
            assert!(u64::from(count) <= span, "{count} working days in {span} days");
            let reached = cal.add_working_days(start, count).expect("counted days have data");
            assert!(reached <= to, "{start} + {count} = {reached}, after {to}");
        }
        Err(MissingYear(year)) => assert_missing(cal, year),
    }
}

fn assert_missing(cal: &Calendar, year: i32) {
    assert!(!cal.covers(year), "{year} is reported missing but has data");
}

fn check_timeline(cal: &Calendar, start: NaiveDate, stages: &[(u16, u16, u8)]) {
    let units = [DurationUnit::WorkingDays, DurationUnit::Days, DurationUnit::Hours];
    let stages: Vec<(String, StageDuration)> = stages
        .iter()
        .take(16)
        .enumerate()
        .map(|(i, &(a, b, unit))| {
            let duration = (unit != 255).then(|| {
                let unit = units[usize::from(unit) % units.len()];
                // Working days are counted one day at a time: keep each run short.
                let (a, b) = match unit {
                    DurationUnit::WorkingDays => (a % 512, b % 512),
                    _ => (a, b),
                };
                (u32::from(a.min(b)), u32::from(a.max(b)), unit)
            });
            (format!("s{i}"), duration)
        })
        .collect();
    let Ok(rows) = plan::timeline(cal, start, &stages) else {
        return;
    };
    assert_eq!(rows.len(), stages.len());
    let mut previous = (start, start);
    for row in &rows {
        assert!(row.earliest <= row.latest, "{row:?}");
        assert!(
            row.earliest >= previous.0 && row.latest >= previous.1,
            "{row:?} ran backwards"
        );
        previous = (row.earliest, row.latest);
    }
    let names: Vec<(String, String, StageDuration)> = stages.into_iter().map(|(id, d)| (id.clone(), id, d)).collect();
    let script = plan::browser_script(&plan::browser_data(cal, &names, start));
    assert!(!script.contains('<'), "{script}");
}
