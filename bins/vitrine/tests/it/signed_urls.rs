//! Item URLs work without headers, expire, and cannot be altered to reach another item.

use std::time::Duration;

use serde_json::Value;
use vitrine_test_support::{backend_tests, fixtures, TestApp, TestBackend};

backend_tests!(
    signed_urls_serve_bytes_without_headers_and_refuse_tampering,
    signed_urls_stop_when_the_item_is_trashed,
);

fn replace_param(url: &str, name: &str, value: &str) -> String {
    let (base, query) = url.split_once('?').unwrap();
    let query: Vec<String> = query
        .split('&')
        .map(|pair| {
            if pair.starts_with(&format!("{name}=")) {
                format!("{name}={value}")
            } else {
                pair.to_owned()
            }
        })
        .collect();
    format!("{base}?{}", query.join("&"))
}

async fn signed_urls_serve_bytes_without_headers_and_refuse_tampering(app: TestApp) {
    let alice = app.user("alice").await;
    let png = fixtures::png(50, 50);
    let item = app.upload_ok(&alice.key, "a.png", png.clone()).await;
    let other = app
        .upload_ok(&alice.key, "b.png", fixtures::png(51, 50))
        .await;
    let url = item["url"].as_str().unwrap();

    let plain = app.send(app.client().get(url)).await;
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()["content-type"], "image/png");
    assert_eq!(plain.bytes().await.unwrap().to_vec(), png);

    let id = item["id"].as_str().unwrap();
    let other_id = other["id"].as_str().unwrap();
    let exp: i64 = url
        .split("exp=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let sig = url.split("sig=").nth(1).unwrap();
    let mut flipped = sig.to_owned();
    flipped.replace_range(0..1, if sig.starts_with('0') { "1" } else { "0" });
    let tampered = [
        url.replace(id, other_id),
        url.replace("/original?", "/thumb?"),
        replace_param(url, "exp", &(exp + 3600).to_string()),
        replace_param(url, "sig", &flipped),
        replace_param(url, "sig", "zz"),
        url.split('?').next().unwrap().to_owned(),
    ];
    for bad in tampered {
        let status = app.send(app.client().get(&bad)).await.status();
        assert!(status == 403 || status == 400, "{bad} answered {status}");
    }
}

#[tokio::test]
async fn signed_urls_expire() {
    let app = TestApp::builder(TestBackend::Sqlite)
        .with_http(|http| http.signed_url_ttl = Duration::from_secs(60))
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let item = app
        .upload_ok(&alice.key, "a.png", fixtures::png(5, 5))
        .await;
    let url = item["url"].as_str().unwrap();
    assert_eq!(app.send(app.client().get(url)).await.status(), 200);
    app.advance_clock(chrono::Duration::seconds(50));
    assert_eq!(app.send(app.client().get(url)).await.status(), 200);
    app.advance_clock(chrono::Duration::seconds(12));
    let expired = app.send(app.client().get(url)).await;
    assert_eq!(expired.status(), 403);
    let body: Value = expired.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("expired"));
}

/// A link handed out before the item went to the trash stops working at once, original and
/// variants alike, and works again once the item is restored.
async fn signed_urls_stop_when_the_item_is_trashed(app: TestApp) {
    let alice = app.user("alice").await;
    let item = app
        .upload_ok(&alice.key, "a.png", fixtures::png(60, 40))
        .await;
    let id = item["id"].as_str().unwrap();
    let urls = [
        item["url"].as_str().unwrap().to_owned(),
        item["thumbnailUrl"].as_str().unwrap().to_owned(),
    ];
    for url in &urls {
        assert_eq!(app.send(app.client().get(url)).await.status(), 200, "{url}");
    }
    let trashed = app
        .delete(&alice.key, &format!("/api/v1/gallery/{id}"))
        .await;
    assert_eq!(trashed.status(), 200);
    for url in &urls {
        let response = app.send(app.client().get(url)).await;
        assert_eq!(response.status(), 404, "{url}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["statusCode"], 404);
    }
    let restored = app
        .post(
            &alice.key,
            &format!("/api/v1/gallery/{id}/restore"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(restored.status(), 200);
    assert_eq!(app.send(app.client().get(&urls[0])).await.status(), 200);
}
