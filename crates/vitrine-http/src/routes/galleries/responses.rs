//! Spec 3's response bodies, field for field as the spec shows them.

use serde::Serialize;
use vitrine_domain::galleries::{Gallery, GalleryView, Language, Media, Translation};

use crate::format::iso8601;
use crate::signing::UrlSigner;
use crate::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Language)]
pub(crate) struct LanguageResponse {
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

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = GallerySummary)]
pub(crate) struct SummaryResponse {
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

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TranslationResponse {
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
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = GalleryMediaItem)]
pub(crate) struct MediaResponse {
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
    fn new(item: Media, signer: &UrlSigner, now: i64) -> Self {
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

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct GalleryMediaResponse {
    gallery_id: String,
    media_id: String,
    order: i32,
    caption: Option<String>,
    created_at: String,
    media: MediaResponse,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Gallery)]
pub(crate) struct GalleryResponse {
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
    pub(super) fn new(view: GalleryView, state: &AppState) -> Self {
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
