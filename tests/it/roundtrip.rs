//! A property: any discussion, written out in the format, parses back to
//! the same structure.

use proptest::prelude::*;
use threadview::parse::{MONTHS, parse};

/// A comment's time as written: year, month, day, hour, minute.
type Time = (i32, u32, u32, u32, u32);

/// A comment to write: its depth, author, time and body lines.
#[derive(Debug, Clone)]
struct Written {
    depth: usize,
    author: String,
    time: Time,
    body: Vec<String>,
}

#[derive(Debug, Clone)]
struct Doc {
    title: String,
    byline: Option<(String, Option<String>)>,
    body: Vec<String>,
    step: String,
    comments: Vec<Written>,
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9]{1,10}",
        Just("**bold**".to_owned()),
        Just("`code`".to_owned()),
        Just("»".to_owned()),
        Just("UTC".to_owned()),
        Just("on".to_owned()),
        Just("naïve".to_owned()),
        Just("日本".to_owned()),
        Just("[link](https://example.com)".to_owned()),
    ]
}

/// A line of text: words, maybe indented like code; never blank.
fn line() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.1),
        prop::collection::vec(word(), 1..8),
    )
        .prop_map(|(code, words)| {
            let text = words.join(" ");
            if code { format!("    {text}") } else { text }
        })
}

/// Body lines: paragraphs separated by single blank lines.
fn body() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::collection::vec(line(), 1..4), 0..4).prop_map(|paragraphs| {
        let mut lines = Vec::new();
        for (i, p) in paragraphs.into_iter().enumerate() {
            if i > 0 {
                lines.push(String::new());
            }
            lines.extend(p);
        }
        lines
    })
}

fn comment() -> impl Strategy<Value = (usize, String, Time, Vec<String>)> {
    (
        0usize..6,
        prop_oneof![
            "[a-zA-Z0-9_-]{1,12}",
            Just("[deleted]".to_owned()),
            Just("<USERNAME>".to_owned()),
            Just("Zoë".to_owned())
        ],
        (1990i32..2030, 1u32..=12, 1u32..=28, 0u32..24, 0u32..60),
        body(),
    )
}

fn doc() -> impl Strategy<Value = Doc> {
    (
        "[A-Z][a-zA-Z0-9 ?!,]{0,40}[a-z0-9?!]",
        prop::option::of((
            "[a-z]{1,8}\\.[a-z]{2,4}",
            prop::option::of("[a-zA-Z0-9_]{1,10}"),
        )),
        body(),
        prop_oneof![
            Just("  ".to_owned()),
            Just("    ".to_owned()),
            Just("\t".to_owned()),
            Just(" ".to_owned())
        ],
        prop::collection::vec(comment(), 0..25),
    )
        .prop_map(|(title, byline, body, step, raw)| {
            // Depths as an outline allows: at most one deeper than the last.
            let mut last: Option<usize> = None;
            let comments = raw
                .into_iter()
                .map(|(want, author, time, body)| {
                    let depth = match last {
                        None => 0,
                        Some(d) => want.min(d + 1),
                    };
                    last = Some(depth);
                    Written {
                        depth,
                        author,
                        time,
                        body,
                    }
                })
                .collect();
            Doc {
                title,
                byline,
                body,
                step,
                comments,
            }
        })
}

fn suffix(day: u32) -> &'static str {
    match day {
        1 | 21 | 31 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    }
}

fn write(doc: &Doc) -> String {
    let mut out = format!("{}\n\n", doc.title);
    if let Some((source, submitter)) = &doc.byline {
        match submitter {
            Some(u) => out.push_str(&format!("Authored by {source} and submitted by {u}\n\n")),
            None => out.push_str(&format!("Authored by {source}\n\n")),
        }
    }
    for line in &doc.body {
        out.push_str(line);
        out.push('\n');
    }
    for c in &doc.comments {
        let indent = doc.step.repeat(c.depth);
        let (y, mo, d, h, mi) = c.time;
        out.push_str(&format!(
            "\n{indent}{} on {} {d}{}, {y} at {h:02}:{mi:02} UTC »\n\n",
            c.author,
            MONTHS[mo as usize - 1],
            suffix(d)
        ));
        for line in &c.body {
            if !line.is_empty() {
                out.push_str(&indent);
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_written_discussion_parses_back_the_same(doc in doc()) {
        let text = write(&doc);
        let parsed = parse("generated.txt", &text);
        prop_assert!(parsed.diagnostics.is_empty(), "{:?}\n{text}", parsed.diagnostics);
        let d = parsed.discussion.expect("a discussion");
        prop_assert_eq!(&d.title, &doc.title);
        prop_assert_eq!(d.source.as_deref(), doc.byline.as_ref().map(|b| b.0.as_str()));
        prop_assert_eq!(d.submitter.as_deref(), doc.byline.as_ref().and_then(|b| b.1.as_deref()));
        prop_assert_eq!(&d.body, &doc.body.join("\n"));
        prop_assert_eq!(d.comments().len(), doc.comments.len());
        // Each comment's parent is the nearest earlier one a level up.
        for (i, (got, want)) in d.comments().iter().zip(&doc.comments).enumerate() {
            prop_assert_eq!(&*got.author, want.author.as_str());
            prop_assert_eq!(got.depth(), want.depth);
            let parent = (0..i).rev().find(|&j| doc.comments[j].depth + 1 == want.depth && want.depth > 0);
            let parent = if want.depth == 0 { None } else { parent };
            prop_assert_eq!(got.parent(), parent);
            let (y, mo, day, h, mi) = want.time;
            let at = got.posted_at.expect("a valid time");
            prop_assert_eq!(at.format("%Y-%m-%d %H:%M").to_string(), format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}"));
            let body = want.body.join("\n");
            prop_assert_eq!(&*got.body, body.as_str());
        }
    }
}
