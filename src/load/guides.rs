//! The guides: every `content/guides/**/*.md`, its front matter parsed and its Markdown kept.
//! Rule: the guides come out sorted by path, whatever order the disk lists them in; a file that
//! cannot be read or parsed is a diagnostic, never a skipped guide.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{is_blank_yaml, Reader};
use crate::diagnostics::{Diagnostic, Span};
use crate::memo::{Memo, Stamp};
use crate::model::*;
use crate::site_files::{is_editor_leftover, is_leftover_path};
use crate::yaml;

/// A file's size and modification time: what tells, without reading it, that it changed.
type FileStamp = (SystemTime, u64);

fn file_stamp(path: &Path) -> Option<FileStamp> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

/// Guides read by earlier loads, stamped with the size and time of their files, and the list of
/// guide files the last load found.
#[derive(Default)]
pub(super) struct GuideMemo {
    read: Memo<OsString, ReadGuide>,
    /// Every guide file the last load found, sorted by path, with its stamp as last seen; `None`
    /// when the next load must walk the folder (nothing kept, or the last walk found problems,
    /// which must be found again until they are fixed).
    listing: Option<Vec<(PathBuf, Option<FileStamp>)>>,
}

/// A guide that parsed, with the text it came from (for quoting in diagnostics).
#[derive(Clone)]
struct ReadGuide {
    guide: Arc<Guide>,
    text: Arc<str>,
}

/// A guide file that did not parse: its text if it could be read, and why.
struct Unread {
    text: Option<Arc<str>>,
    diagnostics: Vec<Diagnostic>,
}

impl GuideMemo {
    pub(super) fn keeping() -> Self {
        GuideMemo {
            read: Memo::keeping(),
            listing: None,
        }
    }

    pub(super) fn keeps(&self) -> bool {
        self.read.keeps()
    }
}

impl Reader {
    /// Every guide, sorted by path. `changes` (from the file watcher) lets a warm load patch the
    /// last list instead of walking the folder and checking every file.
    pub(super) fn guides(&mut self, memo: &mut GuideMemo, changes: Option<Vec<PathBuf>>) -> Vec<Arc<Guide>> {
        let last = memo.listing.take();
        if !self.root.join("content/guides").is_dir() {
            memo.read.sweep();
            return Vec::new();
        }
        let keeps = memo.keeps();
        let patched = match (changes, last) {
            (Some(changed), Some(mut listing)) if !listing.is_empty() => {
                self.patch_listing(&mut listing, &changed).then_some(listing)
            }
            _ => None,
        };
        let (listing, clean) = match patched {
            Some(listing) => (listing, true),
            None => {
                let errors_before = self.diagnostics.len();
                let files = self.walk_guides();
                let clean = self.diagnostics.len() == errors_before;
                (self.stamped(files, keeps), clean)
            }
        };
        let guides = self.read_guides(&mut memo.read, &listing);
        memo.read.sweep();
        if keeps && clean {
            memo.listing = Some(listing);
        }
        guides
    }

    /// Each file with its stamp, taken before reading (a save during the read then shows as a
    /// change next time); no stamps when nothing is kept.
    fn stamped(&self, files: Vec<PathBuf>, keeps: bool) -> Vec<(PathBuf, Option<FileStamp>)> {
        let root = &self.root;
        files
            .into_par_iter()
            .map(|file| {
                let stamp = keeps.then(|| file_stamp(&root.join(&file))).flatten();
                (file, stamp)
            })
            .collect()
    }

    /// Applies the watcher's list of changed paths to the last load's list: changed guides get
    /// a new stamp, new ones are added, removed ones dropped. False (and `listing` untouched)
    /// when the list cannot tell what happened, e.g. when it names a folder.
    fn patch_listing(&self, listing: &mut Vec<(PathBuf, Option<FileStamp>)>, changed: &[PathBuf]) -> bool {
        let guides_dir = Path::new("content/guides");
        let mut edits = Vec::new();
        for path in changed.iter().filter(|p| p.starts_with(guides_dir)) {
            if path.extension().and_then(|e| e.to_str()) != Some("md") {
                return false;
            }
            match std::fs::symlink_metadata(self.root.join(path)) {
                Ok(metadata) if metadata.is_file() => edits.push((path, true)),
                Ok(_) => return false,
                Err(_) => edits.push((path, false)),
            }
        }
        for (path, exists) in edits {
            let at = listing.binary_search_by(|(file, _)| file.as_path().cmp(path));
            let stamp = || file_stamp(&self.root.join(path));
            match (at, exists) {
                (Ok(i), true) => listing[i].1 = stamp(),
                (Err(i), true) => listing.insert(i, (path.clone(), stamp())),
                // A removed `x.md` may have been a folder: nothing below it is left either.
                (_, false) => listing.retain(|(file, _)| !file.starts_with(path)),
            }
        }
        true
    }

    /// Reads and parses, in parallel (thousands of guides are worth both cores), every listed
    /// guide whose file changed since an earlier load read it. A file without a stamp (it could
    /// not be looked at) is always read.
    fn read_guides(
        &mut self,
        memo: &mut Memo<OsString, ReadGuide>,
        listing: &[(PathBuf, Option<FileStamp>)],
    ) -> Vec<Arc<Guide>> {
        let root = self.root.clone();
        // Keyed by the path's bytes: hashing a `Path` walks its components, which at ten
        // thousand guides per rebuild shows. A file without a stamp could not be looked at, so it
        // cannot be read either: it fails, and failures are never kept.
        let jobs = listing
            .iter()
            .map(|(file, stamp)| (file.as_os_str(), (file, *stamp)))
            .collect();
        let results =
            memo.try_get_or_build_all(jobs, |(_, stamp)| Stamp::of(stamp), |(file, _)| read_guide(&root, file));
        results
            .into_iter()
            .zip(listing)
            .filter_map(|(result, (file, _))| match result {
                Ok(read) => {
                    self.sources.insert_shared(file, read.text);
                    Some(read.guide)
                }
                Err(unread) => {
                    if let Some(text) = unread.text {
                        self.sources.insert_shared(file, text);
                    }
                    self.diagnostics.extend(unread.diagnostics);
                    None
                }
            })
            .collect()
    }

    /// Every `content/guides/**/*.md`, sorted by path so the result never depends on the disk.
    fn walk_guides(&mut self) -> Vec<PathBuf> {
        let dir = self.root.join("content/guides");
        let mut files = Vec::new();
        for entry in WalkDir::new(&dir).follow_links(true) {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) if error.path().is_some_and(is_leftover_path) => continue,
                Err(error) => {
                    let path = error
                        .path()
                        .map_or_else(|| PathBuf::from("content/guides"), |p| self.relative(p));
                    self.diagnostics.push(
                        Diagnostic::error(self.walk_error_message(&error))
                            .with_span(Span::file_only(&path))
                            .with_hint(if error.loop_ancestor().is_some() {
                                "remove the link, or point it at a folder that does not hold it"
                            } else {
                                "fix the folder's permissions"
                            }),
                    );
                    continue;
                }
            };
            let relative = self.relative(entry.path());
            let name = entry.file_name().to_string_lossy();
            if is_editor_leftover(&name) || entry.file_type().is_dir() {
                continue;
            }
            if !entry.file_type().is_file() {
                // A named pipe would make the read wait forever, a device never end.
                self.diagnostics.push(
                    Diagnostic::error("this is not a regular file (a named pipe or a device)")
                        .with_span(Span::file_only(&relative))
                        .with_hint("content files must be ordinary files; replace it with the file itself"),
                );
                continue;
            }
            if relative.extension().and_then(|e| e.to_str()) != Some("md") {
                self.diagnostics.push(
                    Diagnostic::error("only Markdown guides (`.md`) belong in `content/guides/`")
                        .with_span(Span::file_only(&relative))
                        .with_hint("rename it to `.md`, or put images and other files in `static/`"),
                );
                continue;
            }
            files.push(relative);
        }
        // The same order as `files_after` keeps, whatever order the disk lists a folder in.
        files.sort();
        files
    }

    fn guide(&mut self, file: PathBuf) -> Option<Guide> {
        let text = self.read_text(&file)?;
        let split = match split_front_matter(&text) {
            Ok(split) => split,
            Err(problem) => {
                self.diagnostics.push(problem.into_diagnostic(&file));
                return None;
            }
        };
        if is_blank_yaml(split.yaml) {
            self.diagnostics.push(
                Diagnostic::error("the front matter is empty")
                    .with_span(Span::new(&file, 1, 1, 3))
                    .with_hint("add `title: ...` between the two `---` lines"),
            );
            return None;
        }
        let front: FrontMatter = match yaml::parse::<FrontMatter>(&file, split.yaml) {
            Ok(mut front) => {
                // The YAML starts on line 2, after the opening `---`: positions are in the file.
                for day in [&mut front.effective_from, &mut front.effective_until]
                    .into_iter()
                    .flatten()
                {
                    day.line += 1;
                }
                front
            }
            Err(mut diagnostic) => {
                if let Some(span) = diagnostic.span.as_mut() {
                    // The YAML starts on line 2, after the opening `---`.
                    span.line += 1;
                }
                // Front matter is not a file of its own; say where the key goes.
                diagnostic.hint = diagnostic
                    .hint
                    .map(|h| h.replace("to this file", "to the front matter"));
                self.diagnostics.push(diagnostic);
                return None;
            }
        };
        let slug = guide_slug(&file);
        Some(Guide {
            slug,
            file,
            front,
            body: Body::new(split.body),
            body_line: split.body_line,
        })
    }

    /// `walkdir`'s own message names absolute paths, which differ between machines and leak the
    /// site's location into logs: paths here are relative to the site root.
    fn walk_error_message(&self, error: &walkdir::Error) -> String {
        let shown = |p: &Path| self.relative(p).display().to_string().replace('\\', "/");
        match (error.loop_ancestor(), error.path()) {
            (Some(ancestor), Some(path)) => format!(
                "cannot walk the guides folder: `{}` is a link back to `{}`, a folder it is inside",
                shown(path),
                shown(ancestor)
            ),
            _ => match error.io_error() {
                Some(io) => format!("cannot walk the guides folder: {io}"),
                None => format!("cannot walk the guides folder: {error}"),
            },
        }
    }
}

/// Reads and parses one guide, with a reader of its own (guides are read in parallel).
fn read_guide(root: &Path, file: &Path) -> Result<ReadGuide, Unread> {
    let mut reader = Reader::new(root);
    let guide = reader.guide(file.to_path_buf()).map(Arc::new);
    let text: Option<Arc<str>> = reader.sources.get(file).map(Arc::from);
    match (guide, text) {
        (Some(guide), Some(text)) => Ok(ReadGuide { guide, text }),
        (_, text) => Err(Unread {
            text,
            diagnostics: reader.diagnostics,
        }),
    }
}

/// `content/guides/a/b.md` -> `a/b`.
fn guide_slug(file: &Path) -> String {
    let inner = file.strip_prefix("content/guides").unwrap_or(file).with_extension("");
    inner
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A guide's text cut into its YAML front matter and its Markdown body.
#[derive(Debug, PartialEq)]
pub struct FrontMatterSplit<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
    /// 1-based line on which the body starts.
    pub body_line: u32,
}

#[derive(Debug, PartialEq)]
pub enum FrontMatterProblem {
    Missing,
    NotClosed,
}

impl FrontMatterProblem {
    fn into_diagnostic(self, file: &Path) -> Diagnostic {
        match self {
            FrontMatterProblem::Missing => Diagnostic::error("this guide has no front matter")
                .with_span(Span::new(file, 1, 1, 1))
                .with_hint("start the file with a `---` line, then `title: ...`, then another `---` line"),
            FrontMatterProblem::NotClosed => Diagnostic::error("the front matter is never closed")
                .with_span(Span::new(file, 1, 1, 3))
                .with_hint("add a line with only `---` after the front matter"),
        }
    }
}

/// Splits `---\n<yaml>\n---\n<body>`; accepts `\r\n` line ends.
pub fn split_front_matter(text: &str) -> Result<FrontMatterSplit<'_>, FrontMatterProblem> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Err(FrontMatterProblem::Missing);
    }
    let mut offset = first_line_end;
    let mut line = 2u32;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        if text[offset..end].trim_end() == "---" {
            return Ok(FrontMatterSplit {
                yaml: &text[first_line_end..offset],
                body: &text[end..],
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    Err(FrontMatterProblem::NotClosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let split = split_front_matter("---\ntitle: A\n---\n# Body\n").unwrap();
        assert_eq!(
            split,
            FrontMatterSplit {
                yaml: "title: A\n",
                body: "# Body\n",
                body_line: 4
            }
        );
    }

    #[test]
    fn crlf_front_matter_is_accepted() {
        let split = split_front_matter("---\r\ntitle: A\r\n---\r\nx").unwrap();
        assert_eq!((split.yaml, split.body), ("title: A\r\n", "x"));
    }

    #[test]
    fn unclosed_and_missing_front_matter_are_told_apart() {
        assert_eq!(
            split_front_matter("---\ntitle: A\n# x\n"),
            Err(FrontMatterProblem::NotClosed)
        );
        assert_eq!(split_front_matter("# x\n"), Err(FrontMatterProblem::Missing));
        assert_eq!(split_front_matter(""), Err(FrontMatterProblem::Missing));
    }

    #[test]
    fn slug_keeps_subfolders() {
        assert_eq!(guide_slug(Path::new("content/guides/a/b.md")), "a/b");
    }
}
