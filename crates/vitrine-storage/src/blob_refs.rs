//! Blob rows: one per distinct content, shared by every item and variant with those
//! bytes through a reference count.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::item::StoredBlob;
use vitrine_domain::Result;

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::blobs;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = blobs)]
pub(crate) struct BlobRow {
    id: String,
    sha256: String,
    md5: String,
    size: i64,
    object_key: String,
    ref_count: i64,
    created_at: NaiveDateTime,
}

/// References the blob with these bytes, recording it when it is new.
/// Returns the row's (id, object key): an existing copy wins over the one just written.
pub(crate) fn reference_blob(
    conn: &mut AnyConnection,
    blob: &StoredBlob,
    at: NaiveDateTime,
) -> Result<(String, String)> {
    let row = BlobRow {
        id: blob.id.to_string(),
        sha256: blob.sha256.clone(),
        md5: blob.md5.clone(),
        size: blob.size,
        object_key: blob.key.clone(),
        ref_count: 1,
        created_at: at,
    };
    let bump = blobs::ref_count.eq(blobs::ref_count + 1);
    let returned = (blobs::id, blobs::object_key);
    // ON CONFLICT is spelled the same on both backends but is not available on the
    // multi-connection itself, so each backend runs it on its own connection type.
    match conn {
        AnyConnection::Pg(c) => diesel::insert_into(blobs::table)
            .values(&row)
            .on_conflict(blobs::sha256)
            .do_update()
            .set(bump)
            .returning(returned)
            .get_result(c),
        AnyConnection::Sqlite(c) => diesel::insert_into(blobs::table)
            .values(&row)
            .on_conflict(blobs::sha256)
            .do_update()
            .set(bump)
            .returning(returned)
            .get_result(c),
    }
    .map_err(query_err)
}

/// Drops one reference to a blob; when it was the last, deletes the row and returns the
/// object key so the caller can delete the bytes.
pub(crate) fn release_blob(conn: &mut AnyConnection, blob_id: &str) -> Result<Option<String>> {
    diesel::update(blobs::table.find(blob_id))
        .set(blobs::ref_count.eq(blobs::ref_count - 1))
        .execute(conn)
        .map_err(query_err)?;
    let (count, key): (i64, String) = blobs::table
        .find(blob_id)
        .select((blobs::ref_count, blobs::object_key))
        .first(conn)
        .map_err(query_err)?;
    if count > 0 {
        return Ok(None);
    }
    diesel::delete(blobs::table.find(blob_id))
        .execute(conn)
        .map_err(query_err)?;
    Ok(Some(key))
}

/// Those of `keys` a blob row references.
pub(crate) fn referenced_object_keys(
    conn: &mut AnyConnection,
    keys: &[String],
) -> Result<Vec<String>> {
    blobs::table
        .filter(blobs::object_key.eq_any(keys))
        .select(blobs::object_key)
        .load(conn)
        .map_err(query_err)
}
