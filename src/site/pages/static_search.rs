//! `search.html` of an export: a form and an empty list that the script
//! fills from the Pagefind index the export wrote beside the pages (a
//! static host runs no code, so the search runs in the reader's browser).

use askama::Template;

use crate::site::Ctx;
use crate::site::url::Url;
use crate::site::view::Meta;

/// Fields: `meta`, `action` (the page itself), `bundles` (the Pagefind
/// bundles to search, from the site's root, space-separated).
#[derive(Template)]
#[template(path = "static_search.html")]
pub struct StaticSearchPage {
    meta: Meta,
    action: String,
    bundles: String,
}

impl StaticSearchPage {
    /// `bundles`: the folders of the Pagefind indexes, each ending in `/`.
    pub fn build(ctx: &Ctx, bundles: &[String]) -> Self {
        StaticSearchPage {
            meta: Meta::new("Search · threadview", "Search the archive.", &ctx.links),
            action: ctx.links.href(&Url::Search(Default::default())),
            bundles: bundles.join(" "),
        }
    }
}
