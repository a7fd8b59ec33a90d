//! Items: one uploaded file with its metadata, and the queries over them.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;

use crate::user::text_enum;
use crate::{BlobId, DomainError, ItemId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Video,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    Active,
    Trash,
}

/// Where variant generation stands for an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Processing {
    Pending,
    Processing,
    Completed,
    Failed,
}

text_enum!(MediaKind, "type", { Image => "image", Video => "video" });
text_enum!(ItemStatus, "status", { Active => "active", Trash => "trash" });
text_enum!(Processing, "processing state", {
    Pending => "pending", Processing => "processing", Completed => "completed", Failed => "failed",
});

#[derive(Debug, Clone)]
pub struct Item {
    pub id: ItemId,
    pub owner: UserId,
    pub blob: BlobId,
    /// Where the original's bytes live in the blob store.
    pub blob_key: String,
    pub kind: MediaKind,
    pub mime: String,
    pub size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// Spec 1's `prompt` and spec 5's `title` are this one field.
    pub title: Option<String>,
    pub model: Option<String>,
    pub description: Option<String>,
    pub original_filename: String,
    pub favorite: bool,
    pub status: ItemStatus,
    pub processing: Processing,
    pub sha256: String,
    pub md5: String,
    /// Tags as the user typed them, ordered by name.
    pub tags: Vec<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub trashed_at: Option<NaiveDateTime>,
}

/// What the upload use case hands storage to insert in one transaction.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub id: ItemId,
    pub owner: UserId,
    pub kind: MediaKind,
    pub mime: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub title: Option<String>,
    pub model: Option<String>,
    pub description: Option<String>,
    pub original_filename: String,
    pub tags: Vec<String>,
    pub created_at: NaiveDateTime,
}

/// The bytes of an upload, already in the blob store under a key of its own.
#[derive(Debug, Clone)]
pub struct StoredBlob {
    pub id: BlobId,
    pub key: String,
    pub sha256: String,
    pub md5: String,
    pub size: i64,
}

/// Outcome of inserting an item: when the same bytes were already stored, the freshly
/// written copy is redundant and the caller deletes it.
#[derive(Debug)]
pub struct Inserted {
    pub item: Item,
    pub redundant_blob_key: Option<String>,
}

/// A partial update; `None` leaves the field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ItemPatch {
    pub title: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub model: Option<Option<String>>,
    pub favorite: Option<bool>,
    pub tags: Option<Vec<String>>,
}

/// Which items a listing returns; every filter is optional.
#[derive(Debug, Clone)]
pub struct ItemQuery {
    pub status: Option<ItemStatus>,
    pub kind: Option<MediaKind>,
    /// All of these tags (normalised keys).
    pub tags: Vec<String>,
    /// Words that must appear in title, description or original filename.
    pub search: Option<String>,
    pub page: u32,
    pub page_size: u32,
}

impl Default for ItemQuery {
    fn default() -> Self {
        Self {
            status: Some(ItemStatus::Active),
            kind: None,
            tags: Vec::new(),
            search: None,
            page: 1,
            page_size: 20,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

impl<T> Page<T> {
    pub fn total_pages(&self) -> i64 {
        let size = i64::from(self.page_size.max(1));
        (self.total + size - 1) / size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_pages_rounds_up() {
        let page = |total| Page::<()> {
            items: vec![],
            total,
            page: 1,
            page_size: 20,
        };
        assert_eq!(page(0).total_pages(), 0);
        assert_eq!(page(20).total_pages(), 1);
        assert_eq!(page(21).total_pages(), 2);
    }

    #[test]
    fn kinds_parse_from_their_wire_names() {
        assert_eq!("video".parse::<MediaKind>().unwrap(), MediaKind::Video);
        assert!("audio".parse::<MediaKind>().is_err());
    }
}
