//! The media a Reddit post or comment names, from whichever fields its
//! source kept: a direct link (`url`), `preview`, a gallery
//! (`gallery_data` with `media_metadata`), a Reddit video
//! (`secure_media.reddit_video`), an embed (`secure_media.oembed`), and in
//! comments `media_metadata` and image links in the text.
//!
//! The fields are read as loose JSON values: a source that spells one
//! oddly (a float for a size, a `null`) loses that piece of media, never
//! the thread.

use serde_json::Value;

use super::{host_of, unescape};
use crate::model::{Media, MediaKind};

/// A post's or comment's media fields, as read.
#[derive(Debug, Default)]
pub struct MediaData<'a> {
    pub url: Option<&'a str>,
    pub preview: Option<&'a Value>,
    pub gallery_data: Option<&'a Value>,
    pub media_metadata: Option<&'a Value>,
    pub secure_media: Option<&'a Value>,
    pub media: Option<&'a Value>,
    pub thumbnail: Option<&'a str>,
    pub thumbnail_width: Option<&'a Value>,
    pub thumbnail_height: Option<&'a Value>,
    /// A self post's text, whose pictures (`![img](id)`) are its media.
    pub selftext: Option<&'a str>,
}

/// The extensions of pictures (a link's or a file's), lowercase.
pub const IMAGE_EXTENSIONS: [&str; 7] = ["jpg", "jpeg", "png", "gif", "webp", "avif", "bmp"];
/// And of videos.
pub const VIDEO_EXTENSIONS: [&str; 4] = ["mp4", "webm", "mov", "m4v"];

/// A post's media, in order, and its thumbnail.
pub fn post(data: &MediaData<'_>) -> (Vec<Media>, Option<Media>) {
    let thumbnail = data
        .thumbnail
        .filter(|t| t.starts_with("https://") || t.starts_with("http://"))
        .map(|t| Media {
            kind: MediaKind::Image,
            url: clean_url(t),
            width: data.thumbnail_width.and_then(dimension),
            height: data.thumbnail_height.and_then(dimension),
            ..Media::default()
        });
    let mut media = post_media(data);
    if media.is_empty()
        && let Some(text) = data.selftext
    {
        // A text post with pictures in it (Reddit's editor puts them in
        // `media_metadata` and names them in the text).
        media = comment(data.media_metadata, text);
    }
    (media, thumbnail)
}

fn post_media(data: &MediaData<'_>) -> Vec<Media> {
    let gallery = gallery(data);
    if !gallery.is_empty() {
        return gallery;
    }
    let poster = preview_source(data.preview);
    let video = [data.secure_media, data.media]
        .into_iter()
        .flatten()
        .find_map(|m| m.get("reddit_video"));
    if let Some(video) = video {
        let url = text(video.get("fallback_url")).or(data.url);
        if let Some(url) = url {
            return vec![Media {
                kind: MediaKind::Video,
                url: clean_url(url),
                width: video.get("width").and_then(dimension),
                height: video.get("height").and_then(dimension),
                duration: video.get("duration").and_then(dimension),
                poster: poster.map(|p| p.url),
                animated: video.get("is_gif").and_then(Value::as_bool) == Some(true),
                ..Media::default()
            }];
        }
    }
    let oembed = [data.secure_media, data.media]
        .into_iter()
        .flatten()
        .find_map(|m| m.get("oembed"));
    if let (Some(oembed), Some(url)) = (oembed, data.url) {
        return vec![Media {
            kind: MediaKind::Embed,
            url: clean_url(url),
            width: oembed.get("thumbnail_width").and_then(dimension),
            height: oembed.get("thumbnail_height").and_then(dimension),
            poster: text(oembed.get("thumbnail_url")).map(clean_url),
            title: text(oembed.get("title")).map(|t| unescape(t).into_owned()),
            provider: text(oembed.get("provider_name")).map(str::to_owned),
            ..Media::default()
        }];
    }
    let Some(url) = data.url else {
        return Vec::new();
    };
    let mut media = match link(url) {
        Some(media) => media,
        // A page Reddit made a picture of (an imgur page, say).
        None => match poster {
            Some(p) if data.preview.is_some_and(is_image_preview) => Media {
                kind: MediaKind::Image,
                ..p
            },
            _ => return Vec::new(),
        },
    };
    if let Some(source) = preview_source(data.preview)
        && media.size().is_none()
    {
        media.width = source.width;
        media.height = source.height;
        if media.is_video() {
            media.poster = Some(source.url);
        }
    }
    vec![media]
}

/// The media a link names by itself: a picture by its host or extension,
/// `.gifv` as its video, a Reddit video.
pub fn link(url: &str) -> Option<Media> {
    let host = host_of(url)?;
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['?', '#'])
        .next()
        .unwrap_or("");
    let extension = path
        .rsplit_once('/')
        .and_then(|(_, file)| file.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let url = clean_url(url);
    let image = |animated| Media {
        kind: MediaKind::Image,
        removed: is_removed_placeholder(&url),
        url: url.clone(),
        animated,
        ..Media::default()
    };
    match extension.as_deref() {
        Some("gifv") => Some(Media {
            kind: MediaKind::Video,
            url: format!(
                "{}.mp4",
                url.split(['?', '#']).next()?.strip_suffix(".gifv")?
            ),
            animated: true,
            ..Media::default()
        }),
        Some("gif") => Some(image(true)),
        Some(ext) if IMAGE_EXTENSIONS.contains(&ext) => Some(image(false)),
        Some(ext) if VIDEO_EXTENSIONS.contains(&ext) => Some(Media {
            kind: MediaKind::Video,
            url,
            ..Media::default()
        }),
        _ if host == "i.redd.it" => Some(image(false)),
        _ if host == "v.redd.it" => Some(Media {
            kind: MediaKind::Video,
            url,
            ..Media::default()
        }),
        _ => None,
    }
}

/// Imgur's and Reddit's stand-ins for a picture taken down.
fn is_removed_placeholder(url: &str) -> bool {
    url.contains("i.imgur.com/removed.")
        || url.contains("/removed.png")
        || url.contains("external-preview.redd.it/removed")
}

/// A gallery's items in `gallery_data`'s order, each described by its
/// `media_metadata` entry.
fn gallery(data: &MediaData<'_>) -> Vec<Media> {
    let Some(items) = data
        .gallery_data
        .and_then(|g| g.get("items"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let id = text(item.get("media_id"))?;
            let meta = data.media_metadata.and_then(|m| m.get(id));
            let mut media = meta.map(metadata_item).unwrap_or(Media {
                removed: true,
                ..Media::default()
            });
            media.kind = MediaKind::GalleryItem;
            media.caption = text(item.get("caption"))
                .filter(|c| !c.trim().is_empty())
                .map(|c| unescape(c).into_owned());
            Some(media)
        })
        .collect()
}

/// One `media_metadata` entry: its source (`s`) file and size; an
/// animated one's video (`mp4`) or GIF; `status` other than `valid` is a
/// file Reddit no longer has.
fn metadata_item(meta: &Value) -> Media {
    let source = meta.get("s");
    let field = |name| source.and_then(|s| text(s.get(name)));
    let animated = text(meta.get("e")) == Some("AnimatedImage");
    let url = if animated {
        field("mp4").or(field("gif")).or(field("u"))
    } else {
        field("u").or(field("gif"))
    };
    let valid = text(meta.get("status")).is_none_or(|s| s == "valid");
    Media {
        kind: MediaKind::Image,
        url: url.map(clean_url).unwrap_or_default(),
        width: source.and_then(|s| s.get("x")).and_then(dimension),
        height: source.and_then(|s| s.get("y")).and_then(dimension),
        animated,
        removed: !valid || url.is_none(),
        ..Media::default()
    }
}

/// `preview.images[0].source` as a picture.
fn preview_source(preview: Option<&Value>) -> Option<Media> {
    let source = preview?.get("images")?.get(0)?.get("source")?;
    Some(Media {
        kind: MediaKind::Image,
        url: clean_url(text(source.get("url"))?),
        width: source.get("width").and_then(dimension),
        height: source.get("height").and_then(dimension),
        ..Media::default()
    })
}

/// Whether Reddit says the preview is of a picture (`enabled`).
fn is_image_preview(preview: &Value) -> bool {
    preview.get("enabled").and_then(Value::as_bool) == Some(true)
}

/// The media a comment shows: the pictures and GIFs its text names (links
/// to Reddit's and Imgur's pictures, Giphy, Reddit's `![img](id)`), each
/// sized from `media_metadata` where it says, then the entries of
/// `media_metadata` the text does not name.
pub fn comment(media_metadata: Option<&Value>, body: &str) -> Vec<Media> {
    let mentions = body.contains("redd.it/")
        || body.contains("imgur.com/")
        || body.contains("giphy")
        || body.contains("](");
    if media_metadata.is_none() && !mentions {
        return Vec::new();
    }
    let entries: Vec<(&str, &Value)> = match media_metadata.and_then(Value::as_object) {
        Some(map) => {
            let mut entries: Vec<(&str, &Value)> =
                map.iter().map(|(k, v)| (k.as_str(), v)).collect();
            entries.sort_by_key(|(k, _)| *k);
            entries
        }
        None => Vec::new(),
    };
    let mut named = vec![false; entries.len()];
    let mut out: Vec<Media> = Vec::new();
    let push = |media: Media, out: &mut Vec<Media>| {
        if !out.iter().any(|m| m.url == media.url) {
            out.push(media);
        }
    };
    for target in targets(body) {
        // An entry the text names by its id, or by a link to its file.
        let entry = entries.iter().position(|(id, _)| {
            target == *id
                || target.split('|').take(2).collect::<Vec<_>>().join("|") == *id
                || (target.contains("redd.it/") && target.contains(&format!("/{id}.")))
        });
        if let Some(i) = entry {
            named[i] = true;
            push(metadata_item(entries[i].1), &mut out);
        } else if let Some(media) = link(target).filter(|m| !m.is_video() || m.animated) {
            push(media, &mut out);
        }
    }
    for (i, (_, meta)) in entries.iter().enumerate() {
        if !named[i] {
            push(metadata_item(meta), &mut out);
        }
    }
    out.retain(|m| !m.url.is_empty() || m.removed);
    out
}

/// The link targets in a text, in order: `](target)` destinations and
/// bare `http(s)` addresses.
fn targets(body: &str) -> Vec<&str> {
    let mut found: Vec<(usize, &str)> = Vec::new();
    for (at, _) in body.match_indices("](") {
        let rest = &body[at + 2..];
        let end = rest.find([')', ' ', '\n']).unwrap_or(rest.len());
        found.push((at, rest[..end].trim_matches(['<', '>'])));
    }
    for scheme in ["https://", "http://"] {
        for (at, _) in body.match_indices(scheme) {
            if body[..at].ends_with("](") {
                continue;
            }
            let rest = &body[at..];
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | ']' | '<' | '>' | '"'))
                .unwrap_or(rest.len());
            found.push((
                at,
                rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']),
            ));
        }
    }
    found.sort_by_key(|&(at, _)| at);
    found.into_iter().map(|(_, t)| t).collect()
}

fn text(value: Option<&Value>) -> Option<&str> {
    value?.as_str().filter(|s| !s.is_empty())
}

/// A width, height or length, however the source spelled the number.
fn dimension(value: &Value) -> Option<u32> {
    match value {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64))
            .and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reddit escapes `&` in the addresses it sends (`&amp;`).
fn clean_url(url: &str) -> String {
    unescape(url.trim()).into_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_gallery_keeps_its_order_captions_and_sizes() {
        let gallery = json!({"items": [
            {"media_id": "b2", "caption": "second &amp; last", "id": 2},
            {"media_id": "a1", "id": 1},
            {"media_id": "gone", "id": 3}
        ]});
        let meta = json!({
            "a1": {"status": "valid", "e": "Image", "s": {"u": "https://preview.redd.it/a1.jpg?a=1&amp;b=2", "x": 800, "y": 600}},
            "b2": {"status": "valid", "e": "AnimatedImage", "s": {"gif": "https://i.redd.it/b2.gif", "mp4": "https://preview.redd.it/b2.gif?format=mp4", "x": 320.0, "y": "240"}},
            "gone": {"status": "failed"}
        });
        let (media, _) = post(&MediaData {
            gallery_data: Some(&gallery),
            media_metadata: Some(&meta),
            url: Some("https://www.reddit.com/gallery/x1"),
            ..MediaData::default()
        });
        assert_eq!(media.len(), 3);
        assert!(media.iter().all(|m| m.kind == MediaKind::GalleryItem));
        assert_eq!(
            media[0].url, "https://preview.redd.it/b2.gif?format=mp4",
            "an animated item plays its video"
        );
        assert!(media[0].animated);
        assert_eq!(media[0].size(), Some((320, 240)));
        assert_eq!(media[0].caption.as_deref(), Some("second & last"));
        assert_eq!(media[1].url, "https://preview.redd.it/a1.jpg?a=1&b=2");
        assert_eq!(media[1].size(), Some((800, 600)));
        assert!(media[2].removed);
    }

    #[test]
    fn a_reddit_video_has_its_fallback_size_length_and_poster() {
        let secure = json!({"reddit_video": {"fallback_url": "https://v.redd.it/abc/DASH_720.mp4?source=fallback", "width": 1280, "height": 720, "duration": 31, "is_gif": false}});
        let preview = json!({"images": [{"source": {"url": "https://external-preview.redd.it/p.jpg?s=1&amp;t=2", "width": 1280, "height": 720}}], "enabled": false});
        let (media, _) = post(&MediaData {
            url: Some("https://v.redd.it/abc"),
            secure_media: Some(&secure),
            preview: Some(&preview),
            ..MediaData::default()
        });
        assert_eq!(media.len(), 1);
        let video = &media[0];
        assert_eq!(video.kind, MediaKind::Video);
        assert_eq!(
            video.url,
            "https://v.redd.it/abc/DASH_720.mp4?source=fallback"
        );
        assert_eq!(
            (video.size(), video.duration),
            (Some((1280, 720)), Some(31))
        );
        assert_eq!(
            video.poster.as_deref(),
            Some("https://external-preview.redd.it/p.jpg?s=1&t=2")
        );
    }

    #[test]
    fn links_name_pictures_gifv_videos_and_removed_pictures() {
        let image = link("https://i.imgur.com/AbC.JPG").unwrap();
        assert_eq!((image.kind, image.removed), (MediaKind::Image, false));
        let gifv = link("https://i.imgur.com/AbC.gifv").unwrap();
        assert_eq!(gifv.kind, MediaKind::Video);
        assert_eq!(gifv.url, "https://i.imgur.com/AbC.mp4");
        assert!(link("https://i.redd.it/q8v2").is_some());
        assert!(link("https://i.imgur.com/removed.png").unwrap().removed);
        assert_eq!(link("https://v.redd.it/x9").unwrap().kind, MediaKind::Video);
        assert!(link("https://example.org/article").is_none());
        assert!(link("https://example.org/a.jpg.html").is_none());
    }

    #[test]
    fn an_embed_is_a_card_and_a_thumbnail_is_kept() {
        let secure = json!({"type": "youtube.com", "oembed": {"title": "Tide &amp; time", "provider_name": "YouTube", "thumbnail_url": "https://i.ytimg.com/vi/x/hqdefault.jpg", "thumbnail_width": 480, "thumbnail_height": 360}});
        let (media, thumbnail) = post(&MediaData {
            url: Some("https://www.youtube.com/watch?v=x"),
            secure_media: Some(&secure),
            thumbnail: Some("https://b.thumbs.redditmedia.com/t.jpg"),
            thumbnail_width: Some(&json!(140)),
            thumbnail_height: Some(&json!(105)),
            ..MediaData::default()
        });
        assert_eq!(media[0].kind, MediaKind::Embed);
        assert_eq!(media[0].title.as_deref(), Some("Tide & time"));
        assert_eq!(media[0].provider.as_deref(), Some("YouTube"));
        assert_eq!(thumbnail.unwrap().size(), Some((140, 105)));
        let (_, none) = post(&MediaData {
            thumbnail: Some("self"),
            ..MediaData::default()
        });
        assert!(
            none.is_none(),
            "`self`, `nsfw` and `default` are no picture"
        );
    }

    #[test]
    fn a_text_posts_pictures_are_its_media() {
        let meta = json!({"t7": {"status": "valid", "e": "Image", "s": {"u": "https://preview.redd.it/t7.png?width=640", "x": 640, "y": 480}}});
        let (media, _) = post(&MediaData {
            url: Some("https://www.reddit.com/r/ferries/comments/x/y/"),
            media_metadata: Some(&meta),
            selftext: Some("The new timetable:\n\n![img](t7)\n\nThoughts?"),
            ..MediaData::default()
        });
        assert_eq!(media.len(), 1);
        assert_eq!(media[0].size(), Some((640, 480)));
        let (none, _) = post(&MediaData {
            selftext: Some("No pictures here."),
            ..MediaData::default()
        });
        assert!(none.is_empty());
    }

    #[test]
    fn a_comment_shows_the_pictures_it_names_once_each() {
        let meta = json!({
            "giphy|xyz": {"status": "valid", "e": "AnimatedImage", "s": {"gif": "https://i.giphy.com/media/xyz/giphy.gif", "x": 200, "y": 150}},
            "k3": {"status": "valid", "e": "Image", "s": {"u": "https://preview.redd.it/k3.png?width=500", "x": 500, "y": 400}},
            "unnamed": {"status": "valid", "e": "Image", "s": {"u": "https://preview.redd.it/unnamed.png", "x": 10, "y": 10}}
        });
        let body = "look ![gif](giphy|xyz|downsized) and https://preview.redd.it/k3.png?width=500 \
                    and [again](https://preview.redd.it/k3.png?width=500), https://i.imgur.com/P1.jpg.";
        let media = comment(Some(&meta), body);
        let urls: Vec<&str> = media.iter().map(|m| m.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://i.giphy.com/media/xyz/giphy.gif",
                "https://preview.redd.it/k3.png?width=500",
                "https://i.imgur.com/P1.jpg",
                "https://preview.redd.it/unnamed.png",
            ]
        );
        assert_eq!(media[1].size(), Some((500, 400)));
        assert!(comment(None, "plain text, https://example.org/").is_empty());
    }
}
