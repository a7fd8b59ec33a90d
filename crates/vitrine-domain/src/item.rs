//! Items: one uploaded file with its metadata, and the queries over them.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;

use crate::projects::ProjectChange;
use crate::user::text_enum;
use crate::{BlobId, CollectionId, DomainError, FolderId, ItemId, UserId};

mod query;
pub use query::{FolderFilter, ItemQuery, KindFilter, MimeFilter, Page, SearchScope, TextSearch};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// An image or a video.
pub enum MediaKind {
    /// A still or animated picture.
    Image,
    /// A moving picture, with a still made from it.
    Video,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Whether an item is in the library or the trash.
pub enum ItemStatus {
    /// In the library.
    Active,
    /// In the trash, purged after the retention period.
    Trash,
}

/// Where variant generation stands for an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Processing {
    /// Waiting for the media pipeline.
    Pending,
    /// A media job is working on it.
    Processing,
    /// Every variant it can have is made.
    Completed,
    /// The media pipeline gave up on it; the original is still served.
    Failed,
}

text_enum!(MediaKind, "type", { Image => "image", Video => "video" });
text_enum!(ItemStatus, "status", { Active => "active", Trash => "trash" });
text_enum!(Processing, "processing state", {
    Pending => "pending", Processing => "processing", Completed => "completed", Failed => "failed",
});

#[derive(Debug, Clone)]
/// One uploaded image or video of a user's library, with everything known of it.
pub struct Item {
    /// Its id (`gal_…`).
    pub id: ItemId,
    /// The user whose library it is in.
    pub owner: UserId,
    /// The content-addressed original it points to.
    pub blob: BlobId,
    /// Where the original's bytes live in the blob store.
    pub blob_key: String,
    /// Image or video.
    pub kind: MediaKind,
    /// The MIME type the content was recognised as.
    pub mime: String,
    /// The original's size in bytes.
    pub size: i64,
    /// Pixels, after EXIF orientation; `None` until known.
    pub width: Option<i32>,
    /// Pixels, after EXIF orientation; `None` until known.
    pub height: Option<i32>,
    /// Spec 1's `prompt` and spec 5's `title` are this one field.
    pub title: Option<String>,
    /// Spec 1's `model` (the tool that made it).
    pub model: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// The file name it was uploaded with, cleaned.
    pub original_filename: String,
    /// What the image shows, for people who cannot see it.
    pub alt_text: Option<String>,
    /// Marked favorite.
    pub favorite: bool,
    /// In the library or the trash.
    pub status: ItemStatus,
    /// Where its variants stand.
    pub processing: Processing,
    /// SHA-256 of the original, hex.
    pub sha256: String,
    /// MD5 of the original, hex (spec 5 shows it).
    pub md5: String,
    /// Tags as the user typed them, ordered by name.
    pub tags: Vec<String>,
    /// `None` is the root folder.
    pub folder: Option<FolderId>,
    /// The collections it is in.
    pub collections: Vec<CollectionId>,
    /// Stored renditions, by name: `thumb`, `medium`, `frame`.
    pub variants: Vec<Variant>,
    /// ThumbHash (base64) to paint before the thumb arrives.
    pub placeholder: Option<String>,
    /// Seconds, for videos the pipeline has probed.
    pub duration_secs: Option<f64>,
    /// The video codec ffprobe reports (`h264`, `hevc`, `vp9`…).
    pub codec: Option<String>,
    /// More than one frame (an animated GIF, WebP or PNG).
    pub is_animated: bool,
    /// Perceptual hash, 16 hex digits.
    pub phash: Option<String>,
    /// 0–100 from the pixels; `None` until the pipeline has looked.
    pub quality_score: Option<f64>,
    /// The spec 4 project it is in.
    pub project: Option<crate::projects::ProjectId>,
    /// What its metadata says (date taken, camera, 360°).
    pub facts: PhotoFacts,
    /// When it was uploaded.
    pub created_at: NaiveDateTime,
    /// When it last changed.
    pub updated_at: NaiveDateTime,
    /// When it went to the trash.
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
    /// The code its public links carry.
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
    /// The code its links carry.
    pub code: String,
    /// SHA-256 (hex) of the delete token.
    pub delete_token_hash: String,
}

/// One stored file of an item as a signed URL serves it, the original or a variant, with
/// what decides whether it may still be served: read in one lookup, not the whole item.
#[derive(Debug, Clone)]
pub struct MediaFile {
    /// The item's status: a trashed item's files are not served by link.
    pub status: ItemStatus,
    /// When the item stops existing, if it does.
    pub expires_at: Option<NaiveDateTime>,
    /// The name downloads get.
    pub original_filename: String,
    /// The variant's name; `None` for the original.
    pub variant: Option<String>,
    /// Where the bytes are in the blob store.
    pub blob_key: String,
    /// SHA-256 of the bytes, hex (the ETag).
    pub sha256: String,
    /// Their MIME type.
    pub mime: String,
    /// Their size in bytes.
    pub size: i64,
}

impl Item {
    /// The stored variant of that name (`thumb`, `medium`, `frame`).
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
    /// An equirectangular panorama (its XMP says so).
    pub is_360: bool,
}

/// A stored rendition of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// `thumb`, `medium` or `frame`.
    pub name: String,
    /// Where its bytes are in the blob store.
    pub blob_key: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its MIME type.
    pub mime: String,
    /// Its size in bytes.
    pub size: i64,
    /// Pixels.
    pub width: i32,
    /// Pixels.
    pub height: i32,
}

/// A rendition written to the blob store, to be recorded with its item.
#[derive(Debug, Clone)]
pub struct NewVariant {
    /// `thumb`, `medium` or `frame`.
    pub name: &'static str,
    /// Its bytes in the blob store.
    pub blob: StoredBlob,
    /// Its MIME type.
    pub mime: &'static str,
    /// Pixels.
    pub width: i32,
    /// Pixels.
    pub height: i32,
}

/// What the upload use case hands storage to insert in one transaction.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// The id the item will have.
    pub id: ItemId,
    /// Whose library it goes into.
    pub owner: UserId,
    /// Image or video.
    pub kind: MediaKind,
    /// The MIME type the content was recognised as.
    pub mime: String,
    /// Pixels, when the upload's probe knew them.
    pub width: Option<i32>,
    /// Pixels, when the upload's probe knew them.
    pub height: Option<i32>,
    /// Its title (spec 1's `prompt`).
    pub title: Option<String>,
    /// Spec 1's `model`.
    pub model: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// The file name it was uploaded with, cleaned.
    pub original_filename: String,
    /// Tags, as given (normalised by storage).
    pub tags: Vec<String>,
    /// Variants already made on the upload's fast path.
    pub variants: Vec<NewVariant>,
    /// ThumbHash placeholder, base64.
    pub placeholder: Option<String>,
    /// More than one frame.
    pub is_animated: bool,
    /// Perceptual hash (64 bits, hex), for near-duplicates.
    pub phash: Option<String>,
    /// 0–100 from the pixels (docs/ARCHITECTURE.md, "Quality score").
    pub quality_score: Option<f64>,
    /// What its metadata says.
    pub facts: PhotoFacts,
    /// Milliseconds the upload's fast path took to render it, when it did.
    pub processing_ms: Option<i64>,
    /// `Pending` queues a media job with the item, in the same transaction.
    pub processing: Processing,
    /// When it was uploaded (or the photo's date, with `use_file_date`).
    pub created_at: NaiveDateTime,
    /// Its place in a project (only `Join` on upload), checked by
    /// `Projects::check_placement`.
    pub project: Option<ProjectChange>,
    /// The items it was made from (spec 4's `inputs`).
    pub inputs: Vec<ItemId>,
    /// Spec 5's not-safe-for-work flag.
    pub nsfw: bool,
    /// Spec 5's category.
    pub category: Option<i32>,
    /// When it stops existing (spec 5's `expiration`).
    pub expires_at: Option<NaiveDateTime>,
    /// Its public link, when it starts public (spec 5 uploads).
    pub link: Option<NewLink>,
}

/// What a media job learned and made for an item.
#[derive(Debug, Clone, Default)]
pub struct ProcessedMedia {
    /// The variants it made.
    pub variants: Vec<NewVariant>,
    /// Pixels, as decoded.
    pub width: Option<i32>,
    /// Pixels, as decoded.
    pub height: Option<i32>,
    /// A video's length in seconds.
    pub duration_secs: Option<f64>,
    /// A video's codec (`h264`, `vp9`…).
    pub codec: Option<String>,
    /// ThumbHash placeholder, base64.
    pub placeholder: Option<String>,
    /// More than one frame.
    pub is_animated: bool,
    /// Perceptual hash (64 bits, hex).
    pub phash: Option<String>,
    /// 0–100 from the pixels.
    pub quality_score: Option<f64>,
    /// What its metadata says.
    pub facts: PhotoFacts,
}

/// A claimed media job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaJob {
    /// The job's id.
    pub id: String,
    /// The item it makes variants for.
    pub item: ItemId,
    /// How many times it has been claimed, this time included.
    pub attempts: i32,
}

/// The bytes of an upload, already in the blob store under a key of its own.
#[derive(Debug, Clone)]
pub struct StoredBlob {
    /// Its id: the content hash it is addressed by.
    pub id: BlobId,
    /// Where the bytes are in the blob store.
    pub key: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// MD5 of the bytes, hex.
    pub md5: String,
    /// Size in bytes.
    pub size: i64,
}

/// Outcome of inserting an item: when the same bytes were already stored, the freshly
/// written copy is redundant and the caller deletes it.
#[derive(Debug)]
pub struct Inserted {
    /// The item as stored.
    pub item: Item,
    /// Freshly written copies of bytes that were stored already (original or variants).
    pub redundant_blob_keys: Vec<String>,
}

/// A partial update; `None` leaves the field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ItemPatch {
    /// Spec 1's `prompt`.
    pub title: Option<Option<String>>,
    /// Free text.
    pub description: Option<Option<String>>,
    /// Spec 1's `model`.
    pub model: Option<Option<String>>,
    /// Alternative text for screen readers.
    pub alt_text: Option<Option<String>>,
    /// Marked favorite.
    pub favorite: Option<bool>,
    /// Replaces every tag.
    pub tags: Option<Vec<String>>,
    /// `Some(None)` moves the item to the root folder.
    pub folder: Option<Option<FolderId>>,
    /// Checked by `Projects::check_placement`; written in the item's transaction.
    pub project: Option<ProjectChange>,
    /// Spec 4's `inputs`: the items it was made from.
    pub inputs: Option<Vec<ItemId>>,
    /// Public by link (spec 5): `true` gives it a code unless it has one, `false` drops
    /// the code (and its delete token), so links given out before stop working.
    pub public: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_their_wire_names() {
        assert_eq!("video".parse::<MediaKind>().unwrap(), MediaKind::Video);
        assert!("audio".parse::<MediaKind>().is_err());
    }
}
