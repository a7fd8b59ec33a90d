//! `POST /api/v1/auth/token`: name and password for a short-lived JWT access token.

use crate::routes::table::Routes;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use vitrine_domain::user::Scopes;

use crate::error::{checked, invalid, ApiResult, Position, MAX_PASSWORD_CHARS};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.post("/api/v1/auth/token", token);
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenRequest {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    name: String,
    #[validate(length(min = 1, max = MAX_PASSWORD_CHARS))]
    #[schema(min_length = 1, max_length = 1024)]
    password: String,
    /// Narrows the token to these scopes (comma-separated); default: all the user has.
    scopes: Option<String>,
}

/// OAuth's answer: the token and what it allows.
#[derive(Serialize, ToSchema)]
pub(crate) struct TokenResponse {
    access_token: String,
    /// Always `Bearer`.
    token_type: &'static str,
    /// Seconds until it expires (`token_ttl_secs`).
    expires_in: u64,
    /// The scopes it carries, comma-separated.
    scope: String,
}

/// A short-lived access token for a name and password.
///
/// Attempts count against the login limits (429 past them).
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", security(()),
    request_body = TokenRequest,
    responses((status = 200, description = "A token", body = TokenResponse)))]
pub(crate) async fn token(
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
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.tokens.ttl().as_secs(),
        scope: scopes.to_string(),
    }))
}
