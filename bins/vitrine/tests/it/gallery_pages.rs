//! Spec 3's public side: a published gallery is a page at `/g/{slug}` for anyone, in the
//! visitor's language, and only what it shows can be fetched under it.

use serde_json::json;
use vitrine_domain::user::{Plan, Role};
use vitrine_test_support::{backend_tests, fixtures, TestApp};

backend_tests!(
    a_published_gallery_is_a_page_in_the_visitors_language,
    only_published_galleries_and_their_own_media_are_public,
);

const GALLERIES: &str = "/api/v1/galleries";

/// The page at `path` as anyone sees it: status and body.
async fn visit(app: &TestApp, path: &str, accept_language: Option<&str>) -> (u16, String) {
    let mut request = app.client().get(app.url(path));
    if let Some(languages) = accept_language {
        request = request.header("Accept-Language", languages);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    if status == 200 {
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
    }
    (status, response.text().await.unwrap())
}

/// Every `src`, `srcset` and `poster` address of a page, once each.
fn media_addresses(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "srcset=\"", "poster=\""] {
        for value in page.split(attribute).skip(1) {
            let value = &value[..value.find('"').unwrap()];
            for candidate in value.split(", ") {
                let address = candidate.split(' ').next().unwrap().to_owned();
                if !found.contains(&address) {
                    found.push(address);
                }
            }
        }
    }
    found
}

async fn upload(app: &TestApp, key: &str, name: &str, bytes: Vec<u8>) -> String {
    let item = app.upload_ok(key, name, bytes).await;
    item["id"].as_str().unwrap().to_owned()
}

/// A gallery with an English and a German translation, a cover and three images in the
/// order c, a, b; `a` carries a secret in its EXIF and has alt text.
struct Walks {
    path: String,
    ids: [String; 3],
}

async fn walks(app: &TestApp, key: &str, status: &str) -> Walks {
    let admin = app.user_with("root", Role::Admin, Plan::Enterprise).await;
    let de = app
        .create(
            &admin.key,
            "/api/v1/languages",
            json!({"code": "de", "name": "Deutsch"}),
        )
        .await;
    let languages = app.get_ok(key, "/api/v1/languages").await;
    let en = languages
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "en")
        .unwrap()["id"]
        .clone();
    let (with_exif, _) = fixtures::jpeg_with_exif(1600, 1000, "GPS-SECRET-51.5");
    let a = upload(app, key, "door.jpg", with_exif).await;
    let b = upload(app, key, "small.png", fixtures::png(300, 200)).await;
    let c = upload(app, key, "tall.png", fixtures::png(600, 900)).await;
    let described = app
        .patch(
            key,
            &format!("/api/v1/gallery/{a}"),
            json!({"altText": "A red door"}),
        )
        .await;
    assert_eq!(described.status(), 200);
    let id = app
        .create(
            key,
            GALLERIES,
            json!({
                "slug": "walks",
                "status": status,
                "cover_image_id": a,
                "translations": [
                    {"language_id": en, "title": "Walks", "description": "Along the river",
                     "meta_title": "Walks by the river", "meta_description": "Three walks"},
                ],
            }),
        )
        .await;
    // German comes later, so English stays the first translation.
    app.advance_clock(chrono::Duration::seconds(1));
    let path = format!("{GALLERIES}/{id}");
    let german = app
        .client()
        .put(app.url(&format!("{path}/translations")))
        .bearer_auth(key)
        .json(
            &json!({"language_id": de, "title": "Spaziergänge", "description": "Am Fluss",
                      "meta_title": "Spaziergänge am Fluss", "meta_description": "Drei Wege"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(german.status(), 200);
    for (item, caption) in [
        (&a, Some("Red <door> & bell")),
        (&b, None),
        (&c, Some("Tall")),
    ] {
        let added = app
            .post(
                key,
                &format!("{path}/media"),
                json!({"media_id": item, "caption": caption}),
            )
            .await;
        assert_eq!(added.status(), 201);
    }
    let reordered = app
        .post(
            key,
            &format!("{path}/media/reorder"),
            json!({"media_ids": [c, a, b]}),
        )
        .await;
    assert_eq!(reordered.status(), 200);
    Walks {
        path,
        ids: [a, b, c],
    }
}

async fn a_published_gallery_is_a_page_in_the_visitors_language(app: TestApp) {
    let alice = app.user("alice").await;
    let Walks { ids: [a, b, c], .. } = walks(&app, &alice.key, "published").await;

    // No language asked for: the first translation.
    let (status, page) = visit(&app, "/g/walks", None).await;
    assert_eq!(status, 200, "{page}");
    let public = app.url("");
    for expected in [
        "<html lang=\"en\">".to_owned(),
        "<title>Walks by the river</title>".to_owned(),
        "<meta name=\"description\" content=\"Three walks\">".to_owned(),
        "<meta property=\"og:title\" content=\"Walks by the river\">".to_owned(),
        "<meta property=\"og:description\" content=\"Three walks\">".to_owned(),
        format!("<meta property=\"og:image\" content=\"{public}/g/walks/media/{a}/medium\">"),
        format!("<link rel=\"alternate\" hreflang=\"en\" href=\"{public}/g/walks?lang=en\">"),
        format!("<link rel=\"alternate\" hreflang=\"de\" href=\"{public}/g/walks?lang=de\">"),
        format!("<link rel=\"alternate\" hreflang=\"x-default\" href=\"{public}/g/walks\">"),
        "<h1>Walks</h1>".to_owned(),
        "Along the river".to_owned(),
        "alt=\"A red door\"".to_owned(),
        "<figcaption>Red &#60;door&#62; &#38; bell</figcaption>".to_owned(),
        format!("/g/walks/media/{a}/thumb 256w"),
    ] {
        assert!(page.contains(&expected), "{expected} not in {page}");
    }
    assert!(!page.contains("<door>"), "captions are escaped");
    assert!(!page.contains("<script"), "no JavaScript");
    // The media in the gallery's order (the cover comes first, in the header).
    let main = &page[page.find("<main>").unwrap()..];
    let at = |id: &str| main.find(&format!("/g/walks/media/{id}/")).unwrap();
    assert!(at(&c) < at(&a) && at(&a) < at(&b), "order c, a, b");
    // An image without alt text falls back to its caption, and keeps its placeholder
    // colour and its size so the page does not jump while it loads.
    assert!(
        main.contains("width=\"600\" height=\"900\" alt=\"Tall\""),
        "{main}"
    );
    assert!(main.contains("style=\"background:#"));

    // Accept-Language picks German, by region too; ?lang wins over it; an unknown ?lang
    // falls back to the header.
    for (query, header, lang, title) in [
        ("", "de-CH, de;q=0.9, en;q=0.5", "de", "Spaziergänge"),
        ("", "fr, en;q=0.3", "en", "Walks"),
        ("?lang=en", "de", "en", "Walks"),
        ("?lang=DE", "en", "de", "Spaziergänge"),
        ("?lang=xx&utm_source=mail", "de", "de", "Spaziergänge"),
    ] {
        let (status, page) = visit(&app, &format!("/g/walks{query}"), Some(header)).await;
        assert_eq!(status, 200);
        assert!(
            page.contains(&format!("<html lang=\"{lang}\">")),
            "{query} {header}"
        );
        assert!(
            page.contains(&format!("<h1>{title}</h1>")),
            "{query} {header}"
        );
    }
    let (_, german) = visit(&app, "/g/walks?lang=de", None).await;
    assert!(german.contains("<title>Spaziergänge am Fluss</title>"));
    assert!(german.contains("content=\"Drei Wege\""));
    assert!(german.contains("aria-current=\"page\">Deutsch</a>"));

    // Every picture on the page loads for anyone, and none carries the EXIF secret.
    let addresses = media_addresses(&page);
    assert!(addresses.len() >= 5, "{addresses:?}");
    for address in addresses {
        let response = app.client().get(app.url(&address)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{address}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/"));
        let bytes = response.bytes().await.unwrap();
        assert!(
            !bytes.windows(15).any(|w| w == b"GPS-SECRET-51.5"),
            "{address} leaks metadata"
        );
    }

    // A gallery with no translation or media is still a page, titled by its slug.
    app.create(
        &alice.key,
        GALLERIES,
        json!({"slug": "soon", "status": "published"}),
    )
    .await;
    let (status, empty) = visit(&app, "/g/soon", Some("de")).await;
    assert_eq!(status, 200);
    assert!(empty.contains("<title>soon</title>") && empty.contains("Nothing here yet."));
    assert!(
        empty.starts_with("<!doctype html>\n<html>"),
        "no language to claim"
    );
}

async fn only_published_galleries_and_their_own_media_are_public(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let Walks {
        path,
        ids: [a, b, _],
    } = walks(&app, &alice.key, "draft").await;
    let outside = upload(&app, &alice.key, "outside.png", fixtures::png(40, 40)).await;
    let bobs = upload(&app, &bob.key, "bob.png", fixtures::png(40, 40)).await;
    let thumb = |id: &str| format!("/g/walks/media/{id}/thumb");
    let fetch = |path: String| {
        let request = app.client().get(app.url(&path));
        async move { request.send().await.unwrap().status().as_u16() }
    };

    // A draft is not there, nor are its pictures; unknown slugs look the same.
    let (status, page) = visit(&app, "/g/walks", None).await;
    assert_eq!(status, 404);
    assert!(page.contains("There is no published gallery at this address."));
    assert_eq!(fetch(thumb(&a)).await, 404);
    assert_eq!(visit(&app, "/g/nowhere", None).await.0, 404);

    let publish = |status: &'static str| {
        let (app, key, path) = (&app, alice.key.clone(), path.clone());
        async move {
            let changed = app.patch(&key, &path, json!({"status": status})).await;
            assert_eq!(changed.status(), 200);
        }
    };
    publish("published").await;
    assert_eq!(visit(&app, "/g/walks", None).await.0, 200);
    assert_eq!(fetch(thumb(&a)).await, 200);
    // Only the gallery's own media, and an image's original never.
    assert_eq!(fetch(thumb(&outside)).await, 404, "not in the gallery");
    assert_eq!(fetch(thumb(&bobs)).await, 404, "another user's");
    assert_eq!(fetch(thumb("gal_nothing")).await, 404);
    assert_eq!(fetch(format!("/g/walks/media/{a}/original")).await, 404);
    assert_eq!(fetch(format!("/g/walks/media/{a}/huge")).await, 404);

    // A trashed item leaves the page and its address until it is restored.
    let item = format!("/api/v1/gallery/{b}");
    assert_eq!(app.delete(&alice.key, &item).await.status(), 200);
    let (_, page) = visit(&app, "/g/walks", None).await;
    assert!(!page.contains(&b));
    assert_eq!(fetch(thumb(&b)).await, 404);
    let restored = app
        .post(&alice.key, &format!("{item}/restore"), json!({}))
        .await;
    assert_eq!(restored.status(), 200);
    assert!(visit(&app, "/g/walks", None).await.1.contains(&b));
    assert_eq!(fetch(thumb(&b)).await, 200);

    // Archived, then deleted: gone again, and the slug can be published anew.
    publish("archived").await;
    assert_eq!(visit(&app, "/g/walks", None).await.0, 404);
    assert_eq!(fetch(thumb(&a)).await, 404);
    publish("published").await;
    assert_eq!(app.delete(&alice.key, &path).await.status(), 204);
    assert_eq!(visit(&app, "/g/walks", None).await.0, 404);
    assert_eq!(fetch(thumb(&a)).await, 404);
    app.create(
        &bob.key,
        GALLERIES,
        json!({"slug": "walks", "status": "published", "cover_image_id": bobs}),
    )
    .await;
    let (status, page) = visit(&app, "/g/walks", None).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("/g/walks/media/{bobs}/medium")));
    assert_eq!(fetch(thumb(&a)).await, 404, "alice's items stay hers");
    assert_eq!(
        fetch(thumb(&bobs)).await,
        200,
        "the cover is shown, so public"
    );
}
