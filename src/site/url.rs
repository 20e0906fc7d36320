//! Every link threadview writes: one typed value per view, with its query
//! (sort, filters, page position), and [`Links`], which turns it into an
//! address for the site being made.
//!
//! The server's addresses are absolute paths, made from each [`Route`]'s
//! pattern (the same pattern the router matches). An export's are the
//! paths of the files that hold the views, relative to the page being
//! written, so the exported folder works from any prefix and from
//! `file://`; [`Links::exported_href`] says whether the export holds a
//! view at all, so controls can leave it out. Links are values handed to
//! the code that makes a page: no setting is global.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::assets::Asset;
use super::query::{
    AuthorQuery, AuthorsQuery, ByNameQuery, CommentQuery, CommunityQuery, IndexQuery, PageNumber,
    Period, PeriodQuery, SearchQuery, ThreadQuery, TimelineQuery,
};
use crate::model::Community;

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
    /// Every author by name, each with the start of each of their
    /// comments (or, for those with many, a link to their own page).
    ByName(ByNameQuery),
    Search(SearchQuery),
    /// A community's discussions: `/r/{sub}` for a subreddit, `/s/{source}`
    /// for a text document's source.
    Community {
        community: Community,
        query: CommunityQuery,
    },
    /// Every comment of the archive in time order.
    Timeline(TimelineQuery),
    /// The discussions started in a year, a month or a day, the archive's
    /// or a community's: `/2019/03`, `/r/{sub}/2019/03`.
    Period {
        community: Option<Community>,
        period: Period,
        query: PeriodQuery,
    },
    /// The problems found while reading the files.
    Diagnostics,
    /// The JSON API's list of discussions.
    Api,
    /// A media file of the reader's, by the name the archive gives it
    /// (see `model::LocalFile::key`).
    Media {
        key: String,
    },
    /// A small square picture of a media file, for lists.
    Thumbnail {
        key: String,
    },
}

/// A kind of view, with the pattern of its address: the router serves
/// each page's pattern, and [`Url`] writes its links by filling the same
/// pattern in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Index,
    Discussion,
    Comment,
    Authors,
    Author,
    ByName,
    Search,
    Subreddit,
    Source,
    Timeline,
    Year,
    Month,
    Day,
    SubredditYear,
    SubredditMonth,
    SubredditDay,
    SourceYear,
    SourceMonth,
    SourceDay,
    Diagnostics,
    Api,
    Media,
    Thumbnail,
}

impl Route {
    /// The routes that are HTML pages.
    pub const PAGES: [Route; 20] = [
        Route::Index,
        Route::Discussion,
        Route::Comment,
        Route::Authors,
        Route::Author,
        Route::ByName,
        Route::Search,
        Route::Subreddit,
        Route::Source,
        Route::Timeline,
        Route::Year,
        Route::Month,
        Route::Day,
        Route::SubredditYear,
        Route::SubredditMonth,
        Route::SubredditDay,
        Route::SourceYear,
        Route::SourceMonth,
        Route::SourceDay,
        Route::Diagnostics,
    ];

    /// The address pattern, with `{name}` for each path segment (axum's
    /// syntax).
    pub fn pattern(self) -> &'static str {
        match self {
            Route::Index => "/",
            Route::Discussion => "/d/{id}",
            Route::Comment => "/d/{id}/c/{comment_id}",
            Route::Authors => "/authors",
            Route::Author => "/authors/{name}",
            // Not under `/authors/`, where any name is an author's.
            Route::ByName => "/by-name",
            Route::Search => "/search",
            Route::Subreddit => "/r/{name}",
            Route::Source => "/s/{name}",
            Route::Timeline => "/timeline",
            Route::Year => "/{year}",
            Route::Month => "/{year}/{month}",
            Route::Day => "/{year}/{month}/{day}",
            Route::SubredditYear => "/r/{name}/{year}",
            Route::SubredditMonth => "/r/{name}/{year}/{month}",
            Route::SubredditDay => "/r/{name}/{year}/{month}/{day}",
            Route::SourceYear => "/s/{name}/{year}",
            Route::SourceMonth => "/s/{name}/{year}/{month}",
            Route::SourceDay => "/s/{name}/{year}/{month}/{day}",
            Route::Diagnostics => "/diagnostics",
            Route::Api => "/api/discussions",
            Route::Media => "/media/{key}",
            Route::Thumbnail => "/thumbnails/{key}",
        }
    }

    /// The pattern with each `{name}` replaced by the next of `segments`,
    /// escaped.
    fn fill(self, segments: &[&str]) -> String {
        let mut values = segments.iter();
        let mut path = String::new();
        for part in self.pattern().split('/').skip(1) {
            path.push('/');
            if part.starts_with('{') {
                path.push_str(&segment(values.next().expect("a value for each segment")));
            } else {
                path.push_str(part);
            }
        }
        debug_assert!(values.next().is_none(), "a segment for each value");
        path
    }
}

/// Where an export keeps each view it holds.
pub trait FileLayout: Send + Sync {
    /// The file that holds `url`, relative to the export's root, in
    /// `/`-separated URL-safe segments; `None` for a view the export leaves
    /// out. A comment is held by the thread page that shows it.
    fn file(&self, url: &Url) -> Option<String>;

    /// Where `url` is, from the root: its file, or, for a view held as a
    /// part of another page (an author among others on a page of names),
    /// that page's file and `#` the part. `None` for a view left out.
    fn place(&self, url: &Url) -> Option<String> {
        self.file(url)
    }

    /// Whether its pages show remote media inline.
    fn remote_media(&self) -> bool {
        false
    }

    /// The policy its pages carry in a `<meta>`.
    fn content_security_policy(&self) -> String {
        super::content_security_policy(true, &[])
    }
}

/// How the site being made links its views and assets.
#[derive(Clone, Copy)]
pub enum Links<'a> {
    /// The server: every view, at its absolute path; `remote_media`: the
    /// reader asked to see media that is not on disk from its hosts.
    Server { remote_media: bool },
    /// An export writing the page `from` (a file relative to its root):
    /// the views `layout` holds, as paths relative to that page.
    Export {
        layout: &'a dyn FileLayout,
        from: &'a str,
    },
}

impl Links<'_> {
    /// The server's links, showing only local media.
    pub const SERVER: Links<'static> = Links::Server {
        remote_media: false,
    };

    /// Whether the site is an export's.
    pub fn is_export(&self) -> bool {
        matches!(self, Links::Export { .. })
    }

    /// Whether media that is not on disk is shown from its hosts (the
    /// reader's `--remote-media`), rather than as a placeholder.
    pub fn remote_media(&self) -> bool {
        match self {
            Links::Server { remote_media } => *remote_media,
            Links::Export { layout, .. } => layout.remote_media(),
        }
    }

    /// The content security policy a page carries itself: an export's
    /// (a static host sends no headers); the server sends its own.
    pub fn page_policy(&self) -> Option<String> {
        match self {
            Links::Server { .. } => None,
            Links::Export { layout, .. } => Some(layout.content_security_policy()),
        }
    }

    /// The address of `url`. A view an export leaves out keeps its server
    /// path (which the export's link checks refuse): ask
    /// [`Links::exported_href`] where a view may be missing.
    pub fn href(&self, url: &Url) -> String {
        self.exported_href(url).unwrap_or_else(|| url.path())
    }

    /// The address of `url`, where the site has that view: always on the
    /// server; in an export, the views it holds.
    pub fn exported_href(&self, url: &Url) -> Option<String> {
        match self {
            Links::Server { .. } => Some(url.path()),
            Links::Export { layout, from } => Some(relative_path(from, &layout.place(url)?)),
        }
    }

    /// Whether the site has the view `url`.
    pub fn holds(&self, url: &Url) -> bool {
        match self {
            Links::Server { .. } => true,
            Links::Export { layout, .. } => layout.place(url).is_some(),
        }
    }

    /// The address of `url` scrolled to a comment: `href#c-{comment}`; in
    /// an export, only `#c-{comment}` on the page that holds it.
    pub fn at(&self, url: &Url, comment: &str) -> String {
        self.part(url, &format!("c-{}", segment(comment)))
    }

    /// The address of `url` scrolled to the element whose id is `part`
    /// (URL-safe); in an export, only `#part` on the page that holds it.
    pub fn part(&self, url: &Url, part: &str) -> String {
        let href = self.href(url);
        match self {
            Links::Export { from, .. } if Some(href.as_str()) == from.rsplit('/').next() => {
                format!("#{part}")
            }
            _ => format!("{href}#{part}"),
        }
    }

    /// A comment's permalink: its page, scrolled to it.
    pub fn permalink(&self, discussion: &str, comment: &str) -> String {
        self.at(&Url::comment(discussion, comment), comment)
    }

    /// The address of an asset's current version.
    pub fn asset(&self, asset: Asset) -> String {
        match self {
            Links::Server { .. } => asset.path(),
            Links::Export { from, .. } => relative_path(from, &asset.file()),
        }
    }
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

    /// A community's page.
    pub fn community(community: &Community) -> Self {
        Url::Community {
            community: community.clone(),
            query: CommunityQuery::default(),
        }
    }

    /// Which route serves the view.
    pub fn route(&self) -> Route {
        match self {
            Url::Index(_) => Route::Index,
            Url::Discussion { .. } => Route::Discussion,
            Url::Comment { .. } => Route::Comment,
            Url::Authors(_) => Route::Authors,
            Url::Author { .. } => Route::Author,
            Url::ByName(_) => Route::ByName,
            Url::Search(_) => Route::Search,
            Url::Community { community, .. } => match community {
                Community::Subreddit(_) => Route::Subreddit,
                Community::Source(_) => Route::Source,
            },
            Url::Timeline(_) => Route::Timeline,
            Url::Period {
                community, period, ..
            } => {
                let depth =
                    1 + usize::from(period.month.is_some()) + usize::from(period.day.is_some());
                match (community, depth) {
                    (None, 1) => Route::Year,
                    (None, 2) => Route::Month,
                    (None, _) => Route::Day,
                    (Some(Community::Subreddit(_)), 1) => Route::SubredditYear,
                    (Some(Community::Subreddit(_)), 2) => Route::SubredditMonth,
                    (Some(Community::Subreddit(_)), _) => Route::SubredditDay,
                    (Some(Community::Source(_)), 1) => Route::SourceYear,
                    (Some(Community::Source(_)), 2) => Route::SourceMonth,
                    (Some(Community::Source(_)), _) => Route::SourceDay,
                }
            }
            Url::Diagnostics => Route::Diagnostics,
            Url::Api => Route::Api,
            Url::Media { .. } => Route::Media,
            Url::Thumbnail { .. } => Route::Thumbnail,
        }
    }

    /// The server's address of the view: its route's pattern filled in,
    /// and its query.
    pub fn path(&self) -> String {
        let route = self.route();
        match self {
            Url::Index(q) => with_query(route.fill(&[]), q),
            Url::Discussion { id, query } => with_query(route.fill(&[id]), query),
            Url::Comment {
                discussion,
                comment,
                query,
            } => with_query(route.fill(&[discussion, comment]), query),
            Url::Authors(q) => with_query(route.fill(&[]), q),
            Url::Author { name, query } => with_query(route.fill(&[name]), query),
            Url::ByName(q) => with_query(route.fill(&[]), q),
            Url::Search(q) => with_query(route.fill(&[]), q),
            Url::Community { community, query } => {
                with_query(route.fill(&[community.key()]), query)
            }
            Url::Timeline(q) => with_query(route.fill(&[]), q),
            Url::Period {
                community,
                period,
                query,
            } => {
                let segments = period.segments();
                let mut parts: Vec<&str> = community.iter().map(Community::key).collect();
                parts.extend(segments.iter().map(String::as_str));
                with_query(route.fill(&parts), query)
            }
            Url::Diagnostics | Url::Api => route.fill(&[]),
            Url::Media { key } | Url::Thumbnail { key } => route.fill(&[key]),
        }
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
            Url::ByName(q) => q.page = number,
            Url::Search(q) => q.page = number,
            Url::Community { query, .. } => query.page = number,
            Url::Timeline(q) => {
                q.page = number;
                q.at = None;
            }
            Url::Period { query, .. } => query.page = number,
            Url::Diagnostics | Url::Api | Url::Media { .. } | Url::Thumbnail { .. } => {}
        }
        self
    }
}

/// A discussion's id or an author's name as a file name (or a fragment)
/// that is the same in a URL and on any file system: kept as it is when it is short
/// and made of lowercase letters, digits, `-` and `_`; otherwise those
/// characters of it (lowercased) and a hash of the whole name, so `Bob`
/// and `bob` stay apart where file names ignore case.
pub fn file_name(raw: &str) -> String {
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    if !raw.is_empty() && raw.len() <= 64 && raw.chars().all(plain) && !raw.starts_with(['-', '_'])
    {
        return raw.to_owned();
    }
    let mut slug = String::new();
    for c in raw.chars().flat_map(char::to_lowercase) {
        if slug.len() >= 40 {
            break;
        }
        if plain(c) {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches(['-', '_']);
    let hash = xxhash_rust::xxh3::xxh3_64(raw.as_bytes());
    if slug.is_empty() {
        format!("x{:08x}", hash as u32)
    } else {
        format!("{slug}-{:08x}", hash as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::super::query::{SearchQuery, ThreadLayout};
    use super::*;
    use crate::thread::SortOrder;

    const SERVER: Links<'static> = Links::SERVER;

    #[test]
    fn urls_escape_ids_and_names_and_leave_defaults_out() {
        let query = ThreadQuery {
            sort: Some(SortOrder::New),
            author: Some("[deleted]".to_owned()),
            ..ThreadQuery::default()
        };
        assert_eq!(
            Url::thread("a b/é", query).path(),
            "/d/a%20b%2F%C3%A9?sort=new&author=%5Bdeleted%5D"
        );
        assert_eq!(SERVER.href(&Url::discussion("x")), "/d/x");
        assert_eq!(SERVER.permalink("x.y", "ab12"), "/d/x.y/c/ab12#c-ab12");
        assert_eq!(Url::author("<USERNAME>").path(), "/authors/%3CUSERNAME%3E");
        assert_eq!(Url::author("..").path(), "/authors/%2E%2E");
        assert_eq!(
            Url::author("a/b?c#d%e").path(),
            "/authors/a%2Fb%3Fc%23d%25e"
        );
        assert_eq!(Url::Api.path(), "/api/discussions");
        assert_eq!(Url::Diagnostics.path(), "/diagnostics");
    }

    #[test]
    fn every_link_fills_in_its_routes_pattern() {
        let urls = [
            Url::Index(IndexQuery::default()),
            Url::discussion("d1"),
            Url::comment("d1", "c1"),
            Url::Authors(AuthorsQuery::default()),
            Url::author("ann"),
            Url::Search(SearchQuery::default()),
            Url::Diagnostics,
        ];
        for url in urls {
            let path = url.path();
            let pattern = url.route().pattern();
            assert_eq!(
                path.split('/').count(),
                pattern.split('/').count(),
                "{path}"
            );
            for (a, b) in path.split('/').zip(pattern.split('/')) {
                assert!(a == b || b.starts_with('{'), "{path} against {pattern}");
            }
            assert!(Route::PAGES.contains(&url.route()));
        }
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
        let home = Url::Index(IndexQuery::default());
        let links = Links::Export {
            layout: &FirstPages,
            from: "d/a.html",
        };
        assert!(links.is_export());
        assert_eq!(links.href(&Url::discussion("b")), "b.html");
        // On the page that holds it, a comment is only its fragment.
        assert_eq!(links.at(&Url::discussion("a"), "c1"), "#c-c1");
        assert_eq!(links.at(&Url::discussion("b"), "c1"), "b.html#c-c1");
        assert_eq!(links.href(&home), "../index.html");
        assert!(!links.holds(&Url::author("x")));
        assert_eq!(links.exported_href(&Url::author("x")), None);
        assert_eq!(links.exported_href(&home).unwrap(), "../index.html");
        assert!(links.asset(Asset::Style).starts_with("../assets/style."));
        let front = Links::Export {
            layout: &FirstPages,
            from: "index.html",
        };
        assert_eq!(front.href(&Url::discussion("a")), "d/a.html");
        assert!(!SERVER.is_export());
        assert_eq!(SERVER.href(&home), "/");
        assert!(SERVER.holds(&Url::author("x")));
        assert!(
            SERVER
                .asset(Asset::Style)
                .starts_with("/static/style.css?v=")
        );
        assert_eq!(relative_path("a/b/c.html", "a/d/e.html"), "../d/e.html");
        assert_eq!(relative_path("a/b/c.html", "a/b/d.html"), "d.html");
    }

    #[test]
    fn the_page_position_is_part_of_the_url() {
        let timeline = Url::thread("x", ThreadQuery::layout(ThreadLayout::Timeline));
        assert_eq!(timeline.clone().page(3).path(), "/d/x?view=timeline&page=3");
        assert_eq!(timeline.page(1).path(), "/d/x?view=timeline");
        let search = Url::Search(SearchQuery {
            q: Some("a b".to_owned()),
            ..SearchQuery::default()
        });
        assert_eq!(
            SERVER.at(&search.page(2), "c1"),
            "/search?q=a+b&page=2#c-c1"
        );
        assert_eq!(Url::Index(IndexQuery::default()).page(2).path(), "/?page=2");
    }
    #[test]
    fn names_are_url_and_file_system_safe_and_tell_case_apart() {
        assert_eq!(file_name("abc123"), "abc123");
        assert_eq!(file_name("t3_x-y"), "t3_x-y");
        let upper = file_name("Bob");
        assert!(upper.starts_with("bob-"), "{upper}");
        assert_ne!(upper, file_name("bob"));
        assert_ne!(file_name("Jane Doe"), file_name("jane doe"));
        for raw in [
            "",
            "..",
            ".",
            "a/b",
            "<USERNAME>",
            "[deleted]",
            "ü",
            "-x",
            &"y".repeat(300),
        ] {
            let safe = file_name(raw);
            assert!(!safe.is_empty() && safe.len() <= 64, "{raw:?} → {safe:?}");
            assert!(
                safe.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{raw:?} → {safe:?}"
            );
            assert!(!safe.starts_with(['-', '_']), "{raw:?} → {safe:?}");
        }
    }
}
