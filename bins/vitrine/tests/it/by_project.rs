//! Spec 4's page: parameters, defaults, bounds, filters, sorts, pages and errors of
//! `/gallery/by-project`, with a second member and projects of every kind.

use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, TestApp};

use super::projects::{answer, images, put, team, upload_into, BOARD};

backend_tests!(by_project_filters_sorts_and_pages);

async fn by_project_filters_sorts_and_pages(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let (_, shared) = team(&app, &alice.key).await;
    let shared = shared.to_string();
    let mut projects = vec![shared.clone()];
    for name in ["Autumn", "Winter"] {
        let id = app
            .post(&alice.key, "/api/v1/projects", json!({"name": name}))
            .await;
        projects.push(answer(id, 201).await["id"].as_i64().unwrap().to_string());
    }
    for name in ["c.png", "a.png", "b.png"] {
        let uploaded = upload_into(&app, &alice.key, name, &[("project_id", &shared)]).await;
        assert_eq!(uploaded.status(), 201);
    }
    let bobs = upload_into(&app, &bob.key, "z.png", &[("project_id", &shared)]).await;
    let bobs = answer(bobs, 201).await["id"].as_str().unwrap().to_owned();
    put(
        &app,
        &alice.key,
        &format!("/api/v1/gallery/{bobs}/feedback"),
        json!({"feedback": "dislike"}),
    )
    .await;
    let winter = &projects[2];
    upload_into(&app, &alice.key, "w.png", &[("project_id", winter)]).await;

    let board = |query: &str| {
        let (app, key, query) = (&app, alice.key.clone(), query.to_owned());
        async move { app.get_ok(&key, &format!("{BOARD}?{query}")).await }
    };
    // Projects newest first by default, 3 in all; pages of 2.
    let first = board("per_page=2").await;
    assert_eq!(
        first["pagination"],
        json!({"page": 1, "per_page": 2, "total": 3, "pages": 2, "has_next": true, "has_prev": false})
    );
    let keys: Vec<&str> = first["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["project_key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["WINTER", "AUTUMN"]);
    let last = board("per_page=2&page=2").await;
    assert_eq!(last["projects"][0]["project_key"], "SUMMER-2026");
    assert_eq!(last["pagination"]["has_prev"], true);
    assert_eq!(board("page=9").await["projects"], json!([]));

    // Images by name, descending by default; at most max_images_per_project.
    let summer = board(&format!("project_id={shared}&max_images_per_project=2")).await;
    let names: Vec<String> = images(&summer, 0)
        .iter()
        .map(|i| i["original_filename"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["z.png", "c.png"]);
    assert_eq!(
        summer["projects"][0]["total_images"], 4,
        "stats see every image"
    );

    // Image filters leave out projects with no match, and do not narrow the stats.
    let mine = board("ownership=mine&order=asc").await;
    assert_eq!(
        mine["pagination"]["total"], 2,
        "summer and winter; autumn is empty"
    );
    let summer_mine = images(&mine, 0);
    assert_eq!(summer_mine.len(), 3);
    assert_eq!(mine["projects"][0]["total_images"], 4);
    let theirs = board("ownership=shared").await;
    assert_eq!(theirs["pagination"]["total"], 1);
    assert_eq!(images(&theirs, 0)[0]["original_filename"], "z.png");
    let disliked = board("feedback=dislike").await;
    assert_eq!(images(&disliked, 0).len(), 1);
    let unreviewed = board("feedback=none&feedback=like&order=asc").await;
    assert_eq!(images(&unreviewed, 0).len(), 3);
    // Out of the project and back: its review stayed behind, so it counts as unreviewed.
    for project in [Value::Null, json!(shared.parse::<i64>().unwrap())] {
        let moved = app
            .patch(
                &bob.key,
                &format!("/api/v1/gallery/{bobs}"),
                json!({"project_id": project}),
            )
            .await;
        assert_eq!(moved.status(), 200);
    }
    assert_eq!(board("feedback=dislike").await["pagination"]["total"], 0);
    let none = board(&format!("project_id={shared}&feedback=none")).await;
    assert_eq!(images(&none, 0).len(), 4);
    assert_eq!(board("status=failed").await["pagination"]["total"], 0);
    assert_eq!(board("status=completed").await["pagination"]["total"], 2);

    // Search by name, key or ID.
    assert_eq!(
        board("search=autu").await["projects"][0]["project_key"],
        "AUTUMN"
    );
    assert_eq!(board("search=winter").await["pagination"]["total"], 1);
    let by_id = board(&format!("search={}", projects[1])).await;
    assert_eq!(by_id["projects"][0]["project_key"], "AUTUMN");
    assert_eq!(
        board("search=100%25").await["pagination"]["total"],
        0,
        "% is literal"
    );

    // By quality score: a checkerboard has detail, flat grey none.
    for (name, bytes) in [("flat.png", picture(false)), ("checks.png", picture(true))] {
        let uploaded = app
            .upload(&alice.key, name, bytes, &[("project_id", winter)])
            .await;
        assert_eq!(uploaded.status(), 201);
    }
    let by_score = |order: &'static str| {
        let query = format!("project_id={winter}&sort_by=quality_score&order={order}");
        async move {
            let page = board(&query).await;
            images(&page, 0)
                .iter()
                .map(|i| i["original_filename"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let place = |names: &[String], name: &str| names.iter().position(|n| n == name).unwrap();
    let best_first = by_score("desc").await;
    assert_eq!(best_first[0], "checks.png", "{best_first:?}");
    assert!(place(&best_first, "checks.png") < place(&best_first, "flat.png"));
    let worst_first = by_score("asc").await;
    assert!(place(&worst_first, "flat.png") < place(&worst_first, "checks.png"));

    // Every bad parameter is named, in spec 4's error shape.
    let refused = app
        .get(
            &alice.key,
            &format!("{BOARD}?per_page=101&order=sideways&sort_by=size&ownership=all&feedback=meh"),
        )
        .await;
    let refused = answer(refused, 400).await;
    assert_eq!(refused["error"], "Invalid request");
    assert_eq!(refused["statusCode"], 400);
    let mut fields: Vec<&str> = refused["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["feedback", "order", "ownership", "per_page", "sort_by"]
    );
    assert!(refused["detail"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["position"] == "query"));
}

/// A 96×96 PNG: a black and white checkerboard, or flat grey.
fn picture(checks: bool) -> Vec<u8> {
    let image = image::RgbImage::from_fn(96, 96, |x, y| {
        let v = if checks && (x / 8 + y / 8) % 2 == 0 {
            230
        } else {
            30
        };
        let v = if checks { v } else { 128 };
        image::Rgb([v, v, v])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
