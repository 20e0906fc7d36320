//! Query strings read from a request into each view's query (the types
//! are the site's: [`crate::site::query`]).
//!
//! A page that gets parameters it does not know (`utm_source`, `fbclid`:
//! what chat apps add to shared links) redirects to the same view without
//! them; a known parameter with a bad value is a 400 page that links to the
//! valid view. The API is strict: any unknown parameter is a 400.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

use super::error::{ApiError, AppError};
use crate::site::query::ViewQuery;

/// Query parameters of a page: unknown ones redirect, bad values are a 400
/// page linking to the valid view.
pub struct Params<T>(pub T);

/// What a page's parameters can lead to instead of the page.
pub enum ParamsRejection {
    /// The same view without the parameters it does not know.
    Redirect(String),
    Error(AppError),
}

impl IntoResponse for ParamsRejection {
    fn into_response(self) -> Response {
        match self {
            ParamsRejection::Redirect(to) => Redirect::permanent(&to).into_response(),
            ParamsRejection::Error(error) => error.into_response(),
        }
    }
}

fn pairs(parts: &Parts) -> Vec<(String, String)> {
    form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// `path?name=value&…`, or `path` alone without pairs.
pub fn encode(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{path}?{query}")
}

fn decode<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T, String> {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    serde_urlencoded::from_str(&query).map_err(|e| e.to_string())
}

impl<T: ViewQuery, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ParamsRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let all = pairs(parts);
        let known: Vec<(String, String)> = all
            .iter()
            .filter(|(name, _)| T::FIELDS.contains(&name.as_str()))
            .cloned()
            .collect();
        if known.len() < all.len() {
            return Err(ParamsRejection::Redirect(encode(parts.uri.path(), &known)));
        }
        decode(&known).map(Params).map_err(|detail| {
            // The view with only the parameters that are valid on their own.
            let valid: Vec<(String, String)> = known
                .iter()
                .filter(|pair| decode::<T>(std::slice::from_ref(pair)).is_ok())
                .cloned()
                .collect();
            let valid = if decode::<T>(&valid).is_ok() {
                valid
            } else {
                Vec::new()
            };
            ParamsRejection::Error(AppError::BadParameter {
                message: format!("A parameter of this address is not accepted: {detail}."),
                valid_href: encode(parts.uri.path(), &valid),
            })
        })
    }
}

/// The most items an API list gives in one response.
pub const MAX_API_LIMIT: usize = 10_000;

/// Query parameters of an API list: the view's own plus `limit`. Any
/// unknown parameter or bad value is a 400 in JSON.
pub struct ApiParams<T> {
    pub query: T,
    /// How many items at most, when the request set it.
    pub limit: Option<usize>,
}

impl<T: ViewQuery, S: Send + Sync> FromRequestParts<S> for ApiParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let (limits, rest): (Vec<_>, Vec<_>) = pairs(parts)
            .into_iter()
            .partition(|(name, _)| name == "limit");
        let bad = |detail: String| {
            ApiError(AppError::BadRequest(format!(
                "A parameter of this address is not accepted: {detail}."
            )))
        };
        let limit = match limits.as_slice() {
            [] => None,
            [(_, value)] => Some(
                value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_API_LIMIT).contains(n))
                    .ok_or_else(|| {
                        bad(format!(
                            "`limit` must be a number from 1 to {MAX_API_LIMIT}"
                        ))
                    })?,
            ),
            _ => return Err(bad("`limit` is given twice".to_owned())),
        };
        if let Some((name, _)) = rest.iter().find(|(n, _)| !T::FIELDS.contains(&n.as_str())) {
            return Err(bad(format!(
                "unknown field `{name}`, expected one of `limit`, {}",
                T::FIELDS
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let query = decode(&rest).map_err(bad)?;
        Ok(ApiParams { query, limit })
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
