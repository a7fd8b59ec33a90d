//! `/api/v1/gallery/folders`: spec 2's folders. Items carry `folderId`; `null` is the root.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use validator::Validate;
use vitrine_domain::organise::{Folder, FolderChange, FolderDelete};
use vitrine_domain::FolderId;

use super::dto::present;
use crate::auth::Auth;
use crate::error::{bounds, invalid, json_body, ApiResult, Position};
use crate::format::iso8601;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/folders", web::get().to(list))
        .route("/folders", web::post().to(create))
        .route("/folders/{id}", web::get().to(get))
        .route("/folders/{id}", web::patch().to(change))
        .route("/folders/{id}", web::delete().to(delete));
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FolderResponse {
    id: String,
    name: String,
    parent_id: Option<String>,
    item_count: i64,
    created_at: String,
    updated_at: String,
}

impl From<Folder> for FolderResponse {
    fn from(f: Folder) -> Self {
        Self {
            id: f.id.to_string(),
            name: f.name,
            parent_id: f.parent.map(|p| p.to_string()),
            item_count: f.item_count,
            created_at: iso8601(f.created_at),
            updated_at: iso8601(f.updated_at),
        }
    }
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CreateBody {
    #[validate(length(min = 1, max = bounds::NAME_CHARS))]
    name: String,
    parent_id: Option<String>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ChangeBody {
    #[validate(length(min = 1, max = bounds::NAME_CHARS))]
    name: Option<String>,
    /// `null` moves the folder to the root.
    #[serde(default, deserialize_with = "present")]
    parent_id: Option<Option<String>>,
}

async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let folders = state.folders.list(&who).await?;
    let folders: Vec<FolderResponse> = folders.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "folders": folders })))
}

async fn create(
    state: web::Data<AppState>,
    Auth(who): Auth,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: CreateBody = json_body(&body)?;
    let created = state
        .folders
        .create(&who, &body.name, body.parent_id.map(FolderId::from))
        .await?;
    Ok(HttpResponse::Created().json(FolderResponse::from(created)))
}

async fn get(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let found = state
        .folders
        .get(&who, &FolderId::from(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(FolderResponse::from(found)))
}

async fn change(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: ChangeBody = json_body(&body)?;
    let change = FolderChange {
        name: body.name,
        parent: body.parent_id.map(|p| p.map(FolderId::from)),
    };
    let changed = state
        .folders
        .change(&who, &FolderId::from(id.into_inner()), change)
        .await?;
    Ok(HttpResponse::Ok().json(FolderResponse::from(changed)))
}

/// Refuses a folder that still holds items or folders unless `moveContents=true`, which
/// moves them to the folder's parent first.
async fn delete(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> ApiResult<HttpResponse> {
    let how = match params.get("moveContents").map(String::as_str) {
        None | Some("false") => FolderDelete::OnlyEmpty,
        Some("true") => FolderDelete::MoveContentsToParent,
        Some(_) => {
            return Err(invalid(
                "Invalid moveContents parameter",
                "moveContents",
                "must be true or false",
                Position::Query,
            ))
        }
    };
    let id = FolderId::from(id.into_inner());
    state.folders.delete(&who, &id, how).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "success": true, "id": id.to_string() })))
}
