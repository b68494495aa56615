//! Planning the deadlines page: every deadline, each seen from the build date (`today`, which is
//! `--as-of` when given). A fixed date has passed (`past`), is due `today`, or counts down
//! (`upcoming`); a yearly one counts down to its next day; a relative one says what it counts from
//! (the timeline computes it from the reader's dates). Rule: the words of a status follow the
//! deadline's `kind` and its own `past:` text (data), never a guess of the template; "what
//! applies now" is the `now:` texts of the deadlines whose day has come, which the home page
//! shows too.

use crate::model::history::ItemKind;
use chrono::{Datelike, NaiveDate};

use super::{DeadlineView, DeadlinesData, LinkView, NowView, Page, PageData, Planner, RelativeView};
use crate::model::{Deadline, DeadlineKind, YearlyDeadline};

/// The label key of a status tag: `deadline_<status>_<kind>` (e.g. `deadline_past_ends`).
fn tag_key(status: &str, kind: DeadlineKind) -> String {
    let kind = match kind {
        DeadlineKind::Ends => "ends",
        DeadlineKind::Starts => "starts",
        DeadlineKind::Enforcement => "enforcement",
    };
    format!("deadline_{status}_{kind}")
}

/// The next `yearly` day on or after `today` (validate made sure every year has it).
pub(super) fn next_yearly(yearly: &YearlyDeadline, today: NaiveDate) -> Option<NaiveDate> {
    let this_year = NaiveDate::from_ymd_opt(today.year(), yearly.month.value, yearly.day.value)?;
    if this_year >= today {
        Some(this_year)
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, yearly.month.value, yearly.day.value)
    }
}

impl Planner<'_> {
    /// Every deadline with its status and distance in days from `today`: those with a date
    /// (fixed, or a yearly one's next day) by date, then the relative ones in file order.
    pub(super) fn deadline_views(&self, root: &str) -> Vec<DeadlineView> {
        let mut views: Vec<DeadlineView> = self
            .content
            .deadlines
            .iter()
            .zip(&self.model.deadline_dates)
            .map(|(d, date)| self.deadline_view(d, *date, root))
            .collect();
        views.sort_by(|a, b| (a.date.is_none(), &a.date).cmp(&(b.date.is_none(), &b.date)));
        views
    }

    fn deadline_view(&self, deadline: &Deadline, fixed: Option<NaiveDate>, root: &str) -> DeadlineView {
        let date = fixed.or_else(|| next_yearly(deadline.yearly.as_ref()?, self.today));
        let days = date.map(|date| (date - self.today).num_days());
        let status = match days {
            None => "relative",
            Some(d) if d > 0 => "upcoming",
            Some(0) => "today",
            Some(_) => "past",
        };
        DeadlineView {
            kind: deadline.kind,
            tag: tag_key(status, deadline.kind),
            past: deadline
                .past
                .as_ref()
                .filter(|_| status == "past")
                .map(|p| p.value.clone()),
            id: deadline.id.value.clone(),
            date: date.map(|d| d.to_string()),
            yearly: deadline.yearly.is_some(),
            relative: deadline.after.as_ref().map(|after| RelativeView {
                amount: after.amount.value,
                unit: after.unit,
                event: self.event_link(after.event.as_str(), root),
            }),
            calendar: self
                .model
                .calendar_for(deadline.calendar.as_ref())
                .filter(|_| deadline.calendar.is_some())
                .map(|c| c.name.clone()),
            title: deadline.title.clone(),
            applies_to: deadline.applies_to.clone(),
            rule_html: self.markdown(&deadline.rule, root),
            consequence_html: deadline
                .consequence
                .as_ref()
                .filter(|_| deadline.kind == DeadlineKind::Ends)
                .map(|c| self.markdown(c, root)),
            source: self.source_link(&deadline.source, root),
            status,
            days: days.unwrap_or_default().abs(),
            history: self.item_history(ItemKind::Deadline, deadline.id.as_str(), root),
        }
    }

    /// What a relative deadline counts from: an event (named, no page) or a stage (linked).
    fn event_link(&self, id: &str, root: &str) -> LinkView {
        match self.stages.get(id) {
            Some(stage) => self.stage_link(stage, root),
            None => LinkView {
                title: self
                    .content
                    .events
                    .iter()
                    .find(|e| e.id.as_str() == id)
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
                href: String::new(),
            },
        }
    }

    /// What applies on `today`: the `now:` texts of the deadlines whose day has come, and the
    /// dated deadlines still to come (one due today among them unless its `now:` is said).
    pub(super) fn now_view(&self, root: &str) -> NowView {
        let views = self.deadline_views(root);
        let rules = self
            .content
            .deadlines
            .iter()
            .filter_map(|d| {
                let view = views.iter().find(|v| v.id == d.id.as_str())?;
                let text = d.now.as_ref()?;
                matches!(view.status, "past" | "today").then(|| (view.date.clone(), d, text))
            })
            .collect::<Vec<_>>();
        let mut rules = rules;
        rules.sort_by(|a, b| a.0.cmp(&b.0));
        let said: Vec<String> = rules.iter().map(|(_, d, _)| d.id.value.clone()).collect();
        NowView {
            today: self.today.to_string(),
            rules: rules
                .into_iter()
                .map(|(_, d, text)| LinkView {
                    title: text.clone(),
                    href: format!("{root}deadlines.html#deadline-{}", d.id.as_str()),
                })
                .collect(),
            // Due today and not yet said under `rules` (a real deadline can still be met today).
            next: views
                .into_iter()
                .filter(|v| v.status == "upcoming" || (v.status == "today" && !said.contains(&v.id)))
                .collect(),
            deadlines_href: format!("{root}deadlines.html"),
        }
    }

    pub(super) fn deadlines_page(&self) -> Page {
        let deadlines = self.deadline_views("");
        let pick = |statuses: &[&str]| -> Vec<DeadlineView> {
            deadlines
                .iter()
                .filter(|d| statuses.contains(&d.status))
                .cloned()
                .collect()
        };
        let mut past = pick(&["past"]);
        past.reverse();
        let data = DeadlinesData {
            today: self.today.to_string(),
            now: self.now_view(""),
            upcoming: pick(&["today", "upcoming"]),
            relative: pick(&["relative"]),
            past,
            deadlines,
            calendar_file: self.deadlines_calendar().map(|(path, _)| path),
        };
        self.page(
            "deadlines.html".into(),
            "deadlines.html",
            "deadlines",
            "deadlines",
            None,
            PageData::Deadlines(data),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, minimal, today};
    use super::*;

    fn statuses(views: &[DeadlineView]) -> Vec<(&str, &str, i64)> {
        views.iter().map(|v| (v.id.as_str(), v.status, v.days)).collect()
    }

    #[test]
    fn a_deadline_is_past_upcoming_or_today_as_seen_from_the_build_date() {
        let model = minimal();
        let views = Planner::new(&model, today()).deadline_views("");
        assert_eq!(
            statuses(&views),
            [("start", "past", 1183), ("future", "upcoming", 1131)]
        );
        let views = Planner::new(&model, day("2023-09-01")).deadline_views("");
        assert_eq!(statuses(&views), [("start", "today", 0), ("future", "upcoming", 2314)]);
        let views = Planner::new(&model, day("2030-01-02")).deadline_views("");
        assert_eq!(statuses(&views), [("start", "past", 2315), ("future", "past", 1)]);
    }

    #[test]
    fn a_status_speaks_for_its_kind_and_the_content_s_past_text_wins_once_the_day_has_passed() {
        let mut model = minimal();
        let start = &mut model.content.deadlines[0];
        start.past = Some(crate::yaml::Spanned::detached("since {date}, done".to_string()));
        start.now = Some("File first.".to_string());
        start.consequence = Some(crate::yaml::Text::from("Shown only on real deadlines."));
        let tags = |today: &str| -> Vec<(String, Option<String>, bool)> {
            Planner::new(&model, day(today))
                .deadline_views("")
                .into_iter()
                .map(|v| (v.tag, v.past, v.consequence_html.is_some()))
                .collect()
        };
        let before = tags("2023-08-01");
        assert_eq!(before[0], ("deadline_upcoming_starts".into(), None, false));
        assert_eq!(before[1].0, "deadline_upcoming_ends");
        let after = tags("2030-01-02");
        assert_eq!(
            after[0],
            ("deadline_past_starts".into(), Some("since {date}, done".into()), false),
            "a rule that starts has no consequence to show"
        );
        assert_eq!(after[1].0, "deadline_past_ends");
        let now = Planner::new(&model, day("2023-09-01")).now_view("../");
        let rules: Vec<(&str, &str)> = now.rules.iter().map(|r| (r.title.as_str(), r.href.as_str())).collect();
        assert_eq!(rules, [("File first.", "../deadlines.html#deadline-start")]);
        assert_eq!(
            now.next.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            ["future"],
            "on its day a rule is said as in force, not also as coming"
        );
        let now = Planner::new(&model, day("2023-08-31")).now_view("");
        assert!(now.rules.is_empty(), "not yet in force");
    }

    #[test]
    fn deadlines_are_listed_by_date_whatever_their_order_in_the_file() {
        let mut model = minimal();
        model.content.deadlines.reverse();
        model.deadline_dates.reverse();
        let views = Planner::new(&model, today()).deadline_views("");
        let dates: Vec<(&str, Option<&str>)> = views.iter().map(|v| (v.id.as_str(), v.date.as_deref())).collect();
        assert_eq!(dates, [("start", Some("2023-09-01")), ("future", Some("2030-01-01"))]);
    }

    #[test]
    fn the_deadlines_page_says_which_day_it_counts_from() {
        let model = minimal();
        let page = Planner::new(&model, today()).deadlines_page();
        let PageData::Deadlines(data) = &page.data else {
            panic!("the deadlines page")
        };
        assert_eq!(data.today, "2026-11-27");
        assert_eq!(data.deadlines.len(), 2);
        let source = data.deadlines[0].source.as_ref().expect("it cites the notice");
        assert_eq!(source.href, "sources.html#source-notice");
    }
}
