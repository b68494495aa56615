//! The reader's side in real Chromium: checklists that remember, the "what do I need?"
//! questionnaire, and pages that stay complete without JavaScript.

mod common;

use common::browser::*;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The default site, built once for this test binary, and served over http.
fn site() -> &'static (PathBuf, u16) {
    static SITE: OnceLock<(PathBuf, u16)> = OnceLock::new();
    SITE.get_or_init(|| build_and_serve_default_site("reader-site"))
}

fn url(path: &str) -> String {
    format!("http://127.0.0.1:{}/{path}", site().1)
}

fn file_url(path: &str) -> String {
    format!("file://{}/{path}", site().0.display())
}

#[test]
fn ticking_a_material_survives_a_reload_and_shows_progress() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &url("checklists/enterprise.html"));
    eval(&tab, "localStorage.clear()");
    reload(&tab);
    let total = eval(
        &tab,
        "document.querySelectorAll('.checklist-item:not([hidden]) input[type=checkbox]').length",
    )
    .as_u64()
    .unwrap();
    assert!(total > 5, "{total} materials");
    assert_eq!(
        eval(&tab, "document.querySelector('.checklist-progress').textContent"),
        format!("0 / {total} 准备好")
    );
    tab.wait_for_element("input[name=org-certificate]")
        .unwrap()
        .click()
        .unwrap();
    assert_eq!(
        eval(&tab, "document.querySelector('.checklist-progress').textContent"),
        format!("1 / {total} 准备好")
    );
    reload(&tab);
    assert_eq!(
        eval(&tab, "document.querySelector('input[name=org-certificate]').checked"),
        true
    );
    assert_eq!(
        eval(&tab, "document.querySelector('.checklist-progress').textContent"),
        format!("1 / {total} 准备好")
    );
    screenshot(&tab, "checklist-enterprise");
}

#[test]
fn ticks_are_kept_per_checklist_and_reset_clears_them() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &url("checklists/individual.html"));
    eval(&tab, "localStorage.clear()");
    reload(&tab);
    tab.wait_for_element("input[name=individual-id]")
        .unwrap()
        .click()
        .unwrap();
    open(&tab, &url("checklists/sole-proprietor.html"));
    assert_eq!(
        eval(&tab, "document.querySelectorAll('input[type=checkbox]:checked').length"),
        0,
        "another checklist starts empty"
    );
    open(&tab, &url("checklists/individual.html"));
    assert_eq!(
        eval(&tab, "document.querySelector('input[name=individual-id]').checked"),
        true
    );
    tab.wait_for_element(".checklist-reset").unwrap().click().unwrap();
    assert_eq!(
        eval(&tab, "document.querySelectorAll('input[type=checkbox]:checked').length"),
        0
    );
    reload(&tab);
    assert_eq!(
        eval(&tab, "document.querySelectorAll('input[type=checkbox]:checked').length"),
        0,
        "reset is saved"
    );
}

#[test]
fn a_printed_checklist_shows_the_ticks() {
    use headless_chrome::protocol::cdp::Emulation::SetEmulatedMedia;
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &url("checklists/enterprise.html"));
    eval(&tab, "localStorage.clear()");
    reload(&tab);
    tab.wait_for_element("input[name=org-certificate]")
        .unwrap()
        .click()
        .unwrap();
    tab.call_method(SetEmulatedMedia {
        media: Some("print".into()),
        features: None,
    })
    .unwrap();
    let state = eval(&tab, "(function(){ var b = document.querySelector('input[name=org-certificate]'); var s = getComputedStyle(b); return [b.checked, s.display !== 'none' && s.visibility !== 'hidden', getComputedStyle(document.querySelector('.site-nav')).display, getComputedStyle(document.querySelector('.site-search')).display, getComputedStyle(document.querySelector('.site-title')).display !== 'none']; })()");
    assert_eq!(
        state,
        serde_json::json!([true, true, "none", "none", true]),
        "printed: tick visible and checked, navigation and search hidden, the site's name kept"
    );
    let pdf = tab.print_to_pdf(None).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn the_questionnaire_narrows_the_checklist_and_the_answers_live_in_the_url() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &url("checklists/index.html?subject=individual&non_local=0"));
    wait_until(
        &tab,
        "location.pathname.endsWith('/checklists/individual.html')",
        "the redirect to the subject's checklist",
    );
    wait_until(&tab, "document.readyState === 'complete'", "the checklist");
    let residence_hidden = "document.getElementById('material-residence-proof').hidden";
    assert_eq!(
        eval(&tab, residence_hidden),
        true,
        "not filing away from home: no residence proof"
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('fieldset[data-condition=non_local] input[value=\"0\"]').checked"
        ),
        true
    );
    assert_eq!(
        eval(&tab, "document.getElementById('material-individual-id').hidden"),
        false
    );
    assert!(
        eval(&tab, "document.querySelector('.checklist-hidden-note').textContent")
            .as_str()
            .unwrap()
            .contains("不适用")
    );
    tab.wait_for_element("fieldset[data-condition=non_local] input[value=\"1\"]")
        .unwrap()
        .click()
        .unwrap();
    assert_eq!(
        eval(&tab, residence_hidden),
        false,
        "filing away from home: residence proof appears"
    );
    assert_eq!(
        eval(&tab, "location.search"),
        "?non_local=1",
        "answers are reflected in the URL"
    );
    let why = eval(
        &tab,
        "(function(){ var r = document.getElementById('material-residence-proof').querySelector('.needed-because'); return r.hidden ? '' : r.textContent; })()",
    );
    assert!(
        why.as_str().unwrap().contains("你需要这份材料") && why.as_str().unwrap().contains("身份证"),
        "the item says why it is there, from the answer: {why}"
    );
    // The URL can be shared: opening it gives the same list.
    open(&tab, &url("checklists/individual.html?non_local=1&province_requests=0"));
    assert_eq!(eval(&tab, residence_hidden), false);
    assert_eq!(
        eval(&tab, "document.getElementById('material-commitment-video').hidden"),
        true
    );
    screenshot(&tab, "questionnaire-individual");
}

#[test]
fn the_start_form_sends_the_reader_to_their_checklist() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &url("checklists/index.html"));
    assert_eq!(
        eval(&tab, "document.querySelector('form.questionnaire-start').hidden"),
        false
    );
    eval(&tab, "(function(){ var s = document.getElementById('subject-select'); s.value = 'enterprise'; s.dispatchEvent(new Event('change')); })()");
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('form.questionnaire-start fieldset[data-condition=non_local]').hidden"
        ),
        true,
        "individual-only question hidden for a company"
    );
    eval(&tab, "document.querySelector('form.questionnaire-start fieldset[data-condition=not_legal_rep] input[value=\"1\"]').click()");
    eval(
        &tab,
        "document.querySelector('form.questionnaire-start button[type=submit]').click()",
    );
    wait_until(
        &tab,
        "location.pathname.endsWith('/checklists/enterprise.html') && location.search === '?not_legal_rep=1'",
        "the enterprise checklist",
    );
    wait_until(
        &tab,
        "document.readyState === 'complete' && !!document.getElementById('material-authorisation-letter')",
        "the page",
    );
    assert_eq!(
        eval(&tab, "document.getElementById('material-authorisation-letter').hidden"),
        false
    );
}

#[test]
fn without_javascript_the_checklist_is_complete_with_every_condition_written_out() {
    use headless_chrome::protocol::cdp::Emulation::SetScriptExecutionDisabled;
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.call_method(SetScriptExecutionDisabled { value: true }).unwrap();
    tab.navigate_to(&file_url("checklists/individual.html")).unwrap();
    tab.wait_until_navigated().unwrap();
    let html = tab.get_content().unwrap();
    let all: usize = html.matches("class=\"material checklist-item\"").count();
    assert!(all >= 8, "{all}");
    assert!(
        !html.contains("checklist-item\" hidden"),
        "nothing hidden without JavaScript"
    );
    assert!(
        html.contains("仅在以下情况需要") && html.contains("身份证签发地"),
        "conditions written out"
    );
    let questionnaire_visible = tab
        .find_element("form.questionnaire")
        .is_ok_and(|e| e.get_attribute_value("hidden").unwrap().is_none());
    assert!(
        !questionnaire_visible,
        "the questionnaire needs JavaScript, so it stays hidden"
    );
}

fn timeline_cells(tab: &headless_chrome::Tab) -> serde_json::Value {
    eval(tab, "Array.from(document.querySelectorAll('tr[data-stage]')).map(r => [r.getAttribute('data-stage')].concat(['.earliest', '.latest'].map(c => { var cell = r.querySelector(c); return (cell.querySelector('time') || cell).textContent.trim(); })))")
}

#[test]
fn the_timeline_in_the_browser_gives_the_same_dates_as_the_build() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    // The build computed the table for its --today; the script recomputes it on load.
    let page = std::fs::read_to_string(site().0.join("timeline.html")).unwrap();
    let built = &page[page.find("<tbody>").unwrap()..page.find("</tbody>").unwrap()];
    // The dates as the page writes them (2026年11月27日): the script's twin must write the same.
    let built_dates: Vec<&str> = built
        .match_indices("<time datetime=\"")
        .map(|(i, m)| {
            let text = &built[i + m.len() + "2026-11-27\">".len()..];
            &text[..text.find("</time>").unwrap()]
        })
        .collect();
    open(&tab, &file_url("timeline.html"));
    wait_until(&tab, "typeof window.guidegenTimeline === 'object'", "timeline.js");
    let computed: Vec<String> = timeline_cells(&tab)
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| {
            [
                row[1].as_str().unwrap().to_string(),
                row[2].as_str().unwrap().to_string(),
            ]
        })
        .filter(|d| d.starts_with("20"))
        .collect();
    assert_eq!(computed, built_dates, "browser and build disagree");
    // The domain example: Monday 2023-09-25 across the National Day break.
    open(&tab, &file_url("timeline.html?submitted=2023-09-25"));
    wait_until(
        &tab,
        "(function () { var t = document.querySelector('tr[data-stage=filed] .latest time'); return !!t && t.getAttribute('datetime') === '2023-11-01'; })()",
        "the 2023-09-25 timeline",
    );
    let filed = eval(
        &tab,
        "document.querySelector('tr[data-stage=filed] .earliest').textContent.trim()",
    );
    assert_eq!(filed, "2023年9月27日");
    let caption = eval(&tab, "document.querySelector('caption time').getAttribute('datetime') + ' ' + document.querySelector('caption').textContent");
    assert_eq!(
        caption, "2023-09-25 按2023年9月25日提交估算",
        "the caption follows the reader's date"
    );
    assert_eq!(eval(&tab, "document.getElementById('submitted').value"), "2023-09-25");
    screenshot(&tab, "timeline-2023-09-25");
}

#[test]
fn the_timeline_estimates_a_year_without_holiday_data_and_says_so() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &file_url("timeline.html?submitted=2029-03-01"));
    wait_until(
        &tab,
        "!document.querySelector('.timeline-warning').hidden",
        "the warning",
    );
    assert!(eval(&tab, "document.querySelector('.timeline-warning').textContent")
        .as_str()
        .unwrap()
        .contains("2029"));
    let cells = timeline_cells(&tab);
    assert!(
        cells
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row[1].as_str().unwrap().starts_with("2029")),
        "every date is given: {cells}"
    );
    // Thursday 1 March 2029 + 1-2 working days: Friday 2, Monday 5 (weekdays only), marked.
    let review = eval(&tab, "['.earliest', '.latest'].map(c => { var cell = document.querySelector('tr[data-stage=platform-review] ' + c); return [cell.querySelector('time').getAttribute('datetime'), cell.querySelector('.timeline-estimate').textContent]; })");
    let mark = "未计入 2029 年节假日安排（数据尚未加入）";
    assert_eq!(review, serde_json::json!([["2029-03-02", mark], ["2029-03-05", mark]]));
}

#[test]
fn the_verification_form_on_screen_has_room_to_write_and_sign() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &file_url("forms/verification-organisation.html"));
    let boxes = eval(&tab, "Array.from(document.querySelectorAll('.sign-box')).map(b => [b.querySelector('.sign-label').textContent, Math.round(b.getBoundingClientRect().height)])");
    let boxes = boxes.as_array().unwrap();
    assert_eq!(boxes.len(), 3, "signature, seal and date: {boxes:?}");
    assert!(
        boxes.iter().all(|b| b[1].as_i64().unwrap() >= 100),
        "each box leaves room to sign or stamp: {boxes:?}"
    );
    let lines = eval(&tab, "document.querySelectorAll('.write-line').length")
        .as_u64()
        .unwrap();
    assert!(lines >= 10, "ruled lines to write on: {lines}");
    screenshot(&tab, "form-organisation-screen");
    open(&tab, &file_url("index.html"));
    screenshot(&tab, "index");
}

fn search_results(tab: &headless_chrome::Tab) -> Vec<(String, String)> {
    let hits = eval(tab, "Array.from(document.querySelectorAll('#search-results li')).map(li => [li.querySelector('a').getAttribute('href'), li.querySelector('a').textContent])");
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| (h[0].as_str().unwrap().to_string(), h[1].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn search_finds_chinese_words_from_file_urls_and_highlights_them() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &file_url("search.html?q=核验"));
    wait_until(
        &tab,
        "document.querySelectorAll('#search-results li').length > 0",
        "results for 核验",
    );
    let hits = search_results(&tab);
    let urls: Vec<&str> = hits.iter().map(|(u, _)| u.as_str()).collect();
    assert!(
        urls.contains(&"stages/sms-verification.html"),
        "核验 finds the SMS verification stage: {urls:?}"
    );
    assert!(
        urls.iter().any(|u| u.starts_with("forms/verification-")),
        "核验 finds the form: {urls:?}"
    );
    let mark = eval(
        &tab,
        "document.querySelector('#search-results li .snippet mark').textContent",
    );
    assert_eq!(mark, "核验", "the snippet highlights the match");
    assert_eq!(eval(&tab, "document.getElementById('search-page-q').value"), "核验");
    screenshot(&tab, "search-hey-yan");

    open(&tab, &file_url("search.html?q=居住证"));
    wait_until(
        &tab,
        "document.querySelectorAll('#search-results li').length > 0",
        "results for 居住证",
    );
    let urls: Vec<String> = search_results(&tab).into_iter().map(|(u, _)| u).collect();
    assert!(
        urls.iter().any(|u| u == "checklists/individual.html"),
        "居住证 finds the residence-proof material: {urls:?}"
    );
}

#[test]
fn search_matches_english_words_and_only_adjacent_chinese_characters() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &file_url("search.html?q=icp"));
    wait_until(
        &tab,
        "document.querySelectorAll('#search-results li').length > 0",
        "results for icp",
    );
    open(&tab, &file_url("search.html?q=验核"));
    wait_until(
        &tab,
        "document.querySelector('.search-status').textContent.length > 0",
        "the status line",
    );
    // The SMS page has 核 and 验 side by side only as 核验; its bigram index must not match 验核.
    let page_text = std::fs::read_to_string(site().0.join("stages/sms-verification.html")).unwrap();
    assert!(page_text.contains("核验") && !page_text.contains("验核"));
    assert!(
        search_results(&tab)
            .iter()
            .all(|(u, _)| u != "stages/sms-verification.html"),
        "验核 is not 核验"
    );
}

#[test]
fn the_search_box_on_every_page_leads_to_the_results() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &file_url("stages/fill-in.html"));
    eval(
        &tab,
        "(function(){ var i = document.getElementById('site-search-q'); i.value = '短信'; i.form.submit(); })()",
    );
    wait_until(
        &tab,
        "location.pathname.endsWith('/search.html') && document.querySelectorAll('#search-results li').length > 0",
        "the results page",
    );
    assert_eq!(eval(&tab, "document.getElementById('search-page-q').value"), "短信");
}

/// Asserts that the page open in `tab` threw nothing while it set itself up or since.
fn assert_no_page_errors(tab: &headless_chrome::Tab, page: &str) {
    let errors = page_errors(tab);
    assert!(errors.is_empty(), "{page} threw: {errors:?}");
}

#[test]
fn malformed_parameters_leave_every_page_that_reads_them_working() {
    // `%E4` is half a character, `%` and `%zz` are no escape at all, `+` is a space, `=` alone
    // names nothing: none of them may stop a script half way.
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    record_page_errors(&tab);

    let start = "checklists/index.html?subject=%E4&non_local=%&%zz=1&=+";
    open(&tab, &url(start));
    assert_no_page_errors(&tab, start);
    assert_eq!(
        eval(&tab, "location.pathname.endsWith('/checklists/index.html')"),
        true,
        "a subject that is no subject of the site leads nowhere"
    );
    assert_eq!(
        eval(&tab, "document.querySelector('form.questionnaire-start').hidden"),
        false,
        "the start form is set up"
    );
    eval(&tab, "(function(){ var s = document.getElementById('subject-select'); s.value = 'enterprise'; s.dispatchEvent(new Event('change')); })()");
    eval(&tab, "document.querySelector('form.questionnaire-start fieldset[data-condition=not_legal_rep] input[value=\"1\"]').click()");
    eval(
        &tab,
        "document.querySelector('form.questionnaire-start button[type=submit]').click()",
    );
    wait_until(
        &tab,
        "location.pathname.endsWith('/checklists/enterprise.html') && location.search === '?not_legal_rep=1'",
        "the start form to lead to the enterprise checklist",
    );

    let checklist = "checklists/individual.html?non_local=%E4&province_requests=%&%zz&=+";
    open(&tab, &url(checklist));
    assert_no_page_errors(&tab, checklist);
    let residence_hidden = "document.getElementById('material-residence-proof').hidden";
    assert_eq!(
        eval(
            &tab,
            "[document.querySelector('form.questionnaire').hidden, document.querySelectorAll('form.questionnaire input:checked').length]"
        ),
        serde_json::json!([false, 0]),
        "the questionnaire is shown, with no answer read from the malformed values"
    );
    assert_eq!(eval(&tab, residence_hidden), false, "unanswered: everything listed");
    tab.wait_for_element("fieldset[data-condition=non_local] input[value=\"0\"]")
        .unwrap()
        .click()
        .unwrap();
    assert_eq!(
        eval(&tab, residence_hidden),
        true,
        "an answer click still narrows the list"
    );
    assert_eq!(eval(&tab, "location.search"), "?non_local=0");
    assert_no_page_errors(&tab, checklist);

    let timeline = "timeline.html?submitted=%E4&%zz=%";
    open(&tab, &file_url(timeline));
    assert_no_page_errors(&tab, timeline);
    assert_eq!(
        eval(&tab, "document.getElementById('submitted').value"),
        common::TODAY,
        "an unreadable date gives way to the build's"
    );
    eval(&tab, "(function(){ var i = document.getElementById('submitted'); i.value = '2023-09-25'; i.dispatchEvent(new Event('change')); })()");
    wait_until(
        &tab,
        "(function () { var t = document.querySelector('tr[data-stage=filed] .latest time'); return !!t && t.getAttribute('datetime') === '2023-11-01'; })()",
        "the timeline to recompute for 2023-09-25",
    );
    assert_eq!(eval(&tab, "location.search"), "?%zz=%&submitted=2023-09-25");
    assert_no_page_errors(&tab, timeline);

    let search = "search.html?q=%E4%";
    open(&tab, &file_url(search));
    assert_no_page_errors(&tab, search);
    assert_eq!(
        eval(&tab, "document.getElementById('search-page-q').value"),
        "%E4%",
        "a query that does not decode is searched as written"
    );
    eval(&tab, "(function(){ var i = document.getElementById('search-page-q'); i.value = '核验'; i.dispatchEvent(new Event('input')); })()");
    wait_until(
        &tab,
        "document.querySelectorAll('#search-results li').length > 0 && location.search === '?q=%E6%A0%B8%E9%AA%8C'",
        "results for a typed query",
    );
    assert_no_page_errors(&tab, search);
}

#[test]
fn the_subject_parameter_only_leads_to_one_of_the_sites_checklists() {
    // The start page puts ?subject= into the address it goes to: a script or another site there
    // must not be followed, only a subject the page lists.
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    record_page_errors(&tab);
    for subject in [
        "javascript:void(document.title%3D%27followed%27)//",
        "%2F%2Fexample.invalid%2Fx",
        "..%2Findex",
    ] {
        let start = format!("checklists/index.html?subject={subject}");
        open(&tab, &url(&start));
        assert_eq!(
            eval(&tab, "[location.pathname.endsWith('/checklists/index.html'), document.title.indexOf('followed'), document.querySelector('form.questionnaire-start').hidden]"),
            serde_json::json!([true, -1, false]),
            "{start}: the start form is shown instead"
        );
        assert_no_page_errors(&tab, &start);
    }
}
