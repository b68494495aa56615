//! The values of the pages about dates and their records: deadlines (with what applies now),
//! the sources the rules come from, and the change log with each item's history.

use serde::Serialize;

use super::LinkView;
use crate::model::{DeadlineKind, OffsetUnit};

// ---- Deadlines (`deadlines.html`, and the home page) ----

/// `data` of the deadlines page.
#[derive(Debug, Serialize)]
pub struct DeadlinesData {
    /// The date the statuses are counted from (the build date, or `--today`).
    pub today: String,
    /// Every deadline, by date.
    pub deadlines: Vec<DeadlineView>,
    /// What applies now and what comes next.
    pub now: NowView,
    /// The deadlines still to come (or due today), nearest first.
    pub upcoming: Vec<DeadlineView>,
    /// The deadlines counted from the reader's own dates, in file order.
    pub relative: Vec<DeadlineView>,
    /// The days that have passed, most recent first, each in the past tense.
    pub past: Vec<DeadlineView>,
    /// The calendar file of the deadlines (`deadlines.ics`), when the site writes one.
    pub calendar_file: Option<String>,
}

/// What applies on the build day (`--today`, or `--as-of`), from the deadlines' `now:` texts.
#[derive(Debug, Clone, Serialize)]
pub struct NowView {
    /// The day it is said for, YYYY-MM-DD.
    pub today: String,
    /// The `now:` text of every deadline whose day has come, oldest first, each linked to its
    /// deadline on the deadlines page (`href` from the page's root).
    pub rules: Vec<LinkView>,
    /// The dated deadlines still to come, nearest first.
    pub next: Vec<DeadlineView>,
    /// The deadlines page, from the page's root.
    pub deadlines_href: String,
}

/// A deadline, seen from the build date.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineView {
    pub id: String,
    /// YYYY-MM-DD: the fixed date, or a yearly deadline's next day; none for a relative one.
    pub date: Option<String>,
    /// True for a deadline on the same day every year (`date` is then its next day).
    pub yearly: bool,
    /// For a deadline counted from an event or a stage: how long after what.
    pub relative: Option<RelativeView>,
    /// The holiday calendar it counts working days in, when it names one.
    pub calendar: Option<String>,
    pub title: String,
    /// Who it applies to.
    pub applies_to: String,
    pub rule_html: String,
    /// What happens to those who miss it.
    pub consequence_html: Option<String>,
    pub source: Option<LinkView>,
    /// `past` (a rule in force), `today` or `upcoming` (a countdown); `relative` when it has no
    /// date of its own.
    pub status: &'static str,
    /// Days until the date (upcoming) or since it (past).
    pub days: i64,
    pub history: ItemHistory,
    /// `ends` (a real deadline, the only kind that shows a consequence), `starts` or
    /// `enforcement`.
    pub kind: DeadlineKind,
    /// The label key of its status tag for its kind (e.g. `deadline_past_ends`, `{date}` and
    /// `{n}` to replace), used unless `past` is set.
    pub tag: String,
    /// The content's own past-tense text (`{date}` to replace), set once the day has passed.
    pub past: Option<String>,
}

/// How long after what a relative deadline falls.
#[derive(Debug, Clone, Serialize)]
pub struct RelativeView {
    pub amount: u32,
    /// `hours`, `days`, `working_days`, `weeks` or `months`.
    pub unit: OffsetUnit,
    /// The event (no `href`) or the stage (linked) it counts from.
    pub event: LinkView,
}

// ---- Sources (`sources.html`) ----

/// `data` of the sources page: every source, in the order of `site.yaml`.
#[derive(Debug, Serialize)]
pub struct SourcesData {
    pub sources: Vec<SourceView>,
}

/// A law, notice or article the rules rest on. Every link to it points at
/// `sources.html#source-<id>`, so its entry must carry the id `source-<id>`.
#[derive(Debug, Serialize)]
pub struct SourceView {
    pub id: String,
    pub title: String,
    /// Who issued it.
    pub issuer: Option<String>,
    /// Its official document number.
    pub number: Option<String>,
    /// When it was published (YYYY-MM-DD).
    pub date: Option<String>,
    pub url: Option<String>,
    /// `law`, `notice`, `reference` (named by the theme's labels), or a kind of the site's own.
    pub kind: String,
    /// The name of a kind of the site's own (`source_kinds` in site.yaml); `None` for the three
    /// every site has, which the theme names.
    pub kind_name: Option<String>,
    /// What the source is used for, in a sentence.
    pub note: Option<String>,
}

// ---- What changed (`changes.html`, and a note on each item) ----

/// What the change log says of one material, stage, deadline or form.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ItemHistory {
    /// The newest change in force on the day the site is as of.
    pub last_changed: Option<ChangeLink>,
    /// Changes announced for later days, soonest first.
    pub coming: Vec<ChangeLink>,
}

/// A change, as a note on an item links to it.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeLink {
    /// The day it takes (or took) effect, YYYY-MM-DD.
    pub date: String,
    pub title: String,
    /// `added`, `changed`, `removed`, `clarified` or `correction` (named by the theme's labels,
    /// `change_<kind>`).
    pub kind: &'static str,
    /// Its entry on the changes page.
    pub href: String,
    /// Days from the day the site is as of to the change (negative: past).
    pub days: i64,
}

/// `data` of the changes page.
#[derive(Debug, Serialize)]
pub struct ChangesData {
    /// The day the site is as of; changes after it are `coming`.
    pub as_of: String,
    /// Announced changes that take effect after `as_of`, soonest first.
    pub coming: Vec<ChangeView>,
    /// Changes in force, newest first.
    pub past: Vec<ChangeView>,
    /// The feed's address from the site root.
    pub feed: String,
}

/// One entry of the change log. Its element carries the id `change-<id>`.
#[derive(Debug, Serialize)]
pub struct ChangeView {
    pub id: String,
    /// YYYY-MM-DD.
    pub effective: String,
    /// When it was made public, if the log says.
    pub announced: Option<String>,
    /// `added`, `changed`, `removed`, `clarified` or `correction`.
    pub kind: &'static str,
    pub title: String,
    pub summary_html: String,
    /// The source that announced it.
    pub source: Option<LinkView>,
    /// The items it touches.
    pub affects: Vec<AffectedView>,
    /// Days from the day the site is as of to the change (positive: still to come).
    pub days: i64,
}

/// An item a change touches: linked when the site shows it on the day it is as of.
#[derive(Debug, Serialize)]
pub struct AffectedView {
    /// `subject`, `condition`, `material`, `stage`, `deadline`, `form` or `guide`.
    pub kind: &'static str,
    pub title: String,
    pub href: Option<String>,
}
