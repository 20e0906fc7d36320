//! While the archive is first read, every address but the assets answers
//! 503 with how far the reading is (a page, or the API's JSON), never a
//! page of an empty archive.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use crate::site::Links;
use crate::site::pages::loading::{LoadingPage, Reading};

/// How far the first reading of the archive is; shared by the loader
/// (which moves it on) and the server (which shows it).
#[derive(Debug)]
pub struct Loading {
    done: AtomicU64,
    total: AtomicU64,
    ready: AtomicBool,
    started: Instant,
}

impl Loading {
    pub fn new() -> Arc<Self> {
        Arc::new(Loading {
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            ready: AtomicBool::new(false),
            started: Instant::now(),
        })
    }

    /// `done` bytes of `total` read.
    pub fn update(&self, done: u64, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }

    /// The archive is in place: pages are served.
    pub fn finish(&self) {
        self.ready.store(true, Ordering::Release);
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    fn reading(&self) -> Reading {
        Reading {
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            seconds: self.started.elapsed().as_secs(),
        }
    }
}

/// Middleware: until the archive is read, the progress instead of the
/// page (the stylesheet and icon are served, and `/healthz`).
pub async fn gate(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some(loading) = state.loading.as_ref().filter(|l| !l.is_ready()) else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if path.starts_with("/static/") || path == "/healthz" {
        return next.run(request).await;
    }
    let reading = loading.reading();
    let mut response = if path.starts_with("/api/") {
        axum::Json(serde_json::json!({
            "error": "the archive is being read",
            "loading": {"done": reading.done, "total": reading.total},
        }))
        .into_response()
    } else {
        let again = super::access::local_location(path, request.uri().query());
        match LoadingPage::build(reading, again, &Links::SERVER).render() {
            Ok(html) => Html(html).into_response(),
            Err(err) => return super::AppError::from(err).into_response(),
        }
    };
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("2"));
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}
