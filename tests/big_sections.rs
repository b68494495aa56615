//! Big sections of guides, through the real binary on sites written here: a section of more
//! guides than `guides_per_page` (100 unless site.yaml says) is listed over numbered pages, and
//! each of its guide pages lists only its neighbours, so that no page grows with the section.
//! Small sections keep their whole navigation.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use common::{bin, copy_dir, fixture, text, TempDir, TODAY};

/// Writes `count` guides `Guide 0001`, … into `content/guides/<folder>/` of the site at `root`
/// (file names `g0001.md`, …, so that reading order, by title, is the order of the numbers).
fn write_guides(root: &Path, folder: &str, count: usize) {
    let dir = root.join("content/guides").join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    for n in 1..=count {
        std::fs::write(
            dir.join(format!("g{n:04}.md")),
            format!("---\ntitle: Guide {n:04}\nsummary: What guide {n} is about.\n---\n## About\n\nGuide {n}.\n"),
        )
        .unwrap();
    }
}

/// The minimal fixture in a fresh folder, with `extra` appended to its site.yaml.
fn site(label: &str, extra: &str) -> TempDir {
    let dir = TempDir::new(label);
    copy_dir(&fixture("minimal"), dir.path());
    let site_yaml = dir.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&site_yaml).unwrap();
    std::fs::write(&site_yaml, format!("{text}{extra}")).unwrap();
    dir
}

/// Runs `verb` (`check` or `build`) on the site at `root`; its success and what it printed.
fn run(verb: &str, root: &Path) -> (bool, String) {
    let output = bin()
        .args([verb, "--today", TODAY, "--root"])
        .arg(root)
        .output()
        .unwrap();
    (
        output.status.success(),
        format!("{}{}", text(&output.stdout), text(&output.stderr)),
    )
}

/// Builds the site at `root` (after `check`, which must pass too: every link of every page
/// resolves) and returns its pages and scripts by path.
fn build(root: &Path) -> BTreeMap<String, String> {
    for verb in ["check", "build"] {
        let (ok, printed) = run(verb, root);
        assert!(ok, "{verb} failed:\n{printed}");
    }
    common::read_tree(&root.join("output"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html") || path.ends_with(".js") || path.ends_with(".xml"))
        .map(|(path, bytes)| (path, text(&bytes)))
        .collect()
}

/// The section `big` of `size` guides (and a small section of 5), default `guides_per_page`,
/// built once per size for every test that reads it.
fn big_site(size: usize) -> &'static BTreeMap<String, String> {
    static SITES: [OnceLock<BTreeMap<String, String>>; 2] = [OnceLock::new(), OnceLock::new()];
    let slot = if size == 600 { &SITES[0] } else { &SITES[1] };
    slot.get_or_init(|| {
        let dir = site(&format!("big-section-{size}"), "base_url: https://example.org/guide/\n");
        write_guides(dir.path(), "big", size);
        std::fs::write(
            dir.path().join("content/guides/big/_index.md"),
            "---\ntitle: The big section\n---\nAn introduction to many guides.\n",
        )
        .unwrap();
        write_guides(dir.path(), "small", 5);
        build(dir.path())
    })
}

/// The `href`s of the guides a list page lists (its `card-list`), as written.
fn listed(page: &str) -> Vec<String> {
    let list = between(page, "<ul class=\"card-list\">", "</ul>");
    hrefs(list)
}

fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

/// The text between the first `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no `{start}`")) + start.len();
    &text[from..from
        + text[from..]
            .find(end)
            .unwrap_or_else(|| panic!("no `{end}` after `{start}`"))]
}

/// A guide page's section navigation.
fn section_nav(page: &str) -> &str {
    between(page, "<nav class=\"section-nav\"", "</nav>")
}

fn largest_guide_page(site: &BTreeMap<String, String>) -> usize {
    site.iter()
        .filter(|(path, _)| path.starts_with("guides/big/g"))
        .map(|(_, page)| page.len())
        .max()
        .expect("guide pages")
}

#[test]
fn a_guide_page_in_a_big_section_barely_grows_with_the_section() {
    let (small, large) = (largest_guide_page(big_site(600)), largest_guide_page(big_site(2_500)));
    assert!(
        large <= small + 256,
        "the largest guide page grew from {small} bytes (600 guides) to {large} (2,500 guides)"
    );
    assert!(large < 16 * 1024, "the largest guide page has {large} bytes");
}

#[test]
fn the_list_pages_of_a_big_section_list_every_guide_once_a_page_full_at_a_time() {
    let site = big_site(2_500);
    let list_pages: Vec<(&String, &String)> = site
        .iter()
        .filter(|(path, _)| path.starts_with("guides/big/index"))
        .collect();
    assert_eq!(list_pages.len(), 25, "2,500 guides, 100 a page");
    let mut seen = Vec::new();
    for number in 1..=25 {
        let path = if number == 1 {
            "guides/big/index.html".to_string()
        } else {
            format!("guides/big/index-{number}.html")
        };
        let page = &site[&path];
        let guides = listed(page);
        assert_eq!(guides.len(), 100, "{path}");
        seen.extend(guides);
        // Numbered links, the current page marked, and the pages before and after.
        let pagination = between(page, "<nav class=\"pagination\"", "</nav>");
        assert!(
            pagination.contains(&format!("aria-current=\"page\">{number}</a>")),
            "{path}: {pagination}"
        );
        assert_eq!(pagination.contains("rel=\"prev\""), number > 1, "{path}");
        assert_eq!(pagination.contains("rel=\"next\""), number < 25, "{path}");
        assert!(
            pagination.contains("href=\"index.html\"") && pagination.contains("href=\"index-25.html\""),
            "{path}: the first and the last page are always a click away"
        );
        assert_eq!(
            page.contains("An introduction to many guides."),
            number == 1,
            "{path}: the introduction is on the first page only"
        );
    }
    let expected: Vec<String> = (1..=2_500).map(|n| format!("../../guides/big/g{n:04}.html")).collect();
    assert_eq!(seen, expected, "every guide once, in reading order");
    assert!(site["guides/big/index-2.html"].contains("<title>The big section (Page 2 of 25) · "));
    // The later pages are pages of the site like any other.
    assert!(site["sitemap.xml"].contains("https://example.org/guide/guides/big/index-25.html"));
    assert!(site["assets/search-index.js"].contains("\"guides/big/index-25.html\""));
}

#[test]
fn a_guide_page_in_a_big_section_marks_itself_among_its_neighbours() {
    let site = big_site(2_500);
    let nav = section_nav(&site["guides/big/g1234.html"]);
    assert!(
        nav.contains("<a href=\"../../guides/big/index.html\">The big section</a>"),
        "{nav}"
    );
    let entries: Vec<String> = hrefs(nav);
    let mut expected = vec!["index-13.html".to_string()];
    expected.extend((1224..=1244).map(|n| format!("g{n:04}.html")));
    expected.push("index-13.html".into());
    assert_eq!(
        entries[1..],
        expected[..],
        "the section, its neighbours, the rest on list pages"
    );
    assert!(nav.contains("<a href=\"g1234.html\" aria-current=\"page\">Guide 1234</a>"));
    assert_eq!(nav.matches("aria-current").count(), 1);
    assert!(nav.contains(">1223 earlier guides in this section</a>"), "{nav}");
    assert!(nav.contains(">1256 more guides in this section</a>"), "{nav}");
    // The links lead to the list pages that hold the guides just before and after the window.
    let list = listed(&site["guides/big/index-13.html"]);
    assert!(list.contains(&"../../guides/big/g1223.html".to_string()));
    assert!(list.contains(&"../../guides/big/g1245.html".to_string()));
    // Near the start the window keeps its size.
    let first = section_nav(&site["guides/big/g0001.html"]);
    assert_eq!(first.matches("<li><a href=\"g").count(), 21, "{first}");
    assert!(!first.contains("earlier guides"));
}

#[test]
fn a_small_section_keeps_its_whole_navigation() {
    let site = big_site(600);
    for n in 1..=5 {
        let page = &site[&format!("guides/small/g{n:04}.html")];
        let nav = section_nav(page);
        let entries = hrefs(nav);
        let expected: Vec<String> = std::iter::once("../../guides/small/index.html".to_string())
            .chain((1..=5).map(|m| format!("g{m:04}.html")))
            .collect();
        assert_eq!(entries, expected);
        assert!(!nav.contains("section-nav-more"));
    }
    let list = &site["guides/small/index.html"];
    assert_eq!(listed(list).len(), 5);
    assert!(!list.contains("class=\"pagination\""));
    assert!(!site.contains_key("guides/small/index-2.html"));
}

#[test]
fn many_top_guides_are_spread_over_the_guides_index_and_summed_up_on_the_home_page() {
    let dir = site("big-top", "guides_per_page: 5\n");
    write_guides(dir.path(), "", 12);
    let site = build(dir.path());
    // The fixture's `first.md` (order 1) comes before the twelve: 13 guides, 5 a page.
    assert_eq!(listed(&site["guides/index.html"]).len(), 5 + 1, "and the section `sub`");
    assert_eq!(listed(&site["guides/index-2.html"]).len(), 5);
    assert_eq!(
        listed(&site["guides/index-3.html"]),
        ["../guides/g0010.html", "../guides/g0011.html", "../guides/g0012.html"]
    );
    assert!(!site.contains_key("guides/index-4.html"));
    let home = &site["index.html"];
    assert!(
        home.contains("<a href=\"guides/index-2.html\">8 more guides</a>"),
        "{}",
        between(home, "guides-heading", "</section>")
    );
    // The top guides' navigation: the guides index is now a link, and the window is small.
    let nav = section_nav(&site["guides/g0006.html"]);
    assert!(nav.contains("<a href=\"../guides/index.html\">All guides</a>"), "{nav}");
    assert_eq!(nav.matches("<li><a").count(), 5, "{nav}");
}

#[test]
fn nested_sections_are_spread_over_pages_in_their_own_folder() {
    let dir = site("big-nested", "guides_per_page: 5\n");
    write_guides(dir.path(), "a/b", 12);
    let site = build(dir.path());
    assert_eq!(
        listed(&site["guides/a/b/index-3.html"]),
        ["../../../guides/a/b/g0011.html", "../../../guides/a/b/g0012.html"]
    );
    let nav = section_nav(&site["guides/a/b/g0012.html"]);
    assert!(
        nav.contains("<a href=\"index-2.html\">7 earlier guides in this section</a>"),
        "{nav}"
    );
}

#[test]
fn guides_per_page_out_of_its_range_is_refused_where_it_is_written() {
    for value in ["0", "5000"] {
        let dir = site("per-page-range", &format!("guides_per_page: {value}\n"));
        let lines = std::fs::read_to_string(dir.path().join("content/site.yaml"))
            .unwrap()
            .lines()
            .count();
        let (ok, printed) = run("check", dir.path());
        assert!(!ok);
        assert!(
            printed.contains(&format!("`guides_per_page` must be from 1 to 1000, not {value}")),
            "{printed}"
        );
        assert!(printed.contains(&format!("content/site.yaml:{lines}:18")), "{printed}");
    }
}

#[test]
fn a_guide_named_like_a_list_page_is_refused_even_in_a_small_section() {
    let dir = site("list-page-name", "");
    std::fs::write(
        dir.path().join("content/guides/sub/index-2.md"),
        "---\ntitle: Clash\n---\nText.\n",
    )
    .unwrap();
    let (ok, printed) = run("check", dir.path());
    assert!(!ok);
    assert!(printed.contains("a guide may not be called `index-2.md`"), "{printed}");
    assert!(printed.contains("content/guides/sub/index-2.md"), "{printed}");
}

/// In real Chromium, on a 375 px phone and a 1280 px desktop: a big section's list page (its
/// pagination with gaps) and one of its guide pages (the window of its navigation) scroll not
/// sideways, and every link of the pagination and of the navigation is a 44 x 44 px target.
/// Screenshots go to tests/screenshots/ (`big-section-*`) for people to look at.
#[test]
fn a_big_sections_pages_fit_a_phone_with_targets_big_enough_to_tap() {
    use common::browser::{browser, emulate_screen, eval, open, screenshot, static_server};
    let dir = site("big-section-screens", "guides_per_page: 20\n");
    write_guides(dir.path(), "big", 250);
    build(dir.path());
    let port = static_server(dir.path().join("output"));
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let small_targets = "Array.from(document.querySelectorAll('.pagination a, .section-nav a')).filter(a => { const r = a.getBoundingClientRect(); return r.width < 44 || r.height < 44; }).map(a => a.textContent.trim() + ' ' + Math.round(a.getBoundingClientRect().width) + 'x' + Math.round(a.getBoundingClientRect().height))";
    for width in [375, 1280] {
        for (page, shown) in [
            ("guides/big/index-5.html", ".pagination"),
            ("guides/big/g0100.html", ".section-nav"),
        ] {
            emulate_screen(&tab, width, 900, 1.0, false);
            open(&tab, &format!("http://127.0.0.1:{port}/{page}"));
            assert_eq!(
                eval(&tab, &format!("document.querySelectorAll('{shown}').length")),
                1,
                "{page}"
            );
            let widths = eval(&tab, "[document.documentElement.scrollWidth, window.innerWidth]");
            assert!(
                widths[0].as_f64() <= widths[1].as_f64(),
                "{page} scrolls sideways at {width} px: {widths}"
            );
            let small = eval(&tab, small_targets);
            assert_eq!(
                small,
                serde_json::json!([]),
                "{page} at {width} px: targets under 44 px"
            );
            let height = eval(&tab, "document.documentElement.scrollHeight")
                .as_u64()
                .unwrap_or(900);
            emulate_screen(&tab, width, height.clamp(600, 8000) as u32, 1.0, false);
            let name = page.trim_end_matches(".html").replace('/', "-");
            screenshot(&tab, &format!("big-section-{width}-{name}"));
        }
    }
}
