//! Signing in and out of the dashboard. The sign-in form is protected against CSRF by a
//! nonce in a cookie and its HMAC in the form (a forged form cannot know either); attempts
//! count against the same per-account and per-address limits as `/api/v1/auth/token`.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use vitrine_domain::user::Scopes;
use vitrine_domain::DomainError;

use super::{assets, html, signed_in};
use crate::session::{self, SESSION_COOKIE, SIGN_IN_COOKIE};
use crate::state::AppState;

/// How long a sign-in form may stay open before it must be reloaded.
const FORM_SECS: i64 = 3600;

#[derive(Template)]
#[template(path = "dashboard/sign_in.html")]
struct SignInPage<'a> {
    error: Option<&'a str>,
    name: &'a str,
    next: &'a str,
    csrf: String,
    css: String,
    icon: String,
}

#[derive(Deserialize)]
pub(super) struct Next {
    next: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct SignInForm {
    name: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct SignOutForm {
    csrf: String,
}

/// Where to go after signing in: one of our own paths, never another site.
fn local(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/",
    }
}

fn see_other(to: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, to.to_owned()));
    response
}

/// What a signed-out visitor of a section gets: the form itself on `/`, elsewhere a trip to
/// the form and back.
pub(super) fn signed_out(req: &HttpRequest, state: &AppState, path: &str) -> HttpResponse {
    if path == "/" {
        return render(state, StatusCode::OK, None, "", "/");
    }
    let back = match req.query_string() {
        "" => path.to_owned(),
        query => format!("{path}?{query}"),
    };
    let next: String = url_encode(&back);
    see_other(&format!("/sign-in?next={next}")).finish()
}

fn url_encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `GET /sign-in`: the form, or straight on when the session is still good.
pub(super) async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<Next>,
) -> HttpResponse {
    let next = local(query.next.as_deref());
    if signed_in(&req, &state).await.is_some() {
        return see_other(next).finish();
    }
    render(&state, StatusCode::OK, None, "", next)
}

/// The form with a fresh nonce (a cookie only `/sign-in` receives) and its CSRF token.
fn render(
    state: &AppState,
    status: StatusCode,
    error: Option<&str>,
    name: &str,
    next: &str,
) -> HttpResponse {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let page = SignInPage {
        error,
        name,
        next,
        csrf: state.tokens.csrf_token(&nonce),
        css: assets::url("dashboard.css"),
        icon: assets::url("icon.svg"),
    };
    let mut response = html(status, state, page.render());
    if let Ok(value) =
        session::set_cookie(state, SIGN_IN_COOKIE, &nonce, "/sign-in", FORM_SECS).parse()
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `POST /sign-in`: a session cookie and on to `next`, or the form again saying why not.
pub(super) async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SignInForm>,
) -> HttpResponse {
    let next = local(form.next.as_deref());
    let genuine = session::cookie_values(&req, SIGN_IN_COOKIE)
        .any(|nonce| state.tokens.csrf_matches(nonce, &form.csrf));
    if !genuine {
        let error = "This form had expired. Please sign in again.";
        return render(&state, StatusCode::FORBIDDEN, Some(error), &form.name, next);
    }
    let client = crate::client_address(&req);
    let user = match state
        .accounts
        .verify_password(&form.name, &form.password, &client)
        .await
    {
        Ok(user) => user,
        Err(DomainError::TooManyRequests { .. }) => {
            let error = "Too many attempts. Wait a few minutes, then try again.";
            return render(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                Some(error),
                &form.name,
                next,
            );
        }
        Err(DomainError::Unauthorized | DomainError::Invalid { .. }) => {
            let error = "That name and password do not match.";
            return render(
                &state,
                StatusCode::UNAUTHORIZED,
                Some(error),
                &form.name,
                next,
            );
        }
        Err(err) => {
            tracing::error!(%err, "sign-in failed");
            let error = "Signing in failed. Please try again.";
            return render(
                &state,
                StatusCode::INTERNAL_SERVER_ERROR,
                Some(error),
                &form.name,
                next,
            );
        }
    };
    let ttl = state.settings.session_ttl;
    let token =
        match state
            .tokens
            .issue_for(&user.id, &Scopes::all_for(user.role), state.now_secs(), ttl)
        {
            Ok(token) => token,
            Err(err) => {
                tracing::error!(%err, "a session could not be issued");
                return HttpResponse::InternalServerError().finish();
            }
        };
    see_other(next)
        .append_header((
            header::SET_COOKIE,
            session::set_cookie(&state, SESSION_COOKIE, &token, "/", ttl.as_secs() as i64),
        ))
        .append_header((
            header::SET_COOKIE,
            session::set_cookie(&state, SIGN_IN_COOKIE, "", "/sign-in", 0),
        ))
        .finish()
}

/// `POST /sign-out`: the session cookie goes, and the visitor is back at the form. It takes
/// the page's CSRF token, so another site cannot sign anyone out.
pub(super) async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SignOutForm>,
) -> HttpResponse {
    let session = session::session_token(&req).unwrap_or_default();
    if !session.is_empty() && !state.tokens.csrf_matches(&session, &form.csrf) {
        return HttpResponse::Forbidden().finish();
    }
    see_other("/")
        .append_header((
            header::SET_COOKIE,
            session::set_cookie(&state, SESSION_COOKIE, "", "/", 0),
        ))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::local;

    #[test]
    fn only_our_own_paths_are_followed_after_signing_in() {
        assert_eq!(local(Some("/trash?x=1")), "/trash?x=1");
        assert_eq!(local(Some("//evil.example/")), "/");
        assert_eq!(local(Some("https://evil.example/")), "/");
        assert_eq!(local(Some("/\\evil.example")), "/");
        assert_eq!(local(None), "/");
    }
}
