//! Who wrote how many comments in each community and month (the
//! `activity` table): what the pages of a year, a month and a community
//! list as their most active authors, read without counting the comments.
//! Kept as the comments are written: a first reading tallies them in
//! memory and writes the table once at its end; any other write adds a
//! discussion's comments when it is written and takes them away when it
//! is hidden.

use rusqlite::{Connection, OptionalExtension, params};
use rustc_hash::FxHashMap;

use crate::model::{Community, Counted};

/// A community as the `communities` table names it: `r/` and a
/// subreddit's name, `s/` and a source's (as the discussions name them),
/// or '' for the discussions of none.
pub fn community_name(community: Option<&Community>) -> String {
    match community {
        None => String::new(),
        Some(Community::Subreddit(name)) => format!("r/{name}"),
        Some(Community::Source(name)) => format!("s/{name}"),
    }
}

/// All time, as the table's `period` (a month is `201903`).
const ALL_TIME: i64 = 0;

/// The periods (first and last) a span covers.
pub fn periods(span: Counted) -> (i64, i64) {
    let month = |year: i32, month: u32| i64::from(year) * 100 + i64::from(month);
    match span {
        Counted::All => (ALL_TIME, ALL_TIME),
        Counted::Year(year) => (month(year, 1), month(year, 12)),
        Counted::Month(year, m) => (month(year, m), month(year, m)),
    }
}

/// The month (`201903`) a time (seconds) falls in, in the years 0 to
/// 9999, with its first second and the first of the next.
fn month_of(seconds: i64) -> Option<(i64, i64, i64)> {
    use chrono::Datelike;
    let at = chrono::DateTime::from_timestamp(seconds, 0)?.date_naive();
    if !(0..=9999).contains(&at.year()) {
        return None;
    }
    let first = at.with_day(1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let second = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
    let month = i64::from(at.year()) * 100 + i64::from(at.month());
    Some((month, second(first)?, second(next)?))
}

/// The month of each time, made again only when a time leaves the last
/// one's month (a discussion's comments are most often in a few).
#[derive(Default)]
struct Months {
    last: Option<(i64, i64, i64)>,
}

impl Months {
    /// The month of `at` (seconds; None: of no known time), or
    /// [`ALL_TIME`] when it has none.
    fn of(&mut self, at: Option<i64>) -> i64 {
        let Some(at) = at else {
            return ALL_TIME;
        };
        match self.last {
            Some((month, start, end)) if at >= start && at < end => month,
            _ => {
                self.last = month_of(at);
                self.last.map_or(ALL_TIME, |(month, _, _)| month)
            }
        }
    }
}

/// The activity of a first reading, kept in memory as it writes: each
/// community's comments by month and author (month [`ALL_TIME`]: of no
/// known time); all time is added up at the end.
#[derive(Default)]
pub(super) struct Tally {
    /// The communities' names, by number.
    communities: Vec<String>,
    numbers: FxHashMap<String, u32>,
    months: FxHashMap<(u32, i64, i64), i64>,
}

impl Tally {
    /// Counts the comments (time in seconds, author) of a discussion of
    /// `community`.
    pub fn add(
        &mut self,
        community: Option<&Community>,
        comments: impl Iterator<Item = (Option<i64>, i64)>,
    ) {
        let name = community_name(community);
        let number = match self.numbers.get(&name) {
            Some(&n) => n,
            None => {
                let n = self.communities.len() as u32;
                self.communities.push(name.clone());
                self.numbers.insert(name, n);
                n
            }
        };
        let mut months = Months::default();
        for (at, author) in comments {
            *self
                .months
                .entry((number, months.of(at), author))
                .or_default() += 1;
        }
    }

    /// Writes the communities and the table: each month's counts and all
    /// time's, in the table's order (each row goes at its end).
    pub fn keep(self, conn: &Connection) -> rusqlite::Result<()> {
        let tx = conn.unchecked_transaction()?;
        let ids: Vec<i64> = self
            .communities
            .iter()
            .map(|name| community_id(&tx, name))
            .collect::<rusqlite::Result<_>>()?;
        let mut all_time: FxHashMap<(u32, i64), i64> = FxHashMap::default();
        let mut rows: Vec<(i64, i64, i64, i64)> = Vec::with_capacity(self.months.len());
        for ((community, month, author), n) in self.months {
            *all_time.entry((community, author)).or_default() += n;
            if month != ALL_TIME {
                rows.push((ids[community as usize], month, author, n));
            }
        }
        rows.extend(
            all_time
                .into_iter()
                .map(|((community, author), n)| (ids[community as usize], ALL_TIME, author, n)),
        );
        rows.sort_unstable();
        {
            let mut insert = tx.prepare(
                "INSERT INTO activity (community, period, author, comments) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (community, period, author, n) in rows {
                insert.execute(params![community, period, author, n])?;
            }
        }
        tx.commit()
    }
}

/// The id of the community `name`, made when new.
fn community_id(conn: &Connection, name: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("INSERT OR IGNORE INTO communities (name) VALUES (?1)")?
        .execute([name])?;
    conn.prepare_cached("SELECT id FROM communities WHERE name = ?1")?
        .query_row([name], |row| row.get(0))
}

/// Adds the comments of discussion `id`, as its rows say, to the table
/// (`sign` 1), or takes them away (−1).
pub(super) fn apply(conn: &Connection, id: i64, sign: i64) -> rusqlite::Result<()> {
    let of = conn
        .prepare_cached("SELECT community_kind, community FROM discussions WHERE id = ?1")?
        .query_row([id], |row| super::read::community(row, 0))?;
    let community = community_id(conn, &community_name(of.as_ref()))?;
    let (first, last) = super::write::comment_range(id);
    let mut counts: FxHashMap<(i64, i64), i64> = FxHashMap::default();
    {
        let mut comments = conn
            .prepare_cached("SELECT posted_at, author FROM comments WHERE id BETWEEN ?1 AND ?2")?;
        let mut rows = comments.query([first, last])?;
        let mut months = Months::default();
        while let Some(row) = rows.next()? {
            let author: i64 = row.get(1)?;
            let month = months.of(row.get(0)?);
            if month != ALL_TIME {
                *counts.entry((month, author)).or_default() += sign;
            }
            *counts.entry((ALL_TIME, author)).or_default() += sign;
        }
    }
    let mut add = conn.prepare_cached(
        "INSERT INTO activity (community, period, author, comments) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO UPDATE SET comments = comments + excluded.comments",
    )?;
    let mut empty = conn.prepare_cached(
        "DELETE FROM activity WHERE community = ?1 AND period = ?2 AND author = ?3
           AND comments <= 0",
    )?;
    for (&(period, author), &n) in &counts {
        add.execute(params![community, period, author, n])?;
        if n < 0 {
            empty.execute(params![community, period, author])?;
        }
    }
    Ok(())
}

/// Each author's comments in `community` (None: in every community) in
/// `span`, as rows of `(author, comments)` (an author in several months
/// or communities has a row of each).
pub(super) fn read(
    conn: &Connection,
    community: Option<&Community>,
    span: Counted,
    each: &mut dyn FnMut(i64, i64),
) -> rusqlite::Result<()> {
    let ids: Vec<i64> = match community {
        Some(c) => conn
            .prepare_cached("SELECT id FROM communities WHERE name = ?1")?
            .query_row([community_name(Some(c))], |row| row.get(0))
            .optional()?
            .into_iter()
            .collect(),
        None => conn
            .prepare_cached("SELECT id FROM communities")?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?,
    };
    let (first, last) = periods(span);
    let mut query = conn.prepare_cached(
        "SELECT author, comments FROM activity
         WHERE community = ?1 AND period BETWEEN ?2 AND ?3",
    )?;
    for id in ids {
        let mut rows = query.query([id, first, last])?;
        while let Some(row) = rows.next()? {
            each(row.get(0)?, row.get(1)?);
        }
    }
    Ok(())
}
