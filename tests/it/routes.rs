//! Every route, its statuses and its essential content, through the router.

use axum::Router;
use serde_json::Value;

use super::{Reply, app_over, get, get_with, samples_dir, shared_dir};

fn samples() -> Router {
    app_over(&samples_dir())
}

const PARSERS: &str = "/d/001_tolerant-parsers";

/// The authors of the comments in a page's thread, in page order.
fn thread_authors(reply: &Reply) -> Vec<String> {
    let start = reply.body.find("<ul class=\"thread\">").unwrap();
    reply.body[start..]
        .split("<span class=\"author\">")
        .skip(1)
        .map(|rest| rest[..rest.find("</span>").unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn the_seed_shows_three_comments_sorted_by_time() {
    let Some(dir) = shared_dir("seeds") else {
        return;
    };
    let app = app_over(&dir);
    let page = get(&app, "/d/000_3e51731060edc037").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("<li class=\"comment").count(), 3);
    // The OP badge follows The-first-laugh's name in the thread.
    let thread = &page.body[page.body.find("<ul class=\"thread\">").unwrap()..];
    assert!(thread.contains("<span class=\"author\">The-first-laugh</span> <abbr class=\"op\""));
    assert!(!thread.contains("<span class=\"author\">humtum6767</span> <abbr"));

    let new = get(&app, "/d/000_3e51731060edc037?sort=new").await;
    let order = ["humtum6767", "WellOkayMaybe", "The-first-laugh"];
    assert_eq!(thread_authors(&new), order);
    let old = get(&app, "/d/000_3e51731060edc037?sort=old").await;
    let mut reversed = order.to_vec();
    reversed.reverse();
    assert_eq!(thread_authors(&old), reversed);
}

#[tokio::test]
async fn the_index_lists_every_discussion_and_sorts() {
    let app = samples();
    let page = get(&app, "/").await;
    assert_eq!(page.status, 200);
    assert!(page.content_type().starts_with("text/html"));
    for title in [
        "Ask: how do you write a parser that never gives up?",
        "My sourdough starter died over the holidays",
        "Night trains are back in Europe. Are they any good?",
        "Windows line endings and a byte-order mark",
    ] {
        assert!(page.body.contains(title), "{title}");
    }
    // Latest activity first: the sourdough thread (2025) leads.
    page.assert_in_order(&["sourdough", "Night trains"]);
    assert!(
        page.body
            .contains("by <span class=\"author\">marginalia</span>")
    );
    assert!(
        page.body
            .contains("<a class=\"community\" href=\"/r/Breadit\">r/Breadit</a>"),
        "a self post's source is its community"
    );
    assert!(
        !page
            .body
            .contains("<span class=\"source\">self.Breadit</span>")
    );
    assert!(page.body.contains("12 comments"));
    assert!(
        page.body
            .contains("2024-03-03 09:12 UTC → <time datetime=\"2024-03-05T22:45:00Z\">")
    );

    let by_count = get(&app, "/?sort=comments").await;
    by_count.assert_in_order(&["parser that never gives up", "sourdough", "Night trains"]);
    let by_title = get(&app, "/?sort=title").await;
    by_title.assert_in_order(&[
        "A file with problems",
        "Ask: how",
        "My sourdough",
        "Night trains",
        "Windows",
    ]);
    assert!(
        by_title
            .body
            .contains("<a href=\"/?sort=title\" aria-current=\"true\">")
    );

    let bad = get(&app, "/?sort=size").await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("activity")
            && bad.body.contains("comments")
            && bad.body.contains("title")
    );
}

#[tokio::test]
async fn a_discussion_shows_its_article_and_nested_thread() {
    let app = samples();
    let page = get(&app, PARSERS).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<h1>Ask: how do you write a parser that never gives up?</h1>")
    );
    assert!(page.body.contains("from <span class=\"source\">self.programming</span> · submitted by <a class=\"author\" href=\"/authors/marginalia\">marginalia</a>"));
    // The article's Markdown is rendered.
    assert!(page.body.contains("<strong>where</strong>"));
    // Six levels deep: five reply lists open before the deepest comment.
    let deepest = page.body.find("cargo fuzz").unwrap();
    let before = &page.body[..deepest];
    assert_eq!(
        before.matches("<ul class=\"replies\">").count()
            - before.matches("</ul></details>").count(),
        5
    );
    // Collapsible without JavaScript, with the hidden replies counted.
    assert!(page.body.contains("<details open>"));
    assert!(
        page.body
            .contains("<span class=\"hidden-count\"> · 7 replies hidden</span>")
    );
    // Times in UTC with their original text, and offsets from the first comment.
    assert!(page.body.contains(
        "<time datetime=\"2024-03-03T09:40:00Z\">March 3rd, 2024 at 09:40 UTC</time> · <span class=\"offset\">+28m</span>"
    ));
    assert!(page.body.contains("+2d 13h"));
    // OP badge on the submitter's comments only.
    assert_eq!(
        page.body
            .matches("<span class=\"author\">marginalia</span> <abbr class=\"op\"")
            .count(),
        3
    );
    // Every comment has a permalink; bare links are linked safely.
    assert_eq!(page.body.matches(">permalink</a>").count(), 12);
    assert!(page.body.contains("<a href=\"https://rust-analyzer.github.io/book/contributing/architecture.html\" rel=\"nofollow noopener noreferrer\">"));
    // The participants, with counts, each a link to the filter.
    assert!(page.body.contains("<a href=\"/d/001_tolerant-parsers?author=kettlebell_kate\">kettlebell_kate</a> <span class=\"count\">3</span>"));
    assert!(
        page.body
            .contains("<a href=\"/d/001_tolerant-parsers?author=%5Bdeleted%5D\">[deleted]</a>")
    );
}

#[tokio::test]
async fn sorting_orders_siblings_and_keeps_replies_under_parents() {
    let app = samples();
    let thread = |r: Reply| thread_authors(&r);
    let original = thread(get(&app, "/d/003_night-trains").await);
    assert_eq!(
        original,
        [
            "rail_and_rye",
            "compartment_7",
            "rail_and_rye",
            "timetable_nerd",
            "compartment_7",
            "sleepless_in_linz",
            "earplugs_anonymous",
            "timetable_nerd",
            "rail_and_rye",
        ]
    );
    let new = thread(get(&app, "/d/003_night-trains?sort=new").await);
    assert_eq!(
        new,
        [
            "timetable_nerd",
            "rail_and_rye",
            "rail_and_rye",
            "sleepless_in_linz",
            "earplugs_anonymous",
            "compartment_7",
            "rail_and_rye",
            "timetable_nerd",
            "compartment_7",
        ]
    );
    let old = thread(get(&app, "/d/003_night-trains?sort=old").await);
    assert_eq!(old, original);
    // Alphabetical happens to be the file order at every level here.
    let by_author = thread(get(&app, "/d/003_night-trains?sort=author").await);
    assert_eq!(by_author, original);
    // Sorting by author reorders the first level of the parsers thread.
    let parsers = thread(get(&app, "/d/001_tolerant-parsers?sort=author").await);
    assert_eq!(parsers[0], "ferrous_wheel");
    // The controls are plain links that keep the other parameters.
    let page = get(&app, "/d/003_night-trains?sort=old&author=rail_and_rye").await;
    assert!(
        page.body.contains(
            "<a href=\"/d/003_night-trains?sort=new&#38;author=rail_and_rye\">newest</a>"
        )
    );
    assert!(page.body.contains("aria-current=\"true\">oldest</a>"));
}

#[tokio::test]
async fn an_author_filter_shows_only_their_comments_with_links_to_context() {
    let app = samples();
    let page = get(&app, "/d/001_tolerant-parsers?author=marginalia").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Comments by marginalia (3)"));
    let list = &page.body[page.body.find("<ol class=\"flat\">").unwrap()..];
    let authors: Vec<_> = list.matches("<span class=\"author\">").collect();
    assert_eq!(authors.len(), 3);
    assert!(!list.contains("<span class=\"author\">kettlebell_kate"));
    assert!(list.contains("in reply to <a href=\"/d/001_tolerant-parsers/c/"));
    assert!(list.contains("\">kettlebell_kate</a>: <q>Separate recognising from deciding."));
    assert!(list.contains("href=\"/d/001_tolerant-parsers#c-"));
    assert!(page.body.contains("aria-current=\"true\">marginalia</a>"));

    // Names that need escaping, newest first.
    let deleted = get(&app, "/d/002_sourdough?author=%5Bdeleted%5D").await;
    assert_eq!(deleted.status, 200);
    assert!(deleted.body.contains("Comments by [deleted] (1)"));
    let angle = get(&app, "/d/002_sourdough?author=%3CUSERNAME%3E").await;
    assert!(angle.body.contains("Comments by &#60;USERNAME&#62; (1)"));
    let tanaka = get(
        &app,
        "/d/002_sourdough?author=%E7%94%B0%E4%B8%AD%E3%83%91%E3%83%B3",
    )
    .await;
    assert!(tanaka.body.contains("Comments by 田中パン (1)"));
    let newest = get(&app, "/d/002_sourdough?author=crumb_and_crust&sort=new").await;
    newest.assert_in_order(&[
        "January 9th",
        "January 6th, 2025 at 17:35",
        "January 6th, 2025 at 17:20",
    ]);

    let nobody = get(&app, "/d/002_sourdough?author=nobody").await;
    assert_eq!(nobody.status, 404);
}

#[tokio::test]
async fn a_comment_page_shows_its_parents_and_replies_highlighted() {
    let app = samples();
    let api = get(&app, "/api/discussions/001_tolerant-parsers")
        .await
        .json();
    let comments = api["comments"].as_array().unwrap();
    let third = comments[2]["id"].as_str().unwrap(); // kettlebell_kate, depth 2
    let page = get(&app, &format!("/d/001_tolerant-parsers/c/{third}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!(
        "<li class=\"comment highlighted\" id=\"c-{third}\">"
    )));
    // Its parents for context, outermost first, then it and its replies.
    page.assert_in_order(&[
        "In reply to",
        "March 3rd, 2024 at 09:12",
        "March 3rd, 2024 at 09:40",
        "The comment and its replies",
        "Anchor both ends",
        "Anchored, trimmed",
        "This comment was removed",
        "cargo fuzz",
    ]);
    assert!(!page.body.contains("Counterpoint"));
    assert!(
        page.body
            .contains("href=\"/d/001_tolerant-parsers\">← The whole discussion")
    );
    assert!(
        page.body
            .contains(&format!("href=\"/d/001_tolerant-parsers#c-{third}\""))
    );

    let missing = get(&app, "/d/001_tolerant-parsers/c/nosuchid").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("There is no comment"));
}

#[tokio::test]
async fn markdown_is_rendered_and_raw_html_is_never_passed_through() {
    let app = samples();
    let page = get(&app, "/d/004_odd-input").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("<img"));
    assert!(
        page.body
            .contains("&#60;script&#62;alert(&#34;not run&#34;)&#60;/script&#62;")
    );
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.body.contains("href=\"javascript"));
    assert!(page.body.contains("a javascript link stays plain text"));
    // Impossible dates: kept, shown as unknown.
    assert!(
        page.body
            .contains("February 30th, 2024 at 09:00 UTC (time unknown)")
    );

    let bread = get(&app, "/d/002_sourdough").await;
    assert!(bread.body.contains("<ol>\n<li>keep a spoonful"));
    assert!(bread.body.contains("<a href=\"https://www.kingarthurbaking.com/recipes/sourdough-starter-recipe\" rel=\"nofollow noopener noreferrer\">King Arthur&#39;s guide</a>")
        || bread.body.contains("<a href=\"https://www.kingarthurbaking.com/recipes/sourdough-starter-recipe\" rel=\"nofollow noopener noreferrer\">King Arthur's guide</a>"));
    let parsers = get(&app, PARSERS).await;
    assert!(parsers.body.contains("<table tabindex=\"0\">"));
    assert!(parsers.body.contains("<del>mixed</del>"));
    assert!(
        parsers
            .body
            .contains("<pre tabindex=\"0\"><code>^(\\s*)(\\S+) on")
    );
}

#[tokio::test]
async fn unknown_things_get_404_and_bad_values_400_never_500() {
    let app = samples();
    for uri in [
        "/d/nope",
        "/d/nope/c/x",
        "/nowhere",
        "/static/nothing.css",
        "/d/001_tolerant-parsers?page=9",
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, 404, "{uri}");
        assert!(reply.body.contains("<h1>404 Not Found</h1>"), "{uri}");
    }
    for uri in [
        "/d/001_tolerant-parsers?sort=bogus",
        "/d/001_tolerant-parsers?sort=",
        "/d/001_tolerant-parsers/c/x?sort=NEW",
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, 400, "{uri}");
        assert!(reply.body.contains("<h1>400 Bad Request</h1>"), "{uri}");
        assert!(
            reply
                .body
                .contains("`original`, `top`, `new`, `old`, `author`"),
            "{uri}"
        );
    }
    // A bad value links to the same view without it, keeping the rest.
    let bad = get(&app, "/d/001_tolerant-parsers?view=timeline&sort=bogus").await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body
            .contains("<a href=\"/d/001_tolerant-parsers?view=timeline\">"),
        "{}",
        bad.body
    );
}

#[tokio::test]
async fn file_names_with_spaces_and_unicode_are_addressable() {
    let app = samples();
    let index = get(&app, "/").await;
    let href = "/d/005%20Windows%20%C3%BCn%C3%AFcode%20name";
    assert!(index.body.contains(&format!("href=\"{href}\"")));
    let page = get(&app, href).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<h1>Windows line endings and a byte-order mark</h1>")
    );
    assert!(page.body.contains("<em>Boxing Day</em>"));
}

#[tokio::test]
async fn the_api_lists_discussions_in_the_documented_shape() {
    let app = samples();
    let reply = get(&app, "/api/discussions").await;
    assert_eq!(reply.status, 200);
    assert!(reply.content_type().starts_with("application/json"));
    let list = reply.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 6);
    let parsers = list
        .iter()
        .find(|d| d["id"] == "001_tolerant-parsers")
        .unwrap();
    assert_eq!(
        parsers,
        &serde_json::json!({
            "id": "001_tolerant-parsers",
            "title": "Ask: how do you write a parser that never gives up?",
            "source": "self.programming",
            "community": "r/programming",
            "submitter": "marginalia",
            "comment_count": 12,
            "first_comment_at": "2024-03-03T09:12:00Z",
            "last_comment_at": "2024-03-05T22:45:00Z",
        })
    );
    let trains = list.iter().find(|d| d["id"] == "003_night-trains").unwrap();
    assert_eq!(trains["source"], Value::Null);
    assert_eq!(trains["submitter"], Value::Null);
    assert!(trains.get("community").is_none(), "no source, no community");
}

#[tokio::test]
async fn the_api_serves_a_discussion_sorted_and_filtered() {
    let app = samples();
    let d = get(&app, "/api/discussions/001_tolerant-parsers")
        .await
        .json();
    let keys: Vec<_> = d.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys.len(), 8);
    for key in [
        "id",
        "title",
        "source",
        "community",
        "submitter",
        "body",
        "media",
        "comments",
    ] {
        assert!(keys.contains(&key.to_owned()), "{key}");
    }
    assert!(
        d["body"]
            .as_str()
            .unwrap()
            .starts_with("I maintain a small tool")
    );
    assert_eq!(
        d["media"],
        serde_json::json!([]),
        "a text document has none"
    );
    let comments = d["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 12);
    let first = comments[0].as_object().unwrap();
    assert_eq!(first.len(), 6);
    assert_eq!(first["parent"], Value::Null);
    assert_eq!(first["posted_at"], "2024-03-03T09:12:00Z");
    assert_eq!(comments[1]["parent"], comments[0]["id"]);
    assert_eq!(comments[1]["depth"], 1);
    // Reply indentation is removed from bodies; code keeps its own.
    assert!(
        comments[2]["body"]
            .as_str()
            .unwrap()
            .contains("\n\n    ^(\\s*)(\\S+)")
    );

    let new = get(&app, "/api/discussions/001_tolerant-parsers?sort=new")
        .await
        .json();
    assert_eq!(new["comments"][0]["author"], "quietmoth");
    let mine = get(
        &app,
        "/api/discussions/001_tolerant-parsers?author=ostrakon",
    )
    .await
    .json();
    let mine = mine["comments"].as_array().unwrap();
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|c| c["author"] == "ostrakon"));
    assert_eq!(mine[1]["depth"], 1);

    let odd = get(&app, "/api/discussions/004_odd-input").await.json();
    let unknown = odd["comments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["posted_at"].is_null())
        .count();
    assert_eq!(unknown, 2);
}

#[tokio::test]
async fn api_errors_are_json_with_400_or_404() {
    let app = samples();
    for (uri, status) in [
        ("/api/discussions/nope", 404),
        ("/api/nothing", 404),
        ("/api/discussions/001_tolerant-parsers?sort=bogus", 400),
        ("/api/discussions/001_tolerant-parsers?author=nobody", 404),
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, status, "{uri}");
        let json = reply.json();
        assert!(
            json["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{uri}"
        );
        assert_eq!(json.as_object().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn assets_are_served_and_responses_compressed() {
    let app = samples();
    let page = get(&app, "/").await;
    assert!(page.body.contains("<meta name=\"viewport\""));
    // Assets are linked with their version and may then be cached for good.
    let start = page.body.find("/static/style.css?v=").unwrap();
    let href = &page.body[start..start + page.body[start..].find('"').unwrap()];
    let css = get(&app, href).await;
    assert_eq!(css.status, 200);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    assert!(
        css.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(css.body.contains("prefers-color-scheme: dark"));
    let stale = get(&app, "/static/style.css?v=old").await;
    assert_eq!(stale.headers["cache-control"], "no-cache");
    let js = get(&app, "/static/app.js").await;
    assert_eq!(js.headers["content-type"], "text/javascript; charset=utf-8");

    let gzipped = get_with(&app, PARSERS, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzipped.status, 200);
    assert_eq!(gzipped.headers["content-encoding"], "gzip");
}

#[tokio::test]
async fn an_empty_folder_says_how_to_point_threadview_at_documents() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_over(dir.path());
    let index = get(&app, "/").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("No discussions here yet"));
    assert!(index.body.contains("threadview path/to/your/archive"));
    assert!(!index.body.contains("rel=\"next\""));
}

/// Regression: link previews showed the raw Markdown (`&#3232;\_&#3232;`)
/// where the page shows "ಠ_ಠ". A preview is the rendered text, plain.
#[tokio::test]
async fn link_previews_are_the_rendered_text_not_the_markdown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("faces.txt"),
        "Faces\n\nA **bold** claim, with [a link](https://example.com/x) and `code`.\n\n\
         ann on May 1st, 2020 at 01:00 UTC »\n\nBad form, man &#3232;\\_&#3232;\n",
    )
    .unwrap();
    let app = app_over(dir.path());
    let page = get(&app, "/d/faces").await;
    assert!(
        page.body.contains(
            "<meta property=\"og:description\" content=\"A bold claim, with a link and code.\">"
        ),
        "{}",
        page.body
    );
    let html = scraper::Html::parse_document(&page.body);
    let id = html
        .select(&scraper::Selector::parse("li[id^=c-]").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("id")
        .unwrap()
        .trim_start_matches("c-")
        .to_owned();
    let comment = get(&app, &format!("/d/faces/c/{id}")).await;
    for name in ["name=\"description\"", "property=\"og:description\""] {
        assert!(
            comment
                .body
                .contains(&format!("<meta {name} content=\"Bad form, man ಠ_ಠ\">")),
            "{name}: {}",
            &comment.body[..1500]
        );
    }
    assert!(!comment.body.contains("&#3232;"));
}
