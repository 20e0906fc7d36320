//! Media in a real browser: pictures, a gallery and a video from disk,
//! placeholders for the rest, and no request to any host but the
//! viewer's own, whatever the page shows; axe on those pages.

use serde_json::Value;

use super::Session;
use super::a11y::{axe, violations_in_both_schemes};
use crate::media::media_dir;

const PAGES: [&str; 8] = [
    "/",
    "/r/ferries",
    "/d/harbourfan_Morning%20fog%20over%20the%20pier_q7k2m",
    "/d/tidewatch_Three%20boats%20in%20a%20row_g4llry",
    "/d/deckhand_Docking%20in%20the%20wind_v1d30x",
    "/d/gullwatcher_Gull%20on%20the%20rail_m1ss1n",
    "/d/r_ferries_harbour_lights",
    "/d/vd5x7q",
];

/// Before each document runs: note every load the policy blocked (a
/// request the page tried to make elsewhere).
const WATCH_BLOCKED: &str = "window.__blocked = []; \
    document.addEventListener('securitypolicyviolation', e => window.__blocked.push(e.blockedURI + ' (' + e.violatedDirective + ')'));";

/// Every address the page fetched, and every one it tried to and was
/// refused, after opening every closed media and scrolling to the end
/// (so that lazy pictures load).
const REQUESTS: &str = "return new Promise(done => { \
    document.querySelectorAll('details').forEach(d => d.open = true); \
    window.scrollTo(0, document.body.scrollHeight); \
    setTimeout(() => { \
      const fetched = performance.getEntriesByType('resource').map(e => e.name); \
      const pictures = [...document.images].map(i => [i.currentSrc, i.complete && i.naturalWidth > 0]); \
      done({ fetched, blocked: window.__blocked || [], pictures }); \
    }, 400); });";

/// Opens each page and checks what it fetched: only this server, and the
/// local pictures all loaded. Returns how many pictures loaded.
async fn only_own_requests(s: &Session) -> usize {
    s.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source": WATCH_BLOCKED }),
    )
    .await;
    let own = url::Url::parse(&s.base).unwrap().origin();
    let mut pictures = 0;
    for page in PAGES {
        s.goto(page).await;
        let found = s.eval(REQUESTS).await;
        for address in found["fetched"].as_array().unwrap() {
            let address = address.as_str().unwrap();
            let origin = url::Url::parse(address).unwrap().origin();
            assert_eq!(origin, own, "{page} fetched {address}");
        }
        let blocked: Vec<&Value> = found["blocked"].as_array().unwrap().iter().collect();
        assert!(blocked.is_empty(), "{page} tried to load {blocked:?}");
        for picture in found["pictures"].as_array().unwrap() {
            let (src, loaded) = (picture[0].as_str().unwrap(), picture[1].as_bool());
            assert!(src.starts_with(&s.base), "{page}: {src}");
            assert_eq!(loaded, Some(true), "{page}: {src} did not load");
            pictures += 1;
        }
    }
    pictures
}

#[tokio::test]
async fn pages_with_media_fetch_nothing_from_other_hosts() {
    let Some(s) = Session::start_over(&media_dir()).await else {
        return;
    };
    let pictures = only_own_requests(&s).await;
    // Two thumbnails on each list, the picture, three in the gallery and
    // two of the harbour's three.
    assert_eq!(pictures, 2 + 2 + 1 + 3 + 2, "local pictures loaded");
    s.goto(PAGES[3]).await;
    s.screenshot("media-gallery").await;
    s.goto(PAGES[6]).await;
    s.eval("document.querySelector('details.media-gate').open = true; return 0")
        .await;
    s.screenshot("media-spoiler-gallery-placeholder").await;
    // Without JavaScript the gallery and the placeholders' links are the
    // same page.
    s.javascript(false).await;
    s.goto(PAGES[5]).await;
    let link = s.css("figure.placeholder .media-note a").await;
    assert_eq!(link.text().await.unwrap(), "open from i.imgur.com");
    s.close().await;

    // The same folder without its files: placeholders, and still nothing
    // from elsewhere.
    let bare = tempfile::tempdir().unwrap();
    copy_documents(&media_dir(), bare.path());
    let Some(s) = Session::start_over(bare.path()).await else {
        return;
    };
    assert_eq!(only_own_requests(&s).await, 0, "no picture without files");
    s.goto(PAGES[2]).await;
    s.screenshot("media-placeholder").await;
    s.close().await;
}

/// The documents of `from` (not its media), in the same folders.
fn copy_documents(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_documents(&path, &target);
        } else if path
            .extension()
            .is_some_and(|e| e == "json" || e == "jsonl")
        {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[tokio::test]
async fn axe_finds_no_violations_on_pages_with_media() {
    let Some(axe) = axe() else { return };
    let Some(s) = Session::start_over(&media_dir()).await else {
        return;
    };
    let pages: Vec<(String, String)> = PAGES
        .iter()
        .chain(&["/d/yt4kp2"])
        .map(|p| (p.to_string(), p.to_string()))
        .collect();
    let found = violations_in_both_schemes(&s, &axe, &pages).await;
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    s.close().await;
}

/// The pictures of a page that loaded, and those that did not.
const PICTURES: &str = "return new Promise(done => { \
    window.scrollTo(0, document.body.scrollHeight); \
    setTimeout(() => done([...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])), 400); });";

#[tokio::test]
async fn an_export_opened_from_disk_shows_its_pictures() {
    let out = tempfile::tempdir().unwrap();
    let archive = crate::load(&media_dir()).unwrap().archive;
    let options = threadview::export::Options::new(out.path().to_owned());
    threadview::export::export(archive, &options, &|_, _| {}).unwrap();
    // A browser, no server: the pages come from disk.
    let Some(s) = Session::start_with(axum::Router::new).await else {
        return;
    };
    let gallery = std::fs::read_dir(out.path().join("d"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.contains("g4llry") && !name.contains("timeline")
        })
        .unwrap();
    let mut loaded = 0;
    for page in [out.path().join("index.html"), gallery] {
        let url = url::Url::from_file_path(&page).unwrap();
        s.client.goto(url.as_str()).await.unwrap();
        let pictures = s.eval(PICTURES).await;
        for picture in pictures.as_array().unwrap() {
            let src = picture[0].as_str().unwrap();
            assert!(!src.contains("://"), "{src} is the export's own file");
            assert_eq!(picture[1].as_bool(), Some(true), "{src} did not load");
            loaded += 1;
        }
    }
    // Two thumbnails on the front page, three pictures in the gallery.
    assert_eq!(loaded, 2 + 3);
    s.screenshot("media-export-from-disk").await;
    s.close().await;
}
