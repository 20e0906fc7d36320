//! The page that says why a request could not be answered.

use askama::Template;

use crate::site::url::{Links, Url};
use crate::site::view::Meta;

/// Fields: `meta`, `code` and `reason` (the status), `message`,
/// `valid_href`, `search` (a bad search: the form's action and the text),
/// `syntax`, `search_help`.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    meta: Meta,
    code: u16,
    reason: &'static str,
    message: String,
    /// The view the reader probably wanted, without the bad parameter.
    valid_href: Option<String>,
    search: Option<(String, String)>,
    syntax: &'static str,
    search_help: String,
}

/// Why a request failed, as the error page shows it.
pub struct Failure {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub valid_href: Option<String>,
    /// A bad search: where to search again, and the text.
    pub search: Option<(String, String)>,
}

impl ErrorPage {
    pub fn build(failure: Failure, links: &Links) -> Self {
        ErrorPage {
            meta: Meta::new(
                format!("{} {} · threadview", failure.code, failure.reason),
                &failure.message,
                links,
            ),
            code: failure.code,
            reason: failure.reason,
            message: failure.message,
            valid_href: failure.valid_href,
            search: failure.search,
            syntax: crate::search::SYNTAX,
            search_help: format!("{}#help", links.href(&Url::Search(Default::default()))),
        }
    }

    /// The message alone, for when the page itself cannot be rendered.
    pub fn message(&self) -> &str {
        &self.message
    }
}
