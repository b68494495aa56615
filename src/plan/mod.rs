//! Stage 3: decide every page of the site: its path, its template and the ready-made data it shows.
//! Everything a template would otherwise compute (links, groups, counts, dates) is computed here once.
//!
//! One file per family of pages (`index`, `stages`, `checklists`, `forms`, `guides`, `deadlines`,
//! `timeline`, `sources`, `site_files`), the values templates see in `view`, and what one plan
//! keeps for the next in `cache`. This file holds what they share: the planner, the page builder,
//! the navigation and Markdown for YAML values.

mod cache;
mod changes;
mod checklists;
mod deadlines;
mod forms;
mod guide_lists;
mod guide_nav;
mod guides;
mod index;
mod page_links;
mod site_files;
mod sources;
mod stages;
#[cfg(test)]
mod testing;
mod timeline;
mod timeline_dates;
mod view;

pub use cache::PlanCache;
pub use timeline_dates::{
    browser_data, browser_script, timeline, timeline_of, StageDates, StageDuration, TimelineStage,
};
pub use view::*;

use std::collections::BTreeMap;

use ahash::AHashMap as HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::markdown::{self, LinkBase, PageIds, PageTargets};
use crate::memo::Stamp;
use crate::model::*;
use cache::SitePart;
use stages::STAGES_INDEX;

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
    /// Relative links written in guides to pages or files that are not guides, checked against
    /// the finished site by `site` (only it knows the files of `static/`).
    pub content_links: Vec<ContentLink>,
}

/// A relative link written in a guide, to something other than a guide.
#[derive(Debug, Clone)]
pub struct ContentLink {
    /// The path it leads to from the site root, without `#…` or `?…`; `None` when it climbs out.
    pub target: Option<String>,
    pub written: String,
    pub span: crate::diagnostics::Span,
}

/// One HTML (or XML) page: where it goes, which template draws it, what it shows.
/// Templates see it as `page` (all but `template`, `data` and `stamp`) and `data`.
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
    /// The stamp of everything the page is made from (its family's inputs, see `cache`);
    /// `serve` renders a page again only when this, or what every page shares, changes.
    #[serde(skip)]
    pub stamp: Stamp,
}

/// Lays out the whole site for `model` as of `today`. Errors are broken links between guides.
/// Guide bodies already turned into HTML, and guide pages whose inputs are unchanged, are taken
/// from `cache`.
pub fn plan(model: &Model, today: NaiveDate, cache: &mut PlanCache) -> Result<Plan, Vec<Diagnostic>> {
    let planner = Planner::new(model, today);
    planner.plan(cache)
}

/// Only the link checks of `plan` (links written in guides and in the YAML files' Markdown),
/// for a model that has other errors: an editor then sees broken links in the same run as the
/// rest, instead of after fixing it. Nothing is laid out or kept.
pub fn check_links(model: &Model, today: NaiveDate) -> Vec<Diagnostic> {
    let planner = Planner::new(model, today);
    let mut cache = PlanCache::default();
    let rendered = planner.guides_markdown(&mut cache);
    let (mut diagnostics, _) = planner.check_text_links(
        &guides::guide_headings(planner.content, &rendered),
        &planner.link_names(&rendered),
    );
    let from_site = planner.guide_site_stamp();
    let structure = planner.guide_structure_stamp(from_site);
    let (_, _, found) = planner.guide_pages(&mut cache, &rendered, structure, from_site);
    diagnostics.extend(found);
    diagnostics
}

struct Planner<'a> {
    model: &'a Model,
    content: &'a Content,
    today: NaiveDate,
    sources: HashMap<&'a str, &'a Source>,
    conditions: HashMap<&'a str, &'a Condition>,
    materials: HashMap<&'a str, &'a Material>,
    stages: HashMap<&'a str, &'a Stage>,
    /// Each stage's place in `content.stages` (and so in the stage graph).
    stage_index: HashMap<&'a str, usize>,
    providers: HashMap<&'a str, &'a Provider>,
    guides: guide_nav::Layout<'a>,
    /// The site's sections, worked out once (every page's breadcrumbs look here).
    nav: Vec<NavItem>,
    /// The pages that links by what a page is (`form:…`) may name, worked out once.
    pages: PageTargets,
    /// The ids on the page being laid out: the Markdown from YAML rendered onto it avoids them
    /// (`markdown`), and `page` starts the next page afresh. A lock only so the planner may be
    /// shared between threads; pages are laid out one after another.
    ids_on_page: std::sync::Mutex<PageIds>,
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
            stage_index: content
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.as_str(), i))
                .collect(),
            providers: content.providers.iter().map(|p| (p.id.as_str(), p)).collect(),
            guides: guide_nav::Layout::new(&content.guides),
            nav: Vec::new(),
            pages: PageTargets::default(),
            ids_on_page: std::sync::Mutex::new(PageIds::new(data_ids(model))),
        };
        planner.nav = planner.build_nav();
        planner.pages = planner.page_targets();
        planner
    }

    fn plan(&self, cache: &mut PlanCache) -> Result<Plan, Vec<Diagnostic>> {
        let from_site = self.guide_site_stamp();
        let structure = self.guide_structure_stamp(from_site);
        let rendered = self.guides_markdown(cache);
        let (mut diagnostics, mut cleaned) = self.check_text_links(
            &guides::guide_headings(self.content, &rendered),
            &self.link_names(&rendered),
        );
        let (guide_pages, navs, found) = self.guide_pages(cache, &rendered, structure, from_site);
        diagnostics.extend(found);
        let content_links = guides::content_links(self.content, &rendered);
        cleaned.extend(guides::cleaned_html(self.content, &rendered));
        if !diagnostics.is_empty() {
            crate::diagnostics::sort(&mut diagnostics);
            return Err(diagnostics);
        }
        let stamp = cache::site_part_stamp(self.content, &self.model.history, structure, self.today);
        let part = cache
            .site_part
            .try_get_or_build(&(), || stamp, || self.site_part(&guide_pages, stamp));
        cache.site_part.sweep();
        let mut part = part?;
        part.warnings.extend(cleaned);
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
            content_links,
        })
    }

    /// Every page and file but the guide pages. The guide pages go between `before` and `after`.
    /// Each page is stamped with `stamp` (the stamp of the site part's inputs) and its path.
    fn site_part(&self, guide_pages: &[Arc<Page>], stamp: Stamp) -> Result<SitePart, Vec<Diagnostic>> {
        self.next_page();
        // First: the site's description is shown on the home page, whose ids it shares.
        let site = self.site_view();
        let mut before = vec![self.index_page()];
        if !self.content.stages.is_empty() {
            before.push(self.stages_index_page());
        }
        before.extend(self.stage_pages());
        before.push(self.checklist_index_page());
        before.extend(self.checklist_pages());
        before.push(self.form_index_page());
        before.extend(self.form_pages());
        let mut after = vec![self.deadlines_page()];
        let mut warnings = Vec::new();
        let mut timeline_data = None;
        if let Some((page, found, data)) = self.timeline_page() {
            after.push(page);
            warnings.extend(found);
            timeline_data = Some(data);
        }
        after.push(self.sources_page());
        if self.has_changes() {
            after.push(self.changes_page());
        }
        after.push(self.search_page());
        after.push(self.not_found_page());
        let stamped = |mut page: Page| {
            page.stamp = Stamp::of(&(stamp, &page.path));
            Arc::new(page)
        };
        let before: Vec<Arc<Page>> = before.into_iter().map(stamped).collect();
        let mut after: Vec<Arc<Page>> = after.into_iter().map(stamped).collect();
        if let Some(base_url) = &self.content.site.base_url {
            let sitemap = self.sitemap(base_url.as_str(), before.iter().chain(guide_pages).chain(&after));
            after.push(stamped(sitemap));
        }
        if let Some(clash) = first_duplicate_path(before.iter().chain(guide_pages).chain(&after)) {
            // Two pages at one path would make the output depend on which was written last.
            let mut clash_error = Diagnostic::error(format!("two pages would be written to `{clash}`"))
                .with_hint("rename one of the guides or ids that lead to this path");
            if let Some(guide) = self.content.guides.iter().find(|g| guide_nav::guide_path(g) == clash) {
                clash_error = clash_error.with_span(crate::diagnostics::Span::file_only(&guide.file));
            }
            return Err(vec![clash_error]);
        }
        let raw_files = std::iter::once(self.rules_json())
            .chain(self.has_changes().then(|| self.changes_feed()))
            .chain(self.deadlines_calendar().map(|(path, bytes)| (path, bytes.into())))
            .chain(timeline_data)
            .collect();
        Ok(SitePart {
            site,
            before,
            after,
            raw_files,
            warnings,
        })
    }

    fn site_view(&self) -> SiteView {
        let site = &self.content.site;
        SiteView {
            title: site.title.clone(),
            description_html: self.markdown(&site.description, ""),
            language: site.language.clone(),
            reviewed: self.model.reviewed.to_string(),
            base_url: site.base_url.as_ref().map(|u| u.value.clone()),
            as_of: self.today.to_string(),
            has_changes: self.has_changes(),
        }
    }

    /// The site's sections, each only when it has something to show.
    fn build_nav(&self) -> Vec<NavItem> {
        let mut nav = vec![NavItem {
            key: "index",
            href: "index.html".into(),
        }];
        if !self.content.stages.is_empty() {
            // The step-by-step overview, from which every stage is one click away.
            nav.push(NavItem {
                key: "stages",
                href: STAGES_INDEX.into(),
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
        if self.model.calendar().is_some() && !self.content.stages.is_empty() {
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
        if !self.model.history.changes.is_empty() {
            nav.push(NavItem {
                key: "changes",
                href: changes::CHANGES_PAGE.into(),
            });
        }
        nav
    }

    /// Renders a Markdown value from YAML for a page whose root prefix is `root`.
    fn markdown(&self, text: &str, root: &str) -> String {
        let prefix = format!("{root}guides/");
        let base = LinkBase {
            folder: "",
            guides_prefix: Some(&prefix),
            root,
            pages: Some(&self.pages),
            allow_html: self.content.site.allow_html,
            trust_html: self.content.site.raw_html == crate::model::RawHtml::Trusted,
        };
        let mut ids = self
            .ids_on_page
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        markdown::render_on(text, &base, &mut ids).html.to_string()
    }

    /// Starts the next page: no ids given by Markdown yet.
    fn next_page(&self) {
        let mut ids = self
            .ids_on_page
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !ids.is_empty() {
            *ids = ids.fresh();
        }
    }

    fn markdown_all(&self, texts: &[Markdown], root: &str) -> Vec<String> {
        texts.iter().map(|t| self.markdown(t, root)).collect()
    }

    /// A page at `path`, with its root prefix and breadcrumbs (home, then its section unless it
    /// is the section's own page); no previous or next page.
    fn page(
        &self,
        path: String,
        template: &'static str,
        key: &'static str,
        section: &'static str,
        title: Option<String>,
        data: PageData,
    ) -> Page {
        // The Markdown of this page is rendered: the next page's starts afresh.
        self.next_page();
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
            stamp: Stamp::default(),
        }
    }
}

/// Every id the templates build from data, for every page made from the YAML files: Markdown
/// from YAML avoids them, so `## Step 1` in a step's text does not take the first step's id.
/// One line per `id="<prefix>{{ … }}"` of the default templates (a unit test in `markdown`
/// lists those prefixes).
fn data_ids(model: &Model) -> Vec<String> {
    let content = &model.content;
    let steps = content.stages.iter().map(|s| s.steps.len()).max().unwrap_or(0);
    let ids = |prefix: &str, ids: Vec<&str>| ids.into_iter().map(|id| format!("{prefix}{id}")).collect::<Vec<_>>();
    let mut all: Vec<String> = (1..=steps).map(|n| format!("step-{n}")).collect();
    all.extend(ids(
        "material-",
        content.materials.iter().map(|m| m.id.as_str()).collect(),
    ));
    all.extend(ids(
        "deadline-",
        content.deadlines.iter().map(|d| d.id.as_str()).collect(),
    ));
    all.extend(ids(
        "source-",
        content.site.sources.iter().map(|s| s.id.as_str()).collect(),
    ));
    all.extend(ids("event-", content.events.iter().map(|e| e.id.as_str()).collect()));
    all.extend(ids(
        "change-",
        model.history.changes.iter().map(|c| c.change.id.as_str()).collect(),
    ));
    all.extend(ids("stage-", content.stages.iter().map(|s| s.id.as_str()).collect()));
    all
}

fn first_duplicate_path<'p>(mut pages: impl Iterator<Item = &'p Arc<Page>>) -> Option<&'p str> {
    let mut seen = ahash::AHashSet::new();
    pages.find(|p| !seen.insert(p.path.as_str())).map(|p| p.path.as_str())
}

#[cfg(test)]
mod tests {
    use super::testing::{minimal, paths, plan_errors, plan_of, today};
    use super::*;

    fn nav_keys(model: &Model) -> Vec<&'static str> {
        Planner::new(model, today()).nav.iter().map(|n| n.key).collect()
    }

    #[test]
    fn the_navigation_lists_only_the_sections_the_site_has() {
        let mut model = minimal();
        assert_eq!(
            nav_keys(&model),
            [
                "index",
                "stages",
                "checklists",
                "forms",
                "guides",
                "deadlines",
                "sources"
            ]
        );
        let stages = &Planner::new(&model, today()).nav[1];
        assert_eq!(
            stages.href, "stages/index.html",
            "the stages' entry opens the step-by-step overview"
        );
        model.content.forms.clear();
        model.content.guides.clear();
        model.content.deadlines.clear();
        model.deadline_dates.clear();
        assert_eq!(nav_keys(&model), ["index", "stages", "checklists", "sources"]);
    }

    #[test]
    fn a_page_has_its_section_as_a_breadcrumb_unless_it_is_that_sections_page() {
        let model = minimal();
        let planner = Planner::new(&model, today());
        let crumbs = |page: &Page| -> Vec<(Option<&str>, String)> {
            page.crumbs.iter().map(|c| (c.key, c.href.clone())).collect()
        };
        let index = planner.checklist_index_page();
        assert_eq!(crumbs(&index), [(Some("index"), "../index.html".to_string())]);
        let person = &planner.checklist_pages()[0];
        assert_eq!(
            crumbs(person),
            [
                (Some("index"), "../index.html".to_string()),
                (Some("checklists"), "../checklists/index.html".to_string())
            ]
        );
        let first_stage = &planner.stage_pages()[0];
        assert_eq!(
            crumbs(first_stage)[1],
            (Some("stages"), "../stages/index.html".to_string()),
            "every stage, the first too, is under the overview"
        );
        let overview = planner.stages_index_page();
        assert_eq!(crumbs(&overview).len(), 1, "the overview is the stages' own page");
    }

    #[test]
    fn markdown_from_yaml_links_guides_from_the_pages_root() {
        let model = minimal();
        let planner = Planner::new(&model, today());
        let html = planner.markdown("See [the guide](sub/second.md).", "../");
        assert!(html.contains(r#"href="../guides/sub/second.html""#), "{html}");
        assert_eq!(planner.markdown_all(&["*a*".into(), "b".into()], "").len(), 2);
    }

    #[test]
    fn guide_pages_come_between_the_rules_pages_and_the_site_wide_pages() {
        let plan = plan_of(&minimal());
        assert_eq!(
            paths(&plan),
            [
                "index.html",
                "stages/index.html",
                "stages/prepare.html",
                "stages/fill-in.html",
                "stages/review.html",
                "checklists/index.html",
                "checklists/person.html",
                "checklists/company.html",
                "forms/index.html",
                "forms/verification-person.html",
                "guides/index.html",
                "guides/sub/index.html",
                "guides/first.html",
                "guides/sub/second.html",
                "deadlines.html",
                "sources.html",
                "search.html",
                "404.html",
            ]
        );
        let raw: Vec<&str> = plan.raw_files.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(raw, ["rules.json", "deadlines.ics"]);
        assert!(plan.warnings.is_empty());
    }

    #[test]
    fn two_pages_at_one_path_are_refused() {
        let mut model = minimal();
        // Validation refuses a repeated id; planning must not trust that it always will.
        let again = model.content.stages[2].clone();
        model.content.stages.push(again);
        assert_eq!(
            plan_errors(&model),
            ["two pages would be written to `stages/review.html`"]
        );
    }
}
