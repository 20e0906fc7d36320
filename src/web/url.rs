//! Every link threadview writes: one typed value per view, with its query
//! (sort, filters, page position), turned into an address by one `href()`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::query::{
    AuthorQuery, AuthorsQuery, CommentQuery, IndexQuery, PageNumber, SearchQuery, ThreadQuery,
};

/// A view of the site.
#[derive(Debug, Clone, PartialEq)]
pub enum Url {
    Index(IndexQuery),
    Discussion {
        id: String,
        query: ThreadQuery,
    },
    Comment {
        discussion: String,
        comment: String,
        query: CommentQuery,
    },
    Authors(AuthorsQuery),
    Author {
        name: String,
        query: AuthorQuery,
    },
    Search(SearchQuery),
}

/// Characters escaped in one URL path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn segment(raw: &str) -> String {
    match raw {
        // Clients resolve these as "this folder" and "the folder above".
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(raw, SEGMENT).to_string(),
    }
}

fn with_query(path: String, query: &impl Serialize) -> String {
    // Every query type serializes to flat pairs of strings and numbers.
    let query = serde_urlencoded::to_string(query).unwrap_or_default();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

impl Url {
    /// A discussion's default view.
    pub fn discussion(id: &str) -> Self {
        Url::Discussion {
            id: id.to_owned(),
            query: ThreadQuery::default(),
        }
    }

    /// A discussion's view with `query`.
    pub fn thread(id: &str, query: ThreadQuery) -> Self {
        Url::Discussion {
            id: id.to_owned(),
            query,
        }
    }

    /// A comment's own page.
    pub fn comment(discussion: &str, comment: &str) -> Self {
        Url::Comment {
            discussion: discussion.to_owned(),
            comment: comment.to_owned(),
            query: CommentQuery::default(),
        }
    }

    pub fn author(name: &str) -> Self {
        Url::Author {
            name: name.to_owned(),
            query: AuthorQuery::default(),
        }
    }

    /// The address, path and query.
    pub fn href(&self) -> String {
        match self {
            Url::Index(q) => with_query("/".to_owned(), q),
            Url::Discussion { id, query } => with_query(format!("/d/{}", segment(id)), query),
            Url::Comment {
                discussion,
                comment,
                query,
            } => with_query(
                format!("/d/{}/c/{}", segment(discussion), segment(comment)),
                query,
            ),
            Url::Authors(q) => with_query("/authors".to_owned(), q),
            Url::Author { name, query } => with_query(format!("/authors/{}", segment(name)), query),
            Url::Search(q) => with_query("/search".to_owned(), q),
        }
    }

    /// The address scrolled to a comment: `href#c-{comment}`.
    pub fn at(&self, comment: &str) -> String {
        format!("{}#c-{}", self.href(), segment(comment))
    }

    /// The same view at another page.
    pub fn page(mut self, page: usize) -> Self {
        let number = PageNumber::new(page);
        match &mut self {
            Url::Index(q) => q.page = number,
            Url::Discussion { query, .. } => query.page = number,
            Url::Comment { query, .. } => query.page = number,
            Url::Authors(q) => q.page = number,
            Url::Author { query, .. } => query.page = number,
            Url::Search(q) => q.page = number,
        }
        self
    }

    /// A comment's permalink: its page, scrolled to it.
    pub fn permalink(discussion: &str, comment: &str) -> String {
        Url::comment(discussion, comment).at(comment)
    }
}

#[cfg(test)]
mod tests {
    use super::super::query::{SearchQuery, ThreadLayout};
    use super::*;
    use crate::thread::SortOrder;

    #[test]
    fn urls_escape_ids_and_names_and_leave_defaults_out() {
        let query = ThreadQuery {
            sort: SortOrder::New,
            author: Some("[deleted]".to_owned()),
            ..ThreadQuery::default()
        };
        assert_eq!(
            Url::thread("a b/é", query).href(),
            "/d/a%20b%2F%C3%A9?sort=new&author=%5Bdeleted%5D"
        );
        assert_eq!(Url::discussion("x").href(), "/d/x");
        assert_eq!(Url::permalink("x.y", "ab12"), "/d/x.y/c/ab12#c-ab12");
        assert_eq!(Url::author("<USERNAME>").href(), "/authors/%3CUSERNAME%3E");
        assert_eq!(Url::author("..").href(), "/authors/%2E%2E");
        assert_eq!(
            Url::author("a/b?c#d%e").href(),
            "/authors/a%2Fb%3Fc%23d%25e"
        );
    }

    #[test]
    fn the_page_position_is_part_of_the_url() {
        let timeline = Url::thread("x", ThreadQuery::layout(ThreadLayout::Timeline));
        assert_eq!(timeline.clone().page(3).href(), "/d/x?view=timeline&page=3");
        assert_eq!(timeline.page(1).href(), "/d/x?view=timeline");
        let search = Url::Search(SearchQuery {
            q: Some("a b".to_owned()),
            ..SearchQuery::default()
        });
        assert_eq!(search.page(2).at("c1"), "/search?q=a+b&page=2#c-c1");
        assert_eq!(Url::Index(IndexQuery::default()).page(2).href(), "/?page=2");
    }
}
