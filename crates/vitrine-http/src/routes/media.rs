//! `GET /media/{id}/{variant}?exp=…&sig=…`: the signed URLs that responses hand out.
//! No header needed, so they work in `<img>` and `<video>` tags.

use crate::openapi::params::ItemPath;
use crate::routes::table::Routes;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use vitrine_domain::{DomainError, ItemId};

use super::stream::{serve, Disposition, Served};
use crate::error::{ApiError, ApiResult};
use crate::openapi::schemas::FileAnswers;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.get_or_head("/media/{id}/{variant}", signed_media);
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Signature {
    /// When the link expires, in seconds since 1970.
    exp: i64,
    /// The server's signature over the path and `exp`.
    sig: String,
}

/// A file by signed URL, as item responses hand them out: no credential needed.
///
/// `HEAD` answers the same without the body; a forged, altered or expired link is 403.
#[utoipa::path(get, path = "/media/{id}/{variant}", tag = "media", security(()),
    params(ItemPath,
        ("variant" = String, Path, description = "`original`, `thumb`, `medium` or `frame`"),
        Signature),
    responses(FileAnswers))]
pub(crate) async fn signed_media(
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
