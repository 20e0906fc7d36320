use std::sync::Arc;

use super::*;
use crate::model::{Names, RemovalKind};

/// A Reddit thread from our fixtures.
fn thread(json: &str) -> crate::model::Discussion {
    crate::formats::json::parse("thread.json", json.as_bytes())
        .discussion
        .expect("the fixture is a thread")
}

#[track_caller]
fn round_trip(d: &crate::model::Discussion) {
    let mut store = Store::in_memory().unwrap();
    let diagnostics = vec![crate::model::Diagnostic {
        file: "x".into(),
        line: Some(3),
        message: "odd".into(),
    }];
    let record = Record {
        path: "sub/x.json".to_owned(),
        kind: FileKind::Thread,
        fingerprint: Some(Fingerprint {
            size: 12,
            modified_ns: -5,
            hash: Some(u64::MAX),
        }),
        discussion: Made::New(d),
        diagnostics: &diagnostics,
    };
    store.write(std::slice::from_ref(&record), &[]).unwrap();
    let files = store.files().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, "sub/x.json");
    assert_eq!(files[0].fingerprint, record.fingerprint);
    let (read, read_diagnostics) = store.made_by(Some(&files[0]), &Names::default()).unwrap();
    assert_eq!(read, vec![d.clone()]);
    assert_eq!(read[0].fingerprint(), d.fingerprint());
    assert_eq!(read_diagnostics, diagnostics);
    // What the archive keeps of it without its comments: the same head,
    // with the whole's fingerprint.
    let heads = store.heads().unwrap();
    assert_eq!(heads.len(), 1);
    assert_eq!(heads[0].head, d.head());
    assert_eq!(heads[0].head.fingerprint(), d.fingerprint());
}

#[test]
fn reddit_threads_with_polls_flairs_and_media_read_back_equal() {
    let d = thread(include_str!(
        "../../tests/fixtures/reddit/summer-timetable.json"
    ));
    assert!(
        d.post().is_some_and(|p| p.poll.is_some()),
        "the fixture has a poll"
    );
    assert!((0..d.comments().len()).any(|i| d.flair(i).is_some()));
    round_trip(&d);
    let d = thread(include_str!(
        "../../tests/fixtures/media/r_ferries_harbour_lights.json"
    ));
    assert!(d.media().len() > 1, "the fixture has a gallery");
    assert!(
        d.all_comment_media().next().is_some(),
        "and a comment's picture"
    );
    round_trip(&d);
}

#[test]
fn marks_the_readers_could_make_read_back_equal() {
    use crate::model::{Comment, CommentId, Discussion, Distinguished, Edited, Marks};
    let at = chrono::DateTime::from_timestamp(1_700_000_000, 0);
    let comment = |i: u32, parent: u32, marks: Marks| Comment {
        id: CommentId::from_source(&format!("c{i}")),
        author: Arc::from(if i.is_multiple_of(2) { "ann" } else { "bo" }),
        posted_at: at,
        parent,
        depth_clock: Comment::depth_clock(
            u32::from(parent != Comment::NO_PARENT),
            crate::model::Clock::Seconds,
        ),
        body: format!("body {i}").into(),
        marks,
    };
    let none = Comment::NO_PARENT;
    let comments = vec![
        comment(
            0,
            none,
            Marks::default().with_score(-3).with_score_hidden(true),
        ),
        comment(
            1,
            0,
            Marks::default()
                .with_edited(Some(Edited::Unknown))
                .with_flair_label(Some(0)),
        ),
        comment(
            2,
            0,
            Marks::default()
                .with_removal(Some(RemovalKind::Reason(1)))
                .with_flair_label(Some(0)),
        ),
        comment(
            3,
            none,
            Marks::default()
                .with_distinguished(Some(Distinguished::Admin))
                .with_stickied(true)
                .with_controversial(true)
                .with_removal(Some(RemovalKind::AuthorLater)),
        ),
        comment(
            4,
            3,
            Marks::default()
                .with_edited(at.map(Edited::At))
                .with_removal(Some(RemovalKind::Author))
                .with_score(i64::MAX),
        ),
    ];
    // Labels numbered as every reader numbers them: in comment order, a
    // comment's flair before its removal reason.
    let d = Discussion::new(
        "t".into(),
        "T".into(),
        None,
        Some("ann".into()),
        String::new(),
        comments,
    )
    .with_labels(vec!["spam".into(), "Flair".into()])
    .with_unarchived([(None, 0), (Some(3), 7)]);
    assert_eq!(d.flair(1), Some("spam"));
    assert_eq!(d.removal(2), Some(crate::model::Removal::Reason("Flair")));
    round_trip(&d);
}

#[test]
fn text_documents_with_odd_times_read_back_equal() {
    let text = "Title\n\nby someone\n\nBody *here*.\n\nann on May 1st, 2024 at 10:00 UTC »\n\nx\n\n    bo on May 1, 2024 at 9:01 UTC »\n\n    y\n\nann on February 30th, 2024 at 10:02 UTC »\n\nz\n";
    let d = crate::parse::parse("t.txt", text).discussion.unwrap();
    assert!(
        d.comments()
            .iter()
            .any(|c| c.clock() == crate::model::Clock::Text)
    );
    round_trip(&d);
}

#[test]
fn a_store_that_cannot_be_made_is_kept_in_memory() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let (store, opened) = Store::open_or_memory(&file.join("archive.sqlite"), true).unwrap();
    assert_eq!(store.describe(), "memory");
    assert!(
        matches!(&opened, Opened::Rebuilt(why) if why.contains("in memory")),
        "{opened:?}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

/// The file `a.txt`, which made `d`.
fn a_txt(d: &crate::model::Discussion) -> Record<'_> {
    Record {
        path: "a.txt".to_owned(),
        kind: FileKind::Text,
        fingerprint: None,
        discussion: Made::New(d),
        diagnostics: &[],
    }
}

#[test]
fn a_file_written_again_sets_its_old_rows_aside_until_the_next_purge() {
    let parsed = |title: &str| {
        crate::parse::parse(
            "a.txt",
            &format!("{title}\n\nann on May 1st, 2024 at 10:00 UTC »\n\nhi\n"),
        )
        .discussion
        .unwrap()
    };
    let (old, new) = (parsed("Old"), parsed("New"));
    let mut store = Store::in_memory().unwrap();
    let (first, _) = store.write(&[a_txt(&old)], &[]).unwrap()[0].unwrap();
    let (second, _) = store.write(&[a_txt(&new)], &[]).unwrap()[0].unwrap();
    assert_ne!(first, second);
    // The old rows are still read by their key (an archive made before
    // may be making a page), but they are no discussion of a file's, and
    // their comments count for no author.
    let names = Names::default();
    assert_eq!(store.discussion(first, &names).unwrap().title, "Old");
    let heads = store.heads().unwrap();
    assert_eq!(heads.len(), 1);
    assert_eq!(heads[0].head.title, "New");
    assert_eq!(store.authors().unwrap()[0].comment_count, 1);
    store.purge().unwrap();
    assert!(store.discussion(first, &names).is_err());
    assert_eq!(store.discussion(second, &names).unwrap().title, "New");
    assert_eq!(store.authors().unwrap()[0].comment_count, 1);
}

/// Every row of the activity table: community, period, author, count.
fn activity(store: &Store) -> Vec<(String, i64, String, i64)> {
    store
        .conn
        .prepare(
            "SELECT communities.name, period, authors.name, comments FROM activity
             JOIN authors ON authors.id = activity.author
             JOIN communities ON communities.id = activity.community ORDER BY 1, 2, 3",
        )
        .unwrap()
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn the_activity_follows_what_is_written_hidden_and_shown_again() {
    use crate::model::Community;
    let parsed = |comments: &str| {
        crate::parse::parse("a.txt", &format!("A title\n\n{comments}"))
            .discussion
            .unwrap()
            .with_community(Some(Community::Subreddit("Sub".to_owned())))
    };
    let first = parsed(
        "ann on May 1st, 2024 at 10:00 UTC »\n\nhi\n\n\
         ann on May 2nd, 2024 at 10:00 UTC »\n\nagain\n\n\
         bob on June 2nd, 2024 at 10:00 UTC »\n\nlater\n",
    );
    let second = parsed("bob on June 2nd, 2024 at 10:00 UTC »\n\nlater\n");
    let rows = |rows: &[(&str, i64, &str, i64)]| -> Vec<(String, i64, String, i64)> {
        rows.iter()
            .map(|&(c, p, a, n)| (c.to_owned(), p, a.to_owned(), n))
            .collect()
    };
    let mut store = Store::in_memory().unwrap();
    store.write(&[a_txt(&first)], &[]).unwrap();
    let expected = [
        ("r/Sub", 0, "ann", 2),
        ("r/Sub", 0, "bob", 1),
        ("r/Sub", 202405, "ann", 2),
        ("r/Sub", 202406, "bob", 1),
    ];
    assert_eq!(activity(&store), rows(&expected));
    // A new version of the file: its old comments no longer count.
    let (key, _) = store.write(&[a_txt(&second)], &[]).unwrap()[0].unwrap();
    let expected = [("r/Sub", 0, "bob", 1), ("r/Sub", 202406, "bob", 1)];
    assert_eq!(activity(&store), rows(&expected));
    // Shadowed by another of the same name, and shown again.
    store.shadow(&[key]).unwrap();
    assert_eq!(activity(&store), rows(&[]));
    store.shadow(&[]).unwrap();
    assert_eq!(activity(&store), rows(&expected));
    // The file gone.
    store.write(&[], &["a.txt".to_owned()]).unwrap();
    assert_eq!(activity(&store), rows(&[]));
}
