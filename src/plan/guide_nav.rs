//! Where each guide goes and in which order: every folder of `content/guides/` is a section (its
//! `_index.md` the introduction), guides in reading order (`order`, then title, then path); the
//! guide lists and each section's navigation come from here. It decides paths, it renders nothing.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use ahash::AHashMap as HashMap;

use super::{GuideList, GuideSummary, NavLink, Planner, SectionNav, SectionSummary};
use crate::href::encode_path;
use crate::model::Guide;

/// The guides sorted into sections, in reading order.
pub struct Layout<'a> {
    /// Folder (`""` at the top) -> its guides, by `order`, then title, then path.
    pub(super) sections: BTreeMap<&'a str, Vec<&'a Guide>>,
    /// Folder -> its `_index.md`.
    pub(super) intros: HashMap<&'a str, &'a Guide>,
}

/// `a/b/x` -> `a/b`; `x` -> `""`.
pub(super) fn folder_of(slug: &str) -> &str {
    slug.rsplit_once('/').map(|(folder, _)| folder).unwrap_or("")
}

pub(super) fn is_intro(guide: &Guide) -> bool {
    guide.slug == "_index" || guide.slug.ends_with("/_index")
}

/// The page a guide becomes: `_index.md` is its folder's `index.html`.
pub(super) fn guide_path(guide: &Guide) -> String {
    if is_intro(guide) {
        match folder_of(&guide.slug) {
            "" => "guides/index.html".into(),
            folder => format!("guides/{folder}/index.html"),
        }
    } else {
        format!("guides/{}.html", guide.slug)
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
    pub fn new(guides: &'a [Arc<Guide>]) -> Self {
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

    /// The folder's title: its intro's, or else the folder's own name.
    pub(super) fn title(&self, folder: &str) -> String {
        self.intros
            .get(folder)
            .map(|g| g.front.title.clone())
            .unwrap_or_else(|| folder.rsplit('/').next().unwrap_or(folder).to_string())
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
                count: layout.sections.get(folder).map(Vec::len).unwrap_or(0),
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

impl SectionNav {
    /// A hash of the whole navigation: equal navigation, equal stamp.
    pub fn stamp(&self) -> u64 {
        let mut hasher = ahash::AHasher::default();
        self.hash(&mut hasher);
        hasher.finish()
    }
}
