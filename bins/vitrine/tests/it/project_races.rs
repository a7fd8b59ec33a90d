//! Spec 4's rules raced: uploads into a project deleted meanwhile, two members claiming
//! one image, projects named alike at once, a project's counts while its images come and
//! go at once.

use futures::future::join_all;
use serde_json::{json, Value};
use vitrine_test_support::{database_tests, fixtures, TestApp, TestBackend};

use super::projects::{answer, team, upload_into};

database_tests!(
    uploads_into_a_project_deleted_meanwhile_are_whole_or_refused,
    two_members_claim_one_image_at_once,
    projects_named_alike_at_once_get_distinct_keys,
    one_key_given_to_several_projects_at_once_goes_to_one,
    counts_hold_while_members_upload_move_and_trash_at_once,
);

/// Uploads check the project before their transaction writes it: a project deleted in
/// between makes an upload 404 or leaves its item out of any project, never half in one.
async fn uploads_into_a_project_deleted_meanwhile_are_whole_or_refused(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    let (_, project) = team(&app, &alice.key).await;
    let pid = project.to_string();
    let uploads = (0..10).map(|n| {
        let (app, key, pid) = (&app, alice.key.clone(), pid.clone());
        async move {
            let fields = [("project_id", pid.as_str()), ("job_id", "race")];
            let bytes = fixtures::png(30 + n, 20);
            app.upload(&key, &format!("{n}.png"), bytes, &fields).await
        }
    });
    let delete = async {
        tokio::time::sleep(std::time::Duration::from_millis(15)).await;
        app.delete(&alice.key, &format!("/api/v1/projects/{pid}"))
            .await
    };
    let (responses, deleted) = futures::join!(join_all(uploads), delete);
    assert_eq!(deleted.status(), 204);
    let mut kept = Vec::new();
    for response in responses {
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        match status {
            201 => kept.push(body["id"].as_str().unwrap().to_owned()),
            404 => assert_eq!(body["error"], "Project not found"),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(
        app.count_rows_where("items", "project_id IS NOT NULL OR job_id IS NOT NULL")
            .await,
        0,
        "no place outlives its project"
    );
    assert_eq!(
        app.count_rows("items").await,
        kept.len() as i64,
        "refused uploads left nothing"
    );
    for id in kept {
        let item = app
            .get_ok(&alice.key, &format!("/api/v1/gallery/{id}"))
            .await;
        assert_eq!(item["projectId"], Value::Null);
    }
}

async fn two_members_claim_one_image_at_once(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let (group, project) = team(&app, &alice.key).await;
    let mut keys = vec![alice.key.clone(), bob.key];
    for name in ["dana", "erin", "finn", "gus", "hal", "ivy"] {
        let member = app.user(name).await;
        app.post(
            &alice.key,
            &format!("/api/v1/groups/{group}/members"),
            json!({"user": name}),
        )
        .await;
        keys.push(member.key);
    }
    let item = upload_into(
        &app,
        &alice.key,
        "one.png",
        &[("project_id", &project.to_string())],
    )
    .await;
    let item = answer(item, 201).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/gallery/{item}/claim");
    let claims = keys.iter().map(|key| app.post(key, &path, json!({})));
    let statuses: Vec<u16> = join_all(claims)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 204).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
}

async fn projects_named_alike_at_once_get_distinct_keys(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let creates = (0..6).map(|_| app.post(&alice.key, "/api/v1/projects", json!({"name": "Same"})));
    let mut keys = Vec::new();
    for response in join_all(creates).await {
        keys.push(
            answer(response, 201).await["key"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    keys.sort();
    assert_eq!(
        keys,
        ["SAME", "SAME-2", "SAME-3", "SAME-4", "SAME-5", "SAME-6"]
    );
}

/// Renaming keys checks the key is free, then writes it: of six projects given one key at
/// once, one gets it and the others a 409, never a 500 or two alike.
async fn one_key_given_to_several_projects_at_once_goes_to_one(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let mut ids = Vec::new();
    for n in 0..6 {
        let created = app
            .post(
                &alice.key,
                "/api/v1/projects",
                json!({"name": format!("P{n}")}),
            )
            .await;
        ids.push(answer(created, 201).await["id"].as_i64().unwrap());
    }
    let paths: Vec<String> = ids
        .iter()
        .map(|id| format!("/api/v1/projects/{id}"))
        .collect();
    let renames = paths
        .iter()
        .map(|path| app.patch(&alice.key, path, json!({"key": "WANTED"})));
    let mut statuses: Vec<u16> = join_all(renames)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409]);
    let listed = app.get_ok(&alice.key, "/api/v1/projects").await;
    let holders = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["key"] == "WANTED")
        .count();
    assert_eq!(holders, 1);
}

/// The kept counts change in each image's own transaction: twelve uploads from two
/// members, four moves to another project and four trashes at once end with the counts
/// a recount gives.
async fn counts_hold_while_members_upload_move_and_trash_at_once(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let (_, project) = team(&app, &alice.key).await;
    let other = answer(
        app.post(&alice.key, "/api/v1/projects", json!({"name": "Other"}))
            .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let pid = project.to_string();
    let mut earlier = Vec::new();
    for n in 0..8 {
        let made = upload_into(
            &app,
            &alice.key,
            &format!("early-{n}.png"),
            &[("project_id", &pid)],
        )
        .await;
        earlier.push(answer(made, 201).await["id"].as_str().unwrap().to_owned());
    }
    let uploads = (0..12).map(|n| {
        let (app, pid) = (&app, pid.clone());
        let key = if n % 2 == 0 {
            alice.key.clone()
        } else {
            bob.key.clone()
        };
        async move {
            upload_into(app, &key, &format!("race-{n}.png"), &[("project_id", &pid)])
                .await
                .status()
                .as_u16()
        }
    });
    let moves = earlier[..4].iter().map(|id| {
        let (app, key, path) = (&app, alice.key.clone(), format!("/api/v1/gallery/{id}"));
        async move {
            app.patch(&key, &path, json!({"project_id": other}))
                .await
                .status()
                .as_u16()
        }
    });
    let trashes = earlier[4..].iter().map(|id| {
        let (app, key, path) = (&app, alice.key.clone(), format!("/api/v1/gallery/{id}"));
        async move { app.delete(&key, &path).await.status().as_u16() }
    });
    let (uploaded, moved, trashed) =
        futures::join!(join_all(uploads), join_all(moves), join_all(trashes));
    assert!(uploaded.iter().all(|s| *s == 201), "{uploaded:?}");
    assert!(
        moved.iter().chain(&trashed).all(|s| *s == 200),
        "{moved:?} {trashed:?}"
    );
    let board = app
        .get_ok(
            &alice.key,
            "/gallery/by-project?order=asc&max_images_per_project=200",
        )
        .await;
    let totals: Vec<(i64, usize)> = board["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["total_images"].as_i64().unwrap(),
                p["images"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(totals, [(12, 12), (4, 4)], "counted as the images listed");
}
