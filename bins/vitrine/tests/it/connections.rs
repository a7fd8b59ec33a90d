//! What one client can hold: a stalled body is cut, and connections per address are capped.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use vitrine_test_support::{fixtures, TestApp, TestBackend};

/// A PATCH whose body promises 100 bytes, sends 10 and then nothing: with a one-second
/// idle limit the server answers instead of waiting for ever.
#[tokio::test]
async fn a_stalled_body_is_cut() {
    let app = TestApp::builder(TestBackend::Sqlite)
        .with_http(|http| http.limits.body_idle_timeout = Duration::from_secs(1))
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let item = app
        .upload_ok(&alice.key, "a.png", fixtures::png(10, 10))
        .await;
    let id = item["id"].as_str().unwrap();
    let start = futures::stream::iter([Ok::<_, std::io::Error>(b"{\"title\":".to_vec())]);
    let stalled = futures::StreamExt::chain(start, futures::stream::pending());
    let request = app
        .client()
        .patch(app.url(&format!("/api/v1/gallery/{id}")))
        .bearer_auth(&alice.key)
        .header("content-type", "application/json")
        .header("content-length", "100")
        .body(reqwest::Body::wrap_stream(stalled))
        .send();
    let answered = tokio::time::timeout(Duration::from_secs(30), request)
        .await
        .expect("the server waited on a silent body");
    let status = answered.unwrap().status();
    assert!(status.is_client_error(), "{status}");
    // The item was not changed by the cut request.
    let now = app
        .get_ok(&alice.key, &format!("/api/v1/gallery/{id}"))
        .await;
    assert_eq!(now["title"], serde_json::Value::Null);
}

/// One request on a fresh connection; the status of its answer. The connection stays open.
fn request_on_new_connection(addr: &str) -> (TcpStream, u16) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: vitrine\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 512];
    let n = stream.read(&mut buf).unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (stream, status)
}

/// With a cap of three connections per address, a fourth gets 429; closing one makes room.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_per_address_are_capped() {
    let app = TestApp::builder(TestBackend::Sqlite)
        .with_http(|http| http.limits.max_connections_per_client = 3)
        .spawn()
        .await;
    let addr = app.url("").trim_start_matches("http://").to_owned();
    let held: Vec<TcpStream> = (0..3)
        .map(|_| {
            let (stream, status) = request_on_new_connection(&addr);
            assert_eq!(status, 200);
            stream
        })
        .collect();
    let (_, status) = request_on_new_connection(&addr);
    assert_eq!(status, 429, "a fourth connection from the same address");
    drop(held);
    // The server notices the closed connections on its next read; give it a moment.
    let mut status = 0;
    for _ in 0..100 {
        status = request_on_new_connection(&addr).1;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 200, "room again once connections closed");
}
