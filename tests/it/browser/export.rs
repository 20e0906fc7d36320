//! An exported site in the browser: served by a plain static file server
//! (tower-http's `ServeDir`) under a path prefix, and opened from disk.
//! With Pagefind (`npm ci --prefix tests/browser`), its search too.

use std::path::{Path, PathBuf};

use fantoccini::Locator;
use serde_json::{Value, json};

use super::a11y::{axe, violations};
use super::{Session, required};
use crate::samples_dir;
use threadview::export::{self, Options, Search};

const PREFIX: &str = "/archives/2024";

/// Pagefind from `tests/browser`, or `None` (after saying so) to test the
/// export without search; required where the browser tests are.
fn pagefind() -> Option<PathBuf> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/.bin/pagefind");
    if path.is_file() {
        return Some(path);
    }
    if required() {
        panic!(
            "THREADVIEW_REQUIRE_BROWSER=1 but Pagefind is missing: run npm ci --prefix tests/browser"
        );
    }
    eprintln!("search not tested: Pagefind is missing (npm ci --prefix tests/browser)");
    None
}

/// Whether the page has our stylesheet applied and our script ran (it
/// shows the copy-link buttons).
async fn styled_and_scripted(s: &Session) -> (bool, bool) {
    let styled = s
        .eval("return getComputedStyle(document.querySelector('header.site')).display === 'flex' || document.styleSheets[0].cssRules.length > 20;")
        .await;
    let scripted = s
        .eval("return [...document.querySelectorAll('button.copy-link')].some(b => !b.hidden);")
        .await;
    (styled == json!(true), scripted == json!(true))
}

async fn click_link(s: &Session, text: &str) {
    s.client
        .find(Locator::LinkText(text))
        .await
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn path(s: &Session) -> String {
    s.client.current_url().await.unwrap().path().to_owned()
}

/// Index → thread → an author (on a page of names) → the authors, by
/// their links.
async fn browse(s: &Session, start: &str) {
    s.client.goto(start).await.unwrap();
    assert_eq!(s.client.title().await.unwrap(), "Discussions · threadview");
    assert_eq!(styled_and_scripted(s).await, (true, true), "{start}");
    click_link(s, "Ask: how do you write a parser that never gives up?").await;
    assert!(path(s).await.ends_with("/d/001_tolerant-parsers.html"));
    let authors = s
        .texts("ul.thread > li.comment > details > summary .author")
        .await;
    assert_eq!(authors, ["kettlebell_kate", "ferrous_wheel", "quietmoth"]);
    assert_eq!(styled_and_scripted(s).await, (true, true));
    // Only the views the export holds are offered.
    assert!(
        s.client
            .find_all(Locator::Css("nav.choices[aria-label=Sort], form.narrow"))
            .await
            .unwrap()
            .is_empty()
    );
    // A short thread has no timeline in an export.
    assert!(
        s.client
            .find_all(Locator::Css("a[href*='.timeline']"))
            .await
            .unwrap()
            .is_empty()
    );
    // A permalink stays on the thread page, at the comment.
    let permalink = s.css("a.permalink").await;
    let href = permalink.attr("href").await.unwrap().unwrap();
    assert!(href.starts_with("#c-"), "{href}");
    permalink.click().await.unwrap();
    let target = s
        .eval("return document.querySelector(':target') !== null;")
        .await;
    assert_eq!(target, json!(true));
    // A participant's link opens their part of a page of names.
    s.css("details.participants summary")
        .await
        .click()
        .await
        .unwrap();
    click_link(s, "quietmoth").await;
    assert!(path(s).await.ends_with("/a/_names.html"));
    let at = s.client.current_url().await.unwrap();
    assert_eq!(at.fragment(), Some("u-quietmoth"));
    assert_eq!(
        s.eval("return document.querySelector(':target h2').textContent;")
            .await,
        json!("quietmoth")
    );
    click_link(s, "Authors").await;
    assert!(path(s).await.ends_with("/authors.html"));
    click_link(s, "Discussions").await;
    assert!(path(s).await.ends_with("/index.html"));
}

/// The first result's link, once the search page shows one.
async fn first_result(s: &Session) -> fantoccini::elements::Element {
    s.client
        .wait()
        .for_element(Locator::Css("#static-results li.result a"))
        .await
        .expect("a result appears")
}

/// Searches with the header's box and follows the first result to its
/// comment.
async fn search(s: &Session) {
    s.goto(&format!("{PREFIX}/index.html")).await;
    let box_ = s.css("#site-search").await;
    box_.send_keys("regex").await.unwrap();
    s.css("form.search button").await.click().await.unwrap();
    // The click starts a navigation: wait for the search page's own status
    // before reading the address (read at once, it was at times the old one).
    s.client
        .wait()
        .for_element(Locator::Css("#static-status"))
        .await
        .expect("the search page opens");
    assert!(path(s).await.ends_with(&format!("{PREFIX}/search.html")));
    let first = first_result(s).await;
    let status = s.texts("#static-status").await.join("");
    assert!(
        status.contains("match") && status.contains("regex"),
        "{status}"
    );
    let marked = s.texts("#static-results mark").await;
    assert!(
        marked.iter().any(|m| m.to_lowercase().contains("regex")),
        "{marked:?}"
    );
    s.screenshot("export-search").await;
    let href = first.attr("href").await.unwrap().unwrap();
    assert!(
        href.starts_with(&format!("{PREFIX}/d/")) && href.contains("#c-"),
        "{href}"
    );
    first.click().await.unwrap();
    let fragment = href.split_once('#').unwrap().1.to_owned();
    let shown = s
        .eval(&format!(
            "return document.getElementById({fragment:?}) !== null;"
        ))
        .await;
    assert_eq!(shown, json!(true), "{href}");

    // A word of a thread in another bundle (the export indexes 20
    // comments a bundle: four here) is found as well.
    s.goto(&format!("{PREFIX}/search.html?q=couchettes")).await;
    let found = first_result(s).await;
    assert!(
        found.text().await.unwrap().starts_with("Night trains"),
        "{}",
        found.text().await.unwrap()
    );
}

#[tokio::test]
async fn an_export_works_under_a_prefix_and_from_disk_with_and_without_javascript() {
    let Some(axe) = axe() else { return };
    let out = tempfile::tempdir().unwrap();
    let pagefind = pagefind();
    let archive = crate::load(&samples_dir()).unwrap().archive;
    let options = Options {
        pagefind: pagefind.clone(),
        // Several bundles, merged by the search page.
        bundle_comments: 20,
        ..Options::new(out.path().to_owned())
    };
    let summary = export::export(archive, &options, &|_, _| {}).unwrap();
    assert_eq!(
        summary.search == Search::Indexed(4),
        pagefind.is_some(),
        "{summary:?}"
    );
    assert_eq!(out.path().join("pagefind-4").is_dir(), pagefind.is_some());
    assert!(!out.path().join("pagefind-5").exists());
    let root = out.path().to_owned();
    let Some(s) = Session::start_with(move || {
        axum::Router::new().nest_service(PREFIX, tower_http::services::ServeDir::new(root))
    })
    .await
    else {
        return;
    };

    // Served under a prefix.
    browse(&s, &format!("{}{PREFIX}/index.html", s.base)).await;
    if pagefind.is_some() {
        search(&s).await;
    }
    s.screenshot("export-thread").await;
    let pages = [
        "index.html",
        "d/001_tolerant-parsers.html",
        "d/006_counting-game.html",
        "authors.html",
        "a/_names.html",
        "diagnostics.html",
    ];
    let mut found = Vec::new();
    for dark in [false, true] {
        s.color_scheme(dark).await;
        let mut all: Vec<String> = pages.iter().map(|p| format!("{PREFIX}/{p}")).collect();
        if pagefind.is_some() {
            all.push(format!("{PREFIX}/search.html?q=bread"));
        }
        for page in all {
            s.goto(&page).await;
            for v in violations(&s, &axe).await {
                found.push(format!("{page} (dark: {dark}) {v}"));
            }
        }
    }
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    s.color_scheme(false).await;

    // Without JavaScript every link still leads somewhere, and the search
    // page says what it needs.
    s.javascript(false).await;
    s.goto(&format!("{PREFIX}/d/001_tolerant-parsers.html"))
        .await;
    s.css("details.participants summary")
        .await
        .click()
        .await
        .unwrap();
    click_link(&s, "quietmoth").await;
    assert!(path(&s).await.ends_with("a/_names.html"));
    if pagefind.is_some() {
        s.goto(&format!("{PREFIX}/search.html?q=bread")).await;
        let status = s.texts("#static-status").await.join("");
        assert!(status.contains("needs JavaScript"), "{status}");
    }
    s.javascript(true).await;

    // Opened from disk.
    let disk = url::Url::from_file_path(out.path().join("index.html")).unwrap();
    browse(&s, disk.as_str()).await;
    s.screenshot("export-from-disk").await;
    for page in &pages[..3] {
        let url = url::Url::from_file_path(out.path().join(page)).unwrap();
        s.client.goto(url.as_str()).await.unwrap();
        for v in violations(&s, &axe).await {
            found.push(format!("file://{page} {v}"));
        }
    }
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    if pagefind.is_some() {
        let url = url::Url::from_file_path(out.path().join("search.html")).unwrap();
        s.client.goto(&format!("{url}?q=bread")).await.unwrap();
        let status: Value = s
            .eval("return new Promise(done => setTimeout(() => done(document.getElementById('static-status').textContent), 1500));")
            .await;
        assert!(
            status.as_str().unwrap().contains("served by a web server"),
            "{status}"
        );
    }
    s.close().await;
}

#[test]
fn exporting_again_indexes_only_the_bundles_whose_pages_changed() {
    let Some(pagefind) = pagefind() else { return };
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(samples_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let run = || {
        let archive = crate::load(dir.path()).unwrap().archive;
        let options = Options {
            pagefind: Some(pagefind.clone()),
            bundle_comments: 20,
            ..Options::new(out.path().to_owned())
        };
        export::export(archive, &options, &|_, _| {}).unwrap()
    };
    assert_eq!(run().search, Search::Indexed(4));
    let first_bundle = out.path().join("pagefind/pagefind-entry.json");
    let stamp = || {
        std::fs::metadata(&first_bundle)
            .unwrap()
            .modified()
            .unwrap()
    };
    let before = stamp();
    assert_eq!(run().search, Search::Unchanged);

    // The counting game is in the last bundle: only that one is made again.
    let file = dir.path().join("006_counting-game.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("Rules", "The rules", 1)).unwrap();
    assert_eq!(run().search, Search::Indexed(1));
    assert_eq!(stamp(), before, "the first bundle is left as it was");
    assert!(out.path().join("pagefind-4/pagefind-entry.json").is_file());
    // The search page loads the first bundle's script, which merges the
    // others' indexes: Pagefind's other files are not kept.
    assert!(out.path().join("pagefind/pagefind.js").is_file());
    for gone in [
        "pagefind-4/pagefind.js",
        "pagefind/pagefind-ui.js",
        "pagefind-2/pagefind-ui.css",
    ] {
        assert!(!out.path().join(gone).exists(), "{gone}");
    }
}
