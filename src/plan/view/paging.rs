//! The values of big sections of guides: a list of guides spread over numbered pages, and the
//! window of a section's navigation a guide page shows when the section is too big to list whole.
//! Plain data, like the rest of `view`: where the pages break and what each link says is decided
//! in `plan/guide_nav.rs`.

use serde::Serialize;

/// A link to more guides of a section than a page shows (`count` of them), on one of the
/// section's list pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Hash)]
pub struct MoreLink {
    pub count: usize,
    /// Relative to the page that shows it (a file name on the section's own pages).
    pub href: String,
}

/// Which entries of its section's navigation a guide page lists (`range`, into
/// `SectionNav::pages`), and links to the section's list pages holding the guides before and
/// after them. The whole section, without links, when it fits on one list page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavWindow {
    pub range: std::ops::Range<usize>,
    pub earlier: Option<MoreLink>,
    pub later: Option<MoreLink>,
}

/// `data.pagination` of a list spread over several pages: the pages before and after this one
/// and the numbered links between, with gaps (`number: None`) where the numbers are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pagination {
    /// This page's number, from 1.
    pub current: usize,
    /// How many pages the list has.
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The first, the last, this page and the pages on either side of it; the others are gaps.
    pub numbers: Vec<PageNumber>,
}

/// One entry of a [`Pagination`]'s numbers: a page, or a gap (`number` and `href` left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageNumber {
    pub number: Option<usize>,
    pub href: Option<String>,
    pub current: bool,
}
