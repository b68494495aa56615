//! `guidegen serve`: build, watch, rebuild on every save and serve the last good site with live reload.
//! Three small parts: `watch` (file events), `rebuild` (the pipeline, kept warm), `http` (the server).
//! The site is served from memory, so no request can ever reach a file outside it.

mod http;
mod rebuild;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use tokio::sync::broadcast;

use crate::diagnostics::Diagnostic;

pub use http::resolve_request_path;

/// How `serve` was asked to run.
pub struct ServeOptions {
    pub root: PathBuf,
    /// The day the site is built for, and the day its rules are as of.
    pub when: crate::site::When,
    pub bind: IpAddr,
    pub port: u16,
    pub poll: bool,
    pub color: bool,
}

/// What a browser is told through the event stream.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A rebuild succeeded: reload.
    Reload(u64),
    /// A rebuild failed: show these diagnostics over the page.
    Failed(String),
    /// The server is stopping: close the stream.
    Shutdown,
}

/// The site as served now: the last good files, and the errors of the last build if it failed.
#[derive(Default)]
pub struct Served {
    pub files: ahash::AHashMap<String, Arc<[u8]>>,
    pub error: Option<String>,
    pub build: u64,
}

pub type SharedSite = Arc<RwLock<Served>>;

/// Runs until Ctrl-C. Returns why, when it cannot start.
pub fn run(options: ServeOptions) -> Result<(), Diagnostic> {
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the site reachable from other machines",
            options.bind
        );
    }
    let site: SharedSite = Arc::default();
    let (events, _) = broadcast::channel::<LiveEvent>(64);
    let mut rebuilder = rebuild::Rebuilder::new(options.root.clone(), options.when, options.color);
    rebuilder.rebuild_into(&site, &events, "start");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    let address = SocketAddr::new(options.bind, options.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(address))
        .map_err(|error| {
            if error.kind() == std::io::ErrorKind::AddrInUse {
                Diagnostic::error(format!("port {} is already in use", options.port)).with_hint(format!(
                    "pick another with --port (e.g. --port {})",
                    options.port.wrapping_add(1).max(1024)
                ))
            } else {
                Diagnostic::error(format!("cannot listen on {address}: {error}"))
                    .with_hint("check --bind and --port; ports below 1024 need extra rights")
            }
        })?;
    let local = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(format!("cannot listen on {address}: {e}")))?;

    let changes = watch::start(&options.root, options.poll).map_err(|e| {
        Diagnostic::error(format!("cannot watch the site's folders: {e}"))
            .with_hint("on network mounts, WSL or in containers, try --poll")
    })?;
    {
        let site = site.clone();
        let events = events.clone();
        std::thread::spawn(move || {
            while let Ok(first) = changes.receiver.recv() {
                // Join batches that arrived during the last rebuild: one rebuild of the final state.
                let mut batch = first;
                while let Ok(more) = changes.receiver.try_recv() {
                    batch.merge(more);
                }
                rebuilder.note_changes(&batch);
                rebuilder.rebuild_into(&site, &events, &describe(&batch.paths));
            }
        });
    }

    println!("serving the site at http://{local}/ (Ctrl-C to stop)");
    let app = http::router(site, events.clone());
    runtime.block_on(http::serve(listener, app, events, async {
        let _ = tokio::signal::ctrl_c().await;
    }));
    println!("stopped");
    Ok(())
}

fn describe(changed: &[String]) -> String {
    match changed {
        [] => "a change".into(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
    }
}
