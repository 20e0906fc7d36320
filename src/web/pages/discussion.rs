//! `/d/{id}`: the article and its comments, threaded or flat, filtered,
//! sorted and paged.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use super::{PageResult, find_discussion, page_range, render, require_author};
use crate::model::Discussion;
use crate::search::Query;
use crate::thread::{Filter, Layout, SortOrder};
use crate::web::AppState;
use crate::web::chart::{self, Chart};
use crate::web::derived::Derived;
use crate::web::error::AppError;
use crate::web::query::{Params, Segments, ThreadLayout, ThreadQuery};
use crate::web::url::{self, Url};
use crate::web::view::{
    Article, Choice, Labelled, ListItem, Meta, Pager, TreePages, TreeView, choices,
};

/// Participants listed by name; the rest are counted.
const MAX_PARTICIPANTS: usize = 30;

impl Labelled for ThreadLayout {
    const ALL: &'static [Self] = &[ThreadLayout::Thread, ThreadLayout::Timeline];

    fn label(self) -> &'static str {
        match self {
            ThreadLayout::Thread => "thread",
            ThreadLayout::Timeline => "timeline",
        }
    }
}

/// An author's comment count within a discussion.
pub struct Participant {
    pub name: String,
    pub count: usize,
    pub is_op: bool,
    pub href: String,
    pub current: bool,
}

/// A page of comments: a tree, or a flat list.
pub enum Comments {
    Tree(TreeView),
    Flat(Vec<ListItem>),
}

/// The "find in this discussion" form: the view's other parameters ride
/// along as hidden fields.
pub struct NarrowForm {
    pub action: String,
    pub hidden: Vec<(&'static str, String)>,
    pub value: String,
}

/// Fields: `meta`, `article`, `chart`, `views`, `sorts`, `depths`,
/// `participants`, `more_participants`, `heading`, `clear_href`, `form`,
/// `pager`, `comments`, `searching`, `indexed`.
#[derive(Template)]
#[template(path = "discussion.html")]
pub struct DiscussionPage {
    meta: Meta,
    article: Article,
    chart: Arc<Option<Chart>>,
    views: Vec<Choice>,
    sorts: Vec<Choice>,
    depths: Vec<Choice>,
    participants: Vec<Participant>,
    more_participants: usize,
    heading: String,
    /// The same view without its author and search filters.
    clear_href: Option<String>,
    /// Absent where the site cannot search (an export).
    form: Option<NarrowForm>,
    pager: Pager,
    comments: Comments,
    searching: bool,
    /// An export's thread pages are what its search indexes.
    indexed: bool,
}

fn participants(d: &Discussion, q: &ThreadQuery, derived: &Derived) -> (Vec<Participant>, usize) {
    let list = derived.participants(d);
    let more = list.len().saturating_sub(MAX_PARTICIPANTS);
    let shown = list
        .iter()
        .take(MAX_PARTICIPANTS)
        .map(|(name, count)| (name.as_str(), *count))
        .map(|(name, count)| Participant {
            name: name.to_owned(),
            count,
            is_op: d.is_op(name),
            // An export holds no filtered views: the author's own page.
            href: Url::thread(
                &d.id,
                ThreadQuery {
                    author: Some(name.to_owned()),
                    depth: None,
                    page: Default::default(),
                    ..q.clone()
                },
            )
            .exported_href()
            .unwrap_or_else(|| Url::author(name).href()),
            current: q.author.as_deref() == Some(name),
        })
        .collect();
    (shown, more)
}

/// The activity chart: each bar opens the timeline page that holds its
/// first comment.
fn activity_chart(d: &Discussion, derived: &Derived) -> Option<Chart> {
    let paged = derived.order(
        d,
        &Filter {
            timeline: true,
            ..Filter::default()
        },
    );
    let (timeline, pages) = (&paged.order, &paged.pages);
    // Unknown times sort last in the timeline: the known ones come first.
    let times: Vec<_> = timeline
        .iter()
        .map_while(|&i| d.comments()[i].posted_at)
        .collect();
    chart::histogram(&times, |at| {
        Url::thread(&d.id, ThreadQuery::layout(ThreadLayout::Timeline))
            .page(pages.page_of(at))
            .at(d.comments()[timeline[at]].id.as_str())
    })
}

impl DiscussionPage {
    pub fn build(d: &Discussion, q: &ThreadQuery, derived: &Derived) -> Result<Self, AppError> {
        let search = q
            .search()
            .map_err(|e| e.searching_at(Url::discussion(&d.id).href()))?;
        require_author(d, q.author.as_deref())?;
        let timeline = q.view == ThreadLayout::Timeline;
        let paged = derived.order(
            d,
            &Filter {
                sort: q.sort,
                author: q.author.as_deref(),
                query: search.as_ref(),
                timeline,
            },
        );
        let flat = paged.layout == Layout::Flat;
        let (order, pages) = (&paged.order, &paged.pages);
        let page = q.page.get();
        let range = page_range(pages, page)?;
        let url = |page| Url::thread(&d.id, q.clone()).page(page);
        let comments = if flat {
            let thread = derived.thread(d);
            Comments::Flat(
                order[range]
                    .iter()
                    .map(|&i| ListItem::new(d, i, search.as_ref(), &thread))
                    .collect(),
            )
        } else {
            let tree = TreePages {
                d,
                order,
                pages,
                base: 0,
                top_level: true,
                url,
            };
            Comments::Tree(tree.tree(range, q.depth, search.as_ref()))
        };
        // A search shows its matches with their parents.
        let noun = if search.is_some() {
            "comments shown"
        } else {
            "comments"
        };
        let pager = Pager::new(pages, page, noun, |p| url(p).href());
        // What sums up the discussion (who took part, when) is on each
        // view's first page, like the article's body: not repeated on every
        // page of a long thread (or of an export).
        let first = page == 1;
        let (participants, more_participants) = if first {
            participants(d, q, derived)
        } else {
            (Vec::new(), 0)
        };
        let filtered = |query: ThreadQuery| Url::thread(&d.id, query);
        let sort_options: &[SortOrder] = if timeline {
            &[SortOrder::Old, SortOrder::New]
        } else {
            &SortOrder::ALL
        };
        Ok(DiscussionPage {
            meta: meta(d, q).paged(&pager),
            // The body is on the first page only: a long article must not
            // weigh on every page of its thread.
            article: if page == 1 {
                Article::new(d).with_body(d)
            } else {
                Article::new(d)
            },
            chart: if first {
                derived.chart(d, || activity_chart(d, derived))
            } else {
                Arc::new(None)
            },
            views: choices(ThreadLayout::ALL, q.view, |view| {
                filtered(ThreadQuery {
                    view,
                    author: q.author.clone(),
                    q: q.q.clone(),
                    ..ThreadQuery::default()
                })
            }),
            sorts: choices(sort_options, q.effective_sort(), |sort| {
                // A timeline is oldest first unless told otherwise.
                let sort = match sort {
                    SortOrder::Old if timeline => SortOrder::Original,
                    other => other,
                };
                filtered(ThreadQuery {
                    sort,
                    page: Default::default(),
                    ..q.clone()
                })
            }),
            depths: if flat {
                Vec::new()
            } else {
                [None, Some(1), Some(2), Some(3)]
                    .into_iter()
                    .filter_map(|depth| {
                        let href = filtered(ThreadQuery { depth, ..q.clone() }).exported_href()?;
                        let label = depth.map_or("all".to_owned(), |n| n.to_string());
                        Some(Choice::new(label, href, depth == q.depth))
                    })
                    .collect()
            },
            participants,
            more_participants,
            heading: heading(d, q, search.as_ref(), order),
            clear_href: (q.author.is_some() || search.is_some()).then(|| {
                filtered(ThreadQuery {
                    author: None,
                    q: None,
                    page: Default::default(),
                    ..q.clone()
                })
                .href()
            }),
            form: Url::thread(
                &d.id,
                ThreadQuery {
                    q: Some(String::new()),
                    ..ThreadQuery::default()
                },
            )
            .exported()
            .then(|| NarrowForm {
                action: Url::discussion(&d.id).href(),
                hidden: [
                    ("view", timeline.then(|| "timeline".to_owned())),
                    (
                        "sort",
                        (q.sort != SortOrder::default()).then(|| q.sort.as_str().to_owned()),
                    ),
                    ("author", q.author.clone()),
                ]
                .into_iter()
                .filter_map(|(name, value)| Some((name, value?)))
                .collect(),
                value: search
                    .as_ref()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            }),
            pager,
            comments,
            searching: search.is_some(),
            indexed: url::is_export() && !timeline,
        })
    }
}

fn heading(d: &Discussion, q: &ThreadQuery, search: Option<&Query>, order: &[usize]) -> String {
    let noun = match q.view {
        ThreadLayout::Timeline => "Timeline",
        ThreadLayout::Thread => "Comments",
    };
    let count = |n: usize| crate::web::view::thousands(n);
    match (&q.author, search) {
        (Some(author), _) => format!("{noun} by {author} ({})", count(order.len())),
        (None, Some(search)) => format!(
            "{noun} matching “{}” ({})",
            search.as_str(),
            count(
                order
                    .iter()
                    .filter(|&&i| search.matches_comment(&d.comments()[i]))
                    .count()
            )
        ),
        (None, None) => format!("{noun} ({})", count(d.comments().len())),
    }
}

fn meta(d: &Discussion, q: &ThreadQuery) -> Meta {
    Meta::new(
        match &q.author {
            Some(author) => format!("{author} in “{}” · threadview", d.title),
            None => format!("{} · threadview", d.title),
        },
        if d.body.is_empty() {
            format!("{} comments", d.comments().len())
        } else {
            d.body.clone()
        },
    )
}

pub async fn handler(
    State(state): State<Arc<AppState>>,
    Segments(id): Segments<String>,
    Params(q): Params<ThreadQuery>,
) -> PageResult {
    let archive = state.archive();
    let d = find_discussion(&archive, &id)?;
    render(DiscussionPage::build(d, &q, archive.derived())?)
}
