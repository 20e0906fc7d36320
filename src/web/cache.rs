//! Rendered pages, kept per archive version within a byte budget, and the
//! one place responses are compressed.
//!
//! The first request for a URL renders it; the next ones get the same bytes
//! (gzip compressed once), or a 304 when the browser already has them. The
//! least used pages give way when the budget is full (quick_cache). A
//! reload starts a new, empty cache with the new archive, so nothing stale
//! is ever served. `Accept-Encoding` is negotiated by `negotiator`, which
//! honours quality values (`gzip;q=0` gets no gzip).

use std::io::Write;
use std::sync::Arc;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::{ApiError, AppError};

/// The default budget of the page cache.
pub const DEFAULT_BYTES: u64 = 64 << 20;
/// Larger responses are not kept (they are compressed on the way out).
const MAX_PAGE: usize = 8 << 20;
/// Smaller bodies are not worth compressing.
const MIN_GZIP: usize = 1024;

/// The codings this server writes, preferred first.
const CODINGS: [&str; 2] = ["gzip", "identity"];

/// How a response body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Identity,
}

/// The coding a request's `Accept-Encoding` prefers among those we write.
/// When it accepts none (`identity;q=0`), the body goes out as it is, which
/// RFC 9110 allows.
pub fn negotiate(headers: &HeaderMap) -> Coding {
    let accept: Vec<&str> = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let accept = (!accept.is_empty()).then(|| accept.join(", "));
    let preferred =
        negotiator::preferred_encodings(accept.as_deref(), Some(&CODINGS), Some(&CODINGS));
    match preferred.first().map(String::as_str) {
        Some("gzip") => Coding::Gzip,
        _ => Coding::Identity,
    }
}

fn gzip(body: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    Bytes::from(encoder.finish().unwrap_or_default())
}

/// One rendered response, in both codings.
pub struct CachedPage {
    /// Every header the handler set (`Content-Type`, `Link`, …) but those
    /// of the body's coding and length, which depend on the request.
    headers: HeaderMap,
    body: Bytes,
    gzip: Option<Bytes>,
    etag: HeaderValue,
    gzip_etag: HeaderValue,
}

impl CachedPage {
    fn new(mut headers: HeaderMap, body: Bytes) -> Self {
        let hash = xxhash_rust::xxh3::xxh3_64(&body);
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{hash:016x}{suffix}\""))
                .expect("hex is a valid header")
        };
        for name in [
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
            header::TRANSFER_ENCODING,
            header::ETAG,
        ] {
            headers.remove(name);
        }
        // Always revalidate by default: the archive may change under the
        // same URL.
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        CachedPage {
            headers,
            gzip: (body.len() >= MIN_GZIP).then(|| gzip(&body)),
            body,
            etag: etag(""),
            gzip_etag: etag("-gz"),
        }
    }

    fn size(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 32)
            .sum();
        self.body.len() + self.gzip.as_ref().map_or(0, Bytes::len) + headers + 128
    }

    /// The page as this request wants it.
    fn respond(&self, coding: Coding, if_none_match: Option<&HeaderValue>) -> Response {
        let (body, etag, gzip) = match &self.gzip {
            Some(gzip) if coding == Coding::Gzip => (gzip.clone(), &self.gzip_etag, true),
            _ => (self.body.clone(), &self.etag, false),
        };
        // A 304 carries the headers a 200 would (RFC 9110, 15.4.5), but
        // those that describe the body.
        let mut headers = self.headers.clone();
        headers.insert(header::ETAG, etag.clone());
        let unchanged = if_none_match.is_some_and(|tags| {
            tags.to_str().is_ok_and(|tags| {
                tags.split(',')
                    .any(|t| t.trim() == etag.to_str().unwrap_or_default() || t.trim() == "*")
            })
        });
        if unchanged {
            headers.remove(header::CONTENT_TYPE);
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        if gzip {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        (headers, body).into_response()
    }
}

/// Weighs a cached page by its bytes.
#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<String, Arc<CachedPage>> for ByBytes {
    fn weight(&self, key: &String, page: &Arc<CachedPage>) -> u64 {
        (key.len() + page.size()) as u64
    }
}

/// The pages rendered from one version of the archive, within a budget.
pub struct PageCache {
    pages: quick_cache::sync::Cache<String, Arc<CachedPage>, ByBytes>,
}

impl PageCache {
    /// A cache of at most `bytes` (bodies, compressed copies and keys).
    pub fn new(bytes: u64) -> Self {
        // quick_cache sizes its tables by an estimate of the item count.
        let estimated_items = (bytes / 16_384).clamp(16, 1 << 20) as usize;
        PageCache {
            pages: quick_cache::sync::Cache::with_weighter(estimated_items, bytes, ByBytes),
        }
    }

    /// The bytes held now.
    pub fn weight(&self) -> u64 {
        self.pages.weight()
    }
}

/// How the routes behind a cache say what went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorShape {
    /// An error page.
    Page,
    /// `{"error": …}`.
    Json,
}

impl ErrorShape {
    fn respond(self, error: AppError) -> Response {
        match self {
            ErrorShape::Page => error.into_response(),
            ErrorShape::Json => ApiError(error).into_response(),
        }
    }
}

/// Middleware: answers GET requests from the cache of the current archive,
/// filling it on a miss, and compresses what it cannot keep. Errors and
/// redirects go out as they are (they are small).
pub async fn cached(
    State((state, shape)): State<(Arc<AppState>, ErrorShape)>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let coding = negotiate(request.headers());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let snapshot = state.archive();
    // The whole address: behind `nest`, `uri()` has lost its prefix.
    let key = match request.extensions().get::<OriginalUri>() {
        Some(OriginalUri(uri)) => uri.to_string(),
        None => request.uri().to_string(),
    };
    if state.cache_pages
        && let Some(page) = snapshot.pages.pages.get(&key)
    {
        return page.respond(coding, if_none_match.as_ref());
    }
    // Not in the cache: the work is expensive, and runs under the limit.
    // Past it the answer is a prompt 503, never a place in a queue.
    let Ok(_permit) = state.expensive().clone().try_acquire_owned() else {
        return shape.respond(AppError::Busy);
    };
    // On a blocking thread, so the runtime's workers stay free to serve
    // cached pages and to turn the excess away.
    let runtime = tokio::runtime::Handle::current();
    let response =
        match tokio::task::spawn_blocking(move || runtime.block_on(next.run(request))).await {
            Ok(response) => response,
            Err(e) if e.is_panic() => {
                let cause = crate::panic_message(&*e.into_panic());
                return shape.respond(AppError::Panic(cause));
            }
            Err(_) => return shape.respond(AppError::Panic("a handler was cancelled".to_owned())),
        };
    let no_store = response
        .headers()
        .get(header::CACHE_CONTROL)
        .is_some_and(|v| v.as_bytes().starts_with(b"no-store"));
    if response.status() != StatusCode::OK
        || response.headers().contains_key(header::CONTENT_ENCODING)
        || no_store
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    if !parts.headers.contains_key(header::CONTENT_TYPE) {
        return Response::from_parts(parts, body);
    }
    let small = body
        .size_hint()
        .exact()
        .is_some_and(|size| size <= MAX_PAGE as u64);
    if !small {
        return compressed(coding, Response::from_parts(parts, body)).await;
    }
    match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(bytes) => {
            let page = Arc::new(CachedPage::new(parts.headers, bytes));
            if state.cache_pages {
                snapshot.pages.pages.insert(key, page.clone());
            }
            page.respond(coding, if_none_match.as_ref())
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A response too large to keep, gzipped when the client wants it.
async fn compressed(coding: Coding, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if coding != Coding::Gzip {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(zipped) = tokio::task::spawn_blocking(move || gzip(&bytes)).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    Response::from_parts(parts, Body::from(zipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(accept: &[&str]) -> Coding {
        let mut headers = HeaderMap::new();
        for value in accept {
            headers.append(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
        }
        negotiate(&headers)
    }

    #[test]
    fn accept_encoding_is_negotiated_with_quality_values() {
        assert_eq!(coding(&[]), Coding::Identity);
        assert_eq!(coding(&["gzip"]), Coding::Gzip);
        assert_eq!(coding(&["gzip, deflate, br"]), Coding::Gzip);
        assert_eq!(coding(&["GZIP;q=0.5"]), Coding::Gzip);
        assert_eq!(coding(&["gzip;q=0"]), Coding::Identity);
        assert_eq!(coding(&["gzip; q=0.000"]), Coding::Identity);
        assert_eq!(coding(&["br"]), Coding::Identity);
        assert_eq!(coding(&["*"]), Coding::Gzip);
        assert_eq!(coding(&["*, gzip;q=0"]), Coding::Identity);
        assert_eq!(coding(&["identity;q=1, gzip;q=0.5"]), Coding::Identity);
        assert_eq!(coding(&["deflate", "gzip"]), Coding::Gzip);
    }

    #[test]
    fn the_cache_stays_within_its_byte_budget() {
        let cache = PageCache::new(1 << 20);
        for i in 0..200 {
            let body = Bytes::from(format!("{i:>20000}"));
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            let page = CachedPage::new(headers, body);
            cache.pages.insert(format!("/page/{i}"), Arc::new(page));
        }
        assert!(cache.weight() <= 1 << 20, "{}", cache.weight());
        assert!(cache.pages.len() > 10);
    }

    #[test]
    fn a_cached_page_keeps_its_handlers_headers_also_in_a_304() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(
            header::LINK,
            HeaderValue::from_static("</x?page=2>; rel=\"next\""),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("2"));
        let page = CachedPage::new(headers, Bytes::from_static(b"[]"));
        let ok = page.respond(Coding::Identity, None);
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.headers()[header::LINK], "</x?page=2>; rel=\"next\"");
        assert_eq!(ok.headers()[header::CACHE_CONTROL], "no-cache");
        let etag = ok.headers()[header::ETAG].clone();
        let unchanged = page.respond(Coding::Identity, Some(&etag));
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(
            unchanged.headers()[header::LINK],
            "</x?page=2>; rel=\"next\""
        );
        assert!(!unchanged.headers().contains_key(header::CONTENT_TYPE));
    }
}
