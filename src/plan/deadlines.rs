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
