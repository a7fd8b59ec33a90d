//! Every listing filter of spec 2 (`/images`) and spec 1 (`/api/v1/gallery`), alone and
//! combined, with pagination edges, on every backend.

use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    images_filters_alone_and_combined,
    gallery_filters_and_text_search,
    pages_count_and_end_cleanly,
    bad_parameters_and_missing_credentials_answer_in_spec_shape,
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
    // The sunset was uploaded on 2026-01-07, by the server's clock.
    let sunset_day = chrono::NaiveDate::from_ymd_opt(2026, 1, 7)
        .and_then(|d| d.and_hms_opt(12, 34, 56))
        .unwrap();
    let back = sunset_day - app.now();
    for (n, (name, bytes, fields)) in files.into_iter().enumerate() {
        if n == 0 {
            app.advance_clock(back);
        }
        let response = app.upload(&alice.key, name, bytes, fields).await;
        if n == 0 {
            app.advance_clock(-back);
        }
        assert_eq!(response.status(), 201);
        let item: Value = response.json().await.unwrap();
        sizes.push((name, item["size"].as_i64().unwrap()));
        ids.push(item["id"].as_str().unwrap().to_owned());
    }
    // The sunset has been trashed since.
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
    let bobs = app
        .upload(
            &bob.key,
            "cat.png",
            fixtures::png(40, 30),
            &[("tags", "pets")],
        )
        .await;
    assert_eq!(
        bobs.status(),
        201,
        "Bob's look-alike exists, so leaving it out means something"
    );
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
