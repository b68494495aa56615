//! Markdown rendering with link rewriting, raw HTML allowed and not. The first byte chooses the
//! guide's folder, the page prefix for guide links and `allow_html`; the rest is the Markdown.
#![no_main]

use std::collections::HashSet;

use guidegen::markdown::{render, LinkBase};
use libfuzzer_sys::fuzz_target;

const FOLDERS: [&str; 4] = ["", "after", "a/b", "中文/x"];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let base = LinkBase {
        folder: FOLDERS[usize::from(flags & 3)],
        guides_prefix: (flags & 4 != 0).then_some("../guides/"),
        root: "",
        pages: None,
        allow_html: flags & 8 != 0,
        // Raw HTML as written: the sanitiser has a target of its own.
        trust_html: true,
    };
    let rendered = render(text, &base);

    let mut ids = HashSet::new();
    for heading in &rendered.headings {
        assert!(!heading.id.is_empty(), "a heading without an id: {heading:?}");
        assert!(
            ids.insert(heading.id.as_str()),
            "the anchor {:?} is given twice",
            heading.id
        );
        assert!((1..=6).contains(&heading.level));
    }
    for link in &rendered.links {
        assert!(link.offset < text.len(), "{link:?} lies outside the text");
        if let Some(slug) = &link.slug {
            // A resolved guide link never climbs out of `guides/` nor keeps a `.` or `..`.
            assert!(
                slug.split('/').all(|p| !matches!(p, "." | "..")) && !slug.starts_with('/'),
                "{link:?}"
            );
        }
    }
    if !base.allow_html {
        // Text keeps its quotes (`href="data:` may be text); a `<` in text is always escaped,
        // so these can only be markup.
        let lower = rendered.html.to_ascii_lowercase();
        for tag in ["<script", "<iframe", "<object", "<embed", "<svg"] {
            assert!(!lower.contains(tag), "`{tag}` with raw HTML off:\n{}", rendered.html);
        }
        for tag in ["<a href=\"", "<img src=\""] {
            for scheme in ["javascript:", "vbscript:", "data:"] {
                let markup = format!("{tag}{scheme}");
                assert!(
                    !lower.contains(&markup),
                    "`{markup}` with raw HTML off:\n{}",
                    rendered.html
                );
            }
        }
    }
});
