//! The rules over time, as the model keeps them: the checked change log and, when items have
//! versions, every version as written. The model's `content` is one day's cut of these; the
//! change log tells readers what changed, and when, on that day's pages.
//! Rule: a change is "past" on a day when it took effect on or before it, "coming" after it.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use super::{Change, Content};

/// The kinds of item a change can affect, which are also the kinds that have versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Subject,
    Condition,
    Material,
    Stage,
    Deadline,
    Form,
    Guide,
}

impl ItemKind {
    pub const ALL: [ItemKind; 7] = [
        ItemKind::Subject,
        ItemKind::Condition,
        ItemKind::Material,
        ItemKind::Stage,
        ItemKind::Deadline,
        ItemKind::Form,
        ItemKind::Guide,
    ];

    /// The word content uses for it, as in `material:photo`.
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Subject => "subject",
            ItemKind::Condition => "condition",
            ItemKind::Material => "material",
            ItemKind::Stage => "stage",
            ItemKind::Deadline => "deadline",
            ItemKind::Form => "form",
            ItemKind::Guide => "guide",
        }
    }

    /// The content file items of this kind are written in (guides each have their own).
    pub fn file(self) -> &'static Path {
        Path::new(match self {
            ItemKind::Subject => "content/subjects.yaml",
            ItemKind::Condition => "content/conditions.yaml",
            ItemKind::Material => "content/materials.yaml",
            ItemKind::Stage => "content/stages.yaml",
            ItemKind::Deadline => "content/deadlines.yaml",
            ItemKind::Form => "content/forms.yaml",
            ItemKind::Guide => "content/guides",
        })
    }

    /// `kind:id`, as a change's `affects:` may write it.
    pub fn reference(self, id: &str) -> String {
        format!("{}:{id}", self.name())
    }
}

/// One item a change affects.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ItemRef {
    pub kind: ItemKind,
    pub id: String,
}

/// A change log entry, checked: its dates parsed and what it affects resolved.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct ChangeEntry {
    #[serde(flatten)]
    pub change: Change,
    #[serde(skip)]
    pub effective: NaiveDate,
    #[serde(skip)]
    pub announced: Option<NaiveDate>,
    #[serde(rename = "affects_items")]
    pub affects: Vec<ItemRef>,
}

/// The change log, newest first, and every version of every item.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub changes: Vec<ChangeEntry>,
    /// The content with every version of every item, when some item has versions (otherwise it
    /// is the model's content itself).
    pub versions: Option<Box<Content>>,
}

// Spelled out, so that the guides count by their paths and front matter (what the history shows
// of them) and not by their bodies: an edit of a guide's text must not re-render the other pages.
impl std::hash::Hash for History {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.changes.hash(state);
        if let Some(all) = &self.versions {
            let Content {
                site: _,
                subject_groups: _,
                subjects,
                conditions,
                materials,
                stages,
                events: _,
                deadlines,
                forms,
                providers: _,
                guides,
                holidays: _,
                changes: _,
            } = all.as_ref();
            (subjects, conditions, materials, stages, deadlines, forms).hash(state);
            for guide in guides {
                (&guide.slug, &guide.front).hash(state);
            }
        }
    }
}

impl History {
    /// The newest change in force on `day` that affects the item.
    pub fn last_change(&self, kind: ItemKind, id: &str, day: NaiveDate) -> Option<&ChangeEntry> {
        self.changes
            .iter()
            .filter(|c| c.effective <= day && c.touches(kind, id))
            .max_by_key(|c| c.effective)
    }

    /// Changes to the item that take effect after `day`, soonest first.
    pub fn coming(&self, kind: ItemKind, id: &str, day: NaiveDate) -> Vec<&ChangeEntry> {
        let mut coming: Vec<&ChangeEntry> = self
            .changes
            .iter()
            .filter(|c| c.effective > day && c.touches(kind, id))
            .collect();
        coming.sort_by_key(|c| c.effective);
        coming
    }
}

impl ChangeEntry {
    pub fn touches(&self, kind: ItemKind, id: &str) -> bool {
        self.affects.iter().any(|item| item.kind == kind && item.id == id)
    }
}
