//! A timeline's comments (the archive's, a community's, a period's) in
//! time order, cut into pages without holding them: each page's first
//! comment is kept, and a page is read again from the store's index of
//! times when it is shown.

use crate::cut::FLAT_BUDGET;
use crate::model::{Archive, Community, Timed, Unreadable};
use crate::paging::{Budget, Cost, Cutter, Pages};
use crate::site::error::PageError;
use crate::site::query::Day;

/// Which comments a timeline shows: those of its community (None: of
/// the whole archive), from `after` on and before `before`; and its
/// pages' budget (None: a page's, else an API's number a page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Selection {
    pub community: Option<Community>,
    pub after: Option<Day>,
    pub before: Option<Day>,
    pub per_page: Option<usize>,
}

/// A timeline's comments in time order (those of the same time in
/// archive order; those of no known time last, unless it stops before a
/// day), cut into pages. Only each page's first comment is kept (its time
/// and how many of that time go before it): a page's comments are read
/// again from the store's index of times when it is shown.
pub struct TimePages {
    pub pages: Pages,
    starts: Vec<(i64, u32)>,
    /// Which discussions it keeps, by position (None: all).
    member: Option<Vec<bool>>,
    to: Option<i64>,
}

impl TimePages {
    /// Reads the timeline of `selection` through once.
    pub fn new(archive: &Archive, selection: &Selection) -> Result<Self, PageError> {
        let member = match &selection.community {
            None => None,
            Some(community) => {
                let stats = archive.community(community).ok_or_else(|| {
                    PageError::NotFound(format!(
                        "There is no community \"{}\" in this archive.",
                        community.name()
                    ))
                })?;
                let mut member = vec![false; archive.discussions().len()];
                for &i in &stats.discussions {
                    member[i] = true;
                }
                Some(member)
            }
        };
        let to = selection.before.map(|day| day.start().timestamp());
        let budget = match selection.per_page {
            Some(n) => Budget::items(n),
            None => FLAT_BUDGET,
        };
        let mut cutter = Cutter::new(budget);
        let mut starts = Vec::new();
        // The time of the last comment, and how many of it came before.
        let (mut last, mut same) = (None, 0u32);
        let from = selection
            .after
            .map_or(i64::MIN, |day| day.start().timestamp());
        archive.each_in_time(from, to, &|i| keeps(&member, i), &mut |t| {
            match last == Some(t.seconds()) {
                true => same += 1,
                false => (last, same) = (Some(t.seconds()), 0),
            }
            let cost = Cost {
                bytes: t.bytes as usize,
                lines: t.lines as usize,
            };
            if cutter.push(cost) {
                starts.push((t.seconds(), same));
            }
            true
        })?;
        Ok(TimePages {
            pages: cutter.finish(),
            starts,
            member,
            to,
        })
    }

    /// About how many bytes it holds.
    pub fn weight(&self) -> usize {
        self.starts.len() * 16 + self.pages.count() * 8 + self.member.as_ref().map_or(0, Vec::len)
    }

    /// How many comments it has.
    pub fn comment_count(&self) -> usize {
        self.pages.len()
    }

    /// The comments of page `page` (1-based; none past the last).
    pub fn page(&self, archive: &Archive, page: usize) -> Result<Vec<Timed>, Unreadable> {
        let Some(range) = self.pages.range(page).filter(|r| !r.is_empty()) else {
            return Ok(Vec::new());
        };
        let (from, skip) = self.starts[page - 1];
        let mut comments = Vec::with_capacity(range.len());
        let mut skipped = 0;
        archive.each_in_time(from, self.to, &|i| keeps(&self.member, i), &mut |t| {
            if t.seconds() == from && skipped < skip {
                skipped += 1;
            } else {
                comments.push(t);
            }
            comments.len() < range.len()
        })?;
        Ok(comments)
    }

    /// The page that holds the first comment made at `seconds` or after
    /// (the last page when there is none).
    pub fn page_at(&self, archive: &Archive, seconds: i64) -> Result<usize, Unreadable> {
        // The pages that start before it: it is on the last of them, or
        // starts the next.
        let before = self.starts.partition_point(|&(at, _)| at < seconds);
        if before == 0 || self.pages.is_empty() {
            return Ok(1);
        }
        let earlier = self
            .page(archive, before)?
            .iter()
            .filter(|t| t.seconds() < seconds)
            .count();
        let position = self.pages.range(before).map_or(0, |r| r.start) + earlier;
        Ok(self.pages.page_of(position.min(self.comment_count() - 1)))
    }
}

/// Whether a timeline of `member` (None: every discussion) keeps the
/// discussion at `position`.
fn keeps(member: &Option<Vec<bool>>, position: usize) -> bool {
    member.as_ref().is_none_or(|member| member[position])
}
