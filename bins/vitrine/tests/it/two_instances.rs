//! Two `vitrine serve` processes on one PostgreSQL database and one bucket are one service.

use serde_json::{json, Value};
use vitrine_test_support::{
    fixtures, get_json, s3_test_settings, PgSchema, TestBackend, TestStore, Vitrine, S3_TEST_BUCKET,
};

const BIN: &str = env!("CARGO_BIN_EXE_vitrine");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_records_blobs_and_secrets() {
    let (Some(TestBackend::Postgres(pg)), Some(TestStore::S3(endpoint))) =
        (TestBackend::postgres_from_env(), TestStore::s3_from_env())
    else {
        return;
    };
    s3_test_settings(&endpoint).await; // makes sure the bucket exists
    let schema = PgSchema::create(&pg);
    let service = Vitrine::new(BIN)
        .arg("--database-url")
        .arg(schema.url())
        .arg("--store")
        .arg(format!("s3://{S3_TEST_BUCKET}/two-{}", unique()))
        .with_s3_endpoint(&endpoint);
    service.run(&["user", "add", "alice", "--password", "alice-secret"]);
    let key = service.run(&["key", "create", "--user", "alice"]);
    let (a, b) = (service.serve().await, service.serve().await);
    let client = reqwest::Client::new();

    // Upload through A.
    let png = fixtures::png(64, 48);
    let created = a
        .upload(&key, "shared.png", png.clone(), &[("tags", "start")])
        .await;
    let id = created["id"].as_str().unwrap().to_owned();

    // Read and download through B.
    let seen: Value = get_json(format!("{}/api/v1/gallery/{id}", b.base), &key).await;
    assert_eq!(seen["tags"], json!(["start"]));
    let bytes = client
        .get(format!("{}/api/v1/gallery/{id}/download", b.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.to_vec(), png);

    // A's signed URL verifies on B: the signing secret lives in the database.
    let signed = created["url"].as_str().unwrap().replace(&a.base, &b.base);
    let through_b = client.get(&signed).send().await.unwrap();
    assert_eq!(through_b.status(), 200);
    assert_eq!(through_b.bytes().await.unwrap().to_vec(), png);

    // A token issued by A works on B.
    let token: Value = client
        .post(format!("{}/api/v1/auth/token", a.base))
        .json(&json!({"name": "alice", "password": "alice-secret"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwt = token["access_token"].as_str().unwrap();
    let with_jwt = client
        .get(format!("{}/api/v1/gallery", b.base))
        .bearer_auth(jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(with_jwt.status(), 200);

    // Concurrent PATCHes through both instances: each lands whole, none is lost.
    let item_url = |base: &str| format!("{base}/api/v1/gallery/{id}");
    let mut sent_tag_sets = Vec::new();
    let mut patches = Vec::new();
    for round in 0..10 {
        let tags = vec![format!("a{round}"), format!("b{round}")];
        sent_tag_sets.push(tags.clone());
        let (tag_base, fav_base) = if round % 2 == 0 {
            (&a.base, &b.base)
        } else {
            (&b.base, &a.base)
        };
        patches.push(
            client
                .patch(item_url(tag_base))
                .bearer_auth(&key)
                .json(&json!({"tags": tags}))
                .send(),
        );
        patches.push(
            client
                .patch(item_url(fav_base))
                .bearer_auth(&key)
                .json(&json!({"favorite": round % 2 == 0, "description": format!("round {round}")}))
                .send(),
        );
    }
    for response in futures::future::join_all(patches).await {
        let response = response.unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    let after: Value = get_json(item_url(&a.base), &key).await;
    let tags: Vec<String> = serde_json::from_value(after["tags"].clone()).unwrap();
    let mut sorted_sets: Vec<Vec<String>> = sent_tag_sets
        .into_iter()
        .map(|mut t| {
            t.sort();
            t
        })
        .collect();
    sorted_sets.dedup();
    assert!(
        sorted_sets.contains(&tags),
        "tags are one whole PATCH, not a mix: {tags:?}"
    );
    let round: u32 = after["description"]
        .as_str()
        .and_then(|d| d.strip_prefix("round "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the other field's PATCHes landed too: {after}"));
    assert_eq!(
        after["favorite"],
        round.is_multiple_of(2),
        "favorite and description come from one PATCH: {after}"
    );

    // A deletion on B is seen on A.
    let deleted = client
        .delete(item_url(&b.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    let on_a: Value = get_json(item_url(&a.base), &key).await;
    assert_eq!(on_a["status"], "trash");
    let active: Value = get_json(format!("{}/api/v1/gallery", a.base), &key).await;
    assert_eq!(active["total"], 0);
}

fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}-{nanos}", std::process::id())
}
