//! Reading what files made back into the model, exactly as parsed: a
//! discussion read from the store equals the one its file made
//! (`tests.rs` checks it on every fixture).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::Row;

use super::write::comment_range;
use super::{FileKind, Fingerprint, Store, StoreError, StoredFile};
use crate::model::{
    Author, Comment, CommentId, Community, Diagnostic, Discussion, Distinguished, Edited, Head,
    Labels, Marks, Media, MediaKind, Names, Poll, PostMeta, RemovalKind, Tally, TimeText,
};

/// A discussion's head as the store keeps it.
#[derive(Debug, Clone)]
pub struct StoredHead {
    /// Its key (the row's id).
    pub key: i64,
    /// The file that made it (None: the dumps).
    pub file: Option<i64>,
    pub head: Head,
}

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

    /// What file `file` (None: the dumps) made: its discussions, whole,
    /// in the order they were written, and its diagnostics.
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
                "SELECT file, name, line, message FROM diagnostics WHERE file IS ?1 ORDER BY rowid",
            )?
            .query_map([file], |row| Ok(diagnostic(row)?.1))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((discussions, diagnostics))
    }

    /// The head of every discussion the store holds, with its key and
    /// the file that made it (None: the dumps), in the order they were
    /// written.
    pub fn heads(&self) -> Result<Vec<StoredHead>, StoreError> {
        let mut media: rustc_hash::FxHashMap<i64, (Vec<Media>, Option<Media>)> = Default::default();
        let mut query = self.conn.prepare(
            "SELECT discussion, role, kind, url, width, height, caption, poster, animated,
               removed, duration, title, provider
             FROM media WHERE role IN ('post', 'thumbnail') ORDER BY rowid",
        )?;
        let mut rows = query.query([])?;
        while let Some(row) = rows.next()? {
            let kept = media.entry(row.get(0)?).or_default();
            match row.get_ref(1)?.as_str()? {
                "post" => kept.0.push(self::media(row)?),
                _ => kept.1 = Some(self::media(row)?),
            }
        }
        // All but the article's body (its text is not read: a start reads
        // only the rows' first pages).
        let columns = HEAD_COLUMNS.replacen("body", "'' AS body", 1);
        let mut query = self.conn.prepare(&format!(
            "SELECT {columns}, id, file FROM discussions WHERE file IS NOT -1 ORDER BY id"
        ))?;
        let mut rows = query.query([])?;
        let mut heads = Vec::new();
        while let Some(row) = rows.next()? {
            let key: i64 = row.get(HEAD_WIDTH)?;
            let (head, _) = head(row, media.remove(&key).unwrap_or_default())?;
            heads.push(StoredHead {
                key,
                file: row.get(HEAD_WIDTH + 1)?,
                head,
            });
        }
        Ok(heads)
    }

    /// Every diagnostic, with the file it is of (None: the dumps).
    pub fn diagnostics(&self) -> Result<Vec<(Option<i64>, Diagnostic)>, StoreError> {
        let mut query = self
            .conn
            .prepare("SELECT file, name, line, message FROM diagnostics ORDER BY rowid")?;
        let all = query
            .query_map([], diagnostic)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(all)
    }

    /// Everyone with a comment kept, sorted by name, with their counts.
    pub fn authors(&self) -> Result<Vec<Author>, StoreError> {
        let mut query = self.conn.prepare(
            "SELECT name, comment_count, discussion_count, first_at, last_at FROM authors
             WHERE comment_count > 0",
        )?;
        let mut all: Vec<Author> = query
            .query_map([], |row| {
                Ok(Author {
                    name: row.get(0)?,
                    comment_count: row.get::<_, i64>(1)? as usize,
                    discussion_count: row.get::<_, i64>(2)? as usize,
                    first_at: time(row.get(3)?),
                    last_at: time(row.get(4)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        // By Rust's order of strings (bytes), not the database's.
        all.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// Discussion `id` (the row's), whole.
    pub(crate) fn discussion(&self, id: i64, names: &Names) -> Result<Discussion, StoreError> {
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
        drop(rows);
        let (head, body) = self
            .conn
            .prepare_cached(&format!(
                "SELECT {HEAD_COLUMNS} FROM discussions WHERE id = ?1"
            ))?
            .query_row([id], |row| head(row, (post_media, thumbnail)))?;
        let (comments, labels, time_texts) = self.comments(id, names)?;
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
        let mut discussion = Discussion::new(
            head.id.clone(),
            head.title.clone(),
            head.source.clone(),
            head.submitter.clone(),
            body,
            comments,
        )
        .with_unarchived(stubs)
        .with_labels(labels)
        .with_time_texts(time_texts)
        .with_comment_media(comment_media)
        .with_community(head.community().cloned());
        if let Some(post) = head.post() {
            discussion = discussion.with_post(post.clone());
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

/// A row of `diagnostics` (`file, name, line, message`): the file it is
/// of, and what it says.
fn diagnostic(row: &Row<'_>) -> rusqlite::Result<(Option<i64>, Diagnostic)> {
    Ok((
        row.get(0)?,
        Diagnostic {
            file: row.get(1)?,
            line: row.get::<_, Option<i64>>(2)?.map(|l| l as usize),
            message: row.get(3)?,
        },
    ))
}

/// The columns of a discussion's row [`head`] reads.
const HEAD_COLUMNS: &str = "name, title, source, submitter, body, community_kind, community, post,
   post_id, subreddit, posted_at, score, upvote_permille, num_comments, flair, nsfw, spoiler,
   locked, archived, stickied, distinguished, edited, permalink, url, suggested_sort, ranked,
   crosspost_parent, crosspost_title, poll, comment_count, first_at, last_at, scores, months, fingerprint";

/// How many they are.
const HEAD_WIDTH: usize = 35;

/// A discussion's community, from its `community_kind` (column `kind`)
/// and `community` (the next).
pub(super) fn community(row: &Row<'_>, kind: usize) -> rusqlite::Result<Option<Community>> {
    match (
        row.get::<_, Option<String>>(kind)?.as_deref(),
        row.get::<_, Option<String>>(kind + 1)?,
    ) {
        (Some("subreddit"), Some(name)) => Ok(Some(Community::Subreddit(name))),
        (Some("source"), Some(name)) => Ok(Some(Community::Source(name))),
        (None, None) => Ok(None),
        _ => Err(invalid(kind, "community")),
    }
}

/// A discussion's head and its article's body, from a row of
/// [`HEAD_COLUMNS`], with its post's media and thumbnail.
fn head(
    row: &Row<'_>,
    (media, thumbnail): (Vec<Media>, Option<Media>),
) -> rusqlite::Result<(Head, String)> {
    let community = community(row, 5)?;
    let span = match (time(row.get(30)?), time(row.get(31)?)) {
        (Some(first), Some(last)) => Some((first, last)),
        _ => None,
    };
    let mut head = Head::new(
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        Tally {
            comments: row.get::<_, i64>(29)? as usize,
            span,
            scores: row.get(32)?,
            months: months(row.get_ref(33)?.as_str()?).ok_or_else(|| invalid(33, "months"))?,
        },
    )
    .with_fingerprint(
        u64::from_str_radix(row.get_ref(34)?.as_str()?, 16).map_err(|_| invalid(34, "hash"))?,
    )
    .with_community(community);
    if row.get::<_, bool>(7)? {
        let mut post = post(row, 8)?;
        post.media = media;
        post.thumbnail = thumbnail;
        head = head.with_post(post);
    }
    Ok((head, row.get(4)?))
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

/// A discussion's comments each month, from `month:count` pairs.
fn months(text: &str) -> Option<Vec<(u32, u32)>> {
    text.split_ascii_whitespace()
        .map(|pair| {
            let (month, count) = pair.split_once(':')?;
            Some((month.parse().ok()?, count.parse().ok()?))
        })
        .collect()
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
