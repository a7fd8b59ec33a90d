//! Spec 5, the upload API V1 that ShareX-style clients already speak: `/api/1/upload` by
//! POST (multipart or url-encoded) or GET, and the permanent public files its answers
//! link to (`/images/{yyyy}/{mm}/{dd}/{code}[.th|.md|.fr].{ext}`, and the pages of
//! `pages.rs`). An upload here is an
//! ordinary item of the library that starts public by link.

pub(crate) mod answer;
pub(crate) mod pages;
pub(crate) mod params;
mod schema;
pub(crate) mod sharex;
mod source;

use crate::routes::table::Routes;
use std::cell::Cell;
use std::rc::Rc;

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures::{StreamExt, TryStreamExt};
use vitrine_domain::item::Item;
use vitrine_domain::library::StagedUpload;
use vitrine_domain::user::Principal;
use vitrine_domain::DomainError;

use self::answer::{Format, Links, Resource, V1Error, CODE_BASE64, CODE_EMPTY_SOURCE};
use self::params::{finish, Params};
use super::stream::{serve, Disposition, Served};
use crate::auth::credential;
use crate::error::{ApiError, ApiResult};
use crate::openapi::schemas::FileAnswers;
use crate::state::AppState;
use schema::{V1Failed, V1UploadForm, V1Uploaded};

pub fn configure(routes: &mut Routes) {
    routes
        .post("/api/1/upload", upload_post)
        .get("/api/1/upload", upload_get)
        .get("/api/1/sharex", sharex::sharex)
        .get_or_head("/images/{y}/{m}/{d}/{file}", public_file);
    pages::configure(routes);
}

/// The staged source of an upload, with where it came from.
pub(super) struct Source {
    staged: StagedUpload,
    resource: Resource,
    filename: Option<String>,
}

/// The caller from the headers, else from the `key` parameter.
async fn principal(
    state: &AppState,
    req: &HttpRequest,
    key: Option<&str>,
) -> Result<Principal, V1Error> {
    let credential = credential(req)
        .or_else(|| key.map(str::to_owned))
        .ok_or_else(|| {
            V1Error::no_key("No API key: send X-API-Key, Authorization: Bearer or key")
        })?;
    let who = state
        .accounts
        .authenticate(&credential)
        .await
        .map_err(|_| V1Error::no_key("Invalid API key"))?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    state.library.check_upload(&who, declared).await?;
    Ok(who)
}

/// Uploads from query parameters (a base64 or URL `source`), Chevereto's way.
#[utoipa::path(get, path = "/api/1/upload", tag = "upload v1",
    security(("v1_key" = ["media:write"]), ("api_key" = ["media:write"]), ("bearer" = ["media:write"])),
    params(("key" = Option<String>, Query, description = "The API key"),
        ("source" = String, Query, description = "Base64 text or an http(s) URL"),
        ("format" = Option<crate::openapi::schemas::V1Format>, Query, description = "`json` by default"),
        ("title" = Option<String>, Query), ("description" = Option<String>, Query),
        ("tags" = Option<String>, Query, description = "Comma-separated"),
        ("album_id" = Option<String>, Query), ("category_id" = Option<String>, Query),
        ("width" = Option<String>, Query), ("expiration" = Option<String>, Query),
        ("nsfw" = Option<String>, Query), ("use_file_date" = Option<String>, Query)),
    responses(
        (status = 200, description = "Uploaded", content(
            (V1Uploaded = "application/json"),
            (String = "text/plain"),
        )),
        (status = 303, description = "Uploaded, `format=redirect`: to the viewer page"),
        (status = "default", description = "Refused; with `format=txt` the message alone", content(
            (V1Failed = "application/json"),
            (String = "text/plain"),
        )),
    ))]
pub(crate) async fn upload_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Vec<(String, String)>>,
) -> HttpResponse {
    upload_pairs(&state, &req, query.into_inner()).await
}

/// Uploads a file (multipart), base64 text or a URL (url-encoded), Chevereto's way.
#[utoipa::path(post, path = "/api/1/upload", tag = "upload v1",
    security(("v1_key" = ["media:write"]), ("api_key" = ["media:write"]), ("bearer" = ["media:write"])),
    request_body(content(
        (V1UploadForm = "multipart/form-data"),
        (V1UploadForm = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Uploaded", content(
            (V1Uploaded = "application/json"),
            (String = "text/plain"),
        )),
        (status = 303, description = "Uploaded, `format=redirect`: to the viewer page"),
        (status = "default", description = "Refused; with `format=txt` the message alone", content(
            (V1Failed = "application/json"),
            (String = "text/plain"),
        )),
    ))]
pub(crate) async fn upload_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        return upload_multipart(&state, &req, payload).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return V1Error::bad("send multipart/form-data or application/x-www-form-urlencoded")
            .respond(Format::Json);
    }
    let limit = state.library.limits().form.max_urlencoded_bytes;
    let body = match read_bounded(payload, limit).await {
        Ok(body) => body,
        Err(err) => return err.respond(Format::Json),
    };
    let pairs =
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).and_then(|mut pairs| {
            // Parameters in the query string count too, as with Chevereto.
            pairs.extend(serde_urlencoded::from_str::<Vec<(String, String)>>(
                req.query_string(),
            )?);
            Ok(pairs)
        });
    let pairs = match pairs {
        Ok(pairs) => pairs,
        Err(err) => {
            return V1Error::bad(format!("invalid url-encoded body: {err}")).respond(Format::Json)
        }
    };
    upload_pairs(&state, &req, pairs).await
}

async fn read_bounded(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, V1Error> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|err| V1Error::bad(format!("the body was cut: {err}")))?;
        if body.len() + chunk.len() > limit {
            return Err(DomainError::TooLarge(format!(
                "a url-encoded upload is limited to {limit} bytes; send the file as multipart/form-data"
            ))
            .into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// GET and url-encoded POST: every parameter is in hand before the source is read.
async fn upload_pairs(
    state: &AppState,
    req: &HttpRequest,
    pairs: Vec<(String, String)>,
) -> HttpResponse {
    let mut params = Params::default();
    let mut source_text: Option<String> = None;
    for (name, value) in pairs {
        let set = if name == "source" {
            source_text = Some(value);
            Ok(())
        } else {
            params.set(&name, value)
        };
        if let Err(err) = set {
            return err.respond(Format::Json);
        }
    }
    let format = params.format;
    let outcome = async {
        let who = principal(state, req, params.key.as_deref()).await?;
        let text = source_text
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(empty_source)?;
        let failed = Rc::new(Cell::new(false));
        let source = stage_text(state, &who, text.into_bytes(), None, failed.clone()).await?;
        finish(state, &who, params, source).await
    }
    .await;
    match outcome {
        Ok((item, token, resource)) => respond(state, &item, &token, resource, format),
        Err(err) => err.respond(format),
    }
}

fn empty_source() -> V1Error {
    V1Error::bad("Empty upload source").with_code(CODE_EMPTY_SOURCE)
}

/// Text in `source`: a URL the server fetches, or base64 decoded as it arrives. `rest`
/// is the remainder of a form field whose first `text` was read.
async fn stage_text(
    state: &AppState,
    who: &Principal,
    text: Vec<u8>,
    rest: Option<crate::routes::gallery::upload::FileBytes>,
    failed: Rc<Cell<bool>>,
) -> Result<Source, V1Error> {
    let max = state.library.limits().max_upload_bytes;
    if rest.is_none() && text.len() <= source::MAX_URL_LEN {
        if let Some(url) = source::as_url(&text) {
            let fetched = state.settings.url_fetcher.open(&url, max).await?;
            let filename = source::url_filename(fetched.url.as_str());
            let staged = state
                .library
                .stage(who, fetched.body(max).boxed_local())
                .await?;
            return Ok(Source {
                staged,
                resource: Resource::Url,
                filename,
            });
        }
    }
    let rest = rest.unwrap_or_else(|| futures::stream::empty().boxed_local());
    let bytes = source::decoded(text, rest, failed.clone());
    match state.library.stage(who, bytes).await {
        Ok(staged) => Ok(Source {
            staged,
            resource: Resource::Base64,
            filename: None,
        }),
        Err(err) if failed.get() => Err(V1Error::from(err).with_code(CODE_BASE64)),
        Err(err) => Err(err.into()),
    }
}

/// Multipart: the key comes from a header or from a `key` field sent before `source`;
/// the file (or text) streams to the blob store as it arrives.
async fn upload_multipart(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let mut form = Multipart::new(req.headers(), payload);
    let mut params = Params::default();
    let mut who: Option<Principal> = None;
    let mut source: Option<Source> = None;
    let limits = state.library.limits().form;
    let (mut fields, mut text_bytes) = (0usize, 0usize);
    let read = async {
        while let Some(field) = form.next().await {
            let mut field =
                field.map_err(|err| V1Error::bad(format!("invalid multipart body: {err}")))?;
            fields += 1;
            if fields > limits.max_fields {
                return Err(DomainError::TooLarge(format!(
                    "the form has more than {} fields",
                    limits.max_fields
                ))
                .into());
            }
            let name = field.name().unwrap_or_default().to_owned();
            if name != "source" {
                let mut value = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk
                        .map_err(|err| V1Error::bad(format!("invalid multipart body: {err}")))?;
                    text_bytes += chunk.len();
                    if text_bytes > limits.max_text_bytes {
                        return Err(DomainError::TooLarge(format!(
                            "the form's text fields hold more than {} bytes",
                            limits.max_text_bytes
                        ))
                        .into());
                    }
                    value.extend_from_slice(&chunk);
                }
                let value = String::from_utf8(value)
                    .map_err(|_| V1Error::bad(format!("{name} must be UTF-8 text")))?;
                params.set(&name, value)?;
                continue;
            }
            if source.is_some() {
                return Err(V1Error::bad("send one source per upload"));
            }
            if who.is_none() {
                who = Some(principal(state, req, params.key.as_deref()).await?);
            }
            let caller = who.as_ref().unwrap_or_else(|| unreachable!("set above"));
            let filename = field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .map(str::to_owned);
            let bytes = field
                .map_err(|err| DomainError::invalid(format!("the upload was interrupted: {err}")))
                .boxed_local();
            source = Some(match filename {
                Some(filename) => Source {
                    staged: state.library.stage(caller, bytes).await?,
                    resource: Resource::File,
                    filename: Some(filename),
                },
                None => stage_field_text(state, caller, bytes).await?,
            });
        }
        Ok::<(), V1Error>(())
    }
    .await;
    let format = params.format;
    let outcome = match (read, source) {
        (Err(err), staged) => {
            if let Some(source) = staged {
                state.library.discard(source.staged).await;
            }
            Err(err)
        }
        // No source: a missing key is still the first thing to say.
        (Ok(()), None) => match who {
            Some(_) => Err(empty_source()),
            None => principal(state, req, params.key.as_deref())
                .await
                .and(Err(empty_source())),
        },
        (Ok(()), Some(source)) => {
            let who = who.unwrap_or_else(|| unreachable!("a source is staged for a caller"));
            finish(state, &who, params, source).await
        }
    };
    match outcome {
        Ok((item, token, resource)) => respond(state, &item, &token, resource, format),
        Err(err) => err.respond(format),
    }
}

/// A text `source` field: its first bytes tell a URL from base64.
async fn stage_field_text(
    state: &AppState,
    who: &Principal,
    mut bytes: crate::routes::gallery::upload::FileBytes,
) -> Result<Source, V1Error> {
    let mut first = Vec::new();
    let mut ended = false;
    while first.len() <= source::MAX_URL_LEN {
        match bytes.next().await {
            Some(chunk) => first.extend_from_slice(&chunk?),
            None => {
                ended = true;
                break;
            }
        }
    }
    if ended && first.iter().all(u8::is_ascii_whitespace) {
        return Err(empty_source());
    }
    let rest = (!ended).then_some(bytes);
    stage_text(state, who, first, rest, Rc::new(Cell::new(false))).await
}

fn respond(
    state: &AppState,
    item: &Item,
    token: &str,
    resource: Resource,
    format: Format,
) -> HttpResponse {
    let Some(link) = &item.link else {
        return V1Error::from(DomainError::internal("a V1 upload without its link"))
            .respond(format);
    };
    let links = Links {
        base: &state.settings.public_url,
        code: &link.code,
    };
    let image = answer::image(item, &links, Some(token), resource, state.clock.now());
    match format {
        Format::Txt => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(image["url"].as_str().unwrap_or_default().to_owned()),
        Format::Redirect => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, links.path_viewer(item)))
            .finish(),
        Format::Json => HttpResponse::Ok().json(serde_json::json!({
            "status_code": 200,
            "success": {"message": "file uploaded", "code": 200},
            "image": image,
            "status_txt": "OK",
        })),
    }
}

/// A public item's original or variant, by its code (`{code}[.th|.md|.fr].{ext}`).
///
/// Anyone holding the link may read it; `HEAD` answers the same without the body.
#[utoipa::path(get, path = "/images/{y}/{m}/{d}/{file}", tag = "upload v1", security(()),
    params(("y" = String, Path, description = "Year of the upload"),
        ("m" = String, Path, description = "Month"), ("d" = String, Path, description = "Day"),
        ("file" = String, Path, description = "`{code}.{ext}`, or with `.th`, `.md`, `.fr`")),
    responses(FileAnswers))]
pub(crate) async fn public_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String, String)>,
) -> ApiResult<HttpResponse> {
    let (y, m, d, file) = path.into_inner();
    let gone = || ApiError::Domain(DomainError::NotFound("file"));
    let parts: Vec<&str> = file.split('.').collect();
    let (code, variant) = match parts.as_slice() {
        [code, _ext] => (*code, None),
        [code, suffix, _ext] => {
            let name = answer::VARIANT_SUFFIXES
                .iter()
                .find(|(_, s)| s == suffix)
                .map(|(n, _)| *n)
                .ok_or_else(gone)?;
            (*code, Some(name))
        }
        _ => return Err(gone()),
    };
    let item = state.library.item_by_link(code).await?;
    if item.created_at.format("%Y/%m/%d").to_string() != format!("{y}/{m}/{d}") {
        return Err(gone());
    }
    let served = match variant {
        None => Served::original(&item),
        Some(name) => Served::variant(&item, item.variant(name).ok_or_else(gone)?),
    };
    serve(&req, &state.library, &served, Disposition::Inline).await
}
