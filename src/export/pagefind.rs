//! Search in an export: Pagefind (the static search library, from npm or
//! PyPI as `pagefind`) indexes the thread pages into `pagefind/`, which
//! the export's search page reads in the browser.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::ExportError;

/// The file of the index that the search page loads.
pub const ENTRY: &str = "pagefind/pagefind.js";

/// What Pagefind leaves out of a page: the chrome around the comments.
const IGNORED: &str = "header.site, footer.site, nav, .controls, .participants, figure.activity, \
.legend, .pager, .pager-position, .actions, .article-elsewhere";

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

/// Indexes the export in `root`: the parts of thread pages marked
/// `data-pagefind-body` (a timeline holds the same comments, an author's
/// page the same again, so they are left out).
pub fn index(program: &Path, root: &Path) -> Result<(), ExportError> {
    let output = Command::new(program)
        .arg("--site")
        .arg(root)
        .args(["--output-subdir", "pagefind"])
        .args(["--exclude-selectors", IGNORED])
        // Result links name their file: `index.html` too, for `file://`.
        .arg("--keep-index-url")
        .arg("--quiet")
        .output()
        .map_err(|e| ExportError::Pagefind(format!("cannot run {}: {e}", program.display())))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(ExportError::Pagefind(format!(
            "{} ended with {}: {}",
            program.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

/// Removes the index of an earlier export that had search.
pub fn remove(root: &Path) -> Result<(), ExportError> {
    let folder = root.join("pagefind");
    match std::fs::remove_dir_all(&folder) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(ExportError::io("remove", &folder, e))
        }
        _ => Ok(()),
    }
}
