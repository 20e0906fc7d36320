//! The store: a restart reads it instead of the documents; a changed file
//! is read alone; and a store that was stopped halfway, deleted, cut short,
//! damaged or of another version is made again, never served.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use threadview::load::{Loaded, Loader, StoreState, load_dir};
use threadview::store::{Opened, Store, StoreError};

use super::samples_dir;

/// A folder of `n` small documents, `a000.txt`…
fn documents(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        std::fs::write(dir.path().join(format!("a{i:03}.txt")), document(i, 3)).unwrap();
    }
    dir
}

fn document(i: usize, comments: usize) -> String {
    let mut text = format!("Discussion {i}\n\nby someone\n\nThe article.\n\n");
    for c in 0..comments {
        let indent = if c % 2 == 1 { "    " } else { "" };
        text.push_str(&format!(
            "{indent}user{c} on May {}th, 2024 at 10:{c:02} UTC »\n\n{indent}Comment {c} of {i}.\n\n",
            4 + i % 20
        ));
    }
    text
}

/// Loads `dir` with the store at `path`; how the store was found.
fn load_with(dir: &Path, path: &Path) -> (Loaded, Opened) {
    let (store, opened) = Store::open(path, true).expect("the store opens");
    let loaded = Loader::new(dir, store).load(&Default::default()).unwrap();
    (loaded, opened)
}

/// What the documents make, parsed now.
#[track_caller]
fn assert_same_as_parsed(loaded: &Loaded, dir: &Path) {
    let parsed = load_dir(dir).unwrap().archive;
    assert_eq!(loaded.archive.discussions(), parsed.discussions());
    assert_eq!(loaded.archive.diagnostics, parsed.diagnostics);
}

#[test]
fn a_restart_reads_the_store_and_only_what_changed_is_read_again() {
    let dir = documents(20);
    let store = tempfile::tempdir().unwrap();
    let path = store.path().join("archive.sqlite");
    let (first, opened) = load_with(dir.path(), &path);
    assert_eq!(opened, Opened::Created);
    assert_eq!((first.files_read, first.files_parsed), (20, 20));

    let (again, opened) = load_with(dir.path(), &path);
    assert_eq!(opened, Opened::Kept);
    assert_eq!(again.store, StoreState::Restored { files: 20 });
    assert_eq!((again.files_read, again.files_parsed), (0, 0));
    assert_same_as_parsed(&again, dir.path());

    // One changed, one added, one deleted: two are parsed.
    std::fs::write(dir.path().join("a003.txt"), document(3, 5)).unwrap();
    std::fs::write(dir.path().join("b.txt"), document(99, 2)).unwrap();
    std::fs::remove_file(dir.path().join("a007.txt")).unwrap();
    let (changed, _) = load_with(dir.path(), &path);
    assert_eq!((changed.files_read, changed.files_parsed), (2, 2));
    assert_eq!(changed.archive.discussions().len(), 20);
    assert_eq!(
        changed
            .archive
            .get("a003")
            .unwrap()
            .unwrap()
            .comments()
            .len(),
        5
    );
    assert!(changed.archive.get("a007").unwrap().is_none());
    assert_same_as_parsed(&changed, dir.path());

    // And the store now holds the change: nothing is read after it.
    let (after, _) = load_with(dir.path(), &path);
    assert_eq!(after.files_read, 0);
    assert_same_as_parsed(&after, dir.path());
}

#[test]
fn a_file_touched_but_unchanged_is_read_but_not_parsed() {
    let dir = documents(3);
    let store = tempfile::tempdir().unwrap();
    let path = store.path().join("archive.sqlite");
    load_with(dir.path(), &path);
    let file = std::fs::File::options()
        .write(true)
        .open(dir.path().join("a001.txt"))
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + Duration::from_secs(60))
        .unwrap();
    let (loaded, _) = load_with(dir.path(), &path);
    assert_eq!((loaded.files_read, loaded.files_parsed), (1, 0));
    let (again, _) = load_with(dir.path(), &path);
    assert_eq!(again.files_read, 0, "the new time was kept");
    assert_same_as_parsed(&again, dir.path());
}

#[test]
fn dumps_are_kept_as_a_group_and_read_again_when_one_changes() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    for name in ["r_tinyfolk_posts.jsonl", "r_tinyfolk_comments.jsonl"] {
        std::fs::copy(fixtures.join(name), dir.path().join(name)).unwrap();
    }
    std::fs::write(dir.path().join("t.txt"), document(1, 2)).unwrap();
    let store = tempfile::tempdir().unwrap();
    let path = store.path().join("archive.sqlite");
    let (first, _) = load_with(dir.path(), &path);
    assert!(
        first.archive.discussions().len() > 1,
        "the dumps made threads"
    );
    let (again, _) = load_with(dir.path(), &path);
    assert_eq!(again.files_read, 0);
    assert_same_as_parsed(&again, dir.path());
    std::fs::remove_file(dir.path().join("r_tinyfolk_comments.jsonl")).unwrap();
    let (fewer, _) = load_with(dir.path(), &path);
    assert_eq!(fewer.files_read, 1, "the one dump left is read again");
    assert_same_as_parsed(&fewer, dir.path());
}

#[test]
fn a_store_deleted_while_stopped_is_made_again() {
    let dir = documents(5);
    let store = tempfile::tempdir().unwrap();
    let path = store.path().join("archive.sqlite");
    load_with(dir.path(), &path);
    std::fs::remove_file(&path).unwrap();
    let (loaded, opened) = load_with(dir.path(), &path);
    assert_eq!(opened, Opened::Created);
    assert_eq!(loaded.files_parsed, 5);
    assert_same_as_parsed(&loaded, dir.path());
    assert_eq!(load_with(dir.path(), &path).0.files_read, 0);
}

#[test]
fn a_store_cut_short_is_made_again() {
    let dir = documents(200);
    let store = tempfile::tempdir().unwrap();
    let path = store.path().join("archive.sqlite");
    load_with(dir.path(), &path);
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len > 64 << 10, "a store of some pages: {len}");
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_len(len / 2).unwrap();
    drop(file);
    let (loaded, opened) = load_with(dir.path(), &path);
    let Opened::Rebuilt(why) = opened else {
        panic!("{opened:?}")
    };
    assert!(why.contains("cut short"), "{why}");
    assert_eq!(loaded.files_parsed, 200);
    assert_same_as_parsed(&loaded, dir.path());
}

#[test]
fn a_damaged_store_is_found_out_while_reading_and_made_again() {
    let dir = documents(200);
    let store = tempfile::tempdir().unwrap();
    let path = store.path().join("archive.sqlite");
    load_with(dir.path(), &path);
    // Zeros over the second half, the length kept: the header is whole.
    let mut bytes = std::fs::read(&path).unwrap();
    let half = bytes.len() / 2;
    bytes[half..].fill(0);
    std::fs::write(&path, &bytes).unwrap();
    let (loaded, _) = load_with(dir.path(), &path);
    assert!(
        matches!(loaded.store, StoreState::Rebuilt(_)),
        "{:?}",
        loaded.store
    );
    assert_eq!(loaded.files_parsed, 200);
    assert_same_as_parsed(&loaded, dir.path());
    let (again, opened) = load_with(dir.path(), &path);
    assert_eq!(opened, Opened::Kept);
    assert_eq!(again.files_read, 0, "the store made again was kept");
}

#[test]
fn a_store_of_another_schema_version_is_made_again() {
    let dir = documents(5);
    let store = tempfile::tempdir().unwrap();
    let path = store.path().join("archive.sqlite");
    // Another version, and 0: what a first ingest stopped halfway leaves.
    for (version, said) in [
        (threadview::store::SCHEMA_VERSION + 1, "schema version"),
        (0, "stopped before the end"),
    ] {
        load_with(dir.path(), &path);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", version).unwrap();
        drop(conn);
        let (loaded, opened) = load_with(dir.path(), &path);
        let Opened::Rebuilt(why) = opened else {
            panic!("{opened:?}")
        };
        assert!(why.contains(said), "{why}");
        assert_eq!(loaded.files_parsed, 5);
        assert_same_as_parsed(&loaded, dir.path());
    }
}

#[test]
fn a_database_that_is_not_a_store_is_never_touched() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("mine.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE precious (x); INSERT INTO precious VALUES (1);")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path, false).unwrap_err();
    assert!(matches!(err, StoreError::NotOurs { .. }), "{err}");
    assert!(err.to_string().contains("not a threadview store"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Nor is a file that is no database at all.
    let notes = folder.path().join("notes.txt");
    std::fs::write(&notes, "my notes").unwrap();
    assert!(matches!(
        Store::open(&notes, false),
        Err(StoreError::NotOurs { .. })
    ));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes");
}

#[test]
fn an_ingest_stopped_halfway_is_finished_at_the_next_start() {
    // What a killed first ingest leaves: some files' batches written.
    let dir = documents(30);
    let store = tempfile::tempdir().unwrap();
    let path = store.path().join("archive.sqlite");
    let half = tempfile::tempdir().unwrap();
    for i in 0..15 {
        let name = format!("a{i:03}.txt");
        std::fs::copy(dir.path().join(&name), half.path().join(&name)).unwrap();
    }
    // The same files, under the same names: the store keeps paths
    // relative to the folder.
    load_with(half.path(), &path);
    for i in 0..15 {
        let name = format!("a{i:03}.txt");
        let modified = std::fs::metadata(half.path().join(&name))
            .unwrap()
            .modified()
            .unwrap();
        let file = std::fs::File::options()
            .write(true)
            .open(dir.path().join(&name))
            .unwrap();
        file.set_modified(modified).unwrap();
    }
    let (loaded, opened) = load_with(dir.path(), &path);
    assert_eq!(opened, Opened::Kept);
    assert_eq!(loaded.store, StoreState::Restored { files: 15 });
    assert_eq!((loaded.files_read, loaded.files_parsed), (15, 15));
    assert_same_as_parsed(&loaded, dir.path());
}

/// More files than a load reads one by one (the first is written
/// without the comments' indexes, which are made at its end, and counted
/// as it writes): documents of three sources, one a subreddit, over three
/// years, and one name twice (in a subfolder).
fn archive_of(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sources = ["self.Rust", "one.example", "two.example"];
    for i in 0..n {
        let mut text = format!(
            "Discussion {i}\n\nAuthored by {} and submitted by ann\n\nThe article.\n\n",
            sources[i % 3]
        );
        for c in 0..(i % 7) {
            let indent = if c % 2 == 1 { "    " } else { "" };
            text.push_str(&format!(
                "{indent}user{} on {} {}th, {} at 10:{c:02} UTC »\n\n{indent}Comment {c} of {i}.\n\n",
                (i * 7 + c) % 50,
                ["January", "May", "December"][(i + c) % 3],
                4 + i % 20,
                2022 + i % 3,
            ));
        }
        std::fs::write(dir.path().join(format!("d{i:04}.txt")), text).unwrap();
    }
    std::fs::create_dir(dir.path().join("again")).unwrap();
    std::fs::copy(
        dir.path().join("d0006.txt"),
        dir.path().join("again/d0006.txt"),
    )
    .unwrap();
    dir
}

#[test]
fn a_whole_archive_read_at_once_counts_what_the_files_say() {
    let _heavy = super::HEAVY.blocking_lock();
    // `load` checks the heads, the authors' counts and the activity the
    // store keeps against what the files say.
    let dir = archive_of(1_100);
    let loaded = crate::load(dir.path()).unwrap();
    assert_eq!(loaded.archive.discussions().len(), 1_100);
    assert_eq!(loaded.archive.shadowed().len(), 1);
    let communities: Vec<String> = loaded
        .archive
        .communities()
        .iter()
        .map(|c| c.community.name())
        .collect();
    assert_eq!(communities, ["r/Rust", "two.example", "one.example"]);
}

#[test]
fn a_killed_first_ingest_leaves_a_store_that_the_next_start_completes() {
    let _heavy = super::HEAVY.blocking_lock();
    let dir = archive_of(1_100);
    let store = tempfile::tempdir().unwrap();
    let path = store.path().join("archive.sqlite");
    let mut child = Command::new(env!("CARGO_BIN_EXE_threadview"))
        .args([dir.path().to_str().unwrap(), "--port", "0", "--no-index"])
        .args(["--store", path.to_str().unwrap()])
        .env("RUST_LOG", "threadview=info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed as soon as the store exists: before, during or after its
    // writes, the next start must serve exactly what the documents say.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !path.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let (store_opened, opened) = Store::open(&path, false).unwrap();
    assert!(
        matches!(opened, Opened::Kept | Opened::Rebuilt(_)),
        "{opened:?}"
    );
    let loaded = Loader::new(dir.path(), store_opened)
        .load(&Default::default())
        .unwrap();
    assert_same_as_parsed(&loaded, dir.path());
    assert_eq!(load_with(dir.path(), &path).0.files_read, 0);
}

#[test]
fn the_samples_restart_from_the_store_with_their_diagnostics() {
    let loaded = super::load(&samples_dir()).unwrap();
    assert!(
        !loaded.archive.diagnostics.is_empty(),
        "the samples have odd input"
    );
}

#[tokio::test]
async fn while_the_archive_is_read_every_page_says_how_far_and_none_is_kept() {
    use std::sync::Arc;
    use threadview::web::loading::Loading;
    use threadview::web::{AppState, app};
    let loading = Loading::new();
    loading.update(50, 200);
    let state = Arc::new(
        AppState::new(threadview::model::Archive::default()).with_loading(loading.clone()),
    );
    let app = app(state.clone());
    for uri in ["/", "/d/003_night-trains", "/authors?page=2", "/search?q=x"] {
        let reply = super::get(&app, uri).await;
        assert_eq!(reply.status.as_u16(), 503, "{uri}");
        assert_eq!(reply.headers["retry-after"], "2");
        assert_eq!(reply.headers["cache-control"], "no-store");
        assert!(reply.body.contains("(25%)"), "{}", reply.body);
        // A link to ask again for the very address asked for.
        let again = format!(r#"<a href="{}">"#, uri.replace('&', "&amp;"));
        assert!(reply.body.contains(&again), "{}", reply.body);
    }
    let api = super::get(&app, "/api/discussions").await;
    assert_eq!(api.status.as_u16(), 503);
    assert_eq!(api.json()["loading"]["total"], 200);
    let style = super::get(&app, "/static/style.css").await;
    assert_eq!(style.status.as_u16(), 200, "the page's own stylesheet");

    state.replace(load_dir(&samples_dir()).unwrap().archive);
    loading.finish();
    let index = super::get(&app, "/").await;
    assert_eq!(index.status.as_u16(), 200);
    assert!(
        index.body.contains("003_night-trains"),
        "the archive, not a kept page"
    );
}

/// The queries `docs/SCHEMA.md` gives, on a store another connection is
/// using, opened read-only as `sqlite3 -readonly` or Datasette would:
/// they answer what the archive says.
#[test]
fn the_schemas_example_queries_answer_what_the_archive_says() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reddit");
    let store = tempfile::tempdir().unwrap();
    let path = store.path().join("archive.sqlite");
    let (opened, _) = Store::open(&path, true).unwrap();
    let mut loader = Loader::new(fixtures.as_path(), opened);
    let archive = loader.load(&Default::default()).unwrap().archive;
    // The loader (the server's writer) keeps its connection open.
    let reader =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let schema = include_str!("../../docs/SCHEMA.md");
    let queries: Vec<&str> = schema
        .split("```sql\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .collect();
    assert_eq!(queries.len(), 3, "the three examples");

    // The most active authors, with their threads.
    let top: Vec<(String, i64, i64)> = reader
        .prepare(queries[0])
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!top.is_empty());
    for (name, comments, threads) in &top {
        let author = archive.author(name).unwrap();
        assert_eq!(*comments as usize, author.comment_count, "{name}");
        assert_eq!(*threads as usize, author.discussion_count, "{name}");
    }
    let most = archive.authors().iter().map(|a| a.comment_count).max();
    assert_eq!(top[0].1 as usize, most.unwrap());

    // Comments per month add up to every comment with a time.
    let months: Vec<(String, i64)> = reader
        .prepare(queries[1])
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let whole = archive.whole().unwrap();
    let timed = whole
        .iter()
        .flat_map(|d| d.comments())
        .filter(|c| c.posted_at.is_some())
        .count();
    assert_eq!(
        months.iter().map(|(_, n)| *n as usize).sum::<usize>(),
        timed
    );
    assert!(months.windows(2).all(|w| w[0].0 < w[1].0), "in order");

    // The highest-scored comments of a subreddit, best first.
    let subreddit = archive
        .discussions()
        .iter()
        .find_map(|d| d.subreddit().map(str::to_owned))
        .expect("a Reddit thread");
    let best = queries[2].replace("'AskHistorians'", &format!("'{subreddit}'"));
    let scores: Vec<i64> = reader
        .prepare(&best)
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!scores.is_empty());
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let highest = whole
        .iter()
        .filter(|d| d.subreddit() == Some(subreddit.as_str()))
        .flat_map(|d| d.comments())
        .filter_map(|c| c.marks.score())
        .max();
    assert_eq!(Some(scores[0] as i32), highest);
    drop(loader);
}
