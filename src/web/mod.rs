//! The HTTP side: the state being served, routes, handlers, the cache,
//! errors and the security headers. Pages are the site's
//! ([`crate::site`]); this module only answers requests with them.

pub mod access;
mod api;
mod assets;
pub mod cache;
mod error;
pub mod loading;
mod media;
mod pages;
pub mod query;

use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::AppError;

use crate::model::Archive;
use crate::search::{self, index::SearchIndex};
use crate::site::derived::Derived;
use crate::site::{Ctx, Links, Route, Search};

/// What the thumbnails made may keep: about 3,000 of them.
const THUMBNAIL_BYTES: u64 = 16 << 20;

/// What requests see: the current archive. It is never mutated; a reload
/// swaps a whole new one in, and each request works on the one it loaded
/// first.
pub struct AppState {
    current: ArcSwap<Snapshot>,
    /// Off only to measure rendering itself (the benchmarks).
    cache_pages: bool,
    /// The page cache's budget, for each version of the archive.
    cache_bytes: u64,
    /// The search index, when there is one (else searches scan).
    search: Option<Arc<SearchIndex>>,
    /// Expensive work (a page not in the cache, a search) runs under this
    /// limit; past it a request is answered 503 at once.
    expensive: Arc<tokio::sync::Semaphore>,
    /// Who may read it: the names the server answers to, and its key.
    access: access::Access,
    /// Media not on disk is shown from its hosts (`--remote-media`).
    remote_media: bool,
    /// The thumbnails made for lists.
    thumbnails: media::Thumbnails,
    /// How far the first reading of the archive is, while the server
    /// answers before it is done.
    loading: Option<Arc<loading::Loading>>,
}

/// One version of the archive with the pages rendered from it.
pub struct Snapshot {
    archive: Arc<Archive>,
    /// Increases with each reload.
    version: u64,
    pages: cache::PageCache,
    derived: Derived,
    /// The content security policy of its responses, made at the first
    /// (it names the archive's media hosts when remote media are shown).
    policy: std::sync::OnceLock<HeaderValue>,
}

impl Snapshot {
    /// What the pages of this version share (orders, charts, maps).
    pub fn derived(&self) -> &Derived {
        &self.derived
    }

    /// What the server's pages of this version are made from, searching
    /// with `index`; `remote_media`: the reader's `--remote-media`.
    pub fn ctx<'a>(&'a self, index: Option<&'a SearchIndex>, remote_media: bool) -> Ctx<'a> {
        Ctx {
            archive: &self.archive,
            derived: &self.derived,
            links: Links::Server { remote_media },
            search: Search::Live {
                index,
                version: self.version,
            },
        }
    }

    /// The content security policy of this version's responses.
    fn policy(&self, remote_media: bool) -> &HeaderValue {
        self.policy.get_or_init(|| {
            let hosts = if remote_media {
                crate::site::view::media::remote_origins(&self.archive)
            } else {
                Vec::new()
            };
            HeaderValue::from_str(&crate::site::content_security_policy(false, &hosts))
                .unwrap_or_else(|_| {
                    HeaderValue::from_str(&crate::site::content_security_policy(false, &[]))
                        .expect("the policy is ASCII")
                })
        })
    }

    /// Its archive, to share (with the search index).
    pub fn shared_archive(&self) -> Arc<Archive> {
        self.archive.clone()
    }

    /// This version's number: 1 for the first archive, then one more for
    /// each reload.
    pub fn version(&self) -> u64 {
        self.version
    }
}

/// How many expensive requests may run at once: a few per core, enough to
/// keep the cores busy while one waits.
pub fn default_concurrency() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) * 4
}

impl std::ops::Deref for Snapshot {
    type Target = Archive;

    fn deref(&self) -> &Archive {
        &self.archive
    }
}

impl AppState {
    pub fn new(archive: Archive) -> Self {
        Self::with_cache_budget(archive, cache::DEFAULT_BYTES)
    }

    /// A state whose page cache holds at most `bytes`.
    pub fn with_cache_budget(archive: Archive, bytes: u64) -> Self {
        AppState {
            current: ArcSwap::from_pointee(Snapshot::new(archive, 1, bytes)),
            cache_pages: true,
            cache_bytes: bytes,
            search: None,
            expensive: Arc::new(tokio::sync::Semaphore::new(default_concurrency())),
            access: access::Access::local(),
            remote_media: false,
            thumbnails: media::Thumbnails::new(THUMBNAIL_BYTES),
            loading: None,
        }
    }

    /// Answers every page with how far `loading` is until it finishes
    /// (the archive it was made with is a placeholder until then).
    pub fn with_loading(mut self, loading: Arc<loading::Loading>) -> Self {
        self.loading = Some(loading);
        self
    }

    /// The thumbnails made for lists.
    pub(crate) fn thumbnails(&self) -> &media::Thumbnails {
        &self.thumbnails
    }

    /// Shows media that is not on disk from its hosts, instead of a
    /// placeholder (the reader's `--remote-media`).
    pub fn with_remote_media(mut self, remote: bool) -> Self {
        self.remote_media = remote;
        self
    }

    /// What the pages of `snapshot` are made from, as this server shows
    /// them.
    pub fn ctx<'a>(&'a self, snapshot: &'a Snapshot) -> Ctx<'a> {
        snapshot.ctx(self.search.as_deref(), self.remote_media)
    }

    /// Answers to the names of `access`, with its key.
    pub fn with_access(mut self, access: access::Access) -> Self {
        self.access = access;
        self
    }

    /// Who may read the archive.
    pub fn access(&self) -> &access::Access {
        &self.access
    }

    /// Builds (or opens) a search index at `location` in the background;
    /// searches scan until it is ready.
    pub fn with_search_index(self, location: search::index::Location) -> Self {
        let state = self.with_index(SearchIndex::new(location));
        state.start_index();
        state
    }

    /// Starts the search index (given with [`AppState::with_index`]) on
    /// the current archive: once it is in place, when the server answered
    /// while reading it.
    pub fn start_index(&self) {
        if let Some(index) = &self.search {
            let snapshot = self.current.load();
            index.start(search::index::Update {
                version: snapshot.version,
                archive: snapshot.archive.clone(),
            });
        }
    }

    /// Searches with `index` (started or not).
    pub fn with_index(mut self, index: Arc<SearchIndex>) -> Self {
        self.search = Some(index);
        self
    }

    /// At most `permits` expensive requests at once.
    pub fn with_concurrency(mut self, permits: usize) -> Self {
        self.expensive = Arc::new(tokio::sync::Semaphore::new(permits.max(1)));
        self
    }

    /// The search index, if there is one.
    pub fn search_index(&self) -> Option<&Arc<SearchIndex>> {
        self.search.as_ref()
    }

    /// The limit on expensive work (tests hold its permits to overload it).
    pub fn expensive(&self) -> &Arc<tokio::sync::Semaphore> {
        &self.expensive
    }

    /// The bytes the current page cache holds.
    pub fn cached_bytes(&self) -> u64 {
        self.current.load().pages.weight()
    }

    /// A state that renders every request afresh: for measuring rendering.
    pub fn without_page_cache(archive: Archive) -> Self {
        AppState {
            cache_pages: false,
            ..AppState::new(archive)
        }
    }

    /// The current archive, for the length of one request.
    pub fn archive(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Puts a new archive (with an empty page cache) in place of the
    /// current one.
    pub fn replace(&self, archive: Archive) {
        let version = self.current.load().version + 1;
        let snapshot = Arc::new(Snapshot::new(archive, version, self.cache_bytes));
        if let Some(index) = &self.search {
            index.update(search::index::Update {
                version,
                archive: snapshot.archive.clone(),
            });
        }
        self.current.store(snapshot);
    }
}

impl Snapshot {
    fn new(archive: Archive, version: u64, cache_bytes: u64) -> Self {
        Snapshot {
            archive: Arc::new(archive),
            version,
            policy: std::sync::OnceLock::new(),
            pages: cache::PageCache::new(cache_bytes),
            // Orders and maps are smaller than pages; half the budget
            // again holds those of the largest threads.
            derived: Derived::new(cache_bytes / 2),
        }
    }
}

/// Middleware: `/authors/` and the like redirect to the address without
/// the trailing slash, keeping the query.
async fn trim_trailing_slash(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // Reddit's addresses end in a slash: they redirect in one step.
    let reddit =
        path.starts_with("/comments/") || (path.starts_with("/r/") && path.contains("/comments/"));
    if path.len() > 1 && path.ends_with('/') && !reddit {
        let to = access::local_location(path.trim_end_matches('/'), request.uri().query());
        return Redirect::permanent(&to).into_response();
    }
    next.run(request).await
}

/// Middleware: every response carries the content security policy of
/// the archive being served ([`crate::site::content_security_policy`]).
async fn content_security_policy(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let policy = state.current.load().policy(state.remote_media).clone();
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, policy);
    response
}

fn header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// The whole application, ready to serve or to drive in tests.
pub fn app(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/discussions", get(api::discussions))
        .route("/discussions/{id}", get(api::discussion))
        .route("/comments", get(api::comments))
        .route("/communities", get(api::communities))
        .route("/communities/{*name}", get(api::community))
        .route("/authors", get(api::authors))
        .route("/authors/{name}", get(api::author))
        .route("/search", get(api::search))
        .route("/diagnostics", get(api::diagnostics))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), cache::ErrorShape::Json),
            cache::cached,
        ))
        // Depends on who asks, so never cached.
        .route("/share", get(api::share));
    let mut site = Router::new();
    for route in Route::PAGES {
        site = site.route(route.pattern(), pages::handler(route));
    }
    let site = site
        .route("/static/{file}", get(assets::serve))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), cache::ErrorShape::Page),
            cache::cached,
        ));
    Router::new()
        .nest("/api", api)
        .merge(site)
        // An unknown API address is the API's 404 (JSON), not a date page's.
        .route("/api/{*rest}", get(api::not_found))
        // Reddit's addresses, to the local copy.
        .route("/r/{sub}/comments/{*rest}", get(pages::reddit))
        .route("/comments/{*rest}", get(pages::reddit))
        // The reader's media files: outside the page cache (files, with
        // ranges), inside the access guard.
        .route(Route::Media.pattern(), get(media::serve))
        .route(Route::Thumbnail.pattern(), get(media::thumbnail))
        // A liveness check, and the baseline of the benchmarks: plain axum.
        .route("/healthz", get(|| async { "ok" }))
        .layer(axum::middleware::from_fn(trim_trailing_slash))
        // Nothing of an archive still being read is shown, or cached.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            loading::gate,
        ))
        // Before everything that reads the archive, the cache included.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::guard,
        ))
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(
            state,
            content_security_policy,
        ))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(CatchPanicLayer::custom(
            |cause: Box<dyn std::any::Any + Send>| {
                AppError::Panic(crate::panic_message(&*cause)).into_response()
            },
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}
