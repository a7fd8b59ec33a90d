//! One module per resource, each with its own `configure`.

pub mod admin;
pub(crate) mod archive;
pub mod auth;
pub mod by_project;
pub mod categories;
pub(crate) mod filters;
pub mod galleries;
pub mod gallery;
pub mod health;
pub mod images;
pub mod keys;
pub mod media;
pub mod projects;
pub mod published;
pub mod share;
mod stream;
pub mod table;
pub mod upload_v1;

use actix_web::{guard, web, HttpResponse};
use vitrine_domain::DomainError;

use crate::error::ApiError;
use table::Routes;

/// Every route, in the order actix tries them.
pub(crate) fn register(routes: &mut Routes) {
    health::configure(routes);
    routes.get("/metrics", crate::metrics::serve);
    crate::openapi::configure(routes);
    admin::configure(routes);
    auth::configure(routes);
    keys::configure(routes);
    gallery::configure(routes);
    galleries::configure(routes);
    projects::configure(routes);
    by_project::configure(routes);
    categories::configure(routes);
    images::configure(routes);
    media::configure(routes);
    published::configure(routes);
    share::configure(routes);
    upload_v1::configure(routes);
    crate::dashboard::configure(routes);
}

/// Downloads answer `HEAD` like `GET`, without the body.
pub(crate) fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

pub(crate) async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::Domain(DomainError::NotFound("route")))
}
