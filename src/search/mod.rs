//! Search: the query language, its matching in memory (the scan, used
//! inside one discussion and while the index is built) and the archive's
//! index (`index.rs`, tantivy). Words are matched the same way everywhere
//! they can be: `analysis.rs`.
//!
//! The language: plain words (all must occur), `"exact phrases"`,
//! `-word` or `-"phrase"` to exclude, `author:NAME` (exact; quoted when the
//! name has spaces or symbols) and `-author:NAME` to leave one out,
//! `after:2023-08-01` and `before:…` (UTC days: after includes the day,
//! before does not), `score:>N` / `score:<N` (also `>=`, `<=`, or `=N`),
//! `flair:"…"` (the author's flair, any case).

pub mod analysis;
pub mod index;

use std::ops::Range;

use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::FxHashSet;

use crate::model::{Archive, Community, Discussion};

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words, phrases and filters a query may have.
pub const MAX_TERMS: usize = 12;

/// The language in one paragraph, for error pages and the help.
pub const SYNTAX: &str = "Words must all occur (any case, accents optional: cafe finds café). \
\"exact phrase\" finds the words together; -word or -\"phrase\" leaves out what has them; \
author:NAME keeps one author's comments (author:\"Jane Doe\" for names with spaces), -author:NAME leaves them out; \
after:2023-08-01 and before:2023-09-01 keep comments from those days on, or before them (UTC); \
score:>10 or score:<0 keeps comments by their score; flair:\"Verified Expert\" by their author's flair; \
subreddit:AskReddit or source:example.org keeps one community's discussions.";

/// Why a query was refused: each message says how to write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error(
        "the search is empty: give a word, a \"phrase\", author:NAME, after:DATE, before:DATE, score:>N or flair:TEXT"
    )]
    Empty,
    #[error("a search of only left-out words (-word) finds nothing: add a word or a filter")]
    OnlyExclusions,
    #[error("the search is too long: at most {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("the search has too many parts: at most {MAX_TERMS} words, phrases and filters")]
    TooManyTerms,
    #[error("a quote is not closed: write a phrase \"like this\"")]
    UnclosedQuote,
    #[error("author: needs a name: author:alice, or author:\"Jane Doe\" with quotes")]
    EmptyAuthor,
    #[error("{key}:{value} is not a date: write {key}:2023-08-01 (year-month-day, UTC)")]
    BadDate { key: &'static str, value: String },
    #[error("score:{0} is not a score: write score:>10, score:<0, score:>=5 or score:=1")]
    BadScore(String),
    #[error("flair: needs a text: flair:Expert, or flair:\"Verified Expert\" with quotes")]
    EmptyFlair,
    #[error("subreddit: and source: need a name: subreddit:AskReddit, source:example.org")]
    EmptyCommunity,
}

/// A word or a phrase of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// As typed (a phrase without its quotes).
    pub text: String,
    /// Folded, white space collapsed: what the scan looks for.
    folded: String,
    /// Its terms, as the index has them: one for a word, several for a
    /// phrase (or a word that analysis splits, like `e-mail`).
    pub terms: Vec<String>,
}

impl Part {
    fn new(text: &str) -> Self {
        Part {
            text: text.to_owned(),
            folded: fold_text(text),
            terms: analysis::terms(text).into_iter().map(|(t, _)| t).collect(),
        }
    }
}

/// `text` folded (see [`analysis::fold`]) with white space collapsed.
fn fold_text(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        analysis::fold_into(word, &mut folded);
    }
    folded
}

/// A parsed search.
#[derive(Debug, Clone)]
pub struct Query {
    text: String,
    /// Words and phrases that must all occur.
    pub include: Vec<Part>,
    /// Words and phrases that must not.
    pub exclude: Vec<Part>,
    /// Comments by any of these authors only.
    pub authors: Vec<String>,
    /// Comments by none of these authors.
    pub not_authors: Vec<String>,
    /// Comments scored at least, and at most, this (inclusive); a comment
    /// without a score passes neither.
    pub min_score: Option<i64>,
    pub max_score: Option<i64>,
    /// Comments whose author's flair is one of these (lower case).
    pub flairs: Vec<String>,
    /// Discussions (and their comments) of any of these communities.
    pub communities: Vec<Community>,
    /// Comments from this moment on only.
    pub after: Option<DateTime<Utc>>,
    /// Comments before this moment only.
    pub before: Option<DateTime<Utc>>,
    /// The included terms, to mark them.
    marks: FxHashSet<String>,
    /// The included words and phrases as typed, to mark them where they
    /// occur literally (in any case).
    literal: Option<regex::Regex>,
}

/// Splits a query into its parts: words, `"phrases"`, `-` before either,
/// `key:value` and `key:"quoted value"`.
fn split(text: &str) -> Result<Vec<(bool, String, bool)>, QueryError> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else {
            return Ok(parts);
        };
        let negated = first == '-' && {
            chars.next();
            chars.peek().is_some_and(|c| !c.is_whitespace())
        };
        if first == '-' && !negated {
            continue;
        }
        let mut part = String::new();
        let mut quoted = false;
        while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
            if c == '"' {
                quoted = true;
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '"' {
                        closed = true;
                        break;
                    }
                    part.push(c);
                }
                if !closed {
                    return Err(QueryError::UnclosedQuote);
                }
            } else {
                part.push(c);
            }
        }
        parts.push((negated, part, quoted));
    }
}

/// `>N`, `>=N`, `<N`, `<=N` or `=N` (or `N`): inclusive bounds.
fn score_bounds(value: &str) -> Result<(Option<i64>, Option<i64>), QueryError> {
    let bad = || QueryError::BadScore(value.to_owned());
    let number = |n: &str| n.trim().parse::<i64>().map_err(|_| bad());
    if let Some(n) = value.strip_prefix(">=") {
        Ok((Some(number(n)?), None))
    } else if let Some(n) = value.strip_prefix("<=") {
        Ok((None, Some(number(n)?)))
    } else if let Some(n) = value.strip_prefix('>') {
        Ok((Some(number(n)?.checked_add(1).ok_or_else(bad)?), None))
    } else if let Some(n) = value.strip_prefix('<') {
        Ok((None, Some(number(n)?.checked_sub(1).ok_or_else(bad)?)))
    } else {
        let n = number(value.strip_prefix('=').unwrap_or(value))?;
        Ok((Some(n), Some(n)))
    }
}

fn date(key: &'static str, value: &str) -> Result<DateTime<Utc>, QueryError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| QueryError::BadDate {
            key,
            value: value.to_owned(),
        })
}

impl Query {
    pub fn new(text: &str) -> Result<Self, QueryError> {
        let text = text.trim();
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let parts = split(text)?;
        if parts.len() > MAX_TERMS {
            return Err(QueryError::TooManyTerms);
        }
        let mut query = Query {
            text: text.to_owned(),
            include: Vec::new(),
            exclude: Vec::new(),
            authors: Vec::new(),
            not_authors: Vec::new(),
            min_score: None,
            max_score: None,
            flairs: Vec::new(),
            communities: Vec::new(),
            after: None,
            before: None,
            marks: FxHashSet::default(),
            literal: None,
        };
        for (negated, part, quoted) in parts {
            let key = part
                .split_once(':')
                .map(|(key, value)| (key.to_ascii_lowercase(), value))
                .filter(|(key, _)| !negated || key == "author");
            match key.as_ref().map(|(k, v)| (k.as_str(), *v)) {
                Some(("author", name)) => {
                    if name.trim().is_empty() {
                        return Err(QueryError::EmptyAuthor);
                    }
                    if negated {
                        query.not_authors.push(name.to_owned());
                    } else {
                        query.authors.push(name.to_owned());
                    }
                }
                Some(("score", value)) => {
                    let (min, max) = score_bounds(value.trim())?;
                    query.min_score = min.or(query.min_score);
                    query.max_score = max.or(query.max_score);
                }
                Some((key @ ("subreddit" | "source"), value)) => {
                    let value = value.trim();
                    if value.is_empty() {
                        return Err(QueryError::EmptyCommunity);
                    }
                    query.communities.push(if key == "subreddit" {
                        Community::Subreddit(value.trim_start_matches("r/").to_owned())
                    } else {
                        Community::Source(value.to_owned())
                    });
                }
                Some(("flair", value)) => {
                    if value.trim().is_empty() {
                        return Err(QueryError::EmptyFlair);
                    }
                    query.flairs.push(value.trim().to_lowercase());
                }
                Some(("after", value)) => query.after = Some(date("after", value.trim())?),
                Some(("before", value)) => query.before = Some(date("before", value.trim())?),
                _ if part.trim().is_empty() && quoted => {}
                _ if negated => query.exclude.push(Part::new(&part)),
                _ => query.include.push(Part::new(&part)),
            }
        }
        if query.include.is_empty() && !query.has_filters() && query.communities.is_empty() {
            return Err(if query.exclude.is_empty() {
                QueryError::Empty
            } else {
                QueryError::OnlyExclusions
            });
        }
        query.marks = query
            .include
            .iter()
            .flat_map(|p| p.terms.iter().cloned())
            .collect();
        // Longer ones first, so that a word containing another is marked whole.
        let mut alternatives: Vec<String> = query
            .include
            .iter()
            .filter(|p| !p.text.trim().is_empty())
            .map(|p| regex::escape(p.text.trim()))
            .collect();
        alternatives.sort_by_key(|w| std::cmp::Reverse(w.len()));
        query.literal = (!alternatives.is_empty())
            .then(|| {
                regex::RegexBuilder::new(&alternatives.join("|"))
                    .case_insensitive(true)
                    .build()
                    .ok()
            })
            .flatten();
        Ok(query)
    }

    /// The query as typed, trimmed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether it filters by author, time, score or flair (which only
    /// comments have).
    pub fn has_filters(&self) -> bool {
        !self.authors.is_empty()
            || !self.not_authors.is_empty()
            || self.after.is_some()
            || self.before.is_some()
            || self.min_score.is_some()
            || self.max_score.is_some()
            || !self.flairs.is_empty()
    }

    /// Whether the words and phrases match `text`: every included one
    /// occurs (folded, anywhere, even inside a word), no excluded one does.
    pub fn matches(&self, text: &str) -> bool {
        let folded = fold_text(text);
        self.include.iter().all(|p| folded.contains(&p.folded))
            && !self.exclude.iter().any(|p| folded.contains(&p.folded))
    }

    /// Whether `d` is in one of the communities asked for (any, when
    /// none is).
    pub fn keeps_discussion(&self, d: &Discussion) -> bool {
        self.communities.is_empty()
            || d.community()
                .is_some_and(|c| self.communities.iter().any(|wanted| wanted.is(c)))
    }

    /// Whether an article (its title and body) matches: only a query
    /// without author or time filters can.
    pub fn matches_article(&self, d: &Discussion) -> bool {
        !self.has_filters()
            && !self.include.is_empty()
            && self.keeps_discussion(d)
            && self.matches(&format!("{}\n{}", d.title, d.body))
    }

    /// Whether comment `index` of `d` matches: its author, time, score and
    /// flair pass the filters, its body the words.
    pub fn matches_comment(&self, d: &Discussion, index: usize) -> bool {
        let c = &d.comments()[index];
        let score = c.marks.score().map(i64::from);
        self.keeps_discussion(d)
            && (self.authors.is_empty() || self.authors.iter().any(|a| **a == *c.author))
            && !self.not_authors.iter().any(|a| **a == *c.author)
            && self
                .min_score
                .is_none_or(|min| score.is_some_and(|s| s >= min))
            && self
                .max_score
                .is_none_or(|max| score.is_some_and(|s| s <= max))
            && (self.flairs.is_empty()
                || d.flair(index)
                    .is_some_and(|f| self.flairs.contains(&f.trim().to_lowercase())))
            && self
                .after
                .is_none_or(|t| c.posted_at.is_some_and(|at| at >= t))
            && self
                .before
                .is_none_or(|t| c.posted_at.is_some_and(|at| at < t))
            && self.matches(&c.body)
    }

    /// Where the included words occur in `text`, in order, not
    /// overlapping: whole words whose terms match (so `train` marks
    /// `trains`), words that contain a searched word, and the words and
    /// phrases as typed.
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        let words: Vec<&str> = self
            .include
            .iter()
            .filter(|p| !p.folded.contains(' '))
            .map(|p| p.folded.as_str())
            .filter(|w| !w.is_empty())
            .collect();
        let mut found: Vec<Range<usize>> = analysis::terms(text)
            .into_iter()
            .filter(|(term, range)| {
                self.marks.contains(term) || {
                    let word = analysis::fold(&text[range.clone()]);
                    words.iter().any(|w| word.contains(w))
                }
            })
            .map(|(_, range)| range)
            .collect();
        if let Some(literal) = &self.literal {
            found.extend(literal.find_iter(text).map(|m| m.range()));
        }
        found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
        for range in found {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        merged
    }
}

/// The index's term of a community: `r/askreddit`, `s:example.org`.
pub fn community_term(c: &Community) -> String {
    match c {
        Community::Subreddit(sub) => format!("r/{}", sub.to_lowercase()),
        Community::Source(source) => format!("s:{source}"),
    }
}

/// How results are ordered (`?sort=`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ResultOrder {
    /// Best match first (BM25 with the index; the archive's order when
    /// scanning).
    #[default]
    Relevance,
    /// Newest comment first.
    New,
    /// Oldest comment first.
    Old,
}

/// One match: a comment, or an article (its title and body).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// The discussion's index in the archive.
    pub discussion: usize,
    /// The comment's index, or `None` for the article.
    pub comment: Option<usize>,
    pub score: f32,
}

/// A page of matches and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// The comments of `d` that match, in file order.
pub fn matching_comments(d: &Discussion, query: &Query) -> Vec<usize> {
    (0..d.comments().len())
        .filter(|&i| query.matches_comment(d, i))
        .collect()
}

/// A page of matches: from the index when it is ready, else by scanning.
/// Also says whether the index answered.
pub fn page(
    archive: &Archive,
    index: Option<&index::SearchIndex>,
    query: &Query,
    order: ResultOrder,
    offset: usize,
    limit: usize,
) -> (Results, bool) {
    if let Some(found) = index.and_then(|i| i.search(archive, query, order, offset, limit)) {
        match found {
            Ok(results) => return (results, true),
            Err(e) => tracing::error!("the search index failed, scanning instead: {e}"),
        }
    }
    let all = scan(archive, query, order);
    let total = all.len();
    let hits = all.into_iter().skip(offset).take(limit).collect();
    (Results { hits, total }, false)
}

/// Every match in the archive by reading it all: articles first, then
/// comments in the archive's order (or by time).
pub fn scan(archive: &Archive, query: &Query, order: ResultOrder) -> Vec<Hit> {
    use rayon::prelude::*;
    let per_discussion: Vec<Vec<Hit>> = archive
        .discussions()
        .par_iter()
        .enumerate()
        .map(|(i, _)| {
            // A discussion that cannot be read has no match.
            let Ok(d) = archive.passing(i) else {
                return Vec::new();
            };
            let d = &*d;
            let article = query.matches_article(d).then_some(Hit {
                discussion: i,
                comment: None,
                score: 1.0,
            });
            let comments = matching_comments(d, query).into_iter().map(|c| Hit {
                discussion: i,
                comment: Some(c),
                score: 1.0,
            });
            article.into_iter().chain(comments).collect()
        })
        .collect();
    let mut hits: Vec<Hit> = per_discussion.into_iter().flatten().collect();
    if order == ResultOrder::Relevance {
        hits.sort_by_key(|h| h.comment.is_some());
    }
    sort_by_time(archive, &mut hits, order);
    hits
}

/// Puts `hits` in time order when `order` asks for it (newest or oldest
/// first; articles, which have no time, last); relevance leaves them as
/// they are.
pub fn sort_by_time(archive: &Archive, hits: &mut [Hit], order: ResultOrder) {
    let time = |h: &Hit| {
        let c = h.comment?;
        archive.discussion(h.discussion).ok()?.comments()[c].posted_at
    };
    match order {
        ResultOrder::Relevance => {}
        ResultOrder::New => hits.sort_by_key(|h| std::cmp::Reverse(time(h))),
        ResultOrder::Old => hits.sort_by_key(|h| time(h).map_or(i64::MAX, |t| t.timestamp())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_occur_in_any_case_and_script() {
        let q = Query::new("  ÉCOLE  paris ").unwrap();
        assert_eq!(q.as_str(), "ÉCOLE  paris");
        assert!(q.matches("L'école de Paris"));
        assert!(!q.matches("L'école de Lyon"));
        let q = Query::new("straße").unwrap();
        assert!(q.matches("STRASSE or Straße"));
        assert!(Query::new("ΣΟΦΙΑ").unwrap().matches("σοφια"));
    }

    #[test]
    fn matches_are_found_without_overlap() {
        // Whole words are marked: `xa.by` is one word.
        let q = Query::new("a.b ab").unwrap();
        assert_eq!(q.find("xa.by AB a?b"), vec![0..5, 6..8]);
        let q = Query::new("fuzz fuzzing").unwrap();
        assert_eq!(q.find("about fuzzing"), vec![6..13]);
    }

    #[test]
    fn bad_queries_are_refused() {
        assert_eq!(Query::new("   ").unwrap_err(), QueryError::Empty);
        assert_eq!(
            Query::new(&"x".repeat(MAX_QUERY_CHARS + 1)).unwrap_err(),
            QueryError::TooLong
        );
        assert_eq!(
            Query::new(&"a ".repeat(MAX_TERMS + 1)).unwrap_err(),
            QueryError::TooManyTerms
        );
    }
}
