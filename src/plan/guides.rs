//! Planning the guide pages: the guides index, one page per section and one per guide, each
//! kept for the next `serve` build while what it is made from stays the same; and the checks that
//! refuse guides which cannot be published (broken links between guides, clashing paths).
//! Where each guide goes and in which order is `guide_nav`'s decision.

use std::borrow::Cow;
use std::collections::BTreeMap;

use ahash::AHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::guide_nav::{folder_of, guide_path, is_intro, section_path};
use super::{Crumb, GuideData, GuideIndexData, LinkView, Page, PageData, PlanCache, Planner, SectionData, SectionNav};
use crate::diagnostics::{line_column, unknown_id_hint, Diagnostic, Span};
use crate::href::encode_path;
use crate::markdown::{self, GuideLink, Heading, LinkBase};
use crate::model::Guide;

/// What depends only on the guides' paths, front matter and introductions (see
/// `Planner::guides_signature`), kept whole between `serve` builds while those stay the same.
#[derive(Clone)]
pub struct GuideStructure {
    pub navs: Arc<BTreeMap<String, SectionNav>>,
    nav_stamps: Arc<HashMap<String, u64>>,
    /// The guides index and the section pages.
    pages: Vec<Arc<Page>>,
}

/// The guide pages, each section's navigation, and the broken links between guides.
type GuidePages = (Vec<Arc<Page>>, Arc<BTreeMap<String, SectionNav>>, Vec<Diagnostic>);

/// A guide page kept for the next build, with a hash of what it was made from and the last
/// build that used it.
pub(super) struct MemoPage {
    inputs: u64,
    page: Arc<Page>,
    generation: u64,
}

impl Planner<'_> {
    /// The guides index, one page per section and one per guide; errors are broken guide links.
    pub(super) fn guide_pages(&self, cache: &mut PlanCache, signature: u64) -> GuidePages {
        if self.content.guides.is_empty() {
            return (Vec::new(), Arc::default(), Vec::new());
        }
        let allow_html = self.content.site.allow_html;
        let jobs: Vec<markdown::Job> = self
            .content
            .guides
            .iter()
            .map(|guide| markdown::Job {
                text: &guide.body,
                text_hash: guide.body_hash,
                base: LinkBase {
                    folder: folder_of(&guide.slug),
                    guides_prefix: None,
                    allow_html,
                },
            })
            .collect();
        let rendered: HashMap<&str, Arc<markdown::Rendered>> = self
            .content
            .guides
            .iter()
            .map(|g| g.slug.as_str())
            .zip(cache.markdown.render_all(&jobs))
            .collect();
        cache.markdown.forget_unused();
        let mut diagnostics = self.check_guide_links(&rendered);
        diagnostics.extend(
            self.content
                .guides
                .iter()
                .filter(|g| !is_intro(g))
                .filter_map(|g| reserved_name(g)),
        );
        diagnostics.extend(self.page_folder_clashes());
        let structure = match cache.guide_structure.take() {
            Some((cached, structure)) if cached == signature => structure,
            _ => self.guide_structure(&rendered),
        };
        if cache.enabled {
            cache.guide_structure = Some((signature, structure.clone()));
        }
        let mut pages = structure.pages.clone();
        // Entries are updated in place: rebuilding a map of thousands of pages would cost more
        // than the pages that changed.
        cache.generation += 1;
        let generation = cache.generation;
        let memo = &mut cache.guide_pages;
        let site_stamp = self.guide_site_stamp();
        for (folder, list) in &self.guides.sections {
            let section_stamp = structure.nav_stamps[*folder];
            for (i, guide) in list.iter().enumerate() {
                let prev = i.checked_sub(1).map(|p| list[p]);
                let next = list.get(i + 1).copied();
                let stamp = guide_stamp(guide, folder, section_stamp, site_stamp);
                let inputs = neighbours_stamp(stamp, prev, next);
                let page = match memo.get_mut(guide.slug.as_str()) {
                    Some(entry) if entry.inputs == inputs => {
                        entry.generation = generation;
                        entry.page.clone()
                    }
                    _ => {
                        let rendered = &rendered[guide.slug.as_str()];
                        let page = Arc::new(self.guide_page(guide, rendered, folder, stamp, prev, next));
                        if cache.enabled {
                            let entry = MemoPage {
                                inputs,
                                page: page.clone(),
                                generation,
                            };
                            memo.insert(guide.slug.clone(), entry);
                        }
                        page
                    }
                };
                pages.push(page);
            }
        }
        memo.retain(|_, entry| entry.generation == generation);
        (pages, structure.navs, diagnostics)
    }

    /// Each section's navigation, the guides index and the section pages.
    fn guide_structure(&self, rendered: &HashMap<&str, Arc<markdown::Rendered>>) -> GuideStructure {
        let navs = self.section_navs();
        let nav_stamps = navs.iter().map(|(folder, nav)| (folder.clone(), nav.stamp())).collect();
        let mut pages = vec![Arc::new(self.guide_index_page(rendered))];
        for folder in self.guides.sub_sections() {
            pages.push(Arc::new(self.section_page(folder, rendered)));
        }
        GuideStructure {
            navs: Arc::new(navs),
            nav_stamps: Arc::new(nav_stamps),
            pages,
        }
    }

    /// A hash of everything `guide_structure` is made from: every guide's path and front matter,
    /// the introductions' bodies, and what guide pages take from the site. Guide bodies, which
    /// change far more often, are left out, so that editing one leaves the structure as it was.
    pub(super) fn guides_signature(&self) -> u64 {
        let mut hasher = ahash::AHasher::default();
        for guide in &self.content.guides {
            (&guide.slug, &guide.front).hash(&mut hasher);
            if is_intro(guide) {
                (guide.body_hash, guide.body.len()).hash(&mut hasher);
            }
        }
        self.guide_site_stamp().hash(&mut hasher);
        hasher.finish()
    }

    /// What every guide page takes from the site as a whole: the navigation its breadcrumbs
    /// come from, and whether raw HTML is allowed in its Markdown.
    fn guide_site_stamp(&self) -> u64 {
        let mut hasher = ahash::AHasher::default();
        for item in &self.nav {
            (item.key, &item.href).hash(&mut hasher);
        }
        self.content.site.allow_html.hash(&mut hasher);
        hasher.finish()
    }

    fn guide_index_page(&self, rendered: &HashMap<&str, Arc<markdown::Rendered>>) -> Page {
        let intro_html = self
            .guides
            .intros
            .get("")
            .map(|g| rendered[g.slug.as_str()].html.clone());
        let data = GuideIndexData {
            intro_html,
            list: self.guide_list("../"),
        };
        self.page(
            "guides/index.html".into(),
            "guides.html",
            "guides",
            "guides",
            None,
            PageData::GuideIndex(data),
        )
    }

    fn section_page(&self, folder: &str, rendered: &HashMap<&str, Arc<markdown::Rendered>>) -> Page {
        let path = section_path(folder);
        let root = "../".repeat(path.matches('/').count());
        let intro_html = self
            .guides
            .intros
            .get(folder)
            .map(|g| rendered[g.slug.as_str()].html.clone());
        let guides = self
            .guides
            .sections
            .get(folder)
            .map(|list| list.iter().map(|g| Self::guide_summary(g, &root)).collect())
            .unwrap_or_default();
        self.page(
            path,
            "section.html",
            "section",
            "guides",
            Some(self.guides.title(folder)),
            PageData::Section(SectionData { intro_html, guides }),
        )
    }

    fn guide_page(
        &self,
        guide: &Guide,
        rendered: &markdown::Rendered,
        folder: &str,
        stamp: u64,
        prev: Option<&Guide>,
        next: Option<&Guide>,
    ) -> Page {
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
        };
        let mut page = self.page(
            guide_path(guide),
            "guide.html",
            "guide",
            "guides",
            Some(guide.front.title.clone()),
            PageData::Guide(data),
        );
        page.stamp = Some(stamp);
        let root = page.root.clone();
        let link = |g: &Guide| LinkView {
            title: g.front.title.clone(),
            href: format!("{root}{}", encode_path(&guide_path(g))),
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
        for folder in self.guides.sections.keys().copied().chain([""]) {
            pages.entry(section_path(folder)).or_insert(None);
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

    /// Every `.md` link between guides must name an existing guide and, if given, one of its headings.
    fn check_guide_links(&self, rendered: &HashMap<&str, Arc<markdown::Rendered>>) -> Vec<Diagnostic> {
        // Links name a guide by its output path without `.html` (`_index.md` is `index`).
        let headings: HashMap<Cow<str>, &[Heading]> = self
            .content
            .guides
            .iter()
            .map(|g| (link_name(g), rendered[g.slug.as_str()].headings.as_slice()))
            .collect();
        let mut diagnostics = Vec::new();
        for guide in &self.content.guides {
            for link in &rendered[guide.slug.as_str()].links {
                if let Some(d) = check_guide_link(guide, link, &headings) {
                    diagnostics.push(d);
                }
            }
        }
        diagnostics
    }
}

/// A hash of everything a guide page's data is made from (far cheaper than hashing its HTML):
/// its body and front matter, its section's navigation and what it takes from the site.
fn guide_stamp(guide: &Guide, folder: &str, section_stamp: u64, site_stamp: u64) -> u64 {
    let mut hasher = ahash::AHasher::default();
    (
        guide.body_hash,
        guide.body.len(),
        &guide.slug,
        &guide.front.title,
        &guide.front.summary,
        folder,
        section_stamp,
        site_stamp,
    )
        .hash(&mut hasher);
    hasher.finish()
}

/// `stamp` plus the guides before and after it, which the page links to.
fn neighbours_stamp(stamp: u64, prev: Option<&Guide>, next: Option<&Guide>) -> u64 {
    let mut hasher = ahash::AHasher::default();
    stamp.hash(&mut hasher);
    for neighbour in [prev, next] {
        neighbour.map(|g| (&g.slug, &g.front.title)).hash(&mut hasher);
    }
    hasher.finish()
}

/// `index.md` would be published over its folder's own page (`index.html`).
fn reserved_name(guide: &Guide) -> Option<Diagnostic> {
    let name = guide.slug.rsplit('/').next().unwrap_or(&guide.slug);
    (name == "index").then(|| {
        Diagnostic::error("a guide may not be called `index.md`")
            .with_span(Span::file_only(&guide.file))
            .with_hint("`index.html` is the folder's own page; rename the guide, or call it `_index.md` to make it the folder's introduction")
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

fn check_guide_link(guide: &Guide, link: &GuideLink, headings: &HashMap<Cow<str>, &[Heading]>) -> Option<Diagnostic> {
    // Worked out only for a broken link: counting lines for every link of every guide would
    // cost more than the rest of the check.
    let at = |d: Diagnostic| {
        let (line, column) = line_column(&guide.body, link.offset);
        let width = link.written.chars().count() + 2;
        d.with_span(Span::new(&guide.file, line + guide.body_line - 1, column, width))
    };
    let Some(slug) = &link.slug else {
        return Some(
            at(Diagnostic::error(format!(
                "link `{}` leaves the guides folder",
                link.written
            )))
            .with_hint("link to guides with paths inside content/guides/"),
        );
    };
    let Some(target) = headings.get(slug.as_str()) else {
        let hint = unknown_id_hint(slug, headings.keys().map(|name| name.as_ref()));
        return Some(
            at(Diagnostic::error(format!("link to a missing guide `{}`", link.written)))
                .with_hint(format!("no file content/guides/{slug}.md; {hint}")),
        );
    };
    let anchor = link.anchor.as_deref()?;
    if anchor.is_empty() || target.iter().any(|h| h.id == anchor) {
        return None;
    }
    let hint = unknown_id_hint(anchor, target.iter().map(|h| h.id.as_str()));
    Some(
        at(Diagnostic::error(format!(
            "link to a missing heading `#{anchor}` in `{slug}.md`"
        )))
        .with_hint(hint),
    )
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
    fn a_guide_page_links_to_the_guides_before_and_after_it_in_its_section() {
        let mut model = minimal();
        model.content.guides.push(guide("third", "Third guide", Some(2), ""));
        let plan = plan_of(&model);
        let first = page(&plan, "guides/first.html");
        assert_eq!(link(&first.prev), None);
        assert_eq!(link(&first.next), Some(("Third guide", "../guides/third.html")));
        let third = page(&plan, "guides/third.html");
        assert_eq!(link(&third.prev), Some(("First guide", "../guides/first.html")));
        assert_eq!(link(&third.next), None, "the guide in `sub/` is in another section");
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
        let mut cache = PlanCache::enabled();
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
