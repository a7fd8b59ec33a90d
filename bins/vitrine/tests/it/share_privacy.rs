//! Share links that hide metadata: the bytes a visitor gets lose EXIF/XMP (images) and
//! global metadata (videos), and nothing a visitor can reach names a file or shows a title.

use reqwest::header;
use serde_json::{json, Value};
use vitrine_test_support::{
    backend_tests, database_tests, fixtures, TestApp, TestBackend, Visitor,
};

use crate::shares::{share, share_path, unzip};

backend_tests!(
    hidden_metadata_is_stripped_from_served_bytes,
    hidden_metadata_is_stripped_from_videos_too,
    hidden_metadata_hides_names_and_titles_everywhere,
);

database_tests!(what_is_made_for_visitors_is_made_once);

async fn hidden_metadata_is_stripped_from_served_bytes(app: TestApp) {
    let alice = app.user("alice").await;
    let (with_gps, without) = fixtures::jpeg_with_exif(64, 48, "GPS 52.37N 4.89E");
    let item = app
        .upload_ok(&alice.key, "home.jpg", with_gps.clone())
        .await;
    let id = item["id"].as_str().unwrap();
    let api = format!("/api/v1/gallery/{id}/share");
    let visitor = Visitor::new(&app);

    let open = share(&app, &alice.key, &api, json!({"allowDownload": true})).await;
    let page = share_path(&app, &open);
    let served = visitor.get(&format!("{page}/items/{id}/original")).await;
    assert_eq!(served.bytes().await.unwrap(), with_gps, "kept unless asked");

    let page = hiding_link(&app, &alice.key, &api).await;
    let served = visitor
        .get(&format!("{page}/items/{id}/original?download=1"))
        .await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap(), without);
    let zip = visitor.get(&format!("{page}/zip")).await;
    assert_eq!(
        unzip(&zip.bytes().await.unwrap()),
        [("image-1.jpg".to_owned(), without)]
    );
    let (status, body) = visitor.text(&page).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !body.contains("home.jpg"),
        "the page hides the file name too"
    );
}

/// The page of a new link made at `api` that allows downloads and hides metadata.
async fn hiding_link(app: &TestApp, key: &str, api: &str) -> String {
    let body = json!({"allowDownload": true, "hideMetadata": true});
    share_path(app, &share(app, key, api, body).await)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

async fn hidden_metadata_is_stripped_from_videos_too(app: TestApp) {
    let metadata = ["title=Secret harbour", "comment=52.3700N 4.8900E"];
    let Some(video) = fixtures::mp4(160, 120, 1, &metadata) else {
        return;
    };
    assert!(contains(&video, "Secret harbour") && contains(&video, "52.3700"));
    let alice = app.user("alice").await;
    let item = app.upload_ok(&alice.key, "trip.mp4", video.clone()).await;
    let id = item["id"].as_str().unwrap();
    let page = hiding_link(&app, &alice.key, &format!("/api/v1/gallery/{id}/share")).await;
    let visitor = Visitor::new(&app);
    let served = visitor.get(&format!("{page}/items/{id}/original")).await;
    assert_eq!(served.status(), 200);
    let served = served.bytes().await.unwrap();
    assert!(!contains(&served, "Secret harbour") && !contains(&served, "52.3700"));
    assert!(
        contains(&served, "ftyp") && served.len() > video.len() / 2,
        "still a video"
    );
    let zip = visitor.get(&format!("{page}/zip")).await;
    let entries = unzip(&zip.bytes().await.unwrap());
    assert!(!contains(&entries[0].1, "Secret harbour"));
}

/// With hideMetadata, nothing a visitor can reach names a file or shows a title: not the
/// collection page, not an item's page, not a download's Content-Disposition, not the ZIP.
async fn hidden_metadata_hides_names_and_titles_everywhere(app: TestApp) {
    let alice = app.user("alice").await;
    let item = app
        .upload(
            &alice.key,
            "secret-trip-to-paris.png",
            fixtures::png(40, 30),
            &[
                ("prompt", "Our honeymoon"),
                ("description", "Room 412, Hotel Lutetia"),
            ],
        )
        .await;
    assert_eq!(item.status(), 201);
    let item: Value = item.json().await.unwrap();
    let id = item["id"].as_str().unwrap();
    let cid = app
        .create(
            &alice.key,
            "/api/v1/gallery/collections",
            json!({"name": "Holiday"}),
        )
        .await;
    let cid = cid.as_str();
    let added = app
        .post(
            &alice.key,
            &format!("/api/v1/gallery/collections/{cid}/items"),
            json!({"itemIds": [id]}),
        )
        .await;
    assert_eq!(added.status(), 200);
    let api = format!("/api/v1/gallery/collections/{cid}/share");
    let secret = ["secret", "paris", "honeymoon", "Lutetia"];
    let leaks = |text: &str| {
        secret
            .iter()
            .any(|s| text.to_lowercase().contains(&s.to_lowercase()))
    };

    // A positive control: without hideMetadata the page does show the title.
    let open = share(&app, &alice.key, &api, json!({"allowDownload": true})).await;
    let visitor = Visitor::new(&app);
    let (_, page) = visitor.text(&share_path(&app, &open)).await;
    assert!(leaks(&page), "{page}");

    let base = hiding_link(&app, &alice.key, &api).await;
    for path in [base.clone(), format!("{base}/items/{id}")] {
        let (status, body) = visitor.text(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!leaks(&body), "{path}: {body}");
    }
    for asset in ["original?download=1", "original", "thumb"] {
        let response = visitor.get(&format!("{base}/items/{id}/{asset}")).await;
        assert_eq!(response.status(), 200, "{asset}");
        let disposition = response.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(!leaks(&disposition), "{asset}: {disposition}");
    }
    let zip = visitor.get(&format!("{base}/zip")).await;
    assert_eq!(zip.status(), 200);
    let disposition = zip.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    let names: Vec<String> = unzip(&zip.bytes().await.unwrap())
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["image-1.png"], "{disposition}");
}

/// Previews of items without stored variants and metadata-free originals are made once
/// and kept: after the first visit they are served even with the original gone.
async fn what_is_made_for_visitors_is_made_once(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .with_limits(|limits| limits.fast_path_max_bytes = 1_000)
        .without_media_workers()
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let (with_gps, without) = fixtures::jpeg_with_exif(600, 300, "GPS 52.37N 4.89E");
    let item = app.upload_ok(&alice.key, "home.jpg", with_gps).await;
    assert_eq!(item["processing"], "pending", "no stored variants");
    let id = item["id"].as_str().unwrap();
    let page = hiding_link(&app, &alice.key, &format!("/api/v1/gallery/{id}/share")).await;
    let visitor = Visitor::new(&app);
    let assets = ["thumb", "medium", "original"].map(|name| format!("{page}/items/{id}/{name}"));
    let mut first = Vec::new();
    for asset in &assets {
        let served = visitor.get(asset).await;
        assert_eq!(served.status(), 200, "{asset}");
        first.push(served.bytes().await.unwrap());
    }
    assert_eq!(first[2], without);

    app.lose_blob_of(id).await;
    for (asset, made) in assets.iter().zip(&first) {
        let served = visitor.get(asset).await;
        assert_eq!(served.status(), 200, "{asset} is served from what was made");
        assert_eq!(&served.bytes().await.unwrap(), made, "{asset}");
    }
}
