//! Browsing by time and by author, search, and sharing: every view from its
//! URL alone.

use axum::Router;
use serde_json::Value;

use super::{Reply, app_over, get, samples_dir, shared_dir};

fn samples() -> Router {
    app_over(&samples_dir())
}

/// The ids of the comments (`id="c-..."`) on a page, in order.
fn comment_ids(reply: &Reply) -> Vec<String> {
    reply
        .body
        .split("id=\"c-")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// The `n`-th comment id of a discussion, in file order.
async fn comment_id(app: &Router, discussion: &str, n: usize) -> String {
    let d = get(app, &format!("/api/discussions/{discussion}"))
        .await
        .json();
    d["comments"][n]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_authors_page_lists_everyone_with_counts_and_sorts() {
    let app = samples();
    let page = get(&app, "/authors").await;
    assert_eq!(page.status, 200);
    // [deleted] commented in two discussions.
    assert!(page.body.contains(
        "<th scope=\"row\"><a href=\"/authors/%5Bdeleted%5D\">[deleted]</a></th><td class=\"num\">2</td><td class=\"num\">2</td>"
    ));
    assert!(
        page.body
            .contains("href=\"/authors/%3CUSERNAME%3E\">&#60;USERNAME&#62;</a>")
    );
    assert!(
        page.body
            .contains("href=\"/authors/%E7%94%B0%E4%B8%AD%E3%83%91%E3%83%B3\">田中パン</a>")
    );
    // Most comments first by default.
    page.assert_in_order(&[">tally_ho<", ">quietmoth<"]);
    let by_name = get(&app, "/authors?sort=name").await;
    by_name.assert_in_order(&[">&#60;USERNAME&#62;<", ">abacus_amy<", ">zählerin<"]);
    let by_last = get(&app, "/authors?sort=last").await;
    // The sourdough OP posted last of all (January 2025).
    by_last.assert_in_order(&[">crumb_and_crust<", ">levain_lucía<", ">tally_ho<"]);
    assert_eq!(get(&app, "/authors?sort=age").await.status, 400);
}

#[tokio::test]
async fn an_author_page_gathers_their_comments_across_discussions() {
    let app = samples();
    let page = get(&app, "/authors/%5Bdeleted%5D").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h1>[deleted]</h1>"));
    assert!(page.body.contains("2 comments in 2 discussions"));
    // Newest first by default, each with its discussion and its parent.
    page.assert_in_order(&[
        "in <a href=\"/d/002_sourdough\">My sourdough starter",
        "January 6th, 2025 at 19:00",
        "in <a href=\"/d/001_tolerant-parsers\">Ask: how do you write",
        "March 3rd, 2024 at 11:47",
        "in reply to <a href=\"/d/001_tolerant-parsers/c/",
    ]);
    assert!(page.body.contains("href=\"/d/001_tolerant-parsers#c-"));
    let oldest = get(&app, "/authors/%5Bdeleted%5D?sort=old").await;
    oldest.assert_in_order(&["March 3rd, 2024 at 11:47", "January 6th, 2025 at 19:00"]);
    assert_eq!(
        get(&app, "/authors/%5Bdeleted%5D?sort=original")
            .await
            .status,
        400
    );

    let angle = get(&app, "/authors/%3CUSERNAME%3E").await;
    assert_eq!(angle.status, 200);
    assert!(angle.body.contains("<h1>&#60;USERNAME&#62;</h1>"));
    let unicode = get(&app, "/authors/z%C3%A4hlerin").await;
    assert_eq!(unicode.status, 200);
    assert!(unicode.body.contains("Eleven is a palindrome"));
    let nobody = get(&app, "/authors/nobody").await;
    assert_eq!(nobody.status, 404);
}

#[tokio::test]
async fn a_timeline_lists_comments_flat_in_time_order_with_their_parents() {
    let app = samples();
    let page = get(&app, "/d/003_night-trains?view=timeline").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<h2 id=\"comments-heading\">Timeline (9)</h2>")
    );
    assert!(!page.body.contains("<ul class=\"replies\">"));
    page.assert_in_order(&[
        "October 2nd, 2023 at 21:00",
        "October 2nd, 2023 at 21:30",
        "October 2nd, 2023 at 22:10",
        "October 3rd, 2023 at 02:14",
        "October 3rd, 2023 at 06:45",
        "October 3rd, 2023 at 07:05",
        "October 3rd, 2023 at 08:30",
        "October 4th, 2023 at 12:00",
        "October 4th, 2023 at 12:30",
    ]);
    assert!(
        page.body
            .contains("in reply to <a href=\"/d/003_night-trains/c/")
    );
    assert!(page.body.contains("\">sleepless_in_linz</a>: <q>I could not sleep at all. The carriage rocks at every switch.</q>"));
    assert!(page.body.contains("aria-current=\"true\">timeline</a>"));

    let newest = get(&app, "/d/003_night-trains?view=timeline&sort=new").await;
    let mut reversed = comment_ids(&page);
    reversed.reverse();
    assert_eq!(comment_ids(&newest), reversed);
    assert_eq!(get(&app, "/d/003_night-trains?view=flat").await.status, 400);
}

#[tokio::test]
async fn the_activity_chart_is_svg_with_bars_linking_into_the_timeline() {
    let app = samples();
    let page = get(&app, "/d/001_tolerant-parsers").await;
    let svg = &page.body[page.body.find("<svg").unwrap()..page.body.find("</svg>").unwrap()];
    assert!(
        svg.contains(
            "aria-label=\"Comments per 2 hours, 2024-03-03 09:12 to 2024-03-05 22:45 UTC\""
        )
    );
    assert!(svg.contains(">Mar 3 08:00</text>"));
    let bars = svg.matches("<rect class=\"bar\"").count();
    assert_eq!(bars, 6);
    assert!(svg.contains("<title>3 comments, 2024-03-03 10:00 to 2024-03-03 12:00 UTC</title>"));
    // Each bar opens the timeline at its first comment.
    let timeline = get(&app, "/d/001_tolerant-parsers?view=timeline").await;
    let ids = comment_ids(&timeline);
    for link in svg.split("<a href=\"").skip(1) {
        let href = &link[..link.find('"').unwrap()];
        let (path, anchor) = href.split_once("#c-").unwrap();
        assert_eq!(path, "/d/001_tolerant-parsers?view=timeline");
        assert!(ids.iter().any(|id| id == anchor), "{anchor}");
    }
    // Author pages have one too, linking into their own list.
    let author = get(&app, "/authors/kettlebell_kate").await;
    assert!(
        author
            .body
            .contains("<a href=\"/authors/kettlebell_kate?sort=old#c-")
    );
}

#[tokio::test]
async fn depth_opens_the_first_levels_and_collapses_the_rest() {
    let app = samples();
    let page = get(&app, "/d/001_tolerant-parsers?depth=1").await;
    assert_eq!(page.status, 200);
    // Three top-level comments open; nine replies collapsed.
    assert_eq!(page.body.matches("<details open>").count(), 3);
    assert_eq!(page.body.matches("<details><summary>").count(), 9);
    assert!(page.body.contains("3 replies hidden"));
    let zero = get(&app, "/d/001_tolerant-parsers?depth=0").await;
    assert_eq!(zero.body.matches("<details open>").count(), 0);
    assert!(page.body.contains("aria-current=\"true\">1</a>"));
    for bad in ["depth=x", "depth=-1", "depth=1.5"] {
        let reply = get(&app, &format!("/d/001_tolerant-parsers?{bad}")).await;
        assert_eq!(reply.status, 400, "{bad}");
    }
}

#[tokio::test]
async fn replies_deeper_than_ten_levels_continue_on_their_own_page() {
    let app = samples();
    let page = get(&app, "/d/006_counting-game").await;
    assert!(page.body.contains("Ten is the base"));
    assert!(!page.body.contains("Eleven is a palindrome"));
    let tenth = comment_id(&app, "006_counting-game", 9).await;
    let link = format!(
        "<a href=\"/d/006_counting-game/c/{tenth}#c-{tenth}\">Continue this thread (4 more replies) →</a>"
    );
    assert!(page.body.contains(&link), "{link}");
    let rest = get(&app, &format!("/d/006_counting-game/c/{tenth}")).await;
    assert!(rest.body.contains("Eleven is a palindrome"));
    assert!(rest.body.contains("Fourteen is the number of days"));
    // A comment past the cut is "in the thread" at the ancestor that
    // continues to it.
    let twelfth = comment_id(&app, "006_counting-game", 11).await;
    let deep = get(&app, &format!("/d/006_counting-game/c/{twelfth}")).await;
    assert!(deep.body.contains(&format!(
        "<a class=\"in-thread\" href=\"/d/006_counting-game#c-{tenth}\">"
    )));
}

#[tokio::test]
async fn search_finds_words_in_any_case_and_marks_them_escaped() {
    let app = samples();
    let page = get(&app, "/search?q=FUZZING").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("1 match for “FUZZING”."),
        "scanned: no ranking claimed"
    );
    assert!(page.body.contains("<mark>fuzzing</mark>"));
    // The match links to its place in the thread's default view.
    assert!(page.body.contains("href=\"/d/001_tolerant-parsers#c-"));
    // Unicode: an article body and comments in other scripts.
    let koln = get(&app, "/search?q=k%C3%B6ln").await;
    assert!(koln.body.contains("the article"));
    assert!(koln.body.contains("<mark>Köln</mark>"));
    let sake = get(&app, "/search?q=%E9%85%92%E7%A8%AE").await;
    assert!(sake.body.contains("<mark>酒種</mark>"));
    // Titles match too, and markup in the text is escaped.
    let script = get(&app, "/search?q=%3Cscript%3E").await;
    assert!(script.body.contains("<mark>&#60;script&#62;</mark>"));
    assert!(!script.body.contains("<script>alert"));
    // Every word must occur.
    let none = get(&app, "/search?q=fuzzing+sourdough").await;
    assert!(none.body.contains("0 matches for"));
    let empty = get(&app, "/search?q=").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("Search titles, articles and comments"));
    let long = get(&app, &format!("/search?q={}", "a".repeat(300))).await;
    assert_eq!(long.status, 400);
    assert!(
        long.body.contains("value=\"aaaa"),
        "the text stays in the box"
    );
}

#[tokio::test]
async fn a_search_inside_a_discussion_keeps_matches_with_their_context() {
    let app = samples();
    let page = get(&app, "/d/001_tolerant-parsers?q=fuzz").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Comments matching “fuzz” (1)"));
    // The match and its five parents, nothing else.
    assert_eq!(page.body.matches("<li class=\"comment").count(), 6);
    assert_eq!(page.body.matches("<li class=\"comment match\"").count(), 1);
    assert!(
        page.body.contains("<code>cargo <mark>fuzz</mark></code>")
            || page.body.contains("<mark>fuzzing</mark>")
    );
    assert!(!page.body.contains("Counterpoint"));
    assert!(
        page.body
            .contains("<a href=\"/d/001_tolerant-parsers\">Show every comment</a>")
    );
    // The form keeps the view's other parameters.
    let timeline = get(&app, "/d/001_tolerant-parsers?view=timeline&q=fuzz").await;
    assert!(
        timeline
            .body
            .contains("<input type=\"hidden\" name=\"view\" value=\"timeline\">")
    );
    assert_eq!(timeline.body.matches("<li class=\"comment").count(), 1);
}

#[tokio::test]
async fn every_comment_and_view_can_be_shared() {
    let app = samples();
    let page = get(&app, "/d/002_sourdough?sort=new").await;
    let id = comment_id(&app, "002_sourdough", 0).await;
    // The script adds a copy button beside each permalink; the view's own
    // button waits hidden for it.
    assert!(page.body.contains("class=\"copy-link copy-view\" hidden>"));
    assert!(page.body.contains(&format!(
        "<a class=\"permalink\" href=\"/d/002_sourdough/c/{id}#c-{id}\">permalink</a>"
    )));
    // Link previews: escaped title and description.
    assert!(page.body.contains(
        "<meta property=\"og:title\" content=\"My sourdough starter died over the holidays — can it be revived? · threadview\">"
    ));
    assert!(page.body.contains(
        "<meta name=\"twitter:description\" content=\"Left it in the fridge for three weeks"
    ));
    let odd = get(&app, "/d/004_odd-input").await;
    assert!(odd.body.contains(
        "<meta property=\"og:title\" content=\"A file with problems, kept readable &#60;script&#62;"
    ));
}

#[tokio::test]
async fn the_api_serves_authors_and_search() {
    let app = samples();
    let authors = get(&app, "/api/authors").await.json();
    let deleted = authors
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "[deleted]")
        .unwrap();
    assert_eq!(
        deleted,
        &serde_json::json!({
            "name": "[deleted]",
            "comment_count": 2,
            "discussion_count": 2,
            "first_comment_at": "2024-03-03T11:47:00Z",
            "last_comment_at": "2025-01-06T19:00:00Z",
        })
    );
    let one = get(&app, "/api/authors/%5Bdeleted%5D?sort=old")
        .await
        .json();
    assert_eq!(one["name"], "[deleted]");
    let comments = one["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0]["discussion"], "001_tolerant-parsers");
    assert_eq!(
        comments[0]["discussion_title"],
        "Ask: how do you write a parser that never gives up?"
    );
    assert_eq!(comments[0]["posted_at"], "2024-03-03T11:47:00Z");
    assert!(comments[0]["parent"].is_string());
    assert_eq!(comments[0]["depth"], 4);
    for key in ["id", "author", "posted_at", "parent", "depth", "body"] {
        assert!(comments[1].get(key).is_some(), "{key}");
    }

    let found = get(&app, "/api/search?q=Fuzzing").await.json();
    assert_eq!(found["query"], "Fuzzing");
    let groups = found["discussions"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["id"], "001_tolerant-parsers");
    assert_eq!(groups[0]["title_match"], false);
    assert_eq!(groups[0]["comments"].as_array().unwrap().len(), 1);
    let title = get(&app, "/api/search?q=sourdough").await.json();
    assert_eq!(title["discussions"][0]["title_match"], true);

    for (uri, status) in [
        ("/api/search?q=", 400),
        ("/api/search", 400),
        ("/api/authors/nobody", 404),
        ("/api/authors?sort=bogus", 400),
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, status, "{uri}");
        assert!(reply.json()["error"].is_string());
    }
    let filtered = get(&app, "/api/discussions/001_tolerant-parsers?q=fuzz")
        .await
        .json();
    assert_eq!(filtered["comments"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn the_views_work_on_the_shared_corpus() {
    let Some(dir) = shared_dir("corpus") else {
        return;
    };
    let app = app_over(&dir);
    let authors: Value = get(&app, "/api/authors").await.json();
    let total: u64 = authors
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["comment_count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 11 + 200 + 101 + 67);
    for uri in [
        "/authors",
        "/authors?sort=last",
        "/d/002_57c624acac0760a9?view=timeline",
        "/d/002_57c624acac0760a9?depth=2",
        "/d/004_43c5e759b03e541e?view=timeline&sort=new",
        "/search?q=the",
        "/d/002_57c624acac0760a9?q=moon",
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, 200, "{uri}");
        assert!(reply.body.contains("</html>"), "{uri}");
    }
    // 200 comments: two timeline pages, every comment once.
    let first = get(&app, "/d/002_57c624acac0760a9?view=timeline").await;
    let second = get(&app, "/d/002_57c624acac0760a9?view=timeline&page=2").await;
    assert!(first.body.contains("comments 1–100 of 200"));
    assert!(
        first
            .body
            .contains("<a href=\"/d/002_57c624acac0760a9?view=timeline&#38;page=2\" rel=\"next\">")
    );
    let mut ids = comment_ids(&first);
    ids.extend(comment_ids(&second));
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200);
    let author = authors.as_array().unwrap()[0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = get(&app, &format!("/api/authors/{}", urlencode(&author))).await;
    assert_eq!(page.status, 200, "{author}");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
