//! What the content files say: the typed form of every YAML file in `content/` (holidays.yaml's
//! types are in holidays.rs) and of each guide, as loaded. These structs are the schema (docs/schema/ is
//! generated from them); they hold data, no logic, and nothing in them is checked yet.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::deadlines::{Deadline, DeadlineEvent};
use super::holidays::HolidaysFile;
use crate::memo::Stamp;
use crate::yaml::Spanned;

/// An id or a reference to one, with its position for diagnostics.
pub type Id = Spanned<String>;

/// A Markdown text, with where it is written, so that a broken link inside it is reported at
/// the link's own line and column.
pub type Markdown = crate::yaml::Text;

/// A day, YYYY-MM-DD, with its position; `validate` parses it.
pub type Day = Spanned<String>;

/// What becomes of raw HTML written in Markdown (when `allow_html` is not `false`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawHtml {
    /// Cleaned: what could run, load or post something (scripts, event handlers, `style`,
    /// frames, forms, `javascript:` and `data:` addresses) is taken out.
    #[default]
    Sanitised,
    /// Published as written. Only for content nobody else can edit.
    Trusted,
}

/// `content/site.yaml`: the site as a whole.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Site title, shown in every page header.
    pub title: String,
    /// One or two sentences on what the site covers (Markdown).
    pub description: Markdown,
    /// BCP 47 language tag of the content, e.g. `zh-CN`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Theme folder name under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Absolute URL where the site is published; only used for `sitemap.xml`.
    #[serde(default)]
    pub base_url: Option<Spanned<String>>,
    /// When a person last checked the rules against the sources (YYYY-MM-DD).
    pub reviewed: Spanned<String>,
    /// How often, in days, the rules and their sources should be checked again; `check` warns
    /// when `reviewed` (or a source's `checked`) is older than that.
    #[serde(default)]
    pub review_every: Option<Spanned<u32>>,
    /// Allow raw HTML in Markdown; `false` shows it as text. Allowed HTML is cleaned of
    /// anything that could run (see `raw_html`).
    #[serde(default = "default_true")]
    pub allow_html: bool,
    /// `trusted` publishes raw HTML in Markdown as written, scripts and all; left out, it is
    /// cleaned (`sanitised`), and `check` warns about each piece it takes out.
    #[serde(default)]
    pub raw_html: RawHtml,
    /// How many guides one page of a section's list holds (1 to 1000, 100 when left out). A
    /// section with more is listed over several pages (`index.html`, `index-2.html`, …), and each
    /// of its guides shows only its nearest neighbours in the section's navigation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guides_per_page: Option<Spanned<u32>>,
    /// The introduction on the home page (Markdown).
    pub intro: Markdown,
    /// Who must go through the process (each item Markdown).
    #[serde(default)]
    pub who_must: Vec<Markdown>,
    /// Who need not (each item Markdown).
    #[serde(default)]
    pub who_need_not: Vec<Markdown>,
    /// Legal basis and references that rules cite by id.
    pub sources: Vec<Source>,
    /// The theme's words that this process names its own way, by the theme's key (e.g. what its
    /// forms are called, or a warning shown above the timeline). Facts about the process belong
    /// here or in the other content files, never in the theme.
    #[serde(default)]
    pub words: std::collections::BTreeMap<Spanned<String>, String>,
    /// Kinds of source beyond the three every site has (`law`, `notice`, `reference`, named by
    /// the theme), e.g. a court ruling or a guidance manual.
    #[serde(default)]
    pub source_kinds: Vec<SourceKindName>,
}

/// A kind of source a site names itself.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceKindName {
    /// What sources write in `kind:`.
    pub id: Id,
    /// Shown above each source of this kind.
    pub name: String,
}

/// The kinds of source every site has; the theme's labels name them.
pub const BUILT_IN_SOURCE_KINDS: [&str; 3] = ["law", "notice", "reference"];

/// A law, notice or article the rules rest on.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: Id,
    pub title: String,
    /// Who issued it (a ministry, an agency).
    #[serde(default)]
    pub issuer: Option<String>,
    /// Official document number, where it has one.
    #[serde(default)]
    pub number: Option<String>,
    /// Publication date, YYYY-MM-DD.
    #[serde(default)]
    pub date: Option<Spanned<String>>,
    /// A web address (`https://…` or `http://…`).
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// `law` (legal basis), `notice` (official notice), `reference` (secondary source, the
    /// default), or a kind of the site's own listed under `source_kinds`.
    #[serde(default = "default_source_kind")]
    pub kind: Id,
    /// What this source is used for, in a sentence.
    #[serde(default)]
    pub note: Option<String>,
    /// The day someone last confirmed that the rules still follow this source (YYYY-MM-DD);
    /// `check` warns when it is older than `review_every` in site.yaml.
    #[serde(default)]
    pub checked: Option<Day>,
}

/// `content/subjects.yaml`: who can go through the process, and the groups they fall into.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectsFile {
    /// Named groups of subject types (e.g. individuals, organisations, companies). Conditions,
    /// materials, stages, deadlines and forms may name a group wherever they name subjects.
    #[serde(default)]
    pub groups: Vec<SubjectGroup>,
    pub subjects: Vec<Subject>,
}

/// A named group of subject types; a subject joins it by listing it under `groups:`.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectGroup {
    /// Lower-case letters, digits, `-` and `_`; never the id of a subject type.
    pub id: Id,
    /// Shown as the heading above its subject types in lists.
    pub name: String,
    /// The printable forms the group's subject types file, by id (a subject's own `forms:` wins).
    #[serde(default)]
    pub forms: Vec<Id>,
}

/// A subject type: who goes through the process (a person, a kind of company, ...).
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// Used in URLs (`checklists/<id>.html`): lower-case letters, digits, `-` and `_`.
    pub id: Id,
    /// The first day this version is in force, YYYY-MM-DD; left out, always was.
    #[serde(default)]
    pub effective_from: Option<Day>,
    /// The first day it is no longer in force, YYYY-MM-DD; left out, still is.
    #[serde(default)]
    pub effective_until: Option<Day>,
    pub name: String,
    /// The groups it belongs to, by id; lists show it under the first.
    #[serde(default)]
    pub groups: Vec<Id>,
    /// The identifiers or documents this subject may file with (e.g. a business licence with its
    /// unified social credit code); none when the process asks for nothing of the kind.
    #[serde(default)]
    pub certificates: Vec<String>,
    /// The printable forms this subject files, by id; when left out, those its groups name, else
    /// the forms that say they are for it.
    #[serde(default)]
    pub forms: Vec<Id>,
    /// Anything else worth knowing (Markdown).
    #[serde(default)]
    pub note: Option<Markdown>,
    #[serde(default)]
    pub confidence: Confidence,
    #[serde(default)]
    pub source: Option<Id>,
}

/// How sure the content is of a fact: `high` (official), `medium`, `low`.
#[derive(Debug, Clone, Hash, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    #[default]
    High,
    Medium,
    Low,
}

/// `content/conditions.yaml`: facts about a filer that make a material necessary.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionsFile {
    pub conditions: Vec<Condition>,
}

/// A yes/no fact about the filer, e.g. "files outside the province of their ID".
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub id: Id,
    /// The first day this version is in force, YYYY-MM-DD; left out, always was.
    #[serde(default)]
    pub effective_from: Option<Day>,
    /// The first day it is no longer in force, YYYY-MM-DD; left out, still is.
    #[serde(default)]
    pub effective_until: Option<Day>,
    /// The condition written out, as a checklist shows it ("If ...").
    pub label: String,
    /// The question that asks for it (for the questionnaire).
    #[serde(default)]
    pub question: Option<String>,
    /// Subject types or groups the question is asked of, by id; empty means everyone.
    #[serde(default)]
    pub subjects: Vec<Id>,
    /// Choices that make the condition true (e.g. pre-approval areas); empty means yes/no.
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub source: Option<Id>,
}

/// `content/materials.yaml`: what a filer must have.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialsFile {
    pub materials: Vec<Material>,
}

/// A document, photo or confirmation needed to file.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub id: Id,
    /// The first day this version is in force, YYYY-MM-DD; left out, always was.
    #[serde(default)]
    pub effective_from: Option<Day>,
    /// The first day it is no longer in force, YYYY-MM-DD; left out, still is.
    #[serde(default)]
    pub effective_until: Option<Day>,
    pub name: String,
    /// What it is (Markdown).
    pub description: Markdown,
    /// Practical tips: format, size, validity (each Markdown).
    #[serde(default)]
    pub tips: Vec<Markdown>,
    /// Who provides it: the id of an entry of `content/providers.yaml`.
    pub provider: Id,
    /// Subject types or groups that need it, by id; empty means everyone.
    #[serde(default)]
    pub subjects: Vec<Id>,
    /// Condition ids that must all hold for it to be needed; empty means always.
    #[serde(default)]
    pub when: Vec<Id>,
    /// Other materials that are this same document for whoever needs this one (e.g. an
    /// individual's ID card is also the lead's ID), by id: a checklist that lists this material
    /// shows those once, as roles of this one, instead of as separate items.
    #[serde(default)]
    pub same_as: Vec<Id>,
    #[serde(default)]
    pub confidence: Confidence,
    #[serde(default)]
    pub source: Option<Id>,
}

/// `content/providers.yaml`: who provides materials (the filer, an office, a platform), so that
/// each material can say where it comes from in the words of its own process.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvidersFile {
    pub providers: Vec<Provider>,
}

/// One provider of materials.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// What materials name in `provider:`: lower-case letters, digits, `-` and `_`.
    pub id: Id,
    /// Shown on every material it provides (e.g. "you prepare it", "the platform issues it").
    pub name: String,
    /// True when the filer prepares these materials themselves; the theme sets the others apart
    /// (the default theme in another colour), so a reader sees at once what is theirs to do.
    #[serde(default)]
    pub filer: bool,
}

/// `content/stages.yaml`: the process. Each stage waits for the one above it in the file unless it
/// says otherwise with `after:`, so a process that runs in sequence needs no `after:` at all.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StagesFile {
    pub stages: Vec<Stage>,
}

/// One stage of the process.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: Id,
    /// The first day this version is in force, YYYY-MM-DD; left out, always was.
    #[serde(default)]
    pub effective_from: Option<Day>,
    /// The first day it is no longer in force, YYYY-MM-DD; left out, still is.
    #[serde(default)]
    pub effective_until: Option<Day>,
    /// The step number shown to readers. Worked out from the graph when left out: one more than
    /// the highest number among the stages it waits for; a stage that waits for none is step 1
    /// unless it says otherwise (e.g. 0 for "before you start").
    #[serde(default)]
    pub number: Option<Spanned<u32>>,
    pub name: String,
    /// One sentence for the overview (Markdown).
    pub summary: Markdown,
    /// Who acts in this stage.
    pub actor: String,
    /// The stages that must end before this one starts, by id. Left out: the stage above it in
    /// the file (none for the first). `after: []` starts it at the beginning; two stages that
    /// wait for the same stage run side by side.
    #[serde(default)]
    pub after: Option<Vec<Id>>,
    /// Subject types or groups that go through this stage, by id; empty means everyone. Others
    /// skip it, and what waits for it waits for what it waited for.
    #[serde(default)]
    pub subjects: Vec<Id>,
    /// The holiday calendar its working days follow, by id (`calendars:` in holidays.yaml);
    /// left out, the site's calendar.
    #[serde(default)]
    pub calendar: Option<Id>,
    #[serde(default)]
    pub duration: Option<Duration>,
    #[serde(default)]
    pub steps: Vec<Step>,
    /// What goes wrong and what happens then.
    #[serde(default)]
    pub on_failure: Vec<Failure>,
    /// Material ids used in this stage.
    #[serde(default)]
    pub materials: Vec<Id>,
    /// The guides that explain this stage, by their path under `content/guides/` without `.md`
    /// (`sms-verification`, `after/show-number`). Each guide links back to the stages that name it.
    #[serde(default)]
    pub guides: Vec<Id>,
    /// The printable forms filled in or signed in this stage, by id (`forms.yaml`).
    #[serde(default)]
    pub forms: Vec<Id>,
    /// Deadlines that fall inside this stage, by id (content/deadlines.yaml): the stage page
    /// shows them. A stage without a `duration` whose deadline counts from a stage it waits for
    /// lasts, on the timeline, from nothing up to that deadline.
    #[serde(default)]
    pub deadlines: Vec<Id>,
    /// How the filer hears of the result.
    #[serde(default)]
    pub notification: Option<String>,
    #[serde(default)]
    pub tips: Vec<Markdown>,
    #[serde(default)]
    pub confidence: Confidence,
    #[serde(default)]
    pub source: Option<Id>,
}

/// How long a stage takes, as a range.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Duration {
    pub min: Spanned<u32>,
    pub max: Spanned<u32>,
    pub unit: DurationUnit,
    /// Qualifier such as "as the review actually takes".
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    WorkingDays,
    Hours,
    Days,
}

/// One thing to do inside a stage.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// Details (Markdown).
    #[serde(default)]
    pub text: Option<Markdown>,
    #[serde(default)]
    pub actor: Option<String>,
}

/// A way a stage can fail, and its consequence.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    /// What goes wrong.
    pub when: String,
    /// What happens then and what to do (Markdown).
    pub then: Markdown,
    /// Stage id the filer is sent back to, if any.
    #[serde(default)]
    pub back_to: Option<Id>,
}

/// The front matter of a guide (`content/guides/**/*.md`).
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    /// Position in the guide list; lower first, then by title.
    #[serde(default)]
    pub order: Option<i64>,
    /// One sentence for lists (plain text).
    #[serde(default)]
    pub summary: Option<String>,
    /// The first day this version is in force, YYYY-MM-DD; left out, always was.
    #[serde(default)]
    pub effective_from: Option<Day>,
    /// The first day it is no longer in force, YYYY-MM-DD; left out, still is.
    #[serde(default)]
    pub effective_until: Option<Day>,
}

/// A guide as loaded: front matter, body and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Guide {
    /// Path under `content/guides/` without `.md`, with `/` separators (e.g. `sms/verify`).
    pub slug: String,
    /// Path of the file relative to the site root.
    #[serde(skip)]
    pub file: std::path::PathBuf,
    pub front: FrontMatter,
    /// Markdown after the front matter.
    #[serde(skip)]
    pub body: Body,
    /// 1-based line of the body's first line in the file.
    #[serde(skip)]
    pub body_line: u32,
}

impl Guide {
    /// A section's introduction (`_index.md`): its folder's page, not a guide of its own.
    pub fn is_intro(&self) -> bool {
        self.slug == "_index" || self.slug.ends_with("/_index")
    }
}

// Spelled out whole, so that a field added to `Guide` does not compile until it is hashed here.
// The file's path is hashed as its bytes: hashing a `Path` walks its components, and serve stamps
// every guide on every rebuild.
impl std::hash::Hash for Guide {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let Guide {
            slug,
            file,
            front,
            body,
            body_line,
        } = self;
        (slug, file.as_os_str(), front, body, body_line).hash(state);
    }
}

/// A guide's Markdown, stamped once when it is read, so that later stages can tell whether the
/// body changed without hashing it again on every `serve` rebuild. Hashing a `Body` hashes that
/// stamp; it reads as the text (`&body` is a `&str`).
#[derive(Debug, Clone, Default)]
pub struct Body {
    text: String,
    stamp: Stamp,
}

impl Body {
    pub fn new(text: impl Into<String>) -> Body {
        let text = text.into();
        let stamp = Stamp::of(text.as_str());
        Body { text, stamp }
    }
}

impl std::ops::Deref for Body {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::hash::Hash for Body {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.stamp.hash(state);
    }
}

/// Everything in `content/`, typed but not yet cross-checked.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Content {
    pub site: Site,
    /// Named groups of subject types (`groups:` in subjects.yaml).
    pub subject_groups: Vec<SubjectGroup>,
    pub subjects: Vec<Subject>,
    pub conditions: Vec<Condition>,
    pub materials: Vec<Material>,
    pub stages: Vec<Stage>,
    /// Events relative deadlines count from (`events:` in deadlines.yaml).
    pub events: Vec<DeadlineEvent>,
    pub deadlines: Vec<Deadline>,
    pub forms: Vec<super::Form>,
    /// Who provides materials (`content/providers.yaml`).
    pub providers: Vec<Provider>,
    /// Shared, so `serve` hands an unchanged guide to the next build without copying it.
    pub guides: Vec<Arc<Guide>>,
    /// `content/holidays.yaml` as written, if the site has one; `validate` checks it and makes
    /// it the model's `Calendar`.
    pub holidays: Option<HolidaysFile>,
    /// The change log (`content/changes.yaml`), as written.
    pub changes: Vec<super::Change>,
}

fn default_language() -> String {
    "zh-CN".into()
}

fn default_theme() -> String {
    "default".into()
}

fn default_true() -> bool {
    true
}

fn default_source_kind() -> Id {
    Spanned::detached("reference".to_string())
}
