//! `search.html` of an export: a form and an empty list that the script
//! fills from the Pagefind index the export wrote beside the pages (a
//! static host runs no code, so the search runs in the reader's browser).

use askama::Template;

use crate::web::url::Url;
use crate::web::view::Meta;

/// Fields: `meta`, `action` (the page itself).
#[derive(Template)]
#[template(path = "static_search.html")]
pub struct StaticSearchPage {
    meta: Meta,
    action: String,
}

impl StaticSearchPage {
    pub fn build() -> Self {
        StaticSearchPage {
            meta: Meta::new("Search · threadview", "Search the archive."),
            action: Url::Search(Default::default()).href(),
        }
    }
}
