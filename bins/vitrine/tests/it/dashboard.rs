//! The dashboard's sign-in and its session: the cookie's flags, CSRF on every write made
//! with it, sign-out, limits on guesses, and the versioned assets. What the pages do in a
//! browser is checked in real Chromium (scripts/browser/dashboard.py).

use reqwest::header::{HeaderMap, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{redirect, Client, Response};
use serde_json::{json, Value};
use vitrine_domain::user::{Plan, Role};
use vitrine_test_support::{database_tests, fixtures, TestApp, TestBackend};

database_tests!(
    signing_in_gives_an_http_only_lax_session_that_reads_the_api,
    writes_with_the_session_need_its_csrf_token,
    a_sign_in_form_from_elsewhere_is_refused,
    wrong_passwords_are_refused_and_limited,
    signing_out_needs_the_page_token_and_ends_the_cookie,
    a_section_sends_the_signed_out_to_sign_in_and_back,
    the_session_cookie_is_secure_behind_https,
    assets_are_versioned_and_kept_for_a_year,
);

/// A browser-like client that does not follow redirects, so each answer can be read.
fn browser() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `name=value` of a cookie set by a response, and the whole `Set-Cookie` line.
fn set_cookie(headers: &HeaderMap, name: &str) -> Option<(String, String)> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|line| line.starts_with(&format!("{name}=")))
        .map(|line| {
            let pair = line.split(';').next().unwrap().to_owned();
            (pair, line.to_owned())
        })
}

/// The value of `<input name="csrf">` or `<meta name="csrf-token">` in a page.
fn page_csrf(html: &str) -> String {
    let marker = ["name=\"csrf\" value=\"", "name=\"csrf-token\" content=\""]
        .into_iter()
        .find(|m| html.contains(m))
        .expect("the page carries a CSRF token");
    let start = html.find(marker).unwrap() + marker.len();
    html[start..start + 64].to_owned()
}

struct SignInForm {
    nonce_cookie: String,
    csrf: String,
}

async fn open_form(app: &TestApp, client: &Client) -> SignInForm {
    let response = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200, "signed out, / is the sign-in form");
    let (nonce_cookie, _) = set_cookie(response.headers(), "vitrine_sign_in").unwrap();
    let html = response.text().await.unwrap();
    assert!(html.contains("action=\"/sign-in\""), "{html}");
    SignInForm {
        nonce_cookie,
        csrf: page_csrf(&html),
    }
}

async fn submit(
    app: &TestApp,
    client: &Client,
    form: &SignInForm,
    name: &str,
    password: &str,
    next: &str,
) -> Response {
    client
        .post(app.url("/sign-in"))
        .header(COOKIE, &form.nonce_cookie)
        .form(&[
            ("name", name),
            ("password", password),
            ("csrf", form.csrf.as_str()),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

/// Signs `name` in through the form; answers the session cookie (`vitrine_session=…`).
async fn sign_in(app: &TestApp, client: &Client, name: &str) -> String {
    let form = open_form(app, client).await;
    let response = submit(app, client, &form, name, &format!("{name}-password"), "/").await;
    assert_eq!(response.status(), 303);
    set_cookie(response.headers(), "vitrine_session").unwrap().0
}

/// A page's CSRF token for the session.
async fn csrf_of(app: &TestApp, client: &Client, session: &str) -> String {
    let page = client
        .get(app.url("/"))
        .header(COOKIE, session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    page_csrf(&page.text().await.unwrap())
}

async fn signing_in_gives_an_http_only_lax_session_that_reads_the_api(database: TestBackend) {
    let app = TestApp::builder(database).spawn().await;
    let ana = app.user("ana").await;
    app.upload_ok(&ana.key, "a.png", fixtures::png(8, 8)).await;
    let client = browser();
    let form = open_form(&app, &client).await;
    let response = submit(&app, &client, &form, "ana", &ana.password, "/").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()[LOCATION], "/");
    let (session, line) = set_cookie(response.headers(), "vitrine_session").unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=604800"] {
        assert!(line.contains(flag), "{line} lacks {flag}");
    }
    assert!(!line.contains("Secure"), "plain http: {line}");

    let page = client
        .get(app.url("/"))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(html.contains("ana"), "the page names who is signed in");
    assert!(html.contains("id=\"grid\""));

    let list: Value = client
        .get(app.url("/api/v1/gallery"))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1, "the session reads ana's library");
    let forged = client
        .get(app.url("/api/v1/gallery"))
        .header(COOKIE, "vitrine_session=eyJhbGciOiJIUzI1NiJ9.e30.x")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

async fn writes_with_the_session_need_its_csrf_token(database: TestBackend) {
    let app = TestApp::builder(database).spawn().await;
    let ana = app.user("ana").await;
    let id = app.upload_ok(&ana.key, "a.png", fixtures::png(8, 8)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = browser();
    let session = sign_in(&app, &client, "ana").await;
    let csrf = csrf_of(&app, &client, &session).await;
    let path = app.url(&format!("/api/v1/gallery/{id}"));
    let patch = |token: Option<&str>| {
        let mut request = client
            .patch(&path)
            .header(COOKIE, &session)
            .json(&json!({"title": "changed"}));
        if let Some(token) = token {
            request = request.header("X-CSRF-Token", token);
        }
        request.send()
    };

    let missing = patch(None).await.unwrap();
    assert_eq!(missing.status(), 403);
    let body: Value = missing.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("CSRF"), "{body}");
    assert_eq!(patch(Some(&"0".repeat(64))).await.unwrap().status(), 403);
    app.user("bob").await;
    let bob = sign_in(&app, &client, "bob").await;
    let bobs_csrf = csrf_of(&app, &client, &bob).await;
    assert_eq!(
        patch(Some(&bobs_csrf)).await.unwrap().status(),
        403,
        "another session's token"
    );
    let item = app.get_ok(&ana.key, &format!("/api/v1/gallery/{id}")).await;
    assert_eq!(
        item["title"],
        Value::Null,
        "nothing changed without the token"
    );

    let ok = patch(Some(&csrf)).await.unwrap();
    assert_eq!(ok.status(), 200);
    let item = app.get_ok(&ana.key, &format!("/api/v1/gallery/{id}")).await;
    assert_eq!(item["title"], "changed");
    // An API key needs no CSRF token: it is not sent by browsers on their own.
    let by_key = app
        .patch(
            &ana.key,
            &format!("/api/v1/gallery/{id}"),
            json!({"title": "by key"}),
        )
        .await;
    assert_eq!(by_key.status(), 200);
}

async fn a_sign_in_form_from_elsewhere_is_refused(database: TestBackend) {
    let app = TestApp::builder(database).spawn().await;
    let ana = app.user("ana").await;
    let client = browser();
    let form = open_form(&app, &client).await;
    // Another site can post the form but cannot send our nonce cookie with it.
    let forged = client
        .post(app.url("/sign-in"))
        .form(&[
            ("name", "ana"),
            ("password", ana.password.as_str()),
            ("csrf", form.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(set_cookie(forged.headers(), "vitrine_session").is_none());
    let wrong_token = SignInForm {
        nonce_cookie: form.nonce_cookie.clone(),
        csrf: "ab".repeat(32),
    };
    let response = submit(&app, &client, &wrong_token, "ana", &ana.password, "/").await;
    assert_eq!(response.status(), 403);
    assert!(set_cookie(response.headers(), "vitrine_session").is_none());
}

async fn wrong_passwords_are_refused_and_limited(database: TestBackend) {
    let app = TestApp::builder(database).spawn().await;
    app.user("ana").await;
    let client = browser();
    let form = open_form(&app, &client).await;
    let wrong = submit(&app, &client, &form, "ana", "not her password", "/").await;
    assert_eq!(wrong.status(), 401);
    assert!(set_cookie(wrong.headers(), "vitrine_session").is_none());
    assert!(wrong.text().await.unwrap().contains("do not match"));
    let mut limited = false;
    for _ in 0..12 {
        let response = submit(&app, &client, &form, "ana", "still wrong", "/").await;
        if response.status() == 429 {
            limited = true;
            break;
        }
        assert_eq!(response.status(), 401);
    }
    assert!(limited, "guesses at one account are limited");
    let right = submit(&app, &client, &form, "ana", "ana-password", "/").await;
    assert_eq!(
        right.status(),
        429,
        "even the right password waits out the limit"
    );
}

async fn signing_out_needs_the_page_token_and_ends_the_cookie(database: TestBackend) {
    let app = TestApp::builder(database).spawn().await;
    app.user("ana").await;
    let client = browser();
    let session = sign_in(&app, &client, "ana").await;
    let csrf = csrf_of(&app, &client, &session).await;
    let forged = client
        .post(app.url("/sign-out"))
        .header(COOKIE, &session)
        .form(&[("csrf", "0".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let out = client
        .post(app.url("/sign-out"))
        .header(COOKIE, &session)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let (cleared, line) = set_cookie(out.headers(), "vitrine_session").unwrap();
    assert_eq!(cleared, "vitrine_session=");
    assert!(line.contains("Max-Age=0"), "{line}");
}

async fn a_section_sends_the_signed_out_to_sign_in_and_back(database: TestBackend) {
    let app = TestApp::builder(database).spawn().await;
    app.user("ana").await;
    let client = browser();
    let away = client
        .get(app.url("/trash?type=image"))
        .send()
        .await
        .unwrap();
    assert_eq!(away.status(), 303);
    assert_eq!(
        away.headers()[LOCATION],
        "/sign-in?next=%2Ftrash%3Ftype%3Dimage"
    );
    let form = open_form(&app, &client).await;
    let back = submit(
        &app,
        &client,
        &form,
        "ana",
        "ana-password",
        "/trash?type=image",
    )
    .await;
    assert_eq!(back.headers()[LOCATION], "/trash?type=image");
    let elsewhere = submit(
        &app,
        &client,
        &form,
        "ana",
        "ana-password",
        "//evil.example/",
    )
    .await;
    assert_eq!(elsewhere.headers()[LOCATION], "/", "never to another site");
    let session = set_cookie(back.headers(), "vitrine_session").unwrap().0;
    for path in [
        "/trash",
        "/collections",
        "/folders",
        "/galleries",
        "/projects",
        "/shares",
        "/account",
    ] {
        let page = client
            .get(app.url(path))
            .header(COOKIE, &session)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{path}");
        let html = page.text().await.unwrap();
        assert!(html.contains("aria-current=\"page\""), "{path}");
        assert!(
            !html.contains("href=\"/admin\""),
            "no admin link for a user"
        );
    }
    let admin_page = client
        .get(app.url("/admin"))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(admin_page.status(), 403, "the admin page is for admins");

    app.user_with("root", Role::Admin, Plan::Free).await;
    let root = sign_in(&app, &client, "root").await;
    let admin_page = client
        .get(app.url("/admin"))
        .header(COOKIE, &root)
        .send()
        .await
        .unwrap();
    assert_eq!(admin_page.status(), 200);
    assert!(admin_page.text().await.unwrap().contains("id=\"new-user\""));
}

async fn the_session_cookie_is_secure_behind_https(database: TestBackend) {
    let app = TestApp::builder(database)
        .with_public_url("https://photos.example")
        .spawn()
        .await;
    app.user("ana").await;
    let client = browser();
    let form = open_form(&app, &client).await;
    let response = submit(&app, &client, &form, "ana", "ana-password", "/").await;
    let (_, line) = set_cookie(response.headers(), "vitrine_session").unwrap();
    assert!(line.contains("; Secure"), "{line}");
}

async fn assets_are_versioned_and_kept_for_a_year(database: TestBackend) {
    let app = TestApp::builder(database).spawn().await;
    let client = browser();
    let html = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let end = html.find("/dashboard.css").unwrap() + "/dashboard.css".len();
    let start = html[..end].rfind('"').unwrap() + 1;
    let css = &html[start..end];
    assert!(css.ends_with("/dashboard.css"), "{css}");
    let response = client.get(app.url(css)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let compressed = client
        .get(app.url(css))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        compressed.headers()["content-encoding"],
        "gzip",
        "shipped compressed"
    );
    let script = css.replace("dashboard.css", "dashboard.js");
    let js = client.get(app.url(&script)).send().await.unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.text().await.unwrap().contains("import"));
    let stale = client
        .get(app.url("/assets/000000000000/dashboard.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 404, "another build's version is not served");
}
