//! The check of what materials say of each other: each id in a material's `same_as:` names
//! another material (a misspelt one is an error at its position, with the closest id as a hint),
//! never the material itself, and one that is needed under the same conditions and lists no
//! `same_as:` of its own (one material names all the roles, so the checklist shows it once,
//! whatever the answers; a chain or a loop would hide documents).

use std::collections::BTreeSet;

use super::{Checker, MATERIALS};
use crate::model::Material;

impl Checker<'_> {
    /// Reports each id of `material.same_as` that names no material, `material` itself, a
    /// material with roles of its own, or one needed under other conditions.
    pub(super) fn same_as(&mut self, material: &Material, materials: &[Material]) {
        let conditions = |m: &Material| m.when.iter().map(|c| c.value.clone()).collect::<BTreeSet<_>>();
        for other in &material.same_as {
            let named = materials.iter().find(|m| m.id.as_str() == other.as_str());
            if let Some(named) = named.filter(|m| !m.same_as.is_empty() && m.id.as_str() != material.id.as_str()) {
                self.error(
                    MATERIALS,
                    other,
                    format!("material `{}` lists roles of its own under `same_as`", named.id.as_str()),
                    "name every role of one document on one material: move its `same_as:` ids here and remove them there",
                );
                continue;
            }
            if let Some(named) = named.filter(|m| conditions(m) != conditions(material)) {
                self.error(
                    MATERIALS,
                    other,
                    format!(
                        "material `{}` is needed under other conditions (`when:`) than `{}`",
                        named.id.as_str(),
                        material.id.as_str()
                    ),
                    "`same_as:` joins roles of one document needed in the same cases: give both the same `when:`, or list them apart",
                );
                continue;
            }
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

    #[test]
    fn a_loop_a_chain_or_other_conditions_in_same_as_are_refused() {
        let looped = messages(|c| {
            c.materials[0].same_as = vec![Spanned::detached("form".into())];
            c.materials[3].same_as = vec![Spanned::detached("id_card".into())];
        });
        assert!(
            looped.contains(&"material `form` lists roles of its own under `same_as`".to_string()),
            "{looped:?}"
        );
        // `residence` is needed only `when: [non_local]`; `id_card` always.
        let conditional = messages(|c| c.materials[0].same_as = vec![Spanned::detached("residence".into())]);
        assert!(
            conditional.contains(
                &"material `residence` is needed under other conditions (`when:`) than `id_card`".to_string()
            ),
            "{conditional:?}"
        );
    }
}
