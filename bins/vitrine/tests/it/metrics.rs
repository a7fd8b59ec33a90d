//! `/metrics`: only with its token, requests by route template (never by ID), and the
//! database, the media queue and the blob store as they are.

use vitrine_test_support::{database_tests, fixtures, TestApp, TestBackend};

database_tests!(
    metrics_need_their_token_and_count_by_route_template,
    without_a_token_there_are_no_metrics,
);

/// The value of the series whose line starts with `series` (name and labels, exactly).
fn value(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client().get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    app.send(request).await
}

async fn metrics_need_their_token_and_count_by_route_template(database: TestBackend) {
    let app = TestApp::builder(database)
        .with_http(|http| http.metrics_token = Some("scrape-secret".to_owned()))
        .spawn()
        .await;
    assert_eq!(scrape(&app, None).await.status(), 401);
    assert_eq!(scrape(&app, Some("scrape-secreT")).await.status(), 401);

    let ana = app.user("ana").await;
    let png = fixtures::png(64, 48);
    let id = app.upload_ok(&ana.key, "a.png", png.clone()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        assert_eq!(
            app.get(&ana.key, &format!("/api/v1/gallery/{id}"))
                .await
                .status(),
            200
        );
    }
    assert_eq!(
        app.get(&ana.key, "/api/v1/gallery/gal_nothing")
            .await
            .status(),
        404
    );

    let response = scrape(&app, Some("scrape-secret")).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    let item = r#"route="/api/v1/gallery/{id}",method="GET""#;
    assert_eq!(
        value(
            &page,
            &format!("vitrine_http_request_duration_seconds_count{{{item},status=\"200\"}}")
        ),
        Some(2.0),
        "{page}"
    );
    assert_eq!(
        value(
            &page,
            &format!("vitrine_http_request_duration_seconds_count{{{item},status=\"404\"}}")
        ),
        Some(1.0)
    );
    assert!(
        !page.contains(&id),
        "an item's id is never part of a series"
    );
    let received = value(&page, "vitrine_http_received_bytes_total").unwrap();
    assert!(
        received >= png.len() as f64,
        "the upload's body is counted: {received}"
    );
    let written = value(&page, "vitrine_blob_written_bytes_total").unwrap();
    assert!(
        written >= png.len() as f64,
        "its original reached the store: {written}"
    );
    assert!(value(&page, "vitrine_http_sent_bytes_total").unwrap() > 0.0);
    assert!(value(&page, r#"vitrine_db_connections{state="max"}"#).unwrap() >= 1.0);
    assert!(value(&page, r#"vitrine_db_connections{state="in_use"}"#).is_some());
    for state in ["pending", "processing", "completed", "failed"] {
        assert!(
            value(&page, &format!("vitrine_media_jobs{{state=\"{state}\"}}")).is_some(),
            "{state}"
        );
    }
    assert!(value(&page, "vitrine_media_oldest_pending_job_age_seconds").is_some());
    assert!(value(&page, "vitrine_blob_errors_total").is_some());

    // The signed thumbnail is read from the store and counted as it is sent.
    let item = app.get_ok(&ana.key, &format!("/api/v1/gallery/{id}")).await;
    let thumb = item["thumbnailUrl"].as_str().unwrap();
    let bytes = app
        .send(app.client().get(thumb))
        .await
        .bytes()
        .await
        .unwrap();
    let page = scrape(&app, Some("scrape-secret"))
        .await
        .text()
        .await
        .unwrap();
    let read = value(&page, "vitrine_blob_read_bytes_total").unwrap();
    assert!(read >= bytes.len() as f64, "{read} < {}", bytes.len());
    assert_eq!(
        value(
            &page,
            r#"vitrine_http_request_duration_seconds_count{route="/media/{id}/{variant}",method="GET",status="200"}"#
        ),
        Some(1.0)
    );
}

async fn without_a_token_there_are_no_metrics(database: TestBackend) {
    let app = TestApp::builder(database).spawn().await;
    assert_eq!(scrape(&app, None).await.status(), 404);
    assert_eq!(scrape(&app, Some("anything")).await.status(), 404);
}
