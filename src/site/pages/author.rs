//! `/authors/{name}`: one author's comments across the archive, paged.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;

use super::page_range;
use crate::cut;
use crate::model::{Archive, Author, CommentRef, Timed, Unreadable};
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

/// The author's comments, newest or oldest first (unknown times last;
/// ties in archive order).
pub fn ordered_comments(
    archive: &Archive,
    author: &Author,
    order: TimeOrder,
) -> Result<Vec<Timed>, Unreadable> {
    let index = archive
        .author_index(&author.name)
        .ok_or_else(|| Unreadable(format!("no author {}", author.name)))?;
    let mut refs = archive.comments_of(index)?;
    refs.sort_by(|a, b| match (a.posted_at(), b.posted_at()) {
        (Some(ta), Some(tb)) if order == TimeOrder::New => tb.cmp(&ta),
        (Some(ta), Some(tb)) => ta.cmp(&tb),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(refs)
}

/// The pages of an author's comments in one order, shown whole or as
/// excerpts.
pub fn comment_pages(refs: &[Timed], layout: AuthorLayout) -> Pages {
    match layout {
        AuthorLayout::Comments => {
            let costs = refs.iter().map(|t| crate::paging::Cost {
                bytes: t.bytes as usize,
                lines: t.lines as usize,
            });
            cut::pages_by_cost(costs, crate::thread::Layout::Flat)
        }
        AuthorLayout::Excerpts => Pages::uniform(refs.len(), EXCERPTS_PER_PAGE),
    }
}

/// Comments from across the archive as a flat list shows them, each with
/// its discussion.
pub fn items(ctx: &Ctx, refs: &[Timed]) -> Result<Vec<ListItem>, Unreadable> {
    let (archive, derived, links) = (ctx.archive, ctx.derived, &ctx.links);
    let mut threads: HashMap<usize, Arc<PagedOrder>> = HashMap::new();
    refs.iter()
        .map(|t| {
            let d = archive.resolve(t.at)?;
            let thread = threads
                .entry(t.at.discussion())
                .or_insert_with(|| derived.thread(&d));
            Ok(
                ListItem::new(&d, t.at.comment(), None, thread, archive, links)
                    .in_discussion(&d, links),
            )
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
    comments: &[Timed],
    links: &Links,
) -> (Vec<Counted>, Vec<Counted>) {
    use chrono::Datelike;
    let mut places: HashMap<&crate::model::Community, usize> = HashMap::new();
    let mut months: std::collections::BTreeMap<(i32, u32), usize> = Default::default();
    for c in comments {
        if let Some(community) = archive.discussions()[c.at.discussion()].community() {
            *places.entry(community).or_default() += 1;
        }
        if let Some(t) = c.posted_at() {
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
    shown: &[Timed],
    shown_pages: &Pages,
) -> Result<Option<Chart>, Unreadable> {
    let (archive, links, shown_sort) = (ctx.archive, &ctx.links, q.sort);
    let owned_oldest;
    let oldest: &[Timed] = if shown_sort == TimeOrder::Old {
        shown
    } else {
        owned_oldest = ordered_comments(archive, author, TimeOrder::Old)?;
        &owned_oldest
    };
    let times: Vec<_> = oldest.iter().map_while(Timed::posted_at).collect();
    // Each bar's link names its first comment, read from its discussion.
    let comment_id =
        |at: CommentRef| -> Result<(Arc<crate::model::Discussion>, usize), Unreadable> {
            Ok((archive.resolve(at)?, at.comment()))
        };
    let failed = std::cell::RefCell::new(None);
    if q.view == AuthorLayout::Excerpts {
        let chart = chart::histogram(&times, |i| {
            let at = oldest[i].at;
            match comment_id(at) {
                Ok((d, index)) => view::in_thread(&d, &ctx.derived.thread(&d), index, links),
                Err(err) => {
                    *failed.borrow_mut() = Some(err);
                    String::new()
                }
            }
        });
        return failed.into_inner().map_or(Ok(chart), Err);
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
    let (order, pages): (&[Timed], &Pages) = if sort == shown_sort {
        (shown, shown_pages)
    } else {
        let order = match sort {
            TimeOrder::Old => oldest.to_vec(),
            TimeOrder::New => ordered_comments(archive, author, sort)?,
        };
        owned = (comment_pages(&order, q.view), order);
        (&owned.1, &owned.0)
    };
    let newest_position: Option<HashMap<CommentRef, usize>> = (sort == TimeOrder::New)
        .then(|| order.iter().enumerate().map(|(i, t)| (t.at, i)).collect());
    let chart = chart::histogram(&times, |i| {
        let at = oldest[i].at;
        let position = newest_position.as_ref().map_or(i, |map| map[&at]);
        let page = url(sort).page(pages.page_of(position));
        match comment_id(at) {
            Ok((d, index)) => links.at(&page, d.comments()[index].id.as_str()),
            Err(err) => {
                *failed.borrow_mut() = Some(err);
                String::new()
            }
        }
    });
    failed.into_inner().map_or(Ok(chart), Err)
}

impl AuthorPage {
    pub fn build(ctx: &Ctx, author: &Author, q: &AuthorQuery) -> Result<Self, PageError> {
        let (archive, links) = (ctx.archive, &ctx.links);
        let refs = ordered_comments(archive, author, q.sort)?;
        let pages = comment_pages(&refs, q.view);
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
                items(ctx, &refs[range])?
                    .into_iter()
                    .map(ListItem::on_author_page)
                    .collect(),
                Vec::new(),
            ),
            AuthorLayout::Excerpts => (Vec::new(), view::excerpts(archive, links, &refs[range])?),
        };
        let span = author
            .first_at
            .zip(author.last_at)
            .map(|(f, l)| format!(", from {} to {}", view::utc(f), view::utc(l)))
            .unwrap_or_default();
        let (communities, months) = places_and_months(archive, &refs, links);
        let summary = format!(
            "{} in {}{span}.",
            count_of(author.comment_count, "comment", "comments"),
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
            chart: match q.page.get() {
                1 => activity_chart(ctx, author, q, &refs, &pages)?,
                _ => None,
            },
            comments,
            excerpts,
            pager,
            communities,
            months,
        })
    }
}
