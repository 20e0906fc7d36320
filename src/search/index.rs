//! The archive's search index (tantivy): one document per article (title
//! and body) and per comment, with the discussion, the comment, its author
//! (exact) and time (for ranges and sorting) beside the analyzed text.
//!
//! It lives in a folder of its own (the user's cache folder by default),
//! with a manifest of what each discussion was when indexed, so a restart
//! on an unchanged archive reuses it at once and a reload re-indexes only
//! the discussions that changed. A worker thread builds and updates it;
//! until the first build is done, searches answer `None` and the caller
//! scans instead. An index that fails its checksums, or whose manifest does
//! not match its last commit (a build killed half way), is rebuilt, never
//! served.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, Count, DocSetCollector, SegmentCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, SegmentReader,
    TantivyDocument, Term,
};

use super::analysis::{ANALYZER, analyzer};
use super::{Hit, Query, ResultOrder, Results, sort_by_time};
use crate::model::{Archive, Discussion};

/// Changes whenever the schema or the analysis does: an index made by
/// another version is rebuilt.
const SCHEMA_VERSION: u32 = 1;
const MANIFEST: &str = "threadview-manifest.json";
/// The writer's memory, all threads together.
const WRITER_BYTES: usize = 96 << 20;

/// Where the index lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Folder(PathBuf),
    Memory,
}

impl Location {
    /// The folder for the archive at `archive` in the user's cache folder
    /// (XDG on Linux, the platform's own elsewhere): one per archive.
    pub fn cache_for(archive: &Path) -> Option<PathBuf> {
        let dirs = directories::ProjectDirs::from("", "", "threadview")?;
        let canonical = archive
            .canonicalize()
            .unwrap_or_else(|_| archive.to_owned());
        let key = xxhash_rust::xxh3::xxh3_64(canonical.to_string_lossy().as_bytes());
        Some(dirs.cache_dir().join("index").join(format!("{key:016x}")))
    }

    /// `folder` if it can be created and written, else memory (and why).
    pub fn writable(folder: PathBuf) -> (Location, Option<String>) {
        let probe = folder.join(".threadview-probe");
        let tried = std::fs::create_dir_all(&folder)
            .and_then(|()| std::fs::write(&probe, b"ok"))
            .and_then(|()| std::fs::remove_file(&probe));
        match tried {
            Ok(()) => (Location::Folder(folder), None),
            Err(e) => (
                Location::Memory,
                Some(format!(
                    "cannot write the search index to {}: {e}; keeping it in memory (it is rebuilt at each start)",
                    folder.display()
                )),
            ),
        }
    }
}

/// The fields of a document.
#[derive(Clone, Copy)]
struct Fields {
    /// The discussion's id (exact, and a fast column to read it back).
    discussion: Field,
    /// 0 for the article, `i + 1` for comment `i`.
    comment: Field,
    /// A hash of the comment's id, to check a hit against the archive.
    comment_id: Field,
    author: Field,
    /// Seconds since 1970, when known.
    time: Field,
    text: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        discussion: builder.add_text_field("discussion", STRING | FAST),
        comment: builder.add_u64_field("comment", FAST),
        comment_id: builder.add_u64_field("comment_id", FAST),
        author: builder.add_text_field("author", STRING),
        time: builder.add_i64_field("time", INDEXED | FAST),
        text: builder.add_text_field("text", text),
    };
    (builder.build(), fields)
}

fn id_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// Each discussion last indexed, by id, with its fingerprint.
type Seen = HashMap<String, (Arc<Discussion>, u64)>;

/// What the index holds, written after each commit.
#[derive(Default, Serialize, Deserialize)]
struct Manifest {
    schema: u32,
    /// The commit it describes.
    opstamp: u64,
    /// Each discussion's fingerprint.
    discussions: BTreeMap<String, u64>,
}

impl Manifest {
    fn read(folder: &Path) -> Option<Manifest> {
        let text = std::fs::read(folder.join(MANIFEST)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Written to a temporary file, then renamed: never half a manifest.
    fn write(&self, folder: &Path) -> std::io::Result<()> {
        let tmp = folder.join(format!("{MANIFEST}.tmp"));
        std::fs::write(&tmp, serde_json::to_vec(self)?)?;
        std::fs::rename(tmp, folder.join(MANIFEST))
    }
}

/// An open index.
struct Engine {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

/// A version of the archive to index.
pub struct Update {
    /// Increases with each version.
    pub version: u64,
    pub discussions: Vec<Arc<Discussion>>,
}

/// The index and its worker.
pub struct SearchIndex {
    location: Location,
    engine: OnceLock<Engine>,
    /// Searches may use the index (the first build is done).
    ready: AtomicBool,
    /// The archive version the index holds.
    version: AtomicU64,
    /// Documents written and to write in the current build.
    done: AtomicU64,
    total: AtomicU64,
    /// Documents written by the last update (0: nothing had changed).
    last_written: AtomicU64,
    /// The index could not be opened or written: searches scan for good.
    failed: AtomicBool,
    updates: Mutex<Option<Sender<Update>>>,
}

/// How far the first build is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

impl Progress {
    /// Whole percent, 0 to 99 while building.
    pub fn percent(&self) -> u64 {
        (self.done * 100)
            .checked_div(self.total)
            .unwrap_or(0)
            .min(99)
    }
}

impl SearchIndex {
    /// An index at `location` that is not started yet (searches scan
    /// until [`SearchIndex::start`] has built it).
    pub fn new(location: Location) -> Arc<SearchIndex> {
        Arc::new(SearchIndex {
            location,
            engine: OnceLock::new(),
            ready: AtomicBool::new(false),
            version: AtomicU64::new(0),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            last_written: AtomicU64::new(0),
            failed: AtomicBool::new(false),
            updates: Mutex::new(None),
        })
    }

    /// Starts the worker on the archive's first version: it opens (or
    /// builds) the index in the background.
    pub fn start(self: &Arc<Self>, first: Update) {
        let (tx, rx) = channel();
        if let Ok(mut updates) = self.updates.lock() {
            *updates = Some(tx);
        }
        // The worker holds the index weakly: when its last owner lets go,
        // the channel closes and the worker ends, releasing the writer.
        let worker = Arc::downgrade(self);
        let spawned = std::thread::Builder::new()
            .name("search-index".to_owned())
            .spawn(move || Self::work(worker, first, rx));
        if let Err(e) = spawned {
            self.fail(&format!("cannot start the search index: {e}"));
        }
    }

    fn fail(&self, why: &str) {
        tracing::error!("{why}; searches scan the archive instead");
        self.failed.store(true, Ordering::Release);
    }

    /// Whether the index could not be made (searches scan for good).
    pub fn has_failed(&self) -> bool {
        self.failed.load(Ordering::Acquire)
    }

    /// Documents written by the last update: 0 when nothing had changed.
    pub fn last_written(&self) -> u64 {
        self.last_written.load(Ordering::Acquire)
    }

    /// Queues a new version of the archive (a reload).
    pub fn update(&self, update: Update) {
        if let Some(tx) = self.updates.lock().ok().and_then(|tx| tx.clone()) {
            let _ = tx.send(update);
        }
    }

    /// Whether searches use the index.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// The archive version the index holds (0 before the first build).
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// How far the current build is.
    pub fn progress(&self) -> Progress {
        Progress {
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
        }
    }

    /// Waits (at most `limit`) for the first build: for tests and tools.
    pub fn wait_ready(&self, limit: Duration) -> bool {
        let started = Instant::now();
        while !self.is_ready() {
            if started.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// Waits (at most `limit`) until the index holds archive `version`.
    pub fn wait_version(&self, version: u64, limit: Duration) -> bool {
        let started = Instant::now();
        while self.version() < version {
            if started.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    fn work(this: std::sync::Weak<Self>, first: Update, rx: Receiver<Update>) {
        let started = Instant::now();
        let Some(index) = this.upgrade() else { return };
        let (engine, manifest) = match index.open() {
            Ok(opened) => opened,
            Err(e) => return index.fail(&format!("cannot open the search index: {e}")),
        };
        // Another process may hold the folder's index (a second server on
        // the same archive, or one that is just stopping): wait a moment,
        // then keep an index in memory instead.
        let mut location = index.location.clone();
        let (engine, manifest, writer) = match Self::writer(&engine.index) {
            Ok(writer) => (engine, manifest, writer),
            Err(e) => {
                tracing::warn!(
                    "the search index's folder is in use ({e}); keeping the index in memory"
                );
                location = Location::Memory;
                let memory = SearchIndex::new(Location::Memory);
                let opened = memory.open().and_then(|(engine, manifest)| {
                    let writer = Self::writer(&engine.index)?;
                    Ok((engine, manifest, writer))
                });
                match opened {
                    Ok(opened) => opened,
                    Err(e) => return index.fail(&format!("cannot write the search index: {e}")),
                }
            }
        };
        index.engine.get_or_init(|| engine);
        drop(index);
        let mut indexed = manifest.discussions;
        // The discussions last indexed, with their fingerprints: a reload
        // shares unchanged discussions (the same `Arc`), which need no
        // hashing again.
        let mut seen: Seen = HashMap::new();
        // The writer is kept only while it works: its merges are waited
        // for and its memory returned after each update.
        let mut writer = Some(writer);
        let mut next = Some(first);
        while let Some(mut update) = next.take() {
            // A burst of reloads: only the latest matters.
            while let Ok(newer) = rx.try_recv() {
                update = newer;
            }
            let Some(index) = this.upgrade() else { break };
            let Some(engine) = index.engine.get() else {
                break;
            };
            let mut current = match writer.take() {
                Some(writer) => writer,
                None => match Self::writer(&engine.index) {
                    Ok(writer) => writer,
                    Err(e) => {
                        tracing::error!("cannot update the search index: {e}");
                        next = rx.recv().ok();
                        continue;
                    }
                },
            };
            let synced = index.sync(
                engine,
                &location,
                &mut current,
                &mut indexed,
                &mut seen,
                &update,
            );
            if let Err(e) = current.wait_merging_threads() {
                tracing::warn!("merging the search index's segments failed: {e}");
            }
            // Searches move to the merged segments; the old ones go.
            if let Err(e) = engine.reader.reload() {
                tracing::warn!("reloading the search index failed: {e}");
            }
            match synced {
                Ok(written) => {
                    index.last_written.store(written, Ordering::Release);
                    index.version.store(update.version, Ordering::Release);
                    if !index.ready.swap(true, Ordering::AcqRel) {
                        tracing::info!(
                            "search index ready in {:.1?} ({written} documents written, {})",
                            started.elapsed(),
                            match &location {
                                Location::Folder(f) => format!("in {}", f.display()),
                                Location::Memory => "in memory".to_owned(),
                            }
                        );
                    } else if written > 0 {
                        tracing::info!("search index updated: {written} documents written");
                    }
                }
                Err(e) => tracing::error!("updating the search index failed: {e}"),
            }
            drop(index);
            crate::release_freed_memory();
            next = rx.recv().ok();
        }
    }

    /// The index's writer, waiting up to three seconds for another to let
    /// it go.
    fn writer(index: &Index) -> tantivy::Result<IndexWriter<TantivyDocument>> {
        let started = Instant::now();
        loop {
            match index.writer_with_num_threads(1, WRITER_BYTES) {
                Err(tantivy::TantivyError::LockFailure(..))
                    if started.elapsed() < Duration::from_secs(3) =>
                {
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }

    /// Opens the index at its location, or makes a new one when there is
    /// none, it is of another version, or it is damaged.
    fn open(&self) -> tantivy::Result<(Engine, Manifest)> {
        let (schema, fields) = schema();
        let (index, manifest) = match &self.location {
            Location::Memory => (Index::create_in_ram(schema), Manifest::default()),
            Location::Folder(folder) => match Self::reuse(folder) {
                Ok(reused) => reused,
                Err(why) => {
                    if folder.join("meta.json").exists() {
                        tracing::info!("rebuilding the search index: {why}");
                    }
                    Self::wipe(folder)?;
                    (Index::create_in_dir(folder, schema)?, Manifest::default())
                }
            },
        };
        index.tokenizers().register(ANALYZER, analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok((
            Engine {
                index,
                reader,
                fields,
            },
            manifest,
        ))
    }

    /// The index in `folder` with its manifest, if both are whole and
    /// agree; else why not.
    fn reuse(folder: &Path) -> Result<(Index, Manifest), String> {
        let manifest = Manifest::read(folder).ok_or("it has no manifest")?;
        if manifest.schema != SCHEMA_VERSION {
            return Err("it was made by another version".to_owned());
        }
        let index = Index::open_in_dir(folder).map_err(|e| format!("it does not open: {e}"))?;
        let metas = index
            .load_metas()
            .map_err(|e| format!("its metadata is unreadable: {e}"))?;
        if metas.opstamp != manifest.opstamp {
            return Err("its last build did not finish".to_owned());
        }
        let (schema, _) = schema();
        if index.schema() != schema {
            return Err("its schema differs".to_owned());
        }
        let damaged = index
            .validate_checksum()
            .map_err(|e| format!("its files cannot be checked: {e}"))?;
        if !damaged.is_empty() {
            return Err(format!("{} of its files are damaged", damaged.len()));
        }
        Ok((index, manifest))
    }

    /// Empties `folder` of an old index.
    fn wipe(folder: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(folder)?;
        for entry in std::fs::read_dir(folder)? {
            let path = entry?.path();
            if path.is_dir() {
                std::fs::remove_dir_all(&path)?;
            } else {
                std::fs::remove_file(&path)?;
            }
        }
        Ok(())
    }

    /// Brings the index to `update`: the discussions that changed, came or
    /// went are re-indexed or deleted, then committed with the manifest.
    /// Returns how many documents were written.
    fn sync(
        &self,
        engine: &Engine,
        location: &Location,
        writer: &mut IndexWriter<TantivyDocument>,
        indexed: &mut BTreeMap<String, u64>,
        seen: &mut Seen,
        update: &Update,
    ) -> tantivy::Result<u64> {
        let f = engine.fields;
        let current: Vec<(&Arc<Discussion>, u64)> = update
            .discussions
            .par_iter()
            .map(|d| match seen.get(&d.id) {
                Some((same, fp)) if Arc::ptr_eq(same, d) => (d, *fp),
                _ => (d, d.fingerprint()),
            })
            .collect();
        *seen = current
            .iter()
            .map(|(d, fp)| (d.id.clone(), (Arc::clone(d), *fp)))
            .collect();
        let changed: Vec<&(&Arc<Discussion>, u64)> = current
            .iter()
            .filter(|(d, fp)| indexed.get(&d.id) != Some(fp))
            .collect();
        let live: std::collections::HashSet<&str> =
            current.iter().map(|(d, _)| d.id.as_str()).collect();
        let gone: Vec<String> = indexed
            .keys()
            .filter(|id| !live.contains(id.as_str()))
            .cloned()
            .collect();
        if changed.is_empty() && gone.is_empty() {
            return Ok(0);
        }
        let total: u64 = changed
            .iter()
            .map(|(d, _)| d.comments().len() as u64 + 1)
            .sum();
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        for id in &gone {
            writer.delete_term(Term::from_field_text(f.discussion, id));
            indexed.remove(id);
        }
        let mut logged = Instant::now();
        for (d, fp) in &changed {
            writer.delete_term(Term::from_field_text(f.discussion, &d.id));
            let mut article = TantivyDocument::default();
            article.add_text(f.discussion, &d.id);
            article.add_u64(f.comment, 0);
            article.add_u64(f.comment_id, 0);
            article.add_text(f.text, format!("{}\n\n{}", d.title, d.body));
            writer.add_document(article)?;
            for (i, c) in d.comments().iter().enumerate() {
                let mut doc = TantivyDocument::default();
                doc.add_text(f.discussion, &d.id);
                doc.add_u64(f.comment, i as u64 + 1);
                doc.add_u64(f.comment_id, id_hash(c.id.as_str()));
                doc.add_text(f.author, &c.author);
                if let Some(at) = c.posted_at {
                    doc.add_i64(f.time, at.timestamp());
                }
                doc.add_text(f.text, &c.body);
                writer.add_document(doc)?;
            }
            let done = self
                .done
                .fetch_add(d.comments().len() as u64 + 1, Ordering::Relaxed);
            if logged.elapsed() > Duration::from_secs(5) {
                logged = Instant::now();
                tracing::info!(
                    "indexing for search: {}% ({done} of {total} documents)",
                    (done * 100).checked_div(total).unwrap_or(0)
                );
            }
            indexed.insert(d.id.clone(), *fp);
        }
        let opstamp = writer.commit()?;
        if let Location::Folder(folder) = location {
            let manifest = Manifest {
                schema: SCHEMA_VERSION,
                opstamp,
                discussions: indexed.clone(),
            };
            if let Err(e) = manifest.write(folder) {
                tracing::warn!("cannot write the search index's manifest: {e}");
            }
        }
        engine.reader.reload()?;
        Ok(total)
    }

    /// The tantivy query for `query`, and the phrases it leaves out. (Those are searched on their own: a
    /// phrase inside an exclusion trips tantivy 0.27's phrase scorer.)
    fn compile(
        &self,
        f: Fields,
        query: &Query,
    ) -> (Box<dyn tantivy::query::Query>, Vec<PhraseQuery>) {
        let part = |terms: &[String]| -> Option<Box<dyn tantivy::query::Query>> {
            let terms: Vec<Term> = terms
                .iter()
                .map(|t| Term::from_field_text(f.text, t))
                .collect();
            match terms.len() {
                0 => None,
                1 => Some(Box::new(TermQuery::new(
                    terms.into_iter().next()?,
                    IndexRecordOption::WithFreqs,
                ))),
                _ => Some(Box::new(PhraseQuery::new(terms))),
            }
        };
        let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
        for p in &query.include {
            match part(&p.terms) {
                Some(q) => clauses.push((Occur::Must, q)),
                // Nothing searchable in it (punctuation only): nothing can
                // be found by it.
                None => return (Box::new(EmptyQuery), Vec::new()),
            }
        }
        let mut phrases = Vec::new();
        for p in &query.exclude {
            if p.terms.len() > 1 {
                let terms = p.terms.iter().map(|t| Term::from_field_text(f.text, t));
                phrases.push(PhraseQuery::new(terms.collect()));
            } else if let Some(q) = part(&p.terms) {
                clauses.push((Occur::MustNot, q));
            }
        }
        let filter = |q: Box<dyn tantivy::query::Query>| -> Box<dyn tantivy::query::Query> {
            Box::new(ConstScoreQuery::new(q, 0.0))
        };
        if !query.authors.is_empty() {
            let any: Vec<(Occur, Box<dyn tantivy::query::Query>)> = query
                .authors
                .iter()
                .map(|a| {
                    let q: Box<dyn tantivy::query::Query> = Box::new(TermQuery::new(
                        Term::from_field_text(f.author, a),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            clauses.push((Occur::Must, filter(Box::new(BooleanQuery::new(any)))));
        }
        if query.after.is_some() || query.before.is_some() {
            let bound = |t: Option<chrono::DateTime<chrono::Utc>>, inclusive: bool| match t {
                None => Bound::Unbounded,
                Some(t) if inclusive => {
                    Bound::Included(Term::from_field_i64(f.time, t.timestamp()))
                }
                Some(t) => Bound::Excluded(Term::from_field_i64(f.time, t.timestamp())),
            };
            let range = RangeQuery::new(bound(query.after, true), bound(query.before, false));
            clauses.push((Occur::Must, filter(Box::new(range))));
        }
        if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
            clauses.push((Occur::Must, filter(Box::new(AllQuery))));
        }
        (Box::new(BooleanQuery::new(clauses)), phrases)
    }

    /// The documents any of `phrases` matches.
    fn excluded(
        searcher: &tantivy::Searcher,
        phrases: &[PhraseQuery],
    ) -> tantivy::Result<std::collections::HashSet<DocAddress>> {
        let mut out = std::collections::HashSet::new();
        for phrase in phrases {
            out.extend(searcher.search(phrase, &DocSetCollector)?);
        }
        Ok(out)
    }

    /// Every match of `q` but those in `excluded`, with scores, best first.
    fn all_matches(
        searcher: &tantivy::Searcher,
        q: &dyn tantivy::query::Query,
        phrases: &[PhraseQuery],
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        let excluded = Self::excluded(searcher, phrases)?;
        let mut found = searcher.search(q, &AllHits)?;
        found.retain(|(_, address)| !excluded.contains(address));
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(found)
    }

    /// A page of the archive's matches (`None` until the index is ready).
    /// Hits that no longer match the archive (it changed since indexing)
    /// are left out.
    pub fn search(
        &self,
        archive: &Archive,
        query: &Query,
        order: ResultOrder,
        offset: usize,
        limit: usize,
    ) -> Option<tantivy::Result<Results>> {
        let engine = self.engine.get().filter(|_| self.is_ready())?;
        Some((|| {
            let searcher = engine.reader.searcher();
            let (q, phrases) = self.compile(engine.fields, query);
            if !phrases.is_empty() {
                // Left-out phrases: every match, filtered, then the page.
                let found = Self::all_matches(&searcher, &*q, &phrases)?;
                let mut hits = resolve(archive, &searcher, &found);
                sort_by_time(archive, &mut hits, order);
                let total = hits.len();
                let hits = hits.into_iter().skip(offset).take(limit).collect();
                return Ok(Results { hits, total });
            }
            let top = TopDocs::with_limit(limit.max(1)).and_offset(offset);
            let found: Vec<(Score, DocAddress)> = match order {
                ResultOrder::Relevance => searcher.search(&q, &top.order_by_score())?,
                ResultOrder::New | ResultOrder::Old => {
                    let direction = if order == ResultOrder::New {
                        Order::Desc
                    } else {
                        Order::Asc
                    };
                    searcher
                        .search(&q, &top.order_by_fast_field::<i64>("time", direction))?
                        .into_iter()
                        .map(|(_, a)| (0.0, a))
                        .collect()
                }
            };
            let total = searcher.search(&q, &Count)?;
            let hits = resolve(archive, &searcher, &found);
            Ok(Results { hits, total })
        })())
    }

    /// Every match (`None` until the index is ready), best first.
    pub fn search_all(
        &self,
        archive: &Archive,
        query: &Query,
    ) -> Option<tantivy::Result<Vec<Hit>>> {
        let engine = self.engine.get().filter(|_| self.is_ready())?;
        Some((|| {
            let searcher = engine.reader.searcher();
            let (q, phrases) = self.compile(engine.fields, query);
            let found = Self::all_matches(&searcher, &*q, &phrases)?;
            Ok(resolve(archive, &searcher, &found))
        })())
    }
}

/// The archive's discussions and comments for documents (each with its
/// score), those it still has as indexed, in the order given.
fn resolve(
    archive: &Archive,
    searcher: &tantivy::Searcher,
    found: &[(Score, DocAddress)],
) -> Vec<Hit> {
    struct Columns {
        ids: Option<tantivy::columnar::StrColumn>,
        comment: tantivy::columnar::Column<u64>,
        comment_id: tantivy::columnar::Column<u64>,
    }
    let columns: Vec<Option<Columns>> = searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            let fast = segment.fast_fields();
            Some(Columns {
                ids: fast.str("discussion").ok()?,
                comment: fast.u64("comment").ok()?,
                comment_id: fast.u64("comment_id").ok()?,
            })
        })
        .collect();
    let mut id = String::new();
    found
        .iter()
        .filter_map(|&(score, address)| {
            let columns = columns.get(address.segment_ord as usize)?.as_ref()?;
            let ids = columns.ids.as_ref()?;
            let ord = ids.term_ords(address.doc_id).next()?;
            id.clear();
            ids.ord_to_str(ord, &mut id).ok()?;
            let comment = columns.comment.first(address.doc_id)?;
            let comment_id = columns.comment_id.first(address.doc_id)?;
            hit(archive, &id, comment, comment_id, score)
        })
        .collect()
}

fn hit(archive: &Archive, id: &str, comment: u64, comment_id: u64, score: Score) -> Option<Hit> {
    let discussion = archive.position(id)?;
    let d = &archive.discussions()[discussion];
    let comment = match (comment as usize).checked_sub(1) {
        None => None,
        Some(i) => {
            let c = d.comments().get(i)?;
            (id_hash(c.id.as_str()) == comment_id).then_some(i)?;
            Some(i)
        }
    };
    Some(Hit {
        discussion,
        comment,
        score,
    })
}

/// Collects every match with its score.
struct AllHits;

struct AllHitsInSegment {
    segment: u32,
    hits: Vec<(Score, DocAddress)>,
}

impl Collector for AllHits {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = AllHitsInSegment;

    fn for_segment(&self, segment: u32, _: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(AllHitsInSegment {
            segment,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(Score, DocAddress)>>,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for AllHitsInSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.hits.push((score, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.hits
    }
}
