//! `POST /api/v1/auth/token`: name and password for a short-lived JWT access token.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use validator::Validate;
use vitrine_domain::user::Scopes;

use crate::error::{checked, invalid, ApiResult, Position, MAX_PASSWORD_CHARS};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/auth/token", web::post().to(token));
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    #[validate(length(min = 1, max = 64))]
    name: String,
    #[validate(length(min = 1, max = MAX_PASSWORD_CHARS))]
    password: String,
    /// Narrows the token to these scopes (comma-separated); default: all the user has.
    scopes: Option<String>,
}

async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<TokenRequest>,
) -> ApiResult<HttpResponse> {
    let body = checked(body.into_inner(), Position::Body)?;
    let client = crate::client_address(&req);
    let user = state
        .accounts
        .verify_password(&body.name, &body.password, &client)
        .await?;
    let allowed = Scopes::all_for(user.role);
    let scopes = match body.scopes.as_deref() {
        Some(raw) => Scopes::parse_list(raw)
            .map_err(|err| invalid("Invalid scopes", "scopes", err.to_string(), Position::Body))?
            .intersect(&allowed),
        None => allowed,
    };
    let now = state.now_secs();
    let token = state.tokens.issue(&user.id, &scopes, now)?;
    Ok(HttpResponse::Ok().json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": state.tokens.ttl().as_secs(),
        "scope": scopes.to_string(),
    })))
}
