//! Rendered pages, kept per archive version: the first request for a URL
//! renders it, the next ones get the same bytes (and their gzip, compressed
//! once), or a 304 when the browser already has them. A reload starts a new,
//! empty cache with the new archive, so nothing stale is ever served.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::{Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// The cache holds at most this many bytes of pages; when full it starts
/// over (URLs carry free text, so it must stay bounded).
const MAX_BYTES: usize = 64 << 20;
/// Larger pages are not kept.
const MAX_PAGE: usize = 8 << 20;
/// Smaller pages are not worth compressing.
const MIN_GZIP: usize = 1024;

/// One rendered page, in both encodings.
struct Page {
    content_type: HeaderValue,
    body: Bytes,
    gzip: Option<Bytes>,
    etag: HeaderValue,
    gzip_etag: HeaderValue,
}

impl Page {
    fn new(content_type: HeaderValue, body: Bytes) -> Self {
        let hash = xxhash_rust::xxh3::xxh3_64(&body);
        let gzip = (body.len() >= MIN_GZIP).then(|| {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            // Writing to a Vec cannot fail.
            let _ = encoder.write_all(&body);
            Bytes::from(encoder.finish().unwrap_or_default())
        });
        Page {
            content_type,
            body,
            gzip,
            etag: HeaderValue::from_str(&format!("\"{hash:016x}\""))
                .expect("hex is a valid header"),
            gzip_etag: HeaderValue::from_str(&format!("\"{hash:016x}-gz\""))
                .expect("hex is a valid header"),
        }
    }

    fn size(&self) -> usize {
        self.body.len() + self.gzip.as_ref().map_or(0, Bytes::len)
    }

    /// The page as this request wants it.
    fn respond(&self, accepts_gzip: bool, if_none_match: Option<&HeaderValue>) -> Response {
        let (body, etag, gzip) = match &self.gzip {
            Some(gzip) if accepts_gzip => (gzip.clone(), &self.gzip_etag, true),
            _ => (self.body.clone(), &self.etag, false),
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, etag.clone());
        // Always revalidate: the archive may change under the same URL.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        let unchanged = if_none_match.is_some_and(|tags| {
            tags.to_str().is_ok_and(|tags| {
                tags.split(',')
                    .any(|t| t.trim() == etag.to_str().unwrap_or_default() || t.trim() == "*")
            })
        });
        if unchanged {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(header::CONTENT_TYPE, self.content_type.clone());
        if gzip {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        (headers, body).into_response()
    }
}

/// The pages rendered from one version of the archive.
#[derive(Default)]
pub struct PageCache {
    pages: Mutex<(HashMap<String, Arc<Page>>, usize)>,
}

impl PageCache {
    fn get(&self, key: &str) -> Option<Arc<Page>> {
        self.pages.lock().ok()?.0.get(key).cloned()
    }

    fn insert(&self, key: String, page: Arc<Page>) {
        let Ok(mut guard) = self.pages.lock() else {
            return;
        };
        let (pages, bytes) = &mut *guard;
        if *bytes + page.size() > MAX_BYTES {
            pages.clear();
            *bytes = 0;
        }
        *bytes += page.size();
        if let Some(old) = pages.insert(key, page) {
            *bytes -= old.size();
        }
    }
}

/// Middleware: answers GET requests for pages and API documents from the
/// cache of the current archive, filling it on a miss. Assets have their
/// own caching; errors are not kept.
pub async fn cached(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if !state.cache_pages
        || request.method() != Method::GET
        || request.uri().path().starts_with("/static/")
    {
        return next.run(request).await;
    }
    let snapshot = state.archive();
    let key = request.uri().to_string();
    let accepts_gzip = request
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            parts
                .next()
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("gzip"))
                && !parts.any(|p| p.trim().replace(' ', "") == "q=0")
        });
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(page) = snapshot.pages.get(&key) {
        return page.respond(accepts_gzip, if_none_match.as_ref());
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK
        || response.headers().contains_key(header::CONTENT_ENCODING)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let size = body.size_hint().exact();
    let Some(content_type) = parts.headers.get(header::CONTENT_TYPE).cloned() else {
        return Response::from_parts(parts, body);
    };
    if size.is_none_or(|size| size > MAX_PAGE as u64) {
        return Response::from_parts(parts, body);
    }
    match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(bytes) => {
            let page = Arc::new(Page::new(content_type, bytes));
            snapshot.pages.insert(key, page.clone());
            page.respond(accepts_gzip, if_none_match.as_ref())
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
