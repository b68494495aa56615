//! Every page type of the default site on a phone (375 px wide) and on a desktop (1280 px) in
//! real Chromium: nothing scrolls sideways on the phone, and a screenshot of each page at both
//! widths goes to tests/screenshots/ (git-ignored) for people to look at. The pages are taken
//! from what the build wrote (every top-level page, every section's index, the first page of each
//! section, a guide with a task list, a search with a query), so a page type added later is
//! covered without editing this list. Also here: small things seen on those screens (the forms'
//! choices on a phone, task lists in guides, the 404 page's navigation).

mod common;

use common::browser::*;
use headless_chrome::Tab;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const PHONE: u32 = 375;
const DESKTOP: u32 = 1280;
/// A word the default content uses on many pages, for the search page with a query.
const SEARCH_QUERY: &str = "%E6%A0%B8%E9%AA%8C"; // 核验

fn site() -> &'static (PathBuf, u16) {
    static SITE: OnceLock<(PathBuf, u16)> = OnceLock::new();
    SITE.get_or_init(|| build_and_serve_default_site("screens-site"))
}

fn url(path: &str) -> String {
    format!("http://127.0.0.1:{}/{path}", site().1)
}

fn html_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".html"))
        .collect();
    names.sort();
    names
}

/// One page of every type the build wrote, as paths (with a query where the page needs one).
fn pages_of_every_type(dir: &Path) -> Vec<String> {
    let mut pages = html_files(dir);
    pages.push(format!("search.html?q={SEARCH_QUERY}"));
    let mut folders: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir() && e.file_name() != "assets")
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    for folder in folders {
        let files = html_files(&dir.join(&folder));
        if files.iter().any(|f| f == "index.html") {
            pages.push(format!("{folder}/index.html"));
        }
        if let Some(first) = files.iter().find(|f| *f != "index.html") {
            pages.push(format!("{folder}/{first}"));
        }
        // A guide with a task list, wherever it is in its section.
        for file in files {
            let path = format!("{folder}/{file}");
            let html = std::fs::read_to_string(dir.join(&path)).unwrap();
            if html.contains(r#"class="task-box""#) && !pages.contains(&path) {
                pages.push(path);
                break;
            }
        }
    }
    pages
}

/// The file name of a page's screenshot: `screen-375-forms-verification-individual`.
fn shot_name(width: u32, page: &str) -> String {
    let (path, query) = page.split_once('?').unwrap_or((page, ""));
    let base = path.trim_end_matches(".html").replace('/', "-");
    if query.is_empty() {
        format!("screen-{width}-{base}")
    } else {
        format!("screen-{width}-{base}-query")
    }
}

/// Screenshots the whole page (up to 8,000 px), then gives the window its height back.
fn whole_page_screenshot(tab: &Tab, width: u32, name: &str) {
    let height = eval(tab, "document.documentElement.scrollHeight")
        .as_u64()
        .unwrap_or(900);
    emulate_screen(tab, width, height.clamp(600, 8000) as u32, 1.0, false);
    screenshot(tab, name);
    emulate_screen(tab, width, 900, 1.0, false);
}

/// The elements wider than the phone's window: what makes a page scroll sideways.
const OVERFLOWING: &str = "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && getComputedStyle(e).position !== 'absolute').slice(-4).map(e => e.tagName + '.' + e.className + ' \"' + e.textContent.trim().slice(0, 16) + '\" right=' + Math.round(e.getBoundingClientRect().right))";

#[test]
fn every_page_type_fits_a_375_px_phone_without_scrolling_sideways_and_is_screenshot_at_both_widths() {
    let (dir, _) = site();
    let pages = pages_of_every_type(dir);
    for expected in ["index.html", "404.html", "forms/index.html", "timeline.html"] {
        assert!(pages.iter().any(|p| p == expected), "{expected} is among {pages:?}");
    }
    assert!(pages.iter().any(|p| p.starts_with("search.html?q=")), "{pages:?}");
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let mut problems = Vec::new();
    for width in [PHONE, DESKTOP] {
        emulate_screen(&tab, width, 900, 1.0, false);
        for page in &pages {
            open(&tab, &url(page));
            if page.starts_with("search.html?q=") {
                wait_until(
                    &tab,
                    "document.querySelectorAll('.search-results li').length > 0",
                    "search results",
                );
            }
            let widths = eval(&tab, "[document.documentElement.scrollWidth, window.innerWidth]");
            let (scroll, inner) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
            assert_eq!(inner, f64::from(width), "{page}: the window is {width} px wide");
            if width == PHONE && scroll > inner {
                let culprits = eval(&tab, OVERFLOWING);
                problems.push(format!(
                    "{page}: {scroll} px wide in a {inner} px window; widest: {culprits}"
                ));
            }
            whole_page_screenshot(&tab, width, &shot_name(width, page));
        }
    }
    assert!(
        problems.is_empty(),
        "pages that scroll sideways at 375 px:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_forms_choices_and_date_boxes_wrap_inside_their_cells_on_a_phone() {
    let (dir, _) = site();
    let forms: Vec<String> = html_files(&dir.join("forms"))
        .into_iter()
        .filter(|f| f != "index.html")
        .collect();
    assert!(!forms.is_empty());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    emulate_screen(&tab, PHONE, 900, 1.0, false);
    for form in forms {
        open(&tab, &url(&format!("forms/{form}")));
        let outside = eval(
            &tab,
            "Array.from(document.querySelectorAll('.form-table td .choice, .form-table td .date-fill')).filter(e => e.getBoundingClientRect().right > e.closest('td').getBoundingClientRect().right + 0.5).map(e => e.textContent.trim())",
        );
        assert_eq!(
            outside,
            serde_json::json!([]),
            "{form}: these stick out of their cells at 375 px"
        );
        let choices = eval(&tab, "document.querySelectorAll('.form-table td .choice').length");
        assert!(choices.as_u64().unwrap() > 0, "{form} has choices");
    }
}

#[test]
fn a_guides_task_list_shows_one_box_per_item_and_no_bullet() {
    let (dir, _) = site();
    let guide = pages_of_every_type(dir)
        .into_iter()
        .find(|p| {
            p.ends_with(".html")
                && std::fs::read_to_string(dir.join(p)).is_ok_and(|h| h.contains(r#"class="task-box""#))
        })
        .expect("a guide of the default content has a task list");
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    emulate_screen(&tab, PHONE, 900, 1.0, false);
    open(&tab, &url(&guide));
    let items = eval(
        &tab,
        "Array.from(document.querySelectorAll('.prose li')).filter(li => li.querySelector(':scope > .task-box, :scope > p:first-child > .task-box')).map(li => { var box = li.querySelector('.task-box').getBoundingClientRect(); var r = li.getBoundingClientRect(); return [getComputedStyle(li).listStyleType, box.left >= r.left - 0.5, box.width > 0]; })",
    );
    let items = items.as_array().unwrap();
    assert!(!items.is_empty(), "{guide}: no task list item found");
    for item in items {
        assert_eq!(
            item,
            &serde_json::json!(["none", true, true]),
            "{guide}: a task item shows a bullet, or its box is outside it"
        );
    }
    let other_lists = eval(
        &tab,
        "Array.from(document.querySelectorAll('.prose ul > li')).filter(li => !li.querySelector('.task-box')).map(li => getComputedStyle(li).listStyleType)",
    );
    assert!(
        other_lists.as_array().unwrap().iter().all(|t| t != "none"),
        "{guide}: ordinary lists keep their bullets: {other_lists}"
    );
}

#[test]
fn the_404_page_marks_no_navigation_entry_as_current() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &url("404.html"));
    let current = eval(
        &tab,
        "Array.from(document.querySelectorAll('.site-nav a.current, .site-nav a[aria-current]')).map(a => a.textContent)",
    );
    assert_eq!(current, serde_json::json!([]), "the 404 page belongs to no section");
    open(&tab, &url("index.html"));
    let current = eval(&tab, "document.querySelectorAll('.site-nav a.current').length");
    assert_eq!(current, serde_json::json!(1), "the home page still marks its own entry");
}
