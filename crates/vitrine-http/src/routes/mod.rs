//! One module per resource, each with its own `configure`.

pub mod auth;
mod filters;
pub mod gallery;
pub mod health;
pub mod images;
pub mod media;
mod stream;

use actix_web::HttpResponse;
use vitrine_domain::DomainError;

use crate::error::ApiError;

pub(crate) async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError(DomainError::NotFound("route")))
}
