//! Query-string parameters, whose bad values become a 400 that says what is
//! accepted.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::AppError;
use crate::thread::SortOrder;

/// A query string deserialized into `T`.
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

/// `/d/{id}` and its API twin: `?sort=` and `?author=`.
#[derive(Debug, Default, Deserialize)]
pub struct ThreadQuery {
    #[serde(default)]
    pub sort: SortOrder,
    pub author: Option<String>,
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
pub struct IndexQuery {
    #[serde(default)]
    pub sort: IndexSort,
}
