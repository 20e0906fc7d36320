//! Pictures, galleries, videos and embeds as pages show them: from the
//! reader's own disk when the file is there; otherwise a placeholder of
//! the same size that names the host and links to it, so that opening a
//! page fetches nothing from elsewhere (unless the reader asked for remote
//! media, `Links::remote_media`).

use std::collections::BTreeSet;

use super::thousands;
use crate::formats::host_of;
use crate::model::{Archive, Discussion, Head, LocalFile, Media, MediaKind, Shown};
use crate::site::{Links, Url};

/// One piece of media on a page.
pub struct MediaView {
    /// `image`, `video` or `embed`.
    pub kind: &'static str,
    /// Where the browser loads it from: this site's copy, or its host when
    /// the reader asked for remote media; `None` for a placeholder.
    pub src: Option<String>,
    /// A video's still, or an embed's picture (loaded like `src`).
    pub poster: Option<String>,
    /// Its address at the source, for the "open from" link.
    pub source: Option<String>,
    pub host: Option<String>,
    /// The size it is laid out at (from its file or the source).
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub alt: String,
    pub caption: Option<String>,
    /// In a gallery: `3 of 12`.
    pub position: Option<String>,
    pub removed: bool,
    /// Loaded at once (the first picture of a page), not when scrolled to.
    pub eager: bool,
    /// `1080 × 1350`, `0:31`: what a placeholder says of it.
    pub facts: Option<String>,
    /// An embed's title and site.
    pub title: Option<String>,
    pub provider: Option<String>,
}

impl MediaView {
    /// The view box of a placeholder: its size, or a 16:9 box.
    pub fn view_box(&self) -> String {
        let (w, h) = self.width.zip(self.height).unwrap_or((16, 9));
        format!("0 0 {w} {h}")
    }

    /// What the placeholder's "open" link says: `open from i.redd.it`.
    pub fn open_text(&self) -> String {
        match &self.host {
            Some(host) => format!("open from {host}"),
            None => "open".to_owned(),
        }
    }

    pub fn is_video(&self) -> bool {
        self.kind == "video"
    }

    pub fn is_embed(&self) -> bool {
        self.kind == "embed"
    }
}

/// A post's or a comment's media, together.
pub struct MediaBlock {
    pub items: Vec<MediaView>,
    /// `Gallery, 12 items`, `Picture`, `Video`: the block's label.
    pub label: String,
    pub gallery: bool,
    /// Hidden until opened: `NSFW` or `spoiler`.
    pub gate: Option<&'static str>,
}

impl MediaBlock {
    /// A post's media; `first_on_page`: its first picture is loaded at
    /// once (the page's largest element).
    pub fn post(
        archive: &Archive,
        d: &Discussion,
        links: &Links,
        first_on_page: bool,
    ) -> Option<Self> {
        let shown = archive.shown_media(d);
        let gate = d.post().and_then(super::folded);
        Self::of(
            &shown,
            &d.title,
            links,
            gate,
            first_on_page && gate.is_none(),
        )
    }

    /// The media below comment `index`.
    pub fn comment(d: &Discussion, index: usize, links: &Links) -> Option<Self> {
        // Most comments have none: nothing is made for them.
        d.comment_media(index).next()?;
        let shown: Vec<Shown> = d
            .comment_media(index)
            .map(|m| Shown {
                media: std::borrow::Cow::Borrowed(m),
                local: None,
            })
            .collect();
        let author = &d.comments()[index].author;
        let alt = format!("Picture in {author}’s comment");
        let gate = d.post().filter(|p| p.nsfw).map(|_| "NSFW");
        Self::of(&shown, &alt, links, gate, false)
    }

    fn of(
        shown: &[Shown],
        alt: &str,
        links: &Links,
        gate: Option<&'static str>,
        eager: bool,
    ) -> Option<Self> {
        if shown.is_empty() {
            return None;
        }
        let count = shown.len();
        let gallery = count > 1;
        let items: Vec<MediaView> = shown
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut view = view(&s.media, s.local, alt, links);
                view.eager = eager && i == 0;
                if gallery {
                    view.position = Some(format!("{} of {count}", i + 1));
                }
                view
            })
            .collect();
        let label = if gallery {
            format!("Gallery, {} items", thousands(count))
        } else {
            match items[0].kind {
                "video" => "Video".to_owned(),
                "embed" => "Link".to_owned(),
                _ => "Picture".to_owned(),
            }
        };
        Some(MediaBlock {
            items,
            label,
            gallery,
            gate,
        })
    }
}

fn view(media: &Media, local: Option<&LocalFile>, alt: &str, links: &Links) -> MediaView {
    let remote = links.remote_media();
    let source = (!media.url.is_empty()).then(|| media.url.clone());
    let host = source.as_deref().and_then(host_of);
    let local_href = local.map(|f| links.href(&Url::Media { key: f.key.clone() }));
    let video = match local {
        Some(file) => file.video,
        None => media.is_video(),
    };
    let kind = match media.kind {
        MediaKind::Embed => "embed",
        _ if video => "video",
        _ => "image",
    };
    // An embed is a page, linked, never loaded.
    let loadable = remote && !media.removed && kind != "embed";
    let src = local_href.or_else(|| source.clone().filter(|_| loadable));
    let (width, height) = match local.and_then(|f| f.size_or(media)).or(media.size()) {
        Some((w, h)) => (Some(w), Some(h)),
        None => (None, None),
    };
    let mut facts = Vec::new();
    if let (Some(w), Some(h)) = (width, height) {
        facts.push(format!(
            "{} × {}",
            thousands(w as usize),
            thousands(h as usize)
        ));
    }
    if let Some(seconds) = media.duration {
        facts.push(format!("{}:{:02}", seconds / 60, seconds % 60));
    }
    if media.animated && !video {
        facts.push("animated".to_owned());
    }
    MediaView {
        kind,
        poster: media.poster.clone().filter(|_| remote),
        src,
        source,
        host,
        width,
        height,
        alt: media
            .caption
            .clone()
            .or_else(|| media.title.clone())
            .unwrap_or_else(|| alt.to_owned()),
        caption: media.caption.clone(),
        position: None,
        removed: media.removed,
        eager: false,
        facts: (!facts.is_empty()).then(|| facts.join(" · ")),
        title: media.title.clone(),
        provider: media.provider.clone(),
    }
}

/// A discussion's small picture in lists: a thumbnail made of its first
/// local picture, or (remote media on) Reddit's thumbnail; a placeholder
/// icon when it has media but no picture to show.
pub struct ThumbView {
    pub src: Option<String>,
}

impl ThumbView {
    pub fn of(archive: &Archive, d: &Head, links: &Links) -> Option<Self> {
        let shown = archive.shown_media(d);
        let thumbnail = d.post().and_then(|p| p.thumbnail.as_ref());
        if shown.is_empty() && thumbnail.is_none() {
            return None;
        }
        let local =
            thumbnail_file(d, &shown).map(|f| links.href(&Url::Thumbnail { key: f.key.clone() }));
        let remote = thumbnail
            .filter(|_| links.remote_media() && !closed(d))
            .map(|t| t.url.clone());
        Some(ThumbView {
            src: local.or(remote),
        })
    }
}

/// Whether a discussion's media stays closed until opened (NSFW,
/// spoiler): lists show no picture of it.
fn closed(d: &Head) -> bool {
    d.post().and_then(super::folded).is_some()
}

/// The file a discussion's thumbnail is made from (`shown`: its media):
/// its first local picture, unless its media stays closed.
pub fn thumbnail_file<'a>(d: &Head, shown: &[Shown<'a>]) -> Option<&'a LocalFile> {
    if closed(d) {
        return None;
    }
    shown.iter().filter_map(|s| s.local).find(|f| !f.video)
}

/// The origins the archive's media would be fetched from
/// (`https://i.redd.it`): what the content security policy names when the
/// reader asks for remote media.
pub fn remote_origins(archive: &Archive) -> Vec<String> {
    let mut origins = BTreeSet::new();
    let mut add = |url: &str| {
        if let Some((scheme, rest)) = url.split_once("://")
            && matches!(scheme, "http" | "https")
        {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            if !host.is_empty() && !host.contains(['@', ' ', ';', '\'', '"']) {
                origins.insert(format!("{scheme}://{host}"));
            }
        }
    };
    for d in archive.discussions() {
        for m in d.media() {
            if m.kind != MediaKind::Embed {
                add(&m.url);
            }
            if let Some(poster) = &m.poster {
                add(poster);
            }
        }
        if let Some(t) = d.post().and_then(|p| p.thumbnail.as_ref()) {
            add(&t.url);
        }
    }
    // Media in comments: listed by the store without reading the threads.
    let _ = archive.comment_media_urls(&mut |url| add(url));
    origins.into_iter().collect()
}
