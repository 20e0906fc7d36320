//! Reading what files made back into the model, exactly as parsed: a
//! discussion read from the store equals the one its file made
//! (`tests.rs` checks it on every fixture).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::Row;

use super::write::comment_range;
use super::{FileKind, Fingerprint, Store, StoreError, StoredFile};
use crate::model::{
    Comment, CommentId, Community, Diagnostic, Discussion, Distinguished, Edited, Labels, Marks,
    Media, MediaKind, Names, Poll, PostMeta, RemovalKind, TimeText,
};

fn time(seconds: Option<i64>) -> Option<DateTime<Utc>> {
    seconds.and_then(|s| DateTime::from_timestamp(s, 0))
}

fn edited(value: Option<i64>) -> Option<Edited> {
    value.map(|at| match at {
        0 => Edited::Unknown,
        at => DateTime::from_timestamp(at, 0).map_or(Edited::Unknown, Edited::At),
    })
}

/// Column `column`'s `moderator` or `admin`, if any.
fn distinguished(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<Distinguished>> {
    match row.get_ref(column)?.as_str_or_null()? {
        Some(d) => Distinguished::of_reddit(d)
            .map(Some)
            .ok_or_else(|| invalid(column, "mark")),
        None => Ok(None),
    }
}

/// A value the schema does not allow, found in a column.
fn invalid(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("not a valid {what}").into(),
    )
}

impl Store {
    /// Every file the store holds, by path.
    pub fn files(&self) -> Result<Vec<StoredFile>, StoreError> {
        let mut query = self
            .conn
            .prepare("SELECT id, path, kind, size, modified_ns, hash FROM files ORDER BY path")?;
        let files = query
            .query_map([], |row| {
                let kind: String = row.get(2)?;
                let size: Option<i64> = row.get(3)?;
                let modified_ns: Option<i64> = row.get(4)?;
                let hash: Option<String> = row.get(5)?;
                let hash = match hash {
                    Some(hex) => {
                        Some(u64::from_str_radix(&hex, 16).map_err(|_| invalid(5, "hash"))?)
                    }
                    None => None,
                };
                Ok(StoredFile {
                    id: row.get(0)?,
                    path: row.get(1)?,
                    kind: FileKind::of_str(&kind).ok_or_else(|| invalid(2, "kind"))?,
                    fingerprint: match (size, modified_ns) {
                        (Some(size), Some(modified_ns)) => Some(Fingerprint {
                            size: size as u64,
                            modified_ns,
                            hash,
                        }),
                        _ => None,
                    },
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(files)
    }

    /// What file `file` (None: the dumps) made: its discussions, in the
    /// order they were written, and its diagnostics.
    pub fn made_by(
        &self,
        file: Option<&StoredFile>,
        names: &Names,
    ) -> Result<(Vec<Discussion>, Vec<Diagnostic>), StoreError> {
        let file = file.map(|f| f.id);
        let ids: Vec<i64> = self
            .conn
            .prepare_cached("SELECT id FROM discussions WHERE file IS ?1 ORDER BY id")?
            .query_map([file], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let discussions = ids
            .into_iter()
            .map(|id| self.discussion(id, names))
            .collect::<Result<_, _>>()?;
        let diagnostics = self
            .conn
            .prepare_cached(
                "SELECT name, line, message FROM diagnostics WHERE file IS ?1 ORDER BY rowid",
            )?
            .query_map([file], |row| {
                Ok(Diagnostic {
                    file: row.get(0)?,
                    line: row.get::<_, Option<i64>>(1)?.map(|l| l as usize),
                    message: row.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok((discussions, diagnostics))
    }

    /// What each of `files` made ([`Store::made_by`]), in their order:
    /// read by as many connections as there are cores, for a store in a
    /// file (WAL lets them read side by side). `read(bytes)` is told the
    /// size of each file whose rows were read.
    #[allow(clippy::type_complexity)]
    pub fn made_by_each(
        &self,
        files: &[&StoredFile],
        names: &Names,
        read: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<(Vec<Discussion>, Vec<Diagnostic>)>, StoreError> {
        let made_by = |store: &Store, file: &StoredFile| {
            let made = store.made_by(Some(file), names);
            read(file.fingerprint.map_or(0, |f| f.size));
            made
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let readers: Vec<Store> = match &self.path {
            Some(path) if threads > 1 && files.len() > 1 => (0..threads)
                .map(|_| Store::reader(path))
                .collect::<Result<_, _>>()?,
            _ => Vec::new(),
        };
        if readers.is_empty() {
            return files.iter().map(|f| made_by(self, f)).collect();
        }
        let chunk = files.len().div_ceil(readers.len());
        let parts: Vec<Result<Vec<_>, StoreError>> = std::thread::scope(|scope| {
            let running: Vec<_> = files
                .chunks(chunk)
                .zip(readers)
                .map(|(files, reader)| {
                    scope.spawn(move || {
                        files
                            .iter()
                            .map(|f| made_by(&reader, f))
                            .collect::<Result<Vec<_>, _>>()
                    })
                })
                .collect();
            running
                .into_iter()
                .map(|t| t.join().expect("reading the store does not panic"))
                .collect()
        });
        let mut made = Vec::with_capacity(files.len());
        for part in parts {
            made.extend(part?);
        }
        Ok(made)
    }

    /// Discussion `id` (the row's), whole.
    pub(crate) fn discussion(&self, id: i64, names: &Names) -> Result<Discussion, StoreError> {
        let head = self
            .conn
            .prepare_cached(
                "SELECT name, title, source, submitter, body, community_kind, community, post,
                   post_id, subreddit, posted_at, score, upvote_permille, num_comments, flair,
                   nsfw, spoiler, locked, archived, stickied, distinguished, edited, permalink,
                   url, suggested_sort, ranked, crosspost_parent, crosspost_title, poll
                 FROM discussions WHERE id = ?1",
            )?
            .query_row([id], |row| {
                let community = match (
                    row.get::<_, Option<String>>(5)?.as_deref(),
                    row.get::<_, Option<String>>(6)?,
                ) {
                    (Some("subreddit"), Some(name)) => Some(Community::Subreddit(name)),
                    (Some("source"), Some(name)) => Some(Community::Source(name)),
                    (None, None) => None,
                    _ => return Err(invalid(5, "community")),
                };
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, String>(4)?,
                    community,
                    match row.get::<_, bool>(7)? {
                        true => Some(post(row, 8)?),
                        false => None,
                    },
                ))
            })?;
        let (name, title, source, submitter, body, community, post) = head;
        let (comments, labels, time_texts) = self.comments(id, names)?;
        let mut post_media = Vec::new();
        let mut thumbnail = None;
        let mut comment_media = Vec::new();
        let mut query = self.conn.prepare_cached(
            "SELECT comment, role, kind, url, width, height, caption, poster, animated, removed,
               duration, title, provider
             FROM media WHERE discussion = ?1 ORDER BY rowid",
        )?;
        let mut rows = query.query([id])?;
        while let Some(row) = rows.next()? {
            let media = media(row)?;
            match row.get_ref(1)?.as_str()? {
                "post" => post_media.push(media),
                "thumbnail" => thumbnail = Some(media),
                _ => {
                    let comment: i64 = row.get(0)?;
                    comment_media.push((comment as u32, media));
                }
            }
        }
        let stubs: Vec<(Option<usize>, u32)> = self
            .conn
            .prepare_cached(
                "SELECT parent, count FROM unarchived WHERE discussion = ?1 ORDER BY rowid",
            )?
            .query_map([id], |row| {
                Ok((
                    row.get::<_, Option<i64>>(0)?.map(|p| p as usize),
                    row.get::<_, i64>(1)? as u32,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut discussion = Discussion::new(name, title, source, submitter, body, comments)
            .with_unarchived(stubs)
            .with_labels(labels)
            .with_time_texts(time_texts)
            .with_comment_media(comment_media)
            .with_community(community);
        if let Some(mut post) = post {
            post.media = post_media;
            post.thumbnail = thumbnail;
            discussion = discussion.with_post(post);
        }
        Ok(discussion)
    }

    /// A discussion's comments in file order, with the labels their marks
    /// name and the time texts kept.
    #[allow(clippy::type_complexity)]
    fn comments(
        &self,
        id: i64,
        names: &Names,
    ) -> Result<(Vec<Comment>, Vec<Arc<str>>, Vec<(u32, TimeText)>), StoreError> {
        let (first, last) = comment_range(id);
        let mut query = self.conn.prepare_cached(
            "SELECT comment_id, author, parent, depth, posted_at, clock, time_text, body, score,
               score_hidden, edited, distinguished, stickied, controversial, flair, removed,
               removal_reason
             FROM comments WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
        )?;
        let mut rows = query.query([first, last])?;
        let mut comments = Vec::new();
        // Labels are numbered as the readers number them: in comment order,
        // a comment's flair before its removal reason.
        let mut labels = Labels::default();
        let mut time_texts = Vec::new();
        let mut known = self.author_names.borrow_mut();
        while let Some(row) = rows.next()? {
            let author: i64 = row.get(1)?;
            let shared = match known.get(&author) {
                Some(name) => name.clone(),
                None => {
                    let name: String = self
                        .conn
                        .prepare_cached("SELECT name FROM authors WHERE id = ?1")?
                        .query_row([author], |row| row.get(0))?;
                    let shared = names.get(&name);
                    known.insert(author, shared.clone());
                    shared
                }
            };
            let clock = match row.get::<_, i64>(5)? {
                0 => crate::model::Clock::Minutes,
                1 => crate::model::Clock::Text,
                2 => crate::model::Clock::Seconds,
                _ => return Err(invalid(5, "clock").into()),
            };
            let index = comments.len() as u32;
            if let Some(text) = row.get_ref(6)?.as_str_or_null()? {
                time_texts.push((
                    index,
                    TimeText::new(text).ok_or_else(|| invalid(6, "time"))?,
                ));
            }
            let mut marks = Marks::default();
            if let Some(score) = row.get::<_, Option<i64>>(8)? {
                marks = marks.with_score(score);
            }
            let distinguished = distinguished(row, 11)?;
            marks = marks
                .with_score_hidden(row.get(9)?)
                .with_edited(edited(row.get(10)?))
                .with_distinguished(distinguished)
                .with_stickied(row.get(12)?)
                .with_controversial(row.get(13)?);
            if let Some(flair) = row.get_ref(14)?.as_str_or_null()? {
                marks = marks.with_flair_label(Some(labels.id(flair)));
            }
            let removal = match row.get_ref(15)?.as_str_or_null()? {
                None => None,
                Some("moderators") => Some(RemovalKind::Moderators),
                Some("author") => Some(RemovalKind::Author),
                Some("author_later") => Some(RemovalKind::AuthorLater),
                Some("reason") => {
                    let reason: String = row.get(16)?;
                    Some(RemovalKind::Reason(labels.id(&reason)))
                }
                Some(_) => return Err(invalid(15, "removal").into()),
            };
            let parent: Option<i64> = row.get(2)?;
            let parent = match parent {
                Some(p) if (0..i64::from(index)).contains(&p) => p as u32,
                Some(_) => return Err(invalid(2, "parent").into()),
                None => Comment::NO_PARENT,
            };
            let depth: i64 = row.get(3)?;
            comments.push(Comment {
                id: CommentId::from_source(row.get_ref(0)?.as_str()?),
                author: shared,
                posted_at: time(row.get(4)?),
                parent,
                depth_clock: Comment::depth_clock(depth as u32, clock),
                body: row.get::<_, String>(7)?.into_boxed_str(),
                marks: marks.with_removal(removal),
            });
        }
        Ok((comments, labels.into_texts(), time_texts))
    }
}

/// What a post says of itself (but its media), from the columns of its
/// discussion's row that start at `at` (`post_id` … `poll`).
fn post(row: &Row<'_>, at: usize) -> rusqlite::Result<PostMeta> {
    let poll = match row.get_ref(at + 20)?.as_str_or_null()? {
        Some(json) => Some(poll(json).ok_or_else(|| invalid(at + 20, "poll"))?),
        None => None,
    };
    Ok(PostMeta {
        id: row.get(at)?,
        subreddit: row.get(at + 1)?,
        posted_at: time(row.get(at + 2)?),
        score: row.get(at + 3)?,
        upvote_permille: row.get(at + 4)?,
        num_comments: row.get::<_, Option<i64>>(at + 5)?.map(|n| n as u64),
        flair: row.get(at + 6)?,
        nsfw: row.get(at + 7)?,
        spoiler: row.get(at + 8)?,
        locked: row.get(at + 9)?,
        archived: row.get(at + 10)?,
        stickied: row.get(at + 11)?,
        distinguished: distinguished(row, at + 12)?,
        edited: edited(row.get(at + 13)?),
        permalink: row.get(at + 14)?,
        url: row.get(at + 15)?,
        suggested_sort: row.get(at + 16)?,
        ranked: row.get(at + 17)?,
        crosspost_parent: row.get(at + 18)?,
        crosspost_title: row.get(at + 19)?,
        poll,
        media: Vec::new(),
        thumbnail: None,
    })
}

/// A poll from its JSON: `{"options": [[text, votes], …], "total": n}`.
fn poll(json: &str) -> Option<Poll> {
    #[derive(serde::Deserialize)]
    struct Stored {
        options: Vec<(String, Option<u64>)>,
        total: Option<u64>,
    }
    let stored: Stored = serde_json::from_str(json).ok()?;
    Some(Poll {
        options: stored.options,
        total: stored.total,
    })
}

/// A media row (from its third column on).
fn media(row: &Row<'_>) -> rusqlite::Result<Media> {
    let kind = match row.get_ref(2)?.as_str()? {
        "image" => MediaKind::Image,
        "video" => MediaKind::Video,
        "gallery_item" => MediaKind::GalleryItem,
        "embed" => MediaKind::Embed,
        _ => return Err(invalid(2, "media kind")),
    };
    Ok(Media {
        kind,
        url: row.get(3)?,
        width: row.get(4)?,
        height: row.get(5)?,
        caption: row.get(6)?,
        poster: row.get(7)?,
        animated: row.get(8)?,
        removed: row.get(9)?,
        duration: row.get(10)?,
        title: row.get(11)?,
        provider: row.get(12)?,
    })
}
