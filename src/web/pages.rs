//! The HTML pages of the archive and its discussions.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::chart::{self, Chart};
use super::error::AppError;
use super::params::{IndexQuery, IndexSort, Params, Segments, ThreadLayout, ThreadQuery};
use super::view::{
    self, Choice, CommentView, DiscussionSummary, Meta, Participant, discussion_path, with_query,
};
use super::{AppState, find_discussion};
use crate::markdown;
use crate::model::Discussion;
use crate::search::Query;
use crate::thread::{self, Filter, Layout, Selection, SortOrder};

pub type Page = Result<Html<String>, AppError>;

/// Fields: `meta`, `discussions`, `sorts`, `comment_count`, `diagnostic_count`.
#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    meta: Meta,
    discussions: Vec<DiscussionSummary>,
    sorts: Vec<Choice>,
    comment_count: usize,
    diagnostic_count: usize,
}

pub async fn index(State(state): State<Arc<AppState>>, Params(q): Params<IndexQuery>) -> Page {
    let archive = state.archive();
    let mut discussions: Vec<&Discussion> = archive.discussions().iter().map(|d| &**d).collect();
    match q.sort {
        IndexSort::Activity => {
            discussions.sort_by_key(|d| std::cmp::Reverse(d.time_span().map(|(_, last)| last)))
        }
        IndexSort::Comments => discussions.sort_by_key(|d| std::cmp::Reverse(d.comments().len())),
        IndexSort::Title => discussions.sort_by_cached_key(|d| d.title.to_lowercase()),
    }
    let sorts = IndexSort::ALL
        .iter()
        .map(|&s| {
            let label = match s {
                IndexSort::Activity => "latest activity",
                IndexSort::Comments => "most comments",
                IndexSort::Title => "title",
            };
            let value = (s != IndexSort::default()).then_some(s.as_str());
            Choice::new(
                label,
                with_query("/".into(), &[("sort", value)]),
                s == q.sort,
            )
        })
        .collect();
    let comment_count = archive.comment_count();
    let page = IndexPage {
        meta: Meta::new(
            "Discussions · threadview",
            format!(
                "An archive of {} discussions with {comment_count} comments.",
                discussions.len()
            ),
        ),
        discussions: discussions
            .into_iter()
            .map(DiscussionSummary::new)
            .collect(),
        sorts,
        comment_count,
        diagnostic_count: archive.diagnostics.len(),
    };
    Ok(Html(page.render()?))
}

/// The article shown above its comments.
pub struct Article {
    pub title: String,
    pub source: Option<String>,
    pub submitter: Option<String>,
    pub submitter_href: Option<String>,
    pub body_html: String,
    pub comment_count: usize,
    pub href: String,
}

impl Article {
    fn new(d: &Discussion) -> Self {
        Article {
            title: d.title.clone(),
            source: d.source.clone(),
            submitter: d.submitter.clone(),
            submitter_href: d.submitter.as_deref().map(view::author_url),
            body_html: markdown::to_html(&d.body),
            comment_count: d.comments().len(),
            href: discussion_path(&d.id),
        }
    }
}

/// Fields: `meta`, `article`, `chart`, `views`, `sorts`, `depths`,
/// `participants`, `author` (the filter), `search` (the `q` filter),
/// `heading`, `clear_href`, `flat`, `comments` (a tree in display order, or
/// a flat list).
#[derive(Template)]
#[template(path = "discussion.html")]
struct DiscussionPage {
    meta: Meta,
    article: Article,
    chart: Option<Chart>,
    views: Vec<Choice>,
    sorts: Vec<Choice>,
    depths: Vec<Choice>,
    participants: Vec<Participant>,
    author: Option<String>,
    search: Option<String>,
    sort: String,
    timeline: bool,
    heading: String,
    /// The same view without its author and search filters.
    clear_href: Option<String>,
    flat: bool,
    comments: Vec<CommentView>,
}

/// The comments a thread view asks for; an author without comments here is
/// a 404.
pub fn select(
    d: &Discussion,
    q: &ThreadQuery,
    search: Option<&Query>,
) -> Result<Selection, AppError> {
    if let Some(author) = &q.author
        && !d.comments().iter().any(|c| *c.author == **author)
    {
        return Err(AppError::NotFound(format!(
            "\"{author}\" has no comments in this discussion."
        )));
    }
    Ok(thread::select(
        d,
        &Filter {
            sort: q.sort,
            author: q.author.as_deref(),
            query: search,
            timeline: q.view == ThreadLayout::Timeline,
        },
    ))
}

/// The URL of a discussion view with the given parameters.
struct ViewUrl<'a> {
    id: &'a str,
    sort: SortOrder,
    author: Option<&'a str>,
    timeline: bool,
    depth: Option<usize>,
    q: Option<&'a str>,
}

impl ViewUrl<'_> {
    fn href(&self) -> String {
        let depth = self.depth.map(|d| d.to_string());
        with_query(
            discussion_path(self.id),
            &[
                ("view", self.timeline.then_some("timeline")),
                (
                    "sort",
                    (self.sort != SortOrder::default()).then_some(self.sort.as_str()),
                ),
                ("author", self.author),
                ("depth", depth.as_deref()),
                ("q", self.q),
            ],
        )
    }
}

fn participants(d: &Discussion, url: &ViewUrl) -> Vec<Participant> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in d.comments() {
        *counts.entry(&c.author).or_default() += 1;
    }
    let mut list: Vec<Participant> = counts
        .into_iter()
        .map(|(name, count)| Participant {
            name: name.to_owned(),
            count,
            is_op: d.is_op(name),
            href: ViewUrl {
                author: Some(name),
                depth: None,
                ..*url
            }
            .href(),
            current: url.author == Some(name),
        })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    list
}

/// The activity chart of a discussion: each bar links to its first comment
/// in the timeline.
fn discussion_chart(d: &Discussion) -> Option<Chart> {
    let timeline = ViewUrl {
        id: &d.id,
        sort: SortOrder::Old,
        author: None,
        timeline: true,
        depth: None,
        q: None,
    }
    .href();
    let mut points: Vec<_> = d
        .comments()
        .iter()
        .filter_map(|c| Some((c.posted_at?, format!("{timeline}#c-{}", c.id))))
        .collect();
    points.sort_by_key(|(t, _)| *t);
    chart::histogram(&points)
}

pub async fn discussion(
    State(state): State<Arc<AppState>>,
    Segments(id): Segments<String>,
    Params(q): Params<ThreadQuery>,
) -> Page {
    let archive = state.archive();
    let d = find_discussion(&archive, &id)?;
    let search = q.search()?;
    let selection = select(d, &q, search.as_ref())?;
    let timeline = q.view == ThreadLayout::Timeline;
    let flat = selection.layout == Layout::Flat;
    let comments = if flat {
        view::flat(d, &selection.order, search.as_ref())
    } else {
        view::tree(d, &selection.order, q.depth, search.as_ref())
    };
    let url = ViewUrl {
        id: &d.id,
        sort: q.sort,
        author: q.author.as_deref(),
        timeline,
        depth: q.depth,
        q: search.as_ref().map(Query::as_str),
    };
    let views = [(false, "thread"), (true, "timeline")]
        .into_iter()
        .map(|(t, label)| {
            let href = ViewUrl {
                timeline: t,
                sort: if t {
                    SortOrder::Old
                } else {
                    SortOrder::Original
                },
                depth: None,
                ..url
            }
            .href();
            Choice::new(label, href, t == timeline)
        })
        .collect();
    let sorts = SortOrder::ALL
        .iter()
        .filter(|&&s| !timeline || matches!(s, SortOrder::Old | SortOrder::New))
        .map(|&s| {
            let label = match s {
                SortOrder::Original => "original",
                SortOrder::New => "newest",
                SortOrder::Old => "oldest",
                SortOrder::Author => "author",
            };
            let current =
                s == q.sort || (timeline && s == SortOrder::Old && q.sort == SortOrder::Original);
            Choice::new(label, ViewUrl { sort: s, ..url }.href(), current)
        })
        .collect();
    let depths = if flat {
        Vec::new()
    } else {
        [None, Some(1), Some(2), Some(3)]
            .into_iter()
            .map(|depth| {
                let label = depth.map_or("all".to_owned(), |n| n.to_string());
                Choice::new(label, ViewUrl { depth, ..url }.href(), depth == q.depth)
            })
            .collect()
    };
    let noun = if timeline { "Timeline" } else { "Comments" };
    let heading = match (&q.author, &search) {
        (Some(author), _) => format!("{noun} by {author} ({})", comments.len()),
        (None, Some(search)) => format!(
            "{noun} matching “{}” ({})",
            search.as_str(),
            comments.iter().filter(|c| c.matched).count()
        ),
        (None, None) => format!("{noun} ({})", d.comments().len()),
    };
    let clear_href = (q.author.is_some() || search.is_some()).then(|| {
        ViewUrl {
            author: None,
            q: None,
            ..url
        }
        .href()
    });
    let meta = Meta::new(
        match &q.author {
            Some(author) => format!("{author} in “{}” · threadview", d.title),
            None => format!("{} · threadview", d.title),
        },
        if d.body.is_empty() {
            format!("{} comments", d.comments().len())
        } else {
            d.body.clone()
        },
    );
    let page = DiscussionPage {
        meta,
        article: Article::new(d),
        chart: discussion_chart(d),
        participants: participants(d, &url),
        views,
        sorts,
        depths,
        author: q.author.clone(),
        search: search.as_ref().map(|s| s.as_str().to_owned()),
        sort: q.sort.as_str().to_owned(),
        timeline,
        heading,
        clear_href,
        flat,
        comments,
    };
    Ok(Html(page.render()?))
}

/// At most this many parents are shown above a comment: the top-level one
/// and the nearest others.
const MAX_CONTEXT: usize = 8;

/// Fields: `meta`, `article`, `context` (the chain of parents, outermost
/// first), `context_gap` (parents left out after the first, in a deep
/// thread), `comments` (the comment, highlighted, with its replies, as a
/// tree), `in_thread`, `author`.
#[derive(Template)]
#[template(path = "comment.html")]
struct CommentPage {
    meta: Meta,
    article: Article,
    context: Vec<CommentView>,
    context_gap: usize,
    comments: Vec<CommentView>,
    in_thread: String,
    author: String,
}

pub async fn comment(
    State(state): State<Arc<AppState>>,
    Segments((id, comment_id)): Segments<(String, String)>,
    Params(q): Params<ThreadQuery>,
) -> Page {
    let archive = state.archive();
    let d = find_discussion(&archive, &id)?;
    let index = d.find(&comment_id).ok_or_else(|| {
        AppError::NotFound(format!(
            "There is no comment \"{comment_id}\" in \"{}\".",
            d.title
        ))
    })?;
    let mut chain = d.ancestors(index);
    let context_gap = chain.len().saturating_sub(MAX_CONTEXT);
    if context_gap > 0 {
        chain.drain(1..1 + context_gap);
    }
    let context = view::flat(d, &chain, None);
    let order = thread::display_order(d, &[index], q.sort);
    let mut comments = view::tree(d, &order, q.depth, None);
    comments[0].highlighted = true;
    let c = &d.comments()[index];
    let page = CommentPage {
        meta: Meta::new(
            format!("{} on “{}” · threadview", c.author, d.title),
            &c.body,
        ),
        article: Article::new(d),
        context,
        context_gap,
        in_thread: comments[0].in_thread.clone(),
        author: c.author.to_string(),
        comments,
    };
    Ok(Html(page.render()?))
}

pub async fn not_found() -> AppError {
    AppError::NotFound("There is no page at this address.".to_owned())
}
