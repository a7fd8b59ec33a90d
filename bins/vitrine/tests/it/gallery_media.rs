//! Spec 3: a gallery's media — add, change, remove, reorder — and adds racing each other.

use futures::future::join_all;
use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, database_tests, fixtures, TestApp, TestBackend};

backend_tests!(media_are_added_changed_removed_and_reordered);
database_tests!(
    twenty_adds_at_once_get_distinct_gap_free_orders,
    reorders_at_once_leave_one_whole_order,
    one_slug_claimed_at_once_goes_to_one_gallery,
);

const GALLERIES: &str = "/api/v1/galleries";

/// A new gallery of the user with `key`, and its path.
async fn gallery(app: &TestApp, key: &str, slug: &str) -> String {
    let created = app.post(key, GALLERIES, json!({ "slug": slug })).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    format!("{GALLERIES}/{}", created["id"].as_str().unwrap())
}

/// The media IDs of a GalleryResponse, in order, with their orders.
fn placed(gallery: &Value) -> Vec<(String, i64)> {
    gallery["gallery_media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["media_id"].as_str().unwrap().to_owned(),
                m["order"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn answer(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    response.json().await.unwrap()
}

async fn media_are_added_changed_removed_and_reordered(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let path = gallery(&app, &alice.key, "walks").await;
    let media = format!("{path}/media");
    let mut ids = Vec::new();
    for n in 0..3 {
        let item = app
            .upload_ok(&alice.key, &format!("{n}.png"), fixtures::png(20 + n, 10))
            .await;
        ids.push(item["id"].as_str().unwrap().to_owned());
    }
    let [a, b, c] = [ids[0].clone(), ids[1].clone(), ids[2].clone()];

    let first = answer(
        app.post(
            &alice.key,
            &media,
            json!({"media_id": a, "caption": "First"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(placed(&first), [(a.clone(), 0)]);
    let entry = &first["gallery_media"][0];
    assert_eq!(entry["caption"], "First");
    assert_eq!(entry["gallery_id"], first["id"]);
    assert_eq!(entry["media"]["id"], a.as_str());
    assert_eq!(entry["media"]["original_filename"], "0.png");
    assert!(entry["media"]["thumbnail_url"].is_string());
    answer(
        app.post(&alice.key, &media, json!({"media_id": b, "order": 0}))
            .await,
        201,
    )
    .await;
    let three = answer(
        app.post(&alice.key, &media, json!({"media_id": c, "order": 7}))
            .await,
        201,
    )
    .await;
    assert_eq!(
        placed(&three),
        [(a.clone(), 0), (b.clone(), 1), (c.clone(), 7)],
        "0 appends, 7 is kept"
    );

    let twice = answer(
        app.post(&alice.key, &media, json!({"media_id": a})).await,
        400,
    )
    .await;
    assert_eq!(twice["error"], "Media is already in this gallery");
    let bobs = app.upload_ok(&bob.key, "b.png", fixtures::png(9, 9)).await;
    for foreign in [bobs["id"].as_str().unwrap(), "gal_unknown", "not an id"] {
        let refused = answer(
            app.post(&alice.key, &media, json!({"media_id": foreign}))
                .await,
            404,
        )
        .await;
        assert_eq!(refused["error"], "Media not found");
    }
    let long = answer(
        app.post(
            &alice.key,
            &media,
            json!({"media_id": bobs["id"], "caption": "é".repeat(501)}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(long["detail"][0]["field"], "caption");

    let changed = answer(
        app.patch(
            &alice.key,
            &format!("{media}/{a}"),
            json!({"order": 9, "caption": null}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        placed(&changed),
        [(b.clone(), 1), (c.clone(), 7), (a.clone(), 9)]
    );
    assert_eq!(changed["gallery_media"][2]["caption"], Value::Null);
    let absent = answer(
        app.patch(
            &alice.key,
            &format!("{media}/gal_unknown"),
            json!({"order": 1}),
        )
        .await,
        404,
    )
    .await;
    assert_eq!(absent["error"], "Media not found in this gallery");

    let partial = answer(
        app.post(
            &alice.key,
            &format!("{media}/reorder"),
            json!({"media_ids": [c, a]}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(
        partial["error"],
        "Not all media items included in reorder request"
    );
    let doubled = app
        .post(
            &alice.key,
            &format!("{media}/reorder"),
            json!({"media_ids": [c, a, a]}),
        )
        .await;
    assert_eq!(doubled.status(), 400);
    let stranger = app
        .post(
            &alice.key,
            &format!("{media}/reorder"),
            json!({"media_ids": [c, a, b, "gal_x"]}),
        )
        .await;
    assert_eq!(stranger.status(), 404);
    let reordered = answer(
        app.post(
            &alice.key,
            &format!("{media}/reorder"),
            json!({"media_ids": [c, a, b]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        placed(&reordered),
        [(c.clone(), 0), (a.clone(), 1), (b.clone(), 2)]
    );

    // Trashed: out of the gallery until restored.
    assert_eq!(
        app.delete(&alice.key, &format!("/api/v1/gallery/{a}"))
            .await
            .status(),
        200
    );
    let without = app.get_ok(&alice.key, &path).await;
    assert_eq!(placed(&without), [(c.clone(), 0), (b.clone(), 2)]);
    let restored = app
        .post(
            &alice.key,
            &format!("/api/v1/gallery/{a}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(restored.status(), 200);
    assert_eq!(placed(&app.get_ok(&alice.key, &path).await).len(), 3);

    let removed = answer(app.delete(&alice.key, &format!("{media}/{c}")).await, 200).await;
    assert_eq!(placed(&removed), [(a.clone(), 1), (b.clone(), 2)]);
    let again = answer(app.delete(&alice.key, &format!("{media}/{c}")).await, 404).await;
    assert_eq!(again["error"], "Media not found in this gallery");
    assert_eq!(
        app.get(&alice.key, &format!("/api/v1/gallery/{c}"))
            .await
            .status(),
        200,
        "still in the library"
    );

    // Alt text: set on the item (spec 1), shown in the gallery (spec 3).
    let item = format!("/api/v1/gallery/{a}");
    let described = app
        .patch(&alice.key, &item, json!({"altText": "A dog on a beach"}))
        .await;
    assert_eq!(answer(described, 200).await["altText"], "A dog on a beach");
    let shown = app.get_ok(&alice.key, &path).await;
    assert_eq!(
        shown["gallery_media"][0]["media"]["alt_text"],
        "A dog on a beach"
    );
    let too_long = app
        .patch(&alice.key, &item, json!({"altText": "x".repeat(1001)}))
        .await;
    assert_eq!(answer(too_long, 400).await["detail"][0]["field"], "altText");
    let cleared = app.patch(&alice.key, &item, json!({"altText": null})).await;
    assert_eq!(answer(cleared, 200).await["altText"], Value::Null);

    let reader = app.key("alice", Some("galleries:read")).await;
    assert_eq!(
        app.post(&reader, &media, json!({"media_id": c}))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.post(&bob.key, &media, json!({"media_id": bobs["id"]}))
            .await
            .status(),
        404
    );
}

/// Adds read the last order and write the next: at once they must still queue.
async fn twenty_adds_at_once_get_distinct_gap_free_orders(backend: TestBackend) {
    const ADDS: usize = 20;
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let path = gallery(&app, &alice.key, "crowd").await;
    let mut ids = Vec::new();
    for n in 0..ADDS {
        let item = app
            .upload_ok(
                &alice.key,
                &format!("{n}.png"),
                fixtures::png(8 + n as u32, 8),
            )
            .await;
        ids.push(item["id"].as_str().unwrap().to_owned());
    }
    let media = format!("{path}/media");
    let adds = join_all(
        ids.iter()
            .map(|id| app.post(&alice.key, &media, json!({"media_id": id}))),
    )
    .await;
    assert!(adds.iter().all(|added| added.status() == 201));
    let mut orders: Vec<i64> = placed(&app.get_ok(&alice.key, &path).await)
        .into_iter()
        .map(|(_, order)| order)
        .collect();
    orders.sort_unstable();
    assert_eq!(orders, (0..ADDS as i64).collect::<Vec<_>>());
}

/// Reorders read the gallery's media and write every order: at once, one of them wins
/// whole, never a mix with repeated orders.
async fn reorders_at_once_leave_one_whole_order(backend: TestBackend) {
    const ITEMS: usize = 8;
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let path = gallery(&app, &alice.key, "shuffled").await;
    let mut ids = Vec::new();
    for n in 0..ITEMS {
        let item = app
            .upload_ok(
                &alice.key,
                &format!("{n}.png"),
                fixtures::png(8 + n as u32, 9),
            )
            .await;
        let id = item["id"].as_str().unwrap().to_owned();
        let added = app
            .post(
                &alice.key,
                &format!("{path}/media"),
                json!({"media_id": id}),
            )
            .await;
        assert_eq!(added.status(), 201);
        ids.push(id);
    }
    let orders: Vec<Vec<String>> = (0..ITEMS)
        .map(|shift| {
            let mut order = ids.clone();
            order.rotate_left(shift);
            order
        })
        .collect();
    let reorder = format!("{path}/media/reorder");
    let answers = join_all(
        orders
            .iter()
            .map(|order| app.post(&alice.key, &reorder, json!({ "media_ids": order }))),
    )
    .await;
    assert!(answers.iter().all(|answer| answer.status() == 200));
    let placed = placed(&app.get_ok(&alice.key, &path).await);
    let numbers: Vec<i64> = placed.iter().map(|(_, order)| *order).collect();
    assert_eq!(numbers, (0..ITEMS as i64).collect::<Vec<_>>());
    let now: Vec<String> = placed.into_iter().map(|(id, _)| id).collect();
    assert!(orders.contains(&now), "one reorder, whole: {now:?}");
}

/// Ten galleries asking for one slug at once: one gets it, nine hear 409.
async fn one_slug_claimed_at_once_goes_to_one_gallery(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let keys = [&alice.key, &bob.key];
    let answers =
        join_all((0..10).map(|n| app.post(keys[n % 2], GALLERIES, json!({"slug": "the-one"}))))
            .await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        9,
        "{statuses:?}"
    );
}
