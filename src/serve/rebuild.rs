//! Rebuilding in `serve`: the same pipeline as `build`, kept warm between saves so that only
//! changed guides are parsed again and only pages whose data changed go through a template.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use tokio::sync::broadcast;

use super::{LiveEvent, SharedSite};
use crate::diagnostics;
use crate::render::OutputFile;
use crate::search::InterfaceWords;
use crate::site::{self, Caches};

pub(super) struct Rebuilder {
    root: PathBuf,
    when: site::When,
    color: bool,
    caches: Caches,
    indexer: Indexer,
}

impl Rebuilder {
    pub(super) fn new(root: PathBuf, when: site::When, color: bool) -> Self {
        Rebuilder {
            root,
            when,
            color,
            // The search index of a large site takes far longer than a one-page rebuild; readers
            // get the new page first and the index a moment later.
            caches: Caches {
                defer_search: true,
                ..Caches::warm()
            },
            indexer: Indexer::default(),
        }
    }

    /// Tells the next rebuild what the watcher saw change, so it reads only those files.
    pub(super) fn note_changes(&mut self, batch: &super::watch::Batch) {
        if !batch.rescan {
            self.caches.load.note_changes(&batch.paths);
        }
    }

    /// Rebuilds; on success swaps the new files in and announces a reload, on failure keeps the
    /// last good files and announces the diagnostics. Prints one line (or the errors) either way.
    pub(super) fn rebuild_into(&mut self, site: &SharedSite, events: &broadcast::Sender<LiveEvent>, reason: &str) {
        let started = Instant::now();
        // The index being built is of the site this rebuild replaces: stop it, and leave both
        // cores to the rebuild.
        self.indexer.abandon();
        match site::render_site_with(&self.root, self.when, &mut self.caches) {
            Ok(rendered) => {
                if !rendered.warnings.is_empty() {
                    eprint!(
                        "{}",
                        diagnostics::render(&rendered.warnings, &rendered.sources, self.color)
                    );
                }
                // Everything but the swap itself happens outside the write lock, so that the
                // server goes on answering while the new site is put together.
                let changed = {
                    let served = site.read().unwrap_or_else(std::sync::PoisonError::into_inner);
                    rendered
                        .files
                        .iter()
                        .filter(|f| {
                            served
                                .files
                                .get(&f.path)
                                .is_none_or(|old| !Arc::ptr_eq(old, &f.bytes) && old[..] != f.bytes[..])
                        })
                        .count()
                };
                let for_index = rendered
                    .search_pending
                    .then(|| (Arc::new(rendered.files.clone()), rendered.interface_words.clone()));
                let files = rendered.files.into_iter().map(|f| (f.path, f.bytes)).collect();
                let mut served = site.write().unwrap_or_else(std::sync::PoisonError::into_inner);
                let old_files = std::mem::replace(&mut served.files, files);
                served.error = None;
                served.build += 1;
                let build = served.build;
                drop(served);
                drop(old_files);
                let t = &rendered.timings;
                println!(
                    "[{reason}] built {} pages in {} ms (load {}, validate {}, plan {}, render {}); re-rendered {}; {changed} files changed",
                    rendered.pages,
                    started.elapsed().as_millis(),
                    t.load.as_millis(),
                    t.validate.as_millis(),
                    t.plan.as_millis(),
                    t.render.as_millis(),
                    summarize(&rendered.rendered, rendered.pages)
                );
                let _ = events.send(LiveEvent::Reload(build));
                if let Some((files, interface)) = for_index {
                    self.indexer.index(site, build, files, interface);
                }
            }
            Err(failed) => {
                // The last good site stays; so must its search index, which this rebuild stopped.
                self.indexer.resume(site);
                let plain = diagnostics::render(&failed.diagnostics, &failed.sources, false);
                eprint!(
                    "{}",
                    diagnostics::render(&failed.diagnostics, &failed.sources, self.color)
                );
                let errors = failed.diagnostics.iter().filter(|d| d.is_error()).count();
                eprintln!("[{reason}] build failed with {errors} error(s); still serving the last good site");
                site.write().unwrap_or_else(std::sync::PoisonError::into_inner).error = Some(plain.clone());
                let _ = events.send(LiveEvent::Failed(plain));
            }
        }
    }
}

/// "all", "none", or the first few paths re-rendered.
fn summarize(paths: &[String], total: usize) -> String {
    match paths.len() {
        0 => "none".into(),
        n if n == total => format!("all {n}"),
        n if n <= 3 => paths.join(", "),
        n => format!("{} and {} more", paths[..3].join(", "), n - 3),
    }
}

/// Builds the search index of the newest build on a thread of its own, so a save's rebuild never
/// waits for it. One thread, one index at a time, always of the newest build: with saves coming
/// faster than an index takes, the builds in between are skipped instead of piling up threads
/// that would slow down the rebuilds the writer is waiting for.
#[derive(Default)]
struct Indexer {
    pending: Arc<(Mutex<Option<IndexJob>>, Condvar)>,
    /// The newest build asked for; an index of an older one is abandoned on the spot.
    newest: Arc<AtomicU64>,
    started: bool,
    /// The last build asked for, its files and interface words, to ask again if its index was
    /// abandoned.
    last: Option<(u64, Arc<Vec<OutputFile>>, Arc<InterfaceWords>)>,
}

struct IndexJob {
    site: SharedSite,
    build: u64,
    files: Arc<Vec<OutputFile>>,
    interface: Arc<InterfaceWords>,
}

impl Indexer {
    fn abandon(&self) {
        self.newest.store(0, Ordering::SeqCst);
    }

    /// Asks again for the index of the last build, when the site served has none (a rebuild
    /// that stopped it failed, so that build is still the one served).
    fn resume(&mut self, site: &SharedSite) {
        let Some((build, files, interface)) = self.last.clone() else {
            return;
        };
        let served = site.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let missing = served.build == build && !served.files.contains_key(crate::search::INDEX_PATH);
        drop(served);
        if missing {
            self.index(site, build, files, interface);
        }
    }

    fn index(&mut self, site: &SharedSite, build: u64, files: Arc<Vec<OutputFile>>, interface: Arc<InterfaceWords>) {
        self.last = Some((build, files.clone(), interface.clone()));
        self.newest.store(build, Ordering::SeqCst);
        let (slot, wake) = &*self.pending;
        *slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(IndexJob {
            site: site.clone(),
            build,
            files,
            interface,
        });
        wake.notify_one();
        if !self.started {
            self.started = true;
            let pending = self.pending.clone();
            let newest = self.newest.clone();
            std::thread::spawn(move || index_forever(&pending, &newest));
        }
    }
}

fn index_forever(pending: &(Mutex<Option<IndexJob>>, Condvar), newest: &AtomicU64) {
    lower_this_threads_priority();
    // Its own single, low-priority worker: on rayon's global pool the index would keep the
    // workers busy and the next rebuild's parallel stages would wait for them.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "search-index".into())
        .start_handler(|_| lower_this_threads_priority())
        .build()
        .ok();
    let (slot, wake) = pending;
    loop {
        let job = {
            let mut slot = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            loop {
                if let Some(job) = slot.take() {
                    break job;
                }
                slot = wake.wait(slot).unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        let superseded = || newest.load(Ordering::SeqCst) != job.build;
        let build = || crate::search::build_index_unless(&job.files, &job.interface, &superseded);
        let index = match &pool {
            Some(pool) => pool.install(build),
            None => build(),
        };
        let Some(index) = index else { continue };
        let mut served = job.site.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        // An index finished after a newer build began is dropped: that build asks for its own.
        if served.build == job.build {
            served.files.insert(index.path, index.bytes);
        }
    }
}

/// The index can wait; the rebuild after the next save cannot. On Linux a thread has its own
/// nice value, so this leaves the other threads of `serve` as they are.
#[allow(unsafe_code)] // setpriority(2) has no safe wrapper in std; see the SAFETY note
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: `setpriority` on the calling thread (id 0) with a valid nice value has no memory effects.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str) -> OutputFile {
        OutputFile::new(path, "<title>甲</title><main><p>乙丙</p></main>".as_bytes())
    }

    fn wait_for_index(site: &SharedSite) -> bool {
        for _ in 0..500 {
            let served = site.read().unwrap();
            if served.files.contains_key(crate::search::INDEX_PATH) {
                return true;
            }
            drop(served);
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn an_abandoned_index_is_made_again_when_the_rebuild_that_stopped_it_fails() {
        let site: SharedSite = Arc::default();
        site.write().unwrap().build = 1;
        let mut indexer = Indexer::default();
        indexer.index(&site, 1, Arc::new(vec![page("a.html")]), Arc::default());
        assert!(wait_for_index(&site), "the first index arrives");
        // A rebuild starts (the index it would replace is dropped here by hand, as if it had
        // been stopped half-way) and then fails: build 1 is still served and needs its index.
        indexer.abandon();
        site.write().unwrap().files.remove(crate::search::INDEX_PATH);
        indexer.resume(&site);
        assert!(
            wait_for_index(&site),
            "the index of the site still served is made again"
        );
    }
}
