//! The pages' Content-Security-Policy: every HTML page of the default theme carries one
//! (`default-src 'self'`, no inline script or style), the theme and the built site hold nothing
//! it would block, and real Chromium opens every page type of the default site, from `file://`
//! and under `guidegen serve` (its live-reload script included), without one violation, while
//! the pages still work: the timeline recomputes, the questionnaire hides items, search finds,
//! the search form submits, serve reloads after an edit. A script that `raw_html: trusted`
//! publishes does not run. Images from other sites, which the policy blocks, are warned about
//! where they are written.
//!
//! A meta policy reports its violations while the page is parsed, before any of the page's
//! scripts: the recorder is installed with `Page.addScriptToEvaluateOnNewDocument`, and the
//! browser's log (where Chromium also reports them) is read as well.

mod common;

use common::browser::*;
use common::server::Server;
use common::*;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::Tab;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The policy of the default theme, as `base.html` writes it.
const POLICY: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";
/// A word the default content uses on many pages, for the search page with a query.
const SEARCH_QUERY: &str = "%E6%A0%B8%E9%AA%8C"; // 核验

fn built_site() -> &'static PathBuf {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("csp-site-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let output = bin()
            .args(["build", "--today", TODAY, "--root"])
            .arg(repo_root())
            .arg("--output")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        dir
    })
}

fn html_pages(dir: &Path) -> Vec<(String, String)> {
    read_tree(dir)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The opening tags of `html` as written (`<name ...>`), skipping closing tags and comments.
fn opening_tags(html: &str) -> Vec<&str> {
    html.match_indices('<')
        .filter_map(|(at, _)| {
            let rest = &html[at + 1..];
            rest.starts_with(|c: char| c.is_ascii_alphabetic())
                .then(|| &html[at..at + 1 + rest.find('>').unwrap_or(rest.len())])
        })
        .collect()
}

/// What in `html` (a page or a template) the policy would block or that runs as inline script:
/// a `<script>` without `src`, a `<style>` element, a `style=` or `on…=` attribute, a
/// `javascript:` address.
fn blocked_by_policy(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in opening_tags(html) {
        let lower = tag.to_ascii_lowercase();
        if (lower.starts_with("<script ") || lower.starts_with("<script>")) && !lower.contains(" src=") {
            found.push(format!("inline script: {tag}"));
        }
        if lower.starts_with("<style") {
            found.push(format!("<style> element: {tag}"));
        }
        // Attribute names follow a space (values of the theme's attributes never hold ` on…=`).
        for (at, _) in lower.match_indices(' ') {
            let name: String = lower[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let is_attribute = lower[at + 1 + name.len()..].starts_with('=');
            if is_attribute && (name == "style" || (name.starts_with("on") && name.len() > 2)) {
                found.push(format!("`{name}` attribute: {tag}"));
            }
        }
        if lower.contains("javascript:") {
            found.push(format!("javascript: address: {tag}"));
        }
    }
    found
}

#[test]
fn every_html_page_of_the_default_site_carries_the_policy_once_and_nothing_it_would_block() {
    let pages = html_pages(built_site());
    assert!(pages.len() > 20, "{} pages", pages.len());
    let meta = format!(r#"<meta http-equiv="Content-Security-Policy" content="{POLICY}">"#);
    let mut problems = Vec::new();
    for (path, html) in &pages {
        let policies = html.matches("Content-Security-Policy").count();
        if policies != 1 || !html.contains(&meta) {
            problems.push(format!("{path}: {policies} policies, or not the theme's"));
        }
        // In the head, before anything it governs.
        let at = html.find(&meta).unwrap_or(usize::MAX);
        if ["<link", "<script", "<style", "<img"]
            .iter()
            .any(|t| html.find(t).is_some_and(|i| i < at))
        {
            problems.push(format!("{path}: the policy comes after what it governs"));
        }
        problems.extend(blocked_by_policy(html).into_iter().map(|p| format!("{path}: {p}")));
    }
    for forbidden in ["'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"] {
        assert!(!POLICY.contains(forbidden), "{forbidden}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The timeline's data is a file of its own.
    let data = std::fs::read_to_string(built_site().join("assets/timeline-data.js")).unwrap();
    assert!(data.starts_with("window.GUIDEGEN_TIMELINE = {"), "{data:.80}");
}

#[test]
fn the_theme_s_templates_and_scripts_hold_no_inline_script_style_or_handler() {
    let theme = repo_root().join("themes/default");
    let mut problems = Vec::new();
    for (path, bytes) in read_tree(&theme.join("templates")) {
        let template = String::from_utf8(bytes).unwrap();
        problems.extend(blocked_by_policy(&template).into_iter().map(|p| format!("{path}: {p}")));
    }
    for (path, bytes) in read_tree(&theme.join("static")) {
        if !path.ends_with(".js") {
            continue;
        }
        let script = String::from_utf8(bytes).unwrap();
        // A style set through `element.style` is allowed; one written as an attribute or as
        // markup is not, and neither is code made from text.
        for needle in [
            "setAttribute('style'",
            "setAttribute(\"style\"",
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ] {
            if script.contains(needle) {
                problems.push(format!("{path}: {needle}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// In Chromium
// ---------------------------------------------------------------------------------------------

/// Records, in every page the tab opens from now on, each `securitypolicyviolation` (installed
/// before the page is parsed), and keeps the browser's log lines about the policy in `log`.
fn record_violations(tab: &Tab) -> Arc<Mutex<Vec<String>>> {
    use headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument;
    let recorder = "window.__csp = [];
        document.addEventListener('securitypolicyviolation', function (e) {
          window.__csp.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || '?') + ' (' + e.sourceFile + ':' + e.lineNumber + ')');
        }, true);";
    tab.call_method(AddScriptToEvaluateOnNewDocument {
        source: recorder.into(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    tab.enable_log().unwrap();
    let sink = log.clone();
    tab.add_event_listener(Arc::new(move |event: &Event| {
        if let Event::LogEntryAdded(entry) = event {
            let text = &entry.params.entry.text;
            if text.contains("Content Security Policy") || text.contains("Content-Security-Policy") {
                sink.lock().unwrap().push(text.clone());
            }
        }
    }))
    .unwrap();
    log
}

/// The violations seen on the page now open (and in the log since the last call), emptied.
fn violations(tab: &Tab, log: &Mutex<Vec<String>>) -> Vec<String> {
    let mut seen: Vec<String> = eval(tab, "window.__csp")
        .as_array()
        .expect("the violation recorder is on this page")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect();
    seen.extend(log.lock().unwrap().drain(..));
    seen
}

/// One page of every type the build wrote: every top-level page, each folder's index and first
/// page, and the search page with a query (the 404 page is opened by each mode its own way).
fn pages_of_every_type(dir: &Path) -> Vec<String> {
    let mut pages = Vec::new();
    let mut folders = BTreeSet::new();
    for (path, _) in html_pages(dir) {
        match path.split_once('/') {
            None if path != "404.html" => pages.push(path),
            None => {}
            Some((folder, _)) => {
                folders.insert(folder.to_string());
            }
        }
    }
    for folder in folders {
        let inside: Vec<String> = html_pages(&dir.join(&folder))
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        if inside.iter().any(|p| p == "index.html") {
            pages.push(format!("{folder}/index.html"));
        }
        if let Some(first) = inside.iter().find(|p| !p.ends_with("index.html")) {
            pages.push(format!("{folder}/{first}"));
        }
        // A page in a sub-folder (a section of guides).
        if let Some(section) = inside.iter().find(|p| p.ends_with("/index.html")) {
            pages.push(format!("{folder}/{section}"));
        }
    }
    pages.push(format!("search.html?q={SEARCH_QUERY}"));
    pages
}

/// Every page kind (`<body class="page-…">`) the site has.
fn page_kinds(dir: &Path) -> BTreeSet<String> {
    html_pages(dir)
        .iter()
        .filter_map(|(_, html)| {
            let rest = &html[html.find(r#"<body class="page-"#)? + r#"<body class="page-"#.len()..];
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

/// Opens `url` and waits for its document to load. Not `open`: under serve the page's event
/// stream never lets the network go idle, which `wait_until_navigated` waits for (seconds a page).
fn go(tab: &Tab, url: &str) {
    eval(tab, "window.__old_document = 1");
    tab.navigate_to(url).unwrap();
    wait_until(
        tab,
        "window.__old_document === undefined && document.readyState === 'complete'",
        &format!("{url} to load"),
    );
}

/// Opens each page in `base` + path (and the 404 page at `not_found`), asserting no violation;
/// returns the kinds of page seen.
fn open_every_page(tab: &Tab, log: &Mutex<Vec<String>>, base: &str, not_found: &str) -> BTreeSet<String> {
    let mut problems = Vec::new();
    let mut kinds = BTreeSet::new();
    let mut paths = pages_of_every_type(built_site());
    paths.push(not_found.to_string());
    for path in &paths {
        let started = std::time::Instant::now();
        go(tab, &format!("{base}{path}"));
        // Under serve, pages kept for the back button once held their event streams open, and
        // the seventh page waited a minute for a free connection.
        let took = started.elapsed();
        assert!(took.as_secs() < 10, "{base}{path} took {took:?} to load");
        if path.starts_with("search.html?") {
            wait_until(
                tab,
                "document.querySelectorAll('#search-results li').length > 0",
                "search results",
            );
        }
        kinds.insert(
            eval(tab, "document.body.className.replace(/^page-/, '')")
                .as_str()
                .unwrap()
                .to_string(),
        );
        let seen = violations(tab, log);
        if !seen.is_empty() {
            problems.push(format!("{path}:\n    {}", seen.join("\n    ")));
        }
    }
    assert!(
        problems.is_empty(),
        "violations of the policy from {base}:\n{}",
        problems.join("\n")
    );
    kinds
}

/// The pages still work under the policy: the timeline recomputes from its data file, the
/// questionnaire hides what an answer rules out, and the header's search form submits.
fn pages_still_work(tab: &Tab, log: &Mutex<Vec<String>>, base: &str) {
    go(tab, &format!("{base}timeline.html?submitted=2023-09-25"));
    wait_until(
        tab,
        "(function () { var t = document.querySelector('tr[data-stage=filed] .latest time'); return !!t && t.getAttribute('datetime') === '2023-11-01'; })()",
        "the timeline to recompute for 2023-09-25",
    );
    go(tab, &format!("{base}checklists/enterprise.html"));
    let shown = "document.querySelectorAll('.checklist-item:not([hidden])').length";
    let before = eval(tab, shown).as_u64().unwrap();
    eval(
        tab,
        "document.querySelector('form.questionnaire fieldset[data-condition=not_legal_rep] input[value=\"0\"]').click()",
    );
    wait_until(
        tab,
        "document.getElementById('material-authorisation-letter').hidden",
        "the answer to hide an item",
    );
    assert!(eval(tab, shown).as_u64().unwrap() < before);
    assert_eq!(
        violations(tab, log),
        Vec::<String>::new(),
        "{base}checklists/enterprise.html"
    );
    go(tab, &format!("{base}index.html"));
    eval(
        tab,
        "(function () { var q = document.getElementById('site-search-q'); q.value = '核验'; q.form.submit(); return 1; })()",
    );
    wait_until(
        tab,
        "location.pathname.endsWith('/search.html') && document.readyState === 'complete' && document.querySelectorAll('#search-results li').length > 0",
        "the search form to lead to results",
    );
    assert_eq!(
        violations(tab, log),
        Vec::<String>::new(),
        "{base}search.html from the form"
    );
}

#[test]
fn every_page_type_opened_from_file_runs_its_scripts_without_one_policy_violation() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let log = record_violations(&tab);
    let base = format!("file://{}/", built_site().display());
    let kinds = open_every_page(&tab, &log, &base, "404.html");
    assert_eq!(kinds, page_kinds(built_site()), "every kind of page is opened");
    pages_still_work(&tab, &log, &base);
}

#[test]
fn every_page_type_under_serve_with_its_live_reload_script_has_no_policy_violation_and_reloads() {
    let site = TempDir::new("csp-serve");
    copy_dir(&repo_root().join("content"), &site.path().join("site/content"));
    let server = Server::start_in(site, &[]);
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let log = record_violations(&tab);
    let base = format!("http://127.0.0.1:{}/", server.port);
    let kinds = open_every_page(&tab, &log, &base, "no-such-page.html");
    assert_eq!(kinds, page_kinds(built_site()), "every kind of page is opened");
    pages_still_work(&tab, &log, &base);
    // The live-reload script is loaded, and reloads the page after an edit.
    go(&tab, &format!("{base}guides/rejections.html"));
    assert_eq!(
        eval(&tab, "!!document.querySelector('script[src=\"/__guidegen/live.js\"]')"),
        true
    );
    eval(&tab, "window.__before_edit = 1");
    std::thread::sleep(std::time::Duration::from_millis(300));
    replace_in_file(
        &server.root().join("content/guides/rejections.md"),
        "## 三种被驳回的情况",
        "## 三种被驳回的情况（已改）",
    );
    wait_until(
        &tab,
        "window.__before_edit === undefined && document.readyState === 'complete' && document.body.innerText.includes('（已改）')",
        "the page to reload itself",
    );
    assert_eq!(violations(&tab, &log), Vec::<String>::new(), "after the live reload");
    // A failed rebuild lays its overlay over the page, styled from serve's own file.
    replace_in_file(&server.root().join("content/stages.yaml"), "stages:", "stages: [");
    wait_until(
        &tab,
        "(function () { var o = document.getElementById('guidegen-overlay'); return !!o && getComputedStyle(o).position === 'fixed'; })()",
        "the error overlay",
    );
    assert_eq!(violations(&tab, &log), Vec::<String>::new(), "with the error overlay");
}

#[test]
fn a_script_that_raw_html_trusted_publishes_does_not_run_and_the_violation_is_seen() {
    let site = TempDir::new("csp-trusted");
    let root = site.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let yaml = root.join("content/site.yaml");
    let mut settings = std::fs::read_to_string(&yaml).unwrap();
    settings.push_str("raw_html: trusted\n");
    std::fs::write(&yaml, settings).unwrap();
    let guide = root.join("content/guides/first.md");
    let mut body = std::fs::read_to_string(&guide).unwrap();
    body.push_str(
        "\n<script>window.__injected = 1;</script>\n\n<p id=\"styled\" style=\"color: rgb(255, 0, 0)\">red?</p>\n\n<img src=\"x.png\" onerror=\"window.__handler = 1\">\n",
    );
    std::fs::write(&guide, body).unwrap();
    let out = site.path().join("out");
    let output = bin()
        .args(["build", "--today", TODAY, "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let page = std::fs::read_to_string(out.join("guides/first.html")).unwrap();
    assert!(
        page.contains("<script>window.__injected = 1;</script>"),
        "published as written"
    );
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let log = record_violations(&tab);
    open(&tab, &format!("file://{}/guides/first.html", out.display()));
    wait_until(&tab, "window.__csp.length >= 3", "the violations to be reported");
    assert_eq!(
        eval(
            &tab,
            "window.__injected === undefined && window.__handler === undefined"
        ),
        true
    );
    assert_ne!(
        eval(&tab, "getComputedStyle(document.getElementById('styled')).color"),
        "rgb(255, 0, 0)"
    );
    let seen = violations(&tab, &log);
    for directive in ["script-src-elem", "style-src-attr", "script-src-attr"] {
        assert!(seen.iter().any(|v| v.starts_with(directive)), "{directive}: {seen:?}");
    }
}

#[test]
fn images_from_other_sites_are_warned_about_where_they_are_written() {
    let site = TempDir::new("csp-images");
    let root = site.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let guide = root.join("content/guides/first.md");
    let body = std::fs::read_to_string(&guide).unwrap();
    let lines = body.lines().count();
    std::fs::write(
        &guide,
        format!("{body}\n![map](https://example.org/map.png)\n\nSee <img src=\"HTTPS://example.org/b.png\" alt=\"b\"> and [a page](https://example.org/).\n"),
    )
    .unwrap();
    replace_in_file(
        &root.join("content/materials.yaml"),
        "description: The filer's own ID.",
        "description: \"The filer's own ID, ![front](http://example.org/id.png).\"",
    );
    let output = bin()
        .args(["check", "--today", TODAY, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "a warning, not an error: {stderr}");
    for (src, at) in [
        (
            "https://example.org/map.png",
            format!("content/guides/first.md:{}:8", lines + 2),
        ),
        (
            "HTTPS://example.org/b.png",
            format!("content/guides/first.md:{}:15", lines + 4),
        ),
        ("http://example.org/id.png", "content/materials.yaml:4:48".to_string()),
    ] {
        let warning = format!("warning: image from another site: `{src}` will not show");
        let block = stderr
            .split("\n\n")
            .find(|block| block.contains(&warning))
            .unwrap_or_else(|| panic!("no warning for {src}:\n{stderr}"));
        assert!(block.contains(&at), "{src} at {at}:\n{block}");
        assert!(block.contains("static/"), "{block}");
    }
    assert_eq!(
        stderr.matches("image from another site").count(),
        3,
        "a link is not an image: {stderr}"
    );
}
