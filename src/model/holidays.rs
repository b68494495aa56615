//! What `content/holidays.yaml` says, typed as loaded: one calendar's years, or several named
//! calendars, each year with the notice or source it comes from. `validate` checks it and makes it
//! the model's `Calendar`s; nothing here is checked yet.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::content::Id;
use crate::yaml::Spanned;

/// `content/holidays.yaml`: public holidays and adjusted working days, one entry per year: either
/// one calendar (`years:`) or several named ones (`calendars:`, the first being the site's).
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidaysFile {
    /// The site's only calendar.
    #[serde(default)]
    pub years: Vec<HolidayYear>,
    /// Several calendars (e.g. one per region); stages and deadlines pick one with `calendar:`.
    #[serde(default)]
    pub calendars: Vec<NamedCalendar>,
}

/// One of several holiday calendars.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedCalendar {
    pub id: Id,
    /// Shown wherever dates follow it (e.g. "England and Wales").
    pub name: String,
    pub years: Vec<HolidayYear>,
}

/// One calendar year's public holidays and adjusted working days, as an official notice or
/// another source fixed them.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayYear {
    /// The calendar year; every date listed under it must lie in it.
    pub year: Spanned<i32>,
    /// The official notice the dates come from; or leave it out and cite a source.
    #[serde(default)]
    pub notice: Option<Notice>,
    /// A source in `content/site.yaml` the dates come from, where there is no notice of its own
    /// (e.g. a government page listing bank holidays).
    #[serde(default)]
    pub source: Option<Id>,
    /// The breaks: every date that is a day off, weekend days inside a break included.
    pub days_off: Vec<DayGroup>,
    /// Adjusted working days: weekend days that are working days.
    #[serde(default)]
    pub working_days: Vec<DayGroup>,
}

/// An official notice fixing one year's holidays.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub title: String,
    /// Document number, where it has one.
    #[serde(default)]
    pub number: Option<String>,
    /// Date of issue, YYYY-MM-DD.
    pub date: Spanned<String>,
    #[serde(default)]
    pub url: Option<Spanned<String>>,
}

/// Named dates: either a list (`dates`) or an inclusive range (`from` and `to`), not both.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DayGroup {
    /// The holiday (e.g. New Year), or what the working days make up for.
    pub name: Spanned<String>,
    /// The dates, YYYY-MM-DD.
    #[serde(default)]
    pub dates: Vec<Spanned<String>>,
    /// First day of a range, YYYY-MM-DD.
    #[serde(default)]
    pub from: Option<Spanned<String>>,
    /// Last day of a range (included), YYYY-MM-DD.
    #[serde(default)]
    pub to: Option<Spanned<String>>,
    /// Anything worth knowing, e.g. a day of the break that falls in another year.
    #[serde(default)]
    pub note: Option<String>,
}
