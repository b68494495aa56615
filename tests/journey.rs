//! One journey, linked both ways, on the default site: the step-by-step overview the steps menu
//! opens, the side navigation on every stage page, the pages a stage names (and their way back),
//! one previous/next chain through every guide, page names that cannot be mixed up, and a home
//! page whose steps and start button fit the first screen of a phone.

mod common;

use common::browser::*;
use common::repo_root;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use headless_chrome::Tab;

/// The default site, built once for this test binary, and served over http.
fn site() -> &'static (PathBuf, u16) {
    static SITE: OnceLock<(PathBuf, u16)> = OnceLock::new();
    SITE.get_or_init(|| build_and_serve_default_site("journey-site"))
}

fn page(path: &str) -> String {
    let file = site().0.join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn url(path: &str) -> String {
    format!("http://127.0.0.1:{}/{path}", site().1)
}

/// The stages of the default content, as written in content/stages.yaml.
fn stages() -> Vec<guidegen::model::Stage> {
    let loaded = guidegen::load::load(&repo_root()).unwrap_or_else(|_| panic!("the default content loads"));
    loaded.content.stages
}

/// The part of `html` from the first `start` to the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("`{start}` not found"));
    let rest = &html[from..];
    &rest[..rest.find(end).map_or(rest.len(), |e| e + end.len())]
}

/// Every `href` in `html`.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[test]
fn the_steps_menu_opens_the_step_by_step_overview_which_lists_every_stage_with_its_steps() {
    let overview = page("stages/index.html");
    for path in ["index.html", "stages/fill-in.html", "guides/timeline.html"] {
        let html = page(path);
        let nav = between(&html, "<nav class=\"site-nav\"", "</nav>");
        let stages_link = nav
            .split("<a ")
            .find(|a| a.contains(">办理步骤<"))
            .unwrap_or_else(|| panic!("{path}: no 办理步骤 in the menu"));
        assert!(
            stages_link.contains("stages/index.html\""),
            "{path}: the menu's 办理步骤 opens {stages_link}"
        );
    }
    let links = hrefs(between(&overview, "<ol class=\"step-nav", "\n</ol>"));
    for stage in stages() {
        let href = format!("../stages/{}.html", stage.id.as_str());
        assert!(links.contains(&href), "the overview links {href}");
        for step in 1..=stage.steps.len() {
            assert!(
                links.contains(&format!("{href}#step-{step}")),
                "the overview's details link step {step} of {href}"
            );
        }
        assert!(overview.contains(&format!("id=\"stage-{}\"", stage.id.as_str())));
    }
    assert_eq!(
        overview.matches("<details class=\"step-nav-details\"").count(),
        stages().iter().filter(|s| !s.steps.is_empty()).count(),
        "each stage with steps folds them into a <details>"
    );
}

#[test]
fn every_stage_page_shows_the_whole_journey_with_itself_marked_current() {
    let all = stages();
    for stage in &all {
        let html = page(&format!("stages/{}.html", stage.id.as_str()));
        let side = between(&html, "<nav class=\"journey-side\"", "</nav>");
        let links = hrefs(side);
        for other in &all {
            assert!(
                links.contains(&format!("../stages/{}.html", other.id.as_str())),
                "{}: the side navigation links {}",
                stage.id.as_str(),
                other.id.as_str()
            );
        }
        assert!(links.contains(&"../stages/index.html".to_string()), "and the overview");
        assert_eq!(
            side.matches("aria-current=\"step\"").count(),
            1,
            "{}",
            stage.id.as_str()
        );
        let current = between(side, "aria-current=\"step\"", "</a>");
        assert!(
            current.contains(&stage.name),
            "{}: the current step is the page's own: {current}",
            stage.id.as_str()
        );
        let current_link = side
            .split("<a ")
            .find(|a| a.contains("aria-current=\"step\""))
            .expect("a current link");
        assert!(current_link.contains(&format!("href=\"../stages/{}.html\"", stage.id.as_str())));
    }
}

#[test]
fn a_stage_page_links_to_the_guides_forms_checklist_and_timeline_that_belong_to_it() {
    let all = stages();
    assert!(
        all.iter().any(|s| !s.guides.is_empty()) && all.iter().any(|s| !s.forms.is_empty()),
        "the default content ties guides and forms to stages"
    );
    for stage in &all {
        let html = page(&format!("stages/{}.html", stage.id.as_str()));
        let related = if html.contains("class=\"panel related-pages\"") {
            between(&html, "class=\"panel related-pages\"", "</section>").to_string()
        } else {
            String::new()
        };
        let links = hrefs(&related);
        for guide in &stage.guides {
            let href = format!("../guides/{}.html", guide.as_str());
            assert!(links.contains(&href), "{}: links {href}", stage.id.as_str());
        }
        for form in &stage.forms {
            let href = format!("../forms/{}.html", form.as_str());
            assert!(links.contains(&href), "{}: links {href}", stage.id.as_str());
        }
        assert_eq!(
            links.contains(&"../checklists/index.html".to_string()),
            !stage.materials.is_empty(),
            "{}: the checklist is linked when the stage uses materials",
            stage.id.as_str()
        );
        assert_eq!(
            links.contains(&"../timeline.html".to_string()),
            stage.duration.is_some(),
            "{}: the timeline is linked when the stage takes time",
            stage.id.as_str()
        );
    }
}

#[test]
fn a_guide_named_by_a_stage_links_back_to_it_and_to_the_checklist() {
    let all = stages();
    let named: BTreeSet<&str> = all
        .iter()
        .flat_map(|s| &s.guides)
        .map(guidegen::yaml::Spanned::as_str)
        .collect();
    assert!(named.contains("sms-verification") && named.contains("after/show-number"));
    for guide in named {
        let html = page(&format!("guides/{guide}.html"));
        let back = between(&html, "<ul class=\"guide-related\"", "</ul>");
        let root = "../".repeat(guide.matches('/').count() + 1);
        let links = hrefs(back);
        for stage in all.iter().filter(|s| s.guides.iter().any(|g| g.as_str() == guide)) {
            let href = format!("{root}stages/{}.html", stage.id.as_str());
            assert!(links.contains(&href), "{guide} links back to {href}: {back}");
        }
        assert!(
            links.contains(&format!("{root}checklists/index.html")),
            "{guide} links to the checklist"
        );
    }
}

#[test]
fn a_guides_mention_of_a_page_of_the_site_links_to_it() {
    let timeline = page("guides/timeline.html");
    let body = between(&timeline, "<div class=\"prose\">", "</article>");
    assert!(
        body.contains("href=\"../timeline.html\""),
        "the timeline guide links the timeline page"
    );
    assert!(body.contains("href=\"../stages/platform-review.html\""));
    let materials = page("guides/prepare-materials.html");
    let body = between(&materials, "<div class=\"prose\">", "</article>");
    assert!(body.contains("href=\"../checklists/index.html\""));
    assert!(
        body.contains("href=\"../forms/index.html\""),
        "the practice form is linked"
    );
}

/// Every guide page (section pages aside) with its previous and next page, by path.
fn guide_pager() -> Vec<(String, Option<String>, Option<String>)> {
    let root = site().0.join("guides");
    let mut pages = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "index.html") {
                pages.push(path);
            }
        }
    }
    let resolve = |from: &Path, href: &str| -> String {
        let mut dir = from.parent().unwrap().to_path_buf();
        let mut rest = href;
        while let Some(r) = rest.strip_prefix("../") {
            dir.pop();
            rest = r;
        }
        let full = dir.join(rest);
        full.strip_prefix(&site().0).unwrap().to_string_lossy().into_owned()
    };
    pages
        .iter()
        .map(|path| {
            let html = std::fs::read_to_string(path).unwrap();
            let link = |rel: &str| {
                html.split("<a ")
                    .find(|a| a.contains(&format!("rel=\"{rel}\"")))
                    .map(|a| resolve(path, &hrefs(a)[0]))
            };
            let own = path.strip_prefix(&site().0).unwrap().to_string_lossy().into_owned();
            (own, link("prev"), link("next"))
        })
        .collect()
}

#[test]
fn the_guide_pager_runs_once_through_every_guide_of_every_section() {
    let pager = guide_pager();
    assert!(
        pager.iter().any(|(p, _, _)| p.starts_with("guides/after/")),
        "the guides after filing are in the list"
    );
    let first: Vec<&String> = pager
        .iter()
        .filter(|(_, prev, _)| prev.is_none())
        .map(|p| &p.0)
        .collect();
    let last: Vec<&String> = pager
        .iter()
        .filter(|(_, _, next)| next.is_none())
        .map(|p| &p.0)
        .collect();
    assert_eq!(
        (first.len(), last.len()),
        (1, 1),
        "one start {first:?}, one end {last:?}"
    );
    let mut seen = vec![first[0].clone()];
    let mut at = first[0].clone();
    while let Some((_, _, Some(next))) = pager.iter().find(|(p, _, _)| *p == at) {
        let back = pager.iter().find(|(p, _, _)| p == next).expect("next is a guide");
        assert_eq!(back.1.as_ref(), Some(&at), "{next} leads back to {at}");
        assert!(!seen.contains(next), "{next} is visited twice");
        seen.push(next.clone());
        at = next.clone();
    }
    assert_eq!(seen.len(), pager.len(), "the chain visits every guide: {seen:?}");
}

/// A page's name, before any "：" subtitle.
fn head(title: &str) -> &str {
    title.split('：').next().unwrap_or(title).trim()
}

/// Two names one word apart: the same length with the first or second half in common
/// (时间安排 / 时间估算), or every two-character word of a short name inside a longer one
/// (材料清单 / 准备材料：清单与拍照要求).
fn one_word_apart(a: &str, b: &str) -> bool {
    let (ca, cb): (Vec<char>, Vec<char>) = (head(a).chars().collect(), head(b).chars().collect());
    if ca == cb {
        return false;
    }
    let half_shared = ca.len() == cb.len()
        && ca.len() >= 4
        && (ca[..ca.len() / 2] == cb[..cb.len() / 2] || ca[ca.len() / 2..] == cb[cb.len() / 2..]);
    let words_inside = |short: &str, long: &str| {
        let chars: Vec<char> = short.chars().collect();
        chars.len() >= 4
            && chars.len().is_multiple_of(2)
            && chars.len() < long.chars().count()
            && chars.chunks(2).all(|w| long.contains(&w.iter().collect::<String>()))
    };
    half_shared || words_inside(head(a), b) || words_inside(head(b), a)
}

#[test]
fn the_word_check_catches_the_pairs_readers_mixed_up() {
    assert!(one_word_apart("时间安排：每个环节要等多久", "时间估算"));
    assert!(one_word_apart("材料清单", "准备材料：清单与拍照要求"));
    assert!(!one_word_apart("材料清单", "准备材料：谁来提供、怎么拍照"));
    assert!(!one_word_apart("平台初审", "通管局审核"));
}

#[test]
fn no_two_pages_in_the_menus_have_names_one_word_apart() {
    // The main menu, the step-by-step list and every guide and section title.
    let index = page("index.html");
    let menu = between(&index, "<nav class=\"site-nav\"", "</nav>");
    let mut names: Vec<(String, String)> = menu
        .split("<a href=\"")
        .skip(1)
        .map(|a| {
            (
                a[..a.find('"').unwrap()].to_string(),
                text_of(&a[a.find('>').unwrap() + 1..a.find("</a>").unwrap()]),
            )
        })
        .collect();
    for stage in stages() {
        names.push((format!("stages/{}.html", stage.id.as_str()), stage.name.clone()));
    }
    for (path, _, _) in guide_pager() {
        let html = page(&path);
        names.push((path, text_of(between(&html, "<h1>", "</h1>"))));
    }
    for section in std::fs::read_dir(site().0.join("guides")).unwrap() {
        let dir = section.unwrap().path();
        if dir.is_dir() {
            let path = dir.join("index.html");
            let html = std::fs::read_to_string(&path).unwrap();
            names.push((path.display().to_string(), text_of(between(&html, "<h1>", "</h1>"))));
        }
    }
    assert!(names.len() > 15, "{names:?}");
    let mut clashes = Vec::new();
    for (i, (path_a, a)) in names.iter().enumerate() {
        for (path_b, b) in &names[i + 1..] {
            if path_a != path_b && one_word_apart(a, b) {
                clashes.push(format!("{a} ({path_a}) / {b} ({path_b})"));
            }
        }
    }
    assert!(clashes.is_empty(), "names one word apart:\n{}", clashes.join("\n"));
    let all: Vec<&str> = names.iter().map(|(_, n)| n.as_str()).collect();
    assert!(all.contains(&"时间估算") && !all.iter().any(|n| n.contains("时间安排")));
    assert!(all.contains(&"材料清单") && !all.iter().any(|n| n.starts_with("准备材料：清单")));
}

#[test]
fn before_you_start_does_not_look_done() {
    for path in ["index.html", "stages/index.html", "stages/filed.html"] {
        let html = page(path);
        assert!(!html.contains('✓'), "{path} shows a tick");
        let marker = between(&html, "step-nav-number-start\"", "</span>");
        assert_eq!(marker, "step-nav-number-start\" aria-hidden=\"true\"></span>", "{path}");
    }
}

fn bottom(tab: &Tab, selector: &str) -> f64 {
    let expression = format!("document.querySelector('{selector}').getBoundingClientRect().bottom");
    eval(tab, &expression)
        .as_f64()
        .unwrap_or_else(|| panic!("{selector} is on the page"))
}

#[test]
fn on_a_phone_the_home_pages_steps_and_start_button_are_on_the_first_screen() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    emulate_screen(&tab, 375, 740, 1.0, true);
    open(&tab, &url("index.html"));
    let steps = bottom(&tab, ".home-steps .step-list");
    let start = bottom(&tab, ".button-start");
    assert!(
        steps <= 740.0 && start <= 740.0,
        "steps end at {steps} px, the button at {start} px"
    );
    assert_eq!(
        eval(&tab, "document.querySelectorAll('.home-steps .step-list > li').length"),
        serde_json::json!(stages().len())
    );
    assert_eq!(
        eval(&tab, "document.querySelector('.button-start').getAttribute('href')"),
        serde_json::json!(format!("stages/{}.html", stages()[0].id.as_str()))
    );
    assert_eq!(
        eval(&tab, "document.querySelector('details.intro-more').open"),
        serde_json::json!(false),
        "the long introduction is folded"
    );
    screenshot(&tab, "journey-home-375");
}

#[test]
fn the_side_navigation_sits_beside_a_stage_on_a_desktop_and_below_it_on_a_phone() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let place = "(() => { const m = document.querySelector('.journey-main').getBoundingClientRect(); const s = document.querySelector('.journey-side').getBoundingClientRect(); return [m.right, m.bottom, s.left, s.top, document.documentElement.scrollWidth, window.innerWidth]; })()";
    emulate_screen(&tab, 1280, 900, 1.0, false);
    open(&tab, &url("stages/sms-verification.html"));
    let wide = eval(&tab, place);
    let n = |v: &serde_json::Value, i: usize| v[i].as_f64().unwrap();
    assert!(n(&wide, 2) >= n(&wide, 0), "beside the content at 1280 px: {wide}");
    assert!(n(&wide, 3) < 400.0, "and at the top: {wide}");
    screenshot(&tab, "journey-stage-1280");
    emulate_screen(&tab, 375, 740, 1.0, true);
    open(&tab, &url("stages/sms-verification.html"));
    let narrow = eval(&tab, place);
    assert!(n(&narrow, 3) >= n(&narrow, 1), "below the content at 375 px: {narrow}");
    assert!(n(&narrow, 4) <= n(&narrow, 5), "no sideways scroll: {narrow}");
    screenshot(&tab, "journey-stage-375");
    open(&tab, &url("stages/index.html"));
    let widths = eval(&tab, "[document.documentElement.scrollWidth, window.innerWidth]");
    assert!(
        n(&widths, 0) <= n(&widths, 1),
        "the overview does not scroll sideways: {widths}"
    );
    screenshot(&tab, "journey-overview-375");
}
