//! Where the index lives: a folder (the user's cache folder by default)
//! or memory.

use std::path::{Path, PathBuf};

/// Where the index lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Folder(PathBuf),
    Memory,
}

impl Location {
    /// The folder for the archive at `archive` in the user's cache folder
    /// (XDG on Linux, the platform's own elsewhere): one per archive.
    pub fn cache_for(archive: &Path) -> Option<PathBuf> {
        cache_path(archive, "index")
    }
}

/// The folder for the archive at `archive` in the user's cache folder
/// (XDG on Linux, the platform's own elsewhere) under `what` (`index`,
/// `store`): one per archive, named by a hash of its canonical path.
pub fn cache_path(archive: &Path, what: &str) -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "threadview")?;
    let canonical = archive
        .canonicalize()
        .unwrap_or_else(|_| archive.to_owned());
    let key = xxhash_rust::xxh3::xxh3_64(canonical.to_string_lossy().as_bytes());
    Some(dirs.cache_dir().join(what).join(format!("{key:016x}")))
}

impl Location {
    /// `folder` if it can be created and written, else memory (and why).
    pub fn writable(folder: PathBuf) -> (Location, Option<String>) {
        let probe = folder.join(".threadview-probe");
        let tried = std::fs::create_dir_all(&folder)
            .and_then(|()| std::fs::write(&probe, b"ok"))
            .and_then(|()| std::fs::remove_file(&probe));
        match tried {
            Ok(()) => (Location::Folder(folder), None),
            Err(e) => (
                Location::Memory,
                Some(format!(
                    "cannot write the search index to {}: {e}; keeping it in memory (it is rebuilt at each start)",
                    folder.display()
                )),
            ),
        }
    }

    /// Where it is, for the log.
    pub fn describe(&self) -> String {
        match self {
            Location::Folder(folder) => format!("in {}", folder.display()),
            Location::Memory => "in memory".to_owned(),
        }
    }
}
