//! `/authors/{name}`: one author's comments across the archive, paged.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;

use super::page_range;
use crate::cut;
use crate::model::{Archive, Author, CommentRef};
use crate::paging::Pages;
use crate::site::Ctx;
use crate::site::chart::{self, Chart};
use crate::site::derived::PagedOrder;
use crate::site::error::PageError;
use crate::site::query::{AuthorLayout, AuthorQuery, TimeOrder};
use crate::site::url::{Links, Url};
use crate::site::view::{
    self, Choice, Excerpt, Labelled, ListItem, Meta, Pager, choices, count_of,
};

/// Excerpts on one page of an author's (two elements each).
pub const EXCERPTS_PER_PAGE: usize = 800;

impl Labelled for AuthorLayout {
    const ALL: &'static [Self] = &[AuthorLayout::Comments, AuthorLayout::Excerpts];

    fn label(self) -> &'static str {
        match self {
            AuthorLayout::Comments => "whole comments",
            AuthorLayout::Excerpts => "excerpts",
        }
    }
}

impl Labelled for TimeOrder {
    const ALL: &'static [Self] = &[TimeOrder::New, TimeOrder::Old];

    fn label(self) -> &'static str {
        match self {
            TimeOrder::New => "newest first",
            TimeOrder::Old => "oldest first",
        }
    }
}

pub fn find_author<'a>(archive: &'a Archive, name: &str) -> Result<&'a Author, PageError> {
    archive.author(name).ok_or_else(|| {
        PageError::NotFound(format!(
            "Nobody called \"{name}\" commented in this archive."
        ))
    })
}

/// The author's comments, newest or oldest first (unknown times last).
pub fn ordered_comments(archive: &Archive, author: &Author, order: TimeOrder) -> Vec<CommentRef> {
    let mut refs = author.comments.clone();
    refs.sort_by(|&a, &b| {
        let (ta, tb) = (
            archive.resolve(a).1.posted_at,
            archive.resolve(b).1.posted_at,
        );
        match (ta, tb) {
            (Some(ta), Some(tb)) if order == TimeOrder::New => tb.cmp(&ta),
            (Some(ta), Some(tb)) => ta.cmp(&tb),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    refs
}

/// The pages of an author's comments in one order, shown whole or as
/// excerpts.
pub fn comment_pages(archive: &Archive, refs: &[CommentRef], layout: AuthorLayout) -> Pages {
    match layout {
        AuthorLayout::Comments => {
            let bodies = refs.iter().map(|&at| &*archive.resolve(at).1.body);
            cut::pages_of(bodies, crate::thread::Layout::Flat)
        }
        AuthorLayout::Excerpts => Pages::uniform(refs.len(), EXCERPTS_PER_PAGE),
    }
}

/// Comments from across the archive as a flat list shows them, each with
/// its discussion.
pub fn items(ctx: &Ctx, refs: &[CommentRef]) -> Vec<ListItem> {
    let (archive, derived, links) = (ctx.archive, ctx.derived, &ctx.links);
    let mut threads: HashMap<usize, Arc<PagedOrder>> = HashMap::new();
    refs.iter()
        .map(|&at| {
            let d = &archive.discussions()[at.discussion()];
            let thread = threads
                .entry(at.discussion())
                .or_insert_with(|| derived.thread(d));
            ListItem::new(d, at.comment(), None, thread, archive, links).in_discussion(d, links)
        })
        .collect()
}

/// Fields: `meta`, `name`, `summary`, `views`, `sorts`, `chart`, `comments`
/// (flat, each with its discussion) or `excerpts`, `pager`, `communities`,
/// `months`.
#[derive(Template)]
#[template(path = "author.html")]
pub struct AuthorPage {
    meta: Meta,
    name: String,
    summary: String,
    views: Vec<Choice>,
    sorts: Vec<Choice>,
    chart: Option<Chart>,
    comments: Vec<ListItem>,
    excerpts: Vec<Excerpt>,
    pager: Pager,
    /// Where they commented: each community with their comments in it,
    /// most first, linked where the site has its page.
    communities: Vec<Counted>,
    /// Their comments in each month, newest first, linked to the month's
    /// page.
    months: Vec<Counted>,
}

/// A name, its page (where the site has it) and a count in words.
type Counted = (String, Option<String>, String);

/// Where `author` commented, and when: their comments by community and by
/// month (UTC).
fn places_and_months(
    archive: &Archive,
    author: &Author,
    links: &Links,
) -> (Vec<Counted>, Vec<Counted>) {
    use chrono::Datelike;
    let mut places: HashMap<&crate::model::Community, usize> = HashMap::new();
    let mut months: std::collections::BTreeMap<(i32, u32), usize> = Default::default();
    for &at in &author.comments {
        let (d, c) = archive.resolve(at);
        if let Some(community) = d.community() {
            *places.entry(community).or_default() += 1;
        }
        if let Some(t) = c.posted_at {
            *months.entry((t.year(), t.month())).or_default() += 1;
        }
    }
    let mut places: Vec<_> = places.into_iter().collect();
    places.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let places = places
        .into_iter()
        .map(|(c, n)| {
            (
                c.name(),
                links.exported_href(&Url::community(c)),
                count_of(n, "comment", "comments"),
            )
        })
        .collect();
    let months = months
        .into_iter()
        .rev()
        .map(|((year, month), n)| {
            let period = crate::site::query::Period {
                year,
                month: Some(month),
                day: None,
            };
            let url = Url::Period {
                community: None,
                period,
                query: Default::default(),
            };
            (
                period.label(),
                links.exported_href(&url),
                count_of(n, "comment", "comments"),
            )
        })
        .collect();
    (places, months)
}

/// The activity chart: each bar opens the page (oldest first) that holds
/// its first comment; in an export, which holds only the newest-first
/// pages, the one of those that holds it; of excerpts, the comment in its
/// thread. `shown` is the page's own order (`q.sort`) and its pages, used
/// again where the chart links to it.
fn activity_chart(
    ctx: &Ctx,
    author: &Author,
    q: &AuthorQuery,
    shown: &[CommentRef],
    shown_pages: &Pages,
) -> Option<Chart> {
    let (archive, links, shown_sort) = (ctx.archive, &ctx.links, q.sort);
    let owned_oldest;
    let oldest: &[CommentRef] = if shown_sort == TimeOrder::Old {
        shown
    } else {
        owned_oldest = ordered_comments(archive, author, TimeOrder::Old);
        &owned_oldest
    };
    let times: Vec<_> = oldest
        .iter()
        .map_while(|&at| archive.resolve(at).1.posted_at)
        .collect();
    if q.view == AuthorLayout::Excerpts {
        return chart::histogram(&times, |i| {
            let at = oldest[i];
            let d = &archive.discussions()[at.discussion()];
            view::in_thread(d, &ctx.derived.thread(d), at.comment(), links)
        });
    }
    let url = |sort| Url::Author {
        name: author.name.clone(),
        query: AuthorQuery {
            sort,
            ..AuthorQuery::default()
        },
    };
    let sort = if links.holds(&url(TimeOrder::Old)) {
        TimeOrder::Old
    } else {
        TimeOrder::New
    };
    let owned;
    let (order, pages): (&[CommentRef], &Pages) = if sort == shown_sort {
        (shown, shown_pages)
    } else {
        let order = match sort {
            TimeOrder::Old => oldest.to_vec(),
            TimeOrder::New => ordered_comments(archive, author, sort),
        };
        owned = (comment_pages(archive, &order, q.view), order);
        (&owned.1, &owned.0)
    };
    let newest_position: Option<HashMap<CommentRef, usize>> = (sort == TimeOrder::New)
        .then(|| order.iter().enumerate().map(|(i, &at)| (at, i)).collect());
    chart::histogram(&times, |i| {
        let at = oldest[i];
        let position = newest_position.as_ref().map_or(i, |map| map[&at]);
        let page = url(sort).page(pages.page_of(position));
        links.at(&page, archive.resolve(at).1.id.as_str())
    })
}

impl AuthorPage {
    pub fn build(ctx: &Ctx, author: &Author, q: &AuthorQuery) -> Result<Self, PageError> {
        let (archive, links) = (ctx.archive, &ctx.links);
        let refs = ordered_comments(archive, author, q.sort);
        let pages = comment_pages(archive, &refs, q.view);
        let range = page_range(&pages, q.page.get())?;
        let url = |page| {
            Url::Author {
                name: author.name.clone(),
                query: q.clone(),
            }
            .page(page)
        };
        let pager = Pager::new(&pages, q.page.get(), "comments", |p| links.href(&url(p)));
        let (comments, excerpts) = match q.view {
            AuthorLayout::Comments => (
                items(ctx, &refs[range])
                    .into_iter()
                    .map(ListItem::on_author_page)
                    .collect(),
                Vec::new(),
            ),
            AuthorLayout::Excerpts => (
                Vec::new(),
                view::excerpts(archive, ctx.derived, links, &refs[range]),
            ),
        };
        let span = author
            .first_at
            .zip(author.last_at)
            .map(|(f, l)| format!(", from {} to {}", view::utc(f), view::utc(l)))
            .unwrap_or_default();
        let (communities, months) = places_and_months(archive, author, links);
        let summary = format!(
            "{} in {}{span}.",
            count_of(author.comments.len(), "comment", "comments"),
            count_of(author.discussion_count, "discussion", "discussions"),
        );
        Ok(AuthorPage {
            meta: Meta::new(
                format!("{} · threadview", author.name),
                format!("{summary} by {}", author.name),
                links,
            )
            .paged(&pager),
            name: author.name.clone(),
            summary,
            views: choices(links, AuthorLayout::ALL, q.view, |view| Url::Author {
                name: author.name.clone(),
                query: AuthorQuery {
                    view,
                    sort: q.sort,
                    ..AuthorQuery::default()
                },
            }),
            sorts: choices(links, TimeOrder::ALL, q.sort, |sort| Url::Author {
                name: author.name.clone(),
                query: AuthorQuery {
                    sort,
                    view: q.view,
                    ..AuthorQuery::default()
                },
            }),
            // On the first page only, like a discussion's.
            chart: (q.page.get() == 1)
                .then(|| activity_chart(ctx, author, q, &refs, &pages))
                .flatten(),
            comments,
            excerpts,
            pager,
            communities,
            months,
        })
    }
}
