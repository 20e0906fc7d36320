//! `/r/{sub}` and `/s/{source}`: one community's discussions, sorted and
//! paged, with its activity and its most active authors, and a search box
//! that searches within it.

use askama::Template;

use super::index::{sort_discussions, sorts_for};
use super::page_range;
use crate::model::{Community, CommunityStats, Counted, Head, Span};
use crate::paging::Pages;
use crate::site::Ctx;
use crate::site::error::PageError;
use crate::site::query::{CommunityQuery, SearchQuery, TimelineQuery};
use crate::site::url::Url;
use crate::site::view::{
    Choice, DiscussionSummary, Meta, Pager, choices, count_of, thousands, utc,
};

/// Discussions on one page of a community.
pub const PER_PAGE: usize = 100;
/// Authors in the "most active" list.
const TOP_AUTHORS: usize = 10;

/// One of the most active authors: name, link and comment count.
pub struct ActiveAuthor {
    pub name: String,
    pub href: String,
    pub count: String,
}

/// The authors who wrote most of the comments made in `span` in
/// `community` (None: the whole archive), most first, ties by name: the
/// ten a page lists.
pub fn most_active(
    archive: &crate::model::Archive,
    community: Option<&Community>,
    span: Span,
    links: &crate::site::url::Links,
) -> Result<Vec<ActiveAuthor>, crate::model::Unreadable> {
    Ok(archive
        .most_active(community, span, TOP_AUTHORS)?
        .into_iter()
        .map(|(name, count)| ActiveAuthor {
            href: links.href(&Url::author(&name)),
            name,
            count: thousands(count),
        })
        .collect())
}

/// Fields: `meta`, `name`, `summary`, `span` (first and last activity),
/// `chart` (discussions started over time), `authors`, `search` (the
/// form's action and the filter it starts with, where the site searches),
/// `sorts`, `discussions`, `pager`, `timeline`, `years`; `chart` is the
/// community's activity month by month.
#[derive(Template)]
#[template(path = "community.html")]
pub struct CommunityPage {
    meta: Meta,
    name: String,
    summary: String,
    span: Option<(String, String)>,
    chart: Option<super::period::Activity>,
    authors: Vec<ActiveAuthor>,
    search: Option<(String, String)>,
    sorts: Vec<Choice>,
    discussions: Vec<DiscussionSummary>,
    pager: Pager,
    /// Its comments in time order, where the site has them.
    timeline: Option<String>,
    /// The years its discussions started in, with their pages.
    years: Vec<super::period::Step>,
}

/// The community `community`, or a 404.
pub fn find<'a>(ctx: &'a Ctx, community: &Community) -> Result<&'a CommunityStats, PageError> {
    ctx.archive.community(community).ok_or_else(|| {
        PageError::NotFound(format!(
            "There is no community \"{}\" in this archive.",
            community.name()
        ))
    })
}

/// The search filter that keeps a community: `subreddit:X` or
/// `source:"x.org"`.
pub fn filter(community: &Community) -> String {
    match community {
        Community::Subreddit(sub) => format!("subreddit:{sub}"),
        Community::Source(source) => format!("source:\"{source}\""),
    }
}

impl CommunityPage {
    pub fn build(ctx: &Ctx, stats: &CommunityStats, q: &CommunityQuery) -> Result<Self, PageError> {
        let (archive, links) = (ctx.archive, &ctx.links);
        let community = &stats.community;
        let all: Vec<&Head> = stats
            .discussions
            .iter()
            .map(|&i| &*archive.discussions()[i])
            .collect();
        let sorted = sort_discussions(all.clone(), q.sort);
        let pages = Pages::uniform(sorted.len(), PER_PAGE);
        let range = page_range(&pages, q.page.get())?;
        let url = |query: CommunityQuery| Url::Community {
            community: community.clone(),
            query,
        };
        let pager = Pager::new(&pages, q.page.get(), "discussions", |p| {
            links.href(&url(q.clone()).page(p))
        });
        let name = community.name();
        let summary = format!(
            "{}, {}.",
            count_of(stats.discussions.len(), "discussion", "discussions"),
            count_of(stats.comment_count, "comment", "comments")
        );
        // Discussions started and comments made each month (a bar leads
        // to its month's page), and who wrote most: on the first page only,
        // like a discussion's chart (each reads every comment).
        let first = q.page.get() == 1;
        let chart = first
            .then(|| super::period::monthly_activity(&all, Some(community), links, (600.0, 120.0)))
            .flatten();
        let authors = if first {
            // The whole archive's counts when it is the whole archive.
            let whole = stats.discussions.len() == archive.discussions().len();
            let community = (!whole).then_some(&stats.community);
            most_active(archive, community, Span::Counted(Counted::All), links)?
        } else {
            Vec::new()
        };
        let search_url = Url::Search(SearchQuery::default());
        Ok(CommunityPage {
            meta: Meta::new(
                format!("{name} · threadview"),
                format!("{name}: {summary}"),
                links,
            )
            .paged(&pager),
            summary,
            span: stats
                .first_at
                .zip(stats.last_at)
                .map(|(a, b)| (utc(a), utc(b))),
            chart,
            authors,
            search: links
                .exported_href(&search_url)
                .filter(|_| !links.is_export())
                .map(|action| (action, format!("{} ", filter(community)))),
            sorts: choices(links, &sorts_for(&all), q.sort, |sort| {
                url(CommunityQuery {
                    sort,
                    ..CommunityQuery::default()
                })
            }),
            discussions: sorted[range]
                .iter()
                .map(|d| DiscussionSummary::new(ctx.archive, d, links))
                .collect(),
            pager,
            years: super::period::years(&all, Some(community), None, links),
            timeline: links.exported_href(&Url::Timeline(TimelineQuery {
                community: Some(name.clone()),
                ..TimelineQuery::default()
            })),
            name,
        })
    }
}
