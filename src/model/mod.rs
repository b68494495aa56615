//! The model, in two states. `Content` (content.rs) is what the files say, typed as loaded and
//! not yet checked; `Model` is what `validate` vouches for: the same content once every reference
//! resolves, with its dates parsed and `holidays.yaml` turned into a checked `Calendar`
//! (calendar.rs). Only `validate` makes a `Model`; every stage after it reads one.

pub mod calendar;
pub mod changelog;
pub mod content;
pub mod deadlines;
pub mod forms;
pub mod graph;
pub mod history;
pub mod holidays;

pub use calendar::{Calendar, MissingYear};
pub use changelog::*;
pub use content::*;
pub use deadlines::*;
pub use forms::*;
pub use graph::StageGraph;
pub use holidays::*;

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

/// Content whose references all resolve, with its dates parsed and its holiday calendar checked.
#[derive(Debug, Clone)]
pub struct Model {
    /// The content in force on `as_of`.
    pub content: Content,
    /// The day the rules are taken as of (`--as-of`, else today).
    pub as_of: NaiveDate,
    /// The change log and every version of every item.
    pub history: history::History,
    pub reviewed: NaiveDate,
    /// The fixed date of each deadline, in the order of `content.deadlines`; `None` for a
    /// relative or yearly one.
    pub deadline_dates: Vec<Option<NaiveDate>>,
    /// Public holidays and adjusted working days, for the timeline: the site's calendar first,
    /// then any other named in holidays.yaml; empty without holidays.yaml.
    pub calendars: Vec<SiteCalendar>,
    /// What each stage waits for, and its step number.
    pub stage_graph: StageGraph,
}

/// One checked holiday calendar, with its id and name (both empty for a file's only calendar).
#[derive(Debug, Clone, Serialize)]
pub struct SiteCalendar {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub calendar: Calendar,
}

impl Model {
    /// The site's holiday calendar, if it has one.
    pub fn calendar(&self) -> Option<&Calendar> {
        self.calendars.first().map(|c| &c.calendar)
    }

    /// The calendar a stage or deadline names (validate made sure it exists), else the site's.
    pub fn calendar_for(&self, id: Option<&Id>) -> Option<&SiteCalendar> {
        match id {
            Some(id) => self.calendars.iter().find(|c| c.id == id.as_str()),
            None => self.calendars.first(),
        }
    }

    /// Whether a list of subject types and groups (`subjects:` of an item) takes in `subject`:
    /// an empty list takes in everyone.
    pub fn covers(ids: &[Id], subject: &Subject) -> bool {
        ids.is_empty()
            || ids.iter().any(|id| {
                id.as_str() == subject.id.as_str() || subject.groups.iter().any(|g| g.as_str() == id.as_str())
            })
    }

    /// What `rules.json` holds: the content, with the checked calendars in place of the holidays
    /// file (in that file's shape, ranges written out; `null` without one).
    pub fn rules(&self) -> Rules<'_> {
        // Spelled out, so that a field added to `Content` does not compile until it is placed here.
        let Content {
            site,
            subject_groups,
            subjects,
            conditions,
            materials,
            stages,
            events,
            deadlines,
            forms,
            providers,
            guides,
            holidays: _,
            changes: _,
        } = &self.content;
        let all = self.history.versions.as_deref().unwrap_or(&self.content);
        Rules {
            as_of: self.as_of,
            site,
            subject_groups,
            subjects,
            conditions,
            materials,
            stages,
            events,
            deadlines,
            forms,
            providers,
            guides,
            calendar: self.calendar(),
            calendars: self.calendars.iter().filter(|c| !c.id.is_empty()).collect(),
            changes: &self.history.changes,
            versions: Versions {
                subjects: dated(&all.subjects, |x| (&x.effective_from, &x.effective_until)),
                conditions: dated(&all.conditions, |x| (&x.effective_from, &x.effective_until)),
                materials: dated(&all.materials, |x| (&x.effective_from, &x.effective_until)),
                stages: dated(&all.stages, |x| (&x.effective_from, &x.effective_until)),
                deadlines: dated(&all.deadlines, |x| (&x.effective_from, &x.effective_until)),
                forms: dated(&all.forms, |x| (&x.effective_from, &x.effective_until)),
                guides: all
                    .guides
                    .iter()
                    .filter(|g| g.front.effective_from.is_some() || g.front.effective_until.is_some())
                    .map(|g| GuideVersion {
                        slug: &g.slug,
                        front: &g.front,
                    })
                    .collect(),
            },
        }
    }
}

/// `rules.json`: see `Model::rules`. The lists at the top are the rules in force on `as_of`;
/// `versions` holds every version of every item with its `effective_from` / `effective_until`,
/// and `changes` the change log, so that a tool can work out the rules of any day.
#[derive(Serialize)]
pub struct Rules<'a> {
    as_of: NaiveDate,
    site: &'a Site,
    subject_groups: &'a [SubjectGroup],
    subjects: &'a [Subject],
    conditions: &'a [Condition],
    materials: &'a [Material],
    stages: &'a [Stage],
    events: &'a [DeadlineEvent],
    deadlines: &'a [Deadline],
    forms: &'a [Form],
    providers: &'a [Provider],
    guides: &'a [Arc<Guide>],
    /// The site's calendar (the first, where holidays.yaml names several).
    calendar: Option<&'a Calendar>,
    /// Every named calendar, the site's first; empty when holidays.yaml lists `years:` only.
    calendars: Vec<&'a SiteCalendar>,
    /// The change log, newest first.
    changes: &'a [history::ChangeEntry],
    versions: Versions<'a>,
}

/// Every version of every item that has dates (an item without them is the same on every day,
/// and is in the lists at the top of `rules.json` whatever the day).
#[derive(Serialize)]
struct Versions<'a> {
    subjects: Vec<&'a Subject>,
    conditions: Vec<&'a Condition>,
    materials: Vec<&'a Material>,
    stages: Vec<&'a Stage>,
    deadlines: Vec<&'a Deadline>,
    forms: Vec<&'a Form>,
    guides: Vec<GuideVersion<'a>>,
}

/// The items of `all` that have a date of their own.
fn dated<T>(all: &[T], dates: impl Fn(&T) -> (&Option<Day>, &Option<Day>)) -> Vec<&T> {
    all.iter()
        .filter(|item| {
            let (from, until) = dates(item);
            from.is_some() || until.is_some()
        })
        .collect()
}

/// A guide in `versions`: its path and front matter (its dates among them), not its text.
#[derive(Serialize)]
struct GuideVersion<'a> {
    slug: &'a str,
    #[serde(flatten)]
    front: &'a FrontMatter,
}
