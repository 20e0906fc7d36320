//! `/search`: matches across the whole archive, best first (or newest or
//! oldest), paged, each with a marked excerpt and a link to it in its
//! thread. Answered by the index, or by a scan while it is built.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::page_range;
use crate::markdown::to_plain_text;
use crate::paging::Pages;
use crate::search::index::SearchIndex;
use crate::search::{self, Hit, Query, ResultOrder, Results};
use crate::web::error::AppError;
use crate::web::query::{Params, SearchQuery, search_query};
use crate::web::url::Url;
use crate::web::view::{
    Choice, Fragment, Labelled, Meta, Pager, TimeView, choices, count_of, in_thread, marked_excerpt,
};
use crate::web::{AppState, Snapshot};

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

/// A built page, with what the response must say about it.
pub struct Built {
    pub page: SearchPage,
    pub status: StatusCode,
    /// Whether it may be cached: not while the index is behind the archive.
    pub cacheable: bool,
}

fn hit_view(archive: &Snapshot, hit: Hit, query: &Query) -> SearchHit {
    let d = &archive.discussions()[hit.discussion];
    let discussion_href = Url::discussion(&d.id).href();
    match hit.comment {
        Some(i) => {
            let c = &d.comments()[i];
            let thread = archive.derived().thread(d);
            SearchHit {
                discussion_title: d.title.clone(),
                comment: Some((c.author.to_string(), TimeView::of(d, i, None))),
                href: in_thread(d, &thread, i),
                permalink: Some(Url::permalink(&d.id, c.id.as_str())),
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
    }
}

/// A page of matches: from the index when it is ready, else by scanning.
/// Also says whether the index answered.
pub fn results(
    archive: &Snapshot,
    index: Option<&SearchIndex>,
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
    let all = search::scan(archive, query, order);
    let total = all.len();
    let hits = all.into_iter().skip(offset).take(limit).collect();
    (Results { hits, total }, false)
}

impl SearchPage {
    pub fn build(
        archive: &Snapshot,
        q: &SearchQuery,
        index: Option<&SearchIndex>,
    ) -> Result<Built, AppError> {
        let sorts = |current: ResultOrder| {
            choices(ResultOrder::ALL, current, |sort| {
                Url::Search(SearchQuery {
                    sort,
                    page: Default::default(),
                    ..q.clone()
                })
            })
        };
        let empty = |summary: String, error: Option<String>| SearchPage {
            meta: Meta::new("Search · threadview", "Search the archive."),
            query: q.q.clone(),
            sorts: Vec::new(),
            summary,
            error,
            notice: None,
            hits: Vec::new(),
            pager: None,
            syntax: search::SYNTAX,
        };
        let query = match search_query(q.q.as_deref()) {
            Ok(Some(query)) => query,
            Ok(None) => {
                return Ok(Built {
                    page: empty(
                        "Search titles, articles and comments across the whole archive.".to_owned(),
                        None,
                    ),
                    status: StatusCode::OK,
                    cacheable: true,
                });
            }
            Err(AppError::BadSearch { message, .. }) => {
                return Ok(Built {
                    page: empty(
                        String::new(),
                        Some(format!("This search cannot be read: {message}.")),
                    ),
                    status: StatusCode::BAD_REQUEST,
                    cacheable: false,
                });
            }
            Err(other) => return Err(other),
        };
        let offset = (q.page.get() - 1).saturating_mul(PER_PAGE);
        let (results, indexed) = results(archive, index, &query, q.sort, offset, PER_PAGE);
        let pages = Pages::uniform(results.total, PER_PAGE);
        page_range(&pages, q.page.get())?;
        let hits = results
            .hits
            .iter()
            .map(|&hit| hit_view(archive, hit, &query))
            .collect();
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
        let notice = index.filter(|_| !indexed).map(|index| {
            if index.has_failed() {
                "The search index could not be made (the server's log says why): these results come from a slower scan of the archive, in the archive's order.".to_owned()
            } else {
                format!(
                    "The search index is being built ({}% done): until it is ready, these results come from a slower scan of the archive, in the archive's order.",
                    index.progress().percent()
                )
            }
        });
        let behind = index.is_some_and(|i| i.version() < archive.version());
        let pager = Pager::new(&pages, q.page.get(), "matches", |p| {
            Url::Search(q.clone()).page(p).href()
        });
        Ok(Built {
            page: SearchPage {
                meta: Meta::new(
                    format!("“{}” · search · threadview", query.as_str()),
                    &summary,
                )
                .paged(&pager),
                query: Some(query.as_str().to_owned()),
                sorts: sorts(q.sort),
                summary,
                error: None,
                notice,
                hits,
                pager: Some(pager),
                syntax: search::SYNTAX,
            },
            status: StatusCode::OK,
            // Kept only when a ready index answered (or there is no index
            // at all: the scan is then the answer for good).
            cacheable: !behind && (index.is_none() || indexed),
        })
    }
}

pub async fn handler(
    State(state): State<Arc<AppState>>,
    Params(q): Params<SearchQuery>,
) -> Result<Response, AppError> {
    let archive = state.archive();
    let built = SearchPage::build(&archive, &q, state.search_index().map(|i| &**i))?;
    let mut response = (built.status, Html(built.page.render()?)).into_response();
    if !built.cacheable {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}
