//! End-to-end tests in headless Chromium, driven through chromedriver with
//! fantoccini. They start the real server on `127.0.0.1:0` over the samples
//! and act as a reader would.
//!
//! Without Chromium, chromedriver or axe-core they skip with a printed
//! reason, unless `THREADVIEW_REQUIRE_BROWSER=1`, when they fail instead.

mod a11y;
mod export;
mod flows;
mod media;
mod network;
mod paging;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::{app_over, samples_dir};

pub fn required() -> bool {
    std::env::var("THREADVIEW_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

/// Skips (or, when required, fails) with `reason`.
fn unavailable(reason: &str) -> Option<Session> {
    if required() {
        panic!("THREADVIEW_REQUIRE_BROWSER=1 but {reason}");
    }
    eprintln!("skipped: {reason} (install chromium and chromium-driver to run the browser tests)");
    None
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

fn chromium() -> Option<PathBuf> {
    std::env::var_os("THREADVIEW_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            ["chromium", "chromium-browser", "google-chrome"]
                .iter()
                .find_map(|n| on_path(n))
        })
}

/// axe-core's script, installed by `npm ci --prefix tests/browser`.
pub fn axe_source() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(path).ok()
}

/// Where screenshots go: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot folder can be made");
    dir
}

/// A Chrome DevTools command, sent through chromedriver.
#[derive(Debug)]
struct Cdp {
    command: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// A browser session on a running server.
pub struct Session {
    pub client: Client,
    pub base: String,
    driver: Child,
    server: tokio::task::JoinHandle<()>,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Session {
    /// Starts the server over the samples, chromedriver and a browser
    /// window of 1280 × 900; `None` when the test is skipped.
    pub async fn start() -> Option<Session> {
        Self::start_over(&samples_dir()).await
    }

    /// The same over the documents of `dir`.
    pub async fn start_over(dir: &Path) -> Option<Session> {
        Self::start_with(|| app_over(dir)).await
    }

    /// The same serving what `app` makes (made once the browser is there).
    pub async fn start_with(app: impl FnOnce() -> axum::Router) -> Option<Session> {
        Self::start_serving("127.0.0.1".parse().unwrap(), app).await
    }

    /// The same listening on all addresses, with `base` on the machine's
    /// address on the network (`None` also when it has none).
    pub async fn start_on_network(app: impl FnOnce() -> axum::Router) -> Option<Session> {
        crate::network_address()?;
        Self::start_serving("0.0.0.0".parse().unwrap(), app).await
    }

    async fn start_serving(
        on: std::net::IpAddr,
        app: impl FnOnce() -> axum::Router,
    ) -> Option<Session> {
        let Some(chromium) = chromium() else {
            return unavailable("chromium was not found");
        };
        let Some(chromedriver) = on_path("chromedriver") else {
            return unavailable("chromedriver was not found");
        };
        let turn = crate::HEAVY.lock().await;

        let listener = TcpListener::bind((on, 0)).await.unwrap();
        let mut address = listener.local_addr().unwrap();
        if on.is_unspecified() {
            address.set_ip(crate::network_address()?);
        }
        let base = format!("http://{address}");
        let app = app().into_make_service_with_connect_info::<std::net::SocketAddr>();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });

        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let webdriver = format!("http://127.0.0.1:{port}");
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,900",
            "--lang=en-US",
            // A name of another site that points at this machine, as DNS
            // rebinding makes one.
            "--host-resolver-rules=MAP rebound.test 127.0.0.1",
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium, "args": args }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let mut client = None;
        for _ in 0..100 {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&webdriver)
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.expect("chromedriver accepts a session within 10 s");
        Some(Session {
            client,
            base,
            driver,
            server,
            _turn: turn,
        })
    }

    pub async fn cdp(&self, command: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp { command, params })
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"))
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// Waits until the window shows `path` (with its query and fragment).
    pub async fn wait_for_path(&self, path: &str) {
        let url = url::Url::parse(&format!("{}{path}", self.base)).unwrap();
        self.client.wait().for_url(&url).await.unwrap();
    }

    /// Runs `script` (a function body) and returns its value.
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    pub async fn css(&self, selector: &str) -> fantoccini::elements::Element {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("{selector}: {e}"))
    }

    pub async fn texts(&self, selector: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.client.find_all(Locator::Css(selector)).await.unwrap() {
            texts.push(element.text().await.unwrap());
        }
        texts
    }

    /// Presses and releases one key, as a keyboard would.
    pub async fn press(&self, key: char) {
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(keys).await.unwrap();
    }

    /// Light or dark, as the system would ask for it.
    pub async fn color_scheme(&self, dark: bool) {
        let value = if dark { "dark" } else { "light" };
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] }),
        )
        .await;
    }

    pub async fn javascript(&self, enabled: bool) {
        self.cdp(
            "Emulation.setScriptExecutionDisabled",
            json!({ "value": !enabled }),
        )
        .await;
    }

    pub async fn width(&self, width: u32) {
        self.client.set_window_size(width, 900).await.unwrap();
    }

    /// Saves a screenshot; a busy machine can make Chromium miss one, so it
    /// gets three tries.
    pub async fn screenshot(&self, name: &str) {
        let mut tries = 0;
        let png = loop {
            match self.client.screenshot().await {
                Ok(png) => break png,
                Err(e) if tries < 2 => {
                    eprintln!("screenshot {name} failed ({e}); trying again");
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("screenshot {name}: {e}"),
            }
        };
        std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Session {
    /// Also on a failed assertion: no chromedriver is left behind.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        self.server.abort();
    }
}
