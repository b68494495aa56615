//! Raw HTML written in content, made safe: the HTML a Markdown text renders to is cleaned by
//! `ammonia` when the text holds raw HTML, keeping what guides need (tables, `details`, `kbd`,
//! `sup`/`sub`, images, ids and classes) and dropping scripts, event handlers, `style`,
//! `iframe`, `object`, `form` and `javascript:`/`data:` addresses. Each fragment the cleaning
//! changes is named, so `check` can warn about it where it is written.
//! The rule it keeps: one list of what is allowed, used both to clean and to explain.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Elements kept (ammonia's own safe list, less the ones a guide has no use for).
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Attributes kept on every element: the theme styles ids and classes.
const GENERIC_ATTRIBUTES: &[&str] = &["id", "class", "title", "lang", "dir", "aria-hidden", "aria-label"];

/// Attributes kept on one element. No `style` anywhere: the pages' Content-Security-Policy
/// would block it anyway (Markdown tables align their `:---:` columns with `align-*` classes).
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("img", &["src", "alt", "width", "height"]),
    ("ol", &["start", "reversed"]),
    ("td", &["colspan", "rowspan", "headers"]),
    ("th", &["colspan", "rowspan", "headers", "scope"]),
    ("time", &["datetime"]),
    ("details", &["open"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("del", &["datetime"]),
    ("ins", &["datetime"]),
];

/// Address schemes kept in `href` and `src`; relative addresses are kept too.
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Elements removed with everything inside them, not only their tags.
const REMOVED_WITH_CONTENT: &[&str] = &["script", "style", "iframe", "object", "embed", "template", "noscript"];

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        let tag_attributes: HashMap<&str, HashSet<&str>> = TAG_ATTRIBUTES
            .iter()
            .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
            .collect();
        builder
            .tags(TAGS.iter().copied().collect())
            .clean_content_tags(REMOVED_WITH_CONTENT.iter().copied().collect())
            .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
            .tag_attributes(tag_attributes)
            .url_schemes(SCHEMES.iter().copied().collect())
            .link_rel(None);
        builder
    })
}

/// `html` with everything not on the lists removed.
pub fn clean(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// What cleaning removes from one fragment of raw HTML as written (a tag, or a block of
/// HTML), in a few words each; empty when it is kept as it is.
pub fn problems(fragment: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in opening_tags(fragment) {
        let name = tag.name.to_ascii_lowercase();
        if !TAGS.contains(&name.as_str()) {
            let how = if REMOVED_WITH_CONTENT.contains(&name.as_str()) {
                " with its content"
            } else {
                ""
            };
            found.push(format!("`<{name}>` is removed{how}"));
            continue;
        }
        for (attribute, value) in &tag.attributes {
            let attribute = attribute.to_ascii_lowercase();
            if attribute == "style" {
                found.push(format!(
                    "the style `{}` of `<{name}>` is removed (the pages allow no inline style; use a class the theme styles, such as `align-center`)",
                    shorten(value)
                ));
            } else if !attribute_allowed(&name, &attribute) {
                found.push(format!("the attribute `{attribute}` of `<{name}>` is removed"));
            } else if (attribute == "href" || attribute == "src") && !address_allowed(value) {
                found.push(format!("the address `{}` of `<{name}>` is removed", shorten(value)));
            }
        }
    }
    found
}

/// The `src` of each `<img>` in a fragment of raw HTML, as written.
pub fn image_sources(fragment: &str) -> Vec<String> {
    opening_tags(fragment)
        .into_iter()
        .filter(|tag| tag.name.eq_ignore_ascii_case("img"))
        .flat_map(|tag| tag.attributes)
        .filter(|(attribute, _)| attribute.eq_ignore_ascii_case("src"))
        .map(|(_, value)| value)
        .collect()
}

/// Whether a Markdown link's destination survives cleaning.
pub fn address_allowed(address: &str) -> bool {
    // Most links are paths or `https:`: no scheme to read, nothing to copy.
    if !address.contains(':') {
        return true;
    }
    let squeezed: String = address
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match squeezed.split_once(':') {
        // A colon after a `/`, `?` or `#` is part of a relative address, not a scheme.
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => SCHEMES.contains(&scheme),
        _ => true,
    }
}

fn attribute_allowed(tag: &str, attribute: &str) -> bool {
    GENERIC_ATTRIBUTES.contains(&attribute)
        || TAG_ATTRIBUTES
            .iter()
            .any(|(name, attributes)| *name == tag && attributes.contains(&attribute))
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// An opening tag as written: its name and attributes (values unquoted).
struct OpeningTag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The opening tags of a fragment, read leniently (as a browser would, roughly): closing tags,
/// comments and declarations are skipped.
fn opening_tags(fragment: &str) -> Vec<OpeningTag> {
    let mut tags = Vec::new();
    let mut rest = fragment;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .unwrap_or(rest.len());
        if name_len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name = rest[..name_len].to_string();
        rest = &rest[name_len..];
        let (attributes, after) = read_attributes(rest);
        rest = after;
        tags.push(OpeningTag { name, attributes });
    }
    tags
}

/// The attributes up to the end of a tag, and the text after it.
fn read_attributes(mut rest: &str) -> (Vec<(String, String)>, &str) {
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() || rest.starts_with('>') {
            return (attributes, rest.get(1..).unwrap_or(""));
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len())
            .max(1);
        let name = rest[..name_len].to_string();
        rest = rest[name_len..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (text, remaining) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    let end = inner.find(quote).unwrap_or(inner.len());
                    (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = text.to_string();
            rest = remaining;
        }
        attributes.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_styles_frames_and_script_addresses_are_removed() {
        let dirty = r#"<p onclick="x()" style="color:red">Hi<script>alert(1)</script></p><iframe src="https://e.org"></iframe><a href="javascript:alert(1)">a</a><img src="data:image/png;base64,AA" alt="x"><form><input></form>"#;
        let cleaned = clean(dirty);
        for gone in [
            "onclick",
            "color",
            "<script",
            "alert",
            "<iframe",
            "javascript:",
            "data:",
            "<form",
            "<input",
        ] {
            assert!(!cleaned.contains(gone), "{gone} left in {cleaned}");
        }
        assert!(cleaned.contains("<p>Hi</p>"), "{cleaned}");
    }

    #[test]
    fn what_guides_need_is_kept() {
        let kept = r##"<details open><summary>More</summary><p id="x" class="note">Press <kbd>Ctrl</kbd>, H<sub>2</sub>O, x<sup>2</sup></p></details><table><tr><th class="align-center">a</th></tr></table><img src="img/a.png" alt="a"><a href="../stages/a.html#b">b</a><a href="https://example.org/">c</a>"##;
        let cleaned = clean(kept);
        for part in [
            "<details open=\"\">",
            "<summary>",
            "<kbd>",
            "<sub>",
            "<sup>",
            "id=\"x\"",
            "class=\"note\"",
            "<th class=\"align-center\">",
            "src=\"img/a.png\"",
            "href=\"../stages/a.html#b\"",
            "href=\"https://example.org/\"",
        ] {
            assert!(cleaned.contains(part), "{part} lost from {cleaned}");
        }
        assert!(problems(kept).is_empty(), "{:?}", problems(kept));
    }

    #[test]
    fn each_removal_is_named_in_words() {
        assert_eq!(problems("<script>"), ["`<script>` is removed with its content"]);
        assert_eq!(
            problems(r#"<img src=x onerror="alert(1)">"#),
            ["the attribute `onerror` of `<img>` is removed"]
        );
        assert_eq!(
            problems(r#"<a href=" JavaScript:alert(1)">"#),
            ["the address ` JavaScript:alert(1)` of `<a>` is removed"]
        );
        assert_eq!(
            problems(r#"<td style="text-align: center">"#),
            ["the style `text-align: center` of `<td>` is removed (the pages allow no inline style; use a class the theme styles, such as `align-center`)"]
        );
        assert!(!clean(r#"<table><tr><td style="text-align: center">a</td></tr></table>"#).contains("style"));
        assert!(problems("</script><!-- note --><br/>").is_empty());
    }

    #[test]
    fn relative_addresses_and_safe_schemes_are_allowed() {
        for kept in [
            "a.html",
            "../b/c.html#x:y",
            "?q=a:b",
            "#top",
            "https://e.org",
            "mailto:a@b.c",
            "tel:+861234",
        ] {
            assert!(address_allowed(kept), "{kept}");
        }
        for removed in [
            "javascript:alert(1)",
            "JAVASCRIPT:x",
            "java\tscript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!address_allowed(removed), "{removed}");
        }
    }
}
