//! Walking a folder and its subfolders: hidden entries (`.git`, `.cache`)
//! are left out, and so is any link that leads out of the folder (or back
//! into a folder already walked).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The files under `root` (at any depth) that `keep` accepts, sorted. A
/// link that cannot be resolved (dangling) is listed as it is, so that the
/// loader can keep the last good version of what it named. Only an
/// unreadable `root` is an error; an unreadable subfolder is skipped.
pub fn files(root: &Path, keep: &dyn Fn(&Path) -> bool) -> std::io::Result<Vec<PathBuf>> {
    let top = root.canonicalize()?;
    let mut found = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::from([top.clone()]);
    let mut folders = vec![root.to_path_buf()];
    let mut first = true;
    while let Some(folder) = folders.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(err) if first => return Err(err),
            Err(_) => continue,
        };
        first = false;
        for entry in entries.flatten() {
            let path = entry.path();
            if is_hidden(&path) {
                continue;
            }
            let linked = entry.file_type().is_ok_and(|t| t.is_symlink());
            let resolved = if linked {
                match path.canonicalize() {
                    Ok(target) if target.starts_with(&top) => Some(target),
                    // Out of the folder: not the archive's.
                    Ok(_) => continue,
                    Err(_) => None,
                }
            } else {
                None
            };
            // The entry's own type (no `stat`), but through a link.
            let folder = match entry.file_type() {
                Ok(kind) if !kind.is_symlink() => kind.is_dir(),
                _ => path.is_dir(),
            };
            if folder {
                let canonical = resolved.or_else(|| path.canonicalize().ok());
                if let Some(canonical) = canonical
                    && seen.insert(canonical)
                {
                    folders.push(path);
                }
            } else if keep(&path) {
                found.push(path);
            }
        }
    }
    found.sort_unstable_by(|a, b| path_order(a, b));
    Ok(found)
}

/// The order of paths component by component (as `Path`'s own), made
/// from their bytes with `/` before any other: the same for the paths a
/// walk makes, and many times quicker.
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let key = |byte: &u8| if *byte == b'/' { 0 } else { *byte };
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    a.iter().map(key).cmp(b.iter().map(key))
}

/// Whether a file or folder is hidden (its name starts with a dot).
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// Whether `path` is inside `root` with no hidden part on the way.
pub fn is_within(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root).is_ok_and(|rest| {
        rest.components()
            .all(|c| !c.as_os_str().to_string_lossy().starts_with('.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sort_as_their_components_do() {
        let mut paths: Vec<PathBuf> = [
            "a/b", "a-b", "a.b/c", "a/b/c", "ab", "a", "a/b-c", "a/b/d", "b", "a/bc", "é/x", "z/a",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut by_components = paths.clone();
        by_components.sort();
        paths.sort_by(|a, b| path_order(a, b));
        assert_eq!(paths, by_components);
    }

    #[test]
    fn subfolders_are_walked_and_hidden_and_outside_links_left_out() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("ferries/deep")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("a.txt"), "").unwrap();
        std::fs::write(root.join("ferries/deep/b.txt"), "").unwrap();
        std::fs::write(root.join(".git/c.txt"), "").unwrap();
        std::fs::write(root.join(".d.txt"), "").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), root.join("secret.txt"))
            .unwrap();
        // A loop back to the top is walked once.
        std::os::unix::fs::symlink(root, root.join("ferries/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("inside.txt")).unwrap();
        let found: Vec<String> = files(root, &|_| true)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["a.txt", "ferries/deep/b.txt", "inside.txt"]);
        assert!(is_within(root, &root.join("ferries/deep/b.txt")));
        assert!(!is_within(root, &root.join(".git/c.txt")));
        assert!(!is_within(root, outside.path()));
    }
}
