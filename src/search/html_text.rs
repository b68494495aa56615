//! The visible text of a rendered page, read in one pass without building a tree: tags
//! removed, entities decoded, and what a reader does not see as the page's own text (scripts,
//! styles, navigation, hidden and decorative elements, elements marked `data-nosearch`,
//! comments) left out. It only reads bytes; what becomes of the text is up to the `TextOut` it
//! is handed to.

/// Where the visible text goes, character by character.
pub(super) trait TextOut {
    /// One character of text, as it appears (entities decoded).
    fn push(&mut self, c: char);
    /// A piece of text, as it appears: its characters one by one, unless the output takes it
    /// whole.
    fn push_str(&mut self, text: &str) {
        text.chars().for_each(|c| self.push(c));
    }
    /// A break between words: whitespace, or a tag that is not inline.
    fn boundary(&mut self);
}

/// The offset just past the start tag of the first element `name`, if there is one.
pub(super) fn content_start(html: &[u8], name: &str) -> Option<usize> {
    let open = find_tag(html, name, 0, false)?;
    Some(tag_end(html, open))
}

/// The first element `name`'s start tag: where its content starts, and the value of its
/// attribute `attr` (quotes removed; `None` when the tag lacks it or leaves it empty).
pub(super) fn start_tag_with(html: &[u8], name: &str, attr: &str) -> Option<(usize, Option<String>)> {
    let open = find_tag(html, name, 0, false)?;
    let end = tag_end(html, open);
    let value = attribute_starts(&html[open..end])
        .find_map(|rest| named(rest, attr.as_bytes()))
        .filter(|value| !value.is_empty())
        .map(|value| String::from_utf8_lossy(value).into_owned());
    Some((end, value))
}

/// Whether the `<` at `open` starts a tag `<name` or `</name` (any case): `Some(closing)`.
fn tag_named(html: &[u8], open: usize, name: &str) -> Option<bool> {
    let closing = html.get(open + 1) == Some(&b'/');
    let name_start = open + 1 + usize::from(closing);
    let name_end = name_start + name.len();
    let matched = html.len() > name_end
        && html[name_start..name_end].eq_ignore_ascii_case(name.as_bytes())
        && matches!(html[name_end], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    matched.then_some(closing)
}

/// The offset of the next `<name` (or `</name` when `closing`) at or after `from`.
fn find_tag(html: &[u8], name: &str, from: usize, closing: bool) -> Option<usize> {
    let mut at = from;
    while let Some(found) = find_either(html.get(at..)?, b'<', b'<') {
        let open = at + found;
        if tag_named(html, open, name) == Some(closing) {
            return Some(open);
        }
        at = open + 1;
    }
    None
}

/// The offset just past the `>` ending the tag that starts at `open` (quotes respected).
fn tag_end(html: &[u8], open: usize) -> usize {
    let mut quote = None;
    for (i, &b) in html.iter().enumerate().skip(open + 1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// How a tag bears on the text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// Inside a run of text (`<strong>`, `<a>`): no word break.
    Inline,
    /// Breaks words (`<p>`, `<li>`, `<br>`, and anything unknown).
    Block,
    /// No content and no closing tag (`<br>`, `<img>`).
    Void,
    /// Content left out: not shown, or not the page's own text. Navigation (the section's
    /// page list, the pager, a table of contents) repeats other pages' titles on every page.
    Skipped,
    /// Left out, and raw text: ended only by its closing tag.
    SkippedRaw,
}

fn tag_kind(name: &[u8]) -> TagKind {
    let mut lower = [0u8; 12];
    if name.len() > lower.len() {
        return TagKind::Block;
    }
    for (to, from) in lower.iter_mut().zip(name) {
        *to = from.to_ascii_lowercase();
    }
    match &lower[..name.len()] {
        // Not `small`: small print is set apart from what it follows (a form field's hint,
        // shown as a block under its label, would otherwise run into the label's last word).
        b"a" | b"abbr" | b"b" | b"bdi" | b"bdo" | b"cite" | b"code" | b"data" | b"del" | b"dfn" | b"em" | b"font"
        | b"i" | b"ins" | b"kbd" | b"mark" | b"q" | b"s" | b"samp" | b"span" | b"strong" | b"sub" | b"sup"
        | b"time" | b"tt" | b"u" | b"var" => TagKind::Inline,
        b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"link" | b"meta" | b"source"
        | b"track" | b"wbr" => TagKind::Void,
        b"noscript" | b"template" | b"nav" => TagKind::Skipped,
        b"script" | b"style" => TagKind::SkippedRaw,
        _ => TagKind::Block,
    }
}

/// Feeds the visible text of `html` from `from` up to the closing tag `</stop>` (or the end)
/// into `sink`: tags removed, entities decoded, skipped elements and [left out](left_out)
/// elements dropped (each a break between words).
pub(super) fn visible_text(html: &[u8], from: usize, stop: &str, sink: &mut impl TextOut) {
    let mut at = from;
    while at < html.len() {
        // The run of plain text up to the next markup.
        let next = find_either(&html[at..], b'<', b'&').map_or(html.len(), |p| at + p);
        if next > at {
            match std::str::from_utf8(&html[at..next]) {
                Ok(text) => sink.push_str(text),
                Err(_) => sink.push_str(&String::from_utf8_lossy(&html[at..next])),
            }
        }
        at = next;
        if at >= html.len() {
            break;
        }
        if html[at] == b'&' {
            let (decoded, len) = decode_entity(&html[at..]);
            sink.push(decoded.unwrap_or('&'));
            at += len;
            continue;
        }
        // A `<`: a comment, a tag, or (in broken HTML) a literal character.
        if html[at..].starts_with(b"<!--") {
            at = find_bytes(html, b"-->", at + 4).map_or(html.len(), |p| p + 3);
            continue;
        }
        let closing = html.get(at + 1) == Some(&b'/');
        let name_start = at + 1 + usize::from(closing);
        let name_len = html[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 && !matches!(html.get(at + 1), Some(b'!' | b'?' | b'/')) {
            sink.push('<');
            at += 1;
            continue;
        }
        let name = &html[name_start..name_start + name_len];
        if closing && name.eq_ignore_ascii_case(stop.as_bytes()) {
            return;
        }
        let end = tag_end(html, at);
        let kind = tag_kind(name);
        let has_content = !closing && kind != TagKind::Void && html[end - 1] == b'>' && html[end - 2] != b'/';
        if has_content && (matches!(kind, TagKind::Skipped | TagKind::SkippedRaw) || left_out(&html[at..end])) {
            at = skip_element(html, name, end, kind == TagKind::SkippedRaw);
            sink.boundary();
            continue;
        }
        if kind != TagKind::Inline {
            sink.boundary();
        }
        at = end;
    }
}

/// The position of the first `a` or `b` in `hay`, eight bytes at a time (most of a page is
/// markup to skip, so this is the hot loop of the index).
fn find_either(hay: &[u8], a: u8, b: u8) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (fill_a, fill_b) = (LOW * u64::from(a), LOW * u64::from(b));
    let has_zero = |x: u64| x.wrapping_sub(LOW) & !x & HIGH;
    let mut chunks = hay.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        if has_zero(word ^ fill_a) | has_zero(word ^ fill_b) != 0 {
            return chunk.iter().position(|&c| c == a || c == b).map(|p| offset + p);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == a || c == b)
        .map(|p| offset + p)
}

/// The offset of the first `needle` in `html` at or after `from`.
fn find_bytes(html: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    html.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The offset just past the closing tag of the element `name` whose start tag ends at `from`
/// (nested elements of the same name counted, except in raw text like a script). It looks for
/// the last letter of the name, not for every `<`: a navigation list is mostly short tags.
fn skip_element(html: &[u8], name: &[u8], from: usize, raw: bool) -> usize {
    let (Some(&last), Ok(name_str)) = (name.last(), std::str::from_utf8(name)) else {
        return from;
    };
    let mut depth = 1;
    let mut at = from;
    while let Some(found) = find_either(&html[at..], last.to_ascii_lowercase(), last.to_ascii_uppercase()) {
        let hit = at + found;
        at = hit + 1;
        // `<name` or `</name` ending at `hit`.
        let Some(before) = (hit + 1).checked_sub(name.len() + 1) else {
            continue;
        };
        let open = match html[before] {
            b'<' => before,
            b'/' if before > 0 && html[before - 1] == b'<' => before - 1,
            _ => continue,
        };
        match tag_named(html, open, name_str) {
            Some(true) => {
                depth -= 1;
                if depth == 0 || raw {
                    return tag_end(html, open);
                }
            }
            Some(false) if !raw => depth += 1,
            _ => {}
        }
    }
    html.len()
}

/// Whether the element that the start tag `tag` opens is left out of the text, with all it
/// holds: not shown (`hidden`), decorative (`aria-hidden="true"`: a tick box, an icon, which
/// separates the words around it), or marked by the theme as no text of the page
/// (`data-nosearch`: labels, buttons, anything the templates print on every page of a kind).
fn left_out(tag: &[u8]) -> bool {
    attribute_starts(tag).any(|rest| {
        named(rest, b"hidden").is_some()
            || named(rest, b"data-nosearch").is_some()
            || named(rest, b"aria-hidden").is_some_and(|value| value.eq_ignore_ascii_case(b"true"))
    })
}

/// The value of the attribute `name` in the start tag `tag` (`<name …>`): `Some(b"")` when it
/// has none (`<p hidden>`), `None` when the tag lacks the attribute. Quotes are removed.
#[cfg(test)]
fn attribute<'t>(tag: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    attribute_starts(tag).find_map(|rest| named(rest, name))
}

/// Where each of a start tag's attributes may begin (just after whitespace outside quotes):
/// the rest of the tag from there.
fn attribute_starts(tag: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut quote = None;
    (1..tag.len()).filter_map(move |at| {
        let b = tag[at];
        match quote {
            Some(q) if q == b => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b.is_ascii_whitespace() => return Some(&tag[at + 1..]),
            None => {}
        }
        None
    })
}

/// The value of the attribute `name` if `rest` starts with it (see `attribute`).
fn named<'t>(rest: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    let after = rest.get(name.len())?;
    let is_it = rest[..name.len()].eq_ignore_ascii_case(name)
        && matches!(after, b'=' | b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    is_it.then(|| attribute_value(&rest[name.len()..]))
}

/// The value after an attribute's name (`="x"`, `='x'`, `=x`, or nothing).
fn attribute_value(rest: &[u8]) -> &[u8] {
    let after_space = |bytes: &'_ [u8]| -> usize { bytes.iter().take_while(|b| b.is_ascii_whitespace()).count() };
    let at = after_space(rest);
    if rest.get(at) != Some(&b'=') {
        return b"";
    }
    let rest = &rest[at + 1..];
    let rest = &rest[after_space(rest)..];
    match rest.first() {
        Some(&q @ (b'"' | b'\'')) => {
            let value = &rest[1..];
            &value[..value.iter().position(|&b| b == q).unwrap_or(value.len())]
        }
        _ => {
            let end = rest
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
                .unwrap_or(rest.len());
            &rest[..end]
        }
    }
}

/// Decodes the entity at the start of `s` (which starts with `&`): the character, if it is
/// one, and the bytes consumed (1 for a lone `&`).
fn decode_entity(s: &[u8]) -> (Option<char>, usize) {
    let Some(semi) = s.iter().take(12).position(|&b| b == b';') else {
        return (None, 1);
    };
    let body = std::str::from_utf8(&s[1..semi]).unwrap_or_default();
    let c = if let Some(number) = body.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse::<u32>().ok(),
        };
        value.and_then(char::from_u32)
    } else {
        match body {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            "middot" => Some('·'),
            "hellip" => Some('…'),
            "mdash" => Some('—'),
            "ndash" => Some('–'),
            "copy" => Some('©'),
            "reg" => Some('®'),
            "times" => Some('×'),
            "ldquo" => Some('“'),
            "rdquo" => Some('”'),
            "lsquo" => Some('‘'),
            "rsquo" => Some('’'),
            "laquo" => Some('«'),
            "raquo" => Some('»'),
            _ => None,
        }
    };
    match c {
        Some(c) => (Some(c), semi + 1),
        None => (None, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tests::{extract, han_grams, words};

    #[test]
    fn entities_are_decoded() {
        let p = extract(
            "<p>A &amp; B &lt;tag&gt; &quot;q&quot; &#39;s&#39; &#x27;h&#x27; &#26680;&#x9A8C; &nbsp;x &bogus; & y</p>",
        );
        assert_eq!(p.text, "A & B <tag> \"q\" 's' 'h' 核验 x &bogus; & y");
        assert!(p
            .grams
            .han
            .contains(&(u64::from('核' as u32) << 32 | u64::from('验' as u32))));
        assert!(words(&p).contains(&"tag"));
    }

    #[test]
    fn scripts_styles_navigation_hidden_parts_and_comments_are_not_text() {
        let p = extract(
            "<h1>正文</h1><script>var 脚本 = \"</div>\";</script><style>p::before { content: '样式' }</style>\
             <!-- 注释 <p>x</p> --><nav class=\"toc\"><h2>目录</h2><nav><a>嵌套</a></nav><a>导航</a></nav>\
             <noscript>无脚本</noscript><template><p>模板</p></template>\
             <form hidden><div><p>隐藏</p></div><div>也隐藏</div></form><input hidden value=\"x\"><p>结尾</p>",
        );
        assert_eq!(p.text, "正文 结尾");
    }

    #[test]
    fn decorative_and_theme_marked_elements_are_not_text_and_small_print_stands_apart() {
        // A form's choice field: each option after a decorative tick box.
        let p = extract(
            "<td><span class=\"choice\"><span class=\"box\" aria-hidden=\"true\"></span>Yes</span>\
             <span class=\"choice\"><span class=\"box\" aria-hidden=\"true\"></span>No</span>\
             <span class=\"choice\"><span class=box aria-hidden=TRUE>☐</span>Applying</span></td>\
             <p>请<span aria-hidden=\"false\">务必</span>核验<span data-nosearch>依据：</span>Source</p>\
             <th>Full name<small>As on your passport</small></th>",
        );
        assert_eq!(
            p.text,
            "Yes No Applying 请务必核验 Source Full name As on your passport"
        );
        assert_eq!(
            words(&p),
            ["applying", "as", "full", "name", "no", "on", "passport", "source", "yes", "your"]
        );
    }

    #[test]
    fn attributes_are_read_with_or_without_quotes_and_values() {
        assert_eq!(attribute(b"<p hidden>", b"hidden"), Some(&b""[..]));
        assert_eq!(attribute(b"<p a=\"x y\" b='z' c=w>", b"b"), Some(&b"z"[..]));
        assert_eq!(attribute(b"<p a=\"x y\" b='z' c=w>", b"c"), Some(&b"w"[..]));
        assert_eq!(attribute(b"<p a = \"x y\">", b"a"), Some(&b"x y"[..]));
        assert_eq!(attribute(b"<p title=\"hidden\">", b"hidden"), None);
        assert_eq!(attribute(b"<p data-hidden>", b"hidden"), None);
    }

    #[test]
    fn inline_tags_keep_a_run_block_tags_break_it() {
        let p = extract("<p>请<strong>务必</strong>核验</p><p>居</p><p>住</p><li>A<br>B</li><p>co<em>de</em></p>");
        assert_eq!(p.text, "请务必核验 居 住 A B code");
        let grams = han_grams(&p);
        assert!(grams.contains(&"必核".to_string()));
        assert!(!grams.contains(&"居住".to_string()));
        assert!(words(&p).contains(&"code"));
    }

    #[test]
    fn either_byte_is_found_anywhere_in_an_eight_byte_chunk_and_in_the_tail() {
        let hay = b"0123456789abcdefghij";
        for at in 0..hay.len() {
            let mut bytes = hay.to_vec();
            bytes[at] = b'<';
            assert_eq!(find_either(&bytes, b'<', b'&'), Some(at), "at {at}");
            bytes[at] = b'&';
            assert_eq!(find_either(&bytes, b'<', b'&'), Some(at), "at {at}");
        }
        assert_eq!(find_either(hay, b'<', b'&'), None);
        assert_eq!(find_either(b"", b'<', b'&'), None);
    }
}
