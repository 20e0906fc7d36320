//! Browsing by author across the whole archive: pages and JSON.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::AppState;
use super::api::CommentJson;
use super::chart::{self, Chart};
use super::error::{ApiError, AppError};
use super::pages::Page;
use super::params::{AuthorQuery, AuthorsQuery, AuthorsSort, Params, Segments, TimeOrder};
use super::view::{self, Choice, CommentView, DiscussionRef, Meta, author_url, with_query};
use crate::model::{Archive, Author, CommentRef};

/// A row of the authors page.
pub struct AuthorRow {
    pub name: String,
    pub href: String,
    pub comment_count: usize,
    pub discussion_count: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    pub last_iso: Option<String>,
}

/// Fields: `meta`, `sorts`, `authors` (AuthorRow list).
#[derive(Template)]
#[template(path = "authors.html")]
struct AuthorsPage {
    meta: Meta,
    sorts: Vec<Choice>,
    authors: Vec<AuthorRow>,
}

fn sorted_authors(archive: &Archive, sort: AuthorsSort) -> Vec<&Author> {
    let mut authors: Vec<&Author> = archive.authors().iter().collect();
    match sort {
        AuthorsSort::Count => authors.sort_by(|a, b| {
            b.comments
                .len()
                .cmp(&a.comments.len())
                .then_with(|| a.name.cmp(&b.name))
        }),
        AuthorsSort::Name => {
            authors.sort_by_cached_key(|a| (a.name.to_lowercase(), a.name.clone()))
        }
        AuthorsSort::Last => {
            authors.sort_by(|a, b| b.last_at.cmp(&a.last_at).then_with(|| a.name.cmp(&b.name)))
        }
    }
    authors
}

pub async fn authors(State(state): State<Arc<AppState>>, Params(q): Params<AuthorsQuery>) -> Page {
    let sorts = [
        (AuthorsSort::Count, "comments", None),
        (AuthorsSort::Name, "name", Some("name")),
        (AuthorsSort::Last, "last seen", Some("last")),
    ]
    .into_iter()
    .map(|(s, label, value)| {
        Choice::new(
            label,
            with_query("/authors".into(), &[("sort", value)]),
            s == q.sort,
        )
    })
    .collect();
    let archive = state.archive();
    let authors: Vec<AuthorRow> = sorted_authors(&archive, q.sort)
        .into_iter()
        .map(|a| AuthorRow {
            name: a.name.clone(),
            href: author_url(&a.name),
            comment_count: a.comments.len(),
            discussion_count: a.discussion_count,
            first: a.first_at.map(view::utc),
            last: a.last_at.map(view::utc),
            last_iso: a.last_at.map(view::iso),
        })
        .collect();
    let page = AuthorsPage {
        meta: Meta::new(
            "Authors · threadview",
            format!("{} authors in this archive.", authors.len()),
        ),
        sorts,
        authors,
    };
    Ok(Html(page.render()?))
}

fn find_author<'a>(archive: &'a Archive, name: &str) -> Result<&'a Author, AppError> {
    archive.author(name).ok_or_else(|| {
        AppError::NotFound(format!(
            "Nobody called \"{name}\" commented in this archive."
        ))
    })
}

/// The author's comments, newest or oldest first (unknown times last).
fn ordered_comments(archive: &Archive, author: &Author, order: TimeOrder) -> Vec<CommentRef> {
    let mut refs = author.comments.clone();
    refs.sort_by(|&a, &b| {
        let (ta, tb) = (
            archive.resolve(a).1.posted_at,
            archive.resolve(b).1.posted_at,
        );
        match (ta, tb) {
            (Some(ta), Some(tb)) if order == TimeOrder::New => tb.cmp(&ta),
            (Some(ta), Some(tb)) => ta.cmp(&tb),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    refs
}

/// Fields: `meta`, `name`, `comment_count`, `discussion_count`, `sorts`,
/// `chart`, `comments` (flat, each with its discussion).
#[derive(Template)]
#[template(path = "author.html")]
struct AuthorPage {
    meta: Meta,
    name: String,
    comment_count: usize,
    discussion_count: usize,
    span: Option<(String, String)>,
    sorts: Vec<Choice>,
    chart: Option<Chart>,
    comments: Vec<CommentView>,
}

pub async fn author(
    State(state): State<Arc<AppState>>,
    Segments(name): Segments<String>,
    Params(q): Params<AuthorQuery>,
) -> Page {
    let archive = &*state.archive();
    let author = find_author(archive, &name)?;
    let base = author_url(&author.name);
    let sorts = [
        (TimeOrder::New, "newest first", None),
        (TimeOrder::Old, "oldest first", Some("old")),
    ]
    .into_iter()
    .map(|(s, label, value)| {
        Choice::new(
            label,
            with_query(base.clone(), &[("sort", value)]),
            s == q.sort,
        )
    })
    .collect();
    let refs = ordered_comments(archive, author, q.sort);
    let comments: Vec<CommentView> = refs
        .iter()
        .map(|&at| {
            let d = &archive.discussions()[at.discussion()];
            let mut v = CommentView::new(d, at.comment(), None).quoting_parent(d, at.comment());
            v.discussion = Some(DiscussionRef {
                title: d.title.clone(),
                href: view::discussion_path(&d.id),
            });
            v
        })
        .collect();
    // The chart's bars link into this page, oldest first.
    let oldest = with_query(base.clone(), &[("sort", Some("old"))]);
    let points: Vec<_> = ordered_comments(archive, author, TimeOrder::Old)
        .into_iter()
        .filter_map(|at| {
            let c = archive.resolve(at).1;
            Some((c.posted_at?, format!("{oldest}#c-{}", c.id)))
        })
        .collect();
    let page = AuthorPage {
        meta: Meta::new(
            format!("{} · threadview", author.name),
            format!(
                "{} comments by {} in {} discussions.",
                author.comments.len(),
                author.name,
                author.discussion_count
            ),
        ),
        name: author.name.clone(),
        comment_count: author.comments.len(),
        discussion_count: author.discussion_count,
        span: author
            .first_at
            .zip(author.last_at)
            .map(|(f, l)| (view::utc(f), view::utc(l))),
        sorts,
        chart: chart::histogram(&points),
        comments,
    };
    Ok(Html(page.render()?))
}

/// An entry of `GET /api/authors`.
#[derive(Serialize)]
pub struct AuthorJson<'a> {
    name: &'a str,
    comment_count: usize,
    discussion_count: usize,
    first_comment_at: Option<DateTime<Utc>>,
    last_comment_at: Option<DateTime<Utc>>,
}

impl<'a> AuthorJson<'a> {
    fn new(a: &'a Author) -> Self {
        AuthorJson {
            name: &a.name,
            comment_count: a.comments.len(),
            discussion_count: a.discussion_count,
            first_comment_at: a.first_at,
            last_comment_at: a.last_at,
        }
    }
}

/// `GET /api/authors/{name}`: the summary plus every comment, each with its
/// discussion.
#[derive(Serialize)]
struct AuthorDetailJson<'a> {
    #[serde(flatten)]
    author: AuthorJson<'a>,
    comments: Vec<AuthoredCommentJson<'a>>,
}

#[derive(Serialize)]
struct AuthoredCommentJson<'a> {
    discussion: &'a str,
    discussion_title: &'a str,
    #[serde(flatten)]
    comment: CommentJson<'a>,
}

pub async fn api_authors(
    State(state): State<Arc<AppState>>,
    query: Result<Params<AuthorsQuery>, AppError>,
) -> Result<Response, ApiError> {
    let Params(q) = query?;
    let archive = state.archive();
    let list: Vec<_> = sorted_authors(&archive, q.sort)
        .into_iter()
        .map(AuthorJson::new)
        .collect();
    Ok(Json(list).into_response())
}

pub async fn api_author(
    State(state): State<Arc<AppState>>,
    name: Result<Segments<String>, AppError>,
    query: Result<Params<AuthorQuery>, AppError>,
) -> Result<Response, ApiError> {
    let Segments(name) = name?;
    let Params(q) = query?;
    let archive = &*state.archive();
    let author = find_author(archive, &name)?;
    let comments = ordered_comments(archive, author, q.sort)
        .into_iter()
        .map(|at| {
            let d = &archive.discussions()[at.discussion()];
            AuthoredCommentJson {
                discussion: &d.id,
                discussion_title: &d.title,
                comment: CommentJson::new(d, at.comment()),
            }
        })
        .collect();
    Ok(Json(AuthorDetailJson {
        author: AuthorJson::new(author),
        comments,
    })
    .into_response())
}
