//! One thread in one JSON file, in either of two shapes told apart by their
//! structure:
//!
//! - **Reddit's own JSON** (a thread's URL plus `.json`): an array of two
//!   Listings, the post (`kind: "t3"`) and its comments (`kind: "t1"`, each
//!   with `replies`, a Listing or `""`); `kind: "more"` stubs stand for
//!   replies that were not fetched.
//! - **bulk-downloader-for-reddit (bdfr)**: one object, the submission's
//!   fields with `comments`, each comment with nested `replies`.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

use super::{
    EditedField, Entry, MarkData, Parent, Post, PostFields, RedditData, Report, Stub, Thread,
    Timestamp, media, unescape,
};
use crate::model::{CommentId, Labels};
use crate::parse::{Parsed, discussion_id};

/// Reads a thread file of either shape.
pub fn parse(name: &str, bytes: &[u8]) -> Parsed {
    let mut report = Report::default();
    let file = report.file(name);
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    let thread = match first {
        Some(b'[') => deserialize::<Vec<Listing>>(text)
            .map_err(|e| error_message(&e, "a Reddit thread"))
            .and_then(|listings| reddit_thread(listings, file, &mut report)),
        Some(b'{') => deserialize::<BdfrSubmission>(text)
            .map_err(|e| error_message(&e, "a bdfr submission"))
            .map(|submission| bdfr_thread(submission, file, &mut report)),
        _ => Err((
            None,
            "skipped: not a Reddit thread (a JSON array) or a bdfr submission (a JSON object)"
                .to_owned(),
        )),
    };
    match thread {
        Ok((thread, labels)) => {
            let discussion = thread.build(discussion_id(name), &labels, &mut report);
            Parsed {
                discussion: Some(discussion),
                diagnostics: report.finish(),
            }
        }
        Err((line, message)) => {
            report.push(file, line.unwrap_or(0), message);
            Parsed {
                discussion: None,
                diagnostics: report.finish(),
            }
        }
    }
}

/// Deserializes without a nesting limit: replies nest as deep as the
/// thread, and the stack grows on the heap when needed.
fn deserialize<'de, T: Deserialize<'de>>(text: &'de [u8]) -> serde_json::Result<T> {
    let mut json = serde_json::Deserializer::from_slice(text);
    json.disable_recursion_limit();
    let value = T::deserialize(serde_stacker::Deserializer::new(&mut json))?;
    json.end()?;
    Ok(value)
}

fn error_message(e: &serde_json::Error, shape: &str) -> (Option<u32>, String) {
    let line = (e.line() > 0).then(|| u32::try_from(e.line()).unwrap_or(u32::MAX));
    let what = if e.is_syntax() || e.is_eof() {
        "broken JSON"
    } else {
        "unexpected JSON"
    };
    (line, format!("skipped: {what} for {shape}: {e}"))
}

#[derive(Deserialize)]
struct Listing {
    data: ListingData,
}

#[derive(Deserialize)]
struct ListingData {
    #[serde(default)]
    children: Vec<Thing>,
}

#[derive(Deserialize)]
struct Thing {
    kind: String,
    #[serde(default)]
    data: RedditData,
}

/// A comment's `replies`: a Listing, or `""` when there are none.
#[derive(Default)]
pub(super) struct Replies(Option<Listing>);

impl<'de> Deserialize<'de> for Replies {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Replies;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a Listing or an empty string")
            }

            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Replies, E> {
                Ok(Replies(None))
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Replies, E> {
                Ok(Replies(None))
            }

            fn visit_none<E: serde::de::Error>(self) -> Result<Replies, E> {
                Ok(Replies(None))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Replies, A::Error> {
                Listing::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|listing| Replies(Some(listing)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Turns comment fields into entries, sharing each author's name and
/// reporting what is missing.
struct Reader<'r> {
    file: u16,
    report: &'r mut Report,
    authors: HashMap<String, Arc<str>>,
    labels: Labels,
    thread: Thread,
}

impl Reader<'_> {
    /// Adds a comment under `parent`; returns its entry's index.
    #[allow(clippy::too_many_arguments)]
    fn comment(
        &mut self,
        parent: Parent,
        id: Option<String>,
        author: Option<String>,
        body: Option<String>,
        created_utc: Option<Timestamp>,
        mut marks: MarkData,
    ) -> u32 {
        let index = self.thread.entries.len() as u32;
        let id = match id.as_deref() {
            Some(id) if !id.is_empty() => CommentId::from_source(id),
            _ => {
                let made = CommentId::from_source(&format!("missing-id-{index}"));
                self.report.push(
                    self.file,
                    0,
                    format!("comment number {} has no id: it is given {made}", index + 1),
                );
                made
            }
        };
        let mut missing = Vec::new();
        let author = author.unwrap_or_else(|| {
            missing.push("author");
            "[unknown]".to_owned()
        });
        let body = body.unwrap_or_else(|| {
            missing.push("body");
            String::new()
        });
        if created_utc.is_none() {
            missing.push("created_utc");
        }
        if !missing.is_empty() {
            self.report.push(
                self.file,
                0,
                format!("comment {id} has no {}", missing.join(", no ")),
            );
        }
        let author = match self.authors.get(&author) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Arc<str> = author.as_str().into();
                self.authors.insert(author, shared.clone());
                shared
            }
        };
        let body = match unescape(&body) {
            std::borrow::Cow::Borrowed(_) => body.into_boxed_str(),
            std::borrow::Cow::Owned(unescaped) => unescaped.into_boxed_str(),
        };
        let media_metadata = marks.media_metadata.take();
        let marks = marks.marks(&body, &mut self.labels);
        self.thread.entries.push(Entry {
            id,
            parent,
            author,
            posted_at: created_utc.map(|t| t.0),
            body,
            marks,
            file: self.file,
            line: 0,
            media_metadata,
        });
        index
    }
}

/// Reddit's thread as a `Thread`. (About 85 lines, kept whole: it is one
/// walk over the comment tree with an explicit stack, whose arms for a
/// comment and a `more` stub read best side by side.)
fn reddit_thread(
    listings: Vec<Listing>,
    file: u16,
    report: &mut Report,
) -> Result<(Thread, Labels), (Option<u32>, String)> {
    let mut listings = listings.into_iter();
    let (Some(post), Some(comments)) = (listings.next(), listings.next()) else {
        return Err((
            None,
            "skipped: a Reddit thread is an array of two Listings, the post and its comments"
                .to_owned(),
        ));
    };
    let Some(post) = post.data.children.into_iter().find(|t| t.kind == "t3") else {
        return Err((
            None,
            "skipped: the first Listing holds no post (kind t3)".to_owned(),
        ));
    };
    let mut reader = Reader {
        file,
        report,
        authors: HashMap::new(),
        labels: Labels::default(),
        thread: Thread {
            post: post.data.post(true),
            ..Thread::default()
        },
    };
    // Depth first, with an explicit stack (replies nest without bound):
    // each thing with the entry it hangs under.
    let mut stack: Vec<(Parent, Thing)> = comments
        .data
        .children
        .into_iter()
        .rev()
        .map(|thing| (Parent::Post, thing))
        .collect();
    let mut partial = false;
    while let Some((parent, thing)) = stack.pop() {
        let mut data = thing.data;
        match thing.kind.as_str() {
            "t1" => {
                if parent == Parent::Post
                    && data
                        .parent_id
                        .as_deref()
                        .is_some_and(|p| p.starts_with("t1_"))
                    && !partial
                {
                    partial = true;
                    reader.report.push(
                        file,
                        0,
                        "this file holds part of a thread (its first comments reply to comments it does not have): they are shown at the top level",
                    );
                }
                let replies = std::mem::take(&mut data.replies);
                let marks = data.take_marks();
                let index = reader.comment(
                    parent,
                    data.id,
                    data.author,
                    data.body,
                    data.created_utc,
                    marks,
                );
                if let Some(listing) = replies.0 {
                    stack.extend(
                        listing
                            .data
                            .children
                            .into_iter()
                            .rev()
                            .map(|thing| (Parent::Index(index), thing)),
                    );
                }
            }
            "more" => {
                let listed = data.children.as_ref().map_or(0, Vec::len) as u64;
                let count = data.count.unwrap_or(0).max(listed);
                reader.thread.stubs.push(Stub {
                    parent,
                    count: u32::try_from(count).unwrap_or(u32::MAX),
                });
            }
            other => reader.report.push(
                file,
                0,
                format!("skipped a thing of kind {other:?} among the comments"),
            ),
        }
    }
    Ok((reader.thread, reader.labels))
}

#[derive(Deserialize)]
struct BdfrSubmission {
    title: String,
    id: Option<String>,
    author: Option<String>,
    selftext: Option<String>,
    url: Option<String>,
    permalink: Option<String>,
    subreddit: Option<String>,
    created_utc: Option<Timestamp>,
    score: Option<i64>,
    upvote_ratio: Option<f64>,
    num_comments: Option<u64>,
    link_flair_text: Option<String>,
    over_18: Option<bool>,
    spoiler: Option<bool>,
    locked: Option<bool>,
    /// bdfr's word for stickied.
    pinned: Option<bool>,
    distinguished: Option<String>,
    #[serde(default)]
    edited: EditedField,
    comments: Vec<BdfrComment>,
}

#[derive(Deserialize)]
struct BdfrComment {
    id: Option<String>,
    author: Option<String>,
    body: Option<String>,
    created_utc: Option<Timestamp>,
    score: Option<i64>,
    /// bdfr's word for the author's flair text.
    author_flair: Option<String>,
    stickied: Option<bool>,
    distinguished: Option<String>,
    #[serde(default)]
    edited: EditedField,
    #[serde(default)]
    replies: Vec<BdfrComment>,
}

fn bdfr_thread(submission: BdfrSubmission, file: u16, report: &mut Report) -> (Thread, Labels) {
    let post = Post::from_reddit(PostFields {
        id: submission.id.as_deref(),
        title: Some(&submission.title),
        author: submission.author.as_deref(),
        selftext: submission.selftext.as_deref(),
        url: submission.url.as_deref(),
        subreddit: submission.subreddit.as_deref(),
        permalink: submission.permalink.as_deref(),
        created_utc: submission.created_utc.map(|t| t.0),
        score: submission.score,
        upvote_ratio: submission.upvote_ratio,
        num_comments: submission.num_comments,
        flair: submission.link_flair_text.as_deref(),
        over_18: submission.over_18,
        spoiler: submission.spoiler,
        locked: submission.locked,
        stickied: submission.pinned,
        distinguished: submission.distinguished.as_deref(),
        edited: submission.edited.0,
        // bdfr keeps the comments in Reddit's ranking.
        ranked: true,
        // bdfr keeps the link only: its files (on disk) say the rest.
        media: media::post(&media::MediaData {
            url: submission.url.as_deref(),
            selftext: submission.selftext.as_deref(),
            ..media::MediaData::default()
        })
        .0,
        ..PostFields::default()
    });
    let mut reader = Reader {
        file,
        report,
        authors: HashMap::new(),
        labels: Labels::default(),
        thread: Thread {
            post,
            ..Thread::default()
        },
    };
    let mut stack: Vec<(Parent, BdfrComment)> = submission
        .comments
        .into_iter()
        .rev()
        .map(|c| (Parent::Post, c))
        .collect();
    while let Some((parent, mut c)) = stack.pop() {
        let replies = std::mem::take(&mut c.replies);
        let marks = MarkData {
            score: c.score,
            edited: c.edited.0,
            distinguished: c.distinguished,
            stickied: c.stickied,
            flair: c.author_flair,
            ..MarkData::default()
        };
        let index = reader.comment(parent, c.id, c.author, c.body, c.created_utc, marks);
        stack.extend(
            replies
                .into_iter()
                .rev()
                .map(|reply| (Parent::Index(index), reply)),
        );
    }
    (reader.thread, reader.labels)
}
