//! The search index and the query language: every form of query, every
//! script, ranking, dates, malformed queries, and the index's life: built
//! in the background, reused on restart, updated for a changed file only,
//! rebuilt when damaged.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use threadview::load::Loader;
use threadview::search::index::{Location, SearchIndex, Update};
use threadview::web::{AppState, app};

use super::{Reply, get};

const WAIT: Duration = Duration::from_secs(30);

/// Our own documents: several scripts, authors with odd names, dates.
const DOCS: &[(&str, &str)] = &[
    (
        "trains.txt",
        "Night trains across Europe\n\nAuthored by rail.example and submitted by ana\n\nThe sleeper is back.\n\n\
bob on March 3rd, 2023 at 10:00 UTC »\n\nA night train from Vienna to Paris: the café car was closed.\n\n\
carla on March 5th, 2023 at 11:00 UTC »\n\nTrains trains trains: I take the night trains whenever a train will do.\n\n\
Jane.Doe on August 2nd, 2023 at 09:30 UTC »\n\nThe sleeper car had a tiny sink.\n\n\
bob on September 1st, 2023 at 08:00 UTC »\n\nBooked the sleeper car again, no sink this time.\n",
    ),
    (
        "scripts.txt",
        "Words in many scripts\n\nAuthored by langs.example and submitted by dmitri\n\nA test of scripts.\n\n\
dmitri on May 1st, 2024 at 12:00 UTC »\n\nМосква — столица России.\n\n\
eleni on May 1st, 2024 at 12:05 UTC »\n\nΗ Αθήνα είναι όμορφη πόλη.\n\n\
farid on May 1st, 2024 at 12:10 UTC »\n\nمرحبا بالعالم من القاهرة\n\n\
mei on May 1st, 2024 at 12:15 UTC »\n\n我们在东京都庁前面见面。\n\n\
haruto on May 1st, 2024 at 12:20 UTC »\n\n日本語のテキストを検索します。\n",
    ),
];

fn write_docs(dir: &Path) {
    for (name, text) in DOCS {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// The app over `docs` with an index in `index`, built.
fn indexed(docs: &Path, index: &Path) -> (Router, Arc<AppState>, Loader) {
    // In a hidden folder of the documents' (which the loader leaves
    // out), so it lasts as long as they do.
    let store = docs.join(".store");
    std::fs::create_dir_all(&store).unwrap();
    let (store, _) = threadview::store::Store::open(&store.join("archive.sqlite"), true).unwrap();
    let mut loader = Loader::new(docs, store);
    let archive = loader.load(&Default::default()).unwrap().archive;
    let state =
        Arc::new(AppState::new(archive).with_search_index(Location::Folder(index.to_owned())));
    let search = state.search_index().unwrap();
    assert!(search.wait_ready(WAIT), "the index was built");
    (app(state.clone()), state, loader)
}

fn setup() -> (
    tempfile::TempDir,
    tempfile::TempDir,
    Router,
    Arc<AppState>,
    Loader,
) {
    let docs = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    write_docs(docs.path());
    let (router, state, loader) = indexed(docs.path(), index.path());
    (docs, index, router, state, loader)
}

/// The authors of the matching comments, in result order.
async fn authors(router: &Router, q: &str) -> Vec<String> {
    authors_sorted(router, q, "").await
}

/// [`authors`] with `extra` parameters (`&sort=new`).
async fn authors_sorted(router: &Router, q: &str, extra: &str) -> Vec<String> {
    let encoded: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let page = get(router, &format!("/search?q={encoded}{extra}")).await;
    assert_eq!(page.status, 200, "{q}: {}", page.body);
    let html = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse("li.hit .meta .author").unwrap();
    html.select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect()
}

async fn count(router: &Router, q: &str) -> usize {
    let encoded: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    get(router, &format!("/api/search?q={encoded}"))
        .await
        .json()["total"]
        .as_u64()
        .unwrap() as usize
}

#[tokio::test]
async fn every_query_form_finds_what_it_says() {
    let (_docs, _index, router, _state, _loader) = setup();
    // Words: all must occur, any case, English endings, accents optional.
    assert_eq!(
        count(&router, "NIGHT train").await,
        3,
        "two comments and the title"
    );
    assert_eq!(authors(&router, "cafe").await, ["bob"]);
    assert_eq!(authors(&router, "CAFÉ").await, ["bob"]);
    // Phrases: the words together.
    assert_eq!(authors(&router, "\"sleeper car\"").await.len(), 2);
    assert_eq!(count(&router, "\"car sleeper\"").await, 0);
    // Exclusions.
    assert_eq!(
        authors(&router, "\"sleeper car\" -again").await,
        ["Jane.Doe"]
    );
    assert_eq!(
        authors(&router, "sleeper -\"tiny sink\" -article").await,
        ["bob"]
    );
    // Authors: exact, quoted for symbols and spaces.
    assert_eq!(authors(&router, "author:bob").await.len(), 2);
    assert_eq!(
        authors(&router, "sink author:\"Jane.Doe\"").await,
        ["Jane.Doe"]
    );
    assert_eq!(authors(&router, "author:Jane.Doe").await, ["Jane.Doe"]);
    assert_eq!(count(&router, "author:BOB").await, 0, "exact");
    // Dates: after includes its day, before does not.
    assert_eq!(authors(&router, "sleeper after:2023-09-01").await, ["bob"]);
    assert_eq!(
        authors(&router, "sleeper before:2023-09-01").await,
        ["Jane.Doe"]
    );
    assert_eq!(
        count(&router, "after:2023-03-04 before:2023-08-03").await,
        2,
        "a filter alone"
    );
}

#[tokio::test]
async fn every_script_is_found() {
    let (_docs, _index, router, _state, _loader) = setup();
    for (q, who) in [
        ("москва", "dmitri"),
        ("МОСКВА", "dmitri"),
        ("αθηνα", "eleni"),
        ("Αθήνα", "eleni"),
        ("القاهرة", "farid"),
        // Chinese and Japanese without spaces: any two characters or more.
        ("东京", "mei"),
        ("京都", "mei"),
        ("东京都庁", "mei"),
        ("日本語", "haruto"),
        ("テキスト", "haruto"),
        ("検索", "haruto"),
    ] {
        assert_eq!(authors(&router, q).await, [who], "{q}");
    }
    let page = get(&router, "/search?q=%E4%BA%AC%E9%83%BD").await;
    assert!(
        page.body.contains("<mark>京都</mark>"),
        "marked in the excerpt"
    );
}

#[tokio::test]
async fn repeating_the_words_ranks_higher_and_sorts_by_time_on_request() {
    let (_docs, _index, router, _state, _loader) = setup();
    // carla says "trains" five times, bob once.
    assert_eq!(authors(&router, "train").await[..2], ["carla", "bob"]);
    assert_eq!(
        authors_sorted(&router, "train", "&sort=old").await,
        ["bob", "carla"]
    );
    let old = get(&router, "/search?q=sleeper&sort=old").await.body;
    let new = get(&router, "/search?q=sleeper&sort=new").await.body;
    let first = |body: &str| body.find("Jane.Doe").unwrap() < body.find(">bob<").unwrap();
    assert!(first(&old) && !first(&new));
    let api = get(&router, "/api/search?q=train").await.json();
    assert_eq!(api["total"], 3);
    assert_eq!(api["discussions"].as_array().unwrap().len(), 1);
    assert_eq!(api["discussions"][0]["title_match"], true);
}

/// Regression: `/api/search` once answered every match of 100 discussions
/// at once (4 MB for a common word). It pages by matches, as the search
/// page does, and links the next page.
#[tokio::test]
async fn the_search_api_is_paged_by_matches_with_links() {
    let (_docs, _index, router, _state, _loader) = setup();
    let mut seen = Vec::new();
    let mut next = Some("/api/search?q=train&limit=1".to_owned());
    while let Some(uri) = next.take() {
        let reply = get(&router, &uri).await;
        assert_eq!(reply.status, 200, "{uri}");
        let body = reply.json();
        assert_eq!(body["total"], 3, "every page says the total");
        let shown: usize = body["discussions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                d["comments"].as_array().unwrap().len()
                    + usize::from(d["title_match"] == true || d["body_match"] == true)
            })
            .sum();
        assert_eq!(shown, 1, "one match a page with limit=1: {body}");
        seen.push(body.to_string());
        next = reply.headers.get("link").and_then(|link| {
            let link = link.to_str().unwrap();
            link.split(", ")
                .find(|l| l.ends_with("rel=\"next\""))
                .map(|l| l[1..l.find('>').unwrap()].to_owned())
        });
        assert!(seen.len() <= 3, "no more pages than matches");
    }
    assert_eq!(seen.len(), 3);
    seen.dedup();
    assert_eq!(seen.len(), 3, "each page shows another match");
    let past = get(&router, "/api/search?q=train&limit=1&page=4").await;
    assert_eq!(past.status, 404);
    let default = get(&router, "/api/search?q=train").await;
    assert!(
        default.headers.get("link").is_none(),
        "one page holds all three"
    );
}

async fn assert_refused(router: &Router, path: &str, q: &str, says: &str) -> Reply {
    let encoded: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let reply = get(router, &format!("{path}?q={encoded}")).await;
    assert_eq!(reply.status, 400, "{q}");
    assert!(reply.body.contains(says), "{q}: {}", reply.body);
    let html = scraper::Html::parse_document(&reply.body);
    let input = scraper::Selector::parse("main input[name=q]").unwrap();
    let value = html.select(&input).next().expect("a search box");
    assert_eq!(
        value.value().attr("value"),
        Some(q),
        "the text stays in the box"
    );
    assert!(
        reply.body.contains("exact phrase"),
        "the syntax is explained"
    );
    reply
}

#[tokio::test]
async fn malformed_queries_are_explained_never_a_500() {
    let (_docs, _index, router, _state, _loader) = setup();
    for path in ["/search", "/d/trains"] {
        assert_refused(&router, path, "\"night train", "a quote is not closed").await;
        assert_refused(&router, path, "sink author:", "author: needs a name").await;
        assert_refused(
            &router,
            path,
            "after:2023-13-01",
            "after:2023-13-01 is not a date",
        )
        .await;
        assert_refused(&router, path, "before:yesterday", "is not a date").await;
        assert_refused(&router, path, "-night", "only left-out words").await;
    }
    let api = get(&router, "/api/search?q=%22open").await;
    assert_eq!(api.status, 400);
    assert!(api.json()["error"].as_str().unwrap().contains("quote"));
    // Odd but valid: punctuation only, a lone quote pair, a colon word.
    for q in ["+++", "\"\" train", "http://example.org", "author:\"\"x"] {
        let encoded: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let status = get(&router, &format!("/search?q={encoded}")).await.status;
        assert!(status == 200 || status == 400, "{q}: {status}");
    }
}

#[tokio::test]
async fn searching_inside_a_discussion_takes_the_same_language() {
    let (_docs, _index, router, _state, _loader) = setup();
    let page = get(&router, "/d/trains?q=sleeper+-again+author%3AJane.Doe").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("<li class=\"comment match\"").count(), 1);
    assert!(
        page.body.contains("tiny <mark>sink</mark>") || page.body.contains("<mark>sleeper</mark>")
    );
    let dated = get(&router, "/d/trains?q=after%3A2023-08-01").await;
    assert_eq!(dated.body.matches("<li class=\"comment match\"").count(), 2);
}

#[tokio::test]
async fn a_changed_file_is_reindexed_alone_and_a_restart_reuses_the_index() {
    let (docs, index, router, state, mut loader) = setup();
    let search = state.search_index().unwrap().clone();
    assert_eq!(
        search.last_written(),
        2 + 4 + 5,
        "two articles, nine comments"
    );
    assert_eq!(count(&router, "ferry").await, 0);

    // One file changes: only its documents are written again.
    let path = docs.path().join("trains.txt");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text += "\ngus on October 1st, 2023 at 10:00 UTC »\n\nI prefer the ferry.\n";
    std::fs::write(&path, text).unwrap();
    let archive = loader
        .load(&[path.clone()].into_iter().collect())
        .unwrap()
        .archive;
    state.replace(archive);
    assert!(search.wait_version(2, WAIT));
    assert_eq!(search.last_written(), 1 + 5, "the changed discussion only");
    assert_eq!(authors(&router, "ferry").await, ["gus"]);

    // A restart on the same archive opens the index without writing.
    drop((router, state, search));
    let (router, state, _loader) = indexed(docs.path(), index.path());
    assert_eq!(state.search_index().unwrap().last_written(), 0);
    assert_eq!(authors(&router, "ferry").await, ["gus"]);
    // A deleted file leaves the index at the next update.
    std::fs::remove_file(&path).unwrap();
    let archive = crate::load(docs.path()).unwrap().archive;
    state.replace(archive);
    assert!(state.search_index().unwrap().wait_version(2, WAIT));
    assert_eq!(count(&router, "ferry").await, 0);
}

#[tokio::test]
async fn a_damaged_or_unfinished_index_is_rebuilt_not_served() {
    let (docs, index, router, state, _loader) = setup();
    drop(router);
    drop(state);
    let all = 2 + 4 + 5;
    // Damage: flip bytes in every segment file.
    for entry in std::fs::read_dir(index.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "term" || e == "idx") {
            let mut bytes = std::fs::read(&path).unwrap();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0xff;
            std::fs::write(&path, bytes).unwrap();
        }
    }
    let (router, state, _loader) = indexed(docs.path(), index.path());
    assert_eq!(state.search_index().unwrap().last_written(), all, "rebuilt");
    assert_eq!(authors(&router, "cafe").await, ["bob"]);
    drop(router);
    drop(state);

    // A build killed before its manifest was written.
    std::fs::remove_file(index.path().join("threadview-manifest.json")).unwrap();
    let (router, state, _loader) = indexed(docs.path(), index.path());
    assert_eq!(state.search_index().unwrap().last_written(), all, "rebuilt");
    assert_eq!(authors(&router, "cafe").await, ["bob"]);
    drop(router);
    drop(state);

    // Garbage where the index was.
    for entry in std::fs::read_dir(index.path()).unwrap() {
        std::fs::write(entry.unwrap().path(), b"not an index").unwrap();
    }
    let (router, state, _loader) = indexed(docs.path(), index.path());
    assert_eq!(state.search_index().unwrap().last_written(), all, "rebuilt");
    assert_eq!(authors(&router, "москва").await, ["dmitri"]);
}

#[tokio::test]
async fn until_the_index_is_ready_the_scan_answers_and_says_so() {
    let docs = tempfile::tempdir().unwrap();
    write_docs(docs.path());
    let archive = crate::load(docs.path()).unwrap().archive;
    // An index never started: as if its build were under way.
    let pending = SearchIndex::new(Location::Memory);
    let state = Arc::new(AppState::new(archive).with_index(pending.clone()));
    let router = app(state.clone());
    let page = get(&router, "/search?q=sleeper").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("The search index is being built (0% done)")
    );
    assert_eq!(page.headers["cache-control"], "no-store", "not kept");
    assert_eq!(authors(&router, "sleeper").await.len(), 2);
    // Once built, the index answers, ranked.
    pending.start(Update {
        version: state.archive().version(),
        archive: state.archive().shared_archive(),
    });
    assert!(pending.wait_ready(WAIT));
    let page = get(&router, "/search?q=sleeper").await;
    assert!(!page.body.contains("being built"));
    assert!(page.body.contains("best first"));
}

#[tokio::test]
async fn an_unwritable_index_folder_falls_back_to_memory() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let (location, why) = Location::writable(file.path().join("index"));
    assert_eq!(location, Location::Memory);
    assert!(why.unwrap().contains("keeping it in memory"));
    let dir = tempfile::tempdir().unwrap();
    let (location, why) = Location::writable(dir.path().join("a/b"));
    assert_eq!(location, Location::Folder(dir.path().join("a/b")));
    assert!(why.is_none());
}

/// Past the limit on expensive work, requests get a prompt 503 with
/// Retry-After; cached pages are still served.
#[tokio::test]
async fn overload_answers_503_with_retry_after() {
    let (_docs, _index, router, state, _loader) = setup();
    let cached = get(&router, "/d/trains").await;
    assert_eq!(cached.status, 200);
    let limit = state.expensive().clone();
    let held = limit
        .clone()
        .try_acquire_many_owned(limit.available_permits() as u32)
        .unwrap();
    let busy = get(&router, "/search?q=sleeper").await;
    assert_eq!(busy.status, 503);
    assert_eq!(busy.headers["retry-after"], "1");
    let api = get(&router, "/api/search?q=sleeper").await;
    assert_eq!(api.status, 503);
    assert!(api.json()["error"].as_str().unwrap().contains("busy"));
    assert_eq!(
        get(&router, "/d/trains").await.status,
        200,
        "from the cache"
    );
    drop(held);
    assert_eq!(get(&router, "/search?q=sleeper").await.status, 200);
}

/// Many expensive requests at once: those past the limit get a prompt 503
/// with Retry-After, the others their page; nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_past_the_limit_gets_503s_and_nothing_else() {
    let docs = tempfile::tempdir().unwrap();
    // Enough text that a scan takes a while: 40 documents of 500 comments.
    for n in 0..40 {
        let mut text = format!("Document {n}\n\nBody.\n\n");
        for i in 0..500 {
            text += &format!(
                "{}\n\nComment {i} of document {n}, about word{} and other things entirely.\n\n",
                super::numbered_header("", &format!("user{}", i % 50), i),
                i % 97
            );
        }
        std::fs::write(docs.path().join(format!("{n:02}.txt")), text).unwrap();
    }
    let archive = crate::load(docs.path()).unwrap().archive;
    let state = Arc::new(AppState::new(archive).with_concurrency(2));
    let router = app(state);
    let requests: Vec<_> = (0..48)
        .map(|i| {
            let router = router.clone();
            tokio::spawn(async move {
                get(&router, &format!("/search?q=word{}+entirely", i % 97)).await
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for request in requests {
        let reply = request.await.unwrap();
        if reply.status == 503 {
            assert_eq!(reply.headers["retry-after"], "1");
        }
        *statuses.entry(reply.status.as_u16()).or_insert(0) += 1;
    }
    assert!(
        statuses.keys().all(|s| *s == 200 || *s == 503),
        "{statuses:?}"
    );
    assert!(statuses.get(&503).is_some_and(|n| *n > 0), "{statuses:?}");
    assert!(statuses.get(&200).is_some_and(|n| *n >= 2), "{statuses:?}");
}

#[tokio::test]
async fn a_second_server_on_the_same_folder_keeps_its_index_in_memory() {
    let (docs, index, router, _state, _loader) = setup();
    // The first still holds the folder's index.
    let (second, _state2, _loader2) = indexed(docs.path(), index.path());
    assert_eq!(authors(&second, "cafe").await, ["bob"]);
    assert_eq!(authors(&router, "cafe").await, ["bob"]);
}
