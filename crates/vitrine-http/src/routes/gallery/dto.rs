//! Request and response types of `/api/v1/gallery`, apart from the domain entities.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize};
use vitrine_domain::item::{Item, ItemPatch, ItemQuery, ItemStatus, MediaKind};
use vitrine_domain::limits::Limits;
use vitrine_domain::tags::{split_tag_list, tag_key};

use crate::error::{invalid, ApiError};
use crate::format::iso8601;
use crate::signing::UrlSigner;

/// An item as spec 1 shows it, plus the fields API.md adds.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemResponse {
    id: String,
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
    favorite: bool,
    status: &'static str,
    processing: &'static str,
    is_animated: bool,
    duration: Option<f64>,
    folder_id: Option<String>,
    collection_ids: Vec<String>,
    expires_at: Option<String>,
    md5: String,
}

impl ItemResponse {
    pub fn new(item: Item, signer: &UrlSigner, now: i64) -> Self {
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
            // Variants, animation and duration come from the media pipeline.
            thumbnail_url: None,
            medium_url: None,
            frame_url: None,
            placeholder: None,
            mime_type: item.mime,
            size: item.size,
            original_filename: item.original_filename,
            favorite: item.favorite,
            status: item.status.as_str(),
            processing: item.processing.as_str(),
            is_animated: false,
            duration: None,
            folder_id: None,
            collection_ids: Vec::new(),
            expires_at: None,
            md5: item.md5,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse {
    pub items: Vec<ItemResponse>,
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

/// Parses spec 1's listing parameters; each bad value names itself in `detail`.
pub fn list_query(
    params: &HashMap<String, String>,
    limits: &Limits,
) -> Result<ItemQuery, ApiError> {
    let number = |name: &str, default: u32, max: u32| -> Result<u32, ApiError> {
        match params.get(name) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    invalid(
                        "Invalid page or limit parameter",
                        name,
                        format!("must be between 1 and {max}"),
                        "query",
                    )
                }),
        }
    };
    let page_size = number("limit", limits.default_page_size, limits.max_page_size)?;
    let page = number("page", 1, u32::MAX / page_size.max(1))?;
    let kind = match params.get("type").map(String::as_str) {
        None | Some("") => None,
        Some(raw) => Some(raw.parse::<MediaKind>().map_err(|_| {
            invalid(
                "Invalid type parameter",
                "type",
                "must be image or video",
                "query",
            )
        })?),
    };
    let status = match params.get("status").map(String::as_str) {
        None | Some("") | Some("active") => Some(ItemStatus::Active),
        Some("trash") => Some(ItemStatus::Trash),
        Some("all") => None,
        Some(_) => {
            return Err(invalid(
                "Invalid status parameter",
                "status",
                "must be active, trash or all",
                "query",
            ))
        }
    };
    let tags = params
        .get("tags")
        .map(|raw| split_tag_list(raw).into_iter().map(tag_key).collect())
        .unwrap_or_default();
    let search = params
        .get("search")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    Ok(ItemQuery {
        status,
        kind,
        tags,
        search,
        page,
        page_size,
    })
}

/// `PATCH /api/v1/gallery/{id}`: absent fields stay, `null` clears.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    #[serde(default, deserialize_with = "present")]
    prompt: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    model: Option<Option<String>>,
    favorite: Option<bool>,
    tags: Option<Vec<String>>,
}

/// Tells a field sent as `null` (Some(None)) from a field not sent (None).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl PatchBody {
    pub fn into_patch(self) -> Result<ItemPatch, ApiError> {
        if self.prompt.is_some() && self.title.is_some() {
            return Err(invalid(
                "Invalid body",
                "prompt",
                "prompt and title are the same field: send one",
                "body",
            ));
        }
        Ok(ItemPatch {
            title: self.prompt.or(self.title),
            description: self.description,
            model: self.model,
            favorite: self.favorite,
            tags: self.tags,
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageResponse {
    pub used: i64,
    pub limit: Option<i64>,
    pub used_formatted: String,
    pub limit_formatted: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_page_one_of_twenty_active_items() {
        let q = list_query(&params(&[]), &Limits::default()).unwrap();
        assert_eq!(
            (q.page, q.page_size, q.status),
            (1, 20, Some(ItemStatus::Active))
        );
    }

    #[test]
    fn out_of_range_limits_name_the_field() {
        for bad in ["0", "101", "-1", "ten"] {
            let err = list_query(&params(&[("limit", bad)]), &Limits::default()).unwrap_err();
            match err.0 {
                vitrine_domain::DomainError::Invalid { detail, .. } => {
                    assert_eq!(detail[0].field, "limit")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn tags_are_matched_by_their_key() {
        let q = list_query(&params(&[("tags", " Sunset,beach ,")]), &Limits::default()).unwrap();
        assert_eq!(q.tags, vec!["sunset", "beach"]);
    }
}
