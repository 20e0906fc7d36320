//! Writing what files made: each batch in one transaction, a file's rows
//! replaced whole.

use std::sync::Arc;

use rusqlite::{OptionalExtension, Transaction, params};
use rustc_hash::FxHashMap;

use super::{FileKind, Fingerprint, Store, StoreError};
use crate::model::{Clock, Diagnostic, Discussion, Edited, Media, MediaKind, Removal};

/// What one file made, to be kept under its fingerprint.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    /// Relative to the archive's folder, with `/` between folders.
    pub path: String,
    pub kind: FileKind,
    /// None: it could not be read, and is read again next time.
    pub fingerprint: Option<Fingerprint>,
    /// What it made: for a text or thread file its discussion, if any.
    pub discussion: Made<'a>,
    pub diagnostics: &'a [Diagnostic],
}

/// The discussion a file made, as a write sees it.
#[derive(Debug, Clone, Copy)]
pub enum Made<'a> {
    Nothing,
    /// A new one, written in place of what the file made before.
    New(&'a Discussion),
    /// The one already kept under this key (the last good one of a file
    /// that no longer parses): left as it is.
    Kept(i64),
}

/// An author's comments as a first reading writes them.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counted {
    comments: i64,
    discussions: i64,
    first: Option<i64>,
    last: Option<i64>,
}

/// What a first reading into an empty store counts as it writes, kept
/// at its end instead of counted again from the rows.
#[derive(Default)]
pub(super) struct Tally {
    pub authors: FxHashMap<i64, Counted>,
    pub activity: super::activity::Tally,
}

/// The rows of one write, with the authors' ids it knows.
struct Writer<'t> {
    tx: Transaction<'t>,
    authors: &'t mut FxHashMap<Arc<str>, i64>,
    /// The counts, kept as it writes (a first reading).
    tally: Option<&'t mut Tally>,
    /// The authors whose comments it wrote or deleted, to count again.
    touched: rustc_hash::FxHashSet<i64>,
}

impl Store {
    /// Keeps `records` (each replacing what its file made before) and
    /// forgets the files `gone`, in one transaction: the key of each
    /// record's discussion, with the fingerprint of a new one (0 for one
    /// kept).
    pub fn write(
        &mut self,
        records: &[Record<'_>],
        gone: &[String],
    ) -> Result<Vec<Option<(i64, u64)>>, StoreError> {
        let bulk = self.bulk;
        let mut writer = Writer::new(
            self.conn.transaction()?,
            &mut self.authors,
            self.tally.as_mut(),
        );
        let written = (|| {
            for path in gone {
                if let Some(id) = writer.file_id(path)? {
                    writer.clear(Some(id))?;
                    writer.tx.execute("DELETE FROM files WHERE id = ?1", [id])?;
                }
            }
            let mut keys = Vec::with_capacity(records.len());
            for record in records {
                let id = writer.file(&record.path, record.kind, record.fingerprint)?;
                keys.push(match record.discussion {
                    Made::Kept(key) => {
                        writer.clear_diagnostics(Some(id))?;
                        Some((key, 0))
                    }
                    Made::New(d) => {
                        writer.clear(Some(id))?;
                        Some(writer.discussion(Some(id), d)?)
                    }
                    Made::Nothing => {
                        writer.clear(Some(id))?;
                        None
                    }
                });
                writer.diagnostics(Some(id), record.diagnostics)?;
            }
            Ok(keys)
        })();
        writer.finish(written, bulk)
    }

    /// Replaces what the dumps made, as a group (their threads span files):
    /// the dump files with their fingerprints, the threads and diagnostics.
    pub fn write_dumps(
        &mut self,
        files: &[(&str, Option<Fingerprint>)],
        discussions: &[Discussion],
        diagnostics: &[Diagnostic],
    ) -> Result<Vec<(i64, u64)>, StoreError> {
        let bulk = self.bulk;
        let mut writer = Writer::new(
            self.conn.transaction()?,
            &mut self.authors,
            self.tally.as_mut(),
        );
        let written = (|| {
            writer.clear(None)?;
            writer
                .tx
                .execute("DELETE FROM files WHERE kind = 'dump'", [])?;
            for &(path, fingerprint) in files {
                writer.file(path, FileKind::Dump, fingerprint)?;
            }
            let keys = discussions
                .iter()
                .map(|d| writer.discussion(None, d))
                .collect::<rusqlite::Result<_>>()?;
            writer.diagnostics(None, diagnostics)?;
            Ok(keys)
        })();
        writer.finish(written, bulk)
    }

    /// Keeps what a first reading counted as it wrote: the activity and
    /// the authors' counts.
    pub(super) fn keep_counts(&mut self, tally: Tally) -> rusqlite::Result<()> {
        tally.activity.keep(&self.conn)?;
        let tally = tally.authors;
        let tx = self.conn.transaction()?;
        {
            let mut update = tx.prepare(
                "UPDATE authors SET comment_count = ?2, discussion_count = ?3, first_at = ?4,
                   last_at = ?5 WHERE id = ?1",
            )?;
            for (&id, c) in &tally {
                update.execute(params![id, c.comments, c.discussions, c.first, c.last])?;
            }
        }
        tx.commit()
    }

    /// Counts the comments of the authors `only` (None: of every author)
    /// again.
    pub(super) fn count_authors(&self, only: Option<&[i64]>) -> rusqlite::Result<()> {
        count_authors(&self.conn, only)
    }

    /// Deletes the discussions set aside when their files changed or went
    /// (at the start of a load: the archives that read them are gone).
    pub fn purge(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let ids: Vec<i64> = tx
            .prepare("SELECT id FROM discussions WHERE file = -1")?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for &id in &ids {
            let (first, last) = comment_range(id);
            tx.prepare_cached("DELETE FROM comments WHERE id BETWEEN ?1 AND ?2")?
                .execute([first, last])?;
            tx.prepare_cached("DELETE FROM media WHERE discussion = ?1")?
                .execute([id])?;
            tx.prepare_cached("DELETE FROM unarchived WHERE discussion = ?1")?
                .execute([id])?;
            tx.prepare_cached("DELETE FROM hidden WHERE discussion = ?1")?
                .execute([id])?;
        }
        tx.execute("DELETE FROM discussions WHERE file = -1", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Hides the discussions `keys` (shadowed by others of the same name)
    /// and shows again those no longer shadowed, counting their authors
    /// again.
    pub fn shadow(&mut self, keys: &[i64]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let before: rustc_hash::FxHashSet<i64> = tx
            .prepare(
                "SELECT hidden.discussion FROM hidden JOIN discussions
                   ON discussions.id = hidden.discussion WHERE discussions.file IS NOT -1",
            )?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let now: rustc_hash::FxHashSet<i64> = keys.iter().copied().collect();
        if before == now {
            return Ok(());
        }
        let mut touched = Default::default();
        for &id in before.symmetric_difference(&now) {
            touch_authors(&tx, id, &mut touched)?;
            match now.contains(&id) {
                true => {
                    tx.execute(
                        "INSERT OR IGNORE INTO hidden (discussion) VALUES (?1)",
                        [id],
                    )?;
                    super::activity::apply(&tx, id, -1)?;
                }
                false => {
                    tx.execute("DELETE FROM hidden WHERE discussion = ?1", [id])?;
                    super::activity::apply(&tx, id, 1)?;
                }
            };
        }
        let touched: Vec<i64> = touched.into_iter().collect();
        count_authors(&tx, Some(&touched))?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets the authors' ids it keeps between writes (at the end of an
    /// ingest: they would grow with the archive).
    pub fn release(&mut self) {
        self.authors = FxHashMap::default();
        self.author_names = Default::default();
        // And the pages its connection cached while writing: the server
        // reads through its own.
        let _ = self.conn.execute_batch("PRAGMA shrink_memory");
    }
}

/// An optional time as seconds.
fn seconds(at: Option<chrono::DateTime<chrono::Utc>>) -> Option<i64> {
    at.map(|t| t.timestamp())
}

/// Edited: NULL when not, 0 at an unknown time, else when.
fn edited(edited: Option<Edited>) -> Option<i64> {
    edited.map(|e| match e {
        Edited::At(at) => at.timestamp(),
        Edited::Unknown => 0,
    })
}

fn media_kind(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Image => "image",
        MediaKind::Video => "video",
        MediaKind::GalleryItem => "gallery_item",
        MediaKind::Embed => "embed",
    }
}

impl<'t> Writer<'t> {
    fn new(
        tx: Transaction<'t>,
        authors: &'t mut FxHashMap<Arc<str>, i64>,
        tally: Option<&'t mut Tally>,
    ) -> Self {
        Writer {
            tx,
            authors,
            tally,
            touched: Default::default(),
        }
    }

    /// Counts the comments of the authors it touched again (unless the
    /// comments' indexes are being made again, `bulk`: they are all
    /// counted then) and commits, or (on an error) rolls it back and
    /// forgets the authors' ids it made.
    fn finish<T>(self, written: rusqlite::Result<T>, bulk: bool) -> Result<T, StoreError> {
        let touched: Vec<i64> = self.touched.iter().copied().collect();
        let counted = written.and_then(|made| {
            if !bulk {
                count_authors(&self.tx, Some(&touched))?;
            }
            Ok(made)
        });
        match counted.and_then(|made| self.tx.commit().map(|()| made)) {
            Ok(made) => Ok(made),
            Err(err) => {
                self.authors.clear();
                Err(err.into())
            }
        }
    }

    fn file_id(&self, path: &str) -> rusqlite::Result<Option<i64>> {
        let mut find = self
            .tx
            .prepare_cached("SELECT id FROM files WHERE path = ?1")?;
        let mut rows = find.query([path])?;
        rows.next()?.map(|row| row.get(0)).transpose()
    }

    /// The file's row, made or updated with its fingerprint.
    fn file(
        &self,
        path: &str,
        kind: FileKind,
        fingerprint: Option<Fingerprint>,
    ) -> rusqlite::Result<i64> {
        let hash = fingerprint
            .and_then(|f| f.hash)
            .map(|h| format!("{h:016x}"));
        self.tx
            .prepare_cached(
                "INSERT INTO files (path, kind, size, modified_ns, hash) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, size = excluded.size,
                   modified_ns = excluded.modified_ns, hash = excluded.hash
                 RETURNING id",
            )?
            .query_row(
                params![
                    path,
                    kind.as_str(),
                    fingerprint.map(|f| f.size as i64),
                    fingerprint.map(|f| f.modified_ns),
                    hash
                ],
                |row| row.get(0),
            )
    }

    /// Sets aside what a file (None: the dumps) made: its discussions
    /// are hidden, under file -1, until [`Store::purge`] deletes them (an
    /// archive made before may still read them).
    fn clear(&mut self, file: Option<i64>) -> rusqlite::Result<()> {
        let ids: Vec<i64> = self
            .tx
            .prepare_cached("SELECT id FROM discussions WHERE file IS ?1")?
            .query_map([file], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            touch_authors(&self.tx, id, &mut self.touched)?;
            let hidden = self
                .tx
                .prepare_cached("INSERT OR IGNORE INTO hidden (discussion) VALUES (?1)")?
                .execute([id])?;
            // (One hidden already, shadowed, is counted nowhere.)
            if hidden > 0 {
                super::activity::apply(&self.tx, id, -1)?;
            }
        }
        self.tx
            .prepare_cached("UPDATE discussions SET file = -1 WHERE file IS ?1")?
            .execute([file])?;
        self.clear_diagnostics(file)
    }

    fn clear_diagnostics(&self, file: Option<i64>) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("DELETE FROM diagnostics WHERE file IS ?1")?
            .execute([file])?;
        Ok(())
    }

    fn diagnostics(&self, file: Option<i64>, diagnostics: &[Diagnostic]) -> rusqlite::Result<()> {
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO diagnostics (file, name, line, message) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for d in diagnostics {
            insert.execute(params![file, d.file, d.line.map(|l| l as i64), d.message])?;
        }
        Ok(())
    }

    /// The author's id, made when new.
    fn author(&mut self, name: &Arc<str>) -> rusqlite::Result<i64> {
        if let Some(&id) = self.authors.get(name) {
            return Ok(id);
        }
        let known: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM authors WHERE name = ?1")?
            .query_row([&**name], |row| row.get(0))
            .optional()?;
        let id = match known {
            Some(id) => id,
            None => {
                self.tx
                    .prepare_cached("INSERT INTO authors (name) VALUES (?1)")?
                    .execute([&**name])?;
                self.tx.last_insert_rowid()
            }
        };
        self.authors.insert(name.clone(), id);
        Ok(id)
    }

    /// Writes a discussion: its key and fingerprint.
    fn discussion(&mut self, file: Option<i64>, d: &Discussion) -> rusqlite::Result<(i64, u64)> {
        let fingerprint = d.known_fingerprint();
        let id = self.discussion_row(file, d, fingerprint)?;
        let authors: Vec<i64> = d
            .comments()
            .iter()
            .map(|c| self.author(&c.author))
            .collect::<rusqlite::Result<_>>()?;
        if let Some(tally) = self.tally.as_deref_mut() {
            let mut seen = rustc_hash::FxHashSet::default();
            tally.activity.add(
                d.community(),
                d.comments()
                    .iter()
                    .zip(&authors)
                    .map(|(c, &author)| (seconds(c.posted_at), author)),
            );
            for (c, &author) in d.comments().iter().zip(&authors) {
                let counted = tally.authors.entry(author).or_default();
                counted.comments += 1;
                if seen.insert(author) {
                    counted.discussions += 1;
                }
                if let Some(at) = seconds(c.posted_at) {
                    counted.first = Some(counted.first.map_or(at, |t| t.min(at)));
                    counted.last = Some(counted.last.map_or(at, |t| t.max(at)));
                }
            }
        } else {
            self.touched.extend(authors.iter().copied());
        }
        // Rows a statement at a time (a statement's cost is mostly its
        // own: a few rows each halves the writing).
        let comments = d.comments();
        let mut position = 0;
        for (rows, sql) in COMMENT_ROWS.into_iter().zip(&*COMMENT_INSERTS) {
            let mut insert = self.tx.prepare_cached(sql)?;
            while comments.len() - position >= rows {
                for row in 0..rows {
                    bind_comment(
                        &mut insert,
                        row,
                        (id, d),
                        position + row,
                        authors[position + row],
                    )?;
                }
                insert.raw_execute()?;
                position += rows;
            }
        }
        if self.tally.is_none() {
            super::activity::apply(&self.tx, id, 1)?;
        }
        if let Some(post) = d.post() {
            for m in &post.media {
                self.media(id, None, "post", m)?;
            }
            if let Some(m) = &post.thumbnail {
                self.media(id, None, "thumbnail", m)?;
            }
        }
        for (position, m) in d.all_comment_media() {
            self.media(id, Some(position as i64), "comment", m)?;
        }
        for &(parent, count) in d.unarchived_stubs() {
            let parent = (parent != crate::model::Comment::NO_PARENT).then_some(i64::from(parent));
            self.tx
                .prepare_cached(
                    "INSERT INTO unarchived (discussion, parent, count) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![id, parent, i64::from(count)])?;
        }
        Ok((id, fingerprint))
    }

    /// The discussion's own row (its post's facts too); its id.
    fn discussion_row(
        &self,
        file: Option<i64>,
        d: &Discussion,
        fingerprint: u64,
    ) -> rusqlite::Result<i64> {
        use crate::model::Community;
        let (community_kind, community) = match d.community() {
            None => (None, None),
            Some(Community::Subreddit(name)) => (Some("subreddit"), Some(name.as_str())),
            Some(Community::Source(name)) => (Some("source"), Some(name.as_str())),
        };
        let span = d.time_span();
        let post = d.post();
        let poll = post.and_then(|p| p.poll.as_ref()).map(|poll| {
            serde_json::json!({ "options": poll.options, "total": poll.total }).to_string()
        });
        self.tx
            .prepare_cached(
                "INSERT INTO discussions (file, name, title, source, submitter, body,
                   community_kind, community, comment_count, first_at, last_at, scores, months, fingerprint, post,
                   post_id, subreddit, posted_at, score, upvote_permille, num_comments, flair,
                   nsfw, spoiler, locked, archived, stickied, distinguished, edited, permalink,
                   url, suggested_sort, ranked, crosspost_parent, crosspost_title, poll)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                   ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31,
                   ?32, ?33, ?34, ?35, ?36)
                 RETURNING id",
            )?
            .query_row(
                params![
                    file,
                    d.id,
                    d.title,
                    d.source,
                    d.submitter,
                    d.body,
                    community_kind,
                    community,
                    d.comments().len() as i64,
                    span.map(|(first, _)| first.timestamp()),
                    span.map(|(_, last)| last.timestamp()),
                    d.has_scores(),
                    months_text(d.comment_months()),
                    format!("{fingerprint:016x}"),
                    post.is_some(),
                    post.and_then(|p| p.id.as_deref()),
                    post.and_then(|p| p.subreddit.as_deref()),
                    post.and_then(|p| seconds(p.posted_at)),
                    post.and_then(|p| p.score),
                    post.and_then(|p| p.upvote_permille),
                    post.and_then(|p| p.num_comments).map(|n| n as i64),
                    post.and_then(|p| p.flair.as_deref()),
                    post.is_some_and(|p| p.nsfw),
                    post.is_some_and(|p| p.spoiler),
                    post.is_some_and(|p| p.locked),
                    post.is_some_and(|p| p.archived),
                    post.is_some_and(|p| p.stickied),
                    post.and_then(|p| p.distinguished).map(|d| d.as_str()),
                    post.and_then(|p| edited(p.edited)),
                    post.and_then(|p| p.permalink.as_deref()),
                    post.and_then(|p| p.url.as_deref()),
                    post.and_then(|p| p.suggested_sort.as_deref()),
                    post.is_some_and(|p| p.ranked),
                    post.and_then(|p| p.crosspost_parent.as_deref()),
                    post.and_then(|p| p.crosspost_title.as_deref()),
                    poll,
                ],
                |row| row.get(0),
            )
    }

    fn media(
        &self,
        discussion: i64,
        comment: Option<i64>,
        role: &str,
        m: &Media,
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO media (discussion, comment, role, kind, url, width, height, caption,
                   poster, animated, removed, duration, title, provider)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                discussion,
                comment,
                role,
                media_kind(m.kind),
                m.url,
                m.width,
                m.height,
                m.caption,
                m.poster,
                m.animated,
                m.removed,
                m.duration,
                m.title,
                m.provider,
            ])?;
        Ok(())
    }
}

/// How many comments one insert writes: as many as fit, then fewer.
const COMMENT_ROWS: [usize; 3] = [32, 4, 1];

/// A comment row's columns.
const COMMENT_COLUMNS: usize = 22;

/// The inserts of [`COMMENT_ROWS`] comments, made once.
static COMMENT_INSERTS: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| COMMENT_ROWS.into_iter().map(comment_insert).collect());

/// The insert of `rows` comments.
fn comment_insert(rows: usize) -> String {
    let row = |r: usize| {
        let places: Vec<String> = (1..=COMMENT_COLUMNS)
            .map(|c| format!("?{}", r * COMMENT_COLUMNS + c))
            .collect();
        format!("({})", places.join(", "))
    };
    let values: Vec<String> = (0..rows).map(row).collect();
    format!(
        "INSERT INTO comments (id, discussion, position, comment_id, author, parent, depth,
           posted_at, clock, time_text, body, bytes, lines, score, score_hidden, edited,
           distinguished, stickied, controversial, flair, removed, removal_reason)
         VALUES {}",
        values.join(", ")
    )
}

/// Binds comment `position` of `d` (kept under key `id`) as row `row` of
/// an insert.
fn bind_comment(
    insert: &mut rusqlite::CachedStatement<'_>,
    row: usize,
    (id, d): (i64, &Discussion),
    position: usize,
    author: i64,
) -> rusqlite::Result<()> {
    let c = &d.comments()[position];
    let marks = &c.marks;
    let (removed, reason) = match d.removal(position) {
        None => (None, None),
        Some(Removal::Moderators) => (Some("moderators"), None),
        Some(Removal::Author) => (Some("author"), None),
        Some(Removal::AuthorLater) => (Some("author_later"), None),
        Some(Removal::Reason(reason)) => (Some("reason"), Some(reason)),
    };
    let clock = match c.clock() {
        Clock::Minutes => 0,
        Clock::Text => 1,
        Clock::Seconds => 2,
    };
    let values: [&dyn rusqlite::ToSql; COMMENT_COLUMNS] = [
        &(comment_range(id).0 + position as i64),
        &id,
        &(position as i64),
        &c.id.as_str(),
        &author,
        &c.parent().map(|p| p as i64),
        &(c.depth() as i64),
        &seconds(c.posted_at),
        &clock,
        &d.kept_time_text(position),
        &&*c.body,
        &(c.body.len() as i64),
        &(text_lines(&c.body) as i64),
        &marks.raw_score(),
        &marks.score_hidden(),
        &edited(marks.edited()),
        &marks.distinguished().map(|d| d.as_str()),
        &marks.stickied(),
        &marks.controversial(),
        &d.flair(position),
        &removed,
        &reason,
    ];
    for (column, value) in values.into_iter().enumerate() {
        insert.raw_bind_parameter(row * COMMENT_COLUMNS + column + 1, value)?;
    }
    Ok(())
}

/// A discussion's comments each month as the store keeps them:
/// `month:count` pairs, space-separated.
fn months_text(months: &[(u32, u32)]) -> String {
    let pairs: Vec<String> = months.iter().map(|(m, n)| format!("{m}:{n}")).collect();
    pairs.join(" ")
}

/// How many lines a text has (what the lists page by, with its bytes).
pub(crate) fn text_lines(text: &str) -> usize {
    crate::paging::Cost::of_text(text).lines
}

/// Adds the authors of discussion `id`'s comments to `touched`.
fn touch_authors(
    conn: &rusqlite::Connection,
    id: i64,
    touched: &mut rustc_hash::FxHashSet<i64>,
) -> rusqlite::Result<()> {
    let (first, last) = comment_range(id);
    let mut authors =
        conn.prepare_cached("SELECT DISTINCT author FROM comments WHERE id BETWEEN ?1 AND ?2")?;
    for author in authors.query_map([first, last], |row| row.get(0))? {
        touched.insert(author?);
    }
    Ok(())
}

/// Counts again the comments of the authors `only` (None: of all), but
/// those of hidden discussions.
fn count_authors(conn: &rusqlite::Connection, only: Option<&[i64]>) -> rusqlite::Result<()> {
    const COUNT: &str = "SELECT count(*), count(DISTINCT id >> 32), min(posted_at), max(posted_at)
                         FROM comments WHERE author = ?1 AND NOT EXISTS
                           (SELECT 1 FROM hidden WHERE hidden.discussion = comments.id >> 32)";
    match only {
        Some(ids) => {
            let mut update = conn.prepare_cached(&format!(
                "UPDATE authors SET (comment_count, discussion_count, first_at, last_at) =
                   ({COUNT}) WHERE id = ?1"
            ))?;
            for &id in ids {
                update.execute([id])?;
            }
        }
        None => {
            // Hidden discussions are left out (a test per comment, spared
            // when there is none, as after a first reading).
            let hidden: bool =
                conn.query_row("SELECT EXISTS (SELECT 1 FROM hidden)", [], |row| row.get(0))?;
            let shown = match hidden {
                true => {
                    "WHERE NOT EXISTS (SELECT 1 FROM hidden WHERE hidden.discussion = comments.id >> 32)"
                }
                false => "",
            };
            conn.execute_batch(&format!(
                "UPDATE authors SET comment_count = 0, discussion_count = 0, first_at = NULL,
                   last_at = NULL;
                 UPDATE authors SET comment_count = counted.comments,
                   discussion_count = counted.discussions, first_at = counted.first,
                   last_at = counted.last
                 FROM (SELECT author, count(*) AS comments,
                         count(DISTINCT id >> 32) AS discussions,
                         min(posted_at) AS first, max(posted_at) AS last
                       FROM comments {shown} GROUP BY author) AS counted
                 WHERE counted.author = authors.id;"
            ))?
        }
    }
    Ok(())
}

/// The first and last possible row ids of discussion `id`'s comments.
pub(super) fn comment_range(id: i64) -> (i64, i64) {
    (id << 32, (id << 32) | 0xFFFF_FFFF)
}
