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
use rustc_hash::FxHashMap;
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

/// An article with its readers' comments, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discussion {
    /// The file's stem, e.g. `000_3e51731060edc037`.
    pub id: String,
    pub title: String,
    /// Where the article came from (often a domain), from the byline.
    pub source: Option<String>,
    /// Who submitted it: the discussion's original poster.
    pub submitter: Option<String>,
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
    /// Derived: the earliest and latest known comment times.
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
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
    /// What a Reddit post says of itself.
    post: Option<Box<PostMeta>>,
    /// Where it belongs: its subreddit, or its source.
    community: Option<Community>,
    /// Derived: whether any comment has a score.
    scores: bool,
    /// Pictures and videos in comments, by comment index (sorted).
    comment_media: Vec<(u32, Media)>,
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
        Discussion {
            span,
            id,
            title,
            source,
            submitter,
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
            post: None,
            community: None,
            scores,
            comment_media: Vec::new(),
        }
    }

    /// Where it belongs.
    pub fn with_community(mut self, community: Option<Community>) -> Self {
        self.community = community;
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

    /// Keeps the media of the comments, by comment index.
    pub(crate) fn with_comment_media(mut self, mut media: Vec<(u32, Media)>) -> Self {
        media.sort_by_key(|&(i, _)| i);
        media.shrink_to_fit();
        self.comment_media = media;
        self
    }

    /// The post's own media (a picture, a gallery, a video, an embed), in
    /// order.
    pub fn media(&self) -> &[Media] {
        self.post().map_or(&[], |p| &p.media)
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

    /// What the post says of itself (Reddit's formats only).
    pub fn post(&self) -> Option<&PostMeta> {
        self.post.as_deref()
    }

    /// The subreddit, where the source says.
    pub fn subreddit(&self) -> Option<&str> {
        self.post()?.subreddit.as_deref()
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

    /// Whether any comment has a score (so `top` means something).
    pub fn has_scores(&self) -> bool {
        self.scores
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
        if let Some(post) = &self.post {
            text(&mut h, &format!("{post:?}"));
        }
        if let Some(community) = &self.community {
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

    /// Whether `author` is the discussion's submitter (its OP).
    pub fn is_op(&self, author: &str) -> bool {
        self.submitter.as_deref() == Some(author)
    }

    /// The earliest and latest known comment times.
    pub fn time_span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.span
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

/// Every discussion that loaded, plus what went wrong while loading.
#[derive(Debug, Default)]
pub struct Archive {
    /// Shared with the previous version of the archive when unchanged.
    discussions: Vec<Arc<Discussion>>,
    by_id: HashMap<String, usize>,
    /// Derived: Reddit's post ids (`p3x9k`), for addresses and links in
    /// Reddit's shape.
    by_post_id: HashMap<String, usize>,
    /// Derived: every community, most comments first.
    communities: Vec<CommunityStats>,
    /// Derived when first asked: every comment in time order.
    by_time: std::sync::OnceLock<Vec<CommentRef>>,
    /// Derived: every author, sorted by name.
    authors: Vec<Author>,
    author_by_name: HashMap<String, usize>,
    /// The files of the media folders that belong to its posts.
    media: Arc<MediaFiles>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a comment is in the archive: `(discussion index, comment index)`,
/// in 32 bits each (there is one per comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// Everyone who commented anywhere in the archive, with their comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    /// Every comment of theirs, by discussion and then file order.
    pub comments: Vec<CommentRef>,
    /// In how many discussions they commented.
    pub discussion_count: usize,
    /// Their earliest and latest known comment times.
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
}

impl Archive {
    /// Builds an archive; discussions are kept sorted by id.
    /// Two files with the same stem (`a.txt`, `a.TXT`) would share an id:
    /// the first is kept and the other reported.
    pub fn new(mut discussions: Vec<Arc<Discussion>>, mut diagnostics: Vec<Diagnostic>) -> Self {
        discussions.sort_by(|a, b| a.id.cmp(&b.id));
        discussions.dedup_by(|later, kept| {
            let duplicate = later.id == kept.id;
            if duplicate {
                diagnostics.push(Diagnostic {
                    file: later.id.clone(),
                    line: None,
                    message: "skipped: another discussion has the same id (a file with the same name before its extension, or a thread that is also in a dump)"
                        .to_owned(),
                });
            }
            duplicate
        });
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
        let authors = Self::index_authors(&discussions);
        let author_by_name = authors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i))
            .collect();
        Archive {
            discussions,
            by_id,
            by_post_id,
            communities,
            by_time: std::sync::OnceLock::new(),
            authors,
            author_by_name,
            media: Arc::default(),
            diagnostics,
        }
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
    pub fn shown_media<'a>(&'a self, d: &'a Discussion) -> Vec<Shown<'a>> {
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

    fn index_communities(discussions: &[Arc<Discussion>]) -> Vec<CommunityStats> {
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
            stats.comment_count += d.comments().len();
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

    /// Every comment of the archive in time order, oldest first (ties in
    /// archive order), those with no known time last; made when first
    /// asked for (8 bytes a comment).
    pub fn by_time(&self) -> &[CommentRef] {
        self.by_time.get_or_init(|| {
            let mut all: Vec<(i64, CommentRef)> = Vec::with_capacity(self.comment_count());
            for (di, d) in self.discussions.iter().enumerate() {
                for (ci, c) in d.comments.iter().enumerate() {
                    let at = c.posted_at.map_or(i64::MAX, |t| t.timestamp());
                    all.push((
                        at,
                        CommentRef {
                            discussion: di as u32,
                            comment: ci as u32,
                        },
                    ));
                }
            }
            all.sort_by_key(|&(at, r)| (at, r.discussion, r.comment));
            all.into_iter().map(|(_, r)| r).collect()
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

    fn index_authors(discussions: &[Arc<Discussion>]) -> Vec<Author> {
        let mut authors: Vec<Author> = Vec::new();
        // A name is mostly one `Arc` shared by all its comments: its
        // address finds the author without hashing the name again, and a
        // name met under another `Arc` (another reader's) by its text.
        let mut by_name: FxHashMap<&str, usize> = FxHashMap::default();
        let mut by_address: FxHashMap<*const u8, usize> = FxHashMap::default();
        for (di, d) in discussions.iter().enumerate() {
            for (ci, c) in d.comments.iter().enumerate() {
                let index = match by_address.get(&c.author.as_ptr()) {
                    Some(&index) => index,
                    None => {
                        let index = *by_name.entry(&c.author).or_insert_with(|| {
                            authors.push(Author {
                                name: c.author.to_string(),
                                comments: Vec::new(),
                                discussion_count: 0,
                                first_at: None,
                                last_at: None,
                            });
                            authors.len() - 1
                        });
                        by_address.insert(c.author.as_ptr(), index);
                        index
                    }
                };
                let author = &mut authors[index];
                if author
                    .comments
                    .last()
                    .is_none_or(|last| last.discussion() != di)
                {
                    author.discussion_count += 1;
                }
                author.comments.push(CommentRef {
                    discussion: di as u32,
                    comment: ci as u32,
                });
                if let Some(at) = c.posted_at {
                    author.first_at = Some(author.first_at.map_or(at, |t| t.min(at)));
                    author.last_at = Some(author.last_at.map_or(at, |t| t.max(at)));
                }
            }
        }
        authors.sort_by(|a, b| a.name.cmp(&b.name));
        authors
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

    /// The discussion and comment a reference points at.
    pub fn resolve(&self, at: CommentRef) -> (&Discussion, &Comment) {
        let d = &self.discussions[at.discussion()];
        (d, &d.comments[at.comment()])
    }

    /// Every discussion, sorted by id.
    pub fn discussions(&self) -> &[Arc<Discussion>] {
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

    /// The discussion of Reddit's post `post_id` (any case).
    pub fn by_post_id(&self, post_id: &str) -> Option<&Discussion> {
        let i = *self.by_post_id.get(&post_id.to_ascii_lowercase())?;
        Some(&*self.discussions[i])
    }

    pub fn get(&self, id: &str) -> Option<&Discussion> {
        self.by_id.get(id).map(|&i| &*self.discussions[i])
    }

    pub fn comment_count(&self) -> usize {
        self.discussions.iter().map(|d| d.comments.len()).sum()
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
