//! Paged threads in the browser: the keyboard carries on across a page
//! boundary, an old link to a comment now on another page still finds it,
//! and the pager works without JavaScript.

use serde_json::json;

use super::Session;
use crate::numbered_header;

/// A folder with one discussion of 500 top-level comments: three pages.
fn long_thread() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("A long thread\n\nIts article.\n");
    for n in 0..500 {
        text.push_str(&format!(
            "\n{}\n\nComment number {n}.\n",
            numbered_header("", &format!("reader{}", n % 9), n)
        ));
    }
    std::fs::write(dir.path().join("long.txt"), text).unwrap();
    dir
}

#[tokio::test]
async fn the_keyboard_and_old_links_carry_on_across_pages() {
    let dir = long_thread();
    let Some(s) = Session::start_over(dir.path()).await else {
        return;
    };
    s.goto("/d/long").await;
    let body = "const li = document.activeElement.closest('li.comment'); return li ? li.querySelector('.body').textContent.trim() : null;";
    // The last comment of page 1, then j: the first of page 2.
    s.eval("const all = document.querySelectorAll('li.comment'); const li = all[all.length - 1]; li.tabIndex = -1; li.focus();")
        .await;
    assert_eq!(s.eval(body).await, json!("Comment number 199."));
    s.press('j').await;
    s.wait_for_path("/d/long?page=2").await;
    assert_eq!(s.eval(body).await, json!("Comment number 200."));
    // k from there goes back to the last comment of page 1.
    s.press('k').await;
    s.wait_for_path("/d/long").await;
    assert_eq!(s.eval(body).await, json!("Comment number 199."));

    // A link made before the thread was paged: the comment is on page 3,
    // so the script opens the comment's own page.
    let id = s
        .eval("return fetch('/api/discussions/long').then(r => r.json()).then(d => d.comments[430].id);")
        .await;
    let id = id.as_str().unwrap().to_owned();
    s.goto(&format!("/d/long#c-{id}")).await;
    s.wait_for_path(&format!("/d/long/c/{id}#c-{id}")).await;
    // Its page links to the thread page that holds it.
    let in_thread = s.css("a.in-thread").await.attr("href").await.unwrap();
    assert_eq!(in_thread.unwrap(), format!("/d/long?page=3#c-{id}"));

    // Without JavaScript the pager is plain links.
    s.javascript(false).await;
    s.goto("/d/long").await;
    s.css("a[rel=next]").await.click().await.unwrap();
    let position = s.css("p.position").await.text().await.unwrap();
    assert_eq!(position, "Page 2 of 3: comments 201–400 of 500.");
    s.css("a.last").await.click().await.unwrap();
    let position = s.css("p.position").await.text().await.unwrap();
    assert_eq!(position, "Page 3 of 3: comments 401–500 of 500.");
    s.close().await;
}
