//! `/authors`: everyone who commented, with their counts, sorted and paged.

use std::sync::Arc;

use askama::Template;

use super::page_range;
use crate::model::Archive;
use crate::paging::Pages;
use crate::site::Ctx;
use crate::site::derived::Derived;
use crate::site::error::PageError;
use crate::site::query::{AuthorsQuery, AuthorsSort};
use crate::site::url::Url;
use crate::site::view::{self, Choice, Labelled, Meta, Pager, choices, count_of};

/// Authors on one page.
pub const PER_PAGE: usize = 250;

impl Labelled for AuthorsSort {
    const ALL: &'static [Self] = &[AuthorsSort::Count, AuthorsSort::Name, AuthorsSort::Last];

    fn label(self) -> &'static str {
        match self {
            AuthorsSort::Count => "comments",
            AuthorsSort::Name => "name",
            AuthorsSort::Last => "last seen",
        }
    }
}

/// A row of the authors page.
pub struct AuthorRow {
    pub name: String,
    pub href: String,
    pub comment_count: usize,
    pub discussion_count: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    pub last_iso: Option<String>,
}

/// Every author (an index in [`Archive::authors`]) in the order `sort` asks
/// for, sorted once per archive version.
pub fn sorted(archive: &Archive, sort: AuthorsSort, derived: &Derived) -> Arc<Vec<usize>> {
    derived.authors(sort, || {
        let authors = archive.authors();
        let mut order: Vec<usize> = (0..authors.len()).collect();
        match sort {
            AuthorsSort::Count => order.sort_by(|&a, &b| {
                let (a, b) = (&authors[a], &authors[b]);
                b.comments
                    .len()
                    .cmp(&a.comments.len())
                    .then_with(|| a.name.cmp(&b.name))
            }),
            AuthorsSort::Name => order
                .sort_by_cached_key(|&a| (authors[a].name.to_lowercase(), authors[a].name.clone())),
            AuthorsSort::Last => order.sort_by(|&a, &b| {
                let (a, b) = (&authors[a], &authors[b]);
                b.last_at.cmp(&a.last_at).then_with(|| a.name.cmp(&b.name))
            }),
        }
        order
    })
}

/// Fields: `meta`, `summary`, `sorts`, `authors` (AuthorRow list), `pager`,
/// `by_name` (everyone by name with their comments).
#[derive(Template)]
#[template(path = "authors.html")]
pub struct AuthorsPage {
    meta: Meta,
    summary: String,
    sorts: Vec<Choice>,
    authors: Vec<AuthorRow>,
    pager: Pager,
    by_name: Option<String>,
}

impl AuthorsPage {
    pub fn build(ctx: &Ctx, q: &AuthorsQuery) -> Result<Self, PageError> {
        let (archive, links) = (ctx.archive, &ctx.links);
        let authors = sorted(archive, q.sort, ctx.derived);
        let pages = Pages::uniform(authors.len(), PER_PAGE);
        let range = page_range(&pages, q.page.get())?;
        let pager = Pager::new(&pages, q.page.get(), "authors", |p| {
            links.href(&Url::Authors(q.clone()).page(p))
        });
        let summary = format!(
            "{} across the archive.",
            count_of(authors.len(), "author", "authors")
        );
        Ok(AuthorsPage {
            meta: Meta::new("Authors · threadview", &summary, links).paged(&pager),
            summary,
            sorts: choices(links, AuthorsSort::ALL, q.sort, |sort| {
                Url::Authors(AuthorsQuery {
                    sort,
                    ..AuthorsQuery::default()
                })
            }),
            authors: authors[range]
                .iter()
                .map(|&i| &archive.authors()[i])
                .map(|a| AuthorRow {
                    name: a.name.clone(),
                    href: links.href(&Url::author(&a.name)),
                    comment_count: a.comments.len(),
                    discussion_count: a.discussion_count,
                    first: a.first_at.map(view::utc),
                    last: a.last_at.map(view::utc),
                    last_iso: a.last_at.map(view::iso),
                })
                .collect(),
            pager,
            by_name: links.exported_href(&Url::ByName(Default::default())),
        })
    }
}
