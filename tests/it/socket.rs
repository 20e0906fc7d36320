//! One test over a real socket: the app behind `axum::serve`, spoken to in
//! plain HTTP/1.1.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{app_over, samples_dir};

async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn the_server_answers_over_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, app_over(&samples_dir())).into_future());

    let index = http_get(addr, "/").await;
    assert!(index.starts_with("HTTP/1.1 200 OK\r\n"), "{index}");
    assert!(index.contains("Night trains are back in Europe"));

    let missing = http_get(addr, "/d/nope").await;
    assert!(
        missing.starts_with("HTTP/1.1 404 Not Found\r\n"),
        "{missing}"
    );

    let api = http_get(addr, "/api/discussions/003_night-trains?sort=new").await;
    assert!(api.starts_with("HTTP/1.1 200 OK\r\n"));
    let body = &api[api.find("\r\n\r\n").unwrap() + 4..];
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["comments"][0]["author"], "timetable_nerd");

    // Raw traversal, never normalised by a client, and a very long URL.
    let traversal = http_get(addr, "/static/../../../../etc/passwd").await;
    assert!(
        traversal.starts_with("HTTP/1.1 404 Not Found\r\n"),
        "{traversal}"
    );
    assert!(!traversal.contains("root:"));
    let long = http_get(addr, &format!("/d/{}", "x".repeat(60_000))).await;
    assert!(
        long.starts_with("HTTP/1.1 404 Not Found\r\n"),
        "{}",
        &long[..40]
    );

    server.abort();
}
