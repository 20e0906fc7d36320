//! `/d/{id}`: the article and its comments, threaded or flat, filtered,
//! sorted and paged.

use std::sync::Arc;

use askama::Template;

use super::{page_range, require_author};
use crate::model::Discussion;
use crate::search::Query;
use crate::site::Ctx;
use crate::site::chart::{self, Chart};
use crate::site::derived::{Derived, PagedOrder};
use crate::site::error::PageError;
use crate::site::query::{ThreadLayout, ThreadQuery};
use crate::site::url::{Links, Url};
use crate::site::view::{
    Article, Choice, Labelled, ListItem, Meta, Pager, TreePages, TreeView, choices, preview,
};
use crate::thread::{self, Filter, Layout, SortOrder};

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
    pub hidden: Vec<(String, String)>,
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
    /// Its comments have scores (the page says they are as archived).
    scores: bool,
}

/// Who took part, for the view `q` (the first 30 by name, and how many
/// more).
fn participants(
    d: &Discussion,
    q: &ThreadQuery,
    derived: &Derived,
    links: &Links,
) -> (Vec<Participant>, usize) {
    let list = derived.participants(d);
    let more = list.len().saturating_sub(MAX_PARTICIPANTS);
    let shown = list
        .iter()
        .take(MAX_PARTICIPANTS)
        .map(|(name, count)| {
            let filtered = Url::thread(
                &d.id,
                ThreadQuery {
                    author: Some(name.to_owned()),
                    depth: None,
                    page: Default::default(),
                    ..q.clone()
                },
            );
            Participant {
                name: name.to_owned(),
                count: *count,
                is_op: d.is_op(name),
                // An export holds no filtered views: the author's own page.
                href: links
                    .exported_href(&filtered)
                    .unwrap_or_else(|| links.href(&Url::author(name))),
                current: q.author.as_deref() == Some(name.as_str()),
            }
        })
        .collect();
    (shown, more)
}

/// The activity chart: each bar opens the timeline page that holds its
/// first comment; where the site has no timeline of the thread (an
/// export's short thread), the thread page that shows it.
fn activity_chart(d: &Discussion, derived: &Derived, links: &Links) -> Option<Chart> {
    let paged = derived.order(d, &Filter::default_view(d, true));
    let (timeline, pages) = (&paged.order, &paged.pages);
    // Unknown times sort last in the timeline: the known ones come first.
    let times: Vec<_> = timeline
        .iter()
        .map_while(|&i| d.comments()[i].posted_at)
        .collect();
    let url = |page| Url::thread(&d.id, ThreadQuery::layout(ThreadLayout::Timeline)).page(page);
    let thread = (!links.holds(&url(1))).then(|| derived.thread(d));
    chart::histogram(&times, |at| match &thread {
        Some(thread) => crate::site::view::in_thread(d, thread, timeline[at], links),
        None => links.at(
            &url(pages.page_of(at)),
            d.comments()[timeline[at]].id.as_str(),
        ),
    })
}

/// What one page of a view is made from.
struct View<'a> {
    ctx: &'a Ctx<'a>,
    d: &'a Discussion,
    q: &'a ThreadQuery,
    search: Option<Query>,
    paged: Arc<PagedOrder>,
}

impl View<'_> {
    fn links(&self) -> &Links<'_> {
        &self.ctx.links
    }

    fn timeline(&self) -> bool {
        self.q.view == ThreadLayout::Timeline
    }

    fn url(&self, query: ThreadQuery) -> Url {
        Url::thread(&self.d.id, query)
    }

    /// The page's comments: a tree, or a flat list (a timeline, an author).
    fn comments(&self, range: std::ops::Range<usize>) -> Comments {
        let (d, links, search) = (self.d, self.links(), self.search.as_ref());
        let (order, pages) = (&self.paged.order, &self.paged.pages);
        if self.paged.layout == Layout::Flat {
            let thread = self.ctx.derived.thread(d);
            return Comments::Flat(
                order[range]
                    .iter()
                    .map(|&i| ListItem::new(d, i, search, &thread, self.ctx.archive, links))
                    .collect(),
            );
        }
        let tree = TreePages {
            links,
            archive: self.ctx.archive,
            d,
            order,
            pages,
            base: 0,
            top_level: true,
            url: |page| self.url(self.q.clone()).page(page),
        };
        Comments::Tree(tree.tree(range, self.q.depth, search))
    }

    /// The menus: layout, sort and (for a tree) open levels.
    fn menus(&self) -> [Vec<Choice>; 3] {
        let (q, links, timeline) = (self.q, self.links(), self.timeline());
        let views = choices(links, ThreadLayout::ALL, q.view, |view| {
            self.url(ThreadQuery {
                view,
                author: q.author.clone(),
                q: q.q.clone(),
                ..ThreadQuery::default()
            })
        });
        let d = self.d;
        let sort_options = if timeline {
            vec![SortOrder::Old, SortOrder::New]
        } else {
            thread::sort_options(d)
        };
        // The discussion's own order has the address without `?sort=`.
        let default = ThreadQuery {
            view: q.view,
            ..ThreadQuery::default()
        }
        .effective_sort(d);
        let mut sorts = choices(links, &sort_options, q.effective_sort(d), |sort| {
            self.url(ThreadQuery {
                sort: (sort != default).then_some(sort),
                page: Default::default(),
                ..q.clone()
            })
        });
        if d.post().is_some_and(|p| p.ranked) {
            for (choice, sort) in sorts.iter_mut().zip(&sort_options) {
                if *sort == SortOrder::Original {
                    choice.label = "Reddit's order".to_owned();
                }
            }
        }
        let depths = if self.paged.layout == Layout::Flat {
            Vec::new()
        } else {
            [None, Some(1), Some(2), Some(3)]
                .into_iter()
                .filter_map(|depth| {
                    let href =
                        links.exported_href(&self.url(ThreadQuery { depth, ..q.clone() }))?;
                    let label = depth.map_or("all".to_owned(), |n| n.to_string());
                    Some(Choice::new(label, href, depth == q.depth))
                })
                .collect()
        };
        [views, sorts, depths]
    }

    /// The "find in this discussion" form, where the site has searches
    /// within a discussion.
    fn form(&self) -> Option<NarrowForm> {
        let searched = self.url(ThreadQuery {
            q: Some(String::new()),
            ..ThreadQuery::default()
        });
        self.links().holds(&searched).then(|| NarrowForm {
            action: self.links().href(&Url::discussion(&self.d.id)),
            hidden: self.q.kept_by_search_form(),
            value: self
                .search
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
        })
    }

    /// The same view without its author and search filters.
    fn clear_href(&self) -> Option<String> {
        (self.q.author.is_some() || self.search.is_some()).then(|| {
            self.links().href(&self.url(ThreadQuery {
                author: None,
                q: None,
                page: Default::default(),
                ..self.q.clone()
            }))
        })
    }
}

impl DiscussionPage {
    pub fn build(ctx: &Ctx, d: &Discussion, q: &ThreadQuery) -> Result<Self, PageError> {
        let (derived, links) = (ctx.derived, &ctx.links);
        let search = q
            .search()
            .map_err(|e| e.searching_at(links.href(&Url::discussion(&d.id))))?;
        require_author(d, q.author.as_deref())?;
        let paged = derived.order(d, &q.filter(d, search.as_ref()));
        let view = View {
            ctx,
            d,
            q,
            search,
            paged,
        };
        let page = q.page.get();
        let range = page_range(&view.paged.pages, page)?;
        // A search shows its matches with their parents.
        let noun = if view.search.is_some() {
            "comments shown"
        } else {
            "comments"
        };
        let pager = Pager::new(&view.paged.pages, page, noun, |p| {
            links.href(&view.url(q.clone()).page(p))
        });
        // What sums up the discussion (its body, who took part, when) is on
        // each view's first page only: not repeated on every page of a long
        // thread (or of an export).
        let first = page == 1;
        let (participants, more_participants) = if first {
            participants(d, q, derived, links)
        } else {
            (Vec::new(), 0)
        };
        let article = Article::new(d, ctx.archive, links);
        let [views, sorts, depths] = view.menus();
        Ok(DiscussionPage {
            meta: meta(d, q, links).paged(&pager),
            article: if first {
                article.with_body(d, ctx.archive, links)
            } else {
                article
            },
            chart: if first {
                derived.chart(d, || activity_chart(d, derived, links))
            } else {
                Arc::new(None)
            },
            views,
            sorts,
            depths,
            participants,
            more_participants,
            heading: heading(d, q, view.search.as_ref(), &view.paged.order),
            clear_href: view.clear_href(),
            form: view.form(),
            pager,
            comments: view.comments(range),
            searching: view.search.is_some(),
            indexed: links.is_export() && !view.timeline(),
            scores: d.has_scores(),
        })
    }
}

fn heading(d: &Discussion, q: &ThreadQuery, search: Option<&Query>, order: &[usize]) -> String {
    let noun = match q.view {
        ThreadLayout::Timeline => "Timeline",
        ThreadLayout::Thread => "Comments",
    };
    let count = crate::site::view::thousands;
    match (&q.author, search) {
        (Some(author), _) => format!("{noun} by {author} ({})", count(order.len())),
        (None, Some(search)) => format!(
            "{noun} matching “{}” ({})",
            search.as_str(),
            count(
                order
                    .iter()
                    .filter(|&&i| search.matches_comment(d, i))
                    .count()
            )
        ),
        (None, None) => format!("{noun} ({})", count(d.comments().len())),
    }
}

fn meta(d: &Discussion, q: &ThreadQuery, links: &Links) -> Meta {
    Meta::new(
        match &q.author {
            Some(author) => format!("{author} in “{}” · threadview", d.title),
            None => format!("{} · threadview", d.title),
        },
        if d.body.is_empty() {
            format!("{} comments", d.comments().len())
        } else {
            preview(&d.body)
        },
        links,
    )
}
