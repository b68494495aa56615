//! What one plan keeps for the next (`serve`): rendered Markdown, each guide page with a hash of
//! its inputs, the guides' structure and every other page. It must never change what a plan
//! holds, only how soon it is ready: a warm plan gives exactly the pages of a cold one.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use ahash::AHashMap as HashMap;
use chrono::NaiveDate;

use super::guides::{GuideStructure, MemoPage};
use super::{Page, SiteView};
use crate::diagnostics::Diagnostic;
use crate::model::Content;
use crate::markdown;

/// What one plan leaves for the next (`serve`): rendered Markdown, and each guide's page with a
/// hash of everything it was made from. The default keeps nothing.
#[derive(Default)]
pub struct PlanCache {
    pub(super) enabled: bool,
    pub markdown: markdown::Cache,
    pub(super) guide_pages: HashMap<String, MemoPage>,
    /// Counts plans, to tell which kept guide pages the last one used.
    pub(super) generation: u64,
    /// What depends only on the guides' titles, order and introductions, with their signature.
    pub(super) guide_structure: Option<(u64, GuideStructure)>,
    /// Every page and file but the guide pages, with the signature of what it was made from.
    site_part: Option<(u64, SitePart)>,
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
    pub fn enabled() -> Self {
        PlanCache {
            enabled: true,
            markdown: markdown::Cache::enabled(),
            ..PlanCache::default()
        }
    }

    /// The site part kept from the last plan when `signature` (worked out only if this cache is
    /// enabled) is still the same, or else what `build` makes, kept for the next plan.
    pub(super) fn site_part_or_build(
        &mut self,
        signature: impl FnOnce() -> u64,
        build: impl FnOnce() -> Result<SitePart, Vec<Diagnostic>>,
    ) -> Result<SitePart, Vec<Diagnostic>> {
        let signature = self.enabled.then(signature);
        let part = match (self.site_part.take(), signature) {
            (Some((cached, part)), Some(signature)) if cached == signature => part,
            _ => build()?,
        };
        if let Some(signature) = signature {
            self.site_part = Some((signature, part.clone()));
        }
        Ok(part)
    }
}

/// A hash of everything the site part is made from: the whole content but the guides (which
/// change far more often than the rest; `guides_signature` covers what the site part takes from
/// them), and the date.
pub(super) fn site_signature(content: &Content, guides_signature: u64, today: NaiveDate) -> u64 {
    let mut skeleton = content.clone();
    skeleton.guides.clear();
    let mut hasher = ahash::AHasher::default();
    serde_json::to_vec(&skeleton).unwrap_or_default().hash(&mut hasher);
    guides_signature.hash(&mut hasher);
    today.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, guide, minimal, today};
    use super::super::Planner;
    use super::*;

    #[test]
    fn the_site_signature_leaves_out_the_guides_but_not_the_date_or_the_rules() {
        let mut model = minimal();
        let signature = |model: &crate::model::Model, today| site_signature(&model.content, 7, today);
        let before = signature(&model, today());
        model.content.guides.push(guide("new", "New", None, "Text."));
        assert_eq!(
            signature(&model, today()),
            before,
            "guides count through their own signature"
        );
        assert_ne!(site_signature(&model.content, 8, today()), before);
        assert_ne!(signature(&model, day("2026-11-28")), before);
        model.content.materials[0].name = "Identity card".into();
        assert_ne!(signature(&model, today()), before);
    }

    #[test]
    fn an_enabled_cache_hands_on_the_site_part_while_its_signature_holds() {
        let model = minimal();
        let planner = Planner::new(&model, today());
        let build = || planner.site_part(&[]);
        let unused = || -> Result<SitePart, Vec<Diagnostic>> { panic!("the kept site part should be used") };
        let mut cache = PlanCache::enabled();
        let first = cache.site_part_or_build(|| 1, build).expect("the site part");
        let kept = cache.site_part_or_build(|| 1, unused).expect("the site part");
        assert!(Arc::ptr_eq(&first.before[0], &kept.before[0]));
        let rebuilt = cache.site_part_or_build(|| 2, build).expect("the site part");
        assert!(
            !Arc::ptr_eq(&first.before[0], &rebuilt.before[0]),
            "a new signature builds anew"
        );
        let mut off = PlanCache::default();
        off.site_part_or_build(|| panic!("no signature without a cache"), build)
            .expect("the site part");
        assert!(off.site_part.is_none(), "a disabled cache keeps nothing");
    }
}
