//! In-process timing of `serve`'s warm rebuild: one cold build, then `EDITS` edits of one guide,
//! each followed by a warm rebuild, with the per-stage split. Used for profiling (perf, callgrind).
//!
//!     cargo run --release --example warm_rebuild -- SITE GUIDE [EDITS]
//!
//! SITE is edited in place (a marker line appended to GUIDE, then the original text restored).

use std::path::PathBuf;
use std::time::Instant;

use guidegen::site::{render_site_with, Caches};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(site), Some(guide)) = (args.next(), args.next()) else {
        eprintln!("usage: warm_rebuild SITE GUIDE [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10);
    let root = PathBuf::from(site);
    let guide = root.join(guide);
    let guide_name = guide
        .strip_prefix(&root)
        .expect("GUIDE is relative to SITE")
        .to_string_lossy()
        .into_owned();
    let original = std::fs::read_to_string(&guide).expect("the guide is readable");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("a valid date");
    let mut caches = Caches {
        defer_search: true,
        ..Caches::warm()
    };
    let started = Instant::now();
    let first = render_site_with(&root, today, &mut caches).unwrap_or_else(|_| panic!("the site builds"));
    println!("cold: {} pages in {:?}", first.pages, started.elapsed());
    drop(first);
    for edit in 0..edits {
        std::fs::write(&guide, format!("{original}\nmarker-{edit}\n")).expect("the guide is writable");
        caches.load.note_changes(std::slice::from_ref(&guide_name));

        let started = Instant::now();
        let cpu_started = cpu_time();
        let rendered = warm(&root, today, &mut caches);
        let total = started.elapsed();
        let cpu = cpu_time() - cpu_started;
        let t = &rendered.timings;
        println!(
            "warm: {:>6.1} ms, CPU {:>6.1} ms (load {:.1}, validate {:.1}, plan {:.1}, render {:.1}); re-rendered {}",
            total.as_secs_f64() * 1e3,
            cpu * 1e3,
            t.load.as_secs_f64() * 1e3,
            t.validate.as_secs_f64() * 1e3,
            t.plan.as_secs_f64() * 1e3,
            t.render.as_secs_f64() * 1e3,
            rendered.rendered.len()
        );
    }
    std::fs::write(&guide, original).expect("the guide is writable");
}

/// One warm rebuild; a function of its own so that a profiler can look at warm rebuilds alone
/// (`valgrind --tool=callgrind --toggle-collect='warm_rebuild::warm'`).
#[inline(never)]
fn warm(root: &std::path::Path, today: chrono::NaiveDate, caches: &mut Caches) -> guidegen::site::Rendered {
    render_site_with(root, today, caches).unwrap_or_else(|_| panic!("the site builds"))
}

/// CPU seconds used by the whole process (all threads) so far: unlike wall time, it hardly
/// changes when other programs share the machine.
#[allow(unsafe_code)] // clock_gettime(2) for CPU time; see the SAFETY note
fn cpu_time() -> f64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    now.tv_sec as f64 + now.tv_nsec as f64 * 1e-9
}
