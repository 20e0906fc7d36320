//! Local means local: a request that names another host reads nothing (no
//! DNS rebinding), and a server on the network asks other machines for its
//! key.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use threadview::web::access::{Access, KeyChoice};
use threadview::web::{AppState, app};

use super::{app_over, get, get_with, network_address, samples_dir};

/// A title of the samples: a body that holds it shows the archive.
const ARCHIVE_TITLE: &str = "Night trains are back in Europe";

fn state_with(access: Access) -> Arc<AppState> {
    let loaded = crate::load(&samples_dir()).expect("the samples load");
    Arc::new(AppState::new(loaded.archive).with_access(access))
}

#[tokio::test]
async fn a_request_for_another_host_reads_nothing_of_the_archive() {
    let app = app_over(&samples_dir());
    // Cached first, under a good name: the cache must not answer the rest.
    assert_eq!(get(&app, "/").await.status, 200);
    for host in [
        "evil.example.com",
        "evil.example.com:3000",
        "localhost.evil.example.com",
        "203.0.113.9:3000",
        "[2001:db8::7]:3000",
    ] {
        for path in ["/", "/api/discussions", "/d/003_night-trains", "/nope"] {
            let reply = get_with(&app, path, &[("host", host)]).await;
            assert_eq!(reply.status, 421, "{host}{path}");
            assert!(!reply.body.contains(ARCHIVE_TITLE), "{host}{path}");
            assert!(!reply.body.contains("003_night-trains"), "{host}{path}");
            assert_eq!(reply.headers["cache-control"], "no-store");
        }
        let page = get_with(&app, "/", &[("host", host)]).await;
        let name = host.rsplit_once(':').map_or(host, |(name, _)| {
            if name.ends_with(']') || !name.contains(':') {
                name
            } else {
                host
            }
        });
        assert!(
            page.body.contains(name),
            "the page names what was asked: {}",
            page.body
        );
        page.assert_in_order(&[
            "--allowed-host",
            "<code>localhost</code>",
            "<code>127.0.0.1</code>",
            "<code>[::1]</code>",
        ]);
        let api = get_with(&app, "/api/discussions", &[("host", host)]).await;
        assert!(api.content_type().starts_with("application/json"));
        assert!(
            api.json()["error"]
                .as_str()
                .unwrap()
                .contains("--allowed-host")
        );
    }
}

#[tokio::test]
async fn a_request_without_a_host_is_refused() {
    use tower::ServiceExt;
    let app = app_over(&samples_dir());
    let request = axum::http::Request::get("/api/discussions")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 421);
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert!(!String::from_utf8_lossy(&body).contains(ARCHIVE_TITLE));
}

#[tokio::test]
async fn loopback_names_read_the_archive_and_forwarded_hosts_are_not_trusted() {
    let app = app_over(&samples_dir());
    for host in [
        "localhost:3000",
        "127.0.0.1:3000",
        "[::1]:3000",
        "viewer.localhost:3000",
    ] {
        let reply = get_with(&app, "/", &[("host", host)]).await;
        assert_eq!(reply.status, 200, "{host}");
        assert!(reply.body.contains(ARCHIVE_TITLE), "{host}");
    }
    let forwarded = get_with(
        &app,
        "/",
        &[
            ("host", "evil.example.com"),
            ("x-forwarded-host", "localhost"),
        ],
    )
    .await;
    assert_eq!(forwarded.status, 421);
}

#[tokio::test]
async fn an_allowed_host_is_admitted_and_asks_for_the_key() {
    let bound: SocketAddr = "127.0.0.1:3000".parse().unwrap();
    let access = Access::new(
        bound,
        vec!["archive.example.org".into()],
        KeyChoice::Given("proxied-key".into()),
    );
    let app = app(state_with(access));
    // Through the proxy's name: the key (as a script would send it).
    let without = get_with(&app, "/", &[("host", "archive.example.org")]).await;
    assert_eq!(without.status, 401);
    let with = get_with(
        &app,
        "/",
        &[
            ("host", "archive.example.org"),
            ("authorization", "Bearer proxied-key"),
        ],
    )
    .await;
    assert_eq!(with.status, 200);
    assert!(with.body.contains(ARCHIVE_TITLE));
    assert_eq!(
        get_with(&app, "/", &[("host", "www.archive.example.org")])
            .await
            .status,
        421
    );
}

#[tokio::test]
async fn a_trailing_slash_never_redirects_to_another_host() {
    let app = app_over(&samples_dir());
    let reply = get(&app, "//evil.example/").await;
    assert_eq!(reply.status, 308);
    assert_eq!(reply.headers["location"], "/evil.example");
}

/// One request over a real socket, and its answer: status line, headers
/// (lower-cased names) and body.
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

async fn raw_get(to: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Raw {
    let mut stream = TcpStream::connect(to).await.unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {to}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a whole response");
    let mut lines = head.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Raw {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The server as `threadview --host 0.0.0.0` runs it, with its key, and
/// its address on the network; `None` when the machine has none.
async fn on_the_network() -> Option<(SocketAddr, String, tokio::task::JoinHandle<()>)> {
    let ip: IpAddr = network_address()?;
    let listener = TcpListener::bind("0.0.0.0:0").await.unwrap();
    let bound = listener.local_addr().unwrap();
    let state = state_with(Access::new(bound, Vec::new(), KeyChoice::Random));
    let key = state
        .access()
        .key()
        .expect("a key on the network")
        .to_owned();
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        axum::serve(listener, service).await.unwrap();
    });
    Some((SocketAddr::new(ip, bound.port()), key, server))
}

#[tokio::test]
async fn on_the_network_a_reader_needs_the_key_and_keeps_it_in_a_cookie() {
    let Some((at, key, server)) = on_the_network().await else {
        return;
    };

    let without = raw_get(at, "/", &[]).await;
    assert_eq!(without.status, 401);
    assert!(!without.body.contains(ARCHIVE_TITLE));
    assert!(without.body.contains("Ask the person who shared it"));
    assert!(without.header("www-authenticate").is_some());

    // The key: moved into a cookie, out of the address (the rest kept).
    let path = "/d/003_night-trains?sort=new&author=timetable_nerd";
    let admitted = raw_get(at, &format!("{path}&key={key}"), &[]).await;
    assert_eq!(admitted.status, 303);
    assert_eq!(admitted.header("location"), Some(path));
    assert_eq!(admitted.header("cache-control"), Some("no-store"));
    let cookie = admitted.header("set-cookie").expect("a cookie");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let pair = cookie.split(';').next().unwrap();
    assert!(pair.ends_with(&format!("={key}")), "{cookie}");

    // A browser gets a page that moves on by itself: a link followed from
    // another site would not carry the cookie through a redirect.
    let browser = raw_get(
        at,
        &format!("{path}&key={key}"),
        &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")],
    )
    .await;
    assert_eq!(browser.status, 200);
    assert_eq!(browser.header("set-cookie"), Some(cookie));
    assert!(
        browser
            .body
            .contains("content=\"0; url=/d/003_night-trains?sort=new&#38;author=timetable_nerd\""),
        "{}",
        browser.body
    );
    assert!(!browser.body.contains(&key));
    assert!(!browser.body.contains(ARCHIVE_TITLE));

    // The cookie alone.
    let page = raw_get(at, path, &[("cookie", pair)]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(ARCHIVE_TITLE));
    assert!(
        !page.body.contains(&key),
        "the key never enters a page (or the cache)"
    );

    let wrong = raw_get(at, "/?key=not-the-key", &[]).await;
    assert_eq!(wrong.status, 401);
    assert!(!wrong.body.contains(ARCHIVE_TITLE));
    let name = pair.split('=').next().unwrap();
    let stale = raw_get(at, "/", &[("cookie", &format!("{name}=from-before"))]).await;
    assert_eq!(stale.status, 401);
    assert!(stale.body.contains("started again"), "{}", stale.body);

    // The API the same, in JSON.
    let api = raw_get(at, "/api/discussions", &[]).await;
    assert_eq!(api.status, 401);
    assert!(
        api.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let error: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert!(error["error"].as_str().unwrap().contains("key"));
    let wrong_api = raw_get(at, "/api/discussions?key=nope", &[]).await;
    assert_eq!(wrong_api.status, 401);
    let keyed_api = raw_get(at, &format!("/api/discussions?key={key}"), &[]).await;
    assert_eq!(keyed_api.status, 303);
    assert_eq!(keyed_api.header("location"), Some("/api/discussions"));
    let api = raw_get(at, "/api/discussions", &[("cookie", pair)]).await;
    assert_eq!(api.status, 200);
    assert!(api.body.contains(ARCHIVE_TITLE));

    // What "copy link" puts in a shared link: the key, for this reader.
    let share = raw_get(at, "/api/share", &[("cookie", pair)]).await;
    assert_eq!(share.status, 200);
    let share: serde_json::Value = serde_json::from_str(&share.body).unwrap();
    assert_eq!(share["key"], key.as_str());

    // The page's assets are not the archive: the 401 page is styled.
    assert_eq!(raw_get(at, "/static/style.css", &[]).await.status, 200);
    server.abort();
}

#[tokio::test]
async fn on_the_network_this_machine_needs_no_key() {
    let Some((at, _, server)) = on_the_network().await else {
        return;
    };
    let local = SocketAddr::new("127.0.0.1".parse().unwrap(), at.port());
    let page = raw_get(local, "/", &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(ARCHIVE_TITLE));
    let share = raw_get(local, "/api/share", &[]).await;
    let share: serde_json::Value = serde_json::from_str(&share.body).unwrap();
    assert_eq!(share["key"], serde_json::Value::Null);
    server.abort();
}
