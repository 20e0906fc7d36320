//! Query-string parameters, whose bad values become a 400 that says what is
//! accepted.

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::AppError;
use crate::search::Query as Search;
use crate::thread::SortOrder;

/// A query string deserialized into `T`. Query types deny unknown fields:
/// a misspelt parameter is a 400 naming the accepted ones, never silently
/// ignored (a shared link must show exactly what it says).
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| Params(value))
            .map_err(|rejection| {
                let text = rejection.body_text();
                let detail = text
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&text);
                AppError::BadRequest(format!(
                    "A parameter of this address is not accepted: {detail}."
                ))
            })
    }
}

/// Path segments deserialized into `T`; a segment that cannot be read (bad
/// percent-encoding) is a 400 page, like any bad parameter.
pub struct Segments<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Segments<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Segments(value))
            .map_err(|rejection| {
                AppError::BadRequest(format!(
                    "This address cannot be read: {}.",
                    rejection.body_text()
                ))
            })
    }
}

/// A route without parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

/// `/d/{id}` and its API twin.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadQuery {
    #[serde(default)]
    pub sort: SortOrder,
    /// Only this author's comments, as a flat list.
    pub author: Option<String>,
    #[serde(default)]
    pub view: ThreadLayout,
    /// Open the first N levels; deeper ones start collapsed.
    pub depth: Option<usize>,
    /// Only comments matching this search, with their parents as context.
    pub q: Option<String>,
}

impl ThreadQuery {
    /// The search, if one was given; an empty `q` is no search.
    pub fn search(&self) -> Result<Option<Search>, AppError> {
        search_query(self.q.as_deref())
    }
}

/// A `?q=` value: absent or blank is no search; a bad one is a 400.
pub fn search_query(q: Option<&str>) -> Result<Option<Search>, AppError> {
    match q.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Search::new(text)
            .map(Some)
            .map_err(|e| AppError::BadRequest(format!("Bad search: {e}."))),
    }
}

/// How a discussion's comments are laid out (`?view=`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThreadLayout {
    /// Nested by reply.
    #[default]
    Thread,
    /// Flat, in time order.
    Timeline,
}

/// `/authors/{name}`: newest or oldest first.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeOrder {
    #[default]
    New,
    Old,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorQuery {
    #[serde(default)]
    pub sort: TimeOrder,
}

/// How `/authors` orders authors.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorsSort {
    /// Most comments first.
    #[default]
    Count,
    Name,
    /// Most recently seen first.
    Last,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorsQuery {
    #[serde(default)]
    pub sort: AuthorsSort,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    pub q: Option<String>,
}

/// How the index orders discussions (`/?sort=`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexSort {
    /// Latest comment first.
    #[default]
    Activity,
    /// Most comments first.
    Comments,
    /// Alphabetical.
    Title,
}

impl IndexSort {
    pub const ALL: [IndexSort; 3] = [IndexSort::Activity, IndexSort::Comments, IndexSort::Title];

    pub fn as_str(self) -> &'static str {
        match self {
            IndexSort::Activity => "activity",
            IndexSort::Comments => "comments",
            IndexSort::Title => "title",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexQuery {
    #[serde(default)]
    pub sort: IndexSort,
}
