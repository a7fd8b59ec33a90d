//! `/api/v1/admin`: what operators do without a shell on the server.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use validator::Validate;
use vitrine_domain::user::{Plan, Role, User};

use crate::auth::Auth;
use crate::error::{invalid, json_body, ApiResult, Position, MAX_PASSWORD_CHARS};
use crate::format::{human_bytes, iso8601};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/admin/users", web::get().to(users))
        .route("/api/v1/admin/users", web::post().to(add_user))
        .route("/api/v1/admin/users/{name}/plan", web::put().to(set_plan))
        .route("/api/v1/admin/users/{name}/role", web::put().to(set_role));
}

/// A user as an admin sees them, with the plan's limit.
fn user_json(state: &AppState, user: &User) -> serde_json::Value {
    let limit = state.library.limits().quotas.limit_for(user.plan);
    json!({
        "id": user.id.to_string(),
        "name": user.name,
        "role": user.role.as_str(),
        "plan": user.plan.as_str(),
        "limit": limit,
        "limitFormatted": limit.map_or_else(|| "Unlimited".to_owned(), human_bytes),
        "createdAt": iso8601(user.created_at),
    })
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

/// `GET /api/v1/admin/users`: `{"users": [...]}` by name; needs the `admin` scope.
async fn users(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let users = state.accounts.users(&who).await?;
    let users: Vec<_> = users.iter().map(|u| user_json(&state, u)).collect();
    Ok(HttpResponse::Ok().json(json!({ "users": users })))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct NewUserBody {
    #[validate(length(min = 1, max = 64))]
    name: String,
    #[validate(length(min = 1, max = MAX_PASSWORD_CHARS))]
    password: String,
    role: Option<String>,
    plan: Option<String>,
}

/// `POST /api/v1/admin/users` with `{"name", "password", "role"?, "plan"?}`: 201 and the user.
async fn add_user(
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

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct RoleBody {
    role: String,
}

/// `PUT /api/v1/admin/users/{name}/role` with `{"role": "admin"}`; not one's own.
async fn set_role(
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

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct PlanBody {
    plan: String,
}

/// `PUT /api/v1/admin/users/{name}/plan` with `{"plan": "pro"}`; needs the `admin` scope.
async fn set_plan(
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
