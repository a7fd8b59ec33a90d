//! Units of work: a use case runs several storage steps in one transaction, so a rule that
//! reads then writes sees nothing change between its read and its write.
//!
//! Storage implements [`Tx`] over an open transaction and [`Transactions`] to open one; the
//! use cases hold an `Arc<dyn Transactions>` and write their rules between the steps:
//!
//! ```ignore
//! self.tx.write(move |tx| {
//!     tx.lock(&Lock::FolderTree(owner.clone()))?;
//!     let tree = tx.folder_tree(&owner)?;
//!     tree.check_move(&id, parent.as_ref())?;   // the rule, in the domain
//!     tx.save_folder(&folder)
//! }).await
//! ```
//!
//! Steps are synchronous: a transaction runs on one connection off the async threads and
//! never waits on anything but the database.

use std::any::Any;

use async_trait::async_trait;

use crate::organise::{Collection, Folder};
use crate::{CollectionId, DomainError, FolderId, Result, UserId};

/// What a transaction can hold exclusively until it ends. Two transactions that take the
/// same lock run one after the other; on SQLite every write transaction already does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lock {
    /// One owner's folder tree: moves, creations and deletions that must see it whole.
    FolderTree(UserId),
}

impl Lock {
    /// A stable name, from which storage derives its lock key.
    pub fn key(&self) -> String {
        match self {
            Lock::FolderTree(owner) => format!("folder-tree:{owner}"),
        }
    }
}

/// A folder as the tree rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderNode {
    /// Its id.
    pub id: FolderId,
    /// Its parent; `None` for the root.
    pub parent: Option<FolderId>,
    /// Its name.
    pub name: String,
}

/// Folder steps inside a transaction.
pub trait FolderSteps {
    /// Every folder of the owner, in no particular order.
    fn folder_tree(&mut self, owner: &UserId) -> Result<Vec<FolderNode>>;
    /// The owner's folder (`NotFound` for anyone else's).
    fn folder(&mut self, owner: &UserId, id: &FolderId) -> Result<Folder>;
    /// How many items and subfolders sit directly in the folder.
    fn folder_contents(&mut self, owner: &UserId, id: &FolderId) -> Result<(i64, i64)>;
    /// Inserts a folder.
    fn insert_folder(&mut self, folder: &Folder) -> Result<()>;
    /// Writes name, parent and `updated_at`.
    fn save_folder(&mut self, folder: &Folder) -> Result<()>;
    /// Moves the folder's items and subfolders to `into` (`None`: the root), then deletes it.
    fn delete_folder(
        &mut self,
        owner: &UserId,
        id: &FolderId,
        into: Option<&FolderId>,
    ) -> Result<()>;
}

/// Collection steps inside a transaction.
pub trait CollectionSteps {
    /// The owner's collection, locked against other writers until the transaction ends.
    fn collection_for_update(&mut self, owner: &UserId, id: &CollectionId) -> Result<Collection>;
    /// Writes name, description and `updated_at`.
    fn save_collection(&mut self, collection: &Collection) -> Result<()>;
}

/// An open transaction: every step sees the ones before it, and all of them commit or none.
pub trait Tx: FolderSteps + CollectionSteps {
    /// Holds `lock` until the transaction ends.
    fn lock(&mut self, lock: &Lock) -> Result<()>;
}

/// Work for one transaction, boxed so that [`Transactions`] stays usable as a trait object.
pub type BoxedWork = Box<dyn FnOnce(&mut dyn Tx) -> Result<Box<dyn Any + Send>> + Send>;

/// Opens transactions: the port use cases compose their steps through.
#[async_trait]
pub trait Transactions: Send + Sync {
    /// Runs `work` in one write transaction off the async threads: committed when it
    /// returns `Ok`, rolled back otherwise (also when it panics).
    async fn run_boxed(&self, work: BoxedWork) -> Result<Box<dyn Any + Send>>;
}

impl dyn Transactions {
    /// Runs `work` in one write transaction and returns what it returned.
    pub async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        let boxed = self
            .run_boxed(Box::new(move |tx| {
                work(tx).map(|value| Box::new(value) as Box<dyn Any + Send>)
            }))
            .await?;
        boxed
            .downcast::<T>()
            .map(|value| *value)
            .map_err(|_| DomainError::internal("a transaction returned another type"))
    }
}
