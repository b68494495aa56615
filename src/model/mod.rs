//! The model, in two states. `Content` (content.rs) is what the files say, typed as loaded and
//! not yet checked; `Model` is what `validate` vouches for: the same content once every reference
//! resolves, with its dates parsed and `holidays.yaml` turned into a checked `Calendar`
//! (calendar.rs). Only `validate` makes a `Model`; every stage after it reads one.

pub mod calendar;
pub mod content;

pub use calendar::{Calendar, MissingYear};
pub use content::*;

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

/// Content whose references all resolve, with its dates parsed and its holiday calendar checked.
#[derive(Debug, Clone)]
pub struct Model {
    pub content: Content,
    pub reviewed: NaiveDate,
    /// The date of each deadline, in the order of `content.deadlines`.
    pub deadline_dates: Vec<NaiveDate>,
    /// Public holidays and adjusted working days, for the timeline; `None` without holidays.yaml.
    pub calendar: Option<Calendar>,
}

impl Model {
    /// What `rules.json` holds: the content, with the checked calendar in place of the holidays
    /// file (in that file's shape, ranges written out; `null` without one).
    pub fn rules(&self) -> Rules<'_> {
        // Spelled out, so that a field added to `Content` does not compile until it is placed here.
        let Content {
            site,
            subjects,
            conditions,
            materials,
            stages,
            deadlines,
            forms,
            providers,
            guides,
            holidays: _,
        } = &self.content;
        Rules {
            site,
            subjects,
            conditions,
            materials,
            stages,
            deadlines,
            forms,
            providers,
            guides,
            calendar: self.calendar.as_ref(),
        }
    }
}

/// `rules.json`: see `Model::rules`.
#[derive(Serialize)]
pub struct Rules<'a> {
    site: &'a Site,
    subjects: &'a [Subject],
    conditions: &'a [Condition],
    materials: &'a [Material],
    stages: &'a [Stage],
    deadlines: &'a [Deadline],
    forms: &'a [Form],
    providers: &'a [Provider],
    guides: &'a [Arc<Guide>],
    calendar: Option<&'a Calendar>,
}
