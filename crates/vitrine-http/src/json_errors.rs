//! Errors that leave actix itself (a body over its size limit, say) as plain text, given
//! the JSON shape every error under the API has (`error.rs`). The handlers' own errors are
//! JSON already and pass untouched.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::HttpResponse;

/// The paths whose errors are JSON; share pages answer HTML.
const API_PREFIXES: [&str; 3] = ["/api/", "/images", "/gallery"];

/// Spec 5 answers errors in its own shape, as plain text with `format=txt`.
const OWN_SHAPE: &str = "/api/1/";

/// Whether errors under this path are JSON.
pub(crate) fn is_api(path: &str) -> bool {
    API_PREFIXES.iter().any(|p| path.starts_with(p)) && !path.starts_with(OWN_SHAPE)
}

/// The response, as JSON when it is an error in another shape.
pub(crate) fn as_json(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let error = match status.as_u16() {
        413 => "The request body is over the size limit".to_owned(),
        _ => status.canonical_reason().unwrap_or("Error").to_owned(),
    };
    let (request, old) = response.into_parts();
    let mut json = HttpResponse::build(status);
    // Headers the old answer carried for the client (Retry-After, Allow) stay.
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            json.insert_header((name.clone(), value.clone()));
        }
    }
    let body = serde_json::json!({
        "error": error,
        "statusCode": status.as_u16(),
        "detail": [],
    });
    ServiceResponse::new(request, json.json(body)).map_into_boxed_body()
}
