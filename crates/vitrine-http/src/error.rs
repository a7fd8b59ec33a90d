//! Every error under `/api/v1`, `/images` and `/gallery` is this one JSON shape:
//! `{"error": "...", "statusCode": 400, "detail": [{"field", "message", "position"}]}`.
//!
//! Use cases name the inputs they refuse in their own words (snake_case, no notion of
//! where an input came from); this module gives them the names clients send (camelCase)
//! and their position. Requests refused before any use case ran (a body that does not
//! parse, a query parameter out of range, a rule on a request type) say both themselves.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse, ResponseError};
use serde::Serialize;
use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};
use vitrine_domain::DomainError;

/// Where in a request an input was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    Body,
    Query,
    Path,
    Header,
}

/// One refused input, as clients see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Detail {
    pub field: String,
    pub message: String,
    pub position: Position,
}

impl Detail {
    pub fn new(field: &str, message: impl Into<String>, position: Position) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
            position,
        }
    }
}

#[derive(Debug)]
pub enum ApiError {
    /// A use case refused: its error, worded for clients here.
    Domain(DomainError),
    /// The request itself is malformed; `detail` lists every input at fault.
    Request {
        message: String,
        detail: Vec<Detail>,
    },
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        ApiError::Domain(err)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Domain(err) => err.fmt(f),
            ApiError::Request { message, .. } => f.write_str(message),
        }
    }
}

impl ApiError {
    /// The domain error behind a refusal; a malformed request is `Invalid`.
    pub fn into_domain(self) -> DomainError {
        match self {
            ApiError::Domain(err) => err,
            ApiError::Request { message, .. } => DomainError::invalid(message),
        }
    }
}

/// What clients call a use case's input: its name in camelCase (`item_ids` → `itemIds`).
pub fn client_name(field: &str) -> String {
    let mut name = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                name.extend(c.to_uppercase());
                upper = false;
            }
            c => name.push(c),
        }
    }
    name
}

pub fn status_of(err: &DomainError) -> StatusCode {
    match err {
        DomainError::Invalid { .. } => StatusCode::BAD_REQUEST,
        DomainError::Unauthorized => StatusCode::UNAUTHORIZED,
        DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
        DomainError::NotFound(_) | DomainError::Absent(_) | DomainError::Missing { .. } => {
            StatusCode::NOT_FOUND
        }
        DomainError::Conflict(_) => StatusCode::CONFLICT,
        DomainError::Gone(_) => StatusCode::GONE,
        DomainError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        DomainError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        DomainError::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        DomainError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
        DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Every error's body: a message, the status again, and each input at fault.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Error)]
pub(crate) struct Body {
    error: String,
    status_code: u16,
    detail: Vec<Detail>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Domain(err) => status_of(err),
            ApiError::Request { .. } => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (error, detail) = match self {
            ApiError::Request { message, detail } => (message.clone(), detail.clone()),
            ApiError::Domain(DomainError::Internal(message)) => {
                // Internals go to the log under an id the client can quote, never to the body.
                let request = crate::request_id::current()
                    .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
                tracing::error!(request_id = %request, error = %message, "internal error");
                (
                    format!("Internal server error (request {request})"),
                    Vec::new(),
                )
            }
            ApiError::Domain(DomainError::Invalid { detail, .. }) if !detail.is_empty() => {
                // Every input a use case takes from clients comes in a body or a form.
                let detail: Vec<Detail> = detail
                    .iter()
                    .map(|d| Detail::new(&client_name(&d.field), &d.message, Position::Body))
                    .collect();
                let names: Vec<&str> = detail.iter().map(|d| d.field.as_str()).collect();
                (format!("Invalid {}", names.join(", ")), detail)
            }
            ApiError::Domain(DomainError::Missing { ids, .. }) => (
                self.to_string(),
                ids.iter()
                    .map(|id| Detail::new("itemIds", id, Position::Body))
                    .collect(),
            ),
            ApiError::Domain(other) => (other.to_string(), Vec::new()),
        };
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(Body {
            error,
            status_code: status.as_u16(),
            detail,
        })
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The longest password a request may carry: it is hashed with argon2, and a megabyte of
/// it would cost the server a megabyte of hashing.
pub(crate) const MAX_PASSWORD_CHARS: u64 = 1024;

/// The domain's bounds, as `validator` takes them on request types.
pub(crate) mod bounds {
    use vitrine_domain::{organise, tags};

    pub const NAME_CHARS: u64 = organise::MAX_NAME_CHARS as u64;
    pub const DESCRIPTION_CHARS: u64 = organise::MAX_DESCRIPTION_CHARS as u64;
    pub const BULK_ITEMS: u64 = organise::MAX_BULK_ITEMS as u64;
    pub const TAGS_PER_ITEM: u64 = tags::MAX_TAGS_PER_ITEM as u64;
}

/// A use case's refusal with its field names as they are (snake_case): for the surfaces
/// whose clients send snake_case (specs 3 and 4).
pub fn as_sent(err: DomainError) -> ApiError {
    match err {
        DomainError::Invalid { message, detail } if !detail.is_empty() => ApiError::Request {
            message,
            detail: detail
                .into_iter()
                .map(|d| Detail::new(&d.field, d.message, Position::Body))
                .collect(),
        },
        other => ApiError::Domain(other),
    }
}

/// A malformed request: one input at fault.
pub fn invalid(message: &str, field: &str, why: impl Into<String>, position: Position) -> ApiError {
    ApiError::Request {
        message: message.to_owned(),
        detail: vec![Detail::new(field, why, position)],
    }
}

/// Parses a JSON body that has no declared rules (specs 3 and 4 check theirs in the use
/// case), after authentication has run.
pub(crate) fn json_value<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(bytes)
        .map_err(|err| invalid("Invalid JSON body", "body", err.to_string(), Position::Body))
}

/// Parses and checks a JSON body after authentication has run: with `web::Json` as an
/// extractor a malformed body would answer 400 before an unauthenticated caller got their
/// 401.
pub(crate) fn json_body<T: serde::de::DeserializeOwned + Validate>(bytes: &[u8]) -> ApiResult<T> {
    checked(json_value(bytes)?, Position::Body)
}

/// `value` when the rules declared on its type hold; otherwise a 400 listing every input
/// that breaks one, at `position`.
pub(crate) fn checked<T: Validate>(value: T, position: Position) -> ApiResult<T> {
    let Err(errors) = value.validate() else {
        return Ok(value);
    };
    let mut detail = Vec::new();
    collect(&errors, "", position, &mut detail);
    detail.sort_by(|a, b| a.field.cmp(&b.field));
    let names: Vec<&str> = detail.iter().map(|d| d.field.as_str()).collect();
    Err(ApiError::Request {
        message: format!("Invalid {}", names.join(", ")),
        detail,
    })
}

/// Flattens validator's tree: nested structs as `parent.child`, list entries as `list[3]`.
fn collect(errors: &ValidationErrors, prefix: &str, position: Position, out: &mut Vec<Detail>) {
    for (field, kind) in errors.errors() {
        let name = format!("{prefix}{}", client_name(field));
        match kind {
            ValidationErrorsKind::Field(broken) => out.extend(
                broken
                    .iter()
                    .map(|rule| Detail::new(&name, rule_message(rule), position)),
            ),
            ValidationErrorsKind::Struct(inner) => {
                collect(inner, &format!("{name}."), position, out);
            }
            ValidationErrorsKind::List(entries) => {
                for (index, inner) in entries {
                    collect(inner, &format!("{name}[{index}]."), position, out);
                }
            }
        }
    }
}

/// The rule's own message, else one made from its kind and bounds.
fn rule_message(rule: &ValidationError) -> String {
    if let Some(message) = &rule.message {
        return message.to_string();
    }
    let bound = |name: &str| rule.params.get(name).map(ToString::to_string);
    let (min, max) = (bound("min"), bound("max"));
    let what = match rule.code.as_ref() {
        "length" => "length",
        "range" => "value",
        other => return format!("breaks the {other} rule"),
    };
    match (min, max) {
        (Some(min), Some(max)) => format!("{what} between {min} and {max}"),
        (Some(min), None) => format!("{what} at least {min}"),
        (None, Some(max)) => format!("{what} at most {max}"),
        (None, None) => format!("wrong {what}"),
    }
}

/// The largest JSON body a request may send.
pub(crate) const MAX_JSON_BODY: usize = 1024 * 1024;

pub(crate) fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_JSON_BODY)
        .error_handler(|err, _| match err {
            actix_web::error::JsonPayloadError::Overflow { .. }
            | actix_web::error::JsonPayloadError::OverflowKnownLength { .. } => ApiError::Domain(
                DomainError::TooLarge(format!("the JSON body is over {MAX_JSON_BODY} bytes")),
            )
            .into(),
            other => invalid(
                "Invalid JSON body",
                "body",
                other.to_string(),
                Position::Body,
            )
            .into(),
        })
}

pub(crate) fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        invalid(
            "Invalid query parameter",
            "query",
            err.to_string(),
            Position::Query,
        )
        .into()
    })
}

pub(crate) fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| {
        invalid("Invalid path", "path", err.to_string(), Position::Path).into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn each_error_kind_has_its_status() {
        let table = [
            (DomainError::invalid("x"), 400),
            (DomainError::Unauthorized, 401),
            (DomainError::Forbidden("x".into()), 403),
            (DomainError::NotFound("item"), 404),
            (
                DomainError::Missing {
                    what: "items",
                    ids: vec!["gal_x".into()],
                },
                404,
            ),
            (DomainError::Conflict("x".into()), 409),
            (DomainError::TooLarge("x".into()), 413),
            (DomainError::UnsupportedMedia("x".into()), 415),
            (DomainError::Unprocessable("x".into()), 422),
            (DomainError::Internal("x".into()), 500),
        ];
        for (err, status) in table {
            assert_eq!(status_of(&err).as_u16(), status, "{err:?}");
        }
    }

    #[test]
    fn internal_errors_do_not_leak_their_message() {
        let response =
            ApiError::Domain(DomainError::Internal("password=hunter2".into())).error_response();
        let body = response.into_body().try_into_bytes().unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("\"statusCode\":500"), "{text}");
    }

    #[test]
    fn clients_see_their_own_field_names() {
        assert_eq!(client_name("item_ids"), "itemIds");
        assert_eq!(client_name("expires_in"), "expiresIn");
        assert_eq!(client_name("name"), "name");
    }

    #[test]
    fn a_use_case_refusal_names_fields_as_clients_send_them() {
        let err = ApiError::from(DomainError::invalid_field("expires_in", "one of 1h, 1d"));
        let response = err.error_response();
        assert_eq!(response.status(), 400);
        let body = response.into_body().try_into_bytes().unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"], "Invalid expiresIn");
        assert_eq!(
            body["detail"],
            serde_json::json!([{"field": "expiresIn", "message": "one of 1h, 1d", "position": "body"}])
        );
    }
}
