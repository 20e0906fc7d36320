//! The store as the server reads it: the archive's [`Shelf`], a few
//! read-only connections that pages take turns on.

use std::sync::{Arc, Mutex};

use super::{Store, StoreError, activity};
use crate::model::{CommentId, Community, Counted, Discussion, Kept, Names, Shelf, Unreadable};

/// The store's read-only connections, made as they are needed and kept
/// for the next request.
pub struct StoreShelf {
    /// A connection to make the others from.
    origin: Mutex<Store>,
    idle: Mutex<Vec<Store>>,
    /// The author names shared by the discussions read.
    names: Arc<Names>,
}

impl From<StoreError> for Unreadable {
    fn from(err: StoreError) -> Self {
        Unreadable(err.to_string())
    }
}

impl From<rusqlite::Error> for Unreadable {
    fn from(err: rusqlite::Error) -> Self {
        Unreadable(err.to_string())
    }
}

impl StoreShelf {
    /// The shelf of `store`, its names shared through `names`.
    pub fn new(store: &Store, names: Arc<Names>) -> Result<Self, StoreError> {
        Ok(StoreShelf {
            origin: Mutex::new(store.reader()?),
            idle: Mutex::new(Vec::new()),
            names,
        })
    }

    /// Runs `read` on an idle connection (or a new one), which is kept
    /// after for the next. When no other can be opened (the store's file
    /// was deleted under the server, say), on the first, in turn.
    fn with<T>(&self, read: impl FnOnce(&Store) -> Result<T, Unreadable>) -> Result<T, Unreadable> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let reader = match idle {
            Some(reader) => reader,
            None => {
                let origin = self.origin.lock().unwrap_or_else(|e| e.into_inner());
                match origin.reader() {
                    Ok(reader) => reader,
                    Err(_) => return read(&origin),
                }
            }
        };
        let made = read(&reader);
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(reader);
        made
    }

    /// Each row of `sql` (with `params`) as a [`Kept`], while `each` says
    /// to go on: its columns are a comment's id, time, bytes and lines.
    fn each(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        each: &mut dyn FnMut(Kept) -> bool,
    ) -> Result<(), Unreadable> {
        self.with(|store| {
            let mut query = store.conn.prepare_cached(sql)?;
            let mut rows = query.query(params)?;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                let going = each(Kept {
                    key: id >> 32,
                    position: id as u32,
                    posted_at: row.get(1)?,
                    bytes: row.get::<_, i64>(2)? as u32,
                    lines: row.get::<_, i64>(3)? as u32,
                });
                if !going {
                    break;
                }
            }
            Ok(())
        })
    }
}

impl Shelf for StoreShelf {
    fn discussion(&self, key: i64) -> Result<Discussion, Unreadable> {
        self.with(|store| Ok(store.discussion(key, &self.names)?))
    }

    fn comments_of(&self, author: &str, each: &mut dyn FnMut(Kept)) -> Result<(), Unreadable> {
        self.each(
            "SELECT id, posted_at, bytes, lines FROM comments INDEXED BY comments_by_author
             WHERE author = (SELECT id FROM authors WHERE name = ?1)",
            [author],
            &mut |kept| {
                each(kept);
                true
            },
        )
    }

    fn comments_in_time(
        &self,
        from: i64,
        to: i64,
        each: &mut dyn FnMut(Kept) -> bool,
    ) -> Result<(), Unreadable> {
        self.each(
            "SELECT id, posted_at, bytes, lines FROM comments INDEXED BY comments_by_time
             WHERE posted_at >= ?1 AND posted_at < ?2 ORDER BY posted_at",
            [from, to],
            each,
        )
    }

    fn comments_without_time(&self, each: &mut dyn FnMut(Kept) -> bool) -> Result<(), Unreadable> {
        self.each(
            "SELECT id, posted_at, bytes, lines FROM comments INDEXED BY comments_by_time
             WHERE posted_at IS NULL",
            [],
            each,
        )
    }

    fn authors_between(
        &self,
        from: i64,
        to: i64,
        each: &mut dyn FnMut(i64, i64),
    ) -> Result<(), Unreadable> {
        self.with(|store| {
            let mut query = store.conn.prepare_cached(
                "SELECT id, author FROM comments INDEXED BY comments_by_time
                 WHERE posted_at >= ?1 AND posted_at < ?2",
            )?;
            let mut rows = query.query([from, to])?;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                each(id >> 32, row.get(1)?);
            }
            Ok(())
        })
    }

    fn activity(
        &self,
        community: Option<&Community>,
        span: Counted,
        each: &mut dyn FnMut(i64, i64),
    ) -> Result<(), Unreadable> {
        self.with(|store| Ok(activity::read(&store.conn, community, span, each)?))
    }

    fn comment_media_urls(&self, each: &mut dyn FnMut(i64, &str)) -> Result<(), Unreadable> {
        self.with(|store| {
            let mut query = store
                .conn
                .prepare_cached("SELECT discussion, url FROM media WHERE role = 'comment'")?;
            let mut rows = query.query([])?;
            while let Some(row) = rows.next()? {
                let url = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
                each(row.get(0)?, url);
            }
            Ok(())
        })
    }

    fn comment_texts(&self, at: &[(i64, u32)]) -> Result<Vec<(CommentId, String)>, Unreadable> {
        self.with(|store| {
            let mut query = store
                .conn
                .prepare_cached("SELECT comment_id, body FROM comments WHERE id = ?1")?;
            at.iter()
                .map(|&(key, position)| {
                    let id = (key << 32) | i64::from(position);
                    Ok(query.query_row([id], |row| {
                        let comment_id = row.get_ref(0)?.as_str()?;
                        Ok((CommentId::from_source(comment_id), row.get(1)?))
                    })?)
                })
                .collect()
        })
    }

    fn author_name(&self, id: i64) -> Result<String, Unreadable> {
        self.with(|store| {
            Ok(store
                .conn
                .prepare_cached("SELECT name FROM authors WHERE id = ?1")?
                .query_row([id], |row| row.get(0))?)
        })
    }
}
