//! The HTML pages.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::AppState;
use super::error::AppError;
use super::params::{IndexQuery, IndexSort, Params, ThreadQuery};
use super::view::{self, Choice, CommentView, DiscussionSummary, Participant, discussion_url};
use crate::markdown;
use crate::model::Discussion;
use crate::thread::{self, SortOrder};

type Page = Result<Html<String>, AppError>;

/// Fields: `discussions`, `sorts`, `comment_count`.
#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    discussions: Vec<DiscussionSummary>,
    sorts: Vec<Choice>,
    comment_count: usize,
}

pub async fn index(State(state): State<Arc<AppState>>, Params(q): Params<IndexQuery>) -> Page {
    let mut discussions: Vec<&Discussion> = state.archive.discussions().iter().collect();
    match q.sort {
        IndexSort::Activity => {
            discussions.sort_by_key(|d| std::cmp::Reverse(d.time_span().map(|(_, last)| last)))
        }
        IndexSort::Comments => discussions.sort_by_key(|d| std::cmp::Reverse(d.comments().len())),
        IndexSort::Title => discussions.sort_by_cached_key(|d| d.title.to_lowercase()),
    }
    let sorts = IndexSort::ALL
        .iter()
        .map(|&s| Choice {
            label: match s {
                IndexSort::Activity => "latest activity",
                IndexSort::Comments => "most comments",
                IndexSort::Title => "title",
            }
            .to_owned(),
            href: match s {
                IndexSort::Activity => "/".to_owned(),
                _ => format!("/?sort={}", s.as_str()),
            },
            current: s == q.sort,
        })
        .collect();
    let page = IndexPage {
        discussions: discussions
            .into_iter()
            .map(DiscussionSummary::new)
            .collect(),
        sorts,
        comment_count: state.archive.comment_count(),
    };
    Ok(Html(page.render()?))
}

/// The article shown above its comments.
struct Article {
    title: String,
    source: Option<String>,
    submitter: Option<String>,
    body_html: String,
    comment_count: usize,
    href: String,
}

impl Article {
    fn new(d: &Discussion) -> Self {
        Article {
            title: d.title.clone(),
            source: d.source.clone(),
            submitter: d.submitter.clone(),
            body_html: markdown::to_html(&d.body),
            comment_count: d.comments().len(),
            href: discussion_url(&d.id, SortOrder::Original, None),
        }
    }
}

/// Fields: `article`, `sorts`, `participants`, `author` (the filter, if
/// any), `comments` (a tree, or a flat list when filtered by author).
#[derive(Template)]
#[template(path = "discussion.html")]
struct DiscussionPage {
    article: Article,
    sorts: Vec<Choice>,
    participants: Vec<Participant>,
    author: Option<String>,
    comments: Vec<CommentView>,
}

/// The comments a thread view shows, in display order: the whole tree, or
/// with `?author=` that author's comments as one flat list.
pub fn thread_view(d: &Discussion, q: &ThreadQuery) -> Result<Vec<usize>, AppError> {
    match &q.author {
        None => Ok(thread::thread_order(d, q.sort)),
        Some(author) => {
            let mut order: Vec<usize> = (0..d.comments().len())
                .filter(|&i| &d.comments()[i].author == author)
                .collect();
            if order.is_empty() {
                return Err(AppError::NotFound(format!(
                    "\"{author}\" has no comments in this discussion."
                )));
            }
            // The author's comments as one list of siblings.
            thread::sort_siblings(d, &mut order, q.sort);
            Ok(order)
        }
    }
}

fn participants(d: &Discussion, current: Option<&str>, sort: SortOrder) -> Vec<Participant> {
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
            href: discussion_url(&d.id, sort, Some(name)),
            current: current == Some(name),
        })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    list
}

pub async fn discussion(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Params(q): Params<ThreadQuery>,
) -> Page {
    let d = state.discussion(&id)?;
    let order = thread_view(d, &q)?;
    let comments = match q.author {
        None => view::tree(d, &order),
        Some(_) => view::flat(d, &order),
    };
    let sorts = SortOrder::ALL
        .iter()
        .map(|&s| Choice {
            label: match s {
                SortOrder::Original => "original",
                SortOrder::New => "newest",
                SortOrder::Old => "oldest",
                SortOrder::Author => "author",
            }
            .to_owned(),
            href: discussion_url(&d.id, s, q.author.as_deref()),
            current: s == q.sort,
        })
        .collect();
    let page = DiscussionPage {
        article: Article::new(d),
        sorts,
        participants: participants(d, q.author.as_deref(), q.sort),
        author: q.author,
        comments,
    };
    Ok(Html(page.render()?))
}

/// Fields: `article`, `context` (the chain of parents, outermost first),
/// `comments` (the comment, highlighted, with its replies).
#[derive(Template)]
#[template(path = "comment.html")]
struct CommentPage {
    article: Article,
    context: Vec<CommentView>,
    comments: Vec<CommentView>,
    in_thread: String,
    author: String,
}

pub async fn comment(
    State(state): State<Arc<AppState>>,
    Path((id, comment_id)): Path<(String, String)>,
    Params(q): Params<ThreadQuery>,
) -> Page {
    let d = state.discussion(&id)?;
    let index = d.find(&comment_id).ok_or_else(|| {
        AppError::NotFound(format!(
            "There is no comment \"{comment_id}\" in \"{}\".",
            d.title
        ))
    })?;
    let context = view::flat(d, &d.ancestors(index));
    let mut comments = view::tree(d, &thread::display_order(d, &[index], q.sort));
    comments[0].highlighted = true;
    let page = CommentPage {
        article: Article::new(d),
        context,
        in_thread: comments[0].in_thread.clone(),
        author: comments[0].author.clone(),
        comments,
    };
    Ok(Html(page.render()?))
}

pub async fn not_found() -> AppError {
    AppError::NotFound("There is no page at this address.".to_owned())
}
