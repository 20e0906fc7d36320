//! `/media/{key}`: the reader's own media files; `/thumbnails/{key}`: a
//! small square picture of one, for lists. The key is looked up in
//! the archive's table of matched files, and the file at the path found
//! there (resolved at load) is served by tower-http's file service, with
//! its type, `Range` (a video seeks), `Last-Modified` and an `ETag`. No
//! path is ever made from the request: an unknown key is a 404, whatever
//! it spells (`..`, `%2e%2e`, an absolute path).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::AppState;
use super::error::AppError;
use super::query::Segments;

/// The thumbnails made, by key: a few kilobytes each, kept within a budget
/// (the least used go first). A key names one version of a file, so a kept
/// thumbnail is never stale.
pub struct Thumbnails(quick_cache::sync::Cache<String, Bytes, ByBytes>);

#[derive(Clone)]
pub struct ByBytes;

impl quick_cache::Weighter<String, Bytes> for ByBytes {
    fn weight(&self, key: &String, value: &Bytes) -> u64 {
        (key.len() + value.len()) as u64
    }
}

impl Thumbnails {
    pub fn new(bytes: u64) -> Self {
        Thumbnails(quick_cache::sync::Cache::with_weighter(
            (bytes / 6_000).max(16) as usize,
            bytes.max(1 << 20),
            ByBytes,
        ))
    }
}

/// The largest file made into a thumbnail.
const THUMBNAIL_SOURCE_BYTES: u64 = 64 << 20;

pub async fn thumbnail(
    State(state): State<Arc<AppState>>,
    Segments(key): Segments<String>,
    request: Request,
) -> Result<Response, AppError> {
    let none = || AppError::NotFound("There is no thumbnail at this address.".to_owned());
    let snapshot = state.archive();
    let file = snapshot.media_files().by_key(&key).ok_or_else(none)?;
    if file.video || file.bytes > THUMBNAIL_SOURCE_BYTES {
        return Err(none());
    }
    let headers = kept_for_good(&format!("t-{}", file.key)).ok_or_else(none)?;
    if holds(&request, &headers) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    let made = match state.thumbnails().0.get(&key) {
        Some(made) => made,
        None => {
            // Decoding a photo is expensive work: under the same limit as
            // making a page.
            let Ok(_permit) = state.expensive().clone().try_acquire_owned() else {
                return Err(AppError::Busy);
            };
            let path = file.path.clone();
            drop(snapshot);
            let made = tokio::task::spawn_blocking(move || {
                let bytes = std::fs::read(path).ok()?;
                crate::thumbnail::thumbnail(&bytes)
            })
            .await
            .ok()
            .flatten()
            .map(Bytes::from)
            .ok_or_else(none)?;
            state.thumbnails().0.insert(key, made.clone());
            made
        }
    };
    let jpeg = [(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"))];
    Ok((headers, jpeg, made).into_response())
}

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
    let headers = kept_for_good(&file.key)
        .ok_or_else(|| AppError::NotFound("There is no media file at this address.".to_owned()))?;
    if holds(&request, &headers) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
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
    response.headers_mut().extend(headers);
    Ok(response)
}

/// The headers of a response named by a version (`tag`, the key): its
/// `ETag`, and caching for good.
fn kept_for_good(tag: &str) -> Option<[(HeaderName, HeaderValue); 2]> {
    let etag = HeaderValue::from_str(&format!("\"{tag}\"")).ok()?;
    Some([
        (header::ETAG, etag),
        (header::CACHE_CONTROL, HeaderValue::from_static(CACHE)),
    ])
}

/// Whether the request already holds the version these headers name
/// (`If-None-Match`).
fn holds(request: &Request, headers: &[(HeaderName, HeaderValue); 2]) -> bool {
    let etag = &headers[0].1;
    request
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v == etag || v.as_bytes() == b"*")
}
