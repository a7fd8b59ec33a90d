//! The media job queue: videos processed by the workers every server runs (ffprobe for
//! duration and size, ffmpeg for a still and its thumb), life without ffmpeg, lease
//! expiry and retries, and concurrent workers never sharing a job.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Duration as Span;
use serde_json::Value;
use vitrine_domain::ports::JobRepository;
use vitrine_media::{Prober, VideoTools};
use vitrine_test_support::{backend_tests, database_tests, fixtures, TestApp, TestBackend};

backend_tests!(a_video_gets_duration_a_still_and_a_thumb);

database_tests!(
    leases_expire_and_jobs_retry,
    concurrent_workers_never_share_a_job,
    big_images_get_their_variants_from_the_queue,
    images_from_before_the_quality_score_get_one_from_a_missing_regeneration,
);

/// GETs the item until the pipeline has finished with it.
async fn processed(app: &TestApp, key: &str, id: &str) -> Value {
    for _ in 0..300 {
        let item = app.get_ok(key, &format!("/api/v1/gallery/{id}")).await;
        if item["processing"] == "completed" || item["processing"] == "failed" {
            return item;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("item {id} was not processed in 15 s");
}

async fn jpeg_size(app: &TestApp, url: &Value) -> (u32, u32, usize) {
    let bytes = app
        .send(app.client().get(url.as_str().unwrap()))
        .await
        .bytes()
        .await
        .unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    (image.width(), image.height(), bytes.len())
}

async fn a_video_gets_duration_a_still_and_a_thumb(app: TestApp) {
    let Some(video) = fixtures::mp4(320, 240, 2, &[]) else {
        return;
    };
    let alice = app.user("alice").await;
    let uploaded = app.upload_ok(&alice.key, "clip.mp4", video.clone()).await;
    assert_ne!(
        uploaded["processing"], "completed",
        "videos go through the queue"
    );
    let id = uploaded["id"].as_str().unwrap();

    let item = processed(&app, &alice.key, id).await;
    assert_eq!(item["processing"], "completed", "{item}");
    let duration = item["duration"].as_f64().unwrap();
    assert!((duration - 2.0).abs() < 0.2, "duration {duration}");
    assert_eq!(item["codec"], "h264");
    assert_eq!(
        (item["width"].clone(), item["height"].clone()),
        (320.into(), 240.into())
    );
    let (fw, fh, frame_len) = jpeg_size(&app, &item["frameUrl"]).await;
    assert_eq!((fw, fh), (320, 240));
    let (tw, th, thumb_len) = jpeg_size(&app, &item["thumbnailUrl"]).await;
    assert_eq!((tw, th), (256, 192));
    assert!(item["placeholder"].is_string());
    let storage = app.get_ok(&alice.key, "/api/v1/gallery/storage").await;
    assert_eq!(storage["used"], video.len() + frame_len + thumb_len);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_ffmpeg_a_video_is_kept_without_a_still() {
    let app = TestApp::builder(TestBackend::Sqlite)
        .with_prober(Prober::with_video_tools(VideoTools {
            ffmpeg: "/nonexistent/ffmpeg".into(),
            ffprobe: "/nonexistent/ffprobe".into(),
            ..VideoTools::default()
        }))
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let uploaded = app
        .upload_ok(&alice.key, "clip.mp4", fixtures::mp4_container(5000))
        .await;
    let item = processed(&app, &alice.key, uploaded["id"].as_str().unwrap()).await;
    assert_eq!(item["processing"], "completed");
    assert_eq!(item["duration"], Value::Null);
    assert_eq!(item["codec"], Value::Null);
    assert_eq!(item["frameUrl"], Value::Null);
    assert_eq!(item["thumbnailUrl"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_heif_convert_avif_is_kept_without_variants() {
    let app = TestApp::builder(TestBackend::Sqlite)
        .with_prober(Prober::default().with_heif_convert("/nonexistent/heif-convert"))
        .spawn()
        .await;
    let Some(avif) = fixtures::avif(320, 240) else {
        return;
    };
    let alice = app.user("alice").await;
    let uploaded = app.upload_ok(&alice.key, "web.avif", avif).await;
    let item = processed(&app, &alice.key, uploaded["id"].as_str().unwrap()).await;
    assert_eq!(item["processing"], "completed");
    assert_eq!(item["thumbnailUrl"], Value::Null);
    assert_eq!(item["mediumUrl"], Value::Null);
    let download = app
        .send(
            app.client()
                .get(app.url(&format!(
                    "/api/v1/gallery/{}/download",
                    item["id"].as_str().unwrap()
                )))
                .bearer_auth(&alice.key),
        )
        .await;
    assert_eq!(download.status(), 200);
}

async fn leases_expire_and_jobs_retry(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    app.upload_ok(&alice.key, "clip.mp4", fixtures::mp4_container(5000))
        .await;
    let db = app.db();
    let now = app.now();
    let lease = Span::minutes(10);

    let first = db.claim_job(now, now + lease, 3).await.unwrap().unwrap();
    assert_eq!(first.attempts, 1);
    assert_eq!(
        db.claim_job(now, now + lease, 3).await.unwrap(),
        None,
        "leased"
    );
    // The worker died: after its lease another takes the job over.
    let later = now + Span::minutes(11);
    let second = db
        .claim_job(later, later + lease, 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((second.id.clone(), second.attempts), (first.id.clone(), 2));
    // It fails; it is retried while attempts remain, then left failed.
    db.fail_job(&second, "decoder exploded", false, later)
        .await
        .unwrap();
    let third = db
        .claim_job(later, later + lease, 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(third.attempts, 3);
    db.fail_job(&third, "decoder exploded again", true, later)
        .await
        .unwrap();
    let much_later = later + Span::hours(1);
    assert_eq!(
        db.claim_job(much_later, much_later + lease, 3)
            .await
            .unwrap(),
        None
    );
    let item = app.get_ok(&alice.key, "/api/v1/gallery").await;
    assert_eq!(item["items"][0]["processing"], "failed");
}

async fn concurrent_workers_never_share_a_job(backend: TestBackend) {
    const JOBS: usize = 24;
    let app = TestApp::builder(backend)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    for n in 0..JOBS {
        app.upload_ok(&alice.key, "clip.mp4", fixtures::mp4_container(5000 + n))
            .await;
    }
    let now = app.now();
    let workers = (0..8).map(|_| {
        let db = app.db();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = db.claim_job(now, now + Span::minutes(10), 3).await.unwrap() {
                mine.push(job.id);
            }
            mine
        })
    });
    let claimed: Vec<String> = futures::future::join_all(workers)
        .await
        .into_iter()
        .flat_map(Result::unwrap)
        .collect();
    let distinct: HashSet<&String> = claimed.iter().collect();
    assert_eq!(claimed.len(), JOBS, "every job claimed");
    assert_eq!(distinct.len(), JOBS, "and none twice");
}

/// Over `fast_path_max_bytes` the upload answers at once and a worker makes the variants.
async fn big_images_get_their_variants_from_the_queue(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .with_limits(|limits| limits.fast_path_max_bytes = 1_000)
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let png = fixtures::png(1200, 300);
    let uploaded = app.upload_ok(&alice.key, "wide.png", png.clone()).await;
    assert_eq!(uploaded["processing"], "pending");
    assert_eq!(uploaded["thumbnailUrl"], Value::Null);

    let item = processed(&app, &alice.key, uploaded["id"].as_str().unwrap()).await;
    assert_eq!(item["processing"], "completed");
    assert_eq!(jpeg_size(&app, &item["thumbnailUrl"]).await.0, 256);
    assert_eq!(jpeg_size(&app, &item["mediumUrl"]).await.0, 1024);
    assert!(item["placeholder"].is_string());
    let storage = app.get_ok(&alice.key, "/api/v1/gallery/storage").await;
    assert_eq!(storage["used"], fixtures::quota_cost(&png, "image/png"));
}

/// Items uploaded before the pipeline scored quality have none; `regenerate --missing`
/// (`Library::queue_regeneration(true)`) queues exactly those, and the workers score them.
async fn images_from_before_the_quality_score_get_one_from_a_missing_regeneration(
    backend: TestBackend,
) {
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    let sharp = app
        .upload_ok(&alice.key, "sharp.png", fixtures::png(300, 200))
        .await;
    let id = sharp["id"].as_str().unwrap().to_owned();
    let scored = sharp["qualityScore"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&scored), "{sharp}");
    let untouched = app
        .upload_ok(&alice.key, "other.png", fixtures::png(200, 300))
        .await;

    app.execute_sql(format!(
        "UPDATE items SET quality_score = NULL WHERE id = '{id}'"
    ))
    .await;
    let before = app
        .get_ok(&alice.key, &format!("/api/v1/gallery/{id}"))
        .await;
    assert_eq!(before["qualityScore"], Value::Null);
    let queued = app.library().queue_regeneration(true).await.unwrap();
    assert_eq!(
        queued.iter().map(ToString::to_string).collect::<Vec<_>>(),
        std::slice::from_ref(&id),
        "only the unscored image"
    );
    let item = processed(&app, &alice.key, &id).await;
    assert_eq!(
        item["qualityScore"].as_f64(),
        Some(scored),
        "the same pixels, the same score"
    );
    assert_ne!(untouched["id"], item["id"]);
}
