//! Links to the site's own pages by what they are: `form:verification-organisation`,
//! `stage:review#step-2`, `checklist:enterprise`, `material:id-card`, `deadline:<id>`,
//! `source:<id>`, `guide:after/show-number`, `page:timeline`. Here: which page each names (the
//! `PageTargets` every Markdown text is rendered with) and the check that each such link in the
//! YAML files' texts names a page the site has, reported at the link itself. Links in guides are
//! checked with the other guide links (`guides`), by `page_link_problem` below.
//!
//! The rule it keeps: a page link names its page by kind and id, never by path, so the same text
//! links right from every page it is shown on, whatever the page's depth.

use std::path::Path;

use ahash::AHashMap as HashMap;

use super::guide_nav::guide_path;
use super::guides::{guide_link_problem, LinkNames};
use super::stages::stage_href;
use super::Planner;
use crate::diagnostics::{unknown_id_hint, Diagnostic, Span};
use crate::markdown::{self, Heading, LinkBase, PageLink, PageTarget, PageTargets};
use crate::model::{Content, Markdown, Model};

/// A guide's headings, by the guide's slug.
pub(super) type GuideHeadings<'a> = HashMap<&'a str, &'a [Heading]>;

fn target(path: String, fragment: Option<String>) -> PageTarget {
    PageTarget { path, fragment }
}

impl Planner<'_> {
    /// Every page a link may name, by kind and id.
    pub(super) fn page_targets(&self) -> PageTargets {
        let content = self.content;
        let ids = |kind: &'static str, pages: Vec<(String, PageTarget)>| (kind, pages);
        let forms = content.forms.iter().map(|f| {
            let id = f.id.value.clone();
            (id.clone(), target(format!("forms/{id}.html"), None))
        });
        let stages = content
            .stages
            .iter()
            .map(|s| (s.id.value.clone(), target(stage_href(s), None)));
        let checklists = content.subjects.iter().map(|s| {
            let id = s.id.value.clone();
            (id.clone(), target(format!("checklists/{id}.html"), None))
        });
        // A material is shown on the page of each stage that uses it, else on the checklist of
        // each subject type that needs it; a link goes to the first, at the material.
        let materials = content.materials.iter().filter_map(|m| {
            let on_stage = content
                .stages
                .iter()
                .find(|s| s.materials.iter().any(|id| id.as_str() == m.id.as_str()))
                .map(stage_href);
            let on_checklist = || {
                content
                    .subjects
                    .iter()
                    .find(|s| Model::covers(&m.subjects, s))
                    .map(|s| format!("checklists/{}.html", s.id.as_str()))
            };
            let path = on_stage.or_else(on_checklist)?;
            Some((
                m.id.value.clone(),
                target(path, Some(format!("material-{}", m.id.as_str()))),
            ))
        });
        let deadlines = content.deadlines.iter().map(|d| {
            let id = d.id.value.clone();
            let fragment = format!("deadline-{id}");
            (id, target("deadlines.html".into(), Some(fragment)))
        });
        let sources = content.site.sources.iter().map(|s| {
            let id = s.id.value.clone();
            let fragment = format!("source-{id}");
            (id, target("sources.html".into(), Some(fragment)))
        });
        let guides = content
            .guides
            .iter()
            .map(|g| (g.slug.clone(), target(guide_path(g), None)));
        let pages = self
            .nav
            .iter()
            .map(|n| (n.key.to_string(), target(n.href.clone(), None)))
            .chain([("search".to_string(), target("search.html".into(), None))]);
        PageTargets::new(vec![
            ids("form", forms.collect()),
            ids("stage", stages.collect()),
            ids("checklist", checklists.collect()),
            ids("material", materials.collect()),
            ids("deadline", deadlines.collect()),
            ids("source", sources.collect()),
            ids("guide", guides.collect()),
            ids("page", pages.collect()),
        ])
    }

    /// Every link in the Markdown texts of the YAML files, to a guide (`x.md`) or to a page by
    /// what it is, must lead to a page the site has: one error per broken link, at the link.
    /// `guides` holds the guides' headings, which anchors must name.
    /// Beside the errors, the warnings for raw HTML that cleaning changed in those texts.
    pub(super) fn check_text_links(
        &self,
        guides: &GuideHeadings,
        link_names: &LinkNames,
    ) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut cleaned = Vec::new();
        for (file, text) in markdown_texts(self.content) {
            let base = LinkBase {
                folder: "",
                guides_prefix: Some("guides/"),
                root: "",
                pages: Some(&self.pages),
                allow_html: self.content.site.allow_html,
                trust_html: self.content.site.raw_html == crate::model::RawHtml::Trusted,
            };
            let rendered = markdown::render(text, &base);
            let at = |offset: usize, written: &str| {
                let (line, column) = text.locate(offset, written);
                Span::new(Path::new(file), line, column, written.chars().count().max(1))
            };
            for link in &rendered.page_links {
                if let Some((message, hint)) = page_link_problem(link, &self.pages, self.content, guides) {
                    let span = at(link.offset, &link.written);
                    diagnostics.push(Diagnostic::error(message).with_span(span).with_hint(hint));
                }
            }
            for link in &rendered.links {
                if let Some((message, hint)) = guide_link_problem(link, link_names) {
                    let span = at(link.offset, &link.written);
                    diagnostics.push(Diagnostic::error(message).with_span(span).with_hint(hint));
                }
            }
            for (offset, problem) in &rendered.sanitised {
                let (line, column) = text.locate(*offset, "<");
                cleaned.push(raw_html_warning(problem, Span::new(Path::new(file), line, column, 1)));
            }
            for (offset, src) in &rendered.external_images {
                let found = text.value.get(*offset..).and_then(|rest| rest.find(src.as_str()));
                cleaned.push(external_image_warning(src, at(offset + found.unwrap_or(0), src)));
            }
        }
        (diagnostics, cleaned)
    }
}

/// The warning for a piece of raw HTML (or an address) that cleaning took out.
pub(super) fn raw_html_warning(problem: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(format!("raw HTML: {problem}"))
        .with_span(span)
        .with_hint("the site publishes only HTML that cannot run anything; remove it, or, if every editor of this site is trusted, write `raw_html: trusted` in content/site.yaml")
}

/// The warning for an image from another site, which the pages' Content-Security-Policy
/// (`default-src 'self'` in the default theme) does not load.
pub(super) fn external_image_warning(src: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(format!("image from another site: `{src}` will not show"))
        .with_span(span)
        .with_hint("the pages load nothing from other sites (their Content-Security-Policy blocks it, and no reader is tracked by another site); copy the image into static/ and link it relatively, e.g. `../img/map.png`")
}

/// What is wrong with a page link, as a message and a hint; `None` when it leads somewhere.
pub(super) fn page_link_problem(
    link: &PageLink,
    pages: &PageTargets,
    content: &Content,
    guides: &GuideHeadings,
) -> Option<(String, String)> {
    let (kind, id) = (link.kind.as_str(), link.id.as_str());
    let Some(_) = pages.get(kind, id) else {
        let message = format!("link to a missing {kind} `{}`", link.written);
        let hint = unknown_id_hint(id, pages.ids(kind));
        let hint = match kind {
            "form" => format!("no form `{id}` in content/forms.yaml; {hint}"),
            "stage" => format!("no stage `{id}` in content/stages.yaml; {hint}"),
            "checklist" => {
                format!("a checklist is named by its subject type: no `{id}` in content/subjects.yaml; {hint}")
            }
            "material" if content.materials.iter().any(|m| m.id.as_str() == id) => {
                format!(
                    "no page shows material `{id}`: no stage lists it under `materials:` and no subject type needs it"
                )
            }
            "material" => format!("no material `{id}` in content/materials.yaml; {hint}"),
            "deadline" => format!("no deadline `{id}` in content/deadlines.yaml; {hint}"),
            "source" => format!("no source `{id}` in content/site.yaml; {hint}"),
            "guide" => format!("no file content/guides/{id}.md; {hint}"),
            _ => format!("the site has no page `{id}`; {hint}"),
        };
        return Some((message, hint));
    };
    // Anchors are checked where the headings are known; other pages' parts are the theme's.
    let anchor = link.anchor.as_deref().filter(|a| !a.is_empty())?;
    let headings = guides.get(id).filter(|_| kind == "guide")?;
    if headings.iter().any(|h| h.id == anchor) {
        return None;
    }
    let hint = unknown_id_hint(anchor, headings.iter().map(|h| h.id.as_str()));
    Some((format!("link to a missing heading `#{anchor}` in `{id}.md`"), hint))
}

/// Every Markdown text of the YAML files, with the file it is written in.
fn markdown_texts(content: &Content) -> Vec<(&'static str, &Markdown)> {
    let site = &content.site;
    let mut texts: Vec<(&'static str, &Markdown)> = [&site.description, &site.intro]
        .into_iter()
        .chain(&site.who_must)
        .chain(&site.who_need_not)
        .map(|t| ("content/site.yaml", t))
        .collect();
    texts.extend(
        content
            .subjects
            .iter()
            .filter_map(|s| s.note.as_ref())
            .map(|t| ("content/subjects.yaml", t)),
    );
    for m in &content.materials {
        texts.extend(
            std::iter::once(&m.description)
                .chain(&m.tips)
                .map(|t| ("content/materials.yaml", t)),
        );
    }
    for s in &content.stages {
        let steps = s.steps.iter().filter_map(|step| step.text.as_ref());
        let failures = s.on_failure.iter().map(|f| &f.then);
        let all = std::iter::once(&s.summary).chain(steps).chain(failures).chain(&s.tips);
        texts.extend(all.map(|t| ("content/stages.yaml", t)));
    }
    for d in &content.deadlines {
        let all = std::iter::once(&d.rule).chain(&d.consequence);
        texts.extend(all.map(|t| ("content/deadlines.yaml", t)));
    }
    for f in &content.forms {
        texts.extend(f.intro.iter().chain(&f.declaration).map(|t| ("content/forms.yaml", t)));
    }
    texts.extend(content.changes.iter().map(|c| ("content/changes.yaml", &c.summary)));
    texts
}

#[cfg(test)]
mod tests {
    use super::super::testing::{guide, id, minimal, today};
    use super::super::{plan, PlanCache};
    use super::*;

    /// The diagnostics of a plan that must fail, as (message, hint, line, column).
    fn errors(model: &Model) -> Vec<(String, String, u32, u32)> {
        match plan(model, today(), &mut PlanCache::default()) {
            Ok(_) => panic!("the plan should have failed"),
            Err(errors) => errors
                .into_iter()
                .map(|d| {
                    let (line, column) = d.span.as_ref().map_or((0, 0), |s| (s.line, s.column));
                    (d.message, d.hint.unwrap_or_default(), line, column)
                })
                .collect(),
        }
    }

    #[test]
    fn a_link_by_kind_and_id_leads_to_its_page_from_every_page_that_shows_the_text() {
        let model = minimal();
        let planner = Planner::new(&model, today());
        let text = "[a](form:verification-person) [b](stage:review#step-1) [c](checklist:person) \
                    [d](material:id_card) [e](material:form#x) [f](deadline:start) [g](source:notice) \
                    [h](guide:sub/second#details) [i](page:deadlines) [j](page:search) [k](page:stages)";
        let html = planner.markdown(text, "../");
        for href in [
            "../forms/verification-person.html",
            "../stages/review.html#step-1",
            "../checklists/person.html",
            "../stages/fill-in.html#material-id_card",
            "../stages/review.html#x",
            "../deadlines.html#deadline-start",
            "../sources.html#source-notice",
            "../guides/sub/second.html#details",
            "../deadlines.html",
            "../search.html",
            "../stages/index.html",
        ] {
            assert!(html.contains(&format!("href=\"{href}\"")), "{href} in {html}");
        }
        assert!(planner
            .markdown("[a](form:verification-person)", "")
            .contains("href=\"forms/verification-person.html\""));
        let from_a_guide = plan(&model, today(), &mut PlanCache::default()).is_ok();
        assert!(from_a_guide);
    }

    #[test]
    fn a_material_no_stage_lists_is_linked_on_the_first_checklist_that_shows_it() {
        let mut model = minimal();
        model.content.stages[1].materials.retain(|m| m.as_str() != "licence");
        let planner = Planner::new(&model, today());
        let html = planner.markdown("[l](material:licence)", "");
        assert!(
            html.contains("href=\"checklists/company.html#material-licence\""),
            "{html}"
        );
    }

    #[test]
    fn a_link_to_a_missing_page_is_an_error_with_the_closest_id() {
        let mut model = minimal();
        model.content.materials[0].description = "See [the form](form:verification-persn).".into();
        model.content.stages[0].summary = "[x](page:timeline) [y](guide:sub/second#detail) [z](sub/secnd.md)".into();
        model.content.materials[1].subjects = vec![id("nobody")];
        model.content.stages[1].materials.retain(|m| m.as_str() != "licence");
        model.content.forms[0].intro = Some("[l](material:licence)".into());
        let found = errors(&model);
        let messages: Vec<(&str, &str)> = found.iter().map(|(m, h, ..)| (m.as_str(), h.as_str())).collect();
        assert_eq!(
            messages,
            [
                (
                    "link to a missing material `material:licence`",
                    "no page shows material `licence`: no stage lists it under `materials:` and no subject type needs it"
                ),
                (
                    "link to a missing form `form:verification-persn`",
                    "no form `verification-persn` in content/forms.yaml; did you mean `verification-person`?"
                ),
                // As diagnostics are sorted: these texts were made in code, without positions.
                ("link to a missing guide `sub/secnd.md`", "no file content/guides/sub/secnd.md; did you mean `sub/second`?"),
                (
                    "link to a missing page `page:timeline`",
                    "the site has no page `timeline`; known ids: checklists, deadlines, forms, guides, index, search, sources, stages"
                ),
                ("link to a missing heading `#detail` in `sub/second.md`", "did you mean `details`?"),
            ]
        );
    }

    #[test]
    fn a_broken_page_link_in_a_guide_is_reported_at_its_line_and_column() {
        let mut model = minimal();
        model.content.guides.push(guide(
            "third",
            "Third",
            Some(3),
            "Intro.\n\nPrint [it](form:verification) and [go](stage:review).\n",
        ));
        assert_eq!(
            errors(&model),
            [(
                "link to a missing form `form:verification`".to_string(),
                "no form `verification` in content/forms.yaml; known ids: verification-person".to_string(),
                7,
                12
            )]
        );
    }

    #[test]
    fn a_link_with_a_scheme_that_is_no_kind_of_page_is_left_alone() {
        let model = minimal();
        let planner = Planner::new(&model, today());
        let html = planner.markdown("[m](mailto:a@b.c) [t](tel:123) [w](https://x.y/form:a)", "");
        assert!(
            html.contains("href=\"mailto:a@b.c\"") && html.contains("href=\"tel:123\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://x.y/form:a\""), "{html}");
    }
}
