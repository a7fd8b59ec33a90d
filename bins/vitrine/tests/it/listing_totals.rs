//! Listing totals that come from counters and indexes kept by triggers, not from counting
//! rows: every write path must keep them exact, on every backend.

use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    totals_follow_every_change,
    searches_of_several_words,
    size_totals_follow_every_change,
    items_with_many_tags_match_like_the_rest,
    tag_changes_at_once_keep_every_tag_set_whole,
);

/// Totals come from counters kept by triggers; every write path must keep them exact.
async fn totals_follow_every_change(app: TestApp) {
    let alice = app.user("alice").await;
    let key = &alice.key;
    let total = |path: &'static str| {
        let app = &app;
        async move {
            app.get_ok(key, path).await["pagination"]["total"]
                .as_i64()
                .unwrap()
        }
    };
    let mut ids = Vec::new();
    for side in [20, 21, 22] {
        let response = app
            .upload(key, "x.png", fixtures::png(side, side), &[("tags", "red")])
            .await;
        ids.push(
            response.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(total("/images?tags=red").await, 3);
    // A collection's members carry their item's status and kind; the text index is kept
    // per owner and status: both must follow trash, restore and purge.
    let collection = app
        .create(key, "/api/v1/gallery/collections", json!({"name": "All"}))
        .await;
    let members = format!("/api/v1/gallery/collections/{collection}/items");
    app.post(key, &members, json!({"itemIds": ids})).await;
    let in_collection = |filters: &str| {
        let path = format!("/api/v1/gallery?collection={collection}&{filters}");
        let app = &app;
        async move { app.get_ok(key, &path).await["total"].as_i64().unwrap() }
    };
    assert_eq!(in_collection("type=image").await, 3);
    assert_eq!(in_collection("type=video").await, 0);
    let edit = |id: &str, body: Value| {
        let path = format!("/api/v1/gallery/{id}");
        let app = &app;
        async move { assert_eq!(app.patch(key, &path, body).await.status(), 200) }
    };
    edit(&ids[1], json!({"prompt": "Harbor lights"})).await;
    assert_eq!(total("/images?q=harbor").await, 1);
    edit(&ids[0], json!({"tags": ["blue"]})).await;
    assert_eq!(total("/images?tags=red").await, 2);
    assert_eq!(total("/images?tags=blue").await, 1);
    app.post(
        key,
        "/api/v1/gallery/bulk/tag",
        json!({"itemIds": ids, "tags": ["blue"]}),
    )
    .await;
    assert_eq!(total("/images?tags=blue").await, 3);
    assert_eq!(total("/images?tags=red,blue").await, 2);
    assert_eq!(total("/images?tags=red,blue&folderId=all").await, 2);
    assert_eq!(total("/images?tags=blue&excludeTags=red").await, 1);
    app.delete(key, &format!("/api/v1/gallery/{}", ids[1]))
        .await;
    assert_eq!(total("/images?tags=blue").await, 2);
    assert_eq!(total("/images?tags=blue&status=trash").await, 1);
    assert_eq!(total("/images?tags=blue&status=all").await, 3);
    assert_eq!(total("/images?tags=red,blue").await, 1);
    assert_eq!(total("/images?tags=red,blue&status=trash").await, 1);
    assert_eq!(total("/images?tags=red,blue&folderId=all").await, 1);
    assert_eq!(
        total("/images?tags=red,blue&folderId=all&status=trash").await,
        1
    );
    assert_eq!(
        total("/images?tags=red,blue&folderId=all&status=all").await,
        2
    );
    assert_eq!(total("/images").await, 2);
    assert_eq!(in_collection("type=image").await, 2);
    assert_eq!(in_collection("type=image&status=trash").await, 1);
    assert_eq!(total("/images?q=harbor").await, 0);
    assert_eq!(total("/images?q=harbor&status=trash").await, 1);
    app.post(
        key,
        &format!("/api/v1/gallery/{}/restore", ids[1]),
        json!({}),
    )
    .await;
    assert_eq!(total("/images?tags=blue").await, 3);
    assert_eq!(in_collection("type=image").await, 3);
    assert_eq!(total("/images?q=harbor").await, 1);
    assert_eq!(total("/images?q=harbor&page=3&limit=1").await, 1);
    assert_eq!(total("/images?q=harbor&status=trash").await, 0);
    edit(&ids[1], json!({"prompt": "Quiet harbour"})).await;
    assert_eq!(total("/images?q=harbor").await, 0);
    assert_eq!(total("/images?q=lights").await, 0);
    assert_eq!(total("/images?q=quiet%20harb").await, 1);
    app.post(
        key,
        "/api/v1/gallery/bulk/delete",
        json!({"itemIds": [ids[2]]}),
    )
    .await;
    app.post(key, "/api/v1/gallery/trash/empty", json!({}))
        .await;
    assert_eq!(total("/images?tags=blue&status=all").await, 2);
    assert_eq!(total("/images?tags=red&status=all").await, 1);
    assert_eq!(
        total("/images?tags=red,blue&folderId=all&status=all").await,
        1
    );
    assert_eq!(total("/images?status=all").await, 2);
    assert_eq!(total("/images?favorite=false").await, 2);
    assert_eq!(in_collection("status=all").await, 2);
}

/// Several words: PostgreSQL reads the rarest word's entries and checks the others on each
/// entry (or, for an item with much text, on its row); every path must agree.
async fn searches_of_several_words(app: TestApp) {
    let alice = app.user("alice").await;
    let key = &alice.key;
    // Distinct filler words that put the item's words past what an index entry carries.
    let filler: Vec<String> = (0..60).map(|i| format!("filler{i}")).collect();
    let long: &'static str = Box::leak(format!("{} lighthouse", filler.join(" ")).into());
    let files: [(&str, &str); 5] = [
        (
            "Taken at the lighthouse",
            "lighthouses and a lighthouse keeper",
        ),
        ("Taken near the harbor", ""),
        ("Lighthouse at dusk", ""),
        ("Taken once", long),
        ("Taken twice", ""),
    ];
    let mut ids = Vec::new();
    for (i, (prompt, description)) in files.into_iter().enumerate() {
        let fields = [("prompt", prompt), ("description", description)];
        let response = app
            .upload(key, "x.png", fixtures::png(20 + i as u32, 20), &fields)
            .await;
        assert_eq!(response.status(), 201);
        ids.push(
            response.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // Fresh statistics: "taken" is then known as the common word and the other drives.
    app.execute_sql("ANALYZE items".into()).await;
    let found = |query: &'static str| {
        let app = &app;
        async move {
            let body = app.get_ok(key, &format!("/api/v1/gallery?{query}")).await;
            let prompts: Vec<String> = body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["prompt"].as_str().unwrap().to_owned())
                .collect();
            (body["total"].as_i64().unwrap(), prompts)
        }
    };
    let both = (
        2,
        vec![
            "Taken once".to_owned(),
            "Taken at the lighthouse".to_owned(),
        ],
    );
    assert_eq!(found("search=taken%20ligh").await, both);
    assert_eq!(found("search=taken%20lighthouse").await, both);
    assert_eq!(found("search=lighthouse%20taken").await, both);
    assert_eq!(found("search=taken%20ligh&status=all").await, both);
    assert_eq!(found("search=ligh&status=all").await.0, 3);
    assert_eq!(
        found("search=keeper%20tak").await.1,
        ["Taken at the lighthouse"]
    );
    assert_eq!(found("search=filler7%20lighthouse").await.1, ["Taken once"]);
    assert_eq!(found("search=taken%20lighthouse%20dusk").await.0, 0);
    assert_eq!(
        found("search=taken%20ligh&page=3&limit=1").await,
        (2, vec![])
    );
    // Spec 2's `q` looks in names only: the long item has the word in its description.
    let in_names = app.get_ok(key, "/images?q=taken%20ligh").await;
    assert_eq!(in_names["pagination"]["total"], 1);
    assert_eq!(in_names["images"][0]["_id"], json!(ids[0]));
    app.delete(key, &format!("/api/v1/gallery/{}", ids[0]))
        .await;
    assert_eq!(found("search=taken%20ligh").await.1, ["Taken once"]);
    assert_eq!(
        found("search=taken%20ligh&status=trash").await.1,
        ["Taken at the lighthouse"]
    );
    assert_eq!(found("search=taken%20ligh&status=all").await, both);
}

/// Size bounds with status and type are totalled from size classes plus the items inside
/// a bound's class: each total must equal the items the page lists.
async fn size_totals_follow_every_change(app: TestApp) {
    let alice = app.user("alice").await;
    let key = &alice.key;
    // Sizes on both sides of class starts (100, 1,200,000, 1,300,000).
    let sizes: [i64; 5] = [99, 100, 1_234_567, 1_299_999, 150_000_000];
    let mut ids = Vec::new();
    for (i, size) in sizes.into_iter().enumerate() {
        let item = if i == 4 {
            app.upload_ok(key, "clip.mp4", fixtures::mp4_container(3000))
                .await
        } else {
            app.upload_ok(key, "x.png", fixtures::png(20 + i as u32, 20))
                .await
        };
        let id = item["id"].as_str().unwrap().to_owned();
        app.execute_sql(format!("UPDATE items SET size = {size} WHERE id = '{id}'"))
            .await;
        ids.push(id);
    }
    let total = |filters: &'static str| {
        let app = &app;
        async move {
            let body = app
                .get_ok(key, &format!("/images?folderId=all&{filters}"))
                .await;
            let total = body["pagination"]["total"].as_i64().unwrap();
            let listed = body["images"].as_array().unwrap().len() as i64;
            assert_eq!(total, listed, "{filters}: total against the page");
            total
        }
    };
    assert_eq!(total("minSize=0").await, 5);
    assert_eq!(total("minSize=100").await, 4);
    assert_eq!(total("minSize=101").await, 3);
    assert_eq!(total("minSize=1234567&maxSize=1299999").await, 2);
    assert_eq!(total("minSize=1234568").await, 2);
    assert_eq!(total("maxSize=99").await, 1);
    assert_eq!(total("maxSize=1299998").await, 3);
    assert_eq!(total("minSize=200000000").await, 0);
    assert_eq!(total("mimePrefix=video/&minSize=100000000").await, 1);
    assert_eq!(total("mimePrefix=image/&minSize=100000000").await, 0);
    app.delete(key, &format!("/api/v1/gallery/{}", ids[2]))
        .await;
    assert_eq!(total("minSize=1000000").await, 2);
    assert_eq!(total("minSize=1000000&status=trash").await, 1);
    assert_eq!(total("minSize=1000000&status=all").await, 3);
    app.post(
        key,
        &format!("/api/v1/gallery/{}/restore", ids[2]),
        json!({}),
    )
    .await;
    app.delete(key, &format!("/api/v1/gallery/{}", ids[3]))
        .await;
    app.post(key, "/api/v1/gallery/trash/empty", json!({}))
        .await;
    assert_eq!(total("minSize=1000000&status=all").await, 2);
    assert_eq!(total("minSize=1234567&maxSize=1299999&status=all").await, 1);
}

/// Tags that narrow a listing are checked on each link's copy of its item's tag IDs; an
/// item with more tags than that copy holds is checked through its links instead.
async fn items_with_many_tags_match_like_the_rest(app: TestApp) {
    let alice = app.user("alice").await;
    let key = &alice.key;
    let crowded = app.upload_ok(key, "a.png", fixtures::png(20, 20)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let labels: Vec<String> = (0..40).map(|i| format!("label{i:02}")).collect();
    let path = format!("/api/v1/gallery/{crowded}");
    assert_eq!(
        app.patch(key, &path, json!({ "tags": labels }))
            .await
            .status(),
        200
    );
    let plain = app
        .upload(
            key,
            "b.png",
            fixtures::png(21, 20),
            &[("tags", "label00, label01")],
        )
        .await;
    assert_eq!(plain.status(), 201);
    let total = |filters: &'static str| {
        let app = &app;
        async move {
            let body = app.get_ok(key, &format!("/images?{filters}")).await;
            body["pagination"]["total"].as_i64().unwrap()
        }
    };
    assert_eq!(total("tags=label00,label01").await, 2);
    assert_eq!(total("tags=label00,label39").await, 1);
    assert_eq!(total("tags=label00&excludeTags=label39").await, 1);
    assert_eq!(total("tags=label01,label00&excludeTags=label02").await, 1);
    assert_eq!(total("tags=label05&excludeTags=label00").await, 0);
    // Down to two tags: the item's links carry its tag set again.
    let fewer = json!({"tags": ["label00", "label39"]});
    assert_eq!(app.patch(key, &path, fewer).await.status(), 200);
    assert_eq!(total("tags=label00,label39").await, 1);
    assert_eq!(total("tags=label00,label01").await, 1);
    assert_eq!(total("tags=label00&excludeTags=label01").await, 1);
    assert_eq!(total("tags=label00,label05").await, 0);
}

/// Each link's tag set is rewritten whenever its item's tags change. Requests that tag the
/// same items at once, in opposite orders, must all succeed and leave every set whole.
async fn tag_changes_at_once_keep_every_tag_set_whole(app: TestApp) {
    let alice = app.user("alice").await;
    let key = &alice.key;
    let mut ids = Vec::new();
    for i in 0..3 {
        let item = app.upload_ok(key, "x.png", fixtures::png(20 + i, 20)).await;
        ids.push(item["id"].as_str().unwrap().to_owned());
    }
    let requests = (0..8).map(|i| {
        let mut order = ids.clone();
        if i % 2 == 1 {
            order.reverse();
        }
        let body = json!({"itemIds": order, "tags": [format!("c{i}")]});
        let app = &app;
        async move {
            app.post(key, "/api/v1/gallery/bulk/tag", body)
                .await
                .status()
        }
    });
    for status in futures::future::join_all(requests).await {
        assert_eq!(status, 200);
    }
    let total = |path: String| {
        let app = &app;
        async move {
            app.get_ok(key, &path).await["pagination"]["total"]
                .as_i64()
                .unwrap()
        }
    };
    let every: Vec<String> = (0..8).map(|i| format!("c{i}")).collect();
    assert_eq!(total(format!("/images?tags={}", every.join(","))).await, 3);
    for i in 0..8 {
        let path = format!("/images?tags=c{i}&excludeTags=c{}", (i + 1) % 8);
        assert_eq!(total(path.clone()).await, 0, "{path}");
    }
}
