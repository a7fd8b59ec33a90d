//! `/api/v1/keys`: a user's own API keys, as the dashboard's Account page manages them. A
//! new key is shown once; later only its id (the start of its hash) and scopes.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::Validate;
use vitrine_domain::user::{ApiKeyInfo, Scopes};

use crate::auth::Auth;
use crate::error::{invalid, json_body, ApiResult, Position};
use crate::format::iso8601;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/keys", web::get().to(list))
        .route("/api/v1/keys", web::post().to(create))
        .route("/api/v1/keys/{id}", web::delete().to(revoke));
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyResponse {
    id: String,
    scopes: Vec<&'static str>,
    created_at: String,
}

impl From<ApiKeyInfo> for KeyResponse {
    fn from(info: ApiKeyInfo) -> Self {
        Self {
            id: info.id,
            scopes: info.scopes.iter().map(|s| s.as_str()).collect(),
            created_at: iso8601(info.created_at),
        }
    }
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    /// Narrows the key to these scopes; default: every scope the caller holds.
    #[validate(length(min = 1, max = 16))]
    scopes: Option<Vec<String>>,
}

async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let keys: Vec<KeyResponse> = state
        .accounts
        .own_keys(&who)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "keys": keys })))
}

/// `POST /api/v1/keys`: `{"key", "id", "scopes", "createdAt"}`, the key in clear this once.
async fn create(
    state: web::Data<AppState>,
    Auth(who): Auth,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: CreateBody = json_body(&body)?;
    let scopes = body
        .scopes
        .map(|list| Scopes::parse_list(&list.join(",")))
        .transpose()
        .map_err(|err| invalid("Invalid scopes", "scopes", err.to_string(), Position::Body))?;
    let (key, info) = state.accounts.create_own_key(&who, scopes).await?;
    let mut response = serde_json::to_value(KeyResponse::from(info)).unwrap_or_default();
    response["key"] = key.into();
    Ok(HttpResponse::Created().json(response))
}

async fn revoke(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.accounts.revoke_own_key(&who, &id).await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true, "id": id.into_inner() })))
}
