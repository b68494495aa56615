//! Front matter: `load::split_front_matter` on any text, then the guide front matter parsed the
//! way `load` parses it, its diagnostic rendered as `check` prints it.
#![no_main]

use std::path::Path;

use guidegen::diagnostics::{self, SourceMap};
use guidegen::load::split_front_matter;
use guidegen::model::FrontMatter;
use guidegen::yaml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(split) = split_front_matter(text) else {
        return;
    };
    let base = text.as_ptr() as usize;
    let yaml_start = split.yaml.as_ptr() as usize - base;
    let body_start = split.body.as_ptr() as usize - base;
    // Both parts are slices of the text, in order, and the body runs to its end.
    assert!(yaml_start <= body_start && body_start <= text.len());
    assert_eq!(&text[yaml_start..yaml_start + split.yaml.len()], split.yaml);
    assert_eq!(body_start + split.body.len(), text.len());
    assert_eq!(text[..yaml_start].trim_end(), "---", "the opening line");
    if !split.body.is_empty() {
        let line = text[..body_start].matches('\n').count() as u32 + 1;
        assert_eq!(split.body_line, line, "the body's line number");
    }
    let file = Path::new("content/guides/fuzz.md");
    if let Err(diagnostic) = yaml::parse::<FrontMatter>(file, split.yaml) {
        let mut sources = SourceMap::default();
        sources.insert(file, split.yaml);
        let shown = diagnostics::render(&[diagnostic], &sources, false);
        assert!(shown.starts_with("error"), "{shown}");
    }
});
