//! Reddit-style Markdown to safe HTML.
//!
//! Raw HTML in the input is shown as text, never passed through. Only
//! `http`, `https` and `mailto` destinations become links, each with
//! `rel="nofollow noopener noreferrer"`; bare URLs in text are linked the
//! same way. Images become links to the image: nothing is fetched from
//! elsewhere when a page is shown. Headings are demoted so that a body never
//! outranks the page's own headings.

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::search::Query;

const LINK_SCHEMES: [&str; 3] = ["http://", "https://", "mailto:"];
/// What closes a link to the archive's own copy: the link, and its mark.
const HERE_END: &str = "</a><span class=\"here\"> (archived here)</span>";

/// Where a link goes instead of where it was written, if anywhere: a
/// local copy of what it names (`here`), or a path made whole.
pub struct Rewrite {
    pub href: String,
    /// The archive's own copy: marked as such, the original address in its
    /// title.
    pub here: bool,
}

/// Maps a link's destination to another, or leaves it (`None`).
pub type Rewriter<'a> = &'a dyn Fn(&str) -> Option<Rewrite>;

/// Renders a comment or article body.
pub fn to_html(markdown: &str) -> String {
    to_html_marked(markdown, None)
}

/// Renders a body with the matches of `query` in its text marked
/// (`<mark>`).
pub fn to_html_marked(markdown: &str, query: Option<&Query>) -> String {
    to_html_with(markdown, query, &|_| None)
}

/// The same, each link's destination first offered to `rewrite`.
pub fn to_html_with(markdown: &str, query: Option<&Query>, rewrite: Rewriter<'_>) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let mut events = Vec::new();
    // For each open link or image: whether its `<a>` was written, and
    // whether it leads to the archive's own copy.
    let mut open_links: Vec<(bool, bool)> = Vec::new();
    let mut in_code_block = false;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => {
                linkify_text(raw, query, rewrite, &mut events)
            }
            Event::Start(Tag::HtmlBlock) => events.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => events.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let href = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.trim().to_owned(),
                };
                match rewrite(&href) {
                    Some(Rewrite {
                        href: local,
                        here: true,
                    }) => {
                        events.push(Event::InlineHtml(local_anchor(&local, &href).into()));
                        open_links.push((true, true));
                    }
                    Some(Rewrite { href: whole, .. }) if is_allowed(&whole) => {
                        events.push(Event::InlineHtml(anchor(&whole, &title).into()));
                        open_links.push((true, false));
                    }
                    _ => {
                        let allowed = is_allowed(&href);
                        if allowed {
                            events.push(Event::InlineHtml(anchor(&href, &title).into()));
                        }
                        open_links.push((allowed, false));
                    }
                }
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => match open_links.pop() {
                Some((true, true)) => events.push(Event::InlineHtml(HERE_END.into())),
                Some((true, false)) => events.push(Event::InlineHtml("</a>".into())),
                _ => {}
            },
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                events.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                events.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Text(text) if !in_code_block && open_links.is_empty() => {
                linkify_text(text, query, rewrite, &mut events);
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => events.push(Event::Start(Tag::Heading {
                level: demote(level),
                id,
                classes,
                attrs,
            })),
            Event::End(TagEnd::Heading(level)) => {
                events.push(Event::End(TagEnd::Heading(demote(level))))
            }
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut out, events.into_iter());
    // Code blocks and tables may scroll sideways: make them reachable by
    // keyboard. (Input text is escaped, so these tags are always ours.)
    for (tag, focusable) in [
        ("<pre>", "<pre tabindex=\"0\">"),
        ("<table>", "<table tabindex=\"0\">"),
    ] {
        if out.contains(tag) {
            out = out.replace(tag, focusable);
        }
    }
    out
}

/// The text of a body without its Markdown, for excerpts: words and code
/// kept, markup dropped, blocks separated by spaces.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    ) {
        match event {
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                out.push_str(&text)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {}
            Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out
}

fn is_allowed(href: &str) -> bool {
    LINK_SCHEMES.iter().any(|scheme| {
        href.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
            && href.len() > scheme.len()
    })
}

fn anchor(href: &str, title: &str) -> String {
    let mut out = String::from("<a href=\"");
    // Writing to a String cannot fail.
    let _ = escape_href(&mut out, href);
    out.push('"');
    if !title.is_empty() {
        out.push_str(" title=\"");
        let _ = escape_html(&mut out, title);
        out.push('"');
    }
    out.push_str(" rel=\"nofollow noopener noreferrer\">");
    out
}

/// A link to the archive's own copy of `original`.
fn local_anchor(href: &str, original: &str) -> String {
    let mut out = String::from("<a class=\"here\" href=\"");
    let _ = escape_href(&mut out, href);
    out.push_str("\" title=\"archived here; the original: ");
    let _ = escape_html(&mut out, original);
    out.push_str("\">");
    out
}

/// Splits plain text so that bare web addresses become links and the
/// matches of `query` are marked.
fn linkify_text<'a>(
    text: CowStr<'a>,
    query: Option<&Query>,
    rewrite: Rewriter<'_>,
    events: &mut Vec<Event<'a>>,
) {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut links = finder.links(&text).peekable();
    if links.peek().is_none() && query.is_none() {
        events.push(Event::Text(text));
        return;
    }
    let mut last = 0;
    for link in links {
        if !is_allowed(link.as_str()) {
            continue;
        }
        mark(&text[last..link.start()], query, events);
        let local = rewrite(link.as_str()).filter(|r| r.here);
        let open = match &local {
            Some(local) => local_anchor(&local.href, link.as_str()),
            None => anchor(link.as_str(), ""),
        };
        events.push(Event::InlineHtml(open.into()));
        events.push(Event::Text(link.as_str().to_owned().into()));
        events.push(Event::InlineHtml(
            if local.is_some() { HERE_END } else { "</a>" }.into(),
        ));
        last = link.end();
    }
    mark(&text[last..], query, events);
}

/// Pushes `text`, with the matches of `query` wrapped in `<mark>`.
fn mark(text: &str, query: Option<&Query>, events: &mut Vec<Event<'_>>) {
    let mut last = 0;
    for hit in query.map(|q| q.find(text)).unwrap_or_default() {
        if hit.start > last {
            events.push(Event::Text(text[last..hit.start].to_owned().into()));
        }
        events.push(Event::InlineHtml("<mark>".into()));
        events.push(Event::Text(text[hit.clone()].to_owned().into()));
        events.push(Event::InlineHtml("</mark>".into()));
        last = hit.end;
    }
    if last < text.len() {
        events.push(Event::Text(text[last..].to_owned().into()));
    }
}

/// Body headings start at level 3, under the page's title and sections.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[track_caller]
    fn check(input: &str, expected: &str) {
        assert_eq!(to_html(input).trim(), expected.trim());
    }

    #[test]
    fn paragraphs_quotes_lists_emphasis_and_code() {
        check(
            "**bold** and *it*\n\n> quoted\n\n    code <b>\n\n- one\n- two\n",
            "<p><strong>bold</strong> and <em>it</em></p>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n<pre tabindex=\"0\"><code>code &lt;b&gt;\n</code></pre>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
        );
    }

    #[test]
    fn raw_html_is_text() {
        check(
            "hi <script>alert(1)</script>",
            "<p>hi &lt;script&gt;alert(1)&lt;/script&gt;</p>",
        );
        check(
            "<div onclick=\"x()\">\nblock\n</div>",
            "<p>&lt;div onclick=\"x()\"&gt;\nblock\n&lt;/div&gt;</p>",
        );
    }

    #[test]
    fn only_web_and_mail_links_become_links() {
        check(
            "[a](https://example.com/?q=1&r=\"2\") [b](javascript:alert(1)) [c](/r/rust) <me@example.com>",
            "<p><a href=\"https://example.com/?q=1&amp;r=%222%22\" rel=\"nofollow noopener noreferrer\">a</a> b c <a href=\"mailto:me@example.com\" rel=\"nofollow noopener noreferrer\">me@example.com</a></p>",
        );
        check(
            "![pic](data:image/png;base64,xx) ![ok](http://x.org/p.png)",
            "<p>pic <a href=\"http://x.org/p.png\" rel=\"nofollow noopener noreferrer\">ok</a></p>",
        );
    }

    #[test]
    fn bare_urls_are_linked_outside_code() {
        check(
            "see https://example.org/a_b. and `http://no.link`",
            "<p>see <a href=\"https://example.org/a_b\" rel=\"nofollow noopener noreferrer\">https://example.org/a_b</a>. and <code>http://no.link</code></p>",
        );
    }

    #[test]
    fn search_matches_are_marked_and_escaped() {
        let q = crate::search::Query::new("<b>").unwrap();
        assert_eq!(
            super::to_html_marked("a <b> and `<b>`", Some(&q)).trim(),
            "<p>a <mark>&lt;b&gt;</mark> and <code>&lt;b&gt;</code></p>"
        );
    }

    #[test]
    fn plain_text_drops_markup() {
        let text =
            super::to_plain_text("Some *emphasis*, `code` and [a link](http://x.y).\n\n> quoted");
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>().join(" "),
            "Some emphasis, code and a link. quoted"
        );
    }

    #[test]
    fn headings_are_demoted() {
        check("# Big\n\n## Less", "<h3>Big</h3>\n<h4>Less</h4>");
    }
}
