//! What an export holds: where each view lives as a file, which pages
//! there are (each with a fingerprint of what it is made from), and the
//! rendering of one page, through the site's one [`site::render`], with
//! links relative to its file.

use rayon::prelude::*;
use std::collections::HashMap;
use xxhash_rust::xxh3::Xxh3;

use super::pagefind;
use crate::cut::{continued_from, continues};
use crate::model::Community;
use crate::model::{Archive, Author, Discussion, Head, Unreadable};
use crate::paging::Pages;
use crate::site::derived::Derived;
use crate::site::pages::author::EXCERPTS_PER_PAGE;
use crate::site::pages::{by_name, index};
use crate::site::query::Period;
use crate::site::query::{
    AuthorLayout, AuthorQuery, AuthorsQuery, IndexQuery, ThreadLayout, ThreadQuery,
};
use crate::site::url::file_name as name;
use crate::site::{self, Ctx, FileLayout, Links, PageError, Search, Url};
use crate::thread::Filter;

/// One page of the export.
pub struct Page {
    /// Its file, relative to the export's root.
    pub file: String,
    pub url: Url,
    /// A hash of what it is made from: the same hash means the same page.
    pub input: u64,
    /// Lists of the whole archive are written last, the top `index.html`
    /// at the very end: an export that stops halfway has no front page.
    pub stage: Stage,
}

impl Page {
    /// The page at `url`, made from what `made_from` hashes (with its file,
    /// which says which page of which view it is).
    fn new(site: &Site, url: Url, made_from: u64, stage: Stage) -> Page {
        let file = site
            .file(&url)
            .expect("an export lists only views it holds");
        let input = xxhash_rust::xxh3::xxh3_64_with_seed(file.as_bytes(), made_from);
        Page {
            file,
            url,
            input,
            stage,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Pages,
    Lists,
    Front,
}

/// The archive as a static site.
pub struct Site {
    archive: Archive,
    derived: Derived,
    /// The thread pages of each Pagefind bundle: none without search.
    bundles: Vec<Vec<String>>,
    /// Each bundle's folder from the site's root, ending in `/`.
    bundle_folders: Vec<String>,
    /// Each discussion's fingerprint, by its index in the archive.
    fingerprints: Vec<u64>,
    /// Each discussion's file name ([`name`] of its id), by its index.
    names: Vec<String>,
    /// Which page of its discussion's thread shows each comment (0: none,
    /// it is too deep), by discussion and comment index: what a permalink
    /// needs, asked once per comment on every page that shows it.
    thread_pages: Vec<Vec<u32>>,
    /// The discussions each author commented in (by index), by author.
    author_discussions: Vec<Vec<u32>>,
    /// A hash of the program that renders: another build renders anew.
    program: u64,
    /// Its media files: each file's name on the server → in the export;
    /// and their thumbnails'.
    media: HashMap<String, String>,
    thumbnails: HashMap<String, String>,
    /// Whether pages show media that is not on disk from its hosts, and
    /// the policy that lets them.
    remote_media: bool,
    policy: String,
}

/// How much the export keeps of the orders and charts its pages share.
const DERIVED_BYTES: u64 = 256 << 20;

impl Site {
    /// `bundle_comments`: with search, the comments a search bundle holds
    /// at most.
    /// `media`: the export's names of the media files; `remote_media`:
    /// pages show the media that is not on disk from its hosts.
    pub fn new(
        archive: Archive,
        bundle_comments: Option<usize>,
        media: HashMap<String, String>,
        thumbnails: HashMap<String, String>,
        remote_media: bool,
    ) -> Result<Self, Unreadable> {
        let hosts = if remote_media {
            crate::site::view::media::remote_origins(&archive)
        } else {
            Vec::new()
        };
        let names = archive.discussions().iter().map(|d| name(&d.id)).collect();
        let mut site = Site {
            archive,
            derived: Derived::new(DERIVED_BYTES),
            bundles: Vec::new(),
            bundle_folders: Vec::new(),
            fingerprints: Vec::new(),
            names,
            thread_pages: Vec::new(),
            author_discussions: Vec::new(),
            program: program_hash(),
            media,
            thumbnails,
            remote_media,
            policy: crate::site::content_security_policy(true, &hosts),
        };
        // Each discussion read once, whole: whether it links to other
        // threads, which page shows each comment, and who wrote them.
        let read: Vec<(bool, Vec<u32>, Vec<usize>)> = (0..site.archive.discussions().len())
            .into_par_iter()
            .map(|i| {
                let d = site.archive.passing(i)?;
                let thread = site.derived.thread(&d);
                let pages = (0..d.comment_count())
                    .map(|i| {
                        thread
                            .position_of(i)
                            .map_or(0, |at| thread.pages.page_of(at) as u32)
                    })
                    .collect();
                let mut authors: Vec<&str> = d.comments().iter().map(|c| &*c.author).collect();
                authors.extend(d.submitter.as_deref());
                authors.sort_unstable();
                authors.dedup();
                let authors = authors
                    .iter()
                    .filter_map(|a| site.archive.author_index(a))
                    .collect();
                Ok((crate::site::reddit::may_link_home(&d), pages, authors))
            })
            .collect::<Result<_, Unreadable>>()?;
        let archive = &site.archive;
        let mut author_discussions = vec![Vec::new(); archive.authors().len()];
        for (i, (_, _, authors)) in read.iter().enumerate() {
            for &a in authors {
                author_discussions[a].push(i as u32);
            }
        }
        // A page that links to other threads through Reddit's addresses
        // changes when the threads the archive holds do.
        let posts = crate::site::reddit::posts_held(archive);
        let media = &site.media;
        let thumbnails = &site.thumbnails;
        let fingerprints = archive
            .discussions()
            .par_iter()
            .zip(&read)
            .map(|(d, (link_home, _, _))| {
                let mut own = d.fingerprint();
                if *link_home {
                    own ^= posts.rotate_left(17);
                }
                // Its pages show its media files under their names.
                let mut h = xxhash_rust::xxh3::Xxh3::new();
                h.update(&[u8::from(remote_media)]);
                for shown in archive.shown_media(d) {
                    let name = shown.local.and_then(|f| media.get(&f.key));
                    h.update(name.map_or("", String::as_str).as_bytes());
                    h.update(&[0]);
                    let small = shown.local.and_then(|f| thumbnails.get(&f.key));
                    h.update(small.map_or("", String::as_str).as_bytes());
                    h.update(&[0]);
                }
                own ^ h.digest().rotate_left(29)
            })
            .collect();
        site.fingerprints = fingerprints;
        site.author_discussions = author_discussions;
        // A discussion's pages link to its authors: to their own pages, or
        // to their parts of the pages of names, which move to another page
        // when authors come or go elsewhere. Its pages are made again then.
        let mut authors = Vec::with_capacity(read.len());
        let mut thread_pages = Vec::with_capacity(read.len());
        for (_, pages, of) in read {
            thread_pages.push(pages);
            authors.push(of);
        }
        site.thread_pages = thread_pages;
        let places = site.author_places(&authors);
        for (fingerprint, places) in site.fingerprints.iter_mut().zip(places) {
            *fingerprint ^= places.rotate_left(41);
        }
        if let Some(most) = bundle_comments {
            site.bundles = site.thread_pages_in_bundles(most);
            site.bundle_folders = (0..site.bundles.len())
                .map(|k| format!("{}/", pagefind::bundle_folder(k)))
                .collect();
        }
        Ok(site)
    }

    /// For each discussion, a hash of where its authors' links lead (their
    /// indexes, `authors`, by discussion): the page of names that holds
    /// each, or their own page.
    fn author_places(&self, authors: &[Vec<usize>]) -> Vec<u64> {
        let archive = &self.archive;
        let names = by_name::name_pages(archive, &self.derived);
        authors
            .par_iter()
            .map(|authors| {
                let mut h = Xxh3::new();
                for &index in authors {
                    let place = if by_name::has_own_page(&archive.authors()[index]) {
                        0
                    } else {
                        names.pages.page_of(names.position[index] as usize) as u64
                    };
                    h.update(&place.to_le_bytes());
                }
                h.digest()
            })
            .collect()
    }

    /// Where the pages of names start each letter, and how many there are:
    /// what every page of names links to besides its own authors.
    fn names_layout(&self) -> u64 {
        let archive = &self.archive;
        let names = by_name::name_pages(archive, &self.derived);
        let mut h = Xxh3::new();
        h.update(&names.pages.count().to_le_bytes());
        h.update(&names.order.len().to_le_bytes());
        for &(letter, at) in &names.letters {
            h.update(&u32::from(letter).to_le_bytes());
            h.update(&names.pages.page_of(at).to_le_bytes());
            h.update(archive.authors()[names.order[at]].name.as_bytes());
            h.update(&[0]);
        }
        h.digest()
    }

    /// Whether the export has search (and so a search page).
    fn has_search(&self) -> bool {
        !self.bundles.is_empty()
    }

    /// What each Pagefind bundle indexes: the thread pages of consecutive
    /// discussions, up to `most` comments a bundle.
    pub fn bundles(&self) -> &[Vec<String>] {
        &self.bundles
    }

    fn thread_pages_in_bundles(&self, most: usize) -> Vec<Vec<String>> {
        let mut bundles: Vec<Vec<String>> = vec![Vec::new()];
        let mut comments = 0;
        for (d, pages) in self.archive.discussions().iter().zip(&self.thread_pages) {
            let count = d.comment_count();
            if comments > 0 && comments + count > most {
                bundles.push(Vec::new());
                comments = 0;
            }
            comments += count;
            // The last page that shows a comment, or the one page of a
            // discussion without any.
            let last = pages.iter().max().map_or(1, |&page| page.max(1));
            let bundle = bundles.last_mut().expect("one bundle at least");
            for page in 1..=last as usize {
                let url = Url::discussion(&d.id).page(page);
                bundle.push(self.file(&url).expect("the export holds thread pages"));
            }
        }
        bundles
    }

    /// A hash of everything every page depends on besides its content.
    fn settings(&self) -> Xxh3 {
        let mut h = Xxh3::new();
        h.update(&self.program.to_le_bytes());
        h.update(&self.bundles.len().to_le_bytes());
        h
    }

    /// Every page of the export.
    pub fn pages(&self) -> Result<Vec<Page>, Unreadable> {
        let archive = &self.archive;
        let mut all = self.settings();
        for fingerprint in &self.fingerprints {
            all.update(&fingerprint.to_le_bytes());
        }
        for diagnostic in &archive.diagnostics {
            all.update(diagnostic.to_string().as_bytes());
        }
        let all = all.digest();
        let threads: Vec<Vec<Page>> = (0..archive.discussions().len())
            .into_par_iter()
            .map(|i| -> Result<Vec<Page>, Unreadable> {
                Ok(self.discussion_pages(&*archive.passing(i)?, self.fingerprints[i]))
            })
            .collect::<Result<_, Unreadable>>()?;
        let mut pages: Vec<Page> = threads.into_iter().flatten().collect();
        // Authors with many comments have pages of their own; everyone is
        // on a page of names, the others with their comments.
        pages.par_extend(
            archive
                .authors()
                .par_iter()
                .filter(|author| by_name::has_own_page(author))
                .flat_map_iter(|author| self.author_pages(author)),
        );
        pages.extend(self.name_pages());
        let list = |url: Url, stage| Page::new(self, url, all, stage);
        let authors = Pages::uniform(
            archive.authors().len(),
            crate::site::pages::authors::PER_PAGE,
        );
        for page in 1..=authors.count() {
            pages.push(list(
                Url::Authors(AuthorsQuery::default()).page(page),
                Stage::Lists,
            ));
        }
        for stats in archive.communities() {
            let count = Pages::uniform(
                stats.discussions.len(),
                crate::site::pages::community::PER_PAGE,
            )
            .count();
            for page in 1..=count {
                pages.push(list(
                    Url::community(&stats.community).page(page),
                    Stage::Lists,
                ));
            }
        }
        // Each year and month with content, the archive's and each
        // community's (not their days: a page each would cost files).
        let mut scopes: Vec<(Option<&Community>, Vec<&Head>)> =
            vec![(None, archive.discussions().iter().map(|d| &**d).collect())];
        for stats in archive.communities() {
            let list = stats
                .discussions
                .iter()
                .map(|&i| &*archive.discussions()[i]);
            scopes.push((Some(&stats.community), list.collect()));
        }
        for (community, discussions) in scopes {
            let mut counts: std::collections::BTreeMap<Period, usize> = Default::default();
            for d in discussions {
                let Some(at) = d.started_at() else { continue };
                let year = Period {
                    year: chrono::Datelike::year(&at),
                    month: None,
                    day: None,
                };
                *counts.entry(year).or_default() += 1;
                *counts
                    .entry(Period {
                        month: Some(chrono::Datelike::month(&at)),
                        ..year
                    })
                    .or_default() += 1;
            }
            for (period, count) in counts {
                let count = Pages::uniform(count, crate::site::pages::period::PER_PAGE).count();
                for page in 1..=count {
                    let url = Url::Period {
                        community: community.cloned(),
                        period,
                        query: Default::default(),
                    };
                    pages.push(list(url.page(page), Stage::Lists));
                }
            }
        }
        let discussions = Pages::uniform(archive.discussions().len(), index::PER_PAGE);
        for page in (1..=discussions.count()).rev() {
            let stage = if page == 1 {
                Stage::Front
            } else {
                Stage::Lists
            };
            pages.push(list(Url::Index(IndexQuery::default()).page(page), stage));
        }
        pages.push(list(Url::Diagnostics, Stage::Lists));
        if self.has_search() {
            pages.push(list(Url::Search(Default::default()), Stage::Lists));
        }
        Ok(pages)
    }

    fn discussion_pages(&self, d: &Discussion, fingerprint: u64) -> Vec<Page> {
        let mut h = self.settings();
        h.update(&fingerprint.to_le_bytes());
        let input = h.digest();
        let mut pages = Vec::new();
        for layout in [ThreadLayout::Thread, ThreadLayout::Timeline] {
            let timeline = layout == ThreadLayout::Timeline;
            if timeline && !has_timeline(d) {
                continue;
            }
            let count = self
                .derived
                .order(d, &Filter::default_view(d, timeline))
                .pages
                .count();
            for page in 1..=count.max(1) {
                let url = Url::thread(&d.id, ThreadQuery::layout(layout)).page(page);
                pages.push(Page::new(self, url, input, Stage::Pages));
            }
        }
        for index in (0..d.comments().len()).filter(|&i| continues(d, i)) {
            let comment = d.comments()[index].id.as_str();
            let count = self
                .derived
                .replies(d, index, crate::thread::default_sort(d))
                .pages
                .count();
            for page in 1..=count.max(1) {
                let url = Url::comment(&d.id, comment).page(page);
                pages.push(Page::new(self, url, input, Stage::Pages));
            }
        }
        pages
    }

    /// The pages of names: each changes when a discussion that one of
    /// its authors commented in does.
    fn name_pages(&self) -> Vec<Page> {
        let archive = &self.archive;
        let names = by_name::name_pages(archive, &self.derived);
        let layout = self.names_layout();
        (1..=names.pages.count())
            .into_par_iter()
            .map(|page| {
                let mut h = self.settings();
                h.update(&layout.to_le_bytes());
                let range = names.pages.range(page).expect("a page of the pages");
                for &i in &names.order[range] {
                    let author = &archive.authors()[i];
                    h.update(author.name.as_bytes());
                    h.update(&[0]);
                    if by_name::has_own_page(author) {
                        h.update(&author.comment_count.to_le_bytes());
                    } else {
                        self.hash_discussions_of(&mut h, author);
                    }
                }
                let url = Url::ByName(Default::default()).page(page);
                Page::new(self, url, h.digest(), Stage::Pages)
            })
            .collect()
    }

    /// Hashes what `author`'s comments are shown from: each discussion
    /// they commented in (its fingerprint), once.
    fn hash_discussions_of(&self, h: &mut Xxh3, author: &Author) {
        let Some(index) = self.archive.author_index(&author.name) else {
            return;
        };
        for &d in &self.author_discussions[index] {
            h.update(&self.fingerprints[d as usize].to_le_bytes());
        }
    }

    /// An author's own pages: their comments as excerpts, which change
    /// when one of their discussions does.
    fn author_pages(&self, author: &Author) -> Vec<Page> {
        let mut h = self.settings();
        h.update(author.name.as_bytes());
        self.hash_discussions_of(&mut h, author);
        let input = h.digest();
        let count = Pages::uniform(author.comment_count, EXCERPTS_PER_PAGE).count();
        (1..=count.max(1))
            .map(|page| Page::new(self, own_page(&author.name).page(page), input, Stage::Pages))
            .collect()
    }

    /// The page at `url` as HTML, its links relative to `file`.
    pub fn render(&self, url: &Url, file: &str) -> Result<String, PageError> {
        let ctx = Ctx {
            archive: &self.archive,
            derived: &self.derived,
            links: Links::Export {
                layout: self,
                from: file,
            },
            search: Search::Static {
                bundles: &self.bundle_folders,
            },
        };
        Ok(site::render(url, &ctx)?.html)
    }
}

impl FileLayout for Site {
    fn place(&self, url: &Url) -> Option<String> {
        match url {
            // An author: their own page of excerpts, or, for one without
            // many comments, their part of a page of names.
            Url::Author { name, query } if *query == Default::default() => {
                let index = self.archive.author_index(name)?;
                let author = &self.archive.authors()[index];
                if by_name::has_own_page(author) {
                    return self.file(&own_page(name));
                }
                let page = by_name::page_of(&self.archive, &self.derived, index);
                let file = self.file(&Url::ByName(Default::default()).page(page))?;
                Some(format!("{file}#{}", by_name::anchor(name)))
            }
            _ => self.file(url),
        }
    }

    fn remote_media(&self) -> bool {
        self.remote_media
    }

    fn content_security_policy(&self) -> String {
        self.policy.clone()
    }

    fn file(&self, url: &Url) -> Option<String> {
        match url {
            Url::Media { key } => self.media.get(key).cloned(),
            Url::Thumbnail { key } => self.thumbnails.get(key).cloned(),
            Url::Index(q) if q.sort == Default::default() => Some(paged("index", q.page.get())),
            Url::Discussion { id, query } => {
                let at = self.archive.position(id)?;
                let name = &self.names[at];
                let stem = match query.view {
                    ThreadLayout::Thread => format!("d/{name}"),
                    ThreadLayout::Timeline if has_timeline(&self.archive.discussions()[at]) => {
                        format!("d/{name}.timeline")
                    }
                    ThreadLayout::Timeline => return None,
                };
                let default = ThreadQuery {
                    page: query.page,
                    ..ThreadQuery::layout(query.view)
                };
                (*query == default).then(|| paged(&stem, query.page.get()))
            }
            Url::Comment {
                discussion,
                comment,
                query,
            } if query.sort.is_none() && query.depth.is_none() => {
                let at = self.archive.position(discussion)?;
                let d = &*self.archive.discussion(at).ok()?;
                let index = d.find(comment)?;
                if continues(d, index) {
                    let stem = format!("d/{}.c.{}", self.names[at], name(comment));
                    return Some(paged(&stem, query.page.get()));
                }
                if query.page.get() != 1 {
                    return None;
                }
                // A permalink: the page that shows the comment.
                let page = self.thread_pages[at][index] as usize;
                if page > 0 {
                    return Some(paged(&format!("d/{}", self.names[at]), page));
                }
                let top = continued_from(d, index);
                let replies = self.derived.replies(d, top, crate::thread::default_sort(d));
                let page = replies.pages.page_of(replies.position_of(index)?);
                self.file(&Url::comment(&d.id, d.comments()[top].id.as_str()).page(page))
            }
            Url::Authors(q) if q.sort == Default::default() => Some(paged("authors", q.page.get())),
            // An author's own page: of excerpts, for authors with many.
            Url::Author {
                name: author,
                query,
            } if query.sort == Default::default() && query.view == AuthorLayout::Excerpts => {
                let author = self.archive.author(author)?;
                by_name::has_own_page(author)
                    .then(|| paged(&format!("a/{}", name(&author.name)), query.page.get()))
            }
            Url::ByName(q) => Some(paged("a/_names", q.page.get())),
            Url::Community { community, query } if query.sort == Default::default() => {
                self.archive.community(community)?;
                let stem = match community {
                    Community::Subreddit(sub) => format!("c/r.{}", name(sub)),
                    Community::Source(source) => format!("c/s.{}", name(source)),
                };
                Some(paged(&stem, query.page.get()))
            }
            Url::Period {
                community,
                period,
                query,
            } if period.day.is_none() => {
                let prefix = match community {
                    None => "y/".to_owned(),
                    Some(c) => {
                        self.archive.community(c)?;
                        match c {
                            Community::Subreddit(sub) => format!("y/r.{}-", name(sub)),
                            Community::Source(source) => format!("y/s.{}-", name(source)),
                        }
                    }
                };
                let date = match period.month {
                    Some(month) => format!("{:04}-{month:02}", period.year),
                    None => format!("{:04}", period.year),
                };
                Some(paged(&format!("{prefix}{date}"), query.page.get()))
            }
            Url::Diagnostics => Some("diagnostics.html".to_owned()),
            Url::Search(q) if self.has_search() && *q == Default::default() => {
                Some("search.html".to_owned())
            }
            _ => None,
        }
    }
}

/// An author's own page in an export: their comments as excerpts.
fn own_page(name: &str) -> Url {
    Url::Author {
        name: name.to_owned(),
        query: AuthorQuery {
            view: AuthorLayout::Excerpts,
            ..AuthorQuery::default()
        },
    }
}

/// Comments a thread has at least for an export to hold its timeline: a
/// thread that fills more than two pages. Shorter threads are read whole
/// in their thread view; a timeline of each would repeat every comment a
/// second time, in as many files and bytes again.
pub const TIMELINE_COMMENTS: usize = 2 * crate::cut::COMMENT_BUDGET.items + 1;

/// Whether an export holds `d`'s timeline.
fn has_timeline(d: &Head) -> bool {
    d.comment_count() >= TIMELINE_COMMENTS
}

/// `stem.html` for the first page, `stem.N.html` for page N. Files are
/// flat (a folder per thread or author would cost a directory each): the
/// dot keeps them apart, since no [`name`] has one.
fn paged(stem: &str, page: usize) -> String {
    if page == 1 {
        format!("{stem}.html")
    } else {
        format!("{stem}.{page}.html")
    }
}

/// A hash of the running program, so that pages made by another build are
/// made again; the version where the program cannot be read.
fn program_hash() -> u64 {
    std::env::current_exe()
        .and_then(std::fs::read)
        .map(|bytes| xxhash_rust::xxh3::xxh3_64(&bytes))
        .unwrap_or_else(|_| xxhash_rust::xxh3::xxh3_64(env!("CARGO_PKG_VERSION").as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_pages_have_plain_names() {
        assert_eq!(paged("index", 1), "index.html");
        assert_eq!(paged("d/x.timeline", 3), "d/x.timeline.3.html");
    }
}
