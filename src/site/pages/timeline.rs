//! `/timeline`: every comment of the archive in time order, oldest first,
//! or those of one community or of a period; each with its discussion and
//! what it replies to. A date form (no script) opens the page that holds a
//! moment.

use askama::Template;

use super::author::comment_pages;
use super::page_range;
use crate::model::{Archive, Community, Timed};
use crate::site::Ctx;
use crate::site::error::PageError;
use crate::site::query::{AuthorLayout, Day, TimelineQuery};
use crate::site::url::Url;
use crate::site::view::{ListItem, Meta, Pager, count_of};

/// The comments of the archive that `q` keeps, in time order: those of
/// its community, from `after` on and before `before`.
pub fn comments<'a>(
    archive: &'a Archive,
    community: Option<&Community>,
    after: Option<Day>,
    before: Option<Day>,
) -> Result<std::borrow::Cow<'a, [Timed]>, PageError> {
    let all = archive.by_time()?;
    // Comments without a time sort last: a period's range stops before them.
    let start = after.map_or(0, |day| {
        all.partition_point(|t| t.posted_at().is_some_and(|t| t < day.start()))
    });
    let end = before.map_or(all.len(), |day| {
        all.partition_point(|t| t.posted_at().is_some_and(|t| t < day.start()))
    });
    let slice = &all[start..end.max(start)];
    let Some(community) = community else {
        return Ok(std::borrow::Cow::Borrowed(slice));
    };
    let stats = archive.community(community).ok_or_else(|| {
        PageError::NotFound(format!(
            "There is no community \"{}\" in this archive.",
            community.name()
        ))
    })?;
    let mut member = vec![false; archive.discussions().len()];
    for &i in &stats.discussions {
        member[i] = true;
    }
    Ok(std::borrow::Cow::Owned(
        slice
            .iter()
            .copied()
            .filter(|t| member[t.at.discussion()])
            .collect(),
    ))
}

/// Fields: `meta`, `heading`, `summary`, `form` (the date form's action
/// and its hidden fields), `at` (the day asked for), `comments`, `pager`.
#[derive(Template)]
#[template(path = "timeline.html")]
pub struct TimelinePage {
    meta: Meta,
    heading: String,
    summary: String,
    form: (String, Vec<(String, String)>),
    at: String,
    comments: Vec<ListItem>,
    pager: Pager,
}

impl TimelinePage {
    pub fn build(ctx: &Ctx, q: &TimelineQuery) -> Result<Self, PageError> {
        let (archive, derived, links) = (ctx.archive, ctx.derived, &ctx.links);
        let community = q.community.as_deref().map(Community::parse);
        let refs = comments(archive, community.as_ref(), q.after, q.before)?;
        let whole = community.is_none() && q.after.is_none() && q.before.is_none();
        let owned;
        let pages = if whole {
            derived.timeline_pages(|| comment_pages(&refs, AuthorLayout::Comments))
        } else {
            owned = comment_pages(&refs, AuthorLayout::Comments);
            &owned
        };
        // `at`: the page holding the first comment of that day (or the
        // last page, when the day is after them all).
        let page = match q.at {
            Some(day) => {
                let position =
                    refs.partition_point(|t| t.posted_at().is_some_and(|t| t < day.start()));
                pages.page_of(position.min(refs.len().saturating_sub(1)))
            }
            None => q.page.get(),
        };
        let range = page_range(pages, page)?;
        let url = |page| Url::Timeline(q.clone()).page(page);
        let pager = Pager::new(pages, page, "comments", |p| links.href(&url(p)));
        let items = super::author::items(ctx, &refs[range])?;
        let mut heading = "Every comment, in time order".to_owned();
        if let Some(community) = &community {
            heading.push_str(&format!(" in {}", community.name()));
        }
        let period = match (q.after, q.before) {
            (Some(a), Some(b)) => format!(", from {} to before {}", day(a), day(b)),
            (Some(a), None) => format!(", from {} on", day(a)),
            (None, Some(b)) => format!(", before {}", day(b)),
            (None, None) => String::new(),
        };
        let summary = format!(
            "{}{period}, oldest first. Times are UTC.",
            count_of(refs.len(), "comment", "comments")
        );
        let mut hidden = Vec::new();
        for (name, value) in [
            ("community", q.community.clone()),
            ("after", q.after.map(day)),
            ("before", q.before.map(day)),
        ] {
            if let Some(value) = value {
                hidden.push((name.to_owned(), value));
            }
        }
        let action = links.href(&Url::Timeline(TimelineQuery::default()));
        Ok(TimelinePage {
            meta: Meta::new(format!("{heading} · threadview"), &summary, links).paged(&pager),
            heading,
            summary,
            form: (action, hidden),
            at: q.at.map(day).unwrap_or_default(),
            comments: items,
            pager,
        })
    }
}

fn day(day: Day) -> String {
    day.0.format("%Y-%m-%d").to_string()
}
