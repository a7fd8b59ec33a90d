//! Storage plans: quota holds under 50 parallel uploads at the edge, the usage report,
//! and administrators changing a user's plan.

use serde_json::{json, Value};
use vitrine_domain::user::{Plan, Role};
use vitrine_test_support::{database_tests, fixtures, TestApp, TestBackend};

const PARALLEL: usize = 50;
const FIT: usize = 7;

database_tests!(parallel_uploads_never_pass_the_quota, admins_change_plans);

/// Room for exactly `FIT` copies of the file and a bit: every upload races for it.
async fn parallel_uploads_never_pass_the_quota(backend: TestBackend) {
    let png = fixtures::png(120, 80);
    let size = fixtures::quota_cost(&png, "image/png") as i64;
    let limit = size * FIT as i64 + size / 2;
    let app = TestApp::builder(backend)
        .with_limits(|limits| limits.quotas.free = Some(limit))
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let uploads = (0..PARALLEL).map(|_| app.upload(&alice.key, "edge.png", png.clone(), &[]));
    let mut accepted = 0;
    for response in futures::future::join_all(uploads).await {
        match response.status().as_u16() {
            201 => accepted += 1,
            413 => {
                let body: Value = response.json().await.unwrap();
                let message = body["error"].as_str().unwrap();
                assert!(
                    message.contains(&limit.to_string()) && message.contains("bytes used"),
                    "the refusal names used and limit: {message}"
                );
            }
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    assert_eq!(accepted, FIT, "exactly as many as fit");
    let storage = app.get_ok(&alice.key, "/api/v1/gallery/storage").await;
    assert_eq!(storage["used"], size * FIT as i64);
    assert_eq!(storage["limit"], limit);
    assert_eq!(app.count_rows("items").await, FIT as i64);
    assert_eq!(
        (app.count_rows("blobs").await, app.blob_objects().await),
        (2, 2),
        "one original and one thumb; refused uploads leave no bytes behind"
    );
}

async fn admins_change_plans(backend: TestBackend) {
    let png = fixtures::png(100, 100);
    let app = TestApp::builder(backend)
        .with_limits(|limits| {
            limits.quotas.free = Some(100);
            limits.quotas.pro = Some(10_000_000);
        })
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let admin = app.user_with("root", Role::Admin, Plan::Free).await;
    assert_eq!(
        app.upload(&alice.key, "a.png", png.clone(), &[])
            .await
            .status(),
        413
    );
    let path = "/api/v1/admin/users/alice/plan";
    let put = |key: &str, body: Value| {
        app.send(app.client().put(app.url(path)).bearer_auth(key).json(&body))
    };
    assert_eq!(put(&alice.key, json!({"plan": "pro"})).await.status(), 403);
    assert_eq!(put(&admin.key, json!({"plan": "gold"})).await.status(), 400);
    let unknown = app
        .send(
            app.client()
                .put(app.url("/api/v1/admin/users/nobody/plan"))
                .bearer_auth(&admin.key)
                .json(&json!({"plan": "pro"})),
        )
        .await;
    assert_eq!(unknown.status(), 404);

    let changed = put(&admin.key, json!({"plan": "pro"})).await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["plan"], "pro");
    assert_eq!(changed["limit"], 10_000_000);
    app.upload_ok(&alice.key, "a.png", png.clone()).await;
    let storage = app.get_ok(&alice.key, "/api/v1/gallery/storage").await;
    assert_eq!(storage["limit"], 10_000_000);
    assert_eq!(storage["used"], fixtures::quota_cost(&png, "image/png"));

    let unlimited: Value = put(&admin.key, json!({"plan": "enterprise"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unlimited["limit"], Value::Null);
    let storage = app.get_ok(&alice.key, "/api/v1/gallery/storage").await;
    assert_eq!(storage["limit"], Value::Null);
    assert_eq!(storage["limitFormatted"], "Unlimited");
}
