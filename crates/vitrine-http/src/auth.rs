//! The `Principal` extractor: who is calling, with which scopes.
//! Accepts `Authorization: Bearer <api key | JWT>` and `X-API-Key: <api key>`.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use vitrine_domain::accounts::API_KEY_PREFIX;
use vitrine_domain::user::{Principal, Scopes};
use vitrine_domain::DomainError;

use crate::error::ApiError;
use crate::state::AppState;

/// The credential a request carries, before it is checked.
pub(crate) fn credential(req: &HttpRequest) -> Option<String> {
    let headers = req.headers();
    if let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
        let (scheme, token) = value.trim().split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

pub(crate) async fn authenticate(
    state: &AppState,
    credential: &str,
) -> Result<Principal, DomainError> {
    if credential.starts_with(API_KEY_PREFIX) {
        return state.accounts.authenticate_api_key(credential).await;
    }
    let (user_id, token_scopes) = state.tokens.verify(credential)?;
    // The user may have been removed or demoted since the token was issued.
    let user = state
        .users
        .user_by_id(&user_id)
        .await?
        .ok_or(DomainError::Unauthorized)?;
    let scopes = token_scopes.intersect(&Scopes::all_for(user.role));
    Ok(Principal { user, scopes })
}

/// Extracts the authenticated caller, or answers 401.
pub struct Auth(pub Principal);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let credential = credential(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError(DomainError::internal("no app state")))?;
            let credential = credential.ok_or(ApiError(DomainError::Unauthorized))?;
            authenticate(&state, &credential)
                .await
                .map(Auth)
                .map_err(ApiError)
        })
    }
}
