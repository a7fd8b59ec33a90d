//! Bad uploads are refused with a clear 4xx and leave no row and no blob; equal bytes
//! are stored once.

use futures::StreamExt;
use serde_json::Value;
use vitrine_test_support::{backend_tests, fixtures, TestApp, TestBackend};

backend_tests!(
    bad_uploads_leave_nothing_behind,
    the_same_bytes_are_stored_once,
    every_accepted_image_type_reports_its_size,
    concurrent_uploads_all_succeed,
    shared_bytes_stay_until_their_last_item_is_purged,
    a_form_without_a_file_is_refused,
    upload_forms_are_bounded_before_they_are_read,
    every_body_limit_answers_json,
);

async fn assert_refused(
    app: &TestApp,
    key: &str,
    name: &str,
    bytes: Vec<u8>,
    status: u16,
    needle: &str,
) {
    let response = app
        .upload(key, name, bytes, &[("prompt", "should not stay")])
        .await;
    assert_eq!(response.status(), status, "{name}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["statusCode"], status);
    let message = body["error"].as_str().unwrap();
    assert!(message.contains(needle), "{name}: {message}");
    assert_eq!(app.count_rows("items").await, 0, "{name} left an item");
    assert_eq!(app.count_rows("blobs").await, 0, "{name} left a blob row");
    assert_eq!(app.blob_objects().await, 0, "{name} left an object");
}

async fn bad_uploads_leave_nothing_behind(app: TestApp) {
    let alice = app.user("alice").await;
    let jpeg = fixtures::jpeg(64, 48);
    let png = fixtures::png(64, 48);
    let cases: [(&str, Vec<u8>, u16, &str); 5] = [
        ("empty.jpg", Vec::new(), 400, "empty"),
        (
            "notes.jpg",
            b"just some text, honest".to_vec(),
            415,
            "accepted types",
        ),
        ("cut.jpg", jpeg[..jpeg.len() / 2].to_vec(), 400, "truncated"),
        ("cut.png", png[..png.len() - 5].to_vec(), 400, "truncated"),
        ("header.png", png[..20].to_vec(), 400, "damaged"),
    ];
    for (name, bytes, status, needle) in cases {
        assert_refused(&app, &alice.key, name, bytes, status, needle).await;
    }
    let storage: Value = app
        .get(&alice.key, "/api/v1/gallery/storage")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(storage["used"], 0);
}

async fn the_same_bytes_are_stored_once(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let png = fixtures::png(120, 80);
    let first = app.upload_ok(&alice.key, "one.png", png.clone()).await;
    let second = app.upload_ok(&alice.key, "two.png", png.clone()).await;
    let bobs = app.upload_ok(&bob.key, "three.png", png.clone()).await;
    assert_ne!(first["id"], second["id"]);
    assert_eq!(app.count_rows("items").await, 3);
    assert_eq!(
        app.count_rows("blobs").await,
        2,
        "the original and its thumb, once"
    );
    assert_eq!(
        app.blob_objects().await,
        2,
        "the redundant copies were removed"
    );
    assert_eq!(first["md5"], second["md5"]);

    // Each owner pays for their own items.
    let storage: Value = app
        .get(&alice.key, "/api/v1/gallery/storage")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(storage["used"], 2 * fixtures::quota_cost(&png, "image/png"));

    let first_id = first["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&alice.key, &format!("/api/v1/gallery/{first_id}"))
            .await
            .status(),
        200
    );
    for (key, item) in [(&alice.key, &second), (&bob.key, &bobs)] {
        let id = item["id"].as_str().unwrap();
        let download = app
            .get(key, &format!("/api/v1/gallery/{id}/download"))
            .await;
        assert_eq!(download.status(), 200);
        assert_eq!(download.bytes().await.unwrap().to_vec(), png);
    }
}

async fn every_accepted_image_type_reports_its_size(app: TestApp) {
    let alice = app.user("alice").await;
    for (name, bytes, mime) in [
        ("a.png", fixtures::png(33, 21), "image/png"),
        ("a.jpg", fixtures::jpeg(33, 21), "image/jpeg"),
        ("a.gif", fixtures::gif(33, 21), "image/gif"),
        // The extension lies; the bytes decide.
        ("really-a-png.jpg", fixtures::png(35, 21), "image/png"),
    ] {
        let item = app.upload_ok(&alice.key, name, bytes).await;
        assert_eq!(item["mimeType"], mime, "{name}");
        assert_eq!(item["type"], "image", "{name}");
        assert_eq!(item["height"], 21, "{name}");
    }
    let video = app
        .upload_ok(&alice.key, "clip.bin", fixtures::mp4_container(4096))
        .await;
    assert_eq!(video["type"], "video");
    assert_eq!(video["mimeType"], "video/mp4");
    let videos: Value = app
        .get(&alice.key, "/api/v1/gallery?type=video")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(videos["total"], 1);
}

async fn concurrent_uploads_all_succeed(app: TestApp) {
    let alice = app.user("alice").await;
    let uploads = (0..16u32).map(|n| {
        app.upload(
            &alice.key,
            "c.png",
            fixtures::png(20 + n, 20),
            &[("tags", "shared,tag")],
        )
    });
    let responses = futures::future::join_all(uploads).await;
    for response in responses {
        let status = response.status();
        assert_eq!(status, 201, "{}", response.text().await.unwrap());
    }
    let list: Value = app
        .get(&alice.key, "/api/v1/gallery?tags=shared")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 16);
    assert_eq!(
        app.count_rows("tags").await,
        2,
        "tags are created once per user"
    );
}

async fn a_form_without_a_file_is_refused(app: TestApp) {
    let alice = app.user("alice").await;
    let form = reqwest::multipart::Form::new().text("prompt", "no file here");
    let response = app
        .send(
            app.client()
                .post(app.url("/api/v1/gallery"))
                .bearer_auth(&alice.key)
                .multipart(form),
        )
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"][0]["field"], "file");

    let not_multipart = app
        .send(
            app.client()
                .post(app.url("/api/v1/gallery"))
                .bearer_auth(&alice.key)
                .body("raw"),
        )
        .await;
    assert_eq!(not_multipart.status(), 400);
}

#[tokio::test]
async fn an_upload_over_the_size_limit_is_refused_and_leaves_nothing() {
    let app = TestApp::builder(TestBackend::Sqlite)
        .with_limits(|limits| limits.max_upload_bytes = 10_000)
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let big = fixtures::png(300, 300);
    assert!(big.len() > 10_000);
    assert_refused(
        &app,
        &alice.key,
        "big.png",
        big,
        413,
        "upload limit of 10000 bytes",
    )
    .await;
    assert_eq!(
        app.upload(&alice.key, "small.png", fixtures::png(10, 10), &[])
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn an_upload_over_quota_is_refused_and_leaves_nothing() {
    let app = TestApp::builder(TestBackend::Sqlite)
        .with_limits(|limits| limits.quotas.free = Some(2_000))
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let png = fixtures::png(200, 200);
    assert!(png.len() > 2_000);
    assert_refused(&app, &alice.key, "big.png", png, 413, "quota").await;
}

async fn shared_bytes_stay_until_their_last_item_is_purged(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let png = fixtures::png(90, 60);
    let first = app.upload_ok(&alice.key, "one.png", png.clone()).await;
    let second = app.upload_ok(&bob.key, "two.png", png.clone()).await;
    let id = |item: &Value| vitrine_domain::ItemId::from(item["id"].as_str().unwrap().to_owned());

    let alice_principal = app.principal(&alice.key).await;
    app.library()
        .purge(&alice_principal, &id(&first))
        .await
        .unwrap();
    assert_eq!(app.count_rows("blobs").await, 2, "bob still uses the bytes");
    assert_eq!(app.blob_objects().await, 2);
    let storage: Value = app
        .get(&alice.key, "/api/v1/gallery/storage")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(storage["used"], 0, "alice's quota is released");
    let path = format!(
        "/api/v1/gallery/{}/download",
        second["id"].as_str().unwrap()
    );
    assert_eq!(
        app.get(&bob.key, &path)
            .await
            .bytes()
            .await
            .unwrap()
            .to_vec(),
        png
    );

    // Purging someone else's item is a 404 and changes nothing.
    let err = app
        .library()
        .purge(&alice_principal, &id(&second))
        .await
        .unwrap_err();
    assert!(matches!(err, vitrine_domain::DomainError::NotFound(_)));

    let bob_principal = app.principal(&bob.key).await;
    app.library()
        .purge(&bob_principal, &id(&second))
        .await
        .unwrap();
    assert_eq!(app.count_rows("blobs").await, 0);
    assert_eq!(app.count_rows("items").await, 0);
    assert_eq!(app.count_rows("item_tags").await, 0);
    assert_eq!(
        app.blob_objects().await,
        0,
        "the last reference took the bytes with it"
    );
}

async fn form_upload(app: &TestApp, key: &str, form: reqwest::multipart::Form) -> (u16, Value) {
    let response = app
        .send(
            app.client()
                .post(app.url("/api/v1/gallery"))
                .bearer_auth(key)
                .multipart(form),
        )
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn with_file(form: reqwest::multipart::Form) -> reqwest::multipart::Form {
    let file = reqwest::multipart::Part::bytes(fixtures::png(10, 10)).file_name("a.png");
    form.part("file", file)
}

/// A key that may not upload is turned away before its form is read; a form with too many
/// fields, too much text or too many tags is refused as such (in the JSON shape), and none
/// of them leaves a row or a blob.
async fn upload_forms_are_bounded_before_they_are_read(app: TestApp) {
    let alice = app.user("alice").await;
    let reader = app.key("alice", Some("media:read")).await;
    let mut form = reqwest::multipart::Form::new();
    for i in 0..2000 {
        form = form.text("tags", format!("tag{i}"));
    }
    // No file at all: the scope, not the missing file, is what answers.
    let (status, body) = form_upload(&app, &reader, form).await;
    assert_eq!(status, 403, "{body}");

    let mut form = reqwest::multipart::Form::new();
    for i in 0..40 {
        form = form.text("tags", format!("tag{i}"));
    }
    let (status, body) = form_upload(&app, &alice.key, with_file(form)).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("fields"), "{body}");

    let mut form = reqwest::multipart::Form::new();
    for _ in 0..5 {
        form = form.text("description", "d".repeat(60 * 1024));
    }
    let (status, body) = form_upload(&app, &alice.key, with_file(form)).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("text"), "{body}");

    let many: Vec<String> = (0..150).map(|i| format!("t{i}")).collect();
    let form = reqwest::multipart::Form::new().text("tags", many.join(","));
    let (status, body) = form_upload(&app, &alice.key, with_file(form)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["detail"][0]["field"], "tags", "{body}");

    assert_eq!(
        (app.count_rows("items").await, app.blob_objects().await),
        (0, 0)
    );
    // Within the bounds, the same upload works.
    let form = reqwest::multipart::Form::new().text("tags", "one,two");
    let (status, body) = form_upload(&app, &alice.key, with_file(form)).await;
    assert_eq!(status, 201, "{body}");
}

/// A body over a limit answers 413 in the same JSON shape as every other error, JSON
/// bodies and forms alike.
async fn every_body_limit_answers_json(app: TestApp) {
    let alice = app.user("alice").await;
    let item = app
        .upload_ok(&alice.key, "a.png", fixtures::png(10, 10))
        .await;
    let id = item["id"].as_str().unwrap();
    let huge = serde_json::json!({ "description": "d".repeat(3 * 1024 * 1024) });
    let response = app
        .send(
            app.client()
                .patch(app.url(&format!("/api/v1/gallery/{id}")))
                .bearer_auth(&alice.key)
                .json(&huge),
        )
        .await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["statusCode"], 413, "{body}");
    assert!(body["error"].is_string(), "{body}");
}

/// A multipart body that starts a PNG `file` and then never sends another byte: only a
/// server that refuses early can answer it.
fn stalled_upload(app: &TestApp, key: &str, prefix_zeros: usize) -> reqwest::RequestBuilder {
    let mut start =
        b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
        Content-Type: image/png\r\n\r\n"
            .to_vec();
    start.extend_from_slice(&fixtures::png(10, 10)[..64]);
    start.extend(std::iter::repeat_n(0u8, prefix_zeros));
    let body =
        futures::stream::iter([Ok::<_, std::io::Error>(start)]).chain(futures::stream::pending());
    app.client()
        .post(app.url("/api/v1/gallery"))
        .bearer_auth(key)
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(reqwest::Body::wrap_stream(body))
}

/// A user with 1,000 bytes of quota left: a body declaring ten megabytes is refused before
/// it is read, and one without a declared length as soon as its bytes pass the quota. Both
/// bodies stall after their first bytes, so only an early refusal can answer them.
#[tokio::test]
async fn the_quota_is_enforced_as_the_bytes_arrive() {
    let app = TestApp::builder(TestBackend::Sqlite)
        .with_limits(|limits| limits.quotas.free = Some(1_000))
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let refused = |request: reqwest::RequestBuilder| async move {
        let answered = tokio::time::timeout(std::time::Duration::from_secs(30), request.send())
            .await
            .expect("the server waited for bytes past the quota");
        let response = answered.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        (status, body)
    };
    let declared = stalled_upload(&app, &alice.key, 0).header("content-length", "10000000");
    let (status, body) = refused(declared).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("quota"), "{body}");

    let undeclared = stalled_upload(&app, &alice.key, 64 * 1024);
    let (status, body) = refused(undeclared).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("quota"), "{body}");
    assert_eq!(
        (app.count_rows("items").await, app.blob_objects().await),
        (0, 0)
    );
}
