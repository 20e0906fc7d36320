//! Every link threadview writes: one typed value per view, with its query
//! (sort, filters, page position), turned into an address by one `href()`.
//!
//! The server's addresses are absolute paths. While an export writes a page
//! ([`relative_to`]), `href()` gives instead the path of the file that holds
//! the view, relative to the page being written, so the exported folder
//! works from any prefix and from `file://`; [`Url::exported`] says whether
//! the export holds a view at all, so controls can leave it out.

use std::cell::RefCell;
use std::sync::Arc;

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
    /// The problems found while reading the files.
    Diagnostics,
    /// The JSON API's list of discussions.
    Api,
}

/// Where an export keeps each view it holds.
pub trait FileLayout: Send + Sync {
    /// The file that holds `url`, relative to the export's root, in
    /// `/`-separated URL-safe segments; `None` for a view the export leaves
    /// out. A comment is held by the thread page that shows it.
    fn file(&self, url: &Url) -> Option<String>;
}

/// The page an export is writing, and where its views live.
struct Relative {
    layout: Arc<dyn FileLayout>,
    from: String,
}

thread_local! {
    static RELATIVE: RefCell<Option<Relative>> = const { RefCell::new(None) };
}

/// Runs `write` (which builds and renders one page) with links relative to
/// `from`, the page's file in `layout`. Pages are built and rendered on one
/// thread, so the setting holds for exactly that page.
pub fn relative_to<R>(layout: Arc<dyn FileLayout>, from: &str, write: impl FnOnce() -> R) -> R {
    struct Reset(Option<Relative>);
    impl Drop for Reset {
        fn drop(&mut self) {
            RELATIVE.set(self.0.take());
        }
    }
    let _reset = Reset(RELATIVE.replace(Some(Relative {
        layout,
        from: from.to_owned(),
    })));
    write()
}

/// Whether a page is being written for an export.
pub fn is_export() -> bool {
    RELATIVE.with_borrow(Option::is_some)
}

/// `file` (relative to the export's root) as seen from the page being
/// written; `None` outside an export.
pub fn export_path(file: &str) -> Option<String> {
    RELATIVE.with_borrow(|r| r.as_ref().map(|r| relative_path(&r.from, file)))
}

/// The path from the file `from` to the file `to`, both relative to one
/// root (a link to the page itself is its file name).
fn relative_path(from: &str, to: &str) -> String {
    let from_dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    let (to_dir, to_file) = to.rsplit_once('/').unwrap_or(("", to));
    // Most links stay in their folder (a thread's pages, an author's).
    if from_dir == to_dir {
        return to_file.to_owned();
    }
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let shared = from_dirs
        .iter()
        .zip(&to_parts[..to_parts.len() - 1])
        .take_while(|(a, b)| a == b)
        .count();
    let mut path = "../".repeat(from_dirs.len() - shared);
    path.push_str(&to_parts[shared..].join("/"));
    path
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

    /// The address: the server's path and query, or while an export
    /// writes a page, the relative path of the file that holds the view.
    /// A view the export leaves out keeps its server path (which the
    /// export's link checks refuse): ask [`Url::exported`] first.
    pub fn href(&self) -> String {
        RELATIVE.with_borrow(|relative| {
            match relative
                .as_ref()
                .and_then(|r| Some((r, r.layout.file(self)?)))
            {
                Some((r, file)) => relative_path(&r.from, &file),
                None => self.path(),
            }
        })
    }

    /// Whether the site being written has this view: always on the server;
    /// in an export, the default views it holds.
    pub fn exported(&self) -> bool {
        RELATIVE.with_borrow(|relative| {
            relative
                .as_ref()
                .is_none_or(|r| r.layout.file(self).is_some())
        })
    }

    /// The address, where the site being written has this view (one
    /// lookup of its file, where `exported()` then `href()` take two).
    pub fn exported_href(&self) -> Option<String> {
        RELATIVE.with_borrow(|relative| match relative {
            None => Some(self.path()),
            Some(r) => Some(relative_path(&r.from, &r.layout.file(self)?)),
        })
    }

    /// The server's address of the view.
    fn path(&self) -> String {
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
            Url::Diagnostics => "/diagnostics".to_owned(),
            Url::Api => "/api/discussions".to_owned(),
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
            Url::Diagnostics | Url::Api => {}
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

    /// An export that holds discussions' first pages as `d/{id}.html`.
    struct FirstPages;

    impl FileLayout for FirstPages {
        fn file(&self, url: &Url) -> Option<String> {
            match url {
                Url::Index(q) if *q == IndexQuery::default() => Some("index.html".to_owned()),
                Url::Discussion { id, query } if *query == ThreadQuery::default() => {
                    Some(format!("d/{id}.html"))
                }
                _ => None,
            }
        }
    }

    #[test]
    fn an_export_links_files_relative_to_the_page_it_writes() {
        let layout: Arc<dyn FileLayout> = Arc::new(FirstPages);
        let home = Url::Index(IndexQuery::default());
        relative_to(layout.clone(), "d/a.html", || {
            assert!(is_export());
            assert_eq!(Url::discussion("b").href(), "b.html");
            assert_eq!(Url::discussion("a").at("c1"), "a.html#c-c1");
            assert_eq!(home.href(), "../index.html");
            assert!(!Url::author("x").exported());
            assert_eq!(Url::author("x").exported_href(), None);
            assert_eq!(home.exported_href().unwrap(), "../index.html");
            assert_eq!(export_path("assets/s.css").unwrap(), "../assets/s.css");
        });
        relative_to(layout, "index.html", || {
            assert_eq!(Url::discussion("a").href(), "d/a.html")
        });
        assert!(!is_export());
        assert_eq!(home.href(), "/");
        assert!(Url::author("x").exported());
        assert_eq!(relative_path("a/b/c.html", "a/d/e.html"), "../d/e.html");
        assert_eq!(relative_path("a/b/c.html", "a/b/d.html"), "d.html");
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
