//! The check of what materials say of each other: each id in a material's `same_as:` names
//! another material (a misspelt one is an error at its position, with the closest id as a hint),
//! never the material itself.

use super::{Checker, MATERIALS};
use crate::model::Material;

impl Checker<'_> {
    /// Reports each id of `material.same_as` that names no material, or names `material` itself.
    pub(super) fn same_as(&mut self, material: &Material) {
        for other in &material.same_as {
            if other.as_str() == material.id.as_str() {
                self.error(
                    MATERIALS,
                    other,
                    format!("material `{}` is said to be the same as itself", other.as_str()),
                    "`same_as:` lists the other materials that are this same document; leave this one out",
                );
            } else {
                self.reference("material", MATERIALS, other);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::yaml::Spanned;
    use chrono::NaiveDate;
    use std::path::Path;

    /// The messages `validate` gives the minimal fixture once `edit` has changed its content.
    fn messages(edit: impl FnOnce(&mut crate::model::Content)) -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        let mut loaded = crate::load::load(&root).unwrap_or_else(|(errors, _)| panic!("the fixture loads: {errors:?}"));
        edit(&mut loaded.content);
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let (_, diagnostics) = super::super::validate(loaded.content, day, day);
        diagnostics.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn a_material_may_be_the_same_document_as_another_but_not_as_itself_nor_as_an_unknown_one() {
        let ok = messages(|c| c.materials[0].same_as = vec![Spanned::detached("form".into())]);
        assert!(ok.iter().all(|m| !m.contains("material")), "{ok:?}");
        let itself = messages(|c| c.materials[0].same_as = vec![Spanned::detached("id_card".into())]);
        assert!(
            itself.contains(&"material `id_card` is said to be the same as itself".to_string()),
            "{itself:?}"
        );
        let unknown = messages(|c| c.materials[0].same_as = vec![Spanned::detached("from".into())]);
        assert!(unknown.contains(&"unknown material `from`".to_string()), "{unknown:?}");
    }
}
