//! Time in the rules: the versions of each item (`effective_from` / `effective_until`) and the
//! change log (`content/changes.yaml`). It checks both, and cuts the content as it stood on one
//! day (`in_force_on`), so that the rest of `validate` checks a day's rules like any others.
//! Rule: an item with no dates is in force on every day; `until` is the first day it is not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;

use super::formats::{self, RULE_DATES};
use super::{is_valid_id, CHANGES};
use crate::diagnostics::{unknown_id_hint, Diagnostic};
use crate::model::history::{ChangeEntry, ItemKind, ItemRef};
use crate::model::*;

/// The days an item version is in force: `from <= day < until`, either end open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Range {
    pub(super) from: Option<NaiveDate>,
    pub(super) until: Option<NaiveDate>,
}

impl Range {
    pub(super) fn contains(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= day) && self.until.is_none_or(|until| day < until)
    }

    fn overlaps(&self, other: &Range) -> bool {
        starts_before(self.from, other.until) && starts_before(other.from, self.until)
    }

    /// "from 2023-09-01 until 2024-04-01", "from 2023-09-01", "until 2024-04-01", "always".
    pub(super) fn describe(&self) -> String {
        match (self.from, self.until) {
            (Some(from), Some(until)) => format!("from {from} until {until}"),
            (Some(from), None) => format!("from {from}"),
            (None, Some(until)) => format!("until {until}"),
            (None, None) => "always".into(),
        }
    }
}

/// A range starting on `from` begins before one ending on `until` (an open end never blocks).
fn starts_before(from: Option<NaiveDate>, until: Option<NaiveDate>) -> bool {
    match (from, until) {
        (Some(from), Some(until)) => from < until,
        _ => true,
    }
}

/// One version of one item, where it is written and when it is in force.
#[derive(Debug, Clone)]
struct Version<'a> {
    kind: ItemKind,
    id: &'a str,
    /// Where the id is written (a guide's is its file name, which has no position).
    id_at: Option<&'a Id>,
    file: &'a Path,
    from: Option<&'a Day>,
    until: Option<&'a Day>,
    range: Range,
}

/// What the history checks leave for the rest of `validate` and for the model.
#[derive(Debug, Default)]
pub(super) struct Timeline {
    /// Each item's range, per kind, in the order of its file; `None` when no item has dates.
    ranges: Option<ItemRanges>,
    /// The days on which some item starts or stops being in force, in order.
    pub(super) turning_days: Vec<NaiveDate>,
    /// Where versions not in force on a day are, for "not in force" messages: (kind, id) ->
    /// ranges of all its versions.
    pub(super) versions: BTreeMap<(&'static str, String), Vec<Range>>,
}

/// The range of every item of every kind that has versions, index for index.
#[derive(Debug, Default, Clone)]
struct ItemRanges {
    subjects: Vec<Range>,
    conditions: Vec<Range>,
    materials: Vec<Range>,
    stages: Vec<Range>,
    deadlines: Vec<Range>,
    forms: Vec<Range>,
    guides: Vec<Range>,
}

impl Timeline {
    /// True when some item has a version range: the content differs from one day to another.
    pub(super) fn has_versions(&self) -> bool {
        self.ranges.is_some()
    }

    /// The content in force on `day`: every item whose range holds `day` (of two overlapping
    /// versions, already reported, the first in the file).
    pub(super) fn in_force_on(&self, content: &Content, day: NaiveDate) -> Content {
        let mut cut = content.clone();
        if let Some(ranges) = &self.ranges {
            keep_in_force(&mut cut.subjects, &ranges.subjects, day, |s| &s.id.value);
            keep_in_force(&mut cut.conditions, &ranges.conditions, day, |c| &c.id.value);
            keep_in_force(&mut cut.materials, &ranges.materials, day, |m| &m.id.value);
            keep_in_force(&mut cut.stages, &ranges.stages, day, |s| &s.id.value);
            keep_in_force(&mut cut.deadlines, &ranges.deadlines, day, |d| &d.id.value);
            keep_in_force(&mut cut.forms, &ranges.forms, day, |f| &f.id.value);
            keep_in_force(&mut cut.guides, &ranges.guides, day, |g| &g.slug);
        }
        cut
    }

    /// What the message of a reference to an item not in force on `day` should say, when the
    /// item has versions on other days.
    pub(super) fn not_in_force(&self, kind: &'static str, id: &str, day: NaiveDate) -> Option<String> {
        let ranges = self.versions.get(&(kind, id.to_string()))?;
        let when: Vec<String> = ranges.iter().map(Range::describe).collect();
        Some(format!(
            "{kind} `{id}` is not in force on {day} (it is in force {})",
            when.join(" and ")
        ))
    }
}

fn keep_in_force<T>(items: &mut Vec<T>, ranges: &[Range], day: NaiveDate, id: impl Fn(&T) -> &String) {
    let mut seen = BTreeSet::new();
    let mut index = 0;
    items.retain(|item| {
        // Two undated entries of one id are a duplicate id, which the day's checks report.
        let range = ranges[index];
        let keep = range.contains(day) && (range == Range::default() || seen.insert(id(item).clone()));
        index += 1;
        keep
    });
}

/// Checks every version range and the change log; `today` tells which changes are still to
/// come. Returns the timeline and every problem found.
pub(super) fn check(content: &Content, today: NaiveDate) -> (Timeline, Vec<ChangeEntry>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let versions = versions(content, &mut diagnostics);
    check_overlaps(&versions, &mut diagnostics);
    let changes = check_changes(content, &versions, today, &mut diagnostics);
    check_boundaries_explained(&versions, &changes, &mut diagnostics);
    let timeline = timeline(content, &versions);
    (timeline, changes, diagnostics)
}

/// The kinds of item that have versions, with where they are written.
fn versions<'a>(content: &'a Content, diagnostics: &mut Vec<Diagnostic>) -> Vec<Version<'a>> {
    let mut all = Vec::new();
    let mut add = |kind: ItemKind,
                   (id, id_at): (&'a str, Option<&'a Id>),
                   file: &'a Path,
                   from: &'a Option<Day>,
                   until: &'a Option<Day>| {
        let mut range = Range {
            from: from.as_ref().and_then(|d| parse(file, d, diagnostics)),
            until: until.as_ref().and_then(|d| parse(file, d, diagnostics)),
        };
        if let (Some(f), Some(u), Some(at)) = (range.from, range.until, until.as_ref()) {
            if u <= f {
                // Taken as in force on every day, so that its references report nothing more.
                range = Range::default();
                diagnostics.push(
                    Diagnostic::error(format!(
                        "`effective_until` {u} is not after `effective_from` {f}"
                    ))
                    .with_span(at.span(file))
                    .with_hint("`effective_until` is the first day the version is no longer in force, so it comes after `effective_from`; swap them or fix the date"),
                );
            }
        }
        all.push(Version {
            kind,
            id,
            id_at,
            file,
            from: from.as_ref(),
            until: until.as_ref(),
            range,
        });
    };
    for s in &content.subjects {
        add(
            ItemKind::Subject,
            (s.id.as_str(), Some(&s.id)),
            ItemKind::Subject.file(),
            &s.effective_from,
            &s.effective_until,
        );
    }
    for c in &content.conditions {
        add(
            ItemKind::Condition,
            (c.id.as_str(), Some(&c.id)),
            ItemKind::Condition.file(),
            &c.effective_from,
            &c.effective_until,
        );
    }
    for m in &content.materials {
        add(
            ItemKind::Material,
            (m.id.as_str(), Some(&m.id)),
            ItemKind::Material.file(),
            &m.effective_from,
            &m.effective_until,
        );
    }
    for s in &content.stages {
        add(
            ItemKind::Stage,
            (s.id.as_str(), Some(&s.id)),
            ItemKind::Stage.file(),
            &s.effective_from,
            &s.effective_until,
        );
    }
    for d in &content.deadlines {
        add(
            ItemKind::Deadline,
            (d.id.as_str(), Some(&d.id)),
            ItemKind::Deadline.file(),
            &d.effective_from,
            &d.effective_until,
        );
    }
    for f in &content.forms {
        add(
            ItemKind::Form,
            (f.id.as_str(), Some(&f.id)),
            ItemKind::Form.file(),
            &f.effective_from,
            &f.effective_until,
        );
    }
    for g in &content.guides {
        let front = &g.front;
        add(
            ItemKind::Guide,
            (g.slug.as_str(), None),
            &g.file,
            &front.effective_from,
            &front.effective_until,
        );
    }
    all
}

fn parse(file: &Path, day: &Day, diagnostics: &mut Vec<Diagnostic>) -> Option<NaiveDate> {
    formats::date(file, day, &RULE_DATES)
        .map_err(|error| diagnostics.push(error))
        .ok()
}

/// Two versions of one item in force on the same day would make that day's rules ambiguous.
fn check_overlaps(versions: &[Version], diagnostics: &mut Vec<Diagnostic>) {
    let mut by_item: BTreeMap<(ItemKind, &str), Vec<&Version>> = BTreeMap::new();
    for version in versions {
        by_item.entry((version.kind, version.id)).or_default().push(version);
    }
    for same in by_item.values() {
        for (later_index, later) in same.iter().enumerate() {
            let dated = |v: &Version| v.range != Range::default();
            let overlapping = same[..later_index]
                .iter()
                .find(|e| e.range.overlaps(&later.range) && (dated(e) || dated(later)));
            if let Some(earlier) = overlapping {
                let Some(at) = later.from.or(later.until).or(later.id_at) else {
                    continue;
                };
                let line = earlier.id_at.map_or(0, |id| id.line);
                diagnostics.push(
                    Diagnostic::error(format!(
                        "this version of {} `{}` ({}) overlaps the one on line {line} ({})",
                        later.kind.name(),
                        later.id,
                        later.range.describe(),
                        earlier.range.describe()
                    ))
                    .with_span(at.span(later.file))
                    .with_hint("versions of one id must not share a day: end the earlier one (`effective_until`) on or before the day the later one starts (`effective_from`); an item that is the same on every day needs no dates and only one entry"),
                );
            }
        }
    }
}

/// The change log, checked; an entry whose date is wrong is left out (and reported).
fn check_changes(
    content: &Content,
    versions: &[Version],
    today: NaiveDate,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ChangeEntry> {
    let file = Path::new(CHANGES);
    let index = ItemIndex::of(versions);
    let sources: BTreeSet<&str> = content.site.sources.iter().map(|s| s.id.as_str()).collect();
    let mut seen: BTreeMap<&str, u32> = BTreeMap::new();
    let mut checked = Vec::new();
    for change in &content.changes {
        let id = &change.id;
        if !is_valid_id(id) {
            diagnostics.push(
                Diagnostic::error(format!("`{}` is not a valid change id", id.as_str()))
                    .with_span(id.span(file))
                    .with_hint("ids use lower-case letters a-z, digits, `-` and `_`; a change's id is its address on the changes page and in the feed, so keep it once published"),
            );
        }
        if let Some(line) = seen.insert(id.as_str(), id.line) {
            diagnostics.push(
                Diagnostic::error(format!("duplicate change id `{}`", id.as_str()))
                    .with_span(id.span(file))
                    .with_hint(format!(
                        "the same id is already used on line {line}; ids must be unique"
                    )),
            );
        }
        let effective = parse(file, &change.effective, diagnostics);
        let announced = change.announced.as_ref().and_then(|d| parse(file, d, diagnostics));
        if let (Some(effective), None) = (effective, announced) {
            if effective > today {
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "change `{}` takes effect on {effective}, after today ({today}), but says nothing of when it was announced",
                        id.as_str()
                    ))
                    .with_span(change.effective.span(file))
                    .with_hint("add `announced: YYYY-MM-DD` with the day it was made public; a change that is only expected, not announced, should wait until it is"),
                );
            }
        }
        if let Some(source) = &change.source {
            if !sources.contains(source.as_str()) {
                diagnostics.push(
                    Diagnostic::error(format!("unknown source `{}`", source.as_str()))
                        .with_span(source.span(file))
                        .with_hint(unknown_id_hint(source.as_str(), sources.iter().copied())),
                );
            }
        }
        let affects = change
            .affects
            .iter()
            .filter_map(|named| index.resolve(named).map_err(|d| diagnostics.push(d)).ok())
            .map(|(kind, id)| ItemRef { kind, id })
            .collect();
        if let Some(effective) = effective {
            checked.push(ChangeEntry {
                change: change.clone(),
                effective,
                announced,
                affects,
            });
        }
    }
    // Newest first, as the changes page and the feed list them; the file's order among equals.
    checked.sort_by_key(|c| std::cmp::Reverse(c.effective));
    checked
}

/// Every day a version starts or ends is a day readers see the rules change; the change log
/// should say why.
fn check_boundaries_explained(versions: &[Version], changes: &[ChangeEntry], diagnostics: &mut Vec<Diagnostic>) {
    let explained: BTreeSet<(NaiveDate, ItemKind, &str)> = changes
        .iter()
        .flat_map(|c| {
            c.affects
                .iter()
                .map(move |item| (c.effective, item.kind, item.id.as_str()))
        })
        .collect();
    for version in versions {
        let ends = [
            (version.from, version.range.from, "starts"),
            (version.until, version.range.until, "ends"),
        ];
        for (written, day, what) in ends {
            let (Some(written), Some(day)) = (written, day) else {
                continue;
            };
            if !explained.contains(&(day, version.kind, version.id)) {
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "a version of {} `{}` {what} on {day}, but no entry of content/changes.yaml explains it",
                        version.kind.name(),
                        version.id
                    ))
                    .with_span(written.span(version.file))
                    .with_hint(format!(
                        "add a change with `effective: \"{day}\"` and `affects: [{}]` to content/changes.yaml, so that readers see what changed and why",
                        version.kind.reference(version.id)
                    )),
                );
            }
        }
    }
}

fn timeline(content: &Content, versions: &[Version]) -> Timeline {
    let dated = versions.iter().any(|v| v.from.is_some() || v.until.is_some());
    if !dated {
        return Timeline::default();
    }
    let ranges_of = |kind: ItemKind| {
        versions
            .iter()
            .filter(|v| v.kind == kind)
            .map(|v| v.range)
            .collect::<Vec<_>>()
    };
    let ranges = ItemRanges {
        subjects: ranges_of(ItemKind::Subject),
        conditions: ranges_of(ItemKind::Condition),
        materials: ranges_of(ItemKind::Material),
        stages: ranges_of(ItemKind::Stage),
        deadlines: ranges_of(ItemKind::Deadline),
        forms: ranges_of(ItemKind::Form),
        guides: ranges_of(ItemKind::Guide),
    };
    debug_assert_eq!(ranges.guides.len(), content.guides.len());
    let turning_days: BTreeSet<NaiveDate> = versions
        .iter()
        .flat_map(|v| [v.range.from, v.range.until])
        .flatten()
        .collect();
    let mut by_item: BTreeMap<(&'static str, String), Vec<Range>> = BTreeMap::new();
    for version in versions.iter().filter(|v| v.kind != ItemKind::Guide) {
        by_item
            .entry((version.kind.name(), version.id.to_string()))
            .or_default()
            .push(version.range);
    }
    by_item.retain(|_, ranges| ranges.iter().any(|r| *r != Range::default()));
    Timeline {
        ranges: Some(ranges),
        turning_days: turning_days.into_iter().collect(),
        versions: by_item,
    }
}

/// Every item id of the content by kind, to resolve what a change `affects`.
struct ItemIndex<'a> {
    ids: BTreeMap<ItemKind, BTreeSet<&'a str>>,
}

impl<'a> ItemIndex<'a> {
    /// Every version names its item, so the versions list is the index of every id.
    fn of(versions: &[Version<'a>]) -> Self {
        let mut ids: BTreeMap<ItemKind, BTreeSet<&'a str>> = BTreeMap::new();
        for version in versions {
            ids.entry(version.kind).or_default().insert(version.id);
        }
        ItemIndex { ids }
    }

    /// `kind:id` or a bare id that one kind alone uses.
    fn resolve(&self, named: &Id) -> Result<(ItemKind, String), Diagnostic> {
        let file = Path::new(CHANGES);
        let text = named.as_str();
        if let Some((prefix, id)) = text.split_once(':') {
            let Some(kind) = ItemKind::ALL.iter().copied().find(|k| k.name() == prefix) else {
                let kinds: Vec<&str> = ItemKind::ALL.iter().map(|k| k.name()).collect();
                return Err(Diagnostic::error(format!("`{prefix}:` is not a kind of item"))
                    .with_span(named.span(file))
                    .with_hint(format!("write one of {}, then `:` and the id", kinds.join(", "))));
            };
            let known = self.ids.get(&kind).cloned().unwrap_or_default();
            if known.contains(id) {
                return Ok((kind, id.to_string()));
            }
            return Err(Diagnostic::error(format!("unknown {} `{id}`", kind.name()))
                .with_span(named.span(file))
                .with_hint(unknown_id_hint(id, known.iter().copied())));
        }
        let kinds: Vec<ItemKind> = ItemKind::ALL
            .iter()
            .copied()
            .filter(|k| self.ids.get(k).is_some_and(|ids| ids.contains(text)))
            .collect();
        match kinds.as_slice() {
            [kind] => Ok((*kind, text.to_string())),
            [] => {
                let every = self.ids.values().flatten().copied();
                Err(Diagnostic::error(format!("`{text}` names no item of the site"))
                    .with_span(named.span(file))
                    .with_hint(format!(
                        "{} (a change affects subject types, conditions, materials, stages, deadlines, forms and guides, by id; a guide by its path under content/guides without `.md`)",
                        unknown_id_hint(text, every)
                    )))
            }
            several => {
                let choices: Vec<String> = several.iter().map(|k| k.reference(text)).collect();
                Err(
                    Diagnostic::error(format!("`{text}` is the id of more than one kind of item"))
                        .with_span(named.span(file))
                        .with_hint(format!("say which with its kind: {}", choices.join(" or "))),
                )
            }
        }
    }
}
