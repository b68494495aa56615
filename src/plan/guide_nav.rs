//! Where each guide goes and in which order: every folder of `content/guides/` is a section (its
//! `_index.md` the introduction), guides in reading order (`order`, then title, then path); the
//! guide lists and each section's navigation come from here. It decides paths, it renders nothing.

use std::collections::BTreeMap;
use std::sync::Arc;

use ahash::AHashMap as HashMap;

use super::{GuideList, GuideSummary, NavLink, Planner, SectionNav, SectionSummary};
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

    /// Top-level guides and the sections, for the home page and the guides index.
    pub(super) fn guide_list(&self, root: &str) -> GuideList {
        let layout = &self.guides;
        let guides = layout
            .sections
            .get("")
            .map(|list| list.iter().map(|g| Self::guide_summary(g, root)).collect())
            .unwrap_or_default();
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
        GuideList { guides, sections }
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
