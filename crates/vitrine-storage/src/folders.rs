//! Folders: a tree per user. Item counts come from `item_counts`, not from counting items.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::organise::Folder;
use vitrine_domain::ports::FolderRepository;
use vitrine_domain::tx::{FolderNode, FolderSteps};
use vitrine_domain::{DomainError, FolderId, Result, UserId};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{folders, item_counts, items};
use crate::tx::TxConn;
use crate::Db;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = folders)]
pub(crate) struct FolderRow {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) parent_id: Option<String>,
    pub(crate) name: String,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
}

fn to_folder(row: FolderRow, item_count: i64) -> Folder {
    Folder {
        id: FolderId::from(row.id),
        owner: UserId::from(row.user_id),
        parent: row.parent_id.map(FolderId::from),
        name: row.name,
        item_count,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Items directly in each of the owner's folders, keyed by folder ID ('' is the root).
fn item_counts_by_folder(conn: &mut AnyConnection, owner: &str) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = item_counts::table
        .filter(item_counts::user_id.eq(owner))
        .select((item_counts::folder_key, item_counts::n))
        .load(conn)
        .map_err(query_err)?;
    let mut counts = HashMap::new();
    for (folder, n) in rows {
        *counts.entry(folder).or_insert(0) += n;
    }
    Ok(counts)
}

fn load_row(conn: &mut AnyConnection, owner: &str, id: &str) -> Result<FolderRow> {
    folders::table
        .filter(folders::id.eq(id))
        .filter(folders::user_id.eq(owner))
        .select(FolderRow::as_select())
        .first(conn)
        .optional()
        .map_err(query_err)?
        .ok_or(DomainError::NotFound("folder"))
}

fn load_folder(conn: &mut AnyConnection, owner: &str, id: &str) -> Result<Folder> {
    let row = load_row(conn, owner, id)?;
    let count = item_counts_by_folder(conn, owner)?
        .get(id)
        .copied()
        .unwrap_or(0);
    Ok(to_folder(row, count))
}

#[async_trait]
impl FolderRepository for Db {
    async fn folders(&self, owner: &UserId) -> Result<Vec<Folder>> {
        let owner = owner.to_string();
        self.run(move |conn| {
            let counts = item_counts_by_folder(conn, &owner)?;
            let rows: Vec<FolderRow> = folders::table
                .filter(folders::user_id.eq(&owner))
                .order((folders::name, folders::id))
                .select(FolderRow::as_select())
                .load(conn)
                .map_err(query_err)?;
            Ok(rows
                .into_iter()
                .map(|row| {
                    let count = counts.get(&row.id).copied().unwrap_or(0);
                    to_folder(row, count)
                })
                .collect())
        })
        .await
    }

    async fn folder(&self, owner: &UserId, id: &FolderId) -> Result<Folder> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.run(move |conn| load_folder(conn, &owner, &id)).await
    }
}

impl FolderSteps for TxConn<'_> {
    fn folder_tree(&mut self, owner: &UserId) -> Result<Vec<FolderNode>> {
        let rows: Vec<(String, Option<String>, String)> = folders::table
            .filter(folders::user_id.eq(owner.as_str()))
            .select((folders::id, folders::parent_id, folders::name))
            .load(self.conn)
            .map_err(query_err)?;
        Ok(rows
            .into_iter()
            .map(|(id, parent, name)| FolderNode {
                id: FolderId::from(id),
                parent: parent.map(FolderId::from),
                name,
            })
            .collect())
    }

    fn folder(&mut self, owner: &UserId, id: &FolderId) -> Result<Folder> {
        load_folder(self.conn, owner.as_str(), id.as_str())
    }

    fn folder_contents(&mut self, owner: &UserId, id: &FolderId) -> Result<(i64, i64)> {
        let items_in = item_counts_by_folder(self.conn, owner.as_str())?
            .get(id.as_str())
            .copied()
            .unwrap_or(0);
        let children: i64 = folders::table
            .filter(folders::parent_id.eq(id.as_str()))
            .count()
            .get_result(self.conn)
            .map_err(query_err)?;
        Ok((items_in, children))
    }

    fn insert_folder(&mut self, folder: &Folder) -> Result<()> {
        let row = FolderRow {
            id: folder.id.to_string(),
            user_id: folder.owner.to_string(),
            parent_id: folder.parent.as_ref().map(ToString::to_string),
            name: folder.name.clone(),
            created_at: folder.created_at,
            updated_at: folder.updated_at,
        };
        diesel::insert_into(folders::table)
            .values(&row)
            .execute(self.conn)
            .map_err(query_err)?;
        Ok(())
    }

    fn save_folder(&mut self, folder: &Folder) -> Result<()> {
        diesel::update(
            folders::table
                .find(folder.id.as_str())
                .filter(folders::user_id.eq(folder.owner.as_str())),
        )
        .set((
            folders::name.eq(&folder.name),
            folders::parent_id.eq(folder.parent.as_ref().map(FolderId::as_str)),
            folders::updated_at.eq(folder.updated_at),
        ))
        .execute(self.conn)
        .map_err(query_err)?;
        Ok(())
    }

    fn delete_folder(
        &mut self,
        owner: &UserId,
        id: &FolderId,
        into: Option<&FolderId>,
    ) -> Result<()> {
        // The use case has loaded the folder under the tree lock; only the owner's goes.
        let into = into.map(FolderId::as_str);
        diesel::update(items::table.filter(items::folder_id.eq(id.as_str())))
            .set(items::folder_id.eq(into))
            .execute(self.conn)
            .map_err(query_err)?;
        diesel::update(folders::table.filter(folders::parent_id.eq(id.as_str())))
            .set(folders::parent_id.eq(into))
            .execute(self.conn)
            .map_err(query_err)?;
        diesel::delete(
            folders::table
                .find(id.as_str())
                .filter(folders::user_id.eq(owner.as_str())),
        )
        .execute(self.conn)
        .map_err(query_err)?;
        Ok(())
    }
}
