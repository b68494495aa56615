//! Hostile content: every string from the YAML files (and guides' front matter) is escaped
//! wherever it lands — HTML text and attributes, the JSON of the timeline's data file
//! (`assets/timeline-data.js`), `assets/search-index.js`, `deadlines.ics`, `sitemap.xml` — and
//! `rules.json` keeps it exactly. Raw HTML in Markdown is cleaned by default (nothing that could
//! run is published), kept as written with `raw_html: trusted`, and escaped with
//! `allow_html: false`.
//!
//! The hostile site is made from `tests/fixtures/minimal` (same ids, dates and enum values, so it
//! validates), with every string field of the model filled (plus `holidays.yaml`, so the timeline
//! page and its data file exist, and guides with front matter, bodies and a section index).
//! Each string starts with its own tag (`T001`, …), so a leak names the field it came from, then
//! holds `<script>` or `</script>`, both quotes, an `<img onerror>` and a Markdown link to a
//! `javascript:` URL; URL fields (`base_url`, sources' and holiday notices' `url`) hold web
//! addresses full of markup (a `javascript:` address there is refused by `check`, tested below).
//! Every check collects its findings and a test fails once with all of them, so one run reports
//! every leak.

mod common;

use common::*;
use std::path::{Path, PathBuf};

const JS_URL: &str = "javascript:alert(4)";
/// Where the `[link](…)` that every hostile string ends with points (Markdown makes it a link).
const MARKDOWN_JS_URL: &str = "javascript:alert(4)//markdown";
/// An http(s) URL whose text would break out of an attribute or an XML element if not escaped.
const MARKUP_URL: &str = "https://guide.example/x?a=1&b=\"><script>alert(1)</script>'";
/// The assets the default theme loads with `<script src>`; no other script may be loaded.
const OWN_SCRIPTS: [&str; 7] = [
    "assets/site.js",
    "assets/timeline-data.js",
    "assets/ticks.js",
    "assets/search.js",
    "assets/search-index.js",
    "assets/timeline.js",
    "assets/query.js",
];
/// Keys of `rules.json` whose strings are ids, dates or enum values, not free text.
const STRUCTURAL_KEYS: [&str; 19] = [
    "raw_html",
    "id",
    "date",
    "reviewed",
    "kind",
    "provider",
    "unit",
    "confidence",
    "source",
    "back_to",
    "slug",
    "theme",
    "subjects[]",
    "when[]",
    "materials[]",
    "groups[]",
    "forms[]",
    "event",
    "dates[]",
];

// ---------------------------------------------------------------------------------------------
// The hostile site
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Variant {
    /// `<script>`, both quotes, a tag-closing `>` and an event-handler attribute.
    Script,
    /// `</script>` first, to end any script the value lands in.
    CloseScript,
    /// Also `,` `;` `\` and a CRLF that tries to start a new calendar event.
    Ics,
}

/// One string written into the content.
struct Entry {
    /// `T001`, …: starts the value, so a leak can be traced to its field.
    tag: Option<String>,
    /// Where it was written, e.g. `stages.yaml review: duration.note`.
    field: String,
    value: String,
    /// Rendered as Markdown (so `allow_html` decides whether its raw HTML is kept).
    markdown: bool,
    /// Part of the validated model, so `rules.json` must hold it exactly.
    in_rules: bool,
}

/// Every string of the hostile site, in the order written.
struct Hostile {
    /// Write harmless look-alikes instead (same tags, same Markdown structure, no markup), for
    /// comparing the structure of every page.
    benign: bool,
    entries: Vec<Entry>,
}

impl Hostile {
    fn new(benign: bool) -> Self {
        Hostile {
            benign,
            // Not a field: names the links Markdown makes of `[link](javascript:…)`.
            entries: vec![Entry {
                tag: None,
                field: "a Markdown link `[link](javascript:…)` in a Markdown field".into(),
                value: MARKDOWN_JS_URL.into(),
                markdown: true,
                in_rules: false,
            }],
        }
    }

    fn add(&mut self, field: &str, markdown: bool, in_rules: bool, variant: Option<Variant>) -> String {
        let tag = format!("T{:03}", self.entries.len());
        let variant = variant.unwrap_or(if self.entries.len() % 2 == 1 {
            Variant::Script
        } else {
            Variant::CloseScript
        });
        // Every payload ends with a Markdown link to a `javascript:` URL.
        let link = format!("[link]({MARKDOWN_JS_URL})");
        let mut value = match variant {
            Variant::Script => format!(
                "{tag}<script>alert(1)</script>\"'><img src=x onerror=alert(2)><iframe src=\"https://e.org\"></iframe><form action=x><input></form><b style=\"color:red\">s</b> {link}"
            ),
            Variant::CloseScript => format!("{tag}</script><script>alert(3)</script>\"' {link}"),
            Variant::Ics => format!(
                "{tag}<script>alert(1)</script>\"', a; b\\ c {link}\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"
            ),
        };
        if self.benign {
            value = value.replace(['<', '>', '"', '\'', '&'], "x");
        }
        self.entries.push(Entry {
            tag: Some(tag),
            field: field.to_string(),
            value: value.clone(),
            markdown,
            in_rules,
        });
        value
    }

    /// A plain-text string field of a content YAML file, as a YAML scalar.
    fn text(&mut self, field: &str) -> String {
        yaml(&self.add(field, false, true, None))
    }

    /// Like `text`, with the given payload.
    fn text_as(&mut self, field: &str, variant: Variant) -> String {
        yaml(&self.add(field, false, true, Some(variant)))
    }

    /// A Markdown string field of a content YAML file, as a YAML scalar.
    fn md(&mut self, field: &str) -> String {
        yaml(&self.add(field, true, true, None))
    }

    /// A field that also lands in `deadlines.ics`.
    fn ics(&mut self, field: &str, markdown: bool) -> String {
        yaml(&self.add(field, markdown, true, Some(Variant::Ics)))
    }

    /// A string of `holidays.yaml`; `in_rules` unless the checked calendar drops it (a group's note).
    fn holiday(&mut self, field: &str, in_rules: bool) -> String {
        yaml(&self.add(field, false, in_rules, None))
    }

    /// Raw Markdown for a guide's body (not part of `rules.json`).
    fn body(&mut self, field: &str) -> String {
        self.add(field, true, false, None)
    }

    /// A URL, written as given.
    fn url(&mut self, field: &str, url: &str, in_rules: bool) -> String {
        self.entries.push(Entry {
            tag: None,
            field: field.to_string(),
            value: url.to_string(),
            markdown: false,
            in_rules,
        });
        yaml(url)
    }

    fn value(&self, field: &str) -> &str {
        &self
            .entries
            .iter()
            .find(|e| e.field == field)
            .unwrap_or_else(|| panic!("no field {field}"))
            .value
    }

    fn tagged(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().filter_map(|e| e.tag.as_deref().map(|t| (t, e)))
    }

    /// The field a tag was written into.
    fn field_of(&self, text: &str) -> String {
        let fields: Vec<&str> = self
            .tagged()
            .filter(|(tag, _)| text.contains(tag))
            .map(|(_, e)| e.field.as_str())
            .collect();
        if fields.is_empty() {
            String::new()
        } else {
            format!(" [from {}]", fields.join(", "))
        }
    }
}

/// A YAML double-quoted scalar (JSON strings are valid YAML).
fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// Copies `minimal` to `root` and rewrites its content with a hostile string in every string field.
fn write_hostile_site(root: &Path, h: &mut Hostile, html: Html, base_url: &str) {
    copy_dir(&fixture("minimal"), root);
    let content = root.join("content");
    let write = |name: &str, lines: Vec<String>| {
        let path = content.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    };
    // Lines are written out one by one: YAML indentation matters.
    let site = vec![
        format!("title: {}", h.ics("site.yaml: title", false)),
        format!("description: {}", h.md("site.yaml: description")),
        format!("language: {}", h.text("site.yaml: language")),
        format!("base_url: {}", h.url("site.yaml: base_url", base_url, true)),
        "reviewed: \"2026-01-15\"".into(),
        html.setting().into(),
        format!("intro: {}", h.md("site.yaml: intro")),
        "who_must:".into(),
        format!("  - {}", h.md("site.yaml: who_must[0]")),
        format!("  - {}", h.md("site.yaml: who_must[1]")),
        "who_need_not:".into(),
        format!("  - {}", h.md("site.yaml: who_need_not[0]")),
        // Words go into templates beside HTML the theme builds (a caption with a <time>, a
        // deadline with a link): they must stay text there too.
        "words:".into(),
        format!("  deadline_relative: {}", h.text("site.yaml words: deadline_relative")),
        format!("  timeline_caption: {}", h.text("site.yaml words: timeline_caption")),
        format!(
            "  timeline_event_date: {}",
            h.text("site.yaml words: timeline_event_date")
        ),
        format!("  timeline_restart: {}", h.text("site.yaml words: timeline_restart")),
        format!("  forms: {}", h.text("site.yaml words: forms")),
        format!("  date_format: {}", h.text("site.yaml words: date_format")),
        "sources:".into(),
        "  - id: notice".into(),
        format!("    title: {}", h.text("site.yaml notice: title")),
        format!("    issuer: {}", h.text("site.yaml notice: issuer")),
        format!("    number: {}", h.text("site.yaml notice: number")),
        "    date: \"2023-08-04\"".into(),
        format!(
            "    url: {}",
            h.url("site.yaml notice: url", &format!("{MARKUP_URL}//source"), true)
        ),
        "    kind: notice".into(),
        format!("    note: {}", h.text("site.yaml notice: note")),
        "  - id: other".into(),
        format!("    title: {}", h.text("site.yaml other: title")),
        format!("    url: {}", h.url("site.yaml other: url", MARKUP_URL, true)),
        "    kind: law".into(),
    ];
    write("site.yaml", site);

    let subjects = vec![
        "groups:".into(),
        "  - id: people".into(),
        format!("    name: {}", h.text("subjects.yaml people: name")),
        "    forms: [verification-person]".into(),
        "  - id: organisations".into(),
        format!("    name: {}", h.text("subjects.yaml organisations: name")),
        "subjects:".into(),
        "  - id: person".into(),
        format!("    name: {}", h.text("subjects.yaml person: name")),
        "    groups: [people]".into(),
        format!(
            "    certificates: [{}, {}]",
            h.text("subjects.yaml person: certificates[0]"),
            h.text("subjects.yaml person: certificates[1]")
        ),
        format!("    note: {}", h.md("subjects.yaml person: note")),
        "  - id: company".into(),
        format!("    name: {}", h.text("subjects.yaml company: name")),
        "    groups: [organisations]".into(),
        format!(
            "    certificates: [{}]",
            h.text("subjects.yaml company: certificates[0]")
        ),
        format!("    note: {}", h.md("subjects.yaml company: note")),
        "    confidence: medium".into(),
        "    source: notice".into(),
    ];
    write("subjects.yaml", subjects);

    let conditions = vec![
        "conditions:".into(),
        "  - id: non_local".into(),
        format!("    label: {}", h.text("conditions.yaml non_local: label")),
        format!("    question: {}", h.text("conditions.yaml non_local: question")),
        "    subjects: [people]".into(),
        "    source: notice".into(),
        "  - id: approval".into(),
        format!("    label: {}", h.text("conditions.yaml approval: label")),
        format!("    question: {}", h.text("conditions.yaml approval: question")),
        format!(
            "    options: [{}, {}]",
            h.text("conditions.yaml approval: options[0]"),
            h.text("conditions.yaml approval: options[1]")
        ),
    ];
    write("conditions.yaml", conditions);

    let mut materials = vec!["materials:".to_string()];
    for (id, extra) in [
        ("id_card", vec!["provider: filer", "subjects: [people]"]),
        (
            "licence",
            vec!["provider: filer", "subjects: [organisations]", "confidence: low"],
        ),
        (
            "residence",
            vec!["provider: on_platform", "subjects: [people]", "when: [non_local]"],
        ),
        (
            "permit",
            vec!["provider: filer", "subjects: [company]", "when: [approval]"],
        ),
        ("form", vec!["provider: platform"]),
    ] {
        materials.push(format!("  - id: {id}"));
        materials.push(format!("    name: {}", h.text(&format!("materials.yaml {id}: name"))));
        materials.push(format!(
            "    description: {}",
            h.md(&format!("materials.yaml {id}: description"))
        ));
        materials.push(format!(
            "    tips: [{}, {}]",
            h.md(&format!("materials.yaml {id}: tips[0]")),
            h.md(&format!("materials.yaml {id}: tips[1]"))
        ));
        materials.extend(extra.iter().map(|line| format!("    {line}")));
        materials.push("    source: notice".into());
    }
    write("materials.yaml", materials);

    let mut providers = vec!["providers:".to_string()];
    for (id, filer) in [("filer", true), ("on_platform", false), ("platform", false)] {
        providers.push(format!("  - id: {id}"));
        providers.push(format!("    name: {}", h.text(&format!("providers.yaml {id}: name"))));
        providers.push(format!("    filer: {filer}"));
    }
    write("providers.yaml", providers);

    let mut stages = vec!["stages:".to_string()];
    for (number, (id, materials)) in [
        ("prepare", "[]"),
        ("fill-in", "[id_card, licence, residence, permit]"),
        ("review", "[form]"),
    ]
    .into_iter()
    .enumerate()
    {
        let s = |key: &str| format!("stages.yaml {id}: {key}");
        stages.extend([
            format!("  - id: {id}"),
            format!("    number: {number}"),
            // The names also go into the timeline's data file: give it both payloads.
            format!(
                "    name: {}",
                h.text_as(
                    &s("name"),
                    if id == "fill-in" {
                        Variant::CloseScript
                    } else {
                        Variant::Script
                    }
                )
            ),
            format!("    summary: {}", h.md(&s("summary"))),
            format!("    actor: {}", h.text(&s("actor"))),
            format!(
                "    duration: {{min: 1, max: 2, unit: working_days, note: {}}}",
                h.text(&s("duration.note"))
            ),
            "    steps:".into(),
            format!("      - title: {}", h.text(&s("steps[0].title"))),
            format!("        text: {}", h.md(&s("steps[0].text"))),
            format!("        actor: {}", h.text(&s("steps[0].actor"))),
            format!("      - title: {}", h.text(&s("steps[1].title"))),
            "    on_failure:".into(),
            format!("      - when: {}", h.text(&s("on_failure[0].when"))),
            format!("        then: {}", h.md(&s("on_failure[0].then"))),
        ]);
        if id == "review" {
            stages.push("        back_to: fill-in".into());
        }
        stages.extend([
            format!("    materials: {materials}"),
            format!("    notification: {}", h.text(&s("notification"))),
            format!("    tips: [{}]", h.md(&s("tips[0]"))),
            format!("    confidence: {}", if id == "fill-in" { "medium" } else { "high" }),
            "    source: notice".into(),
        ]);
    }
    write("stages.yaml", stages);

    let mut deadlines = vec![
        "events:".to_string(),
        "  - id: began".into(),
        format!("    name: {}", h.text("deadlines.yaml began: name")),
        "deadlines:".into(),
        "  - id: after-began".into(),
        "    after: {event: began, amount: 3, unit: months}".into(),
        format!("    title: {}", h.text("deadlines.yaml after-began: title")),
        format!("    applies_to: {}", h.text("deadlines.yaml after-began: applies_to")),
        format!("    rule: {}", h.md("deadlines.yaml after-began: rule")),
        "    source: notice".into(),
        "  - id: after-review".into(),
        "    after: {event: review, amount: 2, unit: working_days}".into(),
        format!("    title: {}", h.text("deadlines.yaml after-review: title")),
        format!("    applies_to: {}", h.text("deadlines.yaml after-review: applies_to")),
        format!("    rule: {}", h.md("deadlines.yaml after-review: rule")),
        "    source: notice".into(),
    ];
    for (id, date) in [("start", "2023-09-01"), ("future", "2030-01-01")] {
        deadlines.extend([
            format!("  - id: {id}"),
            format!("    date: \"{date}\""),
            format!("    title: {}", h.ics(&format!("deadlines.yaml {id}: title"), false)),
            format!(
                "    applies_to: {}",
                h.ics(&format!("deadlines.yaml {id}: applies_to"), false)
            ),
            format!("    rule: {}", h.ics(&format!("deadlines.yaml {id}: rule"), true)),
            format!(
                "    consequence: {}",
                h.ics(&format!("deadlines.yaml {id}: consequence"), true)
            ),
            "    source: notice".into(),
        ]);
    }
    write("deadlines.yaml", deadlines);

    let forms = vec![
        "forms:".into(),
        "  - id: verification-person".into(),
        format!("    title: {}", h.text("forms.yaml: title")),
        format!("    intro: {}", h.md("forms.yaml: intro")),
        "    sections:".into(),
        format!("      - title: {}", h.text("forms.yaml: sections[0].title")),
        "        fields:".into(),
        format!("          - label: {}", h.text("forms.yaml: fields[0].label")),
        format!("            hint: {}", h.text("forms.yaml: fields[0].hint")),
        format!("          - label: {}", h.text("forms.yaml: fields[1].label")),
        "            kind: choice".into(),
        format!(
            "            options: [{}, {}]",
            h.text("forms.yaml: fields[1].options[0]"),
            h.text("forms.yaml: fields[1].options[1]")
        ),
        format!("            hint: {}", h.text("forms.yaml: fields[1].hint")),
        format!("          - label: {}", h.text("forms.yaml: fields[2].label")),
        "            kind: lines".into(),
        "            lines: 3".into(),
        format!("          - label: {}", h.text("forms.yaml: fields[3].label")),
        "            kind: date".into(),
        format!("    declaration: {}", h.md("forms.yaml: declaration")),
        "    sign_boxes:".into(),
        format!(
            "      - {{label: {}, kind: signature}}",
            h.text("forms.yaml: sign_boxes[0].label")
        ),
        format!(
            "      - {{label: {}, kind: seal}}",
            h.text("forms.yaml: sign_boxes[1].label")
        ),
        format!(
            "      - {{label: {}, kind: date}}",
            h.text("forms.yaml: sign_boxes[2].label")
        ),
        "    confidence: low".into(),
        "    source: notice".into(),
    ];
    write("forms.yaml", forms);

    // Stages have durations and there is a calendar, so timeline.html and its data file exist.
    let holidays = vec![
        "years:".into(),
        "  - year: 2026".into(),
        "    notice:".into(),
        format!("      title: {}", h.holiday("holidays.yaml: notice.title", true)),
        format!("      number: {}", h.holiday("holidays.yaml: notice.number", true)),
        "      date: \"2025-11-04\"".into(),
        format!(
            "      url: {}",
            h.url("holidays.yaml: notice.url", &format!("{MARKUP_URL}//holidays"), true)
        ),
        "    days_off:".into(),
        format!("      - name: {}", h.holiday("holidays.yaml: days_off[0].name", true)),
        "        dates: [\"2026-01-01\"]".into(),
        format!("        note: {}", h.holiday("holidays.yaml: days_off[0].note", false)),
        "    working_days:".into(),
        format!(
            "      - name: {}",
            h.holiday("holidays.yaml: working_days[0].name", true)
        ),
        "        dates: [\"2026-01-04\"]".into(),
    ];
    write("holidays.yaml", holidays);

    // Guides: the front matter is YAML too. Every body line starts with a tag, so with
    // `allow_html: false` a body has the same structure as its benign twin.
    let guide = |h: &mut Hostile, file: &str, order: u32, link: &str| {
        vec![
            "---".into(),
            format!("title: {}", h.text(&format!("guides/{file}: title"))),
            format!("order: {order}"),
            format!("summary: {}", h.text(&format!("guides/{file}: summary"))),
            "---".into(),
            format!("## {}", h.body(&format!("guides/{file}: heading"))),
            String::new(),
            h.body(&format!("guides/{file}: paragraph")),
            String::new(),
            format!("- {}", h.body(&format!("guides/{file}: list item"))),
            String::new(),
            link.to_string(),
        ]
    };
    let first = guide(h, "first.md", 1, "Read [the second](sub/second.md).");
    write("guides/first.md", first);
    let second = guide(h, "sub/second.md", 2, "Back to [the first](../first.md).");
    write("guides/sub/second.md", second);
    let index = guide(h, "sub/_index.md", 3, "");
    write("guides/sub/_index.md", index);
}

fn build(root: &Path) -> PathBuf {
    let output = root.join("output");
    let run = bin()
        .args(["build", "--today", TODAY, "--root"])
        .arg(root)
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "the hostile site must build:\n{}",
        text(&run.stderr)
    );
    output
}

/// Builds a hostile (or benign) site; returns the strings written and the output files.
/// The classes of the default theme's own `<form>` elements.
const THEME_FORMS: &[&str] = &[
    "checklist",
    "questionnaire",
    "questionnaire-start",
    "search-form",
    "site-search",
    "timeline-form",
];

/// What the hostile site says about raw HTML in its Markdown.
#[derive(Clone, Copy)]
enum Html {
    /// `allow_html: false`: shown as text.
    Escaped,
    /// Nothing said: cleaned of anything that could run.
    Cleaned,
    /// `raw_html: trusted`: published as written.
    Trusted,
}

impl Html {
    fn setting(self) -> &'static str {
        match self {
            Html::Escaped => "allow_html: false",
            Html::Cleaned => "# raw HTML: the default, cleaned",
            Html::Trusted => "raw_html: trusted",
        }
    }
}

fn hostile_build(label: &str, benign: bool, html: Html, base_url: &str) -> (TempDir, Hostile, Vec<(String, String)>) {
    let tmp = TempDir::new(label);
    let root = tmp.path().join("site");
    let mut h = Hostile::new(benign);
    write_hostile_site(&root, &mut h, html, base_url);
    let files = read_tree(&build(&root))
        .into_iter()
        .filter(|(path, _)| {
            !path.starts_with("assets/") || path == "assets/search-index.js" || path == "assets/timeline-data.js"
        })
        .map(|(path, bytes)| {
            (
                path.clone(),
                String::from_utf8(bytes).unwrap_or_else(|_| panic!("{path} is not UTF-8")),
            )
        })
        .collect();
    (tmp, h, files)
}

fn file<'a>(files: &'a [(String, String)], path: &str) -> &'a str {
    &files
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} was not built"))
        .1
}

fn fail_if_any(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Reading HTML and XML (just enough to see what a browser would see)
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct Element {
    name: String,
    end: bool,
    attrs: Vec<(String, String)>,
    /// Byte offset of the `<`.
    at: usize,
    /// For `script`, `style`, `title` and `textarea`: the text up to the first `</name`.
    raw_text: Option<String>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The tags of `html` as an HTML parser reads them (comments and doctype skipped; the text of
/// raw-text elements ends at the first `</name`, whatever precedes it).
fn tags(html: &str) -> Vec<Element> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let at = i + offset;
        let rest = &html[at..];
        if rest.starts_with("<!--") {
            i = at + rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = at + rest.find('>').map_or(rest.len(), |e| e + 1);
            continue;
        }
        let (end, name_start) = if rest.starts_with("</") {
            (true, at + 2)
        } else {
            (false, at + 1)
        };
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = at + 1;
            continue;
        }
        let mut j = name_start;
        while j < b.len() && !is_space(b[j]) && b[j] != b'/' && b[j] != b'>' {
            j += 1;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (is_space(b[j]) || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() {
                break;
            }
            if b[j] == b'>' {
                j += 1;
                break;
            }
            let name_at = j;
            j += 1;
            while j < b.len() && !is_space(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
                j += 1;
            }
            let attr = html[name_at..j].to_ascii_lowercase();
            while j < b.len() && is_space(b[j]) {
                j += 1;
            }
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                while j < b.len() && is_space(b[j]) {
                    j += 1;
                }
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let quote = b[j] as char;
                    let start = j + 1;
                    let stop = html[start..].find(quote).map_or(b.len(), |e| start + e);
                    value = decode_entities(&html[start..stop]);
                    j = (stop + 1).min(b.len());
                } else {
                    let start = j;
                    while j < b.len() && !is_space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    value = decode_entities(&html[start..j]);
                }
            }
            attrs.push((attr, value));
        }
        let mut raw_text = None;
        if !end && matches!(name.as_str(), "script" | "style" | "title" | "textarea") {
            let close = format!("</{name}");
            let stop = html[j..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(html.len(), |e| j + e);
            raw_text = Some(html[j..stop].to_string());
            j = stop;
        }
        out.push(Element {
            name,
            end,
            attrs,
            at,
            raw_text,
        });
        i = j;
    }
    out
}

/// Decodes character references as a browser does in attribute values (enough of them).
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let decoded = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = name.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else {
            match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
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

/// Whether following or loading `url` would run script (as browsers read it: tabs and line
/// breaks removed, leading spaces and controls ignored, scheme case-insensitive).
fn runs_script(url: &str) -> bool {
    let cleaned: String = url.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let cleaned = cleaned.trim_start_matches(|c: char| c <= ' ').to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

const URL_ATTRS: [&str; 9] = [
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "background",
    "cite",
];

fn context(text: &str, at: usize) -> String {
    let mut start = at.saturating_sub(60);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + 120).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!("…{}…", &text[start..end]).replace('\n', "⏎")
}

/// Every case-insensitive occurrence of `needle` in `haystack`.
fn find_all(haystack: &str, needle: &str) -> Vec<usize> {
    let lower = haystack.to_ascii_lowercase();
    lower
        .match_indices(&needle.to_ascii_lowercase())
        .map(|(i, _)| i)
        .collect()
}

/// The element structure of a page: each tag's name and attribute names, in order.
fn structure(html: &str) -> Vec<String> {
    tags(html)
        .iter()
        .map(|e| {
            if e.end {
                format!("/{}", e.name)
            } else {
                let mut names: Vec<&str> = e.attrs.iter().map(|(n, _)| n.as_str()).collect();
                names.sort();
                format!("{} {}", e.name, names.join(" ")).trim_end().to_string()
            }
        })
        .collect()
}

/// Checks `xml` is well-formed (one root, tags balanced, attributes quoted, no raw `<` or stray
/// `&` in text or attribute values); returns the decoded text of each `<loc>`.
fn well_formed_xml(xml: &str) -> Result<Vec<String>, String> {
    let mut rest = xml.strip_prefix("<?xml").ok_or("no XML declaration")?;
    rest = &rest[rest.find("?>").ok_or("unclosed XML declaration")? + 2..];
    let check_refs = |text: &str| -> Result<(), String> {
        let mut t = text;
        while let Some(at) = t.find('&') {
            t = &t[at + 1..];
            let end = t.find(';').ok_or_else(|| format!("`&` without `;` in {text:?}"))?;
            let name = &t[..end];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name
                    .strip_prefix("#x")
                    .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                || name
                    .strip_prefix('#')
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!("bad reference `&{name};` in {text:?}"));
            }
        }
        Ok(())
    };
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut locs = Vec::new();
    loop {
        let next = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..next];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root element: {text:?}"));
        }
        check_refs(text)?;
        if stack.last().is_some_and(|n| n == "loc") {
            locs.push(decode_entities(text));
        }
        rest = &rest[next..];
        if rest.is_empty() {
            break;
        }
        let close = rest.find('>').ok_or("unclosed tag")?;
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Err(format!("`</{name}>` closes {other:?}")),
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
        {
            return Err(format!("bad element name in <{tag}>"));
        }
        // Attributes: name="value" pairs, values without `<`.
        let mut attrs = tag[name_end..].trim();
        while !attrs.is_empty() {
            let eq = attrs
                .find('=')
                .ok_or_else(|| format!("attribute without value in <{tag}>"))?;
            let after = attrs[eq + 1..].trim_start();
            let quote = after
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .ok_or_else(|| format!("unquoted attribute in <{tag}>"))?;
            let end = after[1..]
                .find(quote)
                .ok_or_else(|| format!("unclosed attribute in <{tag}>"))?;
            let value = &after[1..1 + end];
            if value.contains('<') {
                return Err(format!("`<` in an attribute of <{tag}>"));
            }
            check_refs(value)?;
            attrs = after[end + 2..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
        }
        if !self_closing {
            stack.push(name.to_string());
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(locs)
}

// ---------------------------------------------------------------------------------------------
// The checks, one per kind of output file
// ---------------------------------------------------------------------------------------------

/// How much raw HTML a page may hold.
#[derive(Clone, Copy, PartialEq)]
enum Trust {
    /// `allow_html: false`: no markup from the content at all.
    None,
    /// The default: Markdown fields keep the markup that cannot run anything (an `<img>`
    /// without its handler, say); no script, handler, frame or script address gets through.
    Cleaned,
    /// `raw_html: trusted`: Markdown fields keep their raw HTML; plain fields are still escaped.
    Markdown,
}

/// What an HTML page may contain.
fn check_html(path: &str, html: &str, h: &Hostile, trust: Trust, base_url: &str, problems: &mut Vec<String>) {
    let elements = tags(html);

    // URLs that run script, wherever they are, in every mode: one finding per page.
    let mut scripted: Vec<String> = Vec::new();
    let mut first_at = None;
    for e in elements.iter().filter(|e| !e.end) {
        for (name, value) in &e.attrs {
            if URL_ATTRS.contains(&name.as_str()) && runs_script(value) {
                let source = h
                    .entries
                    .iter()
                    .filter(|entry| entry.tag.is_none() && value.starts_with(entry.value.as_str()))
                    .max_by_key(|entry| entry.value.len());
                if trust == Trust::Markdown && source.is_some_and(|entry| entry.markdown) {
                    continue; // trusted authors may write such links, as they may write raw HTML
                }
                let from = match source {
                    // The link is the end of a hostile string: name the field whose tag precedes it.
                    Some(entry) if entry.markdown => {
                        let before = &html[..e.at];
                        let field = h
                            .tagged()
                            .filter_map(|(tag, f)| before.rfind(tag).map(|at| (at, f.field.as_str())))
                            .max()
                            .map_or("?", |(_, field)| field);
                        format!(" (a Markdown link `[link]({MARKDOWN_JS_URL})` in {field})")
                    }
                    Some(entry) => format!(" (from {})", entry.field),
                    None => String::new(),
                };
                scripted.push(format!("<{} {name}=\"{value}\">{from}", e.name));
                first_at.get_or_insert(e.at);
            }
        }
    }
    // The literal forms too (the parse above already covers them, and their encoded variants).
    let raw_needles: usize = ["href=\"javascript:", "src=\"javascript:"]
        .iter()
        .flat_map(|needle| {
            find_all(html, needle)
                .into_iter()
                .map(move |at| &html[at + needle.len()..])
        })
        .filter(|rest| trust == Trust::None || !rest.starts_with(&MARKDOWN_JS_URL["javascript:".len()..]))
        .count();
    if let Some(at) = first_at {
        problems.push(format!(
            "{path}: {} URL attribute(s) that run script when followed or loaded ({raw_needles} of them \
             literally `href=\"javascript:`/`src=\"javascript:`):\n    {}\n    first: {}",
            scripted.len(),
            scripted.join("\n    "),
            context(html, at)
        ));
    } else if raw_needles > 0 {
        problems.push(format!("{path}: a raw `href=\"javascript:` or `src=\"javascript:`"));
    }
    let mut report = |at: usize, what: String| {
        let ctx = context(html, at);
        problems.push(format!("{path}: {what}{}\n    {ctx}", h.field_of(&ctx)));
    };

    // Scripts: only the theme's files; no inline script (the pages' Content-Security-Policy
    // forbids them, and the timeline's data is a file of its own).
    for e in elements.iter().filter(|e| e.name == "script" && !e.end) {
        let src = e.attrs.iter().find(|(n, _)| n == "src").map(|(_, v)| v.as_str());
        let raw = e.raw_text.as_deref().unwrap_or_default();
        match src {
            Some(src) => {
                let local = src.trim_start_matches("../");
                let own = OWN_SCRIPTS
                    .iter()
                    .any(|s| local == *s || src == format!("{}/{s}", base_url.trim_end_matches('/')));
                if trust != Trust::Markdown && !own {
                    report(
                        e.at,
                        format!("<script src=\"{src}\"> is not one of the theme's scripts"),
                    );
                }
                if !raw.trim().is_empty() {
                    report(e.at, "a <script src> with content".into());
                }
            }
            None if trust != Trust::Markdown => {
                report(e.at, "an inline <script> (the theme has none)".into());
            }
            None => {}
        }
    }

    match trust {
        Trust::None => {
            for at in find_all(html, "<script>alert") {
                report(at, "raw `<script>alert`".into());
            }
            for e in elements.iter().filter(|e| !e.end) {
                for (name, _) in &e.attrs {
                    if name.starts_with("on") {
                        report(e.at, format!("event-handler attribute `{name}` in <{}>", e.name));
                    }
                }
                if matches!(
                    e.name.as_str(),
                    "img" | "iframe" | "object" | "embed" | "svg" | "math" | "base" | "meta"
                ) && !(e.name == "meta" && (path_is_head_meta(e)))
                {
                    report(e.at, format!("an injected <{}>", e.name));
                }
            }
        }
        Trust::Cleaned => {
            for at in find_all(html, "<script>alert") {
                report(at, "raw `<script>alert`".into());
            }
            for e in elements.iter().filter(|e| !e.end) {
                for (name, _) in &e.attrs {
                    if name.starts_with("on") || name == "style" {
                        report(e.at, format!("attribute `{name}` in <{}>", e.name));
                    }
                }
                // The theme's own forms, each named by its class.
                let own_form = e.attrs.iter().any(|(n, v)| {
                    n == "class" && THEME_FORMS.contains(&v.split_whitespace().next().unwrap_or_default())
                });
                if matches!(
                    e.name.as_str(),
                    "iframe" | "object" | "embed" | "svg" | "math" | "base" | "style"
                ) || (e.name == "form" && !own_form)
                    || (e.name == "meta" && !path_is_head_meta(e))
                {
                    report(e.at, format!("an injected <{}>", e.name));
                }
            }
            for (tag, entry) in h.tagged().filter(|(_, e)| !e.markdown) {
                for at in find_all(html, &format!("{tag}<")) {
                    report(at, format!("plain field `{}` is not escaped", entry.field));
                }
            }
        }
        Trust::Markdown => {
            // Only Markdown fields may carry markup; a plain field's text is always escaped.
            for (tag, entry) in h.tagged().filter(|(_, e)| !e.markdown) {
                for at in find_all(html, &format!("{tag}<")) {
                    report(at, format!("plain field `{}` is not escaped", entry.field));
                }
            }
        }
    }
}

/// The theme's own `<meta charset>`, `<meta name="viewport">` and Content-Security-Policy.
fn path_is_head_meta(e: &Element) -> bool {
    e.attrs.iter().any(|(n, v)| {
        n == "charset" || (n == "name" && v == "viewport") || (n == "http-equiv" && v == "Content-Security-Policy")
    })
}

/// `rules.json`: valid JSON holding every hostile string exactly, and nothing else as free text.
fn check_rules(json: &str, h: &Hostile, problems: &mut Vec<String>) {
    let rules: serde_json::Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!("rules.json is not valid JSON: {e}"));
            return;
        }
    };
    fn leaves(value: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::String(s) => out.push((path.to_string(), s.clone())),
            serde_json::Value::Array(items) => items.iter().for_each(|v| leaves(v, &format!("{path}[]"), out)),
            serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| leaves(v, &format!("{path}.{k}"), out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    leaves(&rules, "", &mut all);
    // The day the rules are as of is no content string; the hostile site has no history.
    all.retain(|(path, _)| path != ".as_of");
    let mut found: Vec<&str> = Vec::new();
    for (path, value) in &all {
        let key = path.rsplit('.').next().unwrap_or_default();
        if STRUCTURAL_KEYS.contains(&key) {
            continue;
        }
        found.push(value);
    }
    let mut expected: Vec<&str> = h
        .entries
        .iter()
        .filter(|e| e.in_rules)
        .map(|e| e.value.as_str())
        .collect();
    found.sort();
    expected.sort();
    if found != expected {
        let missing: Vec<_> = expected.iter().filter(|v| !found.contains(v)).collect();
        let extra: Vec<_> = all
            .iter()
            .filter(|(p, v)| {
                !STRUCTURAL_KEYS.contains(&p.rsplit('.').next().unwrap_or_default()) && !expected.contains(&v.as_str())
            })
            .collect();
        problems.push(format!(
            "rules.json does not round-trip the content's strings exactly:\n    missing or changed: {missing:?}\n    unexpected: {extra:?}"
        ));
    }
}

/// `assets/search-index.js`: no raw `<script` or `</script`, and still the payload as data.
fn check_search_index(js: &str, h: &Hostile, problems: &mut Vec<String>) {
    for needle in ["</script", "<script", "<!--"] {
        for at in find_all(js, needle) {
            problems.push(format!(
                "assets/search-index.js: raw `{needle}`{}\n    {}",
                h.field_of(&context(js, at)),
                context(js, at)
            ));
        }
    }
    let json = js
        .strip_prefix("window.GUIDEGEN_SEARCH = ")
        .and_then(|r| r.trim_end().strip_suffix(';'));
    match json.map(serde_json::from_str::<serde_json::Value>) {
        Some(Ok(index)) => {
            let titles: Vec<&str> = index["pages"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["title"].as_str())
                .collect();
            if !h.benign && !titles.iter().any(|t| t.contains("<script>alert(")) {
                problems.push(format!(
                    "assets/search-index.js: no page title holds the payload as text (dropped instead of escaped?): {titles:?}"
                ));
            }
        }
        _ => problems.push("assets/search-index.js is not `window.GUIDEGEN_SEARCH = <JSON>;`".into()),
    }
}

/// Undoes RFC 5545 TEXT escaping; `None` when the value holds an unescaped `,` or `;` or a bad escape.
fn ics_unescape(value: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(c @ ('\\' | ';' | ',')) => out.push(c),
                other => {
                    return Err(format!(
                        "bad escape `\\{}`",
                        other.map(String::from).unwrap_or_default()
                    ))
                }
            },
            ';' | ',' => return Err(format!("unescaped `{c}`")),
            c if c.is_control() && c != '\t' => return Err(format!("control character {c:?}")),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `deadlines.ics`: CRLF lines only, no raw line break inside a value, two events, and every
/// value an escaped TEXT that unescapes to exactly the content's string.
fn check_ics(raw: &str, h: &Hostile, problems: &mut Vec<String>) {
    if !raw.ends_with("\r\n") || raw.replace("\r\n", "").contains(['\r', '\n']) {
        problems
            .push("deadlines.ics: a raw CR or LF that is not a CRLF line ending (a line break inside a value)".into());
    }
    let unfolded = raw.replace("\r\n ", "").replace("\r\n\t", "");
    let lines: Vec<&str> = unfolded.split("\r\n").filter(|l| !l.is_empty()).collect();
    let count = |line: &str| lines.iter().filter(|l| **l == line).count();
    if count("BEGIN:VEVENT") != 2 || count("END:VEVENT") != 2 || count("BEGIN:VCALENDAR") != 1 {
        problems.push(format!(
            "deadlines.ics: expected exactly two events, found lines {lines:#?}"
        ));
    }
    if lines.iter().any(|l| l.starts_with("SUMMARY:injected")) {
        problems.push("deadlines.ics: a value's CRLF started a new property".into());
    }
    let value_of = |name: &str| -> Vec<&str> {
        lines
            .iter()
            .filter(|l| l.split([':', ';']).next() == Some(name))
            .filter_map(|l| l.split_once(':').map(|(_, v)| v))
            .collect()
    };
    let crlf = |s: &str| s.replace("\r\n", "\n");
    let expect = |name: &str, values: Vec<String>, problems: &mut Vec<String>| {
        let found = value_of(name);
        if found.len() != values.len() {
            problems.push(format!(
                "deadlines.ics: {} {name} lines, expected {}",
                found.len(),
                values.len()
            ));
        }
        for (got, want) in found.iter().zip(values) {
            match ics_unescape(got) {
                Ok(text) if text == want => {}
                Ok(text) => problems.push(format!("deadlines.ics: {name} reads {text:?}, expected {want:?}")),
                Err(why) => problems.push(format!("deadlines.ics: {name} is not escaped TEXT ({why}): {got:?}")),
            }
        }
    };
    expect("X-WR-CALNAME", vec![crlf(h.value("site.yaml: title"))], problems);
    let ids = ["start", "future"];
    expect(
        "SUMMARY",
        ids.iter()
            .map(|id| crlf(h.value(&format!("deadlines.yaml {id}: title"))))
            .collect(),
        problems,
    );
    expect(
        "DESCRIPTION",
        ids.iter()
            .map(|id| {
                crlf(
                    &["applies_to", "rule", "consequence"]
                        .map(|k| h.value(&format!("deadlines.yaml {id}: {k}")))
                        .join("\n"),
                )
            })
            .collect(),
        problems,
    );
}

/// `sitemap.xml`: well-formed, each `<loc>` the base URL plus a page path once decoded.
fn check_sitemap(xml: &str, base_url: &str, problems: &mut Vec<String>) {
    match well_formed_xml(xml) {
        Ok(locs) => {
            let base = format!("{}/", base_url.trim_end_matches('/'));
            if locs.is_empty() {
                problems.push("sitemap.xml lists no page".into());
            }
            for loc in locs {
                if !loc
                    .strip_prefix(&base)
                    .is_some_and(|p| p.ends_with(".html") && !p.contains(['<', '"']))
                {
                    problems.push(format!("sitemap.xml: <loc> {loc:?} is not {base:?} + a page path"));
                }
            }
        }
        Err(why) => problems.push(format!("sitemap.xml is not well-formed XML: {why}\n{xml}")),
    }
}

/// `assets/timeline-data.js`: `window.GUIDEGEN_TIMELINE = <JSON>;` with every `<` escaped, the
/// stage names in it exactly as written.
fn check_timeline_data(js: &str, h: &Hostile, problems: &mut Vec<String>) {
    if let Some(at) = js.find('<') {
        problems.push(format!(
            "assets/timeline-data.js: a raw `<` (must be \\u003c)\n    {}",
            context(js, at)
        ));
    }
    let json = js
        .strip_prefix("window.GUIDEGEN_TIMELINE = ")
        .and_then(|r| r.trim_end().strip_suffix(';'));
    let Some(Ok(data)) = json.map(serde_json::from_str::<serde_json::Value>) else {
        problems.push("assets/timeline-data.js is not `window.GUIDEGEN_TIMELINE = <JSON>;`".into());
        return;
    };
    let names: Vec<&str> = data["stages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    let expected: Vec<&str> = ["prepare", "fill-in", "review"]
        .iter()
        .map(|id| h.value(&format!("stages.yaml {id}: name")))
        .collect();
    if names != expected {
        problems.push(format!(
            "assets/timeline-data.js: the stage names are {names:?}, expected {expected:?}"
        ));
    }
}

/// Every check over every output file.
fn check_site(files: &[(String, String)], h: &Hostile, trust: Trust, base_url: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, text) in files {
        if path.ends_with(".html") {
            check_html(path, text, h, trust, base_url, &mut problems);
        }
    }
    check_timeline_data(file(files, "assets/timeline-data.js"), h, &mut problems);
    check_rules(file(files, "rules.json"), h, &mut problems);
    check_search_index(file(files, "assets/search-index.js"), h, &mut problems);
    check_ics(file(files, "deadlines.ics"), h, &mut problems);
    check_sitemap(file(files, "sitemap.xml"), base_url, &mut problems);
    problems
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn every_string_from_yaml_is_escaped_wherever_it_lands() {
    let (_tmp, h, files) = hostile_build("hostile-strict", false, Html::Escaped, MARKUP_URL);
    let mut problems = check_site(&files, &h, Trust::None, MARKUP_URL);
    // Not vacuous: the payloads are shown (escaped) on the pages, not dropped.
    let html: String = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(_, t)| t.as_str())
        .collect();
    let hidden: Vec<&str> = h
        .tagged()
        .filter(|(tag, _)| !html.contains(&format!("{tag}&lt;")))
        .map(|(_, e)| e.field.as_str())
        .collect();
    if !hidden.is_empty() {
        eprintln!("fields not shown (escaped) on any page: {hidden:#?}");
    }
    if h.tagged().count() - hidden.len() < 100 {
        problems.push(format!(
            "only {} of the hostile strings are shown on a page",
            h.tagged().count() - hidden.len()
        ));
    }
    fail_if_any(&problems);
}

#[test]
fn hostile_strings_add_no_element_or_attribute_to_any_page() {
    // The same site with harmless look-alikes of every string: with `allow_html: false` every page
    // must have exactly the same tags and attribute names, whatever the strings hold.
    let base = "https://guide.example/sub/";
    let (_a, _, hostile) = hostile_build("structure-hostile", false, Html::Escaped, base);
    let (_b, _, benign) = hostile_build("structure-benign", true, Html::Escaped, base);
    let mut problems = Vec::new();
    assert_eq!(
        hostile.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        benign.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        "the same pages"
    );
    for ((path, bad), (_, good)) in hostile.iter().zip(&benign) {
        if !path.ends_with(".html") {
            continue;
        }
        let (s_bad, s_good) = (structure(bad), structure(good));
        if let Some(i) = (0..s_bad.len().max(s_good.len())).find(|&i| s_bad.get(i) != s_good.get(i)) {
            let at = tags(bad).get(i).map_or(bad.len(), |e| e.at);
            problems.push(format!(
                "{path}: tag {i} is `{}` with hostile strings but `{}` with harmless ones\n    {}",
                s_bad.get(i).map_or("(none)", String::as_str),
                s_good.get(i).map_or("(none)", String::as_str),
                context(bad, at)
            ));
        }
    }
    fail_if_any(&problems);
}

#[test]
fn with_raw_html_allowed_only_markdown_keeps_markup_and_plain_fields_stay_escaped() {
    // `allow_html: true` (the default) trusts Markdown; it must not unescape titles, names,
    // labels, options, the JSON in the inline script, the search index, the calendar or rules.json.
    let (_tmp, h, files) = hostile_build("hostile-trusted", false, Html::Trusted, MARKUP_URL);
    fail_if_any(&check_site(&files, &h, Trust::Markdown, MARKUP_URL));
}

#[test]
fn by_default_no_markdown_field_or_guide_publishes_a_script_handler_frame_or_script_address() {
    // Every Markdown field of every file, and the guides, hold the hostile payloads; nothing is
    // said about raw HTML, so it is cleaned: no page runs anything the content wrote.
    let (_tmp, h, files) = hostile_build("hostile-cleaned", false, Html::Cleaned, MARKUP_URL);
    fail_if_any(&check_site(&files, &h, Trust::Cleaned, MARKUP_URL));
}

#[test]
fn a_base_url_with_markup_is_escaped_in_the_sitemap_and_the_404_page() {
    let (_tmp, h, files) = hostile_build("hostile-base-url", false, Html::Escaped, MARKUP_URL);
    let mut problems = Vec::new();
    check_sitemap(file(&files, "sitemap.xml"), MARKUP_URL, &mut problems);
    check_html(
        "404.html",
        file(&files, "404.html"),
        &h,
        Trust::None,
        MARKUP_URL,
        &mut problems,
    );
    let not_found = file(&files, "404.html");
    let link = tags(not_found)
        .into_iter()
        .find(|e| e.name == "a" && e.attrs.iter().any(|(n, v)| n == "href" && v.ends_with("index.html")));
    let expected = format!("{}/index.html", MARKUP_URL.trim_end_matches('/'));
    if !link.is_some_and(|e| e.attrs.iter().any(|(n, v)| n == "href" && *v == expected)) {
        problems.push(format!(
            "404.html: no link to {expected:?} (the base URL, escaped, read back exactly)"
        ));
    }
    fail_if_any(&problems);
}

#[test]
fn script_addresses_in_url_fields_are_refused_with_their_position() {
    let tmp = TempDir::new("js-urls");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let site = std::fs::read_to_string(root.join("content/site.yaml")).unwrap();
    let site = site.replace("url: https://example.org/notice", &format!("url: \"{JS_URL}\""));
    std::fs::write(
        root.join("content/site.yaml"),
        format!("{site}base_url: \"JavaScript:alert(5)\"\n"),
    )
    .unwrap();
    let output = bin()
        .args(["check", "--today", TODAY, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("error: `{JS_URL}` is not a web address")),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: `JavaScript:alert(5)` is not a web address"),
        "{stderr}"
    );
    assert!(stderr.contains("--> content/site.yaml:"), "{stderr}");
}

/// Builds `minimal` with a guide body holding raw HTML; returns the guide page and the search index.
/// Builds `minimal` with a guide body holding raw HTML and `setting` added to site.yaml;
/// returns the guide page, the search index and what `check` printed.
fn build_guide_with_raw_html(label: &str, setting: &str) -> (String, String, String) {
    let tmp = TempDir::new(label);
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let guide = root.join("content/guides/first.md");
    let body = std::fs::read_to_string(&guide).unwrap();
    std::fs::write(
        &guide,
        format!(
            "{body}\n<script>alert(5)</script>\n\nA picture: <img src=x onerror=alert(6)> inline, <kbd>Ctrl</kbd>.\n"
        ),
    )
    .unwrap();
    let site = std::fs::read_to_string(root.join("content/site.yaml")).unwrap();
    std::fs::write(root.join("content/site.yaml"), format!("{site}{setting}\n")).unwrap();
    let checked = bin()
        .args(["check", "--today", TODAY, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let output = build(&root);
    (
        std::fs::read_to_string(output.join("guides/first.html")).unwrap(),
        std::fs::read_to_string(output.join("assets/search-index.js")).unwrap(),
        text(&checked.stderr),
    )
}

fn no_inline_script_nor_handler(page: &str) {
    let elements = tags(page);
    assert!(
        elements
            .iter()
            .filter(|e| e.name == "script" && !e.end)
            .all(|e| e.attrs.iter().any(|(n, _)| n == "src")),
        "no inline script: {page}"
    );
    assert!(
        elements
            .iter()
            .all(|e| e.attrs.iter().all(|(n, _)| !n.starts_with("on"))),
        "no event handler: {page}"
    );
}

#[test]
fn raw_html_in_guides_is_cleaned_by_default_kept_when_trusted_and_escaped_with_allow_html_false() {
    // Default (no key) and `allow_html: true`: what cannot run is kept, the rest is taken out,
    // and `check` names each piece where it is written.
    for (label, setting) in [("raw-html-default", ""), ("raw-html-true", "allow_html: true")] {
        let (page, index, stderr) = build_guide_with_raw_html(label, setting);
        assert!(
            !page.contains("alert(5)") && !page.contains("onerror"),
            "{label}: {page}"
        );
        assert!(
            page.contains("<img src=\"x\">") && page.contains("<kbd>Ctrl</kbd>"),
            "{label}: {page}"
        );
        no_inline_script_nor_handler(&page);
        assert!(
            !index.contains("<script") && !index.contains("</script"),
            "{label}: {index}"
        );
        let body_lines = std::fs::read_to_string(fixture("minimal").join("content/guides/first.md"))
            .unwrap()
            .lines()
            .count();
        for (warning, line) in [
            (
                "warning: raw HTML: `<script>` is removed with its content",
                body_lines + 2,
            ),
            (
                "warning: raw HTML: the attribute `onerror` of `<img>` is removed",
                body_lines + 4,
            ),
        ] {
            assert!(stderr.contains(warning), "{label}: {warning}\n{stderr}");
            assert!(
                stderr.contains(&format!("content/guides/first.md:{line}:")),
                "{label}: line {line}\n{stderr}"
            );
        }
    }
    // `raw_html: trusted`: published as written.
    let (page, _, stderr) = build_guide_with_raw_html("raw-html-trusted", "raw_html: trusted");
    assert!(page.contains("<script>alert(5)</script>"), "{page}");
    assert!(page.contains("<img src=x onerror=alert(6)>"), "{page}");
    assert!(!stderr.contains("raw HTML"), "{stderr}");
    // `allow_html: false`: the same text is shown, escaped, and nothing of it is markup.
    let (page, index, _) = build_guide_with_raw_html("raw-html-false", "allow_html: false");
    assert!(!page.contains("<script>alert(5)"), "{page}");
    assert!(!page.contains("<img"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(5)&lt;/script&gt;"),
        "shown as text:\n{page}"
    );
    assert!(
        page.contains("&lt;img src=x onerror=alert(6)&gt;"),
        "shown as text:\n{page}"
    );
    no_inline_script_nor_handler(&page);
    assert!(!index.contains("<script") && !index.contains("</script"), "{index}");
}
