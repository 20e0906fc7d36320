//! Pages at any size: a generated archive with a 100,000-comment thread (one
//! comment has 20,000 direct replies), hundreds of discussions and authors.
//! Following only the pages' own links reaches every comment exactly once,
//! and every kind of page stays within its element and byte budgets.

use std::collections::HashSet;
use std::sync::OnceLock;

use axum::Router;

use super::{Reply, app_over, get, numbered_header};

/// Comments in the big thread.
const BIG: usize = 100_000;
/// Direct replies of its hub comment.
const HUB_REPLIES: usize = 20_000;
/// The budgets every HTML page keeps.
const MAX_ELEMENTS: usize = 3_000;
const MAX_BYTES: usize = 400_000;

/// A comment's text, in the sizes of real comments: mostly a line or two,
/// sometimes a few paragraphs or a list.
fn body(n: usize) -> String {
    match n % 7 {
        0 => format!("Comment {n}: the shortest kind."),
        1 => format!(
            "Comment {n} agrees with the parent, mostly. The point about the schedule is right, \
             but the numbers are off by a week or so."
        ),
        2 => format!(
            "Comment {n}, two paragraphs.\n\nThe second one has *emphasis* and a [link](https://example.com/{n})."
        ),
        3 => format!("Comment {n} lists:\n\n- one thing\n- another thing\n- the third"),
        4 => format!("> quoting the parent\n\nComment {n} answers the quote."),
        5 => format!(
            "Comment {n} is long. {}",
            "It goes on about the details, one sentence after another. ".repeat(8)
        ),
        _ => format!("Comment {n}: `code`, and the end."),
    }
}

/// The big thread: ordinary threads of seven comments (three levels deep),
/// with the hub and its 20,000 replies (every tenth with a reply of its own)
/// in the middle.
fn big_thread() -> String {
    struct Writer {
        text: String,
        n: usize,
    }
    impl Writer {
        /// Writes the next comment at `depth`; `author` of `None` picks one.
        fn push(&mut self, depth: usize, author: Option<&str>) {
            let n = self.n;
            let author = author.map_or_else(|| format!("user{}", n * 7 % 500), str::to_owned);
            let indent = "    ".repeat(depth);
            self.text
                .push_str(&format!("\n{}\n\n", numbered_header(&indent, &author, n)));
            for line in body(n).lines() {
                if !line.is_empty() {
                    self.text.push_str(&indent);
                    self.text.push_str(line);
                }
                self.text.push('\n');
            }
            self.n += 1;
        }
    }
    let mut w = Writer {
        text: "A thread of a hundred thousand comments\n\nAuthored by example.com and submitted by user1\n\nThe article.\n".to_owned(),
        n: 0,
    };
    let mut hub_done = false;
    while w.n < BIG {
        if !hub_done && w.n >= 3_000 {
            w.push(0, Some("hub"));
            for r in 0..HUB_REPLIES {
                w.push(1, None);
                if r % 10 == 0 {
                    w.push(2, None);
                }
            }
            hub_done = true;
            continue;
        }
        for depth in [0, 1, 2, 3, 2, 1, 2] {
            if w.n < BIG {
                w.push(depth, None);
            }
        }
    }
    w.text
}

/// The archive: the big thread, 300 small discussions, 500 authors.
fn archive() -> &'static (tempfile::TempDir, Router) {
    static ARCHIVE: OnceLock<(tempfile::TempDir, Router)> = OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.txt"), big_thread()).unwrap();
        for i in 0..300 {
            let mut text = format!("Small discussion {i}\n\nThe article of the small one.\n");
            for c in 0..3 {
                text.push_str(&format!(
                    "\n{}\n\nA small comment {c}, the one in discussion {i}.\n",
                    numbered_header(&"  ".repeat(c), &format!("small{}", (i + c) % 40), c)
                ));
            }
            std::fs::write(dir.path().join(format!("small-{i:03}.txt")), text).unwrap();
        }
        let app = app_over(dir.path());
        (dir, app)
    })
}

/// The ids of the comments on a page (`<li class="comment…" id="c-…">`).
fn comment_ids(reply: &Reply) -> Vec<String> {
    reply
        .body
        .split("<li class=\"comment")
        .skip(1)
        .filter_map(|rest| {
            let tag = &rest[..rest.find('>')?];
            let at = tag.find("id=\"c-")? + 6;
            Some(tag[at..at + tag[at..].find('"')?].to_owned())
        })
        .collect()
}

/// The `href` of the link with `rel="next"`, unescaped.
fn next_link(reply: &Reply) -> Option<String> {
    let at = reply.body.find("\" rel=\"next\"")?;
    let start = reply.body[..at].rfind("href=\"")? + 6;
    Some(reply.body[start..at].replace("&#38;", "&"))
}

/// Every `href` of a page's `<li class="more">` links, unescaped.
fn more_links(reply: &Reply) -> Vec<String> {
    reply
        .body
        .split("<li class=\"more\"><a href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].replace("&#38;", "&"))
        .collect()
}

/// The id of the comment with 20,000 direct replies.
async fn hub_id(app: &Router) -> String {
    let api = get(app, "/api/discussions/big?author=hub").await.json();
    api["comments"][0]["id"].as_str().unwrap().to_owned()
}

/// Every comment id of the big thread, from the API.
async fn all_ids(app: &Router) -> Vec<String> {
    let api = get(app, "/api/discussions/big").await.json();
    api["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Follows `rel="next"` from `start`; returns every comment id seen, in
/// order, and checks each "more replies" link lands on its comment.
async fn walk(app: &Router, start: &str) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut more_checked = 0;
    let mut next = Some(start.to_owned());
    while let Some(uri) = next {
        let page = get(app, &uri).await;
        assert_eq!(page.status, 200, "{uri}");
        seen.extend(comment_ids(&page));
        // A cut reply list continues where it stopped: check a few.
        for href in more_links(&page).into_iter().take(2) {
            if more_checked < 20 {
                let (path, id) = href
                    .split_once("#c-")
                    .expect("a more link names its comment");
                let target = get(app, path).await;
                assert!(comment_ids(&target).iter().any(|c| c == id), "{href}");
                more_checked += 1;
            }
        }
        next = next_link(&page);
        pages += 1;
        assert!(pages <= BIG, "the pages never end");
    }
    (seen, pages)
}

#[tokio::test]
async fn following_the_pages_reaches_every_comment_exactly_once() {
    let _turn = crate::HEAVY.lock().await;
    let (_, app) = archive();
    let expected = all_ids(app).await;
    assert_eq!(expected.len(), BIG);
    let expected_set: HashSet<&String> = expected.iter().collect();
    for start in ["/d/big", "/d/big?view=timeline", "/d/big?sort=new"] {
        let (seen, pages) = walk(app, start).await;
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(seen.len(), BIG, "{start}: every comment once");
        assert_eq!(unique, expected_set, "{start}");
        assert!(pages >= BIG / 200, "{start}: {pages} pages");
        if start == "/d/big" {
            // In original order the pages show the comments in file order.
            assert_eq!(seen, expected);
        }
    }
}

#[tokio::test]
async fn a_search_inside_the_thread_pages_every_match_once() {
    let _turn = crate::HEAVY.lock().await;
    let (_, app) = archive();
    let api = get(app, "/api/discussions/big").await.json();
    let matches: HashSet<String> = api["comments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["body"].as_str().unwrap().contains("schedule"))
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(matches.len() > 10_000, "{}", matches.len());
    // Matches with their parents as context: each shown once, and every
    // match is marked.
    let mut marked = Vec::new();
    let mut next = Some("/d/big?q=schedule".to_owned());
    let mut shown = 0;
    while let Some(uri) = next {
        let page = get(app, &uri).await;
        shown += comment_ids(&page).len();
        marked.extend(
            page.body
                .split("<li class=\"comment match\" id=\"c-")
                .skip(1)
                .map(|rest| rest[..rest.find('"').unwrap()].to_owned()),
        );
        next = next_link(&page);
    }
    let unique: HashSet<String> = marked.iter().cloned().collect();
    assert_eq!(marked.len(), unique.len(), "a match shown twice");
    assert_eq!(unique, matches);
    assert!(shown > marked.len(), "parents come along as context");
}

#[tokio::test]
async fn the_hub_and_its_twenty_thousand_replies_are_paged_too() {
    let _turn = crate::HEAVY.lock().await;
    let (_, app) = archive();
    let hub = hub_id(app).await;
    let first = get(app, &format!("/d/big/c/{hub}")).await;
    assert_eq!(first.status, 200);
    let replies = HUB_REPLIES + HUB_REPLIES / 10;
    assert_eq!(replies + 1, 22_001);
    assert!(
        first.body.contains("comments 1–200 of 22,001"),
        "the comment page says where it is"
    );
    let (seen, _) = walk(app, &format!("/d/big/c/{hub}")).await;
    assert_eq!(seen.len(), replies + 1);
    assert_eq!(seen[0], hub);
    // The thread page that holds the hub cuts its replies and says how
    // many more follow.
    let link = in_thread_link(&first);
    let page = get(app, &link.replace("&#38;", "&")).await;
    let more = more_links(&page);
    assert!(!more.is_empty(), "{link}");
    assert!(page.body.contains(" more replies →</a></li>"));
}

/// The "this comment in the thread" link of a comment page.
fn in_thread_link(reply: &Reply) -> String {
    let at = reply.body.find("class=\"in-thread\" href=\"").unwrap() + 24;
    reply.body[at..at + reply.body[at..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_comment_page_links_to_the_thread_page_that_holds_it() {
    let _turn = crate::HEAVY.lock().await;
    let (_, app) = archive();
    let ids = all_ids(app).await;
    for &n in &[0, 250, 50_000, BIG - 1] {
        let id = &ids[n];
        let page = get(app, &format!("/d/big/c/{id}")).await;
        let link = in_thread_link(&page).replace("&#38;", "&");
        let (path, anchor) = link.split_once('#').unwrap();
        assert_eq!(anchor, format!("c-{id}"));
        if n >= 100 {
            assert!(path.starts_with("/d/big?page="), "{link}");
        }
        let thread = get(app, path).await;
        assert!(comment_ids(&thread).contains(id), "{link}");
    }
}

#[tokio::test]
async fn a_decorated_link_redirects_to_the_clean_view() {
    let (_, app) = archive();
    let reply = get(app, "/d/big?view=timeline&utm_source=chat&fbclid=x1&page=3").await;
    assert_eq!(reply.status, 308);
    assert_eq!(reply.headers["location"], "/d/big?view=timeline&page=3");
    let clean = get(app, "/d/big?view=timeline&page=3").await;
    assert_eq!(clean.status, 200);
    assert!(clean.body.contains("comments 201–300 of 100,000"));
    let slash = get(app, "/authors/?page=2").await;
    assert_eq!(slash.status, 308);
    assert_eq!(slash.headers["location"], "/authors?page=2");
    // A page past the last is a 404 that says how many there are.
    let past = get(app, "/d/big?page=100000").await;
    assert_eq!(past.status, 404);
    assert!(past.body.contains("page"));
}

/// Start tags on a page: its elements.
fn elements(body: &str) -> usize {
    body.as_bytes()
        .windows(2)
        .filter(|w| w[0] == b'<' && w[1].is_ascii_alphabetic())
        .count()
}

#[tokio::test]
async fn every_kind_of_page_keeps_its_budgets() {
    let _turn = crate::HEAVY.lock().await;
    let (_, app) = archive();
    let hub = hub_id(app).await;
    let uris = [
        "/".to_owned(),
        "/?page=2".to_owned(),
        "/?sort=comments".to_owned(),
        "/authors".to_owned(),
        "/authors?page=3&sort=name".to_owned(),
        "/authors/user7".to_owned(),
        "/authors/user7?sort=old&page=2".to_owned(),
        "/authors/user7?view=excerpts".to_owned(),
        "/by-name".to_owned(),
        "/by-name?page=2".to_owned(),
        "/search?q=the".to_owned(),
        "/search?q=the&page=5".to_owned(),
        "/d/big".to_owned(),
        "/d/big?page=31".to_owned(),
        "/d/big?view=timeline".to_owned(),
        "/d/big?view=timeline&sort=new&page=7".to_owned(),
        "/d/big?sort=author".to_owned(),
        "/d/big?author=user7".to_owned(),
        "/d/big?q=schedule".to_owned(),
        "/d/big?depth=1".to_owned(),
        format!("/d/big/c/{hub}"),
        format!("/d/big/c/{hub}?page=2"),
        "/d/small-001".to_owned(),
        "/diagnostics".to_owned(),
    ];
    for uri in &uris {
        let page = get(app, uri).await;
        assert_eq!(page.status, 200, "{uri}");
        let (count, bytes) = (elements(&page.body), page.body.len());
        assert!(count <= MAX_ELEMENTS, "{uri}: {count} elements");
        assert!(bytes <= MAX_BYTES, "{uri}: {bytes} bytes");
    }
    // The lists really are long: the budgets are not met by being empty.
    let index = get(app, "/").await;
    assert!(index.body.contains("discussions 1–100 of 301"));
    let authors = get(app, "/authors").await;
    assert!(authors.body.contains("authors 1–250 of 541"));
    let search = get(app, "/search?q=the").await;
    assert!(search.body.contains("rel=\"next\""));
}

#[tokio::test]
async fn the_article_body_is_on_the_first_page_only() {
    let (_, app) = archive();
    let first = get(app, "/d/big").await;
    assert!(first.body.contains("<p>The article.</p>"));
    let second = get(app, "/d/big?page=2").await;
    assert!(!second.body.contains("<p>The article.</p>"));
    assert!(
        second
            .body
            .contains("<a href=\"/d/big\">The article is on the first page</a>")
    );
}
