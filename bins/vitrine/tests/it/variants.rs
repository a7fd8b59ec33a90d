//! Variants made at upload: thumb and medium as real JPEGs behind signed URLs, upright
//! per EXIF, counted in the quota; metadata filling in titles; bombs and corrupt images
//! refused with a 4xx that leaves nothing behind.

use serde_json::Value;
use vitrine_media::{Prober, VariantFormat, VariantSpec};
use vitrine_test_support::{backend_tests, database_tests, fixtures, TestApp, TestBackend};

backend_tests!(
    an_upload_gets_thumb_medium_and_placeholder,
    exif_orientation_and_xmp_shape_the_item,
    bombs_and_corrupt_images_are_refused_cleanly,
    near_duplicates_are_found_by_perceptual_hash,
    avif_and_heic_get_variants,
    gif_png_and_webp_get_variants,
);
database_tests!(webp_variants_when_configured, image_limits_are_configurable);

async fn fetch_image(app: &TestApp, url: &Value) -> image::RgbImage {
    let response = app.send(app.client().get(url.as_str().unwrap())).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    image::load_from_memory(&response.bytes().await.unwrap())
        .unwrap()
        .into_rgb8()
}

async fn an_upload_gets_thumb_medium_and_placeholder(app: TestApp) {
    let alice = app.user("alice").await;
    let photo = fixtures::jpeg(2000, 1500);
    let item = app.upload_ok(&alice.key, "big.jpg", photo.clone()).await;
    assert_eq!(
        (item["width"].clone(), item["height"].clone()),
        (2000.into(), 1500.into())
    );
    assert!(
        item["placeholder"].as_str().is_some_and(|p| p.len() > 10),
        "{item}"
    );
    assert_eq!(item["processing"], "completed");
    assert_eq!(
        fetch_image(&app, &item["thumbnailUrl"]).await.dimensions(),
        (256, 192)
    );
    assert_eq!(
        fetch_image(&app, &item["mediumUrl"]).await.dimensions(),
        (1024, 768)
    );
    let storage = app.get_ok(&alice.key, "/api/v1/gallery/storage").await;
    assert_eq!(storage["used"], fixtures::quota_cost(&photo, "image/jpeg"));

    // Small images get a thumb at their own size and no medium.
    let small = app
        .upload_ok(&alice.key, "small.png", fixtures::png(300, 100))
        .await;
    assert_eq!(small["mediumUrl"], Value::Null);
    assert_eq!(
        fetch_image(&app, &small["thumbnailUrl"]).await.dimensions(),
        (256, 85)
    );

    // Listings carry the same URLs; a signed thumb URL cannot be turned into another's.
    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    assert!(listed["items"][0]["thumbnailUrl"].is_string());
    let forged = item["thumbnailUrl"]
        .as_str()
        .unwrap()
        .replace("/thumb?", "/medium?");
    assert_eq!(app.send(app.client().get(forged)).await.status(), 403);
}

async fn avif_and_heic_get_variants(app: TestApp) {
    if !fixtures::installed("heif-convert") {
        return;
    }
    let alice = app.user("alice").await;
    for (name, bytes) in [
        ("phone.heic", fixtures::heic(1600, 1200)),
        ("web.avif", fixtures::avif(1600, 1200)),
    ] {
        let Some(bytes) = bytes else { continue };
        let item = app.upload_ok(&alice.key, name, bytes).await;
        assert_eq!(item["processing"], "completed", "{name}: {item}");
        assert_eq!(
            (item["width"].clone(), item["height"].clone()),
            (1600.into(), 1200.into())
        );
        assert!(item["placeholder"].is_string(), "{name}: {item}");
        let thumb = fetch_image(&app, &item["thumbnailUrl"]).await;
        assert_eq!(thumb.dimensions(), (256, 192), "{name}");
        // The fixture's red grows left to right and its green top to bottom.
        let pixel = thumb.get_pixel(64, 144);
        assert!(
            pixel[0].abs_diff(64) < 24 && pixel[1].abs_diff(191) < 24,
            "{name}: {pixel:?}"
        );
        assert_eq!(
            fetch_image(&app, &item["mediumUrl"]).await.dimensions(),
            (1024, 768),
            "{name}"
        );
    }
}

async fn gif_png_and_webp_get_variants(app: TestApp) {
    let alice = app.user("alice").await;
    for (name, bytes) in [
        ("still.gif", fixtures::gif(600, 400)),
        ("still.png", fixtures::png(600, 400)),
        ("still.webp", fixtures::webp(600, 400)),
    ] {
        let item = app.upload_ok(&alice.key, name, bytes).await;
        assert_eq!(item["processing"], "completed", "{name}: {item}");
        assert_eq!(item["isAnimated"], false, "{name}");
        let thumb = fetch_image(&app, &item["thumbnailUrl"]).await;
        assert_eq!(thumb.dimensions(), (256, 171), "{name}");
        // The fixture's red grows left to right (GIF's palette rounds it).
        let pixel = thumb.get_pixel(192, 85);
        assert!(pixel[0].abs_diff(191) < 32, "{name}: {pixel:?}");
    }
    let animated = app
        .upload_ok(&alice.key, "loop.gif", fixtures::animated_gif(3))
        .await;
    assert_eq!(animated["isAnimated"], true);
    // The first frame: black in the fixture.
    let thumb = fetch_image(&app, &animated["thumbnailUrl"]).await;
    assert_eq!(thumb.dimensions(), (8, 8));
    assert!(thumb.get_pixel(4, 4)[0] < 24, "{:?}", thumb.get_pixel(4, 4));
}

async fn webp_variants_when_configured(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .with_prober(Prober::default().with_variants(VariantSpec {
            format: VariantFormat::Webp,
            ..VariantSpec::default()
        }))
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let photo = fixtures::jpeg(2000, 1500);
    let item = app.upload_ok(&alice.key, "big.jpg", photo.clone()).await;
    let mut variant_bytes = 0;
    for (url, name, size) in [
        (&item["thumbnailUrl"], "big-thumb.webp", (256, 192)),
        (&item["mediumUrl"], "big-medium.webp", (1024, 768)),
    ] {
        let response = app.send(app.client().get(url.as_str().unwrap())).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/webp");
        let disposition = response.headers()["content-disposition"].to_str().unwrap();
        assert!(disposition.contains(name), "{disposition}");
        let bytes = response.bytes().await.unwrap();
        let decoded =
            image::load_from_memory_with_format(&bytes, image::ImageFormat::WebP).unwrap();
        assert_eq!((decoded.width(), decoded.height()), size);
        variant_bytes += bytes.len();
    }
    // The quota counts the WebP variants as they are stored.
    let storage = app.get_ok(&alice.key, "/api/v1/gallery/storage").await;
    assert_eq!(storage["used"], photo.len() + variant_bytes);
}

/// APP1 segments inserted after SOI: EXIF with one Orientation entry, and an XMP packet.
fn with_metadata(jpeg: &[u8], orientation: u8, xmp_title: &str) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
    exif.extend_from_slice(&[orientation, 0, 0, 0, 0, 0, 0]);
    let xmp = format!(
        "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description GPano:ProjectionType=\"equirectangular\">\
         <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{xmp_title}</rdf:li></rdf:Alt></dc:title>\
         </rdf:Description></rdf:RDF></x:xmpmeta>"
    );
    let mut out = jpeg[..2].to_vec();
    for payload in [exif.as_slice(), xmp.as_bytes()] {
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

async fn exif_orientation_and_xmp_shape_the_item(app: TestApp) {
    let alice = app.user("alice").await;
    let sideways = with_metadata(&fixtures::jpeg(400, 200), 6, "Harbour at dusk");
    let item = app
        .upload_ok(&alice.key, "phone.jpg", sideways.clone())
        .await;
    assert_eq!(
        (item["width"].clone(), item["height"].clone()),
        (200.into(), 400.into())
    );
    assert_eq!(
        item["title"], "Harbour at dusk",
        "XMP fills in a missing title"
    );
    assert_eq!(
        fetch_image(&app, &item["thumbnailUrl"]).await.dimensions(),
        (128, 256)
    );

    let titled = app
        .upload(
            &alice.key,
            "phone.jpg",
            sideways,
            &[("prompt", "My own title")],
        )
        .await;
    let titled: Value = titled.json().await.unwrap();
    assert_eq!(titled["title"], "My own title", "what the upload says wins");
}

async fn bombs_and_corrupt_images_are_refused_cleanly(app: TestApp) {
    let alice = app.user("alice").await;
    // A PNG header claiming 40000×40000 pixels (1.6 G), then an ordinary body and end.
    let mut bomb = fixtures::png(10, 10);
    bomb[16..20].copy_from_slice(&40_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&40_000u32.to_be_bytes());
    // Refused from the header with the limit named: 1.6 G pixels were never decoded.
    let refused = app.upload(&alice.key, "bomb.png", bomb, &[]).await;
    assert_eq!(refused.status(), 413);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("100000000"),
        "{body}"
    );

    // A PNG whose pixel data is damaged but whose header and end are intact.
    let mut corrupt = fixtures::png(64, 64);
    let idat = corrupt.windows(4).position(|w| w == b"IDAT").unwrap();
    for byte in &mut corrupt[idat + 10..idat + 40] {
        *byte ^= 0x5A;
    }
    let refused = app.upload(&alice.key, "broken.png", corrupt, &[]).await;
    assert_eq!(refused.status(), 422);

    assert_eq!(app.count_rows("items").await, 0);
    assert_eq!(app.count_rows("blobs").await, 0);
    assert_eq!(
        app.blob_objects().await,
        0,
        "no original or variant left behind"
    );
    let storage = app.get_ok(&alice.key, "/api/v1/gallery/storage").await;
    assert_eq!(storage["used"], 0);
}

async fn image_limits_are_configurable(backend: TestBackend) {
    let app = TestApp::builder(backend)
        .with_limits(|limits| {
            limits.image.max_side = 1_500;
            limits.image.max_frames = 3;
        })
        .spawn()
        .await;
    let alice = app.user("alice").await;
    let wide = app
        .upload(&alice.key, "wide.png", fixtures::png(1_600, 10), &[])
        .await;
    assert_eq!(wide.status(), 413);
    let body: Value = wide.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("1500 pixels per side"),
        "{body}"
    );
    let animation = app
        .upload(&alice.key, "long.gif", fixtures::animated_gif(4), &[])
        .await;
    assert_eq!(animation.status(), 413);
    let body: Value = animation.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("4 frames"),
        "{body}"
    );
    assert_eq!(app.count_rows("items").await, 0);
    assert_eq!(app.blob_objects().await, 0);

    let short = app
        .upload_ok(&alice.key, "short.gif", fixtures::animated_gif(3))
        .await;
    assert_eq!(short["isAnimated"], true);
}

/// The fixture picture mirrored: same colours, different picture.
fn flipped_png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::load_from_memory(&fixtures::png(width, height)).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    picture
        .fliph()
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

async fn near_duplicates_are_found_by_perceptual_hash(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let original = app
        .upload_ok(&alice.key, "a.png", fixtures::png(400, 300))
        .await;
    let reencoded = app
        .upload_ok(&alice.key, "a.jpg", fixtures::jpeg(400, 300))
        .await;
    let smaller = app
        .upload_ok(&alice.key, "a-small.png", fixtures::png(200, 150))
        .await;
    let other = app
        .upload_ok(&alice.key, "b.png", flipped_png(400, 300))
        .await;
    app.upload_ok(&bob.key, "a.png", fixtures::png(400, 300))
        .await;

    let id = original["id"].as_str().unwrap();
    let similar = app
        .get_ok(&alice.key, &format!("/api/v1/gallery/{id}/similar"))
        .await;
    let found: Vec<&str> = similar["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert!(
        found.contains(&reencoded["id"].as_str().unwrap()),
        "{similar}"
    );
    assert!(
        found.contains(&smaller["id"].as_str().unwrap()),
        "{similar}"
    );
    assert!(!found.contains(&other["id"].as_str().unwrap()), "{similar}");
    assert!(!found.contains(&id), "not itself");
    assert_eq!(found.len(), 2, "nothing of bob's: {similar}");
    assert!(similar["items"][0]["distance"].as_u64().unwrap() <= 10);

    let path = format!("/api/v1/gallery/{id}/similar?maxDistance=40");
    assert_eq!(app.get(&alice.key, &path).await.status(), 400);
    let theirs = format!("/api/v1/gallery/{id}/similar");
    assert_eq!(app.get(&bob.key, &theirs).await.status(), 404);
}
