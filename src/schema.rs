//! JSON Schemas of the content files, generated from the model types, for YAML language servers.
//! `guidegen schema` writes them to docs/schema/; a test keeps the committed copies current.

use schemars::{schema_for, JsonSchema, Schema};

use crate::model::*;

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
        named::<HolidaysFile>("holidays.schema.json", "content/holidays.yaml"),
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
