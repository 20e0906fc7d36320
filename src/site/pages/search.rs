//! `/search`: matches across the whole archive, best first (or newest or
//! oldest), paged, each with a marked excerpt and a link to it in its
//! thread. Answered by the index, or by a scan while it is built.

use askama::Template;

use super::page_range;
use crate::markdown::to_plain_text;
use crate::paging::Pages;
use crate::search::index::SearchIndex;
use crate::search::{self, Hit, Query, ResultOrder, Results};
use crate::site::error::PageError;
use crate::site::query::{SearchQuery, search_query};
use crate::site::url::Url;
use crate::site::view::{
    Choice, Fragment, Labelled, Meta, Pager, TimeView, choices, count_of, in_thread, marked_excerpt,
};
use crate::site::{Ctx, Page};

/// Matches on one page.
pub const PER_PAGE: usize = 20;
/// Characters of context on each side of a match in an excerpt.
const RADIUS: usize = 80;

impl Labelled for ResultOrder {
    const ALL: &'static [Self] = &[ResultOrder::Relevance, ResultOrder::New, ResultOrder::Old];

    fn label(self) -> &'static str {
        match self {
            ResultOrder::Relevance => "best match",
            ResultOrder::New => "newest",
            ResultOrder::Old => "oldest",
        }
    }
}

/// One match: a comment, or an article.
pub struct SearchHit {
    pub discussion_title: String,
    pub discussion_href: String,
    /// The comment's author and time; `None` for an article.
    pub comment: Option<(String, TimeView)>,
    /// The match in its thread page (a comment), or the discussion.
    pub href: String,
    pub permalink: Option<String>,
    pub excerpt: Vec<Fragment>,
}

/// Fields: `meta`, `query` (the text in the box), `sorts`, `summary`,
/// `error` (a query that does not parse), `notice` (the index is being
/// built), `hits`, `pager`, `syntax`.
#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    meta: Meta,
    query: Option<String>,
    sorts: Vec<Choice>,
    summary: String,
    error: Option<String>,
    notice: Option<String>,
    hits: Vec<SearchHit>,
    pager: Option<Pager>,
    syntax: &'static str,
}

fn hit_view(ctx: &Ctx, hit: Hit, query: &Query) -> Result<SearchHit, crate::model::Unreadable> {
    let links = &ctx.links;
    let d = &*ctx.archive.discussion(hit.discussion)?;
    let discussion_href = links.href(&Url::discussion(&d.id));
    Ok(match hit.comment {
        Some(i) => {
            let c = &d.comments()[i];
            let thread = ctx.derived.thread(d);
            SearchHit {
                discussion_title: d.title.clone(),
                comment: Some((c.author.to_string(), TimeView::of(d, i, None))),
                href: in_thread(d, &thread, i, links),
                permalink: Some(links.permalink(&d.id, c.id.as_str())),
                excerpt: marked_excerpt(&to_plain_text(&c.body), query, RADIUS),
                discussion_href,
            }
        }
        None => SearchHit {
            discussion_title: d.title.clone(),
            comment: None,
            href: discussion_href.clone(),
            permalink: None,
            excerpt: marked_excerpt(
                &format!("{} — {}", d.title, to_plain_text(&d.body)),
                query,
                RADIUS,
            ),
            discussion_href,
        },
    })
}

/// The search page without matches: before a search, or for one that
/// cannot be read.
fn without_matches(
    ctx: &Ctx,
    q: &SearchQuery,
    summary: String,
    error: Option<String>,
) -> SearchPage {
    SearchPage {
        meta: Meta::new("Search · threadview", "Search the archive.", &ctx.links),
        query: q.q.clone(),
        sorts: Vec::new(),
        summary,
        error,
        notice: None,
        hits: Vec::new(),
        pager: None,
        syntax: search::SYNTAX,
    }
}

/// What the page says of the index when a scan answered instead.
fn scan_notice(index: &SearchIndex) -> String {
    if index.has_failed() {
        "The search index could not be made (the server's log says why): these results come from a slower scan of the archive, in the archive's order.".to_owned()
    } else {
        format!(
            "The search index is being built ({}% done): until it is ready, these results come from a slower scan of the archive, in the archive's order.",
            index.progress().percent()
        )
    }
}

/// The search page for `q`, answered by `index` (or a scan) over the
/// archive at `version`.
pub fn render(
    ctx: &Ctx,
    q: &SearchQuery,
    index: Option<&SearchIndex>,
    version: u64,
) -> Result<Page, PageError> {
    let query = match search_query(q.q.as_deref()) {
        Ok(Some(query)) => query,
        Ok(None) => {
            let summary = "Search titles, articles and comments across the whole archive.";
            let page = without_matches(ctx, q, summary.to_owned(), None);
            return Ok(Page {
                html: page.render()?,
                bad_input: false,
                cacheable: true,
            });
        }
        Err(PageError::BadSearch { message, .. }) => {
            let error = format!("This search cannot be read: {message}.");
            let page = without_matches(ctx, q, String::new(), Some(error));
            return Ok(Page {
                html: page.render()?,
                bad_input: true,
                cacheable: false,
            });
        }
        Err(other) => return Err(other),
    };
    let offset = (q.page.get() - 1).saturating_mul(PER_PAGE);
    let (results, indexed) = search::page(ctx.archive, index, &query, q.sort, offset, PER_PAGE);
    let page = with_matches(ctx, q, &query, &results, indexed)?;
    let notice = index.filter(|_| !indexed).map(scan_notice);
    let behind = index.is_some_and(|i| i.version() < version);
    Ok(Page {
        html: SearchPage { notice, ..page }.render()?,
        bad_input: false,
        // Kept only when a ready index answered (or there is no index at
        // all: the scan is then the answer for good).
        cacheable: !behind && (index.is_none() || indexed),
    })
}

/// The page of `results` for `query`.
fn with_matches(
    ctx: &Ctx,
    q: &SearchQuery,
    query: &Query,
    results: &Results,
    indexed: bool,
) -> Result<SearchPage, PageError> {
    let links = &ctx.links;
    let pages = Pages::uniform(results.total, PER_PAGE);
    page_range(&pages, q.page.get())?;
    let summary = format!(
        "{} for “{}”{}.",
        count_of(results.total, "match", "matches"),
        query.as_str(),
        match (q.sort, indexed) {
            (ResultOrder::Relevance, true) => ", best first",
            (ResultOrder::Relevance, false) => "",
            (ResultOrder::New, _) => ", newest first",
            (ResultOrder::Old, _) => ", oldest first",
        }
    );
    let pager = Pager::new(&pages, q.page.get(), "matches", |p| {
        links.href(&Url::Search(q.clone()).page(p))
    });
    Ok(SearchPage {
        meta: Meta::new(
            format!("“{}” · search · threadview", query.as_str()),
            &summary,
            links,
        )
        .paged(&pager),
        query: Some(query.as_str().to_owned()),
        sorts: choices(links, ResultOrder::ALL, q.sort, |sort| {
            Url::Search(SearchQuery {
                sort,
                page: Default::default(),
                ..q.clone()
            })
        }),
        summary,
        error: None,
        notice: None,
        hits: results
            .hits
            .iter()
            .map(|&hit| hit_view(ctx, hit, query))
            .collect::<Result<_, _>>()?,
        pager: Some(pager),
        syntax: search::SYNTAX,
    })
}
