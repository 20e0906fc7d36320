//! Why a page cannot be made: said without HTTP. The server maps each
//! kind to its status ([`crate::web::AppError`]); the export reports it.

/// Why a page cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// An unknown discussion, comment, author, page number or view.
    #[error("{0}")]
    NotFound(String),
    /// A search that does not parse: the error page explains the language
    /// and keeps the text in a search box aimed at `action`.
    #[error("Bad search: {message}.")]
    BadSearch {
        message: String,
        text: String,
        action: String,
    },
    /// A template failed to render: a bug.
    #[error("the page could not be rendered: {0}")]
    Render(#[from] askama::Error),
    /// The store failed under the page (a disk error, or the store
    /// replaced while the server ran).
    #[error("{0}")]
    Unreadable(#[from] crate::model::Unreadable),
}

impl PageError {
    /// A bad search answered from the page at `action` (its box keeps the
    /// text); other errors are unchanged.
    pub fn searching_at(self, action: String) -> Self {
        match self {
            PageError::BadSearch { message, text, .. } => PageError::BadSearch {
                message,
                text,
                action,
            },
            other => other,
        }
    }
}
