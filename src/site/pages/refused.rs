//! The page that refuses a request before it reaches the archive: a `Host`
//! that is not one of the server's names (421), or a request from another
//! machine without the network key (401). It shows nothing of the archive
//! and links nowhere in it.

use askama::Template;

use crate::site::assets::Asset;
use crate::site::url::Links;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The request named a host this server does not answer to.
    Host {
        /// The name it gave (empty when it gave none).
        host: String,
        /// The names the server answers to, as the reader would type them.
        allowed: Vec<String>,
    },
    /// A request from another machine without a good key.
    Key(KeyProblem),
}

/// What was wrong with the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProblem {
    /// No key in the address and no cookie.
    Missing,
    /// The address carried a key, not this server's.
    Wrong,
    /// The browser's cookie holds a key from an earlier start.
    Stale,
}

impl Refusal {
    /// The page's heading, in a line.
    pub fn title(&self) -> String {
        match self {
            Refusal::Host { host, .. } if host.is_empty() => {
                "This request does not say which server it is for".to_owned()
            }
            Refusal::Host { host, .. } => format!("This server does not answer to “{host}”"),
            Refusal::Key(KeyProblem::Missing) => "This archive is shared with a key".to_owned(),
            Refusal::Key(KeyProblem::Wrong) => "This link's key is not this server's".to_owned(),
            Refusal::Key(KeyProblem::Stale) => {
                "This browser's key is from an earlier start of the server".to_owned()
            }
        }
    }

    /// What happened and what to do, in a sentence or two (also the JSON
    /// error of the API).
    pub fn message(&self) -> String {
        match self {
            Refusal::Host { .. } => "threadview answers only to the names of the machine it runs on, so that no web page can reach the archive by pointing a name of its own at this machine (DNS rebinding). To reach it by another name (a reverse proxy's, say), start it with --allowed-host NAME, once for each name.".to_owned(),
            Refusal::Key(KeyProblem::Missing) => "Ask the person who shared it for the full link: it ends in ?key=…. Opening that link once lets this browser in until it is closed.".to_owned(),
            Refusal::Key(KeyProblem::Wrong) => "The server makes a new key each time it starts (unless it is started with --key), so a link from an earlier start no longer opens it: ask for the link again.".to_owned(),
            Refusal::Key(KeyProblem::Stale) => "The server has been started again since this browser was let in, with a new key: ask the person who shared it for the new link.".to_owned(),
        }
    }

    /// The whole refusal in plain text: the API's error.
    pub fn text(&self) -> String {
        let mut text = format!("{}. {}", self.title(), self.message());
        if let Refusal::Host { allowed, .. } = self {
            text.push_str(&format!(" It answers to: {}.", allowed.join(", ")));
        }
        text
    }

    /// The HTTP status: 421 for a host, 401 for a key.
    pub fn code(&self) -> u16 {
        match self {
            Refusal::Host { .. } => 421,
            Refusal::Key(_) => 401,
        }
    }
}

/// Fields: `title`, `message`, `code`, `reason`, `allowed` (the names the
/// server answers to, for a refused host), `style`, `icon`.
#[derive(Template)]
#[template(path = "refused.html")]
pub struct RefusedPage {
    title: String,
    message: String,
    code: u16,
    reason: &'static str,
    allowed: Vec<String>,
    style: String,
    icon: String,
}

impl RefusedPage {
    pub fn build(refusal: &Refusal, reason: &'static str, links: &Links) -> Self {
        RefusedPage {
            title: refusal.title(),
            message: refusal.message(),
            code: refusal.code(),
            reason,
            allowed: match refusal {
                Refusal::Host { allowed, .. } => allowed.clone(),
                Refusal::Key(_) => Vec::new(),
            },
            style: links.asset(Asset::Style),
            icon: links.asset(Asset::Icon),
        }
    }
}
