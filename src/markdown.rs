//! Markdown to HTML with heading anchors that keep Chinese, `.md` links rewritten to `.html`, and
//! links to the site's pages by what they are (`form:verification-organisation`) pointed at them.
//! `plan` calls it, says where each page is ([`PageTargets`]) and checks the links it reports
//! (with byte offsets); it knows no page or template.

mod ids;

pub use ids::{slugify, PageIds};

use crate::href::encode_path;
use crate::memo::Stamp;
use ahash::{AHashMap as HashMap, AHashSet as HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use pulldown_cmark::{html, Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// How links in one piece of Markdown are resolved.
#[derive(Hash)]
pub struct LinkBase<'a> {
    /// Folder of the current guide under `guides/` (`""` at the top, `a/b` for `guides/a/b/x.md`).
    pub folder: &'a str,
    /// Prepended to rewritten guide links when the text is not itself a guide page
    /// (e.g. `../guides/` on a stage page); `None` keeps guide links relative as written.
    pub guides_prefix: Option<&'a str>,
    /// `../` repeated to climb from the page the text is shown on to the site root: prepended to
    /// page links, which name their page by its path from the root.
    pub root: &'a str,
    /// The pages that `kind:id` links may name; `None` leaves such links as they are written.
    pub pages: Option<&'a PageTargets>,
    pub allow_html: bool,
    /// Raw HTML published as written (`raw_html: trusted`); otherwise it is cleaned.
    pub trust_html: bool,
}

/// The pages a link may name by what they are: for each kind the caller names (`form`, `stage`,
/// ...), each id's page as its path from the site root, and the fragment of the part of the page
/// it is when it is one (a material on a stage's page). A link `kind:id#anchor` goes to the page
/// with `#anchor` in place of that fragment.
#[derive(Debug, Default)]
pub struct PageTargets {
    kinds: HashMap<&'static str, HashMap<String, PageTarget>>,
    /// Of every kind, id and target: the stamp of every text rendered with these targets.
    stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageTarget {
    pub path: String,
    pub fragment: Option<String>,
}

impl PageTargets {
    /// `targets` lists each kind with its pages (a kind without pages still makes its links
    /// page links, to be reported as missing), in a fixed order: that order is stamped.
    pub fn new(targets: Vec<(&'static str, Vec<(String, PageTarget)>)>) -> Self {
        let stamp = Stamp::of(&targets);
        let kinds = targets
            .into_iter()
            .map(|(kind, pages)| (kind, pages.into_iter().collect()))
            .collect();
        PageTargets { kinds, stamp }
    }

    pub fn is_kind(&self, kind: &str) -> bool {
        self.kinds.contains_key(kind)
    }

    /// The page that `kind:id` names, if there is one.
    pub fn get(&self, kind: &str, id: &str) -> Option<&PageTarget> {
        self.kinds.get(kind)?.get(id)
    }

    /// The ids of a kind, for "did you mean" hints.
    pub fn ids(&self, kind: &str) -> impl Iterator<Item = &str> + Clone {
        self.kinds
            .get(kind)
            .into_iter()
            .flat_map(|pages| pages.keys().map(String::as_str))
    }
}

// Texts rendered with the same targets give the same HTML: the stamp stands for them all.
impl Hash for PageTargets {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.stamp.hash(state);
    }
}

/// The HTML and what the checker needs to know about it.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// Shared: the same HTML goes into the page data of every build that reuses it.
    pub html: Arc<str>,
    pub headings: Vec<Heading>,
    pub links: Vec<GuideLink>,
    pub page_links: Vec<PageLink>,
    /// Relative links to anything but a guide (`../stages/x.html`, `img/a.png`), as written,
    /// with their byte offsets: a guide's are checked against the finished site.
    pub other_links: Vec<(usize, String)>,
    /// What cleaning took out of the raw HTML (see `sanitise`), at the byte offset of the
    /// fragment or link it was written in.
    pub sanitised: Vec<(usize, String)>,
    /// Images from another site (`http:`, `https:`, `//`), as written, at the byte offset of the
    /// image or HTML fragment: the pages' Content-Security-Policy does not load them.
    pub external_images: Vec<(usize, String)>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
}

/// A link to another guide, resolved to that guide's slug.
#[derive(Debug, Clone, PartialEq)]
pub struct GuideLink {
    /// Slug of the target guide (`a/b`), or `None` when the path leaves `guides/`.
    pub slug: Option<String>,
    pub anchor: Option<String>,
    /// Byte offset of the link in the Markdown text.
    pub offset: usize,
    pub written: String,
}

/// A link to a page by what it is: `kind:id` or `kind:id#anchor`, `kind` one of the caller's.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLink {
    pub kind: String,
    /// Decoded, as a guide's name is (`guide:a%20b` names `a b`).
    pub id: String,
    pub anchor: Option<String>,
    /// Byte offset of the destination (`form:…`) in the Markdown text, or of the link when the
    /// destination is written elsewhere (a reference link's definition).
    pub offset: usize,
    pub written: String,
}

const TASK_OPEN: &str = r#"<span class="task-box" aria-hidden="true">☐</span>"#;
const TASK_DONE: &str = r#"<span class="task-box" aria-hidden="true">☑</span>"#;

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Ids the page around the Markdown already gives elements: every literal `id="…"` in the default
/// theme's templates (`themes/default/templates/*.html`; a unit test keeps this list complete),
/// and the error overlay `serve` lays over a page after a failed rebuild. A heading anchor equal to
/// one would give two elements one id, and a link to the heading would land on the other element.
/// Ids the templates build from data (`material-<id>`, `deadline-<id>`, `source-<id>`,
/// `step-<n>`) sit only on pages made from the YAML files: the plan hands them to the Markdown
/// from YAML in a [`PageIds`]; guides need not avoid them (reserving the prefixes would rename
/// ordinary guide headings such as "Step 1").
pub const PAGE_IDS: &[&str] = &[
    "changed-notice-title",
    "deadlines-now-heading",
    "deadlines-past",
    "deadlines-relative",
    "deadlines-upcoming",
    "failure-heading",
    "form-title",
    "forms-heading",
    "guidegen-overlay",
    "guides-heading",
    "journey-heading",
    "main",
    "materials-heading",
    "questionnaire-heading",
    "related-heading",
    "search-page-q",
    "search-results",
    "section-nav-heading",
    "site-search-q",
    "stage-deadlines-heading",
    "stages-heading",
    "start-heading",
    "steps-heading",
    "subject-select",
    "subjects-heading",
    "submitted",
    "tips-heading",
    "toc-heading",
];

/// Renders `text` to HTML, as the only Markdown on its page (a guide's body).
pub fn render(text: &str, base: &LinkBase) -> Rendered {
    render_on(text, base, &mut PageIds::default())
}

/// Renders `text` to HTML onto a page whose ids so far are `page`: its heading anchors and
/// footnotes avoid them (a taken id gets `-1`, `-2`, …, and the piece's own `#id` links follow
/// the heading they name), and its ids are added to `page`.
pub fn render_on(text: &str, base: &LinkBase, page: &mut PageIds) -> Rendered {
    let mut rendered = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut headings: Vec<PendingHeading> = Vec::new();
    let mut footnote_labels: Vec<String> = Vec::new();
    let cleans = base.allow_html && !base.trust_html;
    let mut needs_cleaning = false;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let offset = range.start;
        let raw_html = matches!(event, Event::Html(_) | Event::InlineHtml(_));
        note_external_images(&event, offset, base.allow_html, &mut rendered.external_images);
        if cleans && raw_html {
            needs_cleaning |= note_what_cleaning_takes(&event, offset, &mut rendered.sanitised);
        }
        let event = adapt(event, text, range, base, &mut rendered);
        // A link's address is judged as rewritten: `stage:x` becomes a path of the site.
        if cleans && !raw_html {
            needs_cleaning |= note_what_cleaning_takes(&event, offset, &mut rendered.sanitised);
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                headings.push(PendingHeading {
                    at: events.len(),
                    level,
                    explicit_id: id.map(|id| id.to_string()),
                    text: String::new(),
                });
                // Replaced by the heading with its anchor once every id on the page is known.
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: None,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(heading) = headings.last_mut() {
                    heading.text = plain_text(&events[heading.at + 1..]);
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            event => {
                if let Event::Start(Tag::FootnoteDefinition(label)) = &event {
                    // pulldown-cmark gives a footnote's definition the id of its label (`[^1]` → `1`).
                    footnote_labels.push(label.to_string());
                }
                events.push(event);
            }
        }
    }
    // Footnotes are defined after the headings that must avoid their ids, hence a second step.
    let mut slugs = ids::SlugSet::on(page);
    let footnotes = footnote_ids(footnote_labels, &mut slugs);
    let mut followed: HashMap<String, String> = HashMap::new();
    rendered.headings = headings
        .into_iter()
        .map(|heading| {
            let wanted = heading.explicit_id.clone().unwrap_or_else(|| slugify(&heading.text));
            let anchored = heading.anchor(&wanted, &mut slugs, &mut events);
            // `#wanted` in this piece meant this heading, unless an earlier heading or a footnote
            // of the piece has that id.
            if anchored.id != wanted && !slugs.gave(&wanted) {
                followed.entry(wanted).or_insert_with(|| anchored.id.clone());
            }
            anchored
        })
        .collect();
    slugs.finish();
    if !footnotes.is_empty() || !followed.is_empty() {
        rename_ids(&mut events, &footnotes, &followed);
    }
    align_cells_by_class(&mut events);
    let mut html = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut html, events.into_iter());
    if needs_cleaning {
        html = crate::sanitise::clean(&html);
    }
    rendered.html = html.into();
    rendered
}

/// Each footnote label's id on the page: the label, or the label with `-1`, `-2`, … when the
/// page already has it. Only the renamed ones are returned.
fn footnote_ids(labels: Vec<String>, slugs: &mut ids::SlugSet) -> HashMap<String, String> {
    let mut renamed = HashMap::new();
    let mut seen = HashSet::new();
    for label in labels {
        if !seen.insert(label.clone()) {
            continue;
        }
        let id = slugs.unique(&label);
        if id != label {
            renamed.insert(label, id);
        }
    }
    renamed
}

/// Gives renamed footnotes their new id (at the note and at every reference to it) and points
/// the piece's `#wanted` links at the heading that wanted that id.
fn rename_ids(events: &mut [Event], footnotes: &HashMap<String, String>, followed: &HashMap<String, String>) {
    for event in events.iter_mut() {
        match event {
            Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) => {
                if let Some(id) = footnotes.get(label.as_ref()) {
                    *label = CowStr::from(id.clone());
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let Some(fragment) = dest_url.strip_prefix('#') else {
                    continue;
                };
                let fragment = crate::href::decode_path(fragment);
                if let Some(id) = followed.get(fragment.as_ref()) {
                    *dest_url = CowStr::from(format!("#{id}"));
                }
            }
            _ => {}
        }
    }
}

/// Records what cleaning will take out of `event` (raw HTML, or a link or image to an address
/// that could run script); true when the text holds raw HTML or such an address at all.
fn note_what_cleaning_takes(event: &Event, offset: usize, found: &mut Vec<(usize, String)>) -> bool {
    match event {
        Event::Html(raw) | Event::InlineHtml(raw) => {
            found.extend(crate::sanitise::problems(raw).into_iter().map(|p| (offset, p)));
            true
        }
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
            if !crate::sanitise::address_allowed(dest_url) =>
        {
            found.push((offset, format!("the address `{dest_url}` is removed")));
            true
        }
        _ => false,
    }
}

/// Aligned table columns (`:---:`) get a class (`align-left`, `align-center`, `align-right`, styled
/// by the theme) instead of pulldown-cmark's `style="text-align: …"`: the pages' Content-Security-
/// Policy allows no inline style. The table keeps no alignments, so the writer adds no style; an
/// aligned cell opens with its own tag, and the writer closes it as any cell.
fn align_cells_by_class(events: &mut [Event]) {
    let mut alignments = Vec::new();
    let (mut in_head, mut column) = (false, 0);
    for event in events.iter_mut() {
        match event {
            Event::Start(Tag::Table(table)) => alignments = std::mem::take(table),
            Event::Start(Tag::TableHead) => (in_head, column) = (true, 0),
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => column = 0,
            Event::Start(Tag::TableCell) => {
                let class = match alignments.get(column) {
                    Some(Alignment::Left) => Some("align-left"),
                    Some(Alignment::Center) => Some("align-center"),
                    Some(Alignment::Right) => Some("align-right"),
                    _ => None,
                };
                if let Some(class) = class {
                    let cell = if in_head { "th" } else { "td" };
                    *event = Event::InlineHtml(format!("<{cell} class=\"{class}\">").into());
                }
                column += 1;
            }
            _ => {}
        }
    }
}

/// Records the images of `event` that come from another site: a Markdown image, or (when raw
/// HTML is allowed, cleaned or trusted) an `<img>` in raw HTML.
fn note_external_images(event: &Event, offset: usize, allow_html: bool, found: &mut Vec<(usize, String)>) {
    match event {
        Event::Start(Tag::Image { dest_url, .. }) if from_other_site(dest_url) => {
            found.push((offset, dest_url.to_string()));
        }
        Event::Html(raw) | Event::InlineHtml(raw) if allow_html && raw.contains('<') => {
            let sources = crate::sanitise::image_sources(raw);
            found.extend(
                sources
                    .into_iter()
                    .filter(|src| from_other_site(src))
                    .map(|src| (offset, src)),
            );
        }
        _ => {}
    }
}

/// Whether an address is on another site: `http:`, `https:` or `//host/…` (in any case, with
/// any whitespace the browser would skip, `\` read as `/` as browsers do).
pub fn from_other_site(address: &str) -> bool {
    let squeezed: String = address
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(8)
        .map(|c| if c == '\\' { '/' } else { c })
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.starts_with("http:") || squeezed.starts_with("https:") || squeezed.starts_with("//")
}

/// A heading seen while parsing, whose anchor is given once the whole text is read.
struct PendingHeading {
    /// Index of its start event.
    at: usize,
    level: HeadingLevel,
    explicit_id: Option<String>,
    text: String,
}

impl PendingHeading {
    /// Gives the heading its anchor: `wanted` (its `{#id}` or its text's slug), suffixed if
    /// already taken.
    fn anchor(self, wanted: &str, slugs: &mut ids::SlugSet, events: &mut [Event]) -> Heading {
        let id = slugs.unique(wanted);
        events[self.at] = Event::Start(Tag::Heading {
            level: self.level,
            id: Some(id.clone().into()),
            classes: Vec::new(),
            attrs: Vec::new(),
        });
        Heading {
            level: self.level as u8,
            text: self.text,
            id,
        }
    }
}

/// Rewrites guide and page links (reporting them in `rendered`), defuses script links and raw
/// HTML when HTML is off, and swaps task markers for read-only boxes.
fn adapt<'a>(
    event: Event<'a>,
    text: &str,
    range: std::ops::Range<usize>,
    base: &LinkBase,
    rendered: &mut Rendered,
) -> Event<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let page_link = base
                .pages
                .and_then(|pages| page_link(&dest_url, pages, text, range.clone()));
            let rewritten = match page_link {
                Some(link) => {
                    let href = page_href(&link, base);
                    rendered.page_links.push(link);
                    href
                }
                None => {
                    let rewritten = rewrite_link(&dest_url, base, range.start, &mut rendered.links);
                    if rewritten.is_none() && is_relative_path(&dest_url) {
                        rendered.other_links.push((range.start, dest_url.to_string()));
                    }
                    rewritten
                }
            };
            let dest_url = rewritten.map(CowStr::from).unwrap_or(dest_url);
            let dest_url = if base.allow_html { dest_url } else { defuse(dest_url) };
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !base.allow_html => Event::Start(Tag::Image {
            link_type,
            dest_url: defuse(dest_url),
            title,
            id,
        }),
        Event::Html(raw) | Event::InlineHtml(raw) if !base.allow_html => Event::Text(raw),
        // A read-only box instead of a disabled, unlabelled form control (which fails axe).
        Event::TaskListMarker(done) => Event::InlineHtml(if done { TASK_DONE } else { TASK_OPEN }.into()),
        other => other,
    }
}

fn plain_text(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// The page link `dest` is, if it names one of the kinds of `pages`; `range` is the whole
/// link's in `text`.
fn page_link(dest: &str, pages: &PageTargets, text: &str, range: std::ops::Range<usize>) -> Option<PageLink> {
    let (kind, rest) = dest.split_once(':')?;
    if !pages.is_kind(kind) {
        return None;
    }
    let (id, anchor) = match rest.split_once('#') {
        Some((id, anchor)) => (id, Some(anchor.to_string())),
        None => (rest, None),
    };
    // Written after the link's text: the last occurrence within the link is the destination.
    let offset = text
        .get(range.clone())
        .and_then(|link| link.rfind(dest))
        .map_or(range.start, |at| range.start + at);
    Some(PageLink {
        kind: kind.to_string(),
        id: crate::href::decode_path(id).into_owned(),
        anchor,
        offset,
        written: dest.to_string(),
    })
}

/// Where a page link goes from the page the text is on; `None` (kept as written, and reported
/// by the caller) when its page does not exist.
fn page_href(link: &PageLink, base: &LinkBase) -> Option<String> {
    let target = base.pages?.get(&link.kind, &link.id)?;
    let fragment = link.anchor.as_ref().or(target.fragment.as_ref());
    let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
    Some(format!("{}{}{fragment}", base.root, encode_path(&target.path)))
}

/// Rewrites a relative `x.md#frag` link; returns the new destination, or `None` to keep it.
fn rewrite_link(dest: &str, base: &LinkBase, offset: usize, links: &mut Vec<GuideLink>) -> Option<String> {
    if is_external(dest) || dest.starts_with('#') || dest.starts_with('/') {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor.to_string())),
        None => (dest, None),
    };
    // Written as a URL: `a%20b%3F.md` (or `<a b?.md>`) names the file `a b?.md`.
    let path = crate::href::decode_path(path);
    let stem = path.strip_suffix(".md")?;
    // A folder's `_index.md` is published as that folder's `index.html`.
    let stem = match stem.strip_suffix("_index") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => format!("{folder}index"),
        _ => stem.to_string(),
    };
    let stem = stem.as_str();
    let slug = resolve(base.folder, stem);
    links.push(GuideLink {
        slug: slug.clone(),
        anchor: anchor.clone(),
        offset,
        written: dest.to_string(),
    });
    let fragment = anchor.map(|a| format!("#{a}")).unwrap_or_default();
    Some(match (base.guides_prefix, slug) {
        (Some(prefix), Some(slug)) => format!("{prefix}{}.html{fragment}", encode_path(&slug)),
        _ => format!("{}.html{fragment}", encode_path(stem)),
    })
}

/// With raw HTML off, a link may not run script either: `javascript:`, `vbscript:` and `data:`
/// destinations (in any case, with any whitespace the browser would skip) become `#`.
fn defuse(dest: CowStr) -> CowStr {
    let squeezed: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| squeezed.starts_with(scheme))
    {
        CowStr::from("#")
    } else {
        dest
    }
}

/// A link to a path of this site, relative to the page: not `#here`, `/root`, `?query`,
/// nor anything with a scheme.
fn is_relative_path(dest: &str) -> bool {
    !dest.is_empty() && !is_external(dest) && !dest.starts_with(['#', '/', '?'])
}

fn is_external(dest: &str) -> bool {
    let scheme_end = dest.find(':');
    let first_slash = dest.find('/');
    matches!((scheme_end, first_slash), (Some(c), Some(s)) if c < s)
        || matches!((scheme_end, first_slash), (Some(_), None))
}

/// Joins `folder` and a relative `path`, folding `.` and `..`; `None` if it climbs out.
pub fn resolve(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide_base() -> LinkBase<'static> {
        LinkBase {
            folder: "after",
            guides_prefix: None,
            root: "",
            pages: None,
            allow_html: true,
            trust_html: false,
        }
    }

    #[test]
    fn headings_get_anchors_that_keep_chinese() {
        let r = render("## 短信 核验！\n\n## 短信 核验！\n", &guide_base());
        assert!(r.html.contains(r#"<h2 id="短信-核验">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="短信-核验-1">"#), "{}", r.html);
    }

    #[test]
    fn headings_never_take_an_id_the_templates_give_the_page() {
        let r = render("## Main\n\n## TOC heading\n\n## Main\n\n## 主要\n", &guide_base());
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["main-1", "toc-heading-1", "main-2", "主要"]);
        assert!(r.html.contains(r#"<h2 id="main-1">Main</h2>"#), "{}", r.html);
    }

    #[test]
    fn headings_never_take_a_footnote_s_id_even_when_the_footnote_comes_later() {
        let r = render(
            "## 1\n\n## note\n\nText[^1] and[^note].\n\n[^1]: One.\n\n[^note]: Two.\n",
            &guide_base(),
        );
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["1-1", "note-1"]);
        for footnote in [r#"id="1""#, r#"id="note""#] {
            assert_eq!(r.html.matches(footnote).count(), 1, "{footnote} in {}", r.html);
        }
        assert!(
            r.html.contains(r##"href="#1""##),
            "the reference still finds its note: {}",
            r.html
        );
    }

    #[test]
    fn an_explicit_id_that_is_taken_is_suffixed_like_a_slug() {
        let r = render("## A {#main}\n\n## B {#b}\n\n## C {#b}\n", &guide_base());
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["main-1", "b", "b-1"]);
    }

    #[test]
    fn pieces_rendered_onto_one_page_never_share_an_id_and_their_own_links_follow_their_headings() {
        let mut page = PageIds::new(["step-1".to_string()]);
        let base = guide_base();
        let first = render_on("## Note\n\n[here](#note)[^main]\n\n[^main]: M.\n", &base, &mut page);
        let second = render_on(
            "## Note\n\n[here](#note) [up](#step-1)\n\n## Step 1\n\nx[^note]\n\n[^note]: N.\n",
            &base,
            &mut page,
        );
        assert!(first.html.contains(r#"<h2 id="note">"#), "{}", first.html);
        assert!(first.html.contains(r##"href="#note""##), "{}", first.html);
        assert!(
            first.html.contains(r#"id="main-1""#) && first.html.contains(r##"href="#main-1""##),
            "a footnote never takes a template's id, and its reference follows it: {}",
            first.html
        );
        let ids: Vec<&str> = second.headings.iter().map(|h| h.id.as_str()).collect();
        // Footnotes are given their ids first: this one takes `note-1`.
        assert_eq!(ids, ["note-2", "step-1-1"]);
        assert!(
            second.html.contains(r##"<a href="#note-2">here</a>"##),
            "the second piece's `#note` reaches its own heading: {}",
            second.html
        );
        assert!(
            second.html.contains(r##"<a href="#step-1-1">up</a>"##),
            "`#step-1` meant the piece's own heading too: {}",
            second.html
        );
        assert!(
            second.html.contains(r#"id="note-1""#) && second.html.contains(r##"href="#note-1""##),
            "a footnote labelled like an earlier piece's heading gets the next free id: {}",
            second.html
        );
        let next = page.fresh();
        assert!(next.is_empty() && next.is_taken("step-1") && !next.is_taken("note"));
    }

    /// Every `id="…"` value in a template, literal or built from data (`material-{{ … }}`).
    fn template_ids(template: &str) -> Vec<String> {
        template
            .match_indices("id=\"")
            .filter(|(at, _)| template[..*at].ends_with(char::is_whitespace))
            .filter_map(|(at, found)| {
                let rest = &template[at + found.len()..];
                rest.find('"').map(|end| rest[..end].to_string())
            })
            .collect()
    }

    #[test]
    fn the_reserved_ids_are_exactly_the_literal_ids_of_the_default_templates() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut literal = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let template = std::fs::read_to_string(&path).unwrap();
            for id in template_ids(&template) {
                match id.split_once("{{") {
                    // Built from data: Markdown from YAML avoids them (`plan::data_ids` makes
                    // them), guides need not (they never share a page with them).
                    Some((prefix, _)) => assert!(
                        [
                            "material-",
                            "deadline-",
                            "source-",
                            "step-",
                            "event-",
                            "change-",
                            "stage-"
                        ]
                        .contains(&prefix),
                        "{}: add `{id}` to `plan::data_ids` (or, if literal, PAGE_IDS)",
                        path.display()
                    ),
                    None => {
                        literal.insert(id);
                    }
                }
            }
        }
        let reserved: std::collections::BTreeSet<String> = PAGE_IDS
            .iter()
            .filter(|id| **id != "guidegen-overlay")
            .map(std::string::ToString::to_string)
            .collect();
        assert!(
            literal.contains("main") && literal.contains("toc-heading"),
            "{literal:?}"
        );
        assert_eq!(
            reserved, literal,
            "PAGE_IDS must list every literal id of the default templates"
        );
    }

    #[test]
    fn md_links_become_html_and_are_reported() {
        let r = render("see [x](../sms.md#第一步) and [y](https://a.b/c.md)", &guide_base());
        // pulldown-cmark percent-encodes non-ASCII in URLs; browsers and the link checker decode it.
        assert!(
            r.html.contains(r#"href="../sms.html#%E7%AC%AC%E4%B8%80%E6%AD%A5""#),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"href="https://a.b/c.md""#));
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.links[0].slug.as_deref(), Some("sms"));
        assert_eq!(r.links[0].anchor.as_deref(), Some("第一步"));
        assert_eq!(r.links[0].offset, 4);
    }

    #[test]
    fn links_from_yaml_text_get_the_page_prefix() {
        let base = LinkBase {
            folder: "",
            guides_prefix: Some("../guides/"),
            root: "",
            pages: None,
            allow_html: true,
            trust_html: false,
        };
        let r = render("[x](a/b.md)", &base);
        assert!(r.html.contains(r#"href="../guides/a/b.html""#), "{}", r.html);
    }

    #[test]
    fn script_links_are_defused_when_raw_html_is_off() {
        let off = LinkBase {
            folder: "",
            guides_prefix: None,
            root: "",
            pages: None,
            allow_html: false,
            trust_html: false,
        };
        let r = render(
            "[a](javascript:alert(1)) <JaVaScRiPt:alert(2)> ![i](data:text/html,x) [ok](https://a.b/)",
            &off,
        );
        assert!(
            !r.html.to_ascii_lowercase().contains("href=\"javascript:"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("src=\"data:"), "{}", r.html);
        assert!(r.html.contains(r#"href="https://a.b/""#), "{}", r.html);
        let on = LinkBase {
            folder: "",
            guides_prefix: None,
            root: "",
            pages: None,
            allow_html: true,
            trust_html: false,
        };
        let cleaned = render("[a](javascript:alert(1))", &on);
        assert!(
            !cleaned.html.contains("javascript:"),
            "cleaned by default: {}",
            cleaned.html
        );
        assert_eq!(
            cleaned.sanitised,
            [(0, "the address `javascript:alert(1)` is removed".to_string())]
        );
        let trusted = LinkBase { trust_html: true, ..on };
        assert!(
            render("[a](javascript:alert(1))", &trusted)
                .html
                .contains("javascript:"),
            "`raw_html: trusted` publishes it as written"
        );
    }

    #[test]
    fn raw_html_is_escaped_when_not_allowed() {
        let base = LinkBase {
            folder: "",
            guides_prefix: None,
            root: "",
            pages: None,
            allow_html: false,
            trust_html: false,
        };
        let r = render("<script>alert(1)</script>\n", &base);
        assert!(!r.html.contains("<script>"), "{}", r.html);
    }

    #[test]
    fn tables_task_lists_and_footnotes_render() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] todo\n\nx[^1]\n\n[^1]: note\n",
            &guide_base(),
        );
        assert!(r.html.contains("<table>"));
        assert!(
            r.html.contains(r#"<span class="task-box" aria-hidden="true">☐</span>"#),
            "{}",
            r.html
        );
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn aligned_table_columns_get_classes_not_inline_styles_with_or_without_raw_html() {
        let table = "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n| 5 |\n";
        let expected = "<table><thead><tr><th class=\"align-left\">a</th><th class=\"align-center\">b</th>\
                        <th class=\"align-right\">c</th><th>d</th></tr></thead><tbody>\n\
                        <tr><td class=\"align-left\">1</td><td class=\"align-center\">2</td>\
                        <td class=\"align-right\">3</td><td>4</td></tr>\n\
                        <tr><td class=\"align-left\">5</td><td class=\"align-center\"></td>\
                        <td class=\"align-right\"></td><td></td></tr>\n</tbody></table>\n";
        assert_eq!(&*render(table, &guide_base()).html, expected);
        // Raw HTML beside the table has the whole text cleaned: the classes stay.
        let cleaned = render(&format!("<kbd>x</kbd>\n\n{table}"), &guide_base());
        assert!(
            cleaned.html.contains(r#"<th class="align-center">b</th>"#),
            "{}",
            cleaned.html
        );
        assert!(!cleaned.html.contains("style"), "{}", cleaned.html);
    }

    fn targets() -> PageTargets {
        let page = |path: &str, fragment: Option<&str>| PageTarget {
            path: path.into(),
            fragment: fragment.map(Into::into),
        };
        PageTargets::new(vec![
            ("form", vec![("org".into(), page("forms/org.html", None))]),
            (
                "material",
                vec![("id".into(), page("stages/a.html", Some("material-id")))],
            ),
            ("guide", vec![("a b".into(), page("guides/a b.html", None))]),
            ("deadline", vec![]),
        ])
    }

    #[test]
    fn page_links_go_to_their_page_from_the_root_given_and_are_reported_at_their_destination() {
        let pages = targets();
        let base = LinkBase {
            folder: "x",
            guides_prefix: None,
            root: "../../",
            pages: Some(&pages),
            allow_html: true,
            // `deadline:soon` names no page: an error in a build, kept here to see it reported.
            trust_html: true,
        };
        let text = "See [form:org](form:org), [it](material:id), [there](material:id#top),\n\
                    [g](guide:a%20b#h), [d](deadline:soon) and [r][ref].\n\n[ref]: form:org\n";
        let r = render(text, &base);
        for href in [
            "../../forms/org.html",
            "../../stages/a.html#material-id",
            "../../stages/a.html#top",
            "../../guides/a%20b.html#h",
            "deadline:soon",
        ] {
            assert!(r.html.contains(&format!("href=\"{href}\"")), "{href} in {}", r.html);
        }
        let found: Vec<(&str, &str, Option<&str>, &str)> = r
            .page_links
            .iter()
            .map(|l| (l.kind.as_str(), l.id.as_str(), l.anchor.as_deref(), &text[l.offset..]))
            .collect();
        assert_eq!(found[0].0, "form");
        assert!(
            found[0].3.starts_with("form:org), "),
            "the destination, not the link text"
        );
        assert_eq!(
            (found[3].1, found[3].2),
            ("a b", Some("h")),
            "decoded like a guide's name"
        );
        assert_eq!(found[4].1, "soon", "a kind without pages still gives page links");
        assert!(found[5].3.starts_with("[r][ref]"), "a reference link: at the link");
        assert_eq!(r.page_links.len(), 6);
        assert!(r.links.is_empty());
    }

    #[test]
    fn without_page_targets_page_links_stay_as_written() {
        let trusted = LinkBase {
            trust_html: true,
            ..guide_base()
        };
        let r = render("[a](form:org)", &trusted);
        assert!(r.html.contains("href=\"form:org\""), "{}", r.html);
        assert!(r.page_links.is_empty());
    }

    #[test]
    fn resolve_refuses_to_climb_out() {
        assert_eq!(resolve("a", "../b"), Some("b".into()));
        assert_eq!(resolve("", "../b"), None);
    }
}
