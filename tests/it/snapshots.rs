//! Snapshots (insta) of every kind of page, on our samples and a small
//! Reddit thread, and of a whole export of them: a change to any page is a
//! diff to review (`cargo insta review`), never a surprise.

use std::path::{Path, PathBuf};

use axum::Router;
use threadview::export::{self, Options};
use threadview::load::load_dir;

use super::export::html_files;
use super::{app_over, get, samples_dir};

/// Our samples and one thread in Reddit's JSON, in a fresh folder.
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
    ("reddit_thread", "/d/cb77xy"),
    ("authors", "/authors"),
    ("authors_by_name", "/authors?sort=name"),
    ("author", "/authors/rail_and_rye"),
    ("search", "/search?q=train"),
    ("search_empty", "/search"),
    ("search_bad", "/search?q=%22open"),
    ("diagnostics", "/diagnostics"),
    ("not_found", "/d/nothing-here"),
    ("bad_parameter", "/d/003_night-trains?sort=sideways"),
    ("bad_search_in_thread", "/d/003_night-trains?q=%22open"),
];

async fn page(app: &Router, uri: &str) -> String {
    let reply = get(app, uri).await;
    format!("{} {uri}\n{}", reply.status.as_u16(), reply.body)
}

#[tokio::test]
async fn every_kind_of_page() {
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
    let (dir, archive) = archive();
    let out = dir.path().join("site");
    let options = Options {
        out: out.clone(),
        discussions: Vec::new(),
        force: false,
        pagefind: None,
        bundle_comments: export::BUNDLE_COMMENTS,
    };
    let loaded = load_dir(&archive).unwrap().archive;
    export::export(loaded, &options, &|_, _| {}).unwrap();
    let pages = html_files(&out);
    let files: Vec<&str> = pages.keys().map(String::as_str).collect();
    insta::assert_snapshot!("export_files", files.join("\n"));
    for (file, html) in &pages {
        let name = file.replace(['/', '.'], "_");
        insta::assert_snapshot!(format!("export_{name}"), html);
    }
}
