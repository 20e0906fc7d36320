//! Who wrote how many comments in each community and period (the
//! `activity` table): what the pages of a year, a month and a community
//! list as their most active authors, read without counting the comments.
//! Kept as the comments are written: a first reading tallies them in
//! memory and writes the table once at its end; any other write adds a
//! discussion's comments when it is written and takes them away when it
//! is hidden.

use rusqlite::{Connection, params};
use rustc_hash::FxHashMap;

use crate::model::Community;

/// The whole archive, as the table names it.
pub const WHOLE: &str = "";

/// A community as the table names it: `r/` and a subreddit's name, `s/`
/// and a source's (as the discussions name them).
pub fn community_key(community: &Community) -> String {
    match community {
        Community::Subreddit(name) => format!("r/{name}"),
        Community::Source(name) => format!("s/{name}"),
    }
}

/// A period: a year and a month (1 to 12), a year and 0 (the whole
/// year), or [`ALL_TIME`].
pub type Period = (i32, u8);

/// All time.
pub const ALL_TIME: Period = (-1, 0);

/// The table's `period` for `period`: `2019-03`, `2019`, or '' for all time.
pub fn period_text((year, month): Period) -> String {
    match (year, month) {
        (year, _) if year < 0 => String::new(),
        (year, 0) => format!("{year:04}"),
        (year, month) => format!("{year:04}-{month:02}"),
    }
}

/// The month a time (seconds) falls in (years 0 to 9999), with its first
/// second and the first of the next.
fn month_of(seconds: i64) -> Option<(Period, i64, i64)> {
    use chrono::Datelike;
    let at = chrono::DateTime::from_timestamp(seconds, 0)?.date_naive();
    if !(0..=9999).contains(&at.year()) {
        return None;
    }
    let first = at.with_day(1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let second = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
    Some(((at.year(), at.month() as u8), second(first)?, second(next)?))
}

/// The periods a comment of month `at` (None: of no known time) counts
/// in: its month, its year and all time.
fn periods(at: Option<Period>) -> impl Iterator<Item = Period> {
    let (month, year) = match at {
        Some((year, month)) => (Some((year, month)), Some((year, 0))),
        None => (None, None),
    };
    month.into_iter().chain(year).chain([ALL_TIME])
}

/// The activity of a first reading, kept in memory as it writes: each
/// community's comments by month and author (a month of −1: of no known
/// time), the rest made from it at the end.
#[derive(Default)]
pub(super) struct Tally {
    /// The communities' keys, by number (0: no community).
    communities: Vec<String>,
    numbers: FxHashMap<String, u32>,
    months: FxHashMap<(u32, Period, i64), i64>,
}

impl Tally {
    /// Counts the comments (time in seconds, author) of a discussion of
    /// `community`.
    pub fn add(
        &mut self,
        community: Option<&Community>,
        comments: impl Iterator<Item = (Option<i64>, i64)>,
    ) {
        let number = match community {
            None => 0,
            Some(c) => {
                let key = community_key(c);
                match self.numbers.get(&key) {
                    Some(&n) => n,
                    None => {
                        if self.communities.is_empty() {
                            self.communities.push(WHOLE.to_owned());
                        }
                        let n = self.communities.len() as u32;
                        self.communities.push(key.clone());
                        self.numbers.insert(key, n);
                        n
                    }
                }
            }
        };
        // The month of the last comment's time, and its bounds: the next
        // comment is most often in the same.
        let mut last: Option<(Period, i64, i64)> = None;
        for (at, author) in comments {
            let month = match (at, last) {
                (Some(s), Some((m, start, end))) if s >= start && s < end => m,
                (Some(s), _) => {
                    last = month_of(s);
                    last.map_or(ALL_TIME, |(m, _, _)| m)
                }
                (None, _) => ALL_TIME,
            };
            *self.months.entry((number, month, author)).or_default() += 1;
        }
    }

    /// Writes the table: each community's and the whole archive's counts,
    /// by month, by year and for all time.
    pub fn keep(self, conn: &Connection) -> rusqlite::Result<()> {
        let mut rows: FxHashMap<(u32, Period, i64), i64> = FxHashMap::default();
        rows.reserve(self.months.len() * 3);
        // Community 0 stands for the whole archive from here on.
        for ((community, month, author), n) in self.months {
            let month = (month != ALL_TIME).then_some(month);
            for period in periods(month) {
                if community != 0 {
                    *rows.entry((community, period, author)).or_default() += n;
                }
                *rows.entry((0, period, author)).or_default() += n;
            }
        }
        let communities = match self.communities.is_empty() {
            true => vec![WHOLE.to_owned()],
            false => self.communities,
        };
        // In the table's order, so each insert goes at its end.
        let mut order: Vec<u32> = (0..communities.len() as u32).collect();
        order.sort_by(|&a, &b| communities[a as usize].cmp(&communities[b as usize]));
        let mut rank = vec![0; communities.len()];
        for (r, &c) in order.iter().enumerate() {
            rank[c as usize] = r;
        }
        let mut rows: Vec<((u32, String, i64), i64)> = rows
            .into_iter()
            .map(|((c, period, author), n)| ((c, period_text(period), author), n))
            .collect();
        rows.sort_unstable_by(|((c, period, author), _), ((d, other, by), _)| {
            (rank[*c as usize], period, author).cmp(&(rank[*d as usize], other, by))
        });
        let tx = conn.unchecked_transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO activity (community, period, author, comments) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for ((community, period, author), n) in rows {
                insert.execute(params![communities[community as usize], period, author, n])?;
            }
        }
        tx.commit()
    }
}

/// Adds the comments of discussion `id`, as its rows say, to the table
/// (`sign` 1), or takes them away (−1).
pub(super) fn apply(conn: &Connection, id: i64, sign: i64) -> rusqlite::Result<()> {
    let community: Option<String> = conn
        .prepare_cached(
            "SELECT CASE community_kind WHEN 'subreddit' THEN 'r/' || community
               WHEN 'source' THEN 's/' || community END FROM discussions WHERE id = ?1",
        )?
        .query_row([id], |row| row.get(0))?;
    let (first, last) = super::write::comment_range(id);
    let mut counts: FxHashMap<(Period, i64), i64> = FxHashMap::default();
    {
        let mut comments = conn
            .prepare_cached("SELECT posted_at, author FROM comments WHERE id BETWEEN ?1 AND ?2")?;
        let mut rows = comments.query([first, last])?;
        while let Some(row) = rows.next()? {
            let at: Option<i64> = row.get(0)?;
            let author: i64 = row.get(1)?;
            for period in periods(at.and_then(month_of).map(|(m, _, _)| m)) {
                *counts.entry((period, author)).or_default() += sign;
            }
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
    let scopes = std::iter::once(WHOLE).chain(community.as_deref());
    for scope in scopes {
        for (&(period, author), &n) in &counts {
            let period = period_text(period);
            add.execute(params![scope, period, author, n])?;
            if n < 0 {
                empty.execute(params![scope, period, author])?;
            }
        }
    }
    Ok(())
}
