//! A checked API key is trusted for a while without the database: a revocation made
//! through the instance itself takes effect at once, one made by another process within
//! `credential_cache_secs`.

use std::time::{Duration, Instant};

use vitrine_test_support::{database_tests, PgSchema, TestApp, TestBackend, Vitrine};

const BIN: &str = env!("CARGO_BIN_EXE_vitrine");

database_tests!(
    a_key_revoked_through_the_instance_stops_at_once,
    a_key_revoked_by_another_process_stops_within_the_bound,
);

async fn a_key_revoked_through_the_instance_stops_at_once(backend: TestBackend) {
    // Trusted for an hour: only the revocation itself can make the key stop.
    let app = TestApp::builder(backend)
        .with_limits(|limits| limits.logins.credentials_trusted_for = Duration::from_secs(3600))
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let spare = app.key("alice", None).await;
    for key in [&alice.key, &spare, &alice.key] {
        assert_eq!(app.get(key, "/api/v1/gallery").await.status(), 200);
    }
    app.revoke_key("alice", &alice.key).await;
    assert_eq!(app.get(&alice.key, "/api/v1/gallery").await.status(), 401);
    assert_eq!(app.get(&spare, "/api/v1/gallery").await.status(), 200);
}

async fn a_key_revoked_by_another_process_stops_within_the_bound(backend: TestBackend) {
    const TRUSTED_SECS: u64 = 3;
    let dir = tempfile::tempdir().unwrap();
    let _schema;
    let mut service = Vitrine::new(BIN)
        .arg("--data-dir")
        .arg(dir.path().display().to_string())
        .env("VITRINE_CREDENTIAL_CACHE_SECS", TRUSTED_SECS.to_string());
    if let TestBackend::Postgres(server) = &backend {
        let schema = PgSchema::create(server);
        service = service.arg("--database-url").arg(schema.url());
        _schema = schema;
    }
    service.run(&["user", "add", "alice", "--password", "alice-secret"]);
    let key = service.run(&["key", "create", "--user", "alice"]);
    let server = service.serve().await;
    let client = reqwest::Client::new();
    let status = || async {
        client
            .get(server.url("/api/v1/gallery"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(status().await, 200);
    let checked = Instant::now();
    // The command line is another process: the server hears nothing of it.
    service.run(&["key", "revoke", "--user", "alice", &key]);
    let trusted = status().await;
    if checked.elapsed() < Duration::from_secs(TRUSTED_SECS - 1) {
        assert_eq!(trusted, 200, "the server asked the database again at once");
    }
    while status().await == 200 {
        assert!(
            checked.elapsed() < Duration::from_secs(TRUSTED_SECS) + Duration::from_millis(1500),
            "the revoked key still worked {:?} after it was checked",
            checked.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status().await, 401);
}
