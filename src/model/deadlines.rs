//! What `content/deadlines.yaml` says: dates by which something must be done, dated, yearly or
//! counted from an event, typed as loaded and not yet checked.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::content::{Day, Id, Markdown};
use crate::yaml::Spanned;

/// `content/deadlines.yaml`: dates by which something must be done, and the events that start
/// the clock of relative deadlines.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesFile {
    /// Things that happen on a date only the reader knows (e.g. "you start trading"); relative
    /// deadlines count from them, and the timeline asks the reader for their dates.
    #[serde(default)]
    pub events: Vec<DeadlineEvent>,
    pub deadlines: Vec<Deadline>,
}

/// An event a relative deadline counts from.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineEvent {
    pub id: Id,
    /// What happens, as the timeline asks for its date (e.g. "The day you started trading").
    pub name: String,
}

/// A deadline: one of `date` (a fixed day), `after` (counted from an event or a stage's end) or
/// `yearly` (the same day every year).
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    pub id: Id,
    /// The first day this version is in force, YYYY-MM-DD; left out, always was.
    #[serde(default)]
    pub effective_from: Option<Day>,
    /// The first day it is no longer in force, YYYY-MM-DD; left out, still is.
    #[serde(default)]
    pub effective_until: Option<Day>,
    /// A fixed day, YYYY-MM-DD.
    #[serde(default)]
    pub date: Option<Spanned<String>>,
    /// A time after an event or after a stage ends.
    #[serde(default)]
    pub after: Option<RelativeDeadline>,
    /// The same day every year.
    #[serde(default)]
    pub yearly: Option<YearlyDeadline>,
    /// The holiday calendar working days are counted in, by id; left out, the site's calendar.
    #[serde(default)]
    pub calendar: Option<Id>,
    /// Subject types or groups it applies to, by id; empty means everyone.
    #[serde(default)]
    pub subjects: Vec<Id>,
    pub title: String,
    /// Who it applies to, in words (e.g. "services not yet live").
    pub applies_to: String,
    /// The rule in force from that date (Markdown).
    pub rule: Markdown,
    /// What happens to those who miss it (Markdown). Only a real deadline (`kind: ends`) has one.
    #[serde(default)]
    pub consequence: Option<Markdown>,
    #[serde(default)]
    pub source: Option<Id>,
    /// What kind of date it is; left out, `ends` (a real deadline).
    #[serde(default)]
    pub kind: DeadlineKind,
    /// How it reads once its day has passed, `{date}` standing for the date (e.g. "since {date}
    /// the rule is enforced"); left out, the theme's words for its kind.
    #[serde(default)]
    pub past: Option<Spanned<String>>,
    /// What applies from its day on, in the present tense (plain text): the home page and the
    /// deadlines page list it under "what applies now" once the day has come.
    #[serde(default)]
    pub now: Option<String>,
}

/// What a dated deadline is: something to do by a day, a rule that starts on a day, or the day
/// those who missed a deadline start being dealt with.
#[derive(Debug, Clone, Hash, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// Something must be done by this day (the only kind with a `consequence`).
    #[default]
    Ends,
    /// A rule is in force from this day.
    Starts,
    /// From this day, those who missed a deadline are dealt with (e.g. taken down).
    Enforcement,
}

/// When a relative deadline falls: `amount` `unit`s after `event` (an event's or a stage's id).
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelativeDeadline {
    /// The id of an event in `events:` or of a stage (counted from the day the stage ends).
    pub event: Id,
    pub amount: Spanned<u32>,
    pub unit: OffsetUnit,
}

/// The units a relative deadline counts in.
#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OffsetUnit {
    /// Whole calendar days, rounded up (25 hours is 2 days).
    Hours,
    Days,
    /// Days that are neither weekend nor holiday in the deadline's calendar.
    WorkingDays,
    Weeks,
    /// Calendar months; a day past the month's end becomes its last day (31 January + 1 month is
    /// 28 or 29 February).
    Months,
}

/// A deadline on the same day every year (e.g. 5 October).
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YearlyDeadline {
    /// 1 to 12.
    pub month: Spanned<u32>,
    /// 1 to 31, a day that month has (29 February is not allowed: it is not in every year).
    pub day: Spanned<u32>,
}
