//! The domain: an archive of discussions, each an article with its threaded
//! comments. Nothing here knows about HTTP, HTML or files.

mod media;
mod reddit;
pub use media::{LocalFile, Media, MediaFiles, MediaKind, Shown, shown};
pub use reddit::{
    Community, Distinguished, Edited, Labels, Marks, Poll, PostMeta, Removal, RemovalKind,
};

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// A piece of a post's media that is not on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MissingMedia<'a> {
    pub post: &'a str,
    pub url: &'a str,
    pub kind: MediaKind,
}

/// A problem found while reading a file. Parsing never fails; it reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file's name, as given to the parser.
    pub file: String,
    /// The 1-based line the problem is on, or `None` for the whole file.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Author names, each kept once for all the discussions that use it (a
/// name in a thousand files is one allocation, not a thousand). Shared by
/// the parsers of one load, which may run on several threads.
#[derive(Debug, Default)]
pub struct Names(std::sync::Mutex<std::collections::HashSet<Arc<str>>>);

impl Names {
    /// The shared copy of `name`.
    pub fn get(&self, name: &str) -> Arc<str> {
        let mut names = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match names.get(name) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Arc<str> = name.into();
                names.insert(shared.clone());
                shared
            }
        }
    }
}

/// A comment's stable, URL-safe identifier.
///
/// It is derived from the author, the time text and the occurrence of that
/// pair in the file, never from the comment's position, so a permalink keeps
/// working when other comments are added to the file.
///
/// It is kept inline (no allocation): a million comments carry a million.
#[derive(Clone, Copy)]
pub struct CommentId {
    /// ASCII, padded with zero bytes.
    chars: [u8; Self::MAX_LEN],
}

impl CommentId {
    const ALPHABET: &'static [u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    const MAX_LEN: usize = 12;

    /// The id of the `occurrence`-th (0-based) comment by `author` with the
    /// header time text `time_text`, using `bits` bits of the hash (a
    /// multiple of 5, at most 60).
    pub(crate) fn derive(author: &str, time_text: &str, occurrence: usize, bits: u32) -> Self {
        // The hash of "{author}\0{time_text}\0{occurrence}", fed in parts.
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(author.as_bytes());
        hasher.update(&[0]);
        hasher.update(time_text.as_bytes());
        hasher.update(&[0]);
        hasher.update(occurrence.to_string().as_bytes());
        let hash = hasher.digest();
        let len = (bits / 5) as usize;
        let mut chars = [0u8; Self::MAX_LEN];
        let mut value = hash >> (64 - bits);
        for slot in chars[..len].iter_mut().rev() {
            *slot = Self::ALPHABET[(value & 31) as usize];
            value >>= 5;
        }
        CommentId { chars }
    }

    /// A source's own id, e.g. Reddit's `c364mzp`: 1 to 12 ASCII letters,
    /// digits, `_` or `-`, kept as given so permalinks match the source's.
    /// An id that doesn't fit is hashed instead (60 bits), the same way
    /// every time, so references to it still match.
    pub fn from_source(id: &str) -> Self {
        let fits = (1..=Self::MAX_LEN).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !fits {
            return Self::derive(id, "", 0, 60);
        }
        let mut chars = [0u8; Self::MAX_LEN];
        chars[..id.len()].copy_from_slice(id.as_bytes());
        CommentId { chars }
    }

    pub fn as_str(&self) -> &str {
        let len = self
            .chars
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(Self::MAX_LEN);
        std::str::from_utf8(&self.chars[..len]).expect("ids are ASCII")
    }
}

impl PartialEq for CommentId {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for CommentId {}

impl PartialOrd for CommentId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CommentId {
    /// As their text: zero padding sorts before any character.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.chars.cmp(&other.chars)
    }
}

impl std::hash::Hash for CommentId {
    /// Hashes as its text, so maps keyed by ids can be searched with `&str`.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for CommentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommentId({:?})", self.as_str())
    }
}

impl fmt::Display for CommentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CommentId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A header's time text as written, e.g. `August 5th, 2023 at 10:22`, kept
/// inline: the header grammar bounds it to 29 bytes (`September 30th, 2023
/// at 23:59`).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeText {
    /// UTF-8 (ASCII by the grammar), padded with zero bytes.
    bytes: [u8; TimeText::MAX_LEN],
}

impl TimeText {
    pub const MAX_LEN: usize = 29;

    /// `None` when `text` is longer than any header allows or holds a NUL.
    pub fn new(text: &str) -> Option<Self> {
        if text.contains('\0') {
            return None;
        }
        let mut bytes = [0u8; Self::MAX_LEN];
        bytes
            .get_mut(..text.len())?
            .copy_from_slice(text.as_bytes());
        Some(TimeText { bytes })
    }

    pub fn as_str(&self) -> &str {
        let len = self
            .bytes
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(Self::MAX_LEN);
        std::str::from_utf8(&self.bytes[..len]).expect("copied from a str")
    }
}

impl std::ops::Deref for TimeText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for TimeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for TimeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reader's comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    /// The author's name; `[deleted]` and `<USERNAME>` are ordinary names.
    /// Shared by all of the author's comments in a file.
    pub author: Arc<str>,
    /// When it was posted, if the header's date is a real one.
    pub posted_at: Option<DateTime<Utc>>,
    /// The index (in [`Discussion::comments`]) of the comment this replies
    /// to, or [`Comment::NO_PARENT`]; read it with [`Comment::parent`].
    /// (32-bit fields keep a million comments small.)
    pub(crate) parent: u32,
    /// The depth (0 for a top-level comment) in the low 30 bits, the
    /// [`Clock`] in the top two: read them with `depth()` and `clock()`.
    pub(crate) depth_clock: u32,
    /// The raw Markdown body with the reply indentation removed.
    pub body: Box<str>,
    /// What a Reddit source says besides (score, edited, flair, …); none
    /// for our text format.
    pub marks: Marks,
}

/// How a comment's time was given, and so how its text is found again
/// ([`Discussion::time_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// A header's text written the usual way (`August 5th, 2023 at
    /// 10:22`), to the minute: made again from the time, not kept.
    Minutes,
    /// A header's text spelled otherwise, or an impossible date: kept as
    /// written, beside the comments.
    Text,
    /// A timestamp, to the second (Reddit's formats): no text.
    Seconds,
}

/// The usual header text of a time: `August 5th, 2023 at 10:22`.
pub fn header_text(time: DateTime<Utc>) -> String {
    let mut text = String::with_capacity(TimeText::MAX_LEN);
    write_header_text(&mut text, time);
    text
}

/// The month names a header may use, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn write_header_text(out: &mut impl fmt::Write, time: DateTime<Utc>) {
    use chrono::{Datelike, Timelike};
    let day = time.day();
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    let month = MONTHS[time.month0() as usize];
    let _ = write!(
        out,
        "{month} {day}{suffix}, {} at {:02}:{:02}",
        time.year(),
        time.hour(),
        time.minute()
    );
}

/// Whether `text` is the usual header text of `time` (without allocating:
/// the parser asks for every comment).
pub(crate) fn is_header_text(time: DateTime<Utc>, text: &str) -> bool {
    struct Compare<'a> {
        rest: &'a str,
        same: bool,
    }
    impl fmt::Write for Compare<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            match self.rest.strip_prefix(s) {
                Some(rest) if self.same => self.rest = rest,
                _ => self.same = false,
            }
            Ok(())
        }
    }
    let mut compare = Compare {
        rest: text,
        same: true,
    };
    write_header_text(&mut compare, time);
    compare.same && compare.rest.is_empty()
}

impl Comment {
    pub(crate) const NO_PARENT: u32 = u32::MAX;
    const DEPTH_BITS: u32 = 30;

    /// The packed depth and clock.
    pub(crate) fn depth_clock(depth: u32, clock: Clock) -> u32 {
        let clock = match clock {
            Clock::Minutes => 0,
            Clock::Text => 1,
            Clock::Seconds => 2,
        };
        depth.min((1 << Self::DEPTH_BITS) - 1) | (clock << Self::DEPTH_BITS)
    }

    /// How its time was given.
    pub fn clock(&self) -> Clock {
        match self.depth_clock >> Self::DEPTH_BITS {
            0 => Clock::Minutes,
            1 => Clock::Text,
            _ => Clock::Seconds,
        }
    }

    /// The index of the comment this replies to.
    pub fn parent(&self) -> Option<usize> {
        (self.parent != Self::NO_PARENT).then_some(self.parent as usize)
    }

    pub fn depth(&self) -> usize {
        (self.depth_clock & ((1 << Self::DEPTH_BITS) - 1)) as usize
    }

    /// Whether the time came from a timestamp (to the second) rather than
    /// a header's text (to the minute).
    pub fn has_seconds(&self) -> bool {
        self.clock() == Clock::Seconds
    }
}

/// What lists show of a discussion: its article's head, what its post
/// says of itself, and the count and span of its comments. The archive
/// keeps one for every discussion; the comments stay in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The file's stem, e.g. `000_3e51731060edc037`.
    pub id: String,
    pub title: String,
    /// Where the article came from (often a domain), from the byline.
    pub source: Option<String>,
    /// Who submitted it: the discussion's original poster.
    pub submitter: Option<String>,
    comment_count: u32,
    /// The earliest and latest known times of its comments and post.
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Whether any comment has a score.
    scores: bool,
    /// How many comments it has each month (UTC), as `(year × 12 +
    /// month − 1, count)`, in order: what charts of many discussions add.
    months: Box<[(u32, u32)]>,
    /// Its whole discussion's [`Discussion::fingerprint`], where known (0
    /// until it is made or kept).
    fingerprint: u64,
    /// What a Reddit post says of itself.
    post: Option<Box<PostMeta>>,
    /// Where it belongs: its subreddit, or its source.
    community: Option<Community>,
}

/// An article with its readers' comments, in file order. Its [`Head`]'s
/// fields and methods are its own (`d.title`, `d.post()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discussion {
    head: Head,
    /// The article body (Markdown), possibly empty.
    pub body: String,
    comments: Vec<Comment>,
    /// Derived from `comments`: each comment's direct replies, in file order.
    /// Stored flat: the replies of comment `i` are
    /// `replies[reply_start[i]..reply_start[i + 1]]` (32-bit: one each per
    /// comment).
    replies: Vec<u32>,
    reply_start: Vec<u32>,
    roots: Vec<usize>,
    /// Derived: how many replies sit below each comment, at every depth.
    descendants: Vec<u32>,
    /// Every comment's index, sorted by id: `find` searches it (4 bytes a
    /// comment, where a hash map took about 26).
    by_id: Vec<u32>,
    /// The time texts of comments whose clock is [`Clock::Text`], by
    /// comment index.
    time_texts: Vec<(u32, TimeText)>,
    /// Replies the source knew of but did not include (Reddit's `more`
    /// stubs), as `(parent index or NO_PARENT, count)`, sorted by parent.
    unarchived: Vec<(u32, u32)>,
    /// The texts the comments' marks name (flairs, reasons).
    labels: Vec<Arc<str>>,
    /// Pictures and videos in comments, by comment index (sorted).
    comment_media: Vec<(u32, Media)>,
}

impl std::ops::Deref for Discussion {
    type Target = Head;

    fn deref(&self) -> &Head {
        &self.head
    }
}

/// What a head says of its discussion's comments (see [`Head`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub comments: usize,
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub scores: bool,
    pub months: Vec<(u32, u32)>,
}

impl Head {
    /// The head of a discussion kept elsewhere, with what `tally` says
    /// of its comments.
    pub fn new(
        id: String,
        title: String,
        source: Option<String>,
        submitter: Option<String>,
        tally: Tally,
    ) -> Self {
        Head {
            id,
            title,
            source,
            submitter,
            comment_count: tally.comments as u32,
            span: tally.span,
            scores: tally.scores,
            months: tally.months.into_boxed_slice(),
            fingerprint: 0,
            post: None,
            community: None,
        }
    }

    /// The head, with its whole discussion's fingerprint.
    pub fn with_fingerprint(mut self, fingerprint: u64) -> Self {
        self.fingerprint = fingerprint;
        self
    }

    /// Its whole discussion's [`Discussion::fingerprint`] (what the
    /// search index and an export compare), or 0 when it was not given.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Where it belongs.
    pub fn with_community(mut self, community: Option<Community>) -> Self {
        self.community = community;
        self
    }

    /// Keeps what a Reddit post says of itself; its time starts the
    /// discussion's time span.
    pub fn with_post(mut self, post: PostMeta) -> Self {
        if let Some(at) = post.posted_at {
            self.span = Some(match self.span {
                Some((first, last)) => (first.min(at), last.max(at)),
                None => (at, at),
            });
        }
        self.post = Some(Box::new(post));
        self
    }

    /// Where it belongs: its subreddit, or its source.
    pub fn community(&self) -> Option<&Community> {
        self.community.as_ref()
    }

    /// When it started: its post's time, else its first comment's.
    pub fn started_at(&self) -> Option<DateTime<Utc>> {
        self.post()
            .and_then(|p| p.posted_at)
            .or_else(|| self.span.map(|(first, _)| first))
    }

    /// The post's own media (a picture, a gallery, a video, an embed), in
    /// order.
    pub fn media(&self) -> &[Media] {
        self.post().map_or(&[], |p| &p.media)
    }

    /// What the post says of itself (Reddit's formats only).
    pub fn post(&self) -> Option<&PostMeta> {
        self.post.as_deref()
    }

    /// The subreddit, where the source says.
    pub fn subreddit(&self) -> Option<&str> {
        self.post()?.subreddit.as_deref()
    }

    /// Whether any comment has a score (so `top` means something).
    pub fn has_scores(&self) -> bool {
        self.scores
    }

    /// How many comments it has each month (UTC): `(year × 12 + month −
    /// 1, count)`, in order.
    pub fn comment_months(&self) -> &[(u32, u32)] {
        &self.months
    }

    /// How many comments it has.
    pub fn comment_count(&self) -> usize {
        self.comment_count as usize
    }

    /// Whether `author` is the discussion's submitter (its OP).
    pub fn is_op(&self, author: &str) -> bool {
        self.submitter.as_deref() == Some(author)
    }

    /// The earliest and latest known times (its comments' and its post's).
    pub fn time_span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.span
    }
}

impl Discussion {
    /// Builds a discussion; `comments` must be in file order with every
    /// `parent` pointing at an earlier comment.
    pub fn new(
        id: String,
        title: String,
        source: Option<String>,
        submitter: Option<String>,
        body: String,
        comments: Vec<Comment>,
    ) -> Self {
        // Count the replies of each comment, then place them (file order).
        let mut reply_start = vec![0u32; comments.len() + 1];
        for comment in &comments {
            if let Some(parent) = comment.parent() {
                reply_start[parent + 1] += 1;
            }
        }
        for i in 0..comments.len() {
            reply_start[i + 1] += reply_start[i];
        }
        let mut replies = vec![0u32; reply_start[comments.len()] as usize];
        let mut next: Vec<u32> = reply_start[..comments.len()].to_vec();
        let mut roots = Vec::new();
        for (index, comment) in comments.iter().enumerate() {
            match comment.parent() {
                Some(parent) => {
                    assert!(parent < index, "a reply must follow its parent");
                    replies[next[parent] as usize] = index as u32;
                    next[parent] += 1;
                }
                None => roots.push(index),
            }
        }
        let mut by_id: Vec<u32> = (0..comments.len() as u32).collect();
        by_id.sort_unstable_by(|&a, &b| comments[a as usize].id.cmp(&comments[b as usize].id));
        // Replies always follow their parent, so one backward pass suffices.
        let mut descendants = vec![0; comments.len()];
        for index in (0..comments.len()).rev() {
            if let Some(parent) = comments[index].parent() {
                descendants[parent] += descendants[index] + 1;
            }
        }
        let scores = comments.iter().any(|c| c.marks.score().is_some());
        let mut times = comments.iter().filter_map(|c| c.posted_at);
        let span = times
            .next()
            .map(|first| times.fold((first, first), |(lo, hi), t| (lo.min(t), hi.max(t))));
        let mut months: Vec<(u32, u32)> = Vec::new();
        let mut in_month: std::collections::BTreeMap<u32, u32> = Default::default();
        for at in comments.iter().filter_map(|c| c.posted_at) {
            use chrono::Datelike;
            let month = (at.year().max(0) as u32) * 12 + at.month0();
            *in_month.entry(month).or_default() += 1;
        }
        months.extend(in_month);
        Discussion {
            head: Head {
                id,
                title,
                source,
                submitter,
                comment_count: comments.len() as u32,
                span,
                scores,
                months: months.into_boxed_slice(),
                fingerprint: 0,
                post: None,
                community: None,
            },
            body,
            comments,
            replies,
            reply_start,
            roots,
            descendants,
            by_id,
            time_texts: Vec::new(),
            unarchived: Vec::new(),
            labels: Vec::new(),
            comment_media: Vec::new(),
        }
    }

    /// Where it belongs.
    pub fn with_community(mut self, community: Option<Community>) -> Self {
        self.head = self.head.with_community(community);
        self
    }

    /// Keeps what a Reddit post says of itself; its time starts the
    /// discussion's time span.
    pub fn with_post(mut self, post: PostMeta) -> Self {
        self.head = self.head.with_post(post);
        self
    }

    /// About how many bytes it takes in memory: what the cache of
    /// discussions weighs it by (each comment's 80 bytes, its 16 of
    /// derived indexes and its text; the article).
    fn weight(&self) -> u64 {
        let text: usize = self.comments.iter().map(|c| c.body.len()).sum();
        (self.comments.len() * 96 + text + self.body.len() + self.title.len() + 256) as u64
    }

    /// Its head, what lists show of it, with its fingerprint.
    pub fn head(&self) -> Head {
        self.head_with(self.fingerprint())
    }

    /// Its head with `fingerprint`, its own already made.
    pub fn head_with(&self, fingerprint: u64) -> Head {
        self.head.clone().with_fingerprint(fingerprint)
    }

    /// Itself with its fingerprint made and kept in its head (in a
    /// parsing thread, so that the one writer need not make it): the
    /// last change made to it.
    pub fn fingerprinted(mut self) -> Self {
        self.head.fingerprint = self.fingerprint();
        self
    }

    /// Its fingerprint: the one kept by [`Discussion::fingerprinted`] or
    /// read with it, else made now.
    pub fn known_fingerprint(&self) -> u64 {
        match self.head.fingerprint {
            0 => self.fingerprint(),
            kept => kept,
        }
    }

    /// Keeps the media of the comments, by comment index.
    pub(crate) fn with_comment_media(mut self, mut media: Vec<(u32, Media)>) -> Self {
        media.sort_by_key(|&(i, _)| i);
        media.shrink_to_fit();
        self.comment_media = media;
        self
    }

    /// The media comment `index` shows below its text.
    pub fn comment_media(&self, index: usize) -> impl Iterator<Item = &Media> {
        let index = index as u32;
        let start = self.comment_media.partition_point(|&(i, _)| i < index);
        self.comment_media[start..]
            .iter()
            .take_while(move |&&(i, _)| i == index)
            .map(|(_, m)| m)
    }

    /// Every comment's media, with the comment's index.
    pub fn all_comment_media(&self) -> impl Iterator<Item = (usize, &Media)> {
        self.comment_media.iter().map(|(i, m)| (*i as usize, m))
    }

    /// The texts the comments' marks name by number, numbered in comment
    /// order (a comment's flair before its removal reason), each text
    /// once: every reader numbers them so, and the store numbers them
    /// again the same way.
    pub(crate) fn with_labels(mut self, labels: Vec<Arc<str>>) -> Self {
        self.labels = labels;
        self
    }

    /// Comment `index`'s author flair.
    pub fn flair(&self, index: usize) -> Option<&str> {
        let label = self.comments[index].marks.flair_label()?;
        self.labels.get(label as usize).map(|t| &**t)
    }

    /// Why comment `index`'s text is gone, if it is.
    pub fn removal(&self, index: usize) -> Option<Removal<'_>> {
        match self.comments[index].marks.removal_code() {
            0 => None,
            1 => Some(Removal::Moderators),
            2 => Some(Removal::Author),
            3 => Some(Removal::AuthorLater),
            n => self
                .labels
                .get(usize::from(n - 4))
                .map(|reason| Removal::Reason(reason))
                .or(Some(Removal::Moderators)),
        }
    }

    /// Keeps the time texts of the comments whose clock is [`Clock::Text`].
    pub(crate) fn with_time_texts(mut self, mut texts: Vec<(u32, TimeText)>) -> Self {
        texts.sort_unstable_by_key(|&(i, _)| i);
        texts.shrink_to_fit();
        self.time_texts = texts;
        self
    }

    /// Comment `index`'s time as its header wrote it (`August 5th, 2023 at
    /// 10:22`); empty for a source that gave a timestamp.
    pub fn time_text(&self, index: usize) -> String {
        let c = &self.comments[index];
        match (c.clock(), c.posted_at) {
            (Clock::Minutes, Some(at)) => header_text(at),
            (Clock::Seconds, _) => String::new(),
            _ => self
                .kept_time_text(index)
                .map(str::to_owned)
                .unwrap_or_default(),
        }
    }

    /// Comment `index`'s time text as kept beside the comments (its clock
    /// is [`Clock::Text`]), if it was.
    pub(crate) fn kept_time_text(&self, index: usize) -> Option<&str> {
        let at = self
            .time_texts
            .binary_search_by_key(&(index as u32), |&(i, _)| i)
            .ok()?;
        Some(self.time_texts[at].1.as_str())
    }

    /// The stubs of replies not archived, `(parent or NO_PARENT, count)`.
    pub(crate) fn unarchived_stubs(&self) -> &[(u32, u32)] {
        &self.unarchived
    }

    /// Records replies that were not archived: `(parent, count)` for each
    /// stub, the parent `None` for the top level and the count 0 when the
    /// source did not say how many. Stubs under one parent add up.
    pub fn with_unarchived(
        mut self,
        stubs: impl IntoIterator<Item = (Option<usize>, u32)>,
    ) -> Self {
        let mut stubs: Vec<(u32, u32)> = stubs
            .into_iter()
            .map(|(parent, count)| (parent.map_or(Comment::NO_PARENT, |p| p as u32), count))
            .collect();
        stubs.sort_unstable();
        stubs.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 = kept.1.saturating_add(later.1);
            }
            same
        });
        self.unarchived = stubs;
        self
    }

    /// How many replies to `parent` (`None`: top-level comments) the source
    /// left out: `Some(0)` when it did not say how many, `None` when none.
    pub fn unarchived(&self, parent: Option<usize>) -> Option<u32> {
        let key = parent.map_or(Comment::NO_PARENT, |p| p as u32);
        self.unarchived
            .binary_search_by_key(&key, |&(parent, _)| parent)
            .ok()
            .map(|i| self.unarchived[i].1)
    }

    /// A hash of everything a page of the discussion can show: any change
    /// to the file that shows changes it (what the search index and an
    /// export compare to know what to make again).
    pub fn fingerprint(&self) -> u64 {
        fn text(h: &mut xxhash_rust::xxh3::Xxh3, part: &str) {
            h.update(part.as_bytes());
            h.update(&[0]);
        }
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        text(&mut h, &self.id);
        text(&mut h, &self.title);
        text(&mut h, self.source.as_deref().unwrap_or("\u{1}"));
        text(&mut h, self.submitter.as_deref().unwrap_or("\u{1}"));
        text(&mut h, &self.body);
        for (i, c) in self.comments.iter().enumerate() {
            text(&mut h, c.id.as_str());
            text(&mut h, &c.author);
            // A time's text is made from the time but where it was spelled
            // otherwise; only that text is kept (and hashed).
            let time = c.posted_at.map_or(i64::MIN, |t| t.timestamp());
            h.update(&time.to_le_bytes());
            h.update(&[c.clock() as u8]);
            if c.clock() == Clock::Text {
                text(&mut h, &self.time_text(i));
            }
            h.update(&(c.parent().map_or(u64::MAX, |p| p as u64)).to_le_bytes());
            text(&mut h, &c.body);
            h.update(&c.marks.bytes());
        }
        for label in &self.labels {
            text(&mut h, label);
        }
        if let Some(post) = &self.head.post {
            text(&mut h, &format!("{post:?}"));
        }
        if let Some(community) = &self.head.community {
            text(&mut h, &format!("{community:?}"));
        }
        for (parent, count) in &self.unarchived {
            h.update(&parent.to_le_bytes());
            h.update(&count.to_le_bytes());
        }
        h.digest()
    }

    /// Every comment, in file order.
    pub fn comments(&self) -> &[Comment] {
        &self.comments
    }

    /// The direct replies of comment `index` (their indexes), in file order.
    pub fn replies(&self, index: usize) -> &[u32] {
        &self.replies[self.reply_start[index] as usize..self.reply_start[index + 1] as usize]
    }

    /// The top-level comments, in file order.
    pub fn roots(&self) -> &[usize] {
        &self.roots
    }

    /// The index of the comment with this id (the first, should two share it).
    pub fn find(&self, id: &str) -> Option<usize> {
        let at = self
            .by_id
            .partition_point(|&i| self.comments[i as usize].id.as_str() < id);
        self.by_id
            .get(at)
            .map(|&i| i as usize)
            .filter(|&i| self.comments[i].id.as_str() == id)
    }

    /// The number of replies below comment `index`, at every depth.
    pub fn descendant_count(&self, index: usize) -> usize {
        self.descendants[index] as usize
    }

    /// The chain of parents of comment `index`, outermost first.
    pub fn ancestors(&self, index: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut current = self.comments[index].parent();
        while let Some(parent) = current {
            chain.push(parent);
            current = self.comments[parent].parent();
        }
        chain.reverse();
        chain
    }
}

impl std::borrow::Borrow<str> for CommentId {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

/// Where the archive's discussions are kept whole (the store), read back
/// by the key each was kept under.
pub trait Shelf: Send + Sync {
    /// The discussion kept under `key`.
    fn discussion(&self, key: i64) -> Result<Discussion, Unreadable>;
    /// Every comment of `author`'s, in any order.
    fn comments_of(&self, author: &str, each: &mut dyn FnMut(Kept)) -> Result<(), Unreadable>;
    /// Every comment made from `from` to before `to` (seconds), in order
    /// of time (of the same time, in any order), while `each` says to go
    /// on.
    fn comments_in_time(
        &self,
        from: i64,
        to: i64,
        each: &mut dyn FnMut(Kept) -> bool,
    ) -> Result<(), Unreadable>;
    /// Every comment of no known time, in any order, while `each` says to
    /// go on.
    fn comments_without_time(&self, each: &mut dyn FnMut(Kept) -> bool) -> Result<(), Unreadable>;
    /// Every comment made from `from` to before `to` (seconds), as its
    /// discussion's key and its author's number.
    fn authors_between(
        &self,
        from: i64,
        to: i64,
        each: &mut dyn FnMut(i64, i64),
    ) -> Result<(), Unreadable>;
    /// How many comments each author made in `community` (None: the whole
    /// archive) in `span`, as the author's number and a count, in any
    /// order (an author may come more than once: add them up): counted as
    /// the comments were kept.
    fn activity(
        &self,
        community: Option<&Community>,
        span: Counted,
        each: &mut dyn FnMut(i64, i64),
    ) -> Result<(), Unreadable>;
    /// The name of author number `id`.
    fn author_name(&self, id: i64) -> Result<String, Unreadable>;
    /// The id and text of each comment `(key, position)` of `at`, in order.
    fn comment_texts(&self, at: &[(i64, u32)]) -> Result<Vec<(CommentId, String)>, Unreadable>;
    /// The address of every picture or video in a comment, with its
    /// discussion's key.
    fn comment_media_urls(&self, each: &mut dyn FnMut(i64, &str)) -> Result<(), Unreadable>;
}

/// A stretch of time the archive's activity is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// All time, a year or a month, as the shelf keeps them counted.
    Counted(Counted),
    /// The comments made from the first time to before the second.
    Between(DateTime<Utc>, DateTime<Utc>),
}

/// A stretch of time whose activity the shelf keeps counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Every comment, of a known time or not.
    All,
    Year(i32),
    /// A year and a month (1 to 12).
    Month(i32, u32),
}

/// What a [`Shelf`] tells of a comment without reading it: where it is
/// (its discussion's key and its position), when, and its text's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept {
    pub key: i64,
    pub position: u32,
    pub posted_at: Option<i64>,
    pub bytes: u32,
    pub lines: u32,
}

/// The shelf could not be read (why): the store failed under the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the store could not be read: {}", self.0)
    }
}

impl std::error::Error for Unreadable {}

/// The shelf of an archive with no discussions.
pub struct EmptyShelf;

impl Shelf for EmptyShelf {
    fn discussion(&self, key: i64) -> Result<Discussion, Unreadable> {
        Err(Unreadable(format!("no discussion {key}")))
    }

    fn comments_of(&self, _: &str, _: &mut dyn FnMut(Kept)) -> Result<(), Unreadable> {
        Ok(())
    }

    fn comments_in_time(
        &self,
        _: i64,
        _: i64,
        _: &mut dyn FnMut(Kept) -> bool,
    ) -> Result<(), Unreadable> {
        Ok(())
    }

    fn comments_without_time(&self, _: &mut dyn FnMut(Kept) -> bool) -> Result<(), Unreadable> {
        Ok(())
    }

    fn authors_between(
        &self,
        _: i64,
        _: i64,
        _: &mut dyn FnMut(i64, i64),
    ) -> Result<(), Unreadable> {
        Ok(())
    }

    fn activity(
        &self,
        _: Option<&Community>,
        _: Counted,
        _: &mut dyn FnMut(i64, i64),
    ) -> Result<(), Unreadable> {
        Ok(())
    }

    fn author_name(&self, id: i64) -> Result<String, Unreadable> {
        Err(Unreadable(format!("no author {id}")))
    }

    fn comment_media_urls(&self, _: &mut dyn FnMut(i64, &str)) -> Result<(), Unreadable> {
        Ok(())
    }

    fn comment_texts(&self, at: &[(i64, u32)]) -> Result<Vec<(CommentId, String)>, Unreadable> {
        match at.first() {
            Some((key, _)) => Err(Unreadable(format!("no discussion {key}"))),
            None => Ok(Vec::new()),
        }
    }
}

/// A comment's place, time and size, from its author's or the archive's
/// list (24 bytes: the lists page by it without reading the comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timed {
    pub at: CommentRef,
    /// Seconds, `i64::MAX` when unknown.
    seconds: i64,
    pub bytes: u32,
    pub lines: u32,
}

impl Timed {
    /// Its time in seconds, `i64::MAX` when unknown (what orders it).
    pub fn seconds(&self) -> i64 {
        self.seconds
    }

    pub fn posted_at(&self) -> Option<DateTime<Utc>> {
        match self.seconds {
            i64::MAX => None,
            s => DateTime::from_timestamp(s, 0),
        }
    }
}

/// How many bytes of whole discussions an archive keeps decoded.
pub const DISCUSSION_CACHE_BYTES: u64 = 128 << 20;

#[derive(Clone)]
struct Weigh;

/// A discussion in the cache with its weight, counted once.
type Weighed = (u64, Arc<Discussion>);

impl quick_cache::Weighter<u32, Weighed> for Weigh {
    fn weight(&self, _: &u32, (weight, _): &Weighed) -> u64 {
        *weight
    }
}

type DiscussionCache = quick_cache::sync::Cache<u32, Weighed, Weigh>;

fn discussion_cache() -> DiscussionCache {
    // One shard: each shard takes only what fits its share of the budget,
    // and a thread of a hundred thousand comments (20 MB) must stay in.
    let options = quick_cache::OptionsBuilder::new()
        .shards(1)
        .estimated_items_capacity(4096)
        .weight_capacity(DISCUSSION_CACHE_BYTES)
        .build()
        .expect("the options are whole");
    quick_cache::sync::Cache::with_options(options, Weigh, Default::default(), Default::default())
}

/// Every discussion that loaded, plus what went wrong while loading: the
/// heads of its discussions and its authors' counts in memory, the
/// comments on its [`Shelf`], read through a cache bounded in bytes.
pub struct Archive {
    /// Shared with the previous version of the archive when unchanged.
    discussions: Vec<Arc<Head>>,
    /// The key each is kept under on the shelf.
    keys: Vec<i64>,
    by_key: FxHashMap<i64, u32>,
    shelf: Arc<dyn Shelf>,
    cache: DiscussionCache,
    by_id: FxHashMap<String, usize>,
    /// Derived: Reddit's post ids (`p3x9k`), for addresses and links in
    /// Reddit's shape.
    by_post_id: FxHashMap<String, usize>,
    /// Derived: every community, most comments first.
    communities: Vec<CommunityStats>,
    /// Every author, sorted by name.
    authors: Vec<Author>,
    author_by_name: FxHashMap<String, usize>,
    /// The keys of the discussions left out for another of the same name.
    shadowed: Vec<i64>,
    /// The files of the media folders that belong to its posts.
    media: Arc<MediaFiles>,
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Debug for Archive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Archive")
            .field("discussions", &self.discussions.len())
            .field("authors", &self.authors.len())
            .field("diagnostics", &self.diagnostics)
            .finish()
    }
}

impl Default for Archive {
    fn default() -> Self {
        Archive::new(Vec::new(), Vec::new(), Arc::new(EmptyShelf))
    }
}

/// Where a comment is in the archive: `(discussion index, comment index)`,
/// in 32 bits each (there is one per comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommentRef {
    discussion: u32,
    comment: u32,
}

impl CommentRef {
    /// The discussion's index in [`Archive::discussions`].
    pub fn discussion(self) -> usize {
        self.discussion as usize
    }

    /// The comment's index in [`Discussion::comments`].
    pub fn comment(self) -> usize {
        self.comment as usize
    }
}

/// A community's discussions (by index in the archive) and activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityStats {
    pub community: Community,
    pub discussions: Vec<usize>,
    pub comment_count: usize,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
}

/// Everyone who commented anywhere in the archive: how much and when
/// (their comments are on the shelf: [`Archive::comments_of`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub comment_count: usize,
    /// In how many discussions they commented.
    pub discussion_count: usize,
    /// Their earliest and latest known comment times.
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
}

impl Author {
    /// Everyone who commented in `discussions`, sorted by name.
    pub fn of<'a>(discussions: impl IntoIterator<Item = &'a Discussion>) -> Vec<Author> {
        let mut authors: Vec<Author> = Vec::new();
        // A name is mostly one `Arc` shared by all its comments: its
        // address finds the author without hashing the name again, and a
        // name met under another `Arc` (another reader's) by its text.
        let mut by_name: FxHashMap<Arc<str>, usize> = FxHashMap::default();
        let mut by_address: FxHashMap<*const u8, usize> = FxHashMap::default();
        let mut last_seen: Vec<usize> = Vec::new();
        for (di, d) in discussions.into_iter().enumerate() {
            for c in &d.comments {
                let index = match by_address.get(&c.author.as_ptr()) {
                    Some(&index) => index,
                    None => {
                        let index = *by_name.entry(c.author.clone()).or_insert_with(|| {
                            authors.push(Author {
                                name: c.author.to_string(),
                                comment_count: 0,
                                discussion_count: 0,
                                first_at: None,
                                last_at: None,
                            });
                            last_seen.push(usize::MAX);
                            authors.len() - 1
                        });
                        by_address.insert(c.author.as_ptr(), index);
                        index
                    }
                };
                let author = &mut authors[index];
                if last_seen[index] != di {
                    last_seen[index] = di;
                    author.discussion_count += 1;
                }
                author.comment_count += 1;
                if let Some(at) = c.posted_at {
                    author.first_at = Some(author.first_at.map_or(at, |t| t.min(at)));
                    author.last_at = Some(author.last_at.map_or(at, |t| t.max(at)));
                }
            }
        }
        authors.sort_by(|a, b| a.name.cmp(&b.name));
        authors
    }
}

impl Archive {
    /// Builds an archive of `discussions` (each a head and the key its
    /// whole is kept under on `shelf`), kept sorted by id; its authors
    /// come with [`Archive::with_authors`]. Two files with the same stem
    /// (`a.txt`, `a.TXT`) would share an id: the first is kept and the
    /// other reported (and its key listed in [`Archive::shadowed`]).
    pub fn new(
        mut discussions: Vec<(i64, Arc<Head>)>,
        mut diagnostics: Vec<Diagnostic>,
        shelf: Arc<dyn Shelf>,
    ) -> Self {
        discussions.sort_by(|a, b| a.1.id.cmp(&b.1.id));
        let mut shadowed = Vec::new();
        discussions.dedup_by(|later, kept| {
            let duplicate = later.1.id == kept.1.id;
            if duplicate {
                shadowed.push(later.0);
                diagnostics.push(Diagnostic {
                    file: later.1.id.clone(),
                    line: None,
                    message: "skipped: another discussion has the same id (a file with the same name before its extension, or a thread that is also in a dump)"
                        .to_owned(),
                });
            }
            duplicate
        });
        let (keys, discussions): (Vec<i64>, Vec<Arc<Head>>) = discussions.into_iter().unzip();
        let by_key = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .collect();
        let by_id = discussions
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        let by_post_id = discussions
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((d.post()?.id.clone()?.to_ascii_lowercase(), i)))
            .collect();
        let communities = Self::index_communities(&discussions);
        Archive {
            discussions,
            keys,
            by_key,
            shelf,
            cache: discussion_cache(),
            by_id,
            by_post_id,
            communities,
            authors: Vec::new(),
            author_by_name: FxHashMap::default(),
            shadowed,
            media: Arc::default(),
            diagnostics,
        }
    }

    /// The archive of only the discussions at `positions` (read whole to
    /// count their authors), with `diagnostics`.
    pub fn only(
        &self,
        positions: &[usize],
        diagnostics: Vec<Diagnostic>,
    ) -> Result<Self, Unreadable> {
        let whole = positions
            .iter()
            .map(|&i| self.discussion(i))
            .collect::<Result<Vec<_>, _>>()?;
        let authors = Author::of(whole.iter().map(|d| &**d));
        let heads = positions
            .iter()
            .map(|&i| (self.keys[i], self.discussions[i].clone()))
            .collect();
        Ok(Archive::new(heads, diagnostics, self.shelf.clone())
            .with_authors(authors)
            .with_media(self.shared_media()))
    }

    /// The archive with its `authors` (sorted by name, with their counts).
    pub fn with_authors(mut self, authors: Vec<Author>) -> Self {
        self.author_by_name = authors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i))
            .collect();
        self.authors = authors;
        self
    }

    /// The keys of the discussions left out because another has the same
    /// id (the first is kept): their comments count for no author.
    pub fn shadowed(&self) -> &[i64] {
        &self.shadowed
    }

    /// The archive with the media files found for its posts.
    pub fn with_media(mut self, media: Arc<MediaFiles>) -> Self {
        self.media = media;
        self
    }

    /// The media files found for its posts.
    pub fn media_files(&self) -> &MediaFiles {
        &self.media
    }

    /// The same, to share with another archive of some of its posts.
    pub fn shared_media(&self) -> Arc<MediaFiles> {
        self.media.clone()
    }

    /// A discussion's post media as pages show them: each with its local
    /// file, if any.
    pub fn shown_media<'a>(&'a self, d: &'a Head) -> Vec<Shown<'a>> {
        let files = match d.post().and_then(|p| p.id.as_deref()) {
            Some(id) => self.media.of_post(id),
            None => Vec::new(),
        };
        shown(d.media(), &files)
    }

    /// The posts' media that is not on disk (a downloader's list), in
    /// discussion order: each with its post's id, its address and kind.
    /// Removed media and embeds (pages, not files) are left out.
    pub fn missing_media(&self) -> Vec<MissingMedia<'_>> {
        let mut missing = Vec::new();
        for d in &self.discussions {
            let Some(post) = d.post().and_then(|p| p.id.as_deref()) else {
                continue;
            };
            for shown in self.shown_media(d) {
                let media = match shown.media {
                    std::borrow::Cow::Borrowed(m) => m,
                    std::borrow::Cow::Owned(_) => continue,
                };
                if shown.local.is_none()
                    && !media.removed
                    && !media.url.is_empty()
                    && media.kind != MediaKind::Embed
                {
                    missing.push(MissingMedia {
                        post,
                        url: &media.url,
                        kind: media.kind,
                    });
                }
            }
        }
        missing
    }

    /// The Reddit post ids of its discussions (lowercase).
    pub fn post_ids(&self) -> impl Iterator<Item = &str> {
        self.by_post_id.keys().map(String::as_str)
    }

    fn index_communities(discussions: &[Arc<Head>]) -> Vec<CommunityStats> {
        let mut by: HashMap<&Community, CommunityStats> = HashMap::new();
        for (i, d) in discussions.iter().enumerate() {
            let Some(community) = d.community() else {
                continue;
            };
            let stats = by.entry(community).or_insert_with(|| CommunityStats {
                community: community.clone(),
                discussions: Vec::new(),
                comment_count: 0,
                first_at: None,
                last_at: None,
            });
            stats.discussions.push(i);
            stats.comment_count += d.comment_count();
            if let Some((first, last)) = d.time_span() {
                stats.first_at = Some(stats.first_at.map_or(first, |t| t.min(first)));
                stats.last_at = Some(stats.last_at.map_or(last, |t| t.max(last)));
            }
        }
        let mut all: Vec<CommunityStats> = by.into_values().collect();
        all.sort_by(|a, b| {
            b.comment_count
                .cmp(&a.comment_count)
                .then_with(|| a.community.cmp(&b.community))
        });
        all
    }

    /// A comment the shelf told of, placed in this archive (None: its
    /// discussion is not one of this archive's).
    fn timed(&self, kept: Kept) -> Option<Timed> {
        let discussion = *self.by_key.get(&kept.key)?;
        Some(Timed {
            at: CommentRef {
                discussion,
                comment: kept.position,
            },
            seconds: kept.posted_at.unwrap_or(i64::MAX),
            bytes: kept.bytes,
            lines: kept.lines,
        })
    }

    /// Each comment made from `from` (seconds; `i64::MAX`: only those of
    /// no known time) to before `to` (None: to the end, and then those of
    /// no known time) in the discussions `keep` keeps (by position), in
    /// time order, those of the same time in archive order, while `each`
    /// says to go on. Read from the store's index of times, holding only
    /// the comments of one time at once.
    pub fn each_in_time(
        &self,
        from: i64,
        to: Option<i64>,
        keep: &dyn Fn(usize) -> bool,
        each: &mut dyn FnMut(Timed) -> bool,
    ) -> Result<(), Unreadable> {
        /// The comments of one time, given on in archive order.
        struct Run<'e> {
            same: Vec<Timed>,
            going: bool,
            each: &'e mut dyn FnMut(Timed) -> bool,
        }
        impl Run<'_> {
            fn push(&mut self, t: Timed) -> bool {
                if self
                    .same
                    .last()
                    .is_some_and(|last| last.seconds != t.seconds)
                {
                    self.flush();
                }
                self.same.push(t);
                self.going
            }
            fn flush(&mut self) {
                self.same.sort_unstable_by_key(|t| t.at);
                for t in self.same.drain(..) {
                    self.going = self.going && (self.each)(t);
                }
            }
        }
        let mut run = Run {
            same: Vec::new(),
            going: true,
            each,
        };
        let mut kept = |kept: Kept| match self.timed(kept) {
            Some(t) if keep(t.at.discussion()) => run.push(t),
            _ => run.going,
        };
        if from < i64::MAX {
            self.shelf
                .comments_in_time(from, to.unwrap_or(i64::MAX), &mut kept)?;
        }
        if to.is_none() {
            // Of no known time: one run, after all.
            self.shelf.comments_without_time(&mut kept)?;
        }
        run.flush();
        Ok(())
    }

    /// Every comment of author `index`'s, by discussion and then file
    /// order.
    pub fn comments_of(&self, index: usize) -> Result<Vec<Timed>, Unreadable> {
        let author = &self.authors[index];
        let mut all = Vec::with_capacity(author.comment_count);
        self.shelf
            .comments_of(&author.name, &mut |kept| all.extend(self.timed(kept)))?;
        all.sort_unstable_by_key(|t| t.at);
        Ok(all)
    }

    /// The `top` authors of most comments made in `span` in `community`
    /// (None: in the whole archive), with their counts: most first, ties
    /// by name. Read from the counts the shelf keeps, but for a span of
    /// other bounds (a day), whose comments are counted.
    pub fn most_active(
        &self,
        community: Option<&Community>,
        span: Span,
        top: usize,
    ) -> Result<Vec<(String, usize)>, Unreadable> {
        let Some(stats) = self.scope(community) else {
            return Ok(Vec::new());
        };
        let mut counts: FxHashMap<i64, usize> = FxHashMap::default();
        let mut counted: Vec<(String, usize)> = match (stats, span) {
            // Every comment of the archive: its authors' counts.
            (None, Span::Counted(Counted::All)) => self
                .authors
                .iter()
                .map(|a| (a.name.clone(), a.comment_count))
                .collect(),
            (_, Span::Counted(span)) => {
                self.shelf
                    .activity(stats.map(|s| &s.community), span, &mut |author, n| {
                        *counts.entry(author).or_default() += n as usize;
                    })?;
                self.named_most(counts, top)?
            }
            (_, Span::Between(from, to)) => {
                self.each_author_between(stats, from, to, &mut |author| {
                    *counts.entry(author).or_default() += 1;
                })?;
                self.named_most(counts, top)?
            }
        };
        counted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counted.truncate(top);
        Ok(counted)
    }

    /// How many comments were made in `span` in `community` (None: in
    /// the whole archive): from the discussions' months, but for a span of
    /// other bounds (a day), whose comments are counted.
    pub fn comments_in(
        &self,
        community: Option<&Community>,
        span: Span,
    ) -> Result<usize, Unreadable> {
        let Some(stats) = self.scope(community) else {
            return Ok(0);
        };
        // What `count` says of each of the discussions, added up.
        let sum = |count: &dyn Fn(&Head) -> usize| -> usize {
            match stats {
                Some(stats) => stats
                    .discussions
                    .iter()
                    .map(|&i| count(&self.discussions[i]))
                    .sum(),
                None => self.discussions.iter().map(|d| count(d)).sum(),
            }
        };
        let months = |from: u32, to: u32| {
            sum(&|d: &Head| {
                d.comment_months()
                    .iter()
                    .filter(|&&(m, _)| m >= from && m < to)
                    .map(|&(_, n)| n as usize)
                    .sum()
            })
        };
        let month = |year: i32, month0: u32| (year.max(0) as u32) * 12 + month0;
        Ok(match span {
            Span::Counted(Counted::All) => sum(&|d: &Head| d.comment_count()),
            Span::Counted(Counted::Year(year)) => months(month(year, 0), month(year + 1, 0)),
            Span::Counted(Counted::Month(year, m)) => {
                months(month(year, m.saturating_sub(1)), month(year, m))
            }
            Span::Between(from, to) => {
                let mut count = 0;
                self.each_author_between(stats, from, to, &mut |_| count += 1)?;
                count
            }
        })
    }

    /// The statistics of `community` as this archive names it (None
    /// within: the whole archive), or None when it has no such community.
    fn scope(&self, community: Option<&Community>) -> Option<Option<&CommunityStats>> {
        match community {
            Some(c) => self.community(c).map(Some),
            None => Some(None),
        }
    }

    /// The author of each comment made from `from` to before `to` in the
    /// discussions of `stats` (None: of the archive).
    fn each_author_between(
        &self,
        stats: Option<&CommunityStats>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        each: &mut dyn FnMut(i64),
    ) -> Result<(), Unreadable> {
        let member: Option<FxHashSet<i64>> =
            stats.map(|stats| stats.discussions.iter().map(|&i| self.keys[i]).collect());
        self.shelf
            .authors_between(from.timestamp(), to.timestamp(), &mut |key, author| {
                let kept = match &member {
                    Some(member) => member.contains(&key),
                    None => self.by_key.contains_key(&key),
                };
                if kept {
                    each(author);
                }
            })
    }

    /// The names and counts of the `top` authors of `counts` (by author
    /// number), and of those tied with the last of them.
    fn named_most(
        &self,
        counts: FxHashMap<i64, usize>,
        top: usize,
    ) -> Result<Vec<(String, usize)>, Unreadable> {
        let mut by_count: Vec<(i64, usize)> = counts.into_iter().collect();
        by_count.sort_unstable_by_key(|&(_, n)| std::cmp::Reverse(n));
        let floor = by_count.get(top.saturating_sub(1)).map_or(0, |&(_, n)| n);
        by_count
            .into_iter()
            .take_while(|&(_, n)| n >= floor)
            .map(|(id, n)| Ok((self.shelf.author_name(id)?, n)))
            .collect()
    }

    /// The id and text of each comment of `at`, in order: from a cached
    /// discussion, else the comment's row alone (a list of comments from
    /// many threads need not read them whole).
    pub fn comment_texts(&self, at: &[CommentRef]) -> Result<Vec<(CommentId, String)>, Unreadable> {
        let mut texts: Vec<Option<(CommentId, String)>> = at
            .iter()
            .map(|r| {
                let (_, d) = self.cache.get(&r.discussion)?;
                let c = d.comments.get(r.comment())?;
                Some((c.id, c.body.to_string()))
            })
            .collect();
        let missing: Vec<(i64, u32)> = at
            .iter()
            .zip(&texts)
            .filter(|(_, t)| t.is_none())
            .map(|(r, _)| (self.keys[r.discussion()], r.comment))
            .collect();
        let mut read = self.shelf.comment_texts(&missing)?.into_iter();
        for text in texts.iter_mut().filter(|t| t.is_none()) {
            *text = read.next();
        }
        texts
            .into_iter()
            .map(|t| t.ok_or_else(|| Unreadable("a comment went missing".to_owned())))
            .collect()
    }

    /// The address of every picture or video in its comments.
    pub fn comment_media_urls(&self, each: &mut dyn FnMut(&str)) -> Result<(), Unreadable> {
        self.shelf.comment_media_urls(&mut |key, url| {
            if self.by_key.contains_key(&key) {
                each(url);
            }
        })
    }

    /// Every community, most comments first.
    pub fn communities(&self) -> &[CommunityStats] {
        &self.communities
    }

    /// The community `community`, if the archive has it (a subreddit's
    /// name in any case).
    pub fn community(&self, community: &Community) -> Option<&CommunityStats> {
        self.communities.iter().find(|c| c.community.is(community))
    }

    /// Every author, sorted by name.
    pub fn authors(&self) -> &[Author] {
        &self.authors
    }

    pub fn author(&self, name: &str) -> Option<&Author> {
        self.author_by_name.get(name).map(|&i| &self.authors[i])
    }

    /// Where `name` is in [`Archive::authors`].
    pub fn author_index(&self, name: &str) -> Option<usize> {
        self.author_by_name.get(name).copied()
    }

    /// The discussion a reference points into, whole (its comment is
    /// `at.comment()`).
    pub fn resolve(&self, at: CommentRef) -> Result<Arc<Discussion>, Unreadable> {
        self.discussion(at.discussion())
    }

    /// Discussion `index`, whole: from the cache, or read from the shelf.
    pub fn discussion(&self, index: usize) -> Result<Arc<Discussion>, Unreadable> {
        let (_, d) = self.cache.get_or_insert_with(&(index as u32), || {
            let d = self.shelf.discussion(self.keys[index])?;
            if d.id != self.discussions[index].id {
                return Err(Unreadable(format!(
                    "{} is no longer where it was kept",
                    self.discussions[index].id
                )));
            }
            Ok((d.weight(), Arc::new(d)))
        })?;
        Ok(d)
    }

    /// Discussion `index`, whole, for a reading of many: from the cache
    /// when it is there, else read without keeping it (a pass over the
    /// archive does not push out what pages share).
    pub fn passing(&self, index: usize) -> Result<Arc<Discussion>, Unreadable> {
        if let Some((_, d)) = self.cache.get(&(index as u32)) {
            return Ok(d);
        }
        Ok(Arc::new(self.shelf.discussion(self.keys[index])?))
    }

    /// Every discussion, whole, sorted by id (each read as [`Archive::passing`]
    /// does: for tools and tests of archives that fit in memory).
    pub fn whole(&self) -> Result<Vec<Arc<Discussion>>, Unreadable> {
        (0..self.discussions.len())
            .map(|i| self.passing(i))
            .collect()
    }

    /// The head of every discussion, sorted by id.
    pub fn discussions(&self) -> &[Arc<Head>] {
        &self.discussions
    }

    /// The index of discussion `id` in [`Archive::discussions`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The index of the discussion of Reddit's post `post_id` (any case).
    pub fn post_position(&self, post_id: &str) -> Option<usize> {
        self.by_post_id.get(&post_id.to_ascii_lowercase()).copied()
    }

    /// The head of the discussion of Reddit's post `post_id` (any case).
    pub fn by_post_id(&self, post_id: &str) -> Option<&Head> {
        let i = self.post_position(post_id)?;
        Some(&*self.discussions[i])
    }

    /// Discussion `id`, whole, if the archive has it.
    pub fn get(&self, id: &str) -> Result<Option<Arc<Discussion>>, Unreadable> {
        self.position(id).map(|i| self.discussion(i)).transpose()
    }

    pub fn comment_count(&self) -> usize {
        self.discussions.iter().map(|d| d.comment_count()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_stays_small() {
        // A million of them must fit beside their text: see ARCHITECTURE.md.
        assert_eq!(std::mem::size_of::<Comment>(), 80);
    }

    #[test]
    fn usual_header_texts_are_made_again_and_others_recognised() {
        let at = chrono::NaiveDate::from_ymd_opt(2023, 8, 5)
            .unwrap()
            .and_hms_opt(9, 2, 0)
            .unwrap()
            .and_utc();
        assert_eq!(header_text(at), "August 5th, 2023 at 09:02");
        assert!(is_header_text(at, "August 5th, 2023 at 09:02"));
        for other in [
            "August 5, 2023 at 09:02",
            "August 5th, 2023 at 9:02",
            "August 5th, 2023 at 09:0",
            "August 5th, 2023 at 09:022",
        ] {
            assert!(!is_header_text(at, other), "{other}");
        }
    }

    #[test]
    fn ids_are_found_by_binary_search() {
        let parsed = crate::parse::parse(
            "t.txt",
            "T\n\na on May 1st, 2024 at 10:00 UTC »\n\nx\n\nb on May 1, 2024 at 9:01 UTC »\n\ny\n\nc on May 1st, 2024 at 10:02 UTC »\n\nz\n",
        );
        let d = parsed.discussion.unwrap();
        for (i, c) in d.comments().iter().enumerate() {
            assert_eq!(d.find(c.id.as_str()), Some(i));
        }
        assert_eq!(d.find("nope"), None);
        assert_eq!(d.time_text(0), "May 1st, 2024 at 10:00");
        assert_eq!(d.time_text(1), "May 1, 2024 at 9:01", "kept as written");
        assert_eq!(d.comments()[1].clock(), Clock::Text);
        assert_eq!(d.comments()[2].clock(), Clock::Minutes);
    }
}
