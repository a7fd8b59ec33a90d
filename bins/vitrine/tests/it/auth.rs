//! Who may do what: 401 without credentials, 403 without the scope, 404 for another's item.

use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    every_route_needs_credentials,
    another_users_item_is_not_found,
    scopes_limit_what_a_key_may_do,
    password_gives_a_jwt_that_works_like_a_key,
    header_forms_are_all_accepted,
);

async fn every_route_needs_credentials(app: TestApp) {
    let routes = [
        ("GET", "/api/v1/gallery"),
        ("POST", "/api/v1/gallery"),
        ("GET", "/api/v1/gallery/storage"),
        ("GET", "/api/v1/gallery/gal_x"),
        ("PATCH", "/api/v1/gallery/gal_x"),
        ("DELETE", "/api/v1/gallery/gal_x"),
        ("GET", "/api/v1/gallery/gal_x/download"),
    ];
    for (method, path) in routes {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = app
            .send(app.client().request(method.clone(), app.url(path)))
            .await;
        assert_eq!(response.status(), 401, "{method} {path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "Unauthorized");
        assert_eq!(body["statusCode"], 401);

        let forged = app
            .send(
                app.client()
                    .request(method.clone(), app.url(path))
                    .bearer_auth("vtr_0000"),
            )
            .await;
        assert_eq!(forged.status(), 401, "forged key on {method} {path}");
        let garbage = app
            .send(
                app.client()
                    .request(method.clone(), app.url(path))
                    .bearer_auth("not.a.jwt"),
            )
            .await;
        assert_eq!(garbage.status(), 401, "bad token on {method} {path}");
    }
}

async fn another_users_item_is_not_found(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let item = app
        .upload_ok(&alice.key, "a.png", fixtures::png(8, 8))
        .await;
    let id = item["id"].as_str().unwrap();

    for path in [
        format!("/api/v1/gallery/{id}"),
        format!("/api/v1/gallery/{id}/download"),
    ] {
        let response = app.get(&bob.key, &path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["statusCode"], 404);
    }
    let patch = app
        .patch(
            &bob.key,
            &format!("/api/v1/gallery/{id}"),
            json!({"tags": ["mine"]}),
        )
        .await;
    assert_eq!(patch.status(), 404);
    let delete = app.delete(&bob.key, &format!("/api/v1/gallery/{id}")).await;
    assert_eq!(delete.status(), 404);

    let bobs_list: Value = app
        .get(&bob.key, "/api/v1/gallery")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bobs_list["total"], 0);
    let still: Value = app
        .get(&alice.key, &format!("/api/v1/gallery/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(still["status"], "active", "bob's attempts changed nothing");
    assert_eq!(still["tags"], json!([]));
}

async fn scopes_limit_what_a_key_may_do(app: TestApp) {
    let alice = app.user("alice").await;
    let item = app
        .upload_ok(&alice.key, "a.png", fixtures::png(8, 8))
        .await;
    let id = item["id"].as_str().unwrap();
    let reader = app.key("alice", Some("media:read")).await;

    assert_eq!(app.get(&reader, "/api/v1/gallery").await.status(), 200);
    assert_eq!(
        app.get(&reader, &format!("/api/v1/gallery/{id}/download"))
            .await
            .status(),
        200
    );
    let upload = app.upload(&reader, "b.png", fixtures::png(4, 4), &[]).await;
    assert_eq!(upload.status(), 403);
    let body: Value = upload.json().await.unwrap();
    assert_eq!(body["statusCode"], 403);
    assert!(
        body["error"].as_str().unwrap().contains("media:write"),
        "{body}"
    );
    assert_eq!(
        app.patch(
            &reader,
            &format!("/api/v1/gallery/{id}"),
            json!({"favorite": true})
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.delete(&reader, &format!("/api/v1/gallery/{id}"))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.count_rows("items").await,
        1,
        "the refused upload stored nothing"
    );

    let writer_only = app.key("alice", Some("media:write")).await;
    assert_eq!(app.get(&writer_only, "/api/v1/gallery").await.status(), 403);

    // A user cannot mint an admin key: the scope is dropped, not granted.
    let not_admin = app.key("alice", Some("admin,media:read")).await;
    assert_eq!(app.get(&not_admin, "/api/v1/gallery").await.status(), 200);
    let promote = app
        .send(
            app.client()
                .put(app.url("/api/v1/admin/users/alice/plan"))
                .bearer_auth(&not_admin)
                .json(&json!({"plan": "enterprise"})),
        )
        .await;
    assert_eq!(
        promote.status(),
        403,
        "an admin route refuses the dropped scope"
    );
}

async fn password_gives_a_jwt_that_works_like_a_key(app: TestApp) {
    let alice = app.user("alice").await;
    let wrong = app
        .send(
            app.client()
                .post(app.url("/api/v1/auth/token"))
                .json(&json!({"name": "alice", "password": "nope-nope"})),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    let unknown = app
        .send(
            app.client()
                .post(app.url("/api/v1/auth/token"))
                .json(&json!({"name": "nobody", "password": "x"})),
        )
        .await;
    assert_eq!(unknown.status(), 401);
    let malformed = app
        .send(
            app.client()
                .post(app.url("/api/v1/auth/token"))
                .json(&json!({"name": "alice"})),
        )
        .await;
    assert_eq!(malformed.status(), 400);

    let response = app
        .send(
            app.client()
                .post(app.url("/api/v1/auth/token"))
                .json(&json!({"name": "alice", "password": alice.password})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.unwrap();
    assert_eq!(token["token_type"], "Bearer");
    let jwt = token["access_token"].as_str().unwrap();
    assert_eq!(
        app.upload(jwt, "a.png", fixtures::png(4, 4), &[])
            .await
            .status(),
        201
    );
    assert_eq!(app.get(jwt, "/api/v1/gallery").await.status(), 200);

    let narrow = app
        .send(
            app.client().post(app.url("/api/v1/auth/token")).json(
                &json!({"name": "alice", "password": alice.password, "scopes": "media:read"}),
            ),
        )
        .await;
    let narrow: Value = narrow.json().await.unwrap();
    let narrow = narrow["access_token"].as_str().unwrap();
    assert_eq!(app.get(narrow, "/api/v1/gallery").await.status(), 200);
    assert_eq!(
        app.upload(narrow, "b.png", fixtures::png(4, 4), &[])
            .await
            .status(),
        403
    );

    let mut tampered = jwt.to_owned();
    tampered.pop();
    tampered.push(if jwt.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(app.get(&tampered, "/api/v1/gallery").await.status(), 401);

    // Tokens expire by the server's clock: valid for the hour they were issued for.
    app.advance_clock(chrono::Duration::minutes(59));
    assert_eq!(app.get(jwt, "/api/v1/gallery").await.status(), 200);
    app.advance_clock(chrono::Duration::minutes(2));
    assert_eq!(app.get(jwt, "/api/v1/gallery").await.status(), 401);
}

async fn header_forms_are_all_accepted(app: TestApp) {
    let alice = app.user("alice").await;
    let with_header = app
        .send(
            app.client()
                .get(app.url("/api/v1/gallery"))
                .header("X-API-Key", &alice.key),
        )
        .await;
    assert_eq!(with_header.status(), 200);
    let lower_bearer = app
        .send(
            app.client()
                .get(app.url("/api/v1/gallery"))
                .header("authorization", format!("bearer {}", alice.key)),
        )
        .await;
    assert_eq!(lower_bearer.status(), 200);
    let basic = app
        .send(
            app.client()
                .get(app.url("/api/v1/gallery"))
                .basic_auth("alice", Some(&alice.password)),
        )
        .await;
    assert_eq!(basic.status(), 401);
    // A proxy's Basic credentials do not hide the key the client sent as well.
    let basic_and_key = app
        .send(
            app.client()
                .get(app.url("/api/v1/gallery"))
                .basic_auth("proxy", Some("proxy-secret"))
                .header("X-API-Key", &alice.key),
        )
        .await;
    assert_eq!(basic_and_key.status(), 200);
}

async fn token(app: &TestApp, name: &str, password: &str) -> u16 {
    app.send(
        app.client()
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"name": name, "password": password})),
    )
    .await
    .status()
    .as_u16()
}

/// Past three wrong passwords for an account in the window, the next try answers 429,
/// even with the right password, while other accounts log in; unknown names are limited
/// alike (nothing tells them apart). The window passing lifts the limit. Per address,
/// guesses across accounts add up.
#[tokio::test]
async fn wrong_passwords_are_limited_per_account_and_per_address() {
    let app = TestApp::builder(vitrine_test_support::TestBackend::Sqlite)
        .with_limits(|limits| {
            limits.logins.attempts_per_account = 3;
            limits.logins.attempts_per_client = 100;
        })
        .spawn()
        .await;
    app.user("alice").await;
    app.user("bob").await;
    for _ in 0..3 {
        assert_eq!(token(&app, "alice", "wrong-password").await, 401);
    }
    assert_eq!(token(&app, "alice", "wrong-password").await, 429);
    assert_eq!(
        token(&app, "alice", "alice-password").await,
        429,
        "the right one waits too"
    );
    assert_eq!(
        token(&app, "bob", "bob-password").await,
        200,
        "another account is not locked"
    );
    for _ in 0..3 {
        assert_eq!(token(&app, "nobody", "whatever-it-is").await, 401);
    }
    assert_eq!(token(&app, "nobody", "whatever-it-is").await, 429);
    app.advance_clock(chrono::Duration::minutes(16));
    assert_eq!(token(&app, "alice", "alice-password").await, 200);
    // Right passwords do not count: many logins in a row are fine.
    for _ in 0..5 {
        assert_eq!(token(&app, "bob", "bob-password").await, 200);
    }

    let app = TestApp::builder(vitrine_test_support::TestBackend::Sqlite)
        .with_limits(|limits| {
            limits.logins.attempts_per_account = 100;
            limits.logins.attempts_per_client = 2;
        })
        .spawn()
        .await;
    app.user("alice").await;
    assert_eq!(token(&app, "alice", "wrong-password").await, 401);
    assert_eq!(token(&app, "carol", "wrong-password").await, 401);
    assert_eq!(
        token(&app, "dave", "wrong-password").await,
        429,
        "one address, many names"
    );
}
