//! Addresses built to escape or confuse: traversal, encoded dots and
//! slashes, very long URLs, unknown parameters. Each is a 400 or 404 (or a
//! redirect to a clean address), never a file from outside the assets,
//! never a 500.

use super::{app_over, get, samples_dir};

#[tokio::test]
async fn traversal_and_odd_paths_are_refused() {
    let app = app_over(&samples_dir());
    let long = "a".repeat(20_000);
    let uris = [
        "/static/../Cargo.toml".to_owned(),
        "/static/..%2FCargo.toml".to_owned(),
        "/static/%2e%2e/%2e%2e/etc/passwd".to_owned(),
        "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd".to_owned(),
        "/static/style.css/..".to_owned(),
        "/static/.%2e/src/main.rs".to_owned(),
        "/d/../../etc/passwd".to_owned(),
        "/d/%2e%2e%2f%2e%2e%2fetc%2fpasswd".to_owned(),
        "/d/..%5C..%5Cwindows%5Cwin.ini".to_owned(),
        "/d/001_tolerant-parsers%2F..".to_owned(),
        "/d/001_tolerant-parsers.txt".to_owned(),
        "/d/001_tolerant-parsers/c/..".to_owned(),
        "/d/001_tolerant-parsers/c/%2e%2e%2f".to_owned(),
        "/d/001_tolerant-parsers/c/a/b".to_owned(),
        "/authors/%2e%2e".to_owned(),
        "/d/%FF%FE".to_owned(),
        "/authors/%C0%AF".to_owned(),
        "/d/%00".to_owned(),
        format!("/d/{long}"),
        format!("/authors/{long}"),
        format!("/search?q={long}"),
        format!("/d/001_tolerant-parsers?author={long}"),
        "/d/001_tolerant-parsers?sort=new&sort=old".to_owned(),
        "/authors?sort=name&page=2".to_owned(),
        "/authors?page=0".to_owned(),
        "/by-name?page=0".to_owned(),
        "/by-name?page=99".to_owned(),
        "/authors/kettlebell_kate?view=whole".to_owned(),
        "/authors/kettlebell_kate?view=excerpts&page=9".to_owned(),
        "/api/discussions?limit=0".to_owned(),
        "/api/discussions?limit=10&page=99".to_owned(),
        "/api/discussions/001_tolerant-parsers?format=xml".to_owned(),
        "/api/diagnostics?all=1".to_owned(),
    ];
    for uri in &uris {
        let reply = get(&app, uri).await;
        let shown = &uri[..uri.len().min(80)];
        assert!(
            reply.status == 400 || reply.status == 404,
            "{shown}: {}",
            reply.status
        );
        assert!(
            !reply.body.contains("[package]"),
            "{shown}: Cargo.toml leaked"
        );
        assert!(!reply.body.contains("root:"), "{shown}: /etc/passwd leaked");
        assert!(!reply.body.contains("fn main"), "{shown}: source leaked");
    }
    // Pages drop parameters they do not know with a redirect; the API
    // refuses them, naming the accepted ones.
    for (uri, to) in [
        ("/?utm_source=chat", "/"),
        ("/static/", "/static"),
        ("/diagnostics?x", "/diagnostics"),
        ("/by-name?sort=name", "/by-name"),
        (
            "/d/001_tolerant-parsers?sort=new&colour=blue",
            "/d/001_tolerant-parsers?sort=new",
        ),
        ("/static/style.css?v=1&x=2", "/static/style.css?v=1"),
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, 308, "{uri}");
        assert_eq!(reply.headers["location"], to, "{uri}");
    }
    let api = get(&app, "/api/discussions?utm_source=chat").await;
    assert_eq!(api.status, 400);
    let error = api.json()["error"].as_str().unwrap().to_owned();
    assert!(error.contains("unknown field `utm_source`"), "{error}");
    assert!(error.contains("`limit`, `sort`, `page`"), "{error}");
}

#[tokio::test]
async fn names_made_of_dots_and_slashes_round_trip() {
    let app =
        app_over(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad"));
    let page = get(&app, "/d/odd-names?view=timeline").await;
    assert!(page.body.contains("href=\"/authors/%2E%2E\""));
    assert!(page.body.contains("href=\"/authors/a%2Fb%3Fc%23d%25e\""));
    for uri in [
        "/authors/%2E%2E",
        "/authors/a%2Fb%3Fc%23d%25e",
        "/authors/%F0%9F%A6%80crab",
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, 200, "{uri}");
    }
    let dots = get(&app, "/d/extra.dots.in.name").await;
    assert_eq!(dots.status, 200);
    let spaces = get(&app, "/d/name%20with%20spaces").await;
    assert_eq!(spaces.status, 200);
}

#[tokio::test]
async fn a_top_level_comment_has_its_own_page() {
    let app = app_over(&samples_dir());
    let api = get(&app, "/api/discussions/002_sourdough").await.json();
    for c in api["comments"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let page = get(&app, &format!("/d/002_sourdough/c/{id}")).await;
        assert_eq!(page.status, 200, "{id}");
        assert_eq!(
            page.body.contains("In reply to"),
            !c["parent"].is_null(),
            "{id}"
        );
    }
}
