//! Reddit's archive formats: a thread's own JSON, bulk-downloader-for-reddit
//! (bdfr) JSON, and the Pushshift / Arctic Shift dumps (JSON lines). Like
//! `parse.rs` these are pure: they take bytes or a reader and return
//! discussions with diagnostics; `load.rs` opens the files.
//!
//! Every format ends in [`Thread`]: a post and its comments in the source's
//! order, each naming its parent, which [`Thread::build`] turns into a
//! [`Discussion`] (each comment before its replies, siblings in source
//! order, ids kept as the source's own).

pub mod dump;
pub mod json;
pub mod media;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::model::{
    Clock, Comment, CommentId, Community, Diagnostic, Discussion, Distinguished, Edited, Labels,
    Marks, Poll, PostMeta, RemovalKind,
};

/// At most this many problems are named one by one per file; the rest are
/// counted.
const MAX_DIAGNOSTICS_PER_FILE: usize = 20;

/// A submission: what becomes the article.
#[derive(Debug, Default)]
pub struct Post {
    pub title: String,
    pub submitter: Option<String>,
    pub source: Option<String>,
    pub body: String,
    /// What a Reddit post says of itself (none for a post a dump lacks).
    pub meta: Option<PostMeta>,
}

impl Post {
    /// Maps a Reddit post: the title and self text unescaped; the source
    /// is the link's domain, or `r/<subreddit>` for a self post; the body
    /// is the self text, or the link when there is none.
    pub fn from_reddit(fields: PostFields<'_>) -> Post {
        let own_page = fields.url.filter(|url| is_own_permalink(url, &fields));
        let subreddit = fields
            .subreddit
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .or_else(|| subreddit_of_permalink(fields.permalink.or(own_page)?));
        let link = fields
            .url
            .filter(|url| url.starts_with("http") && own_page.is_none());
        let domain = fields
            .domain
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .or_else(|| link.and_then(host_of));
        let source = match (domain, subreddit.clone()) {
            (Some(domain), Some(sub)) if domain.starts_with("self.") => Some(format!("r/{sub}")),
            (Some(domain), _) if domain.starts_with("self.") => {
                Some(format!("r/{}", &domain["self.".len()..]))
            }
            (None, Some(sub)) => Some(format!("r/{sub}")),
            (domain, _) => domain,
        };
        let selftext = fields.selftext.map(unescape).unwrap_or_default();
        let body = if selftext.trim().is_empty() {
            link.map(str::to_owned).unwrap_or_default()
        } else {
            selftext.into_owned()
        };
        let meta = PostMeta {
            id: fields.id.filter(|id| !id.is_empty()).map(str::to_owned),
            subreddit,
            posted_at: fields.created_utc,
            score: fields.score,
            upvote_permille: fields
                .upvote_ratio
                .filter(|r| (0.0..=1.0).contains(r))
                .map(|r| (r * 1000.0).round() as u16),
            num_comments: fields.num_comments,
            flair: text_of(fields.flair),
            nsfw: fields.over_18.unwrap_or(false),
            spoiler: fields.spoiler.unwrap_or(false),
            locked: fields.locked.unwrap_or(false),
            archived: fields.archived.unwrap_or(false),
            stickied: fields.stickied.unwrap_or(false),
            distinguished: fields.distinguished.and_then(Distinguished::of_reddit),
            edited: fields.edited,
            permalink: fields
                .permalink
                .or(own_page)
                .and_then(reddit_path)
                .or_else(|| Some(format!("/comments/{}/", fields.id?))),
            url: link.map(str::to_owned),
            suggested_sort: text_of(fields.suggested_sort),
            ranked: fields.ranked,
            crosspost_parent: fields
                .crosspost_parent
                .map(|p| p.strip_prefix("t3_").unwrap_or(p).to_owned())
                .filter(|p| !p.is_empty()),
            crosspost_title: text_of(fields.crosspost_title),
            poll: fields.poll,
            media: fields.media,
            thumbnail: fields.thumbnail,
        };
        Post {
            title: fields
                .title
                .map(|t| unescape(t).into_owned())
                .unwrap_or_default(),
            submitter: fields.author.map(str::to_owned),
            source,
            body,
            meta: Some(meta),
        }
    }
}

/// A text field, unescaped, when it says something.
fn text_of(value: Option<&str>) -> Option<String> {
    value
        .map(|v| unescape(v.trim()).into_owned())
        .filter(|v| !v.is_empty())
}

/// The path of a Reddit address (`/r/…/comments/…/`), from a permalink that
/// may be a path or a whole URL.
fn reddit_path(permalink: &str) -> Option<String> {
    let path = match permalink.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/')?..],
        None => permalink,
    };
    path.starts_with('/').then(|| path.to_owned())
}

/// The fields of a Reddit post, comment or `more` stub, as Reddit's API
/// gives them (a thread's JSON) and as a dump's lines hold them (one
/// struct: what is there says which it is).
#[derive(Default, Deserialize)]
struct RedditData {
    id: Option<String>,
    author: Option<String>,
    body: Option<String>,
    created_utc: Option<Timestamp>,
    parent_id: Option<String>,
    link_id: Option<String>,
    #[serde(default)]
    replies: json::Replies,
    count: Option<u64>,
    children: Option<Vec<serde::de::IgnoredAny>>,
    title: Option<String>,
    selftext: Option<String>,
    url: Option<String>,
    domain: Option<String>,
    subreddit: Option<String>,
    permalink: Option<String>,
    // A comment's marks.
    score: Option<i64>,
    score_hidden: Option<bool>,
    #[serde(default)]
    edited: EditedField,
    distinguished: Option<String>,
    stickied: Option<bool>,
    author_flair_text: Option<String>,
    controversiality: Option<i64>,
    #[serde(rename = "_meta")]
    meta: Option<ArcticMeta>,
    // A post's.
    upvote_ratio: Option<f64>,
    num_comments: Option<u64>,
    link_flair_text: Option<String>,
    over_18: Option<bool>,
    spoiler: Option<bool>,
    locked: Option<bool>,
    archived: Option<bool>,
    suggested_sort: Option<String>,
    crosspost_parent: Option<String>,
    crosspost_parent_list: Option<Vec<CrosspostParent>>,
    poll_data: Option<PollData>,
    // Media (read loosely: see `media.rs`).
    preview: Option<serde_json::Value>,
    gallery_data: Option<serde_json::Value>,
    media_metadata: Option<serde_json::Value>,
    secure_media: Option<serde_json::Value>,
    media: Option<serde_json::Value>,
    thumbnail: Option<String>,
    thumbnail_width: Option<serde_json::Value>,
    thumbnail_height: Option<serde_json::Value>,
}

/// The post a crosspost repeats, as Reddit embeds it.
#[derive(Deserialize)]
struct CrosspostParent {
    title: Option<String>,
}

impl RedditData {
    /// The post these fields describe; `ranked`: its comments come in
    /// Reddit's ranking (a thread's JSON), not in time order (a dump).
    fn post(mut self, ranked: bool) -> Post {
        let poll = self.poll_data.take().and_then(PollData::poll);
        let crosspost_title = self
            .crosspost_parent_list
            .as_ref()
            .and_then(|list| list.first()?.title.as_deref());
        let (media, thumbnail) = media::post(&media::MediaData {
            url: self.url.as_deref(),
            preview: self.preview.as_ref(),
            gallery_data: self.gallery_data.as_ref(),
            media_metadata: self.media_metadata.as_ref(),
            secure_media: self.secure_media.as_ref(),
            media: self.media.as_ref(),
            thumbnail: self.thumbnail.as_deref(),
            thumbnail_width: self.thumbnail_width.as_ref(),
            thumbnail_height: self.thumbnail_height.as_ref(),
            selftext: self.selftext.as_deref(),
        });
        Post::from_reddit(PostFields {
            id: self.id.as_deref(),
            title: self.title.as_deref(),
            author: self.author.as_deref(),
            selftext: self.selftext.as_deref(),
            url: self.url.as_deref(),
            domain: self.domain.as_deref(),
            subreddit: self.subreddit.as_deref(),
            permalink: self.permalink.as_deref(),
            created_utc: self.created_utc.map(|t| t.0),
            score: self.score,
            upvote_ratio: self.upvote_ratio,
            num_comments: self.num_comments,
            flair: self.link_flair_text.as_deref(),
            over_18: self.over_18,
            spoiler: self.spoiler,
            locked: self.locked,
            archived: self.archived,
            stickied: self.stickied,
            distinguished: self.distinguished.as_deref(),
            edited: self.edited.0,
            suggested_sort: self.suggested_sort.as_deref(),
            crosspost_parent: self.crosspost_parent.as_deref(),
            crosspost_title,
            poll,
            ranked,
            media,
            thumbnail,
        })
    }

    /// A comment's marks (its other fields stay).
    fn take_marks(&mut self) -> MarkData {
        MarkData {
            score: self.score,
            score_hidden: self.score_hidden,
            edited: self.edited.0,
            distinguished: self.distinguished.take(),
            stickied: self.stickied,
            flair: self.author_flair_text.take(),
            controversiality: self.controversiality,
            meta: self.meta.take(),
            media_metadata: self.media_metadata.take().map(Box::new),
        }
    }
}

/// What a comment says besides its text, as any of the formats spells it.
#[derive(Debug, Default)]
pub struct MarkData {
    pub score: Option<i64>,
    pub score_hidden: Option<bool>,
    pub edited: Option<Edited>,
    pub distinguished: Option<String>,
    pub stickied: Option<bool>,
    pub flair: Option<String>,
    pub controversiality: Option<i64>,
    pub meta: Option<ArcticMeta>,
    /// A comment's pictures (Reddit's `media_metadata`), kept for
    /// [`Thread::build`].
    pub media_metadata: Option<Box<serde_json::Value>>,
}

impl MarkData {
    /// The marks of a comment whose text is `body`, its texts labelled in
    /// `labels`.
    pub fn marks(self, body: &str, labels: &mut Labels) -> Marks {
        self.unlabelled(body).labelled(labels)
    }

    /// The marks but for their texts, which are kept aside to be labelled
    /// later (a dump reads lines in parallel and labels them in order).
    pub fn unlabelled(self, body: &str) -> Unlabelled {
        let meta = self.meta.as_ref();
        let kind = meta.and_then(|m| m.removal_type.as_deref());
        let (removal, reason) = match (body.trim(), kind) {
            (_, Some("deleted")) => (Some(RemovalKind::Author), None),
            (_, Some("moderator" | "removed")) => (Some(RemovalKind::Moderators), None),
            (_, Some(other)) if !other.is_empty() => (None, Some(other.to_owned())),
            ("[removed]", _) => (Some(RemovalKind::Moderators), None),
            ("[deleted]", _) => (Some(RemovalKind::Author), None),
            _ if meta.and_then(|m| m.was_deleted_later) == Some(true) => {
                (Some(RemovalKind::AuthorLater), None)
            }
            _ => (None, None),
        };
        let edited = self
            .edited
            .or_else(|| meta?.is_edited?.then_some(Edited::Unknown));
        let mut marks = Marks::default()
            .with_score_hidden(self.score_hidden.unwrap_or(false))
            .with_edited(edited)
            .with_distinguished(
                self.distinguished
                    .as_deref()
                    .and_then(Distinguished::of_reddit),
            )
            .with_stickied(self.stickied.unwrap_or(false))
            .with_controversial(self.controversiality == Some(1))
            .with_removal(removal);
        if let Some(score) = self.score {
            marks = marks.with_score(score);
        }
        Unlabelled {
            marks,
            flair: text_of(self.flair.as_deref()),
            reason,
        }
    }
}

/// A comment's marks whose texts are not labelled yet.
#[derive(Debug, Default)]
pub struct Unlabelled {
    marks: Marks,
    flair: Option<String>,
    /// A removal's reason of the source's own.
    reason: Option<String>,
}

impl Unlabelled {
    pub fn labelled(self, labels: &mut Labels) -> Marks {
        let mut marks = self.marks;
        if let Some(flair) = self.flair {
            marks = marks.with_flair_label(Some(labels.id(&flair)));
        }
        if let Some(reason) = self.reason {
            marks = marks.with_removal(Some(RemovalKind::Reason(labels.id(&reason))));
        }
        marks
    }
}

/// Arctic Shift's `_meta`: what it learned of a comment after archiving it.
#[derive(Debug, Default, Deserialize)]
pub struct ArcticMeta {
    pub removal_type: Option<String>,
    pub was_deleted_later: Option<bool>,
    pub is_edited: Option<bool>,
}

/// Reddit's `edited`: `false`, or when (Unix seconds); `true` from some
/// tools.
#[derive(Debug, Default, Clone, Copy)]
pub struct EditedField(pub Option<Edited>);

impl<'de> Deserialize<'de> for EditedField {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = EditedField;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("false, true or a Unix time")
            }

            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<EditedField, E> {
                Ok(EditedField(v.then_some(Edited::Unknown)))
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<EditedField, E> {
                Ok(EditedField(Some(
                    DateTime::from_timestamp(v, 0).map_or(Edited::Unknown, Edited::At),
                )))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<EditedField, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<EditedField, E> {
                self.visit_i64(v as i64)
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<EditedField, E> {
                Ok(EditedField(None))
            }

            fn visit_none<E: serde::de::Error>(self) -> Result<EditedField, E> {
                Ok(EditedField(None))
            }

            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<EditedField, E> {
                Ok(EditedField(None))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Reddit's `poll_data`.
#[derive(Debug, Default, Deserialize)]
pub struct PollData {
    #[serde(default)]
    options: Vec<PollOption>,
    total_vote_count: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct PollOption {
    text: Option<String>,
    vote_count: Option<u64>,
}

impl PollData {
    pub fn poll(self) -> Option<Poll> {
        let options: Vec<(String, Option<u64>)> = self
            .options
            .into_iter()
            .map(|o| {
                (
                    unescape(o.text.as_deref().unwrap_or("")).into_owned(),
                    o.vote_count,
                )
            })
            .collect();
        (!options.is_empty()).then_some(Poll {
            options,
            total: self.total_vote_count,
        })
    }
}

/// The fields of a Reddit post that the model keeps, as any of the formats
/// spells them.
#[derive(Debug, Default)]
pub struct PostFields<'a> {
    pub id: Option<&'a str>,
    pub title: Option<&'a str>,
    pub author: Option<&'a str>,
    pub selftext: Option<&'a str>,
    pub url: Option<&'a str>,
    pub domain: Option<&'a str>,
    pub subreddit: Option<&'a str>,
    pub permalink: Option<&'a str>,
    pub created_utc: Option<DateTime<Utc>>,
    pub score: Option<i64>,
    pub upvote_ratio: Option<f64>,
    pub num_comments: Option<u64>,
    pub flair: Option<&'a str>,
    pub over_18: Option<bool>,
    pub spoiler: Option<bool>,
    pub locked: Option<bool>,
    pub archived: Option<bool>,
    pub stickied: Option<bool>,
    pub distinguished: Option<&'a str>,
    pub edited: Option<Edited>,
    pub suggested_sort: Option<&'a str>,
    pub crosspost_parent: Option<&'a str>,
    pub crosspost_title: Option<&'a str>,
    pub poll: Option<Poll>,
    /// The comments come in Reddit's ranking (not in time order).
    pub ranked: bool,
    pub media: Vec<crate::model::Media>,
    pub thumbnail: Option<crate::model::Media>,
}

/// Whether `url` is the post's own page on Reddit (a self post's link).
fn is_own_permalink(url: &str, fields: &PostFields<'_>) -> bool {
    let on_reddit = host_of(url).is_some_and(|h| h == "reddit.com" || h.ends_with(".reddit.com"));
    on_reddit
        && fields
            .id
            .is_some_and(|id| url.contains(&format!("/comments/{id}")))
}

/// `AskHistorians` from `/r/AskHistorians/comments/…`.
fn subreddit_of_permalink(permalink: &str) -> Option<String> {
    let rest = permalink.split("/r/").nth(1)?;
    let name = rest.split('/').next()?;
    (!name.is_empty()).then(|| name.to_owned())
}

/// The host of an `http(s)` URL, without `www.`.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Undoes the escaping Reddit applies to text fields: `&amp;`, `&lt;` and
/// `&gt;` (in one pass, so `&amp;lt;` becomes `&lt;`).
pub fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (replacement, len) = if rest.starts_with("&amp;") {
            ('&', 5)
        } else if rest.starts_with("&lt;") {
            ('<', 4)
        } else if rest.starts_with("&gt;") {
            ('>', 4)
        } else {
            ('&', 1)
        };
        out.push(replacement);
        rest = &rest[len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `created_utc`: seconds since 1970, as a number (integer or not) or, in
/// some dumps, a string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timestamp(pub DateTime<Utc>);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("seconds since 1970, as a number or a string")
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timestamp, E> {
                DateTime::from_timestamp(v, 0)
                    .map(Timestamp)
                    .ok_or_else(|| E::custom(format!("the time {v} is out of range")))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timestamp, E> {
                self.visit_i64(i64::try_from(v).map_err(|_| E::custom("the time is out of range"))?)
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Timestamp, E> {
                if !v.is_finite() || v.abs() > 1e15 {
                    return Err(E::custom(format!("the time {v} is out of range")));
                }
                self.visit_i64(v.floor() as i64)
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                let v = v.trim();
                match (v.parse::<i64>(), v.parse::<f64>()) {
                    (Ok(seconds), _) => self.visit_i64(seconds),
                    (_, Ok(seconds)) => self.visit_f64(seconds),
                    _ => Err(E::custom(format!("the time {v:?} is not a number"))),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Where a comment hangs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// A top-level comment: it replies to the post.
    Post,
    /// The entry at this index of the same thread (nested formats).
    Index(u32),
    /// The comment with this id, if the thread has it (dumps).
    Id(CommentId),
}

impl Parent {
    /// A Reddit `parent_id` (`t3_…` the post, `t1_…` a comment).
    pub fn of_reddit(parent_id: &str) -> Parent {
        match parent_id.split_once('_') {
            Some(("t1", id)) => Parent::Id(CommentId::from_source(id)),
            _ => Parent::Post,
        }
    }
}

/// A comment as read, before its thread is put in order.
#[derive(Debug)]
pub struct Entry {
    pub id: CommentId,
    pub parent: Parent,
    pub author: Arc<str>,
    pub posted_at: Option<DateTime<Utc>>,
    pub body: Box<str>,
    /// Its marks, their texts labelled in the reader's [`Labels`].
    pub marks: Marks,
    /// Where it was read, for diagnostics: an index into the files the
    /// [`Report`] knows, and the 1-based line (0 for none).
    pub file: u16,
    pub line: u32,
    /// Its `media_metadata`, if it had one.
    pub media_metadata: Option<Box<serde_json::Value>>,
}

/// Diagnostics for a set of files, at most [`MAX_DIAGNOSTICS_PER_FILE`]
/// named per file and the rest counted.
#[derive(Debug, Default)]
pub struct Report {
    files: Vec<String>,
    /// Per file: how many problems were reported.
    counts: Vec<usize>,
    diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Registers a file; problems in it are reported with the index this
    /// returns.
    pub fn file(&mut self, name: &str) -> u16 {
        self.files.push(name.to_owned());
        self.counts.push(0);
        u16::try_from(self.files.len() - 1).unwrap_or(u16::MAX)
    }

    pub fn name(&self, file: u16) -> &str {
        self.files.get(file as usize).map_or("", String::as_str)
    }

    /// A problem at `line` (0: the whole file) of `file`.
    pub fn push(&mut self, file: u16, line: u32, message: impl Into<String>) {
        let Some(count) = self.counts.get_mut(file as usize) else {
            return;
        };
        *count += 1;
        if *count <= MAX_DIAGNOSTICS_PER_FILE {
            self.diagnostics.push(Diagnostic {
                file: self.files[file as usize].clone(),
                line: (line > 0).then_some(line as usize),
                message: message.into(),
            });
        }
    }

    /// The diagnostics, by file and line, with a count of those left
    /// unnamed in each file.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        let order: FxHashMap<&str, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, name)| (name.as_str(), i))
            .collect();
        self.diagnostics
            .sort_by_key(|d| (order.get(d.file.as_str()).copied(), d.line));
        for (file, &count) in self.files.iter().zip(&self.counts) {
            if count > MAX_DIAGNOSTICS_PER_FILE {
                self.diagnostics.push(Diagnostic {
                    file: file.clone(),
                    line: None,
                    message: format!(
                        "and {} more problems like those above",
                        count - MAX_DIAGNOSTICS_PER_FILE
                    ),
                });
            }
        }
        self.diagnostics
    }
}

/// Replies the source left out (`more` stubs): under `parent`, `count` of
/// them (0 when it did not say).
#[derive(Debug)]
pub struct Stub {
    pub parent: Parent,
    pub count: u32,
}

/// A post with its comments in the source's order: what every format reads.
#[derive(Debug, Default)]
pub struct Thread {
    pub post: Post,
    pub entries: Vec<Entry>,
    pub stubs: Vec<Stub>,
}

impl Thread {
    /// The discussion `id`: each comment placed under its parent, before
    /// its replies, siblings in source order. A comment whose parent is not
    /// in the thread is shown at the top level, a repeated id is read once
    /// (its replies go under the first), and each is reported.
    pub fn build(self, id: String, labels: &Labels, report: &mut Report) -> Discussion {
        let Thread {
            post,
            mut entries,
            stubs,
        } = self;
        let ids = Ids::of(&entries, report);
        let mut parents = ids.parents(&entries, report);
        let (order, new_index) = tree_order(&entries, &ids.keep, &mut parents, report);
        let stubs: Vec<(Option<u32>, u32)> = stubs
            .iter()
            .filter_map(|stub| Some((ids.resolve(stub.parent, &entries).ok()?, stub.count)))
            .collect();
        let mut comments: Vec<Comment> = Vec::with_capacity(order.len());
        // The reader's labels that these comments use, numbered anew.
        let mut own: FxHashMap<u32, u32> = FxHashMap::default();
        let mut texts: Vec<Arc<str>> = Vec::new();
        let mut relabel = |label: u32| {
            *own.entry(label).or_insert_with(|| {
                texts.push(labels.get(label).cloned().unwrap_or_else(|| "".into()));
                texts.len() as u32 - 1
            })
        };
        let mut comment_media: Vec<(u32, crate::model::Media)> = Vec::new();
        for &i in &order {
            let e = &mut entries[i as usize];
            let index = comments.len() as u32;
            comment_media.extend(
                media::comment(e.media_metadata.as_deref(), &e.body)
                    .into_iter()
                    .map(|m| (index, m)),
            );
            let (parent, depth) = match parents[i as usize] {
                Some(p) => {
                    let p = new_index[p as usize];
                    (p, comments[p as usize].depth() as u32 + 1)
                }
                None => (Comment::NO_PARENT, 0),
            };
            comments.push(Comment {
                id: e.id,
                author: e.author.clone(),
                posted_at: e.posted_at,
                parent,
                depth_clock: Comment::depth_clock(depth, Clock::Seconds),
                body: std::mem::take(&mut e.body),
                marks: e.marks.relabelled(&mut relabel),
            });
        }
        let stubs = stubs
            .into_iter()
            .map(|(parent, count)| (parent.map(|p| new_index[p as usize] as usize), count));
        drop(entries);
        let discussion = Discussion::new(
            id,
            post.title,
            post.source,
            post.submitter,
            post.body,
            comments,
        )
        .with_unarchived(stubs)
        .with_labels(texts)
        .with_comment_media(comment_media);
        let community = post
            .meta
            .as_ref()
            .and_then(|m| m.subreddit.clone())
            .map(Community::Subreddit);
        let discussion = discussion.with_community(community);
        match post.meta {
            Some(meta) => discussion.with_post(meta),
            None => discussion,
        }
    }
}

/// The entries' ids: each id's first entry, and which entries are kept
/// (a repeated id is read once).
struct Ids {
    first: FxHashMap<CommentId, u32>,
    keep: Vec<bool>,
}

impl Ids {
    fn of(entries: &[Entry], report: &mut Report) -> Self {
        let n = entries.len();
        let mut first: FxHashMap<CommentId, u32> =
            FxHashMap::with_capacity_and_hasher(n, Default::default());
        let mut keep = vec![true; n];
        for (i, e) in entries.iter().enumerate() {
            match first.entry(e.id) {
                std::collections::hash_map::Entry::Occupied(_) => {
                    keep[i] = false;
                    report.push(
                        e.file,
                        e.line,
                        format!("comment {} appears again: the first is kept", e.id),
                    );
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i as u32);
                }
            }
        }
        Ids { first, keep }
    }

    /// The entry a parent names (repeats resolve to the first); `Err` when
    /// it is not in the thread.
    fn resolve(&self, parent: Parent, entries: &[Entry]) -> Result<Option<u32>, ()> {
        match parent {
            Parent::Post => Ok(None),
            Parent::Index(i) if (i as usize) < entries.len() => Ok(Some(
                self.first
                    .get(&entries[i as usize].id)
                    .copied()
                    .unwrap_or(i),
            )),
            Parent::Index(_) => Err(()),
            Parent::Id(id) => self.first.get(&id).copied().map(Some).ok_or(()),
        }
    }

    /// Each entry's parent; one that is not in the thread (reported) or
    /// the entry itself makes it a top-level comment.
    fn parents(&self, entries: &[Entry], report: &mut Report) -> Vec<Option<u32>> {
        let mut parents: Vec<Option<u32>> = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let parent = match self.resolve(e.parent, entries) {
                Ok(Some(p)) if p as usize == i => None,
                Ok(parent) => parent,
                Err(()) => {
                    if self.keep[i] {
                        let named = match e.parent {
                            Parent::Id(id) => format!("comment {id}"),
                            _ => "its parent".to_owned(),
                        };
                        report.push(
                            e.file,
                            e.line,
                            format!(
                                "comment {} replies to {named}, which is not in the archive: shown at the top level",
                                e.id
                            ),
                        );
                    }
                    None
                }
            };
            parents.push(parent);
        }
        parents
    }
}

/// Each kept entry's replies in source order, flat: the replies of `i` are
/// `children[start[i]..start[i + 1]]`.
fn replies_of(parents: &[Option<u32>], keep: &[bool]) -> (Vec<u32>, Vec<u32>) {
    let n = parents.len();
    let mut start = vec![0u32; n + 1];
    for (i, parent) in parents.iter().enumerate() {
        if let (Some(p), true) = (parent, keep[i]) {
            start[*p as usize + 1] += 1;
        }
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut children = vec![0u32; start[n] as usize];
    let mut next = start.clone();
    for (i, parent) in parents.iter().enumerate() {
        if let (Some(p), true) = (parent, keep[i]) {
            children[next[*p as usize] as usize] = i as u32;
            next[*p as usize] += 1;
        }
    }
    (start, children)
}

/// The kept entries depth first (each before its replies), and each
/// entry's place in that order (`u32::MAX`: left out). Entries caught in a
/// loop of parents are reported and made top-level.
fn tree_order(
    entries: &[Entry],
    keep: &[bool],
    parents: &mut [Option<u32>],
    report: &mut Report,
) -> (Vec<u32>, Vec<u32>) {
    let n = entries.len();
    let (start, children) = replies_of(parents, keep);
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut new_index = vec![u32::MAX; n];
    let mut stack: Vec<u32> = Vec::new();
    let roots: Vec<usize> = (0..n)
        .filter(|&i| keep[i] && parents[i].is_none())
        .collect();
    // Comments caught in a loop of parents are reached by no root; they
    // start their own walks afterwards.
    let stragglers = (0..n).filter(|&i| keep[i]);
    for root in roots.into_iter().chain(stragglers) {
        if new_index[root] != u32::MAX {
            continue;
        }
        if parents[root].is_some() {
            let e = &entries[root];
            report.push(
                e.file,
                e.line,
                format!(
                    "comment {} is in a loop of replies: shown at the top level",
                    e.id
                ),
            );
            parents[root] = None;
        }
        stack.push(root as u32);
        while let Some(i) = stack.pop() {
            if new_index[i as usize] != u32::MAX {
                continue;
            }
            new_index[i as usize] = order.len() as u32;
            order.push(i);
            let kids = &children[start[i as usize] as usize..start[i as usize + 1] as usize];
            stack.extend(kids.iter().rev());
        }
    }
    (order, new_index)
}
