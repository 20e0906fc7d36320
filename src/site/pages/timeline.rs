//! `/timeline`: every comment of the archive in time order, oldest first,
//! or those of one community or of a period; each with its discussion and
//! what it replies to. A date form (no script) opens the page that holds a
//! moment.

use askama::Template;

use super::page_range;
use crate::model::Community;
use crate::site::Ctx;
use crate::site::error::PageError;
use crate::site::query::{Day, TimelineQuery};
use crate::site::time_pages::Selection;
use crate::site::url::Url;
use crate::site::view::{ListItem, Meta, Pager, count_of};

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
        let selection = Selection {
            community: community.clone(),
            after: q.after,
            before: q.before,
            per_page: None,
        };
        let timeline = derived.timeline(archive, &selection)?;
        let pages = &timeline.pages;
        // `at`: the page holding the first comment of that day (or the
        // last page, when the day is after them all).
        let page = match q.at {
            Some(day) => timeline.page_at(archive, day.start().timestamp())?,
            None => q.page.get(),
        };
        // (A page past the last is not found.)
        page_range(pages, page)?;
        let url = |page| Url::Timeline(q.clone()).page(page);
        let pager = Pager::new(pages, page, "comments", |p| links.href(&url(p)));
        let items = super::author::items(ctx, &timeline.page(archive, page)?)?;
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
            count_of(timeline.comment_count(), "comment", "comments")
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
