//! The one error type of the domain. Each variant is a kind a client can act on;
//! the HTTP crate maps kinds to statuses in one table.

/// A problem with one input of a use case. `field` is the use case's own snake_case name
/// for it; the surface that took the input from a client says what the client calls it
/// and where in the request it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The input, in the use case's words (snake_case).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// An input and what is wrong with it.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
/// Why a use case refused or failed; each kind has its HTTP status.
pub enum DomainError {
    #[error("{message}")]
    /// Bad input (400); `detail` names each input at fault.
    Invalid {
        /// What was wrong, in a sentence.
        message: String,
        /// Each input at fault.
        detail: Vec<FieldError>,
    },
    #[error("Unauthorized")]
    /// No credential, or one that does not work (401).
    Unauthorized,
    #[error("{0}")]
    /// A credential without the scope or role needed (403).
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
        /// What the IDs name (`item`).
        what: &'static str,
        /// The IDs that were not found.
        ids: Vec<String>,
    },
    #[error("{0}")]
    /// A rule that another record breaks, or a lost race (409).
    Conflict(String),
    /// It existed and is gone for good: a revoked or expired share link.
    #[error("{0}")]
    Gone(String),
    #[error("{message}")]
    /// Too many attempts (429).
    TooManyRequests {
        /// What was limited.
        message: String,
        /// When to try again.
        retry_after_secs: u64,
    },
    #[error("{0}")]
    /// Over a size limit or the quota (413).
    TooLarge(String),
    #[error("{0}")]
    /// Not a type of media Vitrine takes (415).
    UnsupportedMedia(String),
    #[error("{0}")]
    /// Media that does not decode (422).
    Unprocessable(String),
    /// Something on our side broke; the message is logged, never sent to clients.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    /// Bad input without a field to name.
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

    /// A failure that is not the client's: logged, never shown.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        Self::Internal(err.to_string())
    }
}

/// A use case's result.
pub type Result<T, E = DomainError> = std::result::Result<T, E>;
