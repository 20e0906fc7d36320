//! `threadview export`: the static site's links, completeness, safety,
//! re-exports and errors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use regex::Regex;
use scraper::{Html, Selector};

use threadview::export::{self, ExportError, Options, Search, Summary};
use threadview::model::header_text;

use super::hostile::{Site, assert_inert_html, write_hostile_archive};
use super::{numbered_header, samples_dir};

/// Exports `dir` into `out`, without search.
pub fn export_to(dir: &Path, out: &Path) -> Result<Summary, ExportError> {
    export_with(dir, out, Vec::new(), false)
}

fn export_with(
    dir: &Path,
    out: &Path,
    discussions: Vec<String>,
    force: bool,
) -> Result<Summary, ExportError> {
    export_within(dir, out, discussions, force, None, None)
}

fn export_within(
    dir: &Path,
    out: &Path,
    discussions: Vec<String>,
    force: bool,
    max_files: Option<usize>,
    max_bytes: Option<u64>,
) -> Result<Summary, ExportError> {
    let archive = crate::load(dir).expect("the folder loads").archive;
    let options = Options {
        discussions,
        force,
        max_files,
        max_bytes,
        ..Options::new(out.to_owned())
    };
    export::export(archive, &options, &|_, _| {})
}

/// Every `.html` file under `root` (Pagefind's own left out), by its path
/// from the root.
pub fn html_files(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut folders = vec![root.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() && relative != "pagefind" {
                folders.push(path);
            } else if relative.ends_with(".html") {
                files.insert(relative, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

/// The ids in a page.
fn ids(html: &str) -> BTreeSet<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse("[id]").unwrap();
    document
        .select(&selector)
        .map(|e| e.value().attr("id").unwrap().to_owned())
        .collect()
}

/// Checks every link of every page of the export in `root`: each is a
/// relative path to a file there (or a web address), and a `#fragment`
/// names an element of its page. Returns the `c-…` ids of all pages.
#[track_caller]
pub fn check_links(root: &Path) -> BTreeSet<String> {
    let files = html_files(root);
    assert!(files.contains_key("index.html"), "no front page");
    let page_ids: BTreeMap<&String, BTreeSet<String>> =
        files.iter().map(|(name, html)| (name, ids(html))).collect();
    let links = Selector::parse("[href], [src], form[action]").unwrap();
    let mut checked = 0;
    for (name, html) in &files {
        let document = Html::parse_document(html);
        for element in document.select(&links) {
            let e = element.value();
            let link = e
                .attr("href")
                .or(e.attr("src"))
                .or(e.attr("action"))
                .unwrap();
            if link.starts_with("https://")
                || link.starts_with("http://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            assert!(
                !link.starts_with('/') && !link.contains(':') && !link.is_empty(),
                "{name}: {link:?} is not a relative link"
            );
            let (path, fragment) = link.split_once('#').unwrap_or((link, ""));
            let path = path.split('?').next().unwrap();
            let target = if path.is_empty() {
                PathBuf::from(name)
            } else {
                let base = Path::new(name).parent().unwrap();
                normalize(
                    &base.join(
                        percent_encoding::percent_decode_str(path)
                            .decode_utf8()
                            .unwrap()
                            .as_ref(),
                    ),
                )
            };
            assert!(
                root.join(&target).is_file(),
                "{name}: {link:?} leads nowhere"
            );
            if !fragment.is_empty() {
                let target = target.to_string_lossy().into_owned();
                assert!(
                    page_ids[&target].contains(fragment),
                    "{name}: {link:?}: {target} has no #{fragment}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > files.len(), "{checked} links checked");
    page_ids
        .into_values()
        .flatten()
        .filter_map(|id| id.strip_prefix("c-").map(str::to_owned))
        .collect()
}

/// `a/b/../c` as `a/c`.
fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                assert!(
                    parts.pop().is_some(),
                    "{} leaves the export",
                    path.display()
                );
            }
            std::path::Component::CurDir => {}
            other => parts.push(other.as_os_str()),
        }
    }
    parts.iter().collect()
}

/// Every comment id of the archive in `dir`.
fn comment_ids(dir: &Path) -> BTreeSet<String> {
    let archive = crate::load(dir).unwrap().archive;
    archive
        .whole()
        .unwrap()
        .iter()
        .flat_map(|d| d.comments().iter().map(|c| c.id.as_str().to_owned()))
        .collect()
}

/// A generated archive: a thread of `wide` comments by many authors (many
/// pages), one reply chain 40 deep (continued past the thread's depth),
/// and a small thread.
pub fn write_generated_archive(dir: &Path, wide: usize) {
    let mut text = String::from("A wide and deep thread\nsubmitted by gen\n\nThe article.\n\n");
    for n in 0..wide {
        // One in ten by one author: enough for a page of their own.
        let author = if n % 10 == 0 {
            "prolific_pat".to_owned()
        } else {
            format!("writer{}", n % 97)
        };
        text.push_str(&numbered_header("", &author, n));
        text.push_str(&format!(
            "\n\nComment number {n}, with a few words to find.\n\n"
        ));
    }
    for depth in 0..40 {
        let indent = "    ".repeat(depth);
        text.push_str(&numbered_header(
            &indent,
            &format!("Deep_{}", depth % 3),
            depth,
        ));
        text.push_str(&format!("\n\n{indent}Level {depth} of the chain.\n\n"));
    }
    std::fs::write(dir.join("wide.txt"), text).unwrap();
    let small = format!(
        "A small thread\nsubmitted by gen\n\nShort.\n\n{}\n\nOnly one.\n",
        numbered_header("", "Solo", 3)
    );
    std::fs::write(dir.join("small.txt"), small).unwrap();
}

#[test]
fn an_export_of_the_samples_links_only_to_its_own_files_and_shows_every_comment() {
    let out = tempfile::tempdir().unwrap();
    let summary = export_to(&samples_dir(), out.path()).unwrap();
    assert_eq!(summary.search, Search::Absent);
    assert_eq!(summary.unchanged, 0);
    let shown = check_links(out.path());
    let all = comment_ids(&samples_dir());
    let missing: Vec<_> = all.difference(&shown).collect();
    assert!(
        missing.is_empty(),
        "comments not in the export: {missing:?}"
    );
    // Without Pagefind there is no search box and no search page.
    let front = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(!front.contains("site-search") && !out.path().join("search.html").exists());
    // The deep counting game goes on on a page of its own.
    assert!(
        html_files(out.path())
            .keys()
            .any(|f| f.starts_with("d/006_counting-game.c."))
    );
    // Views only a server has are not offered.
    let thread = std::fs::read_to_string(out.path().join("d/002_sourdough.html")).unwrap();
    for absent in [
        "Find in this discussion",
        "Open levels",
        "sort=",
        "JSON API",
    ] {
        assert!(!thread.contains(absent), "{absent}");
    }
    // Short threads have no timeline in an export: it would repeat them.
    assert!(!thread.contains("002_sourdough.timeline.html"));
    assert!(
        !html_files(out.path())
            .keys()
            .any(|f| f.contains(".timeline"))
    );
}

#[test]
fn an_export_of_a_generated_archive_reaches_every_comment_on_its_pages() {
    let dir = tempfile::tempdir().unwrap();
    write_generated_archive(dir.path(), 1_500);
    let out = tempfile::tempdir().unwrap();
    let summary = export_to(dir.path(), out.path()).unwrap();
    let shown = check_links(out.path());
    let all = comment_ids(dir.path());
    assert_eq!(all.len(), 1_541);
    let missing: Vec<_> = all.difference(&shown).collect();
    assert!(
        missing.is_empty(),
        "comments not in the export: {missing:?}"
    );
    let files = html_files(out.path());
    for paged in ["d/wide.2.html", "d/wide.timeline.2.html", "index.html"] {
        assert!(files.contains_key(paged), "{paged}");
    }
    // The chain is continued twice: at depths 9 and 18, 27 and 36.
    let continued = files.keys().filter(|f| f.starts_with("d/wide.c.")).count();
    assert_eq!(
        continued,
        4,
        "{:?}",
        files
            .keys()
            .filter(|f| f.contains(".c."))
            .collect::<Vec<_>>()
    );
    // Authors with few comments are on the pages of names; one with many
    // has their own page of excerpts, linked from there.
    assert!(files["a/_names.html"].contains("id=\"u-deep_0-"));
    assert!(!files.keys().any(|f| f.starts_with("a/deep_0-")));
    assert!(files["a/prolific_pat.html"].contains("<ol class=\"excerpts\">"));
    assert!(files["a/_names.html"].contains("<a href=\"prolific_pat.html\">prolific_pat</a>"));
    assert_eq!(summary.pages, files.len());
    assert_eq!(
        summary.files,
        files.len() + 5,
        "pages, three assets, .nojekyll and the manifest"
    );
}

#[test]
fn no_payload_comes_out_executable_in_an_export() {
    let dir = tempfile::tempdir().unwrap();
    write_hostile_archive(dir.path());
    let out = tempfile::tempdir().unwrap();
    export_to(dir.path(), out.path()).unwrap();
    let files = html_files(out.path());
    assert!(files.len() > 40, "{} pages", files.len());
    for (name, html) in &files {
        assert_inert_html(name, html, Site::Export);
        assert!(
            html.contains("http-equiv=\"Content-Security-Policy\""),
            "{name}"
        );
    }
    check_links(out.path());
}

/// Each file's modification time, by path.
fn stamps(root: &Path) -> BTreeMap<String, std::time::SystemTime> {
    html_files(root)
        .into_keys()
        .map(|name| {
            let time = std::fs::metadata(root.join(&name))
                .unwrap()
                .modified()
                .unwrap();
            (name, time)
        })
        .collect()
}

#[test]
fn exporting_again_writes_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(samples_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let first = export_to(dir.path(), out.path()).unwrap();
    let before = stamps(out.path());
    std::thread::sleep(std::time::Duration::from_millis(20));

    let again = export_to(dir.path(), out.path()).unwrap();
    assert_eq!((again.written, again.removed), (0, 0), "{again:?}");
    assert_eq!(again.unchanged, first.pages);
    assert_eq!(stamps(out.path()), before, "nothing is touched");

    // One changed comment: its thread's pages and the lists that show it.
    let file = dir.path().join("002_sourdough.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("starter", "levain", 1)).unwrap();
    let changed = export_to(dir.path(), out.path()).unwrap();
    let after = stamps(out.path());
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(name, time)| before.get(*name) != Some(*time))
        .map(|(name, _)| name)
        .collect();
    assert!(
        rewritten.contains(&&"d/002_sourdough.html".to_owned()),
        "{rewritten:?}"
    );
    for name in &rewritten {
        assert!(
            name.starts_with("d/002_sourdough.")
                || name.starts_with("a/")
                || name.starts_with("authors")
                || name.starts_with("c/")
                || name.starts_with("y/")
                || name.starts_with("index"),
            "{name} does not show the changed thread: {rewritten:?}"
        );
    }
    assert_eq!(changed.written, rewritten.len());
    assert!(!rewritten.iter().any(|n| n.starts_with("d/001")));

    // A removed file takes its pages with it.
    std::fs::remove_file(dir.path().join("003_night-trains.txt")).unwrap();
    let removed = export_to(dir.path(), out.path()).unwrap();
    assert!(removed.removed >= 2, "{removed:?}");
    assert!(!out.path().join("d/003_night-trains.html").exists());
    check_links(out.path());
}

/// Authors move between the pages of names when others come or go: the
/// pages that link to them are made again, so no link is left behind.
#[test]
fn links_to_authors_follow_them_across_the_pages_of_names() {
    let dir = tempfile::tempdir().unwrap();
    // 300 authors of one comment each: two pages of names (250 a page).
    let mut many = String::from("Many readers\nsubmitted by reader000\n\nThe article.\n");
    for n in 0..300 {
        many.push_str(&format!(
            "\n{}\n\nComment {n}.\n",
            numbered_header("", &format!("reader{n:03}"), n)
        ));
    }
    std::fs::write(dir.path().join("many.txt"), many).unwrap();
    // The last author of the first page submitted a thread of their own.
    let own = format!(
        "By the last on the page\nsubmitted by reader249\n\nText.\n\n{}\n\nMine.\n",
        numbered_header("", "reader249", 1)
    );
    std::fs::write(dir.path().join("own.txt"), own).unwrap();
    let out = tempfile::tempdir().unwrap();
    export_to(dir.path(), out.path()).unwrap();
    let page = std::fs::read_to_string(out.path().join("d/own.html")).unwrap();
    assert!(
        page.contains("../a/_names.html#u-reader249"),
        "on the first page"
    );
    check_links(out.path());

    // A new name before them all pushes reader249 to the second page.
    let first = format!(
        "First in line\nsubmitted by a_first\n\nText.\n\n{}\n\nHello.\n",
        numbered_header("", "a_first", 2)
    );
    std::fs::write(dir.path().join("first.txt"), first).unwrap();
    export_to(dir.path(), out.path()).unwrap();
    let page = std::fs::read_to_string(out.path().join("d/own.html")).unwrap();
    assert!(
        page.contains("../a/_names.2.html#u-reader249"),
        "made again"
    );
    check_links(out.path());
}

#[test]
fn one_discussion_can_be_exported_on_its_own() {
    let out = tempfile::tempdir().unwrap();
    export_with(
        &samples_dir(),
        out.path(),
        vec!["002_sourdough".into()],
        false,
    )
    .unwrap();
    let threads: BTreeSet<String> = std::fs::read_dir(out.path().join("d"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .map(|name| name.split('.').next().unwrap().to_owned())
        .collect();
    assert_eq!(threads, BTreeSet::from(["002_sourdough".to_owned()]));
    let front = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(front.contains("1 discussion,"), "{front}");
    check_links(out.path());

    let error = export_with(&samples_dir(), out.path(), vec!["nope".into()], false).unwrap_err();
    assert!(
        error.to_string().contains("no discussion \"nope\""),
        "{error}"
    );
}

#[test]
fn an_export_refuses_a_file_and_a_folder_of_other_things() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let error = export_to(&samples_dir(), &file).unwrap_err();
    assert!(matches!(error, ExportError::NotAFolder(_)), "{error}");
    assert!(error.to_string().contains("is a file"));

    let busy = dir.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    let error = export_to(&samples_dir(), &busy).unwrap_err();
    assert!(error.to_string().contains("--force"), "{error}");
    assert!(!busy.join("index.html").exists());

    export_with(&samples_dir(), &busy, Vec::new(), true).unwrap();
    assert_eq!(
        std::fs::read_to_string(busy.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(busy.join("index.html").exists());
    // Now it is an export: no --force needed.
    export_to(&samples_dir(), &busy).unwrap();

    // A folder that cannot be made.
    let error = export_to(&samples_dir(), &file.join("below")).unwrap_err();
    assert!(error.to_string().contains("below"), "{error}");
}

/// A small tmpfs mounted at a new folder (options as `mount -o` takes
/// them), unmounted when dropped; `None` (after saying why) where this
/// process may not mount (not root, or a container that forbids it).
struct Mounted {
    dir: tempfile::TempDir,
}

impl Mounted {
    fn tmpfs(options: &str) -> Option<Mounted> {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status();
        if status.is_ok_and(|s| s.success()) {
            Some(Mounted { dir })
        } else {
            eprintln!("skipped: cannot mount a tmpfs here (it needs root)");
            None
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_full_disk_and_a_read_only_folder_are_said_plainly() {
    // The samples' export is about a megabyte: 64 KiB runs out.
    if let Some(small) = Mounted::tmpfs("size=64k") {
        let error = export_to(&samples_dir(), &small.path().join("site")).unwrap_err();
        assert!(matches!(error, ExportError::DiskFull(_)), "{error:?}");
        assert!(error.to_string().starts_with("the disk is full"), "{error}");
        // The front page is written last: a site that ran out has none.
        assert!(!small.path().join("site/index.html").exists());
    }
    if let Some(read_only) = Mounted::tmpfs("size=1m,ro") {
        let error = export_to(&samples_dir(), &read_only.path().join("site")).unwrap_err();
        assert!(matches!(error, ExportError::Permission { .. }), "{error:?}");
        assert!(
            error.to_string().starts_with("permission denied"),
            "{error}"
        );
    }
}

#[test]
fn an_export_over_its_budget_fails_before_writing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let samples = samples_dir();
    let files = export_within(&samples, &out, Vec::new(), false, Some(10), None).unwrap_err();
    assert!(matches!(files, ExportError::OverBudget { .. }), "{files}");
    let message = files.to_string();
    assert!(message.contains("over --max-files 10"), "{message}");
    assert!(
        message.contains("--discussion"),
        "says what to change: {message}"
    );
    let written = || std::fs::read_dir(&out).map_or(0, |d| d.count());
    assert_eq!(written(), 0, "nothing written");
    let bytes = export_within(&samples, &out, Vec::new(), false, None, Some(50_000)).unwrap_err();
    assert!(
        bytes.to_string().contains("over --max-bytes 48.8 KiB"),
        "{bytes}"
    );
    assert_eq!(written(), 0, "nothing written");
    // Within budget it is written, and the counts it checked hold.
    let summary = export_within(
        &samples,
        &out,
        Vec::new(),
        false,
        Some(1_000),
        Some(10 << 20),
    )
    .unwrap();
    assert!(
        summary.files <= 1_000 && summary.bytes <= 10 << 20,
        "{summary:?}"
    );
    for (host, misfit) in summary.fits() {
        assert!(misfit.is_none(), "{host}: {misfit:?}");
    }
    assert!(summary.largest.1 > 0 && out.join(&summary.largest.0).is_file());
    // Measured before writing: the pages and assets to the byte, the
    // manifest at its largest, so the figure is a little over the folder's.
    let manifest = std::fs::metadata(out.join(export::MANIFEST)).unwrap().len();
    let roomy = export_within(
        &samples,
        &out,
        Vec::new(),
        false,
        None,
        Some(summary.bytes * 101 / 100),
    );
    assert_eq!(roomy.unwrap().bytes, summary.bytes);
    let pages_alone = summary.bytes - manifest;
    let under = export_within(
        &samples,
        &out,
        Vec::new(),
        false,
        None,
        Some(pages_alone - 1),
    );
    assert!(under.is_err(), "one byte less than the pages does not fit");
}

#[test]
fn precompressed_siblings_match_their_files_and_are_counted_apart() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let run = |precompress: bool| {
        let archive = crate::load(&samples_dir()).unwrap().archive;
        let options = Options {
            precompress,
            ..Options::new(out.clone())
        };
        export::export(archive, &options, &|_, _| {}).unwrap()
    };
    let plain = run(false);
    let compressed = run(true);
    assert_eq!(
        (compressed.files, compressed.bytes),
        (plain.files, plain.bytes)
    );
    let pages = html_files(&out);
    assert_eq!(
        compressed.precompressed.files,
        2 * (pages.len() + 3),
        "pages, style, script, icon"
    );
    assert_eq!(
        compressed.precompressed.made,
        compressed.precompressed.files
    );
    for (name, html) in &pages {
        let mut gz = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(out.join(format!("{name}.gz"))).unwrap())
            .read_to_string(&mut gz)
            .unwrap();
        assert_eq!(&gz, html, "{name}.gz");
        let br = std::fs::read(out.join(format!("{name}.br"))).unwrap();
        assert!(br.len() < html.len(), "{name}.br is smaller");
    }
    let again = run(true);
    assert_eq!(
        again.precompressed.made, 0,
        "unchanged files keep their siblings"
    );
    run(false);
    assert!(
        !out.join("index.html.gz").exists() && !out.join("index.html.br").exists(),
        "without --precompress the siblings go"
    );
}

/// Another build that makes the same pages writes none of them, but must
/// still note what they are made from now: else every later export would
/// make every page again.
#[test]
fn the_manifest_follows_what_the_pages_are_made_from_even_when_none_changed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    export_to(&samples_dir(), &out).unwrap();
    let path = out.join(export::MANIFEST);
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let files = manifest["files"].as_object_mut().unwrap();
    let made = files["index.html"]["input"].clone();
    // As an older build would have noted it.
    files.get_mut("index.html").unwrap()["input"] = serde_json::json!(1);
    std::fs::write(&path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let again = export_to(&samples_dir(), &out).unwrap();
    assert_eq!(again.written, 0, "the same bytes are not written again");
    let after: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(after["files"]["index.html"]["input"], made);
}

/// A stopped export leaves the files it was writing; the next one removes
/// them and does not count them.
#[test]
fn the_temporary_files_of_a_stopped_export_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let first = export_to(&samples_dir(), &out).unwrap();
    let leftover = out.join("d").join(".tmp-Xy12ab");
    std::fs::write(&leftover, "half a page").unwrap();
    let again = export_to(&samples_dir(), &out).unwrap();
    assert!(!leftover.exists());
    assert_eq!((again.files, again.bytes), (first.files, first.bytes));
}

/// An archive of `threads` threads of a hundred comments each, shaped like
/// a real one: replies nested three deep; a quarter of the comments by
/// 250 regulars (a hundred each, so each has a page of their own), the
/// rest by a long tail of 30,000 readers with two or three each; threads
/// spread over five years.
fn write_realistic_archive(dir: &Path, threads: usize) {
    const DEPTHS: [usize; 10] = [0, 1, 2, 1, 2, 3, 0, 1, 1, 2];
    for t in 0..threads {
        let mut text = format!(
            "Thread {t}: what would you keep if you could keep one thing?\nsubmitted by op{}\n\n\
             The question, with a little more said about it.\n",
            t % 50
        );
        for j in 0..100 {
            let n = t * 100 + j;
            let author = if n % 4 == 0 {
                format!("regular{}", n / 4 % 250)
            } else {
                format!("reader{}", n * 7919 % 30_000)
            };
            let indent = "    ".repeat(DEPTHS[j % 10]);
            let body = match n % 5 {
                0 => format!("Number {n}: the old radio, it still works."),
                1 => format!(
                    "Number {n}. My grandmother's recipe box, every card in her hand, \
                     with notes in the margins about who liked what."
                ),
                2 => format!(
                    "Number {n} is *hard* to answer.\n\n{indent}Probably the photos, though \
                     I have them [scanned](https://example.com/{n}) already."
                ),
                3 => format!("> the question\n\n{indent}Number {n}: a bike, no contest."),
                _ => format!(
                    "Number {n}, at length. {}",
                    "It is the kind of thing you only miss when it is gone. ".repeat(3)
                ),
            };
            let at = Utc
                .with_ymd_and_hms(
                    2020 + (t / 12 % 5) as i32,
                    (t % 12) as u32 + 1,
                    1 + (t * 7 % 28) as u32,
                    (j / 6 % 24) as u32,
                    (j * 7 % 60) as u32,
                    0,
                )
                .unwrap();
            text.push_str(&format!(
                "\n{indent}{author} on {} UTC »\n\n{indent}{body}\n",
                header_text(at)
            ));
        }
        std::fs::write(dir.join(format!("t{t:04}.txt")), text).unwrap();
    }
}

/// Files under `root/sub`.
fn files_in(root: &Path, sub: &str) -> usize {
    std::fs::read_dir(root.join(sub)).map_or(0, |entries| entries.count())
}

#[test]
fn a_hundred_thousand_comment_export_fits_the_free_hosts_with_room_to_spare() {
    let dir = tempfile::tempdir().unwrap();
    write_realistic_archive(dir.path(), 1_000);
    let archive = crate::load(dir.path()).unwrap().archive;
    let comments: usize = archive
        .discussions()
        .iter()
        .map(|d| d.comment_count())
        .sum();
    assert_eq!(comments, 100_000);
    let authors = archive.authors().len();
    assert!(authors > 20_000, "{authors} authors");
    // With search where the browser tests' Pagefind is installed (as in
    // CI): its bundles count in the budget too.
    let pagefind =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/.bin/pagefind");
    let pagefind = pagefind.is_file().then_some(pagefind);
    if pagefind.is_none() {
        eprintln!(
            "the export's search is not counted: Pagefind is missing (npm ci --prefix tests/browser)"
        );
    }
    let out = tempfile::tempdir().unwrap();
    let options = Options {
        pagefind: pagefind.clone(),
        ..Options::new(out.path().to_owned())
    };
    let summary = export::export(archive, &options, &|_, _| {}).unwrap();
    assert_eq!(
        matches!(summary.search, Search::Indexed(_)),
        pagefind.is_some(),
        "{summary:?}"
    );
    // Room to spare: half of Cloudflare Pages' free file count and of
    // GitHub Pages' size.
    assert!(summary.files <= 10_000, "{} files", summary.files);
    assert!(summary.bytes <= 500_000_000, "{} bytes", summary.bytes);
    for (host, misfit) in summary.fits() {
        assert!(misfit.is_none(), "{host}: {misfit:?}");
    }
    // A thread a file; the authors on pages of names, the 250 regulars
    // on their own: hundreds of files, not tens of thousands.
    assert_eq!(files_in(out.path(), "d"), 1_000);
    let author_files = files_in(out.path(), "a");
    assert!(author_files < 1_000, "{author_files} author files");
    assert!(out.path().join("a/regular7.html").is_file());
    assert!(!out.path().join("a/reader7.html").exists());
    // Every comment is on a page as `#c-{id}`.
    let ids = Regex::new(r#"<li class="comment[^"]*" id="c-([0-9a-z]+)""#).unwrap();
    let mut shown = BTreeSet::new();
    for html in html_files(out.path()).values() {
        shown.extend(ids.captures_iter(html).map(|c| c[1].to_owned()));
    }
    assert_eq!(shown, comment_ids(dir.path()));
}
