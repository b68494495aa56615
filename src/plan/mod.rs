//! Stage 3: decide every page of the site: its path, its template and the ready-made data it shows.
//! Everything a template would otherwise compute (links, groups, counts, dates) is computed here once.

mod guides;
mod timeline;

pub use guides::{GuideData, GuideIndexData, GuideList, GuideSummary, SectionData, SectionNav};
pub use timeline::{NoticeView, TimelineData, TimelineRow};

use std::collections::BTreeMap;

use ahash::AHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::markdown::{self, LinkBase};
use crate::model::*;
use crate::validate::Model;

/// Every page and file the site consists of.
pub struct Plan {
    pub site: SiteView,
    pub nav: Vec<NavItem>,
    /// Shared, so that `serve` can hand an unchanged guide page to the next build as it is.
    pub pages: Vec<Arc<Page>>,
    /// Each guide folder's pages, for the navigation on guide pages (hrefs from the site root).
    pub sections: Arc<BTreeMap<String, SectionNav>>,
    /// Warnings found while planning (e.g. a timeline that needs holiday data not yet given).
    pub warnings: Vec<Diagnostic>,
    /// Files written as they are (e.g. `rules.json`).
    pub raw_files: Vec<(String, Arc<[u8]>)>,
}

/// One HTML (or XML) page: where it goes, which template draws it, what it shows.
#[derive(Debug, Serialize)]
pub struct Page {
    #[serde(skip)]
    pub template: &'static str,
    pub path: String,
    /// `../` repeated to climb from this page to the site root (empty at the top).
    pub root: String,
    /// Names the kind of page, so a theme can label it (`index`, `stage`, `checklist`, ...).
    pub key: &'static str,
    pub title: Option<String>,
    /// Which navigation entry this page belongs to.
    pub section: &'static str,
    pub crumbs: Vec<Crumb>,
    pub prev: Option<LinkView>,
    pub next: Option<LinkView>,
    #[serde(skip)]
    pub data: PageData,
    /// A hash of everything `data` is made from, set where that is cheaper to hash than the data
    /// itself (guides); `serve` re-renders a page only when this (or the data) changes.
    #[serde(skip)]
    pub stamp: Option<u64>,
}

/// A breadcrumb: a known section (`key`) or a page with its own `title`.
#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub key: Option<&'static str>,
    pub title: Option<String>,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub key: &'static str,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description_html: String,
    pub language: String,
    pub reviewed: String,
    pub base_url: Option<String>,
}

/// The data behind one page, by kind.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum PageData {
    Index(IndexData),
    Stage(Box<StageView>),
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
    Sitemap(SitemapData),
    Empty(BTreeMap<String, String>),
}

#[derive(Debug, Serialize)]
pub struct IndexData {
    pub intro_html: String,
    pub who_must_html: Vec<String>,
    pub who_need_not_html: Vec<String>,
    pub stages: Vec<StageSummary>,
    pub deadlines: Vec<DeadlineView>,
    pub subjects: SubjectGroups,
    pub guides: GuideList,
    pub forms: Vec<FormSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageSummary {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub summary_html: String,
    pub actor: String,
    pub duration: Option<DurationView>,
    pub href: String,
    pub materials: Vec<MaterialRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DurationView {
    pub min: u32,
    pub max: u32,
    pub unit: DurationUnit,
    pub note: Option<String>,
    pub exact: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaterialRef {
    pub name: String,
    pub provider: Provider,
}

#[derive(Debug, Serialize)]
pub struct StageView {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub summary_html: String,
    pub actor: String,
    pub duration: Option<DurationView>,
    pub steps: Vec<StepView>,
    pub on_failure: Vec<FailureView>,
    pub materials: Vec<MaterialView>,
    pub notification: Option<String>,
    pub tips_html: Vec<String>,
    pub confidence: Confidence,
    pub source: Option<LinkView>,
}

#[derive(Debug, Serialize)]
pub struct StepView {
    pub number: usize,
    pub title: String,
    pub text_html: Option<String>,
    pub actor: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FailureView {
    pub when: String,
    pub then_html: String,
    pub back_to: Option<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaterialView {
    pub id: String,
    pub name: String,
    pub description_html: String,
    pub tips_html: Vec<String>,
    pub provider: Provider,
    /// Each condition written out; empty when always needed.
    pub conditions: Vec<String>,
    /// The same conditions' ids, space-separated, for the questionnaire script.
    pub condition_ids: String,
    pub confidence: Confidence,
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
    /// Subject kinds it is asked for, space-separated (empty: all).
    pub kinds: String,
}

#[derive(Debug, Serialize)]
pub struct SubjectGroups {
    pub individual: Vec<SubjectSummary>,
    pub organisation: Vec<SubjectSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubjectSummary {
    pub id: String,
    pub name: String,
    pub kind: SubjectKind,
    pub certificates: Vec<String>,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct ChecklistIndexData {
    pub subjects: SubjectGroups,
    pub questions: Vec<QuestionView>,
}

#[derive(Debug, Serialize)]
pub struct ChecklistData {
    pub subject: SubjectSummary,
    pub note_html: Option<String>,
    pub confidence: Confidence,
    pub groups: Vec<ChecklistGroup>,
    pub count: usize,
    pub always_count: usize,
    pub form: Option<LinkView>,
    /// Key for saving ticks in the browser.
    pub storage_key: String,
    /// The questions that can narrow this checklist (those about conditions its materials have).
    pub questions: Vec<QuestionView>,
}

#[derive(Debug, Serialize)]
pub struct ChecklistGroup {
    pub stage: Option<LinkView>,
    pub stage_number: Option<u32>,
    pub items: Vec<MaterialView>,
}

#[derive(Debug, Serialize)]
pub struct FormIndexData {
    pub forms: Vec<FormSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormSummary {
    pub title: String,
    pub kind: SubjectKind,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct FormView {
    pub id: String,
    pub title: String,
    pub kind: SubjectKind,
    pub intro_html: Option<String>,
    pub sections: Vec<FormSectionView>,
    pub declaration_html: Option<String>,
    pub sign_boxes: Vec<SignBox>,
    pub confidence: Confidence,
    pub source: Option<LinkView>,
}

#[derive(Debug, Serialize)]
pub struct FormSectionView {
    pub number: usize,
    pub title: String,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Serialize)]
pub struct FieldView {
    pub label: String,
    pub kind: FieldKind,
    /// Ruled lines of room to write (1 for a one-line field).
    pub lines: Vec<u32>,
    pub options: Vec<String>,
    pub hint: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DeadlinesData {
    pub today: String,
    pub deadlines: Vec<DeadlineView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeadlineView {
    pub id: String,
    pub date: String,
    pub title: String,
    pub applies_to: String,
    pub rule_html: String,
    pub consequence_html: Option<String>,
    pub source: Option<LinkView>,
    /// `past` (a rule in force), `today` or `upcoming` (a countdown).
    pub status: &'static str,
    /// Days until the date (upcoming) or since it (past).
    pub days: i64,
}

#[derive(Debug, Serialize)]
pub struct SourcesData {
    pub sources: Vec<SourceView>,
}

#[derive(Debug, Serialize)]
pub struct SourceView {
    pub id: String,
    pub title: String,
    pub issuer: Option<String>,
    pub number: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub kind: SourceKind,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SitemapData {
    pub urls: Vec<String>,
}

/// What one plan leaves for the next (`serve`): rendered Markdown, and each guide's page with a
/// hash of everything it was made from. The default keeps nothing.
#[derive(Default)]
pub struct PlanCache {
    enabled: bool,
    pub markdown: markdown::Cache,
    guide_pages: HashMap<String, guides::MemoPage>,
    /// Counts plans, to tell which kept guide pages the last one used.
    generation: u64,
    /// What depends only on the guides' titles, order and introductions, with their signature.
    guide_structure: Option<(u64, guides::GuideStructure)>,
    /// Every page and file but the guide pages, with the signature of what it was made from.
    site_part: Option<(u64, SitePart)>,
}

/// The pages and files of a site other than its guide pages.
#[derive(Clone)]
struct SitePart {
    site: SiteView,
    before: Vec<Arc<Page>>,
    after: Vec<Arc<Page>>,
    raw_files: Vec<(String, Arc<[u8]>)>,
    warnings: Vec<Diagnostic>,
}

impl PlanCache {
    pub fn enabled() -> Self {
        PlanCache {
            enabled: true,
            markdown: markdown::Cache::enabled(),
            ..PlanCache::default()
        }
    }
}

/// Lays out the whole site for `model` as of `today`. Errors are broken links between guides.
/// Guide bodies already turned into HTML, and guide pages whose inputs are unchanged, are taken
/// from `cache`.
pub fn plan(model: &Model, today: NaiveDate, cache: &mut PlanCache) -> Result<Plan, Vec<Diagnostic>> {
    let planner = Planner::new(model, today);
    planner.plan(cache)
}

struct Planner<'a> {
    model: &'a Model,
    content: &'a Content,
    today: NaiveDate,
    sources: HashMap<&'a str, &'a Source>,
    conditions: HashMap<&'a str, &'a Condition>,
    materials: HashMap<&'a str, &'a Material>,
    stages: HashMap<&'a str, &'a Stage>,
    guides: guides::Layout<'a>,
    /// The site's sections, worked out once (every page's breadcrumbs look here).
    nav: Vec<NavItem>,
}

impl<'a> Planner<'a> {
    fn new(model: &'a Model, today: NaiveDate) -> Self {
        let content = &model.content;
        let mut planner = Planner {
            model,
            content,
            today,
            sources: content.site.sources.iter().map(|s| (s.id.as_str(), s)).collect(),
            conditions: content.conditions.iter().map(|c| (c.id.as_str(), c)).collect(),
            materials: content.materials.iter().map(|m| (m.id.as_str(), m)).collect(),
            stages: content.stages.iter().map(|s| (s.id.as_str(), s)).collect(),
            guides: guides::Layout::new(&content.guides),
            nav: Vec::new(),
        };
        planner.nav = planner.build_nav();
        planner
    }

    fn plan(&self, cache: &mut PlanCache) -> Result<Plan, Vec<Diagnostic>> {
        let guides_signature = self.guides_signature();
        let (guide_pages, navs, diagnostics) = self.guide_pages(cache, guides_signature);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let signature = cache.enabled.then(|| self.site_signature(guides_signature));
        let part = match (cache.site_part.take(), signature) {
            (Some((cached, part)), Some(signature)) if cached == signature => part,
            _ => self.site_part(&guide_pages)?,
        };
        if let Some(signature) = signature {
            cache.site_part = Some((signature, part.clone()));
        }
        let mut pages = part.before;
        pages.extend(guide_pages);
        pages.extend(part.after);
        Ok(Plan {
            site: part.site,
            nav: self.nav.clone(),
            sections: navs,
            pages,
            raw_files: part.raw_files,
            warnings: part.warnings,
        })
    }

    /// Every page and file but the guide pages. The guide pages go between `before` and `after`.
    fn site_part(&self, guide_pages: &[Arc<Page>]) -> Result<SitePart, Vec<Diagnostic>> {
        let mut before = vec![self.index_page()];
        before.extend(self.stage_pages());
        before.push(self.checklist_index_page());
        before.extend(self.checklist_pages());
        before.push(self.form_index_page());
        before.extend(self.form_pages());
        let mut after = vec![self.deadlines_page()];
        let mut warnings = Vec::new();
        if let Some((page, found)) = self.timeline_page() {
            after.push(page);
            warnings.extend(found);
        }
        after.push(self.sources_page());
        after.push(self.page(
            "search.html".into(),
            "search.html",
            "search",
            "search",
            None,
            PageData::Empty(BTreeMap::new()),
        ));
        after.push(self.not_found_page());
        let before: Vec<Arc<Page>> = before.into_iter().map(Arc::new).collect();
        let mut after: Vec<Arc<Page>> = after.into_iter().map(Arc::new).collect();
        if let Some(base_url) = &self.content.site.base_url {
            let sitemap = self.sitemap(base_url.as_str(), before.iter().chain(guide_pages).chain(&after));
            after.push(Arc::new(sitemap));
        }
        if let Some(clash) = first_duplicate_path(before.iter().chain(guide_pages).chain(&after)) {
            // Two pages at one path would make the output depend on which was written last.
            return Err(vec![Diagnostic::error(format!(
                "two pages would be written to `{clash}`"
            ))
            .with_hint("rename one of the guides or ids that lead to this path")]);
        }
        let rules: Arc<[u8]> = serde_json::to_vec_pretty(&self.content).unwrap_or_default().into();
        let raw_files = std::iter::once(("rules.json".into(), rules))
            .chain(self.deadlines_calendar().map(|(path, bytes)| (path, bytes.into())))
            .collect();
        Ok(SitePart {
            site: self.site_view(),
            before,
            after,
            raw_files,
            warnings,
        })
    }

    /// A hash of everything `site_part` is made from: the whole model but the guides' bodies
    /// (which change far more often than the rest), and the date.
    fn site_signature(&self, guides_signature: u64) -> u64 {
        let mut skeleton = self.content.clone();
        skeleton.guides.clear();
        let mut hasher = ahash::AHasher::default();
        serde_json::to_vec(&skeleton).unwrap_or_default().hash(&mut hasher);
        guides_signature.hash(&mut hasher);
        self.today.hash(&mut hasher);
        hasher.finish()
    }

    fn site_view(&self) -> SiteView {
        let site = &self.content.site;
        SiteView {
            title: site.title.clone(),
            description_html: self.markdown(&site.description, ""),
            language: site.language.clone(),
            reviewed: self.model.reviewed.to_string(),
            base_url: site.base_url.as_ref().map(|u| u.value.clone()),
        }
    }

    fn build_nav(&self) -> Vec<NavItem> {
        let mut nav = vec![NavItem {
            key: "index",
            href: "index.html".into(),
        }];
        if let Some(first) = self.content.stages.first() {
            nav.push(NavItem {
                key: "stages",
                href: stage_href(first),
            });
        }
        if !self.content.subjects.is_empty() {
            nav.push(NavItem {
                key: "checklists",
                href: "checklists/index.html".into(),
            });
        }
        if !self.content.forms.is_empty() {
            nav.push(NavItem {
                key: "forms",
                href: "forms/index.html".into(),
            });
        }
        if !self.content.guides.is_empty() {
            nav.push(NavItem {
                key: "guides",
                href: "guides/index.html".into(),
            });
        }
        if self.content.calendar.is_some() && !self.content.stages.is_empty() {
            nav.push(NavItem {
                key: "timeline",
                href: "timeline.html".into(),
            });
        }
        if !self.content.deadlines.is_empty() {
            nav.push(NavItem {
                key: "deadlines",
                href: "deadlines.html".into(),
            });
        }
        nav.push(NavItem {
            key: "sources",
            href: "sources.html".into(),
        });
        nav
    }

    /// Renders a Markdown value from YAML for a page whose root prefix is `root`.
    fn markdown(&self, text: &str, root: &str) -> String {
        let prefix = format!("{root}guides/");
        let base = LinkBase {
            folder: "",
            guides_prefix: Some(&prefix),
            allow_html: self.content.site.allow_html,
        };
        markdown::render(text, &base).html.to_string()
    }

    fn markdown_all(&self, texts: &[String], root: &str) -> Vec<String> {
        texts.iter().map(|t| self.markdown(t, root)).collect()
    }

    fn source_link(&self, source: &Option<Id>, root: &str) -> Option<LinkView> {
        let source = self.sources.get(source.as_ref()?.as_str())?;
        Some(LinkView {
            title: source.title.clone(),
            href: format!("{root}sources.html#source-{}", source.id.as_str()),
        })
    }

    fn page(
        &self,
        path: String,
        template: &'static str,
        key: &'static str,
        section: &'static str,
        title: Option<String>,
        data: PageData,
    ) -> Page {
        let root = "../".repeat(path.matches('/').count());
        let mut crumbs = vec![Crumb {
            key: Some("index"),
            title: None,
            href: format!("{root}index.html"),
        }];
        let section_href = self
            .nav
            .iter()
            .find(|n| n.key == section && section != "index")
            .map(|n| &n.href);
        if let Some(href) = section_href {
            if *href != path {
                crumbs.push(Crumb {
                    key: Some(section),
                    title: None,
                    href: format!("{root}{href}"),
                });
            }
        }
        Page {
            template,
            path,
            root,
            key,
            title,
            section,
            crumbs,
            prev: None,
            next: None,
            data,
            stamp: None,
        }
    }

    fn index_page(&self) -> Page {
        let site = &self.content.site;
        let data = IndexData {
            intro_html: self.markdown(&site.intro, ""),
            who_must_html: self.markdown_all(&site.who_must, ""),
            who_need_not_html: self.markdown_all(&site.who_need_not, ""),
            stages: self.content.stages.iter().map(|s| self.stage_summary(s, "")).collect(),
            deadlines: self.deadline_views(""),
            subjects: self.subject_groups(""),
            guides: self.guide_list(""),
            forms: self.form_summaries(""),
        };
        let mut page = self.page(
            "index.html".into(),
            "index.html",
            "index",
            "index",
            None,
            PageData::Index(data),
        );
        page.crumbs.clear();
        page
    }

    fn duration(stage: &Stage) -> Option<DurationView> {
        stage.duration.as_ref().map(|d| DurationView {
            min: d.min.value,
            max: d.max.value,
            unit: d.unit,
            note: d.note.clone(),
            exact: d.min.value == d.max.value,
        })
    }

    fn stage_summary(&self, stage: &Stage, root: &str) -> StageSummary {
        StageSummary {
            id: stage.id.value.clone(),
            number: stage.number.value,
            name: stage.name.clone(),
            summary_html: self.markdown(&stage.summary, root),
            actor: stage.actor.clone(),
            duration: Self::duration(stage),
            href: format!("{root}{}", stage_href(stage)),
            materials: stage
                .materials
                .iter()
                .filter_map(|id| self.materials.get(id.as_str()))
                .map(|m| MaterialRef {
                    name: m.name.clone(),
                    provider: m.provider,
                })
                .collect(),
        }
    }

    fn stage_pages(&self) -> Vec<Page> {
        let stages = &self.content.stages;
        stages
            .iter()
            .enumerate()
            .map(|(i, stage)| {
                let root = "../";
                let view =
                    StageView {
                        id: stage.id.value.clone(),
                        number: stage.number.value,
                        name: stage.name.clone(),
                        summary_html: self.markdown(&stage.summary, root),
                        actor: stage.actor.clone(),
                        duration: Self::duration(stage),
                        steps: stage
                            .steps
                            .iter()
                            .enumerate()
                            .map(|(n, step)| StepView {
                                number: n + 1,
                                title: step.title.clone(),
                                text_html: step.text.as_ref().map(|t| self.markdown(t, root)),
                                actor: step.actor.clone(),
                            })
                            .collect(),
                        on_failure: stage
                            .on_failure
                            .iter()
                            .map(|f| FailureView {
                                when: f.when.clone(),
                                then_html: self.markdown(&f.then, root),
                                back_to: f.back_to.as_ref().and_then(|id| self.stages.get(id.as_str())).map(|s| {
                                    LinkView {
                                        title: s.name.clone(),
                                        href: format!("{root}{}", stage_href(s)),
                                    }
                                }),
                            })
                            .collect(),
                        materials: stage
                            .materials
                            .iter()
                            .filter_map(|id| self.materials.get(id.as_str()))
                            .map(|m| self.material_view(m, root))
                            .collect(),
                        notification: stage.notification.clone(),
                        tips_html: self.markdown_all(&stage.tips, root),
                        confidence: stage.confidence,
                        source: self.source_link(&stage.source, root),
                    };
                let mut page = self.page(
                    stage_href(stage),
                    "stage.html",
                    "stage",
                    "stages",
                    Some(stage.name.clone()),
                    PageData::Stage(Box::new(view)),
                );
                page.prev = i.checked_sub(1).map(|p| self.stage_link(&stages[p], root));
                page.next = stages.get(i + 1).map(|s| self.stage_link(s, root));
                page
            })
            .collect()
    }

    fn stage_link(&self, stage: &Stage, root: &str) -> LinkView {
        LinkView {
            title: stage.name.clone(),
            href: format!("{root}{}", stage_href(stage)),
        }
    }

    fn material_view(&self, material: &Material, root: &str) -> MaterialView {
        MaterialView {
            id: material.id.value.clone(),
            name: material.name.clone(),
            description_html: self.markdown(&material.description, root),
            tips_html: self.markdown_all(&material.tips, root),
            provider: material.provider,
            conditions: material
                .when
                .iter()
                .filter_map(|id| self.conditions.get(id.as_str()))
                .map(|c| c.label.clone())
                .collect(),
            condition_ids: material.when.iter().map(|id| id.as_str()).collect::<Vec<_>>().join(" "),
            confidence: material.confidence,
            source: self.source_link(&material.source, root),
        }
    }

    fn subject_summary(subject: &Subject, root: &str) -> SubjectSummary {
        SubjectSummary {
            id: subject.id.value.clone(),
            name: subject.name.clone(),
            kind: subject.kind,
            certificates: subject.certificates.clone(),
            href: format!("{root}checklists/{}.html", subject.id.as_str()),
        }
    }

    fn subject_groups(&self, root: &str) -> SubjectGroups {
        let of_kind = |kind| {
            self.content
                .subjects
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| Self::subject_summary(s, root))
                .collect()
        };
        SubjectGroups {
            individual: of_kind(SubjectKind::Individual),
            organisation: of_kind(SubjectKind::Organisation),
        }
    }

    /// The questions about conditions that pass `relevant`, in the order of conditions.yaml.
    fn questions(&self, relevant: impl Fn(&Condition) -> bool) -> Vec<QuestionView> {
        self.content
            .conditions
            .iter()
            .filter(|c| c.question.is_some() && relevant(c))
            .map(|c| QuestionView {
                id: c.id.value.clone(),
                question: c.question.clone().unwrap_or_default(),
                options: c.options.clone(),
                kinds: c
                    .kinds
                    .iter()
                    .map(|k| match k {
                        SubjectKind::Individual => "individual",
                        SubjectKind::Organisation => "organisation",
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect()
    }

    fn checklist_index_page(&self) -> Page {
        let data = ChecklistIndexData {
            subjects: self.subject_groups("../"),
            questions: self.questions(|_| true),
        };
        self.page(
            "checklists/index.html".into(),
            "checklists.html",
            "checklists",
            "checklists",
            None,
            PageData::ChecklistIndex(data),
        )
    }

    /// Does `subject` ever need `material` (whatever the conditions)?
    fn needs(subject: &Subject, material: &Material) -> bool {
        (material.kinds.is_empty() || material.kinds.contains(&subject.kind))
            && (material.subjects.is_empty() || material.subjects.iter().any(|s| s.as_str() == subject.id.as_str()))
    }

    fn checklist_pages(&self) -> Vec<Page> {
        let root = "../";
        self.content
            .subjects
            .iter()
            .map(|subject| {
                let groups = self.checklist_groups(subject, root);
                let count = groups.iter().map(|g| g.items.len()).sum();
                let always_count = groups
                    .iter()
                    .flat_map(|g| &g.items)
                    .filter(|m| m.conditions.is_empty())
                    .count();
                let form = self
                    .content
                    .forms
                    .iter()
                    .find(|f| f.kind == subject.kind)
                    .map(|f| LinkView {
                        title: f.title.clone(),
                        href: format!("{root}forms/{}.html", f.id.as_str()),
                    });
                let data = ChecklistData {
                    subject: Self::subject_summary(subject, root),
                    note_html: subject.note.as_ref().map(|n| self.markdown(n, root)),
                    confidence: subject.confidence,
                    groups,
                    count,
                    always_count,
                    form,
                    storage_key: format!("guidegen:{}:checklist:{}", self.content.site.title, subject.id.as_str()),
                    questions: self.questions(|condition| {
                        let used = self.content.materials.iter().filter(|m| Self::needs(subject, m));
                        let asked = used
                            .flat_map(|m| &m.when)
                            .any(|id| id.as_str() == condition.id.as_str());
                        asked && (condition.kinds.is_empty() || condition.kinds.contains(&subject.kind))
                    }),
                };
                let path = format!("checklists/{}.html", subject.id.as_str());
                self.page(
                    path,
                    "checklist.html",
                    "checklist",
                    "checklists",
                    Some(subject.name.clone()),
                    PageData::Checklist(data),
                )
            })
            .collect()
    }

    /// The subject's materials grouped under the first stage that uses each, in stage order.
    fn checklist_groups(&self, subject: &Subject, root: &str) -> Vec<ChecklistGroup> {
        let needed: Vec<&Material> = self
            .content
            .materials
            .iter()
            .filter(|m| Self::needs(subject, m))
            .collect();
        let mut placed = std::collections::HashSet::new();
        let mut groups = Vec::new();
        for stage in &self.content.stages {
            let items: Vec<MaterialView> = stage
                .materials
                .iter()
                .filter_map(|id| needed.iter().find(|m| m.id.as_str() == id.as_str()))
                .filter(|m| placed.insert(m.id.as_str()))
                .map(|m| self.material_view(m, root))
                .collect();
            if !items.is_empty() {
                groups.push(ChecklistGroup {
                    stage: Some(self.stage_link(stage, root)),
                    stage_number: Some(stage.number.value),
                    items,
                });
            }
        }
        let rest: Vec<MaterialView> = needed
            .iter()
            .filter(|m| !placed.contains(m.id.as_str()))
            .map(|m| self.material_view(m, root))
            .collect();
        if !rest.is_empty() {
            groups.push(ChecklistGroup {
                stage: None,
                stage_number: None,
                items: rest,
            });
        }
        groups
    }

    fn form_summaries(&self, root: &str) -> Vec<FormSummary> {
        self.content
            .forms
            .iter()
            .map(|f| FormSummary {
                title: f.title.clone(),
                kind: f.kind,
                href: format!("{root}forms/{}.html", f.id.as_str()),
            })
            .collect()
    }

    fn form_index_page(&self) -> Page {
        let data = FormIndexData {
            forms: self.form_summaries("../"),
        };
        self.page(
            "forms/index.html".into(),
            "forms.html",
            "forms",
            "forms",
            None,
            PageData::FormIndex(data),
        )
    }

    fn form_pages(&self) -> Vec<Page> {
        let root = "../";
        self.content
            .forms
            .iter()
            .map(|form| {
                let view = FormView {
                    id: form.id.value.clone(),
                    title: form.title.clone(),
                    kind: form.kind,
                    intro_html: form.intro.as_ref().map(|t| self.markdown(t, root)),
                    sections: form
                        .sections
                        .iter()
                        .enumerate()
                        .map(|(n, section)| FormSectionView {
                            number: n + 1,
                            title: section.title.clone(),
                            fields: section
                                .fields
                                .iter()
                                .map(|field| FieldView {
                                    label: field.label.clone(),
                                    kind: field.kind,
                                    lines: (1..=field.lines.as_ref().map(|l| l.value.clamp(1, 20)).unwrap_or(1))
                                        .collect(),
                                    options: field.options.clone(),
                                    hint: field.hint.clone(),
                                })
                                .collect(),
                        })
                        .collect(),
                    declaration_html: form.declaration.as_ref().map(|t| self.markdown(t, root)),
                    sign_boxes: form.sign_boxes.clone(),
                    confidence: form.confidence,
                    source: self.source_link(&form.source, root),
                };
                let path = format!("forms/{}.html", form.id.as_str());
                self.page(
                    path,
                    "form.html",
                    "form",
                    "forms",
                    Some(form.title.clone()),
                    PageData::Form(Box::new(view)),
                )
            })
            .collect()
    }

    fn deadline_views(&self, root: &str) -> Vec<DeadlineView> {
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

    fn deadlines_page(&self) -> Page {
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

    fn sources_page(&self) -> Page {
        let sources = self
            .content
            .site
            .sources
            .iter()
            .map(|s| SourceView {
                id: s.id.value.clone(),
                title: s.title.clone(),
                issuer: s.issuer.clone(),
                number: s.number.clone(),
                date: s.date.as_ref().map(|d| d.value.clone()),
                url: s.url.as_ref().map(|u| u.value.clone()),
                kind: s.kind,
                note: s.note.clone(),
            })
            .collect();
        self.page(
            "sources.html".into(),
            "sources.html",
            "sources",
            "sources",
            None,
            PageData::Sources(SourcesData { sources }),
        )
    }

    fn not_found_page(&self) -> Page {
        let mut page = self.page(
            "404.html".into(),
            "404.html",
            "not_found",
            "index",
            None,
            PageData::Empty(BTreeMap::new()),
        );
        if let Some(base) = &self.content.site.base_url {
            // A host serves 404.html at any depth, so links must not be relative here.
            page.root = format!("{}/", base.trim_end_matches('/'));
        }
        page
    }

    fn sitemap<'p>(&self, base_url: &str, pages: impl Iterator<Item = &'p Arc<Page>>) -> Page {
        let base = base_url.trim_end_matches('/');
        let urls = pages
            .filter(|p| p.key != "not_found")
            .map(|p| format!("{base}/{}", crate::href::encode_path(&p.path)))
            .collect();
        self.page(
            "sitemap.xml".into(),
            "sitemap.xml",
            "sitemap",
            "index",
            None,
            PageData::Sitemap(SitemapData { urls }),
        )
    }
}

fn first_duplicate_path<'p>(mut pages: impl Iterator<Item = &'p Arc<Page>>) -> Option<&'p str> {
    let mut seen = ahash::AHashSet::new();
    pages.find(|p| !seen.insert(p.path.as_str())).map(|p| p.path.as_str())
}

fn stage_href(stage: &Stage) -> String {
    format!("stages/{}.html", stage.id.as_str())
}
