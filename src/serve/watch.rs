//! Watching the site's input folders (never the output) and turning editor saves into batches.
//! Swap, backup and temp files never trigger a build. A batch closes once the folders have been
//! quiet for `QUIET` (an editor's save is a quick run of events) or `WINDOW` after its first
//! event, whichever comes first, so a long burst still rebuilds now and then.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::site_files::is_editor_leftover;

/// How long the folders must stay quiet before a batch is handed on. Editors write a save
/// (probe file, rename to backup, new file, delete backup) within a few milliseconds.
pub(super) const QUIET: Duration = Duration::from_millis(10);
/// The longest a batch stays open after its first event.
pub(super) const WINDOW: Duration = Duration::from_millis(100);

/// Batches of changes, and the watcher keeping them coming.
pub(super) struct Changes {
    pub receiver: mpsc::Receiver<Batch>,
    _watcher: Box<dyn std::any::Any + Send>,
}

/// What changed in one batch of events.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Batch {
    /// Changed paths, relative to the root, `/`-separated, sorted.
    pub paths: Vec<String>,
    /// The watcher lost track (its queue overflowed, or it failed): the paths may be incomplete.
    pub rescan: bool,
}

impl Batch {
    /// Joins a later batch into this one.
    pub(super) fn merge(&mut self, later: Batch) {
        self.paths.extend(later.paths);
        self.paths.sort();
        self.paths.dedup();
        self.rescan |= later.rescan;
    }

    fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }
}

/// The folders whose contents make the site.
const WATCHED: [&str; 3] = ["content", "themes", "static"];

pub(super) fn start(root: &Path, poll: bool) -> Result<Changes, notify::Error> {
    let (raw_sender, raw_events) = mpsc::channel::<notify::Result<notify::Event>>();
    let base = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let folders: Vec<PathBuf> = WATCHED.iter().map(|f| base.join(f)).filter(|p| p.is_dir()).collect();
    let watcher: Box<dyn std::any::Any + Send> = if poll {
        // Modification times are compared to the second only, so a save within the same second
        // as the last one would go unseen: compare contents too (slower, but polling is the
        // fallback for places where events do not arrive at all).
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(300))
            .with_compare_contents(true);
        let mut watcher = notify::PollWatcher::new(raw_sender, config)?;
        for folder in &folders {
            watcher.watch(folder, RecursiveMode::Recursive)?;
        }
        Box::new(watcher)
    } else {
        let mut watcher = notify::recommended_watcher(raw_sender)?;
        for folder in &folders {
            watcher.watch(folder, RecursiveMode::Recursive)?;
        }
        Box::new(watcher)
    };
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || batch_events(&base, &raw_events, &sender));
    Ok(Changes {
        receiver,
        _watcher: watcher,
    })
}

/// Gathers raw events into batches until the watcher goes away.
fn batch_events(base: &Path, events: &mpsc::Receiver<notify::Result<notify::Event>>, batches: &mpsc::Sender<Batch>) {
    loop {
        let mut batch = Batch::default();
        // Wait for the first event that is more than a read.
        loop {
            let Ok(event) = events.recv() else { return };
            if add_event(base, &mut batch, event) {
                break;
            }
        }
        let opened = Instant::now();
        loop {
            let left = WINDOW.saturating_sub(opened.elapsed());
            if left.is_zero() {
                break;
            }
            match events.recv_timeout(QUIET.min(left)) {
                Ok(event) => {
                    add_event(base, &mut batch, event);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        if !batch.is_empty() && batches.send(batch).is_err() {
            return;
        }
    }
}

/// Adds one raw event to `batch`; false when it is only a read, which must neither start nor
/// extend a batch (every rebuild reads the files, so reads would trigger the next rebuild).
fn add_event(base: &Path, batch: &mut Batch, event: notify::Result<notify::Event>) -> bool {
    match event {
        Ok(event) if matches!(event.kind, notify::EventKind::Access(_)) => false,
        Ok(event) => {
            batch.rescan |= event.need_rescan();
            let paths = relevant_paths(base, event.paths.iter());
            batch.merge(Batch { paths, rescan: false });
            true
        }
        Err(_) => {
            // Events were lost; only a full look at the site can tell what changed.
            batch.rescan = true;
            true
        }
    }
}

/// The paths worth a rebuild: inside a watched folder, and not an editor's temporary file.
pub(super) fn relevant_paths<'a>(base: &Path, paths: impl Iterator<Item = &'a PathBuf>) -> Vec<String> {
    let mut changed: Vec<String> = paths
        .filter_map(|path| {
            let relative = path.strip_prefix(base).ok()?;
            let name = relative.file_name()?.to_string_lossy();
            let top = relative.components().next()?.as_os_str().to_string_lossy();
            (WATCHED.contains(&top.as_ref()) && !is_editor_leftover(&name))
                .then(|| relative.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    changed.sort();
    changed.dedup();
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_and_other_folders_are_ignored() {
        let base = Path::new("/site");
        let paths: Vec<PathBuf> = [
            "/site/content/guides/a.md",
            "/site/content/guides/.a.md.swp",
            "/site/content/guides/a.md~",
            "/site/content/guides/4913",
            "/site/content/.#site.yaml",
            "/site/themes/default/templates/x.html___jb_tmp___",
            "/site/output/index.html",
            "/site/content/guides/a.md",
            "/elsewhere/x.md",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(
            relevant_paths(base, paths.iter()),
            vec!["content/guides/a.md".to_string()]
        );
    }

    fn write_event(path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(notify::EventKind::Modify(notify::event::ModifyKind::Any)).add_path(path.into()))
    }

    #[test]
    fn a_quick_run_of_events_is_one_batch_and_reads_start_none() {
        let (sender, events) = mpsc::channel();
        let (batches, received) = mpsc::channel();
        let reader = std::thread::spawn(move || batch_events(Path::new("/site"), &events, &batches));
        let read = notify::Event::new(notify::EventKind::Access(notify::event::AccessKind::Any))
            .add_path("/site/content/guides/a.md".into());
        sender.send(Ok(read)).unwrap();
        for path in [
            "/site/content/guides/b.md",
            "/site/content/guides/a.md",
            "/site/content/site.yaml",
        ] {
            sender.send(write_event(path)).unwrap();
        }
        let batch = received.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(
            batch.paths,
            ["content/guides/a.md", "content/guides/b.md", "content/site.yaml"]
        );
        assert!(!batch.rescan);
        sender.send(Err(notify::Error::generic("queue overflow"))).unwrap();
        let lost = received.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(lost.rescan, "lost events ask for a full look");
        drop(sender);
        reader.join().unwrap();
        assert!(received.try_recv().is_err(), "nothing after the watcher is gone");
    }

    #[test]
    fn a_burst_longer_than_the_window_is_cut_into_batches() {
        let (sender, events) = mpsc::channel();
        let (batches, received) = mpsc::channel();
        let reader = std::thread::spawn(move || batch_events(Path::new("/site"), &events, &batches));
        // A steady stream, never quiet for `QUIET`, lasting well over `WINDOW`.
        let until = Instant::now() + WINDOW * 3;
        while Instant::now() < until {
            sender.send(write_event("/site/content/guides/a.md")).unwrap();
            std::thread::sleep(QUIET / 4);
        }
        drop(sender);
        reader.join().unwrap();
        let count = received.try_iter().count();
        assert!(count >= 2, "{count} batch(es) for a stream three windows long");
    }
}
