//! `threadview export`: the archive as a static site, for any web server,
//! object storage or `file://`.
//!
//! The export writes the server's own pages (the same `build()`s and
//! templates) for every default view: the index, each discussion's thread
//! and timeline, the authors and each author's page, all paged, with links
//! relative to each page's file ([`crate::site::Links::Export`]) and the
//! views it leaves out left out of the controls. A manifest of what each
//! file was made from lets the next export skip what did not change.

mod media;
mod out;
mod pagefind;
mod precompress;
mod site;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::model::Archive;
use crate::site::assets;
pub use crate::site::url::file_name as name;
pub use out::MANIFEST;
use out::{Made, Manifest, Out};
pub use pagefind::{BUNDLE_COMMENTS, find as find_pagefind};
pub use precompress::Precompressed;
use site::{Page, Site, Stage};

/// What to export, and where.
pub struct Options {
    pub out: PathBuf,
    /// Only these discussions (by id), when any are named.
    pub discussions: Vec<String>,
    /// Write into a folder that holds other things.
    pub force: bool,
    /// The Pagefind program that indexes the pages for search; no search
    /// without it.
    pub pagefind: Option<PathBuf>,
    /// Comments a search bundle indexes at most ([`BUNDLE_COMMENTS`]).
    pub bundle_comments: usize,
    /// Pages show media that is not on disk from its hosts.
    pub remote_media: bool,
    /// Fail, before writing anything, an export of more files than this
    /// or more bytes than this (search bundles, made after, not counted).
    pub max_files: Option<usize>,
    pub max_bytes: Option<u64>,
    /// Write a `.gz` and a `.br` beside each text file.
    pub precompress: bool,
}

impl Options {
    /// An export of the whole archive into `out`, as the command makes it
    /// by default: into a new or earlier export's folder, no search, local
    /// media only, no budget, no precompressed siblings.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        Options {
            out: out.into(),
            discussions: Vec::new(),
            force: false,
            pagefind: None,
            bundle_comments: BUNDLE_COMMENTS,
            remote_media: false,
            max_files: None,
            max_bytes: None,
            precompress: false,
        }
    }
}

/// What an export did.
#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    /// Pages (and assets) written because they are new or changed.
    pub written: usize,
    /// Pages already there as they should be.
    pub unchanged: usize,
    /// Files of the last export that the archive no longer has.
    pub removed: usize,
    /// Every file in the folder afterwards, and their bytes (what a host
    /// counts: precompressed siblings left out).
    pub files: usize,
    pub bytes: u64,
    /// The largest file, and its bytes.
    pub largest: (String, u64),
    pub search: Search,
    pub media: MediaSummary,
    /// The `.gz` and `.br` siblings (not counted in `files` and `bytes`).
    pub precompressed: Precompressed,
    pub elapsed: Duration,
}

/// The media files the export holds (counted in `files` and `bytes` too).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MediaSummary {
    pub files: usize,
    pub bytes: u64,
    /// Copied (or linked) this time; the others were there already.
    pub copied: usize,
}

/// What became of search.
#[derive(Debug, PartialEq, Eq)]
pub enum Search {
    /// Pagefind indexed the pages: this many bundles were made again.
    Indexed(usize),
    /// Nothing changed since Pagefind last indexed them.
    Unchanged,
    /// Pagefind is not installed: no search box.
    Absent,
}

/// Why an export stopped. Files already written stay, and the manifest
/// says what they are, so the next run goes on from there; the front page
/// is written last, so a site that stopped halfway does not look whole.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Unreadable(#[from] crate::model::Unreadable),
    #[error("{} is a file: give a folder to export into (it is made if missing)", .0.display())]
    NotAFolder(PathBuf),
    #[error(
        "{} is not empty and holds no earlier export: give an empty or new folder, or pass --force to write into it anyway (nothing already there is removed)",
        .0.display()
    )]
    NotEmpty(PathBuf),
    #[error(
        "the disk is full: cannot write {}. Free some space and run the export again: it keeps what is written and finishes the rest",
        .0.display()
    )]
    DiskFull(PathBuf),
    #[error("permission denied: cannot {action} {}. Export into a folder you can write to", .path.display())]
    Permission { action: &'static str, path: PathBuf },
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "there is no discussion \"{0}\" in the archive (the ids are the file names without their extension, or Reddit's post ids)"
    )]
    UnknownDiscussion(String),
    #[error("cannot make {file}: {source}")]
    Render {
        file: String,
        source: crate::site::PageError,
    },
    #[error("Pagefind could not index the pages: {0}")]
    Pagefind(String),
    #[error(
        "the export would be {what}; nothing was written. To make it smaller: export fewer discussions (--discussion ID), or leave the media out (--media with an empty folder)"
    )]
    OverBudget { what: String },
}

impl ExportError {
    /// The error of `action` on `path`, said plainly for the usual causes.
    fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        use std::io::ErrorKind;
        match source.kind() {
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
                ExportError::DiskFull(path.to_owned())
            }
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
                ExportError::Permission {
                    action,
                    path: path.to_owned(),
                }
            }
            _ => ExportError::Io {
                action,
                path: path.to_owned(),
                source,
            },
        }
    }
}

/// Fails an export that would pass `--max-files` or `--max-bytes`, before
/// anything is written: the files are counted (pages, assets, media, the
/// manifest, counted at its largest); the
/// bytes of a page unchanged since the last export are its file's, the
/// others' are rendered and measured (so `--max-bytes` makes the pages
/// twice). Search bundles, made after by Pagefind, are not counted.
fn check_budget(
    options: &Options,
    site: &Site,
    pages: &[Page],
    media: &media::Copied,
    out: &Out,
    old: &Manifest,
) -> Result<(), ExportError> {
    if options.max_files.is_none() && options.max_bytes.is_none() {
        return Ok(());
    }
    let nojekyll = (".nojekyll".to_owned(), "");
    let assets: Vec<(String, &str)> = assets::files().chain([nojekyll]).collect();
    // And the manifest.
    let files = pages.len() + assets.len() + media.files + 1;
    if let Some(max) = options.max_files.filter(|&max| files > max) {
        return Err(ExportError::OverBudget {
            what: format!(
                "{} files ({} pages, {} media files and thumbnails, {} assets), over --max-files {}",
                thousands(files as u64),
                thousands(pages.len() as u64),
                thousands(media.files as u64),
                assets.len(),
                thousands(max as u64)
            ),
        });
    }
    let Some(max) = options.max_bytes else {
        return Ok(());
    };
    let page_bytes = pages
        .par_iter()
        .map(|page| {
            let unchanged = old
                .files
                .get(&page.file)
                .is_some_and(|last| last.input == page.input);
            if unchanged && let Ok(meta) = std::fs::metadata(out.root().join(&page.file)) {
                return Ok(meta.len());
            }
            site.render(&page.url, &page.file)
                .map(|html| html.len() as u64)
                .map_err(|source| ExportError::Render {
                    file: page.file.clone(),
                    source,
                })
        })
        .sum::<Result<u64, ExportError>>()?;
    let asset_bytes: u64 = assets.iter().map(|(_, content)| content.len() as u64).sum();
    // The manifest at its largest: each file's name and two hashes of at
    // most 20 digits.
    let manifest_bytes: u64 = pages
        .iter()
        .map(|p| p.file.len())
        .chain(assets.iter().map(|(file, _)| file.len()))
        .map(|name| name as u64 + 48)
        .sum::<u64>()
        + media.files as u64 * 80
        + 64;
    let bytes = page_bytes + asset_bytes + media.bytes + manifest_bytes;
    if bytes > max {
        return Err(ExportError::OverBudget {
            what: format!(
                "{} ({} of pages, {} of media), over --max-bytes {}",
                size_text(bytes),
                size_text(page_bytes),
                size_text(media.bytes),
                size_text(max)
            ),
        });
    }
    Ok(())
}

/// Exports `archive` as `options` say; `progress(done, total)` counts
/// pages.
pub fn export(
    archive: Archive,
    options: &Options,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Summary, ExportError> {
    let started = Instant::now();
    let archive = select(archive, &options.discussions)?;
    let (out, old) = Out::open(&options.out, options.force)?;
    let bundles = options.pagefind.as_ref().map(|_| options.bundle_comments);
    let mut copied = media::plan(&archive, &out, &old)?;
    let site = Site::new(
        archive,
        bundles,
        std::mem::take(&mut copied.names),
        std::mem::take(&mut copied.thumbnails),
        options.remote_media,
    )?;
    let mut pages = site.pages()?;
    pages.sort_by_key(|page| page.stage);
    check_budget(options, &site, &pages, &copied, &out, &old)?;
    copied.place(&out)?;
    let media_summary = MediaSummary {
        files: copied.files,
        bytes: copied.bytes,
        copied: copied.copied,
    };
    let run = Run {
        site: &site,
        out: &out,
        old: &old,
        made: Mutex::new(std::mem::take(&mut copied.made)),
        written: AtomicU64::new(0),
        unchanged: AtomicU64::new(0),
    };
    let result = run
        .write_assets()
        .and_then(|()| run.write_pages(&pages, progress));
    let (mut manifest, written, unchanged) = run.finish();
    if let Err(error) = result {
        // What is on disk now: the files made, and the last export's others.
        for (file, entry) in &old.files {
            manifest.files.entry(file.clone()).or_insert(*entry);
        }
        let _ = out.finish(&mut manifest);
        return Err(error);
    }
    let removed = remove_stale(&out, &old, &manifest)?;
    let search = match &options.pagefind {
        Some(program) => index_for_search(program, &site, &out, &old, &mut manifest)?,
        None => {
            pagefind::remove(out.root())?;
            Search::Absent
        }
    };
    let precompressed = if options.precompress {
        precompress::make(&out, &manifest, &old)?
    } else {
        for file in manifest.files.keys() {
            precompress::remove(&out, file)?;
        }
        Precompressed::default()
    };
    // Also when only what the pages are made from changed (another build
    // made the same bytes): else every later export would make them again.
    if written > 0
        || removed > 0
        || manifest.search_bundles != old.search_bundles
        || manifest.files != old.files
    {
        out.finish(&mut manifest)?;
    }
    let size = folder_size(out.root());
    Ok(Summary {
        pages: pages.len(),
        written,
        unchanged,
        removed,
        files: size.files,
        bytes: size.bytes,
        largest: size.largest,
        search,
        media: media_summary,
        precompressed,
        elapsed: started.elapsed(),
    })
}

/// One export writing its files: what it made, and how many it wrote or
/// found unchanged.
struct Run<'a> {
    site: &'a Site,
    out: &'a Out,
    old: &'a Manifest,
    made: Mutex<BTreeMap<String, Made>>,
    written: AtomicU64,
    unchanged: AtomicU64,
}

impl Run<'_> {
    fn note(&self, file: String, entry: Made, wrote: bool) {
        self.made.lock().expect("not poisoned").insert(file, entry);
        let count = if wrote {
            &self.written
        } else {
            &self.unchanged
        };
        count.fetch_add(1, Ordering::Relaxed);
    }

    /// The assets and `.nojekyll`, which tells GitHub Pages to publish the
    /// files as they are.
    fn write_assets(&self) -> Result<(), ExportError> {
        let nojekyll = (".nojekyll".to_owned(), "");
        for (file, content) in assets::files().chain([nojekyll]) {
            let hash = xxhash_rust::xxh3::xxh3_64(content.as_bytes());
            let entry = Made {
                input: hash,
                output: hash,
            };
            if self.old.files.get(&file) != Some(&entry) || !self.out.has(&file) {
                self.out.write(&file, content.as_bytes())?;
                self.written.fetch_add(1, Ordering::Relaxed);
            }
            // Counted as written when written, never as unchanged pages.
            self.made.lock().expect("not poisoned").insert(file, entry);
        }
        Ok(())
    }

    /// Every page, in parallel, stage by stage (the front page last).
    fn write_pages(
        &self,
        pages: &[Page],
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<(), ExportError> {
        let done = AtomicU64::new(0);
        let total = pages.len() as u64;
        for stage in [Stage::Pages, Stage::Lists, Stage::Front] {
            pages
                .par_iter()
                .filter(|page| page.stage == stage)
                .try_for_each(|page| {
                    let (entry, wrote) = make(self.site, self.out, self.old, page)?;
                    self.note(page.file.clone(), entry, wrote);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                    Ok::<_, ExportError>(())
                })?;
        }
        Ok(())
    }

    /// The manifest of what was made, and the counts of written and
    /// unchanged files.
    fn finish(self) -> (Manifest, usize, usize) {
        let manifest = Manifest {
            files: self.made.into_inner().expect("not poisoned"),
            ..Manifest::default()
        };
        (
            manifest,
            self.written.into_inner() as usize,
            self.unchanged.into_inner() as usize,
        )
    }
}

/// Removes the files of the last export that this one did not make.
fn remove_stale(out: &Out, old: &Manifest, manifest: &Manifest) -> Result<usize, ExportError> {
    let mut removed = 0;
    for file in old.files.keys() {
        if !manifest.files.contains_key(file) {
            out.remove(file)?;
            precompress::remove(out, file)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Runs Pagefind over the bundles whose pages changed (or whose index is
/// missing), marking them stale in the manifest until it is done.
fn index_for_search(
    program: &Path,
    site: &Site,
    out: &Out,
    old: &Manifest,
    manifest: &mut Manifest,
) -> Result<Search, ExportError> {
    let wanted: Vec<u64> = site
        .bundles()
        .iter()
        .map(|pages| {
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            for page in pages {
                h.update(page.as_bytes());
                let made = manifest.files.get(page).map_or(0, |m| m.output);
                h.update(&made.to_le_bytes());
            }
            h.digest()
        })
        .collect();
    let stale: Vec<usize> = (0..wanted.len())
        .filter(|&k| {
            old.search_bundles.get(k) != Some(&wanted[k])
                || !out.has(&format!(
                    "{}/pagefind-entry.json",
                    pagefind::bundle_folder(k)
                ))
        })
        .collect();
    manifest.search_bundles = wanted.clone();
    for &k in &stale {
        manifest.search_bundles[k] = 0;
    }
    if !stale.is_empty() {
        out.finish(manifest)?;
    }
    pagefind::index(program, out.root(), site.bundles(), &stale)?;
    manifest.search_bundles = wanted;
    Ok(if stale.is_empty() {
        Search::Unchanged
    } else {
        Search::Indexed(stale.len())
    })
}

/// The archive with only `ids`, or all of it when none are named.
fn select(archive: Archive, ids: &[String]) -> Result<Archive, ExportError> {
    if ids.is_empty() {
        return Ok(archive);
    }
    let mut kept = Vec::new();
    for id in ids {
        // Its id, or (a thread file named otherwise) its Reddit post's.
        let at = archive
            .position(id)
            .or_else(|| archive.post_position(id))
            .ok_or_else(|| ExportError::UnknownDiscussion(id.clone()))?;
        kept.push(at);
    }
    // Only the chosen threads' files' problems.
    let diagnostics = archive
        .diagnostics
        .iter()
        .filter(|d| {
            let stem = d.file.split('.').next().unwrap_or_default();
            ids.iter().any(|id| id == stem)
        })
        .cloned()
        .collect();
    Ok(archive.only(&kept, diagnostics)?)
}

/// Makes one page unless the last export made it from the same input:
/// what it is made from, and whether it was written.
fn make(site: &Site, out: &Out, old: &Manifest, page: &Page) -> Result<(Made, bool), ExportError> {
    let last = old.files.get(&page.file).filter(|_| out.has(&page.file));
    if let Some(last) = last.filter(|last| last.input == page.input) {
        return Ok((*last, false));
    }
    let html = site
        .render(&page.url, &page.file)
        .map_err(|source| ExportError::Render {
            file: page.file.clone(),
            source,
        })?;
    let entry = Made {
        input: page.input,
        output: xxhash_rust::xxh3::xxh3_64(html.as_bytes()),
    };
    // Made again (the program changed, or what it shows did) but the same.
    if last.is_some_and(|last| last.output == entry.output) {
        return Ok((entry, false));
    }
    out.write(&page.file, html.as_bytes())?;
    Ok((entry, true))
}

/// What a folder holds, as a static host counts it.
struct FolderSize {
    files: usize,
    bytes: u64,
    largest: (String, u64),
}

/// How many files a folder holds, their bytes and the largest, at any
/// depth, precompressed siblings left out; the temporary files of a
/// stopped export are removed on the way.
fn folder_size(root: &Path) -> FolderSize {
    let mut size = FolderSize {
        files: 0,
        bytes: 0,
        largest: (String::new(), 0),
    };
    let mut folders = vec![root.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            match entry.metadata() {
                Ok(meta) if meta.is_dir() => folders.push(path),
                // What a stopped export was writing (its temporary files)
                // is never part of the site: it goes.
                Ok(_) if is_temporary(&path) => {
                    let _ = std::fs::remove_file(&path);
                }
                Ok(_) if !counted(&path) => {}
                Ok(meta) => {
                    size.files += 1;
                    size.bytes += meta.len();
                    if meta.len() > size.largest.1 {
                        let name = path.strip_prefix(root).unwrap_or(&path);
                        size.largest = (name.to_string_lossy().into_owned(), meta.len());
                    }
                }
                Err(_) => {}
            }
        }
    }
    size
}

/// Whether the file is one that [`Out`] writes before renaming it into
/// place: at the end of an export, one left by an export that was stopped.
fn is_temporary(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(out::TEMPORARY))
}

/// Whether the file counts in the site's budget: everything uploaded (the
/// manifest too), but not a precompressed sibling (`.gz`, `.br`), which
/// is the server's business.
fn counted(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !name.ends_with(".gz") && !name.ends_with(".br")
}

/// A static host's limits.
#[derive(Debug, Clone, Copy)]
pub struct Host {
    pub name: &'static str,
    pub max_files: Option<usize>,
    pub max_bytes: Option<u64>,
    pub max_file_bytes: Option<u64>,
}

/// The free hosts people publish on, with the limits they state.
pub const HOSTS: [Host; 4] = [
    Host {
        name: "GitHub Pages",
        max_files: None,
        max_bytes: Some(1_000_000_000),
        max_file_bytes: Some(100 << 20),
    },
    Host {
        name: "Cloudflare Pages (free)",
        max_files: Some(20_000),
        max_bytes: None,
        max_file_bytes: Some(25 << 20),
    },
    Host {
        name: "Cloudflare Pages (paid)",
        max_files: Some(100_000),
        max_bytes: None,
        max_file_bytes: Some(25 << 20),
    },
    Host {
        name: "GitLab Pages",
        max_files: Some(200_000),
        max_bytes: Some(1_000_000_000),
        max_file_bytes: None,
    },
];

impl Host {
    /// Why a site of `files`, `bytes` and a largest file of `largest`
    /// bytes does not fit, or `None` when it does.
    pub fn misfit(&self, files: usize, bytes: u64, largest: u64) -> Option<String> {
        if let Some(max) = self.max_files.filter(|&max| files > max) {
            return Some(format!(
                "{} files, over {}",
                thousands(files as u64),
                thousands(max as u64)
            ));
        }
        if let Some(max) = self.max_bytes.filter(|&max| bytes > max) {
            return Some(format!("{}, over {}", size_text(bytes), size_text(max)));
        }
        if let Some(max) = self.max_file_bytes.filter(|&max| largest > max) {
            return Some(format!(
                "a file of {}, over {} a file",
                size_text(largest),
                size_text(max)
            ));
        }
        None
    }
}

impl Summary {
    /// Each host, and why the site does not fit it (`None`: it fits).
    pub fn fits(&self) -> Vec<(&'static str, Option<String>)> {
        HOSTS
            .iter()
            .map(|host| {
                (
                    host.name,
                    host.misfit(self.files, self.bytes, self.largest.1),
                )
            })
            .collect()
    }
}

/// `1.5 MiB`, `640.0 KiB`, `1.02 GiB`.
pub fn size_text(bytes: u64) -> String {
    let b = bytes as f64;
    if bytes >= 1 << 30 {
        format!("{:.2} GiB", b / (1u64 << 30) as f64)
    } else if bytes >= 1 << 20 {
        format!("{:.1} MiB", b / (1u64 << 20) as f64)
    } else {
        format!("{:.1} KiB", b / 1024.0)
    }
}

/// A size as people write it: `1G`, `1GB` (10⁹ bytes), `1GiB` (2³⁰),
/// `500M`, `750k`, or bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (e.g. 1G, 500MB, 750KiB)"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "{text:?}: the unit is one of k, M, G, KiB, MiB, GiB"
            ));
        }
    };
    Ok((number * scale as f64).round() as u64)
}

fn thousands(n: u64) -> String {
    crate::site::view::thousands(n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_as_people_write_them() {
        assert_eq!(parse_size("1G"), Ok(1_000_000_000));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("500MB"), Ok(500_000_000));
        assert_eq!(parse_size("1.5 MiB"), Ok(3 << 19));
        assert_eq!(parse_size("750k"), Ok(750_000));
        assert_eq!(parse_size("1234"), Ok(1234));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }

    #[test]
    fn a_site_fits_a_host_or_says_why_not() {
        let cloudflare = HOSTS[1];
        assert_eq!(cloudflare.misfit(20_000, 1 << 30, 1 << 20), None);
        assert_eq!(
            cloudflare.misfit(20_001, 0, 0).as_deref(),
            Some("20,001 files, over 20,000")
        );
        assert_eq!(
            cloudflare.misfit(10, 0, 26 << 20).as_deref(),
            Some("a file of 26.0 MiB, over 25.0 MiB a file")
        );
        let github = HOSTS[0];
        assert!(github.misfit(1_000_000, 999_999_999, 0).is_none());
        assert!(
            github
                .misfit(1, 1_000_000_001, 0)
                .unwrap()
                .contains("over 953.7 MiB")
        );
    }

    #[test]
    fn the_usual_causes_are_said_plainly() {
        use std::io::{Error, ErrorKind};
        let path = Path::new("/out/d/x.html");
        let full = ExportError::io("write", path, Error::from(ErrorKind::StorageFull));
        assert!(matches!(full, ExportError::DiskFull(_)));
        assert!(full.to_string().contains("/out/d/x.html"), "{full}");
        let denied = ExportError::io("create", path, Error::from(ErrorKind::PermissionDenied));
        assert_eq!(
            denied.to_string(),
            "permission denied: cannot create /out/d/x.html. Export into a folder you can write to"
        );
        let other = ExportError::io("write", path, Error::other("broken pipe"));
        assert!(other.to_string().ends_with("broken pipe"), "{other}");
    }
}
