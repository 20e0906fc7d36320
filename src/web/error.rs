//! The one error type of the handlers, rendered as a page or as JSON: a
//! [`PageError`] from the site gets its HTTP status here.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::site::PageError;
use crate::site::pages::error::{ErrorPage, Failure};
use crate::site::pages::refused::RefusedPage;
use crate::site::url::Links;

/// Why a request could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// An unknown discussion, comment, author or route.
    #[error("{0}")]
    NotFound(String),
    /// A parameter with a value the route does not accept; the message says
    /// what is accepted.
    #[error("{0}")]
    BadRequest(String),
    /// A page's parameter with a bad value: the page links to the same
    /// view with only its valid parameters.
    #[error("{message}")]
    BadParameter { message: String, valid_href: String },
    /// A search that does not parse: the page explains the language and
    /// keeps the text in a search box (aimed at `action`).
    #[error("Bad search: {message}.")]
    BadSearch {
        message: String,
        text: String,
        action: String,
    },
    /// Too much expensive work at once: try again in a moment.
    #[error("The server is busy: try again in a moment.")]
    Busy,
    /// Refused before reaching the archive: a host that is not the
    /// server's, or a request from the network without the key.
    #[error("{}", .0.text())]
    Refused(crate::site::pages::refused::Refusal),
    /// A template failed to render: a bug, logged, shown as a generic 500.
    #[error("the page could not be rendered")]
    Render(#[from] askama::Error),
    /// The store failed under the page: logged, shown as a generic 500.
    #[error("the archive's store could not be read; the details are in the server's log")]
    Unreadable(crate::model::Unreadable),
    /// A handler panicked: a bug, logged, shown as a generic 500.
    #[error("something went wrong while answering; the details are in the server's log")]
    Panic(String),
}

impl From<PageError> for AppError {
    fn from(error: PageError) -> Self {
        match error {
            PageError::NotFound(message) => AppError::NotFound(message),
            PageError::BadSearch {
                message,
                text,
                action,
            } => AppError::BadSearch {
                message,
                text,
                action,
            },
            PageError::Render(cause) => AppError::Render(cause),
            PageError::Unreadable(cause) => AppError::Unreadable(cause),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_)
            | AppError::BadParameter { .. }
            | AppError::BadSearch { .. } => StatusCode::BAD_REQUEST,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Refused(refusal) => {
                StatusCode::from_u16(refusal.code()).unwrap_or(StatusCode::FORBIDDEN)
            }
            AppError::Render(_) | AppError::Panic(_) | AppError::Unreadable(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The message shown to the reader; internal causes stay in the log.
    fn public_message(&self) -> String {
        match self {
            AppError::Render(cause) => tracing::error!(%cause, "rendering failed"),
            AppError::Panic(cause) => tracing::error!(%cause, "a handler panicked"),
            AppError::Unreadable(cause) => tracing::error!(%cause, "reading the store failed"),
            _ => {}
        }
        self.to_string()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let AppError::Refused(refusal) = &self {
            let reason = status.canonical_reason().unwrap_or("Refused");
            let page = RefusedPage::build(refusal, reason, &Links::SERVER);
            let mut response = match page.render() {
                Ok(html) => (status, Html(html)).into_response(),
                Err(_) => (status, refusal.text()).into_response(),
            };
            refused(&mut response, status);
            return response;
        }
        let message = self.public_message();
        let busy = matches!(self, AppError::Busy);
        let (valid_href, search) = match self {
            AppError::BadParameter { valid_href, .. } => (Some(valid_href), None),
            AppError::BadSearch { text, action, .. } => (None, Some((action, text))),
            _ => (None, None),
        };
        let failure = Failure {
            code: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("Error"),
            message,
            valid_href,
            search,
        };
        let page = ErrorPage::build(failure, &Links::SERVER);
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(cause) => {
                tracing::error!(%cause, "rendering the error page failed");
                (status, page.message().to_owned()).into_response()
            }
        };
        if busy {
            retry_soon(&mut response);
        }
        response
    }
}

/// `Retry-After: 1` and no caching: for a 503.
pub fn retry_soon(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("1"),
    );
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
}

/// No caching of a refusal, and for a 401 the challenge HTTP asks for (a
/// scheme of our own: browsers show no password box for it).
fn refused(response: &mut Response, status: StatusCode) {
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Key realm=\"threadview\""),
        );
    }
}

/// An [`AppError`] answered as `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

impl From<PageError> for ApiError {
    fn from(error: PageError) -> Self {
        ApiError(error.into())
    }
}

impl From<crate::model::Unreadable> for ApiError {
    fn from(error: crate::model::Unreadable) -> Self {
        ApiError(AppError::Unreadable(error))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let busy = matches!(self.0, AppError::Busy);
        let body = serde_json::json!({ "error": self.0.public_message() });
        let mut response = (status, Json(body)).into_response();
        if busy {
            retry_soon(&mut response);
        }
        if matches!(self.0, AppError::Refused(_)) {
            refused(&mut response, status);
        }
        response
    }
}
