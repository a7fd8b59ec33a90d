//! The ports: what the use cases need from storage and media, as traits.
//! `vitrine-storage` implements the repositories and the blob store, `vitrine-media`
//! the prober.

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;

use chrono::NaiveDateTime;

use crate::galleries::{Gallery, GalleryStatus, GalleryView, Language, Translation};
use crate::item::{
    Inserted, Item, ItemPatch, ItemQuery, MediaFile, MediaJob, NewItem, Page, ProcessedMedia,
    StoredBlob,
};
use crate::organise::{Collection, Folder};
use crate::projects::{Board, BoardQuery, Feedback, Group, GroupId, Project, ProjectId, Review};
use crate::shares::{Share, ShareTarget};
use crate::user::{Plan, Role, Scopes, User, UserRecord};
use crate::{CollectionId, FolderId, ItemId, Result, UserId};

mod media;
pub use media::{MediaProber, Probe, RenderedImage, RenderedVariant, VideoInfo};

/// A stream of bytes read from the blob store, chunk by chunk.
pub type ByteStream = BoxStream<'static, Result<Bytes>>;

/// Bytes by key. Keys are opaque; the use cases choose them.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Starts writing a new object; nothing is visible under `key` until `finish`.
    async fn create(&self, key: &str) -> Result<Box<dyn BlobWriter>>;
    /// The whole object, streamed; `NotFound` when there is none.
    async fn open(&self, key: &str) -> Result<ByteStream>;
    /// The bytes `range` of the object: what `Range` requests and seeking videos need.
    async fn open_range(&self, key: &str, range: std::ops::Range<u64>) -> Result<ByteStream>;
    /// Removes the object; removing one that is not there is not an error.
    async fn delete(&self, key: &str) -> Result<()>;
    /// Finished objects whose keys start with `prefix`.
    fn list(&self, prefix: &str) -> BoxStream<'static, Result<StoredObject>>;
    /// Removes writes under `prefix` begun before `before` and never finished (by a
    /// process killed mid-upload), which `list` does not show; returns how many.
    async fn remove_unfinished(&self, prefix: &str, before: NaiveDateTime) -> Result<usize>;
}

/// A finished object, as a listing of the store shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// Its key.
    pub key: String,
    /// When it was written.
    pub written: NaiveDateTime,
}

#[async_trait]
/// An object being written to the blob store: chunks, then `finish` (or `abort`).
pub trait BlobWriter: Send {
    /// Appends a chunk.
    async fn write(&mut self, chunk: Bytes) -> Result<()>;
    /// Makes the object visible under its key, whole.
    async fn finish(self: Box<Self>) -> Result<()>;
    /// Drops what was written so far; never fails loudly, a sweeper catches leftovers.
    async fn abort(self: Box<Self>);
}

/// The media pipeline's queue. Jobs are claimed with a lease; a job whose lease has run
/// out is claimed again, so a crashed worker's job is not lost.
#[async_trait]
pub trait JobRepository: Send + Sync {
    /// Claims the most urgent ready job: pending, or processing with an expired lease,
    /// with attempts left. Two workers never claim the same job.
    async fn claim_job(
        &self,
        now: NaiveDateTime,
        lease_until: NaiveDateTime,
        max_attempts: i32,
    ) -> Result<Option<MediaJob>>;
    /// Records the outcome on the item (variants counted in its owner's usage) and marks
    /// the job completed, in one transaction. Returns redundant object keys to delete.
    /// `Conflict`, changing nothing, when the claim that made `job` no longer holds it
    /// (its lease ran out and the job was claimed again); `fail_job` likewise.
    async fn finish_job(
        &self,
        job: &MediaJob,
        processed: ProcessedMedia,
        now: NaiveDateTime,
        duration_ms: i64,
    ) -> Result<Vec<String>>;
    /// Hands a claimed job back (its worker is stopping): its lease ends `now`, so any
    /// worker may claim it at once. Nothing changes when the claim no longer holds.
    async fn release_job(&self, job: &MediaJob, now: NaiveDateTime) -> Result<()>;
    /// Records a failure: retried later while attempts remain, else failed for good.
    async fn fail_job(
        &self,
        job: &MediaJob,
        error: &str,
        give_up: bool,
        now: NaiveDateTime,
    ) -> Result<()>;
    /// Queues a job for an existing item (backfill, regeneration).
    async fn enqueue_job(&self, item: &ItemId, priority: i32, now: NaiveDateTime) -> Result<()>;
    /// Items of any user: all of them, or only those without a thumb.
    async fn items_for_regeneration(&self, missing_only: bool) -> Result<Vec<ItemId>>;
}

#[derive(Debug, Clone)]
/// A user to create.
pub struct NewUser {
    /// Unique among users.
    pub name: String,
    /// An argon2 PHC string.
    pub password_hash: String,
    /// User or admin.
    pub role: Role,
    /// Free, pro or enterprise.
    pub plan: Plan,
    /// When the account was made.
    pub created_at: NaiveDateTime,
}

#[async_trait]
/// Users and their API keys.
pub trait UserRepository: Send + Sync {
    /// Inserts a user; `Conflict` when the name is taken.
    async fn insert_user(&self, user: NewUser) -> Result<User>;
    /// A user and their password hash, by name.
    async fn user_by_name(&self, name: &str) -> Result<Option<UserRecord>>;
    /// A user by id.
    async fn user_by_id(&self, id: &UserId) -> Result<Option<User>>;
    /// Changes a user's plan; `NotFound` for an unknown name.
    async fn set_plan(&self, name: &str, plan: Plan) -> Result<User>;
    /// Changes a user's role; `NotFound` for an unknown name.
    async fn set_role(&self, name: &str, role: Role) -> Result<User>;
    /// Every user by name, at most `limit`.
    async fn users(&self, limit: i64) -> Result<Vec<User>>;
    /// Stores an API key by its hash, with the scopes it carries.
    async fn insert_api_key(
        &self,
        owner: &UserId,
        key_hash: &str,
        scopes: &Scopes,
        at: NaiveDateTime,
    ) -> Result<()>;
    /// The user and scopes of a key that is not revoked.
    async fn user_by_api_key(&self, key_hash: &str) -> Result<Option<(User, Scopes)>>;
    /// Revokes one of the owner's keys; `NotFound` for another's or an unknown one.
    async fn revoke_api_key(&self, owner: &UserId, key_hash: &str, at: NaiveDateTime)
        -> Result<()>;
    /// The owner's keys that are not revoked, newest first.
    async fn api_keys(&self, owner: &UserId) -> Result<Vec<crate::user::ApiKeyInfo>>;
    /// Revokes the owner's key whose hash starts with `id` (`ApiKeyInfo::id`).
    async fn revoke_api_key_by_id(&self, owner: &UserId, id: &str, at: NaiveDateTime)
        -> Result<()>;
}

/// Access tokens (JWTs): to whom one was issued, with which scopes.
pub trait TokenVerifier: Send + Sync {
    /// The user and scopes of a genuine token unexpired at `now` (Unix seconds);
    /// `Unauthorized` for anything else.
    fn verify(&self, token: &str, now: i64) -> Result<(UserId, Scopes)>;
}

#[async_trait]
/// Settings the server keeps in its database (the JWT secret, say).
pub trait SettingsRepository: Send + Sync {
    /// Returns the stored value of `name`, storing `candidate` first when there is none.
    /// Every instance on one database thereby agrees on the same secret.
    async fn setting_or_insert(&self, name: &str, candidate: String) -> Result<String>;
}

#[async_trait]
/// Items and what hangs on them: variants, tags, collections, links, media jobs.
pub trait ItemRepository: Send + Sync {
    /// In one transaction: reserve quota (`quota` bytes at most in use afterwards, `None`
    /// for unlimited), reference or record the blob, insert the item and its tags.
    async fn insert_item(
        &self,
        item: NewItem,
        blob: StoredBlob,
        quota: Option<i64>,
    ) -> Result<Inserted>;
    /// One of the owner's items; `NotFound` for another's.
    async fn item(&self, owner: &UserId, id: &ItemId) -> Result<Item>;
    /// Any user's item, for the media pipeline.
    async fn item_unscoped(&self, id: &ItemId) -> Result<Item>;
    /// For signed URLs (the signature already proves who may see it): the item's original
    /// (`variant` `None`) or the named variant, in one lookup.
    async fn media_file(&self, id: &ItemId, variant: Option<&str>) -> Result<MediaFile>;
    /// The item whose public-link code is `code`, if any.
    async fn item_by_link(&self, code: &str) -> Result<Option<ItemId>>;
    /// One more view of the viewer page of the item with code `code`.
    async fn count_link_view(&self, code: &str) -> Result<()>;
    /// The owner's items that match `query` and have not expired at `now`.
    async fn list_items(
        &self,
        owner: &UserId,
        query: &ItemQuery,
        now: NaiveDateTime,
    ) -> Result<Page<Item>>;
    /// The owner's items with these IDs, in that order; all-or-nothing like the bulk
    /// changes below.
    async fn items_by_ids(&self, owner: &UserId, ids: &[ItemId]) -> Result<Vec<Item>>;
    // Changes take their time (`at`) from the use case's clock.
    /// Applies a patch in one transaction; `NotFound` for another's item.
    async fn update_item(
        &self,
        owner: &UserId,
        id: &ItemId,
        patch: ItemPatch,
        at: NaiveDateTime,
    ) -> Result<Item>;
    /// Moves an item to the trash (already there: unchanged).
    async fn trash_item(&self, owner: &UserId, id: &ItemId, at: NaiveDateTime) -> Result<Item>;
    /// Brings an item back from the trash into its folder, or the root if that is gone.
    async fn restore_item(&self, owner: &UserId, id: &ItemId, at: NaiveDateTime) -> Result<Item>;

    // Bulk changes are all-or-nothing: when any ID is not the owner's item, nothing
    // changes and the error is `DomainError::Missing` naming those IDs.

    /// Moves active items to the trash; returns how many moved.
    async fn trash_items(&self, owner: &UserId, ids: &[ItemId], at: NaiveDateTime)
        -> Result<usize>;
    /// Adds tags (normalised) to each item, keeping the tags it has.
    async fn add_tags(&self, owner: &UserId, ids: &[ItemId], tags: &[String]) -> Result<()>;
    /// Moves items into a folder of the owner's (`None`: the root).
    async fn move_items(
        &self,
        owner: &UserId,
        ids: &[ItemId],
        folder: Option<&FolderId>,
        at: NaiveDateTime,
    ) -> Result<()>;
    /// The owner's trashed items.
    async fn trashed_ids(&self, owner: &UserId) -> Result<Vec<ItemId>>;
    /// Up to `limit` items, of any user, trashed before `cutoff`.
    /// Items of every user whose expiry (spec 5's `expiration`) is at or before `now`,
    /// soonest first, at most `limit`.
    async fn expired_before(&self, now: NaiveDateTime, limit: i64)
        -> Result<Vec<(UserId, ItemId)>>;
    /// Trashed items whose trashing is older than `cutoff`, oldest first, at most `limit`.
    async fn trashed_before(
        &self,
        cutoff: NaiveDateTime,
        limit: i64,
    ) -> Result<Vec<(UserId, ItemId)>>;
    /// Bytes the owner's items take, originals and variants.
    async fn bytes_used(&self, owner: &UserId) -> Result<i64>;
    /// The SHA-256 of every item's original the owner has, trashed ones included.
    async fn content_hashes(&self, owner: &UserId) -> Result<Vec<String>>;
    /// The perceptual hashes of the owner's active items that have one.
    async fn perceptual_hashes(&self, owner: &UserId) -> Result<Vec<(ItemId, String)>>;
    /// Deletes the item's rows for good and releases its quota and its blob reference;
    /// with `only_if_trashed`, only while it is in the trash (`NotFound` once restored).
    /// Two purges of one item never both release it: the second finds it gone.
    /// Returns the object keys (original and variants) no other item uses any more.
    async fn purge_item(
        &self,
        owner: &UserId,
        id: &ItemId,
        only_if_trashed: bool,
    ) -> Result<Vec<String>>;
    /// Those of `keys` a blob row references: the others belong to no item or variant.
    async fn referenced_object_keys(&self, keys: Vec<String>) -> Result<Vec<String>>;
}

#[async_trait]
/// The folder tree of each user.
pub trait FolderRepository: Send + Sync {
    /// Every folder of the owner.
    async fn folders(&self, owner: &UserId) -> Result<Vec<Folder>>;
    /// One of the owner's folders; `NotFound` for another's.
    async fn folder(&self, owner: &UserId, id: &FolderId) -> Result<Folder>;
}

#[async_trait]
/// Collections and which items they hold.
pub trait CollectionRepository: Send + Sync {
    /// Every collection of the owner.
    async fn collections(&self, owner: &UserId) -> Result<Vec<Collection>>;
    /// One of the owner's collections; `NotFound` for another's.
    async fn collection(&self, owner: &UserId, id: &CollectionId) -> Result<Collection>;
    /// Inserts a collection.
    async fn insert_collection(&self, collection: Collection) -> Result<Collection>;
    /// Deletes a collection; its items stay.
    async fn delete_collection(&self, owner: &UserId, id: &CollectionId) -> Result<()>;
    /// The collection's active items, newest first.
    async fn collection_items(&self, owner: &UserId, id: &CollectionId) -> Result<Vec<Item>>;
    /// All-or-nothing like the bulk item changes.
    async fn add_to_collection(
        &self,
        owner: &UserId,
        id: &CollectionId,
        items: &[ItemId],
        at: NaiveDateTime,
    ) -> Result<Collection>;
    /// Takes items out of one of the owner's collections.
    async fn remove_from_collection(
        &self,
        owner: &UserId,
        id: &CollectionId,
        items: &[ItemId],
        at: NaiveDateTime,
    ) -> Result<Collection>;
}

#[async_trait]
/// Share links, stored by the hash of their token.
pub trait ShareRepository: Send + Sync {
    /// Inserts a share and, in the same transaction, revokes its target's older live ones.
    async fn insert_share(&self, share: &Share, token_hash: &str) -> Result<()>;
    /// The share whose token has this hash, revoked or not.
    async fn share_by_token(&self, token_hash: &str) -> Result<Option<Share>>;
    /// Revokes the target's live shares; returns how many.
    async fn revoke_shares(
        &self,
        owner: &UserId,
        target: &ShareTarget,
        at: NaiveDateTime,
    ) -> Result<usize>;
    /// The owner's links that neither are revoked nor expired at `now`, newest first.
    async fn live_shares(&self, owner: &UserId, now: NaiveDateTime) -> Result<Vec<Share>>;
}

/// Password attempts per bucket in fixed windows (see `attempts.rs`), shared by every
/// instance on one database.
#[async_trait]
pub trait AttemptRepository: Send + Sync {
    /// Counts one attempt in each bucket, in one transaction, and returns each bucket's
    /// count with it; a bucket whose window began before `since` starts a new one at `now`.
    async fn count_attempt(
        &self,
        buckets: &[String],
        since: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<Vec<i64>>;
    /// Takes one attempt back from each bucket's current window (it succeeded).
    async fn refund_attempt(&self, buckets: &[String], since: NaiveDateTime) -> Result<()>;
}

/// Password hashing and checking (argon2id), which costs tens of milliseconds of CPU: the
/// implementation runs them off the async threads, a bounded number at a time, so a burst
/// of logins or guesses cannot starve other requests.
#[async_trait]
pub trait Passwords: Send + Sync {
    /// Hashes a password with argon2 (PHC string).
    async fn hash(&self, password: &str) -> Result<String>;
    /// Whether `password` matches `hash` (a PHC string).
    async fn verify(&self, hash: &str, password: &str) -> Result<bool>;
}

/// Whether the metadata store answers; `/readyz` asks it.
#[async_trait]
pub trait Health: Send + Sync {
    /// One round trip to the database.
    async fn ping(&self) -> Result<()>;
    /// What `/metrics` samples of the database and the media queue when it is read.
    async fn vitals(&self) -> Result<Vitals>;
}

/// The database's connections and the media queue, as one `/metrics` read sees them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vitals {
    /// Connections the pool holds at most, those lent out now, and those open and idle.
    pub connections_max: u64,
    /// Connections lent out now.
    pub connections_in_use: u64,
    /// Connections open and idle.
    pub connections_idle: u64,
    /// Times a caller found every connection lent out and waited, since the process began.
    pub connection_waits: u64,
    /// Media jobs by state: waiting, being worked on, completed and failed for good.
    pub jobs_pending: i64,
    /// Media jobs being worked on.
    pub jobs_processing: i64,
    /// Media jobs done.
    pub jobs_completed: i64,
    /// Media jobs that failed for good.
    pub jobs_failed: i64,
    /// When the oldest waiting job was queued.
    pub oldest_pending_job: Option<NaiveDateTime>,
}

/// Galleries, their translations and media, and the languages they are written in.
/// Every gallery read or change is the owner's; a deleted gallery is `NotFound`.
#[async_trait]
pub trait GalleryRepository: Send + Sync {
    /// Every language galleries may be translated into.
    async fn languages(&self) -> Result<Vec<Language>>;
    /// `Conflict` when the code is taken.
    async fn insert_language(&self, language: Language, at: NaiveDateTime) -> Result<()>;
    /// Which of `ids` are languages.
    async fn known_languages(&self, ids: &[uuid::Uuid]) -> Result<Vec<uuid::Uuid>>;
    /// With its translations, in one transaction; `Conflict` when a live gallery has the
    /// slug.
    async fn insert_gallery(&self, gallery: Gallery, translations: Vec<Translation>) -> Result<()>;
    /// The owner's live galleries, newest first, `status` only when given, a page of them.
    async fn galleries(
        &self,
        owner: &UserId,
        status: Option<GalleryStatus>,
        skip: i64,
        limit: i64,
    ) -> Result<Vec<Gallery>>;
    /// The owner's live gallery.
    async fn gallery(&self, owner: &UserId, id: uuid::Uuid) -> Result<Gallery>;
    /// The owner's live gallery with its translations and active media, in a fixed number
    /// of queries whatever its size.
    async fn gallery_view(&self, owner: &UserId, id: uuid::Uuid) -> Result<GalleryView>;
    /// The live, published gallery with this slug, whoever owns it, as `gallery_view`.
    async fn published_gallery(&self, slug: &str) -> Result<GalleryView>;
    /// The owner of the live, published gallery with this slug when the item is among
    /// its media or is its cover; `NotFound("Media")` otherwise.
    async fn published_holder(&self, slug: &str, item: &ItemId) -> Result<UserId>;
    /// Slug, status, cover, author and `updated_at`; `Conflict` on a taken slug.
    async fn update_gallery(&self, gallery: &Gallery) -> Result<()>;
    /// Deletes one of the owner's galleries; its items stay in the library.
    async fn delete_gallery(&self, owner: &UserId, id: uuid::Uuid, at: NaiveDateTime)
        -> Result<()>;
    /// Replaces the texts of the owner's gallery's translation in that language, or adds it.
    async fn upsert_translation(&self, owner: &UserId, translation: Translation) -> Result<()>;
    /// `NotFound("Translation")` when the gallery has none in that language.
    async fn delete_translation(
        &self,
        owner: &UserId,
        gallery: uuid::Uuid,
        language: uuid::Uuid,
    ) -> Result<()>;
    /// Places an item in the owner's gallery with the gallery locked, so adds at once get
    /// distinct orders: `order` `None` appends after the last. 400 when it is there already.
    async fn add_media(
        &self,
        owner: &UserId,
        gallery: uuid::Uuid,
        item: &ItemId,
        order: Option<i32>,
        caption: Option<String>,
        at: NaiveDateTime,
    ) -> Result<()>;
    /// `NotFound("Media in this gallery")` when the item is not in it.
    async fn update_media(
        &self,
        owner: &UserId,
        gallery: uuid::Uuid,
        item: &ItemId,
        order: Option<i32>,
        caption: Option<Option<String>>,
    ) -> Result<()>;
    /// Takes an item out of a gallery; `NotFound` when it is not in it.
    async fn remove_media(&self, owner: &UserId, gallery: uuid::Uuid, item: &ItemId) -> Result<()>;
    /// Stores orders 0…n−1 in `wanted`'s order, checked against the gallery's media
    /// (`galleries::reorder`) with the gallery locked.
    async fn reorder_media(
        &self,
        owner: &UserId,
        gallery: uuid::Uuid,
        wanted: Vec<ItemId>,
    ) -> Result<()>;
}

/// Groups, projects, project images' places and their review (spec 4).
#[async_trait]
pub trait ProjectRepository: Send + Sync {
    /// The group, with its creator as its first member.
    async fn insert_group(&self, name: &str, creator: &UserId, at: NaiveDateTime) -> Result<Group>;
    /// The groups `user` belongs to, oldest first.
    async fn groups_of(&self, user: &UserId) -> Result<Vec<Group>>;
    /// `NotFound("Group")` when there is none.
    async fn group(&self, id: GroupId) -> Result<Group>;
    /// Already a member: nothing changes.
    async fn add_member(&self, group: GroupId, user: &UserId, at: NaiveDateTime) -> Result<()>;
    /// `NotFound("Member")` when the user is not in the group.
    async fn remove_member(&self, group: GroupId, user: &UserId) -> Result<()>;
    /// Whether the user is in the group.
    async fn is_member(&self, group: GroupId, user: &UserId) -> Result<bool>;
    /// With `key` or, when absent, a key derived from the name that no other project of
    /// the owner has (`-2`, `-3`… appended). `Conflict` when a given key is taken.
    async fn insert_project(
        &self,
        owner: &UserId,
        name: &str,
        key: Option<String>,
        group: Option<GroupId>,
        at: NaiveDateTime,
    ) -> Result<Project>;
    /// The viewer's projects and those shared with the viewer's groups, oldest first.
    async fn visible_projects(&self, viewer: &UserId) -> Result<Vec<Project>>;
    /// A project the viewer sees, else `NotFound("Project")`.
    async fn project(&self, viewer: &UserId, id: ProjectId) -> Result<Project>;
    /// Name, key, group and `updated_at`; `Conflict` on a taken key.
    async fn update_project(&self, project: &Project) -> Result<()>;
    /// Takes every item out of the project, then deletes it.
    async fn delete_project(&self, owner: &UserId, id: ProjectId) -> Result<()>;
    /// The project the item is in, if any.
    async fn project_of(&self, item: &ItemId) -> Result<Option<Project>>;
    /// Likes or dislikes an item, with a comment, as the project's reviewer.
    async fn set_feedback(
        &self,
        item: &ItemId,
        feedback: Option<Feedback>,
        comment: Option<String>,
    ) -> Result<()>;
    /// Sets an item's review status and annotations (absent fields stay).
    async fn set_review(&self, item: &ItemId, review: Review) -> Result<()>;
    /// In one statement: `Conflict` when someone else holds the claim.
    async fn claim(&self, item: &ItemId, user: &UserId, at: NaiveDateTime) -> Result<()>;
    /// `Conflict` when someone else holds it, unless `anyone` may release it.
    async fn release(&self, item: &ItemId, user: &UserId, anyone: bool) -> Result<()>;
    /// Spec 4's page for `viewer`, in a fixed number of queries, without the images that
    /// have expired at `now`.
    async fn board(&self, viewer: &UserId, query: &BoardQuery, now: NaiveDateTime)
        -> Result<Board>;
}
