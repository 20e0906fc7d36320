//! Search in an export: Pagefind (the static search library, from npm or
//! PyPI as `pagefind`) indexes the thread pages into `pagefind/`, which
//! the export's search page reads in the browser.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::ExportError;

/// What Pagefind leaves out of a page: the chrome around the comments, and
/// what each comment says of itself besides its author (its times, reply
/// count and permalink), which would be a tenth of the index.
const IGNORED: &str = "header.site, footer.site, nav, .controls, .participants, figure.activity, \
.legend, .pager, .pager-position, .actions, .article-elsewhere, li.comment time, .offset, \
.hidden-count, .permalink";

/// The Pagefind program: `given`, or `pagefind` where `PATH` has it.
pub fn find(given: Option<&Path>) -> Option<PathBuf> {
    if let Some(given) = given {
        return Some(given.to_owned());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|folder| folder.join("pagefind"))
        .find(|program| program.is_file())
}

/// Comments a Pagefind bundle indexes at most. Pagefind holds an index in
/// memory while it builds it, about 18 GB for a million comments on one
/// run, so a large archive is indexed in bundles of this size (each under
/// 2 GB to build, 12 s here) that the search page merges. Each bundle has
/// its own word index, in about 350 files: fewer, larger bundles keep a
/// million comments in about 2,000 files.
pub const BUNDLE_COMMENTS: usize = 200_000;

/// Fragment files (the excerpts a result shows) a bundle has at most: a
/// result loads one, with the excerpts of about 30 pages.
const MAX_FRAGMENTS: &str = "64";

/// What a bundle keeps of what Pagefind writes: its index, and, in the
/// first bundle, the script the search page loads (with its worker). The
/// search page is our own, so Pagefind's ready-made interfaces go.
fn kept(bundle: usize, file: &str) -> bool {
    let shared = file.ends_with(".pf_meta")
        || file.starts_with("wasm.")
        || file == "pagefind-entry.json"
        || file == "fragment"
        || file == "index";
    shared || (bundle == 0 && (file == "pagefind.js" || file == "pagefind-worker.js"))
}

/// Where bundle `k` (from 0) lives, from the root: `pagefind`, then
/// `pagefind-2`, `pagefind-3`…
pub fn bundle_folder(k: usize) -> String {
    if k == 0 {
        "pagefind".to_owned()
    } else {
        format!("pagefind-{}", k + 1)
    }
}

/// Indexes the export in `root` into the bundles numbered `stale` of
/// `bundles` (each a list of thread pages: a timeline holds the same
/// comments, an author's page the same again), and removes bundles past
/// the last: only what the pages mark `data-pagefind-body`. Each bundle is
/// built from a folder of hard links to its pages, into a new folder that
/// then takes the old one's place.
pub fn index(
    program: &Path,
    root: &Path,
    bundles: &[Vec<String>],
    stale: &[usize],
) -> Result<(), ExportError> {
    let scratch = root.join(".pagefind-pages");
    let fresh = root.join(".pagefind-new");
    for &k in stale {
        let pages = &bundles[k];
        for folder in [&scratch, &fresh] {
            remove_folder(folder)?;
        }
        for page in pages {
            let link = scratch.join(page);
            let folder = link.parent().expect("a page is in a folder");
            std::fs::create_dir_all(folder).map_err(|e| ExportError::io("create", folder, e))?;
            std::fs::hard_link(root.join(page), &link)
                .or_else(|_| std::fs::copy(root.join(page), &link).map(|_| ()))
                .map_err(|e| ExportError::io("write", &link, e))?;
        }
        run(program, &scratch, &fresh)?;
        trim(k, &fresh)?;
        let bundle = root.join(bundle_folder(k));
        remove_folder(&bundle)?;
        std::fs::rename(&fresh, &bundle).map_err(|e| ExportError::io("write", &bundle, e))?;
    }
    remove_folder(&scratch)?;
    remove_bundles_from(root, bundles.len())
}

fn run(program: &Path, site: &Path, output: &Path) -> Result<(), ExportError> {
    let result = Command::new(program)
        .arg("--site")
        .arg(site)
        .arg("--output-path")
        .arg(output)
        .args(["--exclude-selectors", IGNORED])
        // A file per page would be tens of thousands of files: a few
        // hundred a bundle, each a few pages' excerpts.
        .args(["--max-fragments", MAX_FRAGMENTS])
        // Result links name their file: `index.html` too, for `file://`.
        .arg("--keep-index-url")
        .arg("--quiet")
        .output()
        .map_err(|e| ExportError::Pagefind(format!("cannot run {}: {e}", program.display())))?;
    if result.status.success() {
        Ok(())
    } else {
        Err(ExportError::Pagefind(format!(
            "{} ended with {}: {}",
            program.display(),
            result.status,
            String::from_utf8_lossy(&result.stderr).trim()
        )))
    }
}

/// Removes what bundle `k`, just made in `folder`, does not need.
fn trim(k: usize, folder: &Path) -> Result<(), ExportError> {
    let entries = std::fs::read_dir(folder).map_err(|e| ExportError::io("read", folder, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| ExportError::io("read", folder, e))?;
        let name = entry.file_name();
        if kept(k, &name.to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        let removed = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| ExportError::io("remove", &path, e))?;
    }
    Ok(())
}

/// Removes bundles `from` and after (an archive that shrank, or search
/// left out: from 0).
fn remove_bundles_from(root: &Path, from: usize) -> Result<(), ExportError> {
    let mut k = from;
    loop {
        let bundle = root.join(bundle_folder(k));
        if !bundle.exists() && k > 0 {
            return Ok(());
        }
        remove_folder(&bundle)?;
        k += 1;
    }
}

fn remove_folder(folder: &Path) -> Result<(), ExportError> {
    match std::fs::remove_dir_all(folder) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(ExportError::io("remove", folder, e))
        }
        _ => Ok(()),
    }
}

/// Removes the index of an earlier export that had search.
pub fn remove(root: &Path) -> Result<(), ExportError> {
    remove_bundles_from(root, 0)
}
