//! `/static/{file}`: the compiled-in assets ([`crate::site::assets`]),
//! cached for good when the page linked their current version.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::error::AppError;
use super::query::{Params, Segments};
use crate::site::assets::Asset;
use crate::site::query::ViewQuery;

/// `?v=`, the version the page linked.
#[derive(Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    v: Option<String>,
}

impl ViewQuery for Version {
    const FIELDS: &'static [&'static str] = &["v"];
}

pub async fn serve(
    Segments(file): Segments<String>,
    Params(version): Params<Version>,
) -> Result<Response, AppError> {
    let asset = Asset::named(&file)
        .ok_or_else(|| AppError::NotFound(format!("There is no asset \"{file}\".")))?;
    // Only the current version may be cached for good.
    let cache = if version.v.as_deref() == Some(asset.version()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type()),
            (header::CACHE_CONTROL, cache),
        ],
        asset.content(),
    )
        .into_response())
}
