//! The JSON API: the same views as the pages, as data.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::AppState;
use super::error::{ApiError, AppError};
use super::pages::thread_view;
use super::params::{Params, ThreadQuery};
use crate::model::Discussion;

/// An entry of `GET /api/discussions`.
#[derive(Serialize)]
pub struct DiscussionSummaryJson<'a> {
    id: &'a str,
    title: &'a str,
    source: Option<&'a str>,
    submitter: Option<&'a str>,
    comment_count: usize,
    first_comment_at: Option<DateTime<Utc>>,
    last_comment_at: Option<DateTime<Utc>>,
}

/// `GET /api/discussions/{id}`.
#[derive(Serialize)]
pub struct DiscussionJson<'a> {
    id: &'a str,
    title: &'a str,
    source: Option<&'a str>,
    submitter: Option<&'a str>,
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

pub async fn discussions(State(state): State<Arc<AppState>>) -> Response {
    let list: Vec<_> = state
        .archive
        .discussions()
        .iter()
        .map(|d| {
            let span = d.time_span();
            DiscussionSummaryJson {
                id: &d.id,
                title: &d.title,
                source: d.source.as_deref(),
                submitter: d.submitter.as_deref(),
                comment_count: d.comments().len(),
                first_comment_at: span.map(|(first, _)| first),
                last_comment_at: span.map(|(_, last)| last),
            }
        })
        .collect();
    Json(list).into_response()
}

fn discussion_json<'a>(d: &'a Discussion, order: &[usize]) -> DiscussionJson<'a> {
    let comments = d.comments();
    DiscussionJson {
        id: &d.id,
        title: &d.title,
        source: d.source.as_deref(),
        submitter: d.submitter.as_deref(),
        body: &d.body,
        comments: order
            .iter()
            .map(|&i| {
                let c = &comments[i];
                CommentJson {
                    id: c.id.as_str(),
                    author: &c.author,
                    posted_at: c.posted_at,
                    parent: c.parent.map(|p| comments[p].id.as_str()),
                    depth: c.depth,
                    body: &c.body,
                }
            })
            .collect(),
    }
}

pub async fn discussion(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    query: Result<Params<ThreadQuery>, AppError>,
) -> Result<Response, ApiError> {
    let Params(q) = query?;
    let d = state.discussion(&id)?;
    let order = thread_view(d, &q)?;
    Ok(Json(discussion_json(d, &order)).into_response())
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound("There is no such API route.".to_owned()))
}
