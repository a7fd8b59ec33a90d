//! Trash: delete, restore, bulk delete, empty, and the retention job, with shared blobs.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, fixtures, TestApp};
use vitrine_test_support::{get_json, Vitrine};

backend_tests!(
    trash_restore_and_purge_keep_shared_bytes,
    bulk_delete_is_all_or_nothing,
    the_retention_purges_only_old_trash,
    one_trashed_item_is_deleted_for_good,
);

async fn one_trashed_item_is_deleted_for_good(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let kept = app
        .upload_ok(&alice.key, "a.png", fixtures::png(40, 40))
        .await;
    let gone = app
        .upload_ok(&alice.key, "b.png", fixtures::png(41, 41))
        .await;
    let (kept, gone) = (kept["id"].as_str().unwrap(), gone["id"].as_str().unwrap());
    let blobs = app.blob_objects().await;
    let purge = |id: &str| format!("/api/v1/gallery/{id}?permanent=true");

    let active = app.delete(&alice.key, &purge(gone)).await;
    assert_eq!(
        active.status(),
        404,
        "only an item in the trash is deleted for good"
    );
    assert_eq!(
        app.get(&alice.key, &format!("/api/v1/gallery/{gone}"))
            .await
            .status(),
        200
    );
    app.delete(&alice.key, &format!("/api/v1/gallery/{gone}"))
        .await;
    assert_eq!(
        app.delete(&bob.key, &purge(gone)).await.status(),
        404,
        "not bob's"
    );

    let purged = app.delete(&alice.key, &purge(gone)).await;
    assert_eq!(purged.status(), 200);
    let body: Value = purged.json().await.unwrap();
    assert_eq!(body, json!({"success": true, "id": gone}));
    assert_eq!(
        app.get(&alice.key, &format!("/api/v1/gallery/{gone}"))
            .await
            .status(),
        404
    );
    assert_eq!(app.count_rows("items").await, 1);
    assert_eq!(
        app.blob_objects().await,
        blobs - 2,
        "its original and thumb are gone"
    );
    assert_eq!(
        app.get(&alice.key, &format!("/api/v1/gallery/{kept}"))
            .await
            .status(),
        200
    );
    let wrong = app
        .delete(
            &alice.key,
            &format!("/api/v1/gallery/{kept}?permanent=maybe"),
        )
        .await;
    assert_eq!(wrong.status(), 400);
}

async fn trash_restore_and_purge_keep_shared_bytes(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let png = fixtures::png(50, 50);
    let mine = app.upload_ok(&alice.key, "a.png", png.clone()).await;
    let theirs = app.upload_ok(&bob.key, "b.png", png.clone()).await;
    let (mine, theirs) = (mine["id"].as_str().unwrap(), theirs["id"].as_str().unwrap());
    assert_eq!(
        (app.count_rows("blobs").await, app.blob_objects().await),
        (2, 2),
        "one original and one thumb for both"
    );
    let used = app.get_ok(&alice.key, "/api/v1/gallery/storage").await["used"].clone();
    assert_eq!(used, fixtures::quota_cost(&png, "image/png"));

    let path = format!("/api/v1/gallery/{mine}");
    assert_eq!(app.delete(&alice.key, &path).await.status(), 200);
    let trashed = app.get_ok(&alice.key, "/images?status=trash").await;
    assert_eq!(trashed["images"][0]["_id"], mine);
    assert_eq!(
        app.get_ok(&alice.key, "/images").await["pagination"]["total"],
        0
    );

    let restored = app
        .post(&alice.key, &format!("{path}/restore"), json!({}))
        .await;
    assert_eq!(restored.status(), 200);
    let restored: Value = restored.json().await.unwrap();
    assert_eq!(restored["status"], "active");
    assert_eq!(
        app.get_ok(&alice.key, "/images").await["pagination"]["total"],
        1
    );
    let not_mine = app
        .post(
            &alice.key,
            &format!("/api/v1/gallery/{theirs}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(not_mine.status(), 404);

    // Empty the trash: Alice's item goes, the bytes stay for Bob.
    app.delete(&alice.key, &path).await;
    let emptied = app
        .post(&alice.key, "/api/v1/gallery/trash/empty", json!({}))
        .await;
    let emptied: Value = emptied.json().await.unwrap();
    assert_eq!(emptied["purged"], 1);
    assert_eq!(app.get(&alice.key, &path).await.status(), 404);
    assert_eq!(
        app.get_ok(&alice.key, "/api/v1/gallery/storage").await["used"],
        0
    );
    assert_eq!(
        (app.count_rows("blobs").await, app.blob_objects().await),
        (2, 2)
    );
    let download = app
        .get(&bob.key, &format!("/api/v1/gallery/{theirs}/download"))
        .await;
    assert_eq!(download.bytes().await.unwrap().as_ref(), png.as_slice());

    // Bob's goes by the retention job; with it the last reference and the bytes.
    app.delete(&bob.key, &format!("/api/v1/gallery/{theirs}"))
        .await;
    let cutoff = app.now() + chrono::Duration::seconds(1);
    assert_eq!(app.library().purge_trashed_before(cutoff).await.unwrap(), 1);
    assert_eq!(
        (app.count_rows("items").await, app.count_rows("blobs").await),
        (0, 0)
    );
    assert_eq!(app.blob_objects().await, 0);
}

async fn bulk_delete_is_all_or_nothing(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let a = app
        .upload_ok(&alice.key, "a.png", fixtures::png(20, 20))
        .await["id"]
        .clone();
    let b = app
        .upload_ok(&alice.key, "b.png", fixtures::png(21, 21))
        .await["id"]
        .clone();
    let bobs = app
        .upload_ok(&bob.key, "x.png", fixtures::png(22, 22))
        .await["id"]
        .clone();

    let refused = app
        .post(
            &alice.key,
            "/api/v1/gallery/bulk/delete",
            json!({"itemIds": [a, bobs, "gal_missing"]}),
        )
        .await;
    assert_eq!(refused.status(), 404);
    let refused: Value = refused.json().await.unwrap();
    let named: Vec<&Value> = refused["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["message"])
        .collect();
    assert_eq!(named, [&bobs, &json!("gal_missing")]);
    assert_eq!(
        app.get_ok(&alice.key, "/images").await["pagination"]["total"],
        2
    );
    assert_eq!(
        app.get_ok(&bob.key, "/images").await["pagination"]["total"],
        1
    );

    let deleted = app
        .post(
            &alice.key,
            "/api/v1/gallery/bulk/delete",
            json!({"itemIds": [a, b]}),
        )
        .await;
    assert_eq!(deleted.status(), 200);
    let deleted: Value = deleted.json().await.unwrap();
    assert_eq!(deleted["updated"], 2);
    assert_eq!(
        app.get_ok(&alice.key, "/images").await["pagination"]["total"],
        0
    );
    assert_eq!(
        app.get_ok(&alice.key, "/images?status=trash").await["pagination"]["total"],
        2
    );
    let malformed = app
        .post(
            &alice.key,
            "/api/v1/gallery/bulk/delete",
            json!({"ids": [a]}),
        )
        .await;
    assert_eq!(malformed.status(), 400);
}

async fn the_retention_purges_only_old_trash(app: TestApp) {
    let alice = app.user("alice").await;
    let old = app
        .upload_ok(&alice.key, "old.png", fixtures::png(20, 20))
        .await;
    let new = app
        .upload_ok(&alice.key, "new.png", fixtures::png(21, 21))
        .await;
    let (old, new) = (old["id"].as_str().unwrap(), new["id"].as_str().unwrap());
    let library = app.library();
    let retention = i64::from(library.limits().trash_retention_days);
    // The old one was trashed a day more than the retention ago, the new one just now.
    let trash = |id: &str| format!("/api/v1/gallery/{id}");
    assert_eq!(app.delete(&alice.key, &trash(old)).await.status(), 200);
    app.advance_clock(chrono::Duration::days(retention + 1));
    assert_eq!(app.delete(&alice.key, &trash(new)).await.status(), 200);
    assert_eq!(
        library
            .purge_trashed_before(library.trash_cutoff())
            .await
            .unwrap(),
        1
    );
    let left = app.get_ok(&alice.key, "/images?status=trash").await;
    assert_eq!(left["pagination"]["total"], 1);
    assert_eq!(left["images"][0]["_id"], new);
    assert_eq!(
        app.blob_objects().await,
        2,
        "the newer item's original and thumb"
    );
}

const BIN: &str = env!("CARGO_BIN_EXE_vitrine");

/// The real server runs the trash job by itself, on the configured schedule.
#[tokio::test]
async fn serve_runs_the_trash_job() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Vitrine::new(BIN)
        .arg("--data-dir")
        .arg(dir.path().display().to_string())
        .env("VITRINE_TRASH_RETENTION_DAYS", "0")
        .env("VITRINE_TRASH_PURGE_INTERVAL_SECS", "1");
    cli.run(&["user", "add", "alice", "--password", "alice-secret"]);
    let key = cli.run(&["key", "create", "--user", "alice"]);
    let key = key.trim();
    let server = cli.serve().await;
    let client = reqwest::Client::new();
    let created = server
        .upload(key, "a.png", fixtures::png(30, 30), &[])
        .await;
    let id = created["id"].as_str().unwrap();
    let blobs = dir.path().join("blobs");
    assert!(
        objects_under(&blobs) > 0,
        "the upload's bytes are stored under {blobs:?}"
    );
    let trashed = client
        .delete(server.url(&format!("/api/v1/gallery/{id}")))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(trashed.status(), 200);
    let mut left = Value::Null;
    for _ in 0..50 {
        left = get_json(server.url("/images?status=all"), key).await;
        if left["pagination"]["total"] == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(left["pagination"]["total"], 0, "{left}");
    assert_eq!(objects_under(&blobs), 0);
}

fn objects_under(dir: &Path) -> usize {
    walk(dir).into_iter().filter(|p| p.is_file()).count()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}
