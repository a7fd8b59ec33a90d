//! Storage failures and how they read to the domain.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use vitrine_domain::DomainError;

/// What can go wrong opening the database or the store (queries answer `DomainError`).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A database URL of no backend we know.
    #[error("unsupported database URL '{0}': use postgres://… or sqlite://PATH (or a plain path)")]
    UnsupportedUrl(String),
    /// The database did not accept a connection.
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    /// A migration failed.
    #[error("cannot run migrations: {0}")]
    Migrate(String),
    /// A store URL of no kind we know.
    #[error("unsupported store URL '{0}': use file://PATH, a plain path, s3://BUCKET/PREFIX or memory://")]
    UnsupportedStore(String),
    /// The store could not be opened (a folder not made, S3 settings refused).
    #[error("cannot open the blob store: {0}")]
    Store(String),
    /// A query failed.
    #[error(transparent)]
    Query(#[from] DieselError),
    /// No pooled connection.
    #[error("connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
}

/// What a client is told when a unique index refuses a write.
pub const UNIQUE_CONFLICT: &str =
    "it conflicts with a record that already exists; nothing was changed";
/// What a client is told when a foreign key refuses a write.
pub const REFERENCE_CONFLICT: &str =
    "it refers to a record that no longer exists; nothing was changed";

impl From<StorageError> for DomainError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::Query(DieselError::NotFound) => DomainError::NotFound("record"),
            // A constraint caught what a rule should have: the client hears a fixed
            // message, never the database's own text (it names tables and values).
            StorageError::Query(DieselError::DatabaseError(kind, info))
                if matches!(
                    kind,
                    DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation
                ) =>
            {
                tracing::warn!(constraint = ?info.constraint_name(), error = info.message(), "constraint violation");
                let message = match kind {
                    DatabaseErrorKind::UniqueViolation => UNIQUE_CONFLICT,
                    _ => REFERENCE_CONFLICT,
                };
                DomainError::Conflict(message.to_owned())
            }
            other => DomainError::Internal(other.to_string()),
        }
    }
}

/// Maps a query error straight to the domain; the common case in repositories.
pub(crate) fn query_err(err: DieselError) -> DomainError {
    StorageError::Query(err).into()
}
