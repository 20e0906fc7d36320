//! Reddit's archive formats: our fixtures in each (tests/fixtures/formats),
//! the samples written out as each and read back, zstd dumps and reloads.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Timelike, Utc};
use serde_json::{Value, json};

use threadview::load::Loader;
use threadview::model::{Archive, Discussion};

use crate::{get, samples_dir};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

/// `(id, author, parent id, depth, body)` of each comment, in order.
fn tree(d: &Discussion) -> Vec<(String, String, Option<String>, usize, String)> {
    let comments = d.comments();
    comments
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                c.author.to_string(),
                c.parent().map(|p| comments[p].id.to_string()),
                c.depth(),
                c.body.to_string(),
            )
        })
        .collect()
}

fn at(seconds: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
}

fn diagnostics_of(archive: &Archive, file: &str) -> Vec<(Option<usize>, String)> {
    archive
        .diagnostics
        .iter()
        .filter(|d| d.file == file)
        .map(|d| (d.line, d.message.clone()))
        .collect()
}

#[test]
fn reddit_thread_json_keeps_nesting_ids_seconds_and_stubs() {
    let archive = crate::load(&fixtures()).unwrap().archive;
    let d = archive
        .get("lighthouse-keepers")
        .unwrap()
        .expect("named by its file");
    assert_eq!(d.title, "I kept a lighthouse for a winter & lived to tell");
    assert_eq!(d.source.as_deref(), Some("r/lighthouses"));
    assert_eq!(d.submitter.as_deref(), Some("keeper_wren"));
    assert!(d.body.starts_with("I spent a winter"), "{}", d.body);
    assert!(d.body.contains("anything & I will"), "{}", d.body);
    assert!(d.body.contains("\n> The lamp"), "a quote once unescaped");
    let ids: Vec<_> = tree(&d).into_iter().map(|c| (c.0, c.2, c.3)).collect();
    assert_eq!(
        ids,
        [
            ("c1aaaa1".to_owned(), None, 0),
            ("c1bbbb2".to_owned(), Some("c1aaaa1".to_owned()), 1),
            ("c1cccc3".to_owned(), Some("c1bbbb2".to_owned()), 2),
            ("c1ffff6".to_owned(), None, 0),
        ]
    );
    let c = &d.comments()[2];
    assert_eq!(&*c.author, "[deleted]");
    assert_eq!(c.posted_at, at(1_690_000_401), "to the second");
    assert_eq!(c.posted_at.unwrap().second(), 1_690_000_401 % 60);
    assert!(d.comments()[3].body.contains("3 < 4 months") && d.comments()[3].body.ends_with(">_<"));
    // The stubs: 4 under c1bbbb2, an uncounted one under c1ffff6, 7 at the
    // top level, none elsewhere.
    assert_eq!(d.unarchived(Some(1)), Some(4));
    assert_eq!(d.unarchived(Some(3)), Some(0));
    assert_eq!(d.unarchived(None), Some(7));
    assert_eq!(d.unarchived(Some(0)), None);
    assert!(diagnostics_of(&archive, "lighthouse-keepers.json").is_empty());
}

#[test]
fn bdfr_json_is_told_apart_by_its_shape() {
    let archive = crate::load(&fixtures()).unwrap().archive;
    let d = archive.get("canal-boats").unwrap().unwrap();
    assert_eq!(d.title, "Restoring a 1930s narrowboat: what I learned");
    assert_eq!(d.source.as_deref(), Some("canalhistory.example.org"));
    assert_eq!(
        d.body, "https://canalhistory.example.org/narrowboats/restoration",
        "a link post's body is its link"
    );
    let got = tree(&d);
    let authors: Vec<_> = got.iter().map(|c| c.1.as_str()).collect();
    assert_eq!(
        authors,
        ["towpath_tom", "lock_keeper_ann", "DELETED", "heron_h"]
    );
    let parents: Vec<_> = got.iter().map(|c| c.2.as_deref()).collect();
    assert_eq!(parents, [None, Some("j0aa001"), Some("j0aa002"), None]);
    assert!(got[0].4.contains("A Bolinder & its"), "{}", got[0].4);
    assert!(got[1].4.contains("flywheel, <usually>."), "{}", got[1].4);
    assert!(d.is_op("lock_keeper_ann"));
    assert_eq!(d.comments()[3].posted_at, at(1_672_617_600));
}

#[test]
fn dumps_rebuild_threads_from_link_and_parent_ids() {
    let archive = crate::load(&fixtures()).unwrap().archive;
    let d = archive.get("tf001").unwrap().expect("named by its post id");
    assert_eq!(d.title, "Show us your smallest houseplant");
    assert_eq!(d.source.as_deref(), Some("r/tinyfolk"));
    assert!(d.body.starts_with("Mine is a 2 cm & still"), "{}", d.body);
    // Each comment under its parent, siblings in file order; the orphan
    // (k5) at the top level after the others; the repeated k3 read once.
    let got: Vec<_> = tree(&d).into_iter().map(|c| (c.0, c.2, c.3)).collect();
    let want = [
        ("k1", None, 0),
        ("k2", Some("k1"), 1),
        ("k4", Some("k2"), 2),
        ("k6", Some("k1"), 1),
        ("k3", None, 0),
        ("k5", None, 0),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(id, p, depth)| (id.to_string(), p.map(str::to_owned), *depth))
        .collect();
    assert_eq!(got, want);
    let times: Vec<_> = d.comments().iter().map(|c| c.posted_at).collect();
    assert_eq!(times[1], at(1_700_000_122), "a string timestamp");
    assert_eq!(times[2], at(1_700_000_244), "a string with a fraction");
    assert_eq!(&*d.comments()[4].author, "[deleted]");
    assert_eq!(
        &*d.comments()[2].body,
        "Once a year, a flower <3 mm across."
    );

    let link = archive.get("tf002").unwrap().unwrap();
    assert_eq!(link.source.as_deref(), Some("minibooks.example.com"));
    assert_eq!(link.body, "https://minibooks.example.com/museum");
    let untitled = archive.get("tfzzz").unwrap().unwrap();
    assert!(untitled.title.contains("not in the archive"));
    assert_eq!(untitled.comments().len(), 1);
}

#[test]
fn every_kind_of_bad_line_is_reported_with_its_line() {
    let archive = crate::load(&fixtures()).unwrap().archive;
    let comments = diagnostics_of(&archive, "r_tinyfolk_comments.jsonl");
    let expect = [
        (6, "replies to comment kgone, which is not in the archive"),
        (10, "a comment without body"),
        (11, "a field of the wrong type"),
        (12, "neither a submission"),
        (13, "names no submission"),
        (14, "broken JSON"),
        (15, "comment k3 appears again"),
        (16, "a field of the wrong type"),
        (17, "not a JSON object"),
    ];
    for (line, message) in expect {
        assert!(
            comments
                .iter()
                .any(|(l, m)| *l == Some(line) && m.contains(message)),
            "line {line}: {message:?} in {comments:#?}"
        );
    }
    assert_eq!(comments.len(), expect.len() + 1, "{comments:#?}");
    let lines: Vec<_> = comments.iter().filter_map(|(line, _)| *line).collect();
    assert!(lines.is_sorted(), "by line: {lines:?}");
    let posts = diagnostics_of(&archive, "r_tinyfolk_posts.jsonl");
    assert_eq!(posts.len(), 2, "{posts:#?}");
    assert_eq!(posts[0].0, Some(3));
    assert!(posts[0].1.contains("broken JSON"));
    assert_eq!(posts[1].0, Some(4));
    assert!(posts[1].1.contains("without an id"));
    assert!(
        archive
            .diagnostics
            .iter()
            .any(|d| d.file == "r_tinyfolk_comments.jsonl"
                && d.message
                    .contains("1 thread has comments here but no submission")),
        "{:#?}",
        archive.diagnostics
    );
    // Nothing after a bad line was lost: five threads, 16 comments.
    assert_eq!(archive.discussions().len(), 5);
    assert_eq!(archive.comment_count(), 16);
}

#[tokio::test]
async fn pages_show_stubs_seconds_and_the_sources_ids() {
    let router = crate::app_over(&fixtures());
    let page = get(&router, "/d/lighthouse-keepers").await;
    assert_eq!(page.status, 200);
    for text in [
        "<li class=\"unarchived\">4 more replies were not archived</li>",
        "<p class=\"unarchived\">More replies were not archived</p>",
        "<li class=\"unarchived\">7 more replies were not archived</li>",
        "July 22nd, 2023 at 04:28:45 UTC",
        "id=\"c-c1aaaa1\"",
    ] {
        assert!(page.body.contains(text), "{text:?} missing");
    }
    // The top-level stub comes after the last top-level comment.
    let last = page.body.find("id=\"c-c1ffff6\"").unwrap();
    assert!(page.body.find("7 more replies").unwrap() > last);
    // Reddit's permalink shape: /d/{post}/c/{comment id}.
    let comment = get(&router, "/d/lighthouse-keepers/c/c1bbbb2").await;
    assert_eq!(comment.status, 200);
    assert!(comment.body.contains("4 more replies were not archived"));
    assert!(!comment.body.contains("7 more replies"), "not the thread's");
    // In a search, lists are partial: no stubs.
    let search = get(&router, "/d/lighthouse-keepers?q=soot").await;
    assert!(!search.body.contains("were not archived"));
    // A text document's times stay to the minute.
    let dump = get(&router, "/d/tf001").await;
    assert!(dump.body.contains("November 14th, 2023 at 22:15:22 UTC"));

    let api = get(&router, "/api/discussions/lighthouse-keepers")
        .await
        .json();
    assert_eq!(api["unarchived_replies"], 7);
    assert_eq!(api["comments"][1]["id"], "c1bbbb2");
    assert_eq!(api["comments"][1]["unarchived_replies"], 4);
    assert_eq!(api["comments"][1]["posted_at"], "2023-07-22T04:31:47Z");
    assert!(api["comments"][0].get("unarchived_replies").is_none());
}

/// `bytes` compressed with zstd; `window_log` sets the frame's window.
fn zstd(bytes: &[u8], window_log: Option<u32>) -> Vec<u8> {
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    if let Some(log) = window_log {
        encoder.include_contentsize(false).unwrap();
        encoder.long_distance_matching(true).unwrap();
        encoder.window_log(log).unwrap();
    }
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn dump_only_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["r_tinyfolk_posts.jsonl", "r_tinyfolk_comments.jsonl"] {
        std::fs::copy(fixtures().join(name), dir.path().join(name)).unwrap();
    }
    dir
}

#[test]
fn zstd_dumps_read_like_plain_ones_even_with_a_large_window() {
    let plain = crate::load(dump_only_folder().path()).unwrap().archive;
    let dir = tempfile::tempdir().unwrap();
    let posts = std::fs::read(fixtures().join("r_tinyfolk_posts.jsonl")).unwrap();
    let comments = std::fs::read(fixtures().join("r_tinyfolk_comments.jsonl")).unwrap();
    std::fs::write(dir.path().join("RS_2023-11.zst"), zstd(&posts, None)).unwrap();
    // A 256 MiB window: more than zstd decodes by default (128 MiB).
    std::fs::write(
        dir.path().join("RC_2023-11.jsonl.zst"),
        zstd(&comments, Some(28)),
    )
    .unwrap();
    let packed = crate::load(dir.path()).unwrap().archive;
    assert_eq!(packed.discussions().len(), plain.discussions().len());
    for (a, b) in packed.whole().unwrap().iter().zip(plain.whole().unwrap()) {
        assert_eq!(tree(a), tree(&b));
        assert_eq!(a.title, b.title);
    }
    assert!(
        !packed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("stopped reading")),
        "{:#?}",
        packed.diagnostics
    );
}

#[test]
fn a_truncated_zstd_dump_keeps_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let comments = std::fs::read(fixtures().join("r_tinyfolk_comments.jsonl")).unwrap();
    let packed = zstd(&comments, None);
    std::fs::write(
        dir.path().join("RC_cut.zst"),
        &packed[..packed.len() * 2 / 3],
    )
    .unwrap();
    let archive = crate::load(dir.path()).unwrap().archive;
    assert!(
        archive
            .diagnostics
            .iter()
            .any(|d| d.file == "RC_cut.zst" && d.message.contains("stopped reading")),
        "{:#?}",
        archive.diagnostics
    );
}

#[test]
fn a_changed_dump_is_read_again_and_threads_move_with_it() {
    let dir = dump_only_folder();
    std::fs::copy(
        fixtures().join("canal-boats.json"),
        dir.path().join("canal-boats.json"),
    )
    .unwrap();
    let store = tempfile::tempdir().unwrap();
    let mut loader = Loader::new(dir.path(), crate::store_in(&store));
    let first = loader.load(&HashSet::new()).unwrap();
    let again = loader.load(&HashSet::new()).unwrap();
    assert_eq!(again.files_read, 0, "nothing changed");
    let comments = dir.path().join("r_tinyfolk_comments.jsonl");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&comments)
        .unwrap();
    writeln!(
        file,
        r#"{{"id":"k7","author":"late","body":"a reply to k4","created_utc":1700009999,"link_id":"t3_tf001","parent_id":"t1_k4"}}"#
    )
    .unwrap();
    drop(file);
    let changed: HashSet<PathBuf> = [comments].into();
    let after = loader.load(&changed).unwrap();
    assert_eq!(after.files_read, 2, "the dumps are read as one group");
    let d = after.archive.get("tf001").unwrap().unwrap();
    let k7 = d.find("k7").expect("the new comment");
    assert_eq!(d.comments()[k7].depth(), 3);
    assert_eq!(
        d.comments()[d.comments()[k7].parent().unwrap()].id.as_str(),
        "k4"
    );
    // The thread file was not read again: it is the same discussion.
    let shared = |a: &Archive| {
        a.discussions()
            .iter()
            .find(|d| d.id == "canal-boats")
            .cloned()
            .unwrap()
    };
    assert!(Arc::ptr_eq(
        &shared(&first.archive),
        &shared(&after.archive)
    ));
}

// The round trip: every sample written out in each format by the helpers
// below (with their comments' own ids), then read back.

/// Reddit's escaping of text fields.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn seconds(d: &Discussion, i: usize) -> Option<i64> {
    d.comments()[i].posted_at.map(|t| t.timestamp())
}

fn post_fields(d: &Discussion, id: &str) -> serde_json::Map<String, Value> {
    let mut post = json!({
        "id": id,
        "name": format!("t3_{id}"),
        "title": escape(&d.title),
        "selftext": escape(&d.body),
        "created_utc": 1_700_000_000,
    });
    if let Some(author) = &d.submitter {
        post["author"] = json!(author);
    }
    if let Some(source) = &d.source {
        post["domain"] = json!(source);
    }
    match post {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

fn comment_fields(d: &Discussion, i: usize, post: &str) -> serde_json::Map<String, Value> {
    let c = &d.comments()[i];
    let parent = match c.parent() {
        Some(p) => format!("t1_{}", d.comments()[p].id),
        None => format!("t3_{post}"),
    };
    let mut comment = json!({
        "id": c.id.as_str(),
        "author": &*c.author,
        "body": escape(&c.body),
        "link_id": format!("t3_{post}"),
        "parent_id": parent,
        "score": 1,
    });
    if let Some(s) = seconds(d, i) {
        comment["created_utc"] = json!(s as f64);
    }
    match comment {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// A discussion as Reddit's thread JSON.
fn reddit_json(d: &Discussion) -> Value {
    fn listing(children: Vec<Value>) -> Value {
        json!({"kind": "Listing", "data": {"children": children}})
    }
    // Build each comment's replies after its own (deepest first).
    let n = d.comments().len();
    let mut things: Vec<Option<Value>> = vec![None; n];
    for i in (0..n).rev() {
        let mut data = comment_fields(d, i, &d.id);
        let replies: Vec<Value> = d
            .replies(i)
            .iter()
            .map(|&r| things[r as usize].take().unwrap())
            .collect();
        data.insert(
            "replies".to_owned(),
            if replies.is_empty() {
                json!("")
            } else {
                listing(replies)
            },
        );
        things[i] = Some(json!({"kind": "t1", "data": data}));
    }
    let roots = d
        .roots()
        .iter()
        .map(|&r| things[r].take().unwrap())
        .collect();
    json!([
        listing(vec![json!({"kind": "t3", "data": post_fields(d, &d.id)})]),
        listing(roots)
    ])
}

/// A discussion as bdfr's JSON.
fn bdfr_json(d: &Discussion) -> Value {
    let n = d.comments().len();
    let mut built: Vec<Option<Value>> = vec![None; n];
    for i in (0..n).rev() {
        let mut data = comment_fields(d, i, &d.id);
        data.remove("link_id");
        data.insert("submission".to_owned(), json!(d.id));
        let replies: Vec<Value> = d
            .replies(i)
            .iter()
            .map(|&r| built[r as usize].take().unwrap())
            .collect();
        data.insert("replies".to_owned(), json!(replies));
        built[i] = Some(Value::Object(data));
    }
    let mut post = post_fields(d, &d.id);
    post.remove("domain");
    // bdfr has no domain: a self post's link is its own page on Reddit.
    let url = match d.source.as_deref().map(|s| s.split_once("self.")) {
        Some(Some(("", sub))) => format!("https://www.reddit.com/r/{sub}/comments/{}/x/", d.id),
        Some(_) => bdfr_link(d).unwrap(),
        None => format!("https://www.reddit.com/comments/{}/x/", d.id),
    };
    post.insert("url".to_owned(), json!(url));
    post.insert(
        "comments".to_owned(),
        Value::Array(
            d.roots()
                .iter()
                .map(|&r| built[r].take().unwrap())
                .collect(),
        ),
    );
    Value::Object(post)
}

/// The link bdfr's helper gives a link post.
fn bdfr_link(d: &Discussion) -> Option<String> {
    let source = d.source.as_deref()?;
    (!source.starts_with("self.")).then(|| format!("https://{source}/article"))
}

/// The source a Reddit format gives back: the domain, or for a self post
/// (`self.<sub>`) the subreddit.
fn reddit_source(d: &Discussion) -> Option<String> {
    let source = d.source.as_deref()?;
    Some(match source.strip_prefix("self.") {
        Some(sub) => format!("r/{sub}"),
        None => source.to_owned(),
    })
}

/// The lines of a dump pair for a discussion whose post id is `post`: the
/// comments in the sample's order, or in time order as the real dumps are.
fn dump_lines(d: &Discussion, post: &str, time_order: bool) -> (String, String) {
    let submission = Value::Object(post_fields(d, post)).to_string();
    let mut order: Vec<usize> = (0..d.comments().len()).collect();
    if time_order {
        order.sort_by_key(|&i| seconds(d, i).unwrap_or(i64::MIN));
    }
    let comments = order
        .iter()
        .map(|&i| {
            let mut line = comment_fields(d, i, post);
            if let Some(Value::Number(s)) = line.get("created_utc").cloned() {
                // Some dumps write the time as a string.
                line.insert("created_utc".to_owned(), json!(s.to_string()));
            }
            Value::Object(line).to_string() + "\n"
        })
        .collect();
    (submission + "\n", comments)
}

/// A comment's author, time to the minute, parent's id, depth and body.
type Placed = (String, Option<i64>, Option<String>, usize, String);

/// Each comment by id, placed: the tree whatever the order of siblings.
fn by_id(d: &Discussion) -> std::collections::BTreeMap<String, Placed> {
    let comments = d.comments();
    comments
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                (
                    c.author.to_string(),
                    c.posted_at.map(|t| t.timestamp() / 60),
                    c.parent().map(|p| comments[p].id.to_string()),
                    c.depth(),
                    c.body.to_string(),
                ),
            )
        })
        .collect()
}

/// What must survive the trip: the article, and each comment's author,
/// time to the minute, place in the tree and body.
type Shape = (
    String,
    Option<String>,
    String,
    Vec<(String, Option<i64>, Option<usize>, usize, String)>,
);

fn shape(d: &Discussion) -> Shape {
    let comments = d
        .comments()
        .iter()
        .map(|c| {
            (
                c.author.to_string(),
                c.posted_at.map(|t| t.timestamp() / 60),
                c.parent(),
                c.depth(),
                c.body.to_string(),
            )
        })
        .collect();
    (
        d.title.clone(),
        d.submitter.clone(),
        d.body.clone(),
        comments,
    )
}

#[test]
fn the_samples_survive_a_round_trip_through_every_format() {
    let samples = crate::load(&samples_dir()).unwrap().archive;
    assert!(samples.discussions().len() >= 5);
    let json_dir = tempfile::tempdir().unwrap();
    let bdfr_dir = tempfile::tempdir().unwrap();
    let dump_dir = tempfile::tempdir().unwrap();
    let zst_dir = tempfile::tempdir().unwrap();
    let (mut posts, mut comments, mut timed) = (String::new(), String::new(), String::new());
    for (n, d) in samples.whole().unwrap().iter().enumerate() {
        let file = format!("{}.json", d.id);
        std::fs::write(json_dir.path().join(&file), reddit_json(d).to_string()).unwrap();
        std::fs::write(
            bdfr_dir.path().join(&file),
            serde_json::to_string_pretty(&bdfr_json(d)).unwrap(),
        )
        .unwrap();
        let (p, c) = dump_lines(d, &format!("rt{n}"), false);
        posts += &p;
        comments += &c;
        timed += &dump_lines(d, &format!("rt{n}"), true).1;
    }
    std::fs::write(dump_dir.path().join("r_samples_posts.jsonl"), &posts).unwrap();
    std::fs::write(dump_dir.path().join("r_samples_comments.ndjson"), &comments).unwrap();
    // The zstd pair is written in time order, as the real dumps are.
    std::fs::write(
        zst_dir.path().join("RS_samples.zst"),
        zstd(posts.as_bytes(), None),
    )
    .unwrap();
    std::fs::write(
        zst_dir.path().join("RC_samples.zst"),
        zstd(timed.as_bytes(), None),
    )
    .unwrap();

    let samples = samples.whole().unwrap();
    let samples: Vec<&Discussion> = samples.iter().map(|d| &**d).collect();
    for (format, dir) in [
        ("Reddit JSON", &json_dir),
        ("bdfr", &bdfr_dir),
        ("a dump", &dump_dir),
        ("a zstd dump", &zst_dir),
    ] {
        let loaded = crate::load(dir.path()).unwrap().archive;
        let whole = loaded.whole().unwrap();
        let mut got: Vec<&Discussion> = whole.iter().map(|d| &**d).collect();
        // Dumps name threads by post id (rt0, rt1, …): put them back in
        // the samples' order.
        got.sort_by_key(|d| {
            d.id.strip_prefix("rt")
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0)
        });
        if format == "Reddit JSON" || format == "bdfr" {
            let ids: Vec<&str> = got.iter().map(|d| d.id.as_str()).collect();
            let mut sample_ids: Vec<&str> = samples.iter().map(|d| d.id.as_str()).collect();
            sample_ids.sort();
            assert_eq!(ids, sample_ids, "{format}: named by file stem");
            got.sort_by_key(|d| samples.iter().position(|s| s.id == d.id));
        }
        assert_eq!(got.len(), samples.len(), "{format}");
        for (got, sample) in got.iter().zip(&samples) {
            let mut want = shape(sample);
            if format == "bdfr" && want.2.is_empty() {
                // A link post without text shows its link.
                want.2 = bdfr_link(sample).unwrap_or_default();
            }
            if format == "a zstd dump" {
                // In time order, siblings come in time order: the same
                // tree, with the same ids.
                assert_eq!(by_id(got), by_id(sample), "{format}: {}", sample.id);
                want.3.clear();
                let mut got = shape(got);
                got.3.clear();
                assert_eq!(got, want, "{format}: {}", sample.id);
            } else {
                assert_eq!(shape(got), want, "{format}: {}", sample.id);
            }
            assert_eq!(got.source, reddit_source(sample), "{format}: {}", sample.id);
        }
        // The only diagnostics are the samples' unknown times.
        for diagnostic in &loaded.diagnostics {
            assert!(
                diagnostic.message.contains("created_utc"),
                "{format}: {diagnostic}"
            );
        }
    }
}

#[test]
fn the_round_trip_keeps_the_comment_ids() {
    let samples = crate::load(&samples_dir()).unwrap().archive;
    let dir = tempfile::tempdir().unwrap();
    for d in samples.whole().unwrap() {
        std::fs::write(
            dir.path().join(format!("{}.json", d.id)),
            reddit_json(&d).to_string(),
        )
        .unwrap();
    }
    let loaded = crate::load(dir.path()).unwrap().archive;
    for d in samples.whole().unwrap() {
        let back = loaded.get(&d.id).unwrap().unwrap();
        let ids = |d: &Discussion| d.comments().iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids(&back), ids(&d));
    }
}

/// Some JSON files in the folder are no threads at all.
#[test]
fn json_that_is_no_thread_is_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("package.json", r#"{"name": "x", "version": "1.0.0"}"#),
        ("numbers.json", "[1, 2, 3]"),
        (
            "broken.json",
            r#"[{"kind": "Listing", "data": {"children": ["#,
        ),
        ("empty.json", ""),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let archive = crate::load(dir.path()).unwrap().archive;
    assert!(archive.discussions().is_empty());
    for (name, _) in files {
        let said = diagnostics_of(&archive, name);
        assert_eq!(said.len(), 1, "{name}: {said:?}");
        assert!(said[0].1.starts_with("skipped: "), "{name}: {said:?}");
    }
    assert!(
        diagnostics_of(&archive, "broken.json")[0]
            .1
            .contains("broken JSON")
    );
}

#[tokio::test]
async fn search_and_author_pages_span_every_format() {
    let router = crate::app_over(&fixtures());
    let found = get(&router, "/search?q=thimble").await;
    assert_eq!(found.status, 200);
    assert!(found.body.contains("/d/tf001"), "the dump's thread");
    assert!(
        found.body.contains("#c-k1"),
        "links to the comment by its own id"
    );
    let api = get(&router, "/api/search?q=flywheel").await.json();
    assert!(api.to_string().contains("\"canal-boats\""), "{api}");
    // moss_m commented in two dump threads.
    let author = get(&router, "/authors/moss_m").await;
    assert_eq!(author.status, 200);
    assert!(author.body.contains("Show us your smallest houseplant"));
    assert!(author.body.contains("A museum of miniature books"));
    let diagnostics = get(&router, "/diagnostics").await;
    assert!(diagnostics.body.contains("r_tinyfolk_comments.jsonl"));
    assert!(diagnostics.body.contains("neither a submission"));
}

/// A `more` stub's note stands where its list really ends, on whichever
/// page that is: never at a page's end where the list goes on.
#[tokio::test]
async fn stubs_show_on_the_page_where_their_list_ends() {
    let comment = |id: String, parent: String, replies: Value| {
        json!({"kind": "t1", "data": {
            "id": id, "author": "a", "body": "b", "created_utc": 1_700_000_000,
            "parent_id": parent, "replies": replies}})
    };
    let more = |parent: &str, count: u32| json!({"kind": "more", "data": {"count": count, "id": "m", "parent_id": parent, "children": ["m"]}});
    let mut replies: Vec<Value> = (0..300)
        .map(|i| comment(format!("r{i}"), "t1_top".to_owned(), json!("")))
        .collect();
    replies.push(more("t1_top", 9));
    let mut top = vec![comment(
        "top".to_owned(),
        "t3_big".to_owned(),
        json!({"kind": "Listing", "data": {"children": replies}}),
    )];
    top.extend((0..499).map(|i| comment(format!("t{i}"), "t3_big".to_owned(), json!(""))));
    top.push(more("t3_big", 20));
    let thread = json!([
        {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"id": "big", "title": "Big"}}]}},
        {"kind": "Listing", "data": {"children": top}},
    ]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.json"), thread.to_string()).unwrap();
    let router = crate::app_over(dir.path());
    let mut notes = Vec::new();
    for page in 1..=4 {
        let body = get(&router, &format!("/d/big?page={page}")).await.body;
        assert!(body.contains("class=\"comment"), "page {page} exists");
        for note in [
            "9 more replies were not archived",
            "20 more replies were not archived",
        ] {
            if body.contains(note) {
                notes.push((page, note));
            }
        }
    }
    assert_eq!(
        notes,
        [
            (2, "9 more replies were not archived"),
            (4, "20 more replies were not archived")
        ]
    );
    assert_eq!(get(&router, "/d/big?page=5").await.status, 404);
}
