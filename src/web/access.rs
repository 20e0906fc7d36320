//! Who may read the archive. Two checks run on every request before
//! anything else (the page cache included):
//! - the host it names must be one of this server's: `localhost` and the
//!   loopback addresses, the address it is bound to, the machine's own
//!   addresses and name when it listens on the network, and the names
//!   added with `--allowed-host`. Anything else is a 421: a page on
//!   another site that points its name at this machine (DNS rebinding)
//!   reads nothing. `X-Forwarded-Host` is never read.
//! - a request from another machine must carry the network key: in the
//!   address once (`?key=…`, moved at once into a cookie by a redirect to
//!   the same address without it), then in that cookie, or as
//!   `Authorization: Bearer …` (for scripts). Requests from loopback need
//!   none, unless they name a host added with `--allowed-host` (they came
//!   through a proxy).
//!
//! The key never reaches a handler: the address a page is made and cached
//! for is the same with or without it.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::{Arc, RwLock};

use askama::Template;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Html;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use subtle::ConstantTimeEq;

use super::AppState;
use super::error::{ApiError, AppError};
use crate::site::pages::admit::AdmitPage;
pub use crate::site::pages::refused::{KeyProblem, Refusal};
use crate::site::url::Links;

/// The query parameter that carries the key.
pub const KEY_PARAMETER: &str = "key";

/// Who may read the archive: the names the server answers to and, when it
/// is shared on the network, its key.
pub struct Access {
    hosts: Hosts,
    key: Option<String>,
    /// The cookie that holds the key: named after the port, so that two
    /// servers on one machine do not take each other's.
    cookie: String,
}

/// Where the key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChoice {
    /// A new random key, when the server is reachable from the network.
    Random,
    /// This key (`--key`), whatever the address.
    Given(String),
    /// No key: anyone who can reach the server reads it (`--no-key`).
    Open,
}

/// A key given with `--key` that would not survive in an address.
#[derive(Debug, thiserror::Error)]
#[error(
    "a key may hold only letters, digits and - . _ ~ (so that it reads the same in an address), and not be empty"
)]
pub struct BadKey;

/// Checks a `--key`.
pub fn parse_key(key: &str) -> Result<String, BadKey> {
    let fits = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    fits.then(|| key.to_owned()).ok_or(BadKey)
}

impl Access {
    /// A server on loopback: the loopback names only, no key.
    pub fn local() -> Self {
        Access {
            hosts: Hosts::new(None, Vec::new()),
            key: None,
            cookie: "threadview-key".to_owned(),
        }
    }

    /// A server bound to `bound`, answering also to `added` (host names,
    /// or addresses; a leading dot admits a domain's subdomains too).
    /// A key is made when the server can be reached from the network or
    /// through a proxy, unless `choice` is [`KeyChoice::Open`].
    pub fn new(bound: SocketAddr, added: Vec<String>, choice: KeyChoice) -> Self {
        let shared = !bound.ip().is_loopback() || !added.is_empty();
        let key = match choice {
            KeyChoice::Given(key) => Some(key),
            KeyChoice::Random if shared => Some(random_key()),
            KeyChoice::Random | KeyChoice::Open => None,
        };
        Access {
            hosts: Hosts::new(Some(bound.ip()), added),
            key,
            cookie: format!("threadview-key-{}", bound.port()),
        }
    }

    /// The key, when there is one.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The machine's own names that the server answers to (none on
    /// loopback).
    pub fn machine_names(&self) -> &[String] {
        &self.hosts.machine
    }

    /// What to do with a request from `peer` (unknown: treated as another
    /// machine).
    pub fn check(&self, request: &Ask<'_>) -> Verdict {
        // The page's own style, script and icon are not the archive: a
        // refusal is shown with them.
        let exempt = request.path.starts_with("/static/") || request.path == "/healthz";
        if exempt {
            return Verdict::Pass { key: None };
        }
        let named = request.hosts();
        if named.is_empty() {
            return Verdict::Refuse(self.refuse_host(""));
        }
        let mut proxied = false;
        for raw in named {
            match Host::parse(raw) {
                Some(host) if self.hosts.admits(&host) => proxied |= self.hosts.added(&host),
                _ => return Verdict::Refuse(self.refuse_host(raw)),
            }
        }
        let (offered, rest) = take_key(request.query);
        let Some(key) = &self.key else {
            return match offered {
                // Not needed here: kept out of the pages and the cache.
                Some(_) => Verdict::Admit {
                    to: local_location(request.path, rest.as_deref()),
                    cookie: None,
                },
                None => Verdict::Pass { key: None },
            };
        };
        let remote = proxied
            || !request
                .peer
                .is_some_and(|ip| ip.to_canonical().is_loopback());
        let share = remote.then(|| key.clone());
        if let Some(offered) = offered {
            let right = same(&offered, key);
            if right || !remote {
                return Verdict::Admit {
                    to: local_location(request.path, rest.as_deref()),
                    cookie: right.then(|| self.cookie_for(key)),
                };
            }
            return Verdict::Refuse(Refusal::Key(KeyProblem::Wrong));
        }
        if !remote {
            return Verdict::Pass { key: share };
        }
        let cookie = request.cookies.iter().find_map(|header| {
            Cookie::split_parse(*header)
                .filter_map(Result::ok)
                .find(|c| c.name() == self.cookie)
                .map(|c| c.value().to_owned())
        });
        let bearer = request
            .authorization
            .and_then(|value| value.strip_prefix("Bearer "));
        match (cookie, bearer) {
            (_, Some(given)) if same(given.trim(), key) => Verdict::Pass { key: share },
            (Some(given), _) if same(&given, key) => Verdict::Pass { key: share },
            (Some(_), _) => Verdict::Refuse(Refusal::Key(KeyProblem::Stale)),
            (None, Some(_)) => Verdict::Refuse(Refusal::Key(KeyProblem::Wrong)),
            (None, None) => Verdict::Refuse(Refusal::Key(KeyProblem::Missing)),
        }
    }

    /// A refusal of `raw`, named without its port where it has one.
    fn refuse_host(&self, raw: &str) -> Refusal {
        let name =
            Authority::from_str(raw).map_or_else(|_| raw.to_owned(), |a| a.host().to_owned());
        Refusal::Host {
            host: name,
            allowed: self.hosts.describe(),
        }
    }

    /// `Set-Cookie` for `key`: for this server only (no domain), never
    /// read by scripts, never sent from another site, gone when the
    /// browser closes.
    fn cookie_for(&self, key: &str) -> String {
        Cookie::build((self.cookie.as_str(), key))
            .http_only(true)
            .same_site(SameSite::Strict)
            .path("/")
            .build()
            .to_string()
    }
}

/// What [`Access::check`] reads of a request.
pub struct Ask<'a> {
    /// The `Host` header, when there is one.
    pub host: Option<&'a str>,
    /// The authority of an absolute request target (HTTP/2, proxies).
    pub authority: Option<&'a str>,
    pub peer: Option<IpAddr>,
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// Every `Cookie` header.
    pub cookies: Vec<&'a str>,
    pub authorization: Option<&'a str>,
}

impl<'a> Ask<'a> {
    pub fn of(request: &'a Request) -> Self {
        let headers: &'a HeaderMap = request.headers();
        let text = |name| {
            headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        Ask {
            host: text(header::HOST),
            authority: request.uri().authority().map(Authority::as_str),
            peer: request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
            path: request.uri().path(),
            query: request.uri().query(),
            cookies: headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect(),
            authorization: text(header::AUTHORIZATION),
        }
    }

    /// Every name the request gives for its host: all must be admitted.
    fn hosts(&self) -> Vec<&'a str> {
        self.host.into_iter().chain(self.authority).collect()
    }
}

/// What becomes of a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Answer it; `key` is the key to put in the links it shares (when it
    /// came from another machine).
    Pass {
        key: Option<String>,
    },
    /// Redirect to `to` (the same address without its key), setting
    /// `cookie` when the key was right.
    Admit {
        to: String,
        cookie: Option<String>,
    },
    Refuse(Refusal),
}

/// The key a request came in with, for the page's "copy link" (the cookie
/// cannot be read by scripts): in the request's extensions.
#[derive(Debug, Clone)]
pub struct SharedKey(pub Option<String>);

/// Middleware: answers only what [`Access::check`] lets through.
pub async fn guard(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let verdict = state.access().check(&Ask::of(&request));
    match verdict {
        Verdict::Pass { key } => {
            request.extensions_mut().insert(SharedKey(key));
            next.run(request).await
        }
        Verdict::Admit { to, cookie } => {
            let mut response = if cookie.is_some() && opens_a_page(request.headers()) {
                let page = AdmitPage::build(to.clone(), &Links::SERVER);
                match page.render() {
                    Ok(html) => Html(html).into_response(),
                    Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response(),
                }
            } else {
                (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
            };
            let headers = response.headers_mut();
            if let Some(cookie) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
                headers.insert(header::SET_COOKIE, cookie);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Verdict::Refuse(refusal) => {
            let path = request.uri().path();
            if path == "/api" || path.starts_with("/api/") {
                ApiError(AppError::Refused(refusal)).into_response()
            } else {
                AppError::Refused(refusal).into_response()
            }
        }
    }
}

/// Whether the request is a browser's, opening a page: then the key is
/// taken by a page that moves on by itself, not by a redirect. A link
/// followed from another site (a chat, a mail) starts a navigation that
/// the browser holds to be that site's, through every redirect, and it
/// sends no `SameSite=Strict` cookie in it; a page's own move is this
/// site's. (Browsers say `Sec-Fetch-Site` only to HTTPS and loopback,
/// so it cannot tell the two apart here.)
fn opens_a_page(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// A redirect's target on this server: `path` with `query`, never an
/// address another host could be read from (`//host`, `/\host`).
pub fn local_location(path: &str, query: Option<&str>) -> String {
    let path = format!("/{}", path.trim_start_matches(['/', '\\']));
    match query {
        Some(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path,
    }
}

/// The key offered in `query`, and the query without it (its other
/// parameters as they were written).
fn take_key(query: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(query) = query else {
        return (None, None);
    };
    let mut offered = None;
    let mut rest = Vec::new();
    for pair in query.split('&') {
        match form_urlencoded::parse(pair.as_bytes()).next() {
            Some((name, value)) if name == KEY_PARAMETER => {
                offered.get_or_insert_with(|| value.into_owned());
            }
            _ => rest.push(pair),
        }
    }
    (offered, Some(rest.join("&")))
}

/// Compares keys in a time that does not depend on where they differ.
fn same(given: &str, key: &str) -> bool {
    given.as_bytes().ct_eq(key.as_bytes()).into()
}

/// 128 random bits, in hex.
fn random_key() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system has a source of random numbers");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A request's host, without its port.
#[derive(Debug, PartialEq, Eq)]
enum Host {
    Ip(IpAddr),
    /// Lower case, without a trailing dot.
    Name(String),
}

impl Host {
    fn parse(raw: &str) -> Option<Host> {
        if raw.contains('@') {
            return None;
        }
        let authority = Authority::from_str(raw).ok()?;
        let host = authority.host();
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Some(Host::Ip(ip.to_canonical()));
        }
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        (!name.is_empty()).then_some(Host::Name(name))
    }
}

/// The names and addresses a server answers to.
struct Hosts {
    /// The address it is bound to (none: loopback only).
    bound: Option<IpAddr>,
    /// The machine's addresses, when it listens on all of them: read at
    /// start and again when a request names an address not among them (a
    /// laptop changes networks).
    addresses: RwLock<Vec<IpAddr>>,
    /// The machine's own names, when it listens on the network.
    machine: Vec<String>,
    /// `--allowed-host`: names (a leading dot admits the subdomains) and
    /// addresses.
    added: Vec<Host>,
}

impl Hosts {
    fn new(bound: Option<IpAddr>, added: Vec<String>) -> Self {
        let network = bound.is_some_and(|ip| !ip.is_loopback());
        let machine = if network { machine_names() } else { Vec::new() };
        let addresses = match bound {
            Some(ip) if ip.is_unspecified() => machine_addresses(),
            _ => Vec::new(),
        };
        Hosts {
            bound: bound.map(|ip| ip.to_canonical()),
            addresses: RwLock::new(addresses),
            machine,
            added: added
                .iter()
                .filter_map(|name| {
                    let leading_dot = name.starts_with('.');
                    match Host::parse(name.trim_start_matches('.'))? {
                        Host::Name(name) if leading_dot => Some(Host::Name(format!(".{name}"))),
                        host => Some(host),
                    }
                })
                .collect(),
        }
    }

    fn admits(&self, host: &Host) -> bool {
        match host {
            Host::Ip(ip) => {
                ip.is_loopback()
                    || self.bound == Some(*ip)
                    || self.added(host)
                    || self.is_machine_address(*ip)
            }
            Host::Name(name) => {
                name == "localhost"
                    || name.ends_with(".localhost")
                    || self.machine.contains(name)
                    || self.added(host)
            }
        }
    }

    /// Whether `host` is one of `--allowed-host`'s.
    fn added(&self, host: &Host) -> bool {
        self.added.iter().any(|added| match (added, host) {
            (Host::Name(added), Host::Name(name)) => match added.strip_prefix('.') {
                Some(domain) => name == domain || name.ends_with(added.as_str()),
                None => name == added,
            },
            (added, host) => added == host,
        })
    }

    fn is_machine_address(&self, ip: IpAddr) -> bool {
        if !self.bound.is_some_and(|b| b.is_unspecified()) {
            return false;
        }
        let known = self.addresses.read().unwrap_or_else(|e| e.into_inner());
        if known.contains(&ip) {
            return true;
        }
        drop(known);
        let now = machine_addresses();
        let found = now.contains(&ip);
        *self.addresses.write().unwrap_or_else(|e| e.into_inner()) = now;
        found
    }

    /// The names and addresses admitted, as the refusal lists them.
    fn describe(&self) -> Vec<String> {
        let mut names: Vec<String> = ["localhost", "*.localhost", "127.0.0.1", "[::1]"]
            .map(str::to_owned)
            .into();
        let addresses = self.addresses.read().unwrap_or_else(|e| e.into_inner());
        let ips = self
            .bound
            .iter()
            .filter(|ip| !ip.is_unspecified())
            .chain(&*addresses);
        names.extend(ips.filter(|ip| !ip.is_loopback()).map(|ip| match ip {
            IpAddr::V6(v6) => format!("[{v6}]"),
            IpAddr::V4(v4) => v4.to_string(),
        }));
        names.extend(self.machine.iter().cloned());
        names.extend(self.added.iter().map(|host| match host {
            Host::Name(name) => match name.strip_prefix('.') {
                Some(domain) => format!("{domain} and *.{domain}"),
                None => name.clone(),
            },
            Host::Ip(IpAddr::V6(v6)) => format!("[{v6}]"),
            Host::Ip(ip) => ip.to_string(),
        }));
        names.dedup();
        names
    }
}

/// The machine's addresses, on every interface.
pub fn machine_addresses() -> Vec<IpAddr> {
    if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|interface| interface.ip().to_canonical())
        .collect()
}

/// The machine's host name, and its `.local` name (mDNS), lower case.
fn machine_names() -> Vec<String> {
    let name = gethostname::gethostname()
        .to_string_lossy()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if name.is_empty() || name == "localhost" {
        return Vec::new();
    }
    let local = if name.ends_with(".local") {
        None
    } else {
        Some(format!("{name}.local"))
    };
    std::iter::once(name).chain(local).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask<'a>(host: &'a str, peer: &str, target: &'a str) -> Ask<'a> {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        Ask {
            host: Some(host),
            authority: None,
            peer: Some(peer.parse().unwrap()),
            path,
            query,
            cookies: Vec::new(),
            authorization: None,
        }
    }

    fn refused_host(verdict: Verdict) -> bool {
        matches!(verdict, Verdict::Refuse(Refusal::Host { .. }))
    }

    #[test]
    fn hosts_are_read_without_their_port_and_in_one_case() {
        assert_eq!(
            Host::parse("LocalHost.:3000"),
            Some(Host::Name("localhost".into()))
        );
        assert_eq!(
            Host::parse("[::1]:3000"),
            Some(Host::Ip("::1".parse().unwrap()))
        );
        assert_eq!(
            Host::parse("[::ffff:127.0.0.1]"),
            Some(Host::Ip("127.0.0.1".parse().unwrap()))
        );
        assert_eq!(Host::parse("user@localhost"), None);
        assert_eq!(Host::parse("a b"), None);
        assert_eq!(Host::parse(""), None);
    }

    #[test]
    fn loopback_names_pass_and_others_are_refused() {
        let access = Access::local();
        for host in [
            "localhost",
            "localhost:3000",
            "app.localhost:3000",
            "127.0.0.1:3000",
            "127.1.2.3",
            "[::1]:3000",
        ] {
            assert_eq!(
                access.check(&ask(host, "127.0.0.1", "/")),
                Verdict::Pass { key: None },
                "{host}"
            );
        }
        for host in [
            "evil.example.com",
            "localhost.evil.example.com",
            "evillocalhost",
            "192.0.2.99:3000",
            "[2001:db8::1]",
            "",
        ] {
            assert!(
                refused_host(access.check(&ask(host, "127.0.0.1", "/"))),
                "{host}"
            );
        }
        let mut none = ask("localhost", "127.0.0.1", "/");
        none.host = None;
        assert!(refused_host(access.check(&none)), "no Host at all");
        // An absolute target must name an admitted host too.
        let mut both = ask("localhost", "127.0.0.1", "/");
        both.authority = Some("evil.example.com");
        assert!(refused_host(access.check(&both)));
    }

    #[test]
    fn added_hosts_pass_with_their_subdomains_when_asked() {
        let bound: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let access = Access::new(
            bound,
            vec![
                "Archive.Example.org".into(),
                ".lan.example".into(),
                "10.0.0.7".into(),
            ],
            KeyChoice::Open,
        );
        for host in [
            "archive.example.org",
            "archive.example.org:443",
            "lan.example",
            "box.lan.example",
            "10.0.0.7",
        ] {
            assert_eq!(
                access.check(&ask(host, "127.0.0.1", "/")),
                Verdict::Pass { key: None },
                "{host}"
            );
        }
        for host in ["www.archive.example.org", "xlan.example", "10.0.0.8"] {
            assert!(
                refused_host(access.check(&ask(host, "127.0.0.1", "/"))),
                "{host}"
            );
        }
    }

    #[test]
    fn a_key_is_made_only_for_a_server_others_can_reach() {
        let local: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let network: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        assert_eq!(Access::new(local, vec![], KeyChoice::Random).key(), None);
        let key = Access::new(network, vec![], KeyChoice::Random)
            .key()
            .map(str::len);
        assert_eq!(key, Some(32));
        assert_ne!(
            Access::new(network, vec![], KeyChoice::Random).key(),
            Access::new(network, vec![], KeyChoice::Random).key(),
            "each start makes its own"
        );
        assert_eq!(Access::new(network, vec![], KeyChoice::Open).key(), None);
        assert!(
            Access::new(local, vec!["proxy.example".into()], KeyChoice::Random)
                .key()
                .is_some(),
            "behind a proxy"
        );
        assert!(parse_key("s3cret-Key_1.~").is_ok());
        assert!(parse_key("").is_err());
        assert!(parse_key("a b").is_err());
        assert!(parse_key("a&b").is_err());
    }

    #[test]
    fn the_key_moves_into_a_cookie_and_out_of_the_address() {
        let bound: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let access = Access::new(bound, vec![], KeyChoice::Given("k3y".into()));
        let from = "192.0.2.50";
        let host = "127.0.0.1:3000";
        assert_eq!(
            access.check(&ask(host, from, "/d/x")),
            Verdict::Refuse(Refusal::Key(KeyProblem::Missing))
        );
        let Verdict::Admit { to, cookie } =
            access.check(&ask(host, from, "/d/x?sort=new&key=k3y&author=a%20b"))
        else {
            panic!("the right key is let in");
        };
        assert_eq!(
            to, "/d/x?sort=new&author=a%20b",
            "the rest as it was written"
        );
        let cookie = cookie.expect("a cookie");
        for part in [
            "threadview-key-3000=k3y",
            "HttpOnly",
            "SameSite=Strict",
            "Path=/",
        ] {
            assert!(cookie.contains(part), "{cookie}");
        }
        assert!(!cookie.contains("Domain"), "{cookie}");
        assert_eq!(
            access.check(&ask(host, from, "/?key=wrong")),
            Verdict::Refuse(Refusal::Key(KeyProblem::Wrong))
        );

        let mut with_cookie = ask(host, from, "/d/x");
        with_cookie.cookies = vec!["other=1; threadview-key-3000=k3y"];
        assert_eq!(
            access.check(&with_cookie),
            Verdict::Pass {
                key: Some("k3y".into())
            }
        );
        with_cookie.cookies = vec!["threadview-key-3000=old"];
        assert_eq!(
            access.check(&with_cookie),
            Verdict::Refuse(Refusal::Key(KeyProblem::Stale))
        );
        let mut bearer = ask(host, from, "/api/discussions");
        bearer.authorization = Some("Bearer k3y");
        assert_eq!(
            access.check(&bearer),
            Verdict::Pass {
                key: Some("k3y".into())
            }
        );

        // Loopback needs none, and shares none; an unknown peer is remote.
        assert_eq!(
            access.check(&ask(host, "127.0.0.1", "/d/x")),
            Verdict::Pass { key: None }
        );
        let mut unknown = ask(host, from, "/d/x");
        unknown.peer = None;
        assert_eq!(
            access.check(&unknown),
            Verdict::Refuse(Refusal::Key(KeyProblem::Missing))
        );
        // The page's assets are not the archive.
        assert_eq!(
            access.check(&ask(host, from, "/static/style.css")),
            Verdict::Pass { key: None }
        );
        assert_eq!(
            access.check(&ask("evil.example.com", from, "/static/style.css")),
            Verdict::Pass { key: None }
        );
    }

    #[test]
    fn requests_through_an_added_name_need_the_key_even_from_loopback() {
        let bound: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let access = Access::new(
            bound,
            vec!["archive.example.org".into()],
            KeyChoice::Given("k3y".into()),
        );
        assert_eq!(
            access.check(&ask("archive.example.org", "127.0.0.1", "/")),
            Verdict::Refuse(Refusal::Key(KeyProblem::Missing))
        );
        assert_eq!(
            access.check(&ask("localhost:3000", "127.0.0.1", "/")),
            Verdict::Pass { key: None }
        );
    }

    #[test]
    fn a_key_where_none_is_needed_is_taken_out_of_the_address() {
        assert_eq!(
            Access::local().check(&ask("localhost", "127.0.0.1", "/a/x?key=k&page=2")),
            Verdict::Admit {
                to: "/a/x?page=2".into(),
                cookie: None
            }
        );
    }

    #[test]
    fn redirects_stay_on_this_server() {
        assert_eq!(local_location("//evil.example/x", None), "/evil.example/x");
        assert_eq!(
            local_location("/\\evil.example", Some("a=1")),
            "/evil.example?a=1"
        );
        assert_eq!(local_location("/d/x", Some("")), "/d/x");
    }
}
