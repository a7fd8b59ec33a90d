//! `/api/v1/keys`: a user's own API keys, as the dashboard's Account page manages them. A
//! new key is shown once; later only its id (the start of its hash) and scopes.

use crate::routes::table::Routes;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use vitrine_domain::user::{ApiKeyInfo, Scopes};

use crate::auth::Auth;
use crate::error::{invalid, json_body, ApiResult, Position};
use crate::format::iso8601;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .get("/api/v1/keys", list)
        .post("/api/v1/keys", create)
        .delete("/api/v1/keys/{id}", revoke);
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KeyResponse {
    /// The first 16 hex digits of the key's hash.
    id: String,
    scopes: Vec<&'static str>,
    created_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Keys {
    keys: Vec<KeyResponse>,
}

/// A new key: the one time it is shown in clear.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewKey {
    key: String,
    #[serde(flatten)]
    info: KeyResponse,
}

/// A revoked key's id.
#[derive(Serialize, ToSchema)]
pub(crate) struct Revoked {
    success: bool,
    id: String,
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

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateBody {
    /// Narrows the key to these scopes; default: every scope the caller holds.
    #[validate(length(min = 1, max = 16))]
    #[schema(min_items = 1, max_items = 16)]
    scopes: Option<Vec<String>>,
}

/// The caller's own API keys (never the keys themselves).
#[utoipa::path(get, path = "/api/v1/keys", tag = "keys", security(("bearer" = [])),
    responses((status = 200, description = "The keys", body = Keys)))]
pub(crate) async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let keys: Vec<KeyResponse> = state
        .accounts
        .own_keys(&who)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(Keys { keys }))
}

/// Makes an API key; a narrowed credential cannot make a wider key.
#[utoipa::path(post, path = "/api/v1/keys", tag = "keys", security(("bearer" = [])),
    request_body = CreateBody,
    responses((status = 201, description = "The key, in clear this once", body = NewKey)))]
pub(crate) async fn create(
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
    Ok(HttpResponse::Created().json(NewKey {
        key,
        info: info.into(),
    }))
}

/// Revokes one of the caller's keys.
#[utoipa::path(delete, path = "/api/v1/keys/{id}", tag = "keys", security(("bearer" = [])),
    params(("id" = String, Path, description = "The key's id")),
    responses((status = 200, description = "Revoked", body = Revoked)))]
pub(crate) async fn revoke(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.accounts.revoke_own_key(&who, &id).await?;
    Ok(HttpResponse::Ok().json(Revoked {
        success: true,
        id: id.into_inner(),
    }))
}
