//! Many items at once: download, trash, tag, move. All-or-nothing: when any ID is not the
//! caller's item, nothing changes and the 404 names the IDs.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use vitrine_domain::{FolderId, ItemId};

use crate::auth::Auth;
use crate::error::{bounds, json_body, ApiResult};
use crate::openapi::schemas::Binary;
use crate::routes::archive::{zip_response, ZipOptions};
use crate::state::AppState;

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ItemIdsBody {
    #[validate(length(min = 1, max = bounds::BULK_ITEMS))]
    #[schema(min_items = 1, max_items = 1000)]
    pub item_ids: Vec<String>,
}

impl ItemIdsBody {
    pub fn ids(&self) -> Vec<ItemId> {
        self.item_ids.iter().cloned().map(ItemId::from).collect()
    }
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct TagBody {
    #[validate(length(min = 1, max = bounds::BULK_ITEMS))]
    #[schema(min_items = 1, max_items = 1000)]
    item_ids: Vec<String>,
    #[validate(length(min = 1, max = bounds::TAGS_PER_ITEM))]
    #[schema(min_items = 1, max_items = 100)]
    tags: Vec<String>,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct MoveBody {
    #[validate(length(min = 1, max = bounds::BULK_ITEMS))]
    #[schema(min_items = 1, max_items = 1000)]
    item_ids: Vec<String>,
    /// `null` or absent: the root folder.
    #[serde(default)]
    folder_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BulkResult {
    success: bool,
    item_ids: Vec<String>,
    /// How many items changed (already-trashed items do not count when trashing).
    updated: usize,
}

fn ids_of(raw: &[String]) -> Vec<ItemId> {
    raw.iter().cloned().map(ItemId::from).collect()
}

/// The items as one streamed ZIP, in the order given.
#[utoipa::path(post, path = "/api/v1/gallery/bulk/download", tag = "gallery",
    security(("bearer" = ["media:read"])), request_body = ItemIdsBody,
    responses((status = 200, description = "A ZIP", body = Binary, content_type = "application/zip")))]
pub(crate) async fn download(
    state: web::Data<AppState>,
    Auth(who): Auth,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: ItemIdsBody = json_body(&body)?;
    let items = state.library.many(&who, &body.ids()).await?;
    let name = format!("vitrine-{}.zip", state.clock.now().format("%Y%m%d-%H%M%S"));
    Ok(zip_response(
        state.library.clone(),
        items,
        &name,
        ZipOptions::default(),
    ))
}

/// To the trash, like `DELETE /{id}`.
#[utoipa::path(post, path = "/api/v1/gallery/bulk/delete", tag = "gallery",
    security(("bearer" = ["media:delete"])), request_body = ItemIdsBody,
    responses((status = 200, description = "Trashed", body = BulkResult)))]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    Auth(who): Auth,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: ItemIdsBody = json_body(&body)?;
    let updated = state.library.trash_many(&who, &body.ids()).await?;
    Ok(HttpResponse::Ok().json(BulkResult {
        success: true,
        item_ids: body.item_ids,
        updated,
    }))
}

/// Adds the tags, keeping the ones items have.
#[utoipa::path(post, path = "/api/v1/gallery/bulk/tag", tag = "gallery",
    security(("bearer" = ["media:write"])), request_body = TagBody,
    responses((status = 200, description = "Tagged", body = BulkResult)))]
pub(crate) async fn tag(
    state: web::Data<AppState>,
    Auth(who): Auth,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: TagBody = json_body(&body)?;
    let ids = ids_of(&body.item_ids);
    state.library.tag_many(&who, &ids, &body.tags).await?;
    Ok(HttpResponse::Ok().json(BulkResult {
        success: true,
        updated: ids.len(),
        item_ids: body.item_ids,
    }))
}

/// Into a folder, or the root.
#[utoipa::path(post, path = "/api/v1/gallery/bulk/move", tag = "gallery",
    security(("bearer" = ["media:write"])), request_body = MoveBody,
    responses((status = 200, description = "Moved", body = BulkResult)))]
pub(crate) async fn move_to_folder(
    state: web::Data<AppState>,
    Auth(who): Auth,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: MoveBody = json_body(&body)?;
    let ids = ids_of(&body.item_ids);
    let folder = body.folder_id.clone().map(FolderId::from);
    state.library.move_many(&who, &ids, folder.as_ref()).await?;
    Ok(HttpResponse::Ok().json(BulkResult {
        success: true,
        updated: ids.len(),
        item_ids: body.item_ids,
    }))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Emptied {
    success: bool,
    /// How many items were deleted for good.
    purged: usize,
}

/// Purges the caller's trash now.
#[utoipa::path(post, path = "/api/v1/gallery/trash/empty", tag = "gallery",
    security(("bearer" = ["media:delete"])),
    responses((status = 200, description = "Emptied", body = Emptied)))]
pub(crate) async fn empty_trash(
    state: web::Data<AppState>,
    Auth(who): Auth,
) -> ApiResult<HttpResponse> {
    let purged = state.library.empty_trash(&who).await?;
    Ok(HttpResponse::Ok().json(Emptied {
        success: true,
        purged,
    }))
}
