//! `vitrine transfer` moves a whole installation and can resume after an interruption.

use serde_json::Value;
use vitrine_test_support::{
    fixtures, get_json, s3_test_settings, PgSchema, TestApp, TestBackend, TestStore, Vitrine,
    S3_TEST_BUCKET,
};

const BIN: &str = env!("CARGO_BIN_EXE_vitrine");

/// Fills an embedded-default installation through the API: two users, shared bytes, tags.
/// The source app, alice's key, her uploads, and the path of her collection's share link.
async fn populated_source() -> (TestApp, String, Vec<(String, Vec<u8>)>, String) {
    let app = TestApp::builder(TestBackend::Sqlite).spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let mut uploads = Vec::new();
    for n in 0..3u32 {
        let bytes = fixtures::png(30 + n, 20);
        let response = app
            .upload(
                &alice.key,
                &format!("a{n}.png"),
                bytes.clone(),
                &[("tags", "moved,Alpha")],
            )
            .await;
        assert_eq!(response.status(), 201);
        let item: Value = response.json().await.unwrap();
        uploads.push((item["id"].as_str().unwrap().to_owned(), bytes));
    }
    // Bob's copy of alice's first file shares its blob.
    app.upload_ok(&bob.key, "same.png", fixtures::png(30, 20))
        .await;
    // Inner is created first and then moved under the newer Outer, so the transfer must
    // order folders by the tree, not by age or ID.
    let folder = |name: &str| serde_json::json!({ "name": name });
    let inner: Value = app
        .post(&alice.key, "/api/v1/gallery/folders", folder("Inner"))
        .await
        .json()
        .await
        .unwrap();
    let outer: Value = app
        .post(&alice.key, "/api/v1/gallery/folders", folder("Outer"))
        .await
        .json()
        .await
        .unwrap();
    let inner_path = format!("/api/v1/gallery/folders/{}", inner["id"].as_str().unwrap());
    let moved = app
        .patch(
            &alice.key,
            &inner_path,
            serde_json::json!({ "parentId": outer["id"] }),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let first = format!("/api/v1/gallery/{}", uploads[0].0);
    let into = app
        .patch(
            &alice.key,
            &first,
            serde_json::json!({ "folderId": inner["id"] }),
        )
        .await;
    assert_eq!(into.status(), 200);
    let picked: Value = app
        .post(&alice.key, "/api/v1/gallery/collections", folder("Picked"))
        .await
        .json()
        .await
        .unwrap();
    let members = format!(
        "/api/v1/gallery/collections/{}/items",
        picked["id"].as_str().unwrap()
    );
    let ids = serde_json::json!({ "itemIds": [uploads[0].0, uploads[1].0] });
    assert_eq!(app.post(&alice.key, &members, ids).await.status(), 200);
    let shared: Value = app
        .post(
            &alice.key,
            &members.replace("/items", "/share"),
            serde_json::json!({ "expiresIn": "never" }),
        )
        .await
        .json()
        .await
        .unwrap();
    // An ordered gallery with a translation and a captioned item (spec 3).
    let languages: Value = app.get_ok(&alice.key, "/api/v1/languages").await;
    let gallery = serde_json::json!({
        "slug": "moved-gallery",
        "translations": [{"language_id": languages[0]["id"], "title": "Moved"}]
    });
    let gallery: Value = app
        .post(&alice.key, "/api/v1/galleries", gallery)
        .await
        .json()
        .await
        .unwrap();
    let media = format!(
        "/api/v1/galleries/{}/media",
        gallery["id"].as_str().unwrap()
    );
    let placed = serde_json::json!({"media_id": uploads[1].0, "caption": "Second"});
    assert_eq!(app.post(&alice.key, &media, placed).await.status(), 201);
    // A group's project with a reviewed image made from another (spec 4).
    let group: Value = app
        .post(
            &alice.key,
            "/api/v1/groups",
            serde_json::json!({"name": "Team"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let project: Value = app
        .post(
            &alice.key,
            "/api/v1/projects",
            serde_json::json!({"name": "Moved project", "group_id": group["id"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let joined = app
        .patch(
            &alice.key,
            &format!("/api/v1/gallery/{}", uploads[0].0),
            serde_json::json!({"project_id": project["id"], "job_id": "job-1", "inputs": [uploads[1].0]}),
        )
        .await;
    assert_eq!(joined.status(), 200);
    let liked = app
        .client()
        .put(app.url(&format!("/api/v1/gallery/{}/feedback", uploads[0].0)))
        .bearer_auth(&alice.key)
        .json(&serde_json::json!({"feedback": "like", "comment": "Sharp"}))
        .send()
        .await
        .unwrap();
    assert_eq!(liked.status(), 204);
    let reviewed = app
        .client()
        .put(app.url(&format!("/api/v1/gallery/{}/review", uploads[0].0)))
        .bearer_auth(&alice.key)
        .json(&serde_json::json!({"status": "approved", "annotations": {"crop": [1, 2]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(reviewed.status(), 204);
    let share_path = shared["shareUrl"]
        .as_str()
        .unwrap()
        .trim_start_matches(&app.url(""))
        .to_owned();
    (app, alice.key, uploads, share_path)
}

async fn check_target(
    target: &Vitrine,
    key: &str,
    uploads: &[(String, Vec<u8>)],
    share_path: &str,
) {
    let server = target.serve().await;
    let client = reqwest::Client::new();
    let list: Value = get_json(server.url("/api/v1/gallery?tags=moved"), key).await;
    assert_eq!(
        list["total"],
        uploads.len(),
        "the API key and the tags came along: {list}"
    );
    for (id, bytes) in uploads {
        let item: Value = get_json(server.url(&format!("/api/v1/gallery/{id}")), key).await;
        assert_eq!(item["tags"], serde_json::json!(["Alpha", "moved"]));
        let back = client
            .get(server.url(&format!("/api/v1/gallery/{id}/download")))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert_eq!(back.status(), 200);
        assert_eq!(
            back.bytes().await.unwrap().to_vec(),
            *bytes,
            "bytes of {id}"
        );
    }
    // Galleries come with their translations and media.
    let galleries: Value = get_json(server.url("/api/v1/galleries"), key).await;
    assert_eq!(galleries[0]["slug"], "moved-gallery", "{galleries}");
    let path = format!("/api/v1/galleries/{}", galleries[0]["id"].as_str().unwrap());
    let gallery: Value = get_json(server.url(&path), key).await;
    assert_eq!(gallery["translations"][0]["title"], "Moved");
    assert_eq!(
        gallery["gallery_media"][0]["media_id"],
        uploads[1].0.as_str()
    );
    assert_eq!(gallery["gallery_media"][0]["caption"], "Second");
    // Projects come with their group, images, inputs and review; new ones get new IDs.
    let board: Value = get_json(server.url("/gallery/by-project?order=asc"), key).await;
    let project = &board["projects"][0];
    assert_eq!(project["project_name"], "Moved project", "{board}");
    let image = &project["images"][0];
    assert_eq!(
        (&image["job_id"], &image["feedback"]),
        (&serde_json::json!("job-1"), &serde_json::json!("like"))
    );
    assert_eq!(image["inputs"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            &image["feedback_comment"],
            &image["review_status"],
            &image["review_annotations"]
        ),
        (
            &serde_json::json!("Sharp"),
            &serde_json::json!("approved"),
            &serde_json::json!({"crop": [1, 2]})
        )
    );
    let groups: Value = get_json(server.url("/api/v1/groups"), key).await;
    assert_eq!(groups[0]["members"], serde_json::json!(["alice"]));
    let created = client
        .post(server.url("/api/v1/projects"))
        .bearer_auth(key)
        .json(&serde_json::json!({"name": "New here", "group_id": groups[0]["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.status(),
        201,
        "the identity goes on after the copied IDs"
    );
    let created: Value = created.json().await.unwrap();
    assert_ne!(created["id"], project["project_id"]);
    // Folders, collections, counters and the search index all work on the target.
    let folders: Value = get_json(server.url("/api/v1/gallery/folders"), key).await;
    let folders = folders["folders"].as_array().unwrap().clone();
    let by_name = |name: &str| folders.iter().find(|f| f["name"] == name).unwrap().clone();
    assert_eq!(by_name("Inner")["parentId"], by_name("Outer")["id"]);
    assert_eq!(by_name("Inner")["itemCount"], 1);
    let collections: Value = get_json(server.url("/api/v1/gallery/collections"), key).await;
    assert_eq!(collections["collections"][0]["itemCount"], 2);
    let root: Value = get_json(server.url("/images"), key).await;
    assert_eq!(root["pagination"]["total"], 2);
    let found: Value = get_json(server.url("/images?q=a0"), key).await;
    assert_eq!(found["images"][0]["_id"], uploads[0].0.as_str());
    let storage: Value = get_json(server.url("/api/v1/gallery/storage"), key).await;
    let expected: usize = uploads
        .iter()
        .map(|(_, b)| fixtures::quota_cost(b, "image/png"))
        .sum();
    assert_eq!(storage["used"], expected);
    let page = client.get(server.url(share_path)).send().await.unwrap();
    assert_eq!(page.status(), 200, "the share link works on the target");
    assert!(page.text().await.unwrap().contains("<h1>Picked</h1>"));
}

/// `lost_object_dir`: a local target folder where one object is deleted before resuming,
/// as if the first run had been interrupted before copying it.
async fn transfer_and_resume(
    target_database: String,
    target_store: String,
    target: Vitrine,
    s3_endpoint: Option<&str>,
    lost_object_dir: Option<std::path::PathBuf>,
) {
    let (app, key, uploads, share_path) = populated_source().await;
    let mut source = Vitrine::new(BIN)
        .arg("--data-dir")
        .arg(app.data_dir().display().to_string());
    if let Some(endpoint) = s3_endpoint {
        source = source.with_s3_endpoint(endpoint);
    }
    let args = [
        "transfer",
        "--to-database-url",
        &target_database,
        "--to-store",
        &target_store,
    ];
    let report = source.run(&args);
    assert!(
        report.contains("6 objects copied"),
        "three distinct contents and their thumbs: {report}"
    );
    assert!(report.contains("items: 4 rows"), "{report}");
    check_target(&target, &key, &uploads, &share_path).await;

    // A second run without --resume refuses to write into a non-empty target.
    let refused = source.output(&args);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not empty"));

    let lost = lost_object_dir.map(|dir| {
        let entry = std::fs::read_dir(dir.join("objects"))
            .unwrap()
            .next()
            .unwrap();
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    });

    // --resume finishes what is missing and verifies what is there.
    let resumed = source.run(&[&args[..], &["--resume"]].concat());
    let expected = if lost.is_some() {
        "1 objects copied"
    } else {
        "0 objects copied"
    };
    assert!(resumed.contains(expected), "{resumed}");
    assert!(
        resumed.contains("already in place and verified"),
        "{resumed}"
    );
    check_target(&target, &key, &uploads, &share_path).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_to_another_sqlite_and_folder() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("target.db").display());
    let blobs = dir.path().join("target-blobs");
    let store = blobs.display().to_string();
    let target = Vitrine::new(BIN)
        .arg("--database-url")
        .arg(&database)
        .arg("--store")
        .arg(&store);
    transfer_and_resume(database, store, target, None, Some(blobs)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_from_the_embedded_default_to_postgres_and_s3() {
    let (Some(TestBackend::Postgres(pg)), Some(TestStore::S3(endpoint))) =
        (TestBackend::postgres_from_env(), TestStore::s3_from_env())
    else {
        return;
    };
    s3_test_settings(&endpoint).await;
    let schema = PgSchema::create(&pg);
    let store = format!("s3://{S3_TEST_BUCKET}/transfer-{}", std::process::id());
    let target = Vitrine::new(BIN)
        .arg("--database-url")
        .arg(schema.url())
        .arg("--store")
        .arg(&store)
        .with_s3_endpoint(&endpoint);
    transfer_and_resume(schema.url(), store, target, Some(&endpoint), None).await;
}
