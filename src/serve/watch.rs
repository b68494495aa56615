//! Watching the site's input folders (never the output) and turning editor saves into change lists.
//! Swap, backup and temp files never trigger a build; a burst of events arrives as one batch.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, new_debouncer_opt, DebounceEventResult, NoCache};

use crate::load::is_editor_leftover;

/// Batches of changed paths (relative to the root, `/`-separated), and the watcher keeping them coming.
pub struct Changes {
    pub receiver: mpsc::Receiver<Vec<String>>,
    _watcher: Box<dyn std::any::Any + Send>,
}

/// The folders whose contents make the site.
const WATCHED: [&str; 3] = ["content", "themes", "static"];

pub fn start(root: &Path, poll: bool) -> Result<Changes, notify::Error> {
    let (sender, receiver) = mpsc::channel();
    let base = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let handler = {
        let base = base.clone();
        move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            // Reading a file is an event too (inotify reports opens); only writes count, or every
            // rebuild would trigger the next.
            let writes = events
                .iter()
                .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)));
            let changed = relevant_paths(&base, writes.flat_map(|e| e.paths.iter()));
            if !changed.is_empty() {
                let _ = sender.send(changed);
            }
        }
    };
    let window = Duration::from_millis(100);
    let folders: Vec<PathBuf> = WATCHED.iter().map(|f| base.join(f)).filter(|p| p.is_dir()).collect();
    let watcher: Box<dyn std::any::Any + Send> = if poll {
        // Modification times are compared to the second only, so a save within the same second
        // as the last one would go unseen: compare contents too (slower, but polling is the
        // fallback for places where events do not arrive at all).
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(300))
            .with_compare_contents(true);
        let mut debouncer =
            new_debouncer_opt::<_, notify::PollWatcher, NoCache>(window, None, handler, NoCache, config)?;
        for folder in &folders {
            debouncer.watch(folder, RecursiveMode::Recursive)?;
        }
        Box::new(debouncer)
    } else {
        let mut debouncer = new_debouncer(window, None, handler)?;
        for folder in &folders {
            debouncer.watch(folder, RecursiveMode::Recursive)?;
        }
        Box::new(debouncer)
    };
    Ok(Changes {
        receiver,
        _watcher: watcher,
    })
}

/// The paths worth a rebuild: inside a watched folder, and not an editor's temporary file.
pub fn relevant_paths<'a>(base: &Path, paths: impl Iterator<Item = &'a PathBuf>) -> Vec<String> {
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
}
