//! Reddit's addresses, read: a thread's or a comment's address on Reddit
//! (any of its hosts, `redd.it`, or a path alone) names a post and maybe a
//! comment; where the archive holds that post, the local copy is the
//! address to use.

use crate::model::Archive;
use crate::site::url::{Links, Url};

/// A post (and maybe one of its comments) named by a Reddit address.
#[derive(Debug, PartialEq, Eq)]
pub struct Target<'a> {
    pub post: &'a str,
    pub comment: Option<&'a str>,
}

/// Reads `href`: `https://www.reddit.com/r/{sub}/comments/{post}/{slug}/{comment}`
/// (and `old.`, `new.`, `np.`, no prefix, a path alone), or
/// `https://redd.it/{post}`; any query or fragment is ignored.
pub fn target(href: &str) -> Option<Target<'_>> {
    let (host, path) = match href.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            (Some(&rest[..end]), &rest[end..])
        }
        Some(_) => return None,
        None => (None, href),
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut parts = path.split('/').filter(|p| !p.is_empty());
    let host = host.map(|h| h.to_ascii_lowercase());
    if host.as_deref() == Some("redd.it") {
        return Some(Target {
            post: parts.next().filter(|p| is_id(p))?,
            comment: None,
        });
    }
    let on_reddit = host.as_deref().is_none_or(|h| {
        [
            "reddit.com",
            "www.reddit.com",
            "old.reddit.com",
            "new.reddit.com",
            "np.reddit.com",
        ]
        .contains(&h)
    });
    if !on_reddit || !path.starts_with('/') {
        return None;
    }
    let mut first = parts.next()?;
    if first.eq_ignore_ascii_case("r") {
        parts.next()?;
        first = parts.next()?;
    }
    if first != "comments" {
        return None;
    }
    let post = parts.next().filter(|p| is_id(p))?;
    let _slug = parts.next();
    let comment = parts.next().filter(|c| is_id(c));
    Some(Target { post, comment })
}

fn is_id(part: &str) -> bool {
    (1..=12).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The local view of what `target` names, where the archive holds it: the
/// comment when it is in the thread, else the thread.
pub fn local(archive: &Archive, target: &Target<'_>) -> Option<Url> {
    let d = archive
        .discussion(archive.post_position(target.post)?)
        .ok()?;
    Some(match target.comment.filter(|c| d.find(c).is_some()) {
        Some(comment) => Url::comment(&d.id, comment),
        None => Url::discussion(&d.id),
    })
}

/// Whether pages of `d` may link to other threads of the archive through
/// Reddit's addresses (so that what they look like depends on which
/// threads the archive holds): any text naming a Reddit thread, or a
/// crosspost.
pub fn may_link_home(d: &crate::model::Discussion) -> bool {
    let names = |text: &str| {
        let text = text.as_bytes();
        memchr::memmem::find(text, b"/comments/").is_some()
            || memchr::memmem::find(text, b"redd.it/").is_some()
    };
    d.post()
        .is_some_and(|p| p.crosspost_parent.is_some() || p.url.as_deref().is_some_and(names))
        || names(&d.body)
        || d.comments().iter().any(|c| names(&c.body))
}

/// A hash of the Reddit posts `archive` holds: what the local links of
/// [`may_link_home`]'s discussions depend on.
pub fn posts_held(archive: &Archive) -> u64 {
    let mut ids: Vec<&str> = archive
        .discussions()
        .iter()
        .filter_map(|d| d.post()?.id.as_deref())
        .collect();
    ids.sort_unstable();
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for id in ids {
        h.update(id.as_bytes());
        h.update(&[0]);
    }
    h.digest()
}

/// Rewrites links in bodies: a Reddit address whose thread is archived
/// becomes the local copy; a Reddit path alone (`/r/…`, `/u/…`) becomes
/// its address on Reddit.
pub struct LocalLinks<'a> {
    pub archive: &'a Archive,
    pub links: &'a Links<'a>,
}

/// A body link as it is written: where it goes, and whether it is the
/// archive's own copy of what it named.
pub struct Rewritten {
    pub href: String,
    pub here: bool,
}

impl LocalLinks<'_> {
    pub fn rewrite(&self, href: &str) -> Option<Rewritten> {
        if let Some(target) = target(href)
            && let Some(url) = local(self.archive, &target)
        {
            let href = match (&url, target.comment) {
                (Url::Comment { discussion, .. }, Some(comment)) => {
                    self.links.permalink(discussion, comment)
                }
                _ => self.links.href(&url),
            };
            return Some(Rewritten { href, here: true });
        }
        let reddit_path = ["/r/", "/u/", "/user/"]
            .iter()
            .any(|prefix| href.starts_with(prefix));
        reddit_path.then(|| Rewritten {
            href: format!("https://www.reddit.com{href}"),
            here: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reddit_addresses_name_a_post_and_maybe_a_comment() {
        let t = |post, comment| Some(Target { post, comment });
        for href in [
            "https://www.reddit.com/r/AskHistorians/comments/p3x9k/why_did/",
            "http://old.reddit.com/r/AskHistorians/comments/p3x9k",
            "https://np.reddit.com/r/AskHistorians/comments/p3x9k/why_did/?context=3",
            "https://reddit.com/comments/p3x9k",
            "/r/AskHistorians/comments/p3x9k/why_did",
            "https://redd.it/p3x9k",
        ] {
            assert_eq!(target(href), t("p3x9k", None), "{href}");
        }
        assert_eq!(
            target("https://new.reddit.com/r/a/comments/p3x9k/slug/c0ffee1/?context=3#x"),
            t("p3x9k", Some("c0ffee1"))
        );
        for href in [
            "https://example.com/r/a/comments/p3x9k/",
            "https://www.reddit.com/r/AskHistorians/",
            "https://www.reddit.com/user/someone",
            "ftp://reddit.com/comments/p3x9k",
            "https://evilreddit.com/comments/p3x9k",
        ] {
            assert_eq!(target(href), None, "{href}");
        }
    }
}
