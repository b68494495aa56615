//! A second process in another language builds with no new code: `tests/fixtures/business-england`
//! (starting a business in England: four subject types in three groups, stages side by side and
//! stages only some take, relative and yearly deadlines, two holiday calendars, forms per subject
//! type, providers of its own). Its checklists, timeline (dates worked out by hand below),
//! `.ics` and step-by-step overview are checked in the built pages.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// Built once per test into its own folder, as of Monday 21 December 2026: the Christmas bank
/// holidays of both calendars and Scotland's 4 January fall inside the timeline.
fn built(label: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new(label);
    let output = dir.path().join("output");
    let site = fixture("business-england");
    let result = bin()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&output)
        .args(["--today", "2026-12-21"])
        .output()
        .expect("run guidegen");
    assert!(result.status.success(), "{}", text(&result.stderr));
    (dir, output)
}

fn page(output: &Path, path: &str) -> String {
    std::fs::read_to_string(output.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The ids of the materials a checklist lists (`id="material-<id>"`), in order.
fn material_ids(html: &str) -> Vec<String> {
    html.split(r#"id="material-"#)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

/// The earliest and latest end of a row (`data-stage="<id>"` or `data-finish`) of one table.
fn row_dates(table: &str, marker: &str) -> (String, String) {
    let row = &table[table.find(marker).unwrap_or_else(|| panic!("no {marker} in {table}"))..];
    let row = &row[..row.find("</tr>").unwrap()];
    let date = |class: &str| {
        let cell = &row[row.find(&format!(r#"class="{class}""#)).unwrap()..];
        let at = cell.find(r#"datetime=""#).unwrap() + r#"datetime=""#.len();
        cell[at..at + 10].to_string()
    };
    (date("earliest"), date("latest"))
}

fn tables(timeline: &str) -> Vec<&str> {
    timeline
        .split(r#"<table class="timeline-table""#)
        .skip(1)
        .map(|t| &t[..t.find("</table>").unwrap()])
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn each_subject_type_gets_the_materials_of_its_groups_and_of_itself_only() {
    let (_dir, output) = built("second-checklists");
    let ids = |subject: &str| material_ids(&page(&output, &format!("checklists/{subject}.html")));
    assert_eq!(
        ids("sole-trader"),
        ["business-name", "ni-number", "utr", "vat-number", "paye-reference"]
    );
    assert_eq!(
        ids("partnership"),
        [
            "business-name",
            "ni-number",
            "utr",
            "corporate-partner-details",
            "vat-number",
            "paye-reference"
        ]
    );
    // An LLP is in two groups: a partnership's National Insurance numbers and a company's number.
    // It skips Self Assessment, the stage that uses the UTR, so the UTR comes last, under no stage.
    assert_eq!(
        ids("llp"),
        [
            "business-name",
            "ni-number",
            "llp-agreement",
            "company-number",
            "vat-number",
            "paye-reference",
            "utr"
        ]
    );
    assert_eq!(
        ids("limited-company"),
        [
            "business-name",
            "articles",
            "company-number",
            "vat-number",
            "paye-reference",
            "utr"
        ]
    );
}

#[test]
fn forms_come_from_the_subject_type_else_from_its_groups() {
    let (_dir, output) = built("second-forms");
    let form_links = |subject: &str| -> Vec<String> {
        let html = page(&output, &format!("checklists/{subject}.html"));
        html.split(r#"href="../forms/"#)
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_string())
            .filter(|page| page != "index.html")
            .collect()
    };
    assert_eq!(form_links("sole-trader"), ["sole-trader-checklist.html"]);
    assert_eq!(form_links("partnership"), ["partnership-nomination.html"]);
    assert_eq!(
        form_links("llp"),
        ["partnership-nomination.html"],
        "its first group names it"
    );
    assert_eq!(form_links("limited-company"), ["company-details.html"], "its own");
}

#[test]
fn a_question_for_one_group_is_asked_only_of_its_subject_types() {
    let (_dir, output) = built("second-questions");
    let index = page(&output, "checklists/index.html");
    assert!(
        index.contains(r#"data-condition="corporate-partner" data-subjects="partnership llp""#),
        "{index}"
    );
    assert!(index.contains(r#"data-condition="employs-staff" data-subjects="""#));
    let company = page(&output, "checklists/limited-company.html");
    assert!(!company.contains(r#"data-condition="corporate-partner""#));
}

#[test]
fn the_step_by_step_overview_joins_alternatives_with_or_and_parallel_stages_with_and() {
    let (_dir, output) = built("second-steps");
    // The overview the steps menu opens; the home page lists the same steps in short.
    let index = page(&output, "stages/index.html");
    let steps: Vec<&str> = index.split(r#"<li class="step-nav-step"#).skip(1).collect();
    assert_eq!(steps.len(), 4, "choose; register; VAT and PAYE; start trading");
    let step = |n: usize, parts: &[&str]| {
        let mut at = 0;
        for part in parts {
            let found = steps[n][at..]
                .find(part)
                .unwrap_or_else(|| panic!("step {n}: no {part} after {at}"));
            at += found + part.len();
        }
    };
    // Companies and LLPs register at Companies House; sole traders and partnerships do not: "or".
    step(
        1,
        &[
            "stages/register-company.html",
            r#"class="step-nav-connector""#,
            "stages/register-self-assessment.html",
        ],
    );
    assert!(steps[1].contains(r#"<p class="step-nav-connector">"#));
    let connector = |n: usize| {
        let at =
            steps[n].find(r#"<p class="step-nav-connector">"#).unwrap() + r#"<p class="step-nav-connector">"#.len();
        steps[n][at..at + steps[n][at..].find('<').unwrap()].to_string()
    };
    // VAT and PAYE run side by side for everyone: "and".
    step(2, &["stages/register-vat.html", "stages/register-paye.html"]);
    assert_ne!(connector(1), connector(2), "one step says or, the other and");
}

#[test]
fn the_timeline_follows_the_graph_per_set_of_stages_each_in_its_calendar() {
    let (_dir, output) = built("second-timeline");
    let timeline = page(&output, "timeline.html");
    let tables = tables(&timeline);
    assert_eq!(tables.len(), 2, "sole traders and partnerships; companies and LLPs");
    let (people, companies) = (tables[0], tables[1]);
    assert!(people.contains("Sole trader") && people.contains("Partnership"));
    assert!(
        !people.contains(r#"data-stage="register-company""#),
        "they skip Companies House"
    );
    assert!(companies.contains("Limited company") && companies.contains("Limited liability partnership"));
    assert!(!companies.contains(r#"data-stage="register-self-assessment""#));

    // Submitted Monday 21 December 2026. England and Wales: 25 and 28 December, 1 January off.
    // Self Assessment, 3 to 15 working days: 22, 23, 24 December; ... 14 January.
    assert_eq!(
        row_dates(people, r#"data-stage="register-self-assessment""#),
        pair("2026-12-24", "2027-01-14")
    );
    // VAT waits for it: 5 working days from 24 December (29, 30, 31 December, 4, 5 January);
    // 30 from 14 January end on 25 February.
    assert_eq!(
        row_dates(people, r#"data-stage="register-vat""#),
        pair("2027-01-05", "2027-02-25")
    );
    // PAYE, side by side with VAT, in Scotland's calendar: 1 working day from 24 December is 29
    // December; 5 from 14 January end on 21 January.
    assert_eq!(
        row_dates(people, r#"data-stage="register-paye""#),
        pair("2026-12-29", "2027-01-21")
    );
    // The finish is the longest path: through VAT.
    assert_eq!(row_dates(people, "data-finish"), pair("2027-01-05", "2027-02-25"));

    // Companies House, 1 to 2 working days: 22 and 23 December.
    assert_eq!(
        row_dates(companies, r#"data-stage="register-company""#),
        pair("2026-12-22", "2026-12-23")
    );
    // PAYE in Scotland: 5 working days from 23 December skip 25 and 28 December and 1 and 4
    // January (Scotland's substitute day for 2 January): 5 January, where England and Wales would
    // give 4 January.
    assert_eq!(
        row_dates(companies, r#"data-stage="register-paye""#),
        pair("2026-12-23", "2027-01-05")
    );
    assert_eq!(
        row_dates(companies, r#"data-stage="register-vat""#),
        pair("2026-12-31", "2027-02-08")
    );
    assert_eq!(row_dates(companies, "data-finish"), pair("2026-12-31", "2027-02-08"));
    // Relative deadlines: two weeks after PAYE ends; ten Scottish working days after Companies
    // House ends (22 December + 10: 23, 24, 29, 30, 31 December, 5, 6, 7, 8, 11 January).
    assert_eq!(
        row_dates(people, r#"data-deadline="paye-first-payday""#),
        pair("2027-01-12", "2027-02-04")
    );
    assert_eq!(
        row_dates(companies, r#"data-deadline="confirmation-statement""#),
        pair("2027-01-11", "2027-01-12")
    );
    assert!(
        !people.contains(r#"data-deadline="confirmation-statement""#),
        "no Companies House stage"
    );
    assert!(
        !people.contains(r#"data-deadline="corporation-tax""#),
        "a limited company's only"
    );
    // Counted from an event: the page asks for its date, and dates it once given (timeline.js).
    assert!(companies.contains(r#"data-deadline="corporation-tax""#));
    assert!(timeline.contains(
        r#"<input type="date" id="event-started-trading" name="event-started-trading" data-event="started-trading">"#
    ));
    // The timeline names where both calendars come from.
    assert!(timeline.contains("England and Wales") && timeline.contains("Scotland"));
}

#[test]
fn the_calendar_file_holds_fixed_and_yearly_deadlines_and_no_relative_one() {
    let (_dir, output) = built("second-ics");
    let ics = page(&output, "deadlines.ics");
    let event = |uid: &str| -> String {
        let at = ics
            .find(&format!("UID:{uid}@guidegen"))
            .unwrap_or_else(|| panic!("no {uid} in {ics}"));
        ics[at..at + ics[at..].find("END:VEVENT").unwrap()].to_string()
    };
    let yearly = event("self-assessment-by");
    assert!(
        yearly.contains("DTSTART;VALUE=DATE:20271005\r\n"),
        "the next 5 October: {yearly}"
    );
    assert!(yearly.contains("RRULE:FREQ=YEARLY\r\n"), "{yearly}");
    let fixed = event("digital-records");
    assert!(fixed.contains("DTSTART;VALUE=DATE:20260406\r\n") && !fixed.contains("RRULE"));
    for relative in ["corporation-tax", "paye-first-payday", "confirmation-statement"] {
        assert!(
            !ics.contains(&format!("UID:{relative}@")),
            "{relative} has no date of its own"
        );
    }
}

#[test]
fn relative_and_yearly_deadlines_say_what_they_count_from() {
    let (_dir, output) = built("second-deadlines");
    let deadlines = page(&output, "deadlines.html");
    let item = |id: &str| {
        let at = deadlines.find(&format!(r#"id="deadline-{id}""#)).unwrap();
        deadlines[at..at + deadlines[at..].find("</li>").unwrap()].to_string()
    };
    let tax = item("corporation-tax");
    assert!(
        tax.contains("the day you started trading") && tax.contains('3'),
        "{tax}"
    );
    let paye = item("paye-first-payday");
    assert!(
        paye.contains(r#"href="stages/register-paye.html""#),
        "a stage is linked: {paye}"
    );
    let yearly = item("self-assessment-by");
    assert!(yearly.contains(r#"datetime="2027-10-05""#), "{yearly}");
    let scotland = item("confirmation-statement");
    assert!(scotland.contains("Scotland"), "it names its calendar: {scotland}");
}

/// Han characters and full-width punctuation (CJK symbols, full-width forms): what an English
/// site must not inherit from a Chinese theme or from the default content.
fn is_chinese_script_or_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
        | 0x20000..=0x2FA1F)
}

#[test]
fn an_english_site_has_no_han_character_and_no_full_width_punctuation_in_any_output_file() {
    let (_dir, output) = built("second-clean");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&output) {
        let entry = entry.expect("walk the output");
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("read an output file");
        let text = String::from_utf8_lossy(&bytes);
        let found: Vec<(usize, char)> = text
            .lines()
            .enumerate()
            .flat_map(|(n, line)| {
                line.chars()
                    .filter(|c| is_chinese_script_or_punctuation(*c))
                    .map(move |c| (n + 1, c))
            })
            .take(5)
            .collect();
        assert!(found.is_empty(), "{}: {found:?}", entry.path().display());
        checked += 1;
    }
    assert!(checked > 20, "the whole output was read ({checked} files)");
}

#[test]
fn dates_punctuation_and_form_date_boxes_read_in_english() {
    let (_dir, output) = built("second-words");
    let deadlines = page(&output, "deadlines.html");
    assert!(
        deadlines.contains(r#"<time datetime="2026-12-21">21 December 2026</time>"#),
        "{deadlines}"
    );
    assert!(deadlines.contains(r#"Every year on <time datetime="2027-10-05">5 October</time>"#));
    assert!(deadlines.contains("Applies to: "), "an English colon");
    let timeline = page(&output, "timeline.html");
    assert!(
        timeline.contains(r#"Starting on <time class="timeline-start" datetime="2026-12-21">21 December 2026</time>"#)
    );
    assert!(timeline.contains(r#"<time datetime="2027-01-14">14 January 2027</time>"#));
    let forms: Vec<_> = std::fs::read_dir(output.join("forms"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .filter(|html| html.contains("date-fill"))
        .collect();
    assert!(!forms.is_empty(), "a form with a date to fill in");
    assert!(
        forms[0].contains(r#"<span class="date-fill">Day <span class="blank short"></span> Month <span class="blank short"></span> Year <span class="blank wide"></span></span>"#),
        "{}",
        forms[0]
    );
    assert!(page(&output, "index.html").contains(r#"<html lang="en""#));
}
