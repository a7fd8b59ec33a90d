//! One item whole: its row and blob, tags, collections and variants. Every statement here
//! is a fixed diesel query with the ID as a bind, so each connection prepares it once
//! and keeps it (a list's `IN (…)` is prepared again on every call on SQLite); reading an
//! item is the hottest path there is.

use diesel::prelude::*;
use vitrine_domain::item::Item;
use vitrine_domain::{DomainError, Result};

use super::row::{to_item, ItemRow, BLOB_COLUMNS};
use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{blobs, collection_items, item_tags, item_variants, items, tags};
use crate::variants::{to_variant, VariantRow};

/// Loads one item; `owner` limits it to that user's items (another's answers 404).
pub(crate) fn load_item(conn: &mut AnyConnection, owner: Option<&str>, id: &str) -> Result<Item> {
    let found = items::table
        .inner_join(blobs::table)
        .filter(items::id.eq(id))
        .select((ItemRow::as_select(), BLOB_COLUMNS));
    let (row, blob) = match owner {
        Some(owner) => found
            .filter(items::user_id.eq(owner))
            .first::<(ItemRow, (String, String, String))>(conn),
        None => found.first(conn),
    }
    .optional()
    .map_err(query_err)?
    .ok_or(DomainError::NotFound("item"))?;
    let tags = item_tags::table
        .inner_join(tags::table)
        .filter(item_tags::item_id.eq(id))
        .order(tags::name_key)
        .select(tags::name)
        .load(conn)
        .map_err(query_err)?;
    let collections = collection_items::table
        .filter(collection_items::item_id.eq(id))
        .order((collection_items::added_at, collection_items::collection_id))
        .select(collection_items::collection_id)
        .load(conn)
        .map_err(query_err)?;
    let variants = item_variants::table
        .inner_join(blobs::table)
        .filter(item_variants::item_id.eq(id))
        .order(item_variants::variant)
        .select((VariantRow::as_select(), (blobs::object_key, blobs::sha256)))
        .load::<(VariantRow, (String, String))>(conn)
        .map_err(query_err)?
        .into_iter()
        .map(to_variant)
        .collect();
    to_item(row, blob, tags, collections, variants)
}
