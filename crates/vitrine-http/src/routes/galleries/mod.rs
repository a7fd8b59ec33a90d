//! Spec 3: `/api/v1/galleries` and `/api/v1/languages`. Field names are snake_case, as
//! the spec shows; galleries, translations and languages are UUIDs.

mod media;
mod responses;

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

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/galleries")
            .route("", web::get().to(list))
            .route("", web::post().to(create))
            .route("/{id}", web::get().to(get))
            .route("/{id}", web::patch().to(change))
            .route("/{id}", web::delete().to(delete))
            .route("/{id}/translations", web::put().to(put_translation))
            .route(
                "/{id}/translations/{language_id}",
                web::delete().to(delete_translation),
            )
            .route("/{id}/media", web::post().to(media::add_media))
            .route("/{id}/media/reorder", web::post().to(media::reorder_media))
            .route(
                "/{id}/media/{media_id}",
                web::patch().to(media::change_media),
            )
            .route(
                "/{id}/media/{media_id}",
                web::delete().to(media::remove_media),
            ),
    )
    .route("/api/v1/languages", web::get().to(languages))
    .route("/api/v1/languages", web::post().to(add_language));
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationBody {
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    slug: String,
    status: Option<String>,
    cover_image_id: Option<String>,
    author_id: Option<String>,
    #[serde(default)]
    translations: Vec<TranslationBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeBody {
    slug: Option<String>,
    status: Option<String>,
    #[serde(default, deserialize_with = "present")]
    cover_image_id: Option<Option<String>>,
    author_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageBody {
    code: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    #[serde(default)]
    skip: u32,
    limit: Option<u32>,
    status: Option<String>,
}

/// Spec 3's default page; more than this is refused rather than cut.
const MAX_LIMIT: u32 = 100;

async fn languages(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let all = state.galleries.languages(&who).await?;
    let all: Vec<LanguageResponse> = all.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(all))
}

async fn add_language(
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

async fn list(
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

async fn create(
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

async fn get(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = uuid_in_path(&id, "id")?;
    let outcome = state.galleries.get(&who, id).await;
    answer(outcome, &state, StatusCode::OK)
}

async fn change(
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

async fn delete(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = uuid_in_path(&id, "id")?;
    state.galleries.delete(&who, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn put_translation(
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

async fn delete_translation(
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
