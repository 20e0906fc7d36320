//! The `threadview` program itself: where it listens, what it says on
//! start, and how it stops.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::{numbered_header, samples_dir};

/// The program, started on any free port with `args`; its stdout's first
/// line (the URL) and a channel of its log lines.
fn start(args: &[&str], log: &str) -> (Child, String, mpsc::Receiver<String>) {
    start_in(Path::new("."), args, log)
}

/// The cache folder the programs run with (`XDG_CACHE_HOME`): their
/// search indexes go there, not into the user's own cache.
fn cache_home() -> &'static Path {
    static CACHE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// The same, run from the folder `cwd`.
fn start_in(cwd: &Path, args: &[&str], log: &str) -> (Child, String, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_threadview"))
        .current_dir(cwd)
        .args(args)
        .args(["--port", "0"])
        .env("XDG_CACHE_HOME", cache_home())
        .env("RUST_LOG", log)
        // A pipe is no terminal: the log must come out without colour
        // codes even when NO_COLOR is not set.
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    (child, first, rx)
}

fn url_of(first_line: &str) -> String {
    first_line.trim().rsplit(' ').next().unwrap().to_owned()
}

/// Log lines until one contains `needle` (at most `wait`).
fn wait_for(rx: &mpsc::Receiver<String>, needle: &str, wait: Duration) -> Vec<String> {
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + wait;
    while let Ok(line) =
        rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        let found = line.contains(needle);
        seen.push(line);
        if found {
            return seen;
        }
    }
    panic!("{needle:?} never appeared in the log:\n{}", seen.join("\n"));
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn exit_within(child: &mut Child, wait: Duration) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + wait;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the program did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn without_a_folder_it_serves_the_current_one_and_says_when_it_is_empty() {
    let empty = tempfile::tempdir().unwrap();
    let (mut child, first, rx) = start_in(empty.path(), &[], "threadview=info");
    assert!(
        first.starts_with("threadview is serving . at http://"),
        "{first}"
    );
    let log = wait_for(&rx, "no discussions (*.txt", Duration::from_secs(10));
    assert!(
        log.last()
            .unwrap()
            .contains("start threadview with the folder"),
        "{log:?}"
    );
    signal(&child, "TERM");
    assert!(exit_within(&mut child, Duration::from_secs(20)).success());
}

#[test]
fn it_listens_on_loopback_and_says_what_it_loaded() {
    let samples = samples_dir();
    let (mut child, first, rx) = start(&[samples.to_str().unwrap()], "threadview=info");
    let url = url_of(&first);
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    let log = wait_for(&rx, "loaded", Duration::from_secs(10)).join("\n");
    assert!(
        log.contains("discussions=6 comments=53 media_files=0 diagnostics=3"),
        "{log}"
    );
    assert!(
        !log.contains('\x1b'),
        "no colour codes into a pipe: {log:?}"
    );
    assert!(!log.contains("visible to the network"));
    signal(&child, "INT");
    assert!(exit_within(&mut child, Duration::from_secs(10)).success());
}

#[test]
fn listening_on_all_interfaces_is_a_warning() {
    let samples = samples_dir();
    let (mut child, first, rx) = start(
        &[samples.to_str().unwrap(), "--host", "0.0.0.0"],
        "threadview=info",
    );
    assert!(url_of(&first).starts_with("http://127.0.0.1:"), "{first}");
    wait_for(
        &rx,
        "the archive is visible to the network",
        Duration::from_secs(10),
    );
    signal(&child, "TERM");
    assert!(exit_within(&mut child, Duration::from_secs(10)).success());
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    // A discussion big enough that its timeline takes a while to render.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Many comments\n\n");
    for i in 0..40_000 {
        let header = numbered_header("", &format!("user{}", i % 50), i);
        text.push_str(&format!(
            "{header}\n**Comment** number {i}, with [a link](https://example.com/{i}).\n"
        ));
    }
    std::fs::write(dir.path().join("big.txt"), text).unwrap();
    let (mut child, first, rx) = start(
        &[dir.path().to_str().unwrap()],
        "threadview=info,tower_http=debug",
    );
    let addr = url_of(&first)
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();

    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /api/discussions/big?view=timeline HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // Once the request is being answered, ask the program to stop.
    wait_for(&rx, "started processing request", Duration::from_secs(10));
    signal(&child, "TERM");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 200 OK\r\n"),
        "{}",
        &response[..response.len().min(200)]
    );
    assert!(
        response.trim_end().ends_with("]}"),
        "the answer was cut short"
    );
    assert_eq!(response.matches("\"author\":").count(), 40_000);
    assert!(exit_within(&mut child, Duration::from_secs(20)).success());
    assert!(TcpStream::connect(&addr).is_err(), "it no longer listens");
}

/// By default the search index is built in the user's cache folder, one
/// folder per archive, and a restart reuses it.
#[test]
fn the_index_lives_in_the_cache_folder_and_is_reused() {
    let archive = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(crate::samples_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, archive.path().join(path.file_name().unwrap())).unwrap();
    }
    let dir = archive.path().to_str().unwrap().to_owned();
    let (mut child, _, rx) = start(&[&dir], "threadview=info");
    let log = wait_for(&rx, "search index ready", Duration::from_secs(30));
    let ready = log.last().unwrap();
    assert!(
        ready.contains(&cache_home().join("threadview/index").display().to_string()),
        "{ready}"
    );
    assert!(!ready.contains("(0 documents written"), "{ready}");
    signal(&child, "TERM");
    exit_within(&mut child, Duration::from_secs(10));

    let (mut child, _, rx) = start(&[&dir], "threadview=info");
    let log = wait_for(&rx, "search index ready", Duration::from_secs(30));
    assert!(
        log.last().unwrap().contains("(0 documents written"),
        "{log:?}"
    );
    signal(&child, "TERM");
    exit_within(&mut child, Duration::from_secs(10));
}
