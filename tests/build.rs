//! `guidegen build` and `check` on real sites: what lands in the output folder, and what never does.

mod common;

use common::*;
use std::path::Path;

fn build(root: &Path, output: &Path) -> std::process::Output {
    build_on(root, output, TODAY)
}

/// `guidegen build` of `root` into `output` as of the date `today`.
fn build_on(root: &Path, output: &Path, today: &str) -> std::process::Output {
    bin()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(output)
        .args(["--today", today])
        .output()
        .unwrap()
}

fn page(output: &Path, path: &str) -> String {
    std::fs::read_to_string(output.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn default_site_builds_without_warnings_and_every_link_resolves() {
    let out = TempDir::new("default-site");
    let output = build(&repo_root(), &out.path().join("site"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stderr),
        "",
        "the default content must build without warnings"
    );
    assert!(text(&output.stdout).starts_with("built "), "{}", text(&output.stdout));
    let check = bin()
        .args(["check", "--deny-warnings", "--today", TODAY, "--root"])
        .arg(repo_root())
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert!(text(&check.stdout).contains("all links resolve"));
}

#[test]
fn two_builds_of_the_default_site_are_byte_identical() {
    let a = TempDir::new("identical-a");
    let b = TempDir::new("identical-b");
    assert!(build(&repo_root(), &a.path().join("site")).status.success());
    assert!(build(&repo_root(), &b.path().join("site")).status.success());
    let (tree_a, tree_b) = (read_tree(&a.path().join("site")), read_tree(&b.path().join("site")));
    assert_eq!(tree_a.len(), tree_b.len());
    for ((path_a, bytes_a), (path_b, bytes_b)) in tree_a.iter().zip(&tree_b) {
        assert_eq!(path_a, path_b);
        assert!(bytes_a == bytes_b, "{path_a} differs between two builds");
    }
}

#[test]
fn default_site_has_every_page_kind() {
    let out = TempDir::new("default-pages");
    let site = out.path().join("site");
    assert!(build(&repo_root(), &site).status.success());
    for path in [
        "index.html",
        "stages/before-you-start.html",
        "stages/fill-in.html",
        "stages/platform-review.html",
        "stages/sms-verification.html",
        "stages/administration-review.html",
        "stages/filed.html",
        "checklists/index.html",
        "checklists/enterprise.html",
        "checklists/individual.html",
        "forms/verification-organisation.html",
        "forms/verification-individual.html",
        "guides/index.html",
        "deadlines.html",
        "sources.html",
        "404.html",
        "rules.json",
        "assets/style.css",
    ] {
        assert!(site.join(path).is_file(), "missing {path}");
    }
    assert!(!site.join("sitemap.xml").exists(), "no sitemap without a base URL");
    let guides = std::fs::read_dir(site.join("guides")).unwrap().count();
    assert!(guides >= 4, "at least three guides plus the index, found {guides}");
}

#[test]
fn checklists_for_a_company_and_an_individual_list_different_materials() {
    let out = TempDir::new("checklists");
    let site = out.path().join("site");
    assert!(build(&fixture("minimal"), &site).status.success());
    let person = page(&site, "checklists/person.html");
    let company = page(&site, "checklists/company.html");
    assert!(
        person.contains("ID card") && !person.contains("Business licence</h4>"),
        "{person}"
    );
    assert!(
        company.contains("Business licence") && !company.contains("Residence permit"),
        "{company}"
    );
    // A conditional material is listed with its condition written out.
    assert!(person.contains("Residence permit") && person.contains("If you file outside the province of your ID"));
    // Grouped under the stage that uses each material, with boxes to tick.
    assert!(
        person.contains(r#"href="../stages/fill-in.html" class="carries-answers">Fill in</a>"#),
        "{person}"
    );
    assert!(person.contains(r#"type="checkbox" name="id_card""#));
}

#[test]
fn stage_pages_link_in_order_and_show_failure_paths() {
    let out = TempDir::new("stages");
    let site = out.path().join("site");
    assert!(build(&fixture("minimal"), &site).status.success());
    let fill_in = page(&site, "stages/fill-in.html");
    assert!(
        fill_in.contains(r#"rel="prev" href="../stages/prepare.html""#),
        "{fill_in}"
    );
    assert!(fill_in.contains(r#"rel="next" href="../stages/review.html""#));
    let review = page(&site, "stages/review.html");
    assert!(review.contains("Fix and resubmit.") && review.contains(r#"href="../stages/fill-in.html">Fill in</a>"#));
    assert!(review.contains("1–2"), "duration range shown: {review}");
}

#[test]
fn guides_render_with_chinese_anchors_and_rewritten_links() {
    let out = TempDir::new("guides");
    let site = out.path().join("site");
    assert!(build(&fixture("minimal"), &site).status.success());
    let first = page(&site, "guides/first.html");
    assert!(first.contains(r#"<h2 id="开始-here">"#), "{first}");
    assert!(first.contains(r#"href="sub/second.html#details""#), "{first}");
    assert!(first.contains("<table>"));
    let second = page(&site, "guides/sub/second.html");
    assert!(
        second.contains(r#"href="../first.html#%E5%BC%80%E5%A7%8B-here""#),
        "{second}"
    );
    assert!(
        second.contains(r#"href="../../index.html""#),
        "nav climbs two folders: {second}"
    );
    let index = page(&site, "index.html");
    assert!(
        index.contains(r#"href="guides/first.html""#),
        "YAML Markdown links to guides are rewritten: {index}"
    );
}

#[test]
fn deadlines_read_as_rules_in_force_or_countdowns_relative_to_today() {
    let out = TempDir::new("deadlines");
    let site = out.path().join("site");
    assert!(build(&fixture("minimal"), &site).status.success());
    let deadlines = page(&site, "deadlines.html");
    assert!(
        deadlines.contains("1131 days left"),
        "2026-11-27 to 2030-01-01: {deadlines}"
    );
    assert!(deadlines.contains(r#"In force since 1 September 2023"#), "{deadlines}");
}

#[test]
fn every_link_in_the_output_is_relative_and_ends_in_html() {
    let out = TempDir::new("links");
    let site = out.path().join("site");
    assert!(build(&repo_root(), &site).status.success());
    for (path, bytes) in read_tree(&site) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for (i, _) in html.match_indices(" href=\"") {
            let href = &html[i + 7..i + 7 + html[i + 7..].find('"').unwrap()];
            if href.starts_with("https://") || href.starts_with("http://") || href.starts_with('#') {
                continue;
            }
            assert!(!href.starts_with('/'), "{path}: absolute link {href}");
            let target = href.split('#').next().unwrap();
            // Pages link to pages (.html); the stylesheet, the calendar download and the change
            // log's feed are files.
            assert!(
                target.ends_with(".html")
                    || target.ends_with(".css")
                    || target == "deadlines.ics"
                    || target.ends_with("changes.xml"),
                "{path}: link {href} does not end in .html"
            );
        }
        assert!(!html.contains("src=\"http"), "{path} loads something from the network");
        assert!(
            !html.contains("<link rel=\"stylesheet\" href=\"http"),
            "{path} loads a remote stylesheet"
        );
    }
}

#[test]
fn rules_json_holds_the_validated_model() {
    let out = TempDir::new("rules");
    let site = out.path().join("site");
    assert!(build(&fixture("minimal"), &site).status.success());
    let rules: serde_json::Value = serde_json::from_str(&page(&site, "rules.json")).unwrap();
    assert_eq!(rules["materials"][2]["id"], "residence");
    assert_eq!(rules["materials"][2]["when"][0], "non_local");
    assert_eq!(rules["stages"][2]["duration"]["unit"], "working_days");
    assert_eq!(rules["guides"][0]["front"]["title"], "First guide");
}

#[test]
fn a_base_url_adds_a_sitemap_with_absolute_urls() {
    let tmp = TempDir::new("sitemap");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let yaml = std::fs::read_to_string(root.join("content/site.yaml")).unwrap();
    std::fs::write(
        root.join("content/site.yaml"),
        format!("{yaml}base_url: https://guide.example/sub/\n"),
    )
    .unwrap();
    let output = bin()
        .args(["build", "--today", TODAY, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let sitemap = page(&root.join("output"), "sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://guide.example/sub/stages/fill-in.html</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("404.html"));
}

#[test]
fn subjects_without_certificates_build_and_their_pages_say_nothing_of_certificates() {
    let tmp = TempDir::new("no-certificates");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let label = "Can file with";
    let output = build(&root, &root.join("output"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(page(&root.join("output"), "checklists/person.html").contains(label));
    let subjects = std::fs::read_to_string(root.join("content/subjects.yaml")).unwrap();
    let without: String = subjects
        .lines()
        .filter(|line| !line.trim_start().starts_with("certificates:"))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(root.join("content/subjects.yaml"), without).unwrap();
    let output = build(&root, &root.join("output"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    for path in [
        "checklists/index.html",
        "checklists/person.html",
        "checklists/company.html",
    ] {
        let html = page(&root.join("output"), path);
        assert!(!html.contains(label), "{path} still speaks of certificates");
    }
}

#[test]
fn a_source_of_a_kind_the_site_names_itself_shows_that_name() {
    let tmp = TempDir::new("source-kinds");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let yaml = std::fs::read_to_string(root.join("content/site.yaml")).unwrap();
    let yaml = yaml.replace("    kind: notice\n", "    kind: court_ruling\n");
    std::fs::write(
        root.join("content/site.yaml"),
        format!("{yaml}source_kinds:\n  - id: court_ruling\n    name: Court ruling\n"),
    )
    .unwrap();
    let output = build(&root, &root.join("output"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let sources = page(&root.join("output"), "sources.html");
    assert!(sources.contains(r#"<p class="caption">Court ruling</p>"#), "{sources}");
}

#[test]
fn a_holiday_year_may_cite_a_source_instead_of_a_notice_and_the_timeline_names_it() {
    let tmp = TempDir::new("holiday-source");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    std::fs::write(
        root.join("content/holidays.yaml"),
        "years:\n  - year: 2026\n    source: notice\n    days_off:\n      - {name: New Year, dates: [\"2026-01-01\"]}\n",
    )
    .unwrap();
    let output = build(&root, &root.join("output"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let timeline = page(&root.join("output"), "timeline.html");
    assert!(
        timeline.contains(r#"<li>2026: <a href="https://example.org/notice">The official notice</a> (No. 1)</li>"#),
        "{timeline}"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let tmp = TempDir::new("failed-build");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let output_dir = root.join("output");
    assert!(build(&root, &output_dir).status.success());
    let before = read_tree(&output_dir);
    std::fs::write(root.join("content/stages.yaml"), "stages: [\n").unwrap();
    let failed = build(&root, &output_dir);
    assert_eq!(failed.status.code(), Some(1));
    assert!(text(&failed.stderr).contains("the previous output was left as it was"));
    assert_eq!(read_tree(&output_dir), before, "output changed after a failed build");
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left behind: {leftovers:?}");
}

#[test]
fn the_output_folder_may_not_be_the_root_or_hold_the_input() {
    let tmp = TempDir::new("refuse");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    for bad in [
        root.clone(),
        root.join("content"),
        root.join("themes"),
        tmp.path().to_path_buf(),
        root.join("content/out"),
    ] {
        let output = build(&root, &bad);
        assert_eq!(output.status.code(), Some(1), "{}", bad.display());
        assert!(
            text(&output.stderr).contains("refusing to write the site into"),
            "{}",
            text(&output.stderr)
        );
    }
    assert!(root.join("content/site.yaml").is_file(), "input survived");
}

#[test]
fn static_files_that_clash_with_generated_ones_are_refused_with_their_position() {
    let tmp = TempDir::new("refused-paths");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let output = tmp.path().join("out");
    // A file over a page, one under a page, one over the guides index, one where a folder is made;
    // each refused, with its position, before anything is written.
    for (clash, message) in [
        (
            "guides/first.html",
            "`static/guides/first.html` would be written over `guides/first.html`, which guidegen makes",
        ),
        (
            "guides/first.html/photo.png",
            "`static/guides/first.html/photo.png` needs `guides/first.html` to be a folder, but guidegen makes a file there",
        ),
        (
            "guides/index.html",
            "`static/guides/index.html` would be written over `guides/index.html`, which guidegen makes",
        ),
        ("guides", "`static/guides` is where guidegen makes the folder `guides/`"),
    ] {
        let file = root.join("static").join(clash);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "x").unwrap();
        let refused = build(&root, &output);
        let stderr = text(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
        assert!(stderr.contains(&format!("--> static/{clash}")), "{stderr}");
        assert!(stderr.contains("rename the file in `static/`"), "{stderr}");
        assert!(!stderr.contains("writable"), "{stderr}");
        std::fs::remove_dir_all(root.join("static")).unwrap();
    }
    assert!(!output.exists(), "nothing was written");
}

#[test]
fn an_output_folder_the_system_cannot_create_is_blamed_on_the_folder() {
    let tmp = TempDir::new("unwritable");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    std::fs::write(tmp.path().join("a-file"), "x").unwrap();
    let refused = build(&root, &tmp.path().join("a-file/out"));
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("check that the folder is writable"), "{stderr}");
}

#[test]
fn a_site_theme_overrides_single_templates_and_static_files() {
    let tmp = TempDir::new("theme");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let templates = root.join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("guide.html"),
        "{% extends \"base.html\" %}{% block content %}<p class=\"mine\">{{ page.title }}</p>{% endblock content %}",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("themes/default/static")).unwrap();
    std::fs::write(root.join("themes/default/static/style.css"), "body{color:red}").unwrap();
    std::fs::write(root.join("themes/default/labels.yaml"), "stages: Steps\n").unwrap();
    let output = bin()
        .args(["build", "--today", TODAY, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let out = root.join("output");
    assert!(page(&out, "guides/first.html").contains(r#"<p class="mine">First guide</p>"#));
    assert!(
        page(&out, "stages/fill-in.html").contains("<h1>Fill in</h1>"),
        "other templates stay the default's"
    );
    assert!(page(&out, "index.html").contains(">Steps</a>"), "labels overridden");
    assert_eq!(page(&out, "assets/style.css"), "body{color:red}");
}

#[test]
fn site_static_files_are_copied_as_they_are() {
    let tmp = TempDir::new("static");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    std::fs::create_dir_all(root.join("static/img")).unwrap();
    std::fs::write(root.join("static/img/a.png"), b"\x89PNG").unwrap();
    assert!(bin()
        .args(["build", "--today", TODAY, "--root"])
        .arg(&root)
        .output()
        .unwrap()
        .status
        .success());
    assert_eq!(std::fs::read(root.join("output/img/a.png")).unwrap(), b"\x89PNG");
}

#[test]
fn warnings_fail_check_only_with_deny_warnings() {
    let tmp = TempDir::new("warnings");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let deadlines = std::fs::read_to_string(root.join("content/deadlines.yaml")).unwrap();
    std::fs::write(
        root.join("content/deadlines.yaml"),
        deadlines.replacen("    source: notice\n", "", 1),
    )
    .unwrap();
    let lenient = bin()
        .args(["check", "--today", TODAY, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(lenient.status.success());
    assert!(
        text(&lenient.stderr).contains("warning: deadline `start` cites no source"),
        "{}",
        text(&lenient.stderr)
    );
    assert!(
        text(&lenient.stderr).contains("--> content/deadlines.yaml:2:9"),
        "{}",
        text(&lenient.stderr)
    );
    let strict = bin()
        .args(["check", "--deny-warnings", "--today", TODAY, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn every_verb_has_help() {
    for verb in ["build", "check", "schema"] {
        let output = run(&[verb, "--help"]);
        assert!(output.status.success(), "{verb}");
        assert!(
            text(&output.stdout).contains("--root") || verb == "schema",
            "{verb}: {}",
            text(&output.stdout)
        );
    }
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2), "bad usage exits 2");
}

#[test]
fn committed_json_schemas_match_the_model() {
    let tmp = TempDir::new("schema");
    assert!(bin()
        .args(["schema", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap()
        .status
        .success());
    for (file, bytes) in read_tree(tmp.path()) {
        let committed = std::fs::read(repo_root().join("docs/schema").join(&file)).unwrap_or_default();
        assert!(
            committed == bytes,
            "docs/schema/{file} is stale: run `cargo run -- schema`"
        );
    }
}

#[test]
fn the_timeline_counts_working_days_with_the_holiday_calendar() {
    let out = TempDir::new("timeline");
    let site = out.path().join("site");
    // Submitted Monday 2023-09-25: the National Day break and the worked weekend of 2023-10-07/08.
    let output = build_on(&repo_root(), &site, "2023-09-25");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let timeline = page(&site, "timeline.html");
    let filed = &timeline[timeline.find(r#"data-stage="filed""#).unwrap()..];
    let filed = &filed[..filed.find("</tr>").unwrap()];
    let cell = |class: &str| {
        let cell = &filed[filed.find(&format!(r#"class="{class}""#)).unwrap()..];
        cell[..cell.find("</td>").unwrap()].to_string()
    };
    assert!(cell("earliest").contains(r#"<time datetime="2023-09-27">"#), "{filed}");
    assert!(cell("latest").contains(r#"<time datetime="2023-11-01">"#), "{filed}");
    assert!(
        cell("latest").contains(r#"<span class="timeline-estimate" hidden></span>"#),
        "a date inside the holiday data is exact: {filed}"
    );
    assert!(
        timeline.contains("重新算起"),
        "says that a rejection or a missed SMS restarts the clock"
    );
}

#[test]
fn a_date_in_a_year_without_holiday_data_is_a_warning_and_a_marked_estimate() {
    let out = TempDir::new("timeline-unknown");
    let site = out.path().join("site");
    let output = build_on(&repo_root(), &site, "2031-05-06");
    assert!(
        output.status.success(),
        "a warning does not fail the build: {}",
        text(&output.stderr)
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("warning: the timeline for 2031-05-06 needs holiday data for 2031"),
        "{stderr}"
    );
    let timeline = page(&site, "timeline.html");
    assert!(timeline.contains("还没有加入 2031 年的节假日安排"), "the page says so");
    // Tuesday 6 May 2031 + 1-2 working days (weekdays only, for want of data), each date marked.
    let review = &timeline[timeline.find(r#"data-stage="platform-review""#).unwrap()..];
    let review = &review[..review.find("</tr>").unwrap()];
    assert!(
        review.contains(r#"<time datetime="2031-05-07">2031年5月7日</time><span class="timeline-estimate">未计入 2031 年节假日安排（数据尚未加入）</span>"#),
        "an estimate, said to be one: {review}"
    );
    assert!(!timeline.contains(">未知<"), "never a bare unknown");
}

#[test]
fn deadlines_ics_is_a_valid_calendar_of_all_day_events() {
    let out = TempDir::new("ics");
    let site = out.path().join("site");
    assert!(build(&repo_root(), &site).status.success());
    let raw = std::fs::read(site.join("deadlines.ics")).unwrap();
    let raw = String::from_utf8(raw).expect("UTF-8");
    assert!(
        raw.ends_with("\r\n") && !raw.replace("\r\n", "").contains('\n'),
        "CRLF line endings only"
    );
    for line in raw.split("\r\n") {
        assert!(line.len() <= 75, "a line longer than 75 octets: {line}");
    }
    // Unfold (RFC 5545 3.1), then read the events.
    let unfolded = raw.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0") && lines.iter().any(|l| l.starts_with("PRODID:")));
    let mut events = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in &lines {
        match *line {
            "BEGIN:VEVENT" => current = Some(Vec::new()),
            "END:VEVENT" => events.push(current.take().expect("END without BEGIN")),
            other => {
                if let Some(event) = current.as_mut() {
                    event.push(other);
                }
            }
        }
    }
    // Every dated deadline in force on the build date, the passed catch-up deadline among them;
    // the SMS deadline counts from the reader's own dates, so it is not in the file.
    assert_eq!(
        events.len(),
        3,
        "one event per dated deadline in force on the build date"
    );
    let value = |event: &Vec<&str>, name: &str| {
        event
            .iter()
            .find(|l| l.split([':', ';']).next() == Some(name))
            .map(|l| l.split_once(':').unwrap().1.to_string())
    };
    let mut starts = Vec::new();
    for event in &events {
        let start = value(event, "DTSTART").unwrap();
        let end = value(event, "DTEND").unwrap();
        assert!(
            event.iter().any(|l| l.starts_with("DTSTART;VALUE=DATE:")),
            "all-day: {event:?}"
        );
        let start_date = chrono::NaiveDate::parse_from_str(&start, "%Y%m%d").unwrap();
        let end_date = chrono::NaiveDate::parse_from_str(&end, "%Y%m%d").unwrap();
        assert_eq!(
            end_date,
            start_date.succ_opt().unwrap(),
            "DTEND is the exclusive next day"
        );
        assert_eq!(
            value(event, "DTSTAMP").unwrap(),
            "20261127T000000Z",
            "stamped with the build date"
        );
        assert!(value(event, "UID").unwrap().ends_with("@guidegen"));
        assert!(!value(event, "SUMMARY").unwrap().is_empty());
        starts.push(start);
    }
    assert_eq!(starts, ["20230901", "20240331", "20240401"]);
    assert!(
        page(&site, "deadlines.html").contains(r#"href="deadlines.ics""#),
        "linked from the deadlines page"
    );
}

#[test]
fn output_is_byte_identical_whatever_the_number_of_threads() {
    let one = TempDir::new("threads-1");
    let many = TempDir::new("threads-many");
    for (dir, threads) in [(&one, "1"), (&many, "4")] {
        let output = bin()
            .env("RAYON_NUM_THREADS", threads)
            .args(["build", "--today", TODAY, "--root"])
            .arg(repo_root())
            .arg("--output")
            .arg(dir.path().join("site"))
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let (a, b) = (
        read_tree(&one.path().join("site")),
        read_tree(&many.path().join("site")),
    );
    assert_eq!(a.len(), b.len());
    for ((path_a, bytes_a), (path_b, bytes_b)) in a.iter().zip(&b) {
        assert_eq!(path_a, path_b);
        assert!(bytes_a == bytes_b, "{path_a} differs between 1 and 4 threads");
    }
}

#[test]
fn guide_names_with_url_characters_get_encoded_links_that_all_resolve() {
    let tmp = TempDir::new("url-names");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let site_yaml = root.join("content/site.yaml");
    let yaml = std::fs::read_to_string(&site_yaml).unwrap();
    // A base URL, for the sitemap; the intro links to a guide by its encoded name.
    let yaml = yaml.replace("[the first guide](first.md)", "[a guide](a%20b%3F.md)");
    std::fs::write(&site_yaml, format!("base_url: https://example.org/\n{yaml}")).unwrap();
    let guides = root.join("content/guides");
    let guide = |name: &str, body: &str| {
        let file = guides.join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, format!("---\ntitle: {name}\n---\n## Part\n\n{body}\n")).unwrap();
    };
    guide(
        "a b?.md",
        "To [the percent](100%25.md) and [the hash](x%20y/c%23d.md#part).",
    );
    guide("100%.md", "Back to [the first](<a b?.md>).");
    guide(
        "x y/c#d.md",
        "Up to [the section](_index.md) and [a b?](../a%20b%3F.md#part).",
    );
    guide("x y/_index.md", "Introduction.");
    let checked = bin()
        .args(["check", "--deny-warnings", "--today", TODAY, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(checked.status.success(), "{}", text(&checked.stderr));
    let built = bin()
        .args(["build", "--today", TODAY, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", text(&built.stderr));
    let out = root.join("output");
    let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
    // Files keep the raw names; links have them encoded.
    let page = read("guides/a b?.html");
    for href in ["100%25.html", "x%20y/c%23d.html#part"] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href} in {page}");
    }
    let page = read("guides/x y/c#d.html");
    for href in ["index.html", "../a%20b%3F.html#part", "../../guides/x%20y/index.html"] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href} in {page}");
    }
    assert!(read("guides/index.html").contains("href=\"../guides/x%20y/index.html\""));
    assert!(read("index.html").contains("href=\"guides/a%20b%3F.html\""));
    assert!(read("sitemap.xml").contains("https://example.org/guides/x%20y/c%23d.html"));
    assert!(read("assets/search-index.js").contains("\"url\":\"guides/100%25.html\""));
}

/// A file that cannot be read (here a folder where `materials.yaml` should be: running as root,
/// as CI does, no permission bit keeps a file from being read) is an error naming it.
#[test]
fn a_content_file_that_cannot_be_read_is_an_error_naming_it() {
    let tmp = TempDir::new("unreadable");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal").join("content"), &root.join("content"));
    std::fs::remove_file(root.join("content/materials.yaml")).unwrap();
    std::fs::create_dir(root.join("content/materials.yaml")).unwrap();
    let output = bin()
        .args(["check", "--root"])
        .arg(&root)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("this is not a regular file"), "{stderr}");
    assert!(stderr.contains("--> content/materials.yaml"), "{stderr}");
}

/// Guides that disappear and come back while builds run: every build either succeeds or fails
/// with positioned errors (never a panic), and the output is always one whole site.
#[test]
fn guides_that_vanish_and_return_during_builds_never_crash_them_or_mix_the_output() {
    let tmp = TempDir::new("vanishing");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal").join("content"), &root.join("content"));
    let guide = root.join("content/guides/first.md");
    let text_of_guide = std::fs::read_to_string(&guide).unwrap();
    // The two sites a build may see: with the guide, and (if it still builds) without it.
    let reference = |name: &str| {
        let out = tmp.path().join(name);
        let status = bin()
            .args(["build", "--root"])
            .arg(&root)
            .arg("--output")
            .arg(&out)
            .args(["--today", TODAY])
            .status()
            .unwrap();
        status.success().then(|| read_tree(&out))
    };
    let with_guide = reference("with").expect("the site builds");
    std::fs::remove_file(&guide).unwrap();
    let without_guide = reference("without");
    std::fs::write(&guide, &text_of_guide).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flipper = {
        let (guide, stop) = (guide.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut flips = 0u32;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let _ = std::fs::remove_file(&guide);
                std::thread::sleep(std::time::Duration::from_micros(300));
                let _ = std::fs::write(&guide, &text_of_guide);
                std::thread::sleep(std::time::Duration::from_micros(300));
                flips += 1;
            }
            flips
        })
    };
    let (mut passed, mut failed) = (0, 0);
    for _ in 0..25 {
        let output = bin()
            .args(["build", "--root"])
            .arg(&root)
            .args(["--today", TODAY])
            .output()
            .unwrap();
        let stderr = text(&output.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        match output.status.code() {
            Some(0) => passed += 1,
            Some(1) => {
                failed += 1;
                assert!(
                    stderr.contains("--> content/"),
                    "an error without a position:\n{stderr}"
                );
            }
            other => panic!("exit {other:?}:\n{stderr}"),
        }
        if root.join("output").is_dir() {
            let written = read_tree(&root.join("output"));
            assert!(
                written == with_guide || Some(&written) == without_guide.as_ref(),
                "the output is neither whole site"
            );
        }
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let flips = flipper.join().unwrap();
    assert!(flips > 0, "the guide never vanished");
    // Which builds saw the guide missing depends on timing; the point is that none crashed.
    eprintln!("{passed} builds passed, {failed} failed cleanly, over {flips} disappearances");
}

#[test]
fn content_words_replace_the_theme_s_and_an_unknown_word_is_a_positioned_warning() {
    let tmp = TempDir::new("content-words");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let yaml = std::fs::read_to_string(root.join("content/site.yaml")).unwrap();
    std::fs::write(
        root.join("content/site.yaml"),
        format!("{yaml}words:\n  forms: Practice forms\n  formz: typo\n"),
    )
    .unwrap();
    let output = build(&root, &root.join("output"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    let line = yaml.lines().count() + 3;
    assert!(
        stderr.contains("warning: the theme has no word `formz`, so this changes nothing")
            && stderr.contains(&format!("content/site.yaml:{line}:3"))
            && stderr.contains("did you mean `forms`?"),
        "{stderr}"
    );
    let forms = page(&root.join("output"), "forms/index.html");
    assert!(forms.contains("<h1>Practice forms</h1>"), "{forms}");
}

#[test]
fn a_language_the_theme_has_no_words_for_gets_english_ones_and_a_warning_at_language() {
    let tmp = TempDir::new("language-without-words");
    let root = tmp.path().join("site");
    copy_dir(&fixture("minimal"), &root);
    let yaml = std::fs::read_to_string(root.join("content/site.yaml")).unwrap();
    assert!(yaml.contains("language: en\n"));
    std::fs::write(
        root.join("content/site.yaml"),
        yaml.replace("language: en\n", "language: fr\n"),
    )
    .unwrap();
    let output = build(&root, &root.join("output"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no interface words in `fr`"), "{stderr}");
    let index = page(&root.join("output"), "index.html");
    assert!(index.contains(r#"<html lang="fr""#) && index.contains("Skip to main content"));
}

/// The README tells an editor which Rust to install; Cargo.toml's `rust-version` makes cargo
/// refuse an older one. Both must name the same version, and this toolchain must meet it.
#[test]
fn the_readme_names_the_rust_version_that_cargo_toml_requires() {
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    let required = manifest
        .lines()
        .find_map(|line| line.strip_prefix("rust-version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("Cargo.toml sets rust-version");
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("Install Rust {required} or newer")),
        "README.md must name Rust {required}, the rust-version of Cargo.toml"
    );
    let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("--version")
        .output()
        .unwrap();
    let version = text(&rustc.stdout);
    let number: Vec<u32> = version
        .split_whitespace()
        .nth(1)
        .unwrap()
        .split('.')
        .map(|part| part.parse().unwrap())
        .collect();
    let wanted: Vec<u32> = required.split('.').map(|part| part.parse().unwrap()).collect();
    assert!(
        number[..wanted.len()] >= wanted[..],
        "{version} is older than rust-version {required}"
    );
}

/// Every `{` of the theme's stylesheet is closed before the next block starts: an unclosed
/// `@media print {` once swallowed the rules after it, so dates wrapped on phones.
#[test]
fn the_default_stylesheet_closes_every_block_it_opens() {
    let css = std::fs::read_to_string(repo_root().join("themes/default/static/style.css")).unwrap();
    let mut depth = 0i32;
    for (number, line) in css.lines().enumerate() {
        if line.starts_with("/*") && depth != 0 {
            panic!(
                "line {}: a comment at the start of a line inside an open block",
                number + 1
            );
        }
        depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
        assert!(depth >= 0, "line {}: a `}}` closes nothing", number + 1);
    }
    assert_eq!(depth, 0, "a block is left open at the end");
}
