//! Static assets, compiled into the binary so the program runs from any
//! directory. Pages link them with a content hash (`?v=`), so a browser may
//! cache them for good and still never shows a stale one after an upgrade.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::error::AppError;
use super::query::{Params, Segments, ViewQuery};
use super::url;

/// An asset: its name under `/static/`, content type and content.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    content: &'static str,
    /// A hash of the content, for cache busting.
    version: String,
}

fn asset(name: &'static str, content_type: &'static str, content: &'static str) -> Asset {
    let version =
        format!("{:016x}", xxhash_rust::xxh3::xxh3_64(content.as_bytes()))[..10].to_owned();
    Asset {
        name,
        content_type,
        content,
        version,
    }
}

static ASSETS: LazyLock<[Asset; 3]> = LazyLock::new(|| {
    [
        asset(
            "style.css",
            "text/css; charset=utf-8",
            include_str!("../../static/style.css"),
        ),
        asset(
            "app.js",
            "text/javascript; charset=utf-8",
            include_str!("../../static/app.js"),
        ),
        asset(
            "favicon.svg",
            "image/svg+xml",
            include_str!("../../static/favicon.svg"),
        ),
    ]
});

impl Asset {
    /// The file an export writes it to: its name with its version.
    fn file(&self) -> String {
        match self.name.rsplit_once('.') {
            Some((stem, extension)) => format!("assets/{stem}.{}.{extension}", self.version),
            None => format!("assets/{}.{}", self.name, self.version),
        }
    }
}

/// The URL of an asset, with its version; for templates. In an export, the
/// path of its file from the page being written.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => url::export_path(&a.file())
            .unwrap_or_else(|| format!("/static/{}?v={}", a.name, a.version)),
        None => format!("/static/{name}"),
    }
}

/// Every asset as an export writes it: its file (relative to the export's
/// root, with its version in its name) and content.
pub fn files() -> impl Iterator<Item = (String, &'static str)> {
    ASSETS.iter().map(|a| (a.file(), a.content))
}

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
    let asset = ASSETS
        .iter()
        .find(|a| a.name == file)
        .ok_or_else(|| AppError::NotFound(format!("There is no asset \"{file}\".")))?;
    // Only the current version may be cached for good.
    let cache = if version.v.as_deref() == Some(asset.version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
        ],
        asset.content,
    )
        .into_response())
}
