//! The HTML pages: each module owns its askama struct and the `build()`
//! that makes it from the domain and a [`super::Ctx`].

pub mod admit;
pub mod author;
pub mod authors;
pub mod by_name;
pub mod comment;
pub mod community;
pub mod diagnostics;
pub mod discussion;
pub mod error;
pub mod index;
pub mod loading;
pub mod period;
pub mod refused;
pub mod search;
pub mod static_search;
pub mod timeline;

use std::sync::Arc;

use super::error::PageError;
use crate::model::{Archive, Discussion};
use crate::paging::Pages;

pub fn find_discussion(archive: &Archive, id: &str) -> Result<Arc<Discussion>, PageError> {
    archive
        .get(id)?
        .ok_or_else(|| PageError::NotFound(format!("There is no discussion \"{id}\".")))
}

/// A 404 unless `author` (a view's author filter) commented in `d`.
pub fn require_author(d: &Discussion, author: Option<&str>) -> Result<(), PageError> {
    match author {
        Some(author) if !d.comments().iter().any(|c| &*c.author == author) => Err(
            PageError::NotFound(format!("\"{author}\" has no comments in this discussion.")),
        ),
        _ => Ok(()),
    }
}

/// The items of page `page`, or a 404 that names the last page.
pub fn page_range(pages: &Pages, page: usize) -> Result<std::ops::Range<usize>, PageError> {
    pages.range(page).ok_or_else(|| {
        PageError::NotFound(format!(
            "There is no page {page} of this view: it has {} page{}.",
            pages.count(),
            if pages.count() == 1 { "" } else { "s" }
        ))
    })
}
