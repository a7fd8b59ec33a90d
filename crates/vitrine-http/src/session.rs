//! Dashboard sign-in: the session is an access token with a longer life
//! (`HttpSettings::session_ttl`) in an `HttpOnly`, `SameSite=Lax` cookie, `Secure` when the
//! public URL is https. A request that changes something with it must also carry the
//! session's CSRF token (`X-CSRF-Token`), which only our own pages are given; reads need
//! only the cookie, so images and downloads load in `<img>` and links.

use actix_web::http::{header, Method};
use actix_web::HttpRequest;
use vitrine_domain::DomainError;

use crate::state::AppState;

pub(crate) const SESSION_COOKIE: &str = "vitrine_session";
/// A sign-in form's nonce: the form's CSRF token is derived from it (double submit).
pub(crate) const SIGN_IN_COOKIE: &str = "vitrine_sign_in";
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// Every value the request's cookies give `name` (a browser may send a name twice when
/// two paths set it).
pub(crate) fn cookie_values<'a>(
    req: &'a HttpRequest,
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(found, value)| *found == name && !value.is_empty())
        .map(|(_, value)| value)
}

/// The session token a request's cookie carries, if any.
pub(crate) fn session_token(req: &HttpRequest) -> Option<String> {
    cookie_values(req, SESSION_COOKIE).next().map(str::to_owned)
}

/// The session as a credential for an API call: as is for reads; for anything else only
/// with its CSRF token in the header, so another site's form or script cannot act with it.
pub(crate) fn session_credential(
    req: &HttpRequest,
    state: &AppState,
) -> Result<Option<String>, DomainError> {
    let Some(session) = session_token(req) else {
        return Ok(None);
    };
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(Some(session));
    }
    let offered = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if state.tokens.csrf_matches(&session, offered) {
        Ok(Some(session))
    } else {
        Err(DomainError::Forbidden(
            "a signed-in request that changes something needs the page's X-CSRF-Token".into(),
        ))
    }
}

/// A `Set-Cookie` value for a cookie of ours on `path`: never readable by scripts, sent on
/// top-level navigation from elsewhere but not on other sites' requests, `Secure` behind
/// https. Values are tokens (URL-safe), so they need no quoting.
pub(crate) fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    path: &str,
    max_age: i64,
) -> String {
    let secure = if state.settings.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}
