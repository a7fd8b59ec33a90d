//! Spec 4's statistics and inputs are kept beside the images (counts per project and
//! processing state; a mark on an image that has inputs): every way an image enters,
//! leaves or changes must keep the page the same as counting would.

use serde_json::{json, Value};
use vitrine_test_support::{database_tests, TestApp, TestBackend};

use crate::projects::{answer, images, team, upload_into, BOARD};

database_tests!(counts_and_inputs_follow_every_move);

/// `(total, completed, failed)` of each project on alice's board, by key.
async fn counts(app: &TestApp, key: &str) -> Vec<(String, i64, i64, i64)> {
    let board = app.get_ok(key, &format!("{BOARD}?order=asc")).await;
    board["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["project_key"].as_str().unwrap().to_owned(),
                p["total_images"].as_i64().unwrap(),
                p["completed_images"].as_i64().unwrap(),
                p["failed_images"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn keyed(rows: &[(&str, i64)]) -> Vec<(String, i64, i64, i64)> {
    rows.iter()
        .map(|(key, n)| ((*key).to_owned(), *n, *n, 0))
        .collect()
}

/// The full-size URLs of the inputs the board shows for the image named `name`.
async fn inputs_shown(app: &TestApp, key: &str, name: &str) -> Vec<String> {
    let board = app.get_ok(key, &format!("{BOARD}?order=asc")).await;
    let all: Vec<Value> = (0..board["projects"].as_array().unwrap().len())
        .flat_map(|p| images(&board, p))
        .collect();
    let image = all
        .iter()
        .find(|i| i["original_filename"] == name)
        .unwrap_or_else(|| panic!("{name} is not on the board"));
    image["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["full_size"].as_str().unwrap().to_owned())
        .collect()
}

/// Whether `urls` are those of the items `ids`, in order.
fn are(urls: Vec<String>, ids: &[&String]) -> bool {
    urls.len() == ids.len()
        && urls
            .iter()
            .zip(ids)
            .all(|(url, id)| url.contains(id.as_str()))
}

async fn counts_and_inputs_follow_every_move(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    let (_, summer) = team(&app, &alice.key).await;
    let winter = answer(
        app.post(&alice.key, "/api/v1/projects", json!({"name": "Winter"}))
            .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let upload = |name: &'static str, project: i64| {
        let (app, key) = (&app, alice.key.clone());
        async move {
            let pid = project.to_string();
            let made = upload_into(app, &key, name, &[("project_id", &pid)]).await;
            answer(made, 201).await["id"].as_str().unwrap().to_owned()
        }
    };
    let a = upload("a.png", summer).await;
    let b = upload("b.png", summer).await;
    let c = upload("c.png", winter).await;
    assert_eq!(
        counts(&app, &alice.key).await,
        keyed(&[("SUMMER-2026", 2), ("WINTER", 1)])
    );

    let patch = |id: &str, body: Value| {
        let (app, key, path) = (&app, alice.key.clone(), format!("/api/v1/gallery/{id}"));
        async move { answer(app.patch(&key, &path, body).await, 200).await }
    };
    patch(&b, json!({"project_id": winter})).await;
    assert_eq!(
        counts(&app, &alice.key).await,
        keyed(&[("SUMMER-2026", 1), ("WINTER", 2)]),
        "moved to another project"
    );
    patch(&c, json!({"project_id": null})).await;
    assert_eq!(
        counts(&app, &alice.key).await,
        keyed(&[("SUMMER-2026", 1), ("WINTER", 1)]),
        "left its project"
    );
    let trashed = app
        .delete(&alice.key, &format!("/api/v1/gallery/{a}"))
        .await;
    assert_eq!(trashed.status(), 200);
    assert_eq!(
        counts(&app, &alice.key).await,
        keyed(&[("SUMMER-2026", 0), ("WINTER", 1)]),
        "trashed"
    );
    let restored = app
        .post(
            &alice.key,
            &format!("/api/v1/gallery/{a}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(restored.status(), 200);
    assert_eq!(
        counts(&app, &alice.key).await,
        keyed(&[("SUMMER-2026", 1), ("WINTER", 1)]),
        "restored"
    );
    // Deleted for good: trashed, then the trash emptied.
    app.delete(&alice.key, &format!("/api/v1/gallery/{a}"))
        .await;
    let emptied = app
        .post(&alice.key, "/api/v1/gallery/trash/empty", json!({}))
        .await;
    assert_eq!(emptied.status(), 200);
    assert_eq!(
        counts(&app, &alice.key).await,
        keyed(&[("SUMMER-2026", 0), ("WINTER", 1)]),
        "purged"
    );
    // Deleting a project detaches its images; joining again counts from zero.
    let deleted = app
        .delete(&alice.key, &format!("/api/v1/projects/{winter}"))
        .await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(counts(&app, &alice.key).await, keyed(&[("SUMMER-2026", 0)]));
    patch(&b, json!({"project_id": summer})).await;
    patch(&c, json!({"project_id": summer})).await;
    assert_eq!(counts(&app, &alice.key).await, keyed(&[("SUMMER-2026", 2)]));

    // Inputs given after joining, before joining, and taken away.
    assert!(inputs_shown(&app, &alice.key, "b.png").await.is_empty());
    patch(&b, json!({"inputs": [c]})).await;
    assert!(are(inputs_shown(&app, &alice.key, "b.png").await, &[&c]));
    let d = app
        .upload_ok(
            &alice.key,
            "d.png",
            vitrine_test_support::fixtures::png(8, 8),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    patch(&d, json!({"inputs": [b, c]})).await;
    patch(&d, json!({"project_id": summer})).await;
    assert!(
        are(inputs_shown(&app, &alice.key, "d.png").await, &[&b, &c]),
        "inputs given out of any project show once it joins"
    );
    patch(&d, json!({"inputs": []})).await;
    assert!(inputs_shown(&app, &alice.key, "d.png").await.is_empty());
    assert!(are(inputs_shown(&app, &alice.key, "b.png").await, &[&c]));
}
