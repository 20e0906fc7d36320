//! What Reddit's formats say beyond our text format: a comment's score and
//! marks, a post's own time, score and flags. Every part is optional: a
//! source that lacks one shows nothing, never a zero.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

/// A comment's marks, packed into 16 bytes inline (a comment stays within
/// 80 bytes plus its body). Texts (flair, a removal's own reason) are
/// labels: indexes into their discussion's [`Labels`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Marks {
    score: i32,
    /// When it was edited, in Unix seconds (with [`Marks::EDITED`]); 0 when
    /// the source said only that it was.
    edited: u32,
    /// 1 + the flair's label; 0 for none.
    flair: u32,
    /// 0 none, 1 moderators, 2 its author, 3 its author after it was
    /// archived, 4 + n the source's own reason, label n.
    removal: u16,
    bits: u16,
}

/// A moderator's or an admin's comment (or post), as Reddit marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Distinguished {
    Moderator,
    Admin,
}

impl Distinguished {
    /// Reddit's `distinguished`: `"moderator"` or `"admin"` (others, such as
    /// `"special"`, are no badge).
    pub fn of_reddit(value: &str) -> Option<Self> {
        match value {
            "moderator" => Some(Distinguished::Moderator),
            "admin" => Some(Distinguished::Admin),
            _ => None,
        }
    }

    /// The API's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Distinguished::Moderator => "moderator",
            Distinguished::Admin => "admin",
        }
    }
}

/// That something was edited, and when if the source says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edited {
    At(DateTime<Utc>),
    Unknown,
}

/// Why a comment's text is gone (or was gone later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal<'a> {
    /// `[removed]`: by the moderators.
    Moderators,
    /// `[deleted]`: by its author.
    Author,
    /// Deleted by its author after the archive took it: the text is kept.
    AuthorLater,
    /// The source's own word for it (Arctic Shift's `removal_type`).
    Reason(&'a str),
}

impl Marks {
    const HAS_SCORE: u16 = 1;
    const SCORE_HIDDEN: u16 = 1 << 1;
    const EDITED: u16 = 1 << 2;
    const STICKIED: u16 = 1 << 3;
    const CONTROVERSIAL: u16 = 1 << 4;
    const MODERATOR: u16 = 1 << 5;
    const ADMIN: u16 = 1 << 6;

    fn set(&mut self, bit: u16, on: bool) {
        if on {
            self.bits |= bit;
        } else {
            self.bits &= !bit;
        }
    }

    fn has(&self, bit: u16) -> bool {
        self.bits & bit != 0
    }

    /// The score as captured; `None` when unknown or hidden.
    pub fn score(&self) -> Option<i32> {
        (self.has(Self::HAS_SCORE) && !self.has(Self::SCORE_HIDDEN)).then_some(self.score)
    }

    /// Whether Reddit hid the score when it was captured.
    /// The score as the source gave it, shown or hidden.
    pub(crate) fn raw_score(&self) -> Option<i32> {
        self.has(Self::HAS_SCORE).then_some(self.score)
    }

    pub fn score_hidden(&self) -> bool {
        self.has(Self::SCORE_HIDDEN)
    }

    pub fn edited(&self) -> Option<Edited> {
        self.has(Self::EDITED).then(|| match self.edited {
            0 => Edited::Unknown,
            at => DateTime::from_timestamp(i64::from(at), 0).map_or(Edited::Unknown, Edited::At),
        })
    }

    pub fn distinguished(&self) -> Option<Distinguished> {
        if self.has(Self::ADMIN) {
            Some(Distinguished::Admin)
        } else if self.has(Self::MODERATOR) {
            Some(Distinguished::Moderator)
        } else {
            None
        }
    }

    /// Pinned by the moderators: first among its siblings in every order.
    pub fn stickied(&self) -> bool {
        self.has(Self::STICKIED)
    }

    /// Reddit's `controversiality` of 1 (its dagger, †).
    pub fn controversial(&self) -> bool {
        self.has(Self::CONTROVERSIAL)
    }

    /// The flair's label, if any.
    pub(crate) fn flair_label(&self) -> Option<u32> {
        self.flair.checked_sub(1)
    }

    pub(crate) fn removal_code(&self) -> u16 {
        self.removal
    }

    pub fn with_score(mut self, score: i64) -> Self {
        self.score = score.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        self.set(Self::HAS_SCORE, true);
        self
    }

    pub fn with_score_hidden(mut self, hidden: bool) -> Self {
        self.set(Self::SCORE_HIDDEN, hidden);
        self
    }

    pub fn with_edited(mut self, edited: Option<Edited>) -> Self {
        self.set(Self::EDITED, edited.is_some());
        self.edited = match edited {
            Some(Edited::At(at)) => u32::try_from(at.timestamp()).unwrap_or(0),
            _ => 0,
        };
        self
    }

    pub fn with_distinguished(mut self, distinguished: Option<Distinguished>) -> Self {
        self.set(
            Self::MODERATOR,
            distinguished == Some(Distinguished::Moderator),
        );
        self.set(Self::ADMIN, distinguished == Some(Distinguished::Admin));
        self
    }

    pub fn with_stickied(mut self, stickied: bool) -> Self {
        self.set(Self::STICKIED, stickied);
        self
    }

    pub fn with_controversial(mut self, controversial: bool) -> Self {
        self.set(Self::CONTROVERSIAL, controversial);
        self
    }

    /// The flair with label `label` (of the labels the marks are read
    /// with).
    pub fn with_flair_label(mut self, label: Option<u32>) -> Self {
        self.flair = label.map_or(0, |l| l.saturating_add(1));
        self
    }

    /// The removal: [`RemovalKind`], and for a reason of the source's own,
    /// its label.
    pub fn with_removal(mut self, removal: Option<RemovalKind>) -> Self {
        self.removal = match removal {
            None => 0,
            Some(RemovalKind::Moderators) => 1,
            Some(RemovalKind::Author) => 2,
            Some(RemovalKind::AuthorLater) => 3,
            Some(RemovalKind::Reason(label)) => u16::try_from(label)
                .ok()
                .and_then(|l| l.checked_add(4))
                .unwrap_or(1),
        };
        self
    }

    /// The same marks with their labels renumbered by `map` (from a reader's
    /// labels to a discussion's).
    pub(crate) fn relabelled(mut self, mut map: impl FnMut(u32) -> u32) -> Self {
        if let Some(label) = self.flair_label() {
            self.flair = map(label) + 1;
        }
        if self.removal >= 4 {
            let label = map(u32::from(self.removal - 4));
            self = self.with_removal(Some(RemovalKind::Reason(label)));
        }
        self
    }

    /// Everything, for a fingerprint.
    pub(crate) fn bytes(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..4].copy_from_slice(&self.score.to_le_bytes());
        out[4..8].copy_from_slice(&self.edited.to_le_bytes());
        out[8..12].copy_from_slice(&self.flair.to_le_bytes());
        out[12..14].copy_from_slice(&self.removal.to_le_bytes());
        out[14..].copy_from_slice(&self.bits.to_le_bytes());
        out
    }
}

/// A removal as a reader records it (see [`Removal`] for how it reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalKind {
    Moderators,
    Author,
    AuthorLater,
    /// The source's own reason: its label.
    Reason(u32),
}

/// Texts that many comments share (flairs, reasons), each kept once: a
/// comment's marks name them by number.
#[derive(Debug, Default, Clone)]
pub struct Labels {
    texts: Vec<Arc<str>>,
    ids: FxHashMap<Arc<str>, u32>,
}

impl Labels {
    /// The label of `text`, made if new.
    pub fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.texts.len() as u32;
        let shared: Arc<str> = text.into();
        self.texts.push(shared.clone());
        self.ids.insert(shared, id);
        id
    }

    /// The texts, by number.
    pub(crate) fn into_texts(self) -> Vec<Arc<str>> {
        self.texts
    }

    pub fn get(&self, id: u32) -> Option<&Arc<str>> {
        self.texts.get(id as usize)
    }
}

/// What a Reddit post says of itself besides its title, author and text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostMeta {
    /// Reddit's id of the post (`p3x9k`).
    pub id: Option<String>,
    /// `AskReddit`, without `r/`.
    pub subreddit: Option<String>,
    pub posted_at: Option<DateTime<Utc>>,
    pub score: Option<i64>,
    /// The share of votes that were up, in thousandths (Reddit's
    /// `upvote_ratio` × 1000).
    pub upvote_permille: Option<u16>,
    /// How many comments Reddit counted (the archive may hold fewer).
    pub num_comments: Option<u64>,
    pub flair: Option<String>,
    pub nsfw: bool,
    pub spoiler: bool,
    pub locked: bool,
    pub archived: bool,
    pub stickied: bool,
    pub distinguished: Option<Distinguished>,
    pub edited: Option<Edited>,
    /// The post's own page on Reddit, a path: `/r/AskReddit/comments/…/`.
    pub permalink: Option<String>,
    /// The post's link, when it is not its own page.
    pub url: Option<String>,
    /// The order the moderators chose (`"new"`, `"top"`, …), as Reddit
    /// names it.
    pub suggested_sort: Option<String>,
    /// Whether the comments are in Reddit's ranking (a thread's JSON, bdfr),
    /// not in time order (a dump).
    pub ranked: bool,
    /// The post this one crossposts, by id (`t3_` taken off).
    pub crosspost_parent: Option<String>,
    /// Its title, when the source embeds the parent.
    pub crosspost_title: Option<String>,
    pub poll: Option<Poll>,
    /// Its pictures, gallery, video or embed, in order.
    pub media: Vec<super::Media>,
    /// Reddit's small picture of it, for lists (at the source).
    pub thumbnail: Option<super::Media>,
}

/// A poll's options, with their votes when the source has them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Poll {
    pub options: Vec<(String, Option<u64>)>,
    pub total: Option<u64>,
}

impl PostMeta {
    /// The post's address on Reddit.
    pub fn reddit_url(&self, host: &str) -> Option<String> {
        let path = self.permalink.as_deref()?;
        Some(format!("https://{host}{path}"))
    }
}

/// Where a discussion belongs: a subreddit, or (our text format) the
/// source its byline names. Set by each reader, never read back out of a
/// display string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Community {
    /// `AskReddit`, without `r/`.
    Subreddit(String),
    /// A text document's source as written (`livemint.com`).
    Source(String),
}

impl Community {
    /// A text document's source: `self.AskReddit` is Reddit's mark of a
    /// self post in r/AskReddit, anything else a source of its own.
    pub fn of_source(source: &str) -> Option<Community> {
        let source = source.trim();
        match source.strip_prefix("self.") {
            Some(sub) if !sub.is_empty() => Some(Community::Subreddit(sub.to_owned())),
            _ if source.is_empty() => None,
            _ => Some(Community::Source(source.to_owned())),
        }
    }

    /// Whether `other` names the same community (a subreddit's name in any
    /// case, as Reddit reads it).
    pub fn is(&self, other: &Community) -> bool {
        match (self, other) {
            (Community::Subreddit(a), Community::Subreddit(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        }
    }

    /// Its name as people write it: `r/AskReddit`, `livemint.com`.
    pub fn name(&self) -> String {
        match self {
            Community::Subreddit(sub) => format!("r/{sub}"),
            Community::Source(source) => source.clone(),
        }
    }

    /// The part after `r/` (or the source).
    pub fn key(&self) -> &str {
        match self {
            Community::Subreddit(name) | Community::Source(name) => name,
        }
    }

    /// The community a name as people write it names (`r/AskReddit` or
    /// `AskReddit` for a subreddit in `subreddit`).
    pub fn parse(name: &str) -> Community {
        match name.strip_prefix("r/") {
            Some(sub) => Community::Subreddit(sub.to_owned()),
            None => Community::Source(name.to_owned()),
        }
    }
}
