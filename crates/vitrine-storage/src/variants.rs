//! Rows of `item_variants`: an item's stored renditions and the blobs behind them.

use std::collections::HashMap;

use diesel::prelude::*;
use vitrine_domain::item::{NewVariant, Variant};
use vitrine_domain::Result;

use crate::blob_refs::{reference_blob, release_blob};
use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{blobs, gallery_media, item_variants};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = item_variants)]
pub(crate) struct VariantRow {
    pub(crate) item_id: String,
    pub(crate) variant: String,
    pub(crate) blob_id: String,
    pub(crate) mime: String,
    pub(crate) width: i32,
    pub(crate) height: i32,
    pub(crate) size: i64,
}

/// Records the variants of a new item; returns the keys of copies that were redundant
/// because the same bytes were stored already.
pub(crate) fn insert_variants(
    conn: &mut AnyConnection,
    item_id: &str,
    variants: &[NewVariant],
    at: chrono::NaiveDateTime,
) -> Result<Vec<String>> {
    let mut redundant = Vec::new();
    for variant in variants {
        let (blob_id, object_key) = reference_blob(conn, &variant.blob, at)?;
        if object_key != variant.blob.key {
            redundant.push(variant.blob.key.clone());
        }
        diesel::insert_into(item_variants::table)
            .values(VariantRow {
                item_id: item_id.to_owned(),
                variant: variant.name.to_owned(),
                blob_id,
                mime: variant.mime.to_owned(),
                width: variant.width,
                height: variant.height,
                size: variant.blob.size,
            })
            .execute(conn)
            .map_err(query_err)?;
    }
    Ok(redundant)
}

pub(crate) fn variants_by_item(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<HashMap<String, Vec<Variant>>> {
    let rows = item_variants::table
        .inner_join(blobs::table)
        .filter(item_variants::item_id.eq_any(ids))
        .order((item_variants::item_id, item_variants::variant))
        .select((VariantRow::as_select(), (blobs::object_key, blobs::sha256)))
        .load(conn)
        .map_err(query_err)?;
    Ok(by_item(rows))
}

/// The variants of every item in a gallery, by item: one join, however many there are.
pub(crate) fn variants_in_gallery(
    conn: &mut AnyConnection,
    gallery: &str,
) -> Result<HashMap<String, Vec<Variant>>> {
    let members = gallery_media::table
        .filter(gallery_media::gallery_id.eq(gallery))
        .select(gallery_media::item_id);
    let rows = item_variants::table
        .inner_join(blobs::table)
        .filter(item_variants::item_id.eq_any(members))
        .order((item_variants::item_id, item_variants::variant))
        .select((VariantRow::as_select(), (blobs::object_key, blobs::sha256)))
        .load(conn)
        .map_err(query_err)?;
    Ok(by_item(rows))
}

fn by_item(rows: Vec<(VariantRow, (String, String))>) -> HashMap<String, Vec<Variant>> {
    let mut by_item: HashMap<String, Vec<Variant>> = HashMap::new();
    for (row, blob) in rows {
        by_item
            .entry(row.item_id.clone())
            .or_default()
            .push(to_variant((row, blob)));
    }
    by_item
}

/// A variant row with its blob's object key and SHA-256, as the domain sees it.
pub(crate) fn to_variant((row, (blob_key, sha256)): (VariantRow, (String, String))) -> Variant {
    Variant {
        name: row.variant,
        blob_key,
        sha256,
        mime: row.mime,
        size: row.size,
        width: row.width,
        height: row.height,
    }
}

/// Deletes an item's variant rows and releases their blobs. Returns the bytes they
/// counted in the quota and the object keys no one uses any more.
pub(crate) fn release_variants(
    conn: &mut AnyConnection,
    item_id: &str,
) -> Result<(i64, Vec<String>)> {
    let rows: Vec<(String, i64)> = item_variants::table
        .filter(item_variants::item_id.eq(item_id))
        .select((item_variants::blob_id, item_variants::size))
        .load(conn)
        .map_err(query_err)?;
    diesel::delete(item_variants::table.filter(item_variants::item_id.eq(item_id)))
        .execute(conn)
        .map_err(query_err)?;
    let mut freed = Vec::new();
    let mut bytes = 0;
    for (blob_id, size) in rows {
        bytes += size;
        freed.extend(release_blob(conn, &blob_id)?);
    }
    Ok((bytes, freed))
}
