//! Files that other tools got wrong: each loads or is reported, nothing is
//! lost, every page still renders, and huge or deep inputs neither hang nor
//! overflow the stack.

use std::path::{Path, PathBuf};

use threadview::model::Discussion;
use threadview::parse::parse_bytes;

use super::{app_over, get, numbered_header};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

/// What each fixture must give: `None` when the file is skipped, else the
/// lines that carry a diagnostic (0 for a whole-file one).
fn expected(name: &str) -> Option<Vec<usize>> {
    let lines = |l: &[usize]| Some(l.to_vec());
    match name {
        "empty.txt" | "blank-lines.txt" | "nul-byte.txt" | "binary-garbage.txt" => None,
        "invalid-utf8-middle.txt" => lines(&[10]),
        "latin1-file.txt" => lines(&[1, 3, 5, 7]),
        "impossible-date-feb30.txt" => lines(&[3]),
        "impossible-time-2561.txt" => lines(&[3, 7]),
        "day-zero-and-99.txt" => lines(&[3, 7]),
        "first-line-header.txt" | "only-header.txt" => lines(&[1]),
        "reply-under-nothing.txt" => lines(&[3]),
        "byline-odd.txt" => lines(&[]),
        _ => lines(&[]),
    }
}

#[test]
fn every_bad_file_loads_or_is_reported_with_its_line() {
    let loaded = crate::load(&fixtures()).unwrap();
    let archive = &loaded.archive;
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.to_lowercase().ends_with(".txt"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "{} fixtures", names.len());
    for name in &names {
        let id = threadview::parse::discussion_id(name);
        let lines: Vec<usize> = archive
            .diagnostics
            .iter()
            .filter(|d| &d.file == name)
            .map(|d| d.line.unwrap_or(0))
            .collect();
        match expected(name) {
            None => {
                assert!(archive.get(&id).unwrap().is_none(), "{name} is skipped");
                assert_eq!(lines.len(), 1, "{name}: one diagnostic says why");
            }
            Some(want) => {
                assert!(archive.get(&id).unwrap().is_some(), "{name} loads");
                assert_eq!(lines, want, "{name}: diagnostics at these lines");
            }
        }
    }
    // The binary file is named by the line of its first NUL.
    let nul = archive
        .diagnostics
        .iter()
        .find(|d| d.file == "nul-byte.txt")
        .unwrap();
    assert_eq!(nul.line, Some(3));
    // Files that are not *.txt are not documents.
    assert!(archive.get("not-a-document").unwrap().is_none());
    assert!(archive.get("UPPER-CASE-EXTENSION").unwrap().is_some());
    assert_eq!(
        archive.discussions().len(),
        names.len() - 4,
        "every other file is served"
    );
}

/// Every non-blank line of the input is somewhere in what the parser kept.
#[track_caller]
fn assert_no_text_lost(name: &str, text: &str, d: &Discussion) {
    let mut kept = vec![d.title.clone(), d.body.clone()];
    kept.extend(d.source.clone());
    kept.extend(d.submitter.clone());
    for (i, c) in d.comments().iter().enumerate() {
        kept.push(format!("{} on {} UTC »", c.author, d.time_text(i)));
        kept.push(c.body.to_string());
    }
    let kept = kept.join("\n");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.split('\n') {
        let line = line.trim();
        if line.is_empty() || line.starts_with("Authored by") {
            continue;
        }
        assert!(kept.contains(line), "{name}: {line:?} was lost");
    }
}

#[test]
fn no_text_is_lost() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        if let Some(d) = parse_bytes(&name, &bytes).discussion {
            assert_no_text_lost(&name, &String::from_utf8_lossy(&bytes), &d);
        }
    }
}

#[test]
fn tabs_spaces_and_jumps_nest_as_the_format_says() {
    let archive = crate::load(&fixtures()).unwrap().archive;
    let depths = |id: &str| -> Vec<(String, usize)> {
        archive
            .get(id)
            .unwrap()
            .unwrap()
            .comments()
            .iter()
            .map(|c| (c.author.to_string(), c.depth()))
            .collect()
    };
    let d = |pairs: &[(&str, usize)]| -> Vec<(String, usize)> {
        pairs.iter().map(|(a, n)| (a.to_string(), *n)).collect()
    };
    assert_eq!(
        depths("mixed-tabs-spaces"),
        d(&[("a", 0), ("b", 1), ("c", 1), ("d", 2), ("e", 2)])
    );
    assert_eq!(
        depths("indent-jumps"),
        d(&[
            ("zero", 0),
            ("forty", 1),
            ("two", 1),
            ("twenty", 2),
            ("three", 2)
        ])
    );
    // A whole header line inside a code block is a header, by the format.
    assert_eq!(
        depths("header-in-code-block"),
        d(&[("coder", 0), ("quoted", 1)])
    );
    assert_eq!(depths("header-like-lines-in-body").len(), 1);
}

#[tokio::test]
async fn every_page_of_every_bad_file_renders() {
    let app = app_over(&fixtures());
    let index = get(&app, "/").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("<a href=\"/diagnostics\">"));
    let diagnostics = get(&app, "/diagnostics").await;
    assert_eq!(diagnostics.status, 200);
    assert!(
        diagnostics
            .body
            .contains("<h2>impossible-time-2561.txt</h2>")
    );
    assert!(
        diagnostics
            .body
            .contains("<span class=\"line\">line 7</span>: an impossible date")
    );
    assert!(diagnostics.body.contains("<h2>binary-garbage.txt</h2>"));
    let api = get(&app, "/api/diagnostics").await.json();
    assert!(
        api.as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"] == "nul-byte.txt" && d["line"] == 3)
    );

    let list = get(&app, "/api/discussions").await.json();
    let mut pages = 0;
    for d in list.as_array().unwrap() {
        let id = d["id"].as_str().unwrap();
        let href = index
            .body
            .split("<a class=\"title\" href=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .find(|href| percent_encoding::percent_decode_str(&href[3..]).decode_utf8_lossy() == id)
            .unwrap_or_else(|| panic!("{id} is linked from the index"));
        for view in ["", "?view=timeline", "?depth=1", "?sort=new", "?q=the"] {
            let page = get(&app, &format!("{href}{view}")).await;
            assert_eq!(page.status, 200, "{href}{view}");
            pages += 1;
        }
        let api = get(&app, &format!("/api/discussions/{}", &href[3..])).await;
        assert_eq!(api.status, 200, "{id}");
        // Every comment's page and its author's page (linked from the timeline).
        let page = get(&app, &format!("{href}?view=timeline")).await;
        for permalink in page
            .body
            .split("<a href=\"")
            .skip(1)
            .map(|r| &r[..r.find('"').unwrap()])
        {
            if permalink.contains("/c/") || permalink.starts_with("/authors/") {
                let reply = get(&app, permalink.replace("&#38;", "&").as_str()).await;
                assert_eq!(reply.status, 200, "{permalink}");
                pages += 1;
            }
        }
    }
    assert!(pages > 200, "{pages} pages");
}

/// A file of `size` bytes: a title and one enormous line.
fn huge_line(size: usize) -> String {
    let mut text = String::with_capacity(size + 100);
    text.push_str("One enormous line\n\n");
    let words = [
        "lorem ",
        "ipsum ",
        "**dolor** ",
        "<b>sit</b> ",
        "[amet](http://x.y) ",
        "`code` ",
    ];
    let mut i = 0;
    while text.len() < size {
        text.push_str(words[i % words.len()]);
        i += 1;
    }
    text.push('\n');
    text
}

/// 100,000 comments: one chain 10,000 replies deep (one space more at each
/// level) and 90,000 replies to a second top-level comment.
fn deep_thread() -> String {
    let mut text = String::from(
        "Ten thousand levels\n\nAuthored by depth.example and submitted by level0\n\n",
    );
    for depth in 0..10_000 {
        let author = format!("level{}", depth % 7);
        let header = numbered_header(&" ".repeat(depth), &author, depth);
        text.push_str(&format!("{header}\n{depth}\n"));
    }
    text.push_str("wide on June 2nd, 2024 at 00:00 UTC »\nroot of many\n");
    for i in 0..90_000 {
        let header = numbered_header(" ", &format!("reply{}", i % 100), i);
        text.push_str(&format!("{header}\nreply {i}\n"));
    }
    text
}

#[tokio::test]
async fn huge_and_deep_inputs_neither_hang_nor_overflow() {
    let _turn = crate::HEAVY.lock().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("huge-line.txt"),
        huge_line(50 * 1024 * 1024),
    )
    .unwrap();
    std::fs::write(dir.path().join("deep.txt"), deep_thread()).unwrap();
    std::fs::write(
        dir.path().join("good.txt"),
        "Still here\n\nA good file beside the monsters.\n",
    )
    .unwrap();
    let app = app_over(dir.path());

    let list = get(&app, "/api/discussions").await.json();
    let counts: Vec<(String, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_owned(),
                d["comment_count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("deep".to_owned(), 100_001),
            ("good".to_owned(), 0),
            ("huge-line".to_owned(), 0)
        ]
    );
    assert_eq!(get(&app, "/d/good").await.status, 200);
    let huge = get(&app, "/d/huge-line").await;
    assert_eq!(huge.status, 200);
    assert!(huge.body.len() > 50 * 1024 * 1024);
    assert!(huge.body.contains("&lt;b&gt;sit&lt;/b&gt;"));

    // The thread shows ten levels, then "continue this thread".
    let deep = get(&app, "/d/deep?depth=1").await;
    assert_eq!(deep.status, 200);
    assert!(
        deep.body
            .contains("Continue this thread (9990 more replies)")
    );
    let api = get(&app, "/api/discussions/deep").await.json();
    let comments = api["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 100_001);
    assert_eq!(comments[9_999]["depth"], 9_999);
    let deepest = comments[9_999]["id"].as_str().unwrap();
    let page = get(&app, &format!("/d/deep/c/{deepest}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("9991 more comments in between"));
    let timeline = get(&app, "/d/deep?view=timeline&author=level3").await;
    assert_eq!(timeline.status, 200);
}
