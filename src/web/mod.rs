//! The HTTP side: routes, handlers, templates' view models, errors.

mod api;
pub mod assets;
mod authors;
mod chart;
mod error;
mod pages;
mod params;
mod search;
mod view;

use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::Router;
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::AppError;

use crate::model::{Archive, Discussion};

/// What requests see: the current archive. It is never mutated; a reload
/// swaps a whole new one in, and each request works on the one it loaded
/// first.
pub struct AppState {
    archive: ArcSwap<Archive>,
}

impl AppState {
    pub fn new(archive: Archive) -> Self {
        AppState {
            archive: ArcSwap::from_pointee(archive),
        }
    }

    /// The current archive, for the length of one request.
    pub fn archive(&self) -> Arc<Archive> {
        self.archive.load_full()
    }

    /// Puts a new archive in place of the current one.
    pub fn replace(&self, archive: Archive) {
        self.archive.store(Arc::new(archive));
    }
}

fn find_discussion<'a>(archive: &'a Archive, id: &str) -> Result<&'a Discussion, AppError> {
    archive
        .get(id)
        .ok_or_else(|| AppError::NotFound(format!("There is no discussion \"{id}\".")))
}

/// The whole application, ready to serve or to drive in tests.
pub fn app(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/discussions", get(api::discussions))
        .route("/discussions/{id}", get(api::discussion))
        .route("/authors", get(authors::api_authors))
        .route("/authors/{name}", get(authors::api_author))
        .route("/search", get(search::api_search))
        .fallback(api::not_found);
    Router::new()
        .route("/", get(pages::index))
        .route("/d/{id}", get(pages::discussion))
        .route("/d/{id}/c/{comment_id}", get(pages::comment))
        .route("/authors", get(authors::authors))
        .route("/authors/{name}", get(authors::author))
        .route("/search", get(search::search_page))
        .route("/static/{file}", get(assets::serve))
        .nest("/api", api)
        .fallback(pages::not_found)
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}
