//! `/`: every discussion, sorted and paged.

use askama::Template;

use super::page_range;
use crate::model::{Archive, Head};
use crate::paging::Pages;
use crate::site::Ctx;
use crate::site::error::PageError;
use crate::site::query::{IndexQuery, IndexSort};
use crate::site::url::Url;
use crate::site::view::{
    Choice, DiscussionSummary, Labelled, Meta, Pager, choices, count_of, thousands,
};

/// A day, `2019-03-14`.
fn day(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

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

/// The orders a list of `discussions` offers: `top` where some post has
/// a score.
pub fn sorts_for(discussions: &[&Head]) -> Vec<IndexSort> {
    let scores = discussions
        .iter()
        .any(|d| d.post().is_some_and(|p| p.score.is_some()));
    IndexSort::ALL
        .iter()
        .copied()
        .filter(|&s| s != IndexSort::Top || scores)
        .collect()
}

/// The archive's discussions in the order `sort` asks for.
pub fn sorted(archive: &Archive, sort: IndexSort) -> Vec<&Head> {
    sort_discussions(archive.discussions().iter().map(|d| &**d).collect(), sort)
}

/// `discussions` in the order `sort` asks for.
pub fn sort_discussions(mut discussions: Vec<&Head>, sort: IndexSort) -> Vec<&Head> {
    match sort {
        IndexSort::Activity => {
            discussions.sort_by_key(|d| std::cmp::Reverse(d.time_span().map(|(_, last)| last)))
        }
        IndexSort::Comments => discussions.sort_by_key(|d| std::cmp::Reverse(d.comment_count())),
        IndexSort::Top => {
            discussions.sort_by_key(|d| std::cmp::Reverse(d.post().and_then(|p| p.score)))
        }
        IndexSort::New => discussions.sort_by_key(|d| std::cmp::Reverse(d.started_at())),
        IndexSort::Title => discussions.sort_by_cached_key(|d| d.title.to_lowercase()),
    }
    discussions
}

/// Fields: `meta`, `summary`, `discussions` (DiscussionSummary list),
/// `sorts`, `pager`, `diagnostic_count`, `diagnostics_href`, `empty`,
/// `communities` (several), `only` (the one community).
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
    /// The communities, when there are several (on the first page).
    communities: Vec<CommunityRow>,
    /// The one community the archive holds, named.
    only: Option<(String, Option<String>)>,
    /// Every comment in time order, where the site has it.
    timeline: Option<String>,
    /// The years discussions started in, with their pages.
    years: Vec<super::period::Step>,
}

/// A community in the index: name, page, counts and activity.
pub struct CommunityRow {
    pub name: String,
    pub href: Option<String>,
    pub discussions: String,
    pub comments: String,
    pub span: Option<(String, String)>,
    /// Its comments month by month, small.
    pub strip: Option<super::period::Activity>,
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
            sorts: choices(links, &sorts_for(&discussions), q.sort, |sort| {
                Url::Index(IndexQuery {
                    sort,
                    ..IndexQuery::default()
                })
            }),
            discussions: discussions[range]
                .iter()
                .map(|d| DiscussionSummary::new(ctx.archive, d, links))
                .collect(),
            pager,
            communities: if archive.communities().len() > 1 && q.page.get() == 1 {
                archive
                    .communities()
                    .iter()
                    .map(|c| CommunityRow {
                        name: c.community.name(),
                        href: links.exported_href(&Url::community(&c.community)),
                        discussions: thousands(c.discussions.len()),
                        comments: thousands(c.comment_count),
                        span: c.first_at.zip(c.last_at).map(|(a, b)| (day(a), day(b))),
                        strip: {
                            let list: Vec<&Head> = c
                                .discussions
                                .iter()
                                .map(|&i| &*archive.discussions()[i])
                                .collect();
                            super::period::monthly_activity(
                                &list,
                                Some(&c.community),
                                links,
                                (120.0, 20.0),
                            )
                        },
                    })
                    .collect()
            } else {
                Vec::new()
            },
            only: match archive.communities() {
                [one] => Some((
                    one.community.name(),
                    links.exported_href(&Url::community(&one.community)),
                )),
                _ => None,
            },
            timeline: links.exported_href(&Url::Timeline(Default::default())),
            years: super::period::years(&discussions, None, None, links),
            diagnostic_count: archive.diagnostics.len(),
            diagnostics_href: links.href(&Url::Diagnostics),
            empty: archive.discussions().is_empty(),
        })
    }
}
