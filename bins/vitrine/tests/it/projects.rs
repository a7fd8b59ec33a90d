//! Spec 4: groups, projects, items in projects, review, and `/gallery/by-project`, with
//! two members of a group and a third user outside it.

use serde_json::{json, Value};
use vitrine_domain::item::ProcessedMedia;
use vitrine_domain::ports::JobRepository;
use vitrine_test_support::{backend_tests, database_tests, fixtures, TestApp, TestBackend};

backend_tests!(a_team_shares_a_project_and_reviews_its_images);
database_tests!(stats_follow_processing_failures_and_deletes);

pub(super) const BOARD: &str = "/gallery/by-project";

pub(super) async fn answer(response: reqwest::Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(code, status, "{body}");
    body
}

pub(super) async fn put(app: &TestApp, key: &str, path: &str, body: Value) -> reqwest::Response {
    app.send(app.client().put(app.url(path)).bearer_auth(key).json(&body))
        .await
}

/// Uploads `name` into `project` with spec 4's fields; answers the item's ID.
pub(super) async fn upload_into(
    app: &TestApp,
    key: &str,
    name: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.upload(key, name, fixtures::png(40, 30), fields).await
}

/// A group of alice and bob, and alice's project shared with it.
pub(super) async fn team(app: &TestApp, alice: &str) -> (i64, i64) {
    let group = answer(
        app.post(alice, "/api/v1/groups", json!({"name": "Studio"}))
            .await,
        201,
    )
    .await;
    assert_eq!(group["members"], json!(["alice"]));
    let group = group["id"].as_i64().unwrap();
    let joined = answer(
        app.post(
            alice,
            &format!("/api/v1/groups/{group}/members"),
            json!({"user": "bob"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(joined["members"], json!(["alice", "bob"]));
    let project = answer(
        app.post(
            alice,
            "/api/v1/projects",
            json!({"name": "Summer 2026", "group_id": group}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(project["key"], "SUMMER-2026");
    assert_eq!(project["created_by"], "alice");
    (group, project["id"].as_i64().unwrap())
}

pub(super) fn images(board: &Value, project: usize) -> Vec<Value> {
    board["projects"][project]["images"]
        .as_array()
        .unwrap()
        .clone()
}

async fn a_team_shares_a_project_and_reviews_its_images(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let (group, project) = team(&app, &alice.key).await;
    let pid = project.to_string();

    // Keys: derived and made unique, or given and checked.
    let again = answer(
        app.post(
            &alice.key,
            "/api/v1/projects",
            json!({"name": "Summer 2026"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(again["key"], "SUMMER-2026-2");
    let taken = app
        .post(
            &alice.key,
            "/api/v1/projects",
            json!({"name": "X", "key": "SUMMER-2026"}),
        )
        .await;
    assert_eq!(
        answer(taken, 409).await["error"],
        "Project key already exists"
    );
    let bad = app
        .post(
            &alice.key,
            "/api/v1/projects",
            json!({"name": "X", "key": "lower"}),
        )
        .await;
    assert_eq!(answer(bad, 400).await["detail"][0]["field"], "key");

    // Carol is outside: the group and the project do not exist for her.
    let outside = app
        .post(
            &carol.key,
            &format!("/api/v1/groups/{group}/members"),
            json!({"user": "carol"}),
        )
        .await;
    assert_eq!(outside.status(), 404);
    assert_eq!(
        app.get(&carol.key, &format!("/api/v1/projects/{pid}"))
            .await
            .status(),
        404
    );
    let refused = upload_into(&app, &carol.key, "c.png", &[("project_id", &pid)]).await;
    assert_eq!(answer(refused, 404).await["error"], "Project not found");
    assert_eq!(
        app.count_rows("items").await,
        0,
        "a refused upload leaves no row"
    );

    // Alice and bob both add images; spec 4's fields come back as sent.
    let first = answer(
        upload_into(
            &app,
            &alice.key,
            "a-1.png",
            &[
                ("project_id", &pid),
                ("job_id", "job-7"),
                ("image_index", "0"),
                ("group_index", "2"),
                ("version", "2"),
                ("input_description", r#"{"prompt": "a red door"}"#),
                ("download_filename", "door-final.png"),
            ],
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = answer(
        upload_into(
            &app,
            &alice.key,
            "a-2.png",
            &[("project_id", &pid), ("inputs", &first)],
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bobs = app
        .upload_ok(&bob.key, "b-1.png", fixtures::png(20, 20))
        .await;
    let bobs = bobs["id"].as_str().unwrap().to_owned();
    let placed = app
        .patch(
            &bob.key,
            &format!("/api/v1/gallery/{bobs}"),
            json!({"project_id": project, "job_id": "job-8", "version": 1}),
        )
        .await;
    assert_eq!(placed.status(), 200);
    let negative = app
        .patch(
            &bob.key,
            &format!("/api/v1/gallery/{bobs}"),
            json!({"image_index": -1}),
        )
        .await;
    assert_eq!(
        answer(negative, 400).await["detail"][0]["field"],
        "image_index"
    );

    let board = app
        .get_ok(&alice.key, &format!("{BOARD}?project_id={pid}&order=asc"))
        .await;
    assert_eq!(board["pagination"]["total"], 1);
    let entry = &board["projects"][0];
    assert_eq!(entry["project_key"], "SUMMER-2026");
    assert_eq!(entry["created_by"], "alice");
    assert_eq!(
        (
            &entry["total_images"],
            &entry["completed_images"],
            &entry["failed_images"]
        ),
        (&json!(3), &json!(3), &json!(0))
    );
    let shown = images(&board, 0);
    let names: Vec<&str> = shown
        .iter()
        .map(|i| i["original_filename"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["a-1.png", "a-2.png", "b-1.png"],
        "by file name, ascending"
    );
    let door = &shown[0];
    assert_eq!(door["job_id"], "job-7");
    assert_eq!(
        (&door["image_index"], &door["group_index"]),
        (&json!(0), &json!(2))
    );
    assert_eq!(door["version"], 2);
    assert_eq!(door["input_description"], json!({"prompt": "a red door"}));
    assert_eq!(door["download_filename"], "door-final.png");
    assert_eq!(door["status"], "completed");
    assert_eq!(door["feedback"], Value::Null);
    assert_eq!(door["retouch_claim"], Value::Null);
    assert_eq!(
        shown[1]["inputs"].as_array().unwrap().len(),
        1,
        "made from the door"
    );
    assert_eq!(shown[1]["input_description"], json!({}));
    assert_eq!(shown[2]["job_id"], "job-8");
    for url in [
        &door["output"]["full_size"],
        &door["output"]["thumbnail"],
        &shown[1]["inputs"][0]["thumbnail"],
    ] {
        let fetched = app
            .client()
            .get(url.as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(fetched.status(), 200, "{url}");
    }
    // Bob sees the shared project; carol sees nothing.
    let bobs_board = app.get_ok(&bob.key, BOARD).await;
    assert_eq!(bobs_board["pagination"]["total"], 1);
    let carols = app.get_ok(&carol.key, BOARD).await;
    assert_eq!(carols["pagination"]["total"], 0);
    assert_eq!(carols["projects"], json!([]));

    // Review: members only.
    let review_path = |id: &str, what: &str| format!("/api/v1/gallery/{id}/{what}");
    let liked = put(
        &app,
        &bob.key,
        &review_path(&first, "feedback"),
        json!({"feedback": "like", "comment": "Lovely"}),
    )
    .await;
    assert_eq!(liked.status(), 204);
    let stranger = put(
        &app,
        &carol.key,
        &review_path(&first, "feedback"),
        json!({"feedback": "dislike"}),
    )
    .await;
    assert_eq!(stranger.status(), 404);
    let wrong = put(
        &app,
        &bob.key,
        &review_path(&first, "feedback"),
        json!({"feedback": "meh"}),
    )
    .await;
    assert_eq!(answer(wrong, 400).await["detail"][0]["field"], "feedback");
    let reviewed = put(
        &app,
        &alice.key,
        &review_path(&first, "review"),
        json!({"status": "approved", "annotations": [{"x": 1, "note": "crop"}]}),
    )
    .await;
    assert_eq!(reviewed.status(), 204);
    let claimed = app
        .post(&bob.key, &review_path(&first, "claim"), json!({}))
        .await;
    assert_eq!(claimed.status(), 204);
    let second_claim = app
        .post(&alice.key, &review_path(&first, "claim"), json!({}))
        .await;
    assert_eq!(second_claim.status(), 409, "bob holds it");
    let board = app.get_ok(&alice.key, &format!("{BOARD}?order=asc")).await;
    let door = &images(&board, 0)[0];
    assert_eq!(
        (&door["feedback"], &door["feedback_comment"]),
        (&json!("like"), &json!("Lovely"))
    );
    assert_eq!(door["review_status"], "approved");
    assert_eq!(
        door["review_annotations"],
        json!([{"x": 1, "note": "crop"}])
    );
    assert_eq!(door["retouch_claim"]["by"], "bob");
    assert!(door["retouch_claim"]["at"].is_string());
    // The project's owner may release anyone's claim.
    let released = app.delete(&alice.key, &review_path(&first, "claim")).await;
    assert_eq!(released.status(), 204);

    // Only the owner changes or deletes the project; deleting keeps the items.
    let by_bob = app
        .delete(&bob.key, &format!("/api/v1/projects/{pid}"))
        .await;
    assert_eq!(by_bob.status(), 403);
    let renamed = answer(
        app.patch(
            &alice.key,
            &format!("/api/v1/projects/{pid}"),
            json!({"name": "Summer"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(renamed["name"], "Summer");
    let left = app
        .patch(
            &alice.key,
            &format!("/api/v1/gallery/{second}"),
            json!({"project_id": null}),
        )
        .await;
    assert_eq!(left.status(), 200);
    let board = app
        .get_ok(&alice.key, &format!("{BOARD}?project_id={pid}"))
        .await;
    assert_eq!(
        board["projects"][0]["total_images"], 2,
        "second left the project"
    );
    assert_eq!(
        app.delete(&alice.key, &format!("/api/v1/projects/{pid}"))
            .await
            .status(),
        204
    );
    assert_eq!(app.get_ok(&bob.key, BOARD).await["pagination"]["total"], 0);
    assert_eq!(
        app.get(&alice.key, &format!("/api/v1/gallery/{first}"))
            .await
            .status(),
        200,
        "the items stay"
    );

    // Scopes: a read-only key reads and writes nothing.
    let reader = app.key("alice", Some("projects:read")).await;
    assert_eq!(app.get(&reader, BOARD).await.status(), 200);
    assert_eq!(app.get(&reader, "/api/v1/projects").await.status(), 200);
    let write = app
        .post(&reader, "/api/v1/projects", json!({"name": "Nope"}))
        .await;
    assert_eq!(write.status(), 403);
    let no_auth = app.client().get(app.url(BOARD)).send().await.unwrap();
    assert_eq!(no_auth.status(), 401);
}

/// Videos wait for a media job; here the test is the worker: one job finishes after
/// 1.5 s, one fails for good. Trashing an image takes it out of the page and the counts.
async fn stats_follow_processing_failures_and_deletes(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    let (_, project) = team(&app, &alice.key).await;
    let pid = project.to_string();
    let mut ids = Vec::new();
    for name in ["done.mp4", "broken.mp4"] {
        let video = fixtures::mp4_container(5000);
        let uploaded = app
            .upload(&alice.key, name, video, &[("project_id", &pid)])
            .await;
        ids.push(
            answer(uploaded, 201).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let image = upload_into(&app, &alice.key, "still.png", &[("project_id", &pid)]).await;
    let image = answer(image, 201).await["id"].as_str().unwrap().to_owned();
    let counts = |board: &Value| {
        let p = &board["projects"][0];
        (
            p["total_images"].as_i64().unwrap(),
            p["completed_images"].as_i64().unwrap(),
            p["failed_images"].as_i64().unwrap(),
        )
    };
    let board = app.get_ok(&alice.key, BOARD).await;
    assert_eq!(counts(&board), (3, 1, 0), "two videos pending");
    let shown = images(&board, 0);
    let by_name = |name: &str| {
        shown
            .iter()
            .find(|i| i["original_filename"] == name)
            .unwrap()
            .clone()
    };
    let still = by_name("still.png");
    assert!(
        still["processing_time"].as_f64().is_some_and(|s| s >= 0.0),
        "the upload rendered it: {still}"
    );
    assert!(still["output"]["thumbnail"].is_string());
    let waiting = by_name("done.mp4");
    assert_eq!(waiting["processing_time"], Value::Null);
    assert_eq!(
        waiting["output"]["thumbnail"],
        Value::Null,
        "no thumb before its job"
    );
    let pending = app
        .get_ok(&alice.key, &format!("{BOARD}?status=pending"))
        .await;
    assert_eq!(images(&pending, 0).len(), 2);

    let (db, now, lease) = (app.db(), app.now(), chrono::Duration::minutes(10));
    for _ in 0..2 {
        let job = db.claim_job(now, now + lease, 3).await.unwrap().unwrap();
        if job.item.as_str() == ids[0] {
            db.finish_job(&job, ProcessedMedia::default(), now, 1500)
                .await
                .unwrap();
        } else {
            db.fail_job(&job, "decoder exploded", true, now)
                .await
                .unwrap();
        }
    }
    let board = app.get_ok(&alice.key, &format!("{BOARD}?order=asc")).await;
    assert_eq!(counts(&board), (3, 2, 1));
    let shown = images(&board, 0);
    let by_name = |name: &str| {
        shown
            .iter()
            .find(|i| i["original_filename"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("done.mp4")["processing_time"], 1.5);
    assert_eq!(by_name("done.mp4")["error_message"], Value::Null);
    assert_eq!(
        by_name("done.mp4")["output"]["thumbnail"],
        Value::Null,
        "its job made no thumb"
    );
    assert_eq!(by_name("broken.mp4")["processing_time"], Value::Null);
    assert_eq!(by_name("broken.mp4")["status"], "failed");
    assert_eq!(by_name("broken.mp4")["error_message"], "decoder exploded");
    let failed = app
        .get_ok(&alice.key, &format!("{BOARD}?status=failed"))
        .await;
    assert_eq!(images(&failed, 0).len(), 1);

    assert_eq!(
        app.delete(&alice.key, &format!("/api/v1/gallery/{image}"))
            .await
            .status(),
        200
    );
    let board = app.get_ok(&alice.key, BOARD).await;
    assert_eq!(
        counts(&board),
        (2, 1, 1),
        "a trashed image leaves the counts"
    );
    assert!(images(&board, 0)
        .iter()
        .all(|i| i["original_filename"] != "still.png"));
}
