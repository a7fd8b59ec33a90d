//! One item whole, in one statement: its row and blob, with its tags, collections and
//! variants as JSON arrays from correlated subqueries. Reading an item is the hottest path
//! there is; on PostgreSQL each statement is a round trip (four of them were most of a
//! GET item's time at 64 connections), on SQLite each starts its own read transaction.

use diesel::expression::{is_aggregate, ValidGrouping};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;
use vitrine_domain::item::{Item, Variant};
use vitrine_domain::{DomainError, Result};

use super::row::{to_item, ItemRow, BLOB_COLUMNS};
use crate::connection::{on_backend, AnyConnection};
use crate::error::query_err;
use crate::schema::{blobs, items};

/// The item's tags, collections and variants as one JSON text `[tags, collections,
/// variants]`; each entry leads with what it is ordered by: a tag `[name_key, name]`, a
/// collection `[added_at, id]`, a variant `[name, mime, width, height, size, blob key,
/// sha256]`. PostgreSQL orders them in the statement. SQLite orders an aggregate through a
/// temporary B-tree opened and closed on every call (a tenth of a GET item's CPU), so
/// there they come unordered and `load_item` sorts them: SQLite's text order is the bytes',
/// like Rust's. A type of its own rather than `diesel::dsl::sql`, because diesel keeps a
/// statement prepared only when it can tell it by its type.
#[derive(Debug, Clone, Copy, QueryId)]
pub(crate) struct ItemArrays;

impl Expression for ItemArrays {
    type SqlType = Text;
}

impl<QS> SelectableExpression<QS> for ItemArrays {}

impl<QS> AppearsOnTable<QS> for ItemArrays {}

impl<GB> ValidGrouping<GB> for ItemArrays {
    type IsAggregate = is_aggregate::Never;
}

impl QueryFragment<Sqlite> for ItemArrays {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        // A subquery's result loses its JSON subtype: json() reads each array back as one.
        out.push_sql(
            "json_array(\
               json((SELECT json_group_array(json_array(t.name_key, t.name)) \
                 FROM item_tags it JOIN tags t ON t.id = it.tag_id \
                 WHERE it.item_id = items.id)), \
               json((SELECT json_group_array(json_array(ci.added_at, ci.collection_id)) \
                 FROM collection_items ci WHERE ci.item_id = items.id)), \
               json((SELECT json_group_array(json_array(v.variant, v.mime, v.width, v.height, \
                   v.size, b.object_key, b.sha256)) \
                 FROM item_variants v JOIN blobs b ON b.id = v.blob_id \
                 WHERE v.item_id = items.id)))",
        );
        Ok(())
    }
}

impl QueryFragment<Pg> for ItemArrays {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // json_agg over no rows is NULL, not an empty array.
        out.push_sql(
            "json_build_array(\
               COALESCE((SELECT json_agg(json_build_array(t.name_key, t.name) ORDER BY t.name_key) \
                 FROM item_tags it JOIN tags t ON t.id = it.tag_id \
                 WHERE it.item_id = items.id), '[]'), \
               COALESCE((SELECT json_agg(json_build_array(ci.added_at, ci.collection_id) \
                   ORDER BY ci.added_at, ci.collection_id) \
                 FROM collection_items ci WHERE ci.item_id = items.id), '[]'), \
               COALESCE((SELECT json_agg(json_build_array(v.variant, v.mime, v.width, v.height, \
                   v.size, b.object_key, b.sha256) ORDER BY v.variant) \
                 FROM item_variants v JOIN blobs b ON b.id = v.blob_id \
                 WHERE v.item_id = items.id), '[]'))::text",
        );
        Ok(())
    }
}

/// A variant as its array holds it: name, mime, width, height, size, blob key, sha256.
type VariantLine = (String, String, i32, i32, i64, String, String);

/// `ItemArrays` read back: tags and collections each after their sort key.
type Arrays = (
    Vec<(String, String)>,
    Vec<(String, String)>,
    Vec<VariantLine>,
);

/// Loads one item; `owner` limits it to that user's items (another's answers 404).
pub(crate) fn load_item(conn: &mut AnyConnection, owner: Option<&str>, id: &str) -> Result<Item> {
    let ordered = matches!(conn, AnyConnection::Pg(_));
    let found = on_backend!(conn, |conn| {
        let query = items::table
            .inner_join(blobs::table)
            .filter(items::id.eq(id))
            .select((ItemRow::as_select(), BLOB_COLUMNS, ItemArrays));
        match owner {
            Some(owner) => {
                query
                    .filter(items::user_id.eq(owner))
                    .get_result::<(ItemRow, (String, String, String), String)>(conn)
            }
            None => query.get_result(conn),
        }
        .optional()
    })
    .map_err(query_err)?
    .ok_or(DomainError::NotFound("item"))?;
    let (row, blob, arrays) = found;
    whole_item(row, blob, &arrays, ordered)
}

/// An item from its row, its blob's columns and its `ItemArrays`; `ordered` says the
/// backend ordered the arrays (PostgreSQL), else they are sorted here.
pub(crate) fn whole_item(
    row: ItemRow,
    blob: (String, String, String),
    arrays: &str,
    ordered: bool,
) -> Result<Item> {
    let (mut tags, mut collections, mut variants): Arrays =
        serde_json::from_str(arrays).map_err(DomainError::internal)?;
    if !ordered {
        tags.sort_unstable();
        collections.sort_unstable();
        variants.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }
    let tags = tags.into_iter().map(|(_, name)| name).collect();
    let collections = collections.into_iter().map(|(_, id)| id).collect();
    let variants = variants
        .into_iter()
        .map(
            |(name, mime, width, height, size, blob_key, sha256)| Variant {
                name,
                blob_key,
                sha256,
                mime,
                size,
                width,
                height,
            },
        )
        .collect();
    to_item(row, blob, tags, collections, variants)
}
