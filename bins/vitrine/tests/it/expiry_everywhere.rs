//! An item past its expiry (spec 5) is gone from every surface before the sweeper
//! deletes it: listings of spec 1 and 2 (whatever way they are answered), collections,
//! share links, ordered galleries (spec 3), the project board (spec 4) and near-duplicates.

use serde_json::{json, Value};
use vitrine_test_support::{database_tests, fixtures, TestApp, TestBackend};

use crate::shares::share_path;
use crate::upload_v1_fields::upload_file;

database_tests!(an_expired_item_leaves_every_surface_before_the_sweep);

/// A PNG with `title` and `tags` through `/api/1/upload`, expiring after `expiration`.
async fn upload(app: &TestApp, key: &str, title: &str, expiration: &str) {
    let fields = [
        ("title", title.to_owned()),
        ("tags", "sea,harbour".to_owned()),
        ("expiration", expiration.to_owned()),
    ];
    let sent = upload_file(app, key, ("c.png", fixtures::png(24, 16)), &fields).await;
    assert_eq!(sent.status(), 200);
}

async fn created(response: reqwest::Response) -> Value {
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.unwrap()
}

/// The IDs a spec 1 listing shows, and its total.
async fn listed(app: &TestApp, key: &str, query: &str) -> (Vec<String>, i64) {
    let page = app.get_ok(key, &format!("/api/v1/gallery?{query}")).await;
    let ids = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    (ids, page["total"].as_i64().unwrap())
}

async fn an_expired_item_leaves_every_surface_before_the_sweep(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    upload(&app, &alice.key, "harbour at dawn", "PT5M").await;
    upload(&app, &alice.key, "harbour at dusk", "P1D").await;
    let (ids, _) = listed(&app, &alice.key, "").await;
    let (keep, gone) = (ids[0].clone(), ids[1].clone());

    let collection = created(
        app.post(
            &alice.key,
            "/api/v1/gallery/collections",
            json!({"name": "Coast"}),
        )
        .await,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let members = format!("/api/v1/gallery/collections/{collection}/items");
    created(
        app.post(&alice.key, &members, json!({"itemIds": [gone, keep]}))
            .await,
    )
    .await;
    let collection_link = created(
        app.post(
            &alice.key,
            &format!("/api/v1/gallery/collections/{collection}/share"),
            json!({}),
        )
        .await,
    )
    .await;
    let item_link = created(
        app.post(
            &alice.key,
            &format!("/api/v1/gallery/{gone}/share"),
            json!({}),
        )
        .await,
    )
    .await;
    let gallery = created(
        app.post(
            &alice.key,
            "/api/v1/galleries",
            json!({"slug": "coast", "status": "published", "cover_image_id": gone}),
        )
        .await,
    )
    .await;
    let gallery = format!("/api/v1/galleries/{}", gallery["id"].as_str().unwrap());
    for id in [&gone, &keep] {
        created(
            app.post(
                &alice.key,
                &format!("{gallery}/media"),
                json!({"media_id": id}),
            )
            .await,
        )
        .await;
    }
    let project = created(
        app.post(&alice.key, "/api/v1/projects", json!({"name": "Coast"}))
            .await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    for id in [&gone, &keep] {
        let placed = app
            .patch(
                &alice.key,
                &format!("/api/v1/gallery/{id}"),
                json!({"project_id": project}),
            )
            .await;
        assert_eq!(placed.status(), 200);
    }
    // Before its expiry it is everywhere.
    assert_eq!(listed(&app, &alice.key, "").await.1, 2);

    app.advance_clock(chrono::Duration::minutes(6));
    let only_keep = (vec![keep.clone()], 1);
    for query in [
        "",
        "type=image",
        "tags=sea",
        "tags=sea,harbour",
        "search=harbour",
        &format!("collection={collection}"),
        "page=1&limit=1",
    ] {
        assert_eq!(
            listed(&app, &alice.key, query).await,
            only_keep,
            "spec 1 listing ?{query}"
        );
    }
    let spec2 = app.get_ok(&alice.key, "/images?q=c.png").await;
    assert_eq!(spec2["pagination"]["total"], 1, "{spec2}");
    assert_eq!(spec2["images"][0]["_id"], keep.as_str());
    let spec2 = app.get_ok(&alice.key, "/images").await;
    assert_eq!(spec2["pagination"]["total"], 1, "{spec2}");

    let view = app.get_ok(&alice.key, &gallery).await;
    let media: Vec<&str> = view["gallery_media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["media_id"].as_str().unwrap())
        .collect();
    assert_eq!(media, [keep.as_str()], "spec 3 gallery");
    let page = app.client().get(app.url("/g/coast")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(keep.as_str()) && !page.contains(gone.as_str()));
    let media = app
        .client()
        .get(app.url(&format!("/g/coast/media/{gone}/thumb")))
        .send()
        .await
        .unwrap();
    assert_eq!(media.status(), 404, "spec 3 media of an expired item");
    let again = app
        .post(
            &alice.key,
            &format!("{gallery}/media"),
            json!({"media_id": gone}),
        )
        .await;
    assert_eq!(again.status(), 404, "an expired item cannot join a gallery");

    let board = app.get_ok(&alice.key, "/gallery/by-project").await;
    let shown = &board["projects"][0];
    assert_eq!(shown["total_images"], 1, "{board}");
    // An image names its item only in its URLs.
    let shows = |image: &Value, id: &str| image.to_string().contains(id);
    let images = shown["images"].as_array().unwrap();
    assert_eq!(images.len(), 1, "spec 4 board: {board}");
    assert!(shows(&images[0], &keep));
    let one = app
        .get_ok(&alice.key, "/gallery/by-project?max_images_per_project=1")
        .await;
    assert!(shows(&one["projects"][0]["images"][0], &keep), "{one}");

    let collection_page = app
        .client()
        .get(app.url(&share_path(&app, &collection_link)))
        .send()
        .await
        .unwrap();
    assert_eq!(collection_page.status(), 200);
    let collection_page = collection_page.text().await.unwrap();
    assert!(!collection_page.contains(gone.as_str()));
    assert!(collection_page.contains(keep.as_str()));
    let item_page = app
        .client()
        .get(app.url(&share_path(&app, &item_link)))
        .send()
        .await
        .unwrap();
    assert_eq!(item_page.status(), 410, "the shared item expired");
    let zip = app
        .get(
            &alice.key,
            &format!("/api/v1/gallery/collections/{collection}/download"),
        )
        .await;
    assert_eq!(zip.status(), 200);
    let zip = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes().await.unwrap())).unwrap();
    assert_eq!(
        zip.len(),
        1,
        "the collection's ZIP leaves the expired item out"
    );
    let similar = app
        .get(&alice.key, &format!("/api/v1/gallery/{gone}/similar"))
        .await;
    assert_eq!(similar.status(), 404);
    let zip = app
        .post(
            &alice.key,
            "/api/v1/gallery/bulk/download",
            json!({"itemIds": [gone]}),
        )
        .await;
    assert_eq!(zip.status(), 404, "an expired item is not packed");

    // Swept, every surface answers as before and its counters agree again.
    app.library().purge_expired().await.unwrap();
    assert_eq!(listed(&app, &alice.key, "").await, only_keep);
    let board = app.get_ok(&alice.key, "/gallery/by-project").await;
    assert_eq!(board["projects"][0]["total_images"], 1);
}
