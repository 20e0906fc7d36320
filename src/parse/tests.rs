use super::*;

/// A compact, readable dump of what the parser recovered.
fn dump(parsed: &Parsed) -> String {
    let mut out = String::new();
    if let Some(d) = &parsed.discussion {
        out += &format!("title: {}\n", d.title);
        if let Some(source) = &d.source {
            out += &format!("source: {source}\n");
        }
        if let Some(submitter) = &d.submitter {
            out += &format!("submitter: {submitter}\n");
        }
        if !d.body.is_empty() {
            out += &format!("body: {:?}\n", d.body);
        }
        for c in d.comments() {
            let time = c.posted_at.map_or("?".to_owned(), |t| t.to_rfc3339());
            let parent = c.parent().map_or("-".to_owned(), |p| p.to_string());
            out += &format!(
                "{}{} {} parent={} {:?}\n",
                "  ".repeat(c.depth()),
                c.author,
                time,
                parent,
                c.body
            );
        }
    } else {
        out += "skipped\n";
    }
    for d in &parsed.diagnostics {
        out += &format!(
            "! {}: {}\n",
            d.line.map_or("-".to_owned(), |l| l.to_string()),
            d.message
        );
    }
    out
}

#[track_caller]
fn check(input: &str, expected: &str) {
    let actual = dump(&parse("doc.txt", input));
    assert_eq!(actual.trim(), expected.trim(), "\n--- actual ---\n{actual}");
}

#[test]
fn title_byline_body_and_flat_comments() {
    check(
        r"
Title here

Authored by example.com and submitted by alice

First paragraph.

Second paragraph.

bob on August 5th, 2023 at 10:22 UTC »

Hello.

alice on August 4th, 2023 at 18:00 UTC »

Hi.
",
        r#"
title: Title here
source: example.com
submitter: alice
body: "First paragraph.\n\nSecond paragraph."
bob 2023-08-05T10:22:00+00:00 parent=- "Hello."
alice 2023-08-04T18:00:00+00:00 parent=- "Hi."
"#,
    );
}

#[test]
fn byline_with_source_only_and_no_byline() {
    check(
        "T\n\nAuthored by self.rust\n\nbody\n",
        r#"
title: T
source: self.rust
body: "body"
"#,
    );
    check("T\n\nJust a body.\n", "title: T\nbody: \"Just a body.\"");
}

#[test]
fn article_body_can_be_empty() {
    check(
        "T\nAuthored by s and submitted by u\nx on May 1, 2020 at 00:00 UTC »\n",
        r#"
title: T
source: s
submitter: u
x 2020-05-01T00:00:00+00:00 parent=- ""
"#,
    );
}

#[test]
fn replies_nest_by_indentation_with_any_step() {
    check(
        r"
T

a on March 1st, 2021 at 01:00 UTC »
A
  b on March 1st, 2021 at 02:00 UTC »
  B
      c on March 1st, 2021 at 03:00 UTC »
      C
  d on March 2nd, 2021 at 04:00 UTC »
  D
e on March 3rd, 2021 at 05:00 UTC »
E
",
        r#"
title: T
a 2021-03-01T01:00:00+00:00 parent=- "A"
  b 2021-03-01T02:00:00+00:00 parent=0 "B"
    c 2021-03-01T03:00:00+00:00 parent=1 "C"
  d 2021-03-02T04:00:00+00:00 parent=0 "D"
e 2021-03-03T05:00:00+00:00 parent=- "E"
"#,
    );
}

#[test]
fn a_tab_counts_as_four_spaces() {
    check(
        "T\n\na on May 1, 2020 at 00:00 UTC »\n\tb on May 1, 2020 at 00:01 UTC »\n\tB\n    c on May 1, 2020 at 00:02 UTC »\n",
        r#"
title: T
a 2020-05-01T00:00:00+00:00 parent=- ""
  b 2020-05-01T00:01:00+00:00 parent=0 "B"
  c 2020-05-01T00:02:00+00:00 parent=0 ""
"#,
    );
}

#[test]
fn reply_bodies_lose_their_headers_indentation_only() {
    check(
        r"
T

a on May 1, 2020 at 00:00 UTC »
    b on May 1, 2020 at 00:01 UTC »

    Code follows:

        let x = 1;
      two extra
  less than the header
",
        r#"
title: T
a 2020-05-01T00:00:00+00:00 parent=- ""
  b 2020-05-01T00:01:00+00:00 parent=0 "Code follows:\n\n    let x = 1;\n  two extra\nless than the header"
"#,
    );
}

#[test]
fn header_variants() {
    // No suffix, single-digit hour, trailing white space, odd names.
    check(
        "T\n\n[deleted] on June 9, 2019 at 7:05 UTC »   \n<USERNAME> on June 22nd, 2019 at 23:59 UTC »\t\nJosé on June 3rd, 2019 at 00:00 UTC »\n",
        r#"
title: T
[deleted] 2019-06-09T07:05:00+00:00 parent=- ""
<USERNAME> 2019-06-22T23:59:00+00:00 parent=- ""
José 2019-06-03T00:00:00+00:00 parent=- ""
"#,
    );
}

#[test]
fn lines_that_almost_match_are_body_text() {
    check(
        r"
T

a on May 1, 2020 at 00:00 UTC »
two words on May 1, 2020 at 00:00 UTC »
b on Mayday 1, 2020 at 00:00 UTC »
c on May 1, 2020 at 00:00 UTC » and more
d on May 1 2020 at 00:00 UTC »
e on May 1, 2020 at 00:00 UTC
",
        r#"
title: T
a 2020-05-01T00:00:00+00:00 parent=- "two words on May 1, 2020 at 00:00 UTC »\nb on Mayday 1, 2020 at 00:00 UTC »\nc on May 1, 2020 at 00:00 UTC » and more\nd on May 1 2020 at 00:00 UTC »\ne on May 1, 2020 at 00:00 UTC"
"#,
    );
}

#[test]
fn impossible_dates_keep_the_comment_with_an_unknown_time() {
    check(
        "T\n\na on February 30th, 2023 at 10:00 UTC »\nkept\nb on March 1st, 2023 at 25:61 UTC »\nalso kept\n",
        r#"
title: T
a ? parent=- "kept"
b ? parent=- "also kept"
! 3: an impossible date, "February 30th, 2023 at 10:00": the time is unknown
! 5: an impossible date, "March 1st, 2023 at 25:61": the time is unknown
"#,
    );
}

#[test]
fn a_first_line_that_is_a_header_makes_the_file_name_the_title() {
    check(
        "\na on May 1, 2020 at 00:00 UTC »\nhello\n",
        r#"
title: doc
a 2020-05-01T00:00:00+00:00 parent=- "hello"
! 2: the first line is a comment header: there is no title, so the file's name is used
"#,
    );
}

#[test]
fn a_reply_under_nothing_becomes_top_level() {
    check(
        "T\n\n    a on May 1, 2020 at 00:00 UTC »\n    A\nb on May 1, 2020 at 00:01 UTC »\n",
        r#"
title: T
a 2020-05-01T00:00:00+00:00 parent=- "A"
b 2020-05-01T00:01:00+00:00 parent=- ""
! 3: a reply indented under no comment: shown as a top-level comment
"#,
    );
}

#[test]
fn windows_line_endings_bom_and_trailing_space_are_ignored() {
    check(
        "\u{feff}T  \r\n\r\nAuthored by s and submitted by u \r\n\r\nBody  \r\n\r\na on May 1, 2020 at 00:00 UTC » \r\n  text  \r\n",
        r#"
title: T
source: s
submitter: u
body: "Body"
a 2020-05-01T00:00:00+00:00 parent=- "  text"
"#,
    );
}

#[test]
fn empty_blank_and_binary_files_are_skipped() {
    check("", "skipped\n! -: skipped: the file is empty");
    check(" \n\n\t\n", "skipped\n! -: skipped: the file is empty");
    let parsed = parse_bytes("bin.txt", b"T\n\nab\0cd");
    assert!(parsed.discussion.is_none());
    assert_eq!(parsed.diagnostics[0].line, Some(3));
    assert!(parsed.diagnostics[0].message.contains("NUL"));
}

#[test]
fn invalid_utf8_is_replaced_and_named_by_line() {
    let parsed = parse_bytes("bad.txt", b"Title\n\nok\nbad \xff here\n\xfe\n");
    let d = parsed.discussion.expect("the file still loads");
    assert_eq!(d.body, "ok\nbad \u{fffd} here\n\u{fffd}");
    let lines: Vec<_> = parsed.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, [Some(4), Some(5)]);
    assert_eq!(parsed.diagnostics[0].file, "bad.txt");
}

#[test]
fn comment_ids_are_stable_when_comments_are_added() {
    let before =
        "T\n\na on May 1, 2020 at 00:00 UTC »\nx\n    b on May 1, 2020 at 00:05 UTC »\ny\n";
    let after = "T\n\nz on May 2, 2020 at 00:00 UTC »\nnew\na on May 1, 2020 at 00:00 UTC »\nx\n    b on May 1, 2020 at 00:05 UTC »\ny\n";
    let ids = |text: &str| -> Vec<(String, String)> {
        let d = parse("doc.txt", text).discussion.unwrap();
        d.comments()
            .iter()
            .map(|c| (c.author.to_string(), c.id.to_string()))
            .collect()
    };
    let (before, after) = (ids(before), ids(after));
    assert_eq!(before[..], after[1..]);
    for (_, id) in &after {
        assert_eq!(id.len(), 8);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
    }
}

#[test]
fn same_author_and_time_get_distinct_ids() {
    let d = parse(
        "doc.txt",
        "T\n\na on May 1, 2020 at 00:00 UTC »\na on May 1, 2020 at 00:00 UTC »\n",
    )
    .discussion
    .unwrap();
    assert_ne!(d.comments()[0].id, d.comments()[1].id);
    assert_eq!(d.find(d.comments()[1].id.as_str()), Some(1));
}

#[test]
fn discussion_id_is_the_file_stem() {
    assert_eq!(discussion_id("000_3e51.txt"), "000_3e51");
    assert_eq!(discussion_id("a.b c.txt"), "a.b c");
}

#[test]
fn comment_ids_never_change_between_versions() {
    // Shared links depend on these: the seed's first comment, as published.
    let d = parse(
        "000_3e51731060edc037.txt",
        "T\n\nhumtum6767 on August 5th, 2023 at 10:22 UTC »\n\nx\n",
    )
    .discussion
    .unwrap();
    assert_eq!(d.comments()[0].id.as_str(), "h7nn1re6");
}
