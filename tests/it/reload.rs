//! Live reload: new, changed and deleted files are served within two
//! seconds; an unreadable file keeps its last good version; a request sees
//! one archive, never a mix.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use threadview::load::Loader;
use threadview::watch::{Watch, watch};
use threadview::web::{AppState, app};

use super::get;

/// The promise: a change is served within this long.
const WITHIN: Duration = Duration::from_secs(2);

fn doc(title: &str, comments: usize) -> String {
    let mut text =
        format!("{title}\n\nAuthored by reload.example and submitted by ann\n\nBody.\n\n");
    for i in 0..comments {
        text.push_str(&format!(
            "ann on May 1st, 2024 at 10:{i:02} UTC »\n\nComment {i}.\n\n"
        ));
    }
    text
}

/// Writes as careful tools do: a temporary file renamed into place.
fn write_atomically(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// The app over `dir`, reloading as it changes; its store's folder lives
/// as long as the watch.
async fn serve(dir: &Path) -> (Router, Arc<AppState>, (Watch, tempfile::TempDir)) {
    let store = tempfile::tempdir().unwrap();
    let mut loader = Loader::new(dir, crate::store_in(&store));
    let loaded = loader.load(&Default::default()).unwrap();
    let state = Arc::new(AppState::new(loaded.archive));
    let watch = watch(loader, state.clone()).unwrap();
    (app(state.clone()), state, (watch, store))
}

/// Waits (at most [`WITHIN`]) until `check` holds for the discussion list.
async fn eventually(app: &Router, what: &str, check: impl Fn(&serde_json::Value) -> bool) {
    let started = Instant::now();
    loop {
        let list = get(app, "/api/discussions").await.json();
        if check(&list) {
            return;
        }
        assert!(
            started.elapsed() < WITHIN,
            "{what} was not served within {WITHIN:?}: {list}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn count(list: &serde_json::Value, id: &str) -> Option<u64> {
    list.as_array()?
        .iter()
        .find(|d| d["id"] == id)
        .map(|d| d["comment_count"].as_u64().unwrap())
}

#[tokio::test]
async fn new_changed_deleted_and_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, doc("First", 2)).unwrap();
    let (app, _state, _watch) = serve(dir.path()).await;
    let first_id = get(&app, "/api/discussions/a").await.json()["comments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A new file.
    std::fs::write(dir.path().join("b.txt"), doc("Second", 1)).unwrap();
    eventually(&app, "a new file", |l| count(l, "b") == Some(1)).await;

    // A changed file: a comment added; the old permalink still works.
    std::fs::write(&a, doc("First", 3)).unwrap();
    eventually(&app, "a changed file", |l| count(l, "a") == Some(3)).await;
    assert_eq!(get(&app, &format!("/d/a/c/{first_id}")).await.status, 200);

    // A deleted file.
    std::fs::remove_file(dir.path().join("b.txt")).unwrap();
    eventually(&app, "a deleted file", |l| count(l, "b").is_none()).await;

    // An unreadable file (a link to nowhere) keeps its last good version.
    std::fs::remove_file(&a).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone"), &a).unwrap();
    let started = Instant::now();
    loop {
        let diagnostics = get(&app, "/api/diagnostics").await.json();
        if diagnostics.to_string().contains("showing the last version") {
            break;
        }
        assert!(started.elapsed() < WITHIN, "no diagnostic: {diagnostics}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        count(&get(&app, "/api/discussions").await.json(), "a"),
        Some(3)
    );
    assert_eq!(get(&app, &format!("/d/a/c/{first_id}")).await.status, 200);

    // And a file that comes back is read again.
    std::fs::remove_file(&a).unwrap();
    std::fs::write(&a, doc("First again", 4)).unwrap();
    eventually(&app, "a file that came back", |l| count(l, "a") == Some(4)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_sees_one_archive_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.txt");
    write_atomically(&path, &doc("Version with 1 comments", 1));
    let (app, _state, _watch) = serve(dir.path()).await;

    // A writer flips the file between versions whose title says how many
    // comments they have; readers check the page agrees with itself.
    let writer = tokio::task::spawn_blocking(move || {
        for round in 0..12 {
            let n = 1 + round % 5;
            write_atomically(&path, &doc(&format!("Version with {n} comments"), n));
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let mut seen = std::collections::HashSet::new();
    while !writer.is_finished() {
        let page = get(&app, "/d/x").await;
        assert_eq!(page.status, 200);
        let title = &page.body[page.body.find("<h1>Version with ").unwrap() + 17..];
        let n: usize = title[..title.find(' ').unwrap()].parse().unwrap();
        assert_eq!(
            page.body.matches("<li class=\"comment").count(),
            n,
            "title and comments disagree"
        );
        seen.insert(n);
    }
    writer.await.unwrap();
    assert!(seen.len() > 1, "the archive was reloaded while being read");
}

#[test]
fn a_held_archive_is_unchanged_by_a_swap() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), doc("Old", 1)).unwrap();
    let store = tempfile::tempdir().unwrap();
    let mut loader = Loader::new(dir.path(), crate::store_in(&store));
    let state = AppState::new(loader.load(&Default::default()).unwrap().archive);
    let held = state.archive();
    std::fs::write(dir.path().join("a.txt"), doc("New", 2)).unwrap();
    let reloaded = loader.load(&Default::default()).unwrap();
    assert_eq!(reloaded.files_read, 1);
    state.replace(reloaded.archive);
    assert_eq!(held.get("a").unwrap().unwrap().title, "Old");
    assert_eq!(state.archive().get("a").unwrap().unwrap().title, "New");
    // An unchanged file is not read again.
    assert_eq!(loader.load(&Default::default()).unwrap().files_read, 0);
}

/// Reddit's formats reload like text documents: a thread file dropped in,
/// a dump line appended, a dump deleted.
#[tokio::test]
async fn thread_files_and_dumps_reload_too() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let dir = tempfile::tempdir().unwrap();
    let (app, _state, _watch) = serve(dir.path()).await;

    let thread = std::fs::read_to_string(fixtures.join("canal-boats.json")).unwrap();
    write_atomically(&dir.path().join("canal-boats.json"), &thread);
    eventually(&app, "a bdfr file", |l| count(l, "canal-boats") == Some(4)).await;

    let comments = dir.path().join("RC_2023-11.jsonl");
    let line = |id: &str, parent: &str| {
        format!(
            r#"{{"id":"{id}","author":"a","body":"b","created_utc":1700000000,"link_id":"t3_tf9","parent_id":"{parent}"}}"#
        ) + "\n"
    };
    std::fs::write(&comments, line("x1", "t3_tf9")).unwrap();
    eventually(&app, "a new dump", |l| count(l, "tf9") == Some(1)).await;
    let mut more = line("x1", "t3_tf9");
    more += &line("x2", "t1_x1");
    write_atomically(&comments, &more);
    eventually(&app, "a grown dump", |l| count(l, "tf9") == Some(2)).await;
    let api = get(&app, "/api/discussions/tf9").await.json();
    assert_eq!(api["comments"][1]["parent"], "x1");

    std::fs::remove_file(&comments).unwrap();
    eventually(&app, "a deleted dump", |l| count(l, "tf9").is_none()).await;
    assert_eq!(
        count(&get(&app, "/api/discussions").await.json(), "canal-boats"),
        Some(4)
    );
}

/// bdfr's layout: a thread in a subfolder made while serving is served,
/// and its picture once downloaded into `media/`, both within two seconds.
#[tokio::test]
async fn a_new_subfolder_and_a_downloaded_picture_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _state, _watch) = serve(dir.path()).await;
    let fixtures = crate::media::media_dir().join("ferries");
    let stem = "harbourfan_Morning fog over the pier_q7k2m";
    let sub = dir.path().join("ferries");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(fixtures.join(format!("{stem}.json")), sub.join("tmp.part")).unwrap();
    std::fs::rename(sub.join("tmp.part"), sub.join(format!("{stem}.json"))).unwrap();
    eventually(&app, "a thread in a new subfolder", |list| {
        list.as_array().unwrap().len() == 1
    })
    .await;
    let api = "/api/discussions/harbourfan_Morning%20fog%20over%20the%20pier_q7k2m";
    assert!(
        get(&app, api).await.json()["media"][0]
            .get("local")
            .is_none()
    );
    let media = dir.path().join("media");
    std::fs::create_dir(&media).unwrap();
    std::fs::copy(
        fixtures.join(format!("{stem}.jpg")),
        media.join("q7k2m.part"),
    )
    .unwrap();
    std::fs::rename(media.join("q7k2m.part"), media.join("q7k2m.jpg")).unwrap();
    let started = Instant::now();
    loop {
        let local = get(&app, api).await.json()["media"][0]["local"].clone();
        if let Some(local) = local.as_str() {
            assert_eq!(get(&app, local).await.status, axum::http::StatusCode::OK);
            break;
        }
        assert!(
            started.elapsed() < WITHIN,
            "the picture was not served within {WITHIN:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
