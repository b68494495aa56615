//! The contract with the theme: every value a template sees, as the plan hands it over.
//! Plain data, computed once in Rust so templates only print it; renaming a field breaks themes.
//!
//! Every template sees `site` ([`SiteView`]), `nav` (a list of [`NavItem`]), `labels` (the
//! theme's interface words), `page` (the `Page` of `plan/mod.rs`: `path`, `root`, `key`, `title`,
//! `section`, `crumbs`, `prev`, `next`) and `data`: the value below for its kind of page
//! ([`PageData`]). `root` is the `../` prefix from the page back to the site root; every `href`
//! below that is not said to be "from the site root" already starts with it. Fields ending in
//! `_html` are HTML made from the content's Markdown, to print with `| safe`; every other string
//! is plain text, escaped by Tera. The table in docs/themes.md lists which template gets what.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::markdown::Heading;
use crate::model::{Confidence, DurationUnit, FieldKind, SignBox};

mod dated;
mod paging;
pub use dated::*;
pub use paging::*;

// The timeline page's values live beside the code that computes them.
pub use super::timeline::{NoticeView, TimelineData, TimelineRow};

// ---- On every page ----

/// `site`: the site as a whole (from `content/site.yaml`).
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description_html: String,
    /// BCP 47 language tag, for `<html lang>`.
    pub language: String,
    /// When a person last checked the rules against the sources (YYYY-MM-DD).
    pub reviewed: String,
    /// Where the site is published, if given (absolute URL).
    pub base_url: Option<String>,
    /// The day whose rules the site shows (YYYY-MM-DD): `--as-of`, else the build date.
    pub as_of: String,
    /// The site has a change log: a changes page (`changes.html`) and its feed (`changes.xml`).
    pub has_changes: bool,
}

/// One entry of `nav`, the site's sections; only sections with something in them are listed.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct NavItem {
    /// The label key (`index`, `stages`, `checklists`, `forms`, `guides`, `timeline`,
    /// `deadlines`, `sources`); compare it with `page.section` to mark the current section.
    pub key: &'static str,
    /// From the site root (prefix it with `page.root`).
    pub href: String,
}

/// A breadcrumb of `page.crumbs`: a known section (`key`, a label key) or a page with its own
/// `title` (a folder of guides).
#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub key: Option<&'static str>,
    pub title: Option<String>,
    pub href: String,
}

/// A link to another page of the site: `page.prev`, `page.next`, a source, a stage, a form.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub href: String,
}

/// `data`: what one page shows, by kind of page. Each variant is printed as its inner value,
/// so `data.stages` on the home page is `IndexData::stages`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum PageData {
    Index(IndexData),
    Stage(Box<StageView>),
    StagesIndex(StagesIndexData),
    ChecklistIndex(ChecklistIndexData),
    Checklist(ChecklistData),
    FormIndex(FormIndexData),
    Form(Box<FormView>),
    GuideIndex(GuideIndexData),
    Section(SectionData),
    Guide(GuideData),
    Deadlines(DeadlinesData),
    Timeline(TimelineData),
    Sources(SourcesData),
    Changes(ChangesData),
    Sitemap(SitemapData),
    /// Pages that show nothing of their own (search, 404).
    Empty(BTreeMap<String, String>),
}

// ---- The home page (`index.html`) ----

#[derive(Debug, Serialize)]
pub struct IndexData {
    pub intro_html: String,
    /// Who must go through the process, one item each.
    pub who_must_html: Vec<String>,
    /// Who need not, one item each.
    pub who_need_not_html: Vec<String>,
    /// Every stage, grouped by step number: stages in one step run side by side (`and`) or one
    /// instead of another (`or`).
    pub steps: Vec<StepGroupView>,
    /// The first stage's page (the start button), when there are stages.
    pub start: Option<String>,
    /// The step-by-step overview (`stages/index.html`), when there are stages.
    pub overview: Option<String>,
    /// What applies now and what comes next (`deadlines_now.html`); the full list of
    /// deadlines is on the deadlines page.
    pub now: NowView,
    pub subjects: Vec<SubjectGroupView>,
    pub guides: GuideList,
    pub forms: Vec<FormSummary>,
}

// ---- Stages (`stage.html`, and the overview on the home page) ----

/// The stages that share a step number, in file order.
#[derive(Debug, Clone, Serialize)]
pub struct StepGroupView {
    pub number: u32,
    pub stages: Vec<StageSummary>,
}

/// A stage in the overview of the process.
#[derive(Debug, Clone, Serialize)]
pub struct StageSummary {
    /// How it joins the stage before it in the same step: `and` (some subject type goes through
    /// both, side by side) or `or` (no subject type goes through both); none for the first.
    pub connector: Option<&'static str>,
    /// The subject types and groups that go through it, by name; empty for everyone.
    pub audience: Vec<String>,
    pub id: String,
    /// Its position in the process (0 for "before you start").
    pub number: u32,
    pub name: String,
    pub summary_html: String,
    /// Who acts in this stage.
    pub actor: String,
    pub duration: Option<DurationView>,
    pub href: String,
    /// The titles of its steps, in order (the overview's expandable details).
    pub steps: Vec<String>,
    /// It is the stage of the page showing the overview (mark it `aria-current="step"`).
    pub current: bool,
}

/// How long a stage takes: `min` to `max` of `unit` (`working_days`, `hours`, `days`).
#[derive(Debug, Clone, Serialize)]
pub struct DurationView {
    pub min: u32,
    pub max: u32,
    pub unit: DurationUnit,
    /// A qualifier such as "as the review actually takes".
    pub note: Option<String>,
    /// `min` and `max` are the same: print one number, not a range.
    pub exact: bool,
}

/// Who provides a material, from `content/providers.yaml`.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderView {
    /// The provider's id, for a CSS class (`provider-<id>`).
    pub id: String,
    pub name: String,
    /// The filer prepares it themselves (else a theme may set it apart).
    pub filer: bool,
}

/// `data` of a stage page. `page.prev` and `page.next` are the stages before and after it.
#[derive(Debug, Serialize)]
pub struct StageView {
    /// The stages it waits for, when it says so (`after:`); empty when it simply follows the
    /// stage above it, or starts the process.
    pub after: Vec<LinkView>,
    /// The subject types and groups that go through it, by name; empty for everyone.
    pub audience: Vec<String>,
    /// The holiday calendar its working days follow, when it is not the site's.
    pub calendar: Option<String>,
    pub id: String,
    pub number: u32,
    pub name: String,
    pub summary_html: String,
    pub actor: String,
    pub duration: Option<DurationView>,
    pub steps: Vec<StepView>,
    /// What can go wrong in this stage, and what happens then.
    pub on_failure: Vec<FailureView>,
    pub materials: Vec<MaterialView>,
    /// The same materials grouped by who needs them, for the page's collapsed list.
    pub material_groups: Vec<StageMaterialGroup>,
    /// Every subject type with its checklist, for narrowing the list to the reader's answers.
    pub subjects: Vec<SubjectSummary>,
    /// The deadlines that fall inside this stage (its `deadlines:`).
    pub deadlines: Vec<DeadlineView>,
    /// How the filer hears of the result.
    pub notification: Option<String>,
    pub tips_html: Vec<String>,
    /// How sure the content is: `high` (official), `medium`, `low`.
    pub confidence: Confidence,
    /// The source the stage cites, linked to its entry on the sources page.
    pub source: Option<LinkView>,
    pub history: ItemHistory,
    /// The whole process, as on the overview page, with this stage marked `current`.
    pub journey: Vec<StepGroupView>,
    /// The step-by-step overview page (`stages/index.html`).
    pub overview: String,
    /// The pages that belong to this stage (its guides, forms, checklist and timeline).
    pub related: StageRelated,
}

/// One thing to do inside a stage, numbered from 1.
#[derive(Debug, Serialize)]
pub struct StepView {
    pub number: usize,
    pub title: String,
    pub text_html: Option<String>,
    /// Who does it, when not the stage's actor.
    pub actor: Option<String>,
}

/// A way a stage can fail: `when` it happens, what follows, and the stage it sends the filer back to.
#[derive(Debug, Serialize)]
pub struct FailureView {
    pub when: String,
    pub then_html: String,
    pub back_to: Option<LinkView>,
}

// ---- Materials and checklists (`checklists.html`, `checklist.html`) ----

/// A material as a stage page or a checklist shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MaterialView {
    pub id: String,
    pub name: String,
    pub description_html: String,
    pub tips_html: Vec<String>,
    pub provider: ProviderView,
    /// Each condition written out; empty when always needed.
    pub conditions: Vec<String>,
    /// The same conditions' ids, space-separated, for the questionnaire script.
    pub condition_ids: String,
    pub confidence: Confidence,
    pub source: Option<LinkView>,
    pub history: ItemHistory,
    /// A fingerprint of what the material says (`material_version` in `checklists.rs`); the
    /// checklist script (ticks.js) compares it with the one stored when the reader ticked it, to
    /// tell what changed since.
    pub version: String,
    /// The ids of the subject types that may need it (its `subjects:` and those of its
    /// conditions), space-separated; empty when every subject may. For narrowing a stage page.
    pub subject_ids: String,
    /// When other materials are this same document (`same_as:`): its own name, then theirs;
    /// otherwise empty.
    pub roles: Vec<String>,
    /// Those other materials' ids, space-separated, so a narrowed page can show the document once.
    pub same_as_ids: String,
}

/// A stage page's materials for one audience: those every subject may
/// need, then each group's or subject's, each item collapsed to its name.
#[derive(Debug, Serialize)]
pub struct StageMaterialGroup {
    /// Who needs them, by name; empty for everyone.
    pub audience: Vec<String>,
    pub items: Vec<MaterialView>,
    /// The source every item cites, shown once for the group (the items then show none).
    pub source: Option<LinkView>,
}

/// A question of the "what do I need?" questionnaire, asking whether a condition holds.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    /// The condition id; also the URL parameter that carries the answer.
    pub id: String,
    pub question: String,
    /// Choices that make the condition true; empty for a yes/no question.
    pub options: Vec<String>,
    /// The ids of the subject types it is asked of, space-separated (empty: all).
    pub subjects: String,
}

/// Subject types under one heading: a group's name (none for those in no group), each subject in
/// the order of `subjects.yaml`.
#[derive(Debug, Serialize)]
pub struct SubjectGroupView {
    pub name: Option<String>,
    pub subjects: Vec<SubjectSummary>,
}

/// A subject type (who files), linking to its checklist.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectSummary {
    pub id: String,
    pub name: String,
    /// The name of the first group it belongs to, if any.
    pub group: Option<String>,
    /// The certificates this subject may file with.
    pub certificates: Vec<String>,
    pub href: String,
}

/// `data` of the checklists index: every subject, and every question of the questionnaire.
#[derive(Debug, Serialize)]
pub struct ChecklistIndexData {
    pub subjects: Vec<SubjectGroupView>,
    pub questions: Vec<QuestionView>,
}

/// `data` of one subject's checklist.
#[derive(Debug, Serialize)]
pub struct ChecklistData {
    pub subject: SubjectSummary,
    pub note_html: Option<String>,
    pub confidence: Confidence,
    /// The materials this subject may need, under the first stage that uses each.
    pub groups: Vec<ChecklistGroup>,
    /// How many materials in all.
    pub count: usize,
    /// How many of them are needed whatever the answers (they have no conditions).
    pub always_count: usize,
    /// The printable forms this subject files: those it names, else those its groups name, else
    /// those that say they are for it.
    pub forms: Vec<LinkView>,
    /// Key for saving ticks in the browser.
    pub storage_key: String,
    /// The questions that can narrow this checklist (those about conditions its materials have).
    pub questions: Vec<QuestionView>,
}

/// Materials first used in one stage (`stage` and `stage_number` empty for the group of
/// materials no stage uses, which comes last).
#[derive(Debug, Serialize)]
pub struct ChecklistGroup {
    pub stage: Option<LinkView>,
    pub stage_number: Option<u32>,
    pub items: Vec<MaterialView>,
    /// The source every item cites, shown once for the group (the items then show none).
    pub source: Option<LinkView>,
}

// ---- Forms (`forms.html`, `form.html`) ----

/// `data` of the forms index.
#[derive(Debug, Serialize)]
pub struct FormIndexData {
    pub forms: Vec<FormSummary>,
}

/// A form in a list: its title, who files it, and its page.
#[derive(Debug, Clone, Serialize)]
pub struct FormSummary {
    pub title: String,
    /// The subject types and groups that file it, by name.
    pub audience: Vec<String>,
    pub href: String,
}

/// `data` of a printable form.
#[derive(Debug, Serialize)]
pub struct FormView {
    pub id: String,
    pub title: String,
    /// Instructions above the form.
    pub intro_html: Option<String>,
    pub sections: Vec<FormSectionView>,
    /// The commitment the signer makes.
    pub declaration_html: Option<String>,
    /// Signature, seal and date boxes at the end: each a `label` and a `kind` (`signature`,
    /// `seal`, `date`).
    pub sign_boxes: Vec<SignBox>,
    pub confidence: Confidence,
    pub source: Option<LinkView>,
    pub history: ItemHistory,
}

/// A section of a form, numbered from 1.
#[derive(Debug, Serialize)]
pub struct FormSectionView {
    pub number: usize,
    pub title: String,
    pub fields: Vec<FieldView>,
}

/// A field of a form: a label and room to write by hand.
#[derive(Debug, Serialize)]
pub struct FieldView {
    pub label: String,
    /// `text` (one line), `lines` (several), `choice` (tick boxes from `options`), `date`.
    pub kind: FieldKind,
    /// Ruled lines of room to write (1 for a one-line field).
    pub lines: Vec<u32>,
    pub options: Vec<String>,
    /// Small print under the field.
    pub hint: Option<String>,
}

// ---- Guides (`guides.html`, `section.html`, `guide.html`) ----

/// Guides at the top of `guides/` and the folders (sections) below it.
#[derive(Debug, Clone, Serialize)]
pub struct GuideList {
    pub guides: Vec<GuideSummary>,
    pub sections: Vec<SectionSummary>,
    /// On the home page, when the top guides fill more than one page of the guides index: the
    /// rest, on its second page.
    pub more: Option<MoreLink>,
}

/// A guide in a list.
#[derive(Debug, Clone, Serialize)]
pub struct GuideSummary {
    pub title: String,
    /// One sentence from the guide's front matter (plain text).
    pub summary: Option<String>,
    pub href: String,
}

/// A folder of guides in a list.
#[derive(Debug, Clone, Serialize)]
pub struct SectionSummary {
    pub title: String,
    pub summary: Option<String>,
    pub href: String,
    /// How many guides are directly in it.
    pub count: usize,
}

/// `data` of the guides index: the introduction (`guides/_index.md`) and the list.
#[derive(Debug, Serialize)]
pub struct GuideIndexData {
    pub intro_html: Option<Arc<str>>,
    pub list: GuideList,
    /// When the top guides fill more than one page (`guides_per_page`); the later pages hold
    /// only guides, the sections are on the first.
    pub pagination: Option<Pagination>,
}

/// `data` of a folder's page: its introduction (`_index.md`) and its guides.
#[derive(Debug, Serialize)]
pub struct SectionData {
    pub intro_html: Option<Arc<str>>,
    pub guides: Vec<GuideSummary>,
    /// When the section's guides fill more than one page (`guides_per_page`); the
    /// introduction is on the first.
    pub pagination: Option<Pagination>,
}

/// `data` of a guide page. The page also gets `section` (title, href, `items_html`: the
/// section's navigation with the current page marked, `link_heading`, and `earlier` and
/// `later`, [`MoreLink`]s to the guides a big section's window leaves out), drawn from the
/// guide's [`SectionNav`].
#[derive(Debug, Serialize)]
pub struct GuideData {
    pub content_html: Arc<str>,
    pub summary: Option<String>,
    /// Second- and third-level headings, for an "on this page" list.
    pub toc: Vec<Heading>,
    /// Key of this guide's section in the global `sections` map.
    pub section: String,
    /// The stages whose `guides:` name this guide, in process order.
    pub stages: Vec<LinkView>,
    /// The "what do I need?" questionnaire (the checklists index), when the site has one.
    pub checklist: Option<String>,
}

/// One section's pages for navigation. The section page's `href` is from the site root; the
/// pages' `href`s are file names, since every page of a section lives in the same folder.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct SectionNav {
    /// The folder's title; none for the guides at the top of `guides/`.
    pub title: Option<String>,
    pub href: String,
    pub pages: Vec<NavLink>,
    /// How many guides a list page holds: with more pages than that, a guide page shows only
    /// a window of them (`NavWindow::of`).
    pub per_page: usize,
}

/// One entry of a section's navigation (`item` in `section_nav_item.html`).
#[derive(Debug, Clone, Serialize, Hash)]
pub struct NavLink {
    pub title: String,
    /// The file name (`x.html`): a link from any page of the same section.
    pub href: String,
    /// The page's path in the site, to find the current page.
    #[serde(skip)]
    pub path: String,
}

// ---- `sitemap.xml` (only with a `base_url`) ----

#[derive(Debug, Serialize)]
pub struct SitemapData {
    /// The absolute address of every page but the 404 page.
    pub urls: Vec<String>,
}

// ---- The journey (`stages.html`, the side navigation, related pages) ----

/// `data` of the step-by-step overview (`stages/index.html`).
#[derive(Debug, Serialize)]
pub struct StagesIndexData {
    /// Every stage, grouped by step number, as on the home page.
    pub steps: Vec<StepGroupView>,
}

/// What a stage page links to besides other stages: all from data (the stage's `guides:`,
/// `forms:`, its materials, its duration).
#[derive(Debug, Default, Serialize)]
pub struct StageRelated {
    /// The guides the stage names, by their titles.
    pub guides: Vec<LinkView>,
    /// The printable forms the stage names.
    pub forms: Vec<LinkView>,
    /// The checklists index (the questionnaire), when the stage uses materials.
    pub checklist: Option<String>,
    /// The timeline page, when the stage takes time and the site has a timeline.
    pub timeline: Option<String>,
}
