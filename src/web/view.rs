//! View models: what the templates show, derived from the domain. Times are
//! formatted, URLs built and Markdown rendered here and nowhere else.

use chrono::{DateTime, TimeDelta, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::markdown;
use crate::model::Discussion;
use crate::search::Query;

/// Replies deeper than this many levels are behind a "continue this
/// thread" link to their ancestor's own page.
pub const MAX_VISIBLE_DEPTH: usize = 10;

/// Characters escaped in one URL path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn segment(raw: &str) -> String {
    match raw {
        // Clients resolve these as "this folder" and "the folder above".
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(raw, SEGMENT).to_string(),
    }
}

/// `path?name=value&...`, leaving out `None` values.
pub fn with_query(path: String, pairs: &[(&str, Option<&str>)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if let Some(value) = value {
            query.append_pair(name, value);
        }
    }
    let query = query.finish();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// `/d/{id}`.
pub fn discussion_path(id: &str) -> String {
    format!("/d/{}", segment(id))
}

/// A comment's permalink, `/d/{id}/c/{comment_id}#c-{comment_id}`: the
/// fragment scrolls the comment into view, with or without JavaScript.
pub fn comment_url(discussion: &str, comment: &str) -> String {
    let comment = segment(comment);
    format!("/d/{}/c/{comment}#c-{comment}", segment(discussion))
}

/// `/authors/{name}`.
pub fn author_url(name: &str) -> String {
    format!("/authors/{}", segment(name))
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

/// The start of a text as one line of at most `max` characters.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", flat[..cut].trim_end()),
        None => flat,
    }
}

/// A piece of text, marked when it matched a search.
pub struct Fragment {
    pub text: String,
    pub hit: bool,
}

/// A one-line excerpt of `text` around its first match, split into marked
/// and unmarked fragments (the template escapes each).
pub fn marked_excerpt(text: &str, query: &Query, radius: usize) -> Vec<Fragment> {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let hits = query.find(&flat);
    let Some(first) = hits.first() else {
        return vec![Fragment {
            text: excerpt(&flat, radius * 2),
            hit: false,
        }];
    };
    let start = flat[..first.start]
        .char_indices()
        .rev()
        .nth(radius)
        .map_or(0, |(i, _)| i);
    let end = flat[first.end..]
        .char_indices()
        .nth(radius * 2)
        .map_or(flat.len(), |(i, _)| first.end + i);
    // Cut points fall between words where they can.
    let start =
        start + (flat[start..first.start].len() - flat[start..first.start].trim_start().len());
    let end = first.end + flat[first.end..end].trim_end().len();
    let mut fragments = Vec::new();
    let mut at = start;
    let push = |fragments: &mut Vec<Fragment>, text: &str, hit| {
        if !text.is_empty() {
            fragments.push(Fragment {
                text: text.to_owned(),
                hit,
            })
        }
    };
    if start > 0 {
        push(&mut fragments, "…", false);
    }
    for hit in hits.iter().filter(|h| h.start >= start && h.end <= end) {
        push(&mut fragments, &flat[at..hit.start], false);
        push(&mut fragments, &flat[hit.clone()], true);
        at = hit.end;
    }
    push(&mut fragments, &flat[at..end], false);
    if end < flat.len() {
        push(&mut fragments, "…", false);
    }
    fragments
}

/// A link with a label, marked when it is the current choice.
pub struct Choice {
    pub label: String,
    pub href: String,
    pub current: bool,
}

impl Choice {
    pub fn new(label: impl Into<String>, href: String, current: bool) -> Self {
        Choice {
            label: label.into(),
            href,
            current,
        }
    }
}

/// The comment a comment replies to.
pub struct ParentRef {
    pub author: String,
    pub href: String,
    /// The start of its body, as plain text; filled only for flat lists
    /// (see [`CommentView::quoting_parent`]), where the parent is not shown.
    pub excerpt: String,
}

/// A link to a discussion, for lists that span several.
pub struct DiscussionRef {
    pub title: String,
    pub href: String,
}

/// One comment as a page shows it.
pub struct CommentView {
    pub id: String,
    pub author: String,
    pub author_href: String,
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
    pub parent: Option<ParentRef>,
    /// Set on lists that span several discussions.
    pub discussion: Option<DiscussionRef>,
    /// Replies below, at every depth (what collapsing hides).
    pub reply_count: usize,
    /// Depth relative to the view's shallowest comment.
    pub depth: usize,
    /// Whether it starts expanded.
    pub open: bool,
    /// Whether this view shows its replies right after it.
    pub opens_replies: bool,
    /// How many enclosing reply lists close after it.
    pub closes: usize,
    /// Its replies are too deep for this page: a link to its own page.
    pub continue_href: Option<String>,
    /// The comment the page is about.
    pub highlighted: bool,
    /// It matches the view's search (its matches are marked in the body).
    pub matched: bool,
}

impl CommentView {
    /// `query` marks matches in the body, when the comment matches it.
    pub fn new(d: &Discussion, index: usize, query: Option<&Query>) -> Self {
        let c = &d.comments()[index];
        let first_at = d.time_span().map(|(first, _)| first);
        let parent = c.parent().map(|p| {
            let parent = &d.comments()[p];
            ParentRef {
                author: parent.author.to_string(),
                href: comment_url(&d.id, parent.id.as_str()),
                excerpt: String::new(),
            }
        });
        let matched = query.filter(|q| q.matches(&c.body));
        CommentView {
            id: c.id.to_string(),
            author: c.author.to_string(),
            author_href: author_url(&c.author),
            is_op: d.is_op(&c.author),
            datetime: c.posted_at.map(iso),
            time_text: c.time_text.to_string(),
            offset: c
                .posted_at
                .zip(first_at)
                .map(|(at, first)| format!("+{}", duration(at - first))),
            body_html: markdown::to_html_marked(&c.body, matched),
            permalink: comment_url(&d.id, c.id.as_str()),
            in_thread: format!("{}#c-{}", discussion_path(&d.id), c.id),
            parent,
            discussion: None,
            reply_count: d.descendant_count(index),
            depth: c.depth(),
            open: true,
            opens_replies: false,
            closes: 0,
            continue_href: None,
            highlighted: false,
            matched: matched.is_some(),
        }
    }
}

impl CommentView {
    /// Adds the start of the parent's text: flat lists quote it, since the
    /// parent is not on the page. (A tree shows the parent itself, so its
    /// pages skip this Markdown pass.)
    pub fn quoting_parent(mut self, d: &Discussion, index: usize) -> Self {
        if let (Some(parent), Some(p)) = (&mut self.parent, d.comments()[index].parent()) {
            parent.excerpt = excerpt(&markdown::to_plain_text(&d.comments()[p].body), 90);
        }
        self
    }
}

/// Views of `order` (each comment before its replies) ready to be written
/// as nested lists: depths made relative, levels from `open_levels` on
/// collapsed, replies beyond [`MAX_VISIBLE_DEPTH`] levels left to a
/// "continue this thread" link, and each item told whether it opens a reply
/// list and how many lists close after it.
pub fn tree(
    d: &Discussion,
    order: &[usize],
    open_levels: Option<usize>,
    query: Option<&Query>,
) -> Vec<CommentView> {
    let base = order
        .iter()
        .map(|&i| d.comments()[i].depth())
        .min()
        .unwrap_or(0);
    let mut views: Vec<CommentView> = order
        .iter()
        .filter(|&&i| d.comments()[i].depth() - base < MAX_VISIBLE_DEPTH)
        .map(|&i| {
            let mut v = CommentView::new(d, i, query);
            v.depth -= base;
            v.open = open_levels.is_none_or(|levels| v.depth < levels);
            if v.depth + 1 == MAX_VISIBLE_DEPTH && v.reply_count > 0 {
                v.continue_href = Some(v.permalink.clone());
            }
            v
        })
        .collect();
    for i in 0..views.len() {
        let next = views.get(i + 1).map_or(0, |n| n.depth);
        let depth = views[i].depth;
        views[i].opens_replies = next > depth;
        views[i].closes = depth.saturating_sub(next);
    }
    views
}

/// A flat list of comments (no nesting).
pub fn flat(d: &Discussion, order: &[usize], query: Option<&Query>) -> Vec<CommentView> {
    order
        .iter()
        .map(|&i| CommentView::new(d, i, query).quoting_parent(d, i))
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
            href: discussion_path(&d.id),
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

/// What every page's `<head>` says about it, for the tab and for link
/// previews (OpenGraph, Twitter cards).
pub struct Meta {
    pub title: String,
    pub description: String,
}

impl Meta {
    pub fn new(title: impl Into<String>, description: impl AsRef<str>) -> Self {
        Meta {
            title: title.into(),
            description: excerpt(description.as_ref(), 200),
        }
    }
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
            with_query(
                discussion_path("a b/é"),
                &[
                    ("sort", Some("new")),
                    ("author", Some("[deleted]")),
                    ("q", None)
                ]
            ),
            "/d/a%20b%2F%C3%A9?sort=new&author=%5Bdeleted%5D"
        );
        assert_eq!(with_query(discussion_path("x"), &[("sort", None)]), "/d/x");
        assert_eq!(comment_url("x.y", "ab12"), "/d/x.y/c/ab12#c-ab12");
        assert_eq!(author_url("<USERNAME>"), "/authors/%3CUSERNAME%3E");
        assert_eq!(author_url(".."), "/authors/%2E%2E");
        assert_eq!(author_url("a/b?c#d%e"), "/authors/a%2Fb%3Fc%23d%25e");
    }

    #[test]
    fn excerpts_are_one_line_and_cut_on_characters() {
        assert_eq!(excerpt("a\n\n  b c", 10), "a b c");
        assert_eq!(excerpt("ééééé", 3), "ééé…");
    }

    #[test]
    fn marked_excerpts_center_on_the_first_match() {
        let q = Query::new("fox").unwrap();
        let text = "the quick brown fox jumps over the lazy dog and the FOX again";
        let fragments = marked_excerpt(text, &q, 6);
        let shown: String = fragments
            .iter()
            .map(|f| {
                if f.hit {
                    format!("[{}]", f.text)
                } else {
                    f.text.clone()
                }
            })
            .collect();
        assert_eq!(shown, "…brown [fox] jumps over…");
    }
}
