//! Paths in the site as they go into links. A guide's file name is the name of its page, and a
//! name may hold characters with a meaning in a URL (`a b?.md` -> `a b?.html`): the written file
//! keeps the raw name, every link to it has those characters percent-encoded.

use std::borrow::Cow;

/// ASCII that would end or change a URL path (`?` a query, `#` a fragment, `%` an escape) or
/// that HTML and browsers treat loosely (space, quotes, brackets). `/` stays: it separates the
/// path's parts. Non-ASCII stays raw, as the pages have always had it: browsers encode it when
/// they follow the link, and the link checker decodes both forms.
fn needs_encoding(c: char) -> bool {
    c.is_ascii_control()
        || matches!(
            c,
            ' ' | '"' | '#' | '%' | '<' | '>' | '?' | '\\' | '`' | '^' | '{' | '|' | '}'
        )
}

/// `guides/a b?.html` -> `guides/a%20b%3F.html`; a path with nothing to encode is borrowed.
pub(crate) fn encode_path(path: &str) -> Cow<'_, str> {
    if !path.chars().any(needs_encoding) {
        return Cow::Borrowed(path);
    }
    let mut encoded = String::with_capacity(path.len() + 8);
    for c in path.chars() {
        if needs_encoding(c) {
            encoded.push_str(&format!("%{:02X}", c as u32));
        } else {
            encoded.push(c);
        }
    }
    Cow::Owned(encoded)
}

/// `a%20b%3F` -> `a b?`: a link as an author may write it to reach a file. Text that does not
/// decode to UTF-8 is taken as written.
pub(crate) fn decode_path(path: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .unwrap_or(Cow::Borrowed(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_ascii_specials_and_keeps_slashes_and_non_ascii() {
        assert_eq!(encode_path("guides/a b?#%.html"), "guides/a%20b%3F%23%25.html");
        assert_eq!(encode_path("guides/中文/x.html"), "guides/中文/x.html");
        assert!(matches!(encode_path("guides/a.html"), Cow::Borrowed(_)));
    }

    #[test]
    fn decoding_undoes_encoding() {
        let raw = "a b?#%\"<>{|}^`\\.md";
        assert_eq!(decode_path(&encode_path(raw)), raw);
        assert_eq!(decode_path("%E4%B8%AD"), "中");
        assert_eq!(decode_path("100%"), "100%");
    }
}
