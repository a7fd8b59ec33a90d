#![warn(missing_docs)]
#![doc = include_str!("../README.md")]

mod blob_refs;
mod blob_store;
mod categories;
mod collections;
mod connection;
mod db;
mod error;
mod folders;
mod galleries;
mod item_tags;
mod items;
mod jobs;
mod listing;
#[cfg(test)]
mod migration_check;
mod projects;
mod schema;
mod settings;
mod shares;
mod transfer;
mod tx;
mod typed_sql;
mod unfinished;
mod users;
mod variants;

pub use blob_store::{open_store, ObjectBlobStore, S3Settings, StoreUrl};
pub use connection::{AnyConnection, Backend};
pub use db::{Db, DbOptions};
pub use error::StorageError;
pub use transfer::{Progress, Transfer, TransferReport};
pub use unfinished::UnfinishedWrite;
