//! Query strings: what each view accepts, read from a request and written
//! back into links ([`super::url::Url`]).
//!
//! A page that gets parameters it does not know (`utm_source`, `fbclid`:
//! what chat apps add to shared links) redirects to the same view without
//! them; a known parameter with a bad value is a 400 page that links to the
//! valid view. The API is strict: any unknown parameter is a 400.

use std::num::NonZeroUsize;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::error::{ApiError, AppError};
use crate::search::{Query as Search, ResultOrder};
use crate::thread::SortOrder;

/// The query string of one kind of view.
pub trait ViewQuery: DeserializeOwned + Serialize + Default {
    /// Every parameter the view knows.
    const FIELDS: &'static [&'static str];
}

/// Whether a field holds its default value (so links leave it out).
fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// A page number in a URL: 1 when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PageNumber(NonZeroUsize);

impl PageNumber {
    pub const FIRST: PageNumber = PageNumber(NonZeroUsize::MIN);

    pub fn new(page: usize) -> Self {
        NonZeroUsize::new(page).map_or(Self::FIRST, PageNumber)
    }

    pub fn get(self) -> usize {
        self.0.get()
    }
}

impl Default for PageNumber {
    fn default() -> Self {
        Self::FIRST
    }
}

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

/// A route without parameters.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

impl ViewQuery for NoQuery {
    const FIELDS: &'static [&'static str] = &[];
}

/// `/d/{id}` and its API twin.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub view: ThreadLayout,
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: SortOrder,
    /// Only this author's comments, as a flat list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Open the first N levels; deeper ones start collapsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    /// Only comments matching this search, with their parents as context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for ThreadQuery {
    const FIELDS: &'static [&'static str] = &["view", "sort", "author", "depth", "q", "page"];
}

impl ThreadQuery {
    /// The search, if one was given; an empty `q` is no search.
    pub fn search(&self) -> Result<Option<Search>, AppError> {
        search_query(self.q.as_deref())
    }

    /// The sort the view applies: a timeline in "original" order is oldest
    /// first.
    pub fn effective_sort(&self) -> SortOrder {
        match (self.view, self.sort) {
            (ThreadLayout::Timeline, SortOrder::Original) => SortOrder::Old,
            (_, sort) => sort,
        }
    }

    /// The discussion's default view in `layout`.
    pub fn layout(layout: ThreadLayout) -> Self {
        ThreadQuery {
            view: layout,
            ..ThreadQuery::default()
        }
    }
}

/// `/d/{id}/c/{comment_id}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommentQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: SortOrder,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for CommentQuery {
    const FIELDS: &'static [&'static str] = &["sort", "depth", "page"];
}

/// A `?q=` value: absent or blank is no search; a bad one is a 400.
pub fn search_query(q: Option<&str>) -> Result<Option<Search>, AppError> {
    match q.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Search::new(text)
            .map(Some)
            .map_err(|e| AppError::BadSearch {
                message: e.to_string(),
                text: text.to_owned(),
                action: "/search".to_owned(),
            }),
    }
}

/// How a discussion's comments are laid out (`?view=`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ThreadLayout {
    /// Nested by reply.
    #[default]
    Thread,
    /// Flat, in time order.
    Timeline,
}

/// `/authors/{name}`: newest or oldest first.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeOrder {
    #[default]
    New,
    Old,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: TimeOrder,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for AuthorQuery {
    const FIELDS: &'static [&'static str] = &["sort", "page"];
}

/// How `/authors` orders authors.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorsSort {
    /// Most comments first.
    #[default]
    Count,
    Name,
    /// Most recently seen first.
    Last,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorsQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: AuthorsSort,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for AuthorsQuery {
    const FIELDS: &'static [&'static str] = &["sort", "page"];
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Best match first, or newest or oldest.
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: ResultOrder,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for SearchQuery {
    const FIELDS: &'static [&'static str] = &["q", "sort", "page"];
}

/// How the index orders discussions (`/?sort=`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
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

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IndexQuery {
    #[serde(default, skip_serializing_if = "is_default")]
    pub sort: IndexSort,
    #[serde(default, skip_serializing_if = "is_default")]
    pub page: PageNumber,
}

impl ViewQuery for IndexQuery {
    const FIELDS: &'static [&'static str] = &["sort", "page"];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `FIELDS` names exactly what the type reads and writes.
    fn check_fields<T: ViewQuery + std::fmt::Debug>(full: &str) {
        let value: T = serde_urlencoded::from_str(full).expect("every field parses");
        let written = serde_urlencoded::to_string(&value).unwrap();
        let names: Vec<String> = form_urlencoded::parse(written.as_bytes())
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(names, T::FIELDS, "{value:?}");
    }

    #[test]
    fn fields_match_what_each_query_reads_and_writes() {
        check_fields::<ThreadQuery>("view=timeline&sort=new&author=a&depth=2&q=x&page=3");
        check_fields::<CommentQuery>("sort=old&depth=1&page=2");
        check_fields::<AuthorQuery>("sort=old&page=2");
        check_fields::<AuthorsQuery>("sort=name&page=2");
        check_fields::<SearchQuery>("q=x&sort=new&page=2");
        check_fields::<IndexQuery>("sort=title&page=2");
    }

    #[test]
    fn defaults_are_left_out_of_links() {
        let q: ThreadQuery = serde_urlencoded::from_str("sort=original&page=1").unwrap();
        assert_eq!(serde_urlencoded::to_string(&q).unwrap(), "");
        assert!(serde_urlencoded::from_str::<ThreadQuery>("page=0").is_err());
    }
}
