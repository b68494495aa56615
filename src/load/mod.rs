//! Stage 1: read the site folder into a typed `Content` and keep every file's text.
//! It checks only what a single file can tell (syntax, types, keys); cross-references are `validate`'s.
//! The YAML files are read here; the guides (a folder of Markdown files) in `guides`.

mod guides;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diagnostics::{line_column, Diagnostic, SourceMap, Span};
use crate::memo::{Memo, Stamp};
use crate::model::*;
use crate::site_files::files_under;
use crate::yaml;

pub use guides::{split_front_matter, FrontMatterProblem, FrontMatterSplit};

/// In `Partial::unreadable` when stages.yaml was read past a mistake: a `number:` left out
/// because it was wrong would make the later stages' numbers look wrong, so they go unchecked.
pub const MISTAKEN_STAGES: &str = "stages read past a mistake";

/// In `Partial::unreadable` when a guide could not be read: links to it would look broken.
pub const UNREADABLE_GUIDE: &str = "guide";

/// What a load with mistakes still read: the content around them (each file read past its wrong
/// keys), the mistakes, and the kinds of item whose file could not be read at all, so that later
/// checks skip what depends on them instead of reporting each reference to them.
pub struct Partial {
    pub loaded: Loaded,
    pub problems: Vec<Diagnostic>,
    pub unreadable: std::collections::BTreeSet<&'static str>,
}

/// The loaded content and the text of every file it came from.
pub struct Loaded {
    pub content: Content,
    pub sources: SourceMap,
    /// Files under `static/`, copied to the output as they are: (path inside `static/`, bytes).
    pub static_files: Vec<(String, Vec<u8>)>,
}

/// What one load keeps for the next (`serve`): each YAML file parsed, stamped with its text;
/// each guide, stamped with the size and time of its file; and the list of guide files, so that
/// a load told what changed (`note_changes`) reads just that. The default keeps nothing.
#[derive(Default)]
pub struct LoadCache {
    yaml: YamlMemos,
    guides: guides::GuideMemo,
    /// What changed since the last load, as the file watcher saw it; `None` when unknown.
    changes: Option<Vec<PathBuf>>,
}

/// One memo per content file, each of its own type.
#[derive(Default)]
struct YamlMemos {
    site: Memo<(), Site>,
    subjects: Memo<(), SubjectsFile>,
    conditions: Memo<(), ConditionsFile>,
    materials: Memo<(), MaterialsFile>,
    stages: Memo<(), StagesFile>,
    deadlines: Memo<(), DeadlinesFile>,
    forms: Memo<(), FormsFile>,
    providers: Memo<(), ProvidersFile>,
    holidays: Memo<(), HolidaysFile>,
    changes: Memo<(), ChangesFile>,
}

impl LoadCache {
    /// A cache that keeps what each load read for the next.
    pub fn keeping() -> Self {
        LoadCache {
            yaml: YamlMemos {
                site: Memo::keeping(),
                subjects: Memo::keeping(),
                conditions: Memo::keeping(),
                materials: Memo::keeping(),
                stages: Memo::keeping(),
                deadlines: Memo::keeping(),
                forms: Memo::keeping(),
                providers: Memo::keeping(),
                holidays: Memo::keeping(),
                changes: Memo::keeping(),
            },
            guides: guides::GuideMemo::keeping(),
            changes: None,
        }
    }

    /// Tells the next load which files (relative to the root) changed since the last one, so
    /// that it reads just those instead of walking and checking every guide. Without a note,
    /// or when a note names a folder, the next load walks the whole guides folder.
    pub fn note_changes(&mut self, changed: &[String]) {
        if self.guides.keeps() {
            self.changes = Some(changed.iter().map(PathBuf::from).collect());
        }
    }
}

/// Reads `root/content`. Returns every problem found, not just the first.
pub fn load(root: &Path) -> Result<Loaded, (Vec<Diagnostic>, SourceMap)> {
    load_with(root, &mut LoadCache::default())
}

/// `load`, taking unchanged files from `cache`.
pub fn load_with(root: &Path, cache: &mut LoadCache) -> Result<Loaded, (Vec<Diagnostic>, SourceMap)> {
    let partial = load_partial_with(root, cache)?;
    if partial.problems.iter().any(Diagnostic::is_error) {
        return Err((partial.problems, partial.loaded.sources));
    }
    Ok(partial.loaded)
}

/// `load_with`, but a site whose `site.yaml` could be read comes back with its mistakes beside
/// what was read, so every later check can still run on it (see `Partial`).
pub fn load_partial_with(root: &Path, cache: &mut LoadCache) -> Result<Partial, (Vec<Diagnostic>, SourceMap)> {
    let mut reader = Reader::new(root);
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        let d = Diagnostic::error(format!("no content folder at `{}`", content_dir.display()))
            .with_hint("run guidegen in a site folder (one with a `content/` folder) or pass `--root DIR`");
        return Err((vec![d], reader.sources));
    }
    let memos = &mut cache.yaml;
    let site = reader.required_yaml("content/site.yaml", &mut memos.site);
    let subjects = reader.optional_yaml("content/subjects.yaml", &mut memos.subjects);
    let conditions = reader.optional_yaml("content/conditions.yaml", &mut memos.conditions);
    let materials = reader.optional_yaml("content/materials.yaml", &mut memos.materials);
    let stages = reader.optional_yaml("content/stages.yaml", &mut memos.stages);
    let deadlines = reader.optional_yaml("content/deadlines.yaml", &mut memos.deadlines);
    let forms = reader.optional_yaml("content/forms.yaml", &mut memos.forms);
    let providers = reader.optional_yaml("content/providers.yaml", &mut memos.providers);
    let holidays = reader.holidays(&mut memos.holidays);
    let changes = reader.optional_yaml("content/changes.yaml", &mut memos.changes);
    let before_guides = reader.diagnostics.len();
    let guides = reader.guides(&mut cache.guides, cache.changes.take());
    let guide_failed = reader.diagnostics[before_guides..].iter().any(Diagnostic::is_error);
    let static_files: Vec<(String, Vec<u8>)> = files_under(root, &root.join("static"), &mut reader.diagnostics)
        .into_iter()
        .map(|(path, bytes)| (path.trim_start_matches("static/").to_string(), bytes))
        .collect();
    let unreadable = [
        ("subject", subjects.is_none()),
        ("subject group", subjects.is_none()),
        ("condition", conditions.is_none()),
        ("material", materials.is_none()),
        ("stage", stages.is_none()),
        ("deadline", deadlines.is_none()),
        ("event", deadlines.is_none()),
        ("form", forms.is_none()),
        ("provider", providers.is_none()),
        ("calendar", holidays.is_none()),
        ("change", changes.is_none()),
    ]
    .into_iter()
    .filter(|(kind, missing)| *missing && reader.unreadable.contains(&file_of(kind)))
    .map(|(kind, _)| kind)
    .chain(guide_failed.then_some(UNREADABLE_GUIDE))
    .chain(
        reader
            .mistaken
            .contains(&Path::new("content/stages.yaml").to_path_buf())
            .then_some(MISTAKEN_STAGES),
    )
    .collect();
    match site {
        Some(site) => Ok(Partial {
            problems: reader.diagnostics,
            unreadable,
            loaded: Loaded {
                content: Content {
                    site,
                    subject_groups: subjects.as_ref().map(|f| f.groups.clone()).unwrap_or_default(),
                    subjects: subjects.map(|f| f.subjects).unwrap_or_default(),
                    conditions: conditions.map(|f| f.conditions).unwrap_or_default(),
                    materials: materials.map(|f| f.materials).unwrap_or_default(),
                    stages: stages.map(|f| f.stages).unwrap_or_default(),
                    events: deadlines.as_ref().map(|f| f.events.clone()).unwrap_or_default(),
                    deadlines: deadlines.map(|f| f.deadlines).unwrap_or_default(),
                    forms: forms.map(|f| f.forms).unwrap_or_default(),
                    providers: providers.map(|f| f.providers).unwrap_or_default(),
                    guides,
                    holidays,
                    changes: changes.map(|f| f.changes).unwrap_or_default(),
                },
                sources: reader.sources,
                static_files,
            },
        }),
        None => Err((reader.diagnostics, reader.sources)),
    }
}

/// The largest YAML file read (a whole site's rules fit in well under 1 MB).
pub const MOST_YAML_BYTES: u64 = 16 << 20;
/// The largest guide read.
pub const MOST_GUIDE_BYTES: u64 = 64 << 20;

fn size_limit(relative: &Path) -> u64 {
    if relative.extension().is_some_and(|e| e == "md") {
        MOST_GUIDE_BYTES
    } else {
        MOST_YAML_BYTES
    }
}

enum ReadRefused {
    NotAFile,
    /// The file's size and the limit, in bytes.
    TooLarge(u64, u64),
    Io(std::io::Error),
}

/// The bytes of the regular file at `path` (a link is followed), if it has at most `limit`;
/// checked before reading, and the read itself stops past the limit in case the file grows.
fn read_content_file(path: &Path, limit: u64) -> Result<Result<Vec<u8>, std::io::Error>, ReadRefused> {
    use std::io::Read;
    let metadata = std::fs::metadata(path).map_err(ReadRefused::Io)?;
    if !metadata.is_file() {
        return Err(ReadRefused::NotAFile);
    }
    if metadata.len() > limit {
        return Err(ReadRefused::TooLarge(metadata.len(), limit));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    let read = std::fs::File::open(path).and_then(|file| file.take(limit + 1).read_to_end(&mut bytes));
    match read {
        Ok(_) if bytes.len() as u64 > limit => Err(ReadRefused::TooLarge(bytes.len() as u64, limit)),
        Ok(_) => Ok(Ok(bytes)),
        Err(error) => Ok(Err(error)),
    }
}

/// The file that defines items of `kind`.
fn file_of(kind: &str) -> &'static str {
    match kind {
        "subject" | "subject group" => "content/subjects.yaml",
        "condition" => "content/conditions.yaml",
        "material" => "content/materials.yaml",
        "stage" => "content/stages.yaml",
        "deadline" | "event" => "content/deadlines.yaml",
        "form" => "content/forms.yaml",
        "provider" => "content/providers.yaml",
        "calendar" => "content/holidays.yaml",
        _ => "content/changes.yaml",
    }
}

/// Reads files of one site, keeping their texts and what was wrong with them.
struct Reader {
    root: PathBuf,
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
    /// Files that exist but gave nothing to go on (unreadable, empty, or mistaken past reading).
    unreadable: Vec<&'static str>,
    /// Files read past their mistakes (see `yaml::parse_all`).
    mistaken: Vec<PathBuf>,
}

impl Reader {
    fn new(root: &Path) -> Self {
        Reader {
            root: root.to_path_buf(),
            sources: SourceMap::default(),
            diagnostics: Vec::new(),
            unreadable: Vec::new(),
            mistaken: Vec::new(),
        }
    }

    fn required_yaml<T: DeserializeOwned + Clone>(&mut self, relative: &str, memo: &mut Memo<(), T>) -> Option<T> {
        if !self.root.join(relative).is_file() {
            self.diagnostics.push(
                Diagnostic::error(format!("missing `{relative}`"))
                    .with_span(Span::file_only(Path::new(relative)))
                    .with_hint("every site needs this file; see docs/content-format.md"),
            );
            return None;
        }
        self.yaml_file(relative, true, memo)
    }

    fn optional_yaml<T: DeserializeOwned + Clone>(
        &mut self,
        relative: &'static str,
        memo: &mut Memo<(), T>,
    ) -> Option<T> {
        let read = self.yaml_file(relative, false, memo);
        if read.is_none() && self.root.join(relative).exists() {
            self.unreadable.push(relative);
        }
        read
    }

    fn yaml_file<T: DeserializeOwned + Clone>(
        &mut self,
        relative: &str,
        required: bool,
        memo: &mut Memo<(), T>,
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
        self.parsed(relative, &text, memo)
    }

    /// `text` parsed as `T`, or what an earlier load parsed from the very same text.
    fn parsed<T: DeserializeOwned + Clone>(
        &mut self,
        relative: &Path,
        text: &str,
        memo: &mut Memo<(), T>,
    ) -> Option<T> {
        let parsed = memo.try_get_or_build(&(), || Stamp::of(text), || yaml::parse_all::<T>(relative, text));
        memo.sweep();
        match parsed {
            Ok(value) => Some(value),
            Err(mistakes) => {
                self.diagnostics.extend(mistakes.diagnostics);
                self.mistaken.push(relative.to_path_buf());
                mistakes.partial
            }
        }
    }

    /// Reads a file as UTF-8 and remembers its text; a problem becomes a diagnostic. Only a
    /// regular file within its size limit is read: a named pipe would wait forever and a link to
    /// a device such as `/dev/zero` would never end, so both are refused before reading.
    fn read_text(&mut self, relative: &Path) -> Option<String> {
        let bytes = match read_content_file(&self.root.join(relative), size_limit(relative)) {
            Ok(bytes) => bytes,
            Err(ReadRefused::NotAFile) => {
                self.diagnostics.push(
                    Diagnostic::error("this is not a regular file (a named pipe, a device or a folder)")
                        .with_span(Span::file_only(relative))
                        .with_hint("content files must be ordinary files; replace it with the file itself"),
                );
                return None;
            }
            Err(ReadRefused::TooLarge(size, limit)) => {
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "this file is {} MB, more than the {} MB a content file of its kind may be",
                        size.div_ceil(1 << 20),
                        limit >> 20
                    ))
                    .with_span(Span::file_only(relative))
                    .with_hint("split it into several files, or check that it is the file you meant (not a log or a data dump)"),
                );
                return None;
            }
            Err(ReadRefused::Io(error)) => Err(error),
        };
        let bytes = match bytes {
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
    fn holidays(&mut self, memo: &mut Memo<(), HolidaysFile>) -> Option<HolidaysFile> {
        let relative = Path::new("content/holidays.yaml");
        if !self.root.join(relative).exists() {
            return None;
        }
        let text = self.read_text(relative);
        let read = text.and_then(|text| self.parsed(relative, &text, memo));
        if read.is_none() {
            self.unreadable.push("content/holidays.yaml");
        }
        read
    }

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }
}

/// True when YAML text holds nothing but blank lines and comments.
fn is_blank_yaml(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|line| line.is_empty() || line.starts_with('#'))
}
