//! `guidegen serve` driven over HTTP: it rebuilds on every kind of editor save, keeps the last
//! good site when a save breaks it, announces rebuilds on its event stream, and never serves
//! anything outside the site. Waits are bounded polls, not timing assertions.

mod common;

use common::server::Server;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

impl Server {
    fn start(fixture_name: &str) -> Server {
        Server::start_with(fixture_name, &[])
    }

    fn get(&self, path: &str) -> Response {
        http_get(self.port, path)
    }

    /// Polls `path` until `ready` holds for its body; panics with the last body after 20 s.
    fn wait_for(&self, path: &str, what: &str, ready: impl Fn(&str) -> bool) -> Response {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let response = self.get(path);
            if ready(&response.body) {
                return response;
            }
            assert!(
                Instant::now() < deadline,
                "gave up waiting for {what}; last body of {path}:\n{}",
                response.body
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

struct Response {
    status: u16,
    headers: String,
    body: String,
}

/// A raw HTTP/1.1 GET, so the path goes out exactly as written (no client normalises `..`).
fn http_get(port: u16, path: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Response {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// Reads the event stream on a thread; each `event:` name arrives on the channel.
fn subscribe(port: u16) -> mpsc::Receiver<(String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET /__guidegen/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut name = String::new();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(event) = line.strip_prefix("event: ") {
                name = event.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                if sender.send((name.clone(), data.to_string())).is_err() {
                    break;
                }
            }
        }
    });
    receiver
}

fn next_event(events: &mpsc::Receiver<(String, String)>) -> (String, String) {
    events
        .recv_timeout(Duration::from_secs(20))
        .expect("an event within 20 s")
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn an_edited_guide_is_served_after_a_plain_save() {
    let server = Server::start("minimal");
    assert!(server.get("/guides/first.html").body.contains("Read"));
    edit(&server.root().join("content/guides/first.md"), "Read", "Please read");
    server.wait_for("/guides/first.html", "the edit", |body| body.contains("Please read"));
}

#[test]
fn a_vim_style_rename_save_is_picked_up() {
    let server = Server::start("minimal");
    let guides = server.root().join("content/guides");
    let file = guides.join("first.md");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("Read", "Vim-saved read");
    // What vim does with `backupcopy=no`: probe file, rename to a backup, write new, drop backup.
    std::fs::write(guides.join("4913"), "").unwrap();
    std::fs::remove_file(guides.join("4913")).unwrap();
    std::fs::rename(&file, guides.join("first.md~")).unwrap();
    std::fs::write(guides.join(".first.md.swp"), "swap").unwrap();
    std::fs::write(&file, text).unwrap();
    std::fs::remove_file(guides.join("first.md~")).unwrap();
    server.wait_for("/guides/first.html", "the vim save", |body| {
        body.contains("Vim-saved read")
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.get("/guides/first.md~").status, 404);
}

#[test]
fn a_delete_then_create_save_and_new_and_deleted_guides_are_picked_up() {
    let server = Server::start("minimal");
    let file = server.root().join("content/guides/first.md");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("Read", "Recreated read");
    std::fs::remove_file(&file).unwrap();
    std::fs::write(&file, text).unwrap();
    server.wait_for("/guides/first.html", "the recreated guide", |body| {
        body.contains("Recreated read")
    });
    std::fs::create_dir_all(server.root().join("content/guides/new/deeper")).unwrap();
    std::fs::write(
        server.root().join("content/guides/new/deeper/third.md"),
        "---\ntitle: Third\n---\nBrand new.\n",
    )
    .unwrap();
    server.wait_for("/guides/new/deeper/third.html", "the new guide", |body| {
        body.contains("Brand new.")
    });
    assert!(
        server.get("/guides/new/deeper/index.html").body.contains("Third"),
        "its section lists it"
    );
    assert!(
        server
            .get("/guides/index.html")
            .body
            .contains("guides/new/deeper/index.html"),
        "the index links the section"
    );
    std::fs::remove_dir_all(server.root().join("content/guides/new")).unwrap();
    let gone = server.wait_for("/guides/index.html", "the section to disappear", |body| {
        !body.contains("deeper")
    });
    assert_eq!(gone.status, 200);
    assert_eq!(server.get("/guides/new/deeper/index.html").status, 404);
    assert_eq!(server.get("/guides/new/deeper/third.html").status, 404);
}

#[test]
fn a_burst_of_twenty_saves_ends_in_the_final_state_with_few_rebuilds() {
    let server = Server::start("minimal");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(200));
    let file = server.root().join("content/guides/first.md");
    let original = std::fs::read_to_string(&file).unwrap();
    for n in 1..=20 {
        std::fs::write(&file, original.replace("Read", &format!("Burst {n} read"))).unwrap();
    }
    server.wait_for("/guides/first.html", "the last of the burst", |body| {
        body.contains("Burst 20 read")
    });
    std::thread::sleep(Duration::from_millis(800));
    let reloads = events.try_iter().filter(|(name, _)| name == "reload").count();
    // The debouncer joins the burst; allow one straggler batch on a loaded machine, never twenty.
    assert!((1..=2).contains(&reloads), "{reloads} rebuilds for one burst");
}

#[test]
fn a_broken_yaml_edit_keeps_the_last_good_site_and_shows_the_error_until_fixed() {
    let server = Server::start("minimal");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(200));
    let stages = server.root().join("content/stages.yaml");
    let good = std::fs::read_to_string(&stages).unwrap();
    std::fs::write(&stages, good.replace("name: Fill in", "name: [Fill in")).unwrap();
    let (name, data) = next_event(&events);
    assert_eq!(name, "failed", "{data}");
    let message: String = serde_json::from_str(&data).unwrap();
    assert!(message.contains("--> content/stages.yaml:"), "{message}");
    let page = server.get("/stages/fill-in.html");
    assert_eq!(page.status, 200, "the last good page is still served");
    assert!(page.body.contains("<h1>Fill in</h1>"));
    assert!(
        page.body.contains(r#"<div id="guidegen-overlay""#),
        "overlay markup on every page"
    );
    assert!(page.body.contains("content/stages.yaml:"), "{}", page.body);
    std::fs::write(&stages, good.replace("name: Fill in", "name: Fill in again")).unwrap();
    let (name, _) = next_event(&events);
    assert_eq!(name, "reload");
    let fixed = server.get("/stages/fill-in.html");
    assert!(fixed.body.contains("<h1>Fill in again</h1>"));
    assert!(!fixed.body.contains(r#"<div id="guidegen-overlay""#));
}

#[test]
fn the_event_stream_announces_each_rebuild() {
    let server = Server::start("minimal");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(200));
    let file = server.root().join("content/guides/first.md");
    let mut builds = Vec::new();
    for n in 1..=3 {
        edit(&file, "Read", &format!("Read {n}"));
        let (name, data) = next_event(&events);
        assert_eq!(name, "reload");
        builds.push(data.parse::<u64>().unwrap());
        edit(&file, &format!("Read {n}"), "Read");
        let (name, _) = next_event(&events);
        assert_eq!(name, "reload");
    }
    assert!(builds.windows(2).all(|w| w[0] < w[1]), "build numbers rise: {builds:?}");
}

#[test]
fn nothing_outside_the_site_is_ever_served() {
    let server = Server::start("minimal");
    let secret = server.site.path().join("secret.txt");
    std::fs::write(&secret, "TOP SECRET").unwrap();
    std::fs::create_dir_all(server.root().join("static")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, server.root().join("static/leak.txt")).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/guides%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/stages/../../secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/leak.txt",
        "/static/leak.txt",
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}");
        assert!(
            !response.body.contains("TOP SECRET") && !response.body.contains("root:"),
            "{path} leaked"
        );
        assert!(
            response.body.contains("<h1>Page not found</h1>"),
            "{path}: the site's own 404 page"
        );
    }
}

#[test]
fn files_are_served_with_their_content_types_and_no_caching() {
    let server = Server::start("minimal");
    for (path, expected) in [
        ("/", "text/html"),
        ("/guides/", "text/html"),
        ("/assets/style.css", "text/css"),
        ("/assets/site.js", "text/javascript"),
        ("/rules.json", "application/json"),
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert!(
            response.headers.contains(&format!("content-type: {expected}")),
            "{path}: {}",
            response.headers
        );
        assert!(response.headers.contains("cache-control: no-store"), "{path}");
    }
    let page = server.get("/").body;
    assert!(
        page.contains(r#"<script src="/__guidegen/live.js"></script>"#)
            && page.contains(r#"<link rel="stylesheet" href="/__guidegen/live.css">"#),
        "served pages load the live-reload script and its style as files: {page}"
    );
    for (path, expected, holds) in [
        ("/__guidegen/live.js", "text/javascript", "/__guidegen/events"),
        ("/__guidegen/live.css", "text/css", "#guidegen-overlay"),
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert!(
            response.headers.contains(&format!("content-type: {expected}")),
            "{path}: {}",
            response.headers
        );
        assert!(response.body.contains(holds), "{path}: {}", response.body);
    }
    assert!(
        !server.get("/assets/site.js").body.contains("__guidegen"),
        "only HTML is touched"
    );
}

#[test]
fn a_port_in_use_is_reported_with_a_way_out() {
    let server = Server::start("minimal");
    let output = bin()
        .args(["serve", "--port", &server.port.to_string(), "--root"])
        .arg(server.root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!("port {} is already in use", server.port)) && stderr.contains("--port"),
        "{stderr}"
    );
}

#[test]
fn build_output_never_contains_the_live_reload_script() {
    let out = TempDir::new("no-live-reload");
    let output = bin()
        .args(["build", "--today", TODAY, "--root"])
        .arg(fixture("minimal"))
        .arg("--output")
        .arg(out.path().join("site"))
        .output()
        .unwrap();
    assert!(output.status.success());
    for (path, bytes) in read_tree(&out.path().join("site")) {
        assert!(!String::from_utf8_lossy(&bytes).contains("__guidegen"), "{path}");
    }
}

#[test]
fn an_open_page_in_chromium_reloads_itself_after_an_edit_and_keeps_its_scroll_position() {
    use common::browser::{browser, eval, wait_until};
    let server = Server::start("minimal");
    // A long page, so there is a scroll position to keep.
    let file = server.root().join("content/guides/first.md");
    let long: String = (1..=150)
        .map(|n| format!("\nParagraph {n} of a long guide.\n"))
        .collect();
    std::fs::write(&file, std::fs::read_to_string(&file).unwrap() + &long).unwrap();
    server.wait_for("/guides/first.html", "the long guide", |body| {
        body.contains("Paragraph 150")
    });
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("http://127.0.0.1:{}/guides/first.html", server.port))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    wait_until(&tab, "document.readyState === 'complete'", "the page");
    eval(&tab, "window.scrollTo(0, 1500)");
    wait_until(&tab, "window.scrollY >= 1400", "the scroll");
    let before = eval(&tab, "window.scrollY").as_f64().unwrap();
    eval(&tab, "window.__before_edit = 1");
    std::thread::sleep(Duration::from_millis(300));
    edit(&file, "Read", "Live-reloaded read");
    wait_until(
        &tab,
        "window.__before_edit === undefined && document.readyState === 'complete' && document.body.innerText.includes('Live-reloaded read')",
        "the page to reload itself",
    );
    wait_until(
        &tab,
        &format!("Math.abs(window.scrollY - {before}) < 5"),
        "the scroll position to be restored",
    );
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let mut server = Server::start("minimal");
    let _open_stream = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(200));
    let status = std::process::Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "serve did not stop after Ctrl-C with a page still listening"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn polling_picks_up_an_edit_where_no_file_events_arrive() {
    let server = Server::start_with("minimal", &["--poll"]);
    edit(&server.root().join("content/guides/first.md"), "Read", "Polled read");
    server.wait_for("/guides/first.html", "the polled edit", |body| {
        body.contains("Polled read")
    });
}

#[test]
fn a_renamed_guide_moves_to_its_new_address() {
    let server = Server::start("minimal");
    let guides = server.root().join("content/guides");
    std::fs::rename(guides.join("sub/second.md"), guides.join("sub/renamed.md")).unwrap();
    // The first guide links to sub/second.md, so the rename breaks that link: fix it too.
    edit(&guides.join("first.md"), "sub/second.md", "sub/renamed.md");
    server.wait_for("/guides/sub/renamed.html", "the renamed guide", |body| {
        body.contains("Details")
    });
    assert_eq!(server.get("/guides/sub/second.html").status, 404);
}

#[test]
fn the_search_index_follows_each_rebuild() {
    let server = Server::start("minimal");
    server.wait_for("/assets/search-index.js", "the search index", |body| {
        body.contains("GUIDEGEN_SEARCH")
    });
    edit(&server.root().join("content/guides/first.md"), "Read", "Zebraword read");
    server.wait_for("/assets/search-index.js", "the new word in the index", |body| {
        body.contains("zebraword")
    });
}
