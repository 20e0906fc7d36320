//! Rendered pages are kept per archive version: the same bytes again, gzip
//! compressed once, 304 when unchanged, and nothing stale after a reload.

use std::io::Read;
use std::sync::Arc;

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

/// Regression: the cache kept a response's body and dropped its headers,
/// so a GET of a paged API list had no `Link` (a HEAD, which bypasses the
/// cache, had it), and the API and a page at the same path behind `/api`
/// must never share an entry.
#[tokio::test]
async fn every_header_a_handler_sets_survives_the_cache_and_a_304() {
    let app = app_over(&samples_dir());
    for uri in ["/api/discussions?limit=1", "/api/authors?limit=2"] {
        let first = get(&app, uri).await;
        let second = get(&app, uri).await;
        for reply in [&first, &second] {
            assert_eq!(reply.status, 200, "{uri}");
            let link = reply.headers["link"].to_str().unwrap();
            assert!(link.contains("rel=\"next\""), "{uri}: {link}");
            assert!(reply.content_type().starts_with("application/json"));
        }
        let etag = second.headers["etag"].to_str().unwrap().to_owned();
        let unchanged = get_with(&app, uri, &[("if-none-match", &etag)]).await;
        assert_eq!(unchanged.status, 304, "{uri}");
        assert_eq!(unchanged.headers["link"], first.headers["link"], "{uri}");
    }
    let page = get(&app, "/authors").await;
    let api = get(&app, "/api/authors").await;
    assert!(page.content_type().starts_with("text/html"));
    assert!(api.content_type().starts_with("application/json"));
    let page_again = get(&app, "/authors").await;
    assert!(page_again.content_type().starts_with("text/html"));
}

#[tokio::test]
async fn gzip_is_compressed_once_and_decompresses_to_the_page() {
    let app = app_over(&samples_dir());
    let plain = get(&app, "/d/001_tolerant-parsers").await;
    let request = || async {
        use tower::ServiceExt;
        let request = axum::http::Request::get("/d/001_tolerant-parsers")
            .header("host", "localhost")
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
    let state = Arc::new(AppState::new(crate::load(dir.path()).unwrap().archive));
    let app = app(state.clone());
    assert!(get(&app, "/d/a").await.body.contains("Old title"));
    std::fs::write(dir.path().join("a.txt"), "New title\n\nBody.\n").unwrap();
    state.replace(crate::load(dir.path()).unwrap().archive);
    assert!(get(&app, "/d/a").await.body.contains("New title"));
}

#[tokio::test]
async fn the_health_check_answers() {
    let app = app_over(&samples_dir());
    let reply = get(&app, "/healthz").await;
    assert_eq!((reply.status.as_u16(), reply.body.as_str()), (200, "ok"));
}

#[tokio::test]
async fn accept_encoding_is_negotiated_with_its_quality_values() {
    let app = app_over(&samples_dir());
    let page = "/d/001_tolerant-parsers";
    let plain = get(&app, page).await;
    for accept in [
        "gzip;q=0",
        "gzip; q=0.0, identity",
        "br",
        "br, deflate",
        "identity",
    ] {
        let reply = get_with(&app, page, &[("accept-encoding", accept)]).await;
        assert_eq!(reply.status, 200, "{accept}");
        assert!(
            !reply.headers.contains_key("content-encoding"),
            "{accept}: {:?}",
            reply.headers.get("content-encoding")
        );
        assert_eq!(reply.body, plain.body, "{accept}");
    }
    for accept in ["gzip", "br;q=1, gzip;q=0.5", "*", "deflate, gzip;q=0.1"] {
        let reply = get_with(&app, page, &[("accept-encoding", accept)]).await;
        assert_eq!(reply.headers["content-encoding"], "gzip", "{accept}");
        assert_eq!(reply.headers["vary"], "accept-encoding", "{accept}");
    }
    // Assets go through the same path.
    let css = get_with(&app, "/static/style.css", &[("accept-encoding", "gzip")]).await;
    assert_eq!(css.headers["content-encoding"], "gzip");
}

#[tokio::test]
async fn the_page_cache_keeps_to_its_budget_however_many_pages_are_visited() {
    let archive = crate::load(&samples_dir()).unwrap().archive;
    let budget = 256 << 10;
    let state = Arc::new(AppState::with_cache_budget(archive, budget));
    let app = app(state.clone());
    // Searches are free text: every one is a new page.
    for n in 0..300 {
        let reply = get(&app, &format!("/search?q=the+{n}")).await;
        assert_eq!(reply.status, 200);
    }
    let held = state.cached_bytes();
    assert!(held > 0 && held <= budget, "{held} bytes held");
    // What is kept is still served, with its validator.
    let first = get(&app, "/search?q=the+299").await;
    assert!(first.headers.contains_key("etag"));
}
