//! A gallery's media: add, change, remove, reorder.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::responses::GalleryResponse;
use super::{answer, body, uuid_in_path};
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::openapi::params::{GalleryItemPath, GalleryPath};
use crate::routes::gallery::present;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddMediaBody {
    media_id: String,
    order: Option<i32>,
    caption: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChangeMediaBody {
    order: Option<i32>,
    #[serde(default, deserialize_with = "present")]
    caption: Option<Option<String>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReorderBody {
    /// Every item of the gallery, once, in the order wanted.
    #[schema(min_items = 1)]
    media_ids: Vec<String>,
}

/// Adds an item of the caller's library to the gallery.
#[utoipa::path(post, path = "/api/v1/galleries/{id}/media", tag = "galleries",
    security(("bearer" = ["galleries:update"])), params(GalleryPath), request_body = AddMediaBody,
    responses((status = 201, description = "The gallery", body = GalleryResponse)))]
pub(crate) async fn add_media(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let id = uuid_in_path(&id, "id")?;
    let add: AddMediaBody = body(&bytes)?;
    let outcome = state
        .galleries
        .add_media(&who, id, &add.media_id, add.order, add.caption)
        .await;
    answer(outcome, &state, StatusCode::CREATED)
}

/// Changes an item's place or caption in the gallery.
#[utoipa::path(patch, path = "/api/v1/galleries/{id}/media/{media_id}", tag = "galleries",
    security(("bearer" = ["galleries:update"])), params(GalleryPath, GalleryItemPath),
    request_body = ChangeMediaBody,
    responses((status = 200, description = "The gallery", body = GalleryResponse)))]
pub(crate) async fn change_media(
    state: web::Data<AppState>,
    Auth(who): Auth,
    path: web::Path<(String, String)>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let (id, item) = path.into_inner();
    let id = uuid_in_path(&id, "id")?;
    let change: ChangeMediaBody = body(&bytes)?;
    let outcome = state
        .galleries
        .update_media(&who, id, &item, change.order, change.caption)
        .await;
    answer(outcome, &state, StatusCode::OK)
}

/// Takes an item out of the gallery (not out of the library).
#[utoipa::path(delete, path = "/api/v1/galleries/{id}/media/{media_id}", tag = "galleries",
    security(("bearer" = ["galleries:update"])), params(GalleryPath, GalleryItemPath),
    responses((status = 200, description = "The gallery", body = GalleryResponse)))]
pub(crate) async fn remove_media(
    state: web::Data<AppState>,
    Auth(who): Auth,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, item) = path.into_inner();
    let id = uuid_in_path(&id, "id")?;
    let outcome = state.galleries.remove_media(&who, id, &item).await;
    answer(outcome, &state, StatusCode::OK)
}

/// Puts the gallery's items in the order given (every item, once).
#[utoipa::path(post, path = "/api/v1/galleries/{id}/media/reorder", tag = "galleries",
    security(("bearer" = ["galleries:update"])), params(GalleryPath), request_body = ReorderBody,
    responses((status = 200, description = "The gallery", body = GalleryResponse)))]
pub(crate) async fn reorder_media(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let id = uuid_in_path(&id, "id")?;
    let reorder: ReorderBody = body(&bytes)?;
    let outcome = state
        .galleries
        .reorder_media(&who, id, reorder.media_ids)
        .await;
    answer(outcome, &state, StatusCode::OK)
}
