//! Where each guide goes and in which order: every folder of `content/guides/` is a section (its
//! `_index.md` the introduction), guides in reading order (`order`, then title, then path); the
//! guide lists and each section's navigation come from here. It decides paths, it renders nothing.
//!
//! A section with more guides than `guides_per_page` is listed over several pages
//! (`index.html`, `index-2.html`, …: a guide may not take such a name), and each of its guide
//! pages shows only a window of its navigation, so that no page grows with the section.

use std::collections::BTreeMap;
use std::sync::Arc;

use ahash::AHashMap as HashMap;

use super::{
    GuideList, GuideSummary, MoreLink, NavLink, NavWindow, PageNumber, Pagination, Planner, SectionNav, SectionSummary,
};
use crate::href::encode_path;
use crate::model::Guide;

/// The guides sorted into sections, in reading order.
pub(super) struct Layout<'a> {
    /// Folder (`""` at the top) -> its guides, by `order`, then title, then path.
    pub(super) sections: BTreeMap<&'a str, Vec<&'a Guide>>,
    /// Folder -> its `_index.md`.
    pub(super) intros: HashMap<&'a str, &'a Guide>,
}

/// `a/b/x` -> `a/b`; `x` -> `""`.
pub(super) fn folder_of(slug: &str) -> &str {
    slug.rsplit_once('/').map_or("", |(folder, _)| folder)
}

pub(super) fn is_intro(guide: &Guide) -> bool {
    is_intro_slug(&guide.slug)
}

fn is_intro_slug(slug: &str) -> bool {
    slug == "_index" || slug.ends_with("/_index")
}

/// The page a guide becomes: `_index.md` is its folder's `index.html`.
pub(super) fn guide_path(guide: &Guide) -> String {
    guide_path_of(&guide.slug)
}

/// `guide_path` of the guide with this slug.
pub(super) fn guide_path_of(slug: &str) -> String {
    if is_intro_slug(slug) {
        match folder_of(slug) {
            "" => "guides/index.html".into(),
            folder => format!("guides/{folder}/index.html"),
        }
    } else {
        format!("guides/{slug}.html")
    }
}

pub(super) fn section_path(folder: &str) -> String {
    if folder.is_empty() {
        "guides/index.html".into()
    } else {
        format!("guides/{folder}/index.html")
    }
}

/// Guides per list page when `site.yaml` does not say (`guides_per_page`).
pub(super) const DEFAULT_GUIDES_PER_PAGE: usize = 100;

/// How many guides before and after its own a guide page of a big section lists (fewer when a
/// list page holds fewer than twice as many).
const NEIGHBOURS: usize = 10;

/// The file name of a section's list page `number` (from 1): `index.html`, `index-2.html`, …
pub(super) fn list_page_name(number: usize) -> String {
    if number <= 1 {
        "index.html".into()
    } else {
        format!("index-{number}.html")
    }
}

/// The path of `folder`'s list page `number` (from 1); the first is `section_path`.
pub(super) fn list_page_path(folder: &str, number: usize) -> String {
    let name = list_page_name(number);
    if folder.is_empty() {
        format!("guides/{name}")
    } else {
        format!("guides/{folder}/{name}")
    }
}

/// How many list pages `guides` guides fill, `per_page` to a page (one, even when empty).
pub(super) fn list_pages(guides: usize, per_page: usize) -> usize {
    guides.div_ceil(per_page.max(1)).max(1)
}

/// Whether a guide named `name` (its file name without `.md`) would take a list page's name:
/// `index`, or `index-` and a number.
pub(super) fn is_list_page_name(name: &str) -> bool {
    name == "index"
        || name
            .strip_prefix("index-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The numbered links of list page `current` of `total`: the first, the last, this one and its
/// neighbours, a gap for each run of two or more left out (one left out is shown instead).
/// Links are file names: every list page of a section is in the same folder.
pub(super) fn pagination(current: usize, total: usize) -> Option<Pagination> {
    if total <= 1 {
        return None;
    }
    let shown = |n: usize| n == 1 || n == total || n.abs_diff(current) <= 1;
    let mut numbers = Vec::new();
    let mut n = 1;
    while n <= total {
        if shown(n) || (n < total && shown(n - 1) && shown(n + 1)) {
            numbers.push(PageNumber {
                number: Some(n),
                href: Some(list_page_name(n)),
                current: n == current,
            });
            n += 1;
        } else {
            numbers.push(PageNumber {
                number: None,
                href: None,
                current: false,
            });
            n = (n..=total).find(|&m| shown(m)).unwrap_or(total + 1);
        }
    }
    Some(Pagination {
        current,
        total,
        prev: (current > 1).then(|| list_page_name(current - 1)),
        next: (current < total).then(|| list_page_name(current + 1)),
        numbers,
    })
}

impl NavWindow {
    /// What the guide at `at` of a section of `len` guides lists of its section (see
    /// `SectionNav`): all of it when it fits on one list page of `per_page`; otherwise the guide
    /// and its [`NEIGHBOURS`] on either side (more on one side near an end, so the window keeps
    /// its size), with links to the list pages that hold the guide just before and just after
    /// the window.
    pub fn of(len: usize, per_page: usize, at: usize) -> NavWindow {
        if len <= per_page {
            return NavWindow {
                range: 0..len,
                earlier: None,
                later: None,
            };
        }
        let per_page = per_page.max(1);
        let side = NEIGHBOURS.min((per_page - 1) / 2);
        let width = 2 * side + 1;
        let start = at.saturating_sub(side).min(len - width);
        let end = start + width;
        let more = |count: usize, guide: usize| MoreLink {
            count,
            href: list_page_name(guide / per_page + 1),
        };
        NavWindow {
            range: start..end,
            earlier: (start > 0).then(|| more(start, start - 1)),
            later: (end < len).then(|| more(len - end, end)),
        }
    }
}

impl<'a> Layout<'a> {
    pub(super) fn new(guides: &'a [Arc<Guide>]) -> Self {
        let mut sections: BTreeMap<&str, Vec<&Guide>> = BTreeMap::new();
        let mut intros = HashMap::new();
        for guide in guides {
            let folder = folder_of(&guide.slug);
            if is_intro(guide) {
                intros.insert(folder, &**guide);
                // An intro makes its folder a section even with no guide directly in it (only
                // sub-folders): otherwise the intro gets no page and links to it lead nowhere.
                sections.entry(folder).or_default();
            } else {
                sections.entry(folder).or_default().push(guide);
            }
        }
        for list in sections.values_mut() {
            list.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        }
        Layout { sections, intros }
    }

    /// Sub-folders in reading order: by their intro's `order`, then title, then name.
    pub(super) fn sub_sections(&self) -> Vec<&str> {
        let mut folders: Vec<&str> = self.sections.keys().copied().filter(|f| !f.is_empty()).collect();
        folders.sort_by_key(|folder| {
            let intro = self.intros.get(*folder);
            (
                intro.and_then(|g| g.front.order).unwrap_or(i64::MAX),
                intro.map(|g| g.front.title.clone()),
                folder.to_string(),
            )
        });
        folders
    }

    /// Every guide (introductions aside) in reading order: the guides at the top, then each
    /// section's in the order of `sub_sections`. The guide pager walks this one list, so that
    /// the last guide of a section leads on to the first of the next: no guide is a dead end.
    pub(super) fn reading_order(&self) -> Vec<&'a Guide> {
        std::iter::once("")
            .chain(self.sub_sections())
            .filter_map(|folder| self.sections.get(folder))
            .flatten()
            .copied()
            .collect()
    }

    /// The folder's title: its intro's, or else the folder's own name.
    pub(super) fn title(&self, folder: &str) -> String {
        self.intros.get(folder).map_or_else(
            || folder.rsplit('/').next().unwrap_or(folder).to_string(),
            |g| g.front.title.clone(),
        )
    }
}

fn order_key(guide: &Guide) -> (i64, &str, &str) {
    (guide.front.order.unwrap_or(i64::MAX), &guide.front.title, &guide.slug)
}

impl Planner<'_> {
    pub(super) fn guide_summary(guide: &Guide, root: &str) -> GuideSummary {
        GuideSummary {
            title: guide.front.title.clone(),
            summary: guide.front.summary.clone(),
            href: format!("{root}{}", encode_path(&guide_path(guide))),
        }
    }

    /// How many guides a section's list page holds (`guides_per_page`).
    pub(super) fn guides_per_page(&self) -> usize {
        self.content
            .site
            .guides_per_page
            .as_ref()
            .map_or(DEFAULT_GUIDES_PER_PAGE, |n| (n.value as usize).max(1))
    }

    /// The top-level guides of the guides index's first page and the sections, for the home
    /// page and the guides index; on the home page (`root` empty) a link to the rest, if any.
    pub(super) fn guide_list(&self, root: &str) -> GuideList {
        let layout = &self.guides;
        let per_page = self.guides_per_page();
        let top = layout.sections.get("").map_or(&[][..], Vec::as_slice);
        let guides = top
            .iter()
            .take(per_page)
            .map(|g| Self::guide_summary(g, root))
            .collect();
        let more = (root.is_empty() && top.len() > per_page).then(|| MoreLink {
            count: top.len() - per_page,
            href: list_page_path("", 2),
        });
        let sections = layout
            .sub_sections()
            .into_iter()
            .map(|folder| SectionSummary {
                title: layout.title(folder),
                summary: layout.intros.get(folder).and_then(|g| g.front.summary.clone()),
                href: format!("{root}{}", encode_path(&section_path(folder))),
                count: layout.sections.get(folder).map_or(0, Vec::len),
            })
            .collect();
        GuideList { guides, sections, more }
    }

    pub(super) fn section_navs(&self) -> BTreeMap<String, SectionNav> {
        self.guides
            .sections
            .iter()
            .map(|(folder, list)| {
                let nav = SectionNav {
                    title: (!folder.is_empty()).then(|| self.guides.title(folder)),
                    href: encode_path(&section_path(folder)).into_owned(),
                    pages: list
                        .iter()
                        .map(|g| {
                            let path = guide_path(g);
                            let name = path.rsplit('/').next().unwrap_or(&path);
                            let href = encode_path(name).into_owned();
                            NavLink {
                                title: g.front.title.clone(),
                                href,
                                path,
                            }
                        })
                        .collect(),
                    per_page: self.guides_per_page(),
                };
                (folder.to_string(), nav)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{guide, minimal, today};
    use super::*;

    fn slugs<'a>(layout: &Layout<'a>, folder: &str) -> Vec<&'a str> {
        layout.sections[folder].iter().map(|g| g.slug.as_str()).collect()
    }

    #[test]
    fn guides_are_read_by_order_then_title_then_path() {
        let guides = [
            guide("b", "Alpha", None, ""),
            guide("d", "Beta", Some(2), ""),
            guide("a", "Alpha", None, ""),
            guide("c", "Zeta", Some(1), ""),
        ];
        let layout = Layout::new(&guides);
        assert_eq!(slugs(&layout, ""), ["c", "d", "a", "b"]);
    }

    #[test]
    fn an_introduction_makes_its_folder_a_section_and_names_it() {
        let guides = [
            guide("a/_index", "All about A", None, ""),
            guide("a/b/x", "X", None, ""),
        ];
        let layout = Layout::new(&guides);
        assert!(
            slugs(&layout, "a").is_empty(),
            "the intro is not one of the section's guides"
        );
        assert_eq!(slugs(&layout, "a/b"), ["a/b/x"]);
        assert_eq!(layout.title("a"), "All about A");
        assert_eq!(layout.title("a/b"), "b", "a folder without intro is named after itself");
    }

    #[test]
    fn sections_are_ordered_by_their_introductions_then_by_name() {
        let guides = [
            guide("m/x", "X", None, ""),
            guide("a/_index", "A", Some(2), ""),
            guide("z/_index", "Z", Some(1), ""),
        ];
        assert_eq!(Layout::new(&guides).sub_sections(), ["z", "a", "m"]);
    }

    #[test]
    fn the_reading_order_runs_through_every_section_after_the_top_guides() {
        let guides = [
            guide("z/_index", "Z", Some(1), ""),
            guide("z/y", "Y", None, ""),
            guide("a/x", "X", None, ""),
            guide("top", "Top", Some(9), ""),
            guide("a/w", "W", Some(1), ""),
        ];
        let layout = Layout::new(&guides);
        let order: Vec<&str> = layout.reading_order().iter().map(|g| g.slug.as_str()).collect();
        assert_eq!(
            order,
            ["top", "z/y", "a/w", "a/x"],
            "introductions are sections, not guides"
        );
    }

    #[test]
    fn an_introduction_is_published_as_its_folders_page() {
        let path = |slug: &str| guide_path(&guide(slug, "T", None, ""));
        assert_eq!(path("_index"), "guides/index.html");
        assert_eq!(path("a/_index"), "guides/a/index.html");
        assert_eq!(path("a/x"), "guides/a/x.html");
        assert_eq!(section_path(""), "guides/index.html");
        assert_eq!(section_path("a/b"), "guides/a/b/index.html");
    }

    #[test]
    fn section_navigation_links_its_pages_by_encoded_file_name() {
        let mut model = minimal();
        model.content.guides.push(guide("sub/a b", "Spaced", None, ""));
        let planner = Planner::new(&model, today());
        let navs = planner.section_navs();
        let top = &navs[""];
        assert_eq!((top.title.as_deref(), top.href.as_str()), (None, "guides/index.html"));
        let sub = &navs["sub"];
        assert_eq!(
            (sub.title.as_deref(), sub.href.as_str()),
            (Some("sub"), "guides/sub/index.html")
        );
        let links: Vec<(&str, &str)> = sub.pages.iter().map(|p| (p.href.as_str(), p.path.as_str())).collect();
        assert_eq!(
            links,
            [
                ("second.html", "guides/sub/second.html"),
                ("a%20b.html", "guides/sub/a b.html")
            ]
        );
    }

    #[test]
    fn a_guide_in_a_section_that_fits_one_list_page_lists_all_of_it() {
        assert_eq!(
            NavWindow::of(100, 100, 57),
            NavWindow {
                range: 0..100,
                earlier: None,
                later: None
            }
        );
    }

    #[test]
    fn a_guide_in_a_big_section_lists_its_neighbours_and_links_to_the_list_pages_of_the_rest() {
        let more = |count, href: &str| {
            Some(MoreLink {
                count,
                href: href.into(),
            })
        };
        // 250 guides, 100 a page: guide 150 is on the second page.
        assert_eq!(
            NavWindow::of(250, 100, 150),
            NavWindow {
                range: 140..161,
                earlier: more(140, "index-2.html"),
                later: more(89, "index-2.html"),
            }
        );
        // Near the ends the window keeps its size; the guide just before or after it is what
        // the link leads to.
        assert_eq!(
            NavWindow::of(250, 100, 2),
            NavWindow {
                range: 0..21,
                earlier: None,
                later: more(229, "index.html"),
            }
        );
        assert_eq!(
            NavWindow::of(250, 100, 249),
            NavWindow {
                range: 229..250,
                earlier: more(229, "index-3.html"),
                later: None,
            }
        );
        // Small pages make a small window: 5 a page lists the guide and two on either side.
        assert_eq!(NavWindow::of(12, 5, 6).range, 4..9);
        assert_eq!(NavWindow::of(3, 1, 1).range, 1..2);
    }

    #[test]
    fn list_pages_are_numbered_after_the_first_and_a_guide_may_not_take_their_names() {
        assert_eq!(list_page_path("", 1), "guides/index.html");
        assert_eq!(list_page_path("a/b", 1), section_path("a/b"));
        assert_eq!(list_page_path("a/b", 12), "guides/a/b/index-12.html");
        assert_eq!(
            (list_pages(0, 100), list_pages(100, 100), list_pages(101, 100)),
            (1, 1, 2)
        );
        for name in ["index", "index-2", "index-0", "index-1234"] {
            assert!(is_list_page_name(name), "{name}");
        }
        for name in ["index-", "index-2a", "index2", "indexes", "my-index-2", "_index"] {
            assert!(!is_list_page_name(name), "{name}");
        }
    }

    #[test]
    fn pagination_shows_the_ends_this_page_and_its_neighbours_with_gaps_between() {
        let numbers = |current, total| -> String {
            let pagination = pagination(current, total).expect("more than one page");
            pagination
                .numbers
                .iter()
                .map(|n| match (n.number, n.current) {
                    (Some(n), true) => format!("[{n}]"),
                    (Some(n), false) => n.to_string(),
                    (None, _) => "…".into(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(pagination(1, 1), None, "one page needs no pagination");
        assert_eq!(numbers(1, 2), "[1] 2");
        assert_eq!(numbers(1, 9), "[1] 2 … 9");
        assert_eq!(numbers(5, 9), "1 … 4 [5] 6 … 9");
        assert_eq!(
            numbers(3, 9),
            "1 2 [3] 4 … 9",
            "one number left out is shown, not a gap"
        );
        assert_eq!(numbers(9, 9), "1 … 8 [9]");
        assert_eq!(numbers(250, 500).split(' ').count(), 7, "bounded, however many pages");
        let middle = pagination(5, 9).unwrap();
        assert_eq!(
            (middle.prev.as_deref(), middle.next.as_deref()),
            (Some("index-4.html"), Some("index-6.html"))
        );
        let first = pagination(1, 9).unwrap();
        assert_eq!(
            (first.prev, first.numbers[0].href.as_deref()),
            (None, Some("index.html"))
        );
    }

    #[test]
    fn the_guide_list_holds_the_top_guides_and_each_section_with_its_count() {
        let model = minimal();
        let list = Planner::new(&model, today()).guide_list("../");
        let guides: Vec<(&str, &str)> = list
            .guides
            .iter()
            .map(|g| (g.title.as_str(), g.href.as_str()))
            .collect();
        assert_eq!(guides, [("First guide", "../guides/first.html")]);
        assert_eq!(list.guides[0].summary.as_deref(), Some("The first one."));
        let sections: Vec<(&str, &str, usize)> = list
            .sections
            .iter()
            .map(|s| (s.title.as_str(), s.href.as_str(), s.count))
            .collect();
        assert_eq!(sections, [("sub", "../guides/sub/index.html", 1)]);
    }
}
