//! The HTML pages: each module owns its askama struct, the `build()` that
//! makes it from the domain, and a handler of a few lines.

pub mod author;
pub mod authors;
pub mod comment;
pub mod diagnostics;
pub mod discussion;
pub mod index;
pub mod search;
pub mod static_search;

use askama::Template;
use axum::response::Html;

use super::error::AppError;
use crate::model::{Archive, Discussion};
use crate::paging::Pages;

/// What a page handler answers.
pub type PageResult = Result<Html<String>, AppError>;

/// Renders a page template.
pub fn render(page: impl Template) -> PageResult {
    Ok(Html(page.render()?))
}

pub fn find_discussion<'a>(archive: &'a Archive, id: &str) -> Result<&'a Discussion, AppError> {
    archive
        .get(id)
        .ok_or_else(|| AppError::NotFound(format!("There is no discussion \"{id}\".")))
}

/// A 404 unless `author` (a view's author filter) commented in `d`.
pub fn require_author(d: &Discussion, author: Option<&str>) -> Result<(), AppError> {
    match author {
        Some(author) if !d.comments().iter().any(|c| &*c.author == author) => Err(
            AppError::NotFound(format!("\"{author}\" has no comments in this discussion.")),
        ),
        _ => Ok(()),
    }
}

/// The items of page `page`, or a 404 that names the last page.
pub fn page_range(pages: &Pages, page: usize) -> Result<std::ops::Range<usize>, AppError> {
    pages.range(page).ok_or_else(|| {
        AppError::NotFound(format!(
            "There is no page {page} of this view: it has {} page{}.",
            pages.count(),
            if pages.count() == 1 { "" } else { "s" }
        ))
    })
}

pub async fn not_found() -> AppError {
    AppError::NotFound("There is no page at this address.".to_owned())
}
