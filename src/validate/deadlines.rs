//! The checks of when each deadline falls: exactly one of a fixed `date`, a relative `after` (from
//! a known event or stage, in working days only where there is a calendar) or a `yearly` day
//! that every year has. The fixed dates are parsed for the model; the others stay as written.

use std::path::Path;

use chrono::NaiveDate;

use super::{Checker, DEADLINES};
use crate::diagnostics::{unknown_id_hint, Diagnostic};
use crate::model::{Deadline, DeadlineKind, OffsetUnit, YearlyDeadline};

impl Checker<'_> {
    /// The fixed date of `deadline`, `None` for a relative or yearly one (or a wrong one, reported).
    pub(super) fn deadline_date(&mut self, deadline: &Deadline, has_calendar: bool) -> Option<NaiveDate> {
        let ways = [
            deadline.date.is_some(),
            deadline.after.is_some(),
            deadline.yearly.is_some(),
        ];
        let count = ways.iter().filter(|&&w| w).count();
        if count != 1 {
            let message = if count == 0 {
                format!("deadline `{}` does not say when it falls", deadline.id.as_str())
            } else {
                format!("deadline `{}` says when it falls in {count} ways", deadline.id.as_str())
            };
            self.error(
                DEADLINES,
                &deadline.id,
                message,
                "give exactly one of `date: \"YYYY-MM-DD\"`, `after: {event: <id>, amount: <n>, unit: days}` or `yearly: {month: <1-12>, day: <1-31>}`",
            );
            return None;
        }
        if let Some(after) = &deadline.after {
            let known = |checker: &Self, kind| {
                checker
                    .known
                    .get(kind)
                    .is_some_and(|k| k.contains(after.event.as_str()))
            };
            if !known(self, "event") && !known(self, "stage") {
                let names: Vec<String> = ["event", "stage"]
                    .iter()
                    .flat_map(|kind| self.known.get(kind).cloned().unwrap_or_default())
                    .collect();
                let hint = if names.is_empty() {
                    "list the events deadlines count from under `events:` in content/deadlines.yaml".to_string()
                } else {
                    format!(
                        "{} Events are listed under `events:` in content/deadlines.yaml; a stage counts from the day it ends",
                        unknown_id_hint(after.event.as_str(), names.iter().map(String::as_str))
                    )
                };
                self.error(
                    DEADLINES,
                    &after.event,
                    format!("unknown event or stage `{}`", after.event.as_str()),
                    hint,
                );
            }
            if after.unit == OffsetUnit::WorkingDays && !has_calendar {
                self.error(
                    DEADLINES,
                    &after.event,
                    format!(
                        "deadline `{}` counts working days, but the site has no holiday calendar",
                        deadline.id.as_str()
                    ),
                    "add content/holidays.yaml (see docs/holidays.md), or count in `days`, `weeks` or `months`",
                );
            }
        }
        if let Some(yearly) = &deadline.yearly {
            self.yearly_day(yearly);
        }
        self.deadline_kind(deadline);
        deadline.date.as_ref().and_then(|date| self.date(DEADLINES, date))
    }

    /// Reports a consequence on a date that is not a real deadline (a rule that starts, or
    /// enforcement), and a past-tense or "now" text on a deadline that has no day to pass.
    fn deadline_kind(&mut self, deadline: &Deadline) {
        if let (Some(consequence), true) = (&deadline.consequence, deadline.kind != DeadlineKind::Ends) {
            let kind = match deadline.kind {
                DeadlineKind::Starts => "starts",
                _ => "enforcement",
            };
            self.diagnostics.push(
                Diagnostic::error(format!(
                    "deadline `{}` is of kind `{kind}`, which has no consequence to miss",
                    deadline.id.as_str()
                ))
                .with_span(crate::diagnostics::Span::new(
                    Path::new(DEADLINES),
                    consequence.line,
                    consequence.column,
                    consequence.value.chars().take_while(|c| *c != '\n').count(),
                ))
                .with_hint(
                    "only `kind: ends` (a day by which something must be done) shows a consequence; write what the rule means into `rule:`, or did you mean `kind: ends`?",
                ),
            );
        }
        if let (Some(_), Some(after)) = (&deadline.now, &deadline.after) {
            self.error(
                DEADLINES,
                &after.event,
                format!(
                    "deadline `{}` counts from the reader's own date, so its `now:` would never be shown",
                    deadline.id.as_str()
                ),
                "remove `now:`; it is for deadlines with a `date:` or `yearly:` day",
            );
        }
        if let (Some(past), true) = (&deadline.past, deadline.after.is_some()) {
            self.error(
                DEADLINES,
                past,
                format!(
                    "deadline `{}` counts from the reader's own date, so it has no day that passes for everyone",
                    deadline.id.as_str()
                ),
                "remove `past:`; it is for deadlines with a `date:` or `yearly:` day",
            );
        }
    }

    /// Reports a yearly day that is not in every year.
    fn yearly_day(&mut self, yearly: &YearlyDeadline) {
        let (month, day) = (yearly.month.value, yearly.day.value);
        let file = Path::new(DEADLINES);
        if !(1..=12).contains(&month) {
            self.diagnostics.push(
                Diagnostic::error(format!("month {month} does not exist"))
                    .with_span(yearly.month.span_in(file, month.to_string().len()))
                    .with_hint("write the month as a number from 1 (January) to 12 (December)"),
            );
            return;
        }
        // 2023 is not a leap year: a day it has is a day every year has.
        if NaiveDate::from_ymd_opt(2023, month, day).is_none() {
            let hint = if (month, day) == (2, 29) {
                "29 February is not in every year; use 28 February or 1 March".to_string()
            } else {
                "write a day that month has in every year".to_string()
            };
            self.diagnostics.push(
                Diagnostic::error(format!("day {day} of month {month} does not exist every year"))
                    .with_span(yearly.day.span_in(file, day.to_string().len()))
                    .with_hint(hint),
            );
        }
    }
}
