//! What a Reddit source says beyond the text, as pages show it: a
//! comment's score and marks, a post's time, score, flags, link, poll and
//! addresses on Reddit. Nothing unknown is shown: no "0 points", no empty
//! badge.

use crate::model::{Discussion, Distinguished, Edited, PostMeta, Removal};
use crate::site::reddit::LocalLinks;
use crate::site::url::Url;

use super::{header_time, iso, thousands};

/// `48 points`, `1 point`, `-3 points`.
pub fn points(score: i64) -> String {
    let n = thousands(score.unsigned_abs() as usize);
    let sign = if score < 0 { "-" } else { "" };
    if score.abs() == 1 {
        format!("{sign}{n} point")
    } else {
        format!("{sign}{n} points")
    }
}

/// A time and its text, for `<time>`.
pub struct Moment {
    pub datetime: String,
    pub text: String,
}

impl Moment {
    fn of(at: chrono::DateTime<chrono::Utc>) -> Self {
        Moment {
            datetime: iso(at),
            text: format!("{} UTC", header_time(at)),
        }
    }
}

/// That something was edited: when, where the source says.
pub struct EditedView {
    pub at: Option<Moment>,
}

impl EditedView {
    fn of(edited: Option<Edited>) -> Option<Self> {
        edited.map(|e| EditedView {
            at: match e {
                Edited::At(at) => Some(Moment::of(at)),
                Edited::Unknown => None,
            },
        })
    }
}

fn role(distinguished: Option<Distinguished>) -> Option<&'static str> {
    distinguished.map(Distinguished::as_str)
}

/// A comment's marks. Fields: `score` (`48 points`), `score_hidden`,
/// `edited`, `role` (`moderator` or `admin`), `pinned`, `flair`,
/// `controversial`, `removal` (what happened to the text, in words) and
/// `body_gone` (the note stands in for the body).
#[derive(Default)]
pub struct MarksView {
    pub score: Option<String>,
    pub score_hidden: bool,
    pub edited: Option<EditedView>,
    pub role: Option<&'static str>,
    pub pinned: bool,
    pub flair: Option<String>,
    pub controversial: bool,
    pub removal: Option<String>,
    pub body_gone: bool,
}

impl MarksView {
    pub fn of(d: &Discussion, index: usize) -> Self {
        let c = &d.comments()[index];
        let m = &c.marks;
        let placeholder = matches!(c.body.trim(), "[removed]" | "[deleted]" | "");
        let (removal, body_gone) = match d.removal(index) {
            None => (None, false),
            Some(Removal::Moderators) => {
                (Some("removed by the moderators".to_owned()), placeholder)
            }
            Some(Removal::Author) => (Some("deleted by its author".to_owned()), placeholder),
            Some(Removal::AuthorLater) => (
                Some("deleted later by its author; archived before".to_owned()),
                false,
            ),
            Some(Removal::Reason(reason)) => (Some(format!("removed ({reason})")), placeholder),
        };
        MarksView {
            score: m.score().map(|s| points(i64::from(s))),
            score_hidden: m.score_hidden(),
            edited: EditedView::of(m.edited()),
            role: role(m.distinguished()),
            pinned: m.stickied(),
            flair: d.flair(index).map(str::to_owned),
            controversial: m.controversial(),
            removal,
            body_gone,
        }
    }
}

/// The post's link: where, the host it goes to, and whether it is the
/// archive's own copy of a Reddit thread.
pub struct LinkOut {
    pub href: String,
    pub host: String,
    pub here: bool,
}

/// A poll: each option with its votes, and the total.
pub struct PollView {
    pub options: Vec<(String, Option<String>)>,
    pub total: Option<String>,
}

/// The post's own facts, under its title. Fields: `subreddit`
/// (`r/AskReddit`), `posted`, `edited`, `score`, `ratio` (`89% upvoted`),
/// `comments` (`6,280 comments, 3,126 archived`), `flair`, `badges` (words:
/// NSFW, spoiler, locked, archived, pinned, moderator, admin), `fold` (why
/// the body starts folded: NSFW or spoiler), `link`, `crosspost` (the
/// parent: its address, here when archived, and its title), `poll`,
/// `on_reddit`, `old_reddit`.
pub struct PostView {
    pub subreddit: Option<String>,
    pub posted: Option<Moment>,
    pub edited: Option<EditedView>,
    pub score: Option<String>,
    pub ratio: Option<String>,
    pub comments: Option<String>,
    pub flair: Option<String>,
    pub badges: Vec<&'static str>,
    pub fold: Option<&'static str>,
    pub link: Option<LinkOut>,
    pub crosspost: Option<(String, String)>,
    pub poll: Option<PollView>,
    pub on_reddit: Option<String>,
    pub old_reddit: Option<String>,
}

/// Why a post's text and media start closed, if they do: `NSFW` or
/// `spoiler` (what the reader is asked to open).
pub fn folded(post: &PostMeta) -> Option<&'static str> {
    if post.nsfw {
        Some("NSFW")
    } else if post.spoiler {
        Some("spoiler")
    } else {
        None
    }
}

impl PostView {
    pub fn of(d: &Discussion, post: &PostMeta, local: &LocalLinks<'_>) -> Self {
        let archived = d.comments().len();
        let comments = post.num_comments.map(|claimed| {
            let claimed = usize::try_from(claimed).unwrap_or(usize::MAX);
            let word = if claimed == 1 { "comment" } else { "comments" };
            if claimed == archived {
                format!("{} {word}, all archived", thousands(claimed))
            } else if claimed < archived {
                format!(
                    "{} comments archived (Reddit counted {} when the post was taken)",
                    thousands(archived),
                    thousands(claimed)
                )
            } else {
                format!(
                    "{} {word}, {} archived",
                    thousands(claimed),
                    thousands(archived)
                )
            }
        });
        let mut badges = Vec::new();
        for (on, word) in [
            (post.nsfw, "NSFW"),
            (post.spoiler, "spoiler"),
            (post.locked, "locked"),
            (post.archived, "archived"),
            (post.stickied, "pinned"),
        ] {
            if on {
                badges.push(word);
            }
        }
        badges.extend(role(post.distinguished));
        let crosspost = post.crosspost_parent.as_deref().map(|parent| {
            let title = post
                .crosspost_title
                .clone()
                .unwrap_or_else(|| format!("post {parent}"));
            let href = match local.archive.by_post_id(parent) {
                Some(d) => local.links.href(&Url::discussion(&d.id)),
                None => format!("https://www.reddit.com/comments/{parent}/"),
            };
            (href, title)
        });
        PostView {
            subreddit: post.subreddit.as_ref().map(|s| format!("r/{s}")),
            posted: post.posted_at.map(Moment::of),
            edited: EditedView::of(post.edited),
            score: post.score.map(points),
            ratio: post
                .upvote_permille
                .map(|p| format!("{}% upvoted", (u32::from(p) + 5) / 10)),
            comments,
            flair: post.flair.clone(),
            badges,
            fold: folded(post),
            link: post.url.as_ref().map(|url| {
                let here = local.rewrite(url).filter(|r| r.here);
                LinkOut {
                    host: crate::formats::host_of(url).unwrap_or_default(),
                    here: here.is_some(),
                    href: here.map_or_else(|| url.clone(), |r| r.href),
                }
            }),
            crosspost,
            poll: post.poll.as_ref().map(|poll| PollView {
                options: poll
                    .options
                    .iter()
                    .map(|(text, votes)| {
                        (
                            text.clone(),
                            votes.map(|v| {
                                let v = usize::try_from(v).unwrap_or(usize::MAX);
                                format!("{} vote{}", thousands(v), if v == 1 { "" } else { "s" })
                            }),
                        )
                    })
                    .collect(),
                total: poll
                    .total
                    .map(|t| format!("{} votes", thousands(usize::try_from(t).unwrap_or(0)))),
            }),
            on_reddit: post.reddit_url("www.reddit.com"),
            old_reddit: post.reddit_url("old.reddit.com"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_read_as_words() {
        assert_eq!(points(1), "1 point");
        assert_eq!(points(-1), "-1 point");
        assert_eq!(points(0), "0 points");
        assert_eq!(points(4941), "4,941 points");
        assert_eq!(points(-12), "-12 points");
    }
}
