//! Reading an archive folder from disk: the only place that touches the
//! documents. A `Loader` remembers what it read, so a reload reads only the
//! files that changed and shares the rest with the previous archive.
//!
//! A folder holds documents in our text format (`*.txt`), Reddit or bdfr
//! thread JSON (`*.json`), one thread per file, and Pushshift / Arctic Shift
//! dumps (`*.jsonl`, `*.ndjson`, `*.zst`), whose threads span files: the
//! dumps are read as one group, again whenever any of them changes.
//! Subfolders are read too (bdfr writes one per subreddit), but not hidden
//! ones, nor links that lead out of the folder. The media folders are
//! searched for files named after the archive's posts (`media.rs`).

mod media;
mod walk;

pub use media::{MediaScan, media_kind, post_of};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::formats::{dump::Dumps, json};
use crate::model::{Archive, Diagnostic, Discussion, Names};
use crate::parse::{Parsed, parse_bytes_in};

/// What loading a folder produced, and what it cost.
pub struct Loaded {
    pub archive: Archive,
    pub elapsed: Duration,
    /// How many files were read (the others were unchanged).
    pub files_read: usize,
}

/// A file's modification time and size: when both are unchanged, so is it.
type Stamp = (SystemTime, u64);

/// What the loader knows of one file.
struct Known {
    stamp: Option<Stamp>,
    discussion: Option<Arc<Discussion>>,
    diagnostics: Vec<Diagnostic>,
}

/// What the dumps of the folder made, and from which versions of them.
#[derive(Default)]
struct DumpGroup {
    stamps: Vec<(PathBuf, Option<Stamp>)>,
    discussions: Vec<Arc<Discussion>>,
    diagnostics: Vec<Diagnostic>,
}

/// Loads a folder of documents, and reloads it cheaply.
pub struct Loader {
    dir: PathBuf,
    known: HashMap<PathBuf, Known>,
    dumps: DumpGroup,
    /// Every author name once, shared by all the discussions: a name in a
    /// thousand files is kept once, not a thousand times.
    names: Names,
    /// The folders searched for the posts' media files.
    media: MediaScan,
}

/// The kinds of file a folder may hold, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Our text format: one discussion.
    Text,
    /// Reddit's or bdfr's JSON: one thread.
    Thread,
    /// JSON lines, perhaps zstd-compressed: part of many threads.
    Dump { compressed: bool },
}

fn kind(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" => Some(Kind::Text),
        "json" => Some(Kind::Thread),
        "jsonl" | "ndjson" => Some(Kind::Dump { compressed: false }),
        "zst" => Some(Kind::Dump { compressed: true }),
        _ => None,
    }
}

/// A folder's documents, with their kinds, and its media files.
type Listed = (Vec<(PathBuf, Kind)>, Vec<PathBuf>);

/// The documents inside `dir` and its subfolders, sorted, and (in the
/// same walk) its media files. A file that cannot be read (a dangling
/// link, say) is still listed, so that its last good version can be kept.
/// A downloader's notes on a media file (gallery-dl's `{file}.jpg.json`)
/// are not documents.
fn document_paths(dir: &Path) -> std::io::Result<Listed> {
    let paths = walk::files(dir, &|path| {
        (kind(path).is_some() && !is_sidecar(path)) || media_kind(path).is_some()
    })?;
    let (documents, media): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().partition(|path| kind(path).is_some());
    let documents = documents
        .into_iter()
        .filter_map(|path| Some((path.clone(), kind(&path)?)))
        .collect();
    Ok((documents, media))
}

/// `photo.jpg.json`: the notes a downloader keeps beside a media file.
fn is_sidecar(path: &Path) -> bool {
    path.file_stem()
        .map(Path::new)
        .is_some_and(|stem| media_kind(stem).is_some())
}

/// Reads one file of a single discussion.
fn parse_file(path: &Path, kind: Kind, names: &Names) -> std::io::Result<Parsed> {
    let bytes = std::fs::read(path)?;
    let name = file_name(path);
    Ok(match kind {
        Kind::Thread => json::parse(&name, &bytes),
        _ => parse_bytes_in(&name, &bytes, names),
    })
}

/// Counts the bytes read through it (the progress of a dump).
struct Counting<'a, R> {
    inner: R,
    read: &'a (dyn Fn(u64) + Sync),
}

impl<R: std::io::Read> std::io::Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.read)(n as u64);
        Ok(n)
    }
}

/// The largest zstd window a dump may use: 2 GiB, as the Pushshift and
/// Arctic Shift dumps need.
const ZSTD_WINDOW_LOG_MAX: u32 = 31;

/// Reads every dump of `paths` into one set of threads.
fn read_dumps(
    paths: &[PathBuf],
    read: &(dyn Fn(u64) + Sync),
) -> (Vec<Arc<Discussion>>, Vec<Diagnostic>) {
    let mut dumps = Dumps::default();
    let mut failures = Vec::new();
    for path in paths {
        let name = file_name(path);
        let opened = std::fs::File::open(path).and_then(|file| {
            let counted = Counting { inner: file, read };
            let reader: Box<dyn std::io::BufRead + Send> =
                if kind(path) == Some(Kind::Dump { compressed: true }) {
                    let mut decoder = zstd::stream::read::Decoder::new(counted)?;
                    decoder.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
                    Box::new(std::io::BufReader::with_capacity(1 << 20, decoder))
                } else {
                    Box::new(std::io::BufReader::with_capacity(1 << 20, counted))
                };
            Ok(reader)
        });
        match opened {
            Ok(reader) => dumps.read(&name, reader),
            Err(err) => failures.push(Diagnostic {
                file: name,
                line: None,
                message: format!("cannot read the file: {err}"),
            }),
        }
    }
    let (discussions, mut diagnostics) = dumps.finish();
    diagnostics.extend(failures);
    (discussions.into_iter().map(Arc::new).collect(), diagnostics)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

impl Loader {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Loader {
            media: MediaScan::new(vec![dir.clone()]),
            dir,
            known: HashMap::new(),
            dumps: DumpGroup::default(),
            names: Names::default(),
        }
    }

    /// Searches `dirs` for media files instead of the archive's folder
    /// (which holds its `media/` folder).
    pub fn with_media_dirs(mut self, dirs: Vec<PathBuf>) -> Self {
        if !dirs.is_empty() {
            self.media = MediaScan::new(dirs);
        }
        self
    }

    /// The folders searched for media files.
    pub fn media_dirs(&self) -> &[PathBuf] {
        self.media.dirs()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether a changed path is one this loader reads: a document, a
    /// folder of the archive, or a media file.
    pub fn watches(&self, path: &Path) -> bool {
        let document = kind(path).is_some() || path.extension().is_none() || path.is_dir();
        (document && walk::is_within(&self.dir, path)) || self.media.watches(path)
    }

    /// Reads the folder. Files seen for the first time, changed since (by
    /// modification time and size) or named in `changed` are read and
    /// parsed, in parallel; the others are reused. A file that was good and
    /// now cannot be read, or no longer parses, keeps its last good version,
    /// with a diagnostic. Only an unreadable folder is an error.
    pub fn load(&mut self, changed: &HashSet<PathBuf>) -> std::io::Result<Loaded> {
        self.load_with_progress(changed, &|_, _| {})
    }

    /// [`Loader::load`], calling `progress(bytes read, bytes to read)` as
    /// it goes (from several threads).
    pub fn load_with_progress(
        &mut self,
        changed: &HashSet<PathBuf>,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> std::io::Result<Loaded> {
        let started = Instant::now();
        let (listed, media) = document_paths(&self.dir)?;
        let (dump_paths, paths): (Vec<_>, Vec<_>) = listed
            .into_iter()
            .partition(|(_, kind)| matches!(kind, Kind::Dump { .. }));
        let dump_stamps: Vec<(PathBuf, Option<Stamp>)> = dump_paths
            .into_iter()
            .map(|(path, _)| {
                let stamp = stamp(&path);
                (path, stamp)
            })
            .collect();
        let dumps_stale = dump_stamps != self.dumps.stamps
            || dump_stamps
                .iter()
                .any(|(path, stamp)| stamp.is_none() || changed.contains(path));
        let stale: Vec<(&PathBuf, Kind, Option<Stamp>)> = paths
            .iter()
            .map(|(path, kind)| (path, *kind, stamp(path)))
            .filter(|(path, _, stamp)| {
                changed.contains(*path)
                    || self
                        .known
                        .get(*path)
                        .is_none_or(|known| known.stamp.is_none() || known.stamp != *stamp)
            })
            .collect();
        let size = |stamp: &Option<Stamp>| stamp.map_or(0, |(_, len)| len);
        let mut total: u64 = stale.iter().map(|(_, _, stamp)| size(stamp)).sum();
        let files_read = stale.len() + if dumps_stale { dump_stamps.len() } else { 0 };
        if dumps_stale {
            total += dump_stamps
                .iter()
                .map(|(_, stamp)| size(stamp))
                .sum::<u64>();
        }
        let done = AtomicU64::new(0);
        let advance =
            |bytes: u64| progress(done.fetch_add(bytes, Ordering::Relaxed) + bytes, total);
        let fresh: Vec<(PathBuf, Option<Stamp>, std::io::Result<Parsed>)> = stale
            .into_par_iter()
            .map(|(path, kind, stamp)| {
                let parsed = parse_file(path, kind, &self.names);
                advance(size(&stamp));
                (path.clone(), stamp, parsed)
            })
            .collect();
        if dumps_stale {
            let paths: Vec<PathBuf> = dump_stamps.iter().map(|(path, _)| path.clone()).collect();
            let (discussions, diagnostics) = read_dumps(&paths, &advance);
            self.dumps = DumpGroup {
                stamps: dump_stamps,
                discussions,
                diagnostics,
            };
        }

        let listed: HashSet<&PathBuf> = paths.iter().map(|(path, _)| path).collect();
        self.known.retain(|path, _| listed.contains(path));
        for (path, stamp, parsed) in fresh {
            let previous = self.known.remove(&path).and_then(|k| k.discussion);
            let known = Known::after(&file_name(&path), stamp, parsed, previous);
            self.known.insert(path, known);
        }
        Ok(Loaded {
            archive: self.archive(&paths, &media),
            elapsed: started.elapsed(),
            files_read,
        })
    }

    /// The archive of the files `paths` (in their order) and the dumps, as
    /// last read.
    fn archive(&mut self, paths: &[(PathBuf, Kind)], media: &[PathBuf]) -> Archive {
        let mut discussions = Vec::with_capacity(self.known.len() + self.dumps.discussions.len());
        let mut diagnostics = Vec::new();
        for (path, _) in paths {
            if let Some(known) = self.known.get(path) {
                discussions.extend(known.discussion.clone());
                diagnostics.extend(known.diagnostics.iter().cloned());
            }
        }
        discussions.extend(self.dumps.discussions.iter().cloned());
        diagnostics.extend(self.dumps.diagnostics.iter().cloned());
        let archive = Archive::new(discussions, diagnostics);
        let posts: HashSet<&str> = archive.post_ids().collect();
        let media = self
            .media
            .scan(&|id| posts.contains(id), (&self.dir, media));
        drop(posts);
        archive.with_media(Arc::new(media))
    }
}

impl Known {
    /// What is known of the file `name` once read again (`parsed`): its
    /// new discussion, or the last good one (`previous`) when it no longer
    /// yields one, said in a diagnostic.
    fn after(
        name: &str,
        stamp: Option<Stamp>,
        parsed: std::io::Result<Parsed>,
        previous: Option<Arc<Discussion>>,
    ) -> Known {
        let (discussion, mut diagnostics, stamp) = match parsed {
            Ok(Parsed {
                discussion: Some(d),
                diagnostics,
            }) => {
                return Known {
                    stamp,
                    discussion: Some(Arc::new(d)),
                    diagnostics,
                };
            }
            Ok(Parsed {
                discussion: None,
                diagnostics,
            }) => (previous, diagnostics, stamp),
            // No stamp: the next load tries again.
            Err(err) => {
                let unreadable = Diagnostic {
                    file: name.to_owned(),
                    line: None,
                    message: format!("cannot read the file: {err}"),
                };
                (previous, vec![unreadable], None)
            }
        };
        if discussion.is_some() {
            diagnostics.push(kept_last_good(name));
        }
        Known {
            stamp,
            discussion,
            diagnostics,
        }
    }
}

fn kept_last_good(name: &str) -> Diagnostic {
    Diagnostic {
        file: name.to_owned(),
        line: None,
        message: "showing the last version of this file that could be read".to_owned(),
    }
}

/// Loads every document of `dir` once.
pub fn load_dir(dir: &Path) -> std::io::Result<Loaded> {
    Loader::new(dir).load(&HashSet::new())
}
