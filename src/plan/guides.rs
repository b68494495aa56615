//! Planning the guide pages: the guides index, one page per section and one per guide, each
//! kept for the next `serve` build while what it is made from stays the same; and the checks that
//! refuse guides which cannot be published (broken links between guides, clashing paths).
//! Where each guide goes and in which order is `guide_nav`'s decision.

use std::borrow::Cow;
use std::collections::BTreeMap;

use ahash::AHashMap as HashMap;
use std::sync::Arc;

use super::guide_nav::{
    folder_of, guide_path, guide_path_of, is_intro, is_list_page_name, list_page_path, list_pages, section_path,
};
use super::page_links::{page_link_problem, GuideHeadings};
use super::{Crumb, GuideData, LinkView, Page, PageData, PlanCache, Planner, SectionNav};
use crate::diagnostics::{line_column, unknown_id_hint, Diagnostic, Span};
use crate::href::encode_path;
use crate::markdown::{self, GuideLink, Heading, LinkBase};
use crate::memo::Stamp;
use crate::model::{Body, FrontMatter, Guide};

/// What depends only on the guides' paths, front matter and introductions (see
/// `Planner::guide_structure_stamp`), kept whole between `serve` builds while those stay the same.
#[derive(Clone)]
pub(super) struct GuideStructure {
    pub navs: Arc<BTreeMap<String, SectionNav>>,
    nav_stamps: Arc<HashMap<String, Stamp>>,
    /// The guides index and the section pages.
    pages: Vec<Arc<Page>>,
}

/// The guide pages, each section's navigation, and the broken links between guides.
type GuidePages = (Vec<Arc<Page>>, Arc<BTreeMap<String, SectionNav>>, Vec<Diagnostic>);

/// Everything a guide page is made from, and so its stamp: a field added here is stamped too.
/// (What every page shares — the site's title, the templates — is stamped by `render`.)
#[derive(Hash)]
struct GuidePageInputs<'a> {
    guide: &'a Guide,
    folder: &'a str,
    /// The stamp of the section's navigation.
    section: Stamp,
    /// What every guide page takes from the site (`Planner::guide_site_stamp`).
    from_site: Stamp,
    prev: Option<Neighbour<'a>>,
    next: Option<Neighbour<'a>>,
    /// The stages that name the guide (`guides:` in stages.yaml): id and name, in process order.
    stages: Vec<(&'a str, &'a str)>,
    /// The checklists index (the questionnaire), from the site root, when the site has one.
    checklist: Option<&'a str>,
}

/// What a guide page shows of the guide before or after it: a link.
#[derive(Hash, Clone, Copy)]
struct Neighbour<'a> {
    guide: &'a str,
    title: &'a str,
}

impl<'a> Neighbour<'a> {
    fn of(guide: &'a Guide) -> Self {
        Neighbour {
            guide: &guide.slug,
            title: &guide.front.title,
        }
    }
}

impl Planner<'_> {
    /// The guides index, one page per section and one per guide; errors are broken guide links.
    /// `structure` and `from_site` are the stamps of what the structure and every guide page
    /// take from the guides and the site.
    pub(super) fn guide_pages(
        &self,
        cache: &mut PlanCache,
        rendered: &HashMap<&str, Arc<markdown::Rendered>>,
        structure: Stamp,
        from_site: Stamp,
    ) -> GuidePages {
        if self.content.guides.is_empty() {
            return (Vec::new(), Arc::default(), Vec::new());
        }
        let mut diagnostics = self.check_guide_links(rendered);
        diagnostics.extend(
            self.content
                .guides
                .iter()
                .filter(|g| !is_intro(g))
                .filter_map(|g| reserved_name(g)),
        );
        diagnostics.extend(self.page_folder_clashes());
        let structure =
            cache
                .guide_structure
                .get_or_build(&(), || structure, || self.guide_structure(rendered, structure));
        cache.guide_structure.sweep();
        let mut pages = structure.pages.clone();
        let chain = self.guides.reading_order();
        let place: HashMap<&str, usize> = chain.iter().enumerate().map(|(i, g)| (g.slug.as_str(), i)).collect();
        let checklist = self.nav.iter().find(|n| n.key == "checklists").map(|n| n.href.as_str());
        for (folder, list) in &self.guides.sections {
            let section = structure.nav_stamps[*folder];
            for guide in list {
                let i = place[guide.slug.as_str()];
                let inputs = GuidePageInputs {
                    guide,
                    folder,
                    section,
                    from_site,
                    prev: i.checked_sub(1).map(|p| Neighbour::of(chain[p])),
                    next: chain.get(i + 1).map(|g| Neighbour::of(g)),
                    stages: self
                        .content
                        .stages
                        .iter()
                        .filter(|s| s.guides.iter().any(|id| id.as_str() == guide.slug))
                        .map(|s| (s.id.as_str(), s.name.as_str()))
                        .collect(),
                    checklist,
                };
                let page = cache.guide_pages.get_or_build(
                    guide.slug.as_str(),
                    || Stamp::of(&inputs),
                    || Arc::new(self.guide_page(&inputs, &rendered[guide.slug.as_str()])),
                );
                pages.push(page);
            }
        }
        cache.guide_pages.sweep();
        (pages, structure.navs, diagnostics)
    }

    /// How links resolve in `guide`'s Markdown; `root` climbs from its page to the site root.
    fn link_base<'g>(&'g self, guide: &'g Guide, root: &'g str) -> LinkBase<'g> {
        LinkBase {
            folder: folder_of(&guide.slug),
            guides_prefix: None,
            root,
            pages: Some(&self.pages),
            allow_html: self.content.site.allow_html,
            trust_html: self.content.site.raw_html == crate::model::RawHtml::Trusted,
        }
    }

    /// Every guide's Markdown as HTML, by slug; texts rendered by an earlier plan are not
    /// rendered again.
    pub(super) fn guides_markdown(&self, cache: &mut PlanCache) -> HashMap<&str, Arc<markdown::Rendered>> {
        // A guide's page is `guides/<slug>.html`: one folder deeper than its folder.
        let roots: Vec<String> = self
            .content
            .guides
            .iter()
            .map(|g| "../".repeat(guide_path(g).matches('/').count()))
            .collect();
        // Keyed by the stamp of the text and its link base: a text is rendered once, whichever
        // guide it belongs to.
        let stamps: Vec<Stamp> = self
            .content
            .guides
            .iter()
            .zip(&roots)
            .map(|(guide, root)| Stamp::of(&(&guide.body, &self.link_base(guide, root))))
            .collect();
        let jobs = self
            .content
            .guides
            .iter()
            .zip(stamps.iter().zip(&roots))
            .map(|(guide, (stamp, root))| (stamp, (&**guide, *stamp, root.as_str())))
            .collect();
        let rendered = cache.markdown.get_or_build_all(
            jobs,
            |(_, stamp, _)| *stamp,
            |(guide, _, root)| Arc::new(markdown::render(&guide.body, &self.link_base(guide, root))),
        );
        cache.markdown.sweep();
        self.content
            .guides
            .iter()
            .map(|g| g.slug.as_str())
            .zip(rendered)
            .collect()
    }

    /// Each section's navigation, the guides index and the section pages.
    /// Its pages are stamped with `stamp` (of what the structure is made from) and their path.
    fn guide_structure(&self, rendered: &HashMap<&str, Arc<markdown::Rendered>>, stamp: Stamp) -> GuideStructure {
        let navs = self.section_navs();
        let nav_stamps = navs
            .iter()
            .map(|(folder, nav)| (folder.clone(), Stamp::of(nav)))
            .collect();
        let stamped = |mut page: Page| {
            page.stamp = Stamp::of(&(stamp, &page.path));
            Arc::new(page)
        };
        let mut pages: Vec<Arc<Page>> = self.guide_index_pages(rendered).into_iter().map(stamped).collect();
        for folder in self.guides.sub_sections() {
            pages.extend(self.section_pages(folder, rendered).into_iter().map(stamped));
        }
        GuideStructure {
            navs: Arc::new(navs),
            nav_stamps: Arc::new(nav_stamps),
            pages,
        }
    }

    /// The stamp of everything `guide_structure` is made from: every guide's path and front
    /// matter, the introductions' bodies, and what guide pages take from the site. Other guides'
    /// bodies, which change far more often, are left out, so that editing one leaves the
    /// structure as it was.
    pub(super) fn guide_structure_stamp(&self, from_site: Stamp) -> Stamp {
        let guides: Vec<(&str, &FrontMatter, Option<&Body>)> = self
            .content
            .guides
            .iter()
            .map(|g| (g.slug.as_str(), &g.front, is_intro(g).then_some(&g.body)))
            .collect();
        Stamp::of(&(guides, from_site, self.guides_per_page()))
    }

    /// What every guide page takes from the site as a whole: the navigation its breadcrumbs
    /// come from, whether raw HTML is allowed in its Markdown, and the pages its links to pages
    /// by what they are lead to.
    pub(super) fn guide_site_stamp(&self) -> Stamp {
        Stamp::of(&(
            &self.nav,
            self.content.site.allow_html,
            self.content.site.raw_html,
            &self.pages,
        ))
    }

    fn guide_page(&self, inputs: &GuidePageInputs, rendered: &markdown::Rendered) -> Page {
        let GuidePageInputs {
            guide,
            folder,
            prev,
            next,
            ref stages,
            checklist,
            ..
        } = *inputs;
        let root = "../".repeat(guide_path(guide).matches('/').count());
        let data = GuideData {
            content_html: rendered.html.clone(),
            summary: guide.front.summary.clone(),
            toc: rendered
                .headings
                .iter()
                .filter(|h| h.level == 2 || h.level == 3)
                .cloned()
                .collect(),
            section: folder.to_string(),
            stages: stages
                .iter()
                .map(|(id, name)| LinkView {
                    title: name.to_string(),
                    href: format!("{root}stages/{id}.html"),
                })
                .collect(),
            checklist: checklist.map(|href| format!("{root}{href}")),
        };
        let mut page = self.page(
            guide_path(guide),
            "guide.html",
            "guide",
            "guides",
            Some(guide.front.title.clone()),
            PageData::Guide(data),
        );
        page.stamp = Stamp::of(inputs);
        let root = page.root.clone();
        let link = |g: Neighbour| LinkView {
            title: g.title.to_string(),
            href: format!("{root}{}", encode_path(&guide_path_of(g.guide))),
        };
        page.prev = prev.map(link);
        page.next = next.map(link);
        if !folder.is_empty() {
            let href = format!("{}{}", page.root, encode_path(&section_path(folder)));
            page.crumbs.push(Crumb {
                key: None,
                title: Some(self.guides.title(folder)),
                href,
            });
        }
        page
    }

    /// A page whose path a folder of guides also needs (`a.md` gives the page `guides/a.html`,
    /// `a.html/b.md` the folder `guides/a.html/`) cannot be written; refused here, at the guide,
    /// rather than by the writer without a position.
    fn page_folder_clashes(&self) -> Vec<Diagnostic> {
        // Every page under `guides/`, with the guide it comes from (none for a section page of a
        // folder without an intro, or the guides index).
        let mut pages: HashMap<String, Option<&Guide>> = self
            .content
            .guides
            .iter()
            .map(|g| (guide_path(g), Some(&**g)))
            .collect();
        let per_page = self.guides_per_page();
        for folder in self.guides.sections.keys().copied().chain([""]) {
            pages.entry(section_path(folder)).or_insert(None);
            let count = self.guides.sections.get(folder).map_or(0, Vec::len);
            for number in 2..=list_pages(count, per_page) {
                pages.entry(list_page_path(folder, number)).or_insert(None);
            }
        }
        let mut reported = std::collections::BTreeSet::new();
        let mut diagnostics = Vec::new();
        for guide in &self.content.guides {
            let path = guide_path(guide);
            for (end, _) in path.match_indices('/') {
                let folder = &path[..end];
                let Some(page) = pages.get(folder) else { continue };
                if reported.insert(folder.to_string()) {
                    diagnostics.push(page_folder_clash(folder, *page, guide));
                }
            }
        }
        diagnostics
    }

    /// Every `.md` link between guides must name an existing guide and, if given, one of its
    /// headings; every link to a page by what it is (`form:…`), a page the site has.
    fn check_guide_links(&self, rendered: &HashMap<&str, Arc<markdown::Rendered>>) -> Vec<Diagnostic> {
        let names = self.link_names(rendered);
        let headings = guide_headings(self.content, rendered);
        let mut diagnostics = Vec::new();
        for guide in &self.content.guides {
            let rendered = &rendered[guide.slug.as_str()];
            for link in &rendered.links {
                if let Some((message, hint)) = guide_link_problem(link, &names) {
                    diagnostics.push(at_link(
                        guide,
                        link.offset,
                        link.written.chars().count() + 2,
                        message,
                        hint,
                    ));
                }
            }
            for link in &rendered.page_links {
                if let Some((message, hint)) = page_link_problem(link, &self.pages, self.content, &headings) {
                    diagnostics.push(at_link(guide, link.offset, link.written.chars().count(), message, hint));
                }
            }
        }
        diagnostics
    }

    /// Each guide's headings by the name links give it: its output path without `.html`
    /// (`_index.md` is `index`).
    pub(super) fn link_names<'r>(&'r self, rendered: &'r HashMap<&str, Arc<markdown::Rendered>>) -> LinkNames<'r> {
        self.content
            .guides
            .iter()
            .map(|g| (link_name(g), rendered[g.slug.as_str()].headings.as_slice()))
            .collect()
    }
}

/// Guides' headings by the name `.md` links give each guide (see `Planner::link_names`).
pub(super) type LinkNames<'a> = HashMap<Cow<'a, str>, &'a [Heading]>;

/// Each guide's headings, by its slug (as `guide:` links name it).
pub(super) fn guide_headings<'a>(
    content: &'a crate::model::Content,
    rendered: &'a HashMap<&str, Arc<markdown::Rendered>>,
) -> GuideHeadings<'a> {
    content
        .guides
        .iter()
        .map(|g| (g.slug.as_str(), rendered[g.slug.as_str()].headings.as_slice()))
        .collect()
}

/// The relative links of every guide that lead to something other than a guide, resolved from
/// the guide's own folder in the output.
pub(super) fn content_links(
    content: &crate::model::Content,
    rendered: &HashMap<&str, Arc<markdown::Rendered>>,
) -> Vec<super::ContentLink> {
    let mut links = Vec::new();
    for guide in &content.guides {
        let Some(markdown) = rendered.get(guide.slug.as_str()) else {
            continue;
        };
        let page = guide_path(guide);
        let folder = page.rsplit_once('/').map_or("", |(folder, _)| folder);
        for (offset, written) in &markdown.other_links {
            let path = written.split(['#', '?']).next().unwrap_or_default();
            let target = crate::markdown::resolve(folder, &crate::href::decode_path(path));
            // Point at the destination itself, not at the `[` that opens the link.
            let at = guide
                .body
                .get(*offset..)
                .and_then(|rest| rest.find(written.as_str()))
                .map_or(*offset, |found| offset + found);
            let (line, column) = line_column(&guide.body, at);
            links.push(super::ContentLink {
                target,
                written: written.clone(),
                span: Span::new(
                    &guide.file,
                    line + guide.body_line - 1,
                    column,
                    written.chars().count().max(1),
                ),
            });
        }
    }
    links
}

/// The warnings for raw HTML that cleaning changed in the guides, and for images from other
/// sites, where they are written.
pub(super) fn cleaned_html(
    content: &crate::model::Content,
    rendered: &HashMap<&str, Arc<markdown::Rendered>>,
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for guide in &content.guides {
        let Some(markdown) = rendered.get(guide.slug.as_str()) else {
            continue;
        };
        for (offset, problem) in &markdown.sanitised {
            let (line, column) = line_column(&guide.body, *offset);
            let span = Span::new(&guide.file, line + guide.body_line - 1, column, 1);
            warnings.push(super::page_links::raw_html_warning(problem, span));
        }
        for (offset, src) in &markdown.external_images {
            // Point at the address itself, not at the `!` or `<` before it.
            let at = guide.body.get(*offset..).and_then(|rest| rest.find(src.as_str()));
            let (line, column) = line_column(&guide.body, offset + at.unwrap_or(0));
            let span = Span::new(
                &guide.file,
                line + guide.body_line - 1,
                column,
                src.chars().count().max(1),
            );
            warnings.push(super::page_links::external_image_warning(src, span));
        }
    }
    warnings
}

/// An error at a link `width` characters wide at byte `offset` of `guide`'s body. Worked out only
/// for a broken link: counting lines for every link of every guide would cost more than the
/// rest of the check.
fn at_link(guide: &Guide, offset: usize, width: usize, message: String, hint: String) -> Diagnostic {
    let (line, column) = line_column(&guide.body, offset);
    Diagnostic::error(message)
        .with_span(Span::new(&guide.file, line + guide.body_line - 1, column, width))
        .with_hint(hint)
}

/// `index.md` would be published over its folder's own page (`index.html`), `index-2.md` over
/// the second page of its list: refused whether or not the folder has that many guides yet, so
/// that adding guides never turns a guide's name into an error.
fn reserved_name(guide: &Guide) -> Option<Diagnostic> {
    let name = guide.slug.rsplit('/').next().unwrap_or(&guide.slug);
    is_list_page_name(name).then(|| {
        Diagnostic::error(format!("a guide may not be called `{name}.md`"))
            .with_span(Span::file_only(&guide.file))
            .with_hint(if name == "index" {
                "`index.html` is the folder's own page; rename the guide, or call it `_index.md` to make it the folder's introduction".to_string()
            } else {
                format!("`{name}.html` is kept for a page of the folder's list of guides (`index.html`, `index-2.html`, … when it holds more than `guides_per_page`); rename the guide")
            })
    })
}

/// `folder` is the page of `page` (of a section, if `None`) and the folder of `inside`.
fn page_folder_clash(folder: &str, page: Option<&Guide>, inside: &Guide) -> Diagnostic {
    let folder_file = format!("content/{}/", folder.trim_end_matches('/'));
    match page {
        Some(page) => Diagnostic::error(format!(
            "`{folder}` would be both the page of `{}` and the folder of `{}`",
            page.file.display(),
            inside.file.display()
        ))
        .with_span(Span::file_only(&page.file))
        .with_hint(format!("rename the guide or the folder `{folder_file}`")),
        None => Diagnostic::error(format!(
            "`{folder}` would be both a section page and the folder of `{}`",
            inside.file.display()
        ))
        .with_span(Span::file_only(&inside.file))
        .with_hint(format!("rename the folder `{folder_file}`")),
    }
}

/// A guide's slug, except that `_index` is `index` (as published).
fn link_name(guide: &Guide) -> Cow<'_, str> {
    if is_intro(guide) {
        let path = guide_path(guide);
        Cow::Owned(path.trim_start_matches("guides/").trim_end_matches(".html").to_string())
    } else {
        Cow::Borrowed(&guide.slug)
    }
}

/// What is wrong with a `.md` link, as a message and a hint; `None` when it leads to a guide
/// (and to one of its headings, when it names one).
pub(super) fn guide_link_problem(link: &GuideLink, headings: &LinkNames) -> Option<(String, String)> {
    let Some(slug) = &link.slug else {
        return Some((
            format!("link `{}` leaves the guides folder", link.written),
            "link to guides with paths inside content/guides/".into(),
        ));
    };
    let Some(target) = headings.get(slug.as_str()) else {
        let hint = unknown_id_hint(slug, headings.keys().map(std::convert::AsRef::as_ref));
        return Some((
            format!("link to a missing guide `{}`", link.written),
            format!("no file content/guides/{slug}.md; {hint}"),
        ));
    };
    let anchor = link.anchor.as_deref()?;
    if anchor.is_empty() || target.iter().any(|h| h.id == anchor) {
        return None;
    }
    let hint = unknown_id_hint(anchor, target.iter().map(|h| h.id.as_str()));
    Some((format!("link to a missing heading `#{anchor}` in `{slug}.md`"), hint))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{guide, minimal, page, paths, plan_errors, plan_of, today, with_body};
    use super::super::{plan, Plan, PlanCache};
    use super::*;

    fn link(link: &Option<LinkView>) -> Option<(&str, &str)> {
        link.as_ref().map(|l| (l.title.as_str(), l.href.as_str()))
    }

    #[test]
    fn a_link_to_a_missing_guide_or_heading_stops_the_plan() {
        let mut model = minimal();
        let body = "## 开始 here\n\n[a](sub/second.md#nowhere), [b](missing.md), [c](../../x.md)";
        model.content.guides[0] = with_body(&model.content.guides[0], body);
        assert_eq!(
            plan_errors(&model),
            [
                "link to a missing heading `#nowhere` in `sub/second.md`",
                "link to a missing guide `missing.md`",
                "link `../../x.md` leaves the guides folder",
            ]
        );
    }

    #[test]
    fn a_guide_may_not_be_called_index() {
        let mut model = minimal();
        model.content.guides.push(guide("sub/index", "Index", None, ""));
        assert_eq!(plan_errors(&model), ["a guide may not be called `index.md`"]);
    }

    #[test]
    fn a_page_whose_path_a_folder_of_guides_needs_is_refused() {
        let mut model = minimal();
        model.content.guides.push(guide("first.html/inner", "Inner", None, ""));
        assert_eq!(
            plan_errors(&model),
            ["`guides/first.html` would be both the page of `content/guides/first.md` and the folder of `content/guides/first.html/inner.md`"]
        );
    }

    #[test]
    fn a_guide_page_links_to_the_guides_before_and_after_it_across_sections() {
        let mut model = minimal();
        model.content.guides.push(guide("third", "Third guide", Some(2), ""));
        let plan = plan_of(&model);
        let first = page(&plan, "guides/first.html");
        assert_eq!(link(&first.prev), None);
        assert_eq!(link(&first.next), Some(("Third guide", "../guides/third.html")));
        let third = page(&plan, "guides/third.html");
        assert_eq!(link(&third.prev), Some(("First guide", "../guides/first.html")));
        assert_eq!(
            link(&third.next),
            Some(("Second guide", "../guides/sub/second.html")),
            "the last guide at the top leads on to the first of the next section"
        );
        let second = page(&plan, "guides/sub/second.html");
        assert_eq!(link(&second.prev), Some(("Third guide", "../../guides/third.html")));
        assert_eq!(link(&second.next), None, "the last guide of all");
    }

    #[test]
    fn a_guide_in_a_folder_has_the_folder_as_its_last_breadcrumb() {
        let model = minimal();
        let plan = plan_of(&model);
        let second = page(&plan, "guides/sub/second.html");
        let crumbs: Vec<(Option<&str>, Option<&str>, &str)> = second
            .crumbs
            .iter()
            .map(|c| (c.key, c.title.as_deref(), c.href.as_str()))
            .collect();
        assert_eq!(
            crumbs,
            [
                (Some("index"), None, "../../index.html"),
                (Some("guides"), None, "../../guides/index.html"),
                (None, Some("sub"), "../../guides/sub/index.html"),
            ]
        );
        let PageData::Guide(data) = &second.data else {
            panic!("a guide page")
        };
        assert_eq!(data.section, "sub");
    }

    #[test]
    fn a_guides_contents_list_holds_its_second_and_third_level_headings() {
        let mut model = minimal();
        // `sub/second.md` links to `## 开始 here`.
        let body = "# A\n\n## 开始 here\n\n### C\n\n#### D\n";
        model.content.guides[0] = with_body(&model.content.guides[0], body);
        let plan = plan_of(&model);
        let PageData::Guide(data) = &page(&plan, "guides/first.html").data else {
            panic!("a guide page")
        };
        let toc: Vec<(u8, &str)> = data.toc.iter().map(|h| (h.level, h.text.as_str())).collect();
        assert_eq!(toc, [(2, "开始 here"), (3, "C")]);
    }

    #[test]
    fn an_unchanged_guide_page_is_handed_to_the_next_plan_and_a_changed_one_made_again() {
        let mut model = minimal();
        let mut cache = PlanCache::keeping();
        let guide_page = |plan: &Plan, path: &str| -> Arc<Page> {
            plan.pages
                .iter()
                .find(|p| p.path == path)
                .cloned()
                .expect("the guide's page")
        };
        let before = plan(&model, today(), &mut cache).expect("the site plans");
        let (first, second) = (
            guide_page(&before, "guides/first.html"),
            guide_page(&before, "guides/sub/second.html"),
        );
        model.content.guides[1] = with_body(&model.content.guides[1], "## Details\n\nChanged.");
        let after = plan(&model, today(), &mut cache).expect("the site plans");
        assert!(
            Arc::ptr_eq(&first, &guide_page(&after, "guides/first.html")),
            "first.md did not change"
        );
        assert!(!Arc::ptr_eq(&second, &guide_page(&after, "guides/sub/second.html")));
        assert_eq!(paths(&before), paths(&after));
    }
}
