//! The `items` row as stored, and how it becomes the domain's `Item`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::item::Item;
use vitrine_domain::{BlobId, CollectionId, FolderId, ItemId, Result, UserId};

use crate::schema::{blobs, items};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = items)]
pub(crate) struct ItemRow {
    pub(crate) id: String,
    pub(super) user_id: String,
    pub(super) blob_id: String,
    pub(super) kind: String,
    pub(super) mime: String,
    pub(super) size: i64,
    pub(super) width: Option<i32>,
    pub(super) height: Option<i32>,
    pub(super) title: Option<String>,
    pub(super) model: Option<String>,
    pub(super) description: Option<String>,
    pub(super) original_filename: String,
    pub(super) favorite: bool,
    pub(super) status: String,
    pub(super) processing: String,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
    pub(super) trashed_at: Option<NaiveDateTime>,
    pub(super) folder_id: Option<String>,
    pub(super) placeholder: Option<String>,
    pub(super) duration_secs: Option<f64>,
    pub(super) codec: Option<String>,
    pub(super) is_animated: bool,
    pub(super) phash: Option<String>,
    pub(super) taken_at: Option<String>,
    pub(super) camera: Option<String>,
    pub(super) is_360: bool,
    pub(super) alt_text: Option<String>,
    pub(super) quality_score: Option<f64>,
    pub(super) project_id: Option<i32>,
    /// A copy of its project feedback, for the index of spec 4's page.
    pub(super) feedback: Option<String>,
    /// Milliseconds its last processing took (the fast path or its media job).
    pub(super) processing_ms: Option<i64>,
    pub(super) nsfw: bool,
    pub(super) category_id: Option<i32>,
    pub(super) expires_at: Option<NaiveDateTime>,
    pub(super) link_code: Option<String>,
    pub(super) link_views: i64,
    pub(super) delete_token_hash: Option<String>,
}

/// The blob columns an item needs: hashes and where its bytes are.
pub(crate) type BlobColumns = (blobs::sha256, blobs::md5, blobs::object_key);
pub(crate) const BLOB_COLUMNS: BlobColumns = (blobs::sha256, blobs::md5, blobs::object_key);

pub(crate) fn to_item(
    row: ItemRow,
    blob: (String, String, String),
    tags: Vec<String>,
    collections: Vec<String>,
    variants: Vec<vitrine_domain::item::Variant>,
) -> Result<Item> {
    let (sha256, md5, blob_key) = blob;
    Ok(Item {
        id: ItemId::from(row.id),
        owner: UserId::from(row.user_id),
        blob: BlobId::from(row.blob_id),
        blob_key,
        kind: row.kind.parse()?,
        mime: row.mime,
        size: row.size,
        width: row.width,
        height: row.height,
        title: row.title,
        model: row.model,
        description: row.description,
        original_filename: row.original_filename,
        alt_text: row.alt_text,
        favorite: row.favorite,
        status: row.status.parse()?,
        processing: row.processing.parse()?,
        sha256,
        md5,
        tags,
        folder: row.folder_id.map(FolderId::from),
        collections: collections.into_iter().map(CollectionId::from).collect(),
        variants,
        placeholder: row.placeholder,
        duration_secs: row.duration_secs,
        codec: row.codec,
        is_animated: row.is_animated,
        phash: row.phash,
        quality_score: row.quality_score,
        project: row.project_id,
        facts: vitrine_domain::item::PhotoFacts {
            taken_at: row.taken_at,
            camera: row.camera,
            is_360: row.is_360,
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
        trashed_at: row.trashed_at,
        nsfw: row.nsfw,
        category: row.category_id,
        expires_at: row.expires_at,
        link: row.link_code.map(|code| vitrine_domain::item::PublicLink {
            code,
            views: row.link_views,
            delete_token_hash: row.delete_token_hash,
        }),
    })
}
