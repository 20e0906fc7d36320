//! Pictures, galleries and videos: from the reader's disk first (bdfr's
//! and gallery-dl's files), placeholders for the rest, served safely, in
//! the API and in an export.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;

use threadview::model::MediaKind;
use threadview::web::{AppState, app};

use super::export::{check_links, html_files};
use super::{app_over, get, get_with};

pub fn media_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media")
}

const PICTURE: &str = "/d/harbourfan_Morning%20fog%20over%20the%20pier_q7k2m";
const GALLERY: &str = "/d/tidewatch_Three%20boats%20in%20a%20row_g4llry";
const VIDEO: &str = "/d/deckhand_Docking%20in%20the%20wind_v1d30x";
const MISSING: &str = "/d/gullwatcher_Gull%20on%20the%20rail_m1ss1n";
const HARBOUR: &str = "/d/r_ferries_harbour_lights";

/// The `/media/…` addresses a page loads (`src`).
fn local_sources(html: &str) -> Vec<String> {
    sources(html, "/media/")
}

/// The addresses under `prefix` a page loads (`src`).
fn sources(html: &str, prefix: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("[src]").unwrap();
    document
        .select(&selector)
        .filter_map(|e| e.value().attr("src"))
        .filter(|src| src.starts_with(prefix))
        .map(str::to_owned)
        .collect()
}

/// Every address a page would load by itself (not links to follow).
fn loaded(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("[src], [poster], link[href]").unwrap();
    document
        .select(&selector)
        .flat_map(|e| {
            let v = e.value();
            [v.attr("src"), v.attr("poster"), v.attr("href")]
        })
        .flatten()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_bdfr_folder_shows_its_picture_gallery_and_video_from_disk() {
    let app = app_over(&media_dir());
    let picture = get(&app, PICTURE).await;
    assert_eq!(picture.status, StatusCode::OK);
    picture.assert_in_order(&[
        "<figure class=\"media image\">",
        "<img src=\"/media/",
        "alt=\"Morning fog over the pier\" width=\"640\" height=\"427\" fetchpriority=\"high\"",
    ]);
    let gallery = get(&app, GALLERY).await;
    gallery.assert_in_order(&[
        "<section class=\"gallery\" aria-label=\"Gallery, 3 items\">",
        "1 of 3",
        "2 of 3",
        "3 of 3",
    ]);
    let files = local_sources(&gallery.body);
    assert_eq!(files.len(), 3, "{files:?}");
    assert_eq!(
        files.iter().collect::<BTreeSet<_>>().len(),
        3,
        "three files"
    );
    assert!(
        gallery
            .body
            .contains("width=\"480\" height=\"360\" loading=\"lazy\"")
    );
    let video = get(&app, VIDEO).await;
    video.assert_in_order(&["<video controls preload=\"none\"", "<source src=\"/media/"]);
    let missing = get(&app, MISSING).await;
    assert!(local_sources(&missing.body).is_empty());
    missing.assert_in_order(&[
        "<figure class=\"media image placeholder\">",
        "Picture not on this computer",
        "<a href=\"https://i.imgur.com/Qx7Lk2P.jpg\" rel=\"nofollow noopener noreferrer\">open from i.imgur.com</a>",
    ]);
    // Nothing on any page is loaded from another host.
    for page in [
        "/",
        "/r/ferries",
        PICTURE,
        GALLERY,
        VIDEO,
        MISSING,
        HARBOUR,
        "/d/vd5x7q",
        "/d/yt4kp2",
    ] {
        let reply = get(&app, page).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        for address in loaded(&reply.body) {
            assert!(address.starts_with('/'), "{page} loads {address}");
        }
    }
    // The front page shows a thumbnail where there is a local picture.
    let index = get(&app, "/").await;
    let thumbnails = sources(&index.body, "/thumbnails/");
    assert_eq!(thumbnails.len(), 2, "the picture and the gallery");
    assert!(index.body.contains("<span class=\"thumb thumb-none\""));
    for address in &thumbnails {
        let small = get_bytes(&app, address).await;
        assert_eq!(small.0, StatusCode::OK);
        assert_eq!(small.1, "image/jpeg");
        let picture = image::load_from_memory(&small.2).expect("a picture");
        assert_eq!((picture.width(), picture.height()), (112, 112));
    }
}

/// A response's status, type and bytes (a picture is not text).
async fn get_bytes(app: &axum::Router, uri: &str) -> (StatusCode, String, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::get(uri)
        .header("host", "localhost")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, kind, bytes.to_vec())
}

#[tokio::test]
async fn thumbnails_are_made_of_pictures_only_and_cached_by_version() {
    let app = app_over(&media_dir());
    let picture = local_sources(&get(&app, PICTURE).await.body).remove(0);
    let key = picture.trim_start_matches("/media/");
    let address = format!("/thumbnails/{key}");
    let made = get(&app, &address).await;
    assert_eq!(made.status, StatusCode::OK);
    assert_eq!(
        made.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = made.headers["etag"].to_str().unwrap().to_owned();
    let again = get_with(&app, &address, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let video = video_address(&app).await;
    let of_video = format!("/thumbnails/{}", video.trim_start_matches("/media/"));
    assert_eq!(get(&app, &of_video).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, "/thumbnails/..%2F..%2Fetc%2Fpasswd").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn reddit_json_and_dumps_give_galleries_videos_embeds_and_comment_pictures() {
    let app = app_over(&media_dir());
    let harbour = get(&app, HARBOUR).await;
    // A spoiler's media stays closed until opened; two of the gallery's
    // three files are on disk under gallery-dl's names.
    harbour.assert_in_order(&[
        "<details class=\"media-gate\"><summary>Show the spoiler media (Gallery, 3 items)</summary>",
        "<img src=\"/media/",
        "alt=\"From the ferry deck\"",
        "<svg class=\"media-box\" viewBox=\"0 0 300 400\" preserveAspectRatio=\"none\" width=\"300\" height=\"400\"",
        "open from preview.redd.it",
        "The lighthouse &#38; the breakwater",
        "<img src=\"/media/",
        "</details>",
    ]);
    // A comment's own picture (its media_metadata) and a removed one.
    harbour.assert_in_order(&[
        "id=\"c-m9x1\"",
        "Picture not on this computer · 1,080 × 720",
        "id=\"c-m9x2\"",
        "Picture removed at the source",
    ]);
    let video = get(&app, "/d/vd5x7q").await;
    video.assert_in_order(&[
        "<figure class=\"media video placeholder\">",
        "viewBox=\"0 0 854 480\"",
        "Video not on this computer · 854 × 480 · 0:42",
        "open from v.redd.it",
    ]);
    let embed = get(&app, "/d/yt4kp2").await;
    embed.assert_in_order(&[
        "<a class=\"embed-card\" href=\"https://www.youtube.com/watch?v=dQw4harbour\"",
        "Winter timetables &#38; you",
        "YouTube · youtube.com",
    ]);
    assert!(!embed.body.contains("<iframe"));
}

#[tokio::test]
async fn without_the_files_the_same_folder_shows_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    for entry in walk(&media_dir()) {
        let relative = entry.strip_prefix(media_dir()).unwrap();
        if relative
            .extension()
            .is_some_and(|e| e == "json" || e == "jsonl")
        {
            let to = dir.path().join(relative);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &to).unwrap();
        }
    }
    let app = app_over(dir.path());
    for page in [PICTURE, GALLERY, VIDEO, HARBOUR] {
        let reply = get(&app, page).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        assert!(local_sources(&reply.body).is_empty(), "{page}");
        assert!(reply.body.contains("placeholder"), "{page}");
        for address in loaded(&reply.body) {
            assert!(address.starts_with('/'), "{page} loads {address}");
        }
    }
    // bdfr names only the link: the picture and the video still have
    // their placeholders, the gallery (no file, no list) has none.
    assert!(
        get(&app, PICTURE)
            .await
            .body
            .contains("open from i.redd.it")
    );
    assert!(get(&app, VIDEO).await.body.contains("open from v.redd.it"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The `/media/` address of the video.
async fn video_address(app: &axum::Router) -> String {
    local_sources(&get(app, VIDEO).await.body)
        .into_iter()
        .next()
        .expect("the video is on disk")
}

#[tokio::test]
async fn a_video_seeks_and_media_files_are_cached_by_version() {
    let app = app_over(&media_dir());
    let address = video_address(&app).await;
    let range = get_with(&app, &address, &[("range", "bytes=0-9")]).await;
    assert_eq!(range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.headers["content-length"], "10");
    assert!(
        range.headers["content-range"]
            .to_str()
            .unwrap()
            .starts_with("bytes 0-9/")
    );
    let whole =
        std::fs::read(media_dir().join("ferries/deckhand_Docking in the wind_v1d30x.mp4")).unwrap();
    // The body is read as text: compare the bytes' lossy form.
    assert_eq!(range.body, String::from_utf8_lossy(&whole[..10]));
    let full = get(&app, &address).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.content_type(), "video/mp4");
    assert_eq!(
        full.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = full.headers["etag"].to_str().unwrap().to_owned();
    let again = get_with(&app, &address, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
}

#[tokio::test]
async fn media_paths_that_are_not_the_archives_keys_are_404s() {
    let app = app_over(&media_dir());
    let address = video_address(&app).await;
    let key = address.trim_start_matches("/media/");
    // The same shape, another version.
    let first = if key.starts_with('0') { '1' } else { '0' };
    let other = format!("{first}{}", &key[1..]);
    for path in [
        "/media/..%2F..%2FCargo.toml".to_owned(),
        "/media/%2e%2e%2fCargo.toml".to_owned(),
        "/media/%2E%2E".to_owned(),
        "/media/%2Fetc%2Fpasswd".to_owned(),
        "/media/..".to_owned(),
        "/media/../Cargo.toml".to_owned(),
        "/media/ferries%2Fdeckhand_Docking%20in%20the%20wind_v1d30x.mp4".to_owned(),
        format!("/media/{}", key.replace(".mp4", ".jpg")),
        format!("/media/{other}"),
        format!("/media/{key}/x"),
    ] {
        let reply = get(&app, &path).await;
        assert!(
            reply.status == StatusCode::NOT_FOUND || reply.status.is_redirection(),
            "{path}: {}",
            reply.status
        );
        assert!(!reply.headers.contains_key("content-range"), "{path}");
    }
}

#[tokio::test]
async fn a_link_that_leads_out_of_the_folder_is_not_served() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret_q7k2m.jpg");
    std::fs::copy(
        media_dir().join("ferries/harbourfan_Morning fog over the pier_q7k2m.jpg"),
        &secret,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        media_dir().join("ferries/harbourfan_Morning fog over the pier_q7k2m.json"),
        dir.path().join("post_q7k2m.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("post_q7k2m.jpg")).unwrap();
    let archive = crate::load(dir.path()).unwrap().archive;
    assert_eq!(archive.media_files().len(), 0, "the link is not followed");
    let app = app(Arc::new(AppState::new(archive)));
    let page = get(&app, "/d/post_q7k2m").await;
    assert!(local_sources(&page.body).is_empty());
    assert!(page.body.contains("open from i.redd.it"));
}

#[tokio::test]
async fn remote_media_is_shown_only_when_asked_and_the_policy_names_its_hosts() {
    let closed = app_over(&media_dir());
    let policy = get(&closed, MISSING).await.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("img-src 'self';"), "{policy}");
    assert!(policy.contains("media-src 'self';"), "{policy}");
    let archive = crate::load(&media_dir()).unwrap().archive;
    let open = app(Arc::new(AppState::new(archive).with_remote_media(true)));
    let page = get(&open, MISSING).await;
    assert!(
        page.body
            .contains("<img src=\"https://i.imgur.com/Qx7Lk2P.jpg\""),
        "{}",
        page.body
    );
    let policy = page.headers["content-security-policy"].to_str().unwrap();
    for host in [
        "https://i.imgur.com",
        "https://v.redd.it",
        "https://preview.redd.it",
    ] {
        assert!(policy.contains(host), "{host} in {policy}");
    }
    assert!(!policy.contains('*'), "{policy}");
    // A local file is still served from disk.
    assert_eq!(local_sources(&get(&open, PICTURE).await.body).len(), 1);
}

#[tokio::test]
async fn the_api_lists_each_discussions_media_in_order() {
    let app = app_over(&media_dir());
    let d = get(&app, "/api/discussions/r_ferries_harbour_lights")
        .await
        .json();
    let media = d["media"].as_array().unwrap();
    assert_eq!(media.len(), 3);
    for (i, item) in media.iter().enumerate() {
        assert_eq!(item["kind"], "gallery_item", "{i}");
        assert_eq!(
            (item["width"].as_u64(), item["height"].as_u64()),
            (Some(300), Some(400))
        );
    }
    assert_eq!(media[0]["caption"], "From the ferry deck");
    assert_eq!(
        media[1]["url"],
        "https://preview.redd.it/lt2bbb.png?width=300&format=png&s=2"
    );
    assert!(media[0]["local"].as_str().unwrap().starts_with("/media/"));
    assert!(media[1].get("local").is_none(), "not on disk");
    assert!(media[2]["local"].as_str().is_some());
    let local = media[0]["local"].as_str().unwrap();
    assert_eq!(get(&app, local).await.status, StatusCode::OK);
    let video = get(&app, "/api/discussions/vd5x7q").await.json();
    assert_eq!(video["media"][0]["kind"], "video");
    let embed = get(&app, "/api/discussions/yt4kp2").await.json();
    assert_eq!(embed["media"][0]["kind"], "embed");
    let text = get(
        &app,
        "/api/discussions/gullwatcher_Gull%20on%20the%20rail_m1ss1n",
    )
    .await;
    assert_eq!(text.json()["media"][0]["kind"], "image");
}

#[test]
fn missing_lists_exactly_the_files_that_are_not_on_disk() {
    let archive = crate::load(&media_dir()).unwrap().archive;
    let missing: BTreeSet<(String, String, MediaKind)> = archive
        .missing_media()
        .into_iter()
        .map(|m| (m.post.to_owned(), m.url.to_owned(), m.kind))
        .collect();
    let want: BTreeSet<(String, String, MediaKind)> = [
        (
            "h8rb0r",
            "https://preview.redd.it/lt2bbb.png?width=300&format=png&s=2",
            MediaKind::GalleryItem,
        ),
        (
            "m1ss1n",
            "https://i.imgur.com/Qx7Lk2P.jpg",
            MediaKind::Image,
        ),
        (
            "vd5x7q",
            "https://v.redd.it/9xk2mcv1/DASH_480.mp4?source=fallback",
            MediaKind::Video,
        ),
    ]
    .into_iter()
    .map(|(p, u, k)| (p.to_owned(), u.to_owned(), k))
    .collect();
    assert_eq!(missing, want);
    // The command says the same, one a line, and JSON with --json.
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_threadview"))
            .arg("media")
            .arg(media_dir())
            .args(args)
            .env("RUST_LOG", "off")
            .output()
            .unwrap()
    };
    let plain = run(&["--missing"]);
    assert!(plain.status.success());
    let lines: BTreeSet<String> = String::from_utf8(plain.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let urls: BTreeSet<String> = want.iter().map(|(_, u, _)| u.clone()).collect();
    assert_eq!(lines, urls);
    assert!(String::from_utf8_lossy(&plain.stderr).contains("3 missing"));
    let json = run(&["--missing", "--json"]);
    let first: Value = serde_json::from_slice(json.stdout.split(|&b| b == b'\n').next().unwrap())
        .expect("a JSON line");
    assert!(first["post"].is_string() && first["url"].is_string());
    assert!(["gallery_item", "image", "video"].contains(&first["kind"].as_str().unwrap()));
}

#[test]
fn an_export_holds_the_media_opens_from_disk_and_copies_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let archive_dir = dir.path().join("archive");
    for entry in walk(&media_dir()) {
        let to = archive_dir.join(entry.strip_prefix(media_dir()).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    let out = dir.path().join("site");
    let summary = super::export::export_to(&archive_dir, &out).unwrap();
    // Seven files, and the thumbnails of the two posts the lists show.
    assert_eq!(summary.media.files, 7 + 2);
    assert_eq!(summary.media.copied, 7 + 2);
    let on_disk: u64 = walk(&out.join("media"))
        .iter()
        .map(|path| path.metadata().unwrap().len())
        .sum();
    assert_eq!(summary.media.bytes, on_disk);
    assert_eq!(walk(&out.join("media/thumbnails")).len(), 2);
    // Every `src` resolves to a file of the export.
    check_links(&out);
    let pages = html_files(&out);
    let gallery = pages
        .iter()
        .find(|(name, _)| name.contains("g4llry") && !name.contains("timeline"))
        .unwrap()
        .1;
    assert_eq!(gallery.matches("src=\"../media/").count(), 3);
    for html in pages.values() {
        for address in loaded(html) {
            assert!(!address.contains("://"), "an export loads {address}");
        }
    }
    let again = super::export::export_to(&archive_dir, &out).unwrap();
    assert_eq!((again.media.files, again.media.copied), (9, 0));
    assert_eq!(again.written, 0, "nothing changed");
    // A changed picture gets a new name; the old one goes.
    let picture = archive_dir.join("ferries/harbourfan_Morning fog over the pier_q7k2m.jpg");
    let mut bytes = std::fs::read(&picture).unwrap();
    bytes.extend_from_slice(b"\0");
    std::fs::write(&picture, bytes).unwrap();
    let changed = super::export::export_to(&archive_dir, &out).unwrap();
    // The picture is copied again; its thumbnail is made again but comes
    // out the same (a byte after the JPEG's end), so it is not rewritten.
    assert_eq!((changed.media.files, changed.media.copied), (9, 1));
    assert_eq!(walk(&out.join("media")).len(), 9);
    check_links(&out);
}

#[test]
fn subfolders_and_new_media_files_are_read_again_on_reload() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("ferries");
    std::fs::create_dir(&sub).unwrap();
    let json = "ferries/harbourfan_Morning fog over the pier_q7k2m.json";
    std::fs::copy(media_dir().join(json), dir.path().join(json)).unwrap();
    let store = tempfile::tempdir().unwrap();
    let mut loader = threadview::load::Loader::new(dir.path(), crate::store_in(&store));
    let first = loader.load(&Default::default()).unwrap().archive;
    assert_eq!(first.discussions().len(), 1, "read from the subfolder");
    assert_eq!(first.media_files().len(), 0);
    let hidden = dir.path().join(".trash");
    std::fs::create_dir(&hidden).unwrap();
    std::fs::copy(media_dir().join(json), hidden.join("again_zz9.json")).unwrap();
    let picture = "harbourfan_Morning fog over the pier_q7k2m.jpg";
    std::fs::create_dir(dir.path().join("media")).unwrap();
    std::fs::copy(
        media_dir().join("ferries").join(picture),
        dir.path().join("media").join(picture),
    )
    .unwrap();
    let second = loader.load(&Default::default()).unwrap().archive;
    assert_eq!(second.discussions().len(), 1, "hidden folders are skipped");
    assert_eq!(second.media_files().len(), 1);
    assert!(loader.watches(&dir.path().join("media").join(picture)));
    assert!(!loader.watches(&hidden.join("x.jpg")));
}

#[test]
fn an_export_with_remote_media_names_its_hosts_in_each_pages_policy() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let options = threadview::export::Options {
        discussions: vec!["m1ss1n".to_owned()],
        remote_media: true,
        ..threadview::export::Options::new(out.clone())
    };
    let archive = crate::load(&media_dir()).unwrap().archive;
    threadview::export::export(archive, &options, &|_, _| {}).unwrap();
    let pages = html_files(&out);
    let (_, page) = pages
        .iter()
        .find(|(name, _)| name.starts_with("d/") && name.contains("m1ss1n"))
        .unwrap();
    assert!(page.contains("<img src=\"https://i.imgur.com/Qx7Lk2P.jpg\""));
    let policy = "img-src &#39;self&#39; file: https://i.imgur.com; media-src &#39;self&#39; file: https://i.imgur.com;";
    assert!(page.contains(policy), "{page}");
}
