//! What one plan keeps for the next (`serve`): rendered Markdown, each guide page, the guides'
//! structure and every other page, each in a `Memo` under the stamp of what it was made from.
//! It must never change what a plan holds, only how soon it is ready: a warm plan gives exactly
//! the pages of a cold one.

use std::sync::Arc;

use chrono::NaiveDate;

use super::guides::GuideStructure;
use super::{Page, SiteView};
use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::memo::{Memo, Stamp};
use crate::model::history::History;
use crate::model::Content;

/// What one plan leaves for the next. The default keeps nothing.
#[derive(Default)]
pub struct PlanCache {
    /// Guides' Markdown as HTML, by the stamp of the text and how its links are resolved.
    pub(super) markdown: Memo<Stamp, Arc<markdown::Rendered>>,
    /// Each guide's page, by its slug.
    pub(super) guide_pages: Memo<String, Arc<Page>>,
    /// What depends only on the guides' paths, front matter and introductions.
    pub(super) guide_structure: Memo<(), GuideStructure>,
    /// Every page and file but the guide pages.
    pub(super) site_part: Memo<(), SitePart>,
}

/// The pages and files of a site other than its guide pages.
#[derive(Clone)]
pub(super) struct SitePart {
    pub(super) site: SiteView,
    pub(super) before: Vec<Arc<Page>>,
    pub(super) after: Vec<Arc<Page>>,
    pub(super) raw_files: Vec<(String, Arc<[u8]>)>,
    pub(super) warnings: Vec<Diagnostic>,
}

impl PlanCache {
    /// A cache that keeps what each plan made for the next.
    pub fn keeping() -> Self {
        PlanCache {
            markdown: Memo::keeping(),
            guide_pages: Memo::keeping(),
            guide_structure: Memo::keeping(),
            site_part: Memo::keeping(),
        }
    }
}

/// The stamp of everything the site part is made from: every rule and the date. The guides count
/// through `structure` (their paths, front matter and introductions): their bodies, which change
/// far more often than the rest, appear on no page of the site part.
pub(super) fn site_part_stamp(content: &Content, history: &History, structure: Stamp, today: NaiveDate) -> Stamp {
    // Spelled out whole, so that a field added to `Content` does not compile until it is stamped.
    let Content {
        site,
        subject_groups,
        subjects,
        conditions,
        materials,
        stages,
        events,
        deadlines,
        forms,
        providers,
        guides: _,
        holidays,
        changes,
    } = content;
    Stamp::of(&(
        (
            site,
            subject_groups,
            subjects,
            conditions,
            materials,
            stages,
            events,
            deadlines,
            forms,
            providers,
        ),
        holidays,
        changes,
        history,
        structure,
        today,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, guide, minimal, today};
    use super::*;

    #[test]
    fn the_site_part_stamp_leaves_out_the_guides_but_not_the_date_or_the_rules() {
        let mut model = minimal();
        let structure = Stamp::of(&7);
        let stamp =
            |model: &crate::model::Model, today| site_part_stamp(&model.content, &model.history, structure, today);
        let before = stamp(&model, today());
        model.content.guides.push(guide("new", "New", None, "Text."));
        assert_eq!(stamp(&model, today()), before, "guides count through their own stamp");
        assert_ne!(
            site_part_stamp(&model.content, &model.history, Stamp::of(&8), today()),
            before
        );
        assert_ne!(stamp(&model, day("2026-11-28")), before);
        model.content.materials[0].name = "Identity card".into();
        assert_ne!(stamp(&model, today()), before);
    }
}
