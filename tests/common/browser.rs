//! Driving Debian's Chromium (headless) from tests: launch, a tiny static server for http://
//! tests (localStorage is unreliable on file://), and helpers that wait instead of sleeping.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use headless_chrome::{Browser, LaunchOptions, Tab};

pub(crate) fn browser() -> Browser {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let options = LaunchOptions::default_builder()
        .path(Some(PathBuf::from(chromium)))
        .sandbox(false)
        .window_size(Some((1200, 900)))
        .idle_browser_timeout(Duration::from_secs(180))
        .args(vec![
            std::ffi::OsStr::new("--disable-gpu"),
            std::ffi::OsStr::new("--disable-background-networking"),
            std::ffi::OsStr::new("--disable-component-update"),
            std::ffi::OsStr::new("--no-first-run"),
        ])
        .build()
        .unwrap();
    Browser::new(options).expect("chromium starts (scripts/test.sh installs Debian's chromium)")
}

/// Builds the default site (with the tests' fixed date) into a fresh folder and serves it.
pub(crate) fn build_and_serve_default_site(label: &str) -> (PathBuf, u16) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let output = super::bin()
        .args(["build", "--today", super::TODAY, "--root"])
        .arg(super::repo_root())
        .arg("--output")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", super::text(&output.stderr));
    let port = static_server(dir.clone());
    (dir, port)
}

/// Serves `dir` over HTTP on 127.0.0.1 (a free port) from a background thread; returns the port.
pub(crate) fn static_server(dir: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = Arc::new(dir);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || answer(stream, &dir));
        }
    });
    port
}

fn answer(mut stream: std::net::TcpStream, dir: &Path) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
    }
    let raw = request.split_whitespace().nth(1).unwrap_or("/");
    let path = raw.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path.trim_start_matches('/'));
    let mut file = dir.join(if decoded.is_empty() || decoded.contains("..") {
        "index.html".into()
    } else {
        decoded
    });
    if file.is_dir() {
        file = file.join("index.html");
    }
    let (status, body) = match std::fs::read(&file) {
        Ok(body) => ("200 OK", body),
        Err(_) => ("404 Not Found", b"not found".to_vec()),
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("ics") => "text/calendar",
        _ => "application/octet-stream",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Evaluates `expression` in the page and returns its JSON value (objects come back whole).
pub(crate) fn eval(tab: &Tab, expression: &str) -> serde_json::Value {
    let wrapped = format!("JSON.stringify((function(){{ return ({expression}); }})())");
    let result = tab
        .evaluate(&wrapped, false)
        .unwrap_or_else(|e| panic!("evaluating {expression}: {e}"));
    let text = result
        .value
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| "null".into());
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

/// `eval`, but a page that is navigating away answers `null` instead of failing.
fn try_eval(tab: &Tab, expression: &str) -> serde_json::Value {
    let wrapped = format!("JSON.stringify((function(){{ return ({expression}); }})())");
    match tab.evaluate(&wrapped, false) {
        Ok(result) => result
            .value
            .and_then(|v| v.as_str().and_then(|t| serde_json::from_str(t).ok()))
            .unwrap_or(serde_json::Value::Null),
        Err(_) => serde_json::Value::Null,
    }
}

/// Polls `expression` until it is true; panics with `what` after 20 s.
pub(crate) fn wait_until(tab: &Tab, expression: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while try_eval(tab, expression) != serde_json::Value::Bool(true) {
        assert!(Instant::now() < deadline, "gave up waiting for {what} ({expression})");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Opens `url` and waits until the document (and its scripts) have loaded.
pub(crate) fn open(tab: &Tab, url: &str) {
    tab.navigate_to(url).unwrap();
    tab.wait_until_navigated().unwrap();
    wait_until(tab, "document.readyState === 'complete'", &format!("{url} to load"));
}

/// Reloads and waits for the new document (the old one is marked so it cannot be mistaken for it).
pub(crate) fn reload(tab: &Tab) {
    eval(tab, "window.__old_document = 1");
    tab.reload(false, None).unwrap();
    wait_until(
        tab,
        "window.__old_document === undefined && document.readyState === 'complete'",
        "the reload",
    );
}

/// Saves a screenshot for people to look at, in tests/screenshots/ (git-ignored).
pub(crate) fn screenshot(tab: &Tab, name: &str) {
    use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// From now on, every page this tab opens records its uncaught exceptions and unhandled promise
/// rejections in `window.__page_errors` (read with `page_errors`). The recorder is installed
/// before any of the page's own scripts runs, so errors thrown while a page sets itself up count.
pub(crate) fn record_page_errors(tab: &Tab) {
    use headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument;
    let recorder = "window.__page_errors = [];
        window.addEventListener('error', function (e) {
          window.__page_errors.push(String(e.message) + ' (' + e.filename + ':' + e.lineno + ')');
        });
        window.addEventListener('unhandledrejection', function (e) {
          window.__page_errors.push('unhandled rejection: ' + String(e.reason));
        });";
    tab.call_method(AddScriptToEvaluateOnNewDocument {
        source: recorder.into(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .unwrap();
}

/// The errors `record_page_errors` saw on the current page (none: an empty list).
pub(crate) fn page_errors(tab: &Tab) -> Vec<String> {
    let errors = eval(tab, "window.__page_errors");
    let list = errors
        .as_array()
        .unwrap_or_else(|| panic!("no error recorder on this page (call record_page_errors first): {errors}"));
    list.iter()
        .map(|e| e.as_str().unwrap_or_default().to_string())
        .collect()
}

/// Emulates a screen `width` x `height` CSS pixels wide, `scale` device pixels each; `mobile`
/// also applies a phone's viewport rules (Chromium then widens a page to fit what overflows,
/// which hides sideways scroll: tests that look for it pass `false`).
pub(crate) fn emulate_screen(tab: &Tab, width: u32, height: u32, scale: f64, mobile: bool) {
    use headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride;
    tab.call_method(SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: scale,
        mobile,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
}

/// A 375 x 740 phone with a sharp (2x) screen.
pub(crate) fn phone(tab: &Tab) {
    emulate_screen(tab, 375, 740, 2.0, true);
}
