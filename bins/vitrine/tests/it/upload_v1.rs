//! Spec 5's `/api/1/upload` as ShareX-style clients call it: the three key places, file,
//! base64 and URL sources, the parameters built so far, the three formats, V1 errors, and
//! the permanent public file links its answers carry.

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vitrine_domain::fetch_policy::FetchPolicy;
use vitrine_http::url_source::UrlFetcher;
use vitrine_test_support::{backend_tests, database_tests, fixtures, TestApp, TestBackend};

backend_tests!(a_file_uploaded_by_v1_is_a_public_item_of_the_library);
database_tests!(
    keys_sources_formats_and_errors,
    url_sources_are_fetched_only_where_allowed,
    refused_parameters_leave_nothing_behind,
    a_sharex_preset_uploads_as_sharex_would,
);

const UPLOAD: &str = "/api/1/upload";

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn v1(response: reqwest::Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(code, status, "{body}");
    assert_eq!(body["status_code"], status, "{body}");
    body
}

fn file_form(bytes: Vec<u8>, fields: &[(&str, &str)]) -> Form {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    form.part("source", Part::bytes(bytes).file_name("holiday.png"))
}

async fn fetch(app: &TestApp, url: &str) -> (u16, Vec<u8>) {
    let response = app.client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

async fn a_file_uploaded_by_v1_is_a_public_item_of_the_library(app: TestApp) {
    let alice = app.user("alice").await;
    let png = fixtures::png(640, 480);
    let form = file_form(
        png.clone(),
        &[
            ("title", "Badgers animated music video MrWeebl"),
            ("description", "from the field"),
            ("tags", "badger, music"),
            ("nsfw", "1"),
            ("expiration", "PT1H"),
        ],
    );
    let sent = app
        .client()
        .post(app.url(UPLOAD))
        .header("X-API-Key", &alice.key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let body = v1(sent, 200).await;
    assert_eq!(
        body["success"],
        json!({"message": "file uploaded", "code": 200})
    );
    assert_eq!(body["status_txt"], "OK");
    let image = &body["image"];
    let code = image["id_encoded"].as_str().unwrap();
    assert_eq!(code.len(), 16);
    assert!(code.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(
        (image["width"].as_i64(), image["height"].as_i64()),
        (Some(640), Some(480))
    );
    assert_eq!(image["size"], png.len());
    assert_eq!(image["title"], "Badgers animated music video MrWeebl");
    assert_eq!(image["title_truncated"], "Badgers animated music vi...");
    assert_eq!(image["description"], "from the field");
    assert_eq!(image["tags"], json!(["badger", "music"]));
    assert_eq!(image["tags_string"], "badger,music");
    assert_eq!(image["nsfw"], 1);
    assert_eq!(image["original_filename"], "holiday.png");
    assert_eq!(image["type"], "image");
    assert_eq!(image["file"]["resource"]["type"], "file");
    assert_eq!(image["how_long_ago"], "moments ago");
    assert_eq!(image["views_label"], "views");
    assert_eq!(image["md5"].as_str().unwrap().len(), 32);
    assert!(image["expiration_date_gmt"].is_string(), "{image}");
    assert_eq!(image["chain"].as_i64().unwrap() & 5, 5, "image and thumb");
    assert_eq!(
        image["medium"]["url"],
        Value::Null,
        "640 px needs no medium"
    );
    let url = image["url"].as_str().unwrap();
    assert!(
        url.contains("/images/") && url.ends_with(&format!("{code}.png")),
        "{url}"
    );
    let delete_url = image["delete_url"].as_str().unwrap();
    let token = delete_url.rsplit('/').next().unwrap();
    assert_eq!(token.len(), 64, "256 bits");
    assert!(image["url_viewer"].as_str().unwrap().ends_with(&format!(
        "/image/Badgers-animated-music-video-MrWeebl.{code}"
    )));

    // The links work for anyone, with no key, and serve the very bytes.
    let (status, bytes) = fetch(&app, url).await;
    assert_eq!((status, sha(&bytes)), (200, sha(&png)));
    let (status, thumb) = fetch(&app, image["thumb"]["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(thumb.len() as i64, image["thumb_size"].as_i64().unwrap());
    let altered = url.replace(code, &code.to_lowercase());
    assert_eq!(fetch(&app, &altered).await.0, 404);

    // Ranges as downloads answer them.
    let ranged = app
        .client()
        .get(url)
        .header("Range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), 206);
    assert_eq!(ranged.bytes().await.unwrap().as_ref(), &png[..10]);

    // One item of the library, seen through the other surfaces.
    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed}");
    let spec2 = app.get_ok(&alice.key, "/images").await;
    assert_eq!(
        spec2["images"][0]["_id"], items[0]["id"],
        "one id on every surface"
    );
    assert_eq!(items[0]["originalFilename"], "holiday.png");
    assert_eq!(
        (&items[0]["public"], &items[0]["nsfw"]),
        (&json!(true), &json!(true))
    );
    assert!(items[0]["expiresAt"].is_string(), "{}", items[0]);
    let id = items[0]["id"].as_str().unwrap();
    // Private again: the links answer 404; public again: a new code, the old links stay dead.
    let path = format!("/api/v1/gallery/{id}");
    let private = app.patch(&alice.key, &path, json!({"public": false})).await;
    assert_eq!(private.json::<Value>().await.unwrap()["public"], false);
    assert_eq!(fetch(&app, url).await.0, 404, "made private");
    let public = app.patch(&alice.key, &path, json!({"public": true})).await;
    assert_eq!(public.json::<Value>().await.unwrap()["public"], true);
    assert_eq!(fetch(&app, url).await.0, 404, "a new code, not the old one");
    let trashed = app.delete(&alice.key, &path).await;
    assert_eq!(trashed.status(), 200);
    assert_eq!(
        fetch(&app, url).await.0,
        404,
        "a trashed item's links are gone"
    );
    let other = app
        .upload_ok(&alice.key, "plain.png", fixtures::png(10, 10))
        .await;
    assert_eq!(
        other["public"], false,
        "other surfaces' uploads start private"
    );
}

async fn keys_sources_formats_and_errors(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    let png = fixtures::png(32, 32);
    let b64 = base64_of(&png);
    let client = app.client();

    // The key as a Bearer header, a form field before the source, a query parameter.
    let bearer = client
        .post(app.url(UPLOAD))
        .bearer_auth(&alice.key)
        .multipart(file_form(png.clone(), &[]))
        .send()
        .await
        .unwrap();
    v1(bearer, 200).await;
    let field = client
        .post(app.url(UPLOAD))
        .multipart(file_form(png.clone(), &[("key", &alice.key)]))
        .send()
        .await
        .unwrap();
    v1(field, 200).await;
    // GET with the source in the query string: base64, bare.
    let get = client
        .get(app.url(UPLOAD))
        .query(&[("key", alice.key.as_str()), ("source", b64.as_str())])
        .send()
        .await
        .unwrap();
    let got = v1(get, 200).await;
    assert_eq!(got["image"]["file"]["resource"]["type"], "base64");
    // Url-encoded POST with a data: URI.
    let data_uri = format!("data:image/png;base64,{b64}");
    let posted = client
        .post(app.url(UPLOAD))
        .header("X-API-Key", &alice.key)
        .form(&[("source", data_uri.as_str()), ("title", "inline")])
        .send()
        .await
        .unwrap();
    assert_eq!(v1(posted, 200).await["image"]["title"], "inline");
    // Base64 as a multipart text field, in pieces larger than one read.
    let big = fixtures::png(700, 700);
    let text_field = client
        .post(app.url(UPLOAD))
        .header("X-API-Key", &alice.key)
        .multipart(Form::new().text("source", base64_of(&big)))
        .send()
        .await
        .unwrap();
    let image = v1(text_field, 200).await["image"].clone();
    let (status, bytes) = fetch(&app, image["url"].as_str().unwrap()).await;
    assert_eq!((status, sha(&bytes)), (200, sha(&big)));

    // Formats: txt is the URL alone, redirect goes to the viewer page.
    let txt = client
        .post(app.url(UPLOAD))
        .header("X-API-Key", &alice.key)
        .multipart(file_form(png.clone(), &[("format", "txt")]))
        .send()
        .await
        .unwrap();
    assert_eq!(txt.status(), 200);
    assert!(txt.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = txt.text().await.unwrap();
    assert!(
        text.starts_with("http") && text.contains("/images/"),
        "{text}"
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect = no_redirects
        .post(app.url(UPLOAD))
        .header("X-API-Key", &alice.key)
        .multipart(file_form(png.clone(), &[("format", "redirect")]))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 303);
    assert!(redirect.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/image/"));

    // Errors in V1's shape, with Chevereto's codes.
    let keyless = client
        .post(app.url(UPLOAD))
        .multipart(file_form(png.clone(), &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(v1(keyless, 401).await["error"]["code"], 100);
    let wrong = client
        .post(app.url(UPLOAD))
        .header("X-API-Key", "not-a-key")
        .multipart(file_form(png.clone(), &[]))
        .send()
        .await
        .unwrap();
    let wrong = v1(wrong, 401).await;
    assert_eq!(wrong["error"]["code"], 100);
    assert_eq!(wrong["status_txt"], "Unauthorized");
    let bad_b64 = client
        .post(app.url(UPLOAD))
        .header("X-API-Key", &alice.key)
        .form(&[("source", "@@not base64@@")])
        .send()
        .await
        .unwrap();
    assert_eq!(v1(bad_b64, 400).await["error"]["code"], 120);
    let empty = client
        .post(app.url(UPLOAD))
        .header("X-API-Key", &alice.key)
        .form(&[("source", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(v1(empty, 400).await["error"]["code"], 130);
    let txt_error = client
        .post(app.url(UPLOAD))
        .header("X-API-Key", &alice.key)
        .form(&[("source", ""), ("format", "txt")])
        .send()
        .await
        .unwrap();
    assert_eq!(txt_error.status(), 400);
    assert_eq!(txt_error.text().await.unwrap(), "Empty upload source");
    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        7,
        "one item per success"
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Serves `/photo.png`, a redirect to it, and a redirect to another loopback address.
async fn photo_server(png: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let png = png.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let n = socket.read(&mut request).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&request[..n]).to_string();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let head = match path.as_str() {
                    "/photo.png" => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        png.len()
                    ),
                    "/to-photo" => redirect("/photo.png"),
                    "/to-other-loopback" => redirect(&format!("http://127.0.0.2:{port}/photo.png")),
                    _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
                };
                let _ = socket.write_all(head.as_bytes()).await;
                if path == "/photo.png" {
                    let _ = socket.write_all(&png).await;
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    port
}

fn redirect(to: &str) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

async fn url_sources_are_fetched_only_where_allowed(backend: TestBackend) {
    let png = fixtures::png(50, 40);
    let port = photo_server(png.clone()).await;
    let allowing = TestApp::builder(backend.clone())
        .with_http(|http| {
            http.url_fetcher = UrlFetcher::new(
                FetchPolicy::new(&["127.0.0.1/32"]).unwrap(),
                Duration::from_secs(10),
            );
        })
        .spawn()
        .await;
    let alice = allowing.user("alice").await;
    let send = |app: &TestApp, key: &str, source: String| {
        app.client()
            .post(app.url(UPLOAD))
            .header("X-API-Key", key)
            .form(&[("source", source)])
            .send()
    };
    let fetched = send(
        &allowing,
        &alice.key,
        format!("http://127.0.0.1:{port}/to-photo"),
    )
    .await
    .unwrap();
    let image = v1(fetched, 200).await["image"].clone();
    assert_eq!(image["file"]["resource"]["type"], "url");
    assert_eq!(image["original_filename"], "photo.png");
    let (status, bytes) = fetch(&allowing, image["url"].as_str().unwrap()).await;
    assert_eq!((status, sha(&bytes)), (200, sha(&png)));
    // Allowed host, redirected to a loopback address outside the allowed range.
    let bounced = send(
        &allowing,
        &alice.key,
        format!("http://127.0.0.1:{port}/to-other-loopback"),
    )
    .await
    .unwrap();
    let message = v1(bounced, 400).await["error"]["message"].to_string();
    assert!(message.contains("127.0.0.2"), "{message}");

    // By default nothing inside the network is fetched, however it is spelled.
    let app = TestApp::builder(backend).spawn().await;
    let bob = app.user("bob").await;
    for source in [
        format!("http://127.0.0.1:{port}/photo.png"),
        "http://2130706433/".to_owned(),
        "http://0x7f.1/".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.0.0.1/".to_owned(),
        "http://[::1]/".to_owned(),
        "http://[::ffff:127.0.0.1]/".to_owned(),
    ] {
        let refused = send(&app, &bob.key, source.clone()).await.unwrap();
        let body = v1(refused, 400).await;
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("is not allowed"), "{source}: {message}");
    }
    let listed = app.get_ok(&bob.key, "/api/v1/gallery").await;
    assert_eq!(listed["items"], json!([]));
}

async fn refused_parameters_leave_nothing_behind(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let album = app
        .create(
            &alice.key,
            "/api/v1/gallery/collections",
            json!({"name": "Trips"}),
        )
        .await;
    let bobs_album = app
        .create(
            &bob.key,
            "/api/v1/gallery/collections",
            json!({"name": "Mine"}),
        )
        .await;
    let png = fixtures::png(64, 48);
    let send = |fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, String)> = fields;
        let mut form = Form::new();
        for (name, value) in fields {
            form = form.text(name, value);
        }
        app.client()
            .post(app.url(UPLOAD))
            .header("X-API-Key", &alice.key)
            .multipart(form.part("source", Part::bytes(png.clone()).file_name("trip.png")))
            .send()
    };
    for (fields, words) in [
        (vec![("nsfw", "2".to_owned())], "nsfw"),
        (vec![("expiration", "soon".to_owned())], "expiration"),
        (vec![("format", "xml".to_owned())], "format"),
        (vec![("album_id", bobs_album.clone())], "album"),
        (vec![("category_id", "7".to_owned())], "category"),
    ] {
        let refused = send(fields).await.unwrap();
        let body = v1(refused, 400).await;
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{words}: {message}");
    }
    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    assert_eq!(listed["items"], json!([]), "no item from a refused upload");
    let storage = app.get_ok(&alice.key, "/api/v1/gallery/storage").await;
    assert_eq!(storage["used"], 0, "{storage}");

    let placed = send(vec![("album_id", album.clone())]).await.unwrap();
    v1(placed, 200).await;
    let listed = app.get_ok(&alice.key, "/api/v1/gallery").await;
    assert_eq!(listed["items"][0]["collectionIds"], json!([album]));
}

/// The `.sxcu` preset names this server and the caller's key; an upload made the way
/// ShareX reads it (its URL, headers, form field name) works, and its `{json:…}` paths
/// name fields the answer has.
async fn a_sharex_preset_uploads_as_sharex_would(backend: TestBackend) {
    let app = TestApp::builder(backend).spawn().await;
    let alice = app.user("alice").await;
    let anonymous = app
        .client()
        .get(app.url("/api/1/sharex"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let sent = app
        .client()
        .get(app.url("/api/1/sharex"))
        .header("X-API-Key", &alice.key)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    assert!(sent.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("vitrine.sxcu"));
    let preset: Value = sent.json().await.unwrap();
    assert_eq!(preset["Headers"]["X-API-Key"], alice.key.as_str());
    assert_eq!(preset["Body"], "MultipartFormData");
    let form = Form::new().part(
        preset["FileFormName"].as_str().unwrap().to_owned(),
        Part::bytes(fixtures::png(30, 30)).file_name("screenshot.png"),
    );
    let mut request = app
        .client()
        .post(preset["RequestURL"].as_str().unwrap())
        .multipart(form);
    for (name, value) in preset["Headers"].as_object().unwrap() {
        request = request.header(name.as_str(), value.as_str().unwrap());
    }
    let answer = v1(request.send().await.unwrap(), 200).await;
    for field in ["URL", "ThumbnailURL", "DeletionURL"] {
        let path = preset[field].as_str().unwrap();
        let path = path.trim_start_matches("{json:").trim_end_matches('}');
        let value = path.split('.').fold(&answer, |at, key| &at[key]);
        assert!(
            value.as_str().is_some_and(|v| v.starts_with("http")),
            "{field}: {value}"
        );
    }
}
