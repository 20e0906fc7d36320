use std::io::Read;

use super::dump::Dumps;
use super::*;

#[test]
fn unescape_undoes_reddits_three_entities_once() {
    assert_eq!(unescape("a &amp; b &lt;c&gt;"), "a & b <c>");
    assert_eq!(unescape("&amp;lt; stays an entity"), "&lt; stays an entity");
    assert_eq!(
        unescape("&nbsp; & &#39; untouched"),
        "&nbsp; & &#39; untouched"
    );
    assert_eq!(unescape("trailing &"), "trailing &");
    assert!(matches!(unescape("no entity"), Cow::Borrowed(_)));
}

#[test]
fn timestamps_are_numbers_or_strings_to_the_second() {
    let read = |json: &str| serde_json::from_str::<Timestamp>(json).map(|t| t.0.timestamp());
    assert_eq!(read("1690000000").unwrap(), 1_690_000_000);
    assert_eq!(read("1690000000.9").unwrap(), 1_690_000_000);
    assert_eq!(read("\"1690000000\"").unwrap(), 1_690_000_000);
    assert_eq!(read("\" 1690000000.0 \"").unwrap(), 1_690_000_000);
    assert!(read("true").is_err());
    assert!(read("\"yesterday\"").is_err());
    assert!(read("1e300").is_err());
    assert!(read("-99999999999999999").is_err());
}

#[test]
fn source_ids_are_kept_and_odd_ones_hashed_the_same_way() {
    assert_eq!(CommentId::from_source("c364mzp").as_str(), "c364mzp");
    assert_eq!(CommentId::from_source("ABC_12-x").as_str(), "ABC_12-x");
    let long = CommentId::from_source("a-thirteen-ch");
    assert_ne!(long.as_str(), "a-thirteen-ch");
    assert_eq!(long, CommentId::from_source("a-thirteen-ch"));
    let odd = CommentId::from_source("a/b");
    assert!(odd.as_str().bytes().all(|b| b.is_ascii_alphanumeric()));
}

#[test]
fn a_post_maps_to_an_article() {
    let self_post = Post::from_reddit(PostFields {
        id: Some("p1"),
        title: Some("Fish &amp; chips"),
        author: Some("op"),
        selftext: Some("&gt; quoted"),
        url: Some("https://www.reddit.com/r/food/comments/p1/fish/"),
        domain: Some("self.food"),
        ..PostFields::default()
    });
    assert_eq!(self_post.title, "Fish & chips");
    assert_eq!(self_post.source.as_deref(), Some("r/food"));
    assert_eq!(self_post.body, "> quoted");
    assert_eq!(self_post.submitter.as_deref(), Some("op"));

    let link = Post::from_reddit(PostFields {
        id: Some("p2"),
        title: Some("A link"),
        selftext: Some(""),
        url: Some("https://www.Example.org:8080/a?b#c"),
        ..PostFields::default()
    });
    assert_eq!(link.source.as_deref(), Some("example.org"), "from the link");
    assert_eq!(link.body, "https://www.Example.org:8080/a?b#c");

    let bare = Post::from_reddit(PostFields {
        id: Some("p3"),
        permalink: Some("/r/AskHistorians/comments/p3/x/"),
        ..PostFields::default()
    });
    assert_eq!(bare.source.as_deref(), Some("r/AskHistorians"));
    assert_eq!(bare.body, "");
    assert_eq!(bare.submitter, None);
}

fn entry(id: &str, parent: Parent) -> Entry {
    Entry {
        id: CommentId::from_source(id),
        parent,
        author: "a".into(),
        posted_at: None,
        body: id.into(),
        marks: Default::default(),
        file: 0,
        line: 0,
        media_metadata: None,
    }
}

fn by(id: &str) -> Parent {
    Parent::Id(CommentId::from_source(id))
}

fn built(entries: Vec<Entry>, stubs: Vec<Stub>) -> (Discussion, Vec<Diagnostic>) {
    let mut report = Report::default();
    report.file("t.jsonl");
    let d = Thread {
        post: Post::default(),
        entries,
        stubs,
    }
    .build("t".to_owned(), &Default::default(), &mut report);
    (d, report.finish())
}

fn order(d: &Discussion) -> Vec<(String, usize)> {
    d.comments()
        .iter()
        .map(|c| (c.id.to_string(), c.depth()))
        .collect()
}

#[test]
fn a_thread_puts_replies_under_parents_that_come_later() {
    // File order: a reply before its parent (dumps are in time order, and
    // clocks are not always right).
    let (d, said) = built(
        vec![
            entry("r1", by("p")),
            entry("p", Parent::Post),
            entry("q", Parent::Post),
            entry("r2", by("p")),
            entry("rr", by("r1")),
        ],
        vec![],
    );
    let want = [("p", 0), ("r1", 1), ("rr", 2), ("r2", 1), ("q", 0)];
    let want: Vec<_> = want.iter().map(|(id, d)| (id.to_string(), *d)).collect();
    assert_eq!(order(&d), want);
    assert!(said.is_empty(), "{said:?}");
}

#[test]
fn orphans_loops_and_repeats_are_kept_and_reported() {
    let (d, said) = built(
        vec![
            entry("a", Parent::Post),
            entry("orphan", by("gone")),
            entry("x", by("y")),
            entry("y", by("x")),
            entry("a", Parent::Post),
            entry("under-a", by("a")),
            entry("self", by("self")),
        ],
        vec![],
    );
    let ids: Vec<String> = order(&d).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["a", "under-a", "orphan", "self", "x", "y"]);
    assert_eq!(d.comments()[d.find("y").unwrap()].depth(), 1);
    let messages: Vec<&str> = said.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("comment a appears again"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("replies to comment gone"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("comment x is in a loop"))
    );
    assert_eq!(said.len(), 3, "{messages:?}");
}

#[test]
fn stubs_attach_to_their_parents_and_add_up() {
    let (d, _) = built(
        vec![entry("a", Parent::Post), entry("b", Parent::Index(0))],
        vec![
            Stub {
                parent: Parent::Index(1),
                count: 2,
            },
            Stub {
                parent: Parent::Index(1),
                count: 3,
            },
            Stub {
                parent: Parent::Post,
                count: 0,
            },
            Stub {
                parent: by("nowhere"),
                count: 9,
            },
        ],
    );
    assert_eq!(d.unarchived(Some(1)), Some(5));
    assert_eq!(d.unarchived(None), Some(0));
    assert_eq!(d.unarchived(Some(0)), None);
}

#[test]
fn replies_nest_deeper_than_any_recursion_limit() {
    // bdfr nests each reply inside its parent: 20,000 levels, parsed on a
    // thread with a small stack, as the loader's are.
    let depth = 20_000;
    let mut json = String::from(r#"{"title": "deep", "comments": ["#);
    for i in 0..depth {
        json += &format!(
            r#"{{"id": "d{i}", "author": "a", "body": "b", "created_utc": 1, "replies": ["#
        );
    }
    for _ in 0..depth {
        json += "]}";
    }
    json += "]}";
    let parsed = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || json::parse("deep.json", json.as_bytes()))
        .unwrap()
        .join()
        .unwrap();
    let d = parsed.discussion.expect("parsed");
    assert_eq!(d.comments().len(), depth);
    assert_eq!(d.comments()[depth - 1].depth(), depth - 1);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
}

#[test]
fn a_reddit_comment_missing_fields_is_kept_with_placeholders() {
    let json = r#"[
        {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"id": "p", "title": "T"}}]}},
        {"kind": "Listing", "data": {"children": [
            {"kind": "t1", "data": {"id": "c1", "replies": {"kind": "Listing", "data": {"children": [
                {"kind": "t1", "data": {"id": "c2", "author": "x", "body": "hi", "created_utc": 5}}
            ]}}}},
            {"kind": "t5", "data": {}}
        ]}}
    ]"#;
    let parsed = json::parse("p.json", json.as_bytes());
    let d = parsed.discussion.unwrap();
    assert_eq!(order(&d), [("c1".to_owned(), 0), ("c2".to_owned(), 1)]);
    assert_eq!(&*d.comments()[0].author, "[unknown]");
    assert_eq!(d.comments()[0].posted_at, None);
    let messages: Vec<_> = parsed.diagnostics.iter().map(|d| &d.message).collect();
    assert!(messages[0].contains("comment c1 has no author, no body, no created_utc"));
    assert!(messages[1].contains("kind \"t5\""));
}

/// A reader that fails after `ok` bytes.
struct Failing<'a> {
    data: &'a [u8],
    ok: usize,
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.ok == 0 {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = buf.len().min(self.ok).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.ok -= n;
        Ok(n)
    }
}

#[test]
fn a_read_error_keeps_the_lines_before_it() {
    let line = |i: usize| {
        format!(
            r#"{{"id":"c{i}","author":"a","body":"b","created_utc":{i},"link_id":"t3_p","parent_id":"t3_p"}}"#
        ) + "\r\n"
    };
    let text: String = (0..10).map(line).collect();
    let ok = line(0).len() * 4 + 5;
    let reader = std::io::BufReader::with_capacity(
        16,
        Failing {
            data: text.as_bytes(),
            ok,
        },
    );
    let mut dumps = Dumps::default();
    dumps.read("RC_x.jsonl", reader);
    let (discussions, said) = dumps.finish();
    assert_eq!(discussions.len(), 1);
    assert_eq!(discussions[0].comments().len(), 4, "CRLF lines read whole");
    assert!(
        said.iter().any(|d| d.file == "RC_x.jsonl"
            && d.line == Some(5)
            && d.message
                .contains("stopped reading here: the disk went away")),
        "{said:?}"
    );
}

#[test]
fn bad_lines_past_twenty_are_counted_not_listed() {
    let text = "not json\n".repeat(25) + "\n\n";
    let mut dumps = Dumps::default();
    dumps.read("RC_bad.jsonl", text.as_bytes());
    let (discussions, said) = dumps.finish();
    assert!(discussions.is_empty());
    assert_eq!(said.len(), 21, "{said:?}");
    assert_eq!(said[19].line, Some(20));
    assert_eq!(said[20].message, "and 5 more problems like those above");
}

#[test]
fn an_overlong_line_is_skipped_and_the_next_read() {
    let mut text = String::from(r#"{"id":"c1","body":""#);
    let post = r#"{"id":"p","title":"T"}"#;
    text += &"x".repeat(17 << 20);
    text += "\"}\n";
    text += r#"{"id":"c2","author":"a","body":"b","created_utc":1,"link_id":"t3_p","parent_id":"t3_p"}"#;
    text = text + "\n" + post;
    let mut dumps = Dumps::default();
    dumps.read("RC_long.jsonl", std::io::BufReader::new(text.as_bytes()));
    let (discussions, said) = dumps.finish();
    assert_eq!(discussions[0].comments().len(), 1);
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0].line, Some(1));
    assert!(said[0].message.contains("longer than 16 MiB"));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    struct Written {
        score: Option<i32>,
        hidden: bool,
        stickied: bool,
        controversial: bool,
        distinguished: Option<String>,
        flair: Option<String>,
        edited: serde_json::Value,
        body: String,
    }

    fn marks() -> impl Strategy<Value = Written> {
        (
            proptest::option::of(any::<i32>()),
            any::<(bool, bool, bool)>(),
            proptest::option::of(prop_oneof![
                Just("moderator".to_owned()),
                Just("admin".to_owned()),
                Just("special".to_owned())
            ]),
            proptest::option::of(prop_oneof![
                Just(":snoo: Expert".to_owned()),
                Just("  ".to_owned()),
                "[a-zA-Z ]{1,12}"
            ]),
            prop_oneof![
                Just(serde_json::Value::Bool(false)),
                Just(serde_json::Value::Bool(true)),
                (1_600_000_000i64..1_900_000_000).prop_map(serde_json::Value::from)
            ],
            prop_oneof![
                Just("[removed]".to_owned()),
                Just("[deleted]".to_owned()),
                "[a-z ]{1,20}"
            ],
        )
            .prop_map(
                |(score, (hidden, stickied, controversial), distinguished, flair, edited, body)| {
                    Written {
                        score,
                        hidden,
                        stickied,
                        controversial,
                        distinguished,
                        flair,
                        edited,
                        body,
                    }
                },
            )
    }

    /// Entries with ids from a small alphabet (so repeats happen) and
    /// parents pointing anywhere: before, after, at themselves or nowhere.
    fn entries() -> impl Strategy<Value = Vec<(u8, Option<u8>)>> {
        proptest::collection::vec((0u8..40, proptest::option::of(0u8..48)), 0..60)
    }

    proptest! {
        #[test]
        fn any_parent_graph_builds_a_well_formed_tree(spec in entries()) {
            let entries: Vec<Entry> = spec
                .iter()
                .map(|&(id, parent)| {
                    let parent = match parent {
                        None => Parent::Post,
                        Some(p) => by(&format!("e{p}")),
                    };
                    entry(&format!("e{id}"), parent)
                })
                .collect();
            let distinct: std::collections::HashSet<u8> = spec.iter().map(|e| e.0).collect();
            let (d, _) = built(entries, vec![]);
            // Every distinct id once, each reply after its parent one level
            // deeper, and the replies lists agree with the parents.
            prop_assert_eq!(d.comments().len(), distinct.len());
            for (i, c) in d.comments().iter().enumerate() {
                prop_assert_eq!(d.find(c.id.as_str()), Some(i));
                match c.parent() {
                    Some(p) => {
                        prop_assert!(p < i);
                        prop_assert_eq!(d.comments()[p].depth() + 1, c.depth());
                        prop_assert!(d.replies(p).contains(&(i as u32)));
                    }
                    None => {
                        prop_assert_eq!(c.depth(), 0);
                        prop_assert!(d.roots().contains(&i));
                    }
                }
            }
        }

        /// A comment's marks written in Reddit's JSON, and as a dump
        /// line, read back the same.
        #[test]
        fn marks_survive_a_round_trip(spec in proptest::collection::vec(marks(), 1..20)) {
            let lines: Vec<serde_json::Value> = spec
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let mut c = serde_json::json!({
                        "id": format!("m{i}"),
                        "author": "a",
                        "body": m.body,
                        "created_utc": 1_700_000_000 + i,
                        "parent_id": "t3_p",
                        "link_id": "t3_p",
                        "score_hidden": m.hidden,
                        "stickied": m.stickied,
                        "controversiality": u8::from(m.controversial),
                        "distinguished": m.distinguished,
                        "author_flair_text": m.flair,
                        "edited": m.edited,
                    });
                    if let Some(score) = m.score {
                        c["score"] = score.into();
                    }
                    c
                })
                .collect();
            let thread = serde_json::json!([
                {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"id": "p", "title": "T"}}]}},
                {"kind": "Listing", "data": {"children": lines.iter().map(|c| serde_json::json!({"kind": "t1", "data": c})).collect::<Vec<_>>()}},
            ]);
            let from_json = json::parse("t.json", thread.to_string().as_bytes()).discussion.unwrap();
            let dump: String = lines.iter().map(|l| format!("{l}\n")).collect();
            let mut dumps = dump::Dumps::default();
            dumps.read("RC.jsonl", dump.as_bytes());
            let (from_dump, _) = dumps.finish();
            for d in [&from_json, &from_dump[0]] {
                for (i, m) in spec.iter().enumerate() {
                    let at = d.find(&format!("m{i}")).unwrap();
                    let marks = d.comments()[at].marks;
                    prop_assert_eq!(marks.score(), m.score.filter(|_| !m.hidden));
                    prop_assert_eq!(marks.score_hidden(), m.hidden);
                    prop_assert_eq!(marks.stickied(), m.stickied);
                    prop_assert_eq!(marks.controversial(), m.controversial);
                    prop_assert_eq!(
                        marks.distinguished().map(|d| d.as_str()),
                        m.distinguished.as_deref().filter(|d| *d != "special")
                    );
                    prop_assert_eq!(d.flair(at), m.flair.as_deref().map(str::trim).filter(|f| !f.is_empty()));
                    let edited = match &m.edited {
                        serde_json::Value::Number(n) => Some(crate::model::Edited::At(
                            chrono::DateTime::from_timestamp(n.as_i64().unwrap(), 0).unwrap(),
                        )),
                        serde_json::Value::Bool(true) => Some(crate::model::Edited::Unknown),
                        _ => None,
                    };
                    prop_assert_eq!(marks.edited(), edited);
                    let removal = match m.body.as_str() {
                        "[removed]" => Some(crate::model::Removal::Moderators),
                        "[deleted]" => Some(crate::model::Removal::Author),
                        _ => None,
                    };
                    prop_assert_eq!(d.removal(at), removal);
                }
            }
        }

        #[test]
        fn thread_json_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let parsed = json::parse("any.json", &bytes);
            prop_assert!(parsed.discussion.is_some() || !parsed.diagnostics.is_empty());
        }

        #[test]
        fn dump_lines_never_panic(lines in proptest::collection::vec(
            prop_oneof![
                Just(r#"{"id":"a","author":"x","body":"b","created_utc":1,"link_id":"t3_p","parent_id":"t1_b"}"#.to_owned()),
                Just(r#"{"id":"b","author":"x","body":"b","created_utc":"2","link_id":"t3_p","parent_id":"t1_a"}"#.to_owned()),
                Just(r#"{"id":"p","title":"T"}"#.to_owned()),
                ".{0,40}",
            ],
            0..30,
        )) {
            let text = lines.join("\n");
            let mut dumps = dump::Dumps::default();
            dumps.read("RC.jsonl", text.as_bytes());
            let (discussions, _) = dumps.finish();
            for d in discussions {
                for (i, c) in d.comments().iter().enumerate() {
                    prop_assert!(c.parent().is_none_or(|p| p < i));
                }
            }
        }
    }
}
