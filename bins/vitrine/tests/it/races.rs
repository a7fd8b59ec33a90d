//! Rules that read then write, raced. PostgreSQL runs at READ COMMITTED, where two requests
//! can both pass a check before either writes; SQLite serialises writers and would hide it,
//! so every scenario here runs on both.

use std::collections::{HashMap, HashSet};

use chrono::Duration;
use futures::future::join_all;
use serde_json::{json, Value};
use vitrine_domain::item::ProcessedMedia;
use vitrine_domain::ports::{ItemRepository, JobRepository};
use vitrine_domain::{DomainError, ItemId};
use vitrine_test_support::{database_tests, fixtures, TestApp, TestBackend, Visitor};

database_tests!(
    crossed_folder_moves_never_make_a_cycle,
    racing_folder_names_stay_unique_among_siblings,
    deleting_folders_with_their_contents_while_they_fill_loses_nothing,
    concurrent_collection_edits_keep_both_fields,
    emptying_the_trash_four_times_at_once_purges_each_item_once,
    deleting_for_good_while_restoring_leaves_one_outcome,
    links_made_at_once_leave_one_live,
    first_wrong_passwords_at_once_are_all_counted,
    forty_guesses_at_once_get_ten_password_checks,
    a_worker_whose_lease_ran_out_cannot_overwrite_the_new_owner,
);

const FOLDERS: &str = "/api/v1/gallery/folders";

/// A server without media workers, and the key of its one user, Alice.
async fn alice_alone(backend: TestBackend) -> (TestApp, String) {
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let key = app.user("alice").await.key;
    (app, key)
}

/// Every folder's parent, by folder ID, as the API lists them.
async fn parents(app: &TestApp, key: &str) -> HashMap<String, Option<String>> {
    let listed = app.get_ok(key, FOLDERS).await;
    listed["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let parent = f["parentId"].as_str().map(str::to_owned);
            (f["id"].as_str().unwrap().to_owned(), parent)
        })
        .collect()
}

/// Walks up from every folder; reaching a folder twice is a cycle.
fn assert_acyclic(parents: &HashMap<String, Option<String>>) {
    for start in parents.keys() {
        let mut seen = HashSet::new();
        let mut current = Some(start.clone());
        while let Some(id) = current {
            assert!(seen.insert(id.clone()), "cycle through {id}: {parents:?}");
            current = parents.get(&id).cloned().flatten();
        }
    }
}

/// Ten pairs of root folders; each pair is moved into each other at the same moment, all
/// twenty moves at once. Each pair must end with one move done and the other refused.
async fn crossed_folder_moves_never_make_a_cycle(backend: TestBackend) {
    let (app, key) = &alice_alone(backend).await;
    let mut pairs = Vec::new();
    for i in 0..10 {
        let a = app
            .create(key, FOLDERS, json!({ "name": format!("a{i}") }))
            .await;
        let b = app
            .create(key, FOLDERS, json!({ "name": format!("b{i}") }))
            .await;
        pairs.push((a, b));
    }
    let moves = pairs
        .iter()
        .flat_map(|(a, b)| [(a, b), (b, a)])
        .map(|(folder, parent)| {
            let path = format!("{FOLDERS}/{folder}");
            let app = &app;
            async move {
                let response = app.patch(key, &path, json!({ "parentId": parent })).await;
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap();
                (status, body)
            }
        });
    let outcomes = join_all(moves).await;
    for (pair, results) in pairs.iter().zip(outcomes.chunks(2)) {
        let mut statuses: Vec<u16> = results.iter().map(|(s, _)| *s).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "pair {pair:?}: {results:?}");
        let refused = results.iter().find(|(s, _)| *s == 409).unwrap();
        assert!(
            refused.1["error"].as_str().unwrap().contains("subfolders"),
            "{refused:?}"
        );
    }
    let tree = parents(app, key).await;
    assert_eq!(tree.len(), 20);
    assert_acyclic(&tree);
    let nested = tree.values().filter(|p| p.is_some()).count();
    assert_eq!(nested, 10, "one folder of each pair moved: {tree:?}");
}

/// Twenty creations and twenty renames to one name, all at once: one folder gets it.
async fn racing_folder_names_stay_unique_among_siblings(backend: TestBackend) {
    let (app, key) = &alice_alone(backend).await;
    let parent = app.create(key, FOLDERS, json!({ "name": "Trips" })).await;
    let mut others = Vec::new();
    for i in 0..20 {
        let body = json!({ "name": format!("draft {i}"), "parentId": parent });
        others.push(app.create(key, FOLDERS, body).await);
    }
    let creates = (0..20).map(|i| {
        // Case differs: names are unique case-insensitively.
        let name = if i % 2 == 0 { "Inbox" } else { "INBOX" };
        app.post(key, FOLDERS, json!({ "name": name, "parentId": parent }))
    });
    let app = &app;
    let renames = others.iter().map(|id| {
        let path = format!("{FOLDERS}/{id}");
        async move { app.patch(key, &path, json!({ "name": "inbox" })).await }
    });
    let (created, renamed) = futures::join!(join_all(creates), join_all(renames));
    let statuses: Vec<u16> = created
        .iter()
        .chain(renamed.iter())
        .map(|r| r.status().as_u16())
        .collect();
    let won = statuses.iter().filter(|s| **s == 200 || **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((won, refused), (1, 39), "{statuses:?}");

    let listed = app.get_ok(key, FOLDERS).await;
    let inboxes = listed["folders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"].as_str().unwrap().eq_ignore_ascii_case("inbox"))
        .count();
    assert_eq!(inboxes, 1, "{listed}");
}

/// Ten folders are deleted with `moveContents=true` while, at the same moment, a folder is
/// moved into each and a root folder takes the name of each one's child. Whatever order
/// the requests land in: no folder is lost with its parent, no two siblings share a name,
/// and nothing answers other than done or 409 / 404.
async fn deleting_folders_with_their_contents_while_they_fill_loses_nothing(backend: TestBackend) {
    let (app, key) = &alice_alone(backend).await;
    let mut doomed = Vec::new();
    let mut movers = Vec::new();
    for i in 0..10 {
        let parent = app
            .create(key, FOLDERS, json!({ "name": format!("old {i}") }))
            .await;
        app.create(
            key,
            FOLDERS,
            json!({ "name": format!("kid {i}"), "parentId": parent }),
        )
        .await;
        movers.push(
            app.create(key, FOLDERS, json!({ "name": format!("mover {i}") }))
                .await,
        );
        doomed.push(parent);
    }
    let app = &app;
    let deletes = doomed.iter().map(|id| async move {
        let path = format!("{FOLDERS}/{id}?moveContents=true");
        app.delete(key, &path).await.status().as_u16()
    });
    let moves = doomed
        .iter()
        .zip(&movers)
        .map(|(parent, mover)| async move {
            let path = format!("{FOLDERS}/{mover}");
            let moved = app.patch(key, &path, json!({ "parentId": parent })).await;
            moved.status().as_u16()
        });
    let rivals = (0..10).map(|i| async move {
        let made = app
            .post(key, FOLDERS, json!({ "name": format!("KID {i}") }))
            .await;
        made.status().as_u16()
    });
    let (deleted, moved, made) =
        futures::join!(join_all(deletes), join_all(moves), join_all(rivals));
    for status in deleted.iter().chain(&moved).chain(&made) {
        assert!(
            [200, 201, 404, 409].contains(status),
            "deleted {deleted:?} moved {moved:?} made {made:?}"
        );
    }

    let tree = parents(app, key).await;
    assert_acyclic(&tree);
    for (id, parent) in &tree {
        if let Some(parent) = parent {
            assert!(
                tree.contains_key(parent),
                "{id} hangs under a deleted folder"
            );
        }
    }
    for mover in &movers {
        assert!(
            tree.contains_key(mover),
            "the moved folder {mover} was lost"
        );
    }
    let listed = app.get_ok(key, FOLDERS).await;
    let mut siblings = HashSet::new();
    for folder in listed["folders"].as_array().unwrap() {
        let name = folder["name"].as_str().unwrap().to_lowercase();
        let parent = folder["parentId"].as_str().unwrap_or("").to_owned();
        assert!(
            siblings.insert((parent, name)),
            "two siblings share a name: {listed}"
        );
    }
    // Each deleted folder's child went up to the root, unless its rival took the name.
    let kids_at_root = listed["folders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["parentId"].is_null())
        .filter(|f| {
            f["name"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .starts_with("kid ")
        })
        .count();
    assert_eq!(kids_at_root, 10, "{listed}");
}

/// One request renames, another rewrites the description, at the same moment, many times
/// over: neither may undo the other.
async fn concurrent_collection_edits_keep_both_fields(backend: TestBackend) {
    let (app, key) = &alice_alone(backend).await;
    let collections = "/api/v1/gallery/collections";
    for round in 0..10 {
        let id = app
            .create(
                key,
                collections,
                json!({ "name": "before", "description": "before" }),
            )
            .await;
        let path = format!("{collections}/{id}");
        let name = app.patch(key, &path, json!({ "name": format!("name {round}") }));
        let description = app.patch(
            key,
            &path,
            json!({ "description": format!("description {round}") }),
        );
        let (name, description) = futures::join!(name, description);
        assert_eq!(
            (name.status().as_u16(), description.status().as_u16()),
            (200, 200)
        );
        let now = app.get_ok(key, &path).await;
        assert_eq!(
            (now["name"].as_str(), now["description"].as_str()),
            (
                Some(format!("name {round}").as_str()),
                Some(format!("description {round}").as_str())
            ),
            "round {round}"
        );
    }
}

/// Items whose bytes another item shares, trashed, and the trash emptied by four requests
/// at once, ten times over: every request answers 200, each item goes once, and the bytes
/// the kept item needs stay.
/// "Delete for good" and "Restore" on the same trashed item at once: exactly one wins, and
/// the item is either back in the library or gone with its bytes, never deleted while
/// active.
async fn deleting_for_good_while_restoring_leaves_one_outcome(backend: TestBackend) {
    let (app, key) = &alice_alone(backend).await;
    let (blobs_before, objects_before) = (app.count_rows("blobs").await, app.blob_objects().await);
    let mut restored_items = 0;
    for round in 0..12 {
        let item = app
            .upload_ok(key, &format!("r{round}.png"), fixtures::png(20 + round, 20))
            .await;
        let path = format!("/api/v1/gallery/{}", item["id"].as_str().unwrap());
        assert_eq!(app.delete(key, &path).await.status(), 200);
        let (restore_path, purge_path) =
            (format!("{path}/restore"), format!("{path}?permanent=true"));
        let (restore, purge) = futures::join!(
            app.post(key, &restore_path, json!({})),
            app.delete(key, &purge_path)
        );
        let (restored, purged) = (restore.status() == 200, purge.status() == 200);
        assert!(
            restored ^ purged,
            "round {round}: restore {} and purge {}: exactly one wins",
            restore.status(),
            purge.status()
        );
        let now = app.get(key, &path).await;
        if restored {
            restored_items += 1;
            assert_eq!(now.status(), 200);
            assert_eq!(now.json::<Value>().await.unwrap()["status"], "active");
        } else {
            assert_eq!(now.status(), 404, "round {round}: purged means gone");
        }
    }
    assert_eq!(app.count_rows("items").await, restored_items);
    // Each restored item keeps an original and a thumb; each purged one left nothing.
    assert_eq!(
        app.count_rows("blobs").await,
        blobs_before + 2 * restored_items
    );
    assert_eq!(
        app.blob_objects().await,
        objects_before + 2 * restored_items as usize
    );
}

async fn emptying_the_trash_four_times_at_once_purges_each_item_once(backend: TestBackend) {
    let (app, key) = &alice_alone(backend).await;
    let png = fixtures::png(40, 30);
    let kept = app.upload_ok(key, "kept.png", png.clone()).await;
    let kept = kept["id"].as_str().unwrap().to_owned();
    let usage_before = app
        .db()
        .bytes_used(&app.principal(key).await.user.id)
        .await
        .unwrap();
    let (blobs_before, objects_before) = (app.count_rows("blobs").await, app.blob_objects().await);
    for round in 0..10 {
        for copy in 0..2 {
            let item = app
                .upload_ok(key, &format!("copy{round}-{copy}.png"), png.clone())
                .await;
            let path = format!("/api/v1/gallery/{}", item["id"].as_str().unwrap());
            assert_eq!(app.delete(key, &path).await.status(), 200);
        }
        let empties = (0..4).map(|_| app.post(key, "/api/v1/gallery/trash/empty", json!({})));
        let mut purged = 0;
        for response in join_all(empties).await {
            let status = response.status();
            let body: Value = response.json().await.unwrap();
            assert_eq!(status, 200, "round {round}: {body}");
            purged += body["purged"].as_u64().unwrap();
        }
        assert_eq!(purged, 2, "round {round}: each trashed item purged once");
    }
    assert_eq!(app.count_rows("items").await, 1);
    assert_eq!(app.count_rows("blobs").await, blobs_before);
    assert_eq!(app.blob_objects().await, objects_before);
    let usage = app
        .db()
        .bytes_used(&app.principal(key).await.user.id)
        .await
        .unwrap();
    assert_eq!(usage, usage_before, "usage back to the kept item's");
    let download = app
        .get(key, &format!("/api/v1/gallery/{kept}/download"))
        .await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().as_ref(), png.as_slice());
}

/// Ten links made for one item at the same moment: exactly one of them opens.
async fn links_made_at_once_leave_one_live(backend: TestBackend) {
    let (app, key) = &alice_alone(backend).await;
    let item = app.upload_ok(key, "a.png", fixtures::png(20, 20)).await;
    let api = format!("/api/v1/gallery/{}/share", item["id"].as_str().unwrap());
    let creates = (0..10).map(|_| app.post(key, &api, json!({ "expiresIn": "1d" })));
    let mut pages = Vec::new();
    for response in join_all(creates).await {
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "{body}");
        let url = body["shareUrl"].as_str().unwrap();
        pages.push(url.trim_start_matches(&app.url("")).to_owned());
    }
    let visitor = Visitor::new(app);
    let mut statuses = Vec::new();
    for page in &pages {
        statuses.push(visitor.get(page).await.status().as_u16());
    }
    statuses.sort_unstable();
    let mut expected = vec![410; 9];
    expected.insert(0, 200);
    assert_eq!(statuses, expected);
}

/// A server allowing `per_link` wrong passwords per link, one link protected by
/// "right one", and `guesses` wrong passwords sent at it at once, each from its own visitor.
/// Returns the server, the link's page and the statuses of the guesses.
async fn guesses_at_once(
    backend: TestBackend,
    per_link: i64,
    guesses: usize,
) -> (TestApp, String, Vec<u16>) {
    let app = TestApp::builder(backend)
        .without_media_workers()
        .with_limits(|limits| {
            limits.shares.attempts_per_link = per_link;
            limits.shares.attempts_per_client = 1000;
        })
        .spawn()
        .await;
    let key = &app.user("alice").await.key;
    let item = app.upload_ok(key, "a.png", fixtures::png(20, 20)).await;
    let api = format!("/api/v1/gallery/{}/share", item["id"].as_str().unwrap());
    let created: Value = app
        .post(key, &api, json!({ "password": "right one" }))
        .await
        .json()
        .await
        .unwrap();
    let page = created["shareUrl"]
        .as_str()
        .unwrap()
        .trim_start_matches(&app.url(""))
        .to_owned();
    let mut visitors: Vec<Visitor> = (0..guesses).map(|_| Visitor::new(&app)).collect();
    let sent = visitors.iter_mut().map(|v| {
        let page = &page;
        async move { v.unlock(page, "wrong").await.status().as_u16() }
    });
    let statuses = join_all(sent).await;
    (app, page, statuses)
}

/// Twenty wrong passwords on a fresh link at once, each from its own visitor: every one
/// is an ordinary 401, and all twenty count (the twenty-first guess is refused).
async fn first_wrong_passwords_at_once_are_all_counted(backend: TestBackend) {
    let (app, page, statuses) = guesses_at_once(backend, 20, 20).await;
    assert_eq!(statuses, vec![401; 20]);
    let mut last = Visitor::new(&app);
    assert_eq!(last.unlock(&page, "right one").await.status(), 429);
}

/// Forty wrong guesses at a fresh link at once, against a limit of ten per link: each is
/// counted before its password is checked, so exactly ten are checked (401) and thirty are
/// turned away (429) without costing a hash.
async fn forty_guesses_at_once_get_ten_password_checks(backend: TestBackend) {
    let (_app, _page, statuses) = guesses_at_once(backend, 10, 40).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (10, 30), "{statuses:?}");
}

/// A worker claims a job, its lease runs out, a second worker claims it again. The first
/// worker's late result and late failure are refused, and the second one's stands.
async fn a_worker_whose_lease_ran_out_cannot_overwrite_the_new_owner(backend: TestBackend) {
    let (app, key) = &alice_alone(backend).await;
    let item = app.upload_ok(key, "a.png", fixtures::png(20, 20)).await;
    let item = ItemId::from(item["id"].as_str().unwrap().to_owned());
    let db = app.db();
    let start = chrono::Utc::now().naive_utc();
    db.enqueue_job(&item, 0, start).await.unwrap();
    let first = db
        .claim_job(start, start + Duration::minutes(1), 5)
        .await
        .unwrap()
        .unwrap();
    let later = start + Duration::minutes(2);
    let second = db
        .claim_job(later, later + Duration::minutes(1), 5)
        .await
        .unwrap()
        .expect("the expired lease is claimed again");
    assert_eq!(
        (first.id.as_str(), second.attempts),
        (second.id.as_str(), first.attempts + 1)
    );

    let late = db
        .finish_job(&first, ProcessedMedia::default(), later, 5)
        .await;
    assert!(matches!(late, Err(DomainError::Conflict(_))), "{late:?}");
    let late = db.fail_job(&first, "too late", true, later).await;
    assert!(matches!(late, Err(DomainError::Conflict(_))), "{late:?}");
    let shown = app.get_ok(key, &format!("/api/v1/gallery/{item}")).await;
    assert_eq!(shown["processing"], "processing", "{shown}");

    db.finish_job(&second, ProcessedMedia::default(), later, 5)
        .await
        .unwrap();
    let shown = app.get_ok(key, &format!("/api/v1/gallery/{item}")).await;
    assert_eq!(shown["processing"], "completed", "{shown}");
}
