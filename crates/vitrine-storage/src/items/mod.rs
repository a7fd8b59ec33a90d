//! Items and their blobs; their tags are in `item_tags`.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::item::{
    Inserted, Item, ItemPatch, ItemQuery, ItemStatus, MediaFile, NewItem, Page, StoredBlob,
};
use vitrine_domain::ports::ItemRepository;
use vitrine_domain::{DomainError, FolderId, ItemId, Result, UserId};

use crate::blob_refs::{reference_blob, referenced_object_keys, release_blob};
use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::item_tags::{attach_tags, set_tags};
use crate::schema::{blobs, folders, items, users};
use crate::Db;

mod links;
mod media_file;
mod one;
mod row;

use one::load_item;
pub(crate) use one::{whole_item, ItemArrays};
pub(crate) use row::{ItemRow, BLOB_COLUMNS};

#[derive(AsChangeset)]
#[diesel(table_name = items)]
struct ItemChanges {
    title: Option<Option<String>>,
    description: Option<Option<String>>,
    model: Option<Option<String>>,
    alt_text: Option<Option<String>>,
    favorite: Option<bool>,
    folder_id: Option<Option<String>>,
    updated_at: NaiveDateTime,
}

/// Fails with `Missing`, naming them, unless every ID is one of the owner's items.
pub(crate) fn require_owned(conn: &mut AnyConnection, owner: &str, ids: &[ItemId]) -> Result<()> {
    let wanted: Vec<&str> = ids.iter().map(ItemId::as_str).collect();
    let found: std::collections::HashSet<String> = items::table
        .filter(items::user_id.eq(owner))
        .filter(items::id.eq_any(&wanted))
        .select(items::id)
        .load::<String>(conn)
        .map_err(query_err)?
        .into_iter()
        .collect();
    let mut missing: Vec<String> = wanted
        .iter()
        .filter(|id| !found.contains(**id))
        .map(|id| (*id).to_owned())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    missing.dedup();
    Err(DomainError::Missing {
        what: "items",
        ids: missing,
    })
}

/// Fails with 404 unless the folder is the owner's; `None` (the root) always is.
fn require_folder(conn: &mut AnyConnection, owner: &str, folder: Option<&str>) -> Result<()> {
    let Some(folder) = folder else { return Ok(()) };
    folders::table
        .filter(folders::id.eq(folder))
        .filter(folders::user_id.eq(owner))
        .select(folders::id)
        .first::<String>(conn)
        .optional()
        .map_err(query_err)?
        .map(drop)
        .ok_or(DomainError::NotFound("folder"))
}

/// Moves the owner's active items among `ids` to the trash; returns how many moved.
fn trash(
    conn: &mut AnyConnection,
    owner: &str,
    ids: &[ItemId],
    at: NaiveDateTime,
) -> Result<usize> {
    let ids: Vec<&str> = ids.iter().map(ItemId::as_str).collect();
    diesel::update(
        items::table
            .filter(items::user_id.eq(owner))
            .filter(items::id.eq_any(&ids))
            .filter(items::status.eq(ItemStatus::Active.as_str())),
    )
    .set((
        items::status.eq(ItemStatus::Trash.as_str()),
        items::trashed_at.eq(Some(at)),
        items::updated_at.eq(at),
    ))
    .execute(conn)
    .map_err(query_err)
}

/// Adds `size` bytes to the user's usage unless that would pass `quota`.
fn reserve_quota(
    conn: &mut AnyConnection,
    owner: &str,
    size: i64,
    quota: Option<i64>,
) -> Result<()> {
    let target = users::table.filter(users::id.eq(owner));
    let grown = users::bytes_used.eq(users::bytes_used + size);
    let reserved = match quota {
        Some(limit) => diesel::update(target.filter(users::bytes_used.le(limit - size)))
            .set(grown)
            .execute(conn),
        None => diesel::update(target).set(grown).execute(conn),
    }
    .map_err(query_err)?;
    if reserved == 1 {
        return Ok(());
    }
    let used: i64 = users::table
        .find(owner)
        .select(users::bytes_used)
        .first(conn)
        .optional()
        .map_err(query_err)?
        .ok_or(DomainError::NotFound("user"))?;
    Err(DomainError::TooLarge(format!(
        "storage quota exceeded: {used} of {} bytes used, this file needs {size} more",
        quota.unwrap_or_default()
    )))
}

#[async_trait]
impl ItemRepository for Db {
    async fn insert_item(
        &self,
        item: NewItem,
        blob: StoredBlob,
        quota: Option<i64>,
    ) -> Result<Inserted> {
        self.write(move |conn| {
            let owner = item.owner.to_string();
            // The quota counts the original and every variant, reserved together.
            let variant_bytes: i64 = item.variants.iter().map(|v| v.blob.size).sum();
            reserve_quota(conn, &owner, blob.size + variant_bytes, quota)?;
            let (blob_id, object_key) = reference_blob(conn, &blob, item.created_at)?;
            let mut redundant_blob_keys: Vec<String> = (object_key != blob.key)
                .then(|| blob.key.clone())
                .into_iter()
                .collect();
            let row = ItemRow {
                id: item.id.to_string(),
                user_id: owner.clone(),
                blob_id,
                kind: item.kind.to_string(),
                mime: item.mime,
                size: blob.size,
                width: item.width,
                height: item.height,
                title: item.title,
                model: item.model,
                description: item.description,
                original_filename: item.original_filename,
                favorite: false,
                status: ItemStatus::Active.to_string(),
                processing: item.processing.to_string(),
                created_at: item.created_at,
                updated_at: item.created_at,
                trashed_at: None,
                folder_id: None,
                placeholder: item.placeholder,
                duration_secs: None,
                codec: None,
                is_animated: item.is_animated,
                phash: item.phash,
                taken_at: item.facts.taken_at,
                camera: item.facts.camera,
                is_360: item.facts.is_360,
                alt_text: None,
                quality_score: item.quality_score,
                // Set with its place, below.
                project_id: None,
                feedback: None,
                processing_ms: item.processing_ms,
                nsfw: item.nsfw,
                category_id: item.category,
                expires_at: item.expires_at,
                link_code: item.link.as_ref().map(|l| l.code.clone()),
                link_views: 0,
                delete_token_hash: item.link.map(|l| l.delete_token_hash),
            };
            diesel::insert_into(items::table)
                .values(&row)
                .execute(conn)
                .map_err(query_err)?;
            set_tags(conn, &owner, &row.id, &item.tags)?;
            if let Some(change) = &item.project {
                crate::projects::placement::place(conn, &row.id, change)?;
            }
            if !item.inputs.is_empty() {
                crate::projects::placement::set_inputs(conn, &row.id, &item.inputs)?;
            }
            if item.processing == vitrine_domain::item::Processing::Pending {
                crate::jobs::insert_job(
                    conn,
                    &row.id,
                    vitrine_domain::library::jobs::FRESH,
                    item.created_at,
                )?;
            }
            redundant_blob_keys.extend(crate::variants::insert_variants(
                conn,
                &row.id,
                &item.variants,
                item.created_at,
            )?);
            let item = load_item(conn, Some(&owner), &row.id)?;
            Ok(Inserted {
                item,
                redundant_blob_keys,
            })
        })
        .await
    }

    async fn item(&self, owner: &UserId, id: &ItemId) -> Result<Item> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.look_up(move |conn| load_item(conn, Some(&owner), &id))
            .await
    }

    async fn item_unscoped(&self, id: &ItemId) -> Result<Item> {
        let id = id.to_string();
        self.run(move |conn| load_item(conn, None, &id)).await
    }

    async fn media_file(&self, id: &ItemId, variant: Option<&str>) -> Result<MediaFile> {
        let (id, variant) = (id.to_string(), variant.map(str::to_owned));
        self.look_up(move |conn| media_file::media_file(conn, &id, variant.as_deref()))
            .await
    }

    async fn item_by_link(&self, code: &str) -> Result<Option<ItemId>> {
        let code = code.to_owned();
        self.run(move |conn| links::item_by_link(conn, &code)).await
    }

    async fn count_link_view(&self, code: &str) -> Result<()> {
        let code = code.to_owned();
        self.run(move |conn| links::count_view(conn, &code)).await
    }

    async fn list_items(
        &self,
        owner: &UserId,
        query: &ItemQuery,
        now: NaiveDateTime,
    ) -> Result<Page<Item>> {
        let (owner, query) = (owner.to_string(), query.clone());
        self.run(move |conn| match conn {
            AnyConnection::Pg(_) => crate::listing::with_custom_plans(conn, |c| {
                crate::listing::list_items(c, &owner, &query, now)
            }),
            AnyConnection::Sqlite(_) => crate::listing::list_items(conn, &owner, &query, now),
        })
        .await
    }

    async fn items_by_ids(&self, owner: &UserId, ids: &[ItemId]) -> Result<Vec<Item>> {
        let (owner, ids) = (owner.to_string(), ids.to_vec());
        self.run(move |conn| {
            require_owned(conn, &owner, &ids)?;
            let ids: Vec<String> = ids.iter().map(ItemId::to_string).collect();
            crate::listing::items_by_ids(conn, &ids)
        })
        .await
    }

    async fn update_item(
        &self,
        owner: &UserId,
        id: &ItemId,
        patch: ItemPatch,
        at: NaiveDateTime,
    ) -> Result<Item> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.write(move |conn| {
            load_item(conn, Some(&owner), &id)?;
            let folder_id = patch.folder.map(|f| f.map(|f| f.to_string()));
            if let Some(folder) = &folder_id {
                require_folder(conn, &owner, folder.as_deref())?;
            }
            let changes = ItemChanges {
                title: patch.title,
                description: patch.description,
                model: patch.model,
                alt_text: patch.alt_text,
                favorite: patch.favorite,
                folder_id,
                updated_at: at,
            };
            diesel::update(items::table.filter(items::id.eq(&id)))
                .set(&changes)
                .execute(conn)
                .map_err(query_err)?;
            match patch.public {
                // A new code only for an item without one: its links stay as they were.
                Some(true) => diesel::update(
                    items::table
                        .filter(items::id.eq(&id))
                        .filter(items::link_code.is_null()),
                )
                .set((
                    items::link_code.eq(vitrine_domain::public_links::new_code()),
                    items::link_views.eq(0),
                ))
                .execute(conn),
                Some(false) => diesel::update(items::table.filter(items::id.eq(&id)))
                    .set((
                        items::link_code.eq(None::<String>),
                        items::delete_token_hash.eq(None::<String>),
                    ))
                    .execute(conn),
                None => Ok(0),
            }
            .map_err(query_err)?;
            if let Some(names) = &patch.tags {
                set_tags(conn, &owner, &id, names)?;
            }
            if let Some(change) = &patch.project {
                crate::projects::placement::place(conn, &id, change)?;
            }
            if let Some(inputs) = &patch.inputs {
                crate::projects::placement::set_inputs(conn, &id, inputs)?;
            }
            load_item(conn, Some(&owner), &id)
        })
        .await
    }

    async fn trash_item(&self, owner: &UserId, id: &ItemId, at: NaiveDateTime) -> Result<Item> {
        let (owner, id) = (owner.to_string(), id.clone());
        self.write(move |conn| {
            load_item(conn, Some(&owner), id.as_str())?;
            trash(conn, &owner, std::slice::from_ref(&id), at)?;
            load_item(conn, Some(&owner), id.as_str())
        })
        .await
    }

    async fn restore_item(&self, owner: &UserId, id: &ItemId, at: NaiveDateTime) -> Result<Item> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.write(move |conn| {
            let item = load_item(conn, Some(&owner), &id)?;
            if item.status == ItemStatus::Active {
                return Ok(item);
            }
            // The folder it was in may have gone meanwhile (ON DELETE SET NULL then put
            // it in the root), so restoring never needs a folder check.
            diesel::update(items::table.find(&id))
                .set((
                    items::status.eq(ItemStatus::Active.as_str()),
                    items::trashed_at.eq(None::<NaiveDateTime>),
                    items::updated_at.eq(at),
                ))
                .execute(conn)
                .map_err(query_err)?;
            load_item(conn, Some(&owner), &id)
        })
        .await
    }

    async fn trash_items(
        &self,
        owner: &UserId,
        ids: &[ItemId],
        at: NaiveDateTime,
    ) -> Result<usize> {
        let (owner, ids) = (owner.to_string(), ids.to_vec());
        self.write(move |conn| {
            require_owned(conn, &owner, &ids)?;
            trash(conn, &owner, &ids, at)
        })
        .await
    }

    async fn add_tags(&self, owner: &UserId, ids: &[ItemId], tags: &[String]) -> Result<()> {
        let (owner, ids, tags) = (owner.to_string(), ids.to_vec(), tags.to_vec());
        self.write(move |conn| {
            require_owned(conn, &owner, &ids)?;
            // In one order: on PostgreSQL each item's tag change locks the item (to keep
            // its links' tag sets whole), and two bulk changes taking items in opposite
            // orders would deadlock.
            let mut in_order: Vec<&ItemId> = ids.iter().collect();
            in_order.sort();
            in_order.dedup();
            for id in in_order {
                attach_tags(conn, &owner, id.as_str(), &tags)?;
            }
            Ok(())
        })
        .await
    }

    async fn move_items(
        &self,
        owner: &UserId,
        ids: &[ItemId],
        folder: Option<&FolderId>,
        at: NaiveDateTime,
    ) -> Result<()> {
        let (owner, ids) = (owner.to_string(), ids.to_vec());
        let folder = folder.map(ToString::to_string);
        self.write(move |conn| {
            require_owned(conn, &owner, &ids)?;
            require_folder(conn, &owner, folder.as_deref())?;
            let raw: Vec<&str> = ids.iter().map(ItemId::as_str).collect();
            diesel::update(
                items::table
                    .filter(items::user_id.eq(&owner))
                    .filter(items::id.eq_any(&raw)),
            )
            .set((items::folder_id.eq(&folder), items::updated_at.eq(at)))
            .execute(conn)
            .map_err(query_err)?;
            Ok(())
        })
        .await
    }

    async fn trashed_ids(&self, owner: &UserId) -> Result<Vec<ItemId>> {
        let owner = owner.to_string();
        self.run(move |conn| {
            let ids: Vec<String> = items::table
                .filter(items::user_id.eq(&owner))
                .filter(items::status.eq(ItemStatus::Trash.as_str()))
                .select(items::id)
                .load(conn)
                .map_err(query_err)?;
            Ok(ids.into_iter().map(ItemId::from).collect())
        })
        .await
    }

    async fn expired_before(
        &self,
        now: NaiveDateTime,
        limit: i64,
    ) -> Result<Vec<(UserId, ItemId)>> {
        self.run(move |conn| links::expired_before(conn, now, limit))
            .await
    }

    async fn trashed_before(
        &self,
        cutoff: NaiveDateTime,
        limit: i64,
    ) -> Result<Vec<(UserId, ItemId)>> {
        self.run(move |conn| {
            let rows: Vec<(String, String)> = items::table
                .filter(items::status.eq(ItemStatus::Trash.as_str()))
                .filter(items::trashed_at.lt(cutoff))
                .order(items::trashed_at)
                .limit(limit)
                .select((items::user_id, items::id))
                .load(conn)
                .map_err(query_err)?;
            Ok(links::owners_and_ids(rows))
        })
        .await
    }

    async fn referenced_object_keys(&self, keys: Vec<String>) -> Result<Vec<String>> {
        self.run(move |conn| referenced_object_keys(conn, &keys))
            .await
    }

    async fn purge_item(
        &self,
        owner: &UserId,
        id: &ItemId,
        only_if_trashed: bool,
    ) -> Result<Vec<String>> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.write(move |conn| {
            // Locked first: a second purge of the same item waits here, then finds it
            // gone, instead of releasing its variants and blob a second time.
            let found = items::table
                .filter(items::id.eq(&id))
                .filter(items::user_id.eq(&owner))
                .select((items::blob_id, items::size, items::status));
            let found: Option<(String, i64, String)> = match conn {
                AnyConnection::Pg(pg) => found.for_update().first(pg).optional(),
                AnyConnection::Sqlite(sqlite) => found.first(sqlite).optional(),
            }
            .map_err(query_err)?;
            let (blob_id, size) = match found {
                Some((blob_id, size, status))
                    if !only_if_trashed || status == ItemStatus::Trash.as_str() =>
                {
                    (blob_id, size)
                }
                _ => return Err(DomainError::NotFound("item")),
            };
            let (variant_bytes, mut freed) = crate::variants::release_variants(conn, &id)?;
            diesel::delete(items::table.find(&id))
                .execute(conn)
                .map_err(query_err)?;
            diesel::update(users::table.find(&owner))
                .set(users::bytes_used.eq(users::bytes_used - size - variant_bytes))
                .execute(conn)
                .map_err(query_err)?;
            freed.extend(release_blob(conn, &blob_id)?);
            Ok(freed)
        })
        .await
    }

    async fn perceptual_hashes(&self, owner: &UserId) -> Result<Vec<(ItemId, String)>> {
        let owner = owner.to_string();
        self.run(move |conn| {
            let rows: Vec<(String, Option<String>)> = items::table
                .filter(items::user_id.eq(owner))
                .filter(items::status.eq(ItemStatus::Active.as_str()))
                .filter(items::phash.is_not_null())
                .select((items::id, items::phash))
                .load(conn)
                .map_err(query_err)?;
            Ok(rows
                .into_iter()
                .filter_map(|(id, hash)| Some((ItemId::from(id), hash?)))
                .collect())
        })
        .await
    }

    async fn bytes_used(&self, owner: &UserId) -> Result<i64> {
        let owner = owner.to_string();
        self.run(move |conn| {
            users::table
                .find(owner)
                .select(users::bytes_used)
                .first(conn)
                .map_err(query_err)
        })
        .await
    }

    async fn content_hashes(&self, owner: &UserId) -> Result<Vec<String>> {
        let owner = owner.to_string();
        self.run(move |conn| {
            items::table
                .inner_join(blobs::table)
                .filter(items::user_id.eq(owner))
                .select(blobs::sha256)
                .distinct()
                .load(conn)
                .map_err(query_err)
        })
        .await
    }
}
