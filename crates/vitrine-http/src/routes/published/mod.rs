//! `/g/{slug}`: published galleries (spec 3) as web pages anyone can open, rendered on
//! the server with no JavaScript. Only what the gallery shows is reachable under it:
//! images through their metadata-free variants, videos through their files.

mod page;

use crate::openapi::params::{MemberPath, SlugPath};
use crate::openapi::schemas::{FileAnswers, HtmlPage};
use crate::routes::table::Routes;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use vitrine_domain::item::MediaKind;
use vitrine_domain::DomainError;

use super::stream::{serve, Disposition, Served};
use crate::error::{status_of, ApiResult};
use crate::state::AppState;
use page::GalleryPage;

pub fn configure(routes: &mut Routes) {
    routes.scope("/g/{slug}", |routes| {
        routes
            .get("", gallery)
            .get_or_head("/media/{item}/{variant}", media);
    });
}

/// Other query parameters (a campaign's tags, say) are ignored, not refused.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// A language code; default: the visitor's `Accept-Language`.
    lang: Option<String>,
}

/// Every page answer: cacheable for a minute (unpublishing shows within it), varying
/// with the visitor's languages, and nothing but our own assets.
fn respond(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .insert_header((header::VARY, "Accept-Language"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; \
             frame-ancestors 'self'",
        ));
    builder
}

/// A published gallery's public page, in the visitor's language.
#[utoipa::path(get, path = "/g/{slug}", tag = "galleries", security(()), params(SlugPath, PageQuery),
    responses(HtmlPage))]
pub(crate) async fn gallery(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> HttpResponse {
    let published = match state.galleries.published(&slug).await {
        Ok(published) => published,
        Err(err) => return refusal(&err),
    };
    let accepted = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(accepted_languages)
        .unwrap_or_default();
    let wanted: Vec<&str> = query
        .lang
        .as_deref()
        .into_iter()
        .chain(accepted.iter().map(String::as_str))
        .collect();
    let page = GalleryPage::new(&published, &state.settings.public_url, &wanted);
    match page.render() {
        Ok(html) => respond(StatusCode::OK).body(html),
        Err(err) => refusal(&DomainError::internal(err)),
    }
}

/// The same page for a gallery that is a draft, archived, deleted or was never there.
fn refusal(err: &DomainError) -> HttpResponse {
    let status = status_of(err);
    let (title, message) = if status == StatusCode::NOT_FOUND {
        (
            "Not found",
            "There is no published gallery at this address.",
        )
    } else {
        tracing::error!(error = %err, "gallery page failed");
        ("Something went wrong", "Please try again later.")
    };
    respond(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>{title}</title></head><body style=\"font:17px system-ui,sans-serif;\
             text-align:center;margin-top:20vh\"><h1>{title}</h1><p>{message}</p></body></html>"
        ))
}

/// The tags of an `Accept-Language` header, most wanted first; `*` and `q=0` say
/// nothing about which translation to show, so they are left out.
fn accepted_languages(header: &str) -> Vec<String> {
    let mut weighted: Vec<(f32, usize, String)> = header
        .split(',')
        .enumerate()
        .filter_map(|(n, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (!tag.is_empty() && tag != "*" && q > 0.0).then(|| (q, n, tag.to_owned()))
        })
        .take(32)
        .collect();
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    weighted.into_iter().map(|(_, _, tag)| tag).collect()
}

/// `thumb` and `medium` of images (rendered now when none was stored), `frame` and
/// `thumb` stills and `original` of videos. Files are named after the item's ID, not
/// the name it was uploaded with.
/// A file of a published gallery: `thumb` and `medium` of images, `frame`, `thumb` and
/// `original` of videos. `HEAD` answers the same without the body.
#[utoipa::path(get, path = "/g/{slug}/media/{item}/{variant}", tag = "galleries", security(()),
    params(SlugPath, MemberPath,
        ("variant" = String, Path, description = "`thumb`, `medium`, `frame` or `original`")),
    responses(FileAnswers))]
pub(crate) async fn media(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> ApiResult<HttpResponse> {
    let (slug, item, variant) = path.into_inner();
    let item = state.galleries.published_media(&slug, &item).await?;
    let name = item.id.to_string();
    match (item.kind, variant.as_str()) {
        (MediaKind::Video, "original") => Ok(serve(
            &req,
            &state.library,
            &Served::original_named(&item, &name),
            Disposition::Inline,
        )
        .await?),
        (_, "thumb" | "medium") | (MediaKind::Video, "frame") => match item.variant(&variant) {
            Some(stored) => Ok(serve(
                &req,
                &state.library,
                &Served::variant_named(stored, &name),
                Disposition::Inline,
            )
            .await?),
            None if item.kind == MediaKind::Image => {
                let side = if variant == "thumb" { 256 } else { 1024 };
                let jpeg = state.library.preview(&item, side).await?;
                Ok(HttpResponse::Ok()
                    .content_type("image/jpeg")
                    .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
                    .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .body(jpeg))
            }
            None => Err(DomainError::NotFound("variant").into()),
        },
        _ => Err(DomainError::NotFound("variant").into()),
    }
}

#[cfg(test)]
mod tests {
    use super::accepted_languages;

    #[test]
    fn accept_language_is_read_by_weight_then_order() {
        assert_eq!(
            accepted_languages("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"),
            ["fr-CH", "fr", "en", "de"]
        );
        assert_eq!(
            accepted_languages("en;q=0.2,de,ja;q=0"),
            ["de", "en"],
            "the weight orders, q=0 refuses"
        );
        assert_eq!(accepted_languages("  ; q=1, *, es ; q=0.5 "), ["es"]);
        assert!(accepted_languages("").is_empty());
    }
}
