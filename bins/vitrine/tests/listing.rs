//! Every listing filter of spec 2 (`/images`) and spec 1 (`/api/v1/gallery`), alone and
//! combined, with pagination edges, on every backend.

// In tests a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    images_filters_alone_and_combined,
    gallery_filters_and_text_search,
    pages_count_and_end_cleanly,
    bad_parameters_and_missing_credentials_answer_in_spec_shape,
    totals_follow_every_change,
    searches_of_several_words,
);

/// A file name, its bytes and the upload's form fields.
type Upload = (
    &'static str,
    Vec<u8>,
    &'static [(&'static str, &'static str)],
);

/// Alice's library: five items across the root, a folder and the trash; Bob has one.
struct Library {
    key: String,
    folder: String,
    sizes: Vec<(&'static str, i64)>,
}

async fn seed(app: &TestApp) -> Library {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let folder = app
        .create(
            &alice.key,
            "/api/v1/gallery/folders",
            json!({"name": "Pets"}),
        )
        .await;
    let files: [Upload; 5] = [
        ("sunset.png", fixtures::png(100, 80), &[("tags", "beach")]),
        ("cat.png", fixtures::png(40, 30), &[("tags", "Pets, cute")]),
        (
            "dog.jpg",
            fixtures::jpeg(64, 48),
            &[
                ("tags", "pets"),
                ("prompt", "A good dog"),
                ("description", "sleeping on the sofa"),
            ],
        ),
        ("IMG_0042.gif", fixtures::gif(10, 10), &[]),
        (
            "clip.mp4",
            fixtures::mp4_container(3000),
            &[("tags", "video")],
        ),
    ];
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    for (name, bytes, fields) in files {
        let response = app.upload(&alice.key, name, bytes, fields).await;
        assert_eq!(response.status(), 201);
        let item: Value = response.json().await.unwrap();
        sizes.push((name, item["size"].as_i64().unwrap()));
        ids.push(item["id"].as_str().unwrap().to_owned());
    }
    // The sunset was uploaded on 2026-01-07 and has been trashed since.
    app.execute_sql(format!(
        "UPDATE items SET created_at = '2026-01-07 12:34:56' WHERE id = '{}'",
        ids[0]
    ))
    .await;
    assert_eq!(
        app.delete(&alice.key, &format!("/api/v1/gallery/{}", ids[0]))
            .await
            .status(),
        200
    );
    let cat = format!("/api/v1/gallery/{}", ids[1]);
    let moved = app
        .patch(
            &alice.key,
            &cat,
            json!({"favorite": true, "folderId": folder}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    app.upload(
        &bob.key,
        "cat.png",
        fixtures::png(40, 30),
        &[("tags", "pets")],
    )
    .await;
    Library {
        key: alice.key,
        folder,
        sizes,
    }
}

/// The original filenames a listing returned, in its order.
async fn names(app: &TestApp, key: &str, path: &str) -> Vec<String> {
    let body = app.get_ok(key, path).await;
    let (list, field) = if body.get("images").is_some() {
        ("images", "prompt")
    } else {
        ("items", "originalFilename")
    };
    body[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap().to_owned())
        .collect()
}

async fn images_filters_alone_and_combined(app: TestApp) {
    let lib = seed(&app).await;
    let key = &lib.key;
    let f = &lib.folder;

    // Spec 2's default: active items in the root, newest first.
    let body = app.get_ok(key, "/images").await;
    assert_eq!(
        body["pagination"],
        json!({"page": 1, "limit": 50, "total": 3, "totalPages": 1})
    );
    let gif = &body["images"][1];
    assert_eq!(gif["prompt"], "IMG_0042.gif");
    assert_eq!(gif["type"], "upload");
    assert_eq!(gif["mimeType"], "image/gif");
    assert_eq!(gif["thumbnailUrl"], Value::Null);
    assert_eq!(gif["size"], json!({"width": 10, "height": 10}));
    assert!(gif["modelName"].as_str().unwrap().ends_with('B'));
    assert!(gif["_id"].as_str().unwrap().starts_with("gal_"));
    assert!(gif["url"]
        .as_str()
        .unwrap()
        .starts_with(&app.url("/media/")));
    assert_eq!(
        names(&app, key, "/images").await,
        ["clip.mp4", "IMG_0042.gif", "dog.jpg"]
    );

    let cases: Vec<(String, Vec<&str>)> = vec![
        (format!("folderId={f}"), vec!["cat.png"]),
        (
            "folderId=root".into(),
            vec!["clip.mp4", "IMG_0042.gif", "dog.jpg"],
        ),
        (
            "folderId=all".into(),
            vec!["clip.mp4", "IMG_0042.gif", "dog.jpg", "cat.png"],
        ),
        ("status=trash".into(), vec!["sunset.png"]),
        (
            "status=all".into(),
            vec![
                "clip.mp4",
                "IMG_0042.gif",
                "dog.jpg",
                "cat.png",
                "sunset.png",
            ],
        ),
        // q searches the whole library: names as word prefixes, or a tag exactly.
        ("q=cat".into(), vec!["cat.png"]),
        ("q=PETS".into(), vec!["dog.jpg", "cat.png"]),
        ("q=img".into(), vec!["IMG_0042.gif"]),
        ("q=0042".into(), vec!["IMG_0042.gif"]),
        ("q=good".into(), vec!["dog.jpg"]),
        ("q=sofa".into(), vec![]),
        ("q=pet".into(), vec![]),
        (
            "from=2026-01-07&to=2026-01-07&status=all".into(),
            vec!["sunset.png"],
        ),
        ("to=2026-01-06&status=all".into(), vec![]),
        (
            "from=2026-01-08&status=all&folderId=all".into(),
            vec!["clip.mp4", "IMG_0042.gif", "dog.jpg", "cat.png"],
        ),
        ("mimePrefix=video/".into(), vec!["clip.mp4"]),
        (
            "mimePrefix=image/&folderId=all".into(),
            vec!["IMG_0042.gif", "dog.jpg", "cat.png"],
        ),
        (
            "mimePrefix=image/png&status=all&folderId=all".into(),
            vec!["cat.png", "sunset.png"],
        ),
        ("mimePrefix=other&status=all".into(), vec![]),
        ("favorite=true&folderId=all".into(), vec!["cat.png"]),
        (
            "favorite=false&folderId=all".into(),
            vec!["clip.mp4", "IMG_0042.gif", "dog.jpg"],
        ),
        ("tags=pets&folderId=all".into(), vec!["dog.jpg", "cat.png"]),
        ("tags=pets,Cute&folderId=all".into(), vec!["cat.png"]),
        ("tag=PETS&folderId=all".into(), vec!["dog.jpg", "cat.png"]),
        (
            "excludeTags=cute,video&folderId=all".into(),
            vec!["IMG_0042.gif", "dog.jpg"],
        ),
        (
            "tags=pets&excludeTags=cute&folderId=all".into(),
            vec!["dog.jpg"],
        ),
        // By tags alone the listing is answered from item_tags, newest first.
        (
            "tags=pets&excludeTags=beach&folderId=all".into(),
            vec!["dog.jpg", "cat.png"],
        ),
        (
            "tags=beach&excludeTags=pets&status=all&folderId=all".into(),
            vec!["sunset.png"],
        ),
        ("q=pets&favorite=false".into(), vec!["dog.jpg"]),
        (
            "tags=pets&mimePrefix=image/jpeg&folderId=all".into(),
            vec!["dog.jpg"],
        ),
        ("tags=nope&folderId=all".into(), vec![]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            names(&app, key, &format!("/images?{query}")).await,
            expected,
            "/images?{query}"
        );
    }

    // Sizes: inclusive bounds, against the sizes the uploads reported.
    let size = |name: &str| lib.sizes.iter().find(|(n, _)| *n == name).unwrap().1;
    let (min, max) = (size("dog.jpg"), size("clip.mp4").max(size("dog.jpg")));
    let mut expected: Vec<&str> = ["clip.mp4", "IMG_0042.gif", "dog.jpg", "cat.png"]
        .into_iter()
        .filter(|n| (min..=max).contains(&size(n)))
        .collect();
    let query = format!("/images?folderId=all&minSize={min}&maxSize={max}");
    assert_eq!(names(&app, key, &query).await, expected);
    expected.retain(|n| *n != "dog.jpg");
    let query = format!("/images?folderId=all&minSize={}&maxSize={max}", min + 1);
    assert_eq!(names(&app, key, &query).await, expected);
}

async fn gallery_filters_and_text_search(app: TestApp) {
    let lib = seed(&app).await;
    let key = &lib.key;
    let collection: Value = app
        .post(key, "/api/v1/gallery/collections", json!({"name": "Best"}))
        .await
        .json()
        .await
        .unwrap();
    let dog = app.get_ok(key, "/images?q=dog").await["images"][0]["_id"].clone();
    let path = format!(
        "/api/v1/gallery/collections/{}/items",
        collection["id"].as_str().unwrap()
    );
    assert_eq!(
        app.post(key, &path, json!({"itemIds": [dog]}))
            .await
            .status(),
        200
    );

    // Spec 1 lists every folder unless asked for one.
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            "".into(),
            vec!["clip.mp4", "IMG_0042.gif", "dog.jpg", "cat.png"],
        ),
        ("search=sofa".into(), vec!["dog.jpg"]),
        ("search=good%20dog".into(), vec!["dog.jpg"]),
        ("search=slee".into(), vec!["dog.jpg"]),
        // Words before the last are whole words; the last may be the start of one.
        ("search=good%20do".into(), vec!["dog.jpg"]),
        ("search=goo%20dog".into(), vec![]),
        ("search=dog%20cat".into(), vec![]),
        ("search=clip".into(), vec!["clip.mp4"]),
        ("type=video".into(), vec!["clip.mp4"]),
        ("type=image&mimePrefix=video/".into(), vec![]),
        (
            format!("collection={}", collection["id"].as_str().unwrap()),
            vec!["dog.jpg"],
        ),
        ("collection=col_unknown".into(), vec![]),
        (format!("folderId={}", lib.folder), vec!["cat.png"]),
        ("tags=pets&type=image".into(), vec!["dog.jpg", "cat.png"]),
        ("favorite=true".into(), vec!["cat.png"]),
        ("status=trash".into(), vec!["sunset.png"]),
    ];
    for (query, expected) in cases {
        let path = format!("/api/v1/gallery?{query}");
        assert_eq!(names(&app, key, &path).await, expected, "{path}");
    }
    let dog_item = app.get_ok(key, "/api/v1/gallery?search=sofa").await["items"][0].clone();
    assert_eq!(dog_item["collectionIds"], json!([collection["id"]]));
    assert_eq!(dog_item["folderId"], Value::Null);
    let cat_item = app.get_ok(key, "/api/v1/gallery?favorite=true").await["items"][0].clone();
    assert_eq!(cat_item["folderId"], json!(lib.folder));
}

async fn pages_count_and_end_cleanly(app: TestApp) {
    let lib = seed(&app).await;
    let key = &lib.key;
    let page = |n: u32, limit: u32| format!("/images?folderId=all&page={n}&limit={limit}");
    let first = app.get_ok(key, &page(1, 3)).await;
    assert_eq!(
        first["pagination"],
        json!({"page": 1, "limit": 3, "total": 4, "totalPages": 2})
    );
    assert_eq!(first["images"].as_array().unwrap().len(), 3);
    let last = app.get_ok(key, &page(2, 3)).await;
    assert_eq!(last["images"].as_array().unwrap().len(), 1);
    let beyond = app.get_ok(key, &page(3, 3)).await;
    assert_eq!(beyond["images"], json!([]));
    assert_eq!(beyond["pagination"]["total"], 4);
    let exact = app.get_ok(key, &page(1, 4)).await;
    assert_eq!(exact["pagination"]["totalPages"], 1);
    let mut seen = names(&app, key, &page(1, 2)).await;
    seen.extend(names(&app, key, &page(2, 2)).await);
    assert_eq!(seen, ["clip.mp4", "IMG_0042.gif", "dog.jpg", "cat.png"]);

    let gallery = app.get_ok(key, "/api/v1/gallery?limit=3&page=2").await;
    assert_eq!(
        (gallery["total"].as_i64(), gallery["pageSize"].as_i64()),
        (Some(4), Some(3))
    );
    assert_eq!(gallery["items"].as_array().unwrap().len(), 1);

    // Someone with nothing sees an empty first page, not an error.
    let carol = app.user("carol").await;
    let empty = app.get_ok(&carol.key, "/images").await;
    assert_eq!(
        empty,
        json!({"images": [], "pagination": {"page": 1, "limit": 50, "total": 0, "totalPages": 0}})
    );
}

async fn bad_parameters_and_missing_credentials_answer_in_spec_shape(app: TestApp) {
    let alice = app.user("alice").await;
    let response = app.get(&alice.key, "/images?limit=101").await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "Invalid page or limit parameter");
    assert_eq!(body["statusCode"], 400);
    assert_eq!(body["detail"][0]["field"], "limit");
    for bad in [
        "page=0",
        "status=deleted",
        "from=07-01-2026",
        "minSize=-1",
        "favorite=maybe",
    ] {
        let response = app.get(&alice.key, &format!("/images?{bad}")).await;
        assert_eq!(response.status(), 400, "{bad}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["statusCode"], 400, "{bad}");
    }
    let anonymous = app.send(app.client().get(app.url("/images"))).await;
    assert_eq!(anonymous.status(), 401);
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(
        (body["error"].as_str(), body["statusCode"].as_i64()),
        (Some("Unauthorized"), Some(401))
    );
}

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
    // Filler that puts the last item's words past what an index entry carries.
    let long: &'static str = Box::leak(format!("{} lighthouse", "word ".repeat(80)).into());
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
    assert_eq!(found("search=word%20lighthouse").await.1, ["Taken once"]);
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
