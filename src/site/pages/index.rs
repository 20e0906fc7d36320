//! `/`: every discussion, sorted and paged.

use askama::Template;

use super::page_range;
use crate::model::{Archive, Discussion};
use crate::paging::Pages;
use crate::site::Ctx;
use crate::site::error::PageError;
use crate::site::query::{IndexQuery, IndexSort};
use crate::site::url::Url;
use crate::site::view::{Choice, DiscussionSummary, Labelled, Meta, Pager, choices, count_of};

/// Discussions on one page of the index.
pub const PER_PAGE: usize = 100;

impl Labelled for IndexSort {
    const ALL: &'static [Self] = &[
        IndexSort::Activity,
        IndexSort::New,
        IndexSort::Top,
        IndexSort::Comments,
        IndexSort::Title,
    ];

    fn label(self) -> &'static str {
        match self {
            IndexSort::Activity => "latest activity",
            IndexSort::New => "newest",
            IndexSort::Top => "top",
            IndexSort::Comments => "most comments",
            IndexSort::Title => "title",
        }
    }
}

/// The orders the index offers: `top` where some post has a score.
fn index_sorts(archive: &Archive) -> Vec<IndexSort> {
    let scores = archive
        .discussions()
        .iter()
        .any(|d| d.post().is_some_and(|p| p.score.is_some()));
    IndexSort::ALL
        .iter()
        .copied()
        .filter(|&s| s != IndexSort::Top || scores)
        .collect()
}

/// The archive's discussions in the order `sort` asks for.
pub fn sorted(archive: &Archive, sort: IndexSort) -> Vec<&Discussion> {
    let mut discussions: Vec<&Discussion> = archive.discussions().iter().map(|d| &**d).collect();
    match sort {
        IndexSort::Activity => {
            discussions.sort_by_key(|d| std::cmp::Reverse(d.time_span().map(|(_, last)| last)))
        }
        IndexSort::Comments => discussions.sort_by_key(|d| std::cmp::Reverse(d.comments().len())),
        IndexSort::Top => {
            discussions.sort_by_key(|d| std::cmp::Reverse(d.post().and_then(|p| p.score)))
        }
        IndexSort::New => discussions.sort_by_key(|d| std::cmp::Reverse(started(d))),
        IndexSort::Title => discussions.sort_by_cached_key(|d| d.title.to_lowercase()),
    }
    discussions
}

/// When a discussion started: its post's time, else its first comment's.
pub fn started(d: &Discussion) -> Option<chrono::DateTime<chrono::Utc>> {
    d.post()
        .and_then(|p| p.posted_at)
        .or_else(|| d.time_span().map(|(first, _)| first))
}

/// Fields: `meta`, `summary`, `discussions` (DiscussionSummary list),
/// `sorts`, `pager`, `diagnostic_count`, `diagnostics_href`, `empty`.
#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage {
    meta: Meta,
    summary: String,
    discussions: Vec<DiscussionSummary>,
    sorts: Vec<Choice>,
    pager: Pager,
    diagnostic_count: usize,
    diagnostics_href: String,
    /// The folder holds no discussion at all.
    empty: bool,
}

impl IndexPage {
    pub fn build(ctx: &Ctx, q: &IndexQuery) -> Result<Self, PageError> {
        let (archive, links) = (ctx.archive, &ctx.links);
        let discussions = sorted(archive, q.sort);
        let pages = Pages::uniform(discussions.len(), PER_PAGE);
        let range = page_range(&pages, q.page.get())?;
        let url = |page| links.href(&Url::Index(q.clone()).page(page));
        let pager = Pager::new(&pages, q.page.get(), "discussions", url);
        let summary = format!(
            "{}, {}.",
            count_of(discussions.len(), "discussion", "discussions"),
            count_of(archive.comment_count(), "comment", "comments")
        );
        Ok(IndexPage {
            meta: Meta::new(
                "Discussions · threadview",
                format!("An archive of {summary}"),
                links,
            )
            .paged(&pager),
            summary,
            sorts: choices(links, &index_sorts(archive), q.sort, |sort| {
                Url::Index(IndexQuery {
                    sort,
                    ..IndexQuery::default()
                })
            }),
            discussions: discussions[range]
                .iter()
                .map(|d| DiscussionSummary::new(d, links))
                .collect(),
            pager,
            diagnostic_count: archive.diagnostics.len(),
            diagnostics_href: links.href(&Url::Diagnostics),
            empty: archive.discussions().is_empty(),
        })
    }
}
