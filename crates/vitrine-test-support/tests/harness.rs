//! How another project tests against a real Vitrine with this crate: a server on a
//! loopback port over a fresh SQLite file and blob folder, a user with an API key, real
//! HTTP. The same scenario would run on PostgreSQL and S3 with `backend_tests!`.

#![allow(clippy::unwrap_used)]

use vitrine_test_support::{fixtures, TestApp, TestBackend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outside_project_uploads_and_lists_through_http() {
    let app = TestApp::builder(TestBackend::Sqlite).spawn().await;
    let ana = app.user("ana").await;

    let item = app
        .upload_ok(&ana.key, "dusk.png", fixtures::png(64, 48))
        .await;
    assert_eq!(item["width"], 64);

    let listed = app.get_ok(&ana.key, "/api/v1/gallery?search=dusk").await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"], item["id"]);
    let bytes = app
        .send(app.client().get(item["url"].as_str().unwrap()))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len() as i64, item["size"].as_i64().unwrap());
}
