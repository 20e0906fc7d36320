//! `/search`: matches across the whole archive, grouped by discussion and
//! paged.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use super::{PageResult, page_range, render};
use crate::markdown::to_plain_text;
use crate::model::{Archive, Discussion};
use crate::paging::Pages;
use crate::search::{self, DiscussionHits, Query};

use crate::web::AppState;
use crate::web::derived::{Derived, PagedOrder, search_filter};
use crate::web::error::AppError;
use crate::web::query::{Params, SearchQuery, ThreadQuery, search_query};
use crate::web::url::Url;
use crate::web::view::{Fragment, Meta, Pager, TimeView, count_of, marked_excerpt};

/// Matches (a comment, or a discussion matching by its title or article
/// alone) on one page.
pub const PER_PAGE: usize = 100;
/// Characters of context on each side of a match in an excerpt.
const RADIUS: usize = 60;

/// A matching comment.
pub struct CommentHit {
    pub author: String,
    pub time: TimeView,
    /// The comment in its discussion, narrowed to the search, with context.
    pub href: String,
    pub permalink: String,
    pub excerpt: Vec<Fragment>,
}

/// The matches of one discussion on this page.
pub struct DiscussionGroup {
    pub title: Vec<Fragment>,
    pub href: String,
    /// The discussion narrowed to matching comments.
    pub narrowed_href: String,
    pub body: Option<Vec<Fragment>>,
    pub comments: Vec<CommentHit>,
    /// All its matching comments, on every page.
    pub comment_count: usize,
    /// Its first matches are on an earlier page.
    pub continued: bool,
}

/// One match: a discussion, and one of its comments or none (the title or
/// article matched).
type Entry = (usize, Option<usize>);

fn entries(hits: &[DiscussionHits]) -> Vec<Entry> {
    hits.iter()
        .enumerate()
        .flat_map(|(g, h)| {
            let comments = h.comments.iter().map(move |&c| (g, Some(c)));
            let alone = h.comments.is_empty().then_some((g, None));
            alone.into_iter().chain(comments)
        })
        .collect()
}

/// Fields: `meta`, `query` (as typed, if any), `summary`, `groups`,
/// `pager`.
#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    meta: Meta,
    query: Option<String>,
    summary: String,
    groups: Vec<DiscussionGroup>,
    pager: Option<Pager>,
}

fn group(
    d: &Discussion,
    hits: &DiscussionHits,
    query: &Query,
    narrowed: &Narrowed,
    continued: bool,
) -> DiscussionGroup {
    DiscussionGroup {
        title: marked_excerpt(&d.title, query, d.title.chars().count()),
        href: Url::discussion(&d.id).href(),
        narrowed_href: narrowed.url.href(),
        body: (hits.body && !continued)
            .then(|| marked_excerpt(&to_plain_text(&d.body), query, RADIUS)),
        comments: Vec::new(),
        comment_count: hits.comments.len(),
        continued,
    }
}

/// Where each match is in its discussion narrowed to the search.
struct Narrowed {
    url: Url,
    paged: Arc<PagedOrder>,
}

impl Narrowed {
    fn new(d: &Discussion, query: &Query, derived: &Derived) -> Self {
        Narrowed {
            url: Url::thread(
                &d.id,
                ThreadQuery {
                    q: Some(query.as_str().to_owned()),
                    ..ThreadQuery::default()
                },
            ),
            paged: derived.order(d, &search_filter(query)),
        }
    }

    /// The narrowed page that shows comment `index`, scrolled to it; past
    /// the depth cut, its own page.
    fn href(&self, d: &Discussion, index: usize) -> String {
        let id = d.comments()[index].id.as_str();
        match self.paged.position_of(index) {
            Some(at) => self.url.clone().page(self.paged.pages.page_of(at)).at(id),
            None => Url::permalink(&d.id, id),
        }
    }
}

fn comment_hit(d: &Discussion, index: usize, query: &Query, narrowed: &Narrowed) -> CommentHit {
    let c = &d.comments()[index];
    CommentHit {
        author: c.author.to_string(),
        time: TimeView::of(c, None),
        href: narrowed.href(d, index),
        permalink: Url::permalink(&d.id, c.id.as_str()),
        excerpt: marked_excerpt(&to_plain_text(&c.body), query, RADIUS),
    }
}

impl SearchPage {
    pub fn build(archive: &Archive, q: &SearchQuery, derived: &Derived) -> Result<Self, AppError> {
        let Some(query) = search_query(q.q.as_deref())? else {
            return Ok(SearchPage {
                meta: Meta::new("Search · threadview", "Search the archive."),
                query: None,
                summary: "Search titles, articles and comments across the whole archive."
                    .to_owned(),
                groups: Vec::new(),
                pager: None,
            });
        };
        let hits = search::search(archive, &query);
        let entries = entries(&hits);
        let pages = Pages::uniform(entries.len(), PER_PAGE);
        let range = page_range(&pages, q.page.get())?;
        let first = range.start;
        let mut groups: Vec<DiscussionGroup> = Vec::new();
        let mut current: Option<(usize, Narrowed)> = None;
        for (at, &(g, comment)) in entries[range].iter().enumerate() {
            let d = &archive.discussions()[hits[g].discussion];
            if current.as_ref().is_none_or(|(shown, _)| *shown != g) {
                let continued = first + at > 0 && entries[first + at - 1].0 == g;
                let narrowed = Narrowed::new(d, &query, derived);
                groups.push(group(d, &hits[g], &query, &narrowed, continued));
                current = Some((g, narrowed));
            }
            if let (Some(c), Some(group), Some((_, narrowed))) =
                (comment, groups.last_mut(), current.as_ref())
            {
                group.comments.push(comment_hit(d, c, &query, narrowed));
            }
        }
        let comment_count: usize = hits.iter().map(|h| h.comments.len()).sum();
        let summary = format!(
            "{} in {} for “{}”.",
            count_of(comment_count, "matching comment", "matching comments"),
            count_of(hits.len(), "discussion", "discussions"),
            query.as_str()
        );
        let pager = Pager::new(&pages, q.page.get(), "matches", |p| {
            Url::Search(q.clone()).page(p).href()
        });
        Ok(SearchPage {
            meta: Meta::new(
                format!("“{}” · search · threadview", query.as_str()),
                &summary,
            )
            .paged(&pager),
            query: Some(query.as_str().to_owned()),
            summary,
            groups,
            pager: Some(pager),
        })
    }
}

pub async fn handler(
    State(state): State<Arc<AppState>>,
    Params(q): Params<SearchQuery>,
) -> PageResult {
    let archive = state.archive();
    render(SearchPage::build(&archive, &q, archive.derived())?)
}
