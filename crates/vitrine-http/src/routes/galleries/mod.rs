//! Spec 3: `/api/v1/galleries` and `/api/v1/languages`. Field names are snake_case, as
//! the spec shows; galleries, translations and languages are UUIDs.

pub(crate) mod media;
pub(crate) mod responses;

use crate::openapi::params::GalleryPath;
use crate::routes::table::Routes;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_domain::galleries::{
    GalleryPatch, GalleryStatus, GalleryView, NewGallery, TranslationInput,
};
use vitrine_domain::DomainError;

use crate::auth::Auth;
use crate::error::{as_sent, invalid, json_value as body, ApiError, ApiResult, Position};
use crate::routes::gallery::present;
use crate::state::AppState;
use responses::{GalleryResponse, LanguageResponse, SummaryResponse};
use utoipa::{IntoParams, ToSchema};

pub fn configure(routes: &mut Routes) {
    routes
        .scope("/api/v1/galleries", |routes| {
            routes
                .get("", list)
                .post("", create)
                .get("/{id}", get)
                .patch("/{id}", change)
                .delete("/{id}", delete)
                .put("/{id}/translations", put_translation)
                .delete("/{id}/translations/{language_id}", delete_translation)
                .post("/{id}/media", media::add_media)
                .post("/{id}/media/reorder", media::reorder_media)
                .patch("/{id}/media/{media_id}", media::change_media)
                .delete("/{id}/media/{media_id}", media::remove_media);
        })
        .get("/api/v1/languages", languages)
        .post("/api/v1/languages", add_language);
}

/// A gallery use case's outcome as spec 3 answers it: the whole gallery.
fn answer(
    outcome: vitrine_domain::Result<GalleryView>,
    state: &AppState,
    status: StatusCode,
) -> ApiResult<HttpResponse> {
    let view = outcome.map_err(as_sent)?;
    Ok(HttpResponse::build(status).json(GalleryResponse::new(view, state)))
}

fn uuid_in_path(raw: &str, field: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(raw).map_err(|_| {
        invalid(
            &format!("Invalid {field}"),
            field,
            "must be a UUID",
            Position::Path,
        )
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TranslationBody {
    /// A language's id (a UUID).
    language_id: String,
    title: Option<String>,
    description: Option<String>,
    meta_title: Option<String>,
    meta_description: Option<String>,
}

impl TranslationBody {
    fn into_input(self) -> ApiResult<TranslationInput> {
        let language_id = Uuid::parse_str(&self.language_id).map_err(|_| {
            invalid(
                "Invalid language_id",
                "language_id",
                "must be a UUID",
                Position::Body,
            )
        })?;
        Ok(TranslationInput {
            language_id,
            title: self.title,
            description: self.description,
            meta_title: self.meta_title,
            meta_description: self.meta_description,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewGallery)]
pub(crate) struct CreateBody {
    #[schema(pattern = "^[a-z0-9-]{2,255}$")]
    slug: String,
    /// `draft` (default), `published` or `archived`.
    #[schema(value_type = Option<crate::openapi::schemas::GalleryStatus>)]
    status: Option<String>,
    cover_image_id: Option<String>,
    author_id: Option<String>,
    #[serde(default)]
    translations: Vec<TranslationBody>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = GalleryChange)]
pub(crate) struct ChangeBody {
    #[schema(pattern = "^[a-z0-9-]{2,255}$")]
    slug: Option<String>,
    #[schema(value_type = Option<crate::openapi::schemas::GalleryStatus>)]
    status: Option<String>,
    #[serde(default, deserialize_with = "present")]
    cover_image_id: Option<Option<String>>,
    author_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewLanguage)]
pub(crate) struct LanguageBody {
    code: String,
    #[schema(min_length = 1, max_length = 100)]
    name: String,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// How many to pass over.
    #[serde(default)]
    skip: u32,
    /// At most this many (100, the default).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// `draft`, `published` or `archived`.
    #[param(value_type = Option<crate::openapi::schemas::GalleryStatus>)]
    status: Option<String>,
}

/// Spec 3's default page; more than this is refused rather than cut.
const MAX_LIMIT: u32 = 100;

/// The languages galleries may be translated into.
#[utoipa::path(get, path = "/api/v1/languages", tag = "galleries", security(("bearer" = [])),
    responses((status = 200, description = "The languages", body = Vec<LanguageResponse>)))]
pub(crate) async fn languages(
    state: web::Data<AppState>,
    Auth(who): Auth,
) -> ApiResult<HttpResponse> {
    let all = state.galleries.languages(&who).await?;
    let all: Vec<LanguageResponse> = all.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(all))
}

/// Adds a language.
#[utoipa::path(post, path = "/api/v1/languages", tag = "galleries", security(("bearer" = ["admin"])),
    request_body = LanguageBody,
    responses((status = 201, description = "The language", body = LanguageResponse)))]
pub(crate) async fn add_language(
    state: web::Data<AppState>,
    Auth(who): Auth,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let new: LanguageBody = body(&bytes)?;
    let added = state
        .galleries
        .add_language(&who, &new.code, &new.name)
        .await
        .map_err(as_sent)?;
    Ok(HttpResponse::Created().json(LanguageResponse::from(added)))
}

/// The caller's galleries, newest first.
#[utoipa::path(get, path = "/api/v1/galleries", tag = "galleries",
    security(("bearer" = ["galleries:read"])), params(ListQuery),
    responses((status = 200, description = "The galleries", body = Vec<SummaryResponse>)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    Auth(who): Auth,
    query: web::Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    let limit = query.limit.unwrap_or(MAX_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(invalid(
            "Invalid limit",
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
            Position::Query,
        ));
    }
    let status = match &query.status {
        Some(raw) => Some(
            GalleryStatus::parse(raw, "status").map_err(|err| match err {
                DomainError::Invalid { message, detail } if !detail.is_empty() => {
                    invalid(&message, "status", &detail[0].message, Position::Query)
                }
                other => ApiError::Domain(other),
            })?,
        ),
        None => None,
    };
    let found = state
        .galleries
        .list(&who, status, i64::from(query.skip), i64::from(limit))
        .await?;
    let found: Vec<SummaryResponse> = found.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(found))
}

/// Makes a gallery, with translations if given.
#[utoipa::path(post, path = "/api/v1/galleries", tag = "galleries",
    security(("bearer" = ["galleries:create"])), request_body = CreateBody,
    responses((status = 201, description = "The gallery", body = GalleryResponse)))]
pub(crate) async fn create(
    state: web::Data<AppState>,
    Auth(who): Auth,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let new: CreateBody = body(&bytes)?;
    let new = NewGallery {
        slug: new.slug,
        status: new.status,
        cover_image_id: new.cover_image_id,
        author_id: new.author_id,
        translations: new
            .translations
            .into_iter()
            .map(TranslationBody::into_input)
            .collect::<ApiResult<_>>()?,
    };
    let outcome = state.galleries.create(&who, new).await;
    answer(outcome, &state, StatusCode::CREATED)
}

/// One gallery, its translations and its media in order.
#[utoipa::path(get, path = "/api/v1/galleries/{id}", tag = "galleries",
    security(("bearer" = ["galleries:read"])), params(GalleryPath),
    responses((status = 200, description = "The gallery", body = GalleryResponse)))]
pub(crate) async fn get(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = uuid_in_path(&id, "id")?;
    let outcome = state.galleries.get(&who, id).await;
    answer(outcome, &state, StatusCode::OK)
}

/// Changes a gallery's slug, status, cover or author.
#[utoipa::path(patch, path = "/api/v1/galleries/{id}", tag = "galleries",
    security(("bearer" = ["galleries:update"])), params(GalleryPath), request_body = ChangeBody,
    responses((status = 200, description = "The gallery", body = GalleryResponse)))]
pub(crate) async fn change(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let id = uuid_in_path(&id, "id")?;
    let change: ChangeBody = body(&bytes)?;
    let patch = GalleryPatch {
        slug: change.slug,
        status: change.status,
        cover_image_id: change.cover_image_id,
        author_id: change.author_id,
    };
    let outcome = state.galleries.update(&who, id, patch).await;
    answer(outcome, &state, StatusCode::OK)
}

/// Deletes a gallery; its items stay in the library.
#[utoipa::path(delete, path = "/api/v1/galleries/{id}", tag = "galleries",
    security(("bearer" = ["galleries:delete"])), params(GalleryPath),
    responses((status = 204, description = "Deleted")))]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = uuid_in_path(&id, "id")?;
    state.galleries.delete(&who, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets the gallery's text in one language.
#[utoipa::path(put, path = "/api/v1/galleries/{id}/translations", tag = "galleries",
    security(("bearer" = ["galleries:update"])), params(GalleryPath), request_body = TranslationBody,
    responses((status = 200, description = "The gallery", body = GalleryResponse)))]
pub(crate) async fn put_translation(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let id = uuid_in_path(&id, "id")?;
    let input: TranslationBody = body(&bytes)?;
    let outcome = state
        .galleries
        .put_translation(&who, id, input.into_input()?)
        .await;
    answer(outcome, &state, StatusCode::OK)
}

/// Removes the gallery's text in one language.
#[utoipa::path(delete, path = "/api/v1/galleries/{id}/translations/{language_id}", tag = "galleries",
    security(("bearer" = ["galleries:update"])),
    params(GalleryPath, ("language_id" = String, Path, description = "The language's id (a UUID)")),
    responses((status = 200, description = "The gallery", body = GalleryResponse)))]
pub(crate) async fn delete_translation(
    state: web::Data<AppState>,
    Auth(who): Auth,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, language) = path.into_inner();
    let id = uuid_in_path(&id, "id")?;
    let language = uuid_in_path(&language, "language_id")?;
    let outcome = state.galleries.delete_translation(&who, id, language).await;
    answer(outcome, &state, StatusCode::OK)
}
