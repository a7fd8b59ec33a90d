//! The one stored file a signed URL serves (`/media/{id}/{variant}`), in one statement:
//! the thumbs of a page are fetched by the dozen, and loading each whole item with its
//! tags, collections and variants took four.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::item::MediaFile;
use vitrine_domain::{DomainError, Result};

use crate::connection::{on_backend, AnyConnection};
use crate::error::query_err;
use crate::schema::{blobs, item_variants, items};

/// What both files share: the item's state and name, and the blob's key and hash.
type Common = (
    items::status,
    items::expires_at,
    items::original_filename,
    blobs::object_key,
    blobs::sha256,
);
const COMMON: Common = (
    items::status,
    items::expires_at,
    items::original_filename,
    blobs::object_key,
    blobs::sha256,
);

type Line = (
    (String, Option<NaiveDateTime>, String, String, String),
    String,
    i64,
);

/// The item's original (`variant` `None`) or its named variant, whoever owns it.
pub(super) fn media_file(
    conn: &mut AnyConnection,
    id: &str,
    variant: Option<&str>,
) -> Result<MediaFile> {
    let line: Option<Line> = on_backend!(conn, |conn| match variant {
        None => items::table
            .inner_join(blobs::table)
            .filter(items::id.eq(id))
            .select((COMMON, items::mime, items::size))
            .first(conn),
        Some(name) => item_variants::table
            .inner_join(blobs::table)
            .inner_join(items::table)
            .filter(item_variants::item_id.eq(id))
            .filter(item_variants::variant.eq(name))
            .select((COMMON, item_variants::mime, item_variants::size))
            .first(conn),
    }
    .optional())
    .map_err(query_err)?;
    let Some(((status, expires_at, original_filename, blob_key, sha256), mime, size)) = line else {
        return Err(DomainError::NotFound(if variant.is_some() {
            "variant"
        } else {
            "item"
        }));
    };
    Ok(MediaFile {
        status: status.parse()?,
        expires_at,
        original_filename,
        variant: variant.map(str::to_owned),
        blob_key,
        sha256,
        mime,
        size,
    })
}
