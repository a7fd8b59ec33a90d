//! The one error type of the domain. Each variant is a kind a client can act on;
//! the HTTP crate maps kinds to statuses in one table.

/// A problem with one input of a use case. `field` is the use case's own snake_case name
/// for it; the surface that took the input from a client says what the client calls it
/// and where in the request it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum DomainError {
    #[error("{message}")]
    Invalid {
        message: String,
        detail: Vec<FieldError>,
    },
    #[error("Unauthorized")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    /// Also used for records that exist but belong to someone else, so IDs leak nothing.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Not found, in the words of the surface that names it ("Media not found in this
    /// gallery").
    #[error("{0}")]
    Absent(&'static str),
    /// Some of the records a bulk request names are not the caller's; nothing was changed.
    #[error("{what} not found: {}", .ids.join(", "))]
    Missing {
        what: &'static str,
        ids: Vec<String>,
    },
    #[error("{0}")]
    Conflict(String),
    /// It existed and is gone for good: a revoked or expired share link.
    #[error("{0}")]
    Gone(String),
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMedia(String),
    #[error("{0}")]
    Unprocessable(String),
    /// Something on our side broke; the message is logged, never sent to clients.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid {
            message: message.into(),
            detail: Vec::new(),
        }
    }

    /// One input refused, and why.
    pub fn invalid_field(field: &str, why: impl Into<String>) -> Self {
        Self::Invalid {
            message: format!("Invalid {field}"),
            detail: vec![FieldError::new(field, why)],
        }
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        Self::Internal(err.to_string())
    }
}

pub type Result<T, E = DomainError> = std::result::Result<T, E>;
