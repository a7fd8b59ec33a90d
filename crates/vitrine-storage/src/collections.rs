//! Collections: named sets of a user's items.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::item::{Item, ItemStatus};
use vitrine_domain::organise::Collection;
use vitrine_domain::ports::CollectionRepository;
use vitrine_domain::tx::CollectionSteps;
use vitrine_domain::{CollectionId, DomainError, ItemId, Result, UserId};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::items::require_owned;
use crate::schema::{collection_items, collections, items};
use crate::tx::TxConn;
use crate::Db;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = collections)]
pub(crate) struct CollectionRow {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = collection_items)]
pub(crate) struct CollectionItemRow {
    pub(crate) collection_id: String,
    pub(crate) item_id: String,
    pub(crate) added_at: NaiveDateTime,
}

/// Active items in the collection.
fn active_count(conn: &mut AnyConnection, id: &str) -> Result<i64> {
    collection_items::table
        .inner_join(items::table)
        .filter(collection_items::collection_id.eq(id))
        .filter(items::status.eq(ItemStatus::Active.as_str()))
        .count()
        .get_result(conn)
        .map_err(query_err)
}

fn load(conn: &mut AnyConnection, owner: &str, id: &str) -> Result<Collection> {
    let row: CollectionRow = collections::table
        .filter(collections::id.eq(id))
        .filter(collections::user_id.eq(owner))
        .select(CollectionRow::as_select())
        .first(conn)
        .optional()
        .map_err(query_err)?
        .ok_or(DomainError::NotFound("collection"))?;
    let count = active_count(conn, id)?;
    Ok(to_collection(row, count))
}

fn to_collection(row: CollectionRow, item_count: i64) -> Collection {
    Collection {
        id: CollectionId::from(row.id),
        owner: UserId::from(row.user_id),
        name: row.name,
        description: row.description,
        item_count,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn touch(conn: &mut AnyConnection, id: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(collections::table.find(id))
        .set(collections::updated_at.eq(at))
        .execute(conn)
        .map_err(query_err)
        .map(drop)
}

#[async_trait]
impl CollectionRepository for Db {
    async fn collections(&self, owner: &UserId) -> Result<Vec<Collection>> {
        let owner = owner.to_string();
        self.run(move |conn| {
            let rows: Vec<CollectionRow> = collections::table
                .filter(collections::user_id.eq(&owner))
                .order((collections::created_at.desc(), collections::id))
                .select(CollectionRow::as_select())
                .load(conn)
                .map_err(query_err)?;
            rows.into_iter()
                .map(|row| {
                    let count = active_count(conn, &row.id)?;
                    Ok(to_collection(row, count))
                })
                .collect()
        })
        .await
    }

    async fn collection(&self, owner: &UserId, id: &CollectionId) -> Result<Collection> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.run(move |conn| load(conn, &owner, &id)).await
    }

    async fn insert_collection(&self, collection: Collection) -> Result<Collection> {
        self.write(move |conn| {
            let row = CollectionRow {
                id: collection.id.to_string(),
                user_id: collection.owner.to_string(),
                name: collection.name,
                description: collection.description,
                created_at: collection.created_at,
                updated_at: collection.updated_at,
            };
            diesel::insert_into(collections::table)
                .values(&row)
                .execute(conn)
                .map_err(query_err)?;
            Ok(to_collection(row, 0))
        })
        .await
    }

    async fn delete_collection(&self, owner: &UserId, id: &CollectionId) -> Result<()> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.write(move |conn| {
            load(conn, &owner, &id)?;
            // Memberships go by ON DELETE CASCADE; the items stay.
            diesel::delete(collections::table.find(&id))
                .execute(conn)
                .map_err(query_err)?;
            Ok(())
        })
        .await
    }

    async fn collection_items(&self, owner: &UserId, id: &CollectionId) -> Result<Vec<Item>> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.run(move |conn| {
            load(conn, &owner, &id)?;
            let ids: Vec<String> = collection_items::table
                .inner_join(items::table)
                .filter(collection_items::collection_id.eq(&id))
                .filter(items::status.eq(ItemStatus::Active.as_str()))
                .order((items::created_at.desc(), items::id.desc()))
                .select(items::id)
                .load(conn)
                .map_err(query_err)?;
            crate::listing::items_by_ids(conn, &ids)
        })
        .await
    }

    async fn add_to_collection(
        &self,
        owner: &UserId,
        id: &CollectionId,
        ids: &[ItemId],
        at: NaiveDateTime,
    ) -> Result<Collection> {
        let (owner, id, ids) = (owner.to_string(), id.to_string(), ids.to_vec());
        self.write(move |conn| {
            load(conn, &owner, &id)?;
            require_owned(conn, &owner, &ids)?;
            for item in &ids {
                let row = CollectionItemRow {
                    collection_id: id.clone(),
                    item_id: item.to_string(),
                    added_at: at,
                };
                match conn {
                    AnyConnection::Pg(c) => diesel::insert_into(collection_items::table)
                        .values(&row)
                        .on_conflict_do_nothing()
                        .execute(c),
                    AnyConnection::Sqlite(c) => diesel::insert_into(collection_items::table)
                        .values(&row)
                        .on_conflict_do_nothing()
                        .execute(c),
                }
                .map_err(query_err)?;
            }
            touch(conn, &id, at)?;
            load(conn, &owner, &id)
        })
        .await
    }

    async fn remove_from_collection(
        &self,
        owner: &UserId,
        id: &CollectionId,
        ids: &[ItemId],
        at: NaiveDateTime,
    ) -> Result<Collection> {
        let (owner, id) = (owner.to_string(), id.to_string());
        let ids: Vec<ItemId> = ids.to_vec();
        self.write(move |conn| {
            load(conn, &owner, &id)?;
            require_owned(conn, &owner, &ids)?;
            let raw: Vec<&str> = ids.iter().map(ItemId::as_str).collect();
            diesel::delete(
                collection_items::table
                    .filter(collection_items::collection_id.eq(&id))
                    .filter(collection_items::item_id.eq_any(&raw)),
            )
            .execute(conn)
            .map_err(query_err)?;
            touch(conn, &id, at)?;
            load(conn, &owner, &id)
        })
        .await
    }
}

impl CollectionSteps for TxConn<'_> {
    fn collection_for_update(&mut self, owner: &UserId, id: &CollectionId) -> Result<Collection> {
        // SQLite's write transactions already run one at a time.
        if let AnyConnection::Pg(pg) = &mut *self.conn {
            collections::table
                .find(id.as_str())
                .select(collections::id)
                .for_update()
                .load::<String>(pg)
                .map_err(query_err)?;
        }
        load(self.conn, owner.as_str(), id.as_str())
    }

    fn save_collection(&mut self, collection: &Collection) -> Result<()> {
        diesel::update(
            collections::table
                .find(collection.id.as_str())
                .filter(collections::user_id.eq(collection.owner.as_str())),
        )
        .set((
            collections::name.eq(&collection.name),
            collections::description.eq(&collection.description),
            collections::updated_at.eq(collection.updated_at),
        ))
        .execute(self.conn)
        .map_err(query_err)?;
        Ok(())
    }
}
