//! Planning the timeline page (when each stage may end, in working days with the holiday
//! calendar), the data its script recomputes the dates from (a file of its own, never an inline
//! script), and the deadlines calendar file.
//! Dates in a year without holiday data are estimates, never silent guesses: Monday to Friday
//! count as working days there, each such date is marked with the year, and the build warns.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use super::timeline_dates::{
    browser_data, browser_script, offset, timeline_of, StageDates, StageDuration, TimelineStage,
};
use super::{DurationView, Page, PageData, Planner};
use crate::diagnostics::{Diagnostic, Span};
use crate::ics::{self, IcsDeadline};
use crate::model::{Calendar, DurationUnit, MissingYear, Model, OffsetUnit, Source};

/// The timeline's data, `window.GUIDEGEN_TIMELINE = …`, as a script file of its own: loaded by a
/// `<script src>` (so it works from `file://`, where `fetch` does not), never inline, so the
/// Content-Security-Policy of the pages can forbid inline scripts.
pub(super) const TIMELINE_DATA_PATH: &str = "assets/timeline-data.js";

#[derive(Debug, Serialize)]
pub struct TimelineData {
    /// The submission date the tables were computed for (the build date).
    pub submitted: String,
    /// One table per set of stages: subject types that go through the same stages share one.
    pub tables: Vec<TimelineTable>,
    /// The first year without holiday data that some date was estimated in (Monday to Friday
    /// counted as working days), if any.
    pub missing_year: Option<i32>,
    /// Where each calendar's years come from, the site's calendar first.
    pub notices: Vec<NoticeView>,
    /// The events relative deadlines count from, each with a date field.
    pub events: Vec<EventInput>,
}

/// The stages some subject types go through, each after all it waits for, and when they end.
#[derive(Debug, Serialize)]
pub struct TimelineTable {
    /// The subject types this table is for, by name (all of them when there is one table).
    pub subjects: Vec<String>,
    pub rows: Vec<TimelineRow>,
    /// When the last stage ends at the earliest and at the latest: the longest path.
    pub finish_earliest: Option<String>,
    pub finish_latest: Option<String>,
    /// The years counted Monday to Friday to reach the finish dates (empty: exact).
    pub finish_earliest_estimated: Vec<i32>,
    pub finish_latest_estimated: Vec<i32>,
    /// The relative deadlines these subject types have, counted from a stage of this table (dates
    /// worked out) or from an event (dates once the reader gives the event's date).
    pub deadlines: Vec<TimelineDeadline>,
}

/// A relative deadline on the timeline.
#[derive(Debug, Serialize)]
pub struct TimelineDeadline {
    pub id: String,
    pub title: String,
    pub amount: u32,
    pub unit: OffsetUnit,
    /// What it counts from: a stage (`href` set) or an event.
    pub from: super::LinkView,
    pub earliest: Option<String>,
    pub latest: Option<String>,
    /// The years without holiday data counted Monday to Friday to reach `earliest` (empty: exact).
    pub earliest_estimated: Vec<i32>,
    pub latest_estimated: Vec<i32>,
}

/// An event the timeline asks the reader for, because a relative deadline counts from it.
#[derive(Debug, Serialize)]
pub struct EventInput {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct TimelineRow {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub href: String,
    pub duration: Option<DurationView>,
    /// The stages it waits for in this table, by name (empty: it starts on the submission day).
    pub after: Vec<String>,
    /// The calendar its working days follow, when it is not the site's.
    pub calendar: Option<String>,
    pub earliest: Option<String>,
    pub latest: Option<String>,
    /// The years without holiday data counted Monday to Friday to reach `earliest` (empty: the
    /// date is exact); the page marks such a date as an estimate.
    pub earliest_estimated: Vec<i32>,
    pub latest_estimated: Vec<i32>,
    /// The deadline that bounds a stage without a duration (its own `deadlines:`), shown where
    /// the duration would be.
    pub deadline: Option<super::RelativeView>,
}

#[derive(Debug, Serialize)]
pub struct NoticeView {
    /// The calendar's name, when the site has several.
    pub calendar: Option<String>,
    pub year: i32,
    pub title: String,
    /// The document number, where it has one.
    pub number: Option<String>,
    pub url: Option<String>,
}

/// The stages some subject types take, in graph order, with who takes them.
struct StageSet {
    subjects: Vec<usize>,
    /// (stage index, the indices among the set's own stages it waits for)
    stages: Vec<(usize, Vec<usize>)>,
}

/// A file the plan writes as it is: its path and bytes.
type DataFile = (String, Arc<[u8]>);

impl Planner<'_> {
    /// Subject types grouped by the stages they go through; with no subject types, one set of
    /// every stage.
    fn stage_sets(&self) -> Vec<StageSet> {
        let graph = &self.model.stage_graph;
        let stages = &self.content.stages;
        let takes_of = |subject: Option<&crate::model::Subject>| -> Vec<bool> {
            stages
                .iter()
                .map(|s| subject.is_none_or(|subject| Model::covers(&s.subjects, subject)))
                .collect()
        };
        let mut sets: Vec<(Vec<bool>, Vec<usize>)> = Vec::new();
        if self.content.subjects.is_empty() {
            sets.push((takes_of(None), Vec::new()));
        }
        for (i, subject) in self.content.subjects.iter().enumerate() {
            let takes = takes_of(Some(subject));
            match sets.iter_mut().find(|(t, _)| *t == takes) {
                Some((_, subjects)) => subjects.push(i),
                None => sets.push((takes, vec![i])),
            }
        }
        sets.into_iter()
            .map(|(takes, subjects)| {
                let waits = graph.waits_among(&takes);
                let order: Vec<usize> = graph.order.iter().copied().filter(|&s| takes[s]).collect();
                let place = |stage: usize| order.iter().position(|&s| s == stage).unwrap_or_default();
                StageSet {
                    subjects,
                    stages: order
                        .iter()
                        .map(|&s| (s, waits[s].iter().map(|&w| place(w)).collect()))
                        .collect(),
                }
            })
            .collect()
    }

    /// The source a year of holiday data cites instead of a notice of its own.
    fn holiday_source(&self, calendar: &Calendar, year: i32) -> Option<&Source> {
        self.sources.get(calendar.source(year)?).copied()
    }

    /// How long a stage takes on the timeline: its `duration`; failing that, from nothing up to
    /// the first of its own `deadlines:` that counts from a stage it waits for (e.g. "within 24
    /// hours of the review's end" makes 0 to 24 hours). Months have no fixed length and set no
    /// bound. timeline.js gets the result in its data, so it needs no twin of this.
    fn stage_duration(&self, stage: &crate::model::Stage) -> StageDuration {
        if let Some(d) = &stage.duration {
            return Some((d.min.value, d.max.value, d.unit));
        }
        let index = self.stage_index.get(stage.id.as_str()).copied()?;
        let waits = self.model.stage_graph.waits_for.get(index)?;
        stage.deadlines.iter().find_map(|id| {
            let deadline = self.content.deadlines.iter().find(|d| d.id.as_str() == id.as_str())?;
            let after = deadline.after.as_ref()?;
            let from = self.stage_index.get(after.event.as_str())?;
            if !waits.contains(from) {
                return None;
            }
            let amount = after.amount.value;
            match after.unit {
                OffsetUnit::Hours => Some((0, amount, DurationUnit::Hours)),
                OffsetUnit::Days => Some((0, amount, DurationUnit::Days)),
                OffsetUnit::WorkingDays => Some((0, amount, DurationUnit::WorkingDays)),
                OffsetUnit::Weeks => Some((0, amount.saturating_mul(7), DurationUnit::Days)),
                OffsetUnit::Months => None,
            }
        })
    }

    /// The timeline page, when the site has stages and a holiday calendar: the page, its
    /// warnings, and the file of data its script reads ([`TIMELINE_DATA_PATH`]).
    pub(super) fn timeline_page(&self) -> Option<(Page, Vec<Diagnostic>, DataFile)> {
        let site_calendar = self.model.calendar()?;
        if self.content.stages.is_empty() {
            return None;
        }
        let sets = self.stage_sets();
        let mut missing_year = None;
        let mut tables = Vec::new();
        for set in &sets {
            let stages: Vec<TimelineStage> = set
                .stages
                .iter()
                .map(|(s, after)| {
                    let stage = &self.content.stages[*s];
                    TimelineStage {
                        id: stage.id.value.clone(),
                        duration: self.stage_duration(stage),
                        after: after.clone(),
                        calendar: self
                            .model
                            .calendar_for(stage.calendar.as_ref())
                            .map_or(site_calendar, |c| &c.calendar),
                    }
                })
                .collect();
            let dates = match timeline_of(self.today, &stages) {
                Ok(dates) => dates,
                Err(missing) => {
                    missing_year = missing_year.or(Some(missing.0));
                    Vec::new()
                }
            };
            let first_estimated = dates
                .iter()
                .flat_map(|d| d.earliest_estimated.iter().chain(&d.latest_estimated))
                .min()
                .copied();
            missing_year = match (missing_year, first_estimated) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let mut table = self.timeline_table(set, &dates, sets.len() > 1);
            match self.timeline_deadlines(set, &dates) {
                Ok(deadlines) => {
                    let first = deadlines
                        .iter()
                        .flat_map(|d| d.earliest_estimated.iter().chain(&d.latest_estimated))
                        .min()
                        .copied();
                    missing_year = match (missing_year, first) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    table.deadlines = deadlines;
                }
                Err(missing) => missing_year = missing_year.or(Some(missing.0)),
            }
            tables.push(table);
        }
        let mut warnings = Vec::new();
        // A calendar with no year at all is a choice (weekdays only), not a year left to add.
        let some_year_given = !site_calendar.covered_years().is_empty();
        if let Some(year) = missing_year.filter(|_| some_year_given) {
            warnings.push(
                Diagnostic::warning(format!("the timeline for {} needs holiday data for {year}", self.today))
                    .with_span(Span::file_only(Path::new("content/holidays.yaml")))
                    .with_hint(format!(
                        "add {year} to content/holidays.yaml from the official holiday arrangement; until then the timeline page estimates dates in {year} counting Monday to Friday, and marks them"
                    )),
            );
        }
        let script = browser_script(&self.browser_data_of(&sets));
        let data = TimelineData {
            submitted: self.today.to_string(),
            tables,
            missing_year,
            notices: self.notices(),
            events: self
                .content
                .events
                .iter()
                .filter(|e| {
                    let counts_from = |d: &crate::model::Deadline| {
                        d.after.as_ref().is_some_and(|a| a.event.as_str() == e.id.as_str())
                    };
                    self.content.deadlines.iter().any(counts_from)
                })
                .map(|e| EventInput {
                    id: e.id.value.clone(),
                    name: e.name.clone(),
                })
                .collect(),
        };
        let page = self.page(
            "timeline.html".into(),
            "timeline.html",
            "timeline",
            "timeline",
            None,
            PageData::Timeline(data),
        );
        let script_file = (TIMELINE_DATA_PATH.to_string(), Arc::from(script.into_bytes()));
        Some((page, warnings, script_file))
    }

    fn timeline_table(&self, set: &StageSet, dates: &[StageDates], several: bool) -> TimelineTable {
        let rows: Vec<TimelineRow> = set
            .stages
            .iter()
            .enumerate()
            .map(|(place, (s, after))| {
                let stage = &self.content.stages[*s];
                let found = dates.iter().find(|d| d.id == stage.id.as_str());
                TimelineRow {
                    id: stage.id.value.clone(),
                    number: self.stage_number(stage),
                    name: stage.name.clone(),
                    href: format!("stages/{}.html", stage.id.as_str()),
                    duration: Self::duration(stage),
                    // Named only where the table's order does not already say it (the row above).
                    after: if after.len() == 1 && after[0] + 1 == place {
                        Vec::new()
                    } else {
                        after
                            .iter()
                            .map(|&a| self.content.stages[set.stages[a].0].name.clone())
                            .collect()
                    },
                    calendar: stage
                        .calendar
                        .as_ref()
                        .and_then(|id| self.model.calendar_for(Some(id)))
                        .map(|c| c.name.clone()),
                    earliest: found.map(|d| d.earliest.to_string()),
                    latest: found.map(|d| d.latest.to_string()),
                    earliest_estimated: found
                        .map(|d| d.earliest_estimated.iter().copied().collect())
                        .unwrap_or_default(),
                    latest_estimated: found
                        .map(|d| d.latest_estimated.iter().copied().collect())
                        .unwrap_or_default(),
                    deadline: stage
                        .deadlines
                        .iter()
                        .filter(|_| stage.duration.is_none())
                        .filter_map(|id| self.content.deadlines.iter().find(|d| d.id.as_str() == id.as_str()))
                        .find_map(|d| {
                            let after = d.after.as_ref()?;
                            Some(super::RelativeView {
                                amount: after.amount.value,
                                unit: after.unit,
                                event: self.stage_link(self.stages.get(after.event.as_str())?, ""),
                            })
                        }),
                }
            })
            .collect();
        let finish = |pick: fn(&StageDates) -> NaiveDate| dates.iter().map(pick).max().map(|d| d.to_string());
        let finish_estimated = |pick: fn(&StageDates) -> &BTreeSet<i32>| -> Vec<i32> {
            dates
                .iter()
                .flat_map(|d| pick(d).iter().copied())
                .collect::<BTreeSet<i32>>()
                .into_iter()
                .collect()
        };
        TimelineTable {
            subjects: if several {
                set.subjects
                    .iter()
                    .map(|&i| self.content.subjects[i].name.clone())
                    .collect()
            } else {
                Vec::new()
            },
            rows,
            finish_earliest: finish(|d| d.earliest),
            finish_latest: finish(|d| d.latest),
            finish_earliest_estimated: finish_estimated(|d| &d.earliest_estimated),
            finish_latest_estimated: finish_estimated(|d| &d.latest_estimated),
            deadlines: Vec::new(),
        }
    }

    /// The relative deadlines of a set's subject types, dated where they count from one of its
    /// stages; those counting from a stage the set skips are left out.
    fn timeline_deadlines(&self, set: &StageSet, dates: &[StageDates]) -> Result<Vec<TimelineDeadline>, MissingYear> {
        let subjects: Vec<&crate::model::Subject> = set.subjects.iter().map(|&i| &self.content.subjects[i]).collect();
        let mut out = Vec::new();
        for deadline in &self.content.deadlines {
            let Some(after) = &deadline.after else { continue };
            let applies = subjects.is_empty() || subjects.iter().any(|s| Model::covers(&deadline.subjects, s));
            let stage = self.stages.get(after.event.as_str());
            let in_set = |stage: &crate::model::Stage| {
                set.stages
                    .iter()
                    .any(|(s, _)| self.content.stages[*s].id.as_str() == stage.id.as_str())
            };
            if !applies || stage.is_some_and(|s| !in_set(s)) {
                continue;
            }
            let calendar = self.model.calendar_for(deadline.calendar.as_ref()).map(|c| &c.calendar);
            let ends = dates.iter().find(|d| d.id == after.event.as_str());
            type Pick = fn(&StageDates) -> (NaiveDate, &BTreeSet<i32>);
            let date = |pick: Pick| -> Result<(Option<String>, Vec<i32>), MissingYear> {
                match ends {
                    Some(end) => {
                        let (from, before) = pick(end);
                        let (day, mut years) = offset(calendar, from, after.amount.value, after.unit)?;
                        years.extend(before.iter().copied());
                        Ok((Some(day.to_string()), years.into_iter().collect()))
                    }
                    None => Ok((None, Vec::new())),
                }
            };
            let (earliest, earliest_estimated) = date(|d| (d.earliest, &d.earliest_estimated))?;
            let (latest, latest_estimated) = date(|d| (d.latest, &d.latest_estimated))?;
            out.push(TimelineDeadline {
                id: deadline.id.value.clone(),
                title: deadline.title.clone(),
                amount: after.amount.value,
                unit: after.unit,
                from: match stage {
                    Some(stage) => self.stage_link(stage, ""),
                    None => super::LinkView {
                        title: self
                            .content
                            .events
                            .iter()
                            .find(|e| e.id.as_str() == after.event.as_str())
                            .map(|e| e.name.clone())
                            .unwrap_or_default(),
                        href: String::new(),
                    },
                },
                earliest,
                latest,
                earliest_estimated,
                latest_estimated,
            });
        }
        Ok(out)
    }

    /// Where each calendar's years come from: a notice, or the source the year cites.
    fn notices(&self) -> Vec<NoticeView> {
        let several = self.model.calendars.len() > 1;
        let mut notices = Vec::new();
        for site_calendar in &self.model.calendars {
            let calendar = &site_calendar.calendar;
            for year in calendar.covered_years() {
                let name = several.then(|| site_calendar.name.clone());
                let notice = match calendar.notice(year) {
                    Some(n) => NoticeView {
                        calendar: name,
                        year,
                        title: n.title.clone(),
                        number: n.number.clone(),
                        url: n.url.as_ref().map(|u| u.value.clone()),
                    },
                    None => match self.holiday_source(calendar, year) {
                        Some(s) => NoticeView {
                            calendar: name,
                            year,
                            title: s.title.clone(),
                            number: s.number.clone(),
                            url: s.url.as_ref().map(|u| u.value.clone()),
                        },
                        None => continue,
                    },
                };
                notices.push(notice);
            }
        }
        notices
    }

    /// What timeline.js reads: every stage with its duration and calendar, every calendar, and
    /// for each table its stages in order with what each waits for.
    fn browser_data_of(&self, sets: &[StageSet]) -> serde_json::Value {
        let stages: Vec<(String, String, StageDuration)> = self
            .content
            .stages
            .iter()
            .map(|s| (s.id.value.clone(), s.name.clone(), self.stage_duration(s)))
            .collect();
        let site_calendar = self.model.calendar().cloned().unwrap_or_default();
        let mut data = browser_data(&site_calendar, &stages, self.today);
        for (json, stage) in data["stages"]
            .as_array_mut()
            .into_iter()
            .flatten()
            .zip(&self.content.stages)
        {
            json["calendar"] = stage
                .calendar
                .as_ref()
                .map_or(serde_json::Value::Null, |c| c.value.clone().into());
        }
        data["calendars"] = self
            .model
            .calendars
            .iter()
            .filter(|c| !c.id.is_empty())
            .map(|c| (c.id.clone(), c.calendar.to_json()))
            .collect::<serde_json::Map<_, _>>()
            .into();
        data["deadlines"] = self
            .content
            .deadlines
            .iter()
            .filter_map(|d| {
                let after = d.after.as_ref()?;
                Some(serde_json::json!({
                    "id": d.id.as_str(),
                    "from": after.event.as_str(),
                    "stage": self.stages.contains_key(after.event.as_str()),
                    "amount": after.amount.value,
                    "unit": after.unit,
                    "calendar": d.calendar.as_ref().map(crate::yaml::Spanned::as_str),
                }))
            })
            .collect::<Vec<_>>()
            .into();
        data["tables"] = sets
            .iter()
            .map(|set| {
                let ids: Vec<&str> = set
                    .stages
                    .iter()
                    .map(|(s, _)| self.content.stages[*s].id.as_str())
                    .collect();
                let rows: Vec<serde_json::Value> = set
                    .stages
                    .iter()
                    .map(|(s, after)| {
                        let after: Vec<&str> = after.iter().map(|&a| ids[a]).collect();
                        serde_json::json!({"id": self.content.stages[*s].id.as_str(), "after": after})
                    })
                    .collect();
                serde_json::Value::from(rows)
            })
            .collect::<Vec<_>>()
            .into();
        data
    }

    /// `deadlines.ics`: every deadline with a date as an all-day event (a yearly one repeating
    /// every year from its next day), stamped with the build date. Relative deadlines have no
    /// date until the reader gives one, so they are left out.
    pub(super) fn deadlines_calendar(&self) -> Option<(String, Vec<u8>)> {
        if self.content.deadlines.is_empty() {
            return None;
        }
        let deadlines: Vec<IcsDeadline> = self
            .content
            .deadlines
            .iter()
            .zip(&self.model.deadline_dates)
            .filter_map(|(d, date)| {
                let (date, yearly) = match (date, &d.yearly) {
                    (Some(date), _) => (*date, false),
                    (None, Some(yearly)) => (super::deadlines::next_yearly(yearly, self.today)?, true),
                    (None, None) => return None,
                };
                Some(IcsDeadline {
                    id: d.id.value.clone(),
                    date,
                    yearly,
                    title: d.title.clone(),
                    description: [
                        Some(d.applies_to.as_str()),
                        Some(d.rule.as_str()),
                        d.consequence.as_ref().map(crate::model::Markdown::as_str),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("\n"),
                })
            })
            .collect();
        let site = &self.content.site;
        let text = ics::deadlines_ics(&site.title, &site.language, &deadlines, self.today);
        Some(("deadlines.ics".into(), text.into_bytes()))
    }
}
