//! Property tests (proptest) on promises that must hold whatever the content says: heading anchors
//! are unique and stable, pages and files land inside the output folder at paths of their own,
//! and `rules.json` read back into the model gives the same model.
//! (Working-day properties live beside the arithmetic, in `src/model/calendar.rs`.)

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use common::*;
use guidegen::markdown::{self, LinkBase};
use guidegen::model::*;
use guidegen::validate::holiday_calendar;
use guidegen::yaml::Spanned;
use proptest::prelude::*;
use serde::{Deserialize, Deserializer, Serialize};

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()
}

fn guide_base() -> LinkBase<'static> {
    LinkBase {
        folder: "",
        guides_prefix: None,
        root: "",
        pages: None,
        allow_html: true,
        trust_html: false,
    }
}

// ---------------------------------------------------------------------------------------------
// Heading anchors

/// Heading texts that collide once slugified, texts with nothing to slugify, scripts other than
/// Latin, explicit `{#id}` attributes, and arbitrary text on one line.
fn heading_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "a",
            "A",
            "a 1",
            "a-1",
            "a-1-1",
            "A!",
            "section",
            "section-1",
            "",
            "!!!",
            "  ",
            "短信 核验",
            "短信-核验",
            "İstanbul",
            "Straße",
            "1",
            "-",
            "_",
            "a_b",
            "ñ",
            "x {#a}",
            "y {#a-1}",
        ])
        .prop_map(String::from),
        "[a-zA-Z0-9 _!?.,:'()\\-中文核验é]{0,12}",
        any::<String>().prop_map(|s| s.replace(['\n', '\r'], " ")),
    ]
}

fn ids(text: &str) -> Vec<String> {
    markdown::render(text, &guide_base())
        .headings
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn headings_markdown(texts: &[String]) -> String {
    texts.iter().map(|t| format!("## {t}\n\n")).collect()
}

/// `text` as it stands inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn heading_anchors_are_unique_non_empty_and_in_the_html(texts in prop::collection::vec(heading_text(), 0..24)) {
        let rendered = markdown::render(&headings_markdown(&texts), &guide_base());
        prop_assert_eq!(rendered.headings.len(), texts.len());
        let mut seen = HashSet::new();
        for heading in &rendered.headings {
            prop_assert!(!heading.id.is_empty());
            prop_assert!(!heading.id.chars().any(char::is_whitespace), "{:?}", heading.id);
            prop_assert!(seen.insert(heading.id.clone()), "`{}` twice in {:?}", heading.id, texts);
            let needle = format!(" id=\"{}\"", attribute(&heading.id));
            prop_assert!(rendered.html.contains(&needle), "{} not in {}", needle, rendered.html);
        }
    }

    #[test]
    fn slugified_anchors_hold_no_punctuation_or_space(text in "[a-zA-Z0-9 _!?.,:'()\\-中文核验é]{0,24}") {
        let slug = markdown::slugify(&text);
        prop_assert!(!slug.is_empty());
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{:?}", slug);
        prop_assert!(
            slug.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_'),
            "{:?} -> {:?}", text, slug
        );
        prop_assert_eq!(markdown::slugify(&slug), slug.clone(), "slugifying an anchor keeps it");
    }

    #[test]
    fn heading_anchors_are_stable(texts in prop::collection::vec(heading_text(), 1..24), cut in any::<prop::sample::Index>()) {
        let all = ids(&headings_markdown(&texts));
        prop_assert_eq!(&ids(&headings_markdown(&texts)), &all, "the same text gives the same anchors");
        // Headings added after a heading never change its anchor (links to it keep working).
        let kept = cut.index(texts.len() + 1);
        prop_assert_eq!(&ids(&headings_markdown(&texts[..kept]))[..], &all[..kept]);
    }

    #[test]
    fn a_link_to_a_heading_s_slug_finds_that_heading(texts in prop::collection::vec("[a-zA-Z0-9 中文é]{1,12}", 1..12)) {
        // Authors link to `other.md#<slug of the heading text>`; the first heading with that text has
        // it, unless the page gives that id to an element of its own (`## Main`: `<main id="main">`).
        let rendered = markdown::render(&headings_markdown(&texts), &guide_base());
        for (text, heading) in texts.iter().zip(&rendered.headings) {
            let slug = markdown::slugify(text);
            let first = texts.iter().position(|t| markdown::slugify(t) == slug).unwrap();
            if rendered.headings[first].text == heading.text && !markdown::PAGE_IDS.contains(&slug.as_str()) {
                prop_assert_eq!(&rendered.headings[first].id, &slug);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Output paths

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn a_path_the_writer_accepts_never_leaves_the_output_folder(
        parts in prop::collection::vec(
            prop_oneof![
                Just("..".to_string()), Just(".".to_string()), Just("".to_string()), Just("/".to_string()),
                Just("\\".to_string()), Just("C:".to_string()), Just("\0".to_string()), Just("~".to_string()),
                "[a-z.中]{1,6}",
            ],
            0..8,
        ),
        separator in prop::sample::select(vec!["/", "//", "\\", "/./"]),
    ) {
        let path = parts.join(separator);
        if let Ok(relative) = guidegen::write::safe_relative(&path) {
            prop_assert!(relative.components().all(|c| matches!(c, Component::Normal(_))), "{:?}", path);
            let base = Path::new("/out");
            prop_assert!(base.join(&relative).starts_with(base));
            prop_assert!(!path.contains('\0'));
        }
    }
}

/// One path segment of a guide: any of the characters people put in file names, including ones
/// that mean something in URLs and names the build treats specially (`index`, `_index`, hidden,
/// backup, names ending in `.html`).
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 _\\-中é?#%&'()+,;=@~]{1,10}",
        1 => prop::sample::select(vec!["index", "index-2", "_index", "a", "A", ".hidden", "x~", "first", "sub", "a.html", "guides"])
            .prop_map(String::from),
    ]
    .prop_filter("a real file name", |s| s != "." && s != "..")
}

/// Relative paths under `content/guides/` (without `.md`): up to two folders deep.
fn guide_tree() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        (prop::collection::vec(segment(), 0..=2), segment()).prop_map(|(mut folders, name)| {
            folders.push(name);
            folders.join("/")
        }),
        1..6,
    )
}

/// The minimal fixture's rules with `guides` (and nothing else) under `content/guides/`.
fn site_with_guides(dir: &Path, guides: &[String]) -> Result<(), String> {
    copy_dir(&fixture("minimal"), dir);
    let site_yaml = dir.join("content/site.yaml");
    // The minimal intro links to first.md, which may not exist here.
    let yaml = std::fs::read_to_string(&site_yaml).unwrap();
    std::fs::write(&site_yaml, yaml.replace("See [the first guide](first.md).", "")).unwrap();
    std::fs::remove_dir_all(dir.join("content/guides")).unwrap();
    for (n, guide) in guides.iter().enumerate() {
        let file = dir.join("content/guides").join(format!("{guide}.md"));
        std::fs::create_dir_all(file.parent().unwrap()).map_err(|e| e.to_string())?;
        std::fs::write(&file, format!("---\ntitle: Guide {n}\n---\n## Part {n}\n\nText.\n"))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Output paths that would make one path both a file and a folder (`a.html` and `a.html/b.html`).
fn file_and_folder(paths: &[&str]) -> Vec<String> {
    let files: HashSet<&str> = paths.iter().copied().collect();
    paths
        .iter()
        .flat_map(|path| {
            Path::new(path)
                .ancestors()
                .skip(1)
                .filter_map(|a| a.to_str())
                .filter(|a| files.contains(a))
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Where a guide's page is published: `a/b` -> `guides/a/b.html`, `a/_index` -> `guides/a/index.html`.
fn expected_page(guide: &str) -> String {
    match guide.rsplit_once('/') {
        Some((folder, "_index")) => format!("guides/{folder}/index.html"),
        None if guide == "_index" => "guides/index.html".into(),
        _ => format!("guides/{guide}.html"),
    }
}

proptest! {
    // Each case builds a whole site in memory and writes it.
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn guide_pages_land_inside_guides_at_paths_of_their_own_and_are_written_whole(guides in guide_tree()) {
        let tmp = TempDir::new("prop-guides");
        let root = tmp.path().join("site");
        prop_assume!(site_with_guides(&root, &guides).is_ok());
        // `index.md` and `index-<n>.md` would take a page of their folder's list of guides.
        let named_index = guides.iter().any(|g| {
            let name = g.rsplit('/').next().unwrap_or_default();
            name == "index" || name.strip_prefix("index-").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        });
        let mut expected_pages: Vec<String> = guides.iter().filter(|g| !is_skipped(g)).map(|g| expected_page(g)).collect();
        // Each folder with a guide directly in it has its section page; the top one is the index.
        for (folder, _) in guides.iter().filter(|g| !is_skipped(g)).filter_map(|g| g.rsplit_once('/')) {
            expected_pages.push(format!("guides/{folder}/index.html"));
        }
        expected_pages.push("guides/index.html".into());
        let expected_pages: Vec<&str> = expected_pages.iter().map(String::as_str).collect();
        let clashing = !file_and_folder(&expected_pages).is_empty();
        let first = guidegen::site::render_site(&root, today());
        let second = guidegen::site::render_site(&root, today());
        let (first, second) = match (first, second) {
            (Ok(first), Ok(second)) => (first, second),
            (Err(failed), _) => {
                let messages: Vec<&str> = failed.diagnostics.iter().map(|d| d.message.as_str()).collect();
                prop_assert!(named_index || clashing, "refused for no reason: {:?} for {:?}", messages, guides);
                prop_assert!(failed.diagnostics.iter().all(|d| d.span.is_some()), "{:?}", messages);
                prop_assert!(
                    messages.iter().all(|m| m.contains("may not be called `index") || m.contains("would be both")),
                    "{:?}",
                    messages
                );
                return Ok(());
            }
            (Ok(_), Err(_)) => panic!("the second build of the same site failed"),
        };
        prop_assert!(!named_index, "a guide named index.md was accepted: {:?}", guides);
        prop_assert!(!clashing, "a page that is also a folder was accepted: {:?}", guides);
        let listed = |files: &[guidegen::render::OutputFile]| -> Vec<(String, Vec<u8>)> {
            let mut all: Vec<(String, Vec<u8>)> = files.iter().map(|f| (f.path.clone(), f.bytes.to_vec())).collect();
            all.sort();
            all
        };
        prop_assert!(listed(&first.files) == listed(&second.files), "two builds of one site differ");

        let paths: Vec<&str> = first.files.iter().map(|f| f.path.as_str()).collect();
        let mut seen = HashSet::new();
        for path in &paths {
            prop_assert!(guidegen::write::safe_relative(path).is_ok(), "{:?}", path);
            prop_assert!(seen.insert(*path), "two files at {:?}", path);
        }
        // Every guide has its page, an `_index.md` alone in its folder too.
        for guide in guides.iter().filter(|g| !is_skipped(g)) {
            let page = expected_page(guide);
            prop_assert!(paths.contains(&page.as_str()), "no {} for {}: {:?}", page, guide, paths);
        }
        let output = tmp.path().join("out");
        let written = guidegen::write::write_site(&output, &first.files);
        written.unwrap();
        let expected: BTreeMap<String, Vec<u8>> = listed(&first.files).into_iter().collect();
        let written: BTreeMap<String, Vec<u8>> = read_tree(&output).into_iter().collect();
        prop_assert!(written == expected, "the written tree is not the rendered files");
    }
}

#[test]
fn an_introduction_without_guides_beside_it_is_published() {
    let tmp = TempDir::new("lone-intro");
    let root = tmp.path().join("site");
    site_with_guides(&root, &["a/_index".into(), "a/b/x".into()]).unwrap();
    let rendered = guidegen::site::render_site(&root, today()).unwrap_or_else(|_| panic!("does not build"));
    let paths: Vec<&str> = rendered.files.iter().map(|f| f.path.as_str()).collect();
    assert!(paths.contains(&"guides/a/b/x.html"), "{paths:?}");
    assert!(
        paths.contains(&"guides/a/index.html"),
        "the introduction of `a` is lost: {paths:?}"
    );
}

/// A guide file the loader leaves out (editor swap and backup files).
fn is_skipped(guide: &str) -> bool {
    guidegen::site_files::is_editor_leftover(guide.rsplit('/').next().unwrap_or(guide))
}

#[test]
fn a_guide_folder_named_like_a_guide_page_is_refused_with_its_position() {
    let tmp = TempDir::new("file-and-folder");
    let root = tmp.path().join("site");
    site_with_guides(&root, &["a".into(), "a.html/b".into()]).unwrap();
    match guidegen::site::render_site(&root, today()) {
        Ok(rendered) => {
            let paths: Vec<&str> = rendered.files.iter().map(|f| f.path.as_str()).collect();
            panic!(
                "accepted; {:?} would be both a file and a folder",
                file_and_folder(&paths)
            );
        }
        Err(failed) => assert!(failed.diagnostics.iter().any(|d| d.span.is_some())),
    }
}

#[test]
fn a_static_file_at_a_generated_path_is_refused_and_the_previous_output_kept() {
    let tmp = TempDir::new("static-clash");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let build = || {
        bin()
            .args(["build", "--today", TODAY, "--root"])
            .arg(&root)
            .output()
            .unwrap()
    };
    assert!(build().status.success());
    let before = read_tree(&root.join("output"));
    // Written at the same time as the page, either could win, or a mix of the two: refused first.
    for clash in ["guides/first.html", "assets/style.css", "rules.json"] {
        let file = root.join("static").join(clash);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "x").unwrap();
        let refused = build();
        assert_eq!(refused.status.code(), Some(1), "{clash}");
        let stderr = text(&refused.stderr);
        assert!(
            stderr.contains(&format!("`static/{clash}` would be written over `{clash}`")),
            "{stderr}"
        );
        assert!(stderr.contains(&format!("--> static/{clash}")), "{stderr}");
        assert_eq!(read_tree(&root.join("output")), before, "{clash}");
        std::fs::remove_file(&file).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Element ids on a guide page

/// Every `id="…"` value in an HTML page, in order.
fn element_ids(html: &str) -> Vec<String> {
    html.match_indices(" id=\"")
        .filter_map(|(at, found)| {
            let rest = &html[at + found.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

fn duplicate_ids(html: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    element_ids(html)
        .into_iter()
        .filter(|id| !seen.insert(id.clone()))
        .collect()
}

/// A guide page whose Markdown is `body`, rendered with the default theme.
fn guide_page(body: &str) -> String {
    let tmp = TempDir::new("guide-ids");
    let root = tmp.path().join("site");
    // A second guide, so the page has its section's navigation too.
    site_with_guides(&root, &["g".into(), "h".into()]).unwrap();
    std::fs::write(root.join("content/guides/g.md"), format!("---\ntitle: G\n---\n{body}")).unwrap();
    let rendered = guidegen::site::render_site(&root, today()).unwrap_or_else(|_| panic!("{body} does not build"));
    let page = rendered.files.iter().find(|f| f.path == "guides/g.html").unwrap();
    String::from_utf8(page.bytes.to_vec()).unwrap()
}

#[test]
fn headings_that_repeat_get_ids_of_their_own_on_the_page() {
    let html = guide_page("## Steps\n\n## Steps\n\n## Steps 1\n\n## steps-1\n");
    assert_eq!(duplicate_ids(&html), Vec::<String>::new(), "{html}");
}

#[test]
fn a_heading_never_takes_an_id_the_page_already_uses() {
    let mut clashes = Vec::new();
    for body in [
        "## Main\n\n## Two\n",
        "## TOC heading\n\n## Two\n",
        "## Section nav heading\n\n## Two\n",
        "## Site search q\n\n## Two\n",
        "## Explicit {#main}\n\n## Two\n",
        "## 1\n\nText[^1].\n\n[^1]: A note.\n",
    ] {
        let html = guide_page(body);
        let twice = duplicate_ids(&html);
        if !twice.is_empty() {
            clashes.push(format!("{body:?}: {twice:?}"));
        }
    }
    assert!(clashes.is_empty(), "ids used twice on one page: {clashes:#?}");
}

// ---------------------------------------------------------------------------------------------
// rules.json

/// `rules.json` as the model's own types read it back. `Content` and `Guide` are written, never
/// read, so their shape is spelled out here; the calendar is read as the holiday data it has the
/// shape of and checked again, as `content/holidays.yaml` is; every other type is the model's.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Rules {
    /// The day the lists below are as of.
    as_of: String,
    site: Site,
    subject_groups: Vec<SubjectGroup>,
    subjects: Vec<Subject>,
    conditions: Vec<Condition>,
    materials: Vec<Material>,
    stages: Vec<Stage>,
    events: Vec<DeadlineEvent>,
    deadlines: Vec<Deadline>,
    forms: Vec<Form>,
    providers: Vec<Provider>,
    guides: Vec<RulesGuide>,
    #[serde(deserialize_with = "calendar_from_rules")]
    calendar: Option<Calendar>,
    #[serde(deserialize_with = "calendars_from_rules")]
    calendars: Vec<SiteCalendar>,
    changes: Vec<RulesChange>,
    versions: RulesVersions,
}

/// A change log entry: as written, and the items it names.
#[derive(Deserialize, Serialize)]
struct RulesChange {
    #[serde(flatten)]
    change: Change,
    affects_items: Vec<RulesItem>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RulesItem {
    kind: String,
    id: String,
}

/// Every dated version of every item.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RulesVersions {
    subjects: Vec<Subject>,
    conditions: Vec<Condition>,
    materials: Vec<Material>,
    stages: Vec<Stage>,
    deadlines: Vec<Deadline>,
    forms: Vec<Form>,
    guides: Vec<RulesGuideVersion>,
}

#[derive(Deserialize, Serialize)]
struct RulesGuideVersion {
    slug: String,
    #[serde(flatten)]
    front: FrontMatter,
}

/// Named calendars as rules.json writes them: each an id, a name and the years of
/// `content/holidays.yaml`, checked again.
fn calendars_from_rules<'de, D: Deserializer<'de>>(json: D) -> Result<Vec<SiteCalendar>, D::Error> {
    let calendars = Vec::<NamedCalendar>::deserialize(json)?;
    if calendars.is_empty() {
        return Ok(Vec::new());
    }
    let data = HolidaysFile {
        years: Vec::new(),
        calendars,
    };
    guidegen::validate::holiday_calendars(Path::new("rules.json"), &data)
        .map_err(|errors| serde::de::Error::custom(format!("the calendars do not check: {errors:?}")))
}

fn calendar_from_rules<'de, D: Deserializer<'de>>(json: D) -> Result<Option<Calendar>, D::Error> {
    let Some(data) = Option::<HolidaysFile>::deserialize(json)? else {
        return Ok(None);
    };
    holiday_calendar(Path::new("rules.json"), &data)
        .map(Some)
        .map_err(|errors| serde::de::Error::custom(format!("the calendar does not check: {errors:?}")))
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RulesGuide {
    slug: String,
    front: FrontMatter,
}

/// Reads `rules.json` into the model and writes it again as the build does.
fn round_trip(json: &[u8]) -> Result<Vec<u8>, String> {
    let rules: Rules = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    serde_json::to_vec_pretty(&rules).map_err(|e| e.to_string())
}

#[test]
fn rules_json_of_the_default_the_minimal_and_the_history_site_reads_back_into_the_same_model() {
    for root in [repo_root(), fixture("minimal"), fixture("history")] {
        let rendered =
            guidegen::site::render_site(&root, today()).unwrap_or_else(|_| panic!("{} does not build", root.display()));
        let rules = rendered.files.iter().find(|f| f.path == "rules.json").unwrap();
        let again = round_trip(&rules.bytes).unwrap();
        assert!(
            again == rules.bytes.to_vec(),
            "{}: rules.json changes when read back:\n{}",
            root.display(),
            String::from_utf8_lossy(&again)
        );
        let read: Rules = serde_json::from_slice(&rules.bytes).unwrap();
        let has_holidays = root.join("content/holidays.yaml").exists();
        assert_eq!(read.calendar.is_some(), has_holidays, "{}", root.display());
    }
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        1 => prop::sample::select(vec!["", "\"", "\\", "</script>", "\u{2028}", "null", "中文", "\u{0}", "{}"])
            .prop_map(String::from),
    ]
}

fn spanned_text() -> impl Strategy<Value = Spanned<String>> {
    any_text().prop_map(Spanned::detached)
}

fn id() -> impl Strategy<Value = Spanned<String>> {
    "[a-z0-9_-]{1,12}".prop_map(Spanned::detached)
}

/// Markdown texts as code makes them (no position).
fn markdown_all(texts: Vec<String>) -> Vec<Markdown> {
    texts.into_iter().map(Into::into).collect()
}

fn texts() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(any_text(), 0..3)
}

fn ids_list() -> impl Strategy<Value = Vec<Spanned<String>>> {
    prop::collection::vec(id(), 0..3)
}

fn confidence() -> impl Strategy<Value = Confidence> {
    prop::sample::select(vec![Confidence::High, Confidence::Medium, Confidence::Low])
}

fn subject_group() -> impl Strategy<Value = SubjectGroup> {
    (id(), any_text(), ids_list()).prop_map(|(id, name, forms)| SubjectGroup { id, name, forms })
}

fn offset_unit() -> impl Strategy<Value = OffsetUnit> {
    prop::sample::select(vec![
        OffsetUnit::Hours,
        OffsetUnit::Days,
        OffsetUnit::WorkingDays,
        OffsetUnit::Weeks,
        OffsetUnit::Months,
    ])
}

fn source() -> impl Strategy<Value = Source> {
    (
        id(),
        any_text(),
        prop::option::of(any_text()),
        prop::option::of(any_text()),
        prop::option::of(spanned_text()),
        prop::option::of(spanned_text()),
        id(),
        prop::option::of(any_text()),
    )
        .prop_map(|(id, title, issuer, number, date, url, kind, note)| Source {
            checked: None,
            id,
            title,
            issuer,
            number,
            date,
            url,
            kind,
            note,
        })
}

fn site() -> impl Strategy<Value = Site> {
    (
        (
            any_text(),
            any_text(),
            any_text(),
            any_text(),
            prop::option::of(spanned_text()),
        ),
        (spanned_text(), any::<bool>(), any_text(), texts(), texts()),
        prop::collection::vec(source(), 0..3),
        prop::collection::vec(
            (id(), any_text()).prop_map(|(id, name)| SourceKindName { id, name }),
            0..2,
        ),
    )
        .prop_map(
            |(
                (title, description, language, theme, base_url),
                (reviewed, allow_html, intro, who_must, who_need_not),
                sources,
                source_kinds,
            )| Site {
                review_every: None,
                guides_per_page: None,
                title,
                description: description.into(),
                language,
                theme,
                base_url,
                reviewed,
                allow_html,
                raw_html: guidegen::model::RawHtml::Sanitised,
                intro: intro.into(),
                who_must: markdown_all(who_must),
                who_need_not: markdown_all(who_need_not),
                sources,
                source_kinds,
                words: Default::default(),
            },
        )
}

fn subject() -> impl Strategy<Value = Subject> {
    (
        id(),
        any_text(),
        ids_list(),
        texts(),
        ids_list(),
        prop::option::of(any_text()),
        confidence(),
        prop::option::of(id()),
    )
        .prop_map(
            |(id, name, groups, certificates, forms, note, confidence, source)| Subject {
                effective_from: None,
                effective_until: None,
                id,
                name,
                groups,
                certificates,
                forms,
                note: note.map(Into::into),
                confidence,
                source,
            },
        )
}

fn condition() -> impl Strategy<Value = Condition> {
    (
        id(),
        any_text(),
        prop::option::of(any_text()),
        ids_list(),
        texts(),
        prop::option::of(id()),
    )
        .prop_map(|(id, label, question, subjects, options, source)| Condition {
            effective_from: None,
            effective_until: None,
            id,
            label,
            question,
            subjects,
            options,
            source,
        })
}

fn material() -> impl Strategy<Value = Material> {
    (
        (id(), any_text(), any_text(), texts()),
        id(),
        (ids_list(), ids_list()),
        (confidence(), prop::option::of(id())),
    )
        .prop_map(
            |((id, name, description, tips), provider, (subjects, when), (confidence, source))| Material {
                effective_from: None,
                effective_until: None,
                id,
                name,
                description: description.into(),
                tips: markdown_all(tips),
                provider,
                subjects,
                when,
                same_as: Vec::new(),
                confidence,
                source,
            },
        )
}

fn provider() -> impl Strategy<Value = Provider> {
    (id(), any_text(), any::<bool>()).prop_map(|(id, name, filer)| Provider { id, name, filer })
}

fn duration() -> impl Strategy<Value = Duration> {
    (
        any::<u32>(),
        any::<u32>(),
        prop::sample::select(vec![DurationUnit::WorkingDays, DurationUnit::Hours, DurationUnit::Days]),
        prop::option::of(any_text()),
    )
        .prop_map(|(min, max, unit, note)| Duration {
            min: Spanned::detached(min),
            max: Spanned::detached(max),
            unit,
            note,
        })
}

fn stage() -> impl Strategy<Value = Stage> {
    let step =
        (any_text(), prop::option::of(any_text()), prop::option::of(any_text())).prop_map(|(title, text, actor)| {
            Step {
                title,
                text: text.map(Into::into),
                actor,
            }
        });
    let failure = (any_text(), any_text(), prop::option::of(id())).prop_map(|(when, then, back_to)| Failure {
        when,
        then: then.into(),
        back_to,
    });
    (
        (
            id(),
            prop::option::of(any::<u32>()),
            any_text(),
            any_text(),
            any_text(),
            prop::option::of(duration()),
        ),
        (prop::option::of(ids_list()), ids_list(), prop::option::of(id())),
        (
            prop::collection::vec(step, 0..3),
            prop::collection::vec(failure, 0..2),
            ids_list(),
        ),
        (
            prop::option::of(any_text()),
            texts(),
            confidence(),
            prop::option::of(id()),
        ),
    )
        .prop_map(
            |(
                (id, number, name, summary, actor, duration),
                (after, subjects, calendar),
                (steps, on_failure, materials),
                (notification, tips, confidence, source),
            )| Stage {
                deadlines: Vec::new(),
                effective_from: None,
                effective_until: None,
                id,
                number: number.map(Spanned::detached),
                name,
                summary: summary.into(),
                actor,
                after,
                subjects,
                calendar,
                duration,
                steps,
                on_failure,
                materials,
                guides: Vec::new(),
                forms: Vec::new(),
                notification,
                tips: markdown_all(tips),
                confidence,
                source,
            },
        )
}

fn deadline() -> impl Strategy<Value = Deadline> {
    let relative = (id(), any::<u32>(), offset_unit()).prop_map(|(event, amount, unit)| RelativeDeadline {
        event,
        amount: Spanned::detached(amount),
        unit,
    });
    let yearly = (any::<u32>(), any::<u32>()).prop_map(|(month, day)| YearlyDeadline {
        month: Spanned::detached(month),
        day: Spanned::detached(day),
    });
    let kind = prop::sample::select(vec![
        DeadlineKind::Ends,
        DeadlineKind::Starts,
        DeadlineKind::Enforcement,
    ]);
    (
        (
            id(),
            prop::option::of(spanned_text()),
            prop::option::of(relative),
            prop::option::of(yearly),
            prop::option::of(id()),
            ids_list(),
        ),
        any_text(),
        any_text(),
        any_text(),
        prop::option::of(any_text()),
        prop::option::of(id()),
        (kind, prop::option::of(spanned_text()), prop::option::of(any_text())),
    )
        .prop_map(
            |(
                (id, date, after, yearly, calendar, subjects),
                title,
                applies_to,
                rule,
                consequence,
                source,
                (kind, past, now),
            )| Deadline {
                kind,
                past,
                now,
                effective_from: None,
                effective_until: None,
                id,
                date,
                after,
                yearly,
                calendar,
                subjects,
                title,
                applies_to,
                rule: rule.into(),
                consequence: consequence.map(Into::into),
                source,
            },
        )
}

fn form() -> impl Strategy<Value = Form> {
    let field = (
        any_text(),
        prop::sample::select(vec![
            FieldKind::Text,
            FieldKind::Lines,
            FieldKind::Choice,
            FieldKind::Date,
        ]),
        prop::option::of(any::<u32>()),
        texts(),
        prop::option::of(any_text()),
    )
        .prop_map(|(label, kind, lines, options, hint)| FormField {
            label,
            kind,
            lines: lines.map(Spanned::detached),
            options,
            hint,
        });
    let section =
        (any_text(), prop::collection::vec(field, 0..3)).prop_map(|(title, fields)| FormSection { title, fields });
    let sign_box = (
        any_text(),
        prop::sample::select(vec![SignKind::Signature, SignKind::Seal, SignKind::Date]),
    )
        .prop_map(|(label, kind)| SignBox { label, kind });
    (
        (id(), any_text(), ids_list(), prop::option::of(any_text())),
        (prop::collection::vec(section, 0..3), prop::option::of(any_text())),
        (
            prop::collection::vec(sign_box, 0..3),
            confidence(),
            prop::option::of(id()),
        ),
    )
        .prop_map(
            |((id, title, subjects, intro), (sections, declaration), (sign_boxes, confidence, source))| Form {
                effective_from: None,
                effective_until: None,
                id,
                title,
                subjects,
                intro: intro.map(Into::into),
                sections,
                declaration: declaration.map(Into::into),
                sign_boxes,
                confidence,
                source,
            },
        )
}

fn guide() -> impl Strategy<Value = Arc<Guide>> {
    (
        any_text(),
        any_text(),
        prop::option::of(any::<i64>()),
        prop::option::of(any_text()),
        any_text(),
    )
        .prop_map(|(slug, title, order, summary, body)| {
            Arc::new(Guide {
                file: format!("content/guides/{slug}.md").into(),
                slug,
                front: FrontMatter {
                    title,
                    order,
                    summary,
                    effective_from: None,
                    effective_until: None,
                },
                body: Body::new(body),
                body_line: 5,
            })
        })
}

/// One year's holiday data as `content/holidays.yaml` would list it: each date in a group of its
/// own, named from a few names (so groups of one name gather), weekend days randomly worked.
fn holiday_year(year: i32) -> impl Strategy<Value = HolidayYear> {
    let notice = (
        any_text(),
        prop::option::of(any_text()),
        1u32..=365,
        prop::option::of(prop::sample::select(vec!["https://www.gov.cn/a?b=c&d", "http://x.cn/"])),
    )
        .prop_map(move |(title, number, day, url)| Notice {
            title,
            number,
            date: Spanned::detached(ymd(NaiveDate::from_yo_opt(year, day).unwrap())),
            url: url.map(|u| Spanned::detached(u.to_string())),
        });
    let days = prop::collection::btree_map(1u32..=366, (0..3usize, any::<bool>()), 0..24);
    // A year may cite a source instead of a notice; rules.json then writes `notice: null`.
    let cited = (prop::option::of(notice), prop::option::of(id()));
    (cited, prop::collection::vec(any_text(), 3), days).prop_map(move |((notice, source), names, days)| {
        let mut entry = HolidayYear {
            year: Spanned::detached(year),
            notice,
            source,
            days_off: Vec::new(),
            working_days: Vec::new(),
        };
        for (day, (name, worked)) in days {
            let Some(date) = NaiveDate::from_yo_opt(year, day) else {
                continue;
            };
            let group = DayGroup {
                name: Spanned::detached(names[name].clone()),
                dates: vec![Spanned::detached(ymd(date))],
                from: None,
                to: None,
                note: None,
            };
            let weekend = matches!(date.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
            if weekend && worked {
                entry.working_days.push(group);
            } else {
                entry.days_off.push(group);
            }
        }
        entry
    })
}

fn ymd(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Holiday data of one to three years between 1000 and 9999, not necessarily consecutive, and
/// the calendar it checks into.
fn holiday_years() -> impl Strategy<Value = Vec<HolidayYear>> {
    prop::collection::btree_set(1000..=9999i32, 1..=3)
        .prop_flat_map(|years| years.into_iter().map(holiday_year).collect::<Vec<_>>())
}

/// Holiday data: one calendar (`years:`) or one to three named ones, and the calendars it checks
/// into.
fn holidays() -> impl Strategy<Value = (HolidaysFile, Vec<SiteCalendar>)> {
    let named = (id(), any_text(), holiday_years()).prop_map(|(id, name, years)| NamedCalendar { id, name, years });
    prop_oneof![
        holiday_years().prop_map(|years| HolidaysFile {
            years,
            calendars: Vec::new()
        }),
        prop::collection::vec(named, 1..=3).prop_map(|calendars| HolidaysFile {
            years: Vec::new(),
            calendars
        }),
    ]
    .prop_map(|data| {
        let calendars = guidegen::validate::holiday_calendars(Path::new("content/holidays.yaml"), &data)
            .unwrap_or_else(|errors| panic!("the generated holiday data does not check: {errors:#?}"));
        (data, calendars)
    })
}

/// A model as `validate` makes it (the dates `rules.json` does not hold are the test's date).
fn model() -> impl Strategy<Value = Model> {
    (
        (site(), prop::collection::vec(subject_group(), 0..3)),
        prop::collection::vec(subject(), 0..3),
        prop::collection::vec(condition(), 0..3),
        prop::collection::vec(material(), 0..3),
        prop::collection::vec(stage(), 0..3),
        (
            prop::collection::vec(deadline(), 0..3),
            prop::collection::vec(
                (id(), any_text()).prop_map(|(id, name)| DeadlineEvent { id, name }),
                0..2,
            ),
        ),
        prop::collection::vec(form(), 0..2),
        prop::collection::vec(provider(), 0..3),
        prop::collection::vec(guide(), 0..3),
        prop::option::of(holidays()),
    )
        .prop_map(
            |(
                (site, subject_groups),
                subjects,
                conditions,
                materials,
                stages,
                (deadlines, events),
                forms,
                providers,
                guides,
                holidays,
            )| {
                let (holidays, calendars) = holidays.unzip();
                Model {
                    deadline_dates: vec![Some(today()); deadlines.len()],
                    content: Content {
                        changes: Vec::new(),
                        site,
                        subject_groups,
                        subjects,
                        conditions,
                        materials,
                        stages,
                        events,
                        deadlines,
                        forms,
                        providers,
                        guides,
                        holidays,
                    },
                    reviewed: today(),
                    as_of: today(),
                    history: guidegen::model::history::History::default(),
                    calendars: calendars.unwrap_or_default(),
                    stage_graph: StageGraph::default(),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any model (whatever its strings and numbers hold), written as the build writes `rules.json`,
    /// reads back into the model and writes out byte for byte the same.
    #[test]
    fn rules_json_reads_back_into_the_same_model(model in model()) {
        // The exact call the plan makes for rules.json.
        let json = serde_json::to_vec_pretty(&model.rules()).unwrap();
        let again = round_trip(&json).map_err(TestCaseError::fail)?;
        prop_assert!(again == json, "changed when read back:\n{}\n--- became ---\n{}",
            String::from_utf8_lossy(&json), String::from_utf8_lossy(&again));
        // And it is the model's data: every guide's slug and every stage's id, in order.
        let rules: Rules = serde_json::from_slice(&json).unwrap();
        let slugs: Vec<&str> = rules.guides.iter().map(|g| g.slug.as_str()).collect();
        prop_assert_eq!(slugs, model.content.guides.iter().map(|g| g.slug.as_str()).collect::<Vec<_>>());
        let number = |n: &Option<Spanned<u32>>| n.as_ref().map(|n| n.value);
        let stages: Vec<(&str, Option<u32>)> = rules.stages.iter().map(|s| (s.id.as_str(), number(&s.number))).collect();
        prop_assert_eq!(stages, model.content.stages.iter().map(|s| (s.id.as_str(), number(&s.number))).collect::<Vec<_>>());
        // And every named calendar, by id, with its years.
        let named = |calendars: &[SiteCalendar]| -> Vec<(String, Vec<i32>)> {
            calendars.iter().filter(|c| !c.id.is_empty()).map(|c| (c.id.clone(), c.calendar.covered_years())).collect()
        };
        prop_assert_eq!(named(&rules.calendars), named(&model.calendars));
        // And the whole calendar: every year, day off and worked weekend day, with its name.
        match (&rules.calendar, model.calendar()) {
            (Some(read), Some(written)) => {
                prop_assert_eq!(read.covered_years(), written.covered_years());
                prop_assert!(read.days_off().eq(written.days_off()));
                prop_assert!(read.adjusted_working_days().eq(written.adjusted_working_days()));
            }
            (read, written) => prop_assert_eq!(read.is_none(), written.is_none()),
        }
    }
}
