//! Stage 1: read the site folder into a typed `Content` and keep every file's text.
//! It checks only what a single file can tell (syntax, types, keys); cross-references are `validate`'s.

use std::any::Any;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::diagnostics::{line_column, Diagnostic, SourceMap, Span};
use crate::model::*;
use crate::site_files::{files_under, is_editor_leftover};
use crate::yaml;

/// The loaded content and the text of every file it came from.
pub struct Loaded {
    pub content: Content,
    pub sources: SourceMap,
    /// Files under `static/`, copied to the output as they are: (path inside `static/`, bytes).
    pub static_files: Vec<(String, Vec<u8>)>,
}

/// Guides parsed by earlier builds (`serve`), with the size and time of the file they came from.
#[derive(Default)]
pub struct LoadCache {
    enabled: bool,
    /// Every guide file the last build found, sorted by path, with the guide if it parsed.
    entries: Vec<GuideEntry>,
    /// `entries` came from a walk that found no problem, so a change list can patch them.
    patchable: bool,
    /// What changed since the last build, as the file watcher saw it; `None` when unknown.
    changes: Option<Vec<PathBuf>>,
    /// YAML files parsed by the last build (see `Reader::parsed`).
    parsed: ParsedFiles,
}

impl LoadCache {
    pub fn enabled() -> Self {
        LoadCache {
            enabled: true,
            ..LoadCache::default()
        }
    }

    /// Tells the next load which files (relative to the root) changed since the last one, so
    /// that it reads just those instead of walking and checking every guide. Without a note,
    /// or when a note names a folder, the next load walks the whole guides folder.
    pub fn note_changes(&mut self, changed: &[String]) {
        if self.enabled {
            self.changes = Some(changed.iter().map(PathBuf::from).collect());
        }
    }
}

struct GuideEntry {
    file: PathBuf,
    /// `None`: to be read (new, changed, or it did not parse last time).
    cached: Option<CachedGuide>,
}

#[derive(Clone)]
struct CachedGuide {
    stamp: Option<(SystemTime, u64)>,
    guide: Arc<Guide>,
    text: Arc<str>,
}

/// One guide file read: the guide if it parsed (with its text), the text of one that did not
/// (for quoting in diagnostics), and what reading it found.
struct GuideRead {
    cached: Option<CachedGuide>,
    text: Option<Arc<str>>,
    diagnostics: Vec<Diagnostic>,
}

fn file_stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

/// Reads `root/content`. Returns every problem found, not just the first.
pub fn load(root: &Path) -> Result<Loaded, (Vec<Diagnostic>, SourceMap)> {
    load_with(root, &mut LoadCache::default())
}

/// `load`, taking unchanged guides from `cache`.
pub fn load_with(root: &Path, cache: &mut LoadCache) -> Result<Loaded, (Vec<Diagnostic>, SourceMap)> {
    let mut reader = Reader {
        root: root.to_path_buf(),
        sources: SourceMap::default(),
        diagnostics: Vec::new(),
        parsed: std::mem::take(&mut cache.parsed),
    };
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        let d = Diagnostic::error(format!("no content folder at `{}`", content_dir.display()))
            .with_hint("run guidegen in a site folder (one with a `content/` folder) or pass `--root DIR`");
        return Err((vec![d], reader.sources));
    }
    let site: Option<Site> = reader.required_yaml("content/site.yaml");
    let subjects: Option<SubjectsFile> = reader.optional_yaml("content/subjects.yaml");
    let conditions: Option<ConditionsFile> = reader.optional_yaml("content/conditions.yaml");
    let materials: Option<MaterialsFile> = reader.optional_yaml("content/materials.yaml");
    let stages: Option<StagesFile> = reader.optional_yaml("content/stages.yaml");
    let deadlines: Option<DeadlinesFile> = reader.optional_yaml("content/deadlines.yaml");
    let forms: Option<FormsFile> = reader.optional_yaml("content/forms.yaml");
    let holidays = reader.holidays();
    let guides = reader.guides(cache);
    let static_files: Vec<(String, Vec<u8>)> = files_under(root, &root.join("static"), &mut reader.diagnostics)
        .into_iter()
        .map(|(path, bytes)| (path.trim_start_matches("static/").to_string(), bytes))
        .collect();
    if cache.enabled {
        cache.parsed = std::mem::take(&mut reader.parsed);
    }
    match site {
        Some(site) if reader.diagnostics.iter().all(|d| !d.is_error()) => Ok(Loaded {
            content: Content {
                site,
                subjects: subjects.map(|f| f.subjects).unwrap_or_default(),
                conditions: conditions.map(|f| f.conditions).unwrap_or_default(),
                materials: materials.map(|f| f.materials).unwrap_or_default(),
                stages: stages.map(|f| f.stages).unwrap_or_default(),
                deadlines: deadlines.map(|f| f.deadlines).unwrap_or_default(),
                forms: forms.map(|f| f.forms).unwrap_or_default(),
                guides,
                holidays,
            },
            sources: reader.sources,
            static_files,
        }),
        _ => Err((reader.diagnostics, reader.sources)),
    }
}

struct Reader {
    root: PathBuf,
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
    /// YAML files parsed before, by path, with a hash of the text they were parsed from.
    parsed: ParsedFiles,
}

type ParsedFiles = ahash::AHashMap<PathBuf, (u64, Arc<dyn Any + Send + Sync>)>;

impl Reader {
    fn required_yaml<T: DeserializeOwned + Clone + Send + Sync + 'static>(&mut self, relative: &str) -> Option<T> {
        if !self.root.join(relative).is_file() {
            self.diagnostics.push(
                Diagnostic::error(format!("missing `{relative}`"))
                    .with_span(Span::file_only(Path::new(relative)))
                    .with_hint("every site needs this file; see docs/content-format.md"),
            );
            return None;
        }
        self.yaml_file(relative, true)
    }

    fn optional_yaml<T: DeserializeOwned + Clone + Send + Sync + 'static>(&mut self, relative: &str) -> Option<T> {
        self.yaml_file(relative, false)
    }

    fn yaml_file<T: DeserializeOwned + Clone + Send + Sync + 'static>(
        &mut self,
        relative: &str,
        required: bool,
    ) -> Option<T> {
        let relative = Path::new(relative);
        if !self.root.join(relative).exists() {
            return None;
        }
        let text = self.read_text(relative)?;
        // The parser would only say "unexpected end of input"; an empty file deserves plainer words.
        if is_blank_yaml(&text) {
            let hint = if required {
                "write this file's keys; docs/content-format.md lists the required ones"
            } else {
                "write its entries (see docs/content-format.md), or delete the file: it is optional"
            };
            self.diagnostics.push(
                Diagnostic::error("this file is empty")
                    .with_span(Span::file_only(relative))
                    .with_hint(hint),
            );
            return None;
        }
        let text_hash = hash_of(&text);
        if let Some(value) = self.parsed_before::<T>(relative, text_hash) {
            return Some(value);
        }
        match yaml::parse::<T>(relative, &text) {
            Ok(value) => {
                self.parsed
                    .insert(relative.to_path_buf(), (text_hash, Arc::new(value.clone())));
                Some(value)
            }
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    /// What an earlier build (`serve`) parsed from the very same text.
    fn parsed_before<T: Clone + 'static>(&self, relative: &Path, text_hash: u64) -> Option<T> {
        let (hash, value) = self.parsed.get(relative)?;
        (*hash == text_hash)
            .then(|| value.downcast_ref::<T>().cloned())
            .flatten()
    }

    /// Reads a file as UTF-8 and remembers its text; a problem becomes a diagnostic.
    fn read_text(&mut self, relative: &Path) -> Option<String> {
        let bytes = match std::fs::read(self.root.join(relative)) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.diagnostics.push(
                    Diagnostic::error(format!("cannot read this file: {error}"))
                        .with_span(Span::file_only(relative))
                        .with_hint("check that the file exists and is readable"),
                );
                return None;
            }
        };
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.remove(0);
                }
                self.sources.insert(relative, &text);
                Some(text)
            }
            Err(error) => {
                let valid = error.utf8_error().valid_up_to();
                let bytes = error.as_bytes();
                let prefix = String::from_utf8_lossy(&bytes[..valid]);
                let (line, column) = line_column(&prefix, prefix.len());
                // Keep a lossy copy so the diagnostic can quote the offending line.
                self.sources.insert(relative, &String::from_utf8_lossy(bytes));
                self.diagnostics.push(
                    Diagnostic::error("this file is not valid UTF-8")
                        .with_span(Span::new(relative, line, column, 1))
                        .with_hint("save the file as UTF-8 (without a legacy encoding such as GBK)"),
                );
                None
            }
        }
    }

    /// `content/holidays.yaml`, if the site has one (only the timeline needs it); `validate`
    /// checks its dates. Unlike `yaml_file`, a blank file is left to the parser to report.
    fn holidays(&mut self) -> Option<HolidaysFile> {
        let relative = Path::new("content/holidays.yaml");
        if !self.root.join(relative).exists() {
            return None;
        }
        let text = self.read_text(relative)?;
        let text_hash = hash_of(&text);
        if let Some(holidays) = self.parsed_before(relative, text_hash) {
            return Some(holidays);
        }
        match yaml::parse::<HolidaysFile>(relative, &text) {
            Ok(holidays) => {
                self.parsed
                    .insert(relative.to_path_buf(), (text_hash, Arc::new(holidays.clone())));
                Some(holidays)
            }
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    fn guides(&mut self, cache: &mut LoadCache) -> Vec<Arc<Guide>> {
        let changes = cache.changes.take();
        if !self.root.join("content/guides").is_dir() {
            cache.entries.clear();
            return Vec::new();
        }
        let patched = match changes {
            Some(changed) if cache.patchable && !cache.entries.is_empty() => {
                self.patch_entries(&mut cache.entries, &changed)
            }
            _ => false,
        };
        if !patched {
            let errors_before = self.diagnostics.len();
            let files = self.walk_guides();
            // A walk that found problems is no base for the next build to patch: they must be
            // found again until they are fixed.
            cache.patchable = self.diagnostics.len() == errors_before;
            let previous = std::mem::take(&mut cache.entries);
            cache.entries = self.entries_after_walk(files, previous, cache.enabled);
        }
        self.read_missing(&mut cache.entries, cache.enabled);
        let guides = cache
            .entries
            .iter()
            .filter_map(|entry| {
                let cached = entry.cached.as_ref()?;
                self.sources.insert_shared(&entry.file, cached.text.clone());
                Some(cached.guide.clone())
            })
            .collect();
        if !cache.enabled {
            cache.entries.clear();
        }
        guides
    }

    /// Applies the watcher's list of changed paths to last build's entries: changed guides are
    /// marked to be read, new ones added, removed ones dropped. False (and `entries` untouched)
    /// when the list cannot tell what happened, e.g. when it names a folder.
    fn patch_entries(&self, entries: &mut Vec<GuideEntry>, changed: &[PathBuf]) -> bool {
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
            let at = entries.binary_search_by(|entry| entry.file.as_path().cmp(path));
            match (at, exists) {
                (Ok(i), true) => entries[i].cached = None,
                (Err(i), true) => entries.insert(
                    i,
                    GuideEntry {
                        file: path.clone(),
                        cached: None,
                    },
                ),
                // A removed `x.md` may have been a folder: nothing below it is left either.
                (_, false) => entries.retain(|entry| !entry.file.starts_with(path)),
            }
        }
        true
    }

    /// Entries for the walked `files`, keeping a previous entry whose file has the same size
    /// and modification time as when it was read.
    fn entries_after_walk(&self, files: Vec<PathBuf>, previous: Vec<GuideEntry>, enabled: bool) -> Vec<GuideEntry> {
        let root = &self.root;
        files
            .into_par_iter()
            .map(|file| {
                let old = previous
                    .binary_search_by(|entry| entry.file.as_path().cmp(&file))
                    .ok()
                    .and_then(|i| previous[i].cached.as_ref());
                let cached = match old {
                    Some(old) if enabled && old.stamp.is_some() && old.stamp == file_stamp(&root.join(&file)) => {
                        Some(old.clone())
                    }
                    _ => None,
                };
                GuideEntry { file, cached }
            })
            .collect()
    }

    /// Reads and parses, in parallel (thousands of guides are worth both cores), every entry
    /// not taken from the cache.
    fn read_missing(&mut self, entries: &mut [GuideEntry], stamped: bool) {
        let root = &self.root;
        let reads: Vec<(usize, GuideRead)> = entries
            .par_iter()
            .enumerate()
            .filter(|(_, entry)| entry.cached.is_none())
            .map(|(i, entry)| (i, read_guide(root, &entry.file, stamped)))
            .collect();
        for (i, read) in reads {
            if let Some(text) = read.text {
                self.sources.insert_shared(&entries[i].file, text);
            }
            self.diagnostics.extend(read.diagnostics);
            entries[i].cached = read.cached;
        }
    }

    /// Every `content/guides/**/*.md`, sorted by path so the result never depends on the disk.
    fn walk_guides(&mut self) -> Vec<PathBuf> {
        let dir = self.root.join("content/guides");
        let mut files = Vec::new();
        for entry in WalkDir::new(&dir).follow_links(true) {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let path = error
                        .path()
                        .map(|p| self.relative(p))
                        .unwrap_or_else(|| PathBuf::from("content/guides"));
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
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = self.relative(entry.path());
            let name = entry.file_name().to_string_lossy();
            if is_editor_leftover(&name) {
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
        let front: FrontMatter = match yaml::parse(&file, split.yaml) {
            Ok(front) => front,
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
            body: split.body.to_string(),
            body_hash: hash_of(split.body),
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

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }
}

/// Reads and parses one guide, with a reader of its own (guides are read in parallel).
/// `stamped`: note the file's size and time, for telling later whether it changed.
fn read_guide(root: &Path, file: &Path, stamped: bool) -> GuideRead {
    // Taken before reading: a save during the read then shows as a change next time.
    let stamp = stamped.then(|| file_stamp(&root.join(file))).flatten();
    let mut reader = Reader {
        root: root.to_path_buf(),
        sources: SourceMap::default(),
        diagnostics: Vec::new(),
        parsed: ParsedFiles::default(),
    };
    let guide = reader.guide(file.to_path_buf()).map(Arc::new);
    let text: Option<Arc<str>> = reader.sources.get(file).map(Arc::from);
    match (guide, text) {
        (Some(guide), Some(text)) => GuideRead {
            cached: Some(CachedGuide { stamp, guide, text }),
            text: None,
            diagnostics: reader.diagnostics,
        },
        (_, text) => GuideRead {
            cached: None,
            text,
            diagnostics: reader.diagnostics,
        },
    }
}

fn hash_of(text: &str) -> u64 {
    let mut hasher = ahash::AHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

/// True when YAML text holds nothing but blank lines and comments.
fn is_blank_yaml(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|line| line.is_empty() || line.starts_with('#'))
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
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Err(FrontMatterProblem::Missing);
    }
    let mut offset = first_line_end;
    let mut line = 2u32;
    while offset < text.len() {
        let end = text[offset..].find('\n').map(|i| offset + i + 1).unwrap_or(text.len());
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
