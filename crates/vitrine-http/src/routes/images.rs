//! `GET /images`: spec 2's media list, in its own field names.

use crate::routes::table::Routes;
use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use vitrine_domain::item::Item;

use super::filters::{item_query, ListFilters, Surface};
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::format::{compact_bytes, iso8601};
use crate::signing::UrlSigner;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.get("/images", list);
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Size {
    width: i32,
    height: i32,
}

/// A media object as spec 2 documents it, plus organisation fields clients of the other
/// surfaces already know (`favorite`, `folderId`, `tags`, `status`, `bytes`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MediaObject {
    #[serde(rename = "_id")]
    id: String,
    url: String,
    /// Videos only, as spec 2 says; null until the video has a still.
    thumbnail_url: Option<String>,
    mime_type: String,
    /// Spec 2: the original filename.
    prompt: String,
    /// Spec 2: the file size, human-readable.
    model_name: String,
    size: Size,
    created_at: String,
    #[serde(rename = "type")]
    kind: &'static str,
    bytes: i64,
    favorite: bool,
    folder_id: Option<String>,
    tags: Vec<String>,
    status: &'static str,
}

impl MediaObject {
    fn new(item: Item, signer: &UrlSigner, now: i64) -> Self {
        Self {
            url: signer.url(item.id.as_str(), "original", now),
            id: item.id.to_string(),
            // Spec 2 gives images none; a video's still arrives with the media pipeline.
            thumbnail_url: None,
            mime_type: item.mime,
            prompt: item.original_filename,
            model_name: compact_bytes(item.size),
            size: Size {
                width: item.width.unwrap_or(0),
                height: item.height.unwrap_or(0),
            },
            created_at: iso8601(item.created_at),
            kind: "upload",
            bytes: item.size,
            favorite: item.favorite,
            folder_id: item.folder.map(|f| f.to_string()),
            tags: item.tags,
            status: item.status.as_str(),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Pagination {
    page: u32,
    limit: u32,
    total: i64,
    total_pages: i64,
}

#[derive(Serialize, ToSchema)]
#[schema(as = MediaList)]
pub(crate) struct ListResponse {
    images: Vec<MediaObject>,
    pagination: Pagination,
}

/// The caller's media, newest first, in spec 2's names.
#[utoipa::path(get, path = "/images", tag = "images",
    security(("bearer" = ["media:read"])), params(ListFilters),
    responses((status = 200, description = "A page of media", body = ListResponse)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    Auth(who): Auth,
    params: web::Query<HashMap<String, String>>,
) -> ApiResult<HttpResponse> {
    let query = item_query(&params, state.library.limits(), Surface::Images)?;
    let page = state.library.list(&who, &query).await?;
    let now = state.now_secs();
    let pagination = Pagination {
        page: page.page,
        limit: page.page_size,
        total: page.total,
        total_pages: page.total_pages(),
    };
    Ok(HttpResponse::Ok().json(ListResponse {
        images: page
            .items
            .into_iter()
            .map(|item| MediaObject::new(item, &state.signer, now))
            .collect(),
        pagination,
    }))
}
