//! `/d/{id}/c/{comment_id}`: one comment with its chain of parents and its
//! replies (paged, like a thread).

use askama::Template;

use super::page_range;
use crate::model::Discussion;
use crate::site::Ctx;
use crate::site::error::PageError;
use crate::site::query::CommentQuery;
use crate::site::url::Url;
use crate::site::view::{
    Article, CommentView, Meta, Pager, TreePages, TreeView, in_thread, preview,
};

/// At most this many parents are shown above a comment: the top-level one
/// and the nearest others.
const MAX_CONTEXT: usize = 8;

/// Fields: `meta`, `article`, `context` (the chain of parents, outermost
/// first), `context_gap` (parents left out after the first, in a deep
/// thread), `tree` (the comment, highlighted, with its replies), `pager`,
/// `in_thread`, `author`.
#[derive(Template)]
#[template(path = "comment.html")]
pub struct CommentPage {
    meta: Meta,
    article: Article,
    context: Vec<CommentView>,
    context_gap: usize,
    tree: TreeView,
    pager: Pager,
    in_thread: String,
    author: String,
}

impl CommentPage {
    pub fn build(
        ctx: &Ctx,
        d: &Discussion,
        comment_id: &str,
        q: &CommentQuery,
    ) -> Result<Self, PageError> {
        let (derived, links) = (ctx.derived, &ctx.links);
        let index = d.find(comment_id).ok_or_else(|| {
            PageError::NotFound(format!(
                "There is no comment \"{comment_id}\" in \"{}\".",
                d.title
            ))
        })?;
        let mut chain = d.ancestors(index);
        let context_gap = chain.len().saturating_sub(MAX_CONTEXT);
        if context_gap > 0 {
            chain.drain(1..1 + context_gap);
        }
        let c = &d.comments()[index];
        let paged = derived.replies(d, index, q.sort_in(d));
        let (order, pages) = (&paged.order, &paged.pages);
        let page = q.page.get();
        let range = page_range(pages, page)?;
        let url = |page| {
            Url::Comment {
                discussion: d.id.clone(),
                comment: c.id.to_string(),
                query: q.clone(),
            }
            .page(page)
        };
        let mut tree = TreePages {
            links,
            archive: ctx.archive,
            d,
            order,
            pages,
            base: c.depth(),
            top_level: false,
            url,
        }
        .tree(range, q.depth, None);
        if page == 1
            && let Some(first) = tree.items.first_mut()
        {
            first.highlighted = true;
        }
        let pager = Pager::new(pages, page, "comments", |p| links.href(&url(p)));
        Ok(CommentPage {
            meta: Meta::new(
                format!("{} on “{}” · threadview", c.author, d.title),
                preview(&c.body),
                links,
            )
            .paged(&pager),
            article: Article::new(d, ctx.archive, links),
            context: chain
                .into_iter()
                .map(|i| CommentView::new(d, i, None, ctx.archive, links))
                .collect(),
            context_gap,
            tree,
            pager,
            in_thread: in_thread(d, &derived.thread(d), index, links),
            author: c.author.to_string(),
        })
    }
}
