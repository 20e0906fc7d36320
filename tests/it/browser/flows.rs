//! What a reader does: browse, sort, collapse, follow permalinks, filter,
//! copy links and move with the keyboard, with JavaScript and without.

use serde_json::json;

use super::Session;

const PARSERS: &str = "/d/001_tolerant-parsers";

/// The authors of the top-level comments, in page order.
async fn top_level_authors(s: &Session) -> Vec<String> {
    s.texts("ul.thread > li.comment > details > summary .author")
        .await
}

/// Whether the element is inside the window's visible area.
async fn in_view(s: &Session, selector: &str) -> bool {
    let script = format!(
        "const r = document.querySelector({selector:?}).getBoundingClientRect(); \
         return r.top >= 0 && r.top < window.innerHeight;"
    );
    s.eval(&script).await == json!(true)
}

/// Browsing: index → discussion → sort → collapse → permalink → author filter.
async fn browse(s: &Session) {
    s.goto("/").await;
    assert_eq!(s.client.title().await.unwrap(), "Discussions · threadview");
    s.client
        .find(fantoccini::Locator::LinkText(
            "Ask: how do you write a parser that never gives up?",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        s.client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with(PARSERS)
    );
    let original = top_level_authors(s).await;
    assert_eq!(original, ["kettlebell_kate", "ferrous_wheel", "quietmoth"]);

    // Sorting with the control.
    s.css("nav.choices[aria-label=Sort] a[href$='sort=new']")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(
        top_level_authors(s).await,
        ["quietmoth", "ferrous_wheel", "kettlebell_kate"]
    );
    assert!(
        s.client
            .current_url()
            .await
            .unwrap()
            .query()
            .unwrap()
            .contains("sort=new")
    );

    // Collapsing a thread hides its replies and says how many.
    s.goto(PARSERS).await;
    let first = "ul.thread > li.comment:first-child";
    let reply_text = s.css(&format!("{first} ul.replies .body")).await;
    assert!(reply_text.is_displayed().await.unwrap());
    s.css(&format!("{first} > details > summary"))
        .await
        .click()
        .await
        .unwrap();
    assert!(!reply_text.is_displayed().await.unwrap());
    let hidden = s
        .css(&format!("{first} > details > summary .hidden-count"))
        .await;
    assert!(hidden.is_displayed().await.unwrap());
    assert_eq!(hidden.text().await.unwrap(), "· 7 replies hidden");
    s.css(&format!("{first} > details > summary"))
        .await
        .click()
        .await
        .unwrap();
    assert!(reply_text.is_displayed().await.unwrap());

    // A permalink far down the page shows its comment highlighted and in view.
    let links = s
        .client
        .find_all(fantoccini::Locator::LinkText("permalink"))
        .await
        .unwrap();
    assert_eq!(links.len(), 12);
    links.last().unwrap().click().await.unwrap();
    assert!(s.client.current_url().await.unwrap().path().contains("/c/"));
    assert!(in_view(s, "li.comment.highlighted").await);

    // Filtering by author through the participants list.
    s.goto(PARSERS).await;
    s.css("details.participants > summary")
        .await
        .click()
        .await
        .unwrap();
    s.client
        .find(fantoccini::Locator::LinkText("ostrakon"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let authors = s.texts("ol.flat > li.comment .meta .author").await;
    assert_eq!(authors, ["ostrakon", "ostrakon"]);
}

#[tokio::test]
async fn a_reader_browses_sorts_collapses_and_filters() {
    let Some(s) = Session::start().await else {
        return;
    };
    browse(&s).await;
    s.close().await;
}

#[tokio::test]
async fn the_same_flows_work_without_javascript() {
    let Some(s) = Session::start().await else {
        return;
    };
    s.javascript(false).await;
    browse(&s).await;
    // Without JavaScript the copy buttons stay hidden; permalinks remain.
    s.goto(PARSERS).await;
    let button = s.css("button.copy-link").await;
    assert!(!button.is_displayed().await.unwrap());
    assert!(
        s.texts("li.comment .permalink")
            .await
            .iter()
            .any(|t| t == "permalink")
    );
    s.close().await;
}

/// What the page's clipboard holds.
async fn clipboard(s: &Session) -> serde_json::Value {
    s.client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             navigator.clipboard.readText().then(done, e => done('error: ' + e));",
            Vec::new(),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn copy_link_puts_the_permalink_on_the_clipboard() {
    let Some(s) = Session::start().await else {
        return;
    };
    s.cdp(
        "Browser.grantPermissions",
        json!({ "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
    )
    .await;
    s.goto(PARSERS).await;
    let button = s.css("li.comment button.copy-link").await;
    assert!(button.is_displayed().await.unwrap());
    let href = button.attr("data-href").await.unwrap().unwrap();
    button.click().await.unwrap();
    let copied = clipboard(&s).await;
    assert_eq!(copied, json!(format!("{}{href}", s.base)));
    assert_eq!(button.text().await.unwrap(), "Copied");

    // The whole view, too.
    s.goto(&format!("{PARSERS}?sort=old&author=marginalia"))
        .await;
    s.css("button.copy-view").await.click().await.unwrap();
    let copied = clipboard(&s).await;
    assert_eq!(
        copied,
        json!(format!("{}{PARSERS}?sort=old&author=marginalia", s.base))
    );
    s.close().await;
}

#[tokio::test]
async fn the_keyboard_moves_between_comments_and_threads() {
    let Some(s) = Session::start().await else {
        return;
    };
    s.goto(PARSERS).await;
    // The shortcuts are live once the script shows their hint; under load
    // a key pressed before would be lost.
    s.eval(
        "return new Promise(done => { const ready = () => { const h = document.getElementById('shortcuts-hint'); \
         h && !h.hidden ? done() : setTimeout(ready, 20); }; ready(); });",
    )
    .await;
    let focused = || async {
        s.eval("const li = document.activeElement.closest('li.comment'); return li ? li.querySelector('.author').textContent : null;")
            .await
    };
    s.press('j').await;
    assert_eq!(focused().await, json!("kettlebell_kate"));
    s.press('j').await;
    assert_eq!(focused().await, json!("marginalia"));
    s.press('k').await;
    assert_eq!(focused().await, json!("kettlebell_kate"));
    s.press('n').await;
    assert_eq!(focused().await, json!("ferrous_wheel"));
    s.press('n').await;
    assert_eq!(focused().await, json!("quietmoth"));
    s.press('p').await;
    assert_eq!(focused().await, json!("ferrous_wheel"));
    // Focus is visible.
    let outline = s
        .eval("return getComputedStyle(document.activeElement).outlineStyle;")
        .await;
    assert_ne!(outline, json!("none"));

    // c collapses and Enter expands; j then skips the hidden replies.
    s.press('c').await;
    let open = "return document.activeElement.querySelector(':scope > details').open;";
    assert_eq!(s.eval(open).await, json!(false));
    s.press('j').await;
    assert_eq!(focused().await, json!("quietmoth"));
    s.press('k').await;
    s.press('\u{E007}').await; // Enter
    assert_eq!(s.eval(open).await, json!(true));

    // ? lists the shortcuts; Escape closes the list and Tab moves on.
    s.press('?').await;
    let dialog = s.css("dialog#shortcuts").await;
    assert!(dialog.is_displayed().await.unwrap());
    assert!(
        dialog
            .text()
            .await
            .unwrap()
            .contains("next / previous comment")
    );
    s.press('\u{E00C}').await; // Escape
    assert!(!dialog.is_displayed().await.unwrap());
    let mut seen = std::collections::HashSet::new();
    for _ in 0..6 {
        s.press('\u{E004}').await; // Tab
        seen.insert(
            s.eval("return document.activeElement.outerHTML.slice(0, 80);")
                .await
                .to_string(),
        );
    }
    assert_eq!(seen.len(), 6, "Tab keeps moving: nothing traps focus");
    s.close().await;
}

#[tokio::test]
async fn times_also_show_in_the_readers_time_zone() {
    let Some(s) = Session::start().await else {
        return;
    };
    s.cdp(
        "Emulation.setTimezoneOverride",
        json!({ "timezoneId": "Asia/Tokyo" }),
    )
    .await;
    s.goto(PARSERS).await;
    let time = s.css("li.comment time").await;
    assert_eq!(
        time.attr("datetime").await.unwrap().unwrap(),
        "2024-03-03T09:12:00Z"
    );
    assert_eq!(time.text().await.unwrap(), "March 3rd, 2024 at 09:12 UTC");
    let local = s
        .css("li.comment time + .local-time")
        .await
        .text()
        .await
        .unwrap();
    assert!(local.contains("6:12") && local.contains("GMT+9"), "{local}");
    s.close().await;
}

#[tokio::test]
async fn a_discussion_prints_expanded_without_controls() {
    let Some(s) = Session::start().await else {
        return;
    };
    s.goto(&format!("{PARSERS}?depth=0")).await;
    // (WebDriver's own visibility test ignores print styles for <details>.)
    let reply_visible = "return document.querySelector('ul.replies .body').checkVisibility();";
    assert_eq!(s.eval(reply_visible).await, json!(false));
    s.cdp("Emulation.setEmulatedMedia", json!({ "media": "print" }))
        .await;
    assert_eq!(s.eval(reply_visible).await, json!(true));
    for control in [
        "header.site",
        ".controls",
        "li.comment .permalink",
        "details.participants",
    ] {
        assert!(
            !s.css(control).await.is_displayed().await.unwrap(),
            "{control}"
        );
    }
    s.close().await;
}

#[tokio::test]
async fn hostile_documents_never_run_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    crate::hostile::write_hostile_archive(dir.path());
    let Some(s) = Session::start_over(dir.path()).await else {
        return;
    };
    let mut pages = vec![
        "/".to_owned(),
        "/authors".to_owned(),
        "/search?q=pwned".to_owned(),
    ];
    for i in 0..crate::hostile::PAYLOADS.len() {
        pages.push(format!("/d/hostile-{i:02}"));
    }
    for page in &pages {
        s.goto(page).await;
        // Hover and focus everything, as a reader moving around would.
        s.eval("document.querySelectorAll('*').forEach(e => { e.dispatchEvent(new MouseEvent('mouseover')); });")
            .await;
        assert_eq!(
            s.eval("return typeof window.__pwned;").await,
            json!("undefined"),
            "{page}"
        );
        assert_eq!(
            s.eval("return document.scripts.length;").await,
            json!(1),
            "{page}"
        );
    }
    s.close().await;
}
