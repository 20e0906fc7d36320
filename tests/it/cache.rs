//! Rendered pages are kept per archive version: the same bytes again, gzip
//! compressed once, 304 when unchanged, and nothing stale after a reload.

use std::io::Read;
use std::sync::Arc;

use threadview::load::load_dir;
use threadview::web::{AppState, app};

use super::{app_over, get, get_with, samples_dir};

#[tokio::test]
async fn a_page_is_served_again_with_its_etag_and_revalidated() {
    let app = app_over(&samples_dir());
    let first = get(&app, "/d/002_sourdough?sort=new").await;
    let second = get(&app, "/d/002_sourdough?sort=new").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body, second.body);
    let etag = second.headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers["etag"], etag.as_str());
    assert_eq!(second.headers["cache-control"], "no-cache");
    assert_eq!(second.headers["vary"], "accept-encoding");
    // Security headers are on cached pages too.
    assert!(second.headers.contains_key("content-security-policy"));

    let revalidated = get_with(
        &app,
        "/d/002_sourdough?sort=new",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(revalidated.status, 304);
    assert!(revalidated.body.is_empty());
    let other = get_with(
        &app,
        "/d/002_sourdough?sort=old",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(other.status, 200);
}

#[tokio::test]
async fn gzip_is_compressed_once_and_decompresses_to_the_page() {
    let app = app_over(&samples_dir());
    let plain = get(&app, "/d/001_tolerant-parsers").await;
    let request = || async {
        use tower::ServiceExt;
        let request = axum::http::Request::get("/d/001_tolerant-parsers")
            .header("accept-encoding", "gzip, br;q=0.5")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let encoding = response.headers()["content-encoding"].clone();
        let etag = response.headers()["etag"].clone();
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        (encoding, etag, bytes)
    };
    let (encoding, etag, gz) = request().await;
    let (_, _, again) = request().await;
    assert_eq!(encoding, "gzip");
    assert_eq!(gz, again, "the same compressed bytes");
    assert!(etag.to_str().unwrap().ends_with("-gz\""));
    let mut html = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut html)
        .unwrap();
    assert_eq!(html, plain.body);
    assert!(gz.len() * 3 < html.len());
}

#[tokio::test]
async fn a_reload_drops_the_pages_of_the_old_archive() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Old title\n\nBody.\n").unwrap();
    let state = Arc::new(AppState::new(load_dir(dir.path()).unwrap().archive));
    let app = app(state.clone());
    assert!(get(&app, "/d/a").await.body.contains("Old title"));
    std::fs::write(dir.path().join("a.txt"), "New title\n\nBody.\n").unwrap();
    state.replace(load_dir(dir.path()).unwrap().archive);
    assert!(get(&app, "/d/a").await.body.contains("New title"));
}

#[tokio::test]
async fn the_health_check_answers() {
    let app = app_over(&samples_dir());
    let reply = get(&app, "/healthz").await;
    assert_eq!((reply.status.as_u16(), reply.body.as_str()), (200, "ok"));
}
