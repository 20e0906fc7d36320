//! Searching the whole archive: the results page and its JSON twin.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

use super::AppState;
use super::api::CommentJson;
use super::error::{ApiError, AppError};
use super::pages::Page;
use super::params::{Params, SearchQuery, search_query};
use super::view::{self, Fragment, Meta, discussion_path, iso, marked_excerpt, with_query};
use crate::markdown::to_plain_text;
use crate::search::{self, Query};

/// At most this many matching comments are shown on one page.
const MAX_COMMENT_HITS: usize = 500;
/// Characters of context on each side of a match in an excerpt.
const RADIUS: usize = 60;

/// A matching comment.
pub struct CommentHit {
    pub author: String,
    pub datetime: Option<String>,
    pub time_text: String,
    /// The comment in its discussion, narrowed to the search, with context.
    pub href: String,
    pub permalink: String,
    pub excerpt: Vec<Fragment>,
}

/// The matches in one discussion.
pub struct DiscussionGroup {
    pub title: Vec<Fragment>,
    pub href: String,
    /// The discussion narrowed to matching comments.
    pub narrowed_href: String,
    pub body: Option<Vec<Fragment>>,
    pub comments: Vec<CommentHit>,
    pub comment_count: usize,
}

/// Fields: `meta`, `query` (as typed, if any), `groups`, `hit_count`
/// (matching comments), `truncated`.
#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    meta: Meta,
    query: Option<String>,
    groups: Vec<DiscussionGroup>,
    hit_count: usize,
    truncated: bool,
}

pub async fn search_page(
    State(state): State<Arc<AppState>>,
    Params(params): Params<SearchQuery>,
) -> Page {
    let query = search_query(params.q.as_deref())?;
    let mut groups = Vec::new();
    let (mut hit_count, mut shown) = (0, 0);
    if let Some(query) = &query {
        let archive = state.archive();
        for hits in search::search(&archive, query) {
            let d = &archive.discussions()[hits.discussion];
            hit_count += hits.comments.len();
            let narrowed = with_query(discussion_path(&d.id), &[("q", Some(query.as_str()))]);
            let comments: Vec<CommentHit> = hits
                .comments
                .iter()
                .take(MAX_COMMENT_HITS.saturating_sub(shown))
                .map(|&i| {
                    let c = &d.comments()[i];
                    CommentHit {
                        author: c.author.to_string(),
                        datetime: c.posted_at.map(iso),
                        time_text: c.time_text.to_string(),
                        href: format!("{narrowed}#c-{}", c.id),
                        permalink: view::comment_url(&d.id, c.id.as_str()),
                        excerpt: marked_excerpt(&to_plain_text(&c.body), query, RADIUS),
                    }
                })
                .collect();
            shown += comments.len();
            groups.push(DiscussionGroup {
                title: marked_excerpt(&d.title, query, d.title.chars().count()),
                href: discussion_path(&d.id),
                narrowed_href: narrowed,
                body: hits
                    .body
                    .then(|| marked_excerpt(&to_plain_text(&d.body), query, RADIUS)),
                comments,
                comment_count: hits.comments.len(),
            });
        }
    }
    let page = SearchPage {
        meta: match &query {
            Some(q) => Meta::new(
                format!("“{}” · search · threadview", q.as_str()),
                format!(
                    "{hit_count} matching comments in {} discussions.",
                    groups.len()
                ),
            ),
            None => Meta::new("Search · threadview", "Search the archive."),
        },
        query: query.as_ref().map(|q| q.as_str().to_owned()),
        truncated: shown < hit_count,
        groups,
        hit_count,
    };
    Ok(Html(page.render()?))
}

#[derive(Serialize)]
struct SearchJson<'a> {
    query: &'a str,
    discussions: Vec<DiscussionHitsJson<'a>>,
}

#[derive(Serialize)]
struct DiscussionHitsJson<'a> {
    id: &'a str,
    title: &'a str,
    title_match: bool,
    body_match: bool,
    comments: Vec<CommentJson<'a>>,
}

pub async fn api_search(
    State(state): State<Arc<AppState>>,
    params: Result<Params<SearchQuery>, AppError>,
) -> Result<Response, ApiError> {
    let Params(params) = params?;
    let query: Query = search_query(params.q.as_deref())?.ok_or_else(|| {
        AppError::BadRequest("Bad search: give at least one word in `q`.".to_owned())
    })?;
    let archive = state.archive();
    let discussions = search::search(&archive, &query)
        .into_iter()
        .map(|hits| {
            let d = &archive.discussions()[hits.discussion];
            DiscussionHitsJson {
                id: &d.id,
                title: &d.title,
                title_match: hits.title,
                body_match: hits.body,
                comments: hits
                    .comments
                    .iter()
                    .map(|&i| CommentJson::new(d, i))
                    .collect(),
            }
        })
        .collect();
    Ok(Json(SearchJson {
        query: query.as_str(),
        discussions,
    })
    .into_response())
}
