//! `GET /api/v1/categories` (anyone signed in) and `POST` `{name}` (administrators): the
//! categories spec 5's uploads may name by `category_id`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use vitrine_domain::categories::Category;

use crate::auth::Auth;
use crate::error::ApiResult;
use crate::format::iso8601;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/categories", web::get().to(list))
        .route("/api/v1/categories", web::post().to(create));
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CategoryResponse {
    id: i32,
    name: String,
    created_at: String,
}

impl From<Category> for CategoryResponse {
    fn from(c: Category) -> Self {
        Self {
            id: c.id,
            name: c.name,
            created_at: iso8601(c.created_at),
        }
    }
}

#[derive(Deserialize)]
struct NewCategory {
    name: String,
}

async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let all = state.categories.list(&who).await?;
    let all: Vec<CategoryResponse> = all.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "categories": all })))
}

async fn create(
    state: web::Data<AppState>,
    Auth(who): Auth,
    body: web::Json<NewCategory>,
) -> ApiResult<HttpResponse> {
    let made = state.categories.create(&who, &body.name).await?;
    Ok(HttpResponse::Created().json(CategoryResponse::from(made)))
}
