//! `/api/v1/admin`: what operators do without a shell on the server.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use validator::Validate;
use vitrine_domain::user::Plan;

use crate::auth::Auth;
use crate::error::{invalid, json_body, ApiResult, Position};
use crate::format::human_bytes;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/admin/users/{name}/plan", web::put().to(set_plan));
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
    let plan: Plan = body.plan.parse().map_err(|_| {
        invalid(
            "Invalid plan",
            "plan",
            "free, pro or enterprise",
            Position::Body,
        )
    })?;
    let user = state.accounts.set_plan(&who, &name, plan).await?;
    let limit = state.library.limits().quotas.limit_for(user.plan);
    Ok(HttpResponse::Ok().json(json!({
        "name": user.name,
        "role": user.role.as_str(),
        "plan": user.plan.as_str(),
        "limit": limit,
        "limitFormatted": limit.map_or_else(|| "Unlimited".to_owned(), human_bytes),
    })))
}
