//! Reading an archive folder from disk: the only place that touches files.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::model::{Archive, Diagnostic};
use crate::parse::parse_bytes;

/// What loading a folder produced, and how long it took.
pub struct Loaded {
    pub archive: Archive,
    pub elapsed: Duration,
}

/// The `*.txt` files directly inside `dir`, sorted by name.
fn document_paths(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let is_txt = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("txt"));
        if is_txt && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// Loads and parses every `*.txt` file of `dir`, in parallel. A file that
/// cannot be read or parsed becomes a diagnostic; only an unreadable folder
/// is an error.
pub fn load_dir(dir: &Path) -> std::io::Result<Loaded> {
    let started = Instant::now();
    let paths = document_paths(dir)?;
    let results: Vec<_> = paths
        .par_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match std::fs::read(path) {
                Ok(bytes) => parse_bytes(&name, &bytes),
                Err(err) => crate::parse::Parsed {
                    discussion: None,
                    diagnostics: vec![Diagnostic {
                        file: name,
                        line: None,
                        message: format!("skipped: cannot read the file: {err}"),
                    }],
                },
            }
        })
        .collect();

    let mut discussions = Vec::with_capacity(results.len());
    let mut diagnostics = Vec::new();
    for parsed in results {
        diagnostics.extend(parsed.diagnostics);
        discussions.extend(parsed.discussion);
    }
    Ok(Loaded {
        archive: Archive::new(discussions, diagnostics),
        elapsed: started.elapsed(),
    })
}
