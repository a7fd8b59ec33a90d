//! Request and response types of `/api/v1/gallery`, apart from the domain entities.

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use vitrine_domain::item::{Item, ItemPatch};
use vitrine_domain::projects::{Placement, PlacementPatch};
use vitrine_domain::FolderId;

use crate::error::{bounds, invalid, ApiError, Position};
use crate::format::iso8601;
use crate::signing::UrlSigner;

/// What `DELETE /api/v1/gallery/{id}` answers, for the document.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub(crate) enum TrashedOrPurged {
    Trashed(Box<ItemResponse>),
    Purged(crate::openapi::schemas::Deleted),
}

/// An item as spec 1 shows it, plus the fields docs/API.md adds.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemResponse {
    id: String,
    /// `image` or `video`.
    #[serde(rename = "type")]
    kind: &'static str,
    url: String,
    prompt: Option<String>,
    title: Option<String>,
    description: Option<String>,
    model: Option<String>,
    width: Option<i32>,
    height: Option<i32>,
    created_at: String,
    updated_at: String,
    tags: Vec<String>,
    thumbnail_url: Option<String>,
    medium_url: Option<String>,
    frame_url: Option<String>,
    placeholder: Option<String>,
    mime_type: String,
    size: i64,
    original_filename: String,
    alt_text: Option<String>,
    favorite: bool,
    status: &'static str,
    processing: &'static str,
    is_animated: bool,
    /// When the photo was taken, as its camera wrote it (`YYYY:MM:DD HH:MM:SS`).
    taken_at: Option<String>,
    camera: Option<String>,
    #[serde(rename = "is360")]
    is_360: bool,
    duration: Option<f64>,
    /// The video codec (`h264`, `hevc`, `vp9`…); null for images.
    codec: Option<String>,
    /// 0–100 from the pixels (docs/ARCHITECTURE.md, "Quality score"); null until scored.
    quality_score: Option<f64>,
    /// The spec 4 project it is in.
    project_id: Option<i32>,
    folder_id: Option<String>,
    collection_ids: Vec<String>,
    /// When it stops existing (spec 5's `expiration`).
    expires_at: Option<String>,
    /// Public by link (spec 5): its V1 links work for anyone holding them.
    public: bool,
    nsfw: bool,
    category_id: Option<i32>,
    md5: String,
}

impl ItemResponse {
    pub fn new(item: Item, signer: &UrlSigner, now: i64) -> Self {
        let variant_url = |name: &str| {
            item.variant(name)
                .map(|_| signer.url(item.id.as_str(), name, now))
        };
        let (thumbnail_url, medium_url, frame_url) = (
            variant_url("thumb"),
            variant_url("medium"),
            variant_url("frame"),
        );
        Self {
            url: signer.url(item.id.as_str(), "original", now),
            id: item.id.to_string(),
            kind: item.kind.as_str(),
            prompt: item.title.clone(),
            title: item.title,
            description: item.description,
            model: item.model,
            width: item.width,
            height: item.height,
            created_at: iso8601(item.created_at),
            updated_at: iso8601(item.updated_at),
            tags: item.tags,
            thumbnail_url,
            medium_url,
            frame_url,
            placeholder: item.placeholder,
            mime_type: item.mime,
            size: item.size,
            original_filename: item.original_filename,
            alt_text: item.alt_text,
            favorite: item.favorite,
            status: item.status.as_str(),
            processing: item.processing.as_str(),
            is_animated: item.is_animated,
            taken_at: item.facts.taken_at,
            camera: item.facts.camera,
            is_360: item.facts.is_360,
            duration: item.duration_secs,
            codec: item.codec,
            quality_score: item.quality_score,
            project_id: item.project,
            folder_id: item.folder.map(|f| f.to_string()),
            collection_ids: item.collections.iter().map(ToString::to_string).collect(),
            expires_at: item.expires_at.map(crate::format::iso8601),
            public: item.link.is_some(),
            nsfw: item.nsfw,
            category_id: item.category,
            md5: item.md5,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse {
    pub items: Vec<ItemResponse>,
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

/// `PATCH /api/v1/gallery/{id}`: absent fields stay, `null` clears.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatchBody {
    #[serde(default, deserialize_with = "present")]
    prompt: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    model: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    alt_text: Option<Option<String>>,
    favorite: Option<bool>,
    /// Public by link (spec 5's permanent links).
    public: Option<bool>,
    #[validate(length(max = bounds::TAGS_PER_ITEM))]
    tags: Option<Vec<String>>,
    /// `null` moves the item to the root folder.
    #[serde(default, deserialize_with = "present")]
    folder_id: Option<Option<String>>,
    /// Spec 4's fields keep spec 4's names. `null` takes the item out of its project.
    #[serde(
        default,
        rename = "project_id",
        alias = "projectId",
        deserialize_with = "present"
    )]
    project_id: Option<Option<i32>>,
    #[serde(default, rename = "job_id", deserialize_with = "present")]
    job_id: Option<Option<String>>,
    #[serde(default, rename = "image_index", deserialize_with = "present")]
    image_index: Option<Option<i32>>,
    #[serde(default, rename = "group_index", deserialize_with = "present")]
    group_index: Option<Option<i32>>,
    #[serde(default)]
    version: Option<i32>,
    #[serde(default, rename = "input_description", deserialize_with = "present")]
    input_description: Option<Option<serde_json::Map<String, serde_json::Value>>>,
    #[serde(default)]
    inputs: Option<Vec<String>>,
    #[serde(default, rename = "download_filename", deserialize_with = "present")]
    download_filename: Option<Option<String>>,
}

impl PatchBody {
    fn placement(&self) -> PlacementPatch {
        PlacementPatch {
            project: self.project_id,
            placement: Placement {
                job_id: self.job_id.clone(),
                image_index: self.image_index,
                group_index: self.group_index,
                version: self.version,
                input_description: self.input_description.as_ref().map(|d| {
                    d.as_ref()
                        .map(|d| serde_json::Value::Object(d.clone()).to_string())
                }),
                download_filename: self.download_filename.clone(),
            },
            inputs: self.inputs.clone(),
        }
    }
}

/// Tells a field sent as `null` (Some(None)) from a field not sent (None).
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl PatchBody {
    /// The item's own fields, and its project fields for `Projects::check_placement`.
    pub fn into_patch(self) -> Result<(ItemPatch, PlacementPatch), ApiError> {
        if self.prompt.is_some() && self.title.is_some() {
            return Err(invalid(
                "Invalid body",
                "prompt",
                "prompt and title are the same field: send one",
                Position::Body,
            ));
        }
        let placement = self.placement();
        let patch = ItemPatch {
            title: self.prompt.or(self.title),
            description: self.description,
            model: self.model,
            alt_text: self.alt_text,
            favorite: self.favorite,
            tags: self.tags,
            folder: self.folder_id.map(|f| f.map(FolderId::from)),
            project: None,
            inputs: None,
            public: self.public,
        };
        Ok((patch, placement))
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorageResponse {
    pub used: i64,
    pub limit: Option<i64>,
    pub used_formatted: String,
    pub limit_formatted: String,
}
