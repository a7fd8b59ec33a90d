//! What the dashboard's Account, Shares and Admin pages call: a user's own API keys, their
//! live share links, and an admin's users.

use serde_json::{json, Value};
use vitrine_domain::user::{Plan, Role};
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    own_api_keys_are_made_listed_and_revoked,
    live_share_links_are_listed_for_their_owner_only,
    admins_list_add_and_promote_users,
);

async fn own_api_keys_are_made_listed_and_revoked(app: TestApp) {
    let ana = app.user("ana").await;
    let made = app
        .post(&ana.key, "/api/v1/keys", json!({"scopes": ["media:read"]}))
        .await;
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.unwrap();
    let key = made["key"].as_str().unwrap().to_owned();
    assert_eq!(made["scopes"], json!(["media:read"]));
    assert_eq!(
        app.get(&key, "/api/v1/gallery").await.status(),
        200,
        "the new key works"
    );
    let upload = app.upload(&key, "a.png", fixtures::png(8, 8), &[]).await;
    assert_eq!(upload.status(), 403, "and only for what it was made for");

    // A narrowed key cannot make a wider one.
    let wider: Value = app
        .post(
            &key,
            "/api/v1/keys",
            json!({"scopes": ["media:read", "media:write"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wider["scopes"], json!(["media:read"]), "{wider}");
    let none = app
        .post(&key, "/api/v1/keys", json!({"scopes": ["admin"]}))
        .await;
    assert_eq!(none.status(), 400, "no scope the caller holds");
    let bad = app
        .post(&ana.key, "/api/v1/keys", json!({"scopes": ["root"]}))
        .await;
    assert_eq!(bad.status(), 400);

    let listed: Value = app.get_ok(&ana.key, "/api/v1/keys").await;
    let keys = listed["keys"].as_array().unwrap();
    assert_eq!(
        keys.len(),
        3,
        "ana's first key and the two made here: {listed}"
    );
    assert!(
        !listed.to_string().contains(&key),
        "a key is shown once, never listed"
    );
    let id = made["id"].as_str().unwrap();
    assert_eq!(id.len(), 16);
    assert!(keys.iter().any(|k| k["id"] == id));

    let bob = app.user("bob").await;
    assert_eq!(
        app.delete(&bob.key, &format!("/api/v1/keys/{id}"))
            .await
            .status(),
        404,
        "not bob's key"
    );
    assert_eq!(
        app.get(&bob.key, "/api/v1/keys")
            .await
            .json::<Value>()
            .await
            .unwrap()["keys"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let revoked = app.delete(&ana.key, &format!("/api/v1/keys/{id}")).await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        app.get(&key, "/api/v1/gallery").await.status(),
        401,
        "revoked at once"
    );
    assert_eq!(
        app.delete(&ana.key, &format!("/api/v1/keys/{id}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.delete(&ana.key, "/api/v1/keys/zz%25").await.status(),
        404
    );
    let left: Value = app.get_ok(&ana.key, "/api/v1/keys").await;
    assert_eq!(left["keys"].as_array().unwrap().len(), 2);
}

async fn live_share_links_are_listed_for_their_owner_only(app: TestApp) {
    let ana = app.user("ana").await;
    let bob = app.user("bob").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let item = app
            .upload_ok(&ana.key, &format!("{n}.png"), fixtures::png(8 + n, 8))
            .await;
        ids.push(item["id"].as_str().unwrap().to_owned());
    }
    for (id, body) in [
        (&ids[0], json!({"expiresIn": "1h"})),
        (
            &ids[1],
            json!({"password": "long enough", "allowDownload": true}),
        ),
        (&ids[2], json!({})),
    ] {
        let made = app
            .post(&ana.key, &format!("/api/v1/gallery/{id}/share"), body)
            .await;
        assert_eq!(made.status(), 201);
    }
    app.delete(&ana.key, &format!("/api/v1/gallery/{}/share", ids[2]))
        .await;
    app.advance_clock(chrono::Duration::hours(2));

    let listed: Value = app.get_ok(&ana.key, "/api/v1/gallery/shares").await;
    let shares = listed["shares"].as_array().unwrap();
    assert_eq!(
        shares.len(),
        1,
        "the expired and the revoked are not live: {listed}"
    );
    assert_eq!(shares[0]["targetType"], "item");
    assert_eq!(shares[0]["targetId"], ids[1].as_str());
    assert_eq!(shares[0]["passwordProtected"], true);
    assert_eq!(shares[0]["allowDownload"], true);
    assert!(
        !listed.to_string().contains("/share/"),
        "tokens are never listed"
    );
    let others: Value = app.get_ok(&bob.key, "/api/v1/gallery/shares").await;
    assert_eq!(others["shares"], json!([]));
}

async fn admins_list_add_and_promote_users(app: TestApp) {
    let root = app.user_with("root", Role::Admin, Plan::Free).await;
    let ana = app.user("ana").await;
    assert_eq!(app.get(&ana.key, "/api/v1/admin/users").await.status(), 403);
    let refused = app
        .post(
            &ana.key,
            "/api/v1/admin/users",
            json!({"name": "eve", "password": "long enough"}),
        )
        .await;
    assert_eq!(refused.status(), 403);

    let added = app
        .post(
            &root.key,
            "/api/v1/admin/users",
            json!({"name": "cy", "password": "cy-password", "plan": "pro"}),
        )
        .await;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    assert_eq!(
        (added["role"].as_str(), added["plan"].as_str()),
        (Some("user"), Some("pro"))
    );
    let again = app
        .post(
            &root.key,
            "/api/v1/admin/users",
            json!({"name": "cy", "password": "cy-password"}),
        )
        .await;
    assert_eq!(again.status(), 409, "names are unique");
    let short = app
        .post(
            &root.key,
            "/api/v1/admin/users",
            json!({"name": "dee", "password": "x"}),
        )
        .await;
    assert_eq!(short.status(), 400);
    let cy_token = app
        .send(
            app.client()
                .post(app.url("/api/v1/auth/token"))
                .json(&json!({"name": "cy", "password": "cy-password"})),
        )
        .await;
    assert_eq!(cy_token.status(), 200, "the new user can sign in");

    let listed: Value = app.get_ok(&root.key, "/api/v1/admin/users").await;
    let names: Vec<&str> = listed["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ana", "cy", "root"]);

    let promoted = app
        .send(
            app.client()
                .put(app.url("/api/v1/admin/users/ana/role"))
                .bearer_auth(&root.key)
                .json(&json!({"role": "admin"})),
        )
        .await;
    assert_eq!(promoted.status(), 200);
    assert_eq!(
        app.get(&ana.key, "/api/v1/admin/users").await.status(),
        403,
        "a key keeps the scopes it was made with"
    );
    let token: Value = app
        .send(
            app.client()
                .post(app.url("/api/v1/auth/token"))
                .json(&json!({"name": "ana", "password": ana.password})),
        )
        .await
        .json()
        .await
        .unwrap();
    let admin_token = token["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get(&admin_token, "/api/v1/admin/users").await.status(),
        200,
        "signing in again, ana is an admin"
    );
    let own = app
        .send(
            app.client()
                .put(app.url("/api/v1/admin/users/root/role"))
                .bearer_auth(&root.key)
                .json(&json!({"role": "user"})),
        )
        .await;
    assert_eq!(own.status(), 409, "not one's own role");
    let demoted = app
        .send(
            app.client()
                .put(app.url("/api/v1/admin/users/ana/role"))
                .bearer_auth(&root.key)
                .json(&json!({"role": "user"})),
        )
        .await;
    assert_eq!(demoted.status(), 200);
    assert_eq!(
        app.get(&admin_token, "/api/v1/admin/users").await.status(),
        403,
        "demoted at once, even with a token made while an admin"
    );
    let unknown = app
        .send(
            app.client()
                .put(app.url("/api/v1/admin/users/nobody/role"))
                .bearer_auth(&root.key)
                .json(&json!({"role": "user"})),
        )
        .await;
    assert_eq!(unknown.status(), 404);
}
