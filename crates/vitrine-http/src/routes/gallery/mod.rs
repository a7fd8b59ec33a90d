//! `/api/v1/gallery`: spec 1's items.

pub(crate) mod bulk;
pub(crate) mod collections;
pub(crate) mod dto;
pub(crate) use dto::present;
pub(crate) mod folders;
pub(crate) mod shares;
pub(crate) mod upload;

use crate::routes::table::Routes;
use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use vitrine_domain::ItemId;

pub(crate) use self::dto::ItemResponse;
use self::dto::{ListResponse, PatchBody, StorageResponse, TrashedOrPurged};
use super::filters::ListFilters;
use super::filters::{item_query, Surface};
use super::stream::{serve, Disposition, Served};
use crate::auth::Auth;
use crate::error::{as_sent, json_body, ApiResult};
use crate::format::human_bytes;
use crate::openapi::params::ItemPath;
use crate::openapi::schemas::{Deleted, FileAnswers};
use crate::state::AppState;
use serde::Serialize;

pub fn configure(routes: &mut Routes) {
    routes.scope("/api/v1/gallery", |routes| {
        routes
            .get("", list)
            .post("", upload::upload)
            // Fixed paths before `{id}`, which would otherwise swallow them.
            .get("/storage", storage);
        collections::configure(routes);
        shares::configure_collections(routes);
        routes.get("/shares", shares::list);
        folders::configure(routes);
        routes
            .post("/bulk/download", bulk::download)
            .post("/bulk/delete", bulk::delete)
            .post("/bulk/tag", bulk::tag)
            .post("/bulk/move", bulk::move_to_folder)
            .post("/trash/empty", bulk::empty_trash)
            .get("/{id}", get)
            .patch("/{id}", patch)
            .delete("/{id}", delete)
            .post("/{id}/restore", restore)
            .get("/{id}/similar", similar);
        shares::configure_items(routes);
        crate::routes::projects::configure_review(routes);
        routes.get_or_head("/{id}/download", download);
    });
}

/// The caller's items, newest first, with every filter of `/images`.
#[utoipa::path(get, path = "/api/v1/gallery", tag = "gallery",
    security(("bearer" = ["media:read"])), params(ListFilters),
    responses((status = 200, description = "A page of items", body = ListResponse)))]
pub(crate) async fn list(
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

/// One item.
#[utoipa::path(get, path = "/api/v1/gallery/{id}", tag = "gallery",
    security(("bearer" = ["media:read"])), params(ItemPath),
    responses((status = 200, description = "The item", body = ItemResponse)))]
pub(crate) async fn get(
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

/// Changes an item: absent fields stay, `null` clears.
#[utoipa::path(patch, path = "/api/v1/gallery/{id}", tag = "gallery",
    security(("bearer" = ["media:write"])), params(ItemPath), request_body = PatchBody,
    responses((status = 200, description = "The item", body = ItemResponse)))]
pub(crate) async fn patch(
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

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeleteParams {
    /// `true`: delete an item in the trash for good, instead of moving it there.
    #[serde(default)]
    permanent: bool,
}

/// Moves the item to the trash; it answers with the trashed item so clients can undo.
/// With `permanent=true`, deletes an item already in the trash for good.
#[utoipa::path(delete, path = "/api/v1/gallery/{id}", tag = "gallery",
    security(("bearer" = ["media:delete"])), params(ItemPath, DeleteParams),
    responses((status = 200, description = "The trashed item, or `{success, id}` when deleted for good",
        body = TrashedOrPurged)))]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    params: web::Query<DeleteParams>,
) -> ApiResult<HttpResponse> {
    let id = ItemId::from(id.into_inner());
    if params.permanent {
        state.library.purge_from_trash(&who, &id).await?;
        return Ok(HttpResponse::Ok().json(Deleted::of(&id)));
    }
    let item = state.library.trash(&who, &id).await?;
    Ok(HttpResponse::Ok().json(ItemResponse::new(item, &state.signer, state.now_secs())))
}

/// Brings a trashed item back, into the folder it was in (or the root if that is gone).
#[utoipa::path(post, path = "/api/v1/gallery/{id}/restore", tag = "gallery",
    security(("bearer" = ["media:delete"])), params(ItemPath),
    responses((status = 200, description = "The item", body = ItemResponse)))]
pub(crate) async fn restore(
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

/// The original file (`ETag`, `Range`; `HEAD` answers the same without the body).
#[utoipa::path(get, path = "/api/v1/gallery/{id}/download", tag = "gallery",
    security(("bearer" = ["media:read"])), params(ItemPath),
    responses(FileAnswers))]
pub(crate) async fn download(
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

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub(crate) struct SimilarQuery {
    /// Bits of the 64-bit hash that may differ; default 10.
    max_distance: Option<u32>,
    /// At most this many; default 20.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// A near-duplicate: the item and how far its perceptual hash is.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SimilarItem {
    #[serde(flatten)]
    item: ItemResponse,
    /// Bits that differ.
    distance: u32,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SimilarItems {
    total: usize,
    items: Vec<SimilarItem>,
}

/// The caller's near-duplicates of an item, closest first, each with its `distance` in bits.
#[utoipa::path(get, path = "/api/v1/gallery/{id}/similar", tag = "gallery",
    security(("bearer" = ["media:read"])), params(ItemPath, SimilarQuery),
    responses((status = 200, description = "Near-duplicates", body = SimilarItems)))]
pub(crate) async fn similar(
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
    let items: Vec<SimilarItem> = found
        .into_iter()
        .map(|(item, distance)| SimilarItem {
            item: ItemResponse::new(item, &state.signer, now),
            distance,
        })
        .collect();
    Ok(HttpResponse::Ok().json(SimilarItems {
        total: items.len(),
        items,
    }))
}

/// The caller's storage: bytes used and the plan's limit.
#[utoipa::path(get, path = "/api/v1/gallery/storage", tag = "gallery",
    security(("bearer" = ["media:read"])),
    responses((status = 200, description = "Usage", body = StorageResponse)))]
pub(crate) async fn storage(
    state: web::Data<AppState>,
    Auth(who): Auth,
) -> ApiResult<HttpResponse> {
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
