//! `/authors`: everyone who commented, with their counts, sorted and paged.

use askama::Template;

use super::page_range;
use crate::paging::Pages;
use crate::site::Ctx;
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

/// Fields: `meta`, `summary`, `sorts`, `authors` (AuthorRow list), `pager`,
/// `by_name` (everyone by name with their comments), `letters` (where the
/// names of each first letter start there).
#[derive(Template)]
#[template(path = "authors.html")]
pub struct AuthorsPage {
    meta: Meta,
    summary: String,
    sorts: Vec<Choice>,
    authors: Vec<AuthorRow>,
    pager: Pager,
    by_name: Option<String>,
    letters: Vec<(char, String)>,
}

impl AuthorsPage {
    pub fn build(ctx: &Ctx, q: &AuthorsQuery) -> Result<Self, PageError> {
        let (archive, links) = (ctx.archive, &ctx.links);
        let authors = ctx.derived.sorted_authors(archive, q.sort);
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
                    comment_count: a.comment_count,
                    discussion_count: a.discussion_count,
                    first: a.first_at.map(view::utc),
                    last: a.last_at.map(view::utc),
                    last_iso: a.last_at.map(view::iso),
                })
                .collect(),
            pager,
            by_name: links.exported_href(&Url::ByName(Default::default())),
            letters: super::by_name::letters(ctx),
        })
    }
}
