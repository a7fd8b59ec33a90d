//! Single downloads: exact bytes, headers, ETag/304, Range/206/416 and HEAD, both on the
//! authenticated route and on signed media URLs.

use reqwest::header;
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    downloads_answer_etag_range_and_head,
    signed_urls_seek_like_downloads,
    every_response_carries_a_request_id_that_a_500_quotes,
);

async fn downloads_answer_etag_range_and_head(app: TestApp) {
    let alice = app.user("alice").await;
    let video = fixtures::mp4_container(300_000);
    let item = app
        .upload_ok(&alice.key, "clip één.mp4", video.clone())
        .await;
    let url = app.url(&format!(
        "/api/v1/gallery/{}/download",
        item["id"].as_str().unwrap()
    ));
    let get = || app.client().get(&url).bearer_auth(&alice.key);

    let whole = app.send(get()).await;
    assert_eq!(whole.status(), 200);
    let headers = whole.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "video/mp4");
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"clip __n.mp4\"; filename*=UTF-8''clip%20%C3%A9%C3%A9n%2Emp4"
    );
    assert_eq!(headers[header::CONTENT_LENGTH], "300000");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(etag.len(), 66, "a quoted SHA-256: {etag}");
    assert_eq!(whole.bytes().await.unwrap(), video);

    let cached = app.send(get().header(header::IF_NONE_MATCH, &etag)).await;
    assert_eq!(cached.status(), 304);
    assert!(cached.bytes().await.unwrap().is_empty());
    let changed = app
        .send(get().header(header::IF_NONE_MATCH, "\"something-else\""))
        .await;
    assert_eq!(changed.status(), 200);

    let middle = app
        .send(get().header(header::RANGE, "bytes=1000-1999"))
        .await;
    assert_eq!(middle.status(), 206);
    assert_eq!(
        middle.headers()[header::CONTENT_RANGE],
        "bytes 1000-1999/300000"
    );
    assert_eq!(middle.bytes().await.unwrap(), video[1000..2000]);
    let tail = app.send(get().header(header::RANGE, "bytes=-10")).await;
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap(), video[299_990..]);
    let open_ended = app.send(get().header(header::RANGE, "bytes=299000-")).await;
    assert_eq!(open_ended.bytes().await.unwrap(), video[299_000..]);
    let beyond = app.send(get().header(header::RANGE, "bytes=300000-")).await;
    assert_eq!(beyond.status(), 416);
    assert_eq!(beyond.headers()[header::CONTENT_RANGE], "bytes */300000");
    let stale = app
        .send(
            get()
                .header(header::RANGE, "bytes=0-9")
                .header(header::IF_RANGE, "\"old\""),
        )
        .await;
    assert_eq!(
        stale.status(),
        200,
        "If-Range with another ETag gets it all"
    );
    assert_eq!(stale.bytes().await.unwrap().len(), 300_000);

    let head = app
        .send(app.client().head(&url).bearer_auth(&alice.key))
        .await;
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()[header::CONTENT_LENGTH], "300000");
    assert_eq!(head.headers()[header::ETAG], etag.as_str());
    assert!(head.bytes().await.unwrap().is_empty());

    let bob = app.user("bob").await;
    let theirs = app.send(app.client().get(&url).bearer_auth(&bob.key)).await;
    assert_eq!(theirs.status(), 404);
}

async fn signed_urls_seek_like_downloads(app: TestApp) {
    let alice = app.user("alice").await;
    let png = fixtures::png(64, 48);
    let item = app.upload_ok(&alice.key, "p.png", png.clone()).await;
    let url = item["url"].as_str().unwrap();
    let first = app
        .send(app.client().get(url).header(header::RANGE, "bytes=0-7"))
        .await;
    assert_eq!(first.status(), 206);
    assert_eq!(first.bytes().await.unwrap(), png[..8]);
    let head = app.send(app.client().head(url)).await;
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()[header::CONTENT_LENGTH],
        png.len().to_string().as_str()
    );
    assert!(head.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("inline;"));
}

async fn every_response_carries_a_request_id_that_a_500_quotes(app: TestApp) {
    let health = app.send(app.client().get(app.url("/healthz"))).await;
    let id = health.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 32, "{id}");
    let from_proxy = app
        .send(
            app.client()
                .get(app.url("/healthz"))
                .header("X-Request-Id", "proxy-42_a"),
        )
        .await;
    assert_eq!(from_proxy.headers()["x-request-id"], "proxy-42_a");
    let odd = app
        .send(
            app.client()
                .get(app.url("/healthz"))
                .header("X-Request-Id", "no spaces; please"),
        )
        .await;
    assert_ne!(odd.headers()["x-request-id"], "no spaces; please");

    // A table gone behind the server's back: the listing fails inside the server.
    let alice = app.user("alice").await;
    app.execute_sql("ALTER TABLE folders RENAME TO folders_gone".to_owned())
        .await;
    let broken = app.get(&alice.key, "/api/v1/gallery/folders").await;
    assert_eq!(broken.status(), 500);
    let request = broken.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: serde_json::Value = broken.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains(&request),
        "{body} quotes {request}"
    );
}
