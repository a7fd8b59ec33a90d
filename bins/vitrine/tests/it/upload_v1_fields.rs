//! Spec 5's categories and `nsfw` (an administrator keeps the list, an upload names one,
//! and listings filter by both), its expiration, `use_file_date` and `width`.

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use vitrine_domain::user::{Plan, Role};
use vitrine_test_support::{database_tests, fixtures, TestApp, TestBackend};

database_tests!(
    uploads_carry_a_category_and_nsfw_that_listings_filter,
    expired_items_are_gone_at_once_and_swept_by_instances_at_once,
    use_file_date_is_for_administrators,
    width_narrows_the_stored_image_and_never_widens_it,
);

/// A small PNG through `/api/1/upload` with `fields`.
async fn upload(app: &TestApp, key: &str, fields: &[(&str, String)]) -> reqwest::Response {
    upload_file(app, key, ("c.png", fixtures::png(20, 20)), fields).await
}

/// `file` (name, bytes) through `/api/1/upload` with `fields`, sent before it.
pub(crate) async fn upload_file(
    app: &TestApp,
    key: &str,
    file: (&str, Vec<u8>),
    fields: &[(&str, String)],
) -> reqwest::Response {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.clone());
    }
    let form = form.part("source", Part::bytes(file.1).file_name(file.0.to_owned()));
    app.client()
        .post(app.url("/api/1/upload"))
        .header("X-API-Key", key)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn uploads_carry_a_category_and_nsfw_that_listings_filter(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let admin = app.user_with("root", Role::Admin, Plan::Enterprise).await;
    let alice = app.user("alice").await;
    let refused = app
        .post(&alice.key, "/api/v1/categories", json!({"name": "Nature"}))
        .await;
    assert_eq!(refused.status(), 403);
    let nature = app
        .post(&admin.key, "/api/v1/categories", json!({"name": "Nature"}))
        .await;
    assert_eq!(nature.status(), 201);
    let nature = nature.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let twice = app
        .post(&admin.key, "/api/v1/categories", json!({"name": "Nature"}))
        .await;
    assert_eq!(twice.status(), 409);
    let listed = app.get_ok(&alice.key, "/api/v1/categories").await;
    assert_eq!(listed["categories"][0]["name"], "Nature");

    let placed = upload(
        &app,
        &alice.key,
        &[("category_id", nature.to_string()), ("nsfw", "1".into())],
    )
    .await;
    assert_eq!(placed.status(), 200);
    let image = placed.json::<Value>().await.unwrap()["image"].clone();
    assert_eq!(
        (&image["category_id"], &image["nsfw"]),
        (&json!(nature), &json!(1))
    );
    let plain = upload(&app, &alice.key, &[]).await;
    assert_eq!(plain.status(), 200);
    let unknown = upload(
        &app,
        &alice.key,
        &[("category_id", (nature + 99).to_string())],
    )
    .await;
    assert_eq!(unknown.status(), 400);
    let message = unknown.json::<Value>().await.unwrap()["error"]["message"].to_string();
    assert!(message.contains("does not exist"), "{message}");

    let count = |query: &'static str| {
        let (app, key) = (&app, alice.key.clone());
        async move {
            let page = app.get_ok(&key, &format!("/api/v1/gallery?{query}")).await;
            (
                page["total"].as_i64().unwrap(),
                page["items"].as_array().unwrap().len(),
            )
        }
    };
    assert_eq!(count("").await, (2, 2));
    let in_nature = app
        .get_ok(&alice.key, &format!("/api/v1/gallery?category={nature}"))
        .await;
    assert_eq!(in_nature["total"], 1);
    assert_eq!(in_nature["items"][0]["categoryId"], nature);
    assert_eq!(count("nsfw=1").await, (1, 1));
    assert_eq!(count("nsfw=false").await, (1, 1));
    let bad = app.get(&alice.key, "/api/v1/gallery?category=nature").await;
    assert_eq!(bad.status(), 400);
}

/// An item past its expiry answers 404 everywhere before the sweep; two sweeps at once
/// (two instances) delete every expired item once, with its bytes and quota.
async fn expired_items_are_gone_at_once_and_swept_by_instances_at_once(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    let mut urls = Vec::new();
    for n in 0..6 {
        let expiration = if n < 5 { "PT5M" } else { "P1D" };
        let sent = upload(&app, &alice.key, &[("expiration", expiration.to_owned())]).await;
        assert_eq!(sent.status(), 200);
        let image = sent.json::<Value>().await.unwrap()["image"].clone();
        urls.push(image["url"].as_str().unwrap().to_owned());
    }
    // Newest first: the last is the first upload, one of the five that expire.
    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    let first = listed["items"].as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = app.get_ok(&alice.key, "/api/v1/gallery/storage").await["used"]
        .as_i64()
        .unwrap();
    app.advance_clock(chrono::Duration::minutes(6));
    for url in &urls[..5] {
        let status = app.client().get(url).send().await.unwrap().status();
        assert_eq!(status, 404, "expired, before any sweep");
    }
    let kept = app.client().get(&urls[5]).send().await.unwrap().status();
    assert_eq!(kept, 200, "a day to go");
    let by_id = app
        .get(&alice.key, &format!("/api/v1/gallery/{first}"))
        .await;
    assert_eq!(by_id.status(), 404, "expired, before any sweep");

    let (one, two) = futures::join!(app.library().purge_expired(), app.library().purge_expired());
    assert_eq!(
        one.unwrap() + two.unwrap(),
        5,
        "each expired item deleted once"
    );
    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    assert_eq!(listed["total"], 1);
    let after = app.get_ok(&alice.key, "/api/v1/gallery/storage").await["used"]
        .as_i64()
        .unwrap();
    assert_eq!(
        after * 6,
        before,
        "the quota of five of six like items released"
    );
    assert_eq!(app.library().purge_expired().await.unwrap(), 0);
}

/// An administrator's upload may take its date from the photo; anyone else's is refused.
async fn use_file_date_is_for_administrators(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let admin = app.user_with("root", Role::Admin, Plan::Enterprise).await;
    let alice = app.user("alice").await;
    let send = |key: String, flag: &'static str| {
        let app = &app;
        async move {
            let photo = fixtures::jpeg_taken_at(40, 30, "2019:07:04 10:30:00");
            let fields = [("use_file_date", flag.to_owned())];
            upload_file(app, &key, ("old.jpg", photo), &fields).await
        }
    };
    let dated = send(admin.key.clone(), "1").await;
    assert_eq!(dated.status(), 200);
    let image = dated.json::<Value>().await.unwrap()["image"].clone();
    assert_eq!(image["date_gmt"], "2019-07-04 10:30:00");
    let listed = app.get_ok(&admin.key, "/api/v1/gallery").await;
    assert_eq!(listed["items"][0]["createdAt"], "2019-07-04T10:30:00Z");
    let undated = send(admin.key.clone(), "0").await;
    let image = undated.json::<Value>().await.unwrap()["image"].clone();
    assert_ne!(
        image["date_gmt"], "2019-07-04 10:30:00",
        "the upload's own date"
    );

    let refused = send(alice.key.clone(), "1").await;
    assert_eq!(refused.status(), 403);
    let body = refused.json::<Value>().await.unwrap();
    assert_eq!(body["status_code"], 403);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("administrators"));
    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    assert_eq!(listed["items"], json!([]));
}

/// `width` makes the stored original narrower (aspect kept, same format); a narrower
/// image is stored as sent; a bad width leaves nothing behind.
async fn width_narrows_the_stored_image_and_never_widens_it(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    let send = |bytes: Vec<u8>, width: &'static str| {
        let (app, key) = (&app, alice.key.clone());
        async move {
            let fields = [("width", width.to_owned())];
            upload_file(app, &key, ("wide.png", bytes), &fields).await
        }
    };
    let original = fixtures::png(800, 600);
    let narrowed = send(original.clone(), "200").await;
    assert_eq!(narrowed.status(), 200);
    let image = narrowed.json::<Value>().await.unwrap()["image"].clone();
    assert_eq!(
        (image["width"].as_i64(), image["height"].as_i64()),
        (Some(200), Some(150))
    );
    assert_eq!(image["mime"], "image/png");
    let stored = app
        .client()
        .get(image["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let decoded = image::load_from_memory(&stored).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (200, 150));
    assert_eq!(image["size"], stored.len());

    let kept = send(original.clone(), "2000").await;
    let image = kept.json::<Value>().await.unwrap()["image"].clone();
    assert_eq!(image["width"], 800, "never widened");
    assert_eq!(image["size"], original.len(), "stored as sent");

    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    for width in ["0", "wide", "-5"] {
        let refused = send(original.clone(), width).await;
        assert_eq!(refused.status(), 400, "{width}");
    }
    let after = app.get_ok(&alice.key, "/api/v1/gallery").await;
    assert_eq!(
        after["total"], listed["total"],
        "nothing left by a refused width"
    );
}
