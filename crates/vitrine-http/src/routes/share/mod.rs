//! `/share/{token}`: the public side of share links. Every page and every asset behind
//! a link goes through `admit`, so password, expiry, revocation and download permission
//! hold on every path: the page, each item, each variant and the ZIP.

mod html;

use crate::openapi::params::{MemberPath, SharePath};
use crate::openapi::schemas::{Binary, ErrorPage, FileAnswers, HtmlPage};
use crate::routes::table::Routes;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use vitrine_domain::archive::neutral_name;
use vitrine_domain::item::Item;
use vitrine_domain::shares::{Share, ShareTarget};
use vitrine_domain::{DomainError, ItemId};

use super::archive::{zip_response, ZipOptions};
use super::stream::{content_disposition, serve, Disposition, Served};
use crate::error::status_of;
use crate::state::AppState;

/// How long a correct password keeps a share open in that browser.
const PASS_SECS: i64 = 3600;
const PASS_COOKIE: &str = "vitrine_share";

pub fn configure(routes: &mut Routes) {
    routes.scope("/share/{token}", |routes| {
        routes
            .get("", page)
            .post("", unlock)
            .get("/zip", zip)
            .get("/items/{item}", item_page)
            .get_or_head("/items/{item}/{variant}", asset);
    });
}

pub(crate) type PageResult = Result<HttpResponse, Refusal>;

/// A page that says no: an error page, or the password form.
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    page: String,
    retry_after_secs: Option<u64>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "share page answered {}", self.status)
    }
}

impl actix_web::ResponseError for Refusal {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = html(self.status, self.page.clone());
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
        }
        response
    }
}

fn password_form(base: &str, error: Option<&str>) -> Refusal {
    Refusal {
        status: StatusCode::UNAUTHORIZED,
        page: html::password_page(base, error),
        retry_after_secs: None,
    }
}

/// Every answer of a share page: no caching (a revoked link must stop at once), no
/// referrer (the token is in the URL), no framing, nothing but our own assets.
fn respond(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; form-action 'self'",
        ));
    builder
}

fn html(status: StatusCode, page: String) -> HttpResponse {
    respond(status)
        .content_type("text/html; charset=utf-8")
        .body(page)
}

fn refusal(err: DomainError) -> Refusal {
    let status = status_of(&err);
    let title = match status {
        StatusCode::GONE => "Link no longer available",
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::UNAUTHORIZED => "Password required",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::BAD_REQUEST => "Not a valid request",
        _ => "Something went wrong",
    };
    let message = match &err {
        DomainError::Internal(message) => {
            tracing::error!(error = %message, "share page failed");
            "Please try again later.".to_owned()
        }
        DomainError::NotFound(_) => "There is nothing at this address.".to_owned(),
        DomainError::Unauthorized => {
            "Open the link's page and enter its password first.".to_owned()
        }
        other => other.to_string(),
    };
    let retry_after_secs = match err {
        DomainError::TooManyRequests {
            retry_after_secs, ..
        } => Some(retry_after_secs),
        _ => None,
    };
    Refusal {
        status,
        page: html::message_page(title, &message),
        retry_after_secs,
    }
}

/// Tokens are base64url; anything else is encoded, so a path never breaks out of an
/// HTML attribute or a cookie's `Path`.
const TOKEN_SAFE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_');

fn base(token: &str) -> String {
    format!(
        "/share/{}",
        percent_encoding::utf8_percent_encode(token, TOKEN_SAFE)
    )
}

fn has_pass(req: &HttpRequest, state: &AppState, share: &Share) -> bool {
    let now = state.now_secs();
    crate::session::cookie_values(req, PASS_COOKIE).any(|value| {
        state
            .signer
            .verify_share_pass(share.id.as_str(), value, now)
    })
}

/// The live share behind `token`, once its password (if any) has been given.
async fn admit(req: &HttpRequest, state: &AppState, token: &str) -> Result<Share, DomainError> {
    let share = state.shares.open(token).await?;
    if share.password_hash.is_some() && !has_pass(req, state, &share) {
        return Err(DomainError::Unauthorized);
    }
    Ok(share)
}

/// The share, and one item reachable through it.
async fn admit_item(
    req: &HttpRequest,
    state: &AppState,
    token: &str,
    item: String,
) -> Result<(Share, Item), Refusal> {
    let share = admit(req, state, token).await.map_err(refusal)?;
    let item = state
        .shares
        .item(&share, &ItemId::from(item))
        .await
        .map_err(refusal)?;
    Ok((share, item))
}

/// A shared item or collection's page, or its password form.
#[utoipa::path(get, path = "/share/{token}", tag = "shares", security(()), params(SharePath),
    responses(HtmlPage))]
pub(crate) async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> PageResult {
    let share = match admit(&req, &state, &token).await {
        Err(DomainError::Unauthorized) => return Err(password_form(&base(&token), None)),
        other => other.map_err(refusal)?,
    };
    let items = state.shares.items(&share).await.map_err(refusal)?;
    let base = base(&token);
    let page = match &share.target {
        ShareTarget::Item(_) => {
            let item = items
                .first()
                .ok_or_else(|| refusal(DomainError::NotFound("item")))?;
            html::item_page(&base, &share, item, false)
        }
        ShareTarget::Collection(_) => {
            let name = state
                .shares
                .collection_name(&share)
                .await
                .map_err(refusal)?;
            html::collection_page(
                &base,
                &share,
                name.as_deref().unwrap_or("Collection"),
                &items,
            )
        }
    };
    Ok(html(StatusCode::OK, page))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PasswordForm {
    password: String,
}

/// The password form's POST: on success a signed cookie scoped to this share, then back
/// to the page (303, so a reload does not resend the password).
/// Unlocks a password-protected share for this browser (a cookie for an hour).
#[utoipa::path(post, path = "/share/{token}", tag = "shares", security(()), params(SharePath),
    request_body(content = PasswordForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "Unlocked: back to the page"),
        ErrorPage))]
pub(crate) async fn unlock(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let share = state.shares.open(&token).await.map_err(refusal)?;
    // Read by hand, not by `web::Form`, so that a post that is not the form gets a page too.
    let form: PasswordForm = serde_urlencoded::from_bytes(&body).map_err(|_| {
        refusal(DomainError::invalid_field(
            "password",
            "send the page's password form",
        ))
    })?;
    let client = crate::client_address(&req);
    let base = base(&token);
    match state.shares.unlock(&share, &form.password, &client).await {
        Ok(()) => {}
        Err(DomainError::Forbidden(message)) => return Err(password_form(&base, Some(&message))),
        Err(other) => return Err(refusal(other)),
    }
    let expires = state.now_secs() + PASS_SECS;
    let pass = state.signer.share_pass(share.id.as_str(), expires);
    Ok(respond(StatusCode::SEE_OTHER)
        .insert_header((header::LOCATION, base.clone()))
        .insert_header((
            header::SET_COOKIE,
            crate::session::set_cookie(&state, PASS_COOKIE, &pass, &base, PASS_SECS),
        ))
        .finish())
}

/// One item of a shared collection.
#[utoipa::path(get, path = "/share/{token}/items/{item}", tag = "shares", security(()),
    params(SharePath, MemberPath),
    responses(HtmlPage))]
pub(crate) async fn item_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (token, item) = path.into_inner();
    let (share, item) = admit_item(&req, &state, &token, item).await?;
    let back = matches!(share.target, ShareTarget::Collection(_));
    Ok(html(
        StatusCode::OK,
        html::item_page(&base(&token), &share, &item, back),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AssetQuery {
    /// Present: as an attachment.
    download: Option<String>,
}

/// `original` (needs download permission), `medium` and `thumb` (previews anyone with
/// the link may see), `frame` (video stills, from the media pipeline).
/// A shared item's file: `original` (when downloads are allowed), `medium`, `thumb`,
/// `frame`. `HEAD` answers the same without the body.
#[utoipa::path(get, path = "/share/{token}/items/{item}/{variant}", tag = "shares", security(()),
    params(SharePath, MemberPath, AssetQuery,
        ("variant" = String, Path, description = "`original`, `medium`, `thumb` or `frame`")),
    responses(FileAnswers,
        ErrorPage))]
pub(crate) async fn asset(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    query: web::Query<AssetQuery>,
) -> PageResult {
    let (token, item, variant) = path.into_inner();
    let (share, item) = admit_item(&req, &state, &token, item).await?;
    match variant.as_str() {
        "original" => {
            let kind = match query.download {
                Some(_) => Disposition::Attachment,
                None => Disposition::Inline,
            };
            original(&req, &state, &share, &item, kind).await
        }
        "medium" | "thumb" => match item.variant(&variant) {
            Some(stored) => serve(
                &req,
                &state.library,
                &Served::variant_named(stored, &shown_name(&share, &item)),
                Disposition::Inline,
            )
            .await
            .map_err(|err| refusal(err.into_domain())),
            // Not rendered at upload (a type or size the fast path leaves to the workers).
            None => {
                let side = if variant == "thumb" { 256 } else { 1024 };
                let jpeg = state.shares.preview(&item, side).await.map_err(refusal)?;
                Ok(respond(StatusCode::OK)
                    .content_type("image/jpeg")
                    .body(jpeg))
            }
        },
        _ => Err(refusal(DomainError::NotFound("variant"))),
    }
}

fn downloads_allowed(share: &Share) -> Result<(), Refusal> {
    if share.allow_download {
        Ok(())
    } else {
        Err(refusal(DomainError::Forbidden(
            "The owner of this link does not allow downloads.".into(),
        )))
    }
}

async fn original(
    req: &HttpRequest,
    state: &AppState,
    share: &Share,
    item: &Item,
    kind: Disposition,
) -> PageResult {
    downloads_allowed(share)?;
    if !share.hide_metadata {
        return serve(req, &state.library, &Served::original(item), kind)
            .await
            .map_err(|err| refusal(err.into_domain()));
    }
    let stripped = state
        .library
        .original_without_metadata(item)
        .await
        .map_err(refusal)?;
    Ok(respond(StatusCode::OK)
        .content_type(item.mime.as_str())
        .insert_header((
            header::CONTENT_DISPOSITION,
            content_disposition(kind, &shown_name(share, item)),
        ))
        .body(stripped))
}

/// The file name a visitor sees: the item's own, or a neutral one when the link hides
/// metadata (a name says as much as a title).
fn shown_name(share: &Share, item: &Item) -> String {
    if share.hide_metadata {
        neutral_name(item.kind, &item.mime, None)
    } else {
        item.original_filename.clone()
    }
}

/// A shared collection as one ZIP, when downloads are allowed.
#[utoipa::path(get, path = "/share/{token}/zip", tag = "shares", security(()), params(SharePath),
    responses((status = 200, description = "A ZIP", body = Binary, content_type = "application/zip"),
        ErrorPage))]
pub(crate) async fn zip(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> PageResult {
    let share = admit(&req, &state, &token).await.map_err(refusal)?;
    downloads_allowed(&share)?;
    let items = state.shares.items(&share).await.map_err(refusal)?;
    let name = match state
        .shares
        .collection_name(&share)
        .await
        .map_err(refusal)?
    {
        Some(name) => format!("{name}.zip"),
        None => "shared.zip".to_owned(),
    };
    let options = ZipOptions {
        strip_metadata: share.hide_metadata,
    };
    Ok(zip_response(state.library.clone(), items, &name, options))
}
