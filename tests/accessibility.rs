//! Every page type in real Chromium: axe-core finds no serious or critical violation, the
//! keyboard alone reaches the controls with a visible focus, and at 375 px wide nothing scrolls
//! sideways and every tap target is at least 44 px. axe-core comes from npm (scripts/test.sh).

mod common;

use common::browser::*;
use common::*;
use headless_chrome::Tab;
use std::path::PathBuf;
use std::sync::OnceLock;

/// One page of each type in the default site.
const PAGES: &[&str] = &[
    "index.html",
    "stages/index.html",
    "stages/before-you-start.html",
    "stages/sms-verification.html",
    "checklists/index.html",
    "checklists/individual.html",
    "checklists/enterprise.html",
    "forms/index.html",
    "forms/verification-organisation.html",
    "guides/index.html",
    "guides/after/index.html",
    "guides/prepare-materials.html",
    "guides/after/show-number.html",
    "deadlines.html",
    "timeline.html",
    "search.html",
    "sources.html",
    "changes.html",
    "404.html",
];

fn site() -> &'static (PathBuf, u16) {
    static SITE: OnceLock<(PathBuf, u16)> = OnceLock::new();
    SITE.get_or_init(|| build_and_serve_default_site("a11y-site"))
}

fn url(path: &str) -> String {
    format!("http://127.0.0.1:{}/{path}", site().1)
}

fn axe_source() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| {
        let path = repo_root().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (scripts/test.sh runs `npm ci`)", path.display()))
    })
}

fn serious_violations(tab: &Tab) -> Vec<String> {
    tab.evaluate(axe_source(), false).unwrap();
    let result = tab
        .evaluate(
            "axe.run(document).then(r => JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.help + ' -> ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))",
            true,
        )
        .unwrap();
    let text = result
        .value
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| "[\"axe did not run\"]".into());
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_page_type_passes_axe_without_serious_violations() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let mut problems = Vec::new();
    for page in PAGES {
        open(&tab, &url(page));
        for violation in serious_violations(&tab) {
            problems.push(format!("{page}: {violation}"));
        }
    }
    assert!(problems.is_empty(), "axe-core found:\n{}", problems.join("\n"));
}

#[test]
fn every_page_declares_its_language() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    for page in PAGES {
        open(&tab, &url(page));
        assert_eq!(eval(&tab, "document.documentElement.lang"), "zh-CN", "{page}");
    }
}

#[test]
fn the_keyboard_alone_reaches_the_controls_with_a_visible_focus() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &url("checklists/individual.html"));
    let mut reached = Vec::new();
    for _ in 0..40 {
        tab.press_key("Tab").unwrap();
        let focus = eval(
            &tab,
            "(function(){ var e = document.activeElement; var s = getComputedStyle(e); var l = e.closest('label'); var ls = l ? getComputedStyle(l) : s; return [e.tagName + (e.name ? ':' + e.name : '') + (e.className ? '.' + e.className : ''), s.outlineStyle !== 'none' || s.boxShadow !== 'none' || ls.outlineStyle !== 'none' || ls.boxShadow !== 'none']; })()",
        );
        let name = focus[0].as_str().unwrap_or("").to_string();
        assert_eq!(focus[1], true, "{name} has no visible focus");
        reached.push(name);
    }
    assert!(
        reached[0].contains("skip-link"),
        "the first Tab reaches the skip link: {reached:?}"
    );
    assert!(
        reached.iter().any(|r| r.starts_with("A") && r.contains("current")),
        "the navigation is reachable: {reached:?}"
    );
    assert!(
        reached.iter().any(|r| r.starts_with("INPUT:non_local")),
        "the questionnaire is reachable: {reached:?}"
    );
    assert!(
        reached.iter().any(|r| r.starts_with("INPUT:individual-id")),
        "the checklist boxes are reachable: {reached:?}"
    );
}

#[test]
fn at_375_px_nothing_scrolls_sideways_and_tap_targets_are_44_px() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    phone(&tab);
    let mut problems = Vec::new();
    for page in PAGES {
        open(&tab, &url(page));
        let widths = eval(&tab, "[document.documentElement.scrollWidth, window.innerWidth]");
        if widths[0].as_f64() > widths[1].as_f64() {
            problems.push(format!("{page}: scrolls sideways ({widths})"));
        }
        // Links inside running text are exempt (WCAG 2.5.5); controls and navigation are not.
        let small = eval(
            &tab,
            "Array.from(document.querySelectorAll('header a, nav a, .pager a, .card-list > li > a, .breadcrumbs a, button, select, .tick, .answer, .site-footer a')).filter(e => e.offsetParent !== null).map(e => [e.className || e.tagName, e.textContent.trim().slice(0, 12), Math.round(e.getBoundingClientRect().height), Math.round(e.getBoundingClientRect().width)]).filter(x => x[2] < 44 || x[3] < 44)",
        );
        for target in small.as_array().unwrap() {
            problems.push(format!("{page}: small tap target {target}"));
        }
        if *page == "index.html" {
            let nav = eval(&tab, "Array.from(document.querySelectorAll('.site-nav a')).every(a => { var r = a.getBoundingClientRect(); return r.right <= window.innerWidth && r.height > 0; })");
            assert_eq!(nav, true, "every navigation link is on screen at 375 px");
            screenshot(&tab, "phone-index");
        }
        if *page == "stages/sms-verification.html" {
            screenshot(&tab, "phone-stage");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
