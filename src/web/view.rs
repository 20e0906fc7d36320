//! View models: what the templates show, derived from the domain. Times are
//! formatted, URLs built and Markdown rendered here and nowhere else.

use chrono::{DateTime, TimeDelta, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::markdown;
use crate::model::{Comment, Discussion};
use crate::thread::SortOrder;

/// Characters escaped in one URL path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn segment(raw: &str) -> String {
    utf8_percent_encode(raw, SEGMENT).to_string()
}

/// `/d/{id}` with the given view parameters (defaults left out).
pub fn discussion_url(id: &str, sort: SortOrder, author: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if sort != SortOrder::default() {
        query.append_pair("sort", sort.as_str());
    }
    if let Some(author) = author {
        query.append_pair("author", author);
    }
    let query = query.finish();
    let path = format!("/d/{}", segment(id));
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// `/d/{id}/c/{comment_id}`.
pub fn comment_url(discussion: &str, comment: &str) -> String {
    format!("/d/{}/c/{}", segment(discussion), segment(comment))
}

/// A time in UTC as a reader sees it: `2023-08-05 10:22 UTC`.
pub fn utc(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A time as `<time datetime>` wants it: `2023-08-05T10:22:00Z`.
pub fn iso(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A duration as `3h 12m`, `2d 5h` or `45m`: the two largest units.
pub fn duration(delta: TimeDelta) -> String {
    let minutes = delta.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins}m"),
        (0, _) => format!("{hours}h {mins}m"),
        _ => format!("{days}d {hours}h"),
    }
}

/// A link with a label, marked when it is the current choice.
pub struct Choice {
    pub label: String,
    pub href: String,
    pub current: bool,
}

/// One comment as a page shows it.
pub struct CommentView {
    pub id: String,
    pub author: String,
    pub is_op: bool,
    /// RFC 3339 UTC, for `<time datetime>`; `None` when unknown.
    pub datetime: Option<String>,
    /// The header's original text.
    pub time_text: String,
    /// Since the discussion's first comment, e.g. `+3h 12m`.
    pub offset: Option<String>,
    pub body_html: String,
    pub permalink: String,
    /// The comment in the whole thread: `/d/{id}#c-{comment}`.
    pub in_thread: String,
    /// The author and permalink of the comment this replies to.
    pub parent: Option<(String, String)>,
    /// Replies below, at every depth (what collapsing hides).
    pub reply_count: usize,
    /// Depth relative to the view's shallowest comment.
    pub depth: usize,
    /// Whether this view shows its replies right after it.
    pub opens_replies: bool,
    /// How many enclosing reply lists close after it.
    pub closes: usize,
    /// The comment the page is about.
    pub highlighted: bool,
}

impl CommentView {
    pub fn new(discussion: &Discussion, index: usize, first_at: Option<DateTime<Utc>>) -> Self {
        let c: &Comment = &discussion.comments()[index];
        let parent = c.parent.map(|p| {
            let parent = &discussion.comments()[p];
            (
                parent.author.clone(),
                comment_url(&discussion.id, parent.id.as_str()),
            )
        });
        CommentView {
            id: c.id.to_string(),
            author: c.author.clone(),
            is_op: discussion.is_op(&c.author),
            datetime: c.posted_at.map(iso),
            time_text: c.time_text.clone(),
            offset: c
                .posted_at
                .zip(first_at)
                .map(|(at, first)| format!("+{}", duration(at - first))),
            body_html: markdown::to_html(&c.body),
            permalink: comment_url(&discussion.id, c.id.as_str()),
            in_thread: format!(
                "{}#c-{}",
                discussion_url(&discussion.id, SortOrder::Original, None),
                c.id
            ),
            parent,
            reply_count: discussion.descendant_count(index),
            depth: c.depth,
            opens_replies: false,
            closes: 0,
            highlighted: false,
        }
    }
}

/// Views of `order` (each comment before its replies) ready to be written
/// as nested lists: depths made relative, and each item told whether it
/// opens a reply list and how many lists close after it.
pub fn tree(discussion: &Discussion, order: &[usize]) -> Vec<CommentView> {
    let first_at = discussion.time_span().map(|(first, _)| first);
    let mut views: Vec<CommentView> = order
        .iter()
        .map(|&i| CommentView::new(discussion, i, first_at))
        .collect();
    let base = views.iter().map(|v| v.depth).min().unwrap_or(0);
    for v in &mut views {
        v.depth -= base;
    }
    for i in 0..views.len() {
        let next = views.get(i + 1).map_or(0, |n| n.depth);
        let depth = views[i].depth;
        views[i].opens_replies = next > depth;
        views[i].closes = depth.saturating_sub(next);
    }
    views
}

/// A flat list of comments (no nesting).
pub fn flat(discussion: &Discussion, order: &[usize]) -> Vec<CommentView> {
    let first_at = discussion.time_span().map(|(first, _)| first);
    order
        .iter()
        .map(|&i| CommentView::new(discussion, i, first_at))
        .collect()
}

/// A discussion as the index lists it.
pub struct DiscussionSummary {
    pub href: String,
    pub title: String,
    pub source: Option<String>,
    pub submitter: Option<String>,
    pub comment_count: usize,
    /// `(first, last)` comment time, formatted, and the last as RFC 3339.
    pub span: Option<(String, String, String)>,
    pub length: Option<String>,
}

impl DiscussionSummary {
    pub fn new(d: &Discussion) -> Self {
        let span = d.time_span();
        DiscussionSummary {
            href: discussion_url(&d.id, SortOrder::Original, None),
            title: d.title.clone(),
            source: d.source.clone(),
            submitter: d.submitter.clone(),
            comment_count: d.comments().len(),
            span: span.map(|(first, last)| (utc(first), utc(last), iso(last))),
            length: span.map(|(first, last)| duration(last - first)),
        }
    }
}

/// An author's comment count within a discussion.
pub struct Participant {
    pub name: String,
    pub count: usize,
    pub is_op: bool,
    pub href: String,
    pub current: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_two_units() {
        assert_eq!(duration(TimeDelta::minutes(0)), "0m");
        assert_eq!(duration(TimeDelta::minutes(45)), "45m");
        assert_eq!(duration(TimeDelta::minutes(192)), "3h 12m");
        assert_eq!(duration(TimeDelta::minutes(3 * 1440 + 65)), "3d 1h");
    }

    #[test]
    fn urls_escape_ids_and_names() {
        assert_eq!(
            discussion_url("a b/é", SortOrder::New, Some("[deleted]")),
            "/d/a%20b%2F%C3%A9?sort=new&author=%5Bdeleted%5D"
        );
        assert_eq!(discussion_url("x", SortOrder::Original, None), "/d/x");
        assert_eq!(comment_url("x.y", "ab12"), "/d/x.y/c/ab12");
    }
}
