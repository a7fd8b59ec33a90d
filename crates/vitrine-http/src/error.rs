//! Every error under `/api/v1`, `/images` and `/gallery` is this one JSON shape:
//! `{"error": "...", "statusCode": 400, "detail": [{"field", "message", "position"}]}`.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse, ResponseError};
use serde::Serialize;
use vitrine_domain::{DomainError, FieldError};

#[derive(Debug)]
pub struct ApiError(pub DomainError);

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        ApiError(err)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The one place a domain error becomes a status.
pub fn status_of(err: &DomainError) -> StatusCode {
    match err {
        DomainError::Invalid { .. } => StatusCode::BAD_REQUEST,
        DomainError::Unauthorized => StatusCode::UNAUTHORIZED,
        DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
        DomainError::NotFound(_) | DomainError::Missing { .. } => StatusCode::NOT_FOUND,
        DomainError::Conflict(_) => StatusCode::CONFLICT,
        DomainError::Gone(_) => StatusCode::GONE,
        DomainError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        DomainError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        DomainError::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        DomainError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
        DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[derive(Serialize)]
struct Detail<'a> {
    field: &'a str,
    message: &'a str,
    position: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    error: String,
    status_code: u16,
    detail: Vec<Detail<'a>>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(&self.0)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let error = match &self.0 {
            DomainError::Internal(message) => {
                // Internals go to the log under an id the client can quote, never to the body.
                let request = crate::request_id::current()
                    .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
                tracing::error!(request_id = %request, error = %message, "internal error");
                format!("Internal server error (request {request})")
            }
            other => other.to_string(),
        };
        let detail = match &self.0 {
            DomainError::Invalid { detail, .. } => detail
                .iter()
                .map(|d: &FieldError| Detail {
                    field: &d.field,
                    message: &d.message,
                    position: d.position,
                })
                .collect(),
            DomainError::Missing { ids, .. } => ids
                .iter()
                .map(|id| Detail {
                    field: "itemIds",
                    message: id,
                    position: "body",
                })
                .collect(),
            _ => Vec::new(),
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

/// A 400 whose detail names one field.
pub fn invalid(
    message: &str,
    field: &str,
    why: impl Into<String>,
    position: &'static str,
) -> ApiError {
    ApiError(DomainError::invalid_field(
        message,
        FieldError::new(field, why, position),
    ))
}

/// Parses a JSON body after authentication has run: with `web::Json` as an extractor a
/// malformed body would answer 400 before an unauthenticated caller got their 401.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(bytes).map_err(|err| {
        ApiError(DomainError::invalid_field(
            "Invalid JSON body",
            FieldError::new("body", err.to_string(), "body"),
        ))
    })
}

pub(crate) fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(1024 * 1024)
        .error_handler(|err, _| {
            ApiError(DomainError::invalid_field(
                "Invalid JSON body",
                FieldError::new("body", err.to_string(), "body"),
            ))
            .into()
        })
}

pub(crate) fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        ApiError(DomainError::invalid_field(
            "Invalid query parameter",
            FieldError::new("query", err.to_string(), "query"),
        ))
        .into()
    })
}

pub(crate) fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| {
        ApiError(DomainError::invalid_field(
            "Invalid path",
            FieldError::new("path", err.to_string(), "path"),
        ))
        .into()
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
        let response = ApiError(DomainError::Internal("password=hunter2".into())).error_response();
        let body = response.into_body().try_into_bytes().unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("\"statusCode\":500"), "{text}");
    }
}
