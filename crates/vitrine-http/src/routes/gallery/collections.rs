//! `/api/v1/gallery/collections`: spec 1's collections (spec 5's albums).

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use validator::Validate;
use vitrine_domain::organise::{Collection, CollectionChange};
use vitrine_domain::user::Principal;
use vitrine_domain::CollectionId;

use super::bulk::ItemIdsBody;
use super::dto::present;
use crate::auth::Auth;
use crate::error::{bounds, json_body, ApiResult};
use crate::format::iso8601;
use crate::routes::archive::{zip_response, ZipOptions};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/collections", web::get().to(list))
        .route("/collections", web::post().to(create))
        .route("/collections/{id}", web::get().to(get))
        .route("/collections/{id}", web::patch().to(change))
        .route("/collections/{id}", web::delete().to(delete))
        .route("/collections/{id}/items", web::post().to(add_items))
        .route("/collections/{id}/items", web::delete().to(remove_items))
        .route("/collections/{id}/download", web::get().to(download));
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CollectionResponse {
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

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    #[validate(length(min = 1, max = bounds::NAME_CHARS))]
    name: String,
    #[validate(length(max = bounds::DESCRIPTION_CHARS))]
    description: Option<String>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ChangeBody {
    #[validate(length(min = 1, max = bounds::NAME_CHARS))]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(max = bounds::DESCRIPTION_CHARS))]
    description: Option<Option<String>>,
}

async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let collections = state.collections.list(&who).await?;
    let collections: Vec<CollectionResponse> = collections.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "collections": collections })))
}

async fn create(
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

async fn get(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let found = state.collections.get(&who, &collection_id(id)).await?;
    Ok(HttpResponse::Ok().json(CollectionResponse::from(found)))
}

async fn change(
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

async fn delete(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = collection_id(id);
    state.collections.delete(&who, &id).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "success": true, "id": id.to_string() })))
}

async fn add_items(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    change_items(state, who, id, body, Membership::Add).await
}

async fn remove_items(
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

/// `GET …/collections/{id}/download`: the collection's active items as one streamed ZIP.
async fn download(
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
