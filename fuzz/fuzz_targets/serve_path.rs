//! `serve`'s request path resolver: whatever the request, the site path it names stays inside
//! the site (no `..` or `.` segment, not absolute, no NUL, backslash or drive colon).
#![no_main]

use guidegen::serve::resolve_request_path;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| {
    check(raw);
    // Most inputs lack the leading `/` and are refused at once; try each as a real request too.
    check(&format!("/{raw}"));
});

fn check(raw: &str) {
    let Some(path) = resolve_request_path(raw) else {
        return;
    };
    assert!(!path.is_empty(), "{raw:?} gave an empty path");
    assert!(!path.starts_with('/'), "{raw:?} gave the absolute path {path:?}");
    assert!(!path.contains('\0'), "{raw:?} gave {path:?} with a NUL");
    assert!(!path.contains('\\'), "{raw:?} gave {path:?} with a backslash");
    assert!(!path.contains(':'), "{raw:?} gave {path:?} with a colon");
    for segment in path.split('/') {
        assert!(
            !matches!(segment, "" | "." | ".."),
            "{raw:?} gave {path:?} with the segment {segment:?}"
        );
    }
    // A resolved path asked for again names itself (unless it holds a `%` that would decode again).
    if !path.contains('%') {
        assert_eq!(
            resolve_request_path(&format!("/{path}")).as_deref(),
            Some(path.as_str()),
            "{raw:?}"
        );
    }
}
