//! Planning the deadlines page: every deadline by date, each seen from the build date (`today`)
//! as a rule in force (`past`), due `today`, or a countdown (`upcoming`). The home page shows the
//! same list.

use super::{DeadlineView, DeadlinesData, Page, PageData, Planner};

impl Planner<'_> {
    /// Every deadline, sorted by date, with its status and distance in days from `today`.
    pub(super) fn deadline_views(&self, root: &str) -> Vec<DeadlineView> {
        let mut views: Vec<DeadlineView> = self
            .content
            .deadlines
            .iter()
            .zip(&self.model.deadline_dates)
            .map(|(d, date)| {
                let days = (*date - self.today).num_days();
                let status = match days {
                    d if d > 0 => "upcoming",
                    0 => "today",
                    _ => "past",
                };
                DeadlineView {
                    id: d.id.value.clone(),
                    date: date.to_string(),
                    title: d.title.clone(),
                    applies_to: d.applies_to.clone(),
                    rule_html: self.markdown(&d.rule, root),
                    consequence_html: d.consequence.as_ref().map(|c| self.markdown(c, root)),
                    source: self.source_link(&d.source, root),
                    status,
                    days: days.abs(),
                }
            })
            .collect();
        views.sort_by(|a, b| a.date.cmp(&b.date));
        views
    }

    pub(super) fn deadlines_page(&self) -> Page {
        let data = DeadlinesData {
            today: self.today.to_string(),
            deadlines: self.deadline_views(""),
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
    fn deadlines_are_listed_by_date_whatever_their_order_in_the_file() {
        let mut model = minimal();
        model.content.deadlines.reverse();
        model.deadline_dates.reverse();
        let views = Planner::new(&model, today()).deadline_views("");
        let dates: Vec<(&str, &str)> = views.iter().map(|v| (v.id.as_str(), v.date.as_str())).collect();
        assert_eq!(dates, [("start", "2023-09-01"), ("future", "2030-01-01")]);
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
