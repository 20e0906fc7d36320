//! Full-text search over titles, article bodies and comments:
//! case-insensitive and Unicode-aware, every word of the query must occur.

use std::ops::Range;

use regex::{Regex, RegexBuilder};

use crate::model::{Archive, Discussion};

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words a query may have.
pub const MAX_TERMS: usize = 12;

/// Why a query was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the search is empty: give at least one word")]
    Empty,
    #[error("the search is too long: at most {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("the search has too many words: at most {MAX_TERMS}")]
    TooManyTerms,
}

/// A parsed search: its words, each to be found case-insensitively.
#[derive(Debug, Clone)]
pub struct Query {
    text: String,
    terms: Vec<Regex>,
    /// Any of the words, to mark every match.
    any: Regex,
}

fn literal(pattern: &str) -> Regex {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .unicode(true)
        .build()
        .expect("an escaped literal is a valid pattern")
}

impl Query {
    pub fn new(text: &str) -> Result<Self, QueryError> {
        let text = text.trim();
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() {
            return Err(QueryError::Empty);
        }
        if words.len() > MAX_TERMS {
            return Err(QueryError::TooManyTerms);
        }
        let escaped: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
        // Longer words first, so that a word containing another is marked whole.
        let mut alternatives = escaped.clone();
        alternatives.sort_by_key(|w| std::cmp::Reverse(w.len()));
        Ok(Query {
            text: text.to_owned(),
            terms: escaped.iter().map(|w| literal(w)).collect(),
            any: literal(&alternatives.join("|")),
        })
    }

    /// The query as typed, trimmed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether every word occurs in `text`.
    pub fn matches(&self, text: &str) -> bool {
        self.terms.iter().all(|t| t.is_match(text))
    }

    /// Where the words occur in `text`, in order, not overlapping.
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        self.any.find_iter(text).map(|m| m.range()).collect()
    }
}

/// What matched in one discussion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscussionHits {
    /// The discussion's index in the archive.
    pub discussion: usize,
    pub title: bool,
    pub body: bool,
    /// Matching comments, by index, in file order.
    pub comments: Vec<usize>,
}

impl DiscussionHits {
    fn total(&self) -> usize {
        usize::from(self.title) + usize::from(self.body) + self.comments.len()
    }
}

/// The comments of `d` that match, in file order.
pub fn matching_comments(d: &Discussion, query: &Query) -> Vec<usize> {
    (0..d.comments().len())
        .filter(|&i| query.matches(&d.comments()[i].body))
        .collect()
}

/// Searches the whole archive. Discussions whose title matches come first,
/// then those with the most matches.
pub fn search(archive: &Archive, query: &Query) -> Vec<DiscussionHits> {
    let mut hits: Vec<DiscussionHits> = archive
        .discussions()
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let hits = DiscussionHits {
                discussion: i,
                title: query.matches(&d.title),
                body: query.matches(&d.body),
                comments: matching_comments(d, query),
            };
            (hits.total() > 0).then_some(hits)
        })
        .collect();
    hits.sort_by(|a, b| b.title.cmp(&a.title).then(b.total().cmp(&a.total())));
    hits
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
        let q = Query::new("a.b ab").unwrap();
        assert_eq!(q.find("xa.by AB a?b"), vec![1..4, 6..8]);
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
