//! `/media/{key}`: the reader's own media files. The key is looked up in
//! the archive's table of matched files, and the file at the path found
//! there (resolved at load) is served by tower-http's file service, with
//! its type, `Range` (a video seeks), `Last-Modified` and an `ETag`. No
//! path is ever made from the request: an unknown key is a 404, whatever
//! it spells (`..`, `%2e%2e`, an absolute path).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::AppState;
use super::error::AppError;
use super::query::Segments;

/// The key is the file's version (its place, size and time): a changed
/// file has a new key, so a response may be kept for good.
const CACHE: &str = "public, max-age=31536000, immutable";

pub async fn serve(
    State(state): State<Arc<AppState>>,
    Segments(key): Segments<String>,
    request: Request,
) -> Result<Response, AppError> {
    let snapshot = state.archive();
    let file = snapshot
        .media_files()
        .by_key(&key)
        .ok_or_else(|| AppError::NotFound("There is no media file at this address.".to_owned()))?;
    let etag = HeaderValue::from_str(&format!("\"{}\"", file.key))
        .map_err(|_| AppError::NotFound("There is no media file at this address.".to_owned()))?;
    let fresh = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes() || v.as_bytes() == b"*");
    if fresh {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::CACHE_CONTROL, HeaderValue::from_static(CACHE)),
            ],
        )
            .into_response());
    }
    let path = file.path.clone();
    drop(snapshot);
    let mut response = match ServeFile::new(&path).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        return Err(AppError::NotFound(
            "This media file is no longer on disk.".to_owned(),
        ));
    }
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
    Ok(response)
}
