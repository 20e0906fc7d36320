//! The JSON API: the same views as the pages, as data. Lists are paged by
//! `limit` and `page`, and say where the next page is in a `Link` header
//! (RFC 8288); their bodies keep one shape whatever the page.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::access::SharedKey;
use super::error::{ApiError, AppError};
use super::query::{ApiParams, Segments, encode};
use crate::model::{
    Author, Community, Discussion, Edited, Head, LocalFile, Media, MediaKind, PostMeta, Removal,
};
use crate::paging::Pages;
use crate::search;
use crate::site::pages::author::{find_author, ordered_comments};
use crate::site::pages::{find_discussion, page_range, require_author};
use crate::site::query::{
    AuthorQuery, AuthorsQuery, Day, IndexSort, PageNumber, SearchQuery, ThreadQuery, ViewQuery,
    pairs, search_query,
};
use crate::site::time_pages::Selection;
use crate::site::{Links, Url};
use crate::thread;

/// Items per page of a list when the request gives no `limit`: discussions,
/// authors, an author's comments, diagnostics.
pub const DEFAULT_LIMIT: usize = 1000;
/// Matches per page of `/api/search` without a `limit`: as many as the
/// search page shows.
pub const DEFAULT_SEARCH_LIMIT: usize = crate::site::pages::search::PER_PAGE;

/// `?page=` alone: the lists that have no other parameter.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    #[serde(default)]
    page: PageNumber,
}

impl ViewQuery for PageQuery {
    const FIELDS: &'static [&'static str] = &["page"];
}

/// `/api/discussions`: by id, or in one of the index's orders.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DiscussionsQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    sort: Option<IndexSort>,
    #[serde(default)]
    page: PageNumber,
}

impl ViewQuery for DiscussionsQuery {
    const FIELDS: &'static [&'static str] = &["sort", "page"];
}

/// One page of a list, and the links to its neighbours.
struct Paged {
    pages: Pages,
    page: usize,
    range: std::ops::Range<usize>,
    /// The `limit` the request gave, repeated in the links.
    limit: Option<usize>,
}

impl Paged {
    fn new(
        len: usize,
        limit: Option<usize>,
        default: usize,
        page: PageNumber,
    ) -> Result<Self, ApiError> {
        let pages = Pages::uniform(len, limit.unwrap_or(default));
        let range = page_range(&pages, page.get())?;
        Ok(Paged {
            pages,
            page: page.get(),
            range,
            limit,
        })
    }

    /// `body` with a `Link` header naming the first, previous, next and
    /// last pages that exist.
    fn respond(&self, uri: &OriginalUri, query: &impl Serialize, body: impl Serialize) -> Response {
        let mut pairs = pairs(query);
        pairs.retain(|(name, _)| name != "page");
        if let Some(limit) = self.limit {
            pairs.push(("limit".to_owned(), limit.to_string()));
        }
        let href = |page: usize| {
            let mut pairs = pairs.clone();
            if page > 1 {
                pairs.push(("page".to_owned(), page.to_string()));
            }
            encode(uri.path(), &pairs)
        };
        let count = self.pages.count();
        let links: Vec<String> = [
            (self.page > 1).then_some((1, "first")),
            (self.page > 1).then(|| (self.page - 1, "prev")),
            (self.page < count).then(|| (self.page + 1, "next")),
            (self.page < count).then_some((count, "last")),
        ]
        .into_iter()
        .flatten()
        .map(|(page, rel)| format!("<{}>; rel=\"{rel}\"", href(page)))
        .collect();
        let mut response = Json(body).into_response();
        if let Ok(value) = HeaderValue::from_str(&links.join(", "))
            && !links.is_empty()
        {
            response.headers_mut().insert(header::LINK, value);
        }
        response
    }
}

/// The fields every discussion document of the API starts with.
#[derive(Serialize)]
struct DiscussionHeadJson<'a> {
    id: &'a str,
    title: &'a str,
    source: Option<&'a str>,
    submitter: Option<&'a str>,
    /// `r/AskReddit`, or a text document's source.
    #[serde(skip_serializing_if = "Option::is_none")]
    community: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    post: Option<PostJson<'a>>,
}

impl<'a> DiscussionHeadJson<'a> {
    fn new(d: &'a Head) -> Self {
        DiscussionHeadJson {
            id: &d.id,
            title: &d.title,
            source: d.source.as_deref(),
            submitter: d.submitter.as_deref(),
            community: d.community().map(Community::name),
            post: d.post().map(PostJson::new),
        }
    }
}

/// What a Reddit post says of itself; a field is absent when unknown or
/// false.
#[derive(Serialize)]
struct PostJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    subreddit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    posted_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upvote_ratio: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    num_comments: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flair: Option<&'a str>,
    #[serde(skip_serializing_if = "is_false")]
    nsfw: bool,
    #[serde(skip_serializing_if = "is_false")]
    spoiler: bool,
    #[serde(skip_serializing_if = "is_false")]
    locked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    permalink: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

fn is_false(b: &bool) -> bool {
    !b
}

impl<'a> PostJson<'a> {
    fn new(post: &'a PostMeta) -> Self {
        PostJson {
            subreddit: post.subreddit.as_deref(),
            posted_at: post.posted_at,
            score: post.score,
            upvote_ratio: post.upvote_permille.map(|p| f64::from(p) / 1000.0),
            num_comments: post.num_comments,
            flair: post.flair.as_deref(),
            nsfw: post.nsfw,
            spoiler: post.spoiler,
            locked: post.locked,
            permalink: post.reddit_url("www.reddit.com"),
            url: post.url.as_deref(),
        }
    }
}

/// An entry of `GET /api/discussions`.
#[derive(Serialize)]
struct DiscussionSummaryJson<'a> {
    #[serde(flatten)]
    head: DiscussionHeadJson<'a>,
    comment_count: usize,
    first_comment_at: Option<DateTime<Utc>>,
    last_comment_at: Option<DateTime<Utc>>,
}

/// `GET /api/discussions/{id}`.
#[derive(Serialize)]
struct DiscussionJson<'a> {
    #[serde(flatten)]
    head: DiscussionHeadJson<'a>,
    body: &'a str,
    /// Top-level comments the source knew of but did not include (a count
    /// of 0: it did not say how many); absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    unarchived_replies: Option<u32>,
    /// The post's pictures, gallery, video or embed, in order.
    media: Vec<MediaJson<'a>>,
    comments: Vec<CommentJson<'a>>,
}

/// A piece of media of a post or a comment.
#[derive(Serialize)]
struct MediaJson<'a> {
    kind: MediaKind,
    /// Its address at the source (null for a file on disk the source
    /// does not describe).
    url: Option<&'a str>,
    /// This server's address of the file, when it is on disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    local: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    caption: Option<&'a str>,
    #[serde(skip_serializing_if = "is_false")]
    removed: bool,
}

impl<'a> MediaJson<'a> {
    fn new(media: &'a Media, local: Option<&LocalFile>) -> Self {
        let size = local.and_then(|f| f.size_or(media)).or(media.size());
        MediaJson {
            kind: media.kind,
            url: Some(media.url.as_str()).filter(|u| !u.is_empty()),
            local: local.map(|f| Links::SERVER.href(&Url::Media { key: f.key.clone() })),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            caption: media.caption.as_deref(),
            removed: media.removed,
        }
    }
}

#[derive(Serialize)]
pub struct CommentJson<'a> {
    id: &'a str,
    author: &'a str,
    /// RFC 3339 in UTC (`2023-08-05T10:22:00Z`), null when unknown.
    posted_at: Option<DateTime<Utc>>,
    /// The parent's id, null for a top-level comment.
    parent: Option<&'a str>,
    depth: usize,
    body: &'a str,
    /// Replies the source knew of but did not include (a count of 0: it
    /// did not say how many); absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    unarchived_replies: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<i32>,
    /// An RFC 3339 time, or `true` when the source gave none.
    #[serde(skip_serializing_if = "Option::is_none")]
    edited: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    distinguished: Option<&'static str>,
    #[serde(skip_serializing_if = "is_false")]
    stickied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    flair: Option<&'a str>,
    #[serde(skip_serializing_if = "is_false")]
    controversial: bool,
    /// `"moderators"`, `"author"`, `"author later"` or the source's own
    /// reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    removed: Option<&'a str>,
}

impl<'a> CommentJson<'a> {
    pub fn new(d: &'a Discussion, index: usize) -> Self {
        let comments = d.comments();
        let c = &comments[index];
        CommentJson {
            id: c.id.as_str(),
            author: &c.author,
            posted_at: c.posted_at,
            parent: c.parent().map(|p| comments[p].id.as_str()),
            depth: c.depth(),
            body: &c.body,
            unarchived_replies: d.unarchived(Some(index)),
            score: c.marks.score(),
            edited: c.marks.edited().map(|e| match e {
                Edited::At(at) => serde_json::json!(at),
                Edited::Unknown => serde_json::Value::Bool(true),
            }),
            distinguished: c.marks.distinguished().map(|d| d.as_str()),
            stickied: c.marks.stickied(),
            flair: d.flair(index),
            controversial: c.marks.controversial(),
            removed: d.removal(index).map(|r| match r {
                Removal::Moderators => "moderators",
                Removal::Author => "author",
                Removal::AuthorLater => "author later",
                Removal::Reason(reason) => reason,
            }),
        }
    }
}

pub async fn discussions(
    State(state): State<Arc<AppState>>,
    uri: OriginalUri,
    ApiParams { query, limit }: ApiParams<DiscussionsQuery>,
) -> Result<Response, ApiError> {
    let archive = state.archive();
    let all = archive.discussions().iter().map(|d| &**d).collect();
    discussion_list(&uri, &query, limit, all)
}

/// A page of `all` (by id), or of them in `query`'s order, as
/// `/api/discussions` gives them.
fn discussion_list(
    uri: &OriginalUri,
    query: &DiscussionsQuery,
    limit: Option<usize>,
    all: Vec<&Head>,
) -> Result<Response, ApiError> {
    let all = match query.sort {
        Some(sort) => crate::site::pages::index::sort_discussions(all, sort),
        None => all,
    };
    let paged = Paged::new(all.len(), limit, DEFAULT_LIMIT, query.page)?;
    let list = summaries(&all[paged.range.clone()]);
    Ok(paged.respond(uri, query, list))
}

fn summaries<'a>(discussions: &[&'a Head]) -> Vec<DiscussionSummaryJson<'a>> {
    discussions
        .iter()
        .map(|d| {
            let span = d.time_span();
            DiscussionSummaryJson {
                head: DiscussionHeadJson::new(d),
                comment_count: d.comment_count(),
                first_comment_at: span.map(|(first, _)| first),
                last_comment_at: span.map(|(_, last)| last),
            }
        })
        .collect()
}

/// `GET /api/comments`: every comment in time order, oldest first, each
/// as a discussion's comments are given plus its `discussion`;
/// `?community=`, `?after=`, `?before=` narrow it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommentsQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    community: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<Day>,
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<Day>,
    #[serde(default)]
    page: PageNumber,
}

impl ViewQuery for CommentsQuery {
    const FIELDS: &'static [&'static str] = &["community", "after", "before", "page"];
}

#[derive(Serialize)]
struct TimedCommentJson<'a> {
    #[serde(flatten)]
    comment: CommentJson<'a>,
    discussion: &'a str,
}

pub async fn comments(
    State(state): State<Arc<AppState>>,
    uri: OriginalUri,
    ApiParams { query, limit }: ApiParams<CommentsQuery>,
) -> Result<Response, ApiError> {
    let archive = state.archive();
    let community = query.community.as_deref().map(Community::parse);
    let selection = Selection {
        community,
        after: query.after,
        before: query.before,
        per_page: Some(limit.unwrap_or(DEFAULT_LIMIT)),
    };
    let timeline = archive.derived().timeline(&archive, &selection)?;
    let paged = Paged::new(timeline.comment_count(), limit, DEFAULT_LIMIT, query.page)?;
    let shown = timeline.page(&archive, paged.page)?;
    let read = read_all(&archive, shown.iter().map(|t| t.at.discussion()))?;
    let list: Vec<TimedCommentJson> = shown
        .iter()
        .map(|t| {
            let d = &*read[&t.at.discussion()];
            TimedCommentJson {
                comment: CommentJson::new(d, t.at.comment()),
                discussion: &d.id,
            }
        })
        .collect();
    Ok(paged.respond(&uri, &query, list))
}

/// An entry of `GET /api/communities`.
#[derive(Serialize)]
struct CommunityJson {
    name: String,
    discussion_count: usize,
    comment_count: usize,
    first_comment_at: Option<DateTime<Utc>>,
    last_comment_at: Option<DateTime<Utc>>,
}

/// `GET /api/communities`: most comments first.
pub async fn communities(
    State(state): State<Arc<AppState>>,
    uri: OriginalUri,
    ApiParams { query, limit }: ApiParams<PageQuery>,
) -> Result<Response, ApiError> {
    let archive = state.archive();
    let all = archive.communities();
    let paged = Paged::new(all.len(), limit, DEFAULT_LIMIT, query.page)?;
    let list: Vec<CommunityJson> = all[paged.range.clone()]
        .iter()
        .map(|c| CommunityJson {
            name: c.community.name(),
            discussion_count: c.discussions.len(),
            comment_count: c.comment_count,
            first_comment_at: c.first_at,
            last_comment_at: c.last_at,
        })
        .collect();
    Ok(paged.respond(&uri, &query, list))
}

/// `GET /api/communities/{name}` (`r/AskReddit`, or a source): its
/// discussions, as `/api/discussions` gives them.
pub async fn community(
    State(state): State<Arc<AppState>>,
    uri: OriginalUri,
    Segments(name): Segments<String>,
    ApiParams { query, limit }: ApiParams<DiscussionsQuery>,
) -> Result<Response, ApiError> {
    let archive = state.archive();
    let stats = archive.community(&Community::parse(&name)).ok_or_else(|| {
        AppError::NotFound(format!("There is no community \"{name}\" in this archive."))
    })?;
    let all = stats
        .discussions
        .iter()
        .map(|&i| &*archive.discussions()[i])
        .collect();
    discussion_list(&uri, &query, limit, all)
}

pub async fn discussion(
    State(state): State<Arc<AppState>>,
    uri: OriginalUri,
    id: Result<Segments<String>, AppError>,
    ApiParams { query, limit }: ApiParams<ThreadQuery>,
) -> Result<Response, ApiError> {
    let Segments(id) = id?;
    let archive = state.archive();
    let d = &*find_discussion(&archive, &id)?;
    let search = query.search()?;
    require_author(d, query.author.as_deref())?;
    let order = thread::select(d, &query.filter(d, search.as_ref())).order;
    let shown = archive.shown_media(d);
    // The whole thread unless a limit is given.
    let paged = Paged::new(order.len(), limit, order.len().max(1), query.page)?;
    let body = DiscussionJson {
        head: DiscussionHeadJson::new(d),
        body: &d.body,
        unarchived_replies: d.unarchived(None),
        media: shown
            .iter()
            .map(|s| MediaJson::new(&s.media, s.local))
            .collect(),
        comments: order[paged.range.clone()]
            .iter()
            .map(|&i| CommentJson::new(d, i))
            .collect(),
    };
    Ok(paged.respond(&uri, &query, body))
}

/// An entry of `GET /api/authors`.
#[derive(Serialize)]
struct AuthorJson<'a> {
    name: &'a str,
    comment_count: usize,
    discussion_count: usize,
    first_comment_at: Option<DateTime<Utc>>,
    last_comment_at: Option<DateTime<Utc>>,
}

impl<'a> AuthorJson<'a> {
    fn new(a: &'a Author) -> Self {
        AuthorJson {
            name: &a.name,
            comment_count: a.comment_count,
            discussion_count: a.discussion_count,
            first_comment_at: a.first_at,
            last_comment_at: a.last_at,
        }
    }
}

/// `GET /api/authors/{name}`: the summary plus their comments, each with
/// its discussion.
#[derive(Serialize)]
struct AuthorDetailJson<'a> {
    #[serde(flatten)]
    author: AuthorJson<'a>,
    comments: Vec<AuthoredCommentJson<'a>>,
}

#[derive(Serialize)]
struct AuthoredCommentJson<'a> {
    discussion: &'a str,
    discussion_title: &'a str,
    #[serde(flatten)]
    comment: CommentJson<'a>,
}

pub async fn authors(
    State(state): State<Arc<AppState>>,
    uri: OriginalUri,
    ApiParams { query, limit }: ApiParams<AuthorsQuery>,
) -> Result<Response, ApiError> {
    let archive = state.archive();
    let authors = archive.derived().sorted_authors(&archive, query.sort);
    let paged = Paged::new(authors.len(), limit, DEFAULT_LIMIT, query.page)?;
    let list: Vec<_> = authors[paged.range.clone()]
        .iter()
        .map(|&i| AuthorJson::new(&archive.authors()[i]))
        .collect();
    Ok(paged.respond(&uri, &query, list))
}

pub async fn author(
    State(state): State<Arc<AppState>>,
    uri: OriginalUri,
    name: Result<Segments<String>, AppError>,
    ApiParams { query, limit }: ApiParams<AuthorQuery>,
) -> Result<Response, ApiError> {
    let Segments(name) = name?;
    let archive = &*state.archive();
    let author = find_author(archive, &name)?;
    let refs = ordered_comments(archive, author, query.sort)?;
    let paged = Paged::new(refs.len(), limit, DEFAULT_LIMIT, query.page)?;
    let shown = &refs[paged.range.clone()];
    let read = read_all(archive, shown.iter().map(|t| t.at.discussion()))?;
    let comments = shown
        .iter()
        .map(|t| {
            let d = &*read[&t.at.discussion()];
            AuthoredCommentJson {
                discussion: &d.id,
                discussion_title: &d.title,
                comment: CommentJson::new(d, t.at.comment()),
            }
        })
        .collect();
    let body = AuthorDetailJson {
        author: AuthorJson::new(author),
        comments,
    };
    Ok(paged.respond(&uri, &query, body))
}

#[derive(Serialize)]
struct SearchJson<'a> {
    query: &'a str,
    /// Matches in all (articles and comments), on every page.
    total: usize,
    /// The matches of this page, grouped by discussion in the order of
    /// their first match.
    discussions: Vec<DiscussionHitsJson<'a>>,
}

#[derive(Serialize)]
struct DiscussionHitsJson<'a> {
    id: &'a str,
    title: &'a str,
    title_match: bool,
    body_match: bool,
    comments: Vec<CommentJson<'a>>,
}

/// Matches grouped by discussion, the discussions in the order of their
/// first match.
struct Group {
    discussion: usize,
    article: bool,
    comments: Vec<usize>,
}

fn group(hits: &[search::Hit]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut at: rustc_hash::FxHashMap<usize, usize> = Default::default();
    for hit in hits {
        let g = *at.entry(hit.discussion).or_insert_with(|| {
            groups.push(Group {
                discussion: hit.discussion,
                article: false,
                comments: Vec::new(),
            });
            groups.len() - 1
        });
        match hit.comment {
            Some(c) => groups[g].comments.push(c),
            None => groups[g].article = true,
        }
    }
    groups
}

/// `GET /api/search`: one page of matches (`limit` of them, as the search
/// page pages them), with the total and a `Link` to the next page. Only
/// the page's matches are assembled.
pub async fn search(
    State(state): State<Arc<AppState>>,
    uri: OriginalUri,
    ApiParams { query, limit }: ApiParams<SearchQuery>,
) -> Result<Response, ApiError> {
    let words = search_query(query.q.as_deref())?.ok_or_else(|| {
        AppError::BadRequest("Bad search: give at least one word in `q`.".to_owned())
    })?;
    let archive = state.archive();
    let per_page = limit.unwrap_or(DEFAULT_SEARCH_LIMIT);
    let offset = (query.page.get() - 1).saturating_mul(per_page);
    let index = state.search_index().map(|i| &**i);
    let (results, _) = search::page(&archive, index, &words, query.sort, offset, per_page);
    let paged = Paged::new(results.total, limit, DEFAULT_SEARCH_LIMIT, query.page)?;
    let groups = group(&results.hits);
    let read = read_all(&archive, groups.iter().map(|g| g.discussion))?;
    let discussions = groups
        .into_iter()
        .map(|g| {
            let d = &*read[&g.discussion];
            let title_match = g.article && words.matches(&d.title);
            DiscussionHitsJson {
                id: &d.id,
                title: &d.title,
                title_match,
                body_match: g.article && (!title_match || words.matches(&d.body)),
                comments: g.comments.iter().map(|&i| CommentJson::new(d, i)).collect(),
            }
        })
        .collect();
    let body = SearchJson {
        query: words.as_str(),
        total: results.total,
        discussions,
    };
    Ok(paged.respond(&uri, &query, body))
}

pub async fn diagnostics(
    State(state): State<Arc<AppState>>,
    uri: OriginalUri,
    ApiParams { query, limit }: ApiParams<PageQuery>,
) -> Result<Response, ApiError> {
    let archive = state.archive();
    let all = &archive.diagnostics;
    let paged = Paged::new(all.len(), limit, DEFAULT_LIMIT, query.page)?;
    Ok(paged.respond(&uri, &query, &all[paged.range.clone()]))
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound("There is no such API route.".to_owned()))
}

/// `/api/share`: the key to put in the links this page shares (`null` when
/// the reader needs none: on this machine, or with no key). The cookie
/// that carries it cannot be read by scripts; a page's "copy link" asks
/// here. Never cached: the answer depends on who asks.
pub async fn share(key: Option<axum::Extension<SharedKey>>) -> Response {
    let key = key.and_then(|axum::Extension(SharedKey(key))| key);
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({ "key": key })),
    )
        .into_response()
}

/// The discussions at `positions`, each read once.
fn read_all(
    archive: &crate::model::Archive,
    positions: impl Iterator<Item = usize>,
) -> Result<HashMap<usize, Arc<Discussion>>, crate::model::Unreadable> {
    let mut read = HashMap::new();
    for i in positions {
        if let std::collections::hash_map::Entry::Vacant(entry) = read.entry(i) {
            entry.insert(archive.discussion(i)?);
        }
    }
    Ok(read)
}
