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
mod site;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::model::Archive;
use crate::site::assets;
pub use out::MANIFEST;
use out::{Made, Manifest, Out};
pub use pagefind::{BUNDLE_COMMENTS, find as find_pagefind};
pub use site::name;
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
    /// Every file in the folder afterwards, and their bytes.
    pub files: usize,
    pub bytes: u64,
    pub search: Search,
    pub media: MediaSummary,
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
    let copied = media::copy(&archive, &out, &old)?;
    let media_summary = MediaSummary {
        files: copied.files,
        bytes: copied.bytes,
        copied: copied.copied,
    };
    let site = Site::new(
        archive,
        bundles,
        copied.names,
        copied.thumbnails,
        options.remote_media,
    );
    let mut pages = site.pages();
    pages.sort_by_key(|page| page.stage);
    let run = Run {
        site: &site,
        out: &out,
        old: &old,
        made: Mutex::new(copied.made),
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
    if written > 0 || removed > 0 || manifest.search_bundles != old.search_bundles {
        out.finish(&mut manifest)?;
    }
    let (files, bytes) = folder_size(out.root());
    Ok(Summary {
        pages: pages.len(),
        written,
        unchanged,
        removed,
        files,
        bytes,
        search,
        media: media_summary,
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
                || !out.has(&format!("{}/pagefind.js", pagefind::bundle_folder(k)))
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
        kept.push(archive.discussions()[at].clone());
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
    Ok(Archive::new(kept, diagnostics).with_media(archive.shared_media()))
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

/// How many files a folder holds, and their bytes, at any depth.
fn folder_size(root: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    let mut folders = vec![root.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            match entry.metadata() {
                Ok(meta) if meta.is_dir() => folders.push(entry.path()),
                Ok(meta) => {
                    files += 1;
                    bytes += meta.len();
                }
                Err(_) => {}
            }
        }
    }
    (files, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

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
