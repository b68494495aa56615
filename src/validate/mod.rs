//! Stage 2: cross-check the loaded content (ids, references, order, dates, the holiday calendar)
//! and type what is checked, as a `Model`. It reports every problem in one pass; it never reads
//! files or renders anything. Dates and web addresses are checked by `formats`, the same way in
//! every file; `holidays` checks holidays.yaml; `unit_spacing` checks how numbers and units are
//! written in the content's text (it is given the texts the loader read).

mod deadlines;
mod formats;
mod history;
pub(crate) mod holidays;
mod ids;
mod materials;
mod stages;
pub mod unit_spacing;

pub use formats::is_web_address;
pub use holidays::{holiday_calendar, holiday_calendars};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;

use crate::diagnostics::{unknown_id_hint, Diagnostic};
use crate::model::history::History;
use crate::model::*;
use crate::yaml::Spanned;
use formats::RULE_DATES;
pub use ids::is_valid_id;
use ids::{id_problem, suggested_id, where_defined};

const SITE: &str = "content/site.yaml";
const SUBJECTS: &str = "content/subjects.yaml";
const CONDITIONS: &str = "content/conditions.yaml";
const MATERIALS: &str = "content/materials.yaml";
const STAGES: &str = "content/stages.yaml";
const DEADLINES: &str = "content/deadlines.yaml";
const FORMS: &str = "content/forms.yaml";
const PROVIDERS: &str = "content/providers.yaml";
const HOLIDAYS: &str = "content/holidays.yaml";
const CHANGES: &str = "content/changes.yaml";

/// Checks `content` (every version of every item, and the change log) and cuts it as it stood
/// on `as_of`; `today` tells which changes are still to come and how old a review is. Returns
/// the model (when there is no error) and every diagnostic found.
pub fn validate(content: Content, as_of: NaiveDate, today: NaiveDate) -> (Option<Model>, Vec<Diagnostic>) {
    let (model, diagnostics) = validate_partial(content, as_of, today, &BTreeSet::new());
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    (model, diagnostics)
}

/// `validate` for content that loaded with mistakes: references to the kinds in `unreadable`
/// (whose file could not be read) are not checked, and the model comes back even when there are
/// errors, for the checks that can still run on it (links). Only an error-free model is built.
pub fn validate_partial(
    content: Content,
    as_of: NaiveDate,
    today: NaiveDate,
    unreadable: &BTreeSet<&'static str>,
) -> (Option<Model>, Vec<Diagnostic>) {
    let (timeline, changes, mut diagnostics) = history::check(&content, today);
    diagnostics.extend(freshness(&content.site, today));
    if !timeline.has_versions() {
        let (model, found) = validate_day(content, None, &timeline, unreadable);
        diagnostics.extend(found);
        return finish(
            model,
            diagnostics,
            as_of,
            History {
                changes,
                versions: None,
            },
        );
    }
    let (model, found) = validate_day(
        timeline.in_force_on(&content, as_of),
        Some(as_of),
        &timeline,
        unreadable,
    );
    diagnostics.extend(found);
    // A problem on another day (a reference to an item no longer in force, a stage left without
    // the one it waits for) is the editor's to fix too; each is reported once, at its place.
    for day in other_days(&timeline.turning_days, as_of) {
        let (_, found) = validate_day(timeline.in_force_on(&content, day), Some(day), &timeline, unreadable);
        for diagnostic in found {
            if !diagnostics.iter().any(|d| d.span == diagnostic.span) {
                diagnostics.push(diagnostic);
            }
        }
    }
    let history = History {
        changes,
        versions: Some(Box::new(content)),
    };
    finish(model, diagnostics, as_of, history)
}

fn finish(
    model: Option<Model>,
    diagnostics: Vec<Diagnostic>,
    as_of: NaiveDate,
    history: History,
) -> (Option<Model>, Vec<Diagnostic>) {
    let model = model.map(|model| Model {
        as_of,
        history,
        ..model
    });
    (model, diagnostics)
}

/// One day of each stretch over which the rules stay the same, but the one of `as_of`.
fn other_days(turning_days: &[NaiveDate], as_of: NaiveDate) -> Vec<NaiveDate> {
    let before_all = turning_days.first().and_then(NaiveDate::pred_opt);
    before_all
        .into_iter()
        .chain(turning_days.iter().copied())
        .filter(|day| *day != as_of)
        .collect()
}

/// Checks the content of one day (`day` is `None` when it is the same on every day).
fn validate_day(
    content: Content,
    day: Option<NaiveDate>,
    timeline: &history::Timeline,
    unreadable: &BTreeSet<&'static str>,
) -> (Option<Model>, Vec<Diagnostic>) {
    let mut checker = Checker {
        day: day.map(|day| (day, timeline)),
        unreadable: unreadable.clone(),
        ..Checker::default()
    };
    checker.check_ids(&content);
    checker.check_references(&content);
    checker.check_audiences(&content);
    let stage_graph = stages::stage_graph(&content.stages, !unreadable.contains(crate::load::MISTAKEN_STAGES))
        .map_err(|errors| checker.diagnostics.extend(errors))
        .unwrap_or_default();
    checker.check_details(&content);
    let reviewed = checker.date(SITE, &content.site.reviewed);
    let deadline_dates: Vec<Option<NaiveDate>> = content
        .deadlines
        .iter()
        .map(|d| checker.deadline_date(d, content.holidays.is_some()))
        .collect();
    for source in &content.site.sources {
        if let Some(date) = &source.date {
            checker.date(SITE, date);
        }
    }
    if let Some(url) = &content.site.base_url {
        checker.web_address(SITE, url);
    }
    if let Some(per_page) = &content.site.guides_per_page {
        checker
            .diagnostics
            .extend(formats::guides_per_page(Path::new(SITE), per_page).err());
    }
    for source in &content.site.sources {
        if let Some(url) = &source.url {
            checker.web_address(SITE, url);
        }
    }
    let calendars = content
        .holidays
        .as_ref()
        .map(|data| checker.calendars(data))
        .unwrap_or_default();
    let diagnostics = checker.diagnostics;
    let model = Model {
        content,
        as_of: NaiveDate::MIN,
        history: History::default(),
        reviewed: reviewed.unwrap_or_default(),
        deadline_dates,
        calendars,
        stage_graph,
    };
    (Some(model), diagnostics)
}

/// Warnings for a review, or a source's check, older than `review_every` days before `today`.
fn freshness(site: &Site, today: NaiveDate) -> Vec<Diagnostic> {
    let Some(every) = &site.review_every else {
        return Vec::new();
    };
    let file = Path::new(SITE);
    let mut warnings = Vec::new();
    let mut stale = |at: &Spanned<String>, what: String, hint: &str| {
        let Ok(day) = formats::parse_date(at.as_str()) else {
            return;
        };
        let age = (today - day).num_days();
        if age > i64::from(every.value) {
            warnings.push(
                Diagnostic::warning(format!(
                    "{what} {day}, {age} days before today ({today}); site.yaml asks for one every {} days (`review_every`)",
                    every.value
                ))
                .with_span(at.span(file))
                .with_hint(hint),
            );
        }
    };
    stale(
        &site.reviewed,
        "the rules were last reviewed on".into(),
        "check the rules against their sources, then set `reviewed:` to the day you did",
    );
    for source in &site.sources {
        if let Some(checked) = &source.checked {
            stale(
                checked,
                format!("source `{}` was last checked on", source.id.as_str()),
                "open the source, confirm the rules still follow it, then set its `checked:` to that day",
            );
        }
    }
    warnings
}

#[derive(Default)]
struct Checker<'t> {
    diagnostics: Vec<Diagnostic>,
    known: BTreeMap<&'static str, BTreeSet<String>>,
    /// The day being checked and the versions of other days, when the content has versions.
    day: Option<(NaiveDate, &'t history::Timeline)>,
    /// Kinds of item whose file could not be read: references to them are not checked.
    unreadable: BTreeSet<&'static str>,
}

impl Checker<'_> {
    fn error(&mut self, file: &str, at: &Spanned<String>, message: String, hint: impl Into<String>) {
        self.diagnostics.push(
            Diagnostic::error(message)
                .with_span(at.span(Path::new(file)))
                .with_hint(hint),
        );
    }

    fn check_ids(&mut self, content: &Content) {
        self.collect_ids("source", SITE, content.site.sources.iter().map(|s| &s.id));
        self.collect_ids("source kind", SITE, content.site.source_kinds.iter().map(|k| &k.id));
        // The kinds every site has count as defined, whether or not the site names them.
        let kinds = self.known.entry("source kind").or_default();
        kinds.extend(BUILT_IN_SOURCE_KINDS.iter().map(ToString::to_string));
        self.collect_ids("subject", SUBJECTS, content.subjects.iter().map(|s| &s.id));
        self.collect_ids("subject group", SUBJECTS, content.subject_groups.iter().map(|g| &g.id));
        self.collect_ids("event", DEADLINES, content.events.iter().map(|e| &e.id));
        let calendars = content.holidays.iter().flat_map(|h| &h.calendars);
        self.collect_ids("calendar", HOLIDAYS, calendars.map(|c| &c.id));
        self.refuse_shared_ids(
            ("subject group", SUBJECTS, content.subject_groups.iter().map(|g| &g.id)),
            "subject",
            "the same list (`subjects:` of a material, a stage, ...) names both, so one id must mean one thing",
        );
        self.refuse_shared_ids(
            ("event", DEADLINES, content.events.iter().map(|e| &e.id)),
            "stage",
            "a relative deadline's `after: event:` names either, so one id must mean one thing",
        );
        self.collect_ids("condition", CONDITIONS, content.conditions.iter().map(|c| &c.id));
        self.collect_ids("material", MATERIALS, content.materials.iter().map(|m| &m.id));
        self.collect_ids("stage", STAGES, content.stages.iter().map(|s| &s.id));
        self.collect_ids("deadline", DEADLINES, content.deadlines.iter().map(|d| &d.id));
        self.collect_ids("form", FORMS, content.forms.iter().map(|f| &f.id));
        self.collect_ids("provider", PROVIDERS, content.providers.iter().map(|p| &p.id));
        // Guides are named by their path (not a written id): recorded for stages' `guides:`.
        let guides = content.guides.iter().filter(|g| !g.is_intro()).map(|g| g.slug.clone());
        self.known.insert("guide", guides.collect());
    }

    /// Records the ids of one kind, reporting malformed, reserved and duplicate ones.
    fn collect_ids<'a>(&mut self, kind: &'static str, file: &str, ids: impl Iterator<Item = &'a Id>) {
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        for id in ids {
            if !is_valid_id(id) {
                let mut hint = "ids use lower-case letters a-z, digits, `-` and `_`, start with a letter or digit, and have at most 100 characters".to_string();
                if let Some(fixed) = suggested_id(id) {
                    hint = format!("{hint}; e.g. `{fixed}`");
                }
                self.error(
                    file,
                    id,
                    format!("`{}` is not a valid {kind} id: {}", id.as_str(), id_problem(id)),
                    hint,
                );
            } else if id.as_str() == "index" {
                self.error(
                    file,
                    id,
                    format!("`index` cannot be a {kind} id"),
                    "`index` names the section's own page; choose another id",
                );
            }
            if let Some(first_line) = seen.get(id.as_str()) {
                let message = format!("duplicate {kind} id `{}`", id.as_str());
                self.error(
                    file,
                    id,
                    message,
                    format!("the same id is already used on line {first_line}; ids must be unique"),
                );
            } else {
                seen.insert(id.value.clone(), id.line);
            }
        }
        self.known.insert(kind, seen.into_keys().collect());
    }

    /// The error for a reference to an item that has versions, but none in force on the day.
    fn not_in_force(&mut self, kind: &'static str, file: &str, reference: &Id) -> bool {
        let Some((day, timeline)) = self.day else { return false };
        let Some(message) = timeline.not_in_force(kind, reference.as_str(), day) else {
            return false;
        };
        self.error(
            file,
            reference,
            message,
            "a reference must name an item in force on every day the referring item is: give the referring item a version that ends (`effective_until`) when this one does, or keep this one in force",
        );
        true
    }

    /// Reports `reference` unless it names a known id of `kind`.
    fn reference(&mut self, kind: &'static str, file: &str, reference: &Id) {
        if self.unreadable.contains(kind) {
            return;
        }
        let known = self.known.get(kind).cloned().unwrap_or_default();
        if !known.contains(reference.as_str()) && !self.not_in_force(kind, file, reference) {
            let mut hint = if known.is_empty() {
                format!("no {kind} is defined yet; {}", where_defined(kind))
            } else {
                unknown_id_hint(reference.as_str(), known.iter().map(String::as_str))
            };
            if kind == "source kind" {
                let joint = if hint.ends_with('?') { " Or" } else { "; or" };
                hint.push_str(&format!(
                    "{joint} name a kind of your own under `source_kinds:` in content/site.yaml"
                ));
            }
            self.error(
                file,
                reference,
                format!("unknown {kind} `{}`", reference.as_str()),
                hint,
            );
        }
    }

    fn optional_source(&mut self, file: &str, source: &Option<Id>) {
        if let Some(source) = source {
            self.reference("source", file, source);
        }
    }

    fn check_references(&mut self, content: &Content) {
        for year in content.holidays.iter().flat_map(|h| &h.years) {
            match (&year.notice, &year.source) {
                (_, Some(source)) => self.reference("source", HOLIDAYS, source),
                (Some(_), None) => {}
                (None, None) => self.diagnostics.push(
                    Diagnostic::error(format!("year {} does not say where its dates come from", year.year.value))
                        .with_span(year.year.span_in(Path::new(HOLIDAYS), year.year.value.to_string().len()))
                        .with_hint("add `notice:` (title and date of the official notice) or `source: <id>` naming an entry of `sources` in content/site.yaml"),
                ),
            }
        }
        for source in &content.site.sources {
            self.reference("source kind", SITE, &source.kind);
        }
        for subject in &content.subjects {
            self.optional_source(SUBJECTS, &subject.source);
            for form in &subject.forms {
                self.reference("form", SUBJECTS, form);
            }
        }
        for condition in &content.conditions {
            self.optional_source(CONDITIONS, &condition.source);
        }
        for material in &content.materials {
            for condition in &material.when {
                self.reference("condition", MATERIALS, condition);
            }
            self.same_as(material, &content.materials);
            self.reference("provider", MATERIALS, &material.provider);
            self.optional_source(MATERIALS, &material.source);
            if material.source.is_none() {
                self.diagnostics.push(
                    Diagnostic::warning(format!("material `{}` cites no source", material.id.as_str()))
                        .with_span(material.id.span(Path::new(MATERIALS)))
                        .with_hint("add `source: <id>` naming an entry of `sources` in content/site.yaml"),
                );
            }
        }
        for stage in &content.stages {
            for (kind, ids) in [
                ("material", &stage.materials),
                ("guide", &stage.guides),
                ("form", &stage.forms),
            ] {
                ids.iter().for_each(|id| self.reference(kind, STAGES, id));
            }
            for failure in &stage.on_failure {
                if let Some(back_to) = &failure.back_to {
                    self.reference("stage", STAGES, back_to);
                }
            }
            self.optional_source(STAGES, &stage.source);
        }
        for deadline in &content.deadlines {
            self.optional_source(DEADLINES, &deadline.source);
            if deadline.source.is_none() {
                self.diagnostics.push(
                    Diagnostic::warning(format!("deadline `{}` cites no source", deadline.id.as_str()))
                        .with_span(deadline.id.span(Path::new(DEADLINES)))
                        .with_hint("add `source: <id>`; a deadline readers cannot check is hard to trust"),
                );
            }
        }
        for form in &content.forms {
            self.optional_source(FORMS, &form.source);
        }
    }

    /// Reports ids of one kind that are also ids of `other` (both are named in the same places).
    fn refuse_shared_ids<'a>(
        &mut self,
        (kind, file, ids): (&'static str, &str, impl Iterator<Item = &'a Id>),
        other: &'static str,
        why: &str,
    ) {
        let taken = self.known.get(other).cloned().unwrap_or_default();
        for id in ids.filter(|id| taken.contains(id.as_str())) {
            self.error(
                file,
                id,
                format!("{kind} id `{}` is also a {other} id", id.as_str()),
                format!("rename one of them; {why}"),
            );
        }
    }

    /// Reports each id in `ids` that names neither a subject type nor a group.
    fn audience(&mut self, file: &str, ids: &[Id]) {
        if self.unreadable.contains("subject") {
            return;
        }
        for id in ids {
            let known = |kind| self.known.get(kind).is_some_and(|k| k.contains(id.as_str()));
            if known("subject") || known("subject group") || self.not_in_force("subject", file, id) {
                continue;
            }
            let names: BTreeSet<String> = ["subject", "subject group"]
                .iter()
                .flat_map(|kind| self.known.get(kind).cloned().unwrap_or_default())
                .collect();
            let hint = if names.is_empty() {
                "no subject type is defined yet; define them (and any groups) in content/subjects.yaml".to_string()
            } else {
                unknown_id_hint(id.as_str(), names.iter().map(String::as_str))
            };
            self.error(
                file,
                id,
                format!("unknown subject type or group `{}`", id.as_str()),
                hint,
            );
        }
    }

    /// Who each item applies to, and what subjects and groups name.
    fn check_audiences(&mut self, content: &Content) {
        for group in &content.subject_groups {
            for form in &group.forms {
                self.reference("form", SUBJECTS, form);
            }
        }
        for subject in &content.subjects {
            for group in &subject.groups {
                self.reference("subject group", SUBJECTS, group);
            }
        }
        for condition in &content.conditions {
            self.audience(CONDITIONS, &condition.subjects);
        }
        for material in &content.materials {
            self.audience(MATERIALS, &material.subjects);
        }
        for stage in &content.stages {
            self.audience(STAGES, &stage.subjects);
            for before in stage.after.iter().flatten() {
                self.reference("stage", STAGES, before);
            }
            if let Some(calendar) = &stage.calendar {
                self.reference("calendar", STAGES, calendar);
            }
            for deadline in &stage.deadlines {
                self.reference("deadline", STAGES, deadline);
            }
        }
        for deadline in &content.deadlines {
            self.audience(DEADLINES, &deadline.subjects);
            if let Some(calendar) = &deadline.calendar {
                self.reference("calendar", DEADLINES, calendar);
            }
        }
        for form in &content.forms {
            self.audience(FORMS, &form.subjects);
        }
    }

    fn check_details(&mut self, content: &Content) {
        for stage in &content.stages {
            if let Some(duration) = &stage.duration {
                if duration.min.value > duration.max.value {
                    self.diagnostics.push(
                        Diagnostic::error(format!(
                            "duration min {} is larger than max {}",
                            duration.min.value, duration.max.value
                        ))
                        .with_span(
                            duration
                                .min
                                .span_in(Path::new(STAGES), duration.min.value.to_string().len()),
                        )
                        .with_hint("swap the two values"),
                    );
                }
            }
        }
        for form in &content.forms {
            for section in &form.sections {
                for field in &section.fields {
                    if field.kind == FieldKind::Choice && field.options.is_empty() {
                        // Fields carry no position, so this points at the form's id and names the field.
                        self.diagnostics.push(
                            Diagnostic::error(format!(
                                "field `{}` (section `{}` of form `{}`) is a choice with no options",
                                field.label,
                                section.title,
                                form.id.as_str()
                            ))
                            .with_span(form.id.span(Path::new(FORMS)))
                            .with_hint(format!(
                                "add `options: [...]` under `label: {}`, or remove `kind: choice`",
                                field.label
                            )),
                        );
                    }
                }
            }
        }
        let used: BTreeSet<&str> = content
            .stages
            .iter()
            .flat_map(|s| &s.materials)
            .map(super::yaml::Spanned::as_str)
            .collect();
        for material in &content.materials {
            if !content.stages.is_empty() && !used.contains(material.id.as_str()) {
                self.diagnostics.push(
                    Diagnostic::warning(format!("material `{}` is used by no stage", material.id.as_str()))
                        .with_span(material.id.span(Path::new(MATERIALS)))
                        .with_hint("list it under `materials:` of the stage that needs it in content/stages.yaml"),
                );
            }
        }
    }

    /// The calendars of holidays.yaml, or none and every problem in the file.
    fn calendars(&mut self, data: &HolidaysFile) -> Vec<SiteCalendar> {
        holiday_calendars(Path::new(HOLIDAYS), data)
            .map_err(|errors| self.diagnostics.extend(errors))
            .unwrap_or_default()
    }

    /// Reports `url` unless it is a web address.
    fn web_address(&mut self, file: &str, url: &Spanned<String>) {
        if let Err(error) = formats::web_address(Path::new(file), url) {
            self.diagnostics.push(error);
        }
    }

    /// `value` as a date, or `None` and an error.
    fn date(&mut self, file: &str, value: &Spanned<String>) -> Option<NaiveDate> {
        match formats::date(Path::new(file), value, &RULE_DATES) {
            Ok(date) => Some(date),
            Err(error) => {
                self.diagnostics.push(error);
                None
            }
        }
    }
}
