//! Communities: each discussion's subreddit or source, the pages that list
//! a community's discussions, the index that leads with them, the search
//! filter and the API.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use scraper::{Html, Selector};

use threadview::load::load_dir;
use threadview::search::index::Location;
use threadview::web::{AppState, app};

use super::{app_over, get, samples_dir};

/// Our samples, the Reddit fixtures and a dump pair of another subreddit:
/// several communities of both kinds.
fn mixed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = [
        samples_dir(),
        root.join("tests/fixtures/reddit"),
        root.join("tests/fixtures/formats"),
    ];
    for source in sources {
        for entry in std::fs::read_dir(source).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e != "md") {
                std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

fn texts(html: &str, css: &str) -> Vec<String> {
    Html::parse_document(html)
        .select(&Selector::parse(css).unwrap())
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

#[tokio::test]
async fn the_index_leads_with_the_communities_and_each_has_its_page() {
    let dir = mixed();
    let app = app_over(dir.path());
    let index = get(&app, "/").await;
    let names = texts(&index.body, "section.communities tbody th");
    for name in [
        "r/ferries",
        "r/tinyfolk",
        "r/canals",
        "r/programming",
        "example.net",
    ] {
        assert!(names.contains(&name.to_owned()), "{name} in {names:?}");
    }
    assert!(index.body.contains("<a href=\"/r/ferries\">r/ferries</a>"));
    assert!(
        index
            .body
            .contains("<a href=\"/s/example.net\">example.net</a>")
    );
    // Every list names each discussion's community, linked.
    assert!(
        index
            .body
            .contains("<a class=\"community\" href=\"/r/ferries\">r/ferries</a>")
    );

    let ferries = get(&app, "/r/ferries?sort=top").await;
    assert_eq!(ferries.status, 200);
    assert_eq!(
        texts(&ferries.body, "ol.discussions a.title"),
        [
            "Summer timetable & night crossings",
            "Night crossings are back",
            "Harbour news: pier 3 closes"
        ]
    );
    assert_eq!(texts(&ferries.body, "h1"), ["r/ferries"]);
    assert!(
        ferries.body.contains("value=\"subreddit:ferries \""),
        "the search box starts within it"
    );
    let authors = texts(&ferries.body, "details.participants li a");
    assert!(authors.len() <= 10 && authors.contains(&"captain_ro".to_owned()));
    // A subreddit's name in any case; an unknown one is a 404.
    assert_eq!(get(&app, "/r/Ferries").await.status, 200);
    assert_eq!(get(&app, "/r/nowhere").await.status, 404);
    let source = get(&app, "/s/example.net").await;
    assert_eq!(source.status, 200);
    assert_eq!(texts(&source.body, "h1"), ["example.net"]);

    // An archive of one community names it.
    let one = get(
        &app_over(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reddit")),
        "/",
    )
    .await;
    assert!(texts(&one.body, "section.communities").is_empty());
    assert!(
        one.body
            .contains("<a class=\"community\" href=\"/r/ferries\">r/ferries</a>: 3 discussions")
    );
}

#[tokio::test]
async fn subreddit_and_source_keep_one_communitys_comments() {
    let dir = mixed();
    let check = |app: axum::Router| async move {
        let discussions = |q: &'static str| {
            let app = app.clone();
            async move {
                let reply = get(&app, &format!("/api/search?q={q}&limit=100")).await;
                assert_eq!(reply.status, 200, "{q}: {}", reply.body);
                let mut ids: Vec<String> = reply.json()["discussions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["id"].as_str().unwrap().to_owned())
                    .collect();
                ids.sort();
                ids.dedup();
                ids
            }
        };
        assert_eq!(
            discussions("pier%20subreddit:ferries").await,
            ["fy300", "harbour-news"]
        );
        assert_eq!(
            discussions("subreddit:FERRIES%20score:%3E100").await,
            ["summer-timetable"]
        );
        assert!(discussions("pier%20subreddit:tinyfolk").await.is_empty());
        let net = discussions("source:%22example.net%22").await;
        assert_eq!(net.len(), 1, "{net:?}");
    };
    check(app_over(dir.path())).await;
    let index = tempfile::tempdir().unwrap();
    let archive = load_dir(dir.path()).unwrap().archive;
    let state = Arc::new(
        AppState::new(archive).with_search_index(Location::Folder(index.path().to_owned())),
    );
    assert!(
        state
            .search_index()
            .unwrap()
            .wait_ready(Duration::from_secs(30))
    );
    check(app(state)).await;
}

#[tokio::test]
async fn the_api_lists_communities_and_their_discussions() {
    let dir = mixed();
    let app = app_over(dir.path());
    let list = get(&app, "/api/communities").await.json();
    let ferries = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "r/ferries")
        .expect("r/ferries");
    assert_eq!(ferries["discussion_count"], 3);
    assert_eq!(ferries["comment_count"], 19);
    assert_eq!(ferries["first_comment_at"], "2024-04-01T12:00:00Z");
    let counts: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["comment_count"].as_u64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most comments first"
    );

    let discussions = get(&app, "/api/communities/r/ferries?sort=top")
        .await
        .json();
    let ids: Vec<&str> = discussions
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["summer-timetable", "fy300", "harbour-news"]);
    assert!(
        discussions
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["community"] == "r/ferries")
    );
    assert_eq!(get(&app, "/api/communities/r/nowhere").await.status, 404);
    let source = get(&app, "/api/communities/example.net").await.json();
    assert_eq!(source.as_array().unwrap().len(), 1);
}
