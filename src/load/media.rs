//! Finding the media files the reader downloaded (bdfr, gallery-dl and the
//! like) and matching them to the archive's posts by the post id in their
//! names. The folders are walked once per load; a file's own size (read
//! from its header) is kept while the file is unchanged.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use xxhash_rust::xxh3::Xxh3;

use super::walk;
use crate::formats::media::{IMAGE_EXTENSIONS, VIDEO_EXTENSIONS};
use crate::model::{LocalFile, MediaFiles};

/// Whether `path` names a picture (`Some(false)`) or a video
/// (`Some(true)`), by its extension.
pub fn media_kind(path: &Path) -> Option<bool> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if IMAGE_EXTENSIONS.contains(&ext.as_str()) {
        Some(false)
    } else if VIDEO_EXTENSIONS.contains(&ext.as_str()) {
        Some(true)
    } else {
        None
    }
}

/// The post a file's name belongs to, and its place in a gallery:
/// - gallery-dl: `{POSTID}_{N} {title}`, `{POSTID} {title}`;
/// - bdfr: `{…}_{POSTID}`, `{…}_{POSTID}_{N}`;
/// - or the id alone: `{POSTID}`, `{POSTID}_{N}`.
///
/// A candidate counts only when `is_post` knows it, so a title's words
/// never match by chance.
pub fn post_of(stem: &str, is_post: &dyn Fn(&str) -> bool) -> Option<(String, Option<u32>)> {
    let lower = stem.to_ascii_lowercase();
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let head = lower.split(' ').next().unwrap_or("");
    if let Some((id, n)) = head.split_once('_')
        && let Some(n) = number(n)
        && is_post(id)
    {
        return Some((id.to_owned(), Some(n)));
    }
    if is_post(head) {
        return Some((head.to_owned(), None));
    }
    let mut parts = lower.rsplit('_');
    let last = parts.next()?;
    if is_post(last) {
        return Some((last.to_owned(), None));
    }
    let n = number(last)?;
    let id = parts.next()?;
    is_post(id).then(|| (id.to_owned(), Some(n)))
}

/// What is known of one file while it is unchanged.
#[derive(Clone)]
struct Seen {
    stamp: (SystemTime, u64),
    key: String,
    size: Option<(u32, u32)>,
}

/// The media folders, and what was read of their files.
#[derive(Default)]
pub struct MediaScan {
    dirs: Vec<PathBuf>,
    seen: HashMap<PathBuf, Seen>,
}

impl MediaScan {
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        MediaScan {
            dirs,
            seen: HashMap::new(),
        }
    }

    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Whether a changed path is a media file of these folders.
    pub fn watches(&self, path: &Path) -> bool {
        media_kind(path).is_some() && self.dirs.iter().any(|d| walk::is_within(d, path))
    }

    /// The media files of the folders whose names name a post that
    /// `is_post` knows (by lowercase id). `listed` is a folder already
    /// walked for its media files (the archive's, with its documents): it
    /// is not walked again.
    pub fn scan(
        &mut self,
        is_post: &dyn Fn(&str) -> bool,
        listed: (&Path, &[PathBuf]),
    ) -> MediaFiles {
        let mut matched = Vec::new();
        let mut seen = HashMap::new();
        for dir in &self.dirs {
            let paths = if dir == listed.0 {
                listed.1.to_vec()
            } else {
                match walk::files(dir, &|p| media_kind(p).is_some()) {
                    Ok(paths) => paths,
                    Err(_) => continue,
                }
            };
            for path in paths {
                let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                    continue;
                };
                let Some((post, position)) = post_of(stem, is_post) else {
                    continue;
                };
                let Ok(resolved) = path.canonicalize() else {
                    continue;
                };
                let Some(file) = self.read(&resolved, &mut seen) else {
                    continue;
                };
                matched.push((
                    post,
                    LocalFile {
                        key: file.key,
                        video: media_kind(&resolved) == Some(true),
                        bytes: file.stamp.1,
                        width: file.size.map(|s| s.0),
                        height: file.size.map(|s| s.1),
                        path: resolved,
                        position,
                    },
                ));
            }
        }
        self.seen = seen;
        MediaFiles::new(matched)
    }

    /// What is known of the file at `path` (resolved), read again only
    /// when it changed.
    fn read(&self, path: &Path, seen: &mut HashMap<PathBuf, Seen>) -> Option<Seen> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        let stamp = (meta.modified().ok()?, meta.len());
        if let Some(known) = self.seen.get(path).filter(|k| k.stamp == stamp) {
            seen.insert(path.to_owned(), known.clone());
            return Some(known.clone());
        }
        let size = if media_kind(path) == Some(false) {
            imagesize::size(path)
                .ok()
                .and_then(|s| Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?)))
        } else {
            None
        };
        let file = Seen {
            key: key(path, stamp),
            stamp,
            size,
        };
        seen.insert(path.to_owned(), file.clone());
        Some(file)
    }
}

/// A file's name on the server: a hash of where it is and of its version
/// (time and size), with its extension. A changed file gets a new name, so
/// a name may be cached for good.
fn key(path: &Path, (modified, len): (SystemTime, u64)) -> String {
    let mut hash = Xxh3::new();
    hash.update(path.as_os_str().as_encoded_bytes());
    hash.update(&len.to_le_bytes());
    let nanos = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hash.update(&nanos.to_le_bytes());
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("bin")
        .to_ascii_lowercase();
    format!("{:016x}.{ext}", hash.digest())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_bdfr_and_gallery_dl_name_their_post() {
        let posts = ["q7k2m", "x1"];
        let is_post = |id: &str| posts.contains(&id);
        let cases = [
            ("harbourfan_Ferry at dawn_q7k2m", Some(("q7k2m", None))),
            ("harbourfan_Ferry at dawn_Q7K2M_3", Some(("q7k2m", Some(3)))),
            ("q7k2m_02 Ferry at dawn", Some(("q7k2m", Some(2)))),
            ("q7k2m Ferry at dawn", Some(("q7k2m", None))),
            ("q7k2m", Some(("q7k2m", None))),
            ("x1_1", Some(("x1", Some(1)))),
            ("holiday_snaps_2019", None),
            ("someone_q7k2mm", None),
        ];
        for (stem, want) in cases {
            let got = post_of(stem, &is_post);
            let got = got.as_ref().map(|(id, n)| (id.as_str(), *n));
            assert_eq!(got, want, "{stem}");
        }
    }

    #[test]
    fn files_are_matched_and_sized_and_keys_change_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("ferries");
        std::fs::create_dir(&sub).unwrap();
        // A 3×2 PNG's header is enough for its size.
        let png = tiny_png(3, 2);
        std::fs::write(sub.join("me_Dawn_q7k2m.png"), &png).unwrap();
        std::fs::write(sub.join("me_Other_zzzzz.png"), &png).unwrap();
        std::fs::write(sub.join("me_Dawn_q7k2m.txt"), "not media").unwrap();
        let mut scan = MediaScan::new(vec![dir.path().to_owned()]);
        let is_post = |id: &str| id == "q7k2m";
        let files = scan.scan(&is_post, (Path::new(""), &[]));
        assert_eq!(files.len(), 1);
        let file = files.of_post("q7k2m")[0].clone();
        assert_eq!(
            (file.width, file.height, file.video),
            (Some(3), Some(2), false)
        );
        assert!(file.key.ends_with(".png"));
        assert_eq!(
            scan.scan(&is_post, (Path::new(""), &[])).of_post("q7k2m")[0].key,
            file.key
        );
        std::fs::write(sub.join("me_Dawn_q7k2m.png"), tiny_png(4, 4)).unwrap();
        let again = scan.scan(&is_post, (Path::new(""), &[]));
        assert_ne!(again.of_post("q7k2m")[0].key, file.key);
        assert_eq!(again.of_post("q7k2m")[0].width, Some(4));
    }

    /// The signature and header chunk of a PNG: what a size reader reads.
    fn tiny_png(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(width.to_be_bytes());
        png.extend(height.to_be_bytes());
        png.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        png
    }
}
