//! The orphan sweeper: objects no row references and writes never finished go once older
//! than the grace period; nothing an item uses, and nothing an upload in progress writes.

use chrono::Duration;
use futures::future::join_all;
use vitrine_domain::library::sweeper::Swept;
use vitrine_test_support::{backend_tests, database_tests, fixtures, TestApp, TestBackend};

backend_tests!(what_a_crash_leaves_is_swept_after_the_grace_period);
database_tests!(sweeps_racing_uploads_and_each_other_take_only_orphans);

async fn what_a_crash_leaves_is_swept_after_the_grace_period(app: TestApp) {
    let alice = app.user("alice").await;
    let png = fixtures::png(640, 480);
    let item = app.upload_ok(&alice.key, "kept.png", png.clone()).await;
    let used = app.blob_objects().await;
    app.leave_orphan("objects/left-by-a-crash").await;
    app.leave_unfinished_write("objects/cut-short").await;
    let unfinished = app.unfinished_writes("objects/").await;
    assert_eq!(unfinished.len(), 1);
    // moto reports every multipart upload as begun in 2010; a folder store and real S3
    // tell the truth, and there a fresh unfinished write must stay too.
    let honest_start = unfinished[0].started > app.now() - Duration::days(1);
    let grace = Duration::hours(1);

    let young = app.library().sweep_orphans(grace).await.unwrap();
    assert_eq!(young.orphans, 0, "too young to be orphans");
    if honest_start {
        assert_eq!(young.unfinished, 0, "too young to be abandoned");
    }
    assert_eq!(app.blob_objects().await, used + 1);

    app.advance_clock(Duration::hours(2));
    let swept = app.library().sweep_orphans(grace).await.unwrap();
    assert_eq!(swept.orphans, 1);
    assert_eq!(swept.unfinished, usize::from(honest_start));
    assert_eq!(app.blob_objects().await, used, "only the orphan went");
    assert_eq!(app.unfinished_writes("objects/").await, []);
    let url = item["url"].as_str().unwrap();
    let original = app.send(app.client().get(url)).await;
    assert_eq!(
        original.bytes().await.unwrap(),
        png,
        "the item keeps its bytes"
    );
    let thumb = app
        .send(app.client().get(item["thumbnailUrl"].as_str().unwrap()))
        .await;
    assert_eq!(thumb.status(), 200, "and its variants");

    let again = app.library().sweep_orphans(grace).await.unwrap();
    assert_eq!(again, Swept::default());
}

/// Two instances sweeping while uploads arrive: the orphans go, every upload keeps its
/// bytes (its objects are younger than the grace period while it runs).
async fn sweeps_racing_uploads_and_each_other_take_only_orphans(backend: TestBackend) {
    const UPLOADS: usize = 12;
    const ORPHANS: usize = 30;
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    for n in 0..ORPHANS {
        let two_hours = std::time::Duration::from_secs(2 * 3600);
        app.leave_old_orphan(&format!("objects/orphan-{n}"), two_hours)
            .await;
    }
    let grace = Duration::hours(1);

    let pngs: Vec<Vec<u8>> = (0..UPLOADS)
        .map(|n| fixtures::png(100 + n as u32, 80))
        .collect();
    let uploads = join_all(
        pngs.iter()
            .map(|png| async { app.upload_ok(&alice.key, "racing.png", png.clone()).await }),
    );
    let sweeps = join_all((0..4).map(|_| app.library().sweep_orphans(grace)));
    let (items, sweeps) = tokio::join!(uploads, sweeps);

    let removed: usize = sweeps.into_iter().map(|swept| swept.unwrap().orphans).sum();
    assert!(
        (ORPHANS..=ORPHANS * 4).contains(&removed),
        "every orphan removed, none but orphans: {removed}"
    );
    for (item, png) in items.iter().zip(&pngs) {
        let url = item["url"].as_str().unwrap();
        let original = app.send(app.client().get(url)).await;
        assert_eq!(&original.bytes().await.unwrap(), png);
    }
    let after = app.library().sweep_orphans(grace).await.unwrap();
    assert_eq!(after.orphans, 0, "nothing left to sweep");
}
