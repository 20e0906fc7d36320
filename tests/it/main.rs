//! The integration tests: one binary, helpers shared here.

mod access;
mod bad_input;
mod binary;
mod browse;
mod browser;
mod cache;
mod communities;
mod corpus;
mod export;
mod formats;
mod hostile;
mod media;
mod paging;
mod paths;
mod reddit;
mod reload;
mod roundtrip;
mod routes;
mod search;
mod snapshots;
mod socket;
mod store;
mod tidy;
mod timeline;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use threadview::load::{Loaded, Loader, StoreState};
use threadview::store::{Opened, Store};
use threadview::web::{AppState, app};

/// Held by the tests that load the machine (a browser, the huge inputs) so
/// they run one at a time: the machine has two cores.
pub static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The `n`-th generated comment header of a day: `{indent}{author} on June
/// 2nd, 2024 at HH:MM UTC »`, the time walking through the day with `n`.
pub fn numbered_header(indent: &str, author: &str, n: usize) -> String {
    format!(
        "{indent}{author} on June 2nd, 2024 at {:02}:{:02} UTC »",
        n / 60 % 24,
        n % 60
    )
}

/// The project's own sample documents.
pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// `../shared/<sub>` when it exists; tests that need it skip otherwise,
/// and fail instead when `THREADVIEW_REQUIRE_SHARED=1` (as in CI).
pub fn shared_dir(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else if std::env::var("THREADVIEW_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!(
            "{} is absent and THREADVIEW_REQUIRE_SHARED=1 requires it",
            dir.display()
        );
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

/// This machine's address on the network (its first IPv4 address that is
/// not loopback), for the tests of what crosses it; they skip without one,
/// and fail instead when `THREADVIEW_REQUIRE_NETWORK=1` (as in CI).
pub fn network_address() -> Option<std::net::IpAddr> {
    let found = threadview::web::access::machine_addresses()
        .into_iter()
        .find(|ip| ip.is_ipv4() && !ip.is_loopback() && !ip.is_unspecified());
    if found.is_none() {
        if std::env::var("THREADVIEW_REQUIRE_NETWORK").as_deref() == Ok("1") {
            panic!("this machine has no address but loopback, and THREADVIEW_REQUIRE_NETWORK=1");
        }
        eprintln!("skipped: this machine has no address but loopback");
    }
    found
}

/// The documents of `dir` as the server serves them after a restart: read
/// into a store in a temporary folder, then read back from it with nothing
/// parsed again. The archive read back must be the one the files made.
pub fn load(dir: &Path) -> std::io::Result<Loaded> {
    let folder = tempfile::tempdir()?;
    let path = folder.path().join("archive.sqlite");
    let (store, opened) = Store::open(&path, true).expect("a new store opens");
    assert_eq!(opened, Opened::Created);
    let first = Loader::new(dir, store).load(&Default::default())?;
    let (store, opened) = Store::open(&path, true).expect("the store opens again");
    assert_eq!(opened, Opened::Kept);
    let again = Loader::new(dir, store).load(&Default::default())?;
    assert_eq!(again.files_parsed, 0, "nothing is parsed again");
    let restored = matches!(again.store, StoreState::Restored { .. });
    assert!(restored || first.files_read == 0, "{:?}", again.store);
    assert_eq!(
        again.archive.discussions(),
        first.archive.discussions(),
        "the store gives back the heads of what the files made"
    );
    // The first's heads are the parsed discussions' (with their
    // fingerprints, which hash all a page shows): each read back whole
    // from the store hashes the same.
    let whole = again.archive.whole().expect("the store reads back");
    for (read, parsed) in whole.iter().zip(first.archive.discussions()) {
        assert_eq!(read.fingerprint(), parsed.fingerprint(), "{}", parsed.id);
        assert_eq!(read.head(), **parsed, "{}", parsed.id);
    }
    // The authors' counts the store keeps are those of the discussions the
    // archive shows, counted now.
    let counted = threadview::model::Author::of(whole.iter().map(|d| &**d));
    assert_eq!(again.archive.authors(), &counted[..], "the authors' counts");
    assert_eq!(first.archive.authors(), &counted[..], "the authors' counts");
    assert_eq!(again.archive.diagnostics, first.archive.diagnostics);
    check_activity(&again.archive, &whole);
    Ok(again)
}

/// The activity the store keeps (who wrote how many comments in each
/// community, year and month) is that of the discussions the archive
/// shows, counted now.
fn check_activity(
    archive: &threadview::model::Archive,
    whole: &[Arc<threadview::model::Discussion>],
) {
    use chrono::Datelike;
    use std::collections::BTreeMap;
    use threadview::model::{Community, Counted, Span};
    type Scope = (Option<Community>, Span);
    let mut counted: BTreeMap<String, (Scope, BTreeMap<String, usize>)> = BTreeMap::new();
    for d in whole {
        for c in d.comments() {
            let mut spans = vec![Counted::All];
            if let Some(at) = c.posted_at {
                spans.push(Counted::Year(at.year()));
                spans.push(Counted::Month(at.year(), at.month()));
            }
            let scopes = std::iter::once(None).chain(d.community().map(|c| Some(c.clone())));
            for community in scopes {
                for &span in &spans {
                    let key = format!("{community:?} {span:?}");
                    let entry = counted.entry(key).or_insert_with(|| {
                        ((community.clone(), Span::Counted(span)), BTreeMap::new())
                    });
                    *entry.1.entry(c.author.to_string()).or_default() += 1;
                }
            }
        }
    }
    for (key, ((community, span), authors)) in counted {
        let mut expected: Vec<(String, usize)> = authors.into_iter().collect();
        expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let kept = archive
            .most_active(community.as_ref(), span, usize::MAX)
            .expect("the store reads back");
        assert_eq!(kept, expected, "the activity of {key}");
    }
}

/// A new store in `folder` (a test's temporary folder).
pub fn store_in(folder: &tempfile::TempDir) -> Store {
    let (store, _) =
        Store::open(&folder.path().join("archive.sqlite"), true).expect("a store opens");
    store
}

/// The whole app over the documents of `dir`, searching with an index
/// built in `index` (waited for).
pub fn app_indexed(dir: &Path, index: &Path) -> Router {
    let archive = load(dir).expect("the folder loads").archive;
    let state = Arc::new(AppState::new(archive).with_search_index(search_location(index)));
    assert!(
        state
            .search_index()
            .unwrap()
            .wait_ready(std::time::Duration::from_secs(30)),
        "the index is built"
    );
    app(state)
}

fn search_location(index: &Path) -> threadview::search::index::Location {
    threadview::search::index::Location::Folder(index.to_owned())
}

/// The whole app over the documents of `dir`.
pub fn app_over(dir: &Path) -> Router {
    let loaded = load(dir).expect("the folder loads");
    app(Arc::new(AppState::new(loaded.archive)))
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }

    pub fn content_type(&self) -> &str {
        self.headers["content-type"].to_str().unwrap()
    }

    /// Asserts that the body contains each of `needles`, in that order.
    #[track_caller]
    pub fn assert_in_order(&self, needles: &[&str]) {
        let mut from = 0;
        for needle in needles {
            match self.body[from..].find(needle) {
                Some(at) => from += at + needle.len(),
                None => panic!("{needle:?} is missing (or out of order) in:\n{}", self.body),
            }
        }
    }
}

/// The discussions `/api/search?q={q}` matches (a hundred at most), each
/// with its matching comments; the search must succeed.
pub async fn searched(app: &Router, q: &str) -> Vec<serde_json::Value> {
    let reply = get(app, &format!("/api/search?q={q}&limit=100")).await;
    assert_eq!(reply.status, StatusCode::OK, "{q}: {}", reply.body);
    reply.json()["discussions"].as_array().unwrap().clone()
}

/// Sends one GET request through the router, without a socket.
pub async fn get(app: &Router, uri: &str) -> Reply {
    get_with(app, uri, &[]).await
}

/// The same with `headers`; a request names the host `localhost` unless
/// `headers` give one (a browser always sends one).
pub async fn get_with(app: &Router, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::get(uri);
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        request = request.header("host", "localhost");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}
