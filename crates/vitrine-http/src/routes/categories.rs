//! `GET /api/v1/categories` (anyone signed in) and `POST` `{name}` (administrators): the
//! categories spec 5's uploads may name by `category_id`.

use crate::routes::table::Routes;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrine_domain::categories::Category;

use crate::auth::Auth;
use crate::error::ApiResult;
use crate::format::iso8601;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .get("/api/v1/categories", list)
        .post("/api/v1/categories", create);
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CategoryResponse {
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

#[derive(Deserialize, ToSchema)]
pub(crate) struct NewCategory {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Categories {
    categories: Vec<CategoryResponse>,
}

/// Every category, for spec 5's `category_id`.
#[utoipa::path(get, path = "/api/v1/categories", tag = "categories",
    security(("bearer" = ["media:read"])),
    responses((status = 200, description = "The categories", body = Categories)))]
pub(crate) async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let all = state.categories.list(&who).await?;
    let all: Vec<CategoryResponse> = all.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(Categories { categories: all }))
}

/// Adds a category.
#[utoipa::path(post, path = "/api/v1/categories", tag = "categories",
    security(("bearer" = ["admin"])), request_body = NewCategory,
    responses((status = 201, description = "The new category", body = CategoryResponse)))]
pub(crate) async fn create(
    state: web::Data<AppState>,
    Auth(who): Auth,
    body: web::Json<NewCategory>,
) -> ApiResult<HttpResponse> {
    let made = state.categories.create(&who, &body.name).await?;
    Ok(HttpResponse::Created().json(CategoryResponse::from(made)))
}
