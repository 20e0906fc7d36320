//! `/authors`: everyone who commented, with their counts, sorted and paged.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use super::{PageResult, page_range, render};
use crate::model::{Archive, Author};
use crate::paging::Pages;
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::query::{AuthorsQuery, AuthorsSort, Params};
use crate::web::url::Url;
use crate::web::view::{self, Choice, Labelled, Meta, Pager, choices, count_of};

/// Authors on one page.
pub const PER_PAGE: usize = 100;

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

/// Every author, in the order `sort` asks for.
pub fn sorted(archive: &Archive, sort: AuthorsSort) -> Vec<&Author> {
    let mut authors: Vec<&Author> = archive.authors().iter().collect();
    match sort {
        AuthorsSort::Count => authors.sort_by(|a, b| {
            b.comments
                .len()
                .cmp(&a.comments.len())
                .then_with(|| a.name.cmp(&b.name))
        }),
        AuthorsSort::Name => {
            authors.sort_by_cached_key(|a| (a.name.to_lowercase(), a.name.clone()))
        }
        AuthorsSort::Last => {
            authors.sort_by(|a, b| b.last_at.cmp(&a.last_at).then_with(|| a.name.cmp(&b.name)))
        }
    }
    authors
}

/// Fields: `meta`, `summary`, `sorts`, `authors` (AuthorRow list), `pager`.
#[derive(Template)]
#[template(path = "authors.html")]
pub struct AuthorsPage {
    meta: Meta,
    summary: String,
    sorts: Vec<Choice>,
    authors: Vec<AuthorRow>,
    pager: Pager,
}

impl AuthorsPage {
    pub fn build(archive: &Archive, q: &AuthorsQuery) -> Result<Self, AppError> {
        let authors = sorted(archive, q.sort);
        let pages = Pages::uniform(authors.len(), PER_PAGE);
        let range = page_range(&pages, q.page.get())?;
        let pager = Pager::new(&pages, q.page.get(), "authors", |p| {
            Url::Authors(q.clone()).page(p).href()
        });
        let summary = format!(
            "{} across the archive.",
            count_of(authors.len(), "author", "authors")
        );
        Ok(AuthorsPage {
            meta: Meta::new("Authors · threadview", &summary).paged(&pager),
            summary,
            sorts: choices(AuthorsSort::ALL, q.sort, |sort| {
                Url::Authors(AuthorsQuery {
                    sort,
                    ..AuthorsQuery::default()
                })
            }),
            authors: authors[range]
                .iter()
                .map(|a| AuthorRow {
                    name: a.name.clone(),
                    href: Url::author(&a.name).href(),
                    comment_count: a.comments.len(),
                    discussion_count: a.discussion_count,
                    first: a.first_at.map(view::utc),
                    last: a.last_at.map(view::utc),
                    last_iso: a.last_at.map(view::iso),
                })
                .collect(),
            pager,
        })
    }
}

pub async fn handler(
    State(state): State<Arc<AppState>>,
    Params(q): Params<AuthorsQuery>,
) -> PageResult {
    render(AuthorsPage::build(&state.archive(), &q)?)
}
