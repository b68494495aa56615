//! The HTTP side of `serve`: files from memory with their content types, the site's 404 page,
//! and an event stream that tells open pages to reload or to show the build's errors.
//! What serve adds to a page is files of its own (`/__guidegen/live.js`, `/__guidegen/live.css`)
//! and markup without inline script or style, so the pages' Content-Security-Policy holds.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::{LiveEvent, SharedSite};

/// Where served pages listen for rebuilds. Not a path any site file can have.
pub(super) const EVENTS_PATH: &str = "/__guidegen/events";

/// The live-reload script, loaded by served HTML only (never by `build` output).
pub(super) const LIVE_SCRIPT_PATH: &str = "/__guidegen/live.js";
const LIVE_SCRIPT: &str = include_str!("live.js");

/// The error overlay's look, loaded beside the live-reload script.
pub(super) const LIVE_STYLE_PATH: &str = "/__guidegen/live.css";
const LIVE_STYLE: &str = include_str!("live.css");

#[derive(Clone)]
struct AppState {
    site: SharedSite,
    events: broadcast::Sender<LiveEvent>,
}

/// How long a client may take to send a request's headers (counted from the moment the server
/// waits for them) before its connection is closed. Without it, a client that never finishes a
/// request holds its connection forever. Generous for people; a page's open event stream is
/// unaffected, since its headers arrived long ago.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// After an error accepting a connection (e.g. too many open files), wait before trying again
/// instead of spinning.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Serves `app` on `listener` until `shutdown` completes; then tells open pages (which close
/// their event streams), stops accepting, and waits for the open connections to finish.
pub(super) async fn serve(
    listener: TcpListener,
    app: Router,
    events: broadcast::Sender<LiveEvent>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let connections = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let Ok((stream, _)) = accepted else {
            tokio::time::sleep(ACCEPT_RETRY).await;
            continue;
        };
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let connection = connections.watch(connection);
        // A failed connection (a malformed request, a timeout, a reset) concerns only its client.
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    let _ = events.send(LiveEvent::Shutdown);
    drop(listener);
    connections.shutdown().await;
}

pub(super) fn router(site: SharedSite, events: broadcast::Sender<LiveEvent>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(event_stream))
        .route(
            LIVE_SCRIPT_PATH,
            get(|| async { own_file(LIVE_SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            LIVE_STYLE_PATH,
            get(|| async { own_file(LIVE_STYLE, "text/css; charset=utf-8") }),
        )
        .fallback(serve_file)
        .with_state(AppState { site, events })
}

async fn serve_file(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = Response::new(Body::from("only GET and HEAD are served"));
        *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let served = state.site.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    let error = served.error.clone();
    let found = resolve_request_path(uri.path()).and_then(|path| {
        let hit = served.files.get(&path).map(|bytes| (path.clone(), bytes.clone()));
        hit.or_else(|| {
            let index = if path.is_empty() {
                "index.html".to_string()
            } else {
                format!("{path}/index.html")
            };
            served.files.get(&index).map(|bytes| (index, bytes.clone()))
        })
    });
    let (status, path, bytes) = match found {
        Some((path, bytes)) => (StatusCode::OK, path, bytes),
        None => {
            let page = served
                .files
                .get("404.html")
                .cloned()
                .unwrap_or_else(|| Arc::from(&b"<!DOCTYPE html><title>404</title><h1>404</h1><body></body>"[..]));
            (StatusCode::NOT_FOUND, "404.html".to_string(), page)
        }
    };
    drop(served);
    let content_type = content_type(&path);
    let body = if content_type.starts_with("text/html") {
        inject_live_reload(&bytes, error.as_deref())
    } else {
        bytes.to_vec()
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // A rebuild must show at once: never let the browser keep an old copy.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A file of serve's own (the live-reload script or its style), never cached.
fn own_file(text: &'static str, content_type: &'static str) -> Response {
    let mut response = Response::new(Body::from(text));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The site path a request path names, or `None` for anything that could leave the site:
/// `..` (also percent-encoded), encoded slashes or backslashes, NUL, backslashes.
pub fn resolve_request_path(raw: &str) -> Option<String> {
    let lowered = raw.to_ascii_lowercase();
    if !raw.starts_with('/')
        || raw.contains('\\')
        || lowered.contains("%2f")
        || lowered.contains("%5c")
        || lowered.contains("%00")
    {
        return None;
    }
    // Decoded once, so `%252e` stays the text `%2e`; a `%` not followed by two hex digits stays
    // as it is (as browsers send it); bytes that are not UTF-8 name no site file.
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" => {}
            "." | ".." => return None,
            p if p.contains('\0') || p.contains('\\') || p.contains(':') => return None,
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if decoded.ends_with('/') && !path.is_empty() {
        path.push_str("/index.html");
    } else if path.is_empty() {
        path = "index.html".into();
    }
    Some(path)
}

pub(super) fn content_type(path: &str) -> &'static str {
    match path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .as_deref()
    {
        Some("html") | Some("htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("txt") | Some("md") => "text/plain; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script and its style (as files: the page's policy allows no inline script
/// or style), and the error overlay when the last build failed, before `</body>`.
pub(super) fn inject_live_reload(html: &[u8], error: Option<&str>) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let overlay = error.map(overlay_markup).unwrap_or_default();
    let addition = format!(
        "<link rel=\"stylesheet\" href=\"{LIVE_STYLE_PATH}\">{overlay}<script src=\"{LIVE_SCRIPT_PATH}\"></script>"
    );
    let injected = match text.rfind("</body>") {
        Some(at) => format!("{}{addition}{}", &text[..at], &text[at..]),
        None => format!("{text}{addition}"),
    };
    injected.into_bytes()
}

/// The overlay shown over every page while the last build is failing (styled by `live.css`;
/// `live.js` builds the same markup when a build fails while the page is open).
pub(super) fn overlay_markup(diagnostics: &str) -> String {
    format!(
        "<div id=\"guidegen-overlay\" role=\"alert\"><p>The last rebuild failed; showing the last good site.</p><pre>{}</pre></div>",
        escape_html(diagnostics)
    )
}

fn escape_html(text: &str) -> String {
    let mut escaped = Vec::with_capacity(text.len());
    let _ = tera::escape_html(text, &mut escaped);
    String::from_utf8_lossy(&escaped).into_owned()
}

async fn event_stream(State(state): State<AppState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let current = state
        .site
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .error
        .clone();
    // A page that connects while the build is broken learns it at once.
    let first = tokio_stream::iter(current.map(|text| Ok(to_event(&LiveEvent::Failed(text)))));
    let updates = BroadcastStream::new(state.events.subscribe())
        .filter_map(std::result::Result::ok)
        .take_while(|event| !matches!(event, LiveEvent::Shutdown))
        .map(|event| Ok(to_event(&event)));
    Sse::new(first.chain(updates)).keep_alive(KeepAlive::default())
}

fn to_event(event: &LiveEvent) -> Event {
    match event {
        LiveEvent::Reload(build) => Event::default().event("reload").data(build.to_string()),
        LiveEvent::Failed(text) => Event::default()
            .event("failed")
            .data(serde_json::to_string(text).unwrap_or_default()),
        LiveEvent::Shutdown => Event::default().event("shutdown").data("bye"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_never_leave_the_site() {
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/stages/../../x",
            "/..%2fx",
            "/%2E%2E%5Cx",
            "/..\\x",
            "/x%00.html",
            "/C:/x",
            "relative",
        ] {
            assert_eq!(resolve_request_path(bad), None, "{bad}");
        }
        assert_eq!(resolve_request_path("/").as_deref(), Some("index.html"));
        assert_eq!(resolve_request_path("/stages/").as_deref(), Some("stages/index.html"));
        assert_eq!(resolve_request_path("//etc/passwd").as_deref(), Some("etc/passwd"));
        assert_eq!(
            resolve_request_path("/guides/%E4%B8%AD.html").as_deref(),
            Some("guides/中.html")
        );
    }

    #[test]
    fn request_paths_are_decoded_once_and_only_into_utf_8() {
        assert_eq!(resolve_request_path("/%252e%252e/x").as_deref(), Some("%2e%2e/x"));
        assert_eq!(resolve_request_path("/50%.html").as_deref(), Some("50%.html"));
        assert_eq!(resolve_request_path("/a%zz.html").as_deref(), Some("a%zz.html"));
        assert_eq!(resolve_request_path("/a%20b/").as_deref(), Some("a b/index.html"));
        for bad in ["/%ff.html", "/%c0%ae%c0%ae/x", "/%2e", "/a/%2E%2e/b"] {
            assert_eq!(resolve_request_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn live_reload_goes_before_the_end_of_body_with_the_overlay_escaped() {
        let html = inject_live_reload(b"<html><body><p>x</p></body></html>", Some("error: <bad>"));
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("guidegen-overlay"));
        assert!(html.contains("error: &lt;bad&gt;"));
        assert!(html.ends_with("</script></body></html>"), "{html}");
    }

    #[test]
    fn what_serve_adds_to_a_page_has_no_inline_script_or_style() {
        let html = inject_live_reload(b"<html><body><p>x</p></body></html>", Some("error: <bad>"));
        let html = String::from_utf8(html).unwrap();
        assert!(
            html.contains(r#"<script src="/__guidegen/live.js"></script>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<link rel="stylesheet" href="/__guidegen/live.css">"#),
            "{html}"
        );
        assert!(!html.contains("style="), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert_eq!(html.matches("<script").count(), 1, "{html}");
        // The script file builds its overlay with the same id, styled by the same file.
        assert!(LIVE_SCRIPT.contains("guidegen-overlay"));
        assert!(LIVE_STYLE.contains("#guidegen-overlay"));
        assert!(!LIVE_SCRIPT.contains(".style") && !LIVE_SCRIPT.contains("cssText"));
    }
}
