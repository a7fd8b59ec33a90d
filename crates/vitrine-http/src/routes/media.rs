//! `GET /media/{id}/{variant}?exp=…&sig=…`: the signed URLs that responses hand out.
//! No header needed, so they work in `<img>` and `<video>` tags.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use vitrine_domain::{DomainError, ItemId};

use super::get_or_head;
use super::stream::{serve, Disposition, Served};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/media/{id}/{variant}", get_or_head().to(signed_media));
}

#[derive(Deserialize)]
struct Signature {
    exp: i64,
    sig: String,
}

async fn signed_media(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<Signature>,
) -> ApiResult<HttpResponse> {
    let (id, variant) = path.into_inner();
    let now = state.now_secs();
    if !state
        .signer
        .verify(&id, &variant, query.exp, &query.sig, now)
    {
        // Same answer for forged, altered and expired: nothing to learn by probing.
        return Err(ApiError::Domain(DomainError::Forbidden(
            "this media link is invalid or has expired".into(),
        )));
    }
    let file = state
        .library
        .media_signed(&ItemId::from(id), &variant)
        .await?;
    serve(
        &req,
        &state.library,
        &Served::file(&file),
        Disposition::Inline,
    )
    .await
}
