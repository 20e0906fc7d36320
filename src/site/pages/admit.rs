//! The page that lets a reader in when a shared link with the key was
//! followed from another site: the browser keeps the key's cookie
//! (`SameSite=Strict`) out of a redirect that another site started, so
//! the server sets the cookie with this page, and the page moves on from
//! this site itself.

use askama::Template;

use crate::site::assets::Asset;
use crate::site::url::Links;

/// Fields: `to` (the address without its key), `style`, `icon`, `script`.
#[derive(Template)]
#[template(path = "admit.html")]
pub struct AdmitPage {
    to: String,
    style: String,
    icon: String,
    script: String,
}

impl AdmitPage {
    pub fn build(to: String, links: &Links) -> Self {
        AdmitPage {
            to,
            style: links.asset(Asset::Style),
            icon: links.asset(Asset::Icon),
            script: links.asset(Asset::Script),
        }
    }
}
