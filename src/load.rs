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

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::formats::{dump::Dumps, json};
use crate::model::{Archive, Diagnostic, Discussion, EmptyShelf, Head, Names};
use crate::parse::{Parsed, parse_bytes_in};
use crate::store::{FileKind, Fingerprint, Made, Record, Store, StoreError, StoreShelf};

/// What loading a folder produced, and what it cost.
pub struct Loaded {
    pub archive: Archive,
    pub elapsed: Duration,
    /// How many files were read (the others were unchanged).
    pub files_read: usize,
    /// How many of those were parsed (the others had the content the store
    /// holds, under a new modification time).
    pub files_parsed: usize,
    /// Whether what the store held was served (else it was empty, or had
    /// to be made again: why).
    pub store: StoreState,
}

/// What became of the store in a load.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StoreState {
    /// It was already read (a reload), or had nothing yet.
    #[default]
    Current,
    /// What it held was read instead of the files it came from.
    Restored { files: usize },
    /// It could not be read (damaged: why) and was made again.
    Rebuilt(String),
    /// What changed could not be written (why): the files it lacks are
    /// read again at the next start.
    Unwritten(String),
}

/// A file's modification time and size: when both are unchanged, so is it.
type Stamp = (SystemTime, u64);

/// A discussion the store keeps: its key there, and its head.
#[derive(Clone)]
struct Held {
    key: i64,
    head: Arc<Head>,
}

/// What the loader knows of one file.
struct Known {
    stamp: Option<Stamp>,
    /// A hash of the content it was made from.
    hash: Option<u64>,
    /// The discussion it made, as the store keeps it.
    held: Option<Held>,
    diagnostics: Vec<Diagnostic>,
}

/// What the dumps of the folder made, and from which versions of them.
#[derive(Default)]
struct DumpGroup {
    stamps: Vec<(PathBuf, Option<Stamp>)>,
    held: Vec<Held>,
    diagnostics: Vec<Diagnostic>,
}

/// Loads a folder of documents, and reloads it cheaply.
pub struct Loader {
    dir: PathBuf,
    /// By path, as its bytes (a `PathBuf` hashes and compares component
    /// by component: a start looks up each of a million files).
    known: FxHashMap<OsString, Known>,
    dumps: DumpGroup,
    /// Every author name once, shared by all the discussions: a name in a
    /// thousand files is kept once, not a thousand times.
    names: Arc<Names>,
    /// The folders searched for the posts' media files.
    media: MediaScan,
    /// Where what the files made is kept, so the next start reads it
    /// instead of parsing them.
    store: Store,
    /// Whether the store's content was read (at the first load).
    restored: bool,
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

/// A file of a single discussion read again.
enum Fresh {
    /// Parsed, with the hash of its content.
    Parsed(u64, Box<Parsed>),
    /// Its content is what the loader holds (its hash).
    Same(u64),
}

/// Reads one file of a single discussion, and parses it unless its content
/// hashes to `known`.
fn read_file(path: &Path, kind: Kind, names: &Names, known: Option<u64>) -> std::io::Result<Fresh> {
    let bytes = std::fs::read(path)?;
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    if known == Some(hash) {
        return Ok(Fresh::Same(hash));
    }
    let name = file_name(path);
    Ok(Fresh::Parsed(
        hash,
        Box::new({
            let mut parsed = match kind {
                Kind::Thread => json::parse(&name, &bytes),
                _ => parse_bytes_in(&name, &bytes, names),
            };
            parsed.discussion = parsed.discussion.map(Discussion::fingerprinted);
            parsed
        }),
    ))
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
) -> (Vec<Discussion>, Vec<Diagnostic>) {
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
    (discussions, diagnostics)
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

/// A file's place in the store: its path in the folder `dir`, `/` between
/// folders.
fn stored_path(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// A file to read: where, its kind and stamp, and the hash of the content
/// that made what the loader holds of it (if anything).
type Work = (PathBuf, Kind, Option<Stamp>, Option<u64>);

/// A file read in an ingest, waiting to be written: where, its kind, and
/// the discussion it newly made (if it did).
type Read = (PathBuf, Kind, Option<Discussion>);

/// What the files of `batch` made, as the store keeps it.
fn records<'a>(
    dir: &Path,
    known: &'a FxHashMap<OsString, Known>,
    batch: &'a [Read],
) -> Vec<Record<'a>> {
    batch
        .iter()
        .map(|(path, kind, fresh)| {
            let known = &known[path.as_os_str()];
            Record {
                path: stored_path(dir, path),
                kind: kind.stored(),
                fingerprint: fingerprint(known.stamp, known.hash),
                discussion: match (fresh, &known.held) {
                    (Some(d), _) => Made::New(d),
                    (None, Some(held)) => Made::Kept(held.key),
                    (None, None) => Made::Nothing,
                },
                diagnostics: &known.diagnostics,
            }
        })
        .collect()
}

/// A stamp as the store keeps it, with the content's hash.
fn fingerprint(stamp: Option<Stamp>, hash: Option<u64>) -> Option<Fingerprint> {
    let (modified, size) = stamp?;
    let modified_ns = match modified.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_nanos()).unwrap_or(i64::MAX),
    };
    Some(Fingerprint {
        size,
        modified_ns,
        hash,
    })
}

/// The stamp a fingerprint keeps.
fn stamp_of(fingerprint: Fingerprint) -> Stamp {
    let ns = fingerprint.modified_ns;
    let modified = if ns >= 0 {
        SystemTime::UNIX_EPOCH + Duration::from_nanos(ns as u64)
    } else {
        SystemTime::UNIX_EPOCH - Duration::from_nanos(ns.unsigned_abs())
    };
    (modified, fingerprint.size)
}

impl Kind {
    fn stored(self) -> FileKind {
        match self {
            Kind::Text => FileKind::Text,
            Kind::Thread => FileKind::Thread,
            Kind::Dump { .. } => FileKind::Dump,
        }
    }
}

impl Loader {
    /// A loader of `dir` that keeps what it reads in `store`, and starts
    /// from what the store holds.
    pub fn new(dir: impl Into<PathBuf>, store: Store) -> Self {
        let dir = dir.into();
        Loader {
            media: MediaScan::new(vec![dir.clone()]),
            dir,
            known: FxHashMap::default(),
            dumps: DumpGroup::default(),
            names: Arc::default(),
            store,
            restored: false,
        }
    }

    /// Reads what the store holds into what the loader knows (once),
    /// telling `progress` how many bytes of documents that was. A damaged
    /// store is emptied, and the files are read instead.
    fn restore(&mut self, progress: &(dyn Fn(u64, u64) + Sync)) -> StoreState {
        if std::mem::replace(&mut self.restored, true) {
            return StoreState::Current;
        }
        let read = self.read_store(progress);
        self.store.release();
        match read {
            Ok(0) => StoreState::Current,
            Ok(files) => StoreState::Restored { files },
            Err(err) => {
                self.known.clear();
                self.dumps = DumpGroup::default();
                let why = err.to_string();
                match self.store.reset() {
                    Ok(()) => StoreState::Rebuilt(why),
                    Err(again) => StoreState::Unwritten(format!("{why}; then {again}")),
                }
            }
        }
    }

    fn read_store(&mut self, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<usize, StoreError> {
        let files = self.store.files()?;
        // A file's discussion (the first, should there be more), and the
        // dumps' (of no file).
        let mut heads: FxHashMap<i64, Held> = FxHashMap::default();
        let mut of_dumps = Vec::new();
        for stored in self.store.heads()? {
            let held = Held {
                key: stored.key,
                head: Arc::new(stored.head),
            };
            match stored.file {
                Some(file) => {
                    heads.entry(file).or_insert(held);
                }
                None => of_dumps.push(held),
            }
        }
        let mut diagnostics: FxHashMap<Option<i64>, Vec<Diagnostic>> = FxHashMap::default();
        for (file, d) in self.store.diagnostics()? {
            diagnostics.entry(file).or_default().push(d);
        }
        let mut dumps = DumpGroup::default();
        for file in &files {
            let path = self.dir.join(&file.path);
            if file.kind == FileKind::Dump {
                dumps.stamps.push((path, file.fingerprint.map(stamp_of)));
                continue;
            }
            let known = Known {
                stamp: file.fingerprint.map(stamp_of),
                hash: file.fingerprint.and_then(|f| f.hash),
                held: heads.remove(&file.id),
                diagnostics: diagnostics.remove(&Some(file.id)).unwrap_or_default(),
            };
            self.known.insert(path.into_os_string(), known);
        }
        if !dumps.stamps.is_empty() {
            // In the order the folder lists them (by path, as `walk` sorts
            // them; the store sorts its paths as text).
            dumps.stamps.sort_by(|a, b| a.0.cmp(&b.0));
            dumps.held = of_dumps;
            dumps.diagnostics = diagnostics.remove(&None).unwrap_or_default();
        }
        self.dumps = dumps;
        let total = files
            .iter()
            .map(|f| f.fingerprint.map_or(0, |f| f.size))
            .sum();
        progress(total, total);
        Ok(files.len())
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
        // The folder is walked while the store is read.
        let dir = self.dir.clone();
        let (mut store_state, walked) = std::thread::scope(|scope| {
            // With each file's stamp (a `stat` each, in parallel), also
            // while the store is read.
            let walking = scope.spawn(|| {
                let (listed, media) = document_paths(&dir)?;
                let stamped: Vec<(PathBuf, Kind, Option<Stamp>)> = listed
                    .into_par_iter()
                    .map(|(path, kind)| {
                        let stamp = stamp(&path);
                        (path, kind, stamp)
                    })
                    .collect();
                Ok::<_, std::io::Error>((stamped, media))
            });
            let state = self.restore(progress);
            (
                state,
                walking.join().expect("walking a folder does not panic"),
            )
        });
        // What the last load set aside is read by no archive now.
        if let Err(err) = self.store.purge() {
            store_state = StoreState::Unwritten(err.to_string());
        }
        let (listed, media) = walked?;
        let (dump_paths, paths): (Vec<_>, Vec<_>) = listed
            .into_iter()
            .partition(|(_, kind, _)| matches!(kind, Kind::Dump { .. }));
        let dump_stamps: Vec<(PathBuf, Option<Stamp>)> = dump_paths
            .into_iter()
            .map(|(path, _, stamp)| (path, stamp))
            .collect();
        let dumps_stale = dump_stamps != self.dumps.stamps
            || dump_stamps
                .iter()
                .any(|(path, stamp)| stamp.is_none() || changed.contains(path));
        let stale: Vec<(&PathBuf, Kind, Option<Stamp>)> = paths
            .iter()
            .map(|(path, kind, stamp)| (path, *kind, *stamp))
            .filter(|(path, _, stamp)| {
                changed.contains(*path)
                    || self
                        .known
                        .get(path.as_os_str())
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
        let listed: FxHashSet<&std::ffi::OsStr> =
            paths.iter().map(|(path, _, _)| path.as_os_str()).collect();
        let gone: Vec<String> = self
            .known
            .keys()
            .filter(|path| !listed.contains(path.as_os_str()))
            .map(|path| stored_path(&self.dir, Path::new(path)))
            .collect();
        self.known
            .retain(|path, _| listed.contains(path.as_os_str()));
        // With what each file's content hashed to when it last made a
        // discussion: the same content is not parsed again.
        let work: Vec<Work> = stale
            .into_iter()
            .map(|(path, kind, stamp)| {
                let known = self.known.get(path.as_os_str());
                let hash = known.and_then(|k| k.held.as_ref().and(k.hash));
                (path.clone(), kind, stamp, hash)
            })
            .collect();
        // A first reading of many files, or of dumps, into an empty store
        // is written without the comments' indexes, which are made once at
        // its end, by sorting.
        let (bulk, written) = match work.len() > BULK_FILES || dumps_stale {
            true => match self.store.drop_indexes() {
                Ok(bulk) => (bulk, Ok(())),
                Err(err) => (false, Err(err)),
            },
            false => (false, Ok(())),
        };
        let (files_parsed, mut written) = self.ingest(work, &gone, written, &advance);
        if dumps_stale {
            let paths: Vec<PathBuf> = dump_stamps.iter().map(|(path, _)| path.clone()).collect();
            let (discussions, diagnostics) = read_dumps(&paths, &advance);
            let discussions: Vec<Discussion> = discussions
                .into_par_iter()
                .map(Discussion::fingerprinted)
                .collect();
            self.dumps.stamps = dump_stamps;
            self.dumps.diagnostics = diagnostics;
            written = written.and_then(|()| self.keep_dumps(&discussions));
        }
        if bulk {
            written = written.and_then(|()| self.store.make_indexes());
        }
        self.store.release();
        if let Err(err) = written {
            store_state = StoreState::Unwritten(err.to_string());
        }
        Ok(Loaded {
            archive: self.archive(&paths, &media),
            elapsed: started.elapsed(),
            files_read,
            files_parsed,
            store: store_state,
        })
    }

    /// Reads and parses the files of `work` in parallel while one writer
    /// keeps what they made in the store, in transactions of about
    /// [`BATCH_BYTES`] of documents, and forgets the files `gone` (unless
    /// the store already failed: `written`). How many files were parsed,
    /// and whether the store took it all.
    fn ingest(
        &mut self,
        work: Vec<Work>,
        gone: &[String],
        mut written: Result<(), StoreError>,
        advance: &(dyn Fn(u64) + Sync),
    ) -> (usize, Result<(), StoreError>) {
        let Loader {
            dir,
            known,
            names,
            store,
            ..
        } = self;
        if !gone.is_empty() {
            written = written.and_then(|()| store.write(&[], gone).map(drop));
        }
        let mut parsed = 0;
        let (tx, rx) = std::sync::mpsc::sync_channel(256);
        std::thread::scope(|scope| {
            let names = &**names;
            scope.spawn(move || {
                work.into_par_iter()
                    .for_each_with(tx, |tx, (path, kind, stamp, hash)| {
                        let read = read_file(&path, kind, names, hash);
                        advance(stamp.map_or(0, |(_, len)| len));
                        // The writer stops listening only when it is done.
                        let _ = tx.send((path, kind, stamp, read));
                    });
            });
            let mut batch: Vec<Read> = Vec::new();
            let mut bytes = 0;
            let mut flush = |batch: &mut Vec<Read>, known: &mut FxHashMap<OsString, Known>| {
                if written.is_ok() && !batch.is_empty() {
                    match store.write(&records(dir, known, batch), &[]) {
                        Ok(keys) => {
                            for ((path, _, fresh), key) in batch.drain(..).zip(keys) {
                                if let (Some(d), Some((key, fingerprint))) = (fresh, key) {
                                    let head = Arc::new(d.head_with(fingerprint));
                                    let known = known.get_mut(path.as_os_str()).expect("just read");
                                    known.held = Some(Held { key, head });
                                }
                            }
                        }
                        Err(err) => written = Err(err),
                    }
                }
                // What could not be kept is read again at the next start.
                for (path, _, fresh) in batch.drain(..) {
                    let known = known.get_mut(path.as_os_str()).expect("just read");
                    known.stamp = None;
                    if fresh.is_some() {
                        known.diagnostics.push(Diagnostic {
                            file: file_name(&path),
                            line: None,
                            message: "not shown: the store could not keep it (it is read again at the next start)".to_owned(),
                        });
                    }
                }
            };
            for (path, kind, stamp, read) in rx {
                if matches!(read, Ok(Fresh::Parsed(..))) {
                    parsed += 1;
                }
                let previous = known.remove(path.as_os_str());
                let (now, fresh) = Known::after(&file_name(&path), stamp, read, previous);
                bytes += stamp.map_or(0, |(_, len)| len);
                known.insert(path.clone().into_os_string(), now);
                batch.push((path, kind, fresh));
                if bytes >= BATCH_BYTES {
                    flush(&mut batch, known);
                    bytes = 0;
                }
            }
            flush(&mut batch, known);
        });
        (parsed, written)
    }

    /// Writes what the dumps made (`discussions`) to the store.
    fn keep_dumps(&mut self, discussions: &[Discussion]) -> Result<(), StoreError> {
        let stored: Vec<(String, Option<Fingerprint>)> = self
            .dumps
            .stamps
            .iter()
            .map(|(path, stamp)| (stored_path(&self.dir, path), fingerprint(*stamp, None)))
            .collect();
        let files: Vec<(&str, Option<Fingerprint>)> =
            stored.iter().map(|(p, f)| (p.as_str(), *f)).collect();
        let keys = self
            .store
            .write_dumps(&files, discussions, &self.dumps.diagnostics);
        self.dumps.held = match &keys {
            Ok(keys) => keys
                .iter()
                .zip(discussions)
                .map(|(&(key, fingerprint), d)| Held {
                    key,
                    head: Arc::new(d.head_with(fingerprint)),
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        keys.map(drop)
    }

    /// The archive of the files `paths` (in their order) and the dumps, as
    /// last read, on the store.
    fn archive(&mut self, paths: &[(PathBuf, Kind, Option<Stamp>)], media: &[PathBuf]) -> Archive {
        let mut discussions = Vec::with_capacity(self.known.len() + self.dumps.held.len());
        let mut diagnostics = Vec::new();
        for (path, _, _) in paths {
            if let Some(known) = self.known.get(path.as_os_str()) {
                discussions.extend(known.held.iter().map(|h| (h.key, h.head.clone())));
                diagnostics.extend(known.diagnostics.iter().cloned());
            }
        }
        discussions.extend(self.dumps.held.iter().map(|h| (h.key, h.head.clone())));
        diagnostics.extend(self.dumps.diagnostics.iter().cloned());
        let shown = diagnostics.clone();
        let read = (|| {
            let shelf = StoreShelf::new(&self.store, self.names.clone())?;
            let archive = Archive::new(discussions, shown, Arc::new(shelf));
            // Those another of the same name shadows count for no author.
            if let Err(err) = self.store.shadow(archive.shadowed()) {
                tracing::warn!("cannot count the authors of the discussions of one name: {err}");
            }
            Ok::<_, StoreError>(archive.with_authors(self.store.authors()?))
        })();
        let archive = match read {
            Ok(archive) => archive,
            Err(err) => {
                diagnostics.push(Diagnostic {
                    file: self.store.describe(),
                    line: None,
                    message: format!("the store cannot be read: {err}"),
                });
                Archive::new(Vec::new(), diagnostics, Arc::new(EmptyShelf))
            }
        };
        let posts: HashSet<&str> = archive.post_ids().collect();
        let media = self
            .media
            .scan(&|id| posts.contains(id), (&self.dir, media));
        drop(posts);
        archive.with_media(Arc::new(media))
    }
}

impl Known {
    /// What is known of the file `name` once read again (`read`), and the
    /// discussion it newly made: its last good one (of `previous`) is
    /// kept when it no longer yields one, said in a diagnostic.
    fn after(
        name: &str,
        stamp: Option<Stamp>,
        read: std::io::Result<Fresh>,
        previous: Option<Known>,
    ) -> (Known, Option<Discussion>) {
        let (hash, parsed) = match read {
            Ok(Fresh::Same(hash)) => {
                let previous = previous.expect("a file is only the same as one known");
                let known = Known {
                    stamp,
                    hash: Some(hash),
                    ..previous
                };
                return (known, None);
            }
            Ok(Fresh::Parsed(hash, parsed)) => (Some(hash), Ok(*parsed)),
            Err(err) => (None, Err(err)),
        };
        let previous = previous.and_then(|k| k.held);
        let (held, mut diagnostics, stamp, hash) = match parsed {
            Ok(Parsed {
                discussion: Some(d),
                diagnostics,
            }) => {
                let known = Known {
                    stamp,
                    hash,
                    held: None,
                    diagnostics,
                };
                return (known, Some(d));
            }
            // The last good version is kept, but not under this content's
            // hash: the same content is parsed again next time.
            Ok(Parsed {
                discussion: None,
                diagnostics,
            }) => (previous, diagnostics, stamp, None),
            // No stamp: the next load tries again.
            Err(err) => {
                let unreadable = Diagnostic {
                    file: name.to_owned(),
                    line: None,
                    message: format!("cannot read the file: {err}"),
                };
                (previous, vec![unreadable], None, None)
            }
        };
        if held.is_some() {
            diagnostics.push(kept_last_good(name));
        }
        let known = Known {
            stamp,
            hash,
            held,
            diagnostics,
        };
        (known, None)
    }
}

fn kept_last_good(name: &str) -> Diagnostic {
    Diagnostic {
        file: name.to_owned(),
        line: None,
        message: "showing the last version of this file that could be read".to_owned(),
    }
}

/// How many files read at once into an empty store are written without
/// the comments' indexes, which are made after.
const BULK_FILES: usize = 1000;

/// About how many bytes of documents one transaction of the store holds.
const BATCH_BYTES: u64 = 64 << 20;

/// Loads every document of `dir` once, keeping what it reads in a store in
/// memory.
pub fn load_dir(dir: &Path) -> std::io::Result<Loaded> {
    let store = Store::in_memory().map_err(std::io::Error::other)?;
    Loader::new(dir, store).load(&HashSet::new())
}
