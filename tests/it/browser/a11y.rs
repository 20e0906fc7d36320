//! Accessibility (axe-core) and looks (screenshots, no sideways overflow) of
//! the main pages, at phone and desktop widths, light and dark.

use serde_json::{Value, json};

use super::{Session, axe_source, required};

/// The main pages, with a name for their screenshots.
const PAGES: [(&str, &str); 8] = [
    ("index", "/"),
    ("discussion", "/d/001_tolerant-parsers"),
    ("comment", "/d/006_counting-game/c/COMMENT"),
    ("author", "/authors/kettlebell_kate"),
    ("author_excerpts", "/authors/kettlebell_kate?view=excerpts"),
    // Authors grouped by name: how an export holds most of them.
    ("by_name", "/by-name"),
    ("timeline", "/d/002_sourdough?view=timeline"),
    ("search", "/search?q=starter"),
];

/// The comment page shows the deepest visible comment of the counting game.
async fn page_path(s: &Session, path: &str) -> String {
    if !path.contains("COMMENT") {
        return path.to_owned();
    }
    s.goto("/api/discussions/006_counting-game").await;
    let id = s
        .eval("return JSON.parse(document.body.innerText).comments[6].id;")
        .await;
    path.replace("COMMENT", id.as_str().unwrap())
}

/// axe's violations on the current page, as `rule: targets` lines.
pub(super) async fn violations(s: &Session, axe: &str) -> Vec<String> {
    s.client.execute(axe, Vec::new()).await.expect("axe loads");
    let result = s
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations), e => done(String(e)));",
            Vec::new(),
        )
        .await
        .unwrap();
    let Value::Array(list) = result else {
        panic!("axe failed: {result}");
    };
    list.iter()
        .map(|v| {
            let targets: Vec<String> = v["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["target"].to_string())
                .collect();
            format!("{}: {}", v["id"], targets.join(", "))
        })
        .collect()
}

/// axe-core's script; `None` (after saying so) to skip, a panic where the
/// browser tests are required.
pub(super) fn axe() -> Option<String> {
    let source = axe_source();
    if source.is_none() {
        if required() {
            panic!(
                "THREADVIEW_REQUIRE_BROWSER=1 but axe-core is missing: run npm ci --prefix tests/browser"
            );
        }
        eprintln!("skipped: axe-core is missing (npm ci --prefix tests/browser)");
    }
    source
}

/// axe's violations on each of `paths` (named), in light and dark.
pub(super) async fn violations_in_both_schemes(
    s: &Session,
    axe: &str,
    paths: &[(String, String)],
) -> Vec<String> {
    let mut found = Vec::new();
    for dark in [false, true] {
        s.color_scheme(dark).await;
        for (name, path) in paths {
            s.goto(path).await;
            for v in violations(s, axe).await {
                let scheme = if dark { "dark" } else { "light" };
                found.push(format!("{name} ({scheme}) {v}"));
            }
        }
    }
    found
}

#[tokio::test]
async fn axe_finds_no_violations_in_light_and_dark() {
    let Some(axe) = axe() else { return };
    let Some(s) = Session::start().await else {
        return;
    };
    let mut pages = Vec::new();
    for (name, path) in PAGES {
        pages.push((name.to_owned(), page_path(&s, path).await));
    }
    let found = violations_in_both_schemes(&s, &axe, &pages).await;
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    s.close().await;
}

/// Threads from Reddit's formats: the "not archived" notes, times with
/// seconds, an untitled thread and the dumps' diagnostics.
#[tokio::test]
async fn axe_finds_no_violations_on_reddit_formats() {
    let Some(axe) = axe() else { return };
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let Some(s) = Session::start_over(&fixtures).await else {
        return;
    };
    let pages: Vec<(String, String)> = [
        "/d/lighthouse-keepers",
        "/d/lighthouse-keepers/c/c1bbbb2",
        "/d/tf001?view=timeline",
        "/d/tfzzz",
        "/diagnostics",
        "/",
        "/r/tinyfolk",
        "/2023",
        "/r/tinyfolk/2023/11",
        "/timeline",
    ]
    .iter()
    .map(|path| (path.to_string(), path.to_string()))
    .collect();
    let found = violations_in_both_schemes(&s, &axe, &pages).await;
    s.goto("/d/lighthouse-keepers").await;
    let notes = s.texts(".unarchived").await;
    assert_eq!(
        notes,
        [
            "4 more replies were not archived",
            "More replies were not archived",
            "7 more replies were not archived"
        ]
    );
    s.screenshot("reddit-thread").await;
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    s.close().await;
}

/// Scores, badges, flair, removal notes, the post's facts, its poll and
/// its folded body: in light and dark, with a screenshot of each.
#[tokio::test]
async fn axe_finds_no_violations_on_reddits_marks() {
    let Some(axe) = axe() else { return };
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reddit");
    let Some(s) = Session::start_over(&fixtures).await else {
        return;
    };
    let pages: Vec<(String, String)> = [
        "/d/summer-timetable",
        "/d/summer-timetable?sort=top",
        "/d/harbour-news",
        "/d/fy300",
        "/",
    ]
    .iter()
    .map(|path| (path.to_string(), path.to_string()))
    .collect();
    let found = violations_in_both_schemes(&s, &axe, &pages).await;
    for dark in [false, true] {
        s.color_scheme(dark).await;
        s.goto("/d/summer-timetable?sort=top").await;
        s.screenshot(if dark {
            "reddit-marks-dark"
        } else {
            "reddit-marks"
        })
        .await;
    }
    s.color_scheme(false).await;
    // The folded post opens without JavaScript.
    s.javascript(false).await;
    s.goto("/d/summer-timetable").await;
    let body = s.css("article details.folded .body").await;
    assert!(!body.is_displayed().await.unwrap());
    s.css("article details.folded > summary")
        .await
        .click()
        .await
        .unwrap();
    assert!(body.is_displayed().await.unwrap());
    s.javascript(true).await;
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    s.close().await;
}

#[tokio::test]
async fn screenshots_at_phone_and_desktop_widths_without_overflow() {
    let Some(s) = Session::start().await else {
        return;
    };
    let mut overflowing = Vec::new();
    for dark in [false, true] {
        s.color_scheme(dark).await;
        for width in [390, 1280] {
            s.width(width).await;
            for (name, path) in PAGES {
                let path = page_path(&s, path).await;
                s.goto(&path).await;
                let theme = if dark { "dark" } else { "light" };
                s.screenshot(&format!("{name}-{width}-{theme}")).await;
                let overflow = s
                    .eval("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
                    .await;
                if overflow != json!(0) {
                    overflowing.push(format!(
                        "{name} at {width}px ({theme}): {overflow}px too wide"
                    ));
                }
            }
        }
    }
    assert!(overflowing.is_empty(), "{}", overflowing.join("\n"));
    s.close().await;
}

/// The page of a first start: axe finds nothing in it; with JavaScript it
/// follows the progress and opens the page asked for once the archive is
/// read; without, its link does.
#[tokio::test]
async fn the_first_start_page_opens_the_page_asked_for_once_the_archive_is_read() {
    use std::sync::Arc;
    use threadview::web::loading::Loading;
    use threadview::web::{AppState, app};
    let Some(axe) = axe() else { return };
    let loading = Loading::new();
    loading.update(108_000_000, 203_147_301);
    let state = Arc::new(
        AppState::new(threadview::model::Archive::default()).with_loading(loading.clone()),
    );
    let served = state.clone();
    let Some(s) = Session::start_with(move || app(served)).await else {
        return;
    };
    s.goto("/d/003_night-trains").await;
    assert_eq!(s.texts("h1").await, ["Reading the archive"]);
    let found = violations_in_both_schemes(
        &s,
        &axe,
        &[("first start".to_owned(), "/d/003_night-trains".to_owned())],
    )
    .await;
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    s.goto("/d/003_night-trains").await;
    s.screenshot("first-start").await;
    // The script asks again every two seconds and shows the new figures
    // (read in one step: it replaces them as it goes).
    let read = |script: &'static str| {
        let s = &s;
        async move { s.eval(script).await.as_str().unwrap_or_default().to_owned() }
    };
    const MAIN: &str = "return document.querySelector('main').innerText;";
    const HEADING: &str = "return document.querySelector('h1').textContent;";
    loading.update(150_000_000, 203_147_301);
    let mut seen = String::new();
    for _ in 0..150 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        seen = read(MAIN).await;
        if seen.contains("(73%)") {
            break;
        }
    }
    assert!(seen.contains("(73%)"), "{seen}");
    let title = "Night trains are back in Europe. Are they any good?";
    let archive = crate::load(&crate::samples_dir()).unwrap().archive;
    state.replace(archive);
    loading.finish();
    let mut heading = String::new();
    for _ in 0..150 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        heading = read(HEADING).await;
        if heading == title {
            break;
        }
    }
    assert_eq!(heading, title, "opened by itself");

    // Without JavaScript, its link opens the page asked for.
    let loading = Loading::new();
    let state = Arc::new(
        AppState::new(threadview::model::Archive::default()).with_loading(loading.clone()),
    );
    let served = state.clone();
    s.close().await;
    let Some(s) = Session::start_with(move || app(served)).await else {
        return;
    };
    s.javascript(false).await;
    s.goto("/d/003_night-trains?sort=new").await;
    assert_eq!(s.texts("h1").await, ["Reading the archive"]);
    state.replace(crate::load(&crate::samples_dir()).unwrap().archive);
    loading.finish();
    s.css("main a").await.click().await.unwrap();
    assert_eq!(s.texts("h1").await, [title]);
    let path = s.eval("return location.pathname + location.search;").await;
    assert_eq!(path, "/d/003_night-trains?sort=new");
    s.close().await;
}
