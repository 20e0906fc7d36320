//! The site: every page made from the domain, with no HTTP in it.
//!
//! [`render`] makes the page a [`Url`] names from a [`Ctx`]: the archive,
//! what its views share ([`derived::Derived`]), the [`Links`] of the site
//! being made and its search. The server calls it for each request it
//! cannot answer from its cache; the export calls it for each file it
//! writes. What differs between them is a value in the `Ctx`, never a
//! setting somewhere else.

pub mod assets;
pub mod chart;
pub mod derived;
pub mod error;
pub mod pages;
pub mod query;
pub mod reddit;
pub mod time_pages;
pub mod url;
pub mod view;

use askama::Template;

use crate::model::Archive;
use crate::search::index::SearchIndex;
pub use error::PageError;
pub use url::{FileLayout, Links, Route, Url};

/// The content security policy of every page: nothing but the site's own
/// files may run or style it (so no file content can run even if it
/// escaped); pictures and videos come from the site itself, or from
/// `media_hosts` (`https://i.redd.it`) when the reader asked for remote
/// media. An export's pages carry it in a `<meta>` (a static host sends no
/// headers), where `frame-ancestors` has no effect, its search (Pagefind)
/// runs WebAssembly, and `file:` lets the folder's own files load when it
/// is opened from disk.
pub fn content_security_policy(export: bool, media_hosts: &[String]) -> String {
    let file = if export { " file:" } else { "" };
    let wasm = if export { " 'wasm-unsafe-eval'" } else { "" };
    let hosts: String = media_hosts.iter().map(|h| format!(" {h}")).collect();
    let mut policy = format!(
        "default-src 'none'; script-src 'self'{file}{wasm}; style-src 'self'{file}; \
img-src 'self'{file}{hosts}; media-src 'self'{file}{hosts}; connect-src 'self'; \
form-action 'self'{file}; base-uri 'none'"
    );
    if !export {
        policy.push_str("; frame-ancestors 'none'");
    }
    policy
}

/// Everything a page is made from besides its URL.
pub struct Ctx<'a> {
    pub archive: &'a Archive,
    /// What the views of this archive share (orders, charts, pages).
    pub derived: &'a derived::Derived,
    pub links: Links<'a>,
    pub search: Search<'a>,
}

/// How the site searches.
#[derive(Clone, Copy)]
pub enum Search<'a> {
    /// The server's: its index when there is one (else a scan of the
    /// archive), and the version of the archive being served (a page made
    /// while the index is behind it is not kept).
    Live {
        index: Option<&'a SearchIndex>,
        version: u64,
    },
    /// An export's: Pagefind bundles (their folders from the site's root,
    /// each ending in `/`), searched in the reader's browser.
    Static { bundles: &'a [String] },
}

/// A page made.
#[derive(Debug)]
pub struct Page {
    pub html: String,
    /// The page answers bad input (a search that cannot be read): the
    /// server sends it as a 400.
    pub bad_input: bool,
    /// Whether it may be kept and served again while the archive is
    /// unchanged: not a search answered while the index is behind.
    pub cacheable: bool,
}

impl Page {
    fn of(html: String) -> Self {
        Page {
            html,
            bad_input: false,
            cacheable: true,
        }
    }
}

/// The page at `url`.
pub fn render(url: &Url, ctx: &Ctx) -> Result<Page, PageError> {
    use pages::*;
    let html = match url {
        Url::Index(q) => index::IndexPage::build(ctx, q)?.render()?,
        Url::Discussion { id, query } => {
            let d = find_discussion(ctx.archive, id)?;
            discussion::DiscussionPage::build(ctx, &d, query)?.render()?
        }
        Url::Comment {
            discussion,
            comment,
            query,
        } => {
            let d = find_discussion(ctx.archive, discussion)?;
            comment::CommentPage::build(ctx, &d, comment, query)?.render()?
        }
        Url::Authors(q) => authors::AuthorsPage::build(ctx, q)?.render()?,
        Url::Author { name, query } => {
            let author = author::find_author(ctx.archive, name)?;
            author::AuthorPage::build(ctx, author, query)?.render()?
        }
        Url::ByName(q) => by_name::ByNamePage::build(ctx, q)?.render()?,
        Url::Search(q) => match ctx.search {
            Search::Live { index, version } => return search::render(ctx, q, index, version),
            Search::Static { bundles } => {
                static_search::StaticSearchPage::build(ctx, bundles).render()?
            }
        },
        Url::Community {
            community: c,
            query,
        } => {
            let stats = community::find(ctx, c)?;
            community::CommunityPage::build(ctx, stats, query)?.render()?
        }
        Url::Timeline(q) => timeline::TimelinePage::build(ctx, q)?.render()?,
        Url::Period {
            community,
            period,
            query,
        } => period::PeriodPage::build(ctx, community.as_ref(), *period, query)?.render()?,
        Url::Diagnostics => diagnostics::DiagnosticsPage::build(ctx).render()?,
        Url::Api => {
            return Err(PageError::NotFound(
                "The API answers JSON, not a page.".to_owned(),
            ));
        }
        Url::Media { .. } | Url::Thumbnail { .. } => {
            return Err(PageError::NotFound(
                "A media file is a file, not a page.".to_owned(),
            ));
        }
    };
    Ok(Page::of(html))
}
