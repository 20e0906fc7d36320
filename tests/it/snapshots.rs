//! Snapshots (insta) of every kind of page, on our samples and two small
//! Reddit threads (one with every mark), and of a whole export of them: a change to any page is a
//! diff to review (`cargo insta review`), never a surprise.

use std::path::{Path, PathBuf};

use axum::Router;
use threadview::export::{self, Options};

use super::export::html_files;
use super::{app_over, get, get_with, samples_dir};

/// Our samples and two threads in Reddit's formats, in a fresh folder.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).unwrap();
    for entry in std::fs::read_dir(samples_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, archive.join(path.file_name().unwrap())).unwrap();
    }
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    std::fs::copy(
        fixture.join("canal-boats.json"),
        archive.join("canal-boats.json"),
    )
    .unwrap();
    let marks = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reddit");
    std::fs::copy(
        marks.join("summer-timetable.json"),
        archive.join("summer-timetable.json"),
    )
    .unwrap();
    (dir, archive)
}

/// The first comment id on a page (`id="c-…"`).
fn first_comment(body: &str) -> String {
    let at = body.find("id=\"c-").expect("a comment on the page") + 6;
    body[at..at + body[at..].find('"').unwrap()].to_owned()
}

/// Every kind of page: each view of a discussion, a comment, the lists,
/// search, the diagnostics and the error pages.
const PAGES: &[(&str, &str)] = &[
    ("index", "/"),
    ("index_by_title", "/?sort=title"),
    ("thread", "/d/001_tolerant-parsers"),
    (
        "thread_newest_two_levels",
        "/d/001_tolerant-parsers?sort=new&depth=2",
    ),
    ("timeline", "/d/003_night-trains?view=timeline"),
    (
        "thread_by_author",
        "/d/003_night-trains?author=rail_and_rye",
    ),
    ("thread_search", "/d/003_night-trains?q=late"),
    ("odd_input", "/d/004_odd-input"),
    ("reddit_thread", "/d/canal-boats"),
    ("reddit_marks", "/d/summer-timetable"),
    ("reddit_marks_top", "/d/summer-timetable?sort=top"),
    ("reddit_address", "/r/canals/comments/cb77xy/restoring/"),
    ("community", "/r/ferries"),
    ("community_source", "/s/example.net"),
    ("community_missing", "/r/nowhere"),
    ("archive_timeline", "/timeline"),
    (
        "timeline_community_at",
        "/timeline?community=r/ferries&at=2024-05-01",
    ),
    ("period_year", "/2024"),
    ("period_month_community", "/r/ferries/2024/05"),
    ("period_empty_day", "/r/ferries/2024/05/03"),
    ("authors", "/authors"),
    ("authors_by_name", "/authors?sort=name"),
    ("author", "/authors/rail_and_rye"),
    ("author_excerpts", "/authors/rail_and_rye?view=excerpts"),
    ("by_name", "/by-name"),
    ("search", "/search?q=train"),
    ("search_empty", "/search"),
    ("search_bad", "/search?q=%22open"),
    ("diagnostics", "/diagnostics"),
    ("not_found", "/d/nothing-here"),
    ("bad_parameter", "/d/003_night-trains?sort=sideways"),
    ("bad_search_in_thread", "/d/003_night-trains?q=%22open"),
];

/// Snapshots without the assets' versions (hashes of their content), so
/// that a change to the script or the style is not a change to every
/// page; the versions are tested where they are made.
fn versionless() -> insta::internals::SettingsBindDropGuard {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\?v=[0-9a-f]{10}", "?v=[version]");
    settings.add_filter(
        r"\b(app|style|favicon)\.[0-9a-f]{10}\.(js|css|svg)\b",
        "$1.[version].$2",
    );
    settings.bind_to_scope()
}

async fn page(app: &Router, uri: &str) -> String {
    let reply = get(app, uri).await;
    format!("{} {uri}\n{}", reply.status.as_u16(), reply.body)
}

#[tokio::test]
async fn every_kind_of_page() {
    let _versionless = versionless();
    let names: std::collections::HashSet<&str> = PAGES.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names.len(),
        PAGES.len(),
        "each snapshot has a name of its own"
    );
    let (_dir, archive) = archive();
    let app = app_over(&archive);
    for (name, uri) in PAGES {
        insta::assert_snapshot!(format!("page_{name}"), page(&app, uri).await);
    }
    let thread = get(&app, "/d/003_night-trains").await.body;
    let comment = format!("/d/003_night-trains/c/{}", first_comment(&thread));
    insta::assert_snapshot!("page_comment", page(&app, &comment).await);
}

#[test]
fn an_export() {
    let _versionless = versionless();
    let (dir, archive) = archive();
    let out = dir.path().join("site");
    let options = Options::new(out.clone());
    let loaded = crate::load(&archive).unwrap().archive;
    export::export(loaded, &options, &|_, _| {}).unwrap();
    let pages = html_files(&out);
    let files: Vec<&str> = pages.keys().map(String::as_str).collect();
    insta::assert_snapshot!("export_files", files.join("\n"));
    for (file, html) in &pages {
        let name = file.replace(['/', '.'], "_");
        insta::assert_snapshot!(format!("export_{name}"), html);
    }
}

/// The pages that stand before the archive: a host it does not answer to,
/// a request from the network without its key (missing, wrong, from an
/// earlier start), and the page that takes a shared link's key.
#[tokio::test]
async fn the_pages_that_refuse_or_admit() {
    use std::sync::Arc;
    use threadview::web::access::{Access, KeyChoice};
    use threadview::web::{AppState, app};
    let _versionless = versionless();

    let local = app_over(&samples_dir());
    let reply = get_with(&local, "/", &[("host", "evil.example.com:3000")]).await;
    insta::assert_snapshot!(
        "page_refused_host",
        format!("{} evil.example.com\n{}", reply.status.as_u16(), reply.body)
    );

    // No peer address: another machine, to the check.
    let loaded = crate::load(&samples_dir()).unwrap();
    let access = Access::new(
        "127.0.0.1:3000".parse().unwrap(),
        Vec::new(),
        KeyChoice::Given("snapshot-key".into()),
    );
    let shared = app(Arc::new(AppState::new(loaded.archive).with_access(access)));
    type Headers<'a> = &'a [(&'a str, &'a str)];
    let cases: [(&str, &str, Headers); 4] = [
        ("page_refused_no_key", "/", &[]),
        ("page_refused_wrong_key", "/?key=guess", &[]),
        (
            "page_refused_stale_key",
            "/",
            &[("cookie", "threadview-key-3000=earlier")],
        ),
        (
            "page_admit",
            "/d/003_night-trains?sort=new&key=snapshot-key",
            &[("accept", "text/html")],
        ),
    ];
    for (name, uri, headers) in cases {
        let reply = get_with(&shared, uri, headers).await;
        insta::assert_snapshot!(
            name,
            format!("{} {uri}\n{}", reply.status.as_u16(), reply.body)
        );
    }
}

/// The page every address answers while the archive is first read.
#[tokio::test]
async fn the_page_while_the_archive_is_read() {
    use std::sync::Arc;
    use threadview::web::loading::Loading;
    use threadview::web::{AppState, app};
    let _versionless = versionless();
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d+:\d\d so far", "[elapsed] so far");
    let _elapsed = settings.bind_to_scope();
    let loading = Loading::new();
    loading.update(108_000_000, 203_147_301);
    let app = app(Arc::new(
        AppState::new(threadview::model::Archive::default()).with_loading(loading),
    ));
    insta::assert_snapshot!(
        "page_loading",
        page(&app, "/d/003_night-trains?sort=new").await
    );
}

/// The pages that show media (pictures from disk, a gallery, a spoiler's
/// gallery partly on disk, placeholders, a video, an embed, thumbnails),
/// over our media fixtures. A file's key names its place and time on
/// disk, so it is filtered out.
#[tokio::test]
async fn pages_with_media() {
    let _versionless = versionless();
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"/(media|thumbnails)/[0-9a-f]{16}\.", "/$1/[key].");
    let _keys = settings.bind_to_scope();
    let app = app_over(&super::media::media_dir());
    for (name, uri) in [
        ("media_index", "/"),
        (
            "media_gallery",
            "/d/tidewatch_Three%20boats%20in%20a%20row_g4llry",
        ),
        ("media_spoiler_gallery", "/d/r_ferries_harbour_lights"),
        (
            "media_video",
            "/d/deckhand_Docking%20in%20the%20wind_v1d30x",
        ),
        ("media_video_placeholder", "/d/vd5x7q"),
        ("media_embed", "/d/yt4kp2"),
    ] {
        insta::assert_snapshot!(format!("page_{name}"), page(&app, uri).await);
    }
}
