//! What `content/forms.yaml` says: the printable forms, typed as loaded and not yet checked.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::content::{Confidence, Day, Id, Markdown};
use crate::yaml::Spanned;

/// `content/forms.yaml`: printable forms.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormsFile {
    pub forms: Vec<Form>,
}

/// A paper form to print, fill in by hand and sign.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// Used in the URL: `forms/<id>.html`.
    pub id: Id,
    /// The first day this version is in force, YYYY-MM-DD; left out, always was.
    #[serde(default)]
    pub effective_from: Option<Day>,
    /// The first day it is no longer in force, YYYY-MM-DD; left out, still is.
    #[serde(default)]
    pub effective_until: Option<Day>,
    pub title: String,
    /// Subject types or groups this form is for, by id. A subject type whose own `forms:` and
    /// whose groups' `forms:` are empty files the forms that name it (or one of its groups) here.
    #[serde(default)]
    pub subjects: Vec<Id>,
    /// Instructions shown above the form (Markdown).
    #[serde(default)]
    pub intro: Option<Markdown>,
    pub sections: Vec<FormSection>,
    /// The commitment the signer makes (Markdown).
    #[serde(default)]
    pub declaration: Option<Markdown>,
    /// Signature, seal and date boxes at the end.
    #[serde(default)]
    pub sign_boxes: Vec<SignBox>,
    #[serde(default)]
    pub confidence: Confidence,
    #[serde(default)]
    pub source: Option<Id>,
}

#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormSection {
    pub title: String,
    pub fields: Vec<FormField>,
}

/// One field: a label and room to write.
#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    pub label: String,
    #[serde(default)]
    pub kind: FieldKind,
    /// Lines of room to write, for `lines`.
    #[serde(default)]
    pub lines: Option<Spanned<u32>>,
    /// Choices to tick, for `choice`.
    #[serde(default)]
    pub options: Vec<String>,
    /// Small print under the field.
    #[serde(default)]
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Hash, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of handwriting.
    #[default]
    Text,
    /// Several lines of handwriting.
    Lines,
    /// Tick boxes from `options`.
    Choice,
    /// A date: boxes for the day, the month and the year, in the order of the site's language.
    Date,
}

#[derive(Debug, Clone, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignBox {
    pub label: String,
    pub kind: SignKind,
}

#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignKind {
    Signature,
    Seal,
    Date,
}
