//! Static assets, compiled into the binary so the program runs from any
//! directory. Pages link them with a content hash (`?v=` on the server, in
//! the file name in an export), so a browser may cache them for good and
//! still never shows a stale one after an upgrade.

use std::sync::LazyLock;

/// Every asset there is: a page names one by this enum, so an unknown
/// asset does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asset {
    Style,
    Script,
    Icon,
}

/// Each asset's version: a hash of its content, made once.
static VERSIONS: LazyLock<[String; 3]> = LazyLock::new(|| Asset::ALL.map(version_of));

fn version_of(asset: Asset) -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(asset.content().as_bytes());
    format!("{hash:016x}")[..10].to_owned()
}

impl Asset {
    pub const ALL: [Asset; 3] = [Asset::Style, Asset::Script, Asset::Icon];

    /// Its name under `/static/`.
    pub fn name(self) -> &'static str {
        match self {
            Asset::Style => "style.css",
            Asset::Script => "app.js",
            Asset::Icon => "favicon.svg",
        }
    }

    /// The asset called `name`, if there is one.
    pub fn named(name: &str) -> Option<Asset> {
        Asset::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Asset::Style => "text/css; charset=utf-8",
            Asset::Script => "text/javascript; charset=utf-8",
            Asset::Icon => "image/svg+xml",
        }
    }

    pub fn content(self) -> &'static str {
        match self {
            Asset::Style => include_str!("../../static/style.css"),
            Asset::Script => include_str!("../../static/app.js"),
            Asset::Icon => include_str!("../../static/favicon.svg"),
        }
    }

    /// A hash of the content, for cache busting.
    pub fn version(self) -> &'static str {
        &VERSIONS[self as usize]
    }

    /// The server's address of the current version.
    pub fn path(self) -> String {
        format!("/static/{}?v={}", self.name(), self.version())
    }

    /// The file an export writes it to: its name with its version.
    pub fn file(self) -> String {
        let (stem, extension) = self
            .name()
            .rsplit_once('.')
            .expect("every asset's name has an extension");
        format!("assets/{stem}.{}.{extension}", self.version())
    }
}

/// Every asset as an export writes it: its file (relative to the export's
/// root, with its version in its name) and content.
pub fn files() -> impl Iterator<Item = (String, &'static str)> {
    Asset::ALL.into_iter().map(|a| (a.file(), a.content()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_are_named_and_versioned_by_content() {
        for asset in Asset::ALL {
            assert_eq!(Asset::named(asset.name()), Some(asset));
            assert_eq!(asset.version().len(), 10);
            assert!(asset.file().contains(asset.version()), "{}", asset.file());
        }
        assert_eq!(Asset::named("nothing.css"), None);
        assert_ne!(Asset::Style.version(), Asset::Script.version());
    }
}
