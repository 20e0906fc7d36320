//! The reader's media files in an export: each file a page shows is put
//! in `media/` under a name made from its content (`media/{hash}.jpg`), by
//! a hard link where the file system allows, else a copy. The manifest
//! remembers which version of which file each name holds, so a re-export
//! neither reads nor copies a file that did not change. The pictures that
//! lists show get a thumbnail each, in `media/thumbnails/`, made once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use super::ExportError;
use super::out::{Made, Manifest, Out};
use crate::model::{Archive, LocalFile};

/// The export's folder of media files.
pub const FOLDER: &str = "media";

/// The media an export holds.
#[derive(Debug, Default)]
pub struct Copied {
    /// Each file's name on the server (its key) → its file in the export.
    pub names: HashMap<String, String>,
    /// The same for the thumbnails made of them (`media/thumbnails/`).
    pub thumbnails: HashMap<String, String>,
    /// The manifest's entries for them.
    pub made: BTreeMap<String, Made>,
    /// How many files, their bytes, and how many were copied (or linked,
    /// or made) this time.
    pub files: usize,
    pub bytes: u64,
    pub copied: usize,
    /// What is still to write.
    pending: Vec<(String, Pending)>,
}

/// The files lists show a thumbnail of, each once.
fn thumbnailed(archive: &Archive) -> Vec<&LocalFile> {
    let mut seen = HashSet::new();
    archive
        .discussions()
        .iter()
        .filter_map(|d| crate::site::view::media::thumbnail_file(d, &archive.shown_media(d)))
        .filter(|file| seen.insert(file.key.as_str()))
        .collect()
}

/// Every local file a page of `archive` shows, each once.
fn used(archive: &Archive) -> Vec<&LocalFile> {
    let mut seen = HashSet::new();
    archive
        .discussions()
        .iter()
        .flat_map(|d| archive.shown_media(d))
        .filter_map(|shown| shown.local)
        .filter(|file| seen.insert(file.key.as_str()))
        .collect()
}

/// What is still to be put in the folder: a link to (or copy of) a file,
/// or a thumbnail's bytes.
#[derive(Debug)]
enum Pending {
    File(std::path::PathBuf),
    Bytes(Vec<u8>),
}

/// Plans the media files of `archive` in the export's `media/` folder:
/// their names (hashing what is new), and what is still to write, which
/// [`Copied::place`] writes. Nothing is written here.
pub fn plan(archive: &Archive, out: &Out, old: &Manifest) -> Result<Copied, ExportError> {
    // What the last export made of each version of a file.
    let before: HashMap<u64, (&str, &Made)> = old
        .files
        .iter()
        .filter(|(file, _)| file.starts_with(FOLDER) && out.has(file))
        .map(|(file, made)| (made.input, (file.as_str(), made)))
        .collect();
    let placed: Vec<Placed> = used(archive)
        .par_iter()
        .map(|file| {
            let version = version(&file.key);
            if let Some((name, made)) = before.get(&version) {
                return Ok((
                    file.key.clone(),
                    (*name).to_owned(),
                    **made,
                    file.bytes,
                    None,
                ));
            }
            let content = content_hash(&file.path)?;
            let extension = file.key.rsplit_once('.').map_or("bin", |(_, e)| e);
            let name = format!("{FOLDER}/{content:016x}.{extension}");
            let pending = (!out.has(&name)).then(|| Pending::File(file.path.clone()));
            let made = Made {
                input: version,
                output: content,
            };
            Ok((file.key.clone(), name, made, file.bytes, pending))
        })
        .collect::<Result<_, ExportError>>()?;
    let mut copied = Copied::default();
    let thumbnails: Vec<Placed> = thumbnailed(archive)
        .par_iter()
        .filter_map(|file| {
            let version = version(&file.key) ^ THUMBNAIL_SALT;
            if let Some((name, made)) = before.get(&version) {
                let bytes = std::fs::metadata(out.root().join(name)).map_or(0, |m| m.len());
                return Some((file.key.clone(), (*name).to_owned(), **made, bytes, None));
            }
            let picture = std::fs::read(&file.path).ok()?;
            let small = crate::thumbnail::thumbnail(&picture)?;
            let content = xxhash_rust::xxh3::xxh3_64(&small);
            let name = format!("{FOLDER}/thumbnails/{content:016x}.jpg");
            let made = Made {
                input: version,
                output: content,
            };
            let bytes = small.len() as u64;
            let pending = (!out.has(&name)).then_some(Pending::Bytes(small));
            Some((file.key.clone(), name, made, bytes, pending))
        })
        .collect();
    for (key, name) in copied.count(thumbnails) {
        copied.thumbnails.insert(key, name);
    }
    for (key, name) in copied.count(placed) {
        copied.names.insert(key, name);
    }
    Ok(copied)
}

/// A file of the export's media: its key, its name there, what the
/// manifest says of it, its bytes, and what is still to write, if any.
type Placed = (String, String, Made, u64, Option<Pending>);

impl Copied {
    /// Counts the files `placed` (each name once) and notes them in the
    /// manifest and what is to write; returns each key with its file's
    /// name.
    fn count(&mut self, placed: Vec<Placed>) -> Vec<(String, String)> {
        placed
            .into_iter()
            .map(|(key, name, made, bytes, pending)| {
                if self.made.insert(name.clone(), made).is_none() {
                    self.files += 1;
                    self.bytes += bytes;
                    if let Some(pending) = pending {
                        self.pending.push((name.clone(), pending));
                    }
                }
                (key, name)
            })
            .collect()
    }

    /// Writes what [`plan`] left to write; returns how many files.
    pub fn place(&mut self, out: &Out) -> Result<usize, ExportError> {
        let pending = std::mem::take(&mut self.pending);
        pending.par_iter().try_for_each(|(name, what)| match what {
            Pending::File(source) => out.link_or_copy(name, source),
            Pending::Bytes(bytes) => out.write(name, bytes),
        })?;
        self.copied = pending.len();
        Ok(pending.len())
    }
}

/// Tells a thumbnail's version from its picture's in the manifest.
const THUMBNAIL_SALT: u64 = 0x7468_756d_626e_6169;

/// The version of a file its key names (the hash at its start).
fn version(key: &str) -> u64 {
    let hex = key.split('.').next().unwrap_or_default();
    u64::from_str_radix(hex, 16).unwrap_or_else(|_| xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

/// A hash of the file's bytes, read in pieces.
fn content_hash(path: &Path) -> Result<u64, ExportError> {
    let mut file = std::fs::File::open(path).map_err(|e| ExportError::io("read", path, e))?;
    let mut hash = xxhash_rust::xxh3::Xxh3::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buffer)
            .map_err(|e| ExportError::io("read", path, e))?;
        if n == 0 {
            break;
        }
        hash.update(&buffer[..n]);
    }
    Ok(hash.digest())
}
