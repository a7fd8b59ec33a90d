//! The whole life of an item through the HTTP API.

use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    upload_list_get_patch_download_and_trash,
    listing_pages_and_filters,
    storage_reports_usage_against_the_plan,
    concurrent_patches_all_land,
);

async fn upload_list_get_patch_download_and_trash(app: TestApp) {
    let alice = app.user("alice").await;
    let png = fixtures::png(300, 200);
    let response = app
        .upload(
            &alice.key,
            "sunset.png",
            png.clone(),
            &[
                ("prompt", "A sunset"),
                ("model", "m1"),
                ("tags", "Sunset, landscape"),
            ],
        )
        .await;
    assert_eq!(response.status(), 201);
    let item: Value = response.json().await.unwrap();
    let id = item["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("gal_"));
    assert_eq!(item["type"], "image");
    assert_eq!(item["prompt"], "A sunset");
    assert_eq!(item["model"], "m1");
    assert_eq!(
        (item["width"].as_i64(), item["height"].as_i64()),
        (Some(300), Some(200))
    );
    assert_eq!(item["tags"], json!(["landscape", "Sunset"]));
    assert_eq!(item["mimeType"], "image/png");
    assert_eq!(item["size"], png.len());
    assert_eq!(item["originalFilename"], "sunset.png");
    assert_eq!(item["status"], "active");
    assert!(item["createdAt"].as_str().unwrap().ends_with('Z'));
    assert!(item["url"]
        .as_str()
        .unwrap()
        .starts_with(&app.url("/media/")));

    let list: Value = app
        .get(&alice.key, "/api/v1/gallery")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["page"], 1);
    assert_eq!(list["pageSize"], 20);
    assert_eq!(list["items"][0]["id"], id.as_str());

    let got: Value = app
        .get(&alice.key, &format!("/api/v1/gallery/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["prompt"], "A sunset");

    let patched = app
        .patch(&alice.key, &format!("/api/v1/gallery/{id}"), json!({"tags": ["mountain", "Sunset"], "prompt": "Peaks", "favorite": true, "description": "evening"}))
        .await;
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["tags"], json!(["mountain", "Sunset"]));
    assert_eq!(patched["prompt"], "Peaks");
    assert_eq!(patched["favorite"], true);
    assert_eq!(patched["description"], "evening");
    assert_eq!(patched["model"], "m1", "fields not sent stay as they were");

    let cleared: Value = app
        .patch(
            &alice.key,
            &format!("/api/v1/gallery/{id}"),
            json!({"description": null}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["description"], Value::Null);
    assert_eq!(cleared["prompt"], "Peaks");

    let download = app
        .get(&alice.key, &format!("/api/v1/gallery/{id}/download"))
        .await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "image/png");
    assert_eq!(
        download.headers()["content-disposition"],
        "attachment; filename=\"sunset.png\"; filename*=UTF-8''sunset%2Epng"
    );
    assert_eq!(
        download.bytes().await.unwrap().to_vec(),
        png,
        "exact bytes back"
    );

    let deleted = app
        .delete(&alice.key, &format!("/api/v1/gallery/{id}"))
        .await;
    assert_eq!(deleted.status(), 200);
    let deleted: Value = deleted.json().await.unwrap();
    assert_eq!(deleted["status"], "trash");

    let active: Value = app
        .get(&alice.key, "/api/v1/gallery")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(active["total"], 0);
    let trash: Value = app
        .get(&alice.key, "/api/v1/gallery?status=trash")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(trash["total"], 1);
    assert_eq!(trash["items"][0]["id"], id.as_str());
}

async fn listing_pages_and_filters(app: TestApp) {
    let alice = app.user("alice").await;
    for n in 0..5u32 {
        let tags = if n % 2 == 0 { "even,all" } else { "odd,all" };
        let title = format!("picture number {n}");
        let response = app
            .upload(
                &alice.key,
                &format!("p{n}.png"),
                fixtures::png(10 + n, 10),
                &[("title", &title), ("tags", tags)],
            )
            .await;
        assert_eq!(response.status(), 201);
    }

    let page2: Value = app
        .get(&alice.key, "/api/v1/gallery?limit=2&page=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page2["total"], 5);
    assert_eq!(page2["pageSize"], 2);
    let titles: Vec<&str> = page2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["prompt"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["picture number 2", "picture number 1"],
        "newest first"
    );

    let beyond: Value = app
        .get(&alice.key, "/api/v1/gallery?limit=2&page=9")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(beyond["items"], json!([]));
    assert_eq!(beyond["total"], 5);

    let even: Value = app
        .get(&alice.key, "/api/v1/gallery?tags=EVEN,all")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(even["total"], 3);

    let search: Value = app
        .get(&alice.key, "/api/v1/gallery?search=NUMBER%203")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(search["total"], 1);
    assert_eq!(search["items"][0]["prompt"], "picture number 3");

    let videos: Value = app
        .get(&alice.key, "/api/v1/gallery?type=video")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(videos["total"], 0);

    for bad in [
        "limit=0",
        "limit=101",
        "page=0",
        "limit=abc",
        "type=audio",
        "status=gone",
    ] {
        let response = app.get(&alice.key, &format!("/api/v1/gallery?{bad}")).await;
        assert_eq!(response.status(), 400, "{bad}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["statusCode"], 400);
        let field = bad.split('=').next().unwrap();
        assert_eq!(body["detail"][0]["field"], field, "{body}");
        assert_eq!(body["detail"][0]["position"], "query");
    }
    let body: Value = app
        .get(&alice.key, "/api/v1/gallery?limit=101")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["error"], "Invalid page or limit parameter");
    assert_eq!(body["detail"][0]["message"], "must be between 1 and 100");
}

async fn storage_reports_usage_against_the_plan(app: TestApp) {
    let alice = app.user("alice").await;
    let empty: Value = app
        .get(&alice.key, "/api/v1/gallery/storage")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        empty,
        json!({"used": 0, "limit": 1073741824, "usedFormatted": "0 B", "limitFormatted": "1 GB"})
    );

    let png = fixtures::png(64, 64);
    let item = app.upload_ok(&alice.key, "a.png", png.clone()).await;
    let thumb = app
        .send(app.client().get(item["thumbnailUrl"].as_str().unwrap()))
        .await
        .bytes()
        .await
        .unwrap();
    let used: Value = app
        .get(&alice.key, "/api/v1/gallery/storage")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        used["used"],
        png.len() + thumb.len(),
        "the original and its thumb count"
    );

    let boss = app
        .user_with(
            "boss",
            vitrine_domain::user::Role::User,
            vitrine_domain::user::Plan::Enterprise,
        )
        .await;
    let unlimited: Value = app
        .get(&boss.key, "/api/v1/gallery/storage")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unlimited["limit"], Value::Null);
    assert_eq!(unlimited["limitFormatted"], "Unlimited");
}

async fn concurrent_patches_all_land(app: TestApp) {
    let alice = app.user("alice").await;
    let mut ids = Vec::new();
    for n in 0..4u32 {
        let item = app
            .upload_ok(&alice.key, "p.png", fixtures::png(10 + n, 10))
            .await;
        ids.push(item["id"].as_str().unwrap().to_owned());
    }
    // Twenty writers at once over four items: none may fail with "database is locked".
    let patches = (0..20usize).map(|n| {
        let id = ids[n % ids.len()].clone();
        let key = alice.key.clone();
        let app = &app;
        async move {
            let tag = format!("round-{n}");
            let response = app
                .patch(
                    &key,
                    &format!("/api/v1/gallery/{id}"),
                    json!({"tags": [tag, "common"]}),
                )
                .await;
            (response.status(), response.text().await.unwrap())
        }
    });
    for (status, body) in futures::future::join_all(patches).await {
        assert_eq!(status, 200, "{body}");
    }
    let common: Value = app
        .get(&alice.key, "/api/v1/gallery?tags=common")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(common["total"], 4);
    for id in &ids {
        let item: Value = app
            .get(&alice.key, &format!("/api/v1/gallery/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            item["tags"].as_array().unwrap().len(),
            2,
            "each item ends with one whole PATCH: {item}"
        );
    }
}
