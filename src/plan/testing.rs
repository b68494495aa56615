//! For the unit tests of planning: the model of `tests/fixtures/minimal` (the site the
//! integration tests build), loaded and validated as a build does, for each test to adjust.
//! Test-only; a test that changes the model keeps it valid unless breaking it is the point.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use super::{plan, Page, Plan, PlanCache};
use crate::model::Model;
use crate::model::{Body, FrontMatter, Guide, Id};
use crate::yaml::Spanned;

/// The fixture's site: 3 stages (`prepare`, `fill-in`, `review`), 2 subjects (`person`, in the
/// group `people`; `company`, in `organisations`), 4 materials, 1 condition (`non_local`), 2 deadlines
/// (`start` 2023-09-01, `future` 2030-01-01), 1 form, 1 source (`notice`), and the guides
/// `first` and `sub/second`.
pub(super) fn minimal() -> Model {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
    let loaded = crate::load::load(&root).unwrap_or_else(|(errors, _)| panic!("the fixture loads: {errors:?}"));
    let (model, diagnostics) = crate::validate::validate(loaded.content, today(), today());
    model.unwrap_or_else(|| panic!("the fixture is valid: {diagnostics:?}"))
}

/// The date the tests plan for (between the fixture's two deadlines).
pub(super) fn today() -> NaiveDate {
    day("2026-11-27")
}

pub(super) fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

/// An id as code makes it (no position).
pub(super) fn id(text: &str) -> Id {
    Spanned::detached(text.to_string())
}

/// A guide at `content/guides/<slug>.md`, as `load` would give it.
pub(super) fn guide(slug: &str, title: &str, order: Option<i64>, body: &str) -> Arc<Guide> {
    Arc::new(Guide {
        slug: slug.to_string(),
        file: format!("content/guides/{slug}.md").into(),
        front: FrontMatter {
            title: title.to_string(),
            order,
            summary: None,
            effective_from: None,
            effective_until: None,
        },
        body: Body::new(body),
        body_line: 5,
    })
}

/// `guide` with its body replaced.
pub(super) fn with_body(guide: &Guide, body: &str) -> Arc<Guide> {
    Arc::new(Guide {
        body: Body::new(body),
        ..guide.clone()
    })
}

/// The whole plan of `model` as of `today()`, kept in nothing.
pub(super) fn plan_of(model: &Model) -> Plan {
    plan(model, today(), &mut PlanCache::default()).unwrap_or_else(|errors| panic!("the site plans: {errors:?}"))
}

/// The error messages of a plan that must fail.
pub(super) fn plan_errors(model: &Model) -> Vec<String> {
    match plan(model, today(), &mut PlanCache::default()) {
        Ok(_) => panic!("the plan should have failed"),
        Err(errors) => errors.into_iter().map(|d| d.message).collect(),
    }
}

/// The page at `path`.
pub(super) fn page<'p>(plan: &'p Plan, path: &str) -> &'p Page {
    plan.pages
        .iter()
        .find(|p| p.path == path)
        .unwrap_or_else(|| panic!("no page `{path}` in {:?}", paths(plan)))
}

pub(super) fn paths(plan: &Plan) -> Vec<&str> {
    plan.pages.iter().map(|p| p.path.as_str()).collect()
}
