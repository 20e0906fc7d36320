//! The index on disk (or in memory): its schema, its manifest of what
//! each discussion was when indexed, opening it (or making it anew when it
//! cannot be vouched for) and bringing it up to a version of the archive.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::Location;
use crate::model::{Archive, Discussion};
use crate::search::analysis::{ANALYZER, analyzer};

/// Changes whenever the schema or the analysis does: an index made by
/// another version is rebuilt.
const SCHEMA_VERSION: u32 = 3;
const MANIFEST: &str = "threadview-manifest.json";
/// The writer's memory, all threads together.
const WRITER_BYTES: usize = 96 << 20;

/// The fields of a document.
#[derive(Clone, Copy)]
pub struct Fields {
    /// The discussion's id (exact, and a fast column to read it back).
    pub discussion: Field,
    /// 0 for the article, `i + 1` for comment `i`.
    pub comment: Field,
    /// A hash of the comment's id, to check a hit against the archive.
    pub comment_id: Field,
    pub author: Field,
    /// Seconds since 1970, when known.
    pub time: Field,
    pub text: Field,
    /// The score, when the source has one (and did not hide it).
    pub score: Field,
    /// The author's flair, lower case, exact.
    pub flair: Field,
    /// `article` or `comment`: filters (author, time, score, flair) keep
    /// comments only.
    pub kind: Field,
    /// The discussion's community ([`crate::search::community_term`]).
    pub community: Field,
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
        score: builder.add_i64_field("score", INDEXED),
        flair: builder.add_text_field("flair", STRING),
        kind: builder.add_text_field("kind", STRING),
        community: builder.add_text_field("community", STRING),
    };
    (builder.build(), fields)
}

/// What a comment's id is checked by.
pub fn id_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// What the index holds, written after each commit.
#[derive(Default, Serialize, Deserialize)]
pub struct Manifest {
    schema: u32,
    /// The commit it describes.
    opstamp: u64,
    /// Each discussion's fingerprint, by id.
    pub discussions: BTreeMap<String, u64>,
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

/// Why an index found in a folder is not used (it is made anew).
#[derive(Debug, thiserror::Error)]
enum Unusable {
    #[error("it has no manifest")]
    NoManifest,
    #[error("it was made by another version")]
    OtherVersion,
    #[error("it does not open: {0}")]
    Unopenable(tantivy::TantivyError),
    #[error("its metadata is unreadable: {0}")]
    Metadata(tantivy::TantivyError),
    #[error("its last build did not finish")]
    Unfinished,
    #[error("its schema differs")]
    OtherSchema,
    #[error("its files cannot be checked: {0}")]
    Unchecked(tantivy::TantivyError),
    #[error("{0} of its files are damaged")]
    Damaged(usize),
}

/// An open index.
pub struct Engine {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

impl Engine {
    /// Opens the index at `location`, or makes a new one when there is
    /// none, it is of another version, or it is damaged.
    pub fn open(location: &Location) -> tantivy::Result<(Engine, Manifest)> {
        let (schema, fields) = schema();
        let (index, manifest) = match location {
            Location::Memory => (Index::create_in_ram(schema), Manifest::default()),
            Location::Folder(folder) => match reuse(folder) {
                Ok(reused) => reused,
                Err(why) => {
                    if folder.join("meta.json").exists() {
                        tracing::info!("rebuilding the search index: {why}");
                    }
                    wipe(folder)?;
                    (Index::create_in_dir(folder, schema)?, Manifest::default())
                }
            },
        };
        index.tokenizers().register(ANALYZER, analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let engine = Engine {
            index,
            reader,
            fields,
        };
        Ok((engine, manifest))
    }

    /// The index's writer, waiting up to three seconds for another to let
    /// it go.
    pub fn writer(&self) -> tantivy::Result<IndexWriter<TantivyDocument>> {
        let started = Instant::now();
        loop {
            match self.index.writer_with_num_threads(1, WRITER_BYTES) {
                Err(tantivy::TantivyError::LockFailure(..))
                    if started.elapsed() < Duration::from_secs(3) =>
                {
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }
}

/// The index in `folder` with its manifest, if both are whole and agree.
fn reuse(folder: &Path) -> Result<(Index, Manifest), Unusable> {
    let manifest = Manifest::read(folder).ok_or(Unusable::NoManifest)?;
    if manifest.schema != SCHEMA_VERSION {
        return Err(Unusable::OtherVersion);
    }
    let index = Index::open_in_dir(folder).map_err(Unusable::Unopenable)?;
    let metas = index.load_metas().map_err(Unusable::Metadata)?;
    if metas.opstamp != manifest.opstamp {
        return Err(Unusable::Unfinished);
    }
    if index.schema() != schema().0 {
        return Err(Unusable::OtherSchema);
    }
    let damaged = index.validate_checksum().map_err(Unusable::Unchecked)?;
    if !damaged.is_empty() {
        return Err(Unusable::Damaged(damaged.len()));
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

/// What an index holds and where, as the worker keeps it between
/// versions.
pub struct Contents {
    pub location: Location,
    /// Each indexed discussion's fingerprint, by id (the manifest's).
    pub indexed: BTreeMap<String, u64>,
}

/// What a version of the archive changes in the index.
struct Changes {
    /// Positions in the archive.
    changed: Vec<usize>,
    gone: Vec<String>,
}

impl Contents {
    /// The discussions of `archive` that changed or came since the last
    /// version (by their heads' fingerprints), and the ids of those that
    /// went.
    fn changes(&self, archive: &Archive) -> Changes {
        let heads = archive.discussions();
        let live: HashSet<&str> = heads.iter().map(|d| d.id.as_str()).collect();
        let gone = self
            .indexed
            .keys()
            .filter(|id| !live.contains(id.as_str()))
            .cloned()
            .collect();
        let changed = (0..heads.len())
            .filter(|&i| self.indexed.get(&heads[i].id) != Some(&heads[i].fingerprint()))
            .collect();
        Changes { changed, gone }
    }

    /// Brings the index to `discussions`: those that changed, came or
    /// went are re-indexed or deleted, then committed with the manifest.
    /// Returns how many documents were written; `progress(done, total)`
    /// counts them.
    pub fn sync(
        &mut self,
        engine: &Engine,
        writer: &mut IndexWriter<TantivyDocument>,
        archive: &Archive,
        progress: &dyn Fn(u64, u64),
    ) -> tantivy::Result<u64> {
        let f = engine.fields;
        let Changes { changed, gone } = self.changes(archive);
        if changed.is_empty() && gone.is_empty() {
            return Ok(0);
        }
        let heads = archive.discussions();
        let total: u64 = changed
            .iter()
            .map(|&i| heads[i].comment_count() as u64 + 1)
            .sum();
        progress(0, total);
        for id in &gone {
            writer.delete_term(Term::from_field_text(f.discussion, id));
            self.indexed.remove(id);
        }
        let mut done = 0;
        let mut logged = Instant::now();
        for &i in &changed {
            // One that cannot be read is left out, and tried again at the
            // next version.
            let d = match archive.passing(i) {
                Ok(d) => d,
                Err(err) => {
                    tracing::warn!("cannot index {}: {err}", heads[i].id);
                    continue;
                }
            };
            write_discussion(writer, f, &d)?;
            done += d.comment_count() as u64 + 1;
            progress(done, total);
            if logged.elapsed() > Duration::from_secs(5) {
                logged = Instant::now();
                tracing::info!(
                    "indexing for search: {}% ({done} of {total} documents)",
                    (done * 100).checked_div(total).unwrap_or(0)
                );
            }
            self.indexed.insert(d.id.clone(), heads[i].fingerprint());
        }
        let opstamp = writer.commit()?;
        if let Location::Folder(folder) = &self.location {
            let manifest = Manifest {
                schema: SCHEMA_VERSION,
                opstamp,
                discussions: self.indexed.clone(),
            };
            if let Err(e) = manifest.write(folder) {
                tracing::warn!("cannot write the search index's manifest: {e}");
            }
        }
        engine.reader.reload()?;
        Ok(total)
    }
}

/// Replaces the documents of `d`: its article, then each comment.
fn write_discussion(
    writer: &IndexWriter<TantivyDocument>,
    f: Fields,
    d: &Discussion,
) -> tantivy::Result<()> {
    writer.delete_term(Term::from_field_text(f.discussion, &d.id));
    let mut article = TantivyDocument::default();
    article.add_text(f.discussion, &d.id);
    article.add_u64(f.comment, 0);
    article.add_u64(f.comment_id, 0);
    article.add_text(f.kind, "article");
    let community = d.community().map(crate::search::community_term);
    if let Some(community) = &community {
        article.add_text(f.community, community);
    }
    article.add_text(f.text, format!("{}\n\n{}", d.title, d.body));
    writer.add_document(article)?;
    for (i, c) in d.comments().iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.discussion, &d.id);
        doc.add_u64(f.comment, i as u64 + 1);
        doc.add_u64(f.comment_id, id_hash(c.id.as_str()));
        doc.add_text(f.kind, "comment");
        if let Some(community) = &community {
            doc.add_text(f.community, community);
        }
        doc.add_text(f.author, &c.author);
        if let Some(at) = c.posted_at {
            doc.add_i64(f.time, at.timestamp());
        }
        doc.add_text(f.text, &c.body);
        if let Some(score) = c.marks.score() {
            doc.add_i64(f.score, i64::from(score));
        }
        if let Some(flair) = d.flair(i) {
            doc.add_text(f.flair, flair.trim().to_lowercase());
        }
        writer.add_document(doc)?;
    }
    Ok(())
}
