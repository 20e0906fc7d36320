//! Reading an archive folder from disk: the only place that touches the
//! documents. A `Loader` remembers what it read, so a reload reads only the
//! files that changed and shares the rest with the previous archive.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::model::{Archive, Diagnostic, Discussion};
use crate::parse::{Parsed, parse_bytes};

/// What loading a folder produced, and what it cost.
pub struct Loaded {
    pub archive: Archive,
    pub elapsed: Duration,
    /// How many files were read (the others were unchanged).
    pub files_read: usize,
}

/// A file's modification time and size: when both are unchanged, so is it.
type Stamp = (SystemTime, u64);

/// What the loader knows of one file.
struct Known {
    stamp: Option<Stamp>,
    discussion: Option<Arc<Discussion>>,
    diagnostics: Vec<Diagnostic>,
}

/// Loads a folder of documents, and reloads it cheaply.
pub struct Loader {
    dir: PathBuf,
    known: HashMap<PathBuf, Known>,
}

fn is_document(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("txt"))
}

/// The `*.txt` entries directly inside `dir`, sorted, folders left out. A
/// file that cannot be read (a dangling link, say) is still listed, so that
/// its last good version can be kept.
fn document_paths(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if is_document(&path) && !path.is_dir() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

impl Loader {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Loader {
            dir: dir.into(),
            known: HashMap::new(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether a changed path is one this loader reads.
    pub fn watches(&self, path: &Path) -> bool {
        path.parent() == Some(self.dir.as_path()) && is_document(path)
    }

    /// Reads the folder. Files seen for the first time, changed since (by
    /// modification time and size) or named in `changed` are read and
    /// parsed, in parallel; the others are reused. A file that was good and
    /// now cannot be read, or no longer parses, keeps its last good version,
    /// with a diagnostic. Only an unreadable folder is an error.
    pub fn load(&mut self, changed: &HashSet<PathBuf>) -> std::io::Result<Loaded> {
        self.load_with_progress(changed, &|_, _| {})
    }

    /// [`Loader::load`], calling `progress(files read, files to read)` as it
    /// goes (from several threads).
    pub fn load_with_progress(
        &mut self,
        changed: &HashSet<PathBuf>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> std::io::Result<Loaded> {
        let started = Instant::now();
        let paths = document_paths(&self.dir)?;
        let stale: Vec<(&PathBuf, Option<Stamp>)> = paths
            .iter()
            .map(|path| (path, stamp(path)))
            .filter(|(path, stamp)| {
                changed.contains(*path)
                    || self
                        .known
                        .get(*path)
                        .is_none_or(|known| known.stamp.is_none() || known.stamp != *stamp)
            })
            .collect();
        let files_read = stale.len();
        let done = AtomicUsize::new(0);
        let fresh: Vec<(PathBuf, Option<Stamp>, std::io::Result<Parsed>)> = stale
            .into_par_iter()
            .map(|(path, stamp)| {
                let parsed = std::fs::read(path).map(|bytes| parse_bytes(&file_name(path), &bytes));
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, files_read);
                (path.clone(), stamp, parsed)
            })
            .collect();

        let listed: HashSet<&PathBuf> = paths.iter().collect();
        self.known.retain(|path, _| listed.contains(path));
        for (path, stamp, parsed) in fresh {
            let name = file_name(&path);
            let previous = self.known.remove(&path).and_then(|k| k.discussion);
            let known = match (parsed, previous) {
                (
                    Ok(Parsed {
                        discussion: Some(d),
                        diagnostics,
                    }),
                    _,
                ) => Known {
                    stamp,
                    discussion: Some(Arc::new(d)),
                    diagnostics,
                },
                (
                    Ok(Parsed {
                        discussion: None,
                        mut diagnostics,
                    }),
                    Some(previous),
                ) => {
                    diagnostics.push(kept_last_good(&name));
                    Known {
                        stamp,
                        discussion: Some(previous),
                        diagnostics,
                    }
                }
                (
                    Ok(Parsed {
                        discussion: None,
                        diagnostics,
                    }),
                    None,
                ) => Known {
                    stamp,
                    discussion: None,
                    diagnostics,
                },
                (Err(err), previous) => {
                    let mut diagnostics = vec![Diagnostic {
                        file: name.clone(),
                        line: None,
                        message: format!("cannot read the file: {err}"),
                    }];
                    if previous.is_some() {
                        diagnostics.push(kept_last_good(&name));
                    }
                    // No stamp: the next load tries again.
                    Known {
                        stamp: None,
                        discussion: previous,
                        diagnostics,
                    }
                }
            };
            self.known.insert(path, known);
        }

        let mut discussions = Vec::with_capacity(self.known.len());
        let mut diagnostics = Vec::new();
        for path in &paths {
            if let Some(known) = self.known.get(path) {
                discussions.extend(known.discussion.clone());
                diagnostics.extend(known.diagnostics.iter().cloned());
            }
        }
        Ok(Loaded {
            archive: Archive::new(discussions, diagnostics),
            elapsed: started.elapsed(),
            files_read,
        })
    }
}

fn kept_last_good(name: &str) -> Diagnostic {
    Diagnostic {
        file: name.to_owned(),
        line: None,
        message: "showing the last version of this file that could be read".to_owned(),
    }
}

/// Loads every `*.txt` file of `dir` once.
pub fn load_dir(dir: &Path) -> std::io::Result<Loaded> {
    Loader::new(dir).load(&HashSet::new())
}
