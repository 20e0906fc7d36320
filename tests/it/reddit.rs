//! Reddit, understood: scores and `top`, markers, flair, the post itself,
//! and links that stay home; on our fixtures (one thread in each format,
//! `tests/fixtures/reddit/`) and on the team's real threads in Reddit's
//! JSON.

use std::path::{Path, PathBuf};

use scraper::{Html, Selector};
use serde_json::{Value, json};

use super::export::{check_links, export_to, html_files};
use super::{app_over, get, shared_dir};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reddit")
}

fn select(html: &Html, css: &str) -> Vec<String> {
    html.select(&Selector::parse(css).unwrap())
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// The text of `css` inside the comment `id` (its own line, not its
/// replies').
fn in_comment(html: &Html, id: &str, css: &str) -> Vec<String> {
    select(html, &format!("li#c-{id} > details > summary {css}"))
}

/// The comment ids of a tree page's top level, and of `parent`'s replies.
fn top_level(html: &Html) -> Vec<String> {
    ids(html, "ul.thread > li.comment")
}

fn replies(html: &Html, parent: &str) -> Vec<String> {
    ids(
        html,
        &format!("li#c-{parent} > details > ul.replies > li.comment"),
    )
}

fn ids(html: &Html, css: &str) -> Vec<String> {
    html.select(&Selector::parse(css).unwrap())
        .filter_map(|e| Some(e.value().id()?.trim_start_matches("c-").to_owned()))
        .collect()
}

#[tokio::test]
async fn every_comment_shows_its_score_and_marks() {
    let app = app_over(&fixtures());
    let page = get(&app, "/d/summer-timetable").await;
    assert_eq!(page.status, 200);
    let html = Html::parse_document(&page.body);
    assert_eq!(in_comment(&html, "c0a1", ".score"), ["120 points"]);
    assert_eq!(in_comment(&html, "c0a1", ".flair"), [":anchor: Deckhand"]);
    assert_eq!(
        in_comment(&html, "c0a1", ".edited"),
        ["edited May 1st, 2024 at 12:15:00 UTC"]
    );
    assert_eq!(in_comment(&html, "c0a4", ".edited"), ["edited"]);
    assert_eq!(in_comment(&html, "c0m1", ".badge.moderator"), ["moderator"]);
    assert_eq!(in_comment(&html, "c0m1", ".badge.pinned"), ["pinned"]);
    assert_eq!(in_comment(&html, "c0m1", ".score"), ["1 point"]);
    assert_eq!(in_comment(&html, "c0b1", ".badge.admin"), ["admin"]);
    assert_eq!(
        in_comment(&html, "c0b1", ".score"),
        ["score hidden"],
        "a hidden score shows no number"
    );
    assert_eq!(
        in_comment(&html, "c0a2", "abbr.controversial"),
        ["† controversial"]
    );
    let removed = |id: &str| select(&html, &format!("li#c-{id} > details > p.removed"));
    assert_eq!(removed("c0b2"), ["removed by the moderators"]);
    assert_eq!(removed("c0a3"), ["deleted by its author"]);
    assert!(
        select(&html, "li#c-c0b2 > details > div.body").is_empty(),
        "the note stands in for `[removed]`"
    );
    assert_eq!(
        in_comment(&html, "c0a3", ".author"),
        ["[deleted]"],
        "a name"
    );
    // Nothing unknown is shown.
    assert!(in_comment(&html, "c0b2", ".edited").is_empty());
    assert!(in_comment(&html, "c0b2", ".flair").is_empty());
    assert!(!page.body.contains(">0 points"));

    // The post.
    assert_eq!(
        select(&html, ".byline > time"),
        ["May 1st, 2024 at 12:00:00 UTC"]
    );
    assert_eq!(
        select(&html, ".byline .edited"),
        ["edited May 1st, 2024 at 12:02:00 UTC"]
    );
    let facts = select(&html, ".post-facts").join(" ");
    for part in [
        "512 points (93% upvoted)",
        "12 comments, 8 archived",
        "Timetables",
        "spoiler",
        "locked",
        "pinned",
        "moderator",
        "on Reddit",
        "old.reddit",
    ] {
        assert!(facts.contains(part), "{part} in {facts}");
    }
    assert!(
        page.body
            .contains("href=\"https://www.reddit.com/r/ferries/comments/fy100/summer_timetable/\"")
    );
    assert!(
        page.body
            .contains("href=\"https://old.reddit.com/r/ferries/comments/fy100/summer_timetable/\"")
    );
    assert_eq!(
        select(&html, "article details.folded > summary"),
        ["Show the post (spoiler)"],
        "a spoiler is folded, without JavaScript"
    );
    assert_eq!(
        select(&html, "article details.folded .body"),
        ["The summer timetable is out. Discuss > complain."]
    );
    assert_eq!(
        select(&html, "figure.poll li"),
        ["Yes & gladly 30 votes", "No 12 votes"]
    );
    assert!(select(&html, "figure.poll figcaption")[0].contains("42 votes"));
    assert!(
        page.body
            .contains("Crossposted from <a href=\"/d/fy300\">Night crossings are back</a>"),
        "the crossposted thread is archived: the link is local"
    );
    assert!(select(&html, ".legend")[0].contains("Scores are as archived"));

    // Our text format has none of it.
    let samples = get(&app_over(&super::samples_dir()), "/d/003_night-trains").await;
    for absent in ["points", "badge", "post-facts", "Scores are as archived"] {
        assert!(!samples.body.contains(absent), "{absent}");
    }
}

#[tokio::test]
async fn top_orders_every_level_by_score_with_pinned_comments_first() {
    let app = app_over(&fixtures());
    let reddit = Html::parse_document(&get(&app, "/d/summer-timetable").await.body);
    assert_eq!(
        top_level(&reddit),
        ["c0m1", "c0a1", "c0b1", "c0b2", "c0b3"],
        "a thread's JSON opens in Reddit's own order"
    );
    assert_eq!(
        select(&reddit, "nav.choices[aria-label=Sort] a[aria-current]"),
        ["Reddit's order"]
    );
    let top = Html::parse_document(&get(&app, "/d/summer-timetable?sort=top").await.body);
    assert_eq!(
        top_level(&top),
        ["c0m1", "c0b2", "c0b3", "c0a1", "c0b1"],
        "pinned first; a tie goes to the older; a hidden score last"
    );
    assert_eq!(replies(&top, "c0a1"), ["c0a4", "c0a2"]);
    // The other orders keep the pinned comment first too.
    let new = Html::parse_document(&get(&app, "/d/summer-timetable?sort=new").await.body);
    assert_eq!(top_level(&new)[0], "c0m1");
    // The API the same.
    let api = get(&app, "/api/discussions/summer-timetable?sort=top")
        .await
        .json();
    let order: Vec<&str> = api["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "c0m1", "c0b2", "c0b3", "c0a1", "c0a4", "c0a2", "c0a3", "c0b1"
        ]
    );
}

#[tokio::test]
async fn a_dump_thread_opens_in_top_with_arctic_shifts_marks() {
    let app = app_over(&fixtures());
    let page = get(&app, "/d/fy300").await;
    let html = Html::parse_document(&page.body);
    assert_eq!(
        top_level(&html),
        [
            "fd002", "fd005", "fd001", "fd003", "fd008", "fd004", "fd006"
        ]
    );
    let sorts = select(&html, "nav.choices[aria-label=Sort] a");
    assert_eq!(
        sorts,
        ["top", "newest", "oldest", "author"],
        "a dump's file order is time order"
    );
    assert!(
        page.body
            .contains("<a href=\"/d/fy300\" aria-current=\"true\">top</a>"),
        "its own order has the address without ?sort="
    );
    let removed = |id: &str| select(&html, &format!("li#c-{id} > details > p.removed"));
    assert_eq!(
        removed("fd002"),
        ["deleted later by its author; archived before"]
    );
    assert_eq!(
        select(&html, "li#c-fd002 > details > div.body"),
        ["I rode it: quiet and on time."],
        "its text is kept"
    );
    assert_eq!(removed("fd003"), ["removed by the moderators"]);
    assert_eq!(removed("fd004"), ["deleted by its author"]);
    assert_eq!(removed("fd006"), ["removed (reddit)"]);
    assert_eq!(in_comment(&html, "fd005", ".edited"), ["edited"]);
    assert_eq!(in_comment(&html, "fd007", ".flair"), ["Verified Expert"]);
    assert_eq!(
        in_comment(&html, "fd008", ".badge.moderator"),
        ["moderator"]
    );
    assert_eq!(
        select(&html, ".post-facts .count"),
        ["9 comments, 8 archived"]
    );
}

#[tokio::test]
async fn bdfrs_flair_and_pinned_comments_come_through() {
    let app = app_over(&fixtures());
    let page = get(&app, "/d/harbour-news").await;
    let html = Html::parse_document(&page.body);
    assert_eq!(
        top_level(&html),
        ["fb001", "fb002"],
        "pinned first, though bdfr lists it second"
    );
    assert_eq!(in_comment(&html, "fb001", ".flair"), ["Crew"]);
    assert_eq!(
        in_comment(&html, "fb001", ".badge.moderator"),
        ["moderator"]
    );
    assert_eq!(in_comment(&html, "fb002", ".score"), ["20 points"]);
    assert!(
        select(&html, "article details.folded").is_empty(),
        "a link post has no text to fold: its link shows"
    );
    assert_eq!(
        select(&html, ".post-link a"),
        ["https://example.org/ferry-news"]
    );
    assert!(
        select(&html, ".post-facts .badge").contains(&"NSFW".to_owned()),
        "{:?}",
        select(&html, ".post-facts .badge")
    );
}

/// Comment `id` of a discussion as the API gives it.
fn comment_in(discussion: &Value, id: &str) -> Value {
    discussion["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("comment {id}"))
        .clone()
}

#[tokio::test]
async fn the_api_gives_each_field_and_leaves_out_what_is_unknown() {
    let app = app_over(&fixtures());
    let d = get(&app, "/api/discussions/summer-timetable").await.json();
    let comment = |id: &str| comment_in(&d, id);
    let marks = |id: &str| -> Value {
        let mut c = comment(id);
        for plain in ["id", "author", "posted_at", "parent", "depth", "body"] {
            c.as_object_mut().unwrap().remove(plain);
        }
        c
    };
    assert_eq!(
        marks("c0a1"),
        json!({"score": 120, "edited": "2024-05-01T12:15:00Z", "flair": ":anchor: Deckhand"})
    );
    assert_eq!(
        marks("c0m1"),
        json!({"score": 1, "distinguished": "moderator", "stickied": true})
    );
    assert_eq!(marks("c0b1"), json!({"distinguished": "admin"}));
    assert_eq!(marks("c0a2"), json!({"score": 45, "controversial": true}));
    assert_eq!(marks("c0a4"), json!({"score": 80, "edited": true}));
    assert_eq!(
        marks("c0b2"),
        json!({"score": 300, "removed": "moderators"})
    );
    assert_eq!(marks("c0a3"), json!({"score": 2, "removed": "author"}));
    for key in [
        "subreddit",
        "posted_at",
        "score",
        "upvote_ratio",
        "num_comments",
        "flair",
    ] {
        assert!(d.get(key).is_some(), "{key}");
    }
    assert_eq!(d["subreddit"], "ferries");
    assert_eq!(d["posted_at"], "2024-05-01T12:00:00Z");
    assert_eq!(d["score"], 512);
    assert_eq!(d["upvote_ratio"], 0.93);
    assert_eq!(d["num_comments"], 12);
    assert_eq!(d["flair"], "Timetables");
    assert_eq!(d["spoiler"], true);
    assert_eq!(d["locked"], true);
    assert_eq!(
        d["permalink"],
        "https://www.reddit.com/r/ferries/comments/fy100/summer_timetable/"
    );
    assert!(d.get("nsfw").is_none(), "false is left out");
    assert!(d.get("url").is_none(), "a self post has no link");

    let list = get(&app, "/api/discussions").await.json();
    let news = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "harbour-news")
        .unwrap();
    assert_eq!(news["nsfw"], true);
    assert_eq!(news["url"], "https://example.org/ferry-news");
    assert_eq!(news["score"], 77);
    let top = get(&app, "/api/discussions?sort=top").await.json();
    let order: Vec<&str> = top
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["summer-timetable", "fy300", "harbour-news"]);
    let page = get(&app, "/?sort=top").await;
    page.assert_in_order(&[
        "Summer timetable",
        "512 points",
        "Night crossings",
        "300 points",
        "Harbour news",
        "77 points",
    ]);

    let dump = get(&app, "/api/discussions/fy300").await.json();
    let fd = |id: &str| comment_in(&dump, id);
    assert_eq!(fd("fd002")["removed"], "author later");
    assert_eq!(fd("fd006")["removed"], "reddit");
    assert_eq!(fd("fd005")["edited"], true);

    // Our text format: none of the fields.
    let text = get(
        &app_over(&super::samples_dir()),
        "/api/discussions/003_night-trains",
    )
    .await
    .json();
    for key in ["score", "subreddit", "permalink"] {
        assert!(text.get(key).is_none(), "{key}");
    }
    assert!(text["comments"][0].get("score").is_none());
}

#[tokio::test]
async fn reddit_shaped_addresses_open_the_local_copy() {
    let app = app_over(&fixtures());
    for (from, to) in [
        (
            "/r/ferries/comments/fy100/summer_timetable/",
            "/d/summer-timetable",
        ),
        ("/r/ferries/comments/fy100", "/d/summer-timetable"),
        (
            "/r/Ferries/comments/FY100/x/?utm_source=share",
            "/d/summer-timetable",
        ),
        (
            "/r/ferries/comments/fy200/harbour_news/fb002/",
            "/d/harbour-news/c/fb002#c-fb002",
        ),
        ("/comments/fy300/", "/d/fy300"),
        ("/r/ferries/comments/fy300/night/nocomment/", "/d/fy300"),
    ] {
        let reply = get(&app, from).await;
        assert_eq!(reply.status, 308, "{from}");
        assert_eq!(reply.headers["location"], to, "{from}");
    }
    // Only Reddit's addresses keep their trailing slash to the redirect.
    let author = get(&app, "/authors/comments/").await;
    assert_eq!(author.status, 308);
    assert_eq!(author.headers["location"], "/authors/comments");
    let missing = get(&app, "/r/ferries/comments/zz999/gone/").await;
    assert_eq!(missing.status, 404);
    assert!(
        missing
            .body
            .contains("The Reddit post zz999 is not in this archive.")
    );
}

#[tokio::test]
async fn links_to_archived_threads_stay_home_on_the_server_and_in_an_export() {
    let app = app_over(&fixtures());
    let page = get(&app, "/d/summer-timetable").await;
    let html = Html::parse_document(&page.body);
    let body: Vec<(String, String)> = html
        .select(&Selector::parse("li#c-c0a1 > details > div.body a").unwrap())
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_owned(),
                a.value().attr("class").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let hrefs: Vec<&str> = body.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        hrefs,
        [
            "/d/harbour-news",
            "/d/fy300",
            "/d/harbour-news/c/fb002#c-fb002",
            "https://example.org/timetable",
            "https://www.reddit.com/r/boats",
        ]
    );
    assert!(body[..3].iter().all(|(_, class)| class == "here"));
    assert!(body[3..].iter().all(|(_, class)| class.is_empty()));
    assert!(page.body.contains(
        "title=\"archived here; the original: https://old.reddit.com/r/ferries/comments/fy200/harbour_news/\""
    ));
    assert_eq!(
        select(&html, "li#c-c0a1 > details > div.body span.here").len(),
        3,
        "each is marked as archived here"
    );

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    export_to(&fixtures(), &out).expect("the export is written");
    let pages = html_files(&out);
    let (name, exported) = pages
        .iter()
        .find(|(name, html)| name.contains("summer-timetable") && html.contains("c-c0a1"))
        .expect("the thread is exported");
    assert!(
        exported.contains("class=\"here\" href=\"harbour-news.html\"")
            || exported.contains("class=\"here\" href=\"../d/harbour-news.html\""),
        "relative, in {name}"
    );
    // Every link of the export leads to a file and its anchor.
    let anchors = check_links(&out);
    assert!(anchors.contains("c0a1") && anchors.contains("fb002"));
}

#[tokio::test]
async fn search_leaves_out_authors_and_keeps_scores_and_flairs() {
    let check = |app: axum::Router| async move {
        let ids = |q: &'static str| {
            let app = app.clone();
            async move {
                let mut ids: Vec<String> = super::searched(&app, q)
                    .await
                    .iter()
                    .flat_map(|d| d["comments"].as_array().unwrap().clone())
                    .map(|c| c["id"].as_str().unwrap().to_owned())
                    .collect();
                ids.sort();
                ids
            }
        };
        assert_eq!(
            ids("score:%3E40").await,
            ["c0a1", "c0a2", "c0a4", "c0b2", "c0b3", "fd002"]
        );
        assert_eq!(ids("score:%3C2").await, ["c0m1", "fd004", "fd006", "fd008"]);
        assert_eq!(ids("flair:%22verified%20expert%22").await, ["fd007"]);
        assert_eq!(ids("reminder").await, ["fd008"]);
        assert!(ids("reminder%20-author:AutoModerator").await.is_empty());
        assert_eq!(
            ids("pier%20-author:deck_hand").await,
            ["fb002", "fb003", "fd005"]
        );
    };
    // The scan, then the index.
    check(app_over(&fixtures())).await;
    let index = tempfile::tempdir().unwrap();
    check(super::app_indexed(&fixtures(), index.path())).await;

    let bad = get(&app_over(&fixtures()), "/api/search?q=score:lots").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("score:>10"));
}

/// The team's real threads, as Reddit sent them: every comment has its
/// score on the page and in the API, and `top` orders every level.
#[tokio::test]
async fn real_reddit_threads_show_scores_and_sort_by_them() {
    let Some(dir) = shared_dir("corpus-reddit") else {
        return;
    };
    let app = app_over(&dir);
    let list = get(&app, "/api/discussions").await.json();
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 4);
    for id in &ids {
        let d = get(&app, &format!("/api/discussions/{id}?sort=top"))
            .await
            .json();
        assert!(d["score"].is_i64() && d["posted_at"].is_string(), "{id}");
        assert!(
            d["permalink"]
                .as_str()
                .unwrap()
                .starts_with("https://www.reddit.com/r/")
        );
        let comments = d["comments"].as_array().unwrap();
        assert!(
            comments.iter().all(|c| c["score"].is_i64()),
            "{id}: every comment scored"
        );
        // Siblings in API order: pinned first, then by score, highest first.
        let mut siblings: std::collections::HashMap<String, Vec<(bool, i64)>> = Default::default();
        for c in comments {
            siblings
                .entry(c["parent"].as_str().unwrap_or("").to_owned())
                .or_default()
                .push((c["stickied"] == true, c["score"].as_i64().unwrap()));
        }
        for list in siblings.values() {
            assert!(
                list.windows(2)
                    .all(|w| (!w[0].0, -w[0].1) <= (!w[1].0, -w[1].1)),
                "{id}: {list:?}"
            );
        }
        let page = get(&app, &format!("/d/{id}?sort=top")).await;
        let html = Html::parse_document(&page.body);
        let shown = select(&html, "li.comment").len();
        let scored = select(&html, "li.comment > details > summary .score").len();
        assert!(shown > 0 && scored == shown, "{id}: {scored} of {shown}");
        assert!(page.body.contains("class=\"post-facts\""));
    }
    // A Reddit-shaped address of a real thread.
    let reply = get(
        &app,
        "/r/AskReddit/comments/6wmniq/which_conspiracy_theory/",
    )
    .await;
    assert_eq!(reply.status, 308);
    assert_eq!(reply.headers["location"], "/d/002_6wmniq");
}

#[tokio::test]
async fn an_export_made_again_links_home_to_a_thread_added_since() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::copy(
        fixtures().join("summer-timetable.json"),
        docs.join("summer-timetable.json"),
    )
    .unwrap();
    let out = dir.path().join("site");
    let thread = |out: &Path| {
        html_files(out)
            .into_iter()
            .find(|(name, html)| name.contains("summer-timetable") && html.contains("c-c0a1"))
            .unwrap()
            .1
    };
    export_to(&docs, &out).unwrap();
    assert!(thread(&out).contains("href=\"https://old.reddit.com/r/ferries/comments/fy200/"));
    std::fs::copy(
        fixtures().join("harbour-news.json"),
        docs.join("harbour-news.json"),
    )
    .unwrap();
    export_to(&docs, &out).unwrap();
    let again = thread(&out);
    assert!(
        again.contains("class=\"here\" href=\"harbour-news.html\"")
            || again.contains("class=\"here\" href=\"../d/harbour-news.html\""),
        "the unchanged thread's page is made again: it now links home"
    );
}

/// A dump thread opens in `top`: an export's continuation pages and
/// permalinks must place each comment where that order puts it.
#[test]
fn an_exported_dump_thread_links_every_comment_in_its_own_order() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let mut lines = vec![
        r#"{"id":"deep","title":"Deep","author":"a","created_utc":1700000000,"subreddit":"deep"}"#
            .to_owned(),
    ];
    // A chain twelve deep, then under its tenth comment 150 replies whose
    // scores run against their file order.
    let mut parent = "t3_deep".to_owned();
    for depth in 0..12 {
        lines.push(format!(
            r#"{{"id":"k{depth}","author":"a","body":"level {depth}","created_utc":{},"link_id":"t3_deep","parent_id":"{parent}","score":{}}}"#,
            1_700_000_100 + depth,
            depth
        ));
        parent = format!("t1_k{depth}");
    }
    for i in 0..150 {
        lines.push(format!(
            r#"{{"id":"r{i}","author":"b{i}","body":"reply {i}","created_utc":{},"link_id":"t3_deep","parent_id":"t1_k10","score":{i}}}"#,
            1_700_001_000 + i
        ));
    }
    std::fs::write(docs.join("r_deep.jsonl"), lines.join("\n")).unwrap();
    let out = dir.path().join("site");
    export_to(&docs, &out).unwrap();
    let anchors = check_links(&out);
    for i in 0..150 {
        assert!(anchors.contains(&format!("r{i}")), "r{i}");
    }
}
