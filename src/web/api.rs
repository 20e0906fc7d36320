//! The JSON API: the same views as the pages, as data.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::{ApiError, AppError};
use super::pages::select;
use super::params::{NoQuery, Params, Segments, ThreadQuery};
use super::{AppState, find_discussion};
use crate::model::Discussion;

/// The fields every discussion document of the API starts with.
#[derive(Serialize)]
struct DiscussionHeadJson<'a> {
    id: &'a str,
    title: &'a str,
    source: Option<&'a str>,
    submitter: Option<&'a str>,
}

impl<'a> DiscussionHeadJson<'a> {
    fn new(d: &'a Discussion) -> Self {
        DiscussionHeadJson {
            id: &d.id,
            title: &d.title,
            source: d.source.as_deref(),
            submitter: d.submitter.as_deref(),
        }
    }
}

/// An entry of `GET /api/discussions`.
#[derive(Serialize)]
pub struct DiscussionSummaryJson<'a> {
    #[serde(flatten)]
    head: DiscussionHeadJson<'a>,
    comment_count: usize,
    first_comment_at: Option<DateTime<Utc>>,
    last_comment_at: Option<DateTime<Utc>>,
}

/// `GET /api/discussions/{id}`.
#[derive(Serialize)]
pub struct DiscussionJson<'a> {
    #[serde(flatten)]
    head: DiscussionHeadJson<'a>,
    body: &'a str,
    comments: Vec<CommentJson<'a>>,
}

#[derive(Serialize)]
pub struct CommentJson<'a> {
    id: &'a str,
    author: &'a str,
    /// RFC 3339 in UTC (`2023-08-05T10:22:00Z`), null when unknown.
    posted_at: Option<DateTime<Utc>>,
    /// The parent's id, null for a top-level comment.
    parent: Option<&'a str>,
    depth: usize,
    body: &'a str,
}

pub async fn discussions(
    State(state): State<Arc<AppState>>,
    query: Result<Params<NoQuery>, AppError>,
) -> Result<Response, ApiError> {
    query?;
    let archive = state.archive();
    let list: Vec<_> = archive
        .discussions()
        .iter()
        .map(|d| {
            let span = d.time_span();
            DiscussionSummaryJson {
                head: DiscussionHeadJson::new(d),
                comment_count: d.comments().len(),
                first_comment_at: span.map(|(first, _)| first),
                last_comment_at: span.map(|(_, last)| last),
            }
        })
        .collect();
    Ok(Json(list).into_response())
}

impl<'a> CommentJson<'a> {
    pub fn new(d: &'a Discussion, index: usize) -> Self {
        let comments = d.comments();
        let c = &comments[index];
        CommentJson {
            id: c.id.as_str(),
            author: &c.author,
            posted_at: c.posted_at,
            parent: c.parent().map(|p| comments[p].id.as_str()),
            depth: c.depth(),
            body: &c.body,
        }
    }
}

fn discussion_json<'a>(d: &'a Discussion, order: &[usize]) -> DiscussionJson<'a> {
    DiscussionJson {
        head: DiscussionHeadJson::new(d),
        body: &d.body,
        comments: order.iter().map(|&i| CommentJson::new(d, i)).collect(),
    }
}

pub async fn discussion(
    State(state): State<Arc<AppState>>,
    id: Result<Segments<String>, AppError>,
    query: Result<Params<ThreadQuery>, AppError>,
) -> Result<Response, ApiError> {
    let Segments(id) = id?;
    let Params(q) = query?;
    let archive = state.archive();
    let d = find_discussion(&archive, &id)?;
    let search = q.search()?;
    let selection = select(d, &q, search.as_ref())?;
    Ok(Json(discussion_json(d, &selection.order)).into_response())
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound("There is no such API route.".to_owned()))
}
