//! Many items at once: download, trash, tag, move. All-or-nothing: when any ID is not the
//! caller's item, nothing changes and the 404 names the IDs.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use validator::Validate;
use vitrine_domain::{FolderId, ItemId};

use crate::auth::Auth;
use crate::error::{bounds, json_body, ApiResult};
use crate::routes::archive::{zip_response, ZipOptions};
use crate::state::AppState;

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ItemIdsBody {
    #[validate(length(min = 1, max = bounds::BULK_ITEMS))]
    pub item_ids: Vec<String>,
}

impl ItemIdsBody {
    pub fn ids(&self) -> Vec<ItemId> {
        self.item_ids.iter().cloned().map(ItemId::from).collect()
    }
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct TagBody {
    #[validate(length(min = 1, max = bounds::BULK_ITEMS))]
    item_ids: Vec<String>,
    #[validate(length(min = 1, max = bounds::TAGS_PER_ITEM))]
    tags: Vec<String>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MoveBody {
    #[validate(length(min = 1, max = bounds::BULK_ITEMS))]
    item_ids: Vec<String>,
    /// `null` or absent: the root folder.
    #[serde(default)]
    folder_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BulkResult {
    success: bool,
    item_ids: Vec<String>,
    /// How many items changed (already-trashed items do not count when trashing).
    updated: usize,
}

fn ids_of(raw: &[String]) -> Vec<ItemId> {
    raw.iter().cloned().map(ItemId::from).collect()
}

/// `POST /api/v1/gallery/bulk/download`: the items as one streamed ZIP, in the order given.
pub async fn download(
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

/// `POST /api/v1/gallery/bulk/delete`: to the trash, like `DELETE /{id}`.
pub async fn delete(
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

/// `POST /api/v1/gallery/bulk/tag`: adds the tags, keeping the ones items have.
pub async fn tag(
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

/// `POST /api/v1/gallery/bulk/move`: into a folder, or the root.
pub async fn move_to_folder(
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

/// `POST /api/v1/gallery/trash/empty`: purges the caller's trash now.
pub async fn empty_trash(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let purged = state.library.empty_trash(&who).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "success": true, "purged": purged })))
}
