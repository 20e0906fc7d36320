//! Communities: each discussion's subreddit or source, the pages that list
//! a community's discussions, the index that leads with them, the search
//! filter and the API.

use std::path::Path;

use scraper::{Html, Selector};

use super::{app_over, get, samples_dir};

/// Our samples, the Reddit fixtures and a dump pair of another subreddit:
/// several communities of both kinds.
fn mixed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = [
        samples_dir(),
        root.join("tests/fixtures/reddit"),
        root.join("tests/fixtures/formats"),
    ];
    for source in sources {
        for entry in std::fs::read_dir(source).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e != "md") {
                std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

fn texts(html: &str, css: &str) -> Vec<String> {
    Html::parse_document(html)
        .select(&Selector::parse(css).unwrap())
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

#[tokio::test]
async fn the_index_leads_with_the_communities_and_each_has_its_page() {
    let dir = mixed();
    let app = app_over(dir.path());
    let index = get(&app, "/").await;
    let names = texts(&index.body, "section.communities tbody th");
    for name in [
        "r/ferries",
        "r/tinyfolk",
        "r/canals",
        "r/programming",
        "example.net",
    ] {
        assert!(names.contains(&name.to_owned()), "{name} in {names:?}");
    }
    assert!(index.body.contains("<a href=\"/r/ferries\">r/ferries</a>"));
    assert!(
        index
            .body
            .contains("<a href=\"/s/example.net\">example.net</a>")
    );
    // Every list names each discussion's community, linked.
    assert!(
        index
            .body
            .contains("<a class=\"community\" href=\"/r/ferries\">r/ferries</a>")
    );

    let ferries = get(&app, "/r/ferries?sort=top").await;
    assert_eq!(ferries.status, 200);
    assert_eq!(
        texts(&ferries.body, "ol.discussions a.title"),
        [
            "Summer timetable & night crossings",
            "Night crossings are back",
            "Harbour news: pier 3 closes"
        ]
    );
    assert_eq!(texts(&ferries.body, "h1"), ["r/ferries"]);
    assert!(
        ferries.body.contains("value=\"subreddit:ferries \""),
        "the search box starts within it"
    );
    // Its activity month by month, each bar leading to its month.
    assert!(ferries.body.contains("<figure class=\"activity months\">"));
    assert!(ferries.body.contains(
        "<a href=\"/r/ferries/2024/05\"><title>May 2024: 2 discussions started, 11 comments</title>"
    ));
    assert!(
        index.body.contains("<svg class=\"strip\""),
        "a small strip for each community"
    );
    let authors = texts(&ferries.body, "details.participants li a");
    assert!(authors.len() <= 10 && authors.contains(&"captain_ro".to_owned()));
    // A subreddit's name in any case; an unknown one is a 404.
    assert_eq!(get(&app, "/r/Ferries").await.status, 200);
    assert_eq!(get(&app, "/r/nowhere").await.status, 404);
    let source = get(&app, "/s/example.net").await;
    assert_eq!(source.status, 200);
    assert_eq!(texts(&source.body, "h1"), ["example.net"]);

    // An archive of one community names it.
    let one = get(
        &app_over(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reddit")),
        "/",
    )
    .await;
    assert!(texts(&one.body, "section.communities").is_empty());
    assert!(
        one.body
            .contains("<a class=\"community\" href=\"/r/ferries\">r/ferries</a>: 3 discussions")
    );
}

#[tokio::test]
async fn subreddit_and_source_keep_one_communitys_comments() {
    let dir = mixed();
    let check = |app: axum::Router| async move {
        let discussions = |q: &'static str| {
            let app = app.clone();
            async move {
                let mut ids: Vec<String> = super::searched(&app, q)
                    .await
                    .iter()
                    .map(|d| d["id"].as_str().unwrap().to_owned())
                    .collect();
                ids.sort();
                ids.dedup();
                ids
            }
        };
        assert_eq!(
            discussions("pier%20subreddit:ferries").await,
            ["fy300", "harbour-news"]
        );
        assert_eq!(
            discussions("subreddit:FERRIES%20score:%3E100").await,
            ["summer-timetable"]
        );
        assert!(discussions("pier%20subreddit:tinyfolk").await.is_empty());
        let net = discussions("source:%22example.net%22").await;
        assert_eq!(net.len(), 1, "{net:?}");
    };
    check(app_over(dir.path())).await;
    let index = tempfile::tempdir().unwrap();
    check(super::app_indexed(dir.path(), index.path())).await;
}

#[tokio::test]
async fn the_api_lists_communities_and_their_discussions() {
    let dir = mixed();
    let app = app_over(dir.path());
    let list = get(&app, "/api/communities").await.json();
    let ferries = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "r/ferries")
        .expect("r/ferries");
    assert_eq!(ferries["discussion_count"], 3);
    assert_eq!(ferries["comment_count"], 19);
    assert_eq!(ferries["first_comment_at"], "2024-04-01T12:00:00Z");
    let counts: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["comment_count"].as_u64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most comments first"
    );

    let discussions = get(&app, "/api/communities/r/ferries?sort=top")
        .await
        .json();
    let ids: Vec<&str> = discussions
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["summer-timetable", "fy300", "harbour-news"]);
    assert!(
        discussions
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["community"] == "r/ferries")
    );
    assert_eq!(get(&app, "/api/communities/r/nowhere").await.status, 404);
    let source = get(&app, "/api/communities/example.net").await.json();
    assert_eq!(source.as_array().unwrap().len(), 1);
}

/// 120 discussions of 850 comments in four communities, their times
/// interleaved across discussions and days.
fn generated(dir: &Path) -> usize {
    let base = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut total = 0;
    for i in 0..120 {
        let mut doc = format!(
            "Generated discussion {i}\n\nAuthored by self.sub{} and submitted by op{i}\n\nBody.\n\n",
            i % 4
        );
        for j in 0..850usize {
            let at = base + chrono::TimeDelta::minutes((i * 37 + j * 61) as i64);
            let indent = if j % 3 == 0 { "" } else { "    " };
            doc.push_str(&format!(
                "{indent}author{} on {} UTC »\n\n{indent}Comment {j} of {i}.\n\n",
                j % 50,
                at.format("%B %-d, %Y at %H:%M")
            ));
            total += 1;
        }
        std::fs::write(dir.join(format!("g{i:03}.txt")), doc).unwrap();
    }
    total
}

/// Follows `rel="next"` from `start` through every page; the comments met
/// (their discussion and id) and their times.
async fn walk_pages(app: &axum::Router, start: &str) -> (Vec<(String, String)>, Vec<String>) {
    let (mut seen, mut times) = (Vec::new(), Vec::new());
    let mut next = Some(start.to_owned());
    let item = Selector::parse("ol.flat > li.comment").unwrap();
    let discussion = Selector::parse("p.in-discussion a").unwrap();
    let time = Selector::parse("p.meta time").unwrap();
    let rel = Selector::parse("link[rel=next]").unwrap();
    while let Some(uri) = next.take() {
        let page = get(app, &uri).await;
        assert_eq!(page.status, 200, "{uri}");
        let html = Html::parse_document(&page.body);
        for li in html.select(&item) {
            let d = li
                .select(&discussion)
                .next()
                .unwrap()
                .value()
                .attr("href")
                .unwrap();
            seen.push((d.to_owned(), li.value().id().unwrap().to_owned()));
            times.push(
                li.select(&time)
                    .next()
                    .unwrap()
                    .value()
                    .attr("datetime")
                    .unwrap()
                    .to_owned(),
            );
        }
        next = html
            .select(&rel)
            .next()
            .map(|l| l.value().attr("href").unwrap().to_owned());
    }
    (seen, times)
}

#[tokio::test]
async fn the_archives_timeline_reaches_every_comment_once_in_time_order() {
    let _turn = crate::HEAVY.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let total = generated(dir.path());
    assert!(total >= 100_000);
    let app = app_over(dir.path());

    let (seen, times) = walk_pages(&app, "/timeline").await;
    assert_eq!(seen.len(), total);
    let distinct: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(distinct.len(), total, "each comment once");
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");

    // A community's, the same way.
    let (sub1, times) = walk_pages(&app, "/timeline?community=r/sub1").await;
    assert_eq!(sub1.len(), total / 4);
    assert!(times.windows(2).all(|w| w[0] <= w[1]));

    // The date form opens the page that holds the day.
    let at = get(&app, "/timeline?at=2024-01-20").await;
    let html = Html::parse_document(&at.body);
    let times: Vec<String> = html
        .select(&Selector::parse("p.meta time").unwrap())
        .map(|t| t.value().attr("datetime").unwrap().to_owned())
        .collect();
    assert!(times.first().unwrap().as_str() <= "2024-01-20T00:00:00Z");
    assert!(times.last().unwrap().as_str() >= "2024-01-20T00:00:00Z");

    // The API: every comment once, in time order, through its Link headers.
    let mut next = Some("/api/comments?limit=10000".to_owned());
    let mut api = Vec::new();
    while let Some(uri) = next.take() {
        let reply = get(&app, &uri).await;
        assert_eq!(reply.status, 200);
        for c in reply.json().as_array().unwrap() {
            api.push((
                c["discussion"].as_str().unwrap().to_owned(),
                c["id"].as_str().unwrap().to_owned(),
                c["posted_at"].as_str().unwrap().to_owned(),
            ));
        }
        next = reply.headers.get("link").and_then(|link| {
            let link = link.to_str().unwrap();
            link.split(',')
                .find(|part| part.contains("rel=\"next\""))
                .map(|part| {
                    part.trim()
                        .trim_start_matches('<')
                        .split('>')
                        .next()
                        .unwrap()
                        .to_owned()
                })
        });
    }
    assert_eq!(api.len(), total);
    assert!(api.windows(2).all(|w| w[0].2 <= w[1].2));
    let distinct: std::collections::HashSet<_> = api.iter().map(|c| (&c.0, &c.1)).collect();
    assert_eq!(distinct.len(), total);
    let narrowed = get(
        &app,
        "/api/comments?community=r/sub2&after=2024-01-10&before=2024-01-11&limit=10000",
    )
    .await
    .json();
    let narrowed = narrowed.as_array().unwrap();
    assert!(!narrowed.is_empty());
    assert!(narrowed.iter().all(|c| {
        let at = c["posted_at"].as_str().unwrap();
        let i: usize = c["discussion"].as_str().unwrap()[1..].parse().unwrap();
        ("2024-01-10".."2024-01-11").contains(&at) && i % 4 == 2
    }));
}

#[tokio::test]
async fn years_months_and_days_list_what_started_in_them() {
    let dir = mixed();
    let app = app_over(dir.path());
    let month = get(&app, "/r/ferries/2024/05").await;
    assert_eq!(month.status, 200);
    assert_eq!(texts(&month.body, "h1"), ["May 2024 in r/ferries"]);
    assert_eq!(
        texts(&month.body, "ol.discussions a.title"),
        [
            "Summer timetable & night crossings",
            "Harbour news: pier 3 closes"
        ],
        "top first, where there are scores"
    );
    assert!(month.body.contains("Dates are UTC."));
    // The calendar links the days with content.
    assert!(
        month
            .body
            .contains("<a href=\"/r/ferries/2024/05/01\">1</a>")
    );
    assert!(!month.body.contains("href=\"/r/ferries/2024/05/03\""));
    assert!(
        month
            .body
            .contains("<a rel=\"prev\" href=\"/r/ferries/2024/04\">")
    );

    // An empty day is a page that says so, with the nearest days that have
    // something.
    let empty = get(&app, "/r/ferries/2024/05/03").await;
    assert_eq!(empty.status, 200);
    assert!(
        empty
            .body
            .contains("No discussion started in May 3rd, 2024 in r/ferries.")
    );
    assert!(
        empty
            .body
            .contains("<a rel=\"prev\" href=\"/r/ferries/2024/05/02\">")
    );
    let before_all = get(&app, "/1999").await;
    assert_eq!(before_all.status, 200);
    assert!(before_all.body.contains("<a rel=\"next\" href=\"/2022\">"));

    // A year: its months as a strip; the archive's years with counts.
    let year = get(&app, "/2024").await;
    assert!(year.body.contains("<figure class=\"months\">"));
    assert!(year.body.contains("href=\"/2024/05\""));
    assert!(
        year.body
            .contains("<a href=\"/2024\" aria-current=\"true\">2024</a>")
    );
    let index = get(&app, "/").await;
    assert!(index.body.contains("By year:"));
    assert!(
        index
            .body
            .contains("<a href=\"/2024\">2024</a> <span class=\"count\">(6)</span>")
    );

    for missing in [
        "/2024/13",
        "/2024/02/30",
        "/24",
        "/r/nowhere/2024",
        "/2024/5",
    ] {
        assert_eq!(get(&app, missing).await.status, 404, "{missing}");
    }
}
