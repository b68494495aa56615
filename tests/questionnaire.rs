//! The "what do I need?" questionnaire in real Chromium: answers hide and show items,
//! an item needed by an answer says so, the summary and progress lines count what is still
//! needed, the answers live in the web address, clearing does what it says, the start form picks
//! no subject type for the reader, questions are asked only of those they apply to, one document
//! in several roles is listed once, stage pages narrow to the answers a checklist carries, and the
//! enterprise checklist prints on at most three A4 pages with what a reader needs on paper.

mod common;

use common::browser::*;
use headless_chrome::Tab;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The default site, built once for this test binary, and served over http.
fn site() -> &'static (PathBuf, u16) {
    static SITE: OnceLock<(PathBuf, u16)> = OnceLock::new();
    SITE.get_or_init(|| build_and_serve_default_site("questionnaire-site"))
}

fn url(path: &str) -> String {
    format!("http://127.0.0.1:{}/{path}", site().1)
}

fn hidden(tab: &Tab, id: &str) -> bool {
    eval(tab, &format!("document.getElementById('material-{id}').hidden")) == true
}

fn text_of(tab: &Tab, selector: &str) -> String {
    eval(
        tab,
        &format!(
            "(function(){{ var e = document.querySelector('{selector}'); return e ? e.textContent.trim() : null; }})()"
        ),
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Clicks the answer `value` of the question about `condition` (as a reader would).
fn answer(tab: &Tab, condition: &str, value: &str) {
    eval(
        tab,
        &format!("document.querySelector('form.questionnaire fieldset[data-condition={condition}] input[value=\"{value}\"]').click()"),
    );
}

/// How many checklist items are on screen.
fn shown_items(tab: &Tab) -> u64 {
    eval(tab, "document.querySelectorAll('.checklist-item:not([hidden])').length")
        .as_u64()
        .unwrap()
}

fn fresh_tab(browser: &headless_chrome::Browser, path: &str) -> std::sync::Arc<Tab> {
    let tab = browser.new_tab().unwrap();
    record_page_errors(&tab);
    open(&tab, &url(path));
    eval(&tab, "localStorage.clear()");
    reload(&tab);
    tab
}

#[test]
fn an_answer_hides_or_shows_the_items_it_decides_and_a_needed_item_says_why() {
    let browser = browser();
    let tab = fresh_tab(&browser, "checklists/enterprise.html");
    assert!(
        !hidden(&tab, "authorisation-letter"),
        "unanswered: listed, its condition written out"
    );
    assert!(text_of(&tab, "#material-authorisation-letter .condition").contains("仅在以下情况需要"));

    answer(&tab, "not_legal_rep", "1");
    assert!(!hidden(&tab, "authorisation-letter"));
    let because = "#material-authorisation-letter .needed-because";
    assert_eq!(
        eval(&tab, &format!("document.querySelector('{because}').hidden")),
        false
    );
    let reason = text_of(&tab, because);
    assert!(
        reason.starts_with("你需要这份材料，因为") && reason.contains("法定代表人") && reason.ends_with("是"),
        "the reason names the question and the answer: {reason}"
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('#material-authorisation-letter .condition').hidden"
        ),
        true,
        "the reason replaces “only if”"
    );

    answer(&tab, "not_legal_rep", "0");
    assert!(hidden(&tab, "authorisation-letter"), "answered no: hidden");
    assert!(!hidden(&tab, "org-certificate"), "an item without conditions stays");

    answer(&tab, "pre_approval", "新闻");
    assert!(!hidden(&tab, "pre-approval-docs"));
    assert!(text_of(&tab, "#material-pre-approval-docs .needed-because").ends_with("新闻"));
    answer(&tab, "pre_approval", "0");
    assert!(hidden(&tab, "pre-approval-docs"), "“都不涉及” rules it out");
    assert!(page_errors(&tab).is_empty(), "{:?}", page_errors(&tab));
}

#[test]
fn the_summary_and_the_progress_count_only_the_items_still_needed_after_every_answer() {
    let browser = browser();
    let tab = fresh_tab(
        &browser,
        "checklists/enterprise.html?not_legal_rep=0&province_requests=0",
    );
    let shown = shown_items(&tab);
    assert!(shown > 3 && shown < 16, "{shown} shown");
    assert_eq!(
        text_of(&tab, ".checklist-progress"),
        format!("0 / {shown} 准备好"),
        "answers in the URL: the progress counts what is shown, not all 16"
    );
    assert_eq!(
        text_of(&tab, ".checklist-count"),
        format!("共 {shown} 项材料，其中 6 项必需，其余视情况而定。")
    );
    tab.wait_for_element("input[name=org-certificate]")
        .unwrap()
        .click()
        .unwrap();
    assert_eq!(text_of(&tab, ".checklist-progress"), format!("1 / {shown} 准备好"));

    answer(&tab, "pre_approval", "0");
    answer(&tab, "renamed", "0");
    let now = shown_items(&tab);
    assert_eq!(now, 6, "only the items needed whatever the answers are left");
    assert_eq!(text_of(&tab, ".checklist-progress"), format!("1 / {now} 准备好"));
    assert_eq!(
        text_of(&tab, ".checklist-count"),
        format!("按你的回答，共需 {now} 项材料。")
    );

    answer(&tab, "not_legal_rep", "1");
    assert_eq!(text_of(&tab, ".checklist-progress"), format!("1 / {} 准备好", now + 1));
    assert_eq!(
        text_of(&tab, ".checklist-count"),
        format!("按你的回答，共需 {} 项材料。", now + 1)
    );
}

#[test]
fn answers_in_the_url_restore_the_form_and_the_list_and_every_change_is_written_back() {
    let browser = browser();
    let tab = fresh_tab(&browser, "checklists/enterprise.html?renamed=1&province_requests=0");
    let checked =
        "Array.from(document.querySelectorAll('form.questionnaire input:checked')).map(i => i.name + '=' + i.value)";
    assert_eq!(
        eval(&tab, checked),
        serde_json::json!(["renamed=1", "province_requests=0"])
    );
    assert!(!hidden(&tab, "name-change-letter"));
    assert!(hidden(&tab, "commitment-video"));
    assert!(
        text_of(&tab, ".checklist-hidden-note").contains('7'),
        "seven supplementary items hidden"
    );

    answer(&tab, "renamed", "0");
    assert_eq!(eval(&tab, "location.search"), "?renamed=0&province_requests=0");
    let address = eval(&tab, "location.href").as_str().unwrap().to_string();
    let other = browser.new_tab().unwrap();
    open(&other, &address);
    assert!(
        hidden(&other, "name-change-letter"),
        "the shared address gives the same list"
    );
    assert_eq!(
        eval(&other, checked),
        serde_json::json!(["renamed=0", "province_requests=0"])
    );
    assert_eq!(shown_items(&other), shown_items(&tab));
}

#[test]
fn the_hidden_items_note_sits_above_the_list_and_showing_them_or_clearing_answers_does_only_that() {
    let browser = browser();
    let tab = fresh_tab(&browser, "checklists/enterprise.html?province_requests=0");
    tab.wait_for_element("input[name=subject-lead-id]")
        .unwrap()
        .click()
        .unwrap();
    let note_above = "document.querySelector('.checklist-hidden-note').compareDocumentPosition(document.querySelector('form.checklist')) & Node.DOCUMENT_POSITION_FOLLOWING";
    assert!(
        eval(&tab, note_above).as_u64().unwrap() > 0,
        "the note comes before the list"
    );
    assert!(text_of(&tab, ".checklist-hidden-note").contains('7'));

    eval(&tab, "document.querySelector('.checklist-show-hidden').click()");
    assert!(!hidden(&tab, "commitment-video"), "shown on request");
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('#material-commitment-video .not-needed').hidden"
        ),
        false
    );
    assert_eq!(
        eval(&tab, "location.search"),
        "?province_requests=0",
        "the answers are kept"
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('fieldset[data-condition=province_requests] input[value=\"0\"]').checked"
        ),
        true
    );
    assert_eq!(text_of(&tab, ".checklist-show-hidden"), "再次隐藏");
    eval(&tab, "document.querySelector('.checklist-show-hidden').click()");
    assert!(hidden(&tab, "commitment-video"));

    assert_eq!(
        text_of(&tab, ".questionnaire-clear"),
        "清除回答",
        "named for what it does"
    );
    eval(&tab, "document.querySelector('.questionnaire-clear').click()");
    assert!(!hidden(&tab, "commitment-video"), "answers cleared: everything listed");
    assert_eq!(eval(&tab, "location.search"), "");
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('form.questionnaire input:checked').length"
        ),
        0
    );
    assert_eq!(
        eval(&tab, "document.querySelector('input[name=subject-lead-id]').checked"),
        true,
        "clearing the answers keeps the ticks"
    );
}

#[test]
fn the_start_form_picks_no_subject_type_and_asks_for_one_before_going_on() {
    let browser = browser();
    let tab = fresh_tab(&browser, "checklists/index.html");
    assert_eq!(eval(&tab, "document.getElementById('subject-select').value"), "");
    assert_eq!(eval(&tab, "document.getElementById('subject-select').required"), true);
    assert_eq!(
        eval(&tab, "document.querySelector('#subject-select option').selected && document.querySelector('#subject-select option').value === ''"),
        true,
        "the prompt is what shows"
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('form.questionnaire-start fieldset[data-condition=not_legal_rep]').hidden"
        ),
        true,
        "no subject type yet: no question for some of them"
    );
    eval(
        &tab,
        "document.querySelector('form.questionnaire-start button[type=submit]').click()",
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(eval(&tab, "location.pathname")
        .as_str()
        .unwrap()
        .ends_with("/checklists/index.html"));
    assert_eq!(
        eval(&tab, "document.getElementById('subject-select').validity.valueMissing"),
        true
    );
    // The option words match the prompt's: the question names the answer “都不涉及”.
    let legend = text_of(
        &tab,
        "form.questionnaire-start fieldset[data-condition=pre_approval] legend",
    );
    let none = text_of(
        &tab,
        "form.questionnaire-start fieldset[data-condition=pre_approval] label:last-of-type",
    );
    assert_eq!(none, "都不涉及");
    assert!(legend.contains("都不涉及"), "{legend}");
}

#[test]
fn questions_are_asked_only_of_the_subject_types_they_apply_to() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let asked = |tab: &Tab| {
        eval(tab, "Array.from(document.querySelectorAll('form.questionnaire fieldset')).map(f => f.getAttribute('data-condition'))")
    };
    open(&tab, &url("checklists/sole-proprietor.html"));
    let sole = asked(&tab);
    assert!(!sole.as_array().unwrap().contains(&"not_legal_rep".into()), "{sole}");
    assert!(sole.as_array().unwrap().contains(&"renamed".into()), "{sole}");
    assert_eq!(
        eval(&tab, "!!document.getElementById('material-authorisation-letter')"),
        false
    );
    open(&tab, &url("checklists/individual.html"));
    let individual = asked(&tab);
    assert!(
        !individual.as_array().unwrap().contains(&"renamed".into()),
        "{individual}"
    );
    assert!(
        individual.as_array().unwrap().contains(&"non_local".into()),
        "{individual}"
    );
    assert_eq!(
        eval(&tab, "!!document.getElementById('material-name-change-letter')"),
        false
    );
    open(&tab, &url("checklists/enterprise.html"));
    let enterprise = asked(&tab);
    assert!(
        enterprise.as_array().unwrap().contains(&"not_legal_rep".into()),
        "{enterprise}"
    );
    assert!(
        enterprise.as_array().unwrap().contains(&"renamed".into()),
        "{enterprise}"
    );
}

#[test]
fn an_individuals_id_card_is_listed_once_with_its_three_roles() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &url("checklists/individual.html"));
    for merged in ["subject-lead-id", "miniprogram-lead-id"] {
        assert_eq!(
            eval(&tab, &format!("!!document.getElementById('material-{merged}')")),
            false,
            "{merged} is the same card"
        );
    }
    let roles = text_of(&tab, "#material-individual-id .roles");
    for role in ["个人主体证件", "主体负责人证件", "小程序负责人证件"] {
        assert!(roles.contains(role), "{roles}");
    }
    open(&tab, &url("checklists/enterprise.html"));
    assert_eq!(
        eval(&tab, "!!document.getElementById('material-subject-lead-id')"),
        true,
        "a company's lead has an ID of their own"
    );
}

#[test]
fn a_stage_page_opened_from_a_checklist_lists_only_that_readers_materials() {
    let browser = browser();
    let tab = fresh_tab(
        &browser,
        "checklists/individual.html?non_local=0&province_requests=0&pre_approval=0",
    );
    let href = eval(&tab, "document.querySelector('a.carries-answers').getAttribute('href')");
    assert_eq!(
        href, "../stages/fill-in.html?subject=individual&non_local=0&pre_approval=0&province_requests=0",
        "the subject, then the answers in the order of the questions"
    );
    eval(&tab, "document.querySelector('a.carries-answers').click()");
    wait_until(
        &tab,
        "location.pathname.endsWith('/stages/fill-in.html') && document.readyState === 'complete'",
        "the stage page",
    );
    wait_until(
        &tab,
        "!document.querySelector('.stage-narrowed').hidden",
        "the narrowed note",
    );
    let shown = eval(
        &tab,
        "Array.from(document.querySelectorAll('.stage-material:not([hidden])')).map(li => li.id)",
    );
    assert_eq!(
        shown,
        serde_json::json!([
            "material-face-photo",
            "material-service-commitment",
            "material-verification-form",
            "material-individual-id"
        ]),
        "an individual not away from home, no pre-approval, nothing asked by the province"
    );
    assert!(text_of(&tab, ".stage-narrowed-text").contains("个人"));
    assert_eq!(
        eval(&tab, "document.querySelector('.stage-back').getAttribute('href')"),
        "../checklists/individual.html?non_local=0&pre_approval=0&province_requests=0"
    );
    eval(&tab, "document.querySelector('.stage-materials').scrollIntoView()");
    screenshot(&tab, "stage-fill-in-narrowed-1280");

    open(&tab, &url("stages/fill-in.html"));
    assert_eq!(
        eval(&tab, "document.querySelectorAll('.stage-material[hidden]').length"),
        0
    );
    assert_eq!(eval(&tab, "document.querySelector('.stage-narrowed').hidden"), true);
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('.stage-material details[open]').length"
        ),
        0,
        "collapsed"
    );
    let height = eval(&tab, "document.documentElement.scrollHeight").as_u64().unwrap();
    assert!(height < 4000, "not a wall: {height} px");
    let sources = eval(
        &tab,
        "document.querySelectorAll('.stage-materials .meta a[href*=sources]').length",
    )
    .as_u64()
    .unwrap();
    let groups = eval(
        &tab,
        "document.querySelectorAll('.stage-materials .material-group').length",
    )
    .as_u64()
    .unwrap();
    assert!(
        sources <= groups + 1,
        "the source line once per group: {sources} lines, {groups} groups"
    );
    screenshot(&tab, "stage-fill-in-1280");
    emulate_screen(&tab, 375, 740, 1.0, true);
    reload(&tab);
    eval(&tab, "document.querySelector('.stage-materials').scrollIntoView()");
    screenshot(&tab, "stage-fill-in-375");
}

#[test]
fn screenshots_of_a_checklist_with_answers_at_1280_and_375_px() {
    let browser = browser();
    let tab = fresh_tab(
        &browser,
        "checklists/enterprise.html?not_legal_rep=1&pre_approval=%E6%96%B0%E9%97%BB&renamed=0&province_requests=0",
    );
    assert!(!hidden(&tab, "authorisation-letter"));
    screenshot(&tab, "checklist-answers-1280");
    eval(
        &tab,
        "document.getElementById('material-authorisation-letter').scrollIntoView()",
    );
    screenshot(&tab, "checklist-answers-reason-1280");
    emulate_screen(&tab, 375, 740, 1.0, true);
    reload(&tab);
    let wide = eval(&tab, "document.documentElement.scrollWidth > window.innerWidth");
    assert_eq!(wide, false, "nothing scrolls sideways at 375 px");
    eval(&tab, "document.querySelector('.checklist-status').scrollIntoView()");
    screenshot(&tab, "checklist-answers-375");
    eval(
        &tab,
        "document.getElementById('material-authorisation-letter').scrollIntoView()",
    );
    screenshot(&tab, "checklist-answers-reason-375");
}

#[test]
fn the_enterprise_checklist_prints_on_at_most_three_a4_pages_with_what_a_reader_needs_on_paper() {
    let dir = &site().0;
    let html = std::fs::read_to_string(dir.join("checklists/enterprise.html")).unwrap();
    let between = |from: &str, to: &str| -> String {
        let start = html.find(from).map(|i| i + from.len()).expect(from);
        html[start..].split(to).next().unwrap().to_string()
    };
    let site_name = between("class=\"site-title\" href=\"../index.html\">", "<");
    let as_of = between("class=\"rules-as-of\" datetime=\"", "</time>");
    let as_of = as_of.split('>').nth(1).unwrap().to_string();
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();

    for (name, query) in [
        ("plain", ""),
        ("answered", "?not_legal_rep=0&pre_approval=%E6%96%B0%E9%97%BB"),
    ] {
        let pdf = std::env::temp_dir().join(format!("questionnaire-{}-{name}.pdf", std::process::id()));
        let profile = std::env::temp_dir().join(format!("questionnaire-profile-{}-{name}", std::process::id()));
        let output = Command::new(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()))
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}/checklists/enterprise.html{query}", dir.display()))
            .output()
            .expect("chromium runs");
        assert!(
            pdf.is_file(),
            "nothing printed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let info = Command::new("pdfinfo")
            .arg(&pdf)
            .output()
            .expect("pdfinfo (poppler-utils)");
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap();
        assert!(info.contains("(A4)"), "A4: {info}");
        let text = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext");
        let text = squeeze(&String::from_utf8_lossy(&text.stdout));
        assert!(pages <= 3, "{name}: {pages} pages");
        assert!(
            text.contains(&squeeze(&site_name)),
            "{name}: the site's name ({site_name})"
        );
        assert!(text.contains("企业"), "{name}: the subject type");
        assert!(
            text.contains(&squeeze(&as_of)),
            "{name}: the rules' as-of date ({as_of})"
        );
        assert!(text.contains("打印日期"), "{name}: the day it was printed");
        let counter = text
            .match_indices("准备好")
            .any(|(at, _)| text[..at].chars().last().is_some_and(|c| c.is_ascii_digit()));
        assert!(!counter, "{name}: no progress counter (“0 / 16 准备好”)");
        assert!(
            !text.contains("清除回答") && !text.contains("打印清单"),
            "{name}: no buttons on paper"
        );
        let sources = text.matches("依据：").count();
        assert!(
            sources <= 4,
            "{name}: the source line once per group, not per item: {sources}"
        );
        if name == "answered" {
            assert!(
                text.contains("你的回答") && text.contains("新闻"),
                "the answers given are on paper"
            );
            assert!(!text.contains("授权书"), "a hidden item is not printed");
        }
        let _ = std::fs::remove_file(&pdf);
        let _ = std::fs::remove_dir_all(&profile);
    }
}
