//! The library use case: upload, read, change and trash items.
//!
//! An upload is two steps so the HTTP layer can stream the file before it has seen the
//! other form fields: `stage` writes the bytes under a key of their own while hashing and
//! probing them; `commit` inserts the rows. Whatever fails after `stage` calls `discard`,
//! so no blob outlives a failed upload.

pub mod jobs;
mod private;
mod rendered;
mod similar;
mod staging;
pub mod sweeper;
mod variants;

use std::sync::Arc;

use futures::StreamExt;

use crate::clock::Clock;
use crate::item::{
    unexpired, Item, ItemPatch, ItemQuery, MediaFile, NewItem, Page, Processing, StoredBlob,
};
use crate::limits::Limits;
use crate::organise::check_bulk;
use crate::ports::{BlobStore, ByteStream, ItemRepository, JobRepository, MediaProber, Probe};
use crate::projects::ProjectChange;
use crate::tags::normalize_tags;
use crate::user::{Principal, Scope};
use crate::{DomainError, FolderId, ItemId, Result};

#[derive(Clone)]
/// The library: uploads, items, the trash, storage, and what the media pipeline does.
pub struct Library {
    items: Arc<dyn ItemRepository>,
    jobs: Arc<dyn JobRepository>,
    blobs: Arc<dyn BlobStore>,
    prober: Arc<dyn MediaProber>,
    limits: Limits,
    clock: Arc<dyn Clock>,
    renditions: rendered::Renditions,
    /// Media jobs this process's workers hold now, to hand back when it stops.
    claimed: Arc<std::sync::Mutex<std::collections::HashMap<String, crate::item::MediaJob>>>,
}

/// Bytes written and understood, not yet an item.
#[derive(Debug)]
pub struct StagedUpload {
    /// The bytes in the blob store.
    pub blob: StoredBlob,
    /// What they were recognised as.
    pub probe: Probe,
    /// The bytes themselves when the fast path will render them, so they are not read
    /// back from the store (a second GET on S3).
    kept: Option<Vec<u8>>,
}

/// The text that comes with an upload.
#[derive(Debug, Default, Clone)]
pub struct UploadMeta {
    /// The name the file was sent with.
    pub original_filename: Option<String>,
    /// Its title (spec 1's `prompt`).
    pub title: Option<String>,
    /// Spec 1's `model`.
    pub model: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Checked by `Projects::check_placement` before the upload is committed.
    pub project: Option<ProjectChange>,
    /// The items it was made from (spec 4).
    pub inputs: Vec<ItemId>,
    /// Spec 5's fields: checked by the upload V1 route before the commit.
    pub nsfw: bool,
    /// Spec 5's category.
    pub category: Option<i32>,
    /// When it stops existing (spec 5's `expiration`).
    pub expires_at: Option<chrono::NaiveDateTime>,
    /// Public by link from the start (spec 5's uploads).
    pub link: Option<crate::item::NewLink>,
    /// The item's date is when the photo says it was taken, when it says (spec 5's
    /// `use_file_date`, for administrators: the route checks).
    pub use_file_date: bool,
}

/// How much a user stores and may store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageUsage {
    /// Bytes the user's items take, originals and variants.
    pub used: i64,
    /// Bytes the plan allows; `None`: unlimited.
    pub limit: Option<i64>,
}

impl Library {
    /// The library over its ports.
    pub fn new(
        items: Arc<dyn ItemRepository>,
        jobs: Arc<dyn JobRepository>,
        blobs: Arc<dyn BlobStore>,
        prober: Arc<dyn MediaProber>,
        limits: Limits,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            items,
            jobs,
            blobs,
            prober,
            renditions: rendered::Renditions::new(limits.render_cache_bytes),
            limits,
            clock,
            claimed: Arc::default(),
        }
    }

    /// Now, by the injected clock.
    fn now(&self) -> chrono::NaiveDateTime {
        self.clock.now()
    }

    /// The limits it applies.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Records a staged upload as an item of `who`, reserving quota in the same transaction.
    /// On failure the staged bytes are removed.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn commit(
        &self,
        who: &Principal,
        staged: StagedUpload,
        meta: UploadMeta,
    ) -> Result<Item> {
        let key = staged.blob.key.clone();
        match self.insert(who, staged, meta).await {
            Ok(item) => Ok(item),
            Err(err) => {
                self.discard_key(&key).await;
                Err(err)
            }
        }
    }

    async fn insert(
        &self,
        who: &Principal,
        staged: StagedUpload,
        meta: UploadMeta,
    ) -> Result<Item> {
        let tags = normalize_tags(&meta.tags)?;
        let StagedUpload { blob, probe, kept } = staged;
        let prepared = self
            .prepare_variants(
                variants::Original {
                    key: &blob.key,
                    size: blob.size,
                    kind: probe.kind,
                    mime: probe.mime,
                    width: probe.width,
                    height: probe.height,
                    kept,
                },
                variants::Path::Fast,
            )
            .await?;
        let title = clean_text(meta.title, "title", 1000)?;
        let description = clean_text(meta.description, "description", 10_000)?;
        let original_filename = meta
            .original_filename
            .map(|name| clean_filename(&name))
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| format!("upload.{}", probe.extension));
        let taken = meta
            .use_file_date
            .then(|| taken_at(&prepared.facts))
            .flatten();
        let new_item = NewItem {
            id: ItemId::generate(),
            owner: who.user.id.clone(),
            kind: probe.kind,
            mime: probe.mime.to_owned(),
            width: prepared.width,
            height: prepared.height,
            // What the photo says of itself fills in what the upload left out (spec 5).
            title: title.or(clean_text(prepared.title, "title", 1000).unwrap_or_default()),
            model: clean_text(meta.model, "model", 200)?,
            description: description
                .or(clean_text(prepared.description, "description", 10_000).unwrap_or_default()),
            original_filename,
            tags,
            variants: prepared.variants.clone(),
            placeholder: prepared.placeholder,
            is_animated: prepared.is_animated,
            phash: prepared.phash,
            quality_score: prepared.quality_score,
            facts: prepared.facts,
            processing_ms: prepared.took_ms,
            processing: if prepared.rendered {
                Processing::Completed
            } else {
                Processing::Pending
            },
            created_at: taken.unwrap_or_else(|| self.now()),
            project: meta.project,
            inputs: meta.inputs,
            nsfw: meta.nsfw,
            category: meta.category,
            expires_at: meta.expires_at,
            link: meta.link,
        };
        let quota = self.limits.quotas.limit_for(who.user.plan);
        let inserted = match self.items.insert_item(new_item, blob, quota).await {
            Ok(inserted) => inserted,
            Err(err) => {
                self.discard_variants(&prepared.variants).await;
                return Err(err);
            }
        };
        for redundant in &inserted.redundant_blob_keys {
            self.discard_key(redundant).await;
        }
        Ok(inserted.item)
    }

    /// Removes the bytes of an upload that will not become an item.
    #[tracing::instrument(skip_all)]
    pub async fn discard(&self, staged: StagedUpload) {
        self.discard_key(&staged.blob.key).await;
    }

    async fn discard_key(&self, key: &str) {
        if let Err(err) = self.blobs.delete(key).await {
            // Not fatal: the orphan sweeper removes objects no row references.
            tracing::warn!(%key, error = %err, "could not delete an unreferenced blob");
        }
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// One of the caller's items.
    pub async fn item(&self, who: &Principal, id: &ItemId) -> Result<Item> {
        who.require(Scope::MediaRead)?;
        unexpired(self.items.item(&who.user.id, id).await?, self.now())
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// A page of the caller's items.
    pub async fn list(&self, who: &Principal, query: &ItemQuery) -> Result<Page<Item>> {
        who.require(Scope::MediaRead)?;
        self.items.list_items(&who.user.id, query, self.now()).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Changes an item; its tags, folder and project are checked first.
    pub async fn update(&self, who: &Principal, id: &ItemId, mut patch: ItemPatch) -> Result<Item> {
        who.require(Scope::MediaWrite)?;
        if let Some(tags) = patch.tags.take() {
            patch.tags = Some(normalize_tags(tags)?);
        }
        patch.title = patch
            .title
            .map(|t| clean_text(t, "title", 1000))
            .transpose()?;
        patch.description = patch
            .description
            .map(|t| clean_text(t, "description", 10_000))
            .transpose()?;
        patch.model = patch
            .model
            .map(|t| clean_text(t, "model", 200))
            .transpose()?;
        patch.alt_text = patch
            .alt_text
            .map(|t| clean_text(t, "alt_text", 1000))
            .transpose()?;
        self.items
            .update_item(&who.user.id, id, patch, self.now())
            .await
    }

    /// Moves an item to the trash; its bytes stay until the trash is purged.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn trash(&self, who: &Principal, id: &ItemId) -> Result<Item> {
        who.require(Scope::MediaDelete)?;
        self.items.trash_item(&who.user.id, id, self.now()).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Brings an item back from the trash.
    pub async fn restore(&self, who: &Principal, id: &ItemId) -> Result<Item> {
        who.require(Scope::MediaDelete)?;
        self.items.restore_item(&who.user.id, id, self.now()).await
    }

    /// Moves many items to the trash, or none when any is not the caller's.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn trash_many(&self, who: &Principal, ids: &[ItemId]) -> Result<usize> {
        who.require(Scope::MediaDelete)?;
        check_bulk(ids)?;
        self.items.trash_items(&who.user.id, ids, self.now()).await
    }

    /// The caller's items to pack into one archive, in the order asked; none when any is
    /// not theirs.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn many(&self, who: &Principal, ids: &[ItemId]) -> Result<Vec<Item>> {
        who.require(Scope::MediaRead)?;
        check_bulk(ids)?;
        let now = self.now();
        let items = self.items.items_by_ids(&who.user.id, ids).await?;
        items.into_iter().map(|item| unexpired(item, now)).collect()
    }

    /// Adds tags to many items, or to none when any is not the caller's.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn tag_many(&self, who: &Principal, ids: &[ItemId], tags: &[String]) -> Result<()> {
        who.require(Scope::MediaWrite)?;
        check_bulk(ids)?;
        let tags = normalize_tags(tags)?;
        if tags.is_empty() {
            return Err(DomainError::invalid_field("tags", "at least one tag"));
        }
        self.items.add_tags(&who.user.id, ids, &tags).await
    }

    /// Moves many items into a folder (`None`: the root), or none when any is not the caller's.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn move_many(
        &self,
        who: &Principal,
        ids: &[ItemId],
        folder: Option<&FolderId>,
    ) -> Result<()> {
        who.require(Scope::MediaWrite)?;
        check_bulk(ids)?;
        self.items
            .move_items(&who.user.id, ids, folder, self.now())
            .await
    }

    /// Purges everything in the caller's trash now; returns how many items went.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn empty_trash(&self, who: &Principal) -> Result<usize> {
        who.require(Scope::MediaDelete)?;
        let ids = self.items.trashed_ids(&who.user.id).await?;
        let mut purged = 0;
        for id in &ids {
            // Gone already (another request emptied the trash) or restored meanwhile.
            match self.purge_owned(&who.user.id, id, true).await {
                Ok(()) => purged += 1,
                Err(DomainError::NotFound(_)) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(purged)
    }

    /// Purges items of every user that were trashed before `cutoff`, in batches; the
    /// periodic trash job calls this. Several instances may run it at once: an item another
    /// instance purged first is simply skipped.
    #[tracing::instrument(skip_all)]
    pub async fn purge_trashed_before(&self, cutoff: chrono::NaiveDateTime) -> Result<usize> {
        let mut purged = 0;
        loop {
            let batch = self.items.trashed_before(cutoff, 500).await?;
            if batch.is_empty() {
                return Ok(purged);
            }
            for (owner, id) in &batch {
                match self.purge_owned(owner, id, true).await {
                    Ok(()) => purged += 1,
                    Err(DomainError::NotFound(_)) => {}
                    Err(err) => return Err(err),
                }
            }
        }
    }

    /// Deletes for good every item whose expiry has passed (spec 5's `expiration`), in
    /// batches; every serving process runs it often. An item another instance purged
    /// first is skipped, so instances share the work without deleting anything twice.
    #[tracing::instrument(skip_all)]
    pub async fn purge_expired(&self) -> Result<usize> {
        let mut purged = 0;
        loop {
            let batch = self.items.expired_before(self.now(), 500).await?;
            if batch.is_empty() {
                return Ok(purged);
            }
            let mut progress = false;
            for (owner, id) in &batch {
                match self.purge_owned(owner, id, false).await {
                    Ok(()) => {
                        purged += 1;
                        progress = true;
                    }
                    Err(DomainError::NotFound(_)) => {}
                    Err(err) => return Err(err),
                }
            }
            if !progress {
                // Everything in the batch went to another instance meanwhile.
                return Ok(purged);
            }
        }
    }

    /// The cutoff of the trash retention: items trashed before it are due for purging.
    pub fn trash_cutoff(&self) -> chrono::NaiveDateTime {
        self.now() - chrono::Duration::days(i64::from(self.limits.trash_retention_days))
    }

    async fn purge_owned(
        &self,
        owner: &crate::UserId,
        id: &ItemId,
        only_if_trashed: bool,
    ) -> Result<()> {
        for key in self.items.purge_item(owner, id, only_if_trashed).await? {
            self.discard_key(&key).await;
        }
        Ok(())
    }

    /// Deletes an item for good. Its bytes go only when no other item shares them; the
    /// object is removed after the rows, so a failure can only leave an orphan for the
    /// sweeper, never a row without bytes.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn purge(&self, who: &Principal, id: &ItemId) -> Result<()> {
        who.require(Scope::MediaDelete)?;
        self.purge_owned(&who.user.id, id, false).await
    }

    /// The SHA-256 of the originals `who` has (trash included): what an import skips.
    pub async fn content_hashes(
        &self,
        who: &Principal,
    ) -> Result<std::collections::HashSet<String>> {
        who.require(Scope::MediaRead)?;
        Ok(self
            .items
            .content_hashes(&who.user.id)
            .await?
            .into_iter()
            .collect())
    }

    /// Deletes an item in the trash for good (the dashboard's "Delete for good"); an item
    /// that is not in the trash is not found here.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn purge_from_trash(&self, who: &Principal, id: &ItemId) -> Result<()> {
        who.require(Scope::MediaDelete)?;
        self.purge_owned(&who.user.id, id, true).await
    }

    /// Stored bytes (an original or a variant), whole or the `range` of them. The caller
    /// has already decided that whoever asks may see them.
    #[tracing::instrument(skip_all)]
    pub async fn open_blob(
        &self,
        key: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<ByteStream> {
        match range {
            Some(range) => self.blobs.open_range(key, range).await,
            None => self.blobs.open(key).await,
        }
    }

    /// The whole original in memory, for rewriting it; refused above `max_render_bytes`.
    #[tracing::instrument(skip_all)]
    pub async fn original_in_memory(&self, item: &Item) -> Result<Vec<u8>> {
        let max = self.limits.max_render_bytes;
        if item.size as u64 > max {
            return Err(DomainError::TooLarge(format!(
                "the file is over the {max} bytes that can be processed on request"
            )));
        }
        self.read_whole(&item.blob_key, item.size).await
    }

    /// A blob of `size` bytes read into memory.
    async fn read_whole(&self, key: &str, size: i64) -> Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or_default());
        let mut stream = self.blobs.open(key).await?;
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk?);
        }
        Ok(bytes)
    }

    /// Serves a signed URL of `variant` (`original` or a variant's name): the caller has
    /// already checked the signature. A trashed or expired item is gone for its links
    /// too, whatever their expiry.
    #[tracing::instrument(skip_all)]
    pub async fn media_signed(&self, id: &ItemId, variant: &str) -> Result<MediaFile> {
        let variant = (variant != "original").then_some(variant);
        let file = self.items.media_file(id, variant).await?;
        if file.status == crate::item::ItemStatus::Trash || file.expired_at(self.now()) {
            return Err(DomainError::NotFound("item"));
        }
        Ok(file)
    }

    /// Serves a public link (spec 5): the item whose code it carries while it is public,
    /// active and not expired; anything else is not found, whatever the reason.
    #[tracing::instrument(skip_all)]
    pub async fn item_by_link(&self, code: &str) -> Result<Item> {
        let gone = DomainError::NotFound("item");
        if !crate::public_links::is_code(code) {
            return Err(gone);
        }
        let id = self.items.item_by_link(code).await?.ok_or(gone.clone())?;
        let item = self.items.item_unscoped(&id).await?;
        let live = item.status == crate::item::ItemStatus::Active
            && !item.expired_at(self.now())
            && item.link.as_ref().is_some_and(|link| link.code == code);
        if !live {
            return Err(gone);
        }
        Ok(item)
    }

    /// The viewer page of a public item was shown: counted in one statement, so views at
    /// once all count.
    pub async fn count_view(&self, code: &str) -> Result<()> {
        self.items.count_link_view(code).await
    }

    /// Spec 5's `delete_url`, confirmed: the item whose link is `code` is deleted for good
    /// when `token` is its delete token. A wrong token is as not found as a wrong code.
    #[tracing::instrument(skip_all)]
    pub async fn delete_by_link(&self, code: &str, token: &str) -> Result<()> {
        let item = self.item_by_link(code).await?;
        let hash = crate::public_links::delete_token_hash(token);
        let matches = item
            .link
            .as_ref()
            .and_then(|link| link.delete_token_hash.as_deref())
            .is_some_and(|stored| stored == hash);
        if !matches {
            return Err(DomainError::NotFound("item"));
        }
        self.purge_owned(&item.owner, &item.id, false).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// What the caller stores, and may.
    pub async fn storage(&self, who: &Principal) -> Result<StorageUsage> {
        who.require(Scope::MediaRead)?;
        Ok(StorageUsage {
            used: self.items.bytes_used(&who.user.id).await?,
            limit: self.limits.quotas.limit_for(who.user.plan),
        })
    }
}

/// Keeps the last path segment and drops control characters: browsers and old clients
/// send full paths, and the name later lands in headers and ZIP entries.
/// When the photo says it was taken (`YYYY:MM:DD HH:MM:SS`, as cameras write it).
fn taken_at(facts: &crate::item::PhotoFacts) -> Option<chrono::NaiveDateTime> {
    let text = facts.taken_at.as_deref()?.trim();
    chrono::NaiveDateTime::parse_from_str(text, "%Y:%m:%d %H:%M:%S").ok()
}

/// A file name as it is kept: its last path segment, without control characters or
/// leading dots, at most 255 characters.
pub fn clean_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    trimmed.chars().take(255).collect()
}

fn clean_text(raw: Option<String>, field: &str, max_chars: usize) -> Result<Option<String>> {
    let Some(text) = raw else { return Ok(None) };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max_chars {
        return Err(DomainError::invalid_field(
            field,
            format!("at most {max_chars} characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_paths_and_control_characters() {
        assert_eq!(clean_filename("C:\\Users\\me\\cat.jpg"), "cat.jpg");
        assert_eq!(clean_filename("../../etc/pa\u{0}sswd"), "passwd");
        assert_eq!(clean_filename("..hidden.png"), "hidden.png");
    }
}
