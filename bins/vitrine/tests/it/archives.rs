//! ZIP downloads: bulk and per collection, checked entry by entry and byte for byte with
//! an independent reader (the `zip` crate) and `unzip -t` where it is installed.

use std::io::{Cursor, Read};

use chrono::{Datelike, NaiveDateTime, Timelike};
use reqwest::header;
use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    bulk_download_streams_every_file_stored_and_unique,
    bulk_download_is_all_or_nothing,
    a_collection_downloads_as_a_zip,
    a_failure_mid_archive_breaks_the_transfer,
);

/// Entry name, stored bytes, compression and modification time of each entry.
struct Entry {
    name: String,
    bytes: Vec<u8>,
    stored: bool,
    modified: (u16, u8, u8, u8, u8),
}

fn read_zip(bytes: &[u8]) -> Vec<Entry> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a readable ZIP");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            let when = file.last_modified().unwrap();
            Entry {
                name: file.name().to_owned(),
                bytes,
                stored: file.compression() == zip::CompressionMethod::Stored,
                modified: (
                    when.year(),
                    when.month(),
                    when.day(),
                    when.hour(),
                    when.minute(),
                ),
            }
        })
        .collect()
}

/// `unzip -t` checks every CRC; skipped, saying so, where unzip is not installed.
fn unzip_test(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zip");
    std::fs::write(&path, bytes).unwrap();
    match std::process::Command::new("unzip")
        .arg("-t")
        .arg(&path)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "unzip -t: {}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(_) => vitrine_test_support::skipped(
            "the unzip -t check of an archive: unzip is not installed (.ci/run installs it)",
        ),
    }
}

fn minutes(created: &Value) -> (u16, u8, u8, u8, u8) {
    let at = NaiveDateTime::parse_from_str(
        created.as_str().unwrap().trim_end_matches('Z'),
        "%Y-%m-%dT%H:%M:%S%.f",
    )
    .unwrap();
    (
        at.year() as u16,
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
    )
}

async fn zip_of(app: &TestApp, key: &str, ids: &[&str]) -> reqwest::Response {
    app.post(
        key,
        "/api/v1/gallery/bulk/download",
        json!({ "itemIds": ids }),
    )
    .await
}

async fn bulk_download_streams_every_file_stored_and_unique(app: TestApp) {
    let alice = app.user("alice").await;
    let png = fixtures::png(40, 30);
    let other_png = fixtures::png(30, 40);
    let video = fixtures::mp4_container(200_000);
    let a = app.upload_ok(&alice.key, "shot.png", png.clone()).await;
    let b = app
        .upload_ok(&alice.key, "SHOT.png", other_png.clone())
        .await;
    let c = app.upload_ok(&alice.key, "clip.mp4", video.clone()).await;
    let ids = [&a, &b, &c].map(|item| item["id"].as_str().unwrap());

    let response = zip_of(&app, &alice.key, &ids).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/zip");
    assert!(response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"vitrine-"));
    let body = response.bytes().await.unwrap();
    unzip_test(&body);
    assert!(
        body.windows(4).any(|w| w == [0x50, 0x4B, 0x06, 0x06]),
        "ZIP64 end-of-directory record, so archives over 4 GiB work"
    );
    let entries = read_zip(&body);
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["shot.png", "SHOT (2).png", "clip.mp4"]);
    assert_eq!(entries[0].bytes, png);
    assert_eq!(entries[1].bytes, other_png);
    assert_eq!(entries[2].bytes, video);
    assert!(entries.iter().all(|e| e.stored), "no recompression");
    assert_eq!(entries[0].modified, minutes(&a["createdAt"]));
}

async fn bulk_download_is_all_or_nothing(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let mine = app
        .upload_ok(&alice.key, "a.png", fixtures::png(10, 10))
        .await;
    let theirs = app
        .upload_ok(&bob.key, "b.png", fixtures::png(11, 10))
        .await;
    let (mine, theirs) = (mine["id"].as_str().unwrap(), theirs["id"].as_str().unwrap());

    let refused = zip_of(&app, &alice.key, &[mine, theirs, "gal_nope"]).await;
    assert_eq!(refused.status(), 404);
    let body: Value = refused.json().await.unwrap();
    let detail = body["detail"].to_string();
    assert!(
        detail.contains(theirs) && detail.contains("gal_nope"),
        "{body}"
    );
    assert!(!detail.contains(mine), "{body}");

    assert_eq!(zip_of(&app, &alice.key, &[]).await.status(), 400);
    let anonymous = app
        .send(
            app.client()
                .post(app.url("/api/v1/gallery/bulk/download"))
                .json(&json!({ "itemIds": [mine] })),
        )
        .await;
    assert_eq!(anonymous.status(), 401);
}

async fn a_collection_downloads_as_a_zip(app: TestApp) {
    let alice = app.user("alice").await;
    let kept = fixtures::png(21, 21);
    let first = app.upload_ok(&alice.key, "kept.png", kept.clone()).await;
    let second = app
        .upload_ok(&alice.key, "gone.png", fixtures::png(22, 22))
        .await;
    let outside = app
        .upload_ok(&alice.key, "out.png", fixtures::png(23, 23))
        .await;
    let collection: Value = app
        .post(
            &alice.key,
            "/api/v1/gallery/collections",
            json!({ "name": "Trip été" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = collection["id"].as_str().unwrap();
    let members = [&first, &second].map(|item| item["id"].as_str().unwrap());
    let added = app
        .post(
            &alice.key,
            &format!("/api/v1/gallery/collections/{id}/items"),
            json!({ "itemIds": members }),
        )
        .await;
    assert_eq!(added.status(), 200);
    let trashed = format!("/api/v1/gallery/{}", members[1]);
    assert_eq!(app.delete(&alice.key, &trashed).await.status(), 200);

    let path = format!("/api/v1/gallery/collections/{id}/download");
    let response = app.get(&alice.key, &path).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("filename*=UTF-8''Trip%20%C3%A9t%C3%A9%2Ezip"));
    let body = response.bytes().await.unwrap();
    unzip_test(&body);
    let entries = read_zip(&body);
    assert_eq!(entries.len(), 1, "trashed and outside items stay out");
    assert_eq!(
        (entries[0].name.as_str(), &entries[0].bytes),
        ("kept.png", &kept)
    );
    // The item left out is an active one of Alice's, not a failed upload.
    let outside = app
        .get_ok(
            &alice.key,
            &format!("/api/v1/gallery/{}", outside["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(outside["status"], "active", "{outside}");

    let bob = app.user("bob").await;
    assert_eq!(app.get(&bob.key, &path).await.status(), 404);
}

async fn a_failure_mid_archive_breaks_the_transfer(app: TestApp) {
    let alice = app.user("alice").await;
    let big = fixtures::mp4_container(3_000_000);
    let first = app.upload_ok(&alice.key, "first.mp4", big).await;
    let second = app
        .upload_ok(&alice.key, "second.png", fixtures::png(9, 9))
        .await;
    let ids = [&first, &second].map(|item| item["id"].as_str().unwrap());
    app.lose_blob_of(ids[1]).await;

    let response = zip_of(&app, &alice.key, &ids).await;
    assert_eq!(response.status(), 200, "headers go out before the bytes");
    assert!(
        response.bytes().await.is_err(),
        "the body ends with an error, not a clean but truncated archive"
    );
}
