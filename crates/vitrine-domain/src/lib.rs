#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod accounts;
pub mod archive;
pub mod attempts;
pub mod base64_source;
pub mod categories;
mod checked_credentials;
pub mod clock;
pub mod error;
pub mod expiration;
pub mod fetch_policy;
pub mod galleries;
pub mod ids;
pub mod item;
pub mod library;
pub mod limits;
pub mod organise;
pub mod ports;
pub mod projects;
pub mod public_links;
pub mod shares;
pub mod tags;
pub mod tx;
pub mod user;

pub use error::{DomainError, FieldError, Result};
pub use ids::{BlobId, CollectionId, FolderId, ItemId, ShareId, UserId};
