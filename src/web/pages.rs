//! The page handlers: each reads its route's path segments and query into
//! a [`Url`] and renders it through the site ([`crate::site::render`]).
//! The cache around them runs them on the blocking pool, under the limit
//! on expensive work.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, get};

use super::AppState;
use super::error::AppError;
use super::query::{Params, Segments};
use crate::model::Community;
use crate::site::query::{
    AuthorQuery, AuthorsQuery, ByNameQuery, CommentQuery, CommunityQuery, IndexQuery, NoQuery,
    Period, PeriodQuery, SearchQuery, ThreadQuery, TimelineQuery,
};
use crate::site::{self, Route, Url};

/// The handler of each page route.
pub fn handler(route: Route) -> MethodRouter<Arc<AppState>> {
    match route {
        Route::Index => get(index),
        Route::Discussion => get(discussion),
        Route::Comment => get(comment),
        Route::Authors => get(authors),
        Route::Author => get(author),
        Route::ByName => get(by_name),
        Route::Search => get(search),
        Route::Subreddit => get(subreddit),
        Route::Source => get(source),
        Route::Timeline => get(timeline),
        Route::Year | Route::Month | Route::Day => get(period),
        Route::SubredditYear | Route::SubredditMonth | Route::SubredditDay => get(subreddit_period),
        Route::SourceYear | Route::SourceMonth | Route::SourceDay => get(source_period),
        Route::Diagnostics => get(diagnostics),
        Route::Api | Route::Media | Route::Thumbnail => get(not_found),
    }
}

/// The page at `url`, from the archive being served.
fn serve(state: &AppState, url: Url) -> Result<Response, AppError> {
    let snapshot = state.archive();
    let page = site::render(&url, &state.ctx(&snapshot))?;
    let status = if page.bad_input {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut response = (status, Html(page.html)).into_response();
    if !page.cacheable {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

type Answer = Result<Response, AppError>;
type St = State<Arc<AppState>>;

async fn index(State(state): St, Params(q): Params<IndexQuery>) -> Answer {
    serve(&state, Url::Index(q))
}

async fn discussion(
    State(state): St,
    Segments(id): Segments<String>,
    Params(query): Params<ThreadQuery>,
) -> Answer {
    serve(&state, Url::Discussion { id, query })
}

async fn comment(
    State(state): St,
    Segments((discussion, comment)): Segments<(String, String)>,
    Params(query): Params<CommentQuery>,
) -> Answer {
    let url = Url::Comment {
        discussion,
        comment,
        query,
    };
    serve(&state, url)
}

async fn authors(State(state): St, Params(q): Params<AuthorsQuery>) -> Answer {
    serve(&state, Url::Authors(q))
}

async fn author(
    State(state): St,
    Segments(name): Segments<String>,
    Params(query): Params<AuthorQuery>,
) -> Answer {
    serve(&state, Url::Author { name, query })
}

async fn by_name(State(state): St, Params(q): Params<ByNameQuery>) -> Answer {
    serve(&state, Url::ByName(q))
}

async fn search(State(state): St, Params(q): Params<SearchQuery>) -> Answer {
    serve(&state, Url::Search(q))
}

async fn subreddit(
    State(state): St,
    Segments(name): Segments<String>,
    Params(query): Params<CommunityQuery>,
) -> Answer {
    let community = Community::Subreddit(name);
    serve(&state, Url::Community { community, query })
}

async fn source(
    State(state): St,
    Segments(name): Segments<String>,
    Params(query): Params<CommunityQuery>,
) -> Answer {
    let community = Community::Source(name);
    serve(&state, Url::Community { community, query })
}

async fn timeline(State(state): St, Params(q): Params<TimelineQuery>) -> Answer {
    serve(&state, Url::Timeline(q))
}

async fn period(
    State(state): St,
    Segments(parts): Segments<Vec<String>>,
    Params(query): Params<PeriodQuery>,
) -> Answer {
    serve_period(&state, None, &parts, query)
}

async fn subreddit_period(
    State(state): St,
    Segments(parts): Segments<Vec<String>>,
    Params(query): Params<PeriodQuery>,
) -> Answer {
    let community = Community::Subreddit(parts[0].clone());
    serve_period(&state, Some(community), &parts[1..], query)
}

async fn source_period(
    State(state): St,
    Segments(parts): Segments<Vec<String>>,
    Params(query): Params<PeriodQuery>,
) -> Answer {
    let community = Community::Source(parts[0].clone());
    serve_period(&state, Some(community), &parts[1..], query)
}

fn serve_period(
    state: &AppState,
    community: Option<Community>,
    parts: &[String],
    query: PeriodQuery,
) -> Answer {
    let period = Period::parse(parts)
        .ok_or_else(|| AppError::NotFound("There is no page at this address.".to_owned()))?;
    serve(
        state,
        Url::Period {
            community,
            period,
            query,
        },
    )
}

async fn diagnostics(State(state): St, Params(_): Params<NoQuery>) -> Answer {
    serve(&state, Url::Diagnostics)
}

/// `/r/{sub}/comments/{post}[/{slug}[/{comment}]]` (and without
/// `/r/{sub}`): an address in Reddit's shape, redirected (308) to the local
/// thread or comment; a post the archive lacks is a 404 that says so.
pub async fn reddit(State(state): St, uri: axum::extract::OriginalUri) -> Answer {
    let archive = state.archive();
    let target = site::reddit::target(uri.path()).ok_or_else(|| {
        AppError::NotFound("This is not the address of a Reddit thread or comment.".to_owned())
    })?;
    let url = site::reddit::local(&archive, &target).ok_or_else(|| {
        AppError::NotFound(format!(
            "The Reddit post {} is not in this archive.",
            target.post
        ))
    })?;
    let links = site::Links::SERVER;
    let href = match (&url, target.comment) {
        (Url::Comment { discussion, .. }, Some(comment)) => links.permalink(discussion, comment),
        _ => links.href(&url),
    };
    Ok(axum::response::Redirect::permanent(&href).into_response())
}

pub async fn not_found() -> AppError {
    AppError::NotFound("There is no page at this address.".to_owned())
}
