//! `/by-name`: every author by name, a page of names at a time, each with
//! the start of each of their comments linked to its own page (in an
//! export, its thread's page that shows it);
//! an author with many comments has a line and a link to their own page
//! instead. It is how an export holds most of its authors: a hundred
//! thousand authors of a few comments each would otherwise be as many
//! files.

use askama::Template;

use super::author::ordered_comments;
use super::page_range;
use crate::model::{Archive, Author};
use crate::paging::{Budget, Cost, Pages};
use crate::site::Ctx;
use crate::site::derived::{Derived, NamePages};
use crate::site::error::PageError;
use crate::site::query::{AuthorsSort, ByNameQuery, TimeOrder};
use crate::site::url::{Url, file_name};
use crate::site::view::{self, Excerpt, Meta, Pager, count_of};

/// Comments from which an author is listed here by a link to their own
/// page rather than with their comments (and from which an export gives
/// them a page of their own).
pub const OWN_PAGE: usize = 100;

/// What a page of names holds at most: authors (five elements each), and
/// comments listed (`lines`: an entry of two elements each), within 3,000
/// elements. An author's comments are never split between pages.
const BUDGET: Budget = Budget {
    items: 250,
    bytes: usize::MAX,
    lines: 800,
};

/// Whether `author` has many comments: listed here by a link to their own
/// page.
pub fn has_own_page(author: &Author) -> bool {
    author.comment_count >= OWN_PAGE
}

/// The authors in name order, cut into pages, made once per archive
/// version.
pub fn name_pages<'a>(archive: &Archive, derived: &'a Derived) -> &'a NamePages {
    derived.names(|| {
        let order = derived.sorted_authors(archive, AuthorsSort::Name);
        let authors = archive.authors();
        let mut letters: Vec<(char, usize)> = Vec::new();
        for (at, &i) in order.iter().enumerate() {
            let letter = initial(&authors[i].name);
            if letters.last().is_none_or(|&(last, _)| last != letter) {
                letters.push((letter, at));
            }
        }
        let costs = order.iter().map(|&i| Cost {
            bytes: 0,
            lines: if has_own_page(&authors[i]) {
                1
            } else {
                authors[i].comment_count
            },
        });
        let pages = Pages::by_cost(costs, BUDGET);
        let mut position = vec![0u32; authors.len()];
        for (at, &i) in order.iter().enumerate() {
            position[i] = at as u32;
        }
        NamePages {
            order,
            pages,
            position,
            letters,
        }
    })
}

/// Where a name goes in the list by first letter: `A` to `Z` (either
/// case), `#` for what sorts before `a` (digits, signs), `…` after `z`.
fn initial(name: &str) -> char {
    match name.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some(c) if c.is_ascii_lowercase() => c.to_ascii_uppercase(),
        Some(c) if c < 'a' => '#',
        _ => '…',
    }
}

/// Links to the first name of each first letter on the pages of names.
pub fn letters(ctx: &Ctx) -> Vec<(char, String)> {
    let (archive, links) = (ctx.archive, &ctx.links);
    let names = name_pages(archive, ctx.derived);
    if names.letters.len() < 2 {
        return Vec::new();
    }
    names
        .letters
        .iter()
        .map(|&(letter, at)| {
            let name = &archive.authors()[names.order[at]].name;
            let page = Url::ByName(ByNameQuery::default()).page(names.pages.page_of(at));
            (letter, links.part(&page, &anchor(name)))
        })
        .collect()
}

/// The page of names that lists the author at `index` in the archive's
/// list.
pub fn page_of(archive: &Archive, derived: &Derived, index: usize) -> usize {
    let names = name_pages(archive, derived);
    names.pages.page_of(names.position[index] as usize)
}

/// The part of a page of names that is `name`'s: `u-` and its file name
/// (unique, and the same in a URL as in the page).
pub fn anchor(name: &str) -> String {
    format!("u-{}", file_name(name))
}

/// An author on a page of names.
pub struct NameEntry {
    pub name: String,
    pub anchor: String,
    /// Their own page, where the site has one apart from this.
    pub href: Option<String>,
    pub summary: String,
    /// Their comments, newest first: none for an author with their own
    /// page.
    pub comments: Vec<Excerpt>,
}

/// Fields: `meta`, `heading`, `summary`, `letters` (each first letter and
/// where its names start), `pager`, `authors` (NameEntry list).
#[derive(Template)]
#[template(path = "by_name.html")]
pub struct ByNamePage {
    meta: Meta,
    heading: String,
    summary: String,
    letters: Vec<(char, String)>,
    pager: Pager,
    authors: Vec<NameEntry>,
}

impl ByNamePage {
    pub fn build(ctx: &Ctx, q: &ByNameQuery) -> Result<Self, PageError> {
        let (archive, links) = (ctx.archive, &ctx.links);
        let names = name_pages(archive, ctx.derived);
        let range = page_range(&names.pages, q.page.get())?;
        let pager = Pager::new(&names.pages, q.page.get(), "authors", |p| {
            links.href(&Url::ByName(ByNameQuery::default()).page(p))
        });
        let authors: Vec<NameEntry> = names.order[range]
            .iter()
            .map(|&i| entry(ctx, &archive.authors()[i]))
            .collect::<Result<_, _>>()?;
        let heading = match (authors.first(), authors.last()) {
            (Some(first), Some(last)) if authors.len() > 1 => {
                format!("Authors by name: {} to {}", first.name, last.name)
            }
            (Some(only), _) => format!("Authors by name: {}", only.name),
            _ => "Authors by name".to_owned(),
        };
        let summary = format!(
            "Everyone who commented, by name, with the start of each comment and a link to it \
             in its thread; those with {OWN_PAGE} comments or more have a page of their own. \
             This page: {}.",
            count_of(authors.len(), "author", "authors"),
        );
        Ok(ByNamePage {
            meta: Meta::new(format!("{heading} · threadview"), &summary, links).paged(&pager),
            heading,
            summary,
            letters: letters(ctx),
            pager,
            authors,
        })
    }
}

fn entry(ctx: &Ctx, author: &Author) -> Result<NameEntry, crate::model::Unreadable> {
    let (archive, links) = (ctx.archive, &ctx.links);
    let own = has_own_page(author);
    let span = author
        .first_at
        .zip(author.last_at)
        .map(|(f, l)| match (view::date(f), view::date(l)) {
            (f, l) if f == l => format!(", on {f}"),
            (f, l) => format!(", from {f} to {l}"),
        })
        .unwrap_or_default();
    let summary = format!(
        "{} in {}{span}{}",
        count_of(author.comment_count, "comment", "comments"),
        count_of(author.discussion_count, "discussion", "discussions"),
        if own { ": on their own page." } else { "." }
    );
    let comments = if own {
        Vec::new()
    } else {
        let refs = ordered_comments(archive, author, TimeOrder::New)?;
        view::excerpts(archive, links, &refs)?
    };
    Ok(NameEntry {
        name: author.name.clone(),
        anchor: anchor(&author.name),
        // An export holds the comments of an author without many only
        // here: their own page would be this part of this page.
        href: (own || !links.is_export()).then(|| links.href(&Url::author(&author.name))),
        summary,
        comments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_letters_follow_the_order_of_names() {
        // The order compares lowercased names: signs and digits before
        // `a`, other scripts after `z`; so each letter's names are together.
        for (name, letter) in [
            ("abacus_amy", 'A'),
            ("Zed", 'Z'),
            ("[deleted]", '#'),
            ("<USERNAME>", '#'),
            ("9lives", '#'),
            ("_under", '#'),
            ("Ærøskøbing", '…'),
            ("田中", '…'),
            ("~tilde", '…'),
        ] {
            assert_eq!(initial(name), letter, "{name}");
        }
    }
}
