//! `/api/v1/gallery/folders`: spec 2's folders. Items carry `folderId`; `null` is the root.

use crate::openapi::params::FolderPath;
use crate::routes::table::Routes;
use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use vitrine_domain::organise::{Folder, FolderChange, FolderDelete};
use vitrine_domain::FolderId;

use super::dto::present;
use crate::auth::Auth;
use crate::error::{bounds, invalid, json_body, ApiResult, Position};
use crate::format::iso8601;
use crate::openapi::schemas::Deleted;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .get("/folders", list)
        .post("/folders", create)
        .get("/folders/{id}", get)
        .patch("/folders/{id}", change)
        .delete("/folders/{id}", delete);
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FolderResponse {
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

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = NewFolder)]
pub(crate) struct CreateBody {
    #[validate(length(min = 1, max = bounds::NAME_CHARS))]
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    /// Absent or null: at the root.
    parent_id: Option<String>,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = FolderChange)]
pub(crate) struct ChangeBody {
    #[validate(length(min = 1, max = bounds::NAME_CHARS))]
    #[schema(min_length = 1, max_length = 200)]
    name: Option<String>,
    /// `null` moves the folder to the root.
    #[serde(default, deserialize_with = "present")]
    parent_id: Option<Option<String>>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Folders {
    folders: Vec<FolderResponse>,
}

/// The caller's folders, every level.
#[utoipa::path(get, path = "/api/v1/gallery/folders", tag = "folders",
    security(("bearer" = ["media:read"])),
    responses((status = 200, description = "The folders", body = Folders)))]
pub(crate) async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let folders = state.folders.list(&who).await?;
    let folders: Vec<FolderResponse> = folders.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(Folders { folders }))
}

/// Makes a folder; names are unique among siblings, case aside.
#[utoipa::path(post, path = "/api/v1/gallery/folders", tag = "folders",
    security(("bearer" = ["media:write"])), request_body = CreateBody,
    responses((status = 201, description = "The folder", body = FolderResponse)))]
pub(crate) async fn create(
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

/// One folder.
#[utoipa::path(get, path = "/api/v1/gallery/folders/{id}", tag = "folders",
    security(("bearer" = ["media:read"])), params(FolderPath),
    responses((status = 200, description = "The folder", body = FolderResponse)))]
pub(crate) async fn get(
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

/// Renames or moves a folder (never into its own subtree: 409).
#[utoipa::path(patch, path = "/api/v1/gallery/folders/{id}", tag = "folders",
    security(("bearer" = ["media:write"])), params(FolderPath), request_body = ChangeBody,
    responses((status = 200, description = "The folder", body = FolderResponse)))]
pub(crate) async fn change(
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

/// Deletes a folder.
///
/// Refuses a folder that still holds items or folders unless `moveContents=true`, which
/// moves them to the folder's parent first.
#[utoipa::path(delete, path = "/api/v1/gallery/folders/{id}", tag = "folders",
    security(("bearer" = ["media:delete"])),
    params(FolderPath,
        ("moveContents" = Option<bool>, Query, description = "Move its contents to its parent")),
    responses((status = 200, description = "Deleted", body = Deleted)))]
pub(crate) async fn delete(
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
    Ok(HttpResponse::Ok().json(Deleted::of(&id)))
}
