//! The pages spec 5's links open: viewer and short link (with the tags chat apps read to
//! unfurl a link, and a view counter), and the delete link, which asks before deleting.

use futures::future::join_all;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use vitrine_test_support::{backend_tests, database_tests, fixtures, TestApp, TestBackend};

backend_tests!(the_delete_link_asks_then_deletes_for_good);
database_tests!(viewer_pages_unfurl_and_count_views_at_once);

async fn upload(app: &TestApp, key: &str, name: &str, bytes: Vec<u8>, title: &str) -> Value {
    let form = Form::new()
        .text("title", title.to_owned())
        .text("description", "Seen from the <pier>")
        .part("source", Part::bytes(bytes).file_name(name.to_owned()));
    let sent = app
        .client()
        .post(app.url("/api/1/upload"))
        .header("X-API-Key", key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    sent.json::<Value>().await.unwrap()["image"].clone()
}

async fn page(app: &TestApp, url: &str) -> (u16, String) {
    let response = app.client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn viewer_pages_unfurl_and_count_views_at_once(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    let image = upload(
        &app,
        &alice.key,
        "pier.png",
        fixtures::png(1600, 900),
        "Evening pier",
    )
    .await;
    let viewer = image["url_viewer"].as_str().unwrap();
    let (status, html) = page(&app, viewer).await;
    assert_eq!(status, 200);
    assert!(html.contains("<title>Evening pier</title>"), "{html}");
    assert!(html.contains(&format!(
        "<meta property=\"og:image\" content=\"{}\">",
        image["display_url"].as_str().unwrap()
    )));
    assert!(html.contains("twitter:card"));
    assert!(
        html.contains("Seen from the &#60;pier&#62;")
            || html.contains("Seen from the &lt;pier&gt;"),
        "escaped: {html}"
    );
    assert!(
        html.contains(image["medium"]["url"].as_str().unwrap()),
        "shows the medium"
    );
    assert!(html.contains(&format!(
        "href=\"{}\" download",
        image["url"].as_str().unwrap()
    )));
    assert!(html.contains("1 view<"), "{html}");

    // The short link is the same page; views at once all count.
    let short = image["url_short"].as_str().unwrap();
    let visits = (0..10).map(|_| page(&app, short));
    for (status, _) in join_all(visits).await {
        assert_eq!(status, 200);
    }
    let (_, html) = page(&app, short).await;
    assert!(html.contains("12 views"), "{html}");

    // A video opens under /clip/ with a player.
    let clip = upload(
        &app,
        &alice.key,
        "wave.mp4",
        fixtures::mp4_container(5000),
        "Wave",
    )
    .await;
    let clip_viewer = clip["path_viewer"].as_str().unwrap();
    assert!(clip_viewer.starts_with("/clip/Wave."), "{clip_viewer}");
    let (status, html) = page(&app, &app.url(clip_viewer)).await;
    assert_eq!(status, 200);
    assert!(html.contains("<video controls"), "{html}");

    // Made private: the pages are gone like the files.
    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    for item in listed["items"].as_array().unwrap() {
        let path = format!("/api/v1/gallery/{}", item["id"].as_str().unwrap());
        let private = app.patch(&alice.key, &path, json!({"public": false})).await;
        assert_eq!(private.status(), 200);
    }
    assert_eq!(page(&app, viewer).await.0, 404);
    assert_eq!(page(&app, &app.url(clip_viewer)).await.0, 404);
    let bogus = format!("{}/image/not-a-code", app.url(""));
    assert_eq!(page(&app, &bogus).await.0, 404);
}

/// The confirmation form's POST, as a browser sends it (with `Origin`) or a script.
async fn post(app: &TestApp, url: &str, origin: Option<&str>) -> reqwest::Response {
    let mut request = app.client().post(url);
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    request.send().await.unwrap()
}

async fn the_delete_link_asks_then_deletes_for_good(app: TestApp) {
    let alice = app.user("alice").await;
    let image = upload(
        &app,
        &alice.key,
        "gone.png",
        fixtures::png(300, 200),
        "Soon gone",
    )
    .await;
    let delete_url = image["delete_url"].as_str().unwrap();
    let file = image["url"].as_str().unwrap();

    // Opening the link (as a chat app's preview would) deletes nothing.
    let (status, html) = page(&app, delete_url).await;
    assert_eq!(status, 200);
    assert!(html.contains("<form method=\"post\">"), "{html}");
    assert_eq!(page(&app, file).await.0, 200);

    let (base, _) = delete_url.rsplit_once('/').unwrap();
    let wrong = post(&app, &format!("{base}/{}", "0".repeat(64)), None).await;
    assert_eq!(wrong.status(), 404);
    let cross_site = post(&app, delete_url, Some("https://evil.example")).await;
    assert_eq!(cross_site.status(), 403);
    assert_eq!(page(&app, file).await.0, 200, "still there");

    // Two confirmations at once (a double click): one deletes, the other finds nothing.
    let origin = app.url("");
    let origin = Some(origin.trim_end_matches('/'));
    let (one, two) = futures::join!(
        post(&app, delete_url, origin),
        post(&app, delete_url, origin)
    );
    let mut statuses = [one.status().as_u16(), two.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 404]);
    let confirmed = if one.status() == 200 { one } else { two };
    assert!(confirmed.text().await.unwrap().contains("Deleted"));
    assert_eq!(page(&app, file).await.0, 404);
    assert_eq!(
        page(&app, image["url_viewer"].as_str().unwrap()).await.0,
        404
    );
    let listed = app.get_ok(&alice.key, "/api/v1/gallery?status=trash").await;
    assert_eq!(listed["items"], json!([]), "deleted for good, not trashed");
    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    assert_eq!(listed["items"], json!([]));
    let storage = app.get_ok(&alice.key, "/api/v1/gallery/storage").await;
    assert_eq!(storage["used"], 0);
    let again = post(&app, delete_url, None).await;
    assert_eq!(again.status(), 404);
}
