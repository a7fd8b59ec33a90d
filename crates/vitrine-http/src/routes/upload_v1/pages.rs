//! The pages spec 5's links open, for anyone holding them: the viewer (`/image/{slug}.{code}`,
//! `/clip/…` for videos), the short link (`/image/{code}`), and the delete link
//! (`…/{code}/delete/{token}`), which shows a confirmation and deletes only on the POST of
//! its form: chat apps and mail scanners open links to preview them.

use crate::openapi::params::{CodePath, DeleteTokenPath};
use crate::openapi::schemas::HtmlPage;
use crate::routes::table::Routes;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use vitrine_domain::item::{Item, MediaKind};
use vitrine_domain::DomainError;

use super::answer::{self, Links, Resource};
use crate::error::status_of;
use crate::state::AppState;

pub(super) fn configure(routes: &mut Routes) {
    routes
        .get("/image/{path}", viewer)
        .get("/image/{code}/delete/{token}", confirm_delete)
        .post("/image/{code}/delete/{token}", delete)
        .get("/clip/{path}", clip_viewer)
        .get("/clip/{code}/delete/{token}", clip_confirm_delete)
        .post("/clip/{code}/delete/{token}", clip_delete);
}

// Videos' pages are the same pages under `/clip`; each address is its own operation.

/// A video's public page (as `/image/{path}`).
#[utoipa::path(get, path = "/clip/{path}", tag = "upload v1", security(()),
    params(("path" = String, Path, description = "`{slug}.{code}` or `{code}`")),
    responses(HtmlPage))]
pub(crate) async fn clip_viewer(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    viewer(state, path).await
}

/// Asks to confirm deleting a video (as `/image/{code}/delete/{token}`).
#[utoipa::path(get, path = "/clip/{code}/delete/{token}", tag = "upload v1", security(()),
    params(CodePath, DeleteTokenPath),
    responses(HtmlPage))]
pub(crate) async fn clip_confirm_delete(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    confirm_delete(state, path).await
}

/// Deletes a video for good (as `POST /image/{code}/delete/{token}`).
#[utoipa::path(post, path = "/clip/{code}/delete/{token}", tag = "upload v1", security(()),
    params(CodePath, DeleteTokenPath),
    responses(HtmlPage))]
pub(crate) async fn clip_delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    delete(req, state, path).await
}

/// `templates/public_item.html`: the fields come from spec 5's `image` object, so the
/// page shows what the API answered.
#[derive(Template)]
#[template(path = "public_item.html")]
struct ItemPage {
    title: String,
    description: Option<String>,
    alt: String,
    canonical: String,
    og_image: String,
    is_video: bool,
    mime: String,
    /// What the page shows: the medium when there is one, else the original.
    shown: String,
    original: String,
    poster: Option<String>,
    filename: String,
    width: i64,
    height: i64,
    size: String,
    views: i64,
    views_label: String,
}

/// `templates/public_notice.html`: not found, the delete confirmation, deleted.
#[derive(Template)]
#[template(path = "public_notice.html")]
struct Notice<'a> {
    heading: &'a str,
    message: &'a str,
    thumb: Option<String>,
    confirm: bool,
}

fn page(status: StatusCode, html: Result<String, askama::Error>) -> HttpResponse {
    let Ok(html) = html else {
        return HttpResponse::InternalServerError().finish();
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; \
             form-action 'self'; frame-ancestors 'self'",
        ))
        .body(html)
}

fn refusal(err: &DomainError) -> HttpResponse {
    let status = status_of(err);
    let (heading, message) = if status == StatusCode::NOT_FOUND {
        (
            "Not found",
            "Nothing is shared at this address, or not any more.",
        )
    } else {
        tracing::error!(error = %err, "public page failed");
        ("Something went wrong", "Please try again later.")
    };
    let notice = Notice {
        heading,
        message,
        thumb: None,
        confirm: false,
    };
    page(status, notice.render())
}

/// The code a viewer path ends with: `{slug}.{code}` or `{code}`.
fn code_of(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn text(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// An item's public page: the picture or video, its title and size (counts a view).
#[utoipa::path(get, path = "/image/{path}", tag = "upload v1", security(()),
    params(("path" = String, Path, description = "`{slug}.{code}` or `{code}`")),
    responses(HtmlPage))]
pub(crate) async fn viewer(state: web::Data<AppState>, path: web::Path<String>) -> HttpResponse {
    let code = code_of(&path);
    let item = match state.library.item_by_link(code).await {
        Ok(item) => item,
        Err(err) => return refusal(&err),
    };
    if let Err(err) = state.library.count_view(code).await {
        tracing::warn!(error = %err, "a view was not counted");
    }
    let links = Links {
        base: &state.settings.public_url,
        code,
    };
    let image = answer::image(&item, &links, None, Resource::File, state.clock.now());
    let views = image["views"].as_i64().unwrap_or(0) + 1;
    let medium = image["medium"]["url"].as_str().map(str::to_owned);
    let page_of = ItemPage {
        title: text(&image["display_title"]),
        description: item.description.clone(),
        alt: item
            .alt_text
            .clone()
            .unwrap_or_else(|| text(&image["display_title"])),
        canonical: text(&image["url_viewer"]),
        og_image: text(&image["display_url"]),
        is_video: item.kind == MediaKind::Video,
        mime: item.mime.clone(),
        shown: medium.unwrap_or_else(|| text(&image["url"])),
        original: text(&image["url"]),
        poster: image["frame"]["url"].as_str().map(str::to_owned),
        filename: item.original_filename.clone(),
        width: image["width"].as_i64().unwrap_or(0),
        height: image["height"].as_i64().unwrap_or(0),
        size: text(&image["size_formatted"]),
        views,
        views_label: if views == 1 { "view" } else { "views" }.to_owned(),
    };
    page(StatusCode::OK, page_of.render())
}

fn thumb_of(state: &AppState, item: &Item, code: &str) -> Option<String> {
    let links = Links {
        base: &state.settings.public_url,
        code,
    };
    let image = answer::image(item, &links, None, Resource::File, state.clock.now());
    image["thumb"]["url"].as_str().map(str::to_owned)
}

/// Asks to confirm deleting an item: opening a link deletes nothing (previews open links).
#[utoipa::path(get, path = "/image/{code}/delete/{token}", tag = "upload v1", security(()),
    params(CodePath, DeleteTokenPath),
    responses(HtmlPage))]
pub(crate) async fn confirm_delete(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (code, _token) = path.into_inner();
    // The token is checked by the POST; a wrong one there is a 404 like here.
    let item = match state.library.item_by_link(&code).await {
        Ok(item) => item,
        Err(err) => return refusal(&err),
    };
    let notice = Notice {
        heading: "Delete this file?",
        message: "It will be deleted for good, with every link to it.",
        thumb: thumb_of(&state, &item, &code),
        confirm: true,
    };
    page(StatusCode::OK, notice.render())
}

/// The POST of the confirmation form. A browser sends `Origin` with it; one from another
/// site is refused, so no other page can post the form for a visitor.
/// Deletes the item for good, with its delete token (the confirmation form posts here).
#[utoipa::path(post, path = "/image/{code}/delete/{token}", tag = "upload v1", security(()),
    params(CodePath, DeleteTokenPath),
    responses(HtmlPage))]
pub(crate) async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (code, token) = path.into_inner();
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    if origin.is_some_and(|origin| !same_origin(origin, &state.settings.public_url)) {
        return refusal(&DomainError::Forbidden("another site's form".into()));
    }
    if let Err(err) = state.library.delete_by_link(&code, &token).await {
        return refusal(&err);
    }
    let notice = Notice {
        heading: "Deleted",
        message: "The file and every link to it are gone.",
        thumb: None,
        confirm: false,
    };
    page(StatusCode::OK, notice.render())
}

/// Whether `origin` (`scheme://host[:port]`) is the server's public base URL's.
fn same_origin(origin: &str, public_url: &str) -> bool {
    let base = public_url.trim_end_matches('/');
    let base_origin = base
        .find("://")
        .and_then(|at| {
            base[at + 3..]
                .find('/')
                .map(|slash| &base[..at + 3 + slash])
        })
        .unwrap_or(base);
    origin.eq_ignore_ascii_case(base_origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewer_paths_end_with_their_code_and_origins_compare_by_base() {
        assert_eq!(
            code_of("Badgers-video.ZfGd0000ZfGd0000"),
            "ZfGd0000ZfGd0000"
        );
        assert_eq!(code_of("ZfGd0000ZfGd0000"), "ZfGd0000ZfGd0000");
        assert!(same_origin("https://pics.example", "https://pics.example/"));
        assert!(same_origin(
            "https://pics.example",
            "https://pics.example/gallery"
        ));
        assert!(!same_origin("https://evil.example", "https://pics.example"));
    }
}
