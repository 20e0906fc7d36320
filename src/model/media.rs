//! Pictures, galleries, videos and embeds: what a post or a comment shows
//! besides its text, as the source names it ([`Media`]), and the files on
//! the reader's own disk that hold them ([`MediaFiles`]). A page shows the
//! local file when there is one, and otherwise a placeholder: nothing is
//! fetched from another host unless the reader asks.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;

/// What a piece of media is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    #[default]
    Image,
    Video,
    /// One item of a gallery (a picture or an animated one).
    GalleryItem,
    /// A page of another site (YouTube and the like): shown as a link
    /// card, never framed.
    Embed,
}

/// One piece of media as the source names it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Media {
    pub kind: MediaKind,
    /// Its address at the source: the file (a video's playable fallback),
    /// or an embed's page.
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub caption: Option<String>,
    /// A still of a video or an embed, at the source.
    pub poster: Option<String>,
    /// A moving picture (a GIF, `.gifv`, an `AnimatedImage`): shown as a
    /// video when its file is one.
    pub animated: bool,
    /// The source says it was taken down ("image removed").
    pub removed: bool,
    /// A video's length in seconds.
    pub duration: Option<u32>,
    /// An embed's title and the site it is on (`YouTube`).
    pub title: Option<String>,
    pub provider: Option<String>,
}

impl Media {
    /// Whether it plays (a video, or a moving picture whose file is one).
    pub fn is_video(&self) -> bool {
        self.kind == MediaKind::Video
    }

    /// `width × height`, when the source gives both.
    pub fn size(&self) -> Option<(u32, u32)> {
        Some((self.width?, self.height?)).filter(|&(w, h)| w > 0 && h > 0)
    }
}

/// A file of the reader's media folders matched to a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Its name on this server and in an export's `media/` folder's
    /// manifest: a hash of where it is and which version, with its
    /// extension (`3f9a…c2.jpg`). The only thing a request names.
    pub key: String,
    /// Where it is, resolved (no link left in it).
    pub path: PathBuf,
    pub bytes: u64,
    /// Its own size, read from its header (images only).
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub video: bool,
    /// Its place in a gallery: the `N` of `…_{N}.ext` (from 1), if named.
    pub position: Option<u32>,
}

impl LocalFile {
    /// The size to lay it out at: its own, else the source's.
    pub fn size_or(&self, media: &Media) -> Option<(u32, u32)> {
        Some((self.width?, self.height?))
            .filter(|&(w, h)| w > 0 && h > 0)
            .or(media.size())
    }
}

/// The files of the media folders that belong to posts of the archive.
#[derive(Debug, Default, Clone)]
pub struct MediaFiles {
    files: Vec<LocalFile>,
    /// Reddit post id (lowercase) → its files, in gallery order.
    by_post: HashMap<String, Vec<u32>>,
    by_key: HashMap<String, u32>,
}

impl MediaFiles {
    /// The files of each post: `(post id, file)`.
    pub fn new(matched: impl IntoIterator<Item = (String, LocalFile)>) -> Self {
        let mut all = MediaFiles::default();
        for (post, file) in matched {
            if all.by_key.contains_key(&file.key) {
                continue;
            }
            let index = all.files.len() as u32;
            all.by_key.insert(file.key.clone(), index);
            all.by_post.entry(post).or_default().push(index);
            all.files.push(file);
        }
        let files = &all.files;
        let place = |i: &u32| {
            let f = &files[*i as usize];
            (f.position.unwrap_or(0), &f.path)
        };
        for indexes in all.by_post.values_mut() {
            indexes.sort_by(|a, b| place(a).cmp(&place(b)));
        }
        all
    }

    /// The file this server names `key`.
    pub fn by_key(&self, key: &str) -> Option<&LocalFile> {
        self.by_key.get(key).map(|&i| &self.files[i as usize])
    }

    /// A post's files, in gallery order.
    pub fn of_post(&self, post_id: &str) -> Vec<&LocalFile> {
        let post = post_id.to_ascii_lowercase();
        self.by_post
            .get(&post)
            .map(|indexes| indexes.iter().map(|&i| &self.files[i as usize]).collect())
            .unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &LocalFile> {
        self.files.iter()
    }
}

/// A piece of media as a page shows it: what the source says, and the
/// local file that holds it, if any.
#[derive(Debug, Clone)]
pub struct Shown<'a> {
    pub media: Cow<'a, Media>,
    pub local: Option<&'a LocalFile>,
}

/// Matches a post's media (as the source names them) with its files on
/// disk (in gallery order): a gallery's items by position (`_1` is the
/// first), a single picture or video by kind; files the source does not
/// describe (a bdfr post of an album, which names only the album's page)
/// are shown after, in their order.
pub fn shown<'a>(media: &'a [Media], files: &[&'a LocalFile]) -> Vec<Shown<'a>> {
    let mut used = vec![false; files.len()];
    let mut take = |pick: &dyn Fn(usize, &LocalFile) -> bool| -> Option<&'a LocalFile> {
        let i = (0..files.len()).find(|&i| !used[i] && pick(i, files[i]))?;
        used[i] = true;
        Some(files[i])
    };
    let gallery = media
        .iter()
        .filter(|m| m.kind == MediaKind::GalleryItem)
        .count()
        > 1;
    let mut out: Vec<Shown<'a>> = Vec::with_capacity(media.len().max(files.len()));
    for (n, m) in media.iter().enumerate() {
        let local = match m.kind {
            MediaKind::Embed => None,
            _ if m.removed => None,
            _ if gallery => take(&|_, f| f.position == Some(n as u32 + 1))
                .or_else(|| take(&|i, f| f.position.is_none() && i == n)),
            kind => {
                let wants_video = kind == MediaKind::Video;
                take(&|_, f| f.video == wants_video && f.position.is_none_or(|p| p <= 1))
                    .or_else(|| take(&|_, f| f.position.is_none_or(|p| p <= 1)))
            }
        };
        out.push(Shown {
            media: Cow::Borrowed(m),
            local,
        });
    }
    let rest: Vec<&LocalFile> = (0..files.len())
        .filter(|&i| !used[i])
        .map(|i| files[i])
        .collect();
    let several = rest.len() + out.len() > 1;
    for file in rest {
        let kind = match (file.video, several) {
            (true, _) => MediaKind::Video,
            (false, true) => MediaKind::GalleryItem,
            (false, false) => MediaKind::Image,
        };
        out.push(Shown {
            media: Cow::Owned(Media {
                kind,
                ..Media::default()
            }),
            local: Some(file),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(key: &str, position: Option<u32>, video: bool) -> LocalFile {
        LocalFile {
            key: key.to_owned(),
            path: PathBuf::from(key),
            bytes: 1,
            width: None,
            height: None,
            video,
            position,
        }
    }

    fn item(kind: MediaKind, url: &str) -> Media {
        Media {
            kind,
            url: url.to_owned(),
            ..Media::default()
        }
    }

    #[test]
    fn a_gallery_takes_its_files_by_position() {
        let media = vec![
            item(MediaKind::GalleryItem, "a"),
            item(MediaKind::GalleryItem, "b"),
            item(MediaKind::GalleryItem, "c"),
        ];
        let (one, three) = (file("1", Some(1), false), file("3", Some(3), false));
        let files = MediaFiles::new([("p".to_owned(), three), ("p".to_owned(), one)]);
        let shown = shown(&media, &files.of_post("P"));
        let keys: Vec<Option<&str>> = shown
            .iter()
            .map(|s| s.local.map(|f| f.key.as_str()))
            .collect();
        assert_eq!(keys, [Some("1"), None, Some("3")]);
    }

    #[test]
    fn a_video_prefers_the_video_file_and_extra_files_are_shown_after() {
        let media = vec![item(MediaKind::Video, "v")];
        let (still, clip) = (file("s.jpg", None, false), file("c.mp4", None, true));
        let files = [&still, &clip];
        let shown = shown(&media, &files);
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[0].local.unwrap().key, "c.mp4");
        assert_eq!(shown[1].local.unwrap().key, "s.jpg");
        assert_eq!(shown[1].media.kind, MediaKind::GalleryItem);
    }

    #[test]
    fn removed_media_and_embeds_take_no_file() {
        let mut gone = item(MediaKind::Image, "https://i.imgur.com/removed.png");
        gone.removed = true;
        let media = vec![gone, item(MediaKind::Embed, "https://youtu.be/x")];
        let f = file("x.jpg", None, false);
        let shown = shown(&media, &[&f]);
        assert!(shown[0].local.is_none() && shown[1].local.is_none());
        assert_eq!(shown[2].local.unwrap().key, "x.jpg");
    }
}
