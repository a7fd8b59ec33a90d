//! Storage failures and how they read to the domain.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use vitrine_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported database URL '{0}': use postgres://… or sqlite://PATH (or a plain path)")]
    UnsupportedUrl(String),
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("cannot run migrations: {0}")]
    Migrate(String),
    #[error("unsupported store URL '{0}': use file://PATH, a plain path, s3://BUCKET/PREFIX or memory://")]
    UnsupportedStore(String),
    #[error("cannot open the blob store: {0}")]
    Store(String),
    #[error(transparent)]
    Query(#[from] DieselError),
    #[error("connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
}

impl From<StorageError> for DomainError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::Query(DieselError::NotFound) => DomainError::NotFound("record"),
            StorageError::Query(DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation,
                info,
            )) => DomainError::Conflict(format!("already exists ({})", info.message())),
            other => DomainError::Internal(other.to_string()),
        }
    }
}

/// Maps a query error straight to the domain; the common case in repositories.
pub(crate) fn query_err(err: DieselError) -> DomainError {
    StorageError::Query(err).into()
}
