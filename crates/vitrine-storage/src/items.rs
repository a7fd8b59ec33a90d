//! Items, their blobs and tags.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::item::{
    Inserted, Item, ItemPatch, ItemQuery, ItemStatus, NewItem, Page, StoredBlob,
};
use vitrine_domain::library::now;
use vitrine_domain::ports::ItemRepository;
use vitrine_domain::tags::tag_key;
use vitrine_domain::{BlobId, DomainError, ItemId, Result, UserId};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{blobs, item_tags, items, tags, users};
use crate::Db;

type DbBackend = <AnyConnection as diesel::Connection>::Backend;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>);

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = items)]
pub(crate) struct ItemRow {
    id: String,
    user_id: String,
    blob_id: String,
    kind: String,
    mime: String,
    size: i64,
    width: Option<i32>,
    height: Option<i32>,
    title: Option<String>,
    model: Option<String>,
    description: Option<String>,
    original_filename: String,
    favorite: bool,
    status: String,
    processing: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    trashed_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = blobs)]
pub(crate) struct BlobRow {
    id: String,
    sha256: String,
    md5: String,
    size: i64,
    object_key: String,
    ref_count: i64,
    created_at: NaiveDateTime,
}

/// The blob columns an item needs: hashes and where its bytes are.
type BlobColumns = (blobs::sha256, blobs::md5, blobs::object_key);
const BLOB_COLUMNS: BlobColumns = (blobs::sha256, blobs::md5, blobs::object_key);

#[derive(AsChangeset)]
#[diesel(table_name = items)]
struct ItemChanges {
    title: Option<Option<String>>,
    description: Option<Option<String>>,
    model: Option<Option<String>>,
    favorite: Option<bool>,
    updated_at: NaiveDateTime,
}

fn to_item(row: ItemRow, blob: (String, String, String), tags: Vec<String>) -> Result<Item> {
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
        favorite: row.favorite,
        status: row.status.parse()?,
        processing: row.processing.parse()?,
        sha256,
        md5,
        tags,
        created_at: row.created_at,
        updated_at: row.updated_at,
        trashed_at: row.trashed_at,
    })
}

fn tags_of(conn: &mut AnyConnection, item_id: &str) -> Result<Vec<String>> {
    item_tags::table
        .inner_join(tags::table)
        .filter(item_tags::item_id.eq(item_id))
        .order(tags::name_key)
        .select(tags::name)
        .load(conn)
        .map_err(query_err)
}

/// Loads one item; `owner` limits it to that user's items (another's answers 404).
fn load_item(conn: &mut AnyConnection, owner: Option<&str>, id: &str) -> Result<Item> {
    let mut query = items::table
        .inner_join(blobs::table)
        .filter(items::id.eq(id))
        .select((ItemRow::as_select(), BLOB_COLUMNS))
        .into_boxed::<DbBackend>();
    if let Some(owner) = owner {
        query = query.filter(items::user_id.eq(owner));
    }
    let (row, blob) = query
        .first::<(ItemRow, (String, String, String))>(conn)
        .optional()
        .map_err(query_err)?
        .ok_or(DomainError::NotFound("item"))?;
    let tags = tags_of(conn, id)?;
    to_item(row, blob, tags)
}

/// Replaces an item's tags, creating the user's tags that do not exist yet.
fn set_tags(conn: &mut AnyConnection, owner: &str, item_id: &str, names: &[String]) -> Result<()> {
    diesel::delete(item_tags::table.filter(item_tags::item_id.eq(item_id)))
        .execute(conn)
        .map_err(query_err)?;
    for name in names {
        let row = (
            tags::id.eq(vitrine_domain::ids::TagId::generate().to_string()),
            tags::user_id.eq(owner),
            tags::name.eq(name),
            tags::name_key.eq(tag_key(name)),
        );
        // A get-or-create by select-then-insert races on PostgreSQL; the upsert does not.
        match conn {
            AnyConnection::Pg(c) => diesel::insert_into(tags::table)
                .values(row)
                .on_conflict((tags::user_id, tags::name_key))
                .do_nothing()
                .execute(c),
            AnyConnection::Sqlite(c) => diesel::insert_into(tags::table)
                .values(row)
                .on_conflict((tags::user_id, tags::name_key))
                .do_nothing()
                .execute(c),
        }
        .map_err(query_err)?;
        let tag_id: String = tags::table
            .filter(tags::user_id.eq(owner))
            .filter(tags::name_key.eq(tag_key(name)))
            .select(tags::id)
            .first(conn)
            .map_err(query_err)?;
        diesel::insert_into(item_tags::table)
            .values((item_tags::item_id.eq(item_id), item_tags::tag_id.eq(tag_id)))
            .execute(conn)
            .map_err(query_err)?;
    }
    Ok(())
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

/// References the blob with these bytes, recording it when it is new.
/// Returns the row's (id, object key): an existing copy wins over the one just written.
fn reference_blob(conn: &mut AnyConnection, blob: &StoredBlob) -> Result<(String, String)> {
    let row = BlobRow {
        id: blob.id.to_string(),
        sha256: blob.sha256.clone(),
        md5: blob.md5.clone(),
        size: blob.size,
        object_key: blob.key.clone(),
        ref_count: 1,
        created_at: now(),
    };
    let bump = blobs::ref_count.eq(blobs::ref_count + 1);
    let returned = (blobs::id, blobs::object_key);
    // ON CONFLICT is spelled the same on both backends but is not available on the
    // multi-connection itself, so each backend runs it on its own connection type.
    match conn {
        AnyConnection::Pg(c) => diesel::insert_into(blobs::table)
            .values(&row)
            .on_conflict(blobs::sha256)
            .do_update()
            .set(bump)
            .returning(returned)
            .get_result(c),
        AnyConnection::Sqlite(c) => diesel::insert_into(blobs::table)
            .values(&row)
            .on_conflict(blobs::sha256)
            .do_update()
            .set(bump)
            .returning(returned)
            .get_result(c),
    }
    .map_err(query_err)
}

/// Drops one reference to a blob; when it was the last, deletes the row and returns the
/// object key so the caller can delete the bytes.
fn release_blob(conn: &mut AnyConnection, blob_id: &str) -> Result<Option<String>> {
    diesel::update(blobs::table.find(blob_id))
        .set(blobs::ref_count.eq(blobs::ref_count - 1))
        .execute(conn)
        .map_err(query_err)?;
    let (count, key): (i64, String) = blobs::table
        .find(blob_id)
        .select((blobs::ref_count, blobs::object_key))
        .first(conn)
        .map_err(query_err)?;
    if count > 0 {
        return Ok(None);
    }
    diesel::delete(blobs::table.find(blob_id))
        .execute(conn)
        .map_err(query_err)?;
    Ok(Some(key))
}

fn filtered<'a>(owner: &'a str, query: &'a ItemQuery) -> items::BoxedQuery<'a, DbBackend> {
    let mut q = items::table.filter(items::user_id.eq(owner)).into_boxed();
    if let Some(status) = query.status {
        q = q.filter(items::status.eq(status.as_str()));
    }
    if let Some(kind) = query.kind {
        q = q.filter(items::kind.eq(kind.as_str()));
    }
    for key in &query.tags {
        let tagged = item_tags::table
            .inner_join(tags::table)
            .filter(tags::user_id.eq(owner))
            .filter(tags::name_key.eq(key))
            .select(item_tags::item_id);
        q = q.filter(items::id.eq_any(tagged));
    }
    if let Some(search) = &query.search {
        for word in search.split_whitespace() {
            let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
            q = q.filter(
                lower(items::title.nullable())
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(items::description).like(pattern.clone()).escape('\\'))
                    .or(lower(items::original_filename.nullable())
                        .like(pattern)
                        .escape('\\')),
            );
        }
    }
    q
}

fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
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
            reserve_quota(conn, &owner, blob.size, quota)?;
            let (blob_id, object_key) = reference_blob(conn, &blob)?;
            let redundant_blob_key = (object_key != blob.key).then(|| blob.key.clone());
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
                processing: vitrine_domain::item::Processing::Completed.to_string(),
                created_at: item.created_at,
                updated_at: item.created_at,
                trashed_at: None,
            };
            diesel::insert_into(items::table)
                .values(&row)
                .execute(conn)
                .map_err(query_err)?;
            set_tags(conn, &owner, &row.id, &item.tags)?;
            let item = load_item(conn, Some(&owner), &row.id)?;
            Ok(Inserted {
                item,
                redundant_blob_key,
            })
        })
        .await
    }

    async fn item(&self, owner: &UserId, id: &ItemId) -> Result<Item> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.run(move |conn| load_item(conn, Some(&owner), &id))
            .await
    }

    async fn item_unscoped(&self, id: &ItemId) -> Result<Item> {
        let id = id.to_string();
        self.run(move |conn| load_item(conn, None, &id)).await
    }

    async fn list_items(&self, owner: &UserId, query: &ItemQuery) -> Result<Page<Item>> {
        let (owner, query) = (owner.to_string(), query.clone());
        self.run(move |conn| {
            let total: i64 = filtered(&owner, &query)
                .count()
                .get_result(conn)
                .map_err(query_err)?;
            let offset = i64::from(query.page.saturating_sub(1)) * i64::from(query.page_size);
            let rows: Vec<(ItemRow, (String, String, String))> = filtered(&owner, &query)
                .inner_join(blobs::table)
                .order((items::created_at.desc(), items::id.desc()))
                .limit(i64::from(query.page_size))
                .offset(offset)
                .select((ItemRow::as_select(), BLOB_COLUMNS))
                .load(conn)
                .map_err(query_err)?;
            // One query for the whole page's tags, not one per item: on PostgreSQL each
            // round trip costs more than the query itself.
            let ids: Vec<&str> = rows.iter().map(|(row, _)| row.id.as_str()).collect();
            let mut tags_by_item: std::collections::HashMap<String, Vec<String>> =
                std::collections::HashMap::new();
            let pairs: Vec<(String, String)> = item_tags::table
                .inner_join(tags::table)
                .filter(item_tags::item_id.eq_any(&ids))
                .order((item_tags::item_id, tags::name_key))
                .select((item_tags::item_id, tags::name))
                .load(conn)
                .map_err(query_err)?;
            for (item_id, name) in pairs {
                tags_by_item.entry(item_id).or_default().push(name);
            }
            let items = rows
                .into_iter()
                .map(|(row, blob)| {
                    let tags = tags_by_item.remove(&row.id).unwrap_or_default();
                    to_item(row, blob, tags)
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Page {
                items,
                total,
                page: query.page,
                page_size: query.page_size,
            })
        })
        .await
    }

    async fn update_item(&self, owner: &UserId, id: &ItemId, patch: ItemPatch) -> Result<Item> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.write(move |conn| {
            load_item(conn, Some(&owner), &id)?;
            let changes = ItemChanges {
                title: patch.title,
                description: patch.description,
                model: patch.model,
                favorite: patch.favorite,
                updated_at: now(),
            };
            diesel::update(items::table.filter(items::id.eq(&id)))
                .set(&changes)
                .execute(conn)
                .map_err(query_err)?;
            if let Some(names) = &patch.tags {
                set_tags(conn, &owner, &id, names)?;
            }
            load_item(conn, Some(&owner), &id)
        })
        .await
    }

    async fn trash_item(&self, owner: &UserId, id: &ItemId) -> Result<Item> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.write(move |conn| {
            let at = now();
            diesel::update(
                items::table
                    .filter(items::id.eq(&id))
                    .filter(items::user_id.eq(&owner))
                    .filter(items::status.eq(ItemStatus::Active.as_str())),
            )
            .set((
                items::status.eq(ItemStatus::Trash.as_str()),
                items::trashed_at.eq(Some(at)),
                items::updated_at.eq(at),
            ))
            .execute(conn)
            .map_err(query_err)?;
            load_item(conn, Some(&owner), &id)
        })
        .await
    }

    async fn purge_item(&self, owner: &UserId, id: &ItemId) -> Result<Option<String>> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.write(move |conn| {
            let (blob_id, size): (String, i64) = items::table
                .filter(items::id.eq(&id))
                .filter(items::user_id.eq(&owner))
                .select((items::blob_id, items::size))
                .first(conn)
                .optional()
                .map_err(query_err)?
                .ok_or(DomainError::NotFound("item"))?;
            diesel::delete(items::table.find(&id))
                .execute(conn)
                .map_err(query_err)?;
            diesel::update(users::table.find(&owner))
                .set(users::bytes_used.eq(users::bytes_used - size))
                .execute(conn)
                .map_err(query_err)?;
            release_blob(conn, &blob_id)
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
}
