//! The `Principal` extractor: who is calling, with which scopes.
//! Reads `Authorization: Bearer <api key | JWT>` or `X-API-Key: <api key>`, else the
//! dashboard's session cookie (with its CSRF token for writes, `session.rs`); checking it
//! is the domain's `Accounts::authenticate`.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use vitrine_domain::user::Principal;
use vitrine_domain::DomainError;

use crate::error::ApiError;
use crate::state::AppState;

/// The credential a request carries, before it is checked: a Bearer `Authorization`,
/// else `X-API-Key`. Another scheme (a proxy's `Basic`) does not hide an `X-API-Key`.
pub(crate) fn credential(req: &HttpRequest) -> Option<String> {
    let headers = req.headers();
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|value| value.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    bearer.or_else(|| {
        headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_owned())
    })
}

/// Extracts the authenticated caller, or answers 401.
pub struct Auth(pub Principal);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let credential = match (credential(req), &state) {
            (Some(header), _) => Ok(Some(header)),
            (None, Some(state)) => crate::session::session_credential(req, state),
            (None, None) => Ok(None),
        };
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Domain(DomainError::internal("no app state")))?;
            let credential = credential?.ok_or(ApiError::Domain(DomainError::Unauthorized))?;
            state
                .accounts
                .authenticate(&credential)
                .await
                .map(Auth)
                .map_err(ApiError::Domain)
        })
    }
}
