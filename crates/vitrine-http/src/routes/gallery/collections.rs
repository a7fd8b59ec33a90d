//! `/api/v1/gallery/collections`: spec 1's collections (spec 5's albums).

use crate::openapi::params::CollectionPath;
use crate::routes::table::Routes;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use vitrine_domain::organise::{Collection, CollectionChange};
use vitrine_domain::user::Principal;
use vitrine_domain::CollectionId;

use super::bulk::ItemIdsBody;
use super::dto::present;
use crate::auth::Auth;
use crate::error::{bounds, json_body, ApiResult};
use crate::format::iso8601;
use crate::openapi::schemas::{Binary, Deleted};
use crate::routes::archive::{zip_response, ZipOptions};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .get("/collections", list)
        .post("/collections", create)
        .get("/collections/{id}", get)
        .patch("/collections/{id}", change)
        .delete("/collections/{id}", delete)
        .post("/collections/{id}/items", add_items)
        .delete("/collections/{id}/items", remove_items)
        .get("/collections/{id}/download", download);
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CollectionResponse {
    id: String,
    name: String,
    description: Option<String>,
    item_count: i64,
    created_at: String,
    updated_at: String,
}

impl From<Collection> for CollectionResponse {
    fn from(c: Collection) -> Self {
        Self {
            id: c.id.to_string(),
            name: c.name,
            description: c.description,
            item_count: c.item_count,
            created_at: iso8601(c.created_at),
            updated_at: iso8601(c.updated_at),
        }
    }
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewCollection)]
pub(crate) struct CreateBody {
    #[validate(length(min = 1, max = bounds::NAME_CHARS))]
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    #[validate(length(max = bounds::DESCRIPTION_CHARS))]
    #[schema(max_length = 2000)]
    description: Option<String>,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CollectionChange)]
pub(crate) struct ChangeBody {
    #[validate(length(min = 1, max = bounds::NAME_CHARS))]
    #[schema(min_length = 1, max_length = 200)]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(max = bounds::DESCRIPTION_CHARS))]
    description: Option<Option<String>>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Collections {
    collections: Vec<CollectionResponse>,
}

/// The caller's collections.
#[utoipa::path(get, path = "/api/v1/gallery/collections", tag = "collections",
    security(("bearer" = ["media:read"])),
    responses((status = 200, description = "The collections", body = Collections)))]
pub(crate) async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let collections = state.collections.list(&who).await?;
    let collections: Vec<CollectionResponse> = collections.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(Collections { collections }))
}

/// Makes a collection.
#[utoipa::path(post, path = "/api/v1/gallery/collections", tag = "collections",
    security(("bearer" = ["media:write"])), request_body = CreateBody,
    responses((status = 201, description = "The collection", body = CollectionResponse)))]
pub(crate) async fn create(
    state: web::Data<AppState>,
    Auth(who): Auth,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: CreateBody = json_body(&body)?;
    let created = state
        .collections
        .create(&who, &body.name, body.description)
        .await?;
    Ok(HttpResponse::Created().json(CollectionResponse::from(created)))
}

/// One collection.
#[utoipa::path(get, path = "/api/v1/gallery/collections/{id}", tag = "collections",
    security(("bearer" = ["media:read"])), params(CollectionPath),
    responses((status = 200, description = "The collection", body = CollectionResponse)))]
pub(crate) async fn get(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let found = state.collections.get(&who, &collection_id(id)).await?;
    Ok(HttpResponse::Ok().json(CollectionResponse::from(found)))
}

/// Renames a collection or changes its description.
#[utoipa::path(patch, path = "/api/v1/gallery/collections/{id}", tag = "collections",
    security(("bearer" = ["media:write"])), params(CollectionPath), request_body = ChangeBody,
    responses((status = 200, description = "The collection", body = CollectionResponse)))]
pub(crate) async fn change(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: ChangeBody = json_body(&body)?;
    let change = CollectionChange {
        name: body.name,
        description: body.description,
    };
    let changed = state
        .collections
        .change(&who, &collection_id(id), change)
        .await?;
    Ok(HttpResponse::Ok().json(CollectionResponse::from(changed)))
}

/// Deletes a collection; its items stay.
#[utoipa::path(delete, path = "/api/v1/gallery/collections/{id}", tag = "collections",
    security(("bearer" = ["media:delete"])), params(CollectionPath),
    responses((status = 200, description = "Deleted", body = Deleted)))]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = collection_id(id);
    state.collections.delete(&who, &id).await?;
    Ok(HttpResponse::Ok().json(Deleted::of(&id)))
}

/// Puts items in the collection.
#[utoipa::path(post, path = "/api/v1/gallery/collections/{id}/items", tag = "collections",
    security(("bearer" = ["media:write"])), params(CollectionPath), request_body = ItemIdsBody,
    responses((status = 200, description = "The collection", body = CollectionResponse)))]
pub(crate) async fn add_items(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    change_items(state, who, id, body, Membership::Add).await
}

/// Takes items out of the collection.
#[utoipa::path(delete, path = "/api/v1/gallery/collections/{id}/items", tag = "collections",
    security(("bearer" = ["media:write"])), params(CollectionPath), request_body = ItemIdsBody,
    responses((status = 200, description = "The collection", body = CollectionResponse)))]
pub(crate) async fn remove_items(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    change_items(state, who, id, body, Membership::Remove).await
}

enum Membership {
    Add,
    Remove,
}

async fn change_items(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<String>,
    body: web::Bytes,
    how: Membership,
) -> ApiResult<HttpResponse> {
    let body: ItemIdsBody = json_body(&body)?;
    let (id, items) = (collection_id(id), body.ids());
    let changed = match how {
        Membership::Add => state.collections.add_items(&who, &id, &items).await?,
        Membership::Remove => state.collections.remove_items(&who, &id, &items).await?,
    };
    Ok(HttpResponse::Ok().json(CollectionResponse::from(changed)))
}

fn collection_id(id: web::Path<String>) -> CollectionId {
    CollectionId::from(id.into_inner())
}

/// The collection's active items as one streamed ZIP.
#[utoipa::path(get, path = "/api/v1/gallery/collections/{id}/download", tag = "collections",
    security(("bearer" = ["media:read"])), params(CollectionPath),
    responses((status = 200, description = "A ZIP", body = Binary, content_type = "application/zip")))]
pub(crate) async fn download(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = CollectionId::from(id.into_inner());
    let collection = state.collections.get(&who, &id).await?;
    let items = state.collections.items(&who, &id).await?;
    let name = format!("{}.zip", collection.name);
    Ok(zip_response(
        state.library.clone(),
        items,
        &name,
        ZipOptions::default(),
    ))
}
