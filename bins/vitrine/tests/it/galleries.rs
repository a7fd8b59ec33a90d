//! Spec 3: ordered, translated galleries and languages, through HTTP.

use serde_json::{json, Value};
use vitrine_domain::user::{Plan, Role};
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    a_gallery_is_created_read_changed_and_soft_deleted,
    gallery_input_is_checked_field_by_field,
    galleries_follow_scopes_and_owners,
    translations_and_languages,
);

const GALLERIES: &str = "/api/v1/galleries";

/// `value` with each signed URL cut before its query: signatures carry an expiry counted
/// from the second they are made, so two reads a second apart differ there alone.
fn unsigned(value: Value) -> Value {
    match value {
        Value::String(text) if text.contains("?exp=") => {
            Value::String(text.split('?').next().unwrap_or_default().to_owned())
        }
        Value::Array(list) => Value::Array(list.into_iter().map(unsigned).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, unsigned(v))).collect())
        }
        other => other,
    }
}

/// The UUID of the language with `code`.
async fn language(app: &TestApp, key: &str, code: &str) -> String {
    let all = app.get_ok(key, "/api/v1/languages").await;
    all.as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == code)
        .unwrap_or_else(|| panic!("no language {code}: {all}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn create(app: &TestApp, key: &str, body: Value) -> Value {
    let created = app.post(key, GALLERIES, body).await;
    assert_eq!(created.status(), 201);
    created.json().await.unwrap()
}

/// The error body's first detail: (field, message).
async fn refusal(response: reqwest::Response, status: u16) -> (String, Value) {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    let field = body["detail"][0]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (field, body)
}

async fn a_gallery_is_created_read_changed_and_soft_deleted(app: TestApp) {
    let alice = app.user("alice").await;
    let cover = app
        .upload_ok(&alice.key, "cover.jpg", fixtures::jpeg(64, 48))
        .await;
    let en = language(&app, &alice.key, "en").await;
    let created = create(
        &app,
        &alice.key,
        json!({
            "slug": "summer-2026",
            "status": "published",
            "cover_image_id": cover["id"],
            "translations": [{
                "language_id": en,
                "title": "Summer 2026",
                "description": "Photos from our summer event.",
                "meta_title": "Summer 2026 Gallery",
                "meta_description": "Browse our summer 2026 photo gallery."
            }]
        }),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 4);
    assert_eq!(created["slug"], "summer-2026");
    assert_eq!(created["status"], "published");
    assert_eq!(created["cover_image_id"], cover["id"]);
    let me = app.principal(&alice.key).await.user.id.to_string();
    assert_eq!(created["author_id"], me.as_str());
    assert_eq!(created["created_by"], me.as_str());
    assert_eq!(created["gallery_media"], json!([]));
    assert_eq!(created["updated_at"], Value::Null);
    let translation = &created["translations"][0];
    assert_eq!(translation["gallery_id"], id);
    assert_eq!(translation["language_id"], en.as_str());
    assert_eq!(
        translation["meta_description"],
        "Browse our summer 2026 photo gallery."
    );
    assert!(uuid::Uuid::parse_str(translation["id"].as_str().unwrap()).is_ok());
    let cover_image = &created["cover_image"];
    assert_eq!(cover_image["original_filename"], "cover.jpg");
    assert_eq!(cover_image["mime_type"], "image/jpeg");
    assert_eq!(cover_image["size"], cover["size"]);
    let url = cover_image["url"].as_str().unwrap();
    assert_eq!(
        app.send(app.client().get(url)).await.status(),
        200,
        "signed"
    );
    assert!(cover_image["thumbnail_url"].is_string());

    assert_eq!(
        unsigned(app.get_ok(&alice.key, &format!("{GALLERIES}/{id}")).await),
        unsigned(created.clone())
    );
    let draft = create(&app, &alice.key, json!({"slug": "notes"})).await;
    assert_eq!(draft["status"], "draft", "the default");
    assert_eq!(draft["translations"], json!([]));
    let listed = app.get_ok(&alice.key, GALLERIES).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        2,
        "a bare array: {listed}"
    );
    let published = app
        .get_ok(&alice.key, &format!("{GALLERIES}?status=published"))
        .await;
    assert_eq!(
        published,
        json!([{"id": id, "slug": "summer-2026", "status": "published"}])
    );
    let second_page = app
        .get_ok(&alice.key, &format!("{GALLERIES}?skip=1&limit=1"))
        .await;
    assert_eq!(second_page.as_array().unwrap().len(), 1);

    let taken = app
        .patch(
            &alice.key,
            &format!("{GALLERIES}/{}", draft["id"].as_str().unwrap()),
            json!({"slug": "summer-2026"}),
        )
        .await;
    assert_eq!(taken.status(), 409);
    let changed = app
        .patch(
            &alice.key,
            &format!("{GALLERIES}/{id}"),
            json!({"slug": "summer-26", "status": "archived", "cover_image_id": null}),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["slug"], "summer-26");
    assert_eq!(changed["status"], "archived");
    assert_eq!(changed["cover_image"], Value::Null);
    assert!(changed["updated_at"].is_string());
    assert_eq!(changed["translations"], created["translations"], "kept");

    let deleted = app.delete(&alice.key, &format!("{GALLERIES}/{id}")).await;
    assert_eq!(deleted.status(), 204);
    for path in [format!("{GALLERIES}/{id}")] {
        assert_eq!(app.get(&alice.key, &path).await.status(), 404);
        assert_eq!(app.delete(&alice.key, &path).await.status(), 404);
        assert_eq!(
            app.patch(&alice.key, &path, json!({"slug": "x-y"}))
                .await
                .status(),
            404
        );
    }
    assert_eq!(
        app.get_ok(&alice.key, GALLERIES)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let reused = create(&app, &alice.key, json!({"slug": "summer-26"})).await;
    assert_eq!(
        reused["slug"], "summer-26",
        "a deleted gallery's slug is free"
    );
    let library = app.get_ok(&alice.key, "/api/v1/gallery").await;
    assert_eq!(library["total"], 1, "the cover stays in the library");
}

async fn gallery_input_is_checked_field_by_field(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let bobs = app.upload_ok(&bob.key, "b.png", fixtures::png(8, 8)).await;
    let en = language(&app, &alice.key, "en").await;
    let cases = [
        (json!({"slug": "A"}), 400, "slug"),
        (json!({"slug": "Has Spaces"}), 400, "slug"),
        (json!({"slug": "x".repeat(256)}), 400, "slug"),
        (json!({"slug": "ok-slug", "status": "live"}), 400, "status"),
        (json!({"slug": "ok-slug", "colour": "red"}), 400, "body"),
        (json!({"slug": 7}), 400, "body"),
        (
            json!({"slug": "ok-slug", "translations": [{"language_id": "nope"}]}),
            400,
            "language_id",
        ),
        (
            json!({"slug": "ok-slug", "translations": [{"language_id": en, "title": "t".repeat(256)}]}),
            400,
            "title",
        ),
        (
            json!({"slug": "ok-slug", "translations": [{"language_id": uuid::Uuid::new_v4().to_string()}]}),
            404,
            "",
        ),
        (
            json!({"slug": "ok-slug", "cover_image_id": bobs["id"]}),
            404,
            "",
        ),
        (
            json!({"slug": "ok-slug", "cover_image_id": "gal_nothing"}),
            404,
            "",
        ),
        (
            json!({"slug": "ok-slug", "author_id": "usr_nobody"}),
            404,
            "",
        ),
    ];
    for (body, status, field) in cases {
        let answer = app.post(&alice.key, GALLERIES, body.clone()).await;
        let (named, error) = refusal(answer, status).await;
        assert_eq!(named, field, "{body} → {error}");
    }
    let foreign_cover = app
        .post(
            &alice.key,
            GALLERIES,
            json!({"slug": "ok-slug", "cover_image_id": bobs["id"]}),
        )
        .await;
    let body: Value = foreign_cover.json().await.unwrap();
    assert_eq!(body["error"], "Cover image not found");
    assert_eq!(
        app.get_ok(&alice.key, GALLERIES).await,
        json!([]),
        "nothing half written"
    );
    let malformed = app
        .get(&alice.key, &format!("{GALLERIES}/not-a-uuid"))
        .await;
    assert_eq!(refusal(malformed, 400).await.0, "id");
    let bad_limit = app.get(&alice.key, &format!("{GALLERIES}?limit=101")).await;
    assert_eq!(refusal(bad_limit, 400).await.0, "limit");
    let bad_status = app
        .get(&alice.key, &format!("{GALLERIES}?status=live"))
        .await;
    assert_eq!(refusal(bad_status, 400).await.0, "status");
}

async fn galleries_follow_scopes_and_owners(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let gallery = create(&app, &alice.key, json!({"slug": "alices"})).await;
    let path = format!("{GALLERIES}/{}", gallery["id"].as_str().unwrap());

    let reader = app.key("alice", Some("galleries:read")).await;
    assert_eq!(app.get(&reader, &path).await.status(), 200);
    assert_eq!(app.get(&reader, GALLERIES).await.status(), 200);
    assert_eq!(
        app.post(&reader, GALLERIES, json!({"slug": "r-r"}))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.patch(&reader, &path, json!({"status": "published"}))
            .await
            .status(),
        403
    );
    assert_eq!(app.delete(&reader, &path).await.status(), 403);
    let creator = app.key("alice", Some("galleries:create")).await;
    assert_eq!(
        app.post(&creator, GALLERIES, json!({"slug": "c-c"}))
            .await
            .status(),
        201
    );
    assert_eq!(app.get(&creator, &path).await.status(), 403);
    let media_only = app.key("alice", Some("media:read")).await;
    assert_eq!(app.get(&media_only, GALLERIES).await.status(), 403);
    let anonymous = app.send(app.client().get(app.url(GALLERIES))).await;
    assert_eq!(anonymous.status(), 401);

    assert_eq!(
        app.get(&bob.key, &path).await.status(),
        404,
        "another user's"
    );
    assert_eq!(app.delete(&bob.key, &path).await.status(), 404);
    assert_eq!(app.get_ok(&bob.key, GALLERIES).await, json!([]));
    let token = app
        .send(app.client().post(app.url("/api/v1/auth/token")).json(
            &json!({"name": "alice", "password": alice.password, "scopes": "galleries:read"}),
        ))
        .await;
    let token: Value = token.json().await.unwrap();
    let jwt = token["access_token"].as_str().unwrap();
    assert_eq!(
        app.get(jwt, &path).await.status(),
        200,
        "a narrowed JWT reads"
    );
    let refused = app.post(jwt, GALLERIES, json!({"slug": "j-j"})).await;
    assert_eq!(refused.status(), 403, "and writes nothing");
}

async fn translations_and_languages(app: TestApp) {
    let alice = app.user("alice").await;
    let admin = app.user_with("root", Role::Admin, Plan::Enterprise).await;
    let en = language(&app, &alice.key, "en").await;
    let added = app
        .post(
            &admin.key,
            "/api/v1/languages",
            json!({"code": "pt-BR", "name": "Português"}),
        )
        .await;
    assert_eq!(added.status(), 201);
    let pt: Value = added.json().await.unwrap();
    let pt = pt["id"].as_str().unwrap().to_owned();
    let again = app
        .post(
            &admin.key,
            "/api/v1/languages",
            json!({"code": "pt-BR", "name": "Again"}),
        )
        .await;
    assert_eq!(again.status(), 409);
    let not_admin = app
        .post(
            &alice.key,
            "/api/v1/languages",
            json!({"code": "de", "name": "Deutsch"}),
        )
        .await;
    assert_eq!(not_admin.status(), 403);
    let bad_code = app
        .post(
            &admin.key,
            "/api/v1/languages",
            json!({"code": "english", "name": "E"}),
        )
        .await;
    assert_eq!(refusal(bad_code, 400).await.0, "code");
    let listed = app.get_ok(&alice.key, "/api/v1/languages").await;
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");

    let gallery = create(&app, &alice.key, json!({"slug": "trip"})).await;
    let path = format!(
        "{GALLERIES}/{}/translations",
        gallery["id"].as_str().unwrap()
    );
    let put = |body: Value| {
        app.send(
            app.client()
                .put(app.url(&path))
                .bearer_auth(&alice.key)
                .json(&body),
        )
    };
    let first = put(json!({"language_id": en, "title": "Trip"})).await;
    assert_eq!(first.status(), 200);
    let second = put(json!({"language_id": en, "title": "The trip"})).await;
    let second: Value = second.json().await.unwrap();
    assert_eq!(
        second["translations"].as_array().unwrap().len(),
        1,
        "upserted"
    );
    assert_eq!(second["translations"][0]["title"], "The trip");
    assert!(second["translations"][0]["updated_at"].is_string());
    let both: Value = put(json!({"language_id": pt, "title": "Viagem"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(both["translations"].as_array().unwrap().len(), 2);
    let unknown = put(json!({"language_id": uuid::Uuid::new_v4().to_string(), "title": "?"})).await;
    let (_, body) = refusal(unknown, 404).await;
    assert_eq!(body["error"], "Language not found");

    let one = app.delete(&alice.key, &format!("{path}/{pt}")).await;
    assert_eq!(one.status(), 200);
    let one: Value = one.json().await.unwrap();
    assert_eq!(one["translations"].as_array().unwrap().len(), 1);
    let gone = app.delete(&alice.key, &format!("{path}/{pt}")).await;
    let (_, body) = refusal(gone, 404).await;
    assert_eq!(body["error"], "Translation not found");
    let bobs = app.user("bob").await;
    let foreign = app
        .send(
            app.client()
                .put(app.url(&path))
                .bearer_auth(&bobs.key)
                .json(&json!({"language_id": en})),
        )
        .await;
    let (_, body) = refusal(foreign, 404).await;
    assert_eq!(body["error"], "Gallery not found");
}
