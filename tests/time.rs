//! Time as readers see it on the default site: deadlines read in the future before their day and
//! in the past tense after it (from the deadlines' `kind:` and `past:`), "what applies now" on the
//! home page and the deadlines page, a consequence only on real deadlines, the SMS stage's 24
//! hours as a deadline with the filing system linked, and the timeline estimating (and marking)
//! dates in a year without holiday data, in the build and in Chromium at 375 px.

mod common;

use common::browser::*;
use common::*;
use std::path::{Path, PathBuf};

/// The default site built for `today` (`--today`), into a fresh folder.
fn build_default(today: &str, label: &str) -> (TempDir, PathBuf) {
    let out = TempDir::new(label);
    let output = out.path().join("output");
    let root = repo_root();
    let result = run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--today",
        today,
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    (out, output)
}

fn read(output: &Path, file: &str) -> String {
    std::fs::read_to_string(output.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The `<li>` of deadline `id` on a page.
fn deadline_item<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"deadline-{id}\""))
        .unwrap_or_else(|| panic!("deadline {id} is on the page"));
    let rest = &page[start..];
    &rest[..rest.find("</li>").unwrap()]
}

/// The "what applies now" box of a page.
fn now_box(page: &str) -> &str {
    let start = page
        .find("class=\"panel deadlines-now\"")
        .expect("a box saying what applies now");
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap()]
}

const NEW_ONES: &str = "还没上架的小程序，要先完成备案才能上架。";
const LISTED_ONES: &str = "已经上架的小程序也必须完成备案；补办期已过，没有备案的会被清退。";

#[test]
fn a_deadline_counts_down_before_its_day_and_reads_in_the_past_tense_after_it() {
    let (_a, before) = build_default("2024-01-15", "time-before");
    let (_b, after) = build_default("2026-12-03", "time-after");

    let page = read(&before, "deadlines.html");
    let listed = deadline_item(&page, "listed-2024-03-31");
    assert!(listed.contains("还剩 76 天"), "{listed}");
    assert!(!listed.contains("已截止"), "{listed}");
    let started = deadline_item(&page, "unlisted-2023-09-01");
    assert!(started.contains("自2023年9月1日起施行"), "{started}");
    assert!(
        !page.contains("deadline-cleanup-2024-04-01"),
        "the clearing is not in force yet (the catch-up deadline's consequence announces it)"
    );

    let page = read(&after, "deadlines.html");
    let past = &page[page.find("id=\"deadlines-past\"").expect("a list of past dates")..];
    let listed = deadline_item(past, "listed-2024-03-31");
    assert!(listed.contains("2024年3月31日已截止"), "{listed}");
    assert!(!listed.contains("还剩"), "{listed}");
    let cleared = deadline_item(past, "cleanup-2024-04-01");
    assert!(
        cleared.contains("自2024年4月1日起已清退"),
        "the content's own past text: {cleared}"
    );
    assert!(deadline_item(past, "unlisted-2023-09-01").contains("自2023年9月1日起施行"));
    // Most recent first.
    let at = |id: &str| past.find(&format!("id=\"deadline-{id}\"")).unwrap();
    assert!(at("cleanup-2024-04-01") < at("listed-2024-03-31"));
    assert!(at("listed-2024-03-31") < at("unlisted-2023-09-01"));
    // The home page says what applies now, in the present: the catch-up period is over.
    let home = read(&after, "index.html");
    assert!(now_box(&home).contains("补办期已过"), "{}", now_box(&home));
    assert!(
        !home.contains("id=\"deadline-listed-2024-03-31\""),
        "the full list is on the deadlines page only"
    );
}

#[test]
fn as_of_a_day_the_deadlines_read_as_they_did_that_day() {
    // Built today (2026-12-03) with the rules of 15 January 2024: the catch-up deadline is
    // still ahead, counted from the as-of day, and the clearing is not yet in force.
    let out = TempDir::new("time-as-of");
    let output = out.path().join("output");
    let root = repo_root();
    let result = run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--today",
        "2026-12-03",
        "--as-of",
        "2024-01-15",
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let page = read(&output, "deadlines.html");
    assert!(deadline_item(&page, "listed-2024-03-31").contains("还剩 76 天"));
    let past = page.find("id=\"deadlines-past\"").map_or("", |i| &page[i..]);
    assert!(!past.contains("deadline-listed-2024-03-31"), "not past yet: {past}");
    assert!(!now_box(&page).contains(LISTED_ONES));
}

#[test]
fn the_home_page_and_the_deadlines_page_say_what_applies_now() {
    let (_a, before) = build_default("2024-01-15", "time-now-before");
    let (_b, after) = build_default("2026-12-03", "time-now-after");

    let home = read(&before, "index.html");
    let now = now_box(&home);
    assert!(now.contains("截至2024年1月15日"), "{now}");
    assert!(now.contains(NEW_ONES), "{now}");
    assert!(!now.contains(LISTED_ONES), "not yet: {now}");
    assert!(
        now.contains("deadlines.html#deadline-listed-2024-03-31") && now.contains("还剩 76 天"),
        "what comes next: {now}"
    );

    for page in [read(&after, "index.html"), read(&after, "deadlines.html")] {
        let now = now_box(&page);
        assert!(now.contains("截至2026年12月3日"), "{now}");
        assert!(
            now.contains(NEW_ONES) && now.contains(LISTED_ONES),
            "every mini program must be filed: {now}"
        );
        assert!(now.find(NEW_ONES) < now.find(LISTED_ONES), "oldest first: {now}");
        assert!(!now.contains("还剩"), "nothing left to come: {now}");
    }
    let home = read(&after, "index.html");
    assert!(
        now_box(&home).contains("href=\"deadlines.html\""),
        "the home page links to all deadlines"
    );
}

#[test]
fn a_consequence_is_shown_only_on_real_deadlines() {
    let (_a, after) = build_default("2026-12-03", "time-consequence");
    let page = read(&after, "deadlines.html");
    for (id, real) in [
        ("listed-2024-03-31", true),
        ("sms-verification-24-hours", true),
        ("unlisted-2023-09-01", false),
        ("cleanup-2024-04-01", false),
    ] {
        let item = deadline_item(&page, id);
        assert_eq!(item.contains("未按期完成的后果"), real, "{id}: {item}");
    }
    // A consequence on a rule that only starts is refused, where it is written.
    let site = TempDir::new("time-consequence-check");
    copy_dir(&repo_root().join("content"), &site.path().join("content"));
    let deadlines = site.path().join("content/deadlines.yaml");
    replace_in_file(
        &deadlines,
        "    now: 还没上架的小程序，要先完成备案才能上架。\n",
        "    now: 还没上架的小程序，要先完成备案才能上架。\n    consequence: 不能上架。\n",
    );
    replace_in_file(
        &deadlines,
        "    title: 收到核验短信后 24 小时内完成短信核验\n",
        "    title: 收到核验短信后 24 小时内完成短信核验\n    now: 24 小时内核验。\n",
    );
    let output = run(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--today",
        "2026-12-03",
    ]);
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("deadline `unlisted-2023-09-01` is of kind `starts`, which has no consequence to miss"),
        "{stderr}"
    );
    assert!(stderr.contains("content/deadlines.yaml:14:18"), "positioned: {stderr}");
    assert!(stderr.contains("did you mean `kind: ends`?"), "{stderr}");
    assert!(
        stderr.contains("deadline `sms-verification-24-hours` counts from the reader's own date, so its `now:` would never be shown"),
        "{stderr}"
    );
}

#[test]
fn the_sms_stage_shows_its_24_hours_as_a_deadline_and_links_the_filing_system() {
    let (_a, site) = build_default("2026-12-03", "time-sms");
    let page = read(&site, "stages/sms-verification.html");
    let summary = &page[page.find("<dl class=\"summary-list\">").unwrap()..];
    let summary = &summary[..summary.find("</dl>").unwrap()];
    assert!(
        !summary.contains("所需时间") && !summary.contains("0–24"),
        "the 24 hours are not a duration: {summary}"
    );
    assert!(
        summary.contains("来源未说明"),
        "whose phone is not confirmed: {summary}"
    );
    let deadlines = &page[page
        .find("id=\"stage-deadlines-heading\"")
        .expect("the stage's deadlines")..];
    let deadline = deadline_item(deadlines, "sms-verification-24-hours");
    assert!(deadline.contains("之后 24 小时内"), "{deadline}");
    assert!(
        deadline.contains("href=\"../stages/platform-review.html\""),
        "counted from the review's end: {deadline}"
    );
    assert!(deadline.contains("未按期完成的后果"), "{deadline}");
    assert!(deadline.contains("href=\"https://beian.miit.gov.cn/\""), "{deadline}");
    let steps = &page[page.find("id=\"steps-heading\"").unwrap()..];
    assert!(
        steps.contains("<a href=\"https://beian.miit.gov.cn/\">工信部备案管理系统网站</a>"),
        "{steps}"
    );
    assert!(steps.contains("来源没有说明"), "{steps}");
    // The timeline still counts the 24 hours: the stage lasts up to its deadline.
    let timeline = read(&site, "timeline.html");
    let row = &timeline[timeline.find("<tr data-stage=\"sms-verification\">").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("平台初审之后 24 小时内"), "{row}");
}

#[test]
fn the_build_gives_estimated_dates_in_a_year_without_holiday_data_never_unknown() {
    let (_a, site) = build_default("2026-12-03", "time-timeline-build");
    let page = read(&site, "timeline.html");
    let table = &page[page.find("<table").unwrap()..page.find("</table>").unwrap()];
    assert!(!table.contains(">未知<"), "no bare unknown: {table}");
    let row = &table[table.find("<tr data-stage=\"administration-review\">").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    // 20 working days from 8 December 2026: the 17 left in 2026, then Friday 1, Monday 4 and
    // Tuesday 5 January 2027, counted as weekdays.
    assert!(row.contains("<time datetime=\"2027-01-05\">2027年1月5日</time><span class=\"timeline-estimate\">未计入 2027 年节假日安排（数据尚未加入）</span>"), "{row}");
    assert!(
        row.contains("<time datetime=\"2026-12-07\">2026年12月7日</time><span class=\"timeline-estimate\" hidden>"),
        "an exact date is not marked: {row}"
    );
    let warning = &page[page.find("class=\"timeline-warning").unwrap()..];
    assert!(warning[..warning.find("</p>").unwrap()].contains("还没有加入 2027 年的节假日安排"));
}

/// Chromium at 375 px: the reader enters a date whose stages cross into 2027 (no holiday data);
/// the script gives estimated dates on weekdays, marks them, and no date wraps.
#[test]
fn the_timeline_in_chromium_estimates_a_year_without_holiday_data_and_dates_do_not_wrap() {
    let (_a, site) = build_default("2026-12-03", "time-timeline-browser");
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    phone(&tab);
    record_page_errors(&tab);
    let url = format!("file://{}/timeline.html?submitted=2026-12-20", site.display());
    open(&tab, &url);
    wait_until(
        &tab,
        "document.querySelector('caption time').getAttribute('datetime') === '2026-12-20'",
        "the caption to follow the reader's date",
    );
    let caption = eval(&tab, "document.querySelector('caption').textContent");
    assert_eq!(
        caption, "按2026年12月20日提交估算",
        "the heading follows the entered date"
    );
    let cells = eval(
        &tab,
        "Array.from(document.querySelectorAll('tr[data-stage], tr[data-deadline], tr[data-finish]')).map(r => [r.getAttribute('data-stage') || r.getAttribute('data-deadline') || 'finish'].concat(['.earliest', '.latest'].map(c => { var cell = r.querySelector(c); var t = cell.querySelector('time'); var m = cell.querySelector('.timeline-estimate'); return [t.getAttribute('datetime'), m.hidden ? '' : m.textContent]; })))",
    );
    let mark = "未计入 2027 年节假日安排（数据尚未加入）";
    let exact = |d: &str| serde_json::json!([d, ""]);
    let estimated = |d: &str| serde_json::json!([d, mark]);
    assert_eq!(
        cells,
        serde_json::json!([
            ["before-you-start", exact("2026-12-20"), exact("2026-12-20")],
            ["fill-in", exact("2026-12-20"), exact("2026-12-20")],
            ["platform-review", exact("2026-12-21"), exact("2026-12-22")],
            ["sms-verification", exact("2026-12-21"), exact("2026-12-23")],
            // 23 December + 20 working days: 6 left in 2026, then 14 weekdays of 2027.
            ["administration-review", exact("2026-12-22"), estimated("2027-01-20")],
            ["filed", exact("2026-12-22"), estimated("2027-01-20")],
            ["sms-verification-24-hours", exact("2026-12-22"), exact("2026-12-23")],
            ["finish", exact("2026-12-22"), estimated("2027-01-20")],
        ])
    );
    let warning = eval(&tab, "(function () { var w = document.querySelector('.timeline-warning'); return w.hidden ? '' : w.textContent; })()");
    assert!(warning.as_str().unwrap().contains("2027"), "{warning}");
    assert_eq!(
        eval(&tab, "document.querySelector('table').textContent.indexOf('未知')"),
        -1,
        "never a bare unknown"
    );
    let wrapped = eval(
        &tab,
        "Array.from(document.querySelectorAll('.timeline-table time')).filter(t => t.getClientRects().length !== 1).map(t => t.textContent)",
    );
    assert_eq!(
        wrapped,
        serde_json::json!([]),
        "no date breaks over two lines at 375 px"
    );
    assert_eq!(
        eval(&tab, "document.documentElement.scrollWidth <= 375"),
        true,
        "nothing scrolls sideways"
    );
    // Back to a date inside the data: the marks go.
    eval(&tab, "(function () { var i = document.getElementById('submitted'); i.value = '2026-09-18'; i.dispatchEvent(new Event('change')); return true; })()");
    wait_until(
        &tab,
        "document.querySelector('tr[data-finish] .latest time').getAttribute('datetime') === '2026-10-27'",
        "the 2026-09-18 timeline",
    );
    assert_eq!(
        eval(
            &tab,
            "Array.from(document.querySelectorAll('.timeline-estimate')).filter(m => !m.hidden).length"
        ),
        0
    );
    assert_eq!(eval(&tab, "document.querySelector('.timeline-warning').hidden"), true);
    assert_eq!(page_errors(&tab), Vec::<String>::new());
}
