//! `GET /api/1/sharex`: a ShareX custom uploader (`.sxcu`) preset for this server and the
//! caller's API key. ShareX imports the file as is (docs in the README).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::answer::{Format, V1Error};
use crate::auth::credential;
use crate::state::AppState;

/// A ShareX custom uploader file for the caller's API key.
#[utoipa::path(get, path = "/api/1/sharex", tag = "upload v1",
    security(("v1_key" = []), ("api_key" = []), ("bearer" = [])),
    params(("key" = Option<String>, Query, description = "The API key")),
    responses(
        (status = 200, description = "The `.sxcu` file", body = super::schema::ShareX),
        (status = "default", description = "Refused", body = super::schema::V1Failed),
    ))]
pub(crate) async fn sharex(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Vec<(String, String)>>,
) -> HttpResponse {
    let key = credential(&req).or_else(|| {
        query
            .iter()
            .find(|(name, _)| name == "key")
            .map(|(_, value)| value.clone())
    });
    let Some(key) = key else {
        return V1Error::no_key("No API key: send X-API-Key, Authorization: Bearer or key")
            .respond(Format::Json);
    };
    if state.accounts.authenticate(&key).await.is_err() {
        return V1Error::no_key("Invalid API key").respond(Format::Json);
    }
    // The file keeps the credential for good: an access token would stop working within
    // the hour.
    if !key.starts_with("vtr_") {
        return V1Error::bad("a ShareX preset needs an API key, not an access token")
            .respond(Format::Json);
    }
    let base = &state.settings.public_url;
    let host = base
        .split("://")
        .nth(1)
        .unwrap_or(base)
        .trim_end_matches('/');
    let preset = json!({
        "Version": "17.0.0",
        "Name": format!("Vitrine ({host})"),
        "DestinationType": "ImageUploader, FileUploader",
        "RequestMethod": "POST",
        "RequestURL": format!("{base}/api/1/upload"),
        "Headers": {"X-API-Key": key},
        "Body": "MultipartFormData",
        "FileFormName": "source",
        "URL": "{json:image.url}",
        "ThumbnailURL": "{json:image.thumb.url}",
        "DeletionURL": "{json:image.delete_url}",
        "ErrorMessage": "{json:error.message}",
    });
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"vitrine.sxcu\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(serde_json::to_string_pretty(&preset).unwrap_or_default())
}
