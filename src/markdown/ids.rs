//! Ids that Markdown gives elements (heading anchors, footnotes), unique on the page they land on.
//! Rule: an id is never given twice on one page. A piece of Markdown avoids the ids the page's
//! templates write (`PAGE_IDS`, and those the plan says its templates build from data), the ids
//! the pieces rendered onto the same page before it gave ([`PageIds`]), and its own; a taken id
//! gets `-1`, `-2`, … A guide page holds one piece, so its anchors are what they always were.

use ahash::AHashSet as HashSet;
use std::sync::Arc;

use super::PAGE_IDS;

/// The ids already on one page: those its templates write and those the Markdown rendered onto
/// it so far gave. Start each page with [`PageIds::fresh`].
#[derive(Debug, Default, Clone)]
pub struct PageIds {
    /// Ids the templates build from data (`step-1`, `material-<id>`, …), shared by every page of
    /// a site: reserving them on every page made from the YAML files is simpler than knowing
    /// which page shows which, and costs nothing but a suffix on a heading that would clash.
    reserved: Arc<HashSet<String>>,
    /// Ids the Markdown already rendered onto this page gave.
    given: HashSet<String>,
}

impl PageIds {
    /// A page whose templates write `reserved` (besides `PAGE_IDS`) and no Markdown yet.
    pub fn new(reserved: impl IntoIterator<Item = String>) -> Self {
        PageIds {
            reserved: Arc::new(reserved.into_iter().collect()),
            given: HashSet::new(),
        }
    }

    /// The next page: the same reserved ids, none given yet.
    #[must_use]
    pub fn fresh(&self) -> Self {
        PageIds {
            reserved: Arc::clone(&self.reserved),
            given: HashSet::new(),
        }
    }

    /// Whether an element of the page already has `id`.
    pub fn is_taken(&self, id: &str) -> bool {
        PAGE_IDS.contains(&id) || self.reserved.contains(id) || self.given.contains(id)
    }

    /// Whether the page holds no Markdown's ids yet.
    pub fn is_empty(&self) -> bool {
        self.given.is_empty()
    }
}

/// Hands out each id of one piece once, avoiding the page's ids, and adds them to the page at
/// the end (`finish`).
pub(super) struct SlugSet<'p> {
    page: &'p mut PageIds,
    used: HashSet<String>,
}

impl<'p> SlugSet<'p> {
    pub(super) fn on(page: &'p mut PageIds) -> Self {
        SlugSet {
            page,
            used: HashSet::new(),
        }
    }

    /// `wanted`, or `wanted-1`, `wanted-2`, … when it is taken on the page or in this piece.
    pub(super) fn unique(&mut self, wanted: &str) -> String {
        let mut candidate = wanted.to_string();
        let mut n = 1;
        while self.page.is_taken(&candidate) || !self.used.insert(candidate.clone()) {
            candidate = format!("{wanted}-{n}");
            n += 1;
        }
        candidate
    }

    /// Whether this piece already gave `id`.
    pub(super) fn gave(&self, id: &str) -> bool {
        self.used.contains(id)
    }

    /// The piece is done: its ids are now the page's.
    pub(super) fn finish(self) {
        self.page.given.extend(self.used);
    }
}

/// Heading text to an anchor: lower-case, spaces to `-`, punctuation dropped, letters of any script kept.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        "section".into()
    } else {
        slug
    }
}
