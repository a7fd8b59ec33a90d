//! `/api/v1/admin`: what operators do without a shell on the server.

use crate::routes::table::Routes;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use vitrine_domain::user::{Plan, Role, User};

use crate::auth::Auth;
use crate::error::{invalid, json_body, ApiResult, Position, MAX_PASSWORD_CHARS};
use crate::format::{human_bytes, iso8601};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .get("/api/v1/admin/users", users)
        .post("/api/v1/admin/users", add_user)
        .put("/api/v1/admin/users/{name}/plan", set_plan)
        .put("/api/v1/admin/users/{name}/role", set_role);
}

/// A user as an admin sees them, with the plan's limit.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AdminUser {
    id: String,
    name: String,
    /// `user` or `admin`.
    role: &'static str,
    /// `free`, `pro` or `enterprise`.
    plan: &'static str,
    /// Bytes; null: unlimited.
    limit: Option<i64>,
    limit_formatted: String,
    created_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AdminUsers {
    users: Vec<AdminUser>,
}

fn user_json(state: &AppState, user: &User) -> AdminUser {
    let limit = state.library.limits().quotas.limit_for(user.plan);
    AdminUser {
        id: user.id.to_string(),
        name: user.name.clone(),
        role: user.role.as_str(),
        plan: user.plan.as_str(),
        limit,
        limit_formatted: limit.map_or_else(|| "Unlimited".to_owned(), human_bytes),
        created_at: iso8601(user.created_at),
    }
}

fn parse_plan(raw: &str) -> ApiResult<Plan> {
    raw.parse().map_err(|_| {
        invalid(
            "Invalid plan",
            "plan",
            "free, pro or enterprise",
            Position::Body,
        )
    })
}

fn parse_role(raw: &str) -> ApiResult<Role> {
    raw.parse()
        .map_err(|_| invalid("Invalid role", "role", "user or admin", Position::Body))
}

/// Every user, by name.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin",
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "The users", body = AdminUsers)))]
pub(crate) async fn users(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let users = state.accounts.users(&who).await?;
    let users: Vec<_> = users.iter().map(|u| user_json(&state, u)).collect();
    Ok(HttpResponse::Ok().json(AdminUsers { users }))
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUserBody {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    name: String,
    #[validate(length(min = 1, max = MAX_PASSWORD_CHARS))]
    #[schema(min_length = 1, max_length = 1024)]
    password: String,
    /// `user` (default) or `admin`.
    #[schema(value_type = Option<crate::openapi::schemas::Role>)]
    role: Option<String>,
    /// `free` (default), `pro` or `enterprise`.
    #[schema(value_type = Option<crate::openapi::schemas::Plan>)]
    plan: Option<String>,
}

/// Adds a user.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin",
    security(("bearer" = ["admin"])), request_body = NewUserBody,
    responses((status = 201, description = "The new user", body = AdminUser)))]
pub(crate) async fn add_user(
    state: web::Data<AppState>,
    Auth(who): Auth,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: NewUserBody = json_body(&body)?;
    let role = parse_role(body.role.as_deref().unwrap_or("user"))?;
    let plan = parse_plan(body.plan.as_deref().unwrap_or("free"))?;
    let user = state
        .accounts
        .admin_add_user(&who, &body.name, &body.password, role, plan)
        .await?;
    Ok(HttpResponse::Created().json(user_json(&state, &user)))
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleBody {
    /// `user` or `admin`.
    #[schema(value_type = crate::openapi::schemas::Role)]
    role: String,
}

/// Changes a user's role; not one's own.
#[utoipa::path(put, path = "/api/v1/admin/users/{name}/role", tag = "admin",
    security(("bearer" = ["admin"])), request_body = RoleBody,
    params(("name" = String, Path, description = "The user's name")),
    responses((status = 200, description = "The user", body = AdminUser)))]
pub(crate) async fn set_role(
    state: web::Data<AppState>,
    Auth(who): Auth,
    name: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: RoleBody = json_body(&body)?;
    let user = state
        .accounts
        .set_role(&who, &name, parse_role(&body.role)?)
        .await?;
    Ok(HttpResponse::Ok().json(user_json(&state, &user)))
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanBody {
    /// `free`, `pro` or `enterprise`.
    #[schema(value_type = crate::openapi::schemas::Plan)]
    plan: String,
}

/// Changes a user's plan.
#[utoipa::path(put, path = "/api/v1/admin/users/{name}/plan", tag = "admin",
    security(("bearer" = ["admin"])), request_body = PlanBody,
    params(("name" = String, Path, description = "The user's name")),
    responses((status = 200, description = "The user", body = AdminUser)))]
pub(crate) async fn set_plan(
    state: web::Data<AppState>,
    Auth(who): Auth,
    name: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: PlanBody = json_body(&body)?;
    let user = state
        .accounts
        .set_plan(&who, &name, parse_plan(&body.plan)?)
        .await?;
    Ok(HttpResponse::Ok().json(user_json(&state, &user)))
}
