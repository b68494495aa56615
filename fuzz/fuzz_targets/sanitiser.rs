//! The sanitiser: any raw HTML to `sanitise::clean`, and any Markdown with raw HTML through
//! `markdown::render` as a site publishes it by default (cleaned, not trusted). The first byte
//! chooses which; `sanitise::problems` runs on the text too. What comes out is parsed as a
//! browser's tokenizer would see it (ammonia writes every attribute value in double quotes and
//! escapes `<` in text), and must hold no element, attribute or address that can run a script.
#![no_main]

use guidegen::markdown::{render, LinkBase};
use guidegen::sanitise;
use libfuzzer_sys::fuzz_target;

/// Elements that must never come out, whatever went in.
const FORBIDDEN: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "form", "input", "button",
    "textarea", "select", "svg", "math", "template", "noscript", "base", "meta", "link", "applet",
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let _ = sanitise::problems(text);
    let html = if mode & 1 == 0 {
        sanitise::clean(text)
    } else {
        let base = LinkBase {
            folder: "",
            guides_prefix: None,
            root: "",
            pages: None,
            allow_html: true,
            trust_html: false,
        };
        render(text, &base).html.to_string()
    };
    for tag in tags(&html) {
        assert!(!FORBIDDEN.contains(&tag.name.as_str()), "`<{}>` came out:\n{html}", tag.name);
        for (name, value) in &tag.attributes {
            assert!(!name.starts_with("on"), "the handler `{name}` came out:\n{html}");
            // The pages' policy would block an inline style; aligned table cells use classes.
            assert_ne!(name, "style", "a style attribute came out:\n{html}");
            if matches!(name.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href" | "srcset") {
                // What a browser's URL parser reads the scheme from: C0 controls and spaces
                // trimmed from both ends, tabs and line breaks removed everywhere. (Any other
                // control inside `java\x01script:` makes it no scheme at all: a relative address.)
                let address: String = decode(value)
                    .trim_matches(|c: char| c <= ' ')
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(!address.starts_with(scheme), "`{name}=\"{value}\"` came out:\n{html}");
                }
            }
        }
    }
});

struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The opening tags of serialised HTML: `<` followed by a letter starts one; attribute values are
/// double-quoted (as ammonia and pulldown-cmark write them); comments are skipped. Read as bytes,
/// so no step can land inside a character.
fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let text = |from: usize, to: usize| String::from_utf8_lossy(&bytes[from.min(to)..to]).to_ascii_lowercase();
    let find = |from: usize, stop: &dyn Fn(u8) -> bool| {
        bytes[from..].iter().position(|&b| stop(b)).map_or(bytes.len(), |at| from + at)
    };
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"<!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |end| i + end + 3);
            continue;
        }
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let name_end = find(i + 1, &|b| b.is_ascii_whitespace() || b == b'>' || b == b'/');
        let name = text(i + 1, name_end);
        i = name_end;
        let mut attributes = Vec::new();
        loop {
            i = find(i, &|b| !(b.is_ascii_whitespace() || b == b'/'));
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let end = find(i, &|b| b.is_ascii_whitespace() || b == b'=' || b == b'>' || b == b'/');
            let attribute = text(i, end);
            i = end;
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                let end = if bytes.get(i) == Some(&b'"') {
                    i += 1;
                    find(i, &|b| b == b'"')
                } else {
                    find(i, &|b| b.is_ascii_whitespace() || b == b'>')
                };
                value = String::from_utf8_lossy(&bytes[i.min(end)..end]).into_owned();
                i = if bytes.get(end) == Some(&b'"') { end + 1 } else { end };
            }
            if attribute.is_empty() {
                i += 1;
                continue;
            }
            attributes.push((attribute, value));
        }
        found.push(Tag { name, attributes });
    }
    found
}

/// Character references a browser decodes in an attribute value, enough to show a scheme:
/// `&#106;`, `&#x6A;`, `&colon;`, `&amp;`, `&quot;`, `&Tab;`, `&NewLine;`.
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|end| *end <= 12);
        let Some(end) = end else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
