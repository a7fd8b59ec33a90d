//! `POST`/`DELETE /api/v1/gallery/{id}/share` and the same for collections: spec 1's
//! share links. A new link replaces the target's previous one.

use crate::openapi::params::{CollectionPath, ItemPath};
use crate::routes::table::Routes;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use vitrine_domain::shares::{CreatedShare, ExpiresIn, Share, ShareOptions, ShareTarget};
use vitrine_domain::{CollectionId, ItemId};

use crate::auth::Auth;
use crate::error::{json_body, ApiResult, MAX_PASSWORD_CHARS};
use crate::format::iso8601;
use crate::openapi::schemas::Done;
use crate::state::AppState;

pub fn configure_items(routes: &mut Routes) {
    routes
        .post("/{id}/share", share_item)
        .delete("/{id}/share", revoke_item);
}

pub fn configure_collections(routes: &mut Routes) {
    routes
        .post("/collections/{id}/share", share_collection)
        .delete("/collections/{id}/share", revoke_collection);
}

/// A link's options; an empty body takes the defaults.
#[derive(Deserialize, Default, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ShareBody {
    /// 1h, 1d, 7d, 30d or never; default 7d.
    #[schema(value_type = Option<crate::openapi::schemas::ExpiresIn>)]
    expires_in: Option<String>,
    /// Hashed with argon2: bounded so a request cannot make the server hash megabytes.
    #[validate(length(max = MAX_PASSWORD_CHARS))]
    #[schema(min_length = 8, max_length = 1024)]
    password: Option<String>,
    /// Off unless asked for: visitors see previews, not the original bytes.
    #[serde(default)]
    allow_download: bool,
    #[serde(default)]
    hide_metadata: bool,
}

/// A new link: the only time its URL is shown.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShareResponse {
    share_url: String,
    expires_at: Option<String>,
    allow_download: bool,
    password_protected: bool,
    hide_metadata: bool,
}

async fn create(
    state: &AppState,
    who: &vitrine_domain::user::Principal,
    target: ShareTarget,
    body: &[u8],
) -> ApiResult<HttpResponse> {
    // An empty body is a link with the defaults, as `curl -X POST …/share` expects.
    let body: ShareBody = if body.iter().all(u8::is_ascii_whitespace) {
        ShareBody::default()
    } else {
        json_body(body)?
    };
    let options = ShareOptions {
        expires_in: body
            .expires_in
            .as_deref()
            .unwrap_or("7d")
            .parse::<ExpiresIn>()?,
        password: body.password,
        allow_download: body.allow_download,
        hide_metadata: body.hide_metadata,
    };
    let CreatedShare { token, share } = state.shares.create(who, target, options).await?;
    Ok(HttpResponse::Created().json(ShareResponse {
        share_url: format!("{}/share/{token}", state.settings.public_url),
        expires_at: share.expires_at.map(iso8601),
        allow_download: share.allow_download,
        password_protected: share.password_hash.is_some(),
        hide_metadata: share.hide_metadata,
    }))
}

/// Shares an item by link; sharing again revokes the previous link.
#[utoipa::path(post, path = "/api/v1/gallery/{id}/share", tag = "shares",
    security(("bearer" = ["shares:write"])),
    params(ItemPath),
    request_body(content = Option<ShareBody>, description = "May be empty"),
    responses((status = 201, description = "The link", body = ShareResponse)))]
pub(crate) async fn share_item(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let target = ShareTarget::Item(ItemId::from(id.into_inner()));
    create(&state, &who, target, &body).await
}

/// Shares a collection by link; sharing again revokes the previous link.
#[utoipa::path(post, path = "/api/v1/gallery/collections/{id}/share", tag = "shares",
    security(("bearer" = ["shares:write"])),
    params(CollectionPath),
    request_body(content = Option<ShareBody>, description = "May be empty"),
    responses((status = 201, description = "The link", body = ShareResponse)))]
pub(crate) async fn share_collection(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let target = ShareTarget::Collection(CollectionId::from(id.into_inner()));
    create(&state, &who, target, &body).await
}

/// Revokes an item's link.
#[utoipa::path(delete, path = "/api/v1/gallery/{id}/share", tag = "shares",
    security(("bearer" = ["shares:write"])),
    params(ItemPath),
    responses((status = 200, description = "Revoked", body = Done)))]
pub(crate) async fn revoke_item(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let target = ShareTarget::Item(ItemId::from(id.into_inner()));
    state.shares.revoke(&who, target).await?;
    Ok(HttpResponse::Ok().json(Done::new()))
}

/// Revokes a collection's link.
#[utoipa::path(delete, path = "/api/v1/gallery/collections/{id}/share", tag = "shares",
    security(("bearer" = ["shares:write"])),
    params(CollectionPath),
    responses((status = 200, description = "Revoked", body = Done)))]
pub(crate) async fn revoke_collection(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let target = ShareTarget::Collection(CollectionId::from(id.into_inner()));
    state.shares.revoke(&who, target).await?;
    Ok(HttpResponse::Ok().json(Done::new()))
}

/// A live link as its owner sees it later: what it opens and how, never its token (only its
/// hash is kept), so the URL itself is shown once, when it is made.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LiveShare {
    id: String,
    /// `item` or `collection`.
    target_type: &'static str,
    target_id: String,
    created_at: String,
    expires_at: Option<String>,
    allow_download: bool,
    password_protected: bool,
    hide_metadata: bool,
}

impl From<Share> for LiveShare {
    fn from(share: Share) -> Self {
        let (target_type, target_id) = match share.target {
            ShareTarget::Item(id) => ("item", id.to_string()),
            ShareTarget::Collection(id) => ("collection", id.to_string()),
        };
        Self {
            id: share.id.to_string(),
            target_type,
            target_id,
            created_at: iso8601(share.created_at),
            expires_at: share.expires_at.map(iso8601),
            allow_download: share.allow_download,
            password_protected: share.password_hash.is_some(),
            hide_metadata: share.hide_metadata,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct LiveShares {
    shares: Vec<LiveShare>,
}

/// The caller's links that still open, newest first (never their URLs).
#[utoipa::path(get, path = "/api/v1/gallery/shares", tag = "shares",
    security(("bearer" = ["shares:write"])),
    responses((status = 200, description = "The links", body = LiveShares)))]
pub(crate) async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let shares: Vec<LiveShare> = state
        .shares
        .live(&who)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(LiveShares { shares }))
}
