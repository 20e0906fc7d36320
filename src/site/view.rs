//! View models: what the templates show, derived from the domain. Times are
//! formatted, URLs built and Markdown rendered here and nowhere else.

pub mod media;
mod reddit;
pub use reddit::{MarksView, PostView, folded, points};

use std::ops::Range;

use chrono::{DateTime, Datelike, TimeDelta, Timelike, Utc};

use super::assets::Asset;
use super::derived::PagedOrder;
use super::url::{Links, Url};
use crate::cut::MAX_VISIBLE_DEPTH;
use crate::markdown;
use crate::model::{Archive, Discussion, Head};
use crate::paging::Pages;
use crate::search::Query;
use crate::thread::SortOrder;

/// A time in UTC as a reader sees it: `2023-08-05 10:22 UTC`.
pub fn utc(time: DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute()
    )
}

/// A time as `<time datetime>` wants it: `2023-08-05T10:22:00Z`. (Written
/// out, not through a strftime pattern: every comment shown needs one.)
pub fn iso(time: DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
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

/// `text` as one line, and where its first `max` characters end in it
/// (`None` when it is no longer).
fn one_line(text: &str, max: usize) -> (String, Option<usize>) {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = flat.char_indices().nth(max).map(|(cut, _)| cut);
    (flat, cut)
}

/// The start of a text as one line of at most `max` characters.
pub fn excerpt(text: &str, max: usize) -> String {
    match one_line(text, max) {
        (flat, Some(cut)) => format!("{}…", flat[..cut].trim_end()),
        (flat, None) => flat,
    }
}

/// The start of a text as one line of at most `max` characters, cut
/// between words where there is one to cut at.
pub fn excerpt_at_word(text: &str, max: usize) -> String {
    let (flat, cut) = one_line(text, max);
    let Some(cut) = cut else { return flat };
    let kept = &flat[..cut];
    let kept = match kept.rfind(' ') {
        // A word boundary not too far back; a single long word is cut.
        Some(space) if space >= cut / 2 => &kept[..space],
        _ => kept,
    };
    format!("{}…", kept.trim_end())
}

/// What a link preview says of a Markdown text: the text as a reader sees
/// it (no markup, entities decoded), plain, cut at a word.
pub fn preview(markdown_text: &str) -> String {
    excerpt_at_word(&markdown::to_plain_text(lead(markdown_text, 4000)), 200)
}

/// The start of a comment's Markdown body as one line of plain text, cut
/// at a word: what a list of many comments shows of each.
pub fn comment_excerpt(body: &str) -> String {
    excerpt_at_word(&markdown::to_plain_text(lead(body, 600)), 100)
}

/// The first `bytes` of `text` (at a character boundary): enough of a long
/// body to make a short excerpt from.
fn lead(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let mut cut = bytes;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

/// A day as `2023-08-05` (UTC).
pub fn date(time: DateTime<Utc>) -> String {
    format!("{:04}-{:02}-{:02}", time.year(), time.month(), time.day())
}

/// One comment as a long list of them shows it: its discussion's title
/// linked to its own page (which shows it in its place), its date and the
/// start of its text.
pub struct Excerpt {
    pub href: String,
    pub title: String,
    pub date: String,
    pub text: String,
}

/// The comments at `refs` as excerpts.
pub fn excerpts(
    archive: &Archive,
    links: &Links,
    refs: &[crate::model::Timed],
) -> Result<Vec<Excerpt>, crate::model::Unreadable> {
    // Each comment's own row (not its thread, which many excerpts from
    // many threads would read whole), linked to the comment's page.
    let at: Vec<_> = refs.iter().map(|t| t.at).collect();
    let texts = archive.comment_texts(&at)?;
    Ok(refs
        .iter()
        .zip(texts)
        .map(|(t, (id, body))| {
            let d = &archive.discussions()[t.at.discussion()];
            Excerpt {
                href: links.permalink(&d.id, id.as_str()),
                title: excerpt(&d.title, 60),
                date: t
                    .posted_at()
                    .map_or_else(|| "time unknown".to_owned(), date),
                text: comment_excerpt(&body),
            }
        })
        .collect())
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

/// `12345` as `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 comment`, `2 comments`.
pub fn count_of(n: usize, singular: &str, plural: &str) -> String {
    format!(
        "{} {}",
        thousands(n),
        if n == 1 { singular } else { plural }
    )
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

/// A setting a reader picks from a menu of links.
pub trait Labelled: Copy + PartialEq + 'static {
    /// Every value, in menu order.
    const ALL: &'static [Self];
    fn label(self) -> &'static str;
}

/// The menu of `options`, each linking to `url(option)`; in an export,
/// only the options it holds (the templates leave out a menu of one).
pub fn choices<T: Labelled>(
    links: &Links,
    options: &[T],
    current: T,
    url: impl Fn(T) -> Url,
) -> Vec<Choice> {
    options
        .iter()
        .filter_map(|&option| {
            let href = links.exported_href(&url(option))?;
            Some(Choice::new(option.label(), href, option == current))
        })
        .collect()
}

impl Labelled for SortOrder {
    const ALL: &'static [Self] = &SortOrder::ALL;

    fn label(self) -> &'static str {
        match self {
            SortOrder::Original => "original",
            SortOrder::Top => "top",
            SortOrder::New => "newest",
            SortOrder::Old => "oldest",
            SortOrder::Author => "author",
        }
    }
}

/// Where a page is in its list, with links to the others.
pub struct Pager {
    /// E.g. `comments 201–300 of 100,000`.
    pub position: String,
    pub page: usize,
    pub count: usize,
    pub first: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub last: Option<String>,
}

impl Pager {
    /// `noun` is plural (`comments`); `url` gives a page's address.
    pub fn new(pages: &Pages, page: usize, noun: &str, url: impl Fn(usize) -> String) -> Self {
        let count = pages.count();
        let range = pages.range(page).unwrap_or(0..0);
        let position = if range.is_empty() {
            format!("no {noun}")
        } else if count == 1 {
            format!("{noun} 1–{}", thousands(range.end))
        } else {
            format!(
                "{noun} {}–{} of {}",
                thousands(range.start + 1),
                thousands(range.end),
                thousands(pages.len())
            )
        };
        Pager {
            position,
            page,
            count,
            first: (page > 1).then(|| url(1)),
            prev: (page > 1).then(|| url(page - 1)),
            next: (page < count).then(|| url(page + 1)),
            last: (page < count).then(|| url(count)),
        }
    }

    /// Whether there is more than one page (the pager is worth showing).
    pub fn paged(&self) -> bool {
        self.count > 1
    }
}

/// A timestamp in the headers' style, to the second, for sources that
/// have seconds: `August 5th, 2023 at 10:22:33`.
pub fn header_time(time: DateTime<Utc>) -> String {
    format!("{}:{:02}", crate::model::header_text(time), time.second())
}

/// A body as HTML: matches of `query` marked, links to Reddit threads the
/// archive holds pointing to their local copy.
pub fn body_html(body: &str, query: Option<&Query>, archive: &Archive, links: &Links) -> String {
    let local = crate::site::reddit::LocalLinks { archive, links };
    markdown::to_html_with(body, query, &|href| {
        local.rewrite(href).map(|r| markdown::Rewrite {
            href: r.href,
            here: r.here,
        })
    })
}

/// A comment's time as a page shows it.
pub struct TimeView {
    /// RFC 3339 UTC, for `<time datetime>`; `None` when unknown.
    pub datetime: Option<String>,
    /// The header's original text, or the source's timestamp to the
    /// second; empty when the source gave no time.
    pub text: String,
    /// Since the discussion's first comment, e.g. `+3h 12m`.
    pub offset: Option<String>,
}

impl TimeView {
    /// Comment `index` of `d`; `first_at`: the discussion's first comment,
    /// for the offset.
    pub fn of(d: &Discussion, index: usize, first_at: Option<DateTime<Utc>>) -> Self {
        let c = &d.comments()[index];
        let text = match (c.has_seconds(), c.posted_at) {
            (true, Some(at)) => header_time(at),
            (true, None) => String::new(),
            (false, _) => d.time_text(index),
        };
        TimeView {
            datetime: c.posted_at.map(iso),
            text,
            offset: c
                .posted_at
                .zip(first_at)
                .map(|(at, first)| format!("+{}", duration(at - first))),
        }
    }
}

/// One comment as every page shows it.
pub struct CommentView {
    pub id: String,
    pub author: String,
    pub is_op: bool,
    pub time: TimeView,
    pub body_html: String,
    pub permalink: String,
    /// It matches the view's search (its matches are marked in the body).
    pub matched: bool,
    /// Score, edited, badges, flair, removal: what a Reddit source says.
    pub marks: MarksView,
    /// The pictures it shows below its text.
    pub media: Option<media::MediaBlock>,
}

impl CommentView {
    /// `query` marks matches in the body, when the comment matches it.
    pub fn new(
        d: &Discussion,
        index: usize,
        query: Option<&Query>,
        archive: &Archive,
        links: &Links,
    ) -> Self {
        let c = &d.comments()[index];
        let first_at = d.time_span().map(|(first, _)| first);
        let matched = query.filter(|q| q.matches_comment(d, index));
        CommentView {
            id: c.id.to_string(),
            author: c.author.to_string(),
            is_op: d.is_op(&c.author),
            time: TimeView::of(d, index, first_at),
            body_html: body_html(&c.body, matched, archive, links),
            permalink: links.permalink(&d.id, c.id.as_str()),
            matched: matched.is_some(),
            marks: MarksView::of(d, index),
            media: media::MediaBlock::comment(d, index, links),
        }
    }
}

/// Replies of a cut list that continue on a later page.
pub struct More {
    pub count: usize,
    /// The page holding the first of them, scrolled to it.
    pub href: String,
}

/// A reply list that closes after a comment.
pub struct Close {
    /// Its replies that continue on a later page.
    pub more: Option<More>,
    /// Where the list really ends: the replies the source did not archive.
    pub unarchived: Option<String>,
}

/// What a `more` stub of the source says: `3 more replies were not
/// archived` (a count of 0: the source did not say how many).
pub fn unarchived_note(count: u32) -> String {
    match count {
        0 => "More replies were not archived".to_owned(),
        1 => "1 more reply was not archived".to_owned(),
        n => format!("{} more replies were not archived", thousands(n as usize)),
    }
}

/// A comment in a tree.
pub struct TreeItem {
    pub c: CommentView,
    /// Depth below the view's shallowest level.
    pub depth: usize,
    /// Whether it starts expanded.
    pub open: bool,
    /// Replies below, at every depth (what collapsing hides).
    pub reply_count: usize,
    /// Whether a reply list opens right after it.
    pub opens_replies: bool,
    /// The reply lists that close after it, innermost first, each with the
    /// replies it continues with on a later page.
    pub closes: Vec<Close>,
    /// It shows no replies, and the source left some out.
    pub unarchived: Option<String>,
    /// Its replies are too deep for this page: a link to its own page.
    pub continue_href: Option<String>,
    /// The comment the page is about.
    pub highlighted: bool,
}

/// A parent shown above a page's first comment, whose replies continue
/// from an earlier page.
pub struct Lead {
    pub author: String,
    pub permalink: String,
}

/// One page of a comment tree, written as nested lists.
pub struct TreeView {
    /// The parents opened above the first comment, outermost first.
    pub lead: Vec<Lead>,
    pub items: Vec<TreeItem>,
    /// After the last top-level comment: top-level replies the source left
    /// out.
    pub unarchived: Option<String>,
}

/// Where a tree's pages are: `order` (visible, in display order) cut into
/// `pages`, and the page address of each.
pub struct TreePages<'a, F: Fn(usize) -> Url> {
    pub links: &'a Links<'a>,
    /// For links in bodies to threads it holds.
    pub archive: &'a Archive,
    pub d: &'a Discussion,
    pub order: &'a [usize],
    pub pages: &'a Pages,
    /// The view's shallowest depth.
    pub base: usize,
    /// Whether the tree's top level is the discussion's (not the replies
    /// of one comment).
    pub top_level: bool,
    pub url: F,
}

impl<F: Fn(usize) -> Url> TreePages<'_, F> {
    /// The page holding `order[position]`, scrolled to it.
    pub fn href_at(&self, position: usize) -> String {
        let comment = &self.d.comments()[self.order[position]];
        let url = (self.url)(self.pages.page_of(position));
        self.links.at(&url, comment.id.as_str())
    }

    /// The depth of comment `i` below the view's top.
    fn depth(&self, i: usize) -> usize {
        self.d.comments()[i].depth() - self.base
    }

    /// Page `page` as nested lists; levels from `open_levels` on start
    /// collapsed, `query` marks matches.
    pub fn tree(
        &self,
        range: Range<usize>,
        open_levels: Option<usize>,
        query: Option<&Query>,
    ) -> TreeView {
        let slice = &self.order[range.clone()];
        let Some(&first) = slice.first() else {
            return TreeView {
                lead: Vec::new(),
                items: Vec::new(),
                unarchived: None,
            };
        };
        let mut items = self.items(slice, open_levels, query);
        let (opens, closes) = self.closing(range.end, slice[slice.len() - 1]);
        let last = items.len() - 1;
        items[last].opens_replies = opens;
        items[last].closes = closes;
        // Where the source left replies out, say so where their list ends
        // (not in a search, whose lists are partial anyway).
        let stubs = query.is_none();
        if stubs {
            self.note_unarchived(&mut items, slice);
        }
        let unarchived = (stubs && self.top_level && range.end == self.order.len())
            .then(|| self.d.unarchived(None).map(unarchived_note))
            .flatten();
        TreeView {
            lead: self.lead(first),
            items,
            unarchived,
        }
    }

    /// The parents opened above the page's first comment, outermost first.
    fn lead(&self, first: usize) -> Vec<Lead> {
        let d = self.d;
        d.ancestors(first)
            .into_iter()
            .filter(|&a| d.comments()[a].depth() >= self.base)
            .map(|a| Lead {
                author: d.comments()[a].author.to_string(),
                permalink: self.links.permalink(&d.id, d.comments()[a].id.as_str()),
            })
            .collect()
    }

    /// The page's comments, each opening or closing the lists between it
    /// and the next (the last one's closing lists are [`Self::closing`]'s).
    fn items(
        &self,
        slice: &[usize],
        open_levels: Option<usize>,
        query: Option<&Query>,
    ) -> Vec<TreeItem> {
        let d = self.d;
        let mut items: Vec<TreeItem> = slice
            .iter()
            .map(|&i| {
                let c = CommentView::new(d, i, query, self.archive, self.links);
                let level = self.depth(i);
                let reply_count = d.descendant_count(i);
                TreeItem {
                    continue_href: (level + 1 == MAX_VISIBLE_DEPTH && reply_count > 0)
                        .then(|| c.permalink.clone()),
                    c,
                    depth: level,
                    open: open_levels.is_none_or(|levels| level < levels),
                    reply_count,
                    opens_replies: false,
                    closes: Vec::new(),
                    unarchived: None,
                    highlighted: false,
                }
            })
            .collect();
        for k in 0..items.len().saturating_sub(1) {
            let (here, next) = (items[k].depth, items[k + 1].depth);
            items[k].opens_replies = next > here;
            items[k].closes = (0..here.saturating_sub(next))
                .map(|_| Close {
                    more: None,
                    unarchived: None,
                })
                .collect();
        }
        items
    }

    /// After the page's last comment `last` (the page ends before `end`):
    /// whether its own replies follow, and the lists it closes, each saying
    /// how many of its replies go on after this page and linking there.
    fn closing(&self, end: usize, last: usize) -> (bool, Vec<Close>) {
        let last_depth = self.depth(last);
        // How many of the following comments lie below depth `level`.
        let below = |level: usize| {
            self.order[end..]
                .iter()
                .take_while(|&&i| self.depth(i) > level)
                .count()
        };
        let mut closes = Vec::new();
        let own = below(last_depth);
        if own > 0 {
            closes.push(Close {
                more: Some(More {
                    count: own,
                    href: self.href_at(end),
                }),
                unarchived: None,
            });
        }
        let mut inner = own;
        for level in (0..last_depth).rev() {
            let here = below(level);
            closes.push(Close {
                more: (here > inner).then(|| More {
                    count: here - inner,
                    href: self.href_at(end + inner),
                }),
                unarchived: None,
            });
            inner = here;
        }
        (own > 0, closes)
    }

    /// Notes, where a reply list ends, the replies the source left out.
    fn note_unarchived(&self, items: &mut [TreeItem], slice: &[usize]) {
        let d = self.d;
        let note = |parent: usize| d.unarchived(Some(parent)).map(unarchived_note);
        for (item, &i) in items.iter_mut().zip(slice) {
            if !item.opens_replies {
                item.unarchived = note(i);
            }
            // The lists closing after an item belong, innermost first, to
            // the item itself (when it opened one) and then to its parents.
            let first = if item.opens_replies {
                Some(i)
            } else {
                d.comments()[i].parent()
            };
            let owners =
                std::iter::successors(Some(first), |o| o.map(|o| d.comments()[o].parent()));
            for (close, owner) in item.closes.iter_mut().zip(owners) {
                if close.more.is_none() {
                    close.unarchived = owner.and_then(note);
                }
            }
        }
    }
}

/// The comment a listed comment replies to.
pub struct ParentRef {
    pub author: String,
    pub href: String,
    /// The start of its body, as plain text.
    pub excerpt: String,
}

/// A link to a discussion, for lists that span several.
pub struct DiscussionRef {
    pub title: String,
    pub href: String,
}

/// A comment in a flat list: with what it replies to and where it is in
/// its thread, since neither is on the page.
pub struct ListItem {
    pub c: CommentView,
    /// The author's page, unless the list is that page.
    pub author_href: Option<String>,
    /// The thread page that holds it, scrolled to it, unless that is its
    /// permalink (as in an export, which has no page per comment).
    pub in_thread: Option<String>,
    pub parent: Option<ParentRef>,
    /// Set on lists that span several discussions.
    pub discussion: Option<DiscussionRef>,
}

/// The page of `thread` (a discussion's default thread view) that shows
/// comment `index` (or, past the depth cut, the ancestor that continues to
/// it), scrolled there.
pub fn in_thread(d: &Discussion, thread: &PagedOrder, index: usize, links: &Links) -> String {
    let mut at = index;
    let position = loop {
        match (thread.position_of(at), d.comments()[at].parent()) {
            (Some(position), _) => break position,
            (None, Some(parent)) => at = parent,
            // Top-level comments are always shown.
            (None, None) => break 0,
        }
    };
    let page = Url::discussion(&d.id).page(thread.pages.page_of(position));
    links.at(&page, d.comments()[at].id.as_str())
}

impl ListItem {
    /// `thread` is the discussion's default thread view, where the item
    /// links to.
    pub fn new(
        d: &Discussion,
        index: usize,
        query: Option<&Query>,
        thread: &PagedOrder,
        archive: &Archive,
        links: &Links,
    ) -> Self {
        let c = &d.comments()[index];
        let parent = c.parent().map(|p| {
            let parent = &d.comments()[p];
            ParentRef {
                author: parent.author.to_string(),
                href: links.permalink(&d.id, parent.id.as_str()),
                excerpt: excerpt(&markdown::to_plain_text(lead(&parent.body, 1000)), 90),
            }
        });
        let c = CommentView::new(d, index, query, archive, links);
        let in_thread =
            Some(in_thread(d, thread, index, links)).filter(|href| *href != c.permalink);
        ListItem {
            author_href: Some(links.href(&Url::author(&d.comments()[index].author))),
            c,
            in_thread,
            parent,
            discussion: None,
        }
    }

    /// Leaves out the link to the author's page, for that page's own list.
    pub fn on_author_page(mut self) -> Self {
        self.author_href = None;
        self
    }

    /// Adds the discussion it belongs to, for lists that span several.
    pub fn in_discussion(mut self, d: &Discussion, links: &Links) -> Self {
        self.discussion = Some(DiscussionRef {
            title: d.title.clone(),
            href: links.href(&Url::discussion(&d.id)),
        });
        self
    }
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
    /// Its community's name and page (where the site has it).
    pub community: Option<(String, Option<String>)>,
    /// A Reddit post's score (`4,941 points`), link flair and NSFW mark.
    pub score: Option<String>,
    pub flair: Option<String>,
    pub nsfw: bool,
    /// Its small picture, for a post with media.
    pub thumb: Option<media::ThumbView>,
}

impl DiscussionSummary {
    /// The source, where it says more than the community does (a link
    /// post's domain; not `r/X` again, nor a text source that is the
    /// community itself).
    pub fn source_shown(&self) -> Option<&str> {
        let source = self.source.as_deref()?;
        match &self.community {
            Some((name, _)) if name == source || source.starts_with("self.") => None,
            _ => Some(source),
        }
    }

    pub fn new(archive: &Archive, d: &Head, links: &Links) -> Self {
        let span = d.time_span();
        let post = d.post();
        DiscussionSummary {
            thumb: media::ThumbView::of(archive, d, links),
            community: d
                .community()
                .map(|c| (c.name(), links.exported_href(&Url::community(c)))),
            score: post.and_then(|p| p.score).map(reddit::points),
            flair: post.and_then(|p| p.flair.clone()),
            nsfw: post.is_some_and(|p| p.nsfw),
            href: links.href(&Url::discussion(&d.id)),
            title: d.title.clone(),
            source: d.source.clone(),
            submitter: d.submitter.clone(),
            comment_count: d.comment_count(),
            span: span.map(|(first, last)| (utc(first), utc(last), iso(last))),
            length: span.map(|(first, last)| duration(last - first)),
        }
    }
}

/// The article shown above its comments.
pub struct Article {
    pub title: String,
    pub source: Option<String>,
    pub submitter: Option<String>,
    pub submitter_href: Option<String>,
    /// The body, rendered only for the pages that show it.
    pub body_html: Option<String>,
    pub comment_count: usize,
    pub href: String,
    /// What a Reddit post says of itself.
    pub post: Option<PostView>,
    /// Its pictures, gallery, video or embed (with the body).
    pub media: Option<media::MediaBlock>,
}

impl Article {
    /// The article's heading and byline; its body is left out.
    pub fn new(d: &Discussion, archive: &Archive, links: &Links) -> Self {
        Article {
            post: d.post().map(|post| {
                PostView::of(d, post, &crate::site::reddit::LocalLinks { archive, links })
            }),
            title: d.title.clone(),
            source: d.source.clone(),
            submitter: d.submitter.clone(),
            submitter_href: d.submitter.as_deref().map(|s| links.href(&Url::author(s))),
            body_html: None,
            comment_count: d.comment_count(),
            href: links.href(&Url::discussion(&d.id)),
            media: None,
        }
    }

    /// The same with its body rendered (empty where the body is only the
    /// post's link, which the page shows as such).
    pub fn with_body(mut self, d: &Discussion, archive: &Archive, links: &Links) -> Self {
        let only_the_link = d
            .post()
            .and_then(|p| p.url.as_deref())
            .is_some_and(|url| url == d.body.trim());
        self.body_html = Some(if only_the_link {
            String::new()
        } else {
            body_html(&d.body, None, archive, links)
        });
        self.media = media::MediaBlock::post(archive, d, links, true);
        self
    }

    /// Whether the discussion's times count from the post (it has a time).
    pub fn timed_from_post(&self) -> bool {
        self.post.as_ref().is_some_and(|p| p.posted.is_some())
    }

    /// Why the post's body starts folded (NSFW, spoiler), if it does and
    /// has a body.
    pub fn fold(&self) -> Option<&'static str> {
        self.body_html.as_ref().filter(|b| !b.is_empty())?;
        self.post.as_ref()?.fold
    }
}

/// What every page's `<head>` says about it, for the tab and for link
/// previews (OpenGraph, Twitter cards), and the pages around it.
pub struct Meta {
    pub title: String,
    pub description: String,
    /// `<link rel="prev">` and `<link rel="next">`, on paged views.
    pub prev: Option<String>,
    pub next: Option<String>,
    pub site: SiteLinks,
}

/// What every page's head, header and footer link to: the server's
/// addresses, or in an export the files it holds (a view it leaves out has
/// no link).
pub struct SiteLinks {
    pub home: String,
    pub authors: String,
    /// The header's search form, where the site has search.
    pub search: Option<String>,
    pub api: Option<String>,
    pub style: String,
    pub script: String,
    pub icon: String,
    /// An export's pages carry their policy themselves: a static host
    /// sends no headers.
    pub content_security_policy: Option<String>,
    /// Only the server has a page for each comment (what the script uses
    /// for a `#c-` link to a comment that is not on the page).
    pub comment_pages: bool,
}

impl SiteLinks {
    fn new(links: &Links) -> Self {
        SiteLinks {
            home: links.href(&Url::Index(Default::default())),
            authors: links.href(&Url::Authors(Default::default())),
            search: links.exported_href(&Url::Search(Default::default())),
            api: links.exported_href(&Url::Api),
            style: links.asset(Asset::Style),
            script: links.asset(Asset::Script),
            icon: links.asset(Asset::Icon),
            content_security_policy: links.page_policy(),
            comment_pages: !links.is_export(),
        }
    }
}

impl Meta {
    /// `description` is plain text (for a Markdown text, [`preview`]).
    pub fn new(title: impl Into<String>, description: impl AsRef<str>, links: &Links) -> Self {
        Meta {
            title: title.into(),
            description: excerpt_at_word(description.as_ref(), 200),
            prev: None,
            next: None,
            site: SiteLinks::new(links),
        }
    }

    /// Names the neighbours of a paged view.
    pub fn paged(mut self, pager: &Pager) -> Self {
        self.prev = pager.prev.clone();
        self.next = pager.next.clone();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_pages_and_machines_read_them() {
        let at = DateTime::parse_from_rfc3339("2023-08-05T09:02:07Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(utc(at), "2023-08-05 09:02 UTC");
        assert_eq!(iso(at), "2023-08-05T09:02:07Z");
        assert_eq!(lead("ab", 10), "ab");
        assert_eq!(lead("aé", 2), "a", "never half a character");
    }

    #[test]
    fn durations_use_two_units() {
        assert_eq!(duration(TimeDelta::minutes(0)), "0m");
        assert_eq!(duration(TimeDelta::minutes(45)), "45m");
        assert_eq!(duration(TimeDelta::minutes(192)), "3h 12m");
        assert_eq!(duration(TimeDelta::minutes(3 * 1440 + 65)), "3d 1h");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn a_pager_says_where_it_is_and_links_around() {
        let pages = Pages::uniform(100_000, 200);
        let pager = Pager::new(&pages, 2, "comments", |p| format!("p{p}"));
        assert_eq!(pager.position, "comments 201–400 of 100,000");
        assert_eq!(
            (pager.first, pager.prev, pager.next, pager.last),
            (
                Some("p1".into()),
                Some("p1".into()),
                Some("p3".into()),
                Some("p500".into())
            )
        );
        let last = Pager::new(&pages, 500, "comments", |p| format!("p{p}"));
        assert_eq!((last.next, last.last), (None, None));
        assert_eq!(last.first.as_deref(), Some("p1"));
    }

    #[test]
    fn excerpts_are_one_line_and_cut_on_characters() {
        assert_eq!(excerpt("a\n\n  b c", 10), "a b c");
        assert_eq!(excerpt("ééééé", 3), "ééé…");
    }

    #[test]
    fn previews_are_the_rendered_text_cut_at_a_word() {
        assert_eq!(
            preview("Bad form, man &#3232;\\_&#3232;"),
            "Bad form, man ಠ_ಠ"
        );
        assert_eq!(
            preview("**Bold** and [a link](http://x.y) and `code`"),
            "Bold and a link and code"
        );
        let long = "word ".repeat(100);
        let cut = preview(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= 201, "{cut}");
        assert_eq!(excerpt_at_word(&"x".repeat(300), 5), "xxxxx…");
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
