//! A gallery's media: add, change, remove, reorder.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{answer, body, uuid_in_path};
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::routes::gallery::present;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddMediaBody {
    media_id: String,
    order: Option<i32>,
    caption: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeMediaBody {
    order: Option<i32>,
    #[serde(default, deserialize_with = "present")]
    caption: Option<Option<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReorderBody {
    media_ids: Vec<String>,
}

pub(super) async fn add_media(
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

pub(super) async fn change_media(
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

pub(super) async fn remove_media(
    state: web::Data<AppState>,
    Auth(who): Auth,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, item) = path.into_inner();
    let id = uuid_in_path(&id, "id")?;
    let outcome = state.galleries.remove_media(&who, id, &item).await;
    answer(outcome, &state, StatusCode::OK)
}

pub(super) async fn reorder_media(
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
