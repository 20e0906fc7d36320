//! The export's folder: checked before anything is written, files written
//! whole (a temporary file renamed into place), and the manifest that says
//! what each file was made from, so the next export rewrites only what
//! changed.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ExportError;

/// The manifest's name in the export's root. A dot file: static hosts
/// (GitHub Pages among them) do not publish it.
pub const MANIFEST: &str = ".threadview-export.json";

/// How the names of files being written start, until they are renamed
/// into place.
pub const TEMPORARY: &str = ".tmp-";

/// Bumped when the manifest's meaning changes: an older one is ignored.
const FORMAT: u32 = 2;

/// What one file of the export was made from, and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Made {
    pub input: u64,
    pub output: u64,
}

#[derive(Default, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// Every file the export wrote, by its path from the root.
    pub files: BTreeMap<String, Made>,
    /// What each Pagefind bundle was made from (0: not made).
    pub search_bundles: Vec<u64>,
}

/// The folder being written.
pub struct Out {
    root: PathBuf,
}

impl Out {
    /// Opens `root` for an export: creates it if it is missing, refuses a
    /// file, and refuses a folder with other things in it unless `force`.
    /// Returns the manifest of the export already there, if any.
    pub fn open(root: &Path, force: bool) -> Result<(Out, Manifest), ExportError> {
        match std::fs::metadata(root) {
            Ok(meta) if !meta.is_dir() => return Err(ExportError::NotAFolder(root.to_owned())),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir_all(root).map_err(|e| ExportError::io("create", root, e))?
            }
            Err(e) => return Err(ExportError::io("read", root, e)),
        }
        let out = Out {
            root: root.to_owned(),
        };
        let manifest = match std::fs::read(root.join(MANIFEST)) {
            Ok(bytes) => serde_json::from_slice::<Manifest>(&bytes)
                .ok()
                .filter(|m| m.format == FORMAT),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(ExportError::io("read", &root.join(MANIFEST), e)),
        };
        if let Some(manifest) = manifest {
            return Ok((out, manifest));
        }
        let mut entries = std::fs::read_dir(root).map_err(|e| ExportError::io("read", root, e))?;
        if entries.next().is_some() && !force && !root.join(MANIFEST).exists() {
            return Err(ExportError::NotEmpty(root.to_owned()));
        }
        Ok((out, Manifest::default()))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the file at `path` (from the root) is there.
    pub fn has(&self, path: &str) -> bool {
        self.root.join(path).is_file()
    }

    /// Writes `content` to `path` (from the root) whole: into a temporary
    /// file beside it, then renamed over it, so a reader sees the old file
    /// or the new one, never half of one. A file that is not there yet is
    /// written in place: half of one, left by an export that stopped, is
    /// in no manifest, so the next export writes it again. (A temporary
    /// file and a rename for each of ten thousand new files in one folder
    /// made the first export spend most of its time in the file system.)
    pub fn write(&self, path: &str, content: &[u8]) -> Result<(), ExportError> {
        let target = self.root.join(path);
        let folder = target.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(folder).map_err(|e| ExportError::io("create", folder, e))?;
        let new = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target);
        match new {
            Ok(mut file) => return fill(&mut file, content, &target),
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(ExportError::io("write", &target, e));
            }
            Err(_) => {}
        }
        let mut file = tempfile::Builder::new()
            .prefix(TEMPORARY)
            .tempfile_in(folder)
            .map_err(|e| ExportError::io("write", &target, e))?;
        fill(file.as_file_mut(), content, &target)?;
        file.persist(&target)
            .map_err(|e| ExportError::io("write", &target, e.error))?;
        Ok(())
    }

    /// Puts the file `source` at `path` (from the root): a hard link where
    /// the file system allows (no bytes copied), else a copy, in place
    /// whole either way.
    pub fn link_or_copy(&self, path: &str, source: &Path) -> Result<(), ExportError> {
        let target = self.root.join(path);
        let folder = target.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(folder).map_err(|e| ExportError::io("create", folder, e))?;
        let temporary = folder
            .join(format!("{TEMPORARY}{}", std::process::id()))
            .with_extension(format!("{:x}", xxhash_rust::xxh3::xxh3_64(path.as_bytes())));
        let _ = std::fs::remove_file(&temporary);
        if std::fs::hard_link(source, &temporary).is_err() {
            std::fs::copy(source, &temporary).map_err(|e| ExportError::io("copy", source, e))?;
        }
        std::fs::rename(&temporary, &target).map_err(|e| ExportError::io("write", &target, e))
    }

    /// Removes the file at `path` (from the root), and its folder when that
    /// is left empty.
    pub fn remove(&self, path: &str) -> Result<(), ExportError> {
        let target = self.root.join(path);
        match std::fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(ExportError::io("remove", &target, e)),
        }
        if let Some(folder) = target.parent()
            && folder != self.root
        {
            // Fails, as it should, while the folder holds other files.
            let _ = std::fs::remove_dir(folder);
        }
        Ok(())
    }

    /// Writes the manifest, last of all.
    pub fn finish(&self, manifest: &mut Manifest) -> Result<(), ExportError> {
        manifest.format = FORMAT;
        let json = serde_json::to_vec(manifest).expect("a manifest serializes");
        self.write(MANIFEST, &json)
    }
}

/// Writes `content` into `file` (for `target`), readable by a web server
/// whatever the umask says.
fn fill(file: &mut std::fs::File, content: &[u8], target: &Path) -> Result<(), ExportError> {
    file.write_all(content)
        .map_err(|e| ExportError::io("write", target, e))?;
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .map_err(|e| ExportError::io("write", target, e))
}
