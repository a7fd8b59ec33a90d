//! Spec 3: `/api/v1/galleries` and `/api/v1/languages`. Field names are snake_case, as
//! the spec shows; galleries, translations and languages are UUIDs.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vitrine_domain::galleries::{
    Gallery, GalleryPatch, GalleryStatus, GalleryView, Language, NewGallery, Translation,
    TranslationInput,
};
use vitrine_domain::item::Item;
use vitrine_domain::DomainError;

use crate::auth::Auth;
use crate::error::{invalid, ApiError, ApiResult, Position};
use crate::format::iso8601;
use crate::routes::gallery::present;
use crate::signing::UrlSigner;
use crate::state::AppState;

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
            .route("/{id}/media", web::post().to(add_media))
            .route("/{id}/media/reorder", web::post().to(reorder_media))
            .route("/{id}/media/{media_id}", web::patch().to(change_media))
            .route("/{id}/media/{media_id}", web::delete().to(remove_media)),
    )
    .route("/api/v1/languages", web::get().to(languages))
    .route("/api/v1/languages", web::post().to(add_language));
}

/// Spec 3's own field names: a domain refusal keeps the use case's snake_case name.
fn spec_error(err: DomainError) -> ApiError {
    match err {
        DomainError::Invalid { message, detail } if !detail.is_empty() => invalid(
            &message,
            &detail[0].field,
            &detail[0].message,
            Position::Body,
        ),
        other => ApiError::Domain(other),
    }
}

/// A gallery use case's outcome as spec 3 answers it: the whole gallery.
fn answer(
    outcome: vitrine_domain::Result<GalleryView>,
    state: &AppState,
    status: StatusCode,
) -> ApiResult<HttpResponse> {
    let view = outcome.map_err(spec_error)?;
    Ok(HttpResponse::build(status).json(GalleryResponse::new(view, state)))
}

fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(bytes)
        .map_err(|err| invalid("Invalid JSON body", "body", err.to_string(), Position::Body))
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

#[derive(Serialize)]
struct LanguageResponse {
    id: String,
    code: String,
    name: String,
}

impl From<Language> for LanguageResponse {
    fn from(l: Language) -> Self {
        Self {
            id: l.id.to_string(),
            code: l.code,
            name: l.name,
        }
    }
}

#[derive(Serialize)]
struct SummaryResponse {
    id: String,
    slug: String,
    status: &'static str,
}

impl From<Gallery> for SummaryResponse {
    fn from(g: Gallery) -> Self {
        Self {
            id: g.id.to_string(),
            slug: g.slug,
            status: g.status.as_str(),
        }
    }
}

#[derive(Serialize)]
struct TranslationResponse {
    id: String,
    gallery_id: String,
    language_id: String,
    title: Option<String>,
    description: Option<String>,
    meta_title: Option<String>,
    meta_description: Option<String>,
    created_at: String,
    updated_at: Option<String>,
}

impl From<Translation> for TranslationResponse {
    fn from(t: Translation) -> Self {
        Self {
            id: t.id.to_string(),
            gallery_id: t.gallery_id.to_string(),
            language_id: t.language_id.to_string(),
            title: t.title,
            description: t.description,
            meta_title: t.meta_title,
            meta_description: t.meta_description,
            created_at: iso8601(t.created_at),
            updated_at: t.updated_at.map(iso8601),
        }
    }
}

/// An item as spec 3's media object, with signed URLs so a client can show it at once.
#[derive(Serialize)]
struct MediaResponse {
    id: String,
    filename: String,
    original_filename: String,
    mime_type: String,
    size: i64,
    /// Where the owner downloads it.
    path: String,
    alt_text: Option<String>,
    url: String,
    thumbnail_url: Option<String>,
}

impl MediaResponse {
    fn new(item: Item, signer: &UrlSigner, now: i64) -> Self {
        let id = item.id.to_string();
        let extension = item
            .original_filename
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_lowercase())
            .unwrap_or_default();
        Self {
            filename: if extension.is_empty() {
                id.clone()
            } else {
                format!("{id}.{extension}")
            },
            path: format!("/api/v1/gallery/{id}/download"),
            url: signer.url(&id, "original", now),
            thumbnail_url: item.variant("thumb").map(|_| signer.url(&id, "thumb", now)),
            original_filename: item.original_filename,
            mime_type: item.mime,
            size: item.size,
            alt_text: item.alt_text,
            id,
        }
    }
}

#[derive(Serialize)]
struct GalleryMediaResponse {
    gallery_id: String,
    media_id: String,
    order: i32,
    caption: Option<String>,
    created_at: String,
    media: MediaResponse,
}

#[derive(Serialize)]
struct GalleryResponse {
    id: String,
    slug: String,
    status: &'static str,
    cover_image_id: Option<String>,
    author_id: String,
    created_by: String,
    translations: Vec<TranslationResponse>,
    gallery_media: Vec<GalleryMediaResponse>,
    cover_image: Option<MediaResponse>,
    created_at: String,
    updated_at: Option<String>,
}

impl GalleryResponse {
    fn new(view: GalleryView, state: &AppState) -> Self {
        let (signer, now) = (&state.signer, state.now_secs());
        let gallery = view.gallery;
        let gallery_id = gallery.id.to_string();
        Self {
            gallery_media: view
                .media
                .into_iter()
                .map(|(placed, item)| GalleryMediaResponse {
                    gallery_id: gallery_id.clone(),
                    media_id: placed.item_id.to_string(),
                    order: placed.order,
                    caption: placed.caption,
                    created_at: iso8601(placed.created_at),
                    media: MediaResponse::new(item, signer, now),
                })
                .collect(),
            id: gallery_id,
            slug: gallery.slug,
            status: gallery.status.as_str(),
            cover_image_id: view.cover.as_ref().map(|item| item.id.to_string()),
            cover_image: view.cover.map(|item| MediaResponse::new(item, signer, now)),
            author_id: gallery.author_id.to_string(),
            created_by: gallery.owner.to_string(),
            translations: view.translations.into_iter().map(Into::into).collect(),
            created_at: iso8601(gallery.created_at),
            updated_at: gallery.updated_at.map(iso8601),
        }
    }
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
        .map_err(spec_error)?;
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddMediaBody {
    media_id: String,
    order: Option<i32>,
    caption: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeMediaBody {
    order: Option<i32>,
    #[serde(default, deserialize_with = "present")]
    caption: Option<Option<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReorderBody {
    media_ids: Vec<String>,
}

async fn add_media(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let id = uuid_in_path(&id, "id")?;
    let add: AddMediaBody = body(&bytes)?;
    let outcome = state
        .galleries
        .add_media(&who, id, &add.media_id, add.order, add.caption)
        .await;
    answer(outcome, &state, StatusCode::CREATED)
}

async fn change_media(
    state: web::Data<AppState>,
    Auth(who): Auth,
    path: web::Path<(String, String)>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let (id, item) = path.into_inner();
    let id = uuid_in_path(&id, "id")?;
    let change: ChangeMediaBody = body(&bytes)?;
    let outcome = state
        .galleries
        .update_media(&who, id, &item, change.order, change.caption)
        .await;
    answer(outcome, &state, StatusCode::OK)
}

async fn remove_media(
    state: web::Data<AppState>,
    Auth(who): Auth,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, item) = path.into_inner();
    let id = uuid_in_path(&id, "id")?;
    let outcome = state.galleries.remove_media(&who, id, &item).await;
    answer(outcome, &state, StatusCode::OK)
}

async fn reorder_media(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let id = uuid_in_path(&id, "id")?;
    let reorder: ReorderBody = body(&bytes)?;
    let outcome = state
        .galleries
        .reorder_media(&who, id, reorder.media_ids)
        .await;
    answer(outcome, &state, StatusCode::OK)
}
