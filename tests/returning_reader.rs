//! A reader who comes back to a checklist after the rules changed, in real Chromium: the
//! checklist remembers which version of each material was ticked, says what is new, changed or
//! no longer needed since the last visit, clears the ticks of changed materials and keeps the rest.

mod common;

use common::browser::*;
use common::*;
use std::path::Path;

fn build(site: &Path, output: &Path) {
    let result = run(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--today",
        TODAY,
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", text(&result.stderr));
}

#[test]
fn a_returning_reader_sees_what_changed_and_keeps_the_ticks_of_what_did_not() {
    let temp = TempDir::new("returning-reader");
    let site = temp.path().join("site");
    let output = temp.path().join("output");
    copy_dir(&fixture("minimal"), &site);
    build(&site, &output);
    let port = static_server(output.clone());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let page = format!("http://127.0.0.1:{port}/checklists/person.html");
    open(&tab, &page);
    eval(&tab, "localStorage.clear()");
    reload(&tab);
    for id in ["id_card", "residence", "form"] {
        tab.wait_for_element(&format!("input[name={id}]"))
            .unwrap()
            .click()
            .unwrap();
    }
    assert_eq!(eval(&tab, "document.querySelector('.changed-notice').hidden"), true);

    // The rules change: the ID card now asks for both sides, and a photo is added.
    let materials = site.join("content/materials.yaml");
    replace_in_file(
        &materials,
        "description: The filer's own ID.",
        "description: Both sides of the filer's ID.",
    );
    let text_before = std::fs::read_to_string(&materials).unwrap();
    std::fs::write(
        &materials,
        format!("{text_before}  - id: photo\n    name: Face photo\n    description: A recent photo.\n    provider: filer\n    subjects: [people]\n    source: notice\n"),
    )
    .unwrap();
    replace_in_file(
        &site.join("content/stages.yaml"),
        "materials: [id_card, licence, residence]",
        "materials: [id_card, licence, residence, photo]",
    );
    build(&site, &output);
    reload(&tab);

    assert_eq!(eval(&tab, "document.querySelector('.changed-notice').hidden"), false);
    assert_eq!(
        eval(
            &tab,
            "Array.from(document.querySelectorAll('.changed-notice li')).map(li => li.textContent)"
        ),
        serde_json::json!(["New: Face photo", "Changed: ID card"])
    );
    assert_eq!(
        eval(
            &tab,
            "Array.from(document.querySelectorAll('.changed-notice a')).map(a => a.getAttribute('href'))"
        ),
        serde_json::json!(["#material-photo", "#material-id_card"])
    );
    let checked = |id: &str| eval(&tab, &format!("document.querySelector('input[name={id}]').checked"));
    assert_eq!(checked("id_card"), false, "the changed material's tick is cleared");
    assert_eq!(checked("residence"), true);
    assert_eq!(checked("form"), true);
    assert_eq!(checked("photo"), false);
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('#material-id_card .changed-since-tick').hidden"
        ),
        false
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('.changed-since-tick:not([hidden])').length"
        ),
        1
    );
    eval(&tab, "document.querySelector('.changed-notice').scrollIntoView()");
    screenshot(&tab, "checklist-returning-reader");

    // Ticked again, the changed material is checked: its note goes, and the tick stays.
    tab.wait_for_element("input[name=id_card]").unwrap().click().unwrap();
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('#material-id_card .changed-since-tick').hidden"
        ),
        true
    );

    // Seen once: the next visit has nothing new to tell, and the ticks stay.
    reload(&tab);
    assert_eq!(eval(&tab, "document.querySelector('.changed-notice').hidden"), true);
    assert_eq!(checked("residence"), true);
    assert_eq!(checked("id_card"), true);
}

#[test]
fn ticks_stored_before_versions_were_kept_survive_as_they_were() {
    let temp = TempDir::new("returning-reader-old");
    let output = temp.path().join("output");
    build(&fixture("minimal"), &output);
    let port = static_server(output);
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &format!("http://127.0.0.1:{port}/checklists/person.html"));
    let key = eval(
        &tab,
        "document.querySelector('form.checklist').getAttribute('data-storage-key')",
    );
    eval(
        &tab,
        &format!("localStorage.setItem({key}, JSON.stringify({{id_card: true, form: false}}))"),
    );
    reload(&tab);
    assert_eq!(
        eval(&tab, "document.querySelector('input[name=id_card]').checked"),
        true
    );
    assert_eq!(eval(&tab, "document.querySelector('input[name=form]').checked"), false);
    assert_eq!(eval(&tab, "document.querySelector('.changed-notice').hidden"), true);
    // The old tick now carries the version on the page, so a later change of the ID card clears it.
    let version = eval(
        &tab,
        "document.getElementById('material-id_card').getAttribute('data-version')",
    );
    assert!(version.is_string(), "{version}");
    assert_eq!(
        eval(&tab, &format!("JSON.parse(localStorage.getItem({key})).ticks.id_card")),
        version
    );
}
