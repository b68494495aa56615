//! Planning the timeline page (when each stage may end, in working days with the holiday
//! calendar), the data its script recomputes the dates from, and the deadlines calendar file.
//! Dates in a year without holiday data are never guessed: the page says so and the build warns.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{DurationView, Page, PageData, Planner};
use crate::diagnostics::{Diagnostic, Span};
use crate::ics::{self, IcsDeadline};
use crate::model::{Calendar, DurationUnit, MissingYear, Source};

#[derive(Debug, Serialize)]
pub struct TimelineData {
    /// The submission date the table was computed for (the build date).
    pub submitted: String,
    pub rows: Vec<TimelineRow>,
    /// The year with no holiday data that stopped the calculation, if any.
    pub missing_year: Option<i32>,
    /// `window.GUIDEGEN_TIMELINE = …` for timeline.js (inline, so it works from file://).
    pub script: String,
    pub notices: Vec<NoticeView>,
}

#[derive(Debug, Serialize)]
pub struct TimelineRow {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub href: String,
    pub duration: Option<DurationView>,
    pub earliest: Option<String>,
    pub latest: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct NoticeView {
    pub year: i32,
    pub title: String,
    /// The document number, where it has one.
    pub number: Option<String>,
    pub url: Option<String>,
}

impl Planner<'_> {
    /// The source a year of holiday data cites instead of a notice of its own.
    fn holiday_source(&self, year: i32) -> Option<&Source> {
        let cited = self
            .content
            .holidays
            .as_ref()?
            .years
            .iter()
            .find(|y| y.year.value == year)?
            .source
            .as_ref()?;
        self.sources.get(cited.as_str()).copied()
    }

    fn stage_durations(&self) -> Vec<(String, StageDuration)> {
        self.content
            .stages
            .iter()
            .map(|s| {
                (
                    s.id.value.clone(),
                    s.duration.as_ref().map(|d| (d.min.value, d.max.value, d.unit)),
                )
            })
            .collect()
    }

    /// The timeline page, when the site has stages and a holiday calendar; and its warnings.
    pub(super) fn timeline_page(&self) -> Option<(Page, Vec<Diagnostic>)> {
        let calendar = self.model.calendar.as_ref()?;
        if self.content.stages.is_empty() {
            return None;
        }
        let durations = self.stage_durations();
        let (dates, missing_year) = match timeline(calendar, self.today, &durations) {
            Ok(dates) => (dates, None),
            Err(missing) => (Vec::new(), Some(missing.0)),
        };
        let mut warnings = Vec::new();
        if let Some(year) = missing_year {
            warnings.push(
                Diagnostic::warning(format!("the timeline for {} needs holiday data for {year}", self.today))
                    .with_span(Span::file_only(Path::new("content/holidays.yaml")))
                    .with_hint(format!(
                        "add {year} to content/holidays.yaml from the official holiday arrangement; until then the timeline page says the dates are unknown"
                    )),
            );
        }
        let rows = self
            .content
            .stages
            .iter()
            .map(|stage| {
                let found = dates.iter().find(|d| d.id == stage.id.as_str());
                TimelineRow {
                    id: stage.id.value.clone(),
                    number: stage.number.value,
                    name: stage.name.clone(),
                    href: format!("stages/{}.html", stage.id.as_str()),
                    duration: Self::duration(stage),
                    earliest: found.map(|d| d.earliest.to_string()),
                    latest: found.map(|d| d.latest.to_string()),
                }
            })
            .collect();
        let browser_stages: Vec<(String, String, StageDuration)> = self
            .content
            .stages
            .iter()
            .zip(&durations)
            .map(|(stage, (id, duration))| (id.clone(), stage.name.clone(), *duration))
            .collect();
        let script = browser_script(&browser_data(calendar, &browser_stages, self.today));
        let notices = calendar
            .covered_years()
            .into_iter()
            .filter_map(|year| match calendar.notice(year) {
                Some(n) => Some(NoticeView {
                    year,
                    title: n.title.clone(),
                    number: n.number.clone(),
                    url: n.url.as_ref().map(|u| u.value.clone()),
                }),
                None => self.holiday_source(year).map(|s| NoticeView {
                    year,
                    title: s.title.clone(),
                    number: s.number.clone(),
                    url: s.url.as_ref().map(|u| u.value.clone()),
                }),
            })
            .collect();
        let data = TimelineData {
            submitted: self.today.to_string(),
            rows,
            missing_year,
            script,
            notices,
        };
        let page = self.page(
            "timeline.html".into(),
            "timeline.html",
            "timeline",
            "timeline",
            None,
            PageData::Timeline(data),
        );
        Some((page, warnings))
    }

    /// `deadlines.ics`: every deadline as an all-day event, stamped with the build date.
    pub(super) fn deadlines_calendar(&self) -> Option<(String, Vec<u8>)> {
        if self.content.deadlines.is_empty() {
            return None;
        }
        let deadlines: Vec<IcsDeadline> = self
            .content
            .deadlines
            .iter()
            .zip(&self.model.deadline_dates)
            .map(|(d, date)| IcsDeadline {
                id: d.id.value.clone(),
                date: *date,
                title: d.title.clone(),
                description: [
                    Some(d.applies_to.as_str()),
                    Some(d.rule.as_str()),
                    d.consequence.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n"),
            })
            .collect();
        let site = &self.content.site;
        let text = ics::deadlines_ics(&site.title, &site.language, &deadlines, self.today);
        Some(("deadlines.ics".into(), text.into_bytes()))
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
/// themes/default/static/timeline.js computes the same in the browser, from `browser_data`.
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

/// `window.GUIDEGEN_TIMELINE = <data>;` as a script that is safe inline in HTML (`<`, `>`, `&`,
/// U+2028 and U+2029 escaped) and as a file loaded by a script tag.
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

    #[test]
    fn a_timeline_reaching_a_year_without_data_stops_there() {
        assert_eq!(
            timeline(&real(), d("2026-12-01"), &filing_stages()),
            Err(MissingYear(2027))
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
