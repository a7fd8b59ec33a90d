//! The OpenAPI 3.1 document of every API route, generated from the handlers' own
//! `#[utoipa::path]` annotations (`GET /api/openapi.json`), and a page that renders it with
//! the vendored Swagger UI (`GET /api/docs`). A test holds the document to the route table
//! (`routes/table.rs`): a route without an operation, or an operation without a route,
//! fails it. docs/API.md, "OpenAPI".

mod conventions;
pub(crate) mod params;
mod paths;
pub(crate) mod schemas;

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::HttpResponse;
use askama::Template;
use utoipa::OpenApi;

use crate::dashboard::assets;
use crate::routes::table::Routes;

pub(crate) fn configure(routes: &mut Routes) {
    routes.get("/api/openapi.json", document);
    routes.pages(|routes| {
        routes.get("/api/docs", docs_page);
    });
}

/// The document as served: utoipa's output with the conventions every operation shares
/// written in (`conventions.rs`). Built once; it depends on nothing but the code.
pub fn document_json() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        // utoipa's types are plain data: serializing them cannot fail.
        let mut document = serde_json::to_value(paths::ApiDoc::openapi()).unwrap_or_default();
        conventions::apply(&mut document);
        document.to_string()
    })
}

/// The OpenAPI document of this server.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)),
)]
pub(crate) async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(document_json())
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    icon: String,
    bundle: String,
    init: String,
    style: String,
}

/// Swagger UI over the document; its assets come from this server (no CDN), and its policy
/// lets nothing else in. Swagger UI sets inline styles, so styles may be inline here.
async fn docs_page() -> HttpResponse {
    let page = DocsPage {
        icon: assets::url("icon.svg"),
        bundle: assets::url("vendor/swagger-ui/swagger-ui-bundle.js"),
        init: assets::url("api-docs.js"),
        style: assets::url("vendor/swagger-ui/swagger-ui.css"),
    };
    match page.render() {
        Ok(html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                 frame-ancestors 'none'",
            ))
            .body(html),
        Err(err) => {
            tracing::error!(error = %err, "docs page did not render");
            HttpResponse::InternalServerError().finish()
        }
    }
}
