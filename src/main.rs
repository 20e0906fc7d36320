//! The `threadview` command: load a folder of discussions and serve it, or
//! export it as a static site.

use std::io::{IsTerminal, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use threadview::export::{self, Search};
use threadview::load::Loader;
use threadview::load::StoreState;
use threadview::search::index::SearchIndex;
use threadview::search::index::{Location, cache_path};
use threadview::store::{Opened, Store, StoreError};
use threadview::watch::watch;
use threadview::web::access::{self, Access, KeyChoice};
use threadview::web::loading::Loading;
use threadview::web::{AppState, app};

/// A local web viewer for archived discussions.
#[derive(Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Serve,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the archive in a browser (what `threadview [DIR]` does).
    Serve(Serve),
    /// Write the archive as a static site: plain files that any web
    /// server, object storage or GitHub Pages can publish, and that open
    /// from disk.
    Export(Export),
    /// Say which media the archive's posts name and which of them are on
    /// disk; `--missing` lists the addresses of those that are not, for a
    /// downloader of your choice.
    Media(MediaCommand),
}

/// Where the posts' pictures and videos are, and whether to fetch the
/// others.
#[derive(Args, Clone)]
struct MediaOptions {
    /// A folder of downloaded media (bdfr's or gallery-dl's files, named
    /// after their post's id), searched with its subfolders; may be given
    /// more than once (default: the archive's folder, which holds its
    /// `media/` folder).
    #[arg(long = "media", value_name = "DIR")]
    media_dirs: Vec<PathBuf>,
    /// Show media that is not on disk from its hosts (i.redd.it,
    /// imgur…), which then learn what you read; by default it is a
    /// placeholder with a link.
    #[arg(long)]
    remote_media: bool,
}

/// Where the parsed archive is kept.
#[derive(Args, Clone, Default)]
struct StoreOptions {
    /// The file to keep the parsed archive in (SQLite), so that the next
    /// start reads it instead of every document; by default a file for
    /// this archive in the user's cache folder, beside the search index.
    #[arg(long = "store", value_name = "FILE")]
    path: Option<PathBuf>,
}

#[derive(Args)]
struct MediaCommand {
    /// The folder of discussions.
    dir: PathBuf,
    /// Print the address of each piece of media that is not on disk, one
    /// a line (their count goes to stderr).
    #[arg(long)]
    missing: bool,
    /// With --missing: one JSON object a line, with the post's id, the
    /// address and the kind of media.
    #[arg(long, requires = "missing")]
    json: bool,
    /// A folder of downloaded media; may be given more than once (default:
    /// the archive's folder).
    #[arg(long = "media", value_name = "DIR")]
    media_dirs: Vec<PathBuf>,
    #[command(flatten)]
    store: StoreOptions,
}

#[derive(Args)]
struct Export {
    /// The folder of discussions.
    dir: PathBuf,
    /// The folder to write the site into; made if missing. An earlier
    /// export there is brought up to date, rewriting only what changed.
    out: PathBuf,
    /// Export only this discussion (its id: the file name without its
    /// extension, or Reddit's post id); may be given more than once.
    #[arg(long = "discussion", value_name = "ID")]
    discussions: Vec<String>,
    /// Write into OUT even though it holds other files (they are kept).
    #[arg(long)]
    force: bool,
    /// The Pagefind program, which indexes the site for its search box
    /// (default: `pagefind` on the PATH, from `npm install -g pagefind`).
    #[arg(long, value_name = "PROGRAM", conflicts_with = "no_search")]
    pagefind: Option<PathBuf>,
    /// Leave search out, even where Pagefind is installed.
    #[arg(long)]
    no_search: bool,
    /// Fail, before writing anything, when the site would hold more files
    /// than this (Cloudflare Pages' free plan takes 20000).
    #[arg(long, value_name = "N")]
    max_files: Option<usize>,
    /// Fail, before writing anything, when the site would be larger than
    /// this (1G, 500MB, 750MiB; GitHub Pages takes 1 GB). Measuring makes
    /// the new pages twice.
    #[arg(long, value_name = "SIZE", value_parser = export::parse_size)]
    max_bytes: Option<u64>,
    /// Write a .gz and a .br beside each page, stylesheet and script, for
    /// servers that send them as they are (nginx gzip_static, Caddy
    /// precompressed); not counted in the site's size.
    #[arg(long)]
    precompress: bool,
    #[command(flatten)]
    media: MediaOptions,
    #[command(flatten)]
    store: StoreOptions,
}

#[derive(Args)]
struct Serve {
    /// The folder of discussions to serve: text documents (*.txt), Reddit
    /// or bdfr thread JSON (*.json) and Pushshift / Arctic Shift dumps
    /// (*.jsonl, *.ndjson, *.zst); the current folder when left out.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The address to listen on; 0.0.0.0 shares the archive with the
    /// network (readers there need the key the server prints).
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Another name the server answers to, such as a reverse proxy's public
    /// name (a leading dot admits its subdomains too); may be given more
    /// than once. Requests naming any other host are refused.
    #[arg(long = "allowed-host", value_name = "NAME")]
    allowed_hosts: Vec<String>,
    /// The key readers on the network need, instead of a new random one at
    /// each start (letters, digits and - . _ ~).
    #[arg(long, value_name = "KEY", value_parser = access::parse_key, conflicts_with = "no_key")]
    key: Option<String>,
    /// Serve the network without a key: anyone who can reach the server
    /// reads the archive.
    #[arg(long)]
    no_key: bool,
    /// The port to listen on; 0 takes any free port.
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Open the viewer in the default browser once it is listening.
    #[arg(long)]
    open: bool,
    /// The most memory, in MiB, that rendered pages may keep for reuse.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    cache_mib: u64,
    /// Where to keep the search index; by default a folder for this
    /// archive in the user's cache folder.
    #[arg(long, value_name = "DIR", conflicts_with = "no_index")]
    index_dir: Option<PathBuf>,
    /// Search by reading the whole archive each time, without an index.
    #[arg(long)]
    no_index: bool,
    /// How many pages may be made or searches run at once; past that a
    /// request gets a 503 and is asked to retry (default: 4 per core).
    #[arg(long, value_name = "N")]
    concurrency: Option<usize>,
    #[command(flatten)]
    media: MediaOptions,
    #[command(flatten)]
    store: StoreOptions,
}

/// Why the command stopped.
#[derive(Debug, thiserror::Error)]
enum Fatal {
    #[error("cannot read {}: {source}", .dir.display())]
    Read {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot handle signals: {0}")]
    Signals(std::io::Error),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Export(#[from] export::ExportError),
    #[error("the export stopped unexpectedly: {0}")]
    Crashed(#[from] tokio::task::JoinError),
}

/// Whether the log may be coloured: only on a terminal, and never with
/// `NO_COLOR` set (to anything but the empty string, as no-color.org says).
fn log_in_colour(on_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    on_terminal && no_color.is_none_or(|value| value.is_empty())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    threadview::return_large_allocations();
    let colour = log_in_colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR"),
    );
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("threadview=info,tower_http=info")),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Export(args)) => tokio::task::spawn_blocking(move || run_export(args))
            .await
            .unwrap_or_else(|e| Err(e.into())),
        Some(Command::Serve(args)) => run(args).await,
        Some(Command::Media(args)) => tokio::task::spawn_blocking(move || run_media(args))
            .await
            .unwrap_or_else(|e| Err(e.into())),
        None => run(cli.serve).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("threadview: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The store of `dir`: `--store`, else a file in the user's cache folder,
/// else (said in the log) memory.
fn open_store(dir: &Path, options: &StoreOptions) -> Result<Store, Fatal> {
    let default = || cache_path(dir, "store").map(|folder| folder.join("archive.sqlite"));
    let (path, ours) = match &options.path {
        Some(path) => (Some(path.clone()), false),
        None => (default(), true),
    };
    let Some(path) = path else {
        tracing::warn!("no cache folder for the store on this system; keeping it in memory");
        return Ok(Store::in_memory()?);
    };
    let (store, opened) = Store::open_or_memory(&path, ours)?;
    match opened {
        Opened::Kept => tracing::info!("reading the parsed archive from {}", store.describe()),
        Opened::Created => tracing::info!("keeping the parsed archive in {}", store.describe()),
        Opened::Rebuilt(why) => tracing::warn!(
            "the store {} is made again from the documents: {why}",
            path.display()
        ),
    }
    Ok(store)
}

/// Loads the folder `dir`, with a progress bar and the problems found
/// logged.
fn load(
    dir: &Path,
    media: &[PathBuf],
    store: &StoreOptions,
) -> Result<(Loader, threadview::model::Archive), Fatal> {
    load_showing(dir, media, store, &|_, _| {})
}

/// [`load`], telling `progress` too how far it is (bytes read, of all).
fn load_showing(
    dir: &Path,
    media: &[PathBuf],
    store: &StoreOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<(Loader, threadview::model::Archive), Fatal> {
    for folder in media.iter().filter(|folder| !folder.is_dir()) {
        tracing::warn!(
            "--media {}: no such folder; its pictures and videos are shown as placeholders",
            folder.display()
        );
    }
    let store = open_store(dir, store)?;
    let mut loader = Loader::new(dir, store).with_media_dirs(media.to_vec());
    let bar = Progress::new(
        "loading {bar:40} {binary_bytes}/{binary_total_bytes}, {binary_bytes_per_sec}, {elapsed}",
    );
    let loaded = loader
        .load_with_progress(&Default::default(), &|done, total| {
            bar.update(done, total);
            progress(done, total);
        })
        .map_err(|source| Fatal::Read {
            dir: dir.to_owned(),
            source,
        })?;
    bar.finish();
    match &loaded.store {
        StoreState::Current => {}
        StoreState::Restored { files } => {
            tracing::info!(
                "{files} files read from the store, {} parsed",
                loaded.files_parsed
            )
        }
        StoreState::Rebuilt(why) => {
            tracing::warn!("the store could not be read ({why}); it was made again")
        }
        StoreState::Unwritten(why) => tracing::warn!(
            "the store could not be brought up to date ({why}); the next start reads the changed files again"
        ),
    }
    let archive = loaded.archive;
    threadview::release_freed_memory();
    for diagnostic in &archive.diagnostics {
        tracing::warn!("{diagnostic}");
    }
    if archive.discussions().is_empty() {
        tracing::warn!(
            "no discussions (*.txt, *.json, *.jsonl, *.ndjson, *.zst) in {}: start threadview with the folder that holds them, e.g. `threadview ~/my-archive`",
            dir.display()
        );
    }
    tracing::info!(
        discussions = archive.discussions().len(),
        comments = archive.comment_count(),
        media_files = archive.media_files().len(),
        diagnostics = archive.diagnostics.len(),
        "loaded {} in {:.1?}",
        dir.display(),
        loaded.elapsed
    );
    Ok((loader, archive))
}

fn run_export(args: Export) -> Result<(), Fatal> {
    let (_, archive) = load(&args.dir, &args.media.media_dirs, &args.store)?;
    threadview::keep_large_allocations();
    let pagefind = if args.no_search {
        None
    } else {
        export::find_pagefind(args.pagefind.as_deref())
    };
    let options = export::Options {
        out: args.out.clone(),
        discussions: args.discussions,
        force: args.force,
        pagefind,
        bundle_comments: export::BUNDLE_COMMENTS,
        remote_media: args.media.remote_media,
        max_files: args.max_files,
        max_bytes: args.max_bytes,
        precompress: args.precompress,
    };
    let bar = Progress::new("exporting {bar:40} {pos}/{len} pages, {per_sec}, {elapsed}");
    let summary = export::export(archive, &options, &|done, total| bar.update(done, total))?;
    bar.finish();
    println!(
        "exported {} pages to {} in {:.1?}: {} written, {} unchanged, {} removed; {} files, {:.1} MiB",
        summary.pages,
        args.out.display(),
        summary.elapsed,
        summary.written,
        summary.unchanged,
        summary.removed,
        summary.files,
        summary.bytes as f64 / (1 << 20) as f64,
    );
    println!(
        "largest file: {} ({})",
        summary.largest.0,
        export::size_text(summary.largest.1)
    );
    for (host, misfit) in summary.fits() {
        match misfit {
            None => println!("fits {host}"),
            Some(why) => println!("does not fit {host}: {why}"),
        }
    }
    if args.precompress {
        println!(
            "precompressed: {} files, {} ({} made), beside the site and not counted in it",
            summary.precompressed.files,
            export::size_text(summary.precompressed.bytes),
            summary.precompressed.made
        );
    }
    if summary.media.files > 0 {
        println!(
            "media: {} files, {} ({} copied, the others unchanged)",
            summary.media.files,
            export::size_text(summary.media.bytes),
            summary.media.copied,
        );
    }
    match summary.search {
        Search::Indexed(bundles) => println!(
            "search: indexed by Pagefind ({bundles} bundle{} made)",
            if bundles == 1 { "" } else { "s" }
        ),
        Search::Unchanged => println!("search: Pagefind's index is up to date"),
        Search::Absent if args.no_search => println!("search: left out (--no-search)"),
        Search::Absent => println!(
            "search: left out, Pagefind is not installed; `npm install -g pagefind` (or `pip install 'pagefind[extended]'`) and export again, or pass --pagefind PROGRAM"
        ),
    }
    println!("open {}", args.out.join("index.html").display());
    Ok(())
}

/// `threadview media`: what the posts name, and what is missing.
fn run_media(args: MediaCommand) -> Result<(), Fatal> {
    let (_, archive) = load(&args.dir, &args.media_dirs, &args.store)?;
    let missing = archive.missing_media();
    if args.missing {
        let mut out = std::io::stdout().lock();
        for m in &missing {
            let line = if args.json {
                serde_json::json!({"post": m.post, "url": m.url, "kind": m.kind}).to_string()
            } else {
                m.url.to_owned()
            };
            if writeln!(out, "{line}").is_err() {
                break;
            }
        }
        eprintln!("{} missing", missing.len());
    } else {
        let posts = archive
            .discussions()
            .iter()
            .filter(|d| !d.media().is_empty())
            .count();
        println!(
            "{posts} posts name media; {} files on disk matched; {} missing (list them with --missing)",
            archive.media_files().len(),
            missing.len()
        );
    }
    Ok(())
}

async fn run(args: Serve) -> Result<(), Fatal> {
    let shutdown = shutdown_signal().map_err(Fatal::Signals)?;
    let address = SocketAddr::new(args.host, args.port);
    let listen = |source| Fatal::Listen { address, source };
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(listen)?;
    let bound = listener.local_addr().map_err(listen)?;
    let choice = match (args.key.clone(), args.no_key) {
        (Some(key), _) => KeyChoice::Given(key),
        (None, true) => KeyChoice::Open,
        (None, false) => KeyChoice::Random,
    };
    let access = Access::new(bound, args.allowed_hosts.clone(), choice);
    let url = local_url(bound);
    // Said on stdout once the archive is served, after its address.
    let mut announce = Vec::new();
    if !args.host.is_loopback() {
        tracing::warn!("listening on {bound}: the archive is visible to the network");
        if access.key().is_none() {
            tracing::warn!(
                "--no-key: anyone who can reach {bound} reads the archive, without a key"
            );
        }
        let names = lan_addresses(args.host)
            .into_iter()
            .map(|ip| SocketAddr::new(ip, bound.port()).to_string())
            .chain(
                access
                    .machine_names()
                    .iter()
                    .map(|name| format!("{name}:{}", bound.port())),
            );
        for name in names {
            announce.push(format!(
                "  on the network: {}",
                share_url(&format!("http://{name}/"), access.key())
            ));
        }
    }
    if !args.allowed_hosts.is_empty()
        && let Some(key) = access.key()
    {
        announce.push(format!(
            "  through {}: add ?key={key} to its address",
            args.allowed_hosts.join(", ")
        ));
    }
    // Bound to one address of the network, this machine is a reader there
    // too (its requests do not come from loopback).
    let open_url = if args.host.is_loopback() || args.host.is_unspecified() {
        url.clone()
    } else {
        share_url(&url, access.key())
    };
    if args.open
        && let Err(e) = open::that_detached(&open_url)
    {
        tracing::warn!("could not open a browser: {e}");
    }

    // The server answers at once: until the archive is read (a first
    // start parses it into the store), every page says how far it is.
    let loading = Loading::new();
    let mut state = AppState::with_cache_budget(
        threadview::model::Archive::default(),
        args.cache_mib.saturating_mul(1 << 20),
    )
    .with_access(access)
    .with_remote_media(args.media.remote_media)
    .with_loading(loading.clone());
    if let Some(permits) = args.concurrency {
        state = state.with_concurrency(permits);
    }
    if !args.no_index {
        state = state.with_index(SearchIndex::new(index_location(&args)));
    }
    let state = Arc::new(state);
    tracing::info!("listening at {url}; reading {}", args.dir.display());
    // The peer's address tells a request from this machine (no key needed)
    // from one from the network.
    let service = app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let mut server = tokio::spawn(async move {
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await
    });
    let reading = {
        let (dir, media, store) = (
            args.dir.clone(),
            args.media.media_dirs.clone(),
            args.store.clone(),
        );
        let loading = loading.clone();
        tokio::task::spawn_blocking(move || {
            load_showing(&dir, &media, &store, &|done, total| {
                loading.update(done, total)
            })
        })
    };
    let (loader, archive) = tokio::select! {
        read = reading => read??,
        served = &mut server => {
            // Stopped while reading: what the store took is kept, and a
            // first ingest stopped halfway is made again at the next start.
            served?.map_err(Fatal::Serve)?;
            tracing::info!("stopped before the archive was read");
            std::process::exit(0);
        }
    };
    state.replace(archive);
    state.start_index();
    loading.finish();
    println!("threadview is serving {} at {url}", args.dir.display());
    for line in announce {
        println!("{line}");
    }
    let _watch = match watch(loader, state.clone()) {
        Ok(watch) => Some(watch),
        Err(e) => {
            tracing::warn!("cannot watch {} for changes: {e}", args.dir.display());
            None
        }
    };
    server.await?.map_err(Fatal::Serve)
}

/// Where the search index is kept: `--index-dir`, else the user's cache
/// folder, else (said in the log) memory.
fn index_location(args: &Serve) -> Location {
    let folder = args
        .index_dir
        .clone()
        .or_else(|| Location::cache_for(&args.dir));
    let Some(folder) = folder else {
        tracing::warn!("no cache folder for the search index on this system; keeping it in memory");
        return Location::Memory;
    };
    let (location, why) = Location::writable(folder);
    if let Some(why) = why {
        tracing::warn!("{why}");
    }
    location
}

/// The URL to open on this machine.
fn local_url(bound: SocketAddr) -> String {
    let ip = bound.ip();
    let host = if ip.is_unspecified() {
        match ip {
            IpAddr::V4(_) => "127.0.0.1".to_owned(),
            IpAddr::V6(_) => "[::1]".to_owned(),
        }
    } else {
        SocketAddr::new(ip, 0)
            .to_string()
            .trim_end_matches(":0")
            .to_owned()
    };
    format!("http://{host}:{}/", bound.port())
}

/// `url` with the network key, when there is one: the address to share.
fn share_url(url: &str, key: Option<&str>) -> String {
    match key {
        Some(key) => format!("{url}?{}={key}", access::KEY_PARAMETER),
        None => url.to_owned(),
    }
}

/// The addresses other machines can reach when listening on `host`.
fn lan_addresses(host: IpAddr) -> Vec<IpAddr> {
    if !host.is_unspecified() {
        return vec![host];
    }
    access::machine_addresses()
        .into_iter()
        .filter(|ip| !ip.is_loopback() && ip.is_ipv4() == host.is_ipv4())
        .collect()
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed at once, before
/// the URL is printed, so a signal sent right after start is never missed.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {},
                _ = terminate.recv() => {},
            }
            tracing::info!("shutting down: finishing the requests in flight");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down: finishing the requests in flight");
        })
    }
}

/// A progress bar, shown on a terminal only once the work has taken a
/// second: small archives load and export without a flicker.
struct Progress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
}

impl Progress {
    fn new(template: &str) -> Self {
        let bar = indicatif::ProgressBar::hidden();
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Progress {
            bar,
            started: std::time::Instant::now(),
        }
    }

    fn update(&self, done: u64, total: u64) {
        if self.bar.is_hidden() && self.started.elapsed() > std::time::Duration::from_secs(1) {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_coloured_on_a_terminal_only_and_never_with_no_color() {
        assert!(log_in_colour(true, None));
        assert!(!log_in_colour(false, None), "a file or a pipe");
        assert!(!log_in_colour(true, Some("1".into())));
        assert!(
            log_in_colour(true, Some("".into())),
            "an empty NO_COLOR is unset"
        );
    }
}
