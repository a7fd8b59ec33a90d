//! The dashboard's scripts, styles and icons, embedded in the binary. They are served under
//! a version made from their contents (`/assets/{version}/{file}`), so a browser keeps them
//! for a year and a new build's pages ask for new URLs; relative imports between the
//! scripts resolve inside the same version.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use vitrine_domain::DomainError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

macro_rules! asset {
    ($name:literal, $type:literal) => {
        Asset {
            name: $name,
            content_type: $type,
            body: include_str!(concat!("../../assets/", $name)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("dashboard.css", "text/css; charset=utf-8"),
    asset!("dashboard.js", "text/javascript; charset=utf-8"),
    asset!("api.js", "text/javascript; charset=utf-8"),
    asset!("grid.js", "text/javascript; charset=utf-8"),
    asset!("item.js", "text/javascript; charset=utf-8"),
    asset!("upload.js", "text/javascript; charset=utf-8"),
    asset!("sections.js", "text/javascript; charset=utf-8"),
    asset!("account.js", "text/javascript; charset=utf-8"),
    asset!("galleries.js", "text/javascript; charset=utf-8"),
    asset!("projects.js", "text/javascript; charset=utf-8"),
    asset!("share.js", "text/javascript; charset=utf-8"),
    asset!("vendor/thumbhash.js", "text/javascript; charset=utf-8"),
    asset!("icon.svg", "image/svg+xml"),
    // The API's docs page (`/api/docs`), not the dashboard's.
    asset!("api-docs.js", "text/javascript; charset=utf-8"),
    asset!(
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "vendor/swagger-ui/swagger-ui.css",
        "text/css; charset=utf-8"
    ),
];

/// Scripts of the API's docs page, which the dashboard never loads.
fn for_api_docs(name: &str) -> bool {
    name == "api-docs.js" || name.starts_with("vendor/swagger-ui/")
}

/// The first 12 hex digits of a SHA-256 over every asset: changes whenever one does.
pub(crate) fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut hash = Sha256::new();
        for asset in ASSETS {
            hash.update(asset.name.as_bytes());
            hash.update([0]);
            hash.update(asset.body.as_bytes());
        }
        hex::encode(hash.finalize())[..12].to_owned()
    })
}

/// The URL a page uses for one of the assets.
pub(crate) fn url(name: &str) -> String {
    format!("/assets/{}/{name}", version())
}

/// The URLs of the scripts the entry script imports, directly or not.
pub(crate) fn modules() -> Vec<String> {
    ASSETS
        .iter()
        .filter(|asset| {
            asset.name.ends_with(".js") && asset.name != "dashboard.js" && !for_api_docs(asset.name)
        })
        .map(|asset| url(asset.name))
        .collect()
}

/// `GET /assets/{version}/{file}`: only the current version; anything else is not ours.
pub(crate) async fn serve(path: web::Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    let (asked_version, name) = path.into_inner();
    let asset = ASSETS
        .iter()
        .find(|asset| asset.name == name && asked_version == version())
        .ok_or(ApiError::Domain(DomainError::NotFound("asset")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, asset.content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header(("x-content-type-options", "nosniff"))
        .body(asset.body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_distinct_name_and_the_version_is_stable() {
        let mut names: Vec<_> = ASSETS.iter().map(|a| a.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ASSETS.len());
        assert_eq!(version().len(), 12);
        assert_eq!(version(), version());
        assert!(url("dashboard.js").ends_with("/dashboard.js"));
    }
}
