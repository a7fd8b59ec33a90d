//! Against a real HTTP server on loopback, which the default policy refuses and a
//! `url_fetch_allow` of `127.0.0.1/32` opens (as the integration tests will).

use futures::TryStreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

/// Answers by path: `/file` (5,000 bytes with a length), `/stream` (5,000 bytes without
/// one), `/to-file` and `/to-other-loopback` (redirects), `/loop` (redirects to itself),
/// anything else 404.
async fn serve() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let n = socket.read(&mut request).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&request[..n]);
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let body = "x".repeat(5000);
                let answer = match path.as_str() {
                    "/file" => format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{body}"
                    ),
                    "/stream" => format!("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{body}"),
                    "/to-file" => redirect("/file"),
                    "/to-other-loopback" => redirect(&format!("http://127.0.0.2:{port}/file")),
                    "/loop" => redirect("/loop"),
                    _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_owned(),
                };
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    port
}

fn redirect(to: &str) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

fn fetcher(allow: &[&str]) -> UrlFetcher {
    UrlFetcher::new(FetchPolicy::new(allow).unwrap(), Duration::from_secs(10))
}

async fn refusal(fetcher: &UrlFetcher, url: &str) -> String {
    match fetcher.open(url, 1 << 20).await {
        Ok(_) => panic!("{url} was fetched"),
        Err(err) => err.to_string(),
    }
}

#[tokio::test]
async fn loopback_is_refused_by_default_however_it_is_written() {
    let port = serve().await;
    let fetcher = fetcher(&[]);
    for url in [
        format!("http://127.0.0.1:{port}/file"),
        format!("http://2130706433:{port}/file"),
        format!("http://0x7f.1:{port}/file"),
        format!("http://0177.0.0.1:{port}/file"),
    ] {
        let reason = refusal(&fetcher, &url).await;
        assert_eq!(
            reason, "address 127.0.0.1 is not allowed (loopback)",
            "{url}"
        );
    }
    let mapped = refusal(&fetcher, &format!("http://[::ffff:127.0.0.1]:{port}/file")).await;
    assert_eq!(mapped, "address ::ffff:127.0.0.1 is not allowed (loopback)");
    let reason = refusal(&fetcher, &format!("http://localhost:{port}/file")).await;
    assert!(reason.contains("is not allowed (loopback)"), "{reason}");
    let reason = refusal(&fetcher, "http://169.254.169.254/latest/meta-data/").await;
    assert_eq!(
        reason,
        "address 169.254.169.254 is not allowed (link-local)"
    );
}

#[tokio::test]
async fn an_allowed_server_is_fetched_and_its_redirects_checked_hop_by_hop() {
    let port = serve().await;
    let fetcher = fetcher(&["127.0.0.1/32"]);
    let base = format!("http://127.0.0.1:{port}");

    let fetched = fetcher
        .open(&format!("{base}/to-file"), 1 << 20)
        .await
        .unwrap();
    assert_eq!(fetched.url.path(), "/file");
    assert_eq!(fetched.content_length, Some(5000));
    let body: Vec<Bytes> = fetched.body(1 << 20).try_collect().await.unwrap();
    assert_eq!(body.concat(), "x".repeat(5000).as_bytes());

    let reason = refusal(&fetcher, &format!("{base}/to-other-loopback")).await;
    assert_eq!(reason, "address 127.0.0.2 is not allowed (loopback)");
    let reason = refusal(&fetcher, &format!("{base}/loop")).await;
    assert_eq!(reason, "the URL redirected more than 5 times");
    let reason = refusal(&fetcher, &format!("{base}/missing")).await;
    assert_eq!(reason, "the URL answered 404 Not Found");
    let reason = refusal(&fetcher, &format!("ftp://127.0.0.1:{port}/file")).await;
    assert!(reason.starts_with("only http and https"), "{reason}");
    let reason = refusal(&fetcher, "not a url").await;
    assert_eq!(reason, "source is not a URL");
}

#[tokio::test]
async fn the_size_limit_holds_with_and_without_an_announced_length() {
    let port = serve().await;
    let fetcher = fetcher(&["127.0.0.1/32"]);
    let announced = fetcher
        .open(&format!("http://127.0.0.1:{port}/file"), 4999)
        .await;
    assert!(
        matches!(announced, Err(DomainError::TooLarge(_))),
        "refused before reading"
    );
    let streamed = fetcher
        .open(&format!("http://127.0.0.1:{port}/stream"), 4999)
        .await
        .unwrap();
    assert_eq!(streamed.content_length, None);
    let read: Result<Vec<Bytes>> = streamed.body(4999).try_collect().await;
    assert!(matches!(read, Err(DomainError::TooLarge(_))));
}
