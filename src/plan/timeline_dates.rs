//! The timeline's arithmetic, apart from the page: when each stage of a graph ends at the
//! earliest and at the latest from a submission day, counting working days in each stage's
//! holiday calendar, and the day a relative deadline falls. Rule: a year without holiday data
//! is never a silent guess: its Monday to Friday count as working days and every date so reached
//! carries the years it estimated. Pure (no content, no labels); the twin of this file in the
//! browser is themes/default/static/timeline.js, which must count the same way.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::model::{Calendar, DurationUnit, MissingYear, OffsetUnit};

/// One stage of a timeline: its duration, the calendar its working days follow, and the stages
/// (by place in the same list, each earlier) it waits for.
pub struct TimelineStage<'c> {
    pub id: String,
    pub duration: StageDuration,
    pub after: Vec<usize>,
    pub calendar: &'c Calendar,
}

/// How long a stage takes, as (min, max, unit); `None` for a stage without a duration.
pub type StageDuration = Option<(u32, u32, DurationUnit)>;

/// When a stage ends at the earliest and at the latest, counted from the submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageDates {
    pub id: String,
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
    /// The years without holiday data whose weekdays were counted as working days to reach
    /// `earliest` (here or in a stage it waits for): empty when the date is exact.
    pub earliest_estimated: BTreeSet<i32>,
    /// The same for `latest`.
    pub latest_estimated: BTreeSet<i32>,
}

/// The end dates of each stage of a sequence, cumulative from `submitted`: the earliest chain
/// adds every stage's `min`, the latest chain every `max` (see `timeline_of`).
pub fn timeline(
    cal: &Calendar,
    submitted: NaiveDate,
    stages: &[(String, StageDuration)],
) -> Result<Vec<StageDates>, MissingYear> {
    let stages: Vec<TimelineStage> = stages
        .iter()
        .enumerate()
        .map(|(i, (id, duration))| TimelineStage {
            id: id.clone(),
            duration: *duration,
            after: i.checked_sub(1).into_iter().collect(),
            calendar: cal,
        })
        .collect();
    timeline_of(submitted, &stages)
}

/// The end dates of each stage of a graph, `stages` each after all it waits for. A stage starts
/// when the last stage it waits for ends (on `submitted` when it waits for none); its earliest end
/// adds its `min` to its earliest start, its latest end its `max` to its latest start. Working
/// days follow the stage's calendar; in a year the calendar has no data for, Monday to Friday
/// count as working days and the date says so (`*_estimated`, which a stage also takes from
/// the stages it waits for); hours count as whole calendar days rounded up (ceil(hours / 24));
/// a stage without a duration ends when it starts.
/// themes/default/static/timeline.js computes the same in the browser (`computeTable`), from
/// `browser_data`: keep the two in step. Fails only past the last day chrono knows.
pub fn timeline_of(submitted: NaiveDate, stages: &[TimelineStage]) -> Result<Vec<StageDates>, MissingYear> {
    let mut out: Vec<StageDates> = Vec::with_capacity(stages.len());
    for stage in stages {
        let start = |pick: fn(&StageDates) -> (NaiveDate, &BTreeSet<i32>)| {
            let before: Vec<(NaiveDate, &BTreeSet<i32>)> =
                stage.after.iter().filter_map(|&a| out.get(a)).map(pick).collect();
            let day = before.iter().map(|b| b.0).max().unwrap_or(submitted);
            let estimated: BTreeSet<i32> = before.iter().flat_map(|b| b.1.iter().copied()).collect();
            (day, estimated)
        };
        let (mut earliest, mut earliest_estimated) = start(|d| (d.earliest, &d.earliest_estimated));
        let (mut latest, mut latest_estimated) = start(|d| (d.latest, &d.latest_estimated));
        if let Some((min, max, unit)) = stage.duration {
            let (day, years) = advance(stage.calendar, earliest, min, unit)?;
            earliest = day;
            earliest_estimated.extend(years);
            let (day, years) = advance(stage.calendar, latest, max, unit)?;
            latest = day;
            latest_estimated.extend(years);
        }
        out.push(StageDates {
            id: stage.id.clone(),
            earliest,
            latest,
            earliest_estimated,
            latest_estimated,
        });
    }
    Ok(out)
}

/// The day `amount` `unit`s after `from`: hours as whole days rounded up, weeks as 7 days,
/// months as calendar months (a day past the month's end becomes its last day), working days in
/// `cal` (Monday to Friday in a year without data, returned as estimated).
/// themes/default/static/timeline.js has its twin, `offset`.
pub(crate) fn offset(
    cal: Option<&Calendar>,
    from: NaiveDate,
    amount: u32,
    unit: OffsetUnit,
) -> Result<(NaiveDate, BTreeSet<i32>), MissingYear> {
    let beyond = MissingYear(from.year().saturating_add(1));
    let exact = |day: Option<NaiveDate>| day.map(|d| (d, BTreeSet::new())).ok_or(beyond);
    let days = |days: u64| exact(from.checked_add_days(chrono::Days::new(days)));
    match unit {
        OffsetUnit::Hours => days(u64::from(amount.div_ceil(24))),
        OffsetUnit::Days => days(u64::from(amount)),
        OffsetUnit::Weeks => days(u64::from(amount) * 7),
        OffsetUnit::Months => exact(from.checked_add_months(chrono::Months::new(amount))),
        OffsetUnit::WorkingDays => match cal {
            Some(cal) => cal.add_working_days_estimating(from, amount),
            None => Err(MissingYear(from.year())),
        },
    }
}

/// A stage's duration added to `from`; twin of `advance` in timeline.js.
fn advance(
    cal: &Calendar,
    from: NaiveDate,
    amount: u32,
    unit: DurationUnit,
) -> Result<(NaiveDate, BTreeSet<i32>), MissingYear> {
    let calendar_days = |days: u32| {
        from.checked_add_days(chrono::Days::new(u64::from(days)))
            .map(|d| (d, BTreeSet::new()))
            .ok_or(MissingYear(from.year().saturating_add(1)))
    };
    match unit {
        DurationUnit::WorkingDays => cal.add_working_days_estimating(from, amount),
        DurationUnit::Hours => calendar_days(amount.div_ceil(24)),
        DurationUnit::Days => calendar_days(amount),
    }
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
        "calendar": cal.to_json(),
        "stages": stages,
        "today": today.format("%Y-%m-%d").to_string(),
    })
}

/// `window.GUIDEGEN_TIMELINE = <data>;` as the script file `assets/timeline-data.js` (`<`, `>`,
/// `&`, U+2028 and U+2029 escaped, so it would be safe even inline in HTML).
pub fn browser_script(data: &serde_json::Value) -> String {
    crate::script_json::window_assignment("GUIDEGEN_TIMELINE", data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::holidays::testing::real;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
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

    /// The Node test "a stage crossing into a year without data is estimated on weekdays and
    /// marked, never blank" checks the same dates in timeline.js.
    #[test]
    fn a_timeline_crossing_into_a_year_without_data_is_estimated_on_weekdays() {
        let rows = timeline(&real(), d("2026-12-01"), &filing_stages()).unwrap();
        /// (stage, earliest, latest, years estimated for each)
        type Marked<'a> = (&'a str, String, String, Vec<i32>, Vec<i32>);
        let marked: Vec<Marked> = rows
            .iter()
            .map(|r| {
                (
                    r.id.as_str(),
                    r.earliest.to_string(),
                    r.latest.to_string(),
                    r.earliest_estimated.iter().copied().collect(),
                    r.latest_estimated.iter().copied().collect(),
                )
            })
            .collect();
        let row = |id, a: &str, b: &str, late: Vec<i32>| (id, a.to_string(), b.to_string(), Vec::new(), late);
        assert_eq!(
            marked,
            [
                row("before-you-start", "2026-12-01", "2026-12-01", vec![]),
                row("fill-in", "2026-12-01", "2026-12-01", vec![]),
                row("platform-review", "2026-12-02", "2026-12-03", vec![]),
                row("sms-verification", "2026-12-02", "2026-12-04", vec![]),
                row("administration-review", "2026-12-03", "2027-01-01", vec![2027]),
                row("filed", "2026-12-03", "2027-01-01", vec![2027]),
            ]
        );
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

    /// The Node test "parallel stages start together and the finish is the longest path" checks
    /// the same dates in timeline.js.
    #[test]
    fn parallel_stages_start_together_each_in_its_own_calendar() {
        let calendar = |off: &[&str]| {
            let mut cal = Calendar::default();
            let off = off.iter().map(|o| (d(o), "off".to_string()));
            cal.add_year(2024, (None, None), off, Vec::new());
            cal
        };
        let (site, other) = (calendar(&["2024-10-01"]), calendar(&["2024-10-02", "2024-10-03"]));
        let stage = |id: &str, duration: StageDuration, after: Vec<usize>, calendar| TimelineStage {
            id: id.to_string(),
            duration,
            after,
            calendar,
        };
        let stages = [
            stage("a", Some((1, 1, DurationUnit::WorkingDays)), vec![], &site),
            stage("b", Some((3, 3, DurationUnit::Days)), vec![0], &site),
            stage("c", Some((1, 2, DurationUnit::WorkingDays)), vec![0], &other),
            stage("d", None, vec![1, 2], &site),
        ];
        let rows = timeline_of(d("2024-09-30"), &stages).unwrap();
        let expected = [
            ("a", "2024-10-02", "2024-10-02"),
            ("b", "2024-10-05", "2024-10-05"),
            ("c", "2024-10-04", "2024-10-07"),
            ("d", "2024-10-05", "2024-10-07"),
        ];
        let expected: Vec<(&str, String, String)> = expected
            .iter()
            .map(|(id, a, b)| (*id, a.to_string(), b.to_string()))
            .collect();
        assert_eq!(ends(&rows), expected);
    }

    /// The Node test "relative deadlines count from a stage's ends or from the reader's event
    /// date" checks the same days in timeline.js.
    #[test]
    fn relative_deadlines_count_from_stage_ends_and_months_keep_the_month_end() {
        let mut cal = Calendar::default();
        cal.add_year(2024, (None, None), [(d("2024-10-01"), "off".to_string())], Vec::new());
        assert_eq!(
            offset(Some(&cal), d("2024-10-02"), 2, OffsetUnit::Weeks),
            Ok((d("2024-10-16"), BTreeSet::new()))
        );
        assert_eq!(
            offset(Some(&cal), d("2024-01-31"), 1, OffsetUnit::Months),
            Ok((d("2024-02-29"), BTreeSet::new()))
        );
        assert_eq!(
            offset(None, d("2024-12-31"), 1, OffsetUnit::Months),
            Ok((d("2025-01-31"), BTreeSet::new()))
        );
        assert_eq!(
            offset(None, d("2024-01-31"), 25, OffsetUnit::Hours),
            Ok((d("2024-02-02"), BTreeSet::new()))
        );
        assert_eq!(
            offset(Some(&cal), d("2024-09-30"), 1, OffsetUnit::WorkingDays),
            Ok((d("2024-10-02"), BTreeSet::new()))
        );
        assert_eq!(
            offset(Some(&cal), d("2024-12-31"), 1, OffsetUnit::WorkingDays),
            Ok((d("2025-01-01"), [2025].into_iter().collect())),
            "a year without data counts its weekdays, and says so"
        );
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
}
