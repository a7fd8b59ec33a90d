//! Folders: a tree per user. Item counts come from `item_counts`, not from counting items.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::library::now;
use vitrine_domain::organise::{Folder, FolderChange, FolderDelete, MAX_FOLDER_DEPTH};
use vitrine_domain::ports::FolderRepository;
use vitrine_domain::{DomainError, FolderId, Result, UserId};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{folders, item_counts, items};
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

/// Refuses a second folder of the same name (case-insensitively) under one parent.
fn require_unique_name(
    conn: &mut AnyConnection,
    owner: &str,
    parent: Option<&str>,
    name: &str,
    except: Option<&str>,
) -> Result<()> {
    let mut siblings = folders::table
        .filter(folders::user_id.eq(owner))
        .select((folders::id, folders::name))
        .into_boxed::<crate::listing::DbBackend>();
    siblings = match parent {
        Some(parent) => siblings.filter(folders::parent_id.eq(parent)),
        None => siblings.filter(folders::parent_id.is_null()),
    };
    let taken = siblings
        .load::<(String, String)>(conn)
        .map_err(query_err)?
        .into_iter()
        .any(|(id, other)| {
            Some(id.as_str()) != except && other.to_lowercase() == name.to_lowercase()
        });
    if taken {
        return Err(DomainError::Conflict(format!(
            "a folder named '{name}' already exists there"
        )));
    }
    Ok(())
}

/// Refuses to put `folder` under `new_parent` when that parent is the folder itself or
/// lies below it. Runs inside the write transaction, so concurrent moves cannot combine
/// into a cycle.
fn require_not_below(
    conn: &mut AnyConnection,
    owner: &str,
    folder: &str,
    new_parent: &str,
) -> Result<()> {
    let mut current = Some(new_parent.to_owned());
    for _ in 0..=MAX_FOLDER_DEPTH {
        let Some(id) = current else { return Ok(()) };
        if id == folder {
            return Err(DomainError::Conflict(
                "a folder cannot move into itself or one of its subfolders".into(),
            ));
        }
        current = load_row(conn, owner, &id)?.parent_id;
    }
    Err(DomainError::Conflict(format!(
        "folders nest at most {MAX_FOLDER_DEPTH} levels deep"
    )))
}

/// How deep a folder placed under `parent` would sit (1 directly under the root).
fn depth_under(conn: &mut AnyConnection, owner: &str, parent: Option<&str>) -> Result<usize> {
    let mut depth = 1;
    let mut current = parent.map(str::to_owned);
    while let Some(id) = current {
        depth += 1;
        if depth > MAX_FOLDER_DEPTH {
            return Err(DomainError::Conflict(format!(
                "folders nest at most {MAX_FOLDER_DEPTH} levels deep"
            )));
        }
        current = load_row(conn, owner, &id)?.parent_id;
    }
    Ok(depth)
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

    async fn insert_folder(&self, folder: Folder) -> Result<Folder> {
        self.write(move |conn| {
            let owner = folder.owner.to_string();
            let parent = folder.parent.as_ref().map(ToString::to_string);
            if let Some(parent) = &parent {
                load_row(conn, &owner, parent)?;
            }
            depth_under(conn, &owner, parent.as_deref())?;
            require_unique_name(conn, &owner, parent.as_deref(), &folder.name, None)?;
            let row = FolderRow {
                id: folder.id.to_string(),
                user_id: owner.clone(),
                parent_id: parent,
                name: folder.name,
                created_at: folder.created_at,
                updated_at: folder.updated_at,
            };
            diesel::insert_into(folders::table)
                .values(&row)
                .execute(conn)
                .map_err(query_err)?;
            Ok(to_folder(row, 0))
        })
        .await
    }

    async fn update_folder(
        &self,
        owner: &UserId,
        id: &FolderId,
        change: FolderChange,
    ) -> Result<Folder> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.write(move |conn| {
            let row = load_row(conn, &owner, &id)?;
            let parent = match change.parent {
                Some(new_parent) => new_parent.map(|p| p.to_string()),
                None => row.parent_id.clone(),
            };
            if let Some(parent) = &parent {
                load_row(conn, &owner, parent)?;
                require_not_below(conn, &owner, &id, parent)?;
            }
            let name = change.name.unwrap_or(row.name);
            require_unique_name(conn, &owner, parent.as_deref(), &name, Some(&id))?;
            diesel::update(folders::table.find(&id))
                .set((
                    folders::name.eq(&name),
                    folders::parent_id.eq(&parent),
                    folders::updated_at.eq(now()),
                ))
                .execute(conn)
                .map_err(query_err)?;
            load_folder(conn, &owner, &id)
        })
        .await
    }

    async fn delete_folder(&self, owner: &UserId, id: &FolderId, how: FolderDelete) -> Result<()> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.write(move |conn| {
            let row = load_row(conn, &owner, &id)?;
            let items_in = item_counts_by_folder(conn, &owner)?
                .get(&id)
                .copied()
                .unwrap_or(0);
            let children: i64 = folders::table
                .filter(folders::parent_id.eq(&id))
                .count()
                .get_result(conn)
                .map_err(query_err)?;
            if how == FolderDelete::OnlyEmpty && (items_in > 0 || children > 0) {
                return Err(DomainError::Conflict(format!(
                    "the folder is not empty ({items_in} items, {children} folders): \
                     empty it first or delete with moveContents=true"
                )));
            }
            diesel::update(items::table.filter(items::folder_id.eq(&id)))
                .set(items::folder_id.eq(&row.parent_id))
                .execute(conn)
                .map_err(query_err)?;
            diesel::update(folders::table.filter(folders::parent_id.eq(&id)))
                .set(folders::parent_id.eq(&row.parent_id))
                .execute(conn)
                .map_err(query_err)?;
            diesel::delete(folders::table.find(&id))
                .execute(conn)
                .map_err(query_err)?;
            Ok(())
        })
        .await
    }
}
