//! JSON Schemas of the content files, generated from the model types, for YAML language servers.
//! `guidegen schema` writes them to docs/schema/; a test keeps the committed copies current.

use std::path::Path;

use schemars::{schema_for, JsonSchema, Schema};

use crate::diagnostics::Diagnostic;
use crate::model::*;

/// Writes every schema into `out` (created if missing); returns how many were written.
pub fn write_all(out: &Path) -> Result<usize, Diagnostic> {
    let schemas = all();
    let written = std::fs::create_dir_all(out).and_then(|()| {
        schemas
            .iter()
            .try_for_each(|(file, json)| std::fs::write(out.join(file), json))
    });
    written.map(|()| schemas.len()).map_err(|error| {
        Diagnostic::error(format!("cannot write schemas into `{}`: {error}", out.display()))
            .with_hint("pass a writable folder with --out")
    })
}

/// Each content file's schema, as (file name, pretty JSON ending in a newline).
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        named::<Site>("site.schema.json", "content/site.yaml"),
        named::<SubjectsFile>("subjects.schema.json", "content/subjects.yaml"),
        named::<ConditionsFile>("conditions.schema.json", "content/conditions.yaml"),
        named::<MaterialsFile>("materials.schema.json", "content/materials.yaml"),
        named::<StagesFile>("stages.schema.json", "content/stages.yaml"),
        named::<DeadlinesFile>("deadlines.schema.json", "content/deadlines.yaml"),
        named::<FormsFile>("forms.schema.json", "content/forms.yaml"),
        named::<ProvidersFile>("providers.schema.json", "content/providers.yaml"),
        named::<HolidaysFile>("holidays.schema.json", "content/holidays.yaml"),
        named::<ChangesFile>("changes.schema.json", "content/changes.yaml"),
        named::<FrontMatter>(
            "guide-front-matter.schema.json",
            "the front matter of content/guides/**/*.md",
        ),
    ]
}

fn named<T: JsonSchema>(file: &'static str, what: &str) -> (&'static str, String) {
    let mut schema: Schema = schema_for!(T);
    schema.insert("title".into(), format!("guidegen: {what}").into());
    let json = serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n";
    (file, json)
}
