//! The archive shared on the network: a reader there opens the link with
//! the key and copies links that carry it; on this machine, links go plain.

use std::sync::Arc;

use serde_json::json;

use threadview::web::access::{Access, KeyChoice};
use threadview::web::{AppState, app};

use super::Session;
use crate::samples_dir;

const KEY: &str = "browser-test-key";
const VIEW: &str = "/d/003_night-trains?sort=new";

async fn start() -> Option<Session> {
    Session::start_on_network(|| {
        let loaded = crate::load(&samples_dir()).expect("the samples load");
        let access = Access::new(
            "0.0.0.0:0".parse().unwrap(),
            Vec::new(),
            KeyChoice::Given(KEY.into()),
        );
        app(Arc::new(AppState::new(loaded.archive).with_access(access)))
    })
    .await
}

/// Clicks the page's "copy link" (over the network, once the page has
/// asked for its key), and returns what it copied.
async fn copy_view(s: &Session, network: bool) -> String {
    // The key is asked for at load; a reader clicks later than a driver.
    if network {
        s.eval(
        "return new Promise(done => { \
           const seen = () => performance.getEntriesByType('resource').some(e => e.name.endsWith('/api/share')); \
           const wait = () => seen() ? setTimeout(done, 50) : setTimeout(wait, 20); wait(); });",
        )
        .await;
    }
    s.css("button.copy-view").await.click().await.unwrap();
    copied(s, "button.copy-view").await
}

/// What the button `selector` says it copied, once the copy is done.
async fn copied(s: &Session, selector: &str) -> String {
    let script = format!(
        "return new Promise(done => {{ const b = document.querySelector({selector:?}); \
         const wait = () => b.hasAttribute('data-copied') ? done(b.getAttribute('data-copied')) : setTimeout(wait, 20); wait(); }});"
    );
    s.eval(&script)
        .await
        .as_str()
        .expect("the button says what it copied")
        .to_owned()
}

#[tokio::test]
async fn copy_link_carries_the_key_over_the_network_and_not_on_loopback() {
    let Some(s) = start().await else {
        return;
    };
    let port = url::Url::parse(&s.base).unwrap().port().unwrap();
    let loopback = format!("http://127.0.0.1:{port}");

    // A link clicked on another site (here: the same server on loopback,
    // another site to the browser) opens for the one it was sent to.
    s.client.goto(&format!("{loopback}/")).await.unwrap();
    let before = s.eval("return history.length").await.as_u64().unwrap();
    s.eval(&format!(
        "const a = document.createElement('a'); a.id = 'shared'; \
         a.href = '{}{VIEW}&key={KEY}'; a.textContent = 'shared'; \
         document.body.prepend(a);",
        s.base
    ))
    .await;
    s.css("#shared").await.click().await.unwrap();
    s.wait_for_path(VIEW).await;
    let title = s.client.title().await.unwrap();
    assert!(title.contains("Night trains"), "{title}");
    s.screenshot("network-shared-link").await;
    assert_eq!(
        s.eval("return history.length").await,
        json!(before + 1),
        "the address with the key is not left in the history"
    );

    let copied = copy_view(&s, true).await;
    assert_eq!(copied, format!("{}{VIEW}&key={KEY}", s.base));

    // A comment's own link too, with its anchor after the key.
    s.css("li.comment button.copy-link")
        .await
        .click()
        .await
        .unwrap();
    let copied = s
        .css("li.comment button.copy-link")
        .await
        .attr("data-copied")
        .await
        .unwrap()
        .unwrap();
    assert!(copied.starts_with(&s.base), "{copied}");
    assert!(copied.contains(&format!("key={KEY}#c-")), "{copied}");

    // On this machine: the plain address, and no question asked.
    s.client.goto(&format!("{loopback}{VIEW}")).await.unwrap();
    let asked = s
        .eval("return performance.getEntriesByType('resource').some(e => e.name.endsWith('/api/share'))")
        .await;
    assert_eq!(asked, json!(false));
    let copied = copy_view(&s, false).await;
    assert_eq!(copied, format!("{loopback}{VIEW}"));
    s.close().await;
}

#[tokio::test]
async fn without_the_key_the_network_sees_only_the_refusal() {
    let Some(s) = start().await else {
        return;
    };
    s.goto("/").await;
    let text = s.css("main").await.text().await.unwrap();
    assert!(text.contains("shared with a key"), "{text}");
    assert!(!text.contains("Night trains"));
    s.screenshot("network-refused").await;
    assert_eq!(
        s.eval("return document.querySelectorAll('a').length").await,
        json!(0)
    );
    s.close().await;
}

#[tokio::test]
async fn a_name_rebound_to_this_machine_reads_nothing() {
    let Some(s) = Session::start().await else {
        return;
    };
    let port = url::Url::parse(&s.base).unwrap().port().unwrap();
    let rebound = format!("http://rebound.test:{port}");
    s.client.goto(&format!("{rebound}/")).await.unwrap();
    let text = s.css("main").await.text().await.unwrap();
    assert!(text.contains("does not answer to “rebound.test”"), "{text}");
    assert!(!text.contains("Night trains"));
    s.screenshot("rebound-refused").await;
    // What a script of that site would read: to the browser it is the
    // same origin, so only the server can refuse.
    let answer = s
        .eval("return fetch('/api/discussions').then(r => r.text().then(t => [r.status, t]));")
        .await;
    assert_eq!(answer[0], json!(421));
    assert!(!answer[1].as_str().unwrap().contains("Night trains"));
    s.close().await;
}
