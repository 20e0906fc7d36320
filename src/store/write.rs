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
    /// What it made: for a text or thread file its discussion (perhaps the
    /// last good one, when it no longer parses), if any.
    pub discussion: Option<&'a Discussion>,
    pub diagnostics: &'a [Diagnostic],
}

/// The rows of one write, with the authors' ids it knows.
struct Writer<'t> {
    tx: Transaction<'t>,
    authors: &'t mut FxHashMap<Arc<str>, i64>,
}

impl Store {
    /// Keeps `records` (each replacing what its file made before) and
    /// forgets the files `gone`, in one transaction.
    pub fn write(&mut self, records: &[Record<'_>], gone: &[String]) -> Result<(), StoreError> {
        let mut writer = Writer::new(self.conn.transaction()?, &mut self.authors);
        let written = (|| {
            for path in gone {
                if let Some(id) = writer.file_id(path)? {
                    writer.clear(Some(id))?;
                    writer.tx.execute("DELETE FROM files WHERE id = ?1", [id])?;
                }
            }
            for record in records {
                let id = writer.file(&record.path, record.kind, record.fingerprint)?;
                writer.clear(Some(id))?;
                if let Some(d) = record.discussion {
                    writer.discussion(Some(id), d)?;
                }
                writer.diagnostics(Some(id), record.diagnostics)?;
            }
            Ok(())
        })();
        writer.finish(written)
    }

    /// Replaces what the dumps made, as a group (their threads span files):
    /// the dump files with their fingerprints, the threads and diagnostics.
    pub fn write_dumps(
        &mut self,
        files: &[(&str, Option<Fingerprint>)],
        discussions: &[Arc<Discussion>],
        diagnostics: &[Diagnostic],
    ) -> Result<(), StoreError> {
        let mut writer = Writer::new(self.conn.transaction()?, &mut self.authors);
        let written = (|| {
            writer.clear(None)?;
            writer
                .tx
                .execute("DELETE FROM files WHERE kind = 'dump'", [])?;
            for &(path, fingerprint) in files {
                writer.file(path, FileKind::Dump, fingerprint)?;
            }
            for d in discussions {
                writer.discussion(None, d)?;
            }
            writer.diagnostics(None, diagnostics)
        })();
        writer.finish(written)
    }

    /// Forgets the authors' ids it keeps between writes (at the end of an
    /// ingest: they would grow with the archive).
    pub fn release(&mut self) {
        self.authors = FxHashMap::default();
        self.author_names = Default::default();
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
    fn new(tx: Transaction<'t>, authors: &'t mut FxHashMap<Arc<str>, i64>) -> Self {
        Writer { tx, authors }
    }

    /// Commits what was written, or (on an error) rolls it back and
    /// forgets the authors' ids it made.
    fn finish(self, written: rusqlite::Result<()>) -> Result<(), StoreError> {
        match written.and_then(|()| self.tx.commit()) {
            Ok(()) => Ok(()),
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

    /// Deletes what a file (None: the dumps) made.
    fn clear(&self, file: Option<i64>) -> rusqlite::Result<()> {
        let ids: Vec<i64> = self
            .tx
            .prepare_cached("SELECT id FROM discussions WHERE file IS ?1")?
            .query_map([file], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            let (first, last) = comment_range(id);
            self.tx
                .prepare_cached("DELETE FROM comments WHERE id BETWEEN ?1 AND ?2")?
                .execute([first, last])?;
            self.tx
                .prepare_cached("DELETE FROM media WHERE discussion = ?1")?
                .execute([id])?;
            self.tx
                .prepare_cached("DELETE FROM unarchived WHERE discussion = ?1")?
                .execute([id])?;
        }
        self.tx
            .prepare_cached("DELETE FROM discussions WHERE file IS ?1")?
            .execute([file])?;
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

    fn discussion(&mut self, file: Option<i64>, d: &Discussion) -> rusqlite::Result<()> {
        let id = self.discussion_row(file, d)?;
        let (first, _) = comment_range(id);
        let authors: Vec<i64> = d
            .comments()
            .iter()
            .map(|c| self.author(&c.author))
            .collect::<rusqlite::Result<_>>()?;
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO comments (id, discussion, position, comment_id, author, parent,
               depth, posted_at, clock, time_text, body, score, score_hidden, edited,
               distinguished, stickied, controversial, flair, removed, removal_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
               ?16, ?17, ?18, ?19, ?20)",
        )?;
        for ((position, c), author) in d.comments().iter().enumerate().zip(authors) {
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
            insert.execute(params![
                first + position as i64,
                id,
                position as i64,
                c.id.as_str(),
                author,
                c.parent().map(|p| p as i64),
                c.depth() as i64,
                seconds(c.posted_at),
                clock,
                d.kept_time_text(position),
                &*c.body,
                marks.raw_score(),
                marks.score_hidden(),
                edited(marks.edited()),
                marks.distinguished().map(|d| d.as_str()),
                marks.stickied(),
                marks.controversial(),
                d.flair(position),
                removed,
                reason,
            ])?;
        }
        drop(insert);
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
        Ok(())
    }

    /// The discussion's own row (its post's facts too); its id.
    fn discussion_row(&self, file: Option<i64>, d: &Discussion) -> rusqlite::Result<i64> {
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
                   community_kind, community, comment_count, first_at, last_at, post, post_id,
                   subreddit, posted_at, score, upvote_permille, num_comments, flair, nsfw,
                   spoiler, locked, archived, stickied, distinguished, edited, permalink, url,
                   suggested_sort, ranked, crosspost_parent, crosspost_title, poll)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                   ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31,
                   ?32, ?33)
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

/// The first and last possible row ids of discussion `id`'s comments.
pub(super) fn comment_range(id: i64) -> (i64, i64) {
    (id << 32, (id << 32) | 0xFFFF_FFFF)
}
