//! What `content/changes.yaml` says: the change log, typed as loaded and not yet checked (its
//! dates and the items it names are checked in `validate`, which makes it `history::History`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::content::{Day, Id, Markdown};

/// `content/changes.yaml`: the change log, what changed in the rules (or in this guide) and when.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangesFile {
    pub changes: Vec<Change>,
}

/// One entry of the change log.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Used in links (`changes.html#change-<id>`) and as the feed entry's id: lower-case letters,
    /// digits, `-` and `_`; never change it once published.
    pub id: Id,
    /// The day the change took effect, YYYY-MM-DD.
    pub effective: Day,
    /// The day it was made public, YYYY-MM-DD.
    #[serde(default)]
    pub announced: Option<Day>,
    pub kind: ChangeKind,
    /// One line.
    pub title: String,
    /// What changed and what it means for readers (Markdown).
    pub summary: Markdown,
    /// The items it touches, by id: a bare id, or `kind:id` (`material:photo`, `guide:after/x`)
    /// when two kinds share the id.
    #[serde(default)]
    pub affects: Vec<Id>,
    /// The source that announced it, by id (none for a correction of this guide's own text).
    #[serde(default)]
    pub source: Option<Id>,
}

/// What a change did.
#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A new rule, material, stage...
    Added,
    /// A rule that now says something else.
    Changed,
    /// A rule no longer in force.
    Removed,
    /// The same rule, explained better.
    Clarified,
    /// A mistake in this guide's text, put right.
    Correction,
}

impl ChangeKind {
    /// The name used in content, labels and anchors.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Changed => "changed",
            ChangeKind::Removed => "removed",
            ChangeKind::Clarified => "clarified",
            ChangeKind::Correction => "correction",
        }
    }
}
