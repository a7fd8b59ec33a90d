//! Share links through a real HTTP client, as a visitor's browser uses them: the
//! password form and its cookie, every asset path without the cookie, download
//! permission, expiry (by moving the server's clock), revocation, guessing limits,
//! and collections; links that hide metadata are `share_privacy`'s.

use std::io::{Cursor, Read};

use reqwest::header;
use serde_json::{json, Value};
use vitrine_test_support::{
    backend_tests, database_tests, fixtures, TestApp, TestBackend, Visitor,
};

backend_tests!(
    a_password_share_opens_only_with_its_cookie,
    without_download_permission_only_previews_leave,
    links_expire_and_revoke_everywhere,
    a_shared_collection_shows_its_members_only,
    share_requests_are_validated,
);

database_tests!(password_guessing_is_limited,);

pub(crate) async fn share(app: &TestApp, key: &str, path: &str, body: Value) -> Value {
    let response = app.post(key, path, body).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// `/share/{token}` from a full share URL.
pub(crate) fn share_path(app: &TestApp, created: &Value) -> String {
    let url = created["shareUrl"].as_str().unwrap();
    assert!(url.starts_with(&app.url("/share/")), "{url}");
    url.trim_start_matches(&app.url("")).to_owned()
}

async fn a_password_share_opens_only_with_its_cookie(app: TestApp) {
    let alice = app.user("alice").await;
    let png = fixtures::png(300, 200);
    let item = app
        .upload(
            &alice.key,
            "sun.png",
            png.clone(),
            &[("prompt", "Sunset <b>")],
        )
        .await;
    let item: Value = item.json().await.unwrap();
    let id = item["id"].as_str().unwrap();
    let created = share(
        &app,
        &alice.key,
        &format!("/api/v1/gallery/{id}/share"),
        json!({"expiresIn": "1d", "password": "open sesame", "allowDownload": true}),
    )
    .await;
    assert_eq!(created["passwordProtected"], true);
    assert!(created["expiresAt"].as_str().unwrap().ends_with('Z'));
    let page = share_path(&app, &created);
    let assets = format!("{page}/items/{id}");

    let mut visitor = Visitor::new(&app);
    let (status, body) = visitor.text(&page).await;
    assert_eq!(status, 401);
    assert!(body.contains("<form method=\"post\"") && !body.contains("/original"));
    // A post that is not the form (JSON, or no body) is refused with a page, like the rest.
    for (content_type, body) in [
        ("application/json", r#"{"password":"x"}"#),
        ("text/plain", ""),
    ] {
        let response = app
            .send(
                app.client()
                    .post(app.url(&page))
                    .header(header::CONTENT_TYPE, content_type)
                    .body(body),
            )
            .await;
        assert_eq!(response.status(), 400, "{content_type}");
        assert!(response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
    for path in [
        format!("{assets}/original"),
        format!("{assets}/original?download=1"),
        format!("{assets}/medium"),
        format!("{assets}/thumb"),
        format!("{assets}/frame"),
        format!("{page}/zip"),
        assets.clone(),
    ] {
        let response = visitor.get(&path).await;
        assert_eq!(response.status(), 401, "{path} without the cookie");
        assert!(response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }

    let wrong = visitor.unlock(&page, "guess").await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().await.unwrap().contains("Wrong password"));
    assert!(visitor.cookie.is_none());

    let right = visitor.unlock(&page, "open sesame").await;
    assert_eq!(right.status(), 303);
    assert_eq!(right.headers()[header::LOCATION], page.as_str());
    let set = right.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set.contains(&format!("Path={page}")) && set.contains("HttpOnly"),
        "{set}"
    );

    let (status, body) = visitor.text(&page).await;
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Sunset &lt;b&gt;</h1>"), "{body}");
    assert!(body.contains(&format!("src=\"{assets}/medium\"")));
    assert!(body.contains(&format!("href=\"{assets}/original?download=1\"")));
    let original = visitor.get(&format!("{assets}/original")).await;
    assert_eq!(original.status(), 200);
    assert_eq!(original.bytes().await.unwrap(), png);
    let download = visitor.get(&format!("{assets}/original?download=1")).await;
    assert!(download.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let medium = visitor.get(&format!("{assets}/medium")).await;
    assert_eq!(medium.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert!(medium.bytes().await.unwrap().starts_with(&[0xFF, 0xD8]));

    // The cookie is this share's: another protected link of the same owner stays shut,
    // and a forged value opens nothing.
    let other = app
        .upload_ok(&alice.key, "b.png", fixtures::png(20, 20))
        .await;
    let other_id = other["id"].as_str().unwrap();
    let sideways = format!("{page}/items/{other_id}/original");
    assert_eq!(
        visitor.get(&sideways).await.status(),
        404,
        "one item's link reaches no other"
    );
    let other = share(
        &app,
        &alice.key,
        &format!("/api/v1/gallery/{other_id}/share"),
        json!({"password": "open sesame"}),
    )
    .await;
    assert_eq!(visitor.get(&share_path(&app, &other)).await.status(), 401);
    let mut forger = Visitor::new(&app);
    let expires = chrono::Utc::now().timestamp() + 3600;
    forger.cookie = Some(format!("vitrine_share={expires}.{}", "00".repeat(32)));
    assert_eq!(
        forger.get(&format!("{assets}/original")).await.status(),
        401
    );
}

async fn without_download_permission_only_previews_leave(app: TestApp) {
    let alice = app.user("alice").await;
    let item = app
        .upload_ok(&alice.key, "big.png", fixtures::png(600, 300))
        .await;
    let id = item["id"].as_str().unwrap();
    let created = share(
        &app,
        &alice.key,
        &format!("/api/v1/gallery/{id}/share"),
        json!({}),
    )
    .await;
    assert_eq!(created["allowDownload"], false, "downloads are opt-in");
    let page = share_path(&app, &created);
    let visitor = Visitor::new(&app);

    let (status, body) = visitor.text(&page).await;
    assert_eq!(status, 200);
    assert!(body.contains("/medium\"") && !body.contains("Download"));
    assert_eq!(
        visitor
            .get(&format!("{page}/items/{id}/original"))
            .await
            .status(),
        403
    );
    assert_eq!(
        visitor
            .get(&format!("{page}/items/{id}/original?download=1"))
            .await
            .status(),
        403
    );
    assert_eq!(visitor.get(&format!("{page}/zip")).await.status(), 403);
    let thumb = visitor.get(&format!("{page}/items/{id}/thumb")).await;
    assert_eq!(thumb.status(), 200);
    let thumb = thumb.bytes().await.unwrap();
    let (width, height) = jpeg_size(&thumb);
    assert_eq!((width, height), (256, 128), "fits 256 px");
    let medium = visitor.get(&format!("{page}/items/{id}/medium")).await;
    assert_eq!(
        jpeg_size(&medium.bytes().await.unwrap()),
        (600, 300),
        "never enlarged"
    );
}

/// Width and height from a baseline JPEG's SOF0 segment.
fn jpeg_size(jpeg: &[u8]) -> (u16, u16) {
    let at = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a SOF0 segment");
    let h = u16::from_be_bytes([jpeg[at + 5], jpeg[at + 6]]);
    let w = u16::from_be_bytes([jpeg[at + 7], jpeg[at + 8]]);
    (w, h)
}

async fn links_expire_and_revoke_everywhere(app: TestApp) {
    let alice = app.user("alice").await;
    let item = app
        .upload_ok(&alice.key, "a.png", fixtures::png(30, 30))
        .await;
    let id = item["id"].as_str().unwrap();
    let api = format!("/api/v1/gallery/{id}/share");
    let visitor = Visitor::new(&app);

    let hourly = share(
        &app,
        &alice.key,
        &api,
        json!({"expiresIn": "1h", "allowDownload": true}),
    )
    .await;
    let page = share_path(&app, &hourly);
    assert_eq!(visitor.get(&page).await.status(), 200);
    app.advance_clock(chrono::Duration::minutes(61));
    let (status, body) = visitor.text(&page).await;
    assert_eq!(status, 410);
    assert!(body.contains("expired"), "{body}");
    assert_eq!(
        visitor
            .get(&format!("{page}/items/{id}/original"))
            .await
            .status(),
        410
    );
    assert_eq!(visitor.get(&format!("{page}/zip")).await.status(), 410);

    let forever = share(
        &app,
        &alice.key,
        &api,
        json!({"expiresIn": "never", "allowDownload": true}),
    )
    .await;
    assert_eq!(forever["expiresAt"], Value::Null);
    let page = share_path(&app, &forever);
    app.advance_clock(chrono::Duration::days(400));
    assert_eq!(
        visitor
            .get(&format!("{page}/items/{id}/original"))
            .await
            .status(),
        200
    );

    // A new link replaces the old one.
    let newer = share(&app, &alice.key, &api, json!({"allowDownload": true})).await;
    assert_eq!(visitor.get(&page).await.status(), 410);
    let page = share_path(&app, &newer);
    assert_eq!(app.delete(&alice.key, &api).await.status(), 200);
    for path in [
        page.clone(),
        format!("{page}/items/{id}/original"),
        format!("{page}/zip"),
    ] {
        let (status, body) = visitor.text(&path).await;
        assert_eq!(status, 410, "{path}");
        assert!(body.contains("revoked"), "{body}");
    }
    assert_eq!(
        app.delete(&alice.key, &api).await.status(),
        404,
        "nothing left to revoke"
    );
    assert_eq!(visitor.get("/share/not-a-token").await.status(), 404);
}

async fn a_shared_collection_shows_its_members_only(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let one = fixtures::png(40, 40);
    let two = fixtures::png(41, 41);
    let first = app.upload_ok(&alice.key, "one.png", one.clone()).await;
    let second = app.upload_ok(&alice.key, "two.png", two.clone()).await;
    let outside = app
        .upload_ok(&alice.key, "private.png", fixtures::png(42, 42))
        .await;
    let theirs = app
        .upload_ok(&bob.key, "bob.png", fixtures::png(43, 43))
        .await;
    let cid = app
        .create(
            &alice.key,
            "/api/v1/gallery/collections",
            json!({"name": "Holiday"}),
        )
        .await;
    let cid = cid.as_str();
    let ids = [&first, &second].map(|i| i["id"].as_str().unwrap().to_owned());
    app.post(
        &alice.key,
        &format!("/api/v1/gallery/collections/{cid}/items"),
        json!({ "itemIds": ids }),
    )
    .await;
    let created = share(
        &app,
        &alice.key,
        &format!("/api/v1/gallery/collections/{cid}/share"),
        json!({"allowDownload": true, "password": "holiday!"}),
    )
    .await;
    let page = share_path(&app, &created);
    let mut visitor = Visitor::new(&app);
    assert_eq!(visitor.get(&format!("{page}/zip")).await.status(), 401);
    assert_eq!(visitor.unlock(&page, "holiday!").await.status(), 303);

    let (status, body) = visitor.text(&page).await;
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Holiday</h1>") && body.contains("Download all (2)"));
    for id in &ids {
        assert!(body.contains(&format!("{page}/items/{id}/thumb")));
        assert_eq!(
            visitor.get(&format!("{page}/items/{id}")).await.status(),
            200
        );
    }
    for stranger in [&outside, &theirs] {
        let path = format!("{page}/items/{}/original", stranger["id"].as_str().unwrap());
        assert_eq!(visitor.get(&path).await.status(), 404, "{path}");
    }
    let zip = visitor.get(&format!("{page}/zip")).await;
    assert_eq!(zip.status(), 200);
    let mut entries = unzip(&zip.bytes().await.unwrap());
    entries.sort();
    assert_eq!(
        entries,
        [("one.png".to_owned(), one), ("two.png".to_owned(), two)]
    );

    // Trashing a member takes it off the page and out of reach.
    app.delete(&alice.key, &format!("/api/v1/gallery/{}", ids[0]))
        .await;
    assert_eq!(
        visitor
            .get(&format!("{page}/items/{}", ids[0]))
            .await
            .status(),
        404
    );
    assert!(visitor.text(&page).await.1.contains("Download all (1)"));
}

async fn share_requests_are_validated(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let item = app
        .upload_ok(&alice.key, "a.png", fixtures::png(10, 10))
        .await;
    let id = item["id"].as_str().unwrap();
    let api = format!("/api/v1/gallery/{id}/share");

    let bad = app.post(&alice.key, &api, json!({"expiresIn": "2w"})).await;
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["detail"][0]["field"], "expiresIn");
    // A share password is at least 8 characters; seven are refused, naming the field.
    let short = app
        .post(&alice.key, &api, json!({"password": "seven77"}))
        .await;
    assert_eq!(short.status(), 400);
    let body: Value = short.json().await.unwrap();
    assert_eq!(body["detail"][0]["field"], "password", "{body}");
    assert_eq!(
        app.post(&alice.key, &api, json!({"password": "eight888"}))
            .await
            .status(),
        201
    );
    assert_eq!(
        app.post(&alice.key, &api, json!({"colour": "red"}))
            .await
            .status(),
        400
    );
    assert_eq!(app.post(&bob.key, &api, json!({})).await.status(), 404);
    let reader = app.key("alice", Some("media:read")).await;
    assert_eq!(app.post(&reader, &api, json!({})).await.status(), 403);
    let anonymous = app.send(app.client().post(app.url(&api))).await;
    assert_eq!(anonymous.status(), 401);
    let empty_body = app
        .send(app.client().post(app.url(&api)).bearer_auth(&alice.key))
        .await;
    assert_eq!(
        empty_body.status(),
        201,
        "curl -X POST with no body gets the defaults"
    );

    app.delete(&alice.key, &format!("/api/v1/gallery/{id}"))
        .await;
    assert_eq!(app.post(&alice.key, &api, json!({})).await.status(), 409);
    // The eight-character link and the empty-body one; nothing refused left a row.
    assert_eq!(app.count_rows("shares").await, 2);
}

/// Three wrong guesses shut one link, even to the right password; five from one
/// address shut every link for that address.
async fn password_guessing_is_limited(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .with_limits(|limits| {
            limits.shares.attempts_per_link = 3;
            limits.shares.attempts_per_client = 5;
        })
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let mut pages = Vec::new();
    for name in ["a.png", "b.png"] {
        let item = app.upload_ok(&alice.key, name, fixtures::png(12, 12)).await;
        let api = format!("/api/v1/gallery/{}/share", item["id"].as_str().unwrap());
        let created = share(&app, &alice.key, &api, json!({"password": "right one"})).await;
        pages.push(share_path(&app, &created));
    }
    let mut visitor = Visitor::new(&app);
    for _ in 0..3 {
        assert_eq!(visitor.unlock(&pages[0], "wrong").await.status(), 401);
    }
    let limited = visitor.unlock(&pages[0], "right one").await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()[header::RETRY_AFTER], "900");
    assert!(visitor.cookie.is_none());

    for _ in 0..2 {
        assert_eq!(visitor.unlock(&pages[1], "wrong").await.status(), 401);
    }
    assert_eq!(
        visitor.unlock(&pages[1], "right one").await.status(),
        429,
        "five misses from this address"
    );
    app.advance_clock(chrono::Duration::minutes(16));
    assert_eq!(visitor.unlock(&pages[1], "right one").await.status(), 303);
}

pub(crate) fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().to_owned(), content)
        })
        .collect()
}
