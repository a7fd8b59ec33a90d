//! Folders, collections and tags: arranging a library, and nobody else's.

use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    folders_nest_move_and_refuse_cycles,
    deleting_a_folder_needs_it_empty_or_moves_its_contents_up,
    collections_hold_items_all_or_nothing,
    an_item_lists_its_collections_in_the_order_it_joined_them,
    bulk_tag_and_move_change_all_or_nothing,
    another_users_folders_collections_and_tags_are_invisible,
    a_refused_request_names_every_bad_field_at_once,
);

async fn body(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(actual, status, "{body}");
    body
}

async fn folder(app: &TestApp, key: &str, name: &str, parent: Option<&str>) -> String {
    let created = app
        .post(
            key,
            "/api/v1/gallery/folders",
            json!({"name": name, "parentId": parent}),
        )
        .await;
    body(created, 201).await["id"].as_str().unwrap().to_owned()
}

async fn item(app: &TestApp, key: &str, name: &str, side: u32) -> String {
    app.upload_ok(key, name, fixtures::png(side, side)).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn folders_nest_move_and_refuse_cycles(app: TestApp) {
    let alice = app.user("alice").await;
    let key = &alice.key;
    let trips = folder(&app, key, "Trips", None).await;
    let y2026 = folder(&app, key, "2026", Some(&trips)).await;
    let june = folder(&app, key, "June", Some(&y2026)).await;

    let same_name = app
        .post(key, "/api/v1/gallery/folders", json!({"name": "trips"}))
        .await;
    assert_eq!(same_name.status(), 409, "names are unique among siblings");
    let blank = app
        .post(key, "/api/v1/gallery/folders", json!({"name": "  "}))
        .await;
    assert_eq!(body(blank, 400).await["detail"][0]["field"], "name");

    // Into itself or its own subtree: refused, and nothing changed.
    for target in [&trips, &y2026, &june] {
        let path = format!("/api/v1/gallery/folders/{trips}");
        let moved = app.patch(key, &path, json!({"parentId": target})).await;
        assert_eq!(moved.status(), 409, "moving Trips under {target}");
    }
    let trips_now = app
        .get_ok(key, &format!("/api/v1/gallery/folders/{trips}"))
        .await;
    assert_eq!(trips_now["parentId"], Value::Null);

    // A legal move and a rename; then back to the root with null.
    let path = format!("/api/v1/gallery/folders/{june}");
    let moved = body(
        app.patch(key, &path, json!({"parentId": trips, "name": "Summer"}))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (moved["parentId"].as_str(), moved["name"].as_str()),
        (Some(trips.as_str()), Some("Summer"))
    );
    let rooted = body(app.patch(key, &path, json!({"parentId": null})).await, 200).await;
    assert_eq!(rooted["parentId"], Value::Null);
    let unknown = app
        .patch(key, &path, json!({"parentId": "fld_missing"}))
        .await;
    assert_eq!(unknown.status(), 404);

    // Items go into folders with PATCH; the folder counts them.
    let photo = item(&app, key, "a.png", 20).await;
    let path = format!("/api/v1/gallery/{photo}");
    let moved = body(app.patch(key, &path, json!({"folderId": y2026})).await, 200).await;
    assert_eq!(moved["folderId"], json!(y2026));
    let listed = app.get_ok(key, "/api/v1/gallery/folders").await;
    let folders = listed["folders"].as_array().unwrap();
    assert_eq!(folders.len(), 3);
    let counted = folders.iter().find(|f| f["id"] == json!(y2026)).unwrap();
    assert_eq!(counted["itemCount"], 1);
    let back = body(app.patch(key, &path, json!({"folderId": null})).await, 200).await;
    assert_eq!(back["folderId"], Value::Null);
    let nowhere = app.patch(key, &path, json!({"folderId": "fld_nope"})).await;
    assert_eq!(nowhere.status(), 404);
}

async fn deleting_a_folder_needs_it_empty_or_moves_its_contents_up(app: TestApp) {
    let alice = app.user("alice").await;
    let key = &alice.key;
    let parent = folder(&app, key, "Parent", None).await;
    let doomed = folder(&app, key, "Doomed", Some(&parent)).await;
    let child = folder(&app, key, "Child", Some(&doomed)).await;
    let photo = item(&app, key, "a.png", 20).await;
    let trashed = item(&app, key, "b.png", 21).await;
    for id in [&photo, &trashed] {
        let path = format!("/api/v1/gallery/{id}");
        assert_eq!(
            app.patch(key, &path, json!({"folderId": doomed}))
                .await
                .status(),
            200
        );
    }
    let trashing = app.delete(key, &format!("/api/v1/gallery/{trashed}")).await;
    assert_eq!(trashing.status(), 200);

    let path = format!("/api/v1/gallery/folders/{doomed}");
    let refused = body(app.delete(key, &path).await, 409).await;
    assert!(
        refused["error"].as_str().unwrap().contains("not empty"),
        "{refused}"
    );
    assert_eq!(app.get(key, &path).await.status(), 200);

    let deleted = app.delete(key, &format!("{path}?moveContents=true")).await;
    assert_eq!(deleted.status(), 200);
    assert_eq!(app.get(key, &path).await.status(), 404);
    let child_now = app
        .get_ok(key, &format!("/api/v1/gallery/folders/{child}"))
        .await;
    assert_eq!(child_now["parentId"], json!(parent));
    let in_parent = app
        .get_ok(key, &format!("/images?folderId={parent}&status=all"))
        .await;
    assert_eq!(
        in_parent["pagination"]["total"], 2,
        "the trashed item moved too"
    );

    // An empty folder goes without the flag.
    let empty = folder(&app, key, "Empty", None).await;
    let gone = app
        .delete(key, &format!("/api/v1/gallery/folders/{empty}"))
        .await;
    assert_eq!(gone.status(), 200);
}

async fn collections_hold_items_all_or_nothing(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let key = &alice.key;
    let created = app
        .post(
            key,
            "/api/v1/gallery/collections",
            json!({"name": "Product Shots", "description": "Generated product images"}),
        )
        .await;
    let collection = body(created, 201).await;
    let id = collection["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("col_"));
    assert_eq!(collection["description"], "Generated product images");
    assert_eq!(collection["itemCount"], 0);

    let a = item(&app, key, "a.png", 20).await;
    let b = item(&app, key, "b.png", 21).await;
    let bobs = item(&app, &bob.key, "x.png", 22).await;
    let items = format!("/api/v1/gallery/collections/{id}/items");

    let refused = body(
        app.post(key, &items, json!({"itemIds": [a, bobs]})).await,
        404,
    )
    .await;
    assert_eq!(refused["detail"][0]["message"], json!(bobs));
    assert!(refused["error"].as_str().unwrap().contains(&bobs));
    assert_eq!(
        app.get_ok(key, &format!("/api/v1/gallery/collections/{id}"))
            .await["itemCount"],
        0
    );

    let added = body(
        app.post(key, &items, json!({"itemIds": [a, b, a]})).await,
        200,
    )
    .await;
    assert_eq!(added["itemCount"], 2);
    let again = body(app.post(key, &items, json!({"itemIds": [a]})).await, 200).await;
    assert_eq!(again["itemCount"], 2, "adding twice is harmless");
    let listed = app
        .get_ok(key, &format!("/api/v1/gallery?collection={id}"))
        .await;
    assert_eq!(listed["total"], 2);
    assert_eq!(
        app.get_ok(key, &format!("/api/v1/gallery/{a}")).await["collectionIds"],
        json!([id])
    );

    let removed = body(
        app.delete_with(key, &items, json!({"itemIds": [b]})).await,
        200,
    )
    .await;
    assert_eq!(removed["itemCount"], 1);

    let path = format!("/api/v1/gallery/collections/{id}");
    let renamed = body(
        app.patch(key, &path, json!({"name": "Final", "description": null}))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (renamed["name"].as_str(), &renamed["description"]),
        (Some("Final"), &Value::Null)
    );
    let all = app.get_ok(key, "/api/v1/gallery/collections").await;
    assert_eq!(all["collections"].as_array().unwrap().len(), 1);

    assert_eq!(app.delete(key, &path).await.status(), 200);
    assert_eq!(app.get(key, &path).await.status(), 404);
    assert_eq!(
        app.get(key, &format!("/api/v1/gallery/{a}")).await.status(),
        200,
        "items stay"
    );
    assert_eq!(
        app.get_ok(key, &format!("/api/v1/gallery/{a}")).await["collectionIds"],
        json!([])
    );
    let empty = app
        .post(key, "/api/v1/gallery/collections", json!({"name": ""}))
        .await;
    assert_eq!(empty.status(), 400);
}

/// `collectionIds` follows when the item was added, not the collections' ids or names;
/// the two collections are joined against the order of their ids.
async fn an_item_lists_its_collections_in_the_order_it_joined_them(app: TestApp) {
    let alice = app.user("alice").await;
    let key = &alice.key;
    let a = item(&app, key, "a.png", 20).await;
    let mut ids = Vec::new();
    for name in ["One", "Two"] {
        let created = app
            .post(key, "/api/v1/gallery/collections", json!({"name": name}))
            .await;
        ids.push(body(created, 201).await["id"].as_str().unwrap().to_owned());
    }
    ids.sort();
    ids.reverse();
    for id in &ids {
        let path = format!("/api/v1/gallery/collections/{id}/items");
        body(app.post(key, &path, json!({"itemIds": [a]})).await, 200).await;
        app.advance_clock(chrono::Duration::seconds(1));
    }
    let shown = app.get_ok(key, &format!("/api/v1/gallery/{a}")).await;
    assert_eq!(shown["collectionIds"], json!(ids));
}

async fn bulk_tag_and_move_change_all_or_nothing(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let key = &alice.key;
    let a = app
        .upload(key, "a.png", fixtures::png(20, 20), &[("tags", "Keep")])
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = item(&app, key, "b.png", 21).await;
    let bobs = item(&app, &bob.key, "x.png", 22).await;

    let refused = app
        .post(
            key,
            "/api/v1/gallery/bulk/tag",
            json!({"itemIds": [a, bobs], "tags": ["approved"]}),
        )
        .await;
    assert_eq!(
        body(refused, 404).await["detail"][0]["message"],
        json!(bobs)
    );
    assert_eq!(
        app.get_ok(key, &format!("/api/v1/gallery/{a}")).await["tags"],
        json!(["Keep"])
    );

    let tagged = app
        .post(
            key,
            "/api/v1/gallery/bulk/tag",
            json!({"itemIds": [a, b], "tags": ["approved", " final ", "KEEP"]}),
        )
        .await;
    assert_eq!(tagged.status(), 200);
    assert_eq!(
        app.get_ok(key, &format!("/api/v1/gallery/{a}")).await["tags"],
        json!(["approved", "final", "Keep"])
    );
    assert_eq!(
        app.get_ok(key, &format!("/api/v1/gallery/{b}")).await["tags"],
        json!(["approved", "final", "Keep"]),
        "KEEP is the user's existing tag Keep"
    );
    let none = app
        .post(
            key,
            "/api/v1/gallery/bulk/tag",
            json!({"itemIds": [a], "tags": [" "]}),
        )
        .await;
    assert_eq!(none.status(), 400);
    let empty = app
        .post(
            key,
            "/api/v1/gallery/bulk/tag",
            json!({"itemIds": [], "tags": ["x"]}),
        )
        .await;
    assert_eq!(empty.status(), 400);

    let target = folder(&app, key, "Target", None).await;
    let refused = app
        .post(
            key,
            "/api/v1/gallery/bulk/move",
            json!({"itemIds": [a, bobs], "folderId": target}),
        )
        .await;
    assert_eq!(refused.status(), 404);
    let a_now = app.get_ok(key, &format!("/api/v1/gallery/{a}")).await;
    assert_eq!(
        a_now["folderId"],
        Value::Null,
        "the refused move left it at the root"
    );
    let moved = app
        .post(
            key,
            "/api/v1/gallery/bulk/move",
            json!({"itemIds": [a, b], "folderId": target}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let inside = app.get_ok(key, &format!("/images?folderId={target}")).await;
    assert_eq!(inside["pagination"]["total"], 2);
    assert_eq!(app.get_ok(key, "/images").await["pagination"]["total"], 0);
}

async fn another_users_folders_collections_and_tags_are_invisible(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let bobs_folder = folder(&app, &bob.key, "Private", None).await;
    let bobs_collection = body(
        app.post(
            &bob.key,
            "/api/v1/gallery/collections",
            json!({"name": "Mine"}),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bobs_item = app
        .upload(
            &bob.key,
            "b.png",
            fixtures::png(30, 30),
            &[("tags", "secret")],
        )
        .await;
    assert_eq!(bobs_item.status(), 201);
    let bobs_item: Value = bobs_item.json().await.unwrap();
    let bobs_item = bobs_item["id"].as_str().unwrap();
    let filed = app
        .patch(
            &bob.key,
            &format!("/api/v1/gallery/{bobs_item}"),
            json!({"folderId": bobs_folder}),
        )
        .await;
    assert_eq!(filed.status(), 200);
    let collected = app
        .post(
            &bob.key,
            &format!("/api/v1/gallery/collections/{bobs_collection}/items"),
            json!({"itemIds": [bobs_item]}),
        )
        .await;
    assert_eq!(collected.status(), 200);
    let mine = item(&app, &alice.key, "a.png", 20).await;

    let key = &alice.key;
    assert_eq!(
        app.get_ok(key, "/api/v1/gallery/folders").await["folders"],
        json!([])
    );
    assert_eq!(
        app.get_ok(key, "/api/v1/gallery/collections").await["collections"],
        json!([])
    );
    for path in [
        format!("/api/v1/gallery/folders/{bobs_folder}"),
        format!("/api/v1/gallery/collections/{bobs_collection}"),
    ] {
        assert_eq!(app.get(key, &path).await.status(), 404, "{path}");
        assert_eq!(app.delete(key, &path).await.status(), 404, "{path}");
    }
    let into_bobs = app
        .patch(
            key,
            &format!("/api/v1/gallery/{mine}"),
            json!({"folderId": bobs_folder}),
        )
        .await;
    assert_eq!(into_bobs.status(), 404);
    let add = app
        .post(
            key,
            &format!("/api/v1/gallery/collections/{bobs_collection}/items"),
            json!({"itemIds": [mine]}),
        )
        .await;
    assert_eq!(add.status(), 404);
    let under_bobs = app
        .post(
            key,
            "/api/v1/gallery/folders",
            json!({"name": "x", "parentId": bobs_folder}),
        )
        .await;
    assert_eq!(under_bobs.status(), 404);
    for query in [
        "tags=secret",
        "q=secret",
        &format!("folderId={bobs_folder}"),
        &format!("collection={bobs_collection}"),
    ] {
        let found = app.get_ok(key, &format!("/images?{query}")).await;
        assert_eq!(found["pagination"]["total"], 0, "{query}");
        // The same query finds Bob's item for Bob: the zero above is not a broken query.
        let everywhere = if query.starts_with("folderId") {
            ""
        } else {
            "&folderId=all"
        };
        let his = app
            .get_ok(&bob.key, &format!("/images?{query}{everywhere}"))
            .await;
        assert_eq!(his["pagination"]["total"], 1, "{query} for Bob");
    }
}

/// Rules on the shape of a request are checked together: one 400 lists every field that
/// breaks one, as the client named it, and nothing is created.
async fn a_refused_request_names_every_bad_field_at_once(app: TestApp) {
    let alice = app.user("alice").await;
    let key = &alice.key;
    let created = app
        .post(
            key,
            "/api/v1/gallery/collections",
            json!({"name": "", "description": "x".repeat(2001)}),
        )
        .await;
    let refused = body(created, 400).await;
    assert_eq!(refused["error"], "Invalid description, name", "{refused}");
    let fields: Vec<(&str, &str)> = refused["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["field"].as_str().unwrap(),
                d["position"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(fields, [("description", "body"), ("name", "body")]);
    let listed = app.get_ok(key, "/api/v1/gallery/collections").await;
    assert_eq!(listed["collections"], json!([]));

    // Nested names are the client's too: itemIds, not item_ids.
    let tagged = app
        .post(
            key,
            "/api/v1/gallery/bulk/tag",
            json!({"itemIds": [], "tags": []}),
        )
        .await;
    let refused = body(tagged, 400).await;
    let fields: Vec<&str> = refused["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["itemIds", "tags"], "{refused}");

    // A password is hashed, so its length is bounded before any hashing.
    let token = app
        .send(
            app.client()
                .post(app.url("/api/v1/auth/token"))
                .json(&json!({"name": "alice", "password": "p".repeat(100_000)})),
        )
        .await;
    let refused = body(token, 400).await;
    assert_eq!(refused["detail"][0]["field"], "password", "{refused}");

    // A positive control: the same requests within the rules pass.
    let made = app
        .post(
            key,
            "/api/v1/gallery/collections",
            json!({"name": "Best", "description": "x".repeat(2000)}),
        )
        .await;
    assert_eq!(made.status(), 201);
}
