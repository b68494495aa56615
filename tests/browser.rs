//! The built site in real Chromium (Debian's `chromium`, headless): pages open from `file://`,
//! and the verification form prints on A4 with every label present. scripts/test.sh installs
//! chromium and poppler-utils; a missing tool fails these tests rather than skipping them.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn chromium() -> Command {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let mut command = Command::new(path);
    let profile = TempDir::new("chromium-profile");
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ]);
    command.arg(format!("--user-data-dir={}", profile.path().display()));
    std::mem::forget(profile); // Chromium may still be writing to it as the command returns.
    command
}

fn built_default_site() -> TempDir {
    let out = TempDir::new("browser-site");
    let output = bin()
        .args(["build", "--today", TODAY, "--root"])
        .arg(repo_root())
        .arg("--output")
        .arg(out.path().join("site"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    out
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn print_to_pdf(page: &Path, pdf: &Path) {
    let status = chromium()
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(file_url(page))
        .output()
        .expect("chromium is installed (scripts/test.sh installs it)");
    assert!(pdf.is_file(), "chromium printed nothing: {}", text(&status.stderr));
}

fn pdf_info(pdf: &Path) -> String {
    let output = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo is installed (poppler-utils)");
    text(&output.stdout)
}

fn pdf_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (poppler-utils)");
    text(&output.stdout)
}

/// Copies the printed PDF and its pages as PNG into tests/screenshots/ (git-ignored) for people.
fn keep_for_review(pdf: &Path, name: &str) {
    let dir = repo_root().join("tests/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(pdf, dir.join(format!("{name}-printed.pdf"))).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60"])
        .arg(pdf)
        .arg(dir.join(format!("{name}-printed")))
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "pdftoppm (poppler-utils) turns the PDF into PNG pages"
    );
}

fn page_count(info: &str) -> usize {
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn the_verification_form_prints_on_a4_with_all_its_labels_and_no_navigation() {
    let site = built_default_site();
    for (form, signer) in [
        ("verification-organisation", "单位盖章"),
        ("verification-individual", "本人签字"),
    ] {
        let pdf = site.path().join(format!("{form}.pdf"));
        print_to_pdf(&site.path().join(format!("site/forms/{form}.html")), &pdf);
        let info = pdf_info(&pdf);
        assert!(info.contains("(A4)"), "{form}: {info}");
        let pages = page_count(&info);
        assert!(
            (1..=2).contains(&pages),
            "{form} should print on one or two A4 pages, printed {pages}"
        );
        keep_for_review(&pdf, form);
        let printed = pdf_text(&pdf);
        let squeezed: String = printed.chars().filter(|c| !c.is_whitespace()).collect();
        for label in [
            "小程序备案真实性核验单",
            "证件号码",
            "手机号码",
            "小程序名称",
            "承诺",
            signer,
            "日期",
        ] {
            assert!(
                squeezed.contains(label),
                "{form}: `{label}` missing from the printed form:\n{printed}"
            );
        }
        for absent in ["办理步骤", "材料清单", "依据来源", "guidegen", "http"] {
            assert!(
                !printed.contains(absent),
                "{form}: navigation or URL `{absent}` printed:\n{printed}"
            );
        }
    }
}

#[test]
fn pages_open_from_disk_and_show_their_content() {
    let site = built_default_site();
    for (path, expected) in [
        ("site/index.html", "开始办理"),
        ("site/checklists/individual.html", "已准备好"),
        ("site/stages/sms-verification.html", "12381"),
    ] {
        let output = chromium()
            .arg("--dump-dom")
            .arg(file_url(&site.path().join(path)))
            .output()
            .expect("chromium is installed");
        let dom = text(&output.stdout);
        assert!(
            dom.contains(expected),
            "{path}: `{expected}` not in the DOM Chromium loaded:\n{}",
            &dom[..dom.len().min(2000)]
        );
    }
}

#[test]
fn an_individual_and_a_company_checklist_print_different_materials() {
    let site = built_default_site();
    let individual = site.path().join("individual.pdf");
    let enterprise = site.path().join("enterprise.pdf");
    print_to_pdf(&site.path().join("site/checklists/individual.html"), &individual);
    print_to_pdf(&site.path().join("site/checklists/enterprise.html"), &enterprise);
    let (individual, enterprise) = (pdf_text(&individual), pdf_text(&enterprise));
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert!(squeeze(&individual).contains("居住证明"), "{individual}");
    assert!(!squeeze(&enterprise).contains("居住证明"));
    assert!(squeeze(&enterprise).contains("主办单位证件"), "{enterprise}");
    assert!(!squeeze(&individual).contains("主办单位证件"));
}

/// The text of a printed PDF's page `n` (1-based), without any white space (pdftotext breaks a
/// table cell's words over lines).
fn pdf_page_text(pdf: &Path, n: usize) -> String {
    let output = Command::new("pdftotext")
        .args(["-f", &n.to_string(), "-l", &n.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (poppler-utils)");
    text(&output.stdout).chars().filter(|c| !c.is_whitespace()).collect()
}

/// Each form section of a form page as (its heading, the labels of its rows), and the labels of
/// the signature boxes, read from the built HTML.
fn form_layout(html: &str) -> (Vec<(String, Vec<String>)>, Vec<String>) {
    let between = |text: &str, open: &str, close: &str| -> Vec<String> {
        text.split(open)
            .skip(1)
            .filter_map(|rest| rest.split_once(close).map(|(inside, _)| inside))
            .map(|inside| {
                inside
                    .split('<')
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect()
            })
            .collect()
    };
    let sections = html
        .split(r#"<section class="form-section">"#)
        .skip(1)
        .map(|section| {
            let section = section.split("</section>").next().unwrap_or_default();
            let heading = between(section, "<h2>", "</h2>").remove(0);
            (heading, between(section, r#"<th scope="row">"#, "</th>"))
        })
        .collect();
    (sections, between(html, r#"<span class="sign-label">"#, "</span>"))
}

#[test]
fn every_form_prints_on_a4_with_each_section_on_one_page_and_the_signatures_after_the_last_rows() {
    let site = built_default_site();
    let forms_dir = site.path().join("site/forms");
    let mut forms: Vec<_> = std::fs::read_dir(&forms_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html") && !p.ends_with("index.html"))
        .collect();
    forms.sort();
    assert!(forms.len() >= 2, "the default content has forms: {forms:?}");
    for page in forms {
        let name = page.file_stem().unwrap().to_string_lossy().into_owned();
        let (sections, signatures) = form_layout(&std::fs::read_to_string(&page).unwrap());
        assert!(
            sections.len() >= 2 && !signatures.is_empty(),
            "{name}: {sections:?} {signatures:?}"
        );
        let pdf = site.path().join(format!("{name}.pdf"));
        print_to_pdf(&page, &pdf);
        let info = pdf_info(&pdf);
        assert!(info.contains("(A4)"), "{name}: {info}");
        let pages = page_count(&info);
        assert!(
            (1..=2).contains(&pages),
            "{name} prints on {pages} A4 pages, not one or two"
        );
        keep_for_review(&pdf, &name);
        let texts: Vec<String> = (1..=pages).map(|n| pdf_page_text(&pdf, n)).collect();
        let page_of =
            |what: &str| -> Vec<usize> { (0..pages).filter(|&n| texts[n].contains(what)).map(|n| n + 1).collect() };
        for (heading, rows) in &sections {
            let heading_pages = page_of(heading);
            assert_eq!(
                heading_pages.len(),
                1,
                "{name}: `{heading}` printed on pages {heading_pages:?}"
            );
            for row in rows {
                assert!(
                    page_of(row).contains(&heading_pages[0]),
                    "{name}: the row `{row}` is not on page {} with its section `{heading}`:\n{texts:#?}",
                    heading_pages[0]
                );
            }
        }
        let last_row = sections.last().and_then(|(_, rows)| rows.last()).unwrap();
        let last_page = *page_of(last_row).last().unwrap();
        for signature in &signatures {
            assert!(
                page_of(signature).contains(&last_page),
                "{name}: the signature box `{signature}` is not on page {last_page} with the last row `{last_row}`:\n{texts:#?}"
            );
        }
    }
}
