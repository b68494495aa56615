//! Planning the timeline page (when each stage may end, in working days with the holiday
//! calendar) and the deadlines calendar file. Dates in a year without holiday data are never
//! guessed: the page says so and the build warns.

use std::path::Path;

use serde::Serialize;

use super::{DurationView, Page, PageData, Planner};
use crate::calendar::{self, StageDuration};
use crate::diagnostics::{Diagnostic, Span};
use crate::ics::{self, IcsDeadline};

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
    pub number: String,
    pub url: Option<String>,
}

impl Planner<'_> {
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
        let calendar = self.content.calendar.as_ref()?;
        if self.content.stages.is_empty() {
            return None;
        }
        let durations = self.stage_durations();
        let (dates, missing_year) = match calendar::timeline(calendar, self.today, &durations) {
            Ok(dates) => (dates, None),
            Err(missing) => (Vec::new(), Some(missing.0)),
        };
        let mut warnings = Vec::new();
        if let Some(year) = missing_year {
            warnings.push(
                Diagnostic::warning(format!("the timeline for {} needs holiday data for {year}", self.today))
                    .with_span(Span::file_only(Path::new("content/holidays.yaml")))
                    .with_hint(format!(
                        "add {year} from the State Council's holiday notice; until then the timeline page says the dates are unknown"
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
        let script = calendar::browser_script(&calendar::browser_data(calendar, &browser_stages, self.today));
        let notices = calendar
            .covered_years()
            .into_iter()
            .filter_map(|year| {
                calendar.notice(year).map(|n| NoticeView {
                    year,
                    title: n.title.clone(),
                    number: n.number.clone(),
                    url: n.url.as_ref().map(|u| u.value.clone()),
                })
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
