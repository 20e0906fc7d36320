//! The page every address answers with while the archive is first read
//! (a first start on a large archive parses it into the store): how far
//! the reading is, with a link to ask again (the script asks by itself).

use askama::Template;

use crate::site::assets::Asset;
use crate::site::url::Links;

/// How far the reading is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Bytes of documents read, of `total` (0: not known yet).
    pub done: u64,
    pub total: u64,
    /// Seconds since the start.
    pub seconds: u64,
}

impl Reading {
    /// The share done, in percent (0 until the total is known).
    pub fn percent(&self) -> u64 {
        (self.done.saturating_mul(100))
            .checked_div(self.total)
            .unwrap_or(0)
            .min(100)
    }
}

/// Fields: `counted` (whether the documents to read are counted yet),
/// `percent`, `done` and `total` (in words), `elapsed`, `again` (the
/// address asked for), `style`, `icon`, `script`.
#[derive(Template)]
#[template(path = "loading.html")]
pub struct LoadingPage {
    counted: bool,
    percent: u64,
    done: String,
    total: String,
    elapsed: String,
    again: String,
    style: String,
    icon: String,
    script: String,
}

/// A size in bytes, as people read it: `812 KB`, `1.4 GB`.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if value < 10.0 && unit > 0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

impl LoadingPage {
    /// The page for a request of `again` (a local address: a path and its
    /// query).
    pub fn build(reading: Reading, again: String, links: &Links) -> Self {
        LoadingPage {
            counted: reading.total > 0,
            percent: reading.percent(),
            done: size(reading.done),
            total: size(reading.total),
            elapsed: format!("{}:{:02}", reading.seconds / 60, reading.seconds % 60),
            again,
            style: links.asset(Asset::Style),
            icon: links.asset(Asset::Icon),
            script: links.asset(Asset::Script),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_shares_read_as_people_say_them() {
        assert_eq!(size(812_000), "812 KB");
        assert_eq!(size(1_400_000_000), "1.4 GB");
        assert_eq!(size(203_147_301), "203 MB");
        let reading = |done, total| Reading {
            done,
            total,
            seconds: 0,
        };
        assert_eq!(reading(50, 200).percent(), 25);
        assert_eq!(reading(5, 0).percent(), 0, "no total yet");
        assert_eq!(reading(300, 200).percent(), 100);
    }
}
