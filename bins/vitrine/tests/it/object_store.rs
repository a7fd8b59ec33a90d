//! Behaviour that depends on the blob store itself: large multipart uploads, start-up checks.

use vitrine_storage::{open_store, StoreUrl};
use vitrine_test_support::{backend_tests, fixtures, s3_test_settings, TestApp, TestStore};

backend_tests!(a_large_upload_round_trips_through_multipart);

/// 20 MiB: more than two 8 MiB parts, so S3 receives a real multipart upload.
async fn a_large_upload_round_trips_through_multipart(app: TestApp) {
    let alice = app.user("alice").await;
    let mut bytes = fixtures::mp4_container(20 * 1024 * 1024 + 123);
    for (i, byte) in bytes.iter_mut().enumerate().skip(64) {
        *byte = (i % 251) as u8;
    }
    let item = app.upload_ok(&alice.key, "big.mp4", bytes.clone()).await;
    assert_eq!(item["size"], bytes.len());
    let id = item["id"].as_str().unwrap();
    let back = app
        .get(&alice.key, &format!("/api/v1/gallery/{id}/download"))
        .await;
    assert_eq!(back.status(), 200);
    assert_eq!(
        back.headers()["content-length"],
        bytes.len().to_string().as_str()
    );
    let back = back.bytes().await.unwrap();
    assert!(
        back.as_ref() == bytes.as_slice(),
        "the downloaded bytes differ"
    );
    assert_eq!(app.blob_objects().await, 1);
}

#[tokio::test]
async fn a_missing_bucket_is_a_clear_start_up_error() {
    let Some(TestStore::S3(endpoint)) = TestStore::s3_from_env() else {
        return;
    };
    let settings = s3_test_settings(&endpoint).await;
    let missing = StoreUrl::S3 {
        bucket: format!("no-such-bucket-{}", std::process::id()),
        prefix: String::new(),
    };
    let err = open_store(&missing, &settings)
        .await
        .err()
        .expect("a missing bucket must fail");
    let message = err.to_string();
    assert!(message.contains("no-such-bucket"), "{message}");
    assert!(message.contains("cannot open the blob store"), "{message}");
}
