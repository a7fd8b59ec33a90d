//! `/api/v1/gallery`: spec 1's items.

mod bulk;
mod collections;
mod dto;
pub(crate) use dto::present;
mod folders;
mod shares;
pub(crate) mod upload;

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use vitrine_domain::ItemId;

pub(crate) use self::dto::ItemResponse;
use self::dto::{ListResponse, PatchBody, StorageResponse};
use super::filters::{item_query, Surface};
use super::get_or_head;
use super::stream::{serve, Disposition, Served};
use crate::auth::Auth;
use crate::error::{as_sent, json_body, ApiResult};
use crate::format::human_bytes;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/gallery")
            .route("", web::get().to(list))
            .route("", web::post().to(upload::upload))
            // Fixed paths before `{id}`, which would otherwise swallow them.
            .route("/storage", web::get().to(storage))
            .configure(collections::configure)
            .configure(shares::configure_collections)
            .route("/shares", web::get().to(shares::list))
            .configure(folders::configure)
            .route("/bulk/download", web::post().to(bulk::download))
            .route("/bulk/delete", web::post().to(bulk::delete))
            .route("/bulk/tag", web::post().to(bulk::tag))
            .route("/bulk/move", web::post().to(bulk::move_to_folder))
            .route("/trash/empty", web::post().to(bulk::empty_trash))
            .route("/{id}", web::get().to(get))
            .route("/{id}", web::patch().to(patch))
            .route("/{id}", web::delete().to(delete))
            .route("/{id}/restore", web::post().to(restore))
            .route("/{id}/similar", web::get().to(similar))
            .configure(shares::configure_items)
            .configure(crate::routes::projects::configure_review)
            .route("/{id}/download", get_or_head().to(download)),
    );
}

async fn list(
    state: web::Data<AppState>,
    Auth(who): Auth,
    params: web::Query<HashMap<String, String>>,
) -> ApiResult<HttpResponse> {
    let query = item_query(&params, state.library.limits(), Surface::Gallery)?;
    let page = state.library.list(&who, &query).await?;
    let now = state.now_secs();
    Ok(HttpResponse::Ok().json(ListResponse {
        total: page.total,
        page: page.page,
        page_size: page.page_size,
        items: page
            .items
            .into_iter()
            .map(|item| ItemResponse::new(item, &state.signer, now))
            .collect(),
    }))
}

async fn get(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let item = state
        .library
        .item(&who, &ItemId::from(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(ItemResponse::new(item, &state.signer, state.now_secs())))
}

async fn patch(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let (mut patch, placement) = json_body::<PatchBody>(&body)?.into_patch()?;
    let (project, inputs) = state
        .projects
        .check_placement(&who, placement)
        .await
        .map_err(as_sent)?;
    (patch.project, patch.inputs) = (project, inputs);
    let item = state
        .library
        .update(&who, &ItemId::from(id.into_inner()), patch)
        .await?;
    Ok(HttpResponse::Ok().json(ItemResponse::new(item, &state.signer, state.now_secs())))
}

#[derive(serde::Deserialize)]
struct DeleteParams {
    /// `true`: delete an item in the trash for good, instead of moving it there.
    #[serde(default)]
    permanent: bool,
}

/// Moves the item to the trash; it answers with the trashed item so clients can undo.
/// With `permanent=true`, deletes an item already in the trash for good.
async fn delete(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    params: web::Query<DeleteParams>,
) -> ApiResult<HttpResponse> {
    let id = ItemId::from(id.into_inner());
    if params.permanent {
        state.library.purge_from_trash(&who, &id).await?;
        return Ok(
            HttpResponse::Ok().json(serde_json::json!({ "success": true, "id": id.as_str() }))
        );
    }
    let item = state.library.trash(&who, &id).await?;
    Ok(HttpResponse::Ok().json(ItemResponse::new(item, &state.signer, state.now_secs())))
}

/// Brings a trashed item back, into the folder it was in (or the root if that is gone).
async fn restore(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let item = state
        .library
        .restore(&who, &ItemId::from(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(ItemResponse::new(item, &state.signer, state.now_secs())))
}

async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let item = state
        .library
        .item(&who, &ItemId::from(id.into_inner()))
        .await?;
    serve(
        &req,
        &state.library,
        &Served::original(&item),
        Disposition::Attachment,
    )
    .await
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SimilarQuery {
    /// Bits of the 64-bit hash that may differ; default 10.
    max_distance: Option<u32>,
    limit: Option<u32>,
}

/// `GET /api/v1/gallery/{id}/similar`: the caller's near-duplicates of an item, closest
/// first, each with its `distance` in bits.
async fn similar(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    query: web::Query<SimilarQuery>,
) -> ApiResult<HttpResponse> {
    let max = state.library.limits().max_page_size;
    let limit = query.limit.unwrap_or(20);
    if limit == 0 || limit > max {
        return Err(crate::error::invalid(
            "Invalid limit parameter",
            "limit",
            format!("must be between 1 and {max}"),
            crate::error::Position::Query,
        ));
    }
    let found = state
        .library
        .similar(
            &who,
            &ItemId::from(id.into_inner()),
            query.max_distance.unwrap_or(10),
            limit as usize,
        )
        .await?;
    let now = state.now_secs();
    let items: Vec<serde_json::Value> = found
        .into_iter()
        .map(|(item, distance)| {
            let mut json = serde_json::to_value(ItemResponse::new(item, &state.signer, now))
                .unwrap_or_default();
            json["distance"] = distance.into();
            json
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "total": items.len(), "items": items })))
}

async fn storage(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let usage = state.library.storage(&who).await?;
    Ok(HttpResponse::Ok().json(StorageResponse {
        used: usage.used,
        limit: usage.limit,
        used_formatted: human_bytes(usage.used),
        limit_formatted: usage
            .limit
            .map_or_else(|| "Unlimited".to_owned(), human_bytes),
    }))
}
