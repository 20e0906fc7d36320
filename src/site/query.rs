//! Query strings: what each view accepts, as typed values that
//! [`super::url::Url`] writes back into links. Reading them from a request
//! (unknown parameters, bad values) is the server's part.

use std::num::NonZeroUsize;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::error::PageError;
use crate::model::Discussion;
use crate::search::{Query as Search, ResultOrder};
use crate::thread::{self, Filter, SortOrder};

/// The query string of one kind of view.
pub trait ViewQuery: DeserializeOwned + Serialize + Default {
    /// Every parameter the view knows.
    const FIELDS: &'static [&'static str];
}

/// Whether a field holds its default value (so links leave it out).
fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// A page number in a URL: 1 when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PageNumber(NonZeroUsize);

impl PageNumber {
    pub const FIRST: PageNumber = PageNumber(NonZeroUsize::MIN);

    pub fn new(page: usize) -> Self {
        NonZeroUsize::new(page).map_or(Self::FIRST, PageNumber)
    }

    pub fn get(self) -> usize {
        self.0.get()
    }
}

impl Default for PageNumber {
    fn default() -> Self {
        Self::FIRST
    }
}

/// A query as the name-value pairs its link carries (defaults left out).
pub fn pairs(query: &impl Serialize) -> Vec<(String, String)> {
    // Every query type serializes to flat pairs of strings and numbers.
    let written = serde_urlencoded::to_string(query).unwrap_or_default();
    form_urlencoded::parse(written.as_bytes())
        .into_owned()
        .collect()
}

/// A route without parameters.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

impl ViewQuery for NoQuery {
    const FIELDS: &'static [&'static str] = &[];
}

/// `/d/{id}` and its API twin.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub view: ThreadLayout,
    /// None: the discussion's own default ([`thread::default_sort`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<SortOrder>,
    /// Only this author's comments, as a flat list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Open the first N levels; deeper ones start collapsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    /// Only comments matching this search, with their parents as context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for ThreadQuery {
    const FIELDS: &'static [&'static str] = &["view", "sort", "author", "depth", "q", "page"];
}

impl ThreadQuery {
    /// The search, if one was given; an empty `q` is no search.
    pub fn search(&self) -> Result<Option<Search>, PageError> {
        search_query(self.q.as_deref())
    }

    /// The comments the view selects in `d`, with `search` (this query's
    /// own).
    pub fn filter<'a>(&'a self, d: &Discussion, search: Option<&'a Search>) -> Filter<'a> {
        let timeline = self.view == ThreadLayout::Timeline;
        Filter {
            sort: self.sort.unwrap_or_else(|| {
                if timeline {
                    SortOrder::Original
                } else {
                    thread::default_sort(d)
                }
            }),
            author: self.author.as_deref(),
            query: search,
            timeline,
        }
    }

    /// The sort the view applies in `d` (a timeline's "original" is oldest
    /// first).
    pub fn effective_sort(&self, d: &Discussion) -> SortOrder {
        self.filter(d, None).applied_sort()
    }

    /// What the "find in this discussion" form carries besides its text:
    /// the view, sort and author filter, as this query writes them.
    pub fn kept_by_search_form(&self) -> Vec<(String, String)> {
        pairs(&ThreadQuery {
            view: self.view,
            sort: self.sort,
            author: self.author.clone(),
            ..ThreadQuery::default()
        })
    }

    /// The discussion's default view in `layout`.
    pub fn layout(layout: ThreadLayout) -> Self {
        ThreadQuery {
            view: layout,
            ..ThreadQuery::default()
        }
    }
}

/// `/d/{id}/c/{comment_id}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommentQuery {
    /// None: the discussion's own default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<SortOrder>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for CommentQuery {
    const FIELDS: &'static [&'static str] = &["sort", "depth", "page"];
}

impl CommentQuery {
    /// The order of the replies in `d`.
    pub fn sort_in(&self, d: &Discussion) -> SortOrder {
        self.sort.unwrap_or_else(|| thread::default_sort(d))
    }
}

/// A `?q=` value: absent or blank is no search; a bad one is a 400.
pub fn search_query(q: Option<&str>) -> Result<Option<Search>, PageError> {
    match q.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Search::new(text)
            .map(Some)
            .map_err(|e| PageError::BadSearch {
                message: e.to_string(),
                text: text.to_owned(),
                action: "/search".to_owned(),
            }),
    }
}

/// How a discussion's comments are laid out (`?view=`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ThreadLayout {
    /// Nested by reply.
    #[default]
    Thread,
    /// Flat, in time order.
    Timeline,
}

/// `/authors/{name}`: newest or oldest first.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeOrder {
    #[default]
    New,
    Old,
}

/// `/authors/{name}`: their comments whole, or the start of each (many to
/// a page, each linked to its place in its thread).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorLayout {
    #[default]
    Comments,
    Excerpts,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: TimeOrder,
    #[serde(default, skip_serializing_if = "is_default")]
    pub view: AuthorLayout,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for AuthorQuery {
    const FIELDS: &'static [&'static str] = &["sort", "view", "page"];
}

/// How `/authors` orders authors.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorsSort {
    /// Most comments first.
    #[default]
    Count,
    Name,
    /// Most recently seen first.
    Last,
}

/// `/by-name`: every author by name with the start of each comment, a
/// page of names at a time.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ByNameQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for ByNameQuery {
    const FIELDS: &'static [&'static str] = &["page"];
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorsQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: AuthorsSort,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for AuthorsQuery {
    const FIELDS: &'static [&'static str] = &["sort", "page"];
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Best match first, or newest or oldest.
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: ResultOrder,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for SearchQuery {
    const FIELDS: &'static [&'static str] = &["q", "sort", "page"];
}

/// How the index orders discussions (`/?sort=`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexSort {
    /// Latest comment first.
    #[default]
    Activity,
    /// Most comments first.
    Comments,
    /// Highest post score first (Reddit's posts); the rest after.
    Top,
    /// Newest post (or first comment) first.
    New,
    /// Alphabetical.
    Title,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IndexQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: IndexSort,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

/// A UTC day in an address: `2019-03-14`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub chrono::NaiveDate);

impl Day {
    /// Its first moment.
    pub fn start(self) -> chrono::DateTime<chrono::Utc> {
        self.0
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.format("%Y-%m-%d"))
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Day)
            .map_err(|_| {
                serde::de::Error::custom(format!("{text:?} is not a day: write 2019-03-14 (UTC)"))
            })
    }
}

/// `/timeline`: every comment of the archive in time order, or of one
/// community, or from a day on and before another; `at` opens the page
/// that holds that moment.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineQuery {
    /// `r/AskReddit`, or a source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Day>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Day>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Day>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for TimelineQuery {
    const FIELDS: &'static [&'static str] = &["community", "after", "before", "at", "page"];
}

/// A year, a month or a day (UTC), as an address names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub month: Option<u32>,
    /// Only with a month.
    pub day: Option<u32>,
}

impl Period {
    /// The period named by an address's segments (`2019`, `03`, `14`), if
    /// it is a real one.
    pub fn parse(segments: &[String]) -> Option<Period> {
        let number = |s: &String, len: usize| {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        let period = match segments {
            [year, rest @ ..] if rest.len() <= 2 => Period {
                year: number(year, 4)? as i32,
                month: match rest.first() {
                    Some(month) => Some(number(month, 2)?),
                    None => None,
                },
                day: match rest.get(1) {
                    Some(day) => Some(number(day, 2)?),
                    None => None,
                },
            },
            _ => return None,
        };
        period.range()?;
        Some(period)
    }

    /// Its first moment and the first moment after it.
    pub fn range(self) -> Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
        use chrono::NaiveDate;
        let start =
            NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))?;
        let end = match (self.month, self.day) {
            (Some(_), Some(_)) => start.succ_opt()?,
            (Some(12), None) => NaiveDate::from_ymd_opt(self.year + 1, 1, 1)?,
            (Some(m), None) => NaiveDate::from_ymd_opt(self.year, m + 1, 1)?,
            (None, None) => NaiveDate::from_ymd_opt(self.year + 1, 1, 1)?,
            (None, Some(_)) => return None,
        };
        let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        Some((at(start)?, at(end)?))
    }

    /// The period of the same kind that holds `at`.
    pub fn of_kind(self, at: chrono::DateTime<chrono::Utc>) -> Period {
        use chrono::Datelike;
        Period {
            year: at.year(),
            month: self.month.map(|_| at.month()),
            day: self.day.map(|_| at.day()),
        }
    }

    /// `2019`, `March 2019`, `March 14th, 2019`.
    pub fn label(self) -> String {
        let month = |m: u32| crate::model::MONTHS[(m - 1) as usize];
        match (self.month, self.day) {
            (Some(m), Some(d)) => {
                let suffix = match (d % 10, d % 100) {
                    (_, 11..=13) => "th",
                    (1, _) => "st",
                    (2, _) => "nd",
                    (3, _) => "rd",
                    _ => "th",
                };
                format!("{} {d}{suffix}, {}", month(m), self.year)
            }
            (Some(m), None) => format!("{} {}", month(m), self.year),
            _ => self.year.to_string(),
        }
    }

    /// The address's segments: `2019`, `03`, `14`.
    pub fn segments(self) -> Vec<String> {
        let mut out = vec![format!("{:04}", self.year)];
        out.extend(self.month.map(|m| format!("{m:02}")));
        out.extend(self.day.map(|d| format!("{d:02}")));
        out
    }
}

/// A period's page: `?page=` alone.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for PeriodQuery {
    const FIELDS: &'static [&'static str] = &["page"];
}

/// `/r/{sub}` and `/s/{source}`: a community's discussions.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: IndexSort,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for CommunityQuery {
    const FIELDS: &'static [&'static str] = &["sort", "page"];
}

impl ViewQuery for IndexQuery {
    const FIELDS: &'static [&'static str] = &["sort", "page"];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `FIELDS` names exactly what the type reads and writes.
    fn check_fields<T: ViewQuery + std::fmt::Debug>(full: &str) {
        let value: T = serde_urlencoded::from_str(full).expect("every field parses");
        let written = serde_urlencoded::to_string(&value).unwrap();
        let names: Vec<String> = form_urlencoded::parse(written.as_bytes())
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(names, T::FIELDS, "{value:?}");
    }

    #[test]
    fn fields_match_what_each_query_reads_and_writes() {
        check_fields::<ThreadQuery>("view=timeline&sort=new&author=a&depth=2&q=x&page=3");
        check_fields::<CommentQuery>("sort=old&depth=1&page=2");
        check_fields::<AuthorQuery>("sort=old&view=excerpts&page=2");
        check_fields::<ByNameQuery>("page=2");
        check_fields::<AuthorsQuery>("sort=name&page=2");
        check_fields::<SearchQuery>("q=x&sort=new&page=2");
        check_fields::<IndexQuery>("sort=title&page=2");
    }

    #[test]
    fn defaults_are_left_out_of_links() {
        let q: ThreadQuery = serde_urlencoded::from_str("view=thread&page=1").unwrap();
        assert_eq!(serde_urlencoded::to_string(&q).unwrap(), "");
        // A sort is kept as given: which is the default depends on the
        // discussion.
        let q: ThreadQuery = serde_urlencoded::from_str("sort=original&page=1").unwrap();
        assert_eq!(serde_urlencoded::to_string(&q).unwrap(), "sort=original");
        assert!(serde_urlencoded::from_str::<ThreadQuery>("page=0").is_err());
    }
}
