//! Items: one uploaded file with its metadata, and the queries over them.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;

use crate::projects::ProjectChange;
use crate::user::text_enum;
use crate::{BlobId, CollectionId, DomainError, FolderId, ItemId, UserId};

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
    /// What the image shows, for people who cannot see it.
    pub alt_text: Option<String>,
    pub favorite: bool,
    pub status: ItemStatus,
    pub processing: Processing,
    pub sha256: String,
    pub md5: String,
    /// Tags as the user typed them, ordered by name.
    pub tags: Vec<String>,
    /// `None` is the root folder.
    pub folder: Option<FolderId>,
    pub collections: Vec<CollectionId>,
    /// Stored renditions, by name: `thumb`, `medium`, `frame`.
    pub variants: Vec<Variant>,
    /// ThumbHash (base64) to paint before the thumb arrives.
    pub placeholder: Option<String>,
    /// Seconds, for videos the pipeline has probed.
    pub duration_secs: Option<f64>,
    /// The video codec ffprobe reports (`h264`, `hevc`, `vp9`…).
    pub codec: Option<String>,
    pub is_animated: bool,
    /// Perceptual hash, 16 hex digits.
    pub phash: Option<String>,
    /// 0–100 from the pixels; `None` until the pipeline has looked.
    pub quality_score: Option<f64>,
    /// The spec 4 project it is in.
    pub project: Option<crate::projects::ProjectId>,
    pub facts: PhotoFacts,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub trashed_at: Option<NaiveDateTime>,
    /// Not safe for work (spec 5's `nsfw`).
    pub nsfw: bool,
    /// Spec 5's category.
    pub category: Option<i32>,
    /// When it stops existing for everyone (spec 5's `expiration`).
    pub expires_at: Option<NaiveDateTime>,
    /// Its public-by-link code while it is public (spec 5).
    pub link: Option<PublicLink>,
}

/// An item's public-by-link address (spec 5): the code its links carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicLink {
    pub code: String,
    /// Views of its viewer page.
    pub views: i64,
    /// SHA-256 (hex) of its delete token; `None` when no token was ever shown.
    pub delete_token_hash: Option<String>,
}

/// What an upload that starts public stores of its links: the code, and the hash of the
/// delete token shown once in the upload's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub code: String,
    pub delete_token_hash: String,
}

/// One stored file of an item as a signed URL serves it, the original or a variant, with
/// what decides whether it may still be served: read in one lookup, not the whole item.
#[derive(Debug, Clone)]
pub struct MediaFile {
    pub status: ItemStatus,
    pub expires_at: Option<NaiveDateTime>,
    pub original_filename: String,
    /// The variant's name; `None` for the original.
    pub variant: Option<String>,
    pub blob_key: String,
    pub sha256: String,
    pub mime: String,
    pub size: i64,
}

impl Item {
    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// Whether its expiry (spec 5) has passed at `now`: then it is gone for everyone, on
    /// every surface, even before the sweeper deletes it.
    pub fn expired_at(&self, now: NaiveDateTime) -> bool {
        expired(self.expires_at, now)
    }
}

impl MediaFile {
    /// Whether its item's expiry has passed at `now` (as `Item::expired_at`).
    pub fn expired_at(&self, now: NaiveDateTime) -> bool {
        expired(self.expires_at, now)
    }
}

/// The one expiry rule: gone from the instant it names.
fn expired(expires_at: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    expires_at.is_some_and(|at| at <= now)
}

/// `item` unless it has expired at `now`, which reads as not found, whoever asks.
pub fn unexpired(item: Item, now: NaiveDateTime) -> crate::Result<Item> {
    if item.expired_at(now) {
        return Err(crate::DomainError::NotFound("item"));
    }
    Ok(item)
}

/// What a photo's metadata says of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotoFacts {
    /// `DateTimeOriginal` as the camera wrote it: `YYYY:MM:DD HH:MM:SS`, local time.
    pub taken_at: Option<String>,
    /// Make and model, e.g. `Canon EOS R`.
    pub camera: Option<String>,
    pub is_360: bool,
}

/// A stored rendition of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub name: String,
    pub blob_key: String,
    pub sha256: String,
    pub mime: String,
    pub size: i64,
    pub width: i32,
    pub height: i32,
}

/// A rendition written to the blob store, to be recorded with its item.
#[derive(Debug, Clone)]
pub struct NewVariant {
    pub name: &'static str,
    pub blob: StoredBlob,
    pub mime: &'static str,
    pub width: i32,
    pub height: i32,
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
    pub variants: Vec<NewVariant>,
    pub placeholder: Option<String>,
    pub is_animated: bool,
    pub phash: Option<String>,
    pub quality_score: Option<f64>,
    pub facts: PhotoFacts,
    /// Milliseconds the upload's fast path took to render it, when it did.
    pub processing_ms: Option<i64>,
    /// `Pending` queues a media job with the item, in the same transaction.
    pub processing: Processing,
    pub created_at: NaiveDateTime,
    /// Its place in a project (only `Join` on upload), checked by
    /// `Projects::check_placement`.
    pub project: Option<ProjectChange>,
    pub inputs: Vec<ItemId>,
    pub nsfw: bool,
    pub category: Option<i32>,
    pub expires_at: Option<NaiveDateTime>,
    pub link: Option<NewLink>,
}

/// What a media job learned and made for an item.
#[derive(Debug, Clone, Default)]
pub struct ProcessedMedia {
    pub variants: Vec<NewVariant>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub duration_secs: Option<f64>,
    pub codec: Option<String>,
    pub placeholder: Option<String>,
    pub is_animated: bool,
    pub phash: Option<String>,
    pub quality_score: Option<f64>,
    pub facts: PhotoFacts,
}

/// A claimed media job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaJob {
    pub id: String,
    pub item: ItemId,
    /// How many times it has been claimed, this time included.
    pub attempts: i32,
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
    /// Freshly written copies of bytes that were stored already (original or variants).
    pub redundant_blob_keys: Vec<String>,
}

/// A partial update; `None` leaves the field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ItemPatch {
    pub title: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub model: Option<Option<String>>,
    pub alt_text: Option<Option<String>>,
    pub favorite: Option<bool>,
    pub tags: Option<Vec<String>>,
    /// `Some(None)` moves the item to the root folder.
    pub folder: Option<Option<FolderId>>,
    /// Checked by `Projects::check_placement`; written in the item's transaction.
    pub project: Option<ProjectChange>,
    pub inputs: Option<Vec<ItemId>>,
    /// Public by link (spec 5): `true` gives it a code unless it has one, `false` drops
    /// the code (and its delete token), so links given out before stop working.
    pub public: Option<bool>,
}

/// Which items a listing returns; every filter is optional and they combine with AND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemQuery {
    /// `None` is both statuses.
    pub status: Option<ItemStatus>,
    pub kind: Option<MediaKind>,
    pub mime: Option<MimeFilter>,
    pub folder: FolderFilter,
    pub collection: Option<CollectionId>,
    pub favorite: Option<bool>,
    /// Spec 5's category.
    pub category: Option<i32>,
    /// Spec 5's not-safe-for-work flag.
    pub nsfw: Option<bool>,
    /// All of these tags (normalised keys).
    pub tags: Vec<String>,
    /// None of these tags (normalised keys).
    pub exclude_tags: Vec<String>,
    pub search: Option<TextSearch>,
    /// Created at or after.
    pub created_from: Option<NaiveDateTime>,
    /// Created strictly before.
    pub created_before: Option<NaiveDateTime>,
    pub min_size: Option<i64>,
    pub max_size: Option<i64>,
    pub page: u32,
    pub page_size: u32,
}

impl Default for ItemQuery {
    fn default() -> Self {
        Self {
            status: Some(ItemStatus::Active),
            kind: None,
            mime: None,
            folder: FolderFilter::Any,
            collection: None,
            favorite: None,
            category: None,
            nsfw: None,
            tags: Vec::new(),
            exclude_tags: Vec::new(),
            search: None,
            created_from: None,
            created_before: None,
            min_size: None,
            max_size: None,
            page: 1,
            page_size: 20,
        }
    }
}

impl ItemQuery {
    /// The media kind the query is limited to, from `kind` and a kind-wide MIME prefix
    /// together.
    pub fn effective_kind(&self) -> KindFilter {
        let from_mime = match &self.mime {
            Some(MimeFilter::Prefix(prefix)) => match prefix.as_str() {
                "image/" => Some(MediaKind::Image),
                "video/" => Some(MediaKind::Video),
                _ => None,
            },
            _ => None,
        };
        match (self.kind, from_mime) {
            (Some(a), Some(b)) if a != b => KindFilter::Nothing,
            (None, None) => KindFilter::Any,
            (a, b) => a.or(b).map_or(KindFilter::Any, KindFilter::Only),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindFilter {
    Any,
    Only(MediaKind),
    /// The filters contradict each other: nothing matches.
    Nothing,
}

/// Spec 2's `mimePrefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MimeFilter {
    /// Lower-case prefix such as `image/` or `image/png`.
    Prefix(String),
    /// Anything that is not `image/`, `video/` or `application/`.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderFilter {
    Any,
    Root,
    In(FolderId),
}

/// Words to find, all of them: whole words, but for the last, which may be the start of
/// one (the query as typed so far).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSearch {
    /// Lower-case runs of letters and digits.
    pub words: Vec<String>,
    /// The query as typed, trimmed: spec 2's `q` matches a tag by it exactly.
    pub raw: String,
    pub scope: SearchScope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchScope {
    /// Spec 1's `search`: title (prompt), description and original filename.
    Text,
    /// Spec 2's `q`: title and original filename, or a tag named exactly the query.
    NamesOrTag,
}

impl TextSearch {
    /// `None` when the query holds nothing to search for.
    pub fn parse(raw: &str, scope: SearchScope) -> Option<Self> {
        let words: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(16)
            .map(str::to_lowercase)
            .collect();
        let has_tag = scope == SearchScope::NamesOrTag && !raw.trim().is_empty();
        (!words.is_empty() || has_tag).then(|| Self {
            words,
            raw: raw.trim().to_owned(),
            scope,
        })
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
    fn search_words_split_on_punctuation_like_the_indexes_do() {
        let search = TextSearch::parse(" IMG_0042.JPG  sunset", SearchScope::Text).unwrap();
        assert_eq!(search.words, vec!["img", "0042", "jpg", "sunset"]);
        assert!(TextSearch::parse(" .. ", SearchScope::Text).is_none());
    }

    #[test]
    fn contradicting_kind_filters_match_nothing() {
        let query = ItemQuery {
            kind: Some(MediaKind::Image),
            mime: Some(MimeFilter::Prefix("video/".into())),
            ..ItemQuery::default()
        };
        assert_eq!(query.effective_kind(), KindFilter::Nothing);
    }

    #[test]
    fn kinds_parse_from_their_wire_names() {
        assert_eq!("video".parse::<MediaKind>().unwrap(), MediaKind::Video);
        assert!("audio".parse::<MediaKind>().is_err());
    }
}
