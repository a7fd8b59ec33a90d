//! Folders and collections: the two ways a user arranges items.
//!
//! Every item sits in exactly one folder (the root when `folder` is `None`); folders nest.
//! Collections are named sets: an item may be in any number of them (spec 5's album).

mod tree;

use std::sync::Arc;

use chrono::NaiveDateTime;

pub use self::tree::FolderTree;
use crate::clock::Clock;
use crate::item::Item;
use crate::ports::{CollectionRepository, FolderRepository};
use crate::tx::{Lock, Transactions};
use crate::user::{Principal, Scope};
use crate::{CollectionId, DomainError, FolderId, ItemId, Result, UserId};

/// The longest folder or collection name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest collection description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Deep enough for any real tree, shallow enough that walking up it is cheap.
pub const MAX_FOLDER_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
/// A folder of a user's tree.
pub struct Folder {
    /// Its id.
    pub id: FolderId,
    /// The user whose tree it is in.
    pub owner: UserId,
    /// `None`: directly under the root.
    pub parent: Option<FolderId>,
    /// Its name, unique among its siblings case aside.
    pub name: String,
    /// Active and trashed items directly in this folder.
    pub item_count: i64,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it last changed.
    pub updated_at: NaiveDateTime,
}

/// A change to a folder: `parent: Some(None)` moves it to the root.
#[derive(Debug, Clone, Default)]
pub struct FolderChange {
    /// A new name.
    pub name: Option<String>,
    /// A new parent; `Some(None)` moves it to the root.
    pub parent: Option<Option<FolderId>>,
}

/// What to do with a folder's contents when it is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderDelete {
    /// Refuse unless it holds no items and no folders.
    OnlyEmpty,
    /// Move its items and folders to its parent first.
    MoveContentsToParent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A named set of a user's items (spec 5's album).
pub struct Collection {
    /// Its id.
    pub id: CollectionId,
    /// The user whose it is.
    pub owner: UserId,
    /// Its name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Active items in the collection.
    pub item_count: i64,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it last changed.
    pub updated_at: NaiveDateTime,
}

/// A change to a collection: `description: Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct CollectionChange {
    /// A new name.
    pub name: Option<String>,
    /// A new description; `Some(None)` clears it.
    pub description: Option<Option<String>>,
}

/// The folder use cases. Every change to a tree runs in one transaction holding that
/// owner's tree lock: the rules below read the whole tree, and nothing may move between
/// their reading and the write.
#[derive(Clone)]
pub struct Folders {
    repo: Arc<dyn FolderRepository>,
    tx: Arc<dyn Transactions>,
    clock: Arc<dyn Clock>,
}

impl Folders {
    /// The folder use cases over their repositories.
    pub fn new(
        repo: Arc<dyn FolderRepository>,
        tx: Arc<dyn Transactions>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { repo, tx, clock }
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Every folder of the caller.
    pub async fn list(&self, who: &Principal) -> Result<Vec<Folder>> {
        who.require(Scope::MediaRead)?;
        self.repo.folders(&who.user.id).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// One of the caller's folders.
    pub async fn get(&self, who: &Principal, id: &FolderId) -> Result<Folder> {
        who.require(Scope::MediaRead)?;
        self.repo.folder(&who.user.id, id).await
    }

    /// A new folder under `parent` (`None`: the root), its name unique among its siblings.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn create(
        &self,
        who: &Principal,
        name: &str,
        parent: Option<FolderId>,
    ) -> Result<Folder> {
        who.require(Scope::MediaWrite)?;
        let now = self.clock.now();
        let folder = Folder {
            id: FolderId::generate(),
            owner: who.user.id.clone(),
            parent,
            name: clean_name(name)?,
            item_count: 0,
            created_at: now,
            updated_at: now,
        };
        self.tx
            .write(move |tx| {
                tx.lock(&Lock::FolderTree(folder.owner.clone()))?;
                let tree = FolderTree::new(tx.folder_tree(&folder.owner)?);
                tree.check_place(None, folder.parent.as_ref(), &folder.name)?;
                tx.insert_folder(&folder)?;
                Ok(folder)
            })
            .await
    }

    /// Renames and/or moves a folder. Moving it into itself or its own subtree, deeper
    /// than [`MAX_FOLDER_DEPTH`], or beside a folder named alike is refused.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn change(
        &self,
        who: &Principal,
        id: &FolderId,
        change: FolderChange,
    ) -> Result<Folder> {
        who.require(Scope::MediaWrite)?;
        let name = change.name.as_deref().map(clean_name).transpose()?;
        let (owner, id, now) = (who.user.id.clone(), id.clone(), self.clock.now());
        self.tx
            .write(move |tx| {
                tx.lock(&Lock::FolderTree(owner.clone()))?;
                let mut folder = tx.folder(&owner, &id)?;
                if let Some(parent) = change.parent {
                    folder.parent = parent;
                }
                if let Some(name) = name {
                    folder.name = name;
                }
                let tree = FolderTree::new(tx.folder_tree(&owner)?);
                tree.check_place(Some(&id), folder.parent.as_ref(), &folder.name)?;
                folder.updated_at = now;
                tx.save_folder(&folder)?;
                Ok(folder)
            })
            .await
    }

    /// Deletes a folder: only an empty one, or with its items and subfolders moved to its
    /// parent first (refused when a subfolder's name is taken there).
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn delete(&self, who: &Principal, id: &FolderId, how: FolderDelete) -> Result<()> {
        who.require(Scope::MediaDelete)?;
        let (owner, id) = (who.user.id.clone(), id.clone());
        self.tx
            .write(move |tx| {
                tx.lock(&Lock::FolderTree(owner.clone()))?;
                let folder = tx.folder(&owner, &id)?;
                let (items, children) = tx.folder_contents(&owner, &id)?;
                match how {
                    FolderDelete::OnlyEmpty if items > 0 || children > 0 => {
                        return Err(DomainError::Conflict(format!(
                            "the folder is not empty ({items} items, {children} folders): \
                             empty it first or delete with moveContents=true"
                        )));
                    }
                    FolderDelete::OnlyEmpty => {}
                    FolderDelete::MoveContentsToParent => {
                        FolderTree::new(tx.folder_tree(&owner)?).check_children_move_up(&id)?;
                    }
                }
                tx.delete_folder(&owner, &id, folder.parent.as_ref())
            })
            .await
    }
}

/// The collection use cases.
#[derive(Clone)]
pub struct Collections {
    repo: Arc<dyn CollectionRepository>,
    tx: Arc<dyn Transactions>,
    clock: Arc<dyn Clock>,
}

impl Collections {
    /// The collection use cases over their repositories.
    pub fn new(
        repo: Arc<dyn CollectionRepository>,
        tx: Arc<dyn Transactions>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { repo, tx, clock }
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Every collection of the caller.
    pub async fn list(&self, who: &Principal) -> Result<Vec<Collection>> {
        who.require(Scope::MediaRead)?;
        self.repo.collections(&who.user.id).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// One of the caller's collections.
    pub async fn get(&self, who: &Principal, id: &CollectionId) -> Result<Collection> {
        who.require(Scope::MediaRead)?;
        self.repo.collection(&who.user.id, id).await
    }

    /// The collection's active items that have not expired, newest first.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn items(&self, who: &Principal, id: &CollectionId) -> Result<Vec<Item>> {
        who.require(Scope::MediaRead)?;
        let now = self.clock.now();
        let mut items = self.repo.collection_items(&who.user.id, id).await?;
        items.retain(|item| !item.expired_at(now));
        Ok(items)
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Makes a collection.
    pub async fn create(
        &self,
        who: &Principal,
        name: &str,
        description: Option<String>,
    ) -> Result<Collection> {
        who.require(Scope::MediaWrite)?;
        let now = self.clock.now();
        let collection = Collection {
            id: CollectionId::generate(),
            owner: who.user.id.clone(),
            name: clean_name(name)?,
            description: clean_description(description)?,
            item_count: 0,
            created_at: now,
            updated_at: now,
        };
        self.repo.insert_collection(collection).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Renames a collection or changes its description.
    pub async fn change(
        &self,
        who: &Principal,
        id: &CollectionId,
        change: CollectionChange,
    ) -> Result<Collection> {
        who.require(Scope::MediaWrite)?;
        let name = change.name.as_deref().map(clean_name).transpose()?;
        let description = change.description.map(clean_description).transpose()?;
        let (owner, id, now) = (who.user.id.clone(), id.clone(), self.clock.now());
        // Locked while it changes, so that two edits of different fields both stay.
        self.tx
            .write(move |tx| {
                let mut collection = tx.collection_for_update(&owner, &id)?;
                if let Some(name) = name {
                    collection.name = name;
                }
                if let Some(description) = description {
                    collection.description = description;
                }
                collection.updated_at = now;
                tx.save_collection(&collection)?;
                Ok(collection)
            })
            .await
    }

    /// Deletes the collection; its items stay in the library.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn delete(&self, who: &Principal, id: &CollectionId) -> Result<()> {
        who.require(Scope::MediaDelete)?;
        self.repo.delete_collection(&who.user.id, id).await
    }

    /// Adds items (all the caller's, or nothing changes); adding one twice is harmless.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn add_items(
        &self,
        who: &Principal,
        id: &CollectionId,
        items: &[ItemId],
    ) -> Result<Collection> {
        who.require(Scope::MediaWrite)?;
        check_bulk(items)?;
        self.repo
            .add_to_collection(&who.user.id, id, items, self.clock.now())
            .await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Takes items out of a collection.
    pub async fn remove_items(
        &self,
        who: &Principal,
        id: &CollectionId,
        items: &[ItemId],
    ) -> Result<Collection> {
        who.require(Scope::MediaWrite)?;
        check_bulk(items)?;
        self.repo
            .remove_from_collection(&who.user.id, id, items, self.clock.now())
            .await
    }
}

/// Most IDs one bulk request may name.
pub const MAX_BULK_ITEMS: usize = 1000;

/// Refuses an empty or oversized list of item IDs.
pub fn check_bulk(items: &[ItemId]) -> Result<()> {
    if items.is_empty() || items.len() > MAX_BULK_ITEMS {
        return Err(DomainError::invalid_field(
            "item_ids",
            format!("between 1 and {MAX_BULK_ITEMS} item IDs"),
        ));
    }
    Ok(())
}

fn clean_name(raw: &str) -> Result<String> {
    let name: String = raw.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::invalid_field(
            "name",
            format!("between 1 and {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

fn clean_description(raw: Option<String>) -> Result<Option<String>> {
    let Some(text) = raw.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(DomainError::invalid_field(
            "description",
            format!("at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_must_not_be_blank() {
        assert_eq!(clean_name("  Trips\u{7} ").unwrap(), "Trips");
        assert!(clean_name("   ").is_err());
        assert!(clean_name(&"x".repeat(MAX_NAME_CHARS + 1)).is_err());
    }

    #[test]
    fn bulk_lists_must_hold_between_one_and_the_maximum() {
        assert!(check_bulk(&[]).is_err());
        assert!(check_bulk(&[ItemId::from("gal_x".to_owned())]).is_ok());
    }
}
