//! The OpenAPI document against the routes the server really registers: a route without an
//! operation, or an operation without a route, fails here. schemathesis (`.ci/run`) checks
//! the answers against the document.

use std::collections::BTreeSet;

use serde_json::Value;
use vitrine_test_support::{TestApp, TestBackend};

/// The dashboard's pages and the docs page: not API operations, and nothing else may be.
const PAGES: [&str; 14] = [
    "GET /",
    "GET /trash",
    "GET /collections",
    "GET /folders",
    "GET /galleries",
    "GET /projects",
    "GET /shares",
    "GET /account",
    "GET /admin",
    "GET /sign-in",
    "POST /sign-in",
    "POST /sign-out",
    "GET /assets/{version}/{file}",
    "GET /api/docs",
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// `{file:.+}` (actix's restricted parameter) is `{file}` in OpenAPI.
fn openapi_path(actix: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    let mut skipping = false;
    for c in actix.chars() {
        match c {
            '{' => (in_param, skipping) = (true, false),
            '}' => (in_param, skipping) = (false, false),
            ':' if in_param => skipping = true,
            _ if skipping => continue,
            _ => {}
        }
        if !skipping || c == '}' {
            out.push(c);
        }
    }
    out
}

async fn document(app: &TestApp) -> Value {
    let response = app
        .send(app.client().get(app.url("/api/openapi.json")))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    response.json().await.unwrap()
}

fn operations(document: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                found.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    found
}

#[tokio::test]
async fn every_route_has_an_operation_and_every_operation_a_route() {
    let app = TestApp::builder(TestBackend::Sqlite).spawn().await;
    let document = document(&app).await;
    assert_eq!(document["openapi"], "3.1.0");

    let registered = vitrine_http::registered_routes();
    let api: BTreeSet<String> = registered
        .iter()
        .filter(|route| route.in_api)
        .map(|route| format!("{} {}", route.method, openapi_path(&route.path)))
        .collect();
    let pages: BTreeSet<String> = registered
        .iter()
        .filter(|route| !route.in_api)
        .map(|route| format!("{} {}", route.method, openapi_path(&route.path)))
        .collect();
    assert_eq!(pages, PAGES.iter().map(|p| p.to_string()).collect());

    let documented = operations(&document);
    let missing: Vec<_> = api.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&api).collect();
    assert!(
        missing.is_empty(),
        "routes without an operation: {missing:?}"
    );
    assert!(extra.is_empty(), "operations without a route: {extra:?}");
    assert!(api.len() >= 90, "only {} operations", api.len());
    assert_eq!(
        registered.len(),
        api.len() + pages.len(),
        "a route registered twice"
    );
}

#[tokio::test]
async fn every_operation_declares_its_parameters_credentials_and_errors() {
    let app = TestApp::builder(TestBackend::Sqlite).spawn().await;
    let document = document(&app).await;
    let schemes = document["components"]["securitySchemes"]
        .as_object()
        .unwrap();
    for scheme in ["bearer", "api_key", "session", "v1_key"] {
        assert!(schemes.contains_key(scheme), "no {scheme} scheme");
    }
    let mut ids = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        let in_path: BTreeSet<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split('}').next())
            .collect();
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let name = format!("{method} {path}");
            let id = operation["operationId"].as_str().unwrap().to_owned();
            assert!(
                ids.insert(id.clone()),
                "{name}: operationId {id} is not unique"
            );
            let declared: BTreeSet<&str> = operation["parameters"]
                .as_array()
                .map(|params| {
                    params
                        .iter()
                        .filter(|p| p["in"] == "path")
                        .map(|p| p["name"].as_str().unwrap())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(declared, in_path, "{name}: path parameters");
            assert!(operation["summary"].is_string(), "{name}: no summary");
            assert!(
                operation["responses"]["default"].is_object(),
                "{name}: no error response"
            );
            let security = operation["security"].as_array();
            let security = security.unwrap_or_else(|| panic!("{name}: no security"));
            let public = security.iter().any(|s| s.as_object().unwrap().is_empty());
            if !public {
                let schemes: BTreeSet<&str> = security
                    .iter()
                    .flat_map(|s| s.as_object().unwrap().keys().map(String::as_str))
                    .collect();
                assert!(
                    schemes.contains("bearer")
                        || schemes.contains("metrics_token")
                        || schemes.contains("v1_key"),
                    "{name}: {schemes:?}"
                );
            }
        }
    }
    // Every reference points at a schema the document has.
    let text = document.to_string();
    for reference in text.split("\"$ref\":\"").skip(1) {
        let target = reference.split('"').next().unwrap();
        let name = target.strip_prefix("#/components/schemas/").unwrap();
        assert!(
            document["components"]["schemas"][name].is_object(),
            "{target} does not resolve"
        );
    }
    // A scope named on an operation is one a credential can hold.
    for scope in [
        "media:read",
        "media:write",
        "shares:write",
        "galleries:update",
        "admin",
    ] {
        assert!(
            text.contains(&format!("\"{scope}\"")),
            "{scope} is never required"
        );
    }
}

#[tokio::test]
async fn the_docs_page_loads_its_own_assets_only() {
    let app = TestApp::builder(TestBackend::Sqlite).spawn().await;
    let response = app.send(app.client().get(app.url("/api/docs"))).await;
    assert_eq!(response.status(), 200);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.starts_with("default-src 'self'"), "{policy}");
    let page = response.text().await.unwrap();
    let assets: Vec<&str> = page
        .split(['"', '\''])
        .filter(|part| part.starts_with("/assets/"))
        .collect();
    assert_eq!(assets.len(), 4, "{page}");
    for asset in assets {
        let response = app.send(app.client().get(app.url(asset))).await;
        assert_eq!(response.status(), 200, "{asset}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = response.text().await.unwrap();
        if asset.ends_with(".svg") {
            assert!(kind.starts_with("image/svg+xml"), "{asset}: {kind}");
        } else if asset.ends_with(".css") {
            assert!(
                kind.starts_with("text/css") && body.contains(".swagger-ui"),
                "{asset}"
            );
        } else {
            assert!(kind.starts_with("text/javascript"), "{asset}: {kind}");
            assert!(body.contains("SwaggerUIBundle"), "{asset}");
        }
    }
    assert!(page.contains("data-document=\"/api/openapi.json\""));
}
