//! An item's tags: the user's tags are made on first use, by name case-insensitively.

use diesel::prelude::*;
use vitrine_domain::tags::tag_key;
use vitrine_domain::Result;

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{item_tags, tags};

/// Replaces an item's tags, creating the user's tags that do not exist yet.
pub(crate) fn set_tags(
    conn: &mut AnyConnection,
    owner: &str,
    item_id: &str,
    names: &[String],
) -> Result<()> {
    diesel::delete(item_tags::table.filter(item_tags::item_id.eq(item_id)))
        .execute(conn)
        .map_err(query_err)?;
    attach_tags(conn, owner, item_id, names)
}

/// Adds tags to an item, keeping the ones it has.
pub(crate) fn attach_tags(
    conn: &mut AnyConnection,
    owner: &str,
    item_id: &str,
    names: &[String],
) -> Result<()> {
    for name in names {
        let row = (
            tags::id.eq(vitrine_domain::ids::TagId::generate().to_string()),
            tags::user_id.eq(owner),
            tags::name.eq(name),
            tags::name_key.eq(tag_key(name)),
        );
        // A get-or-create by select-then-insert races on PostgreSQL; the upsert does not.
        match conn {
            AnyConnection::Pg(c) => diesel::insert_into(tags::table)
                .values(row)
                .on_conflict((tags::user_id, tags::name_key))
                .do_nothing()
                .execute(c),
            AnyConnection::Sqlite(c) => diesel::insert_into(tags::table)
                .values(row)
                .on_conflict((tags::user_id, tags::name_key))
                .do_nothing()
                .execute(c),
        }
        .map_err(query_err)?;
        let tag_id: String = tags::table
            .filter(tags::user_id.eq(owner))
            .filter(tags::name_key.eq(tag_key(name)))
            .select(tags::id)
            .first(conn)
            .map_err(query_err)?;
        let link = (item_tags::item_id.eq(item_id), item_tags::tag_id.eq(tag_id));
        match conn {
            AnyConnection::Pg(c) => diesel::insert_into(item_tags::table)
                .values(link)
                .on_conflict_do_nothing()
                .execute(c),
            AnyConnection::Sqlite(c) => diesel::insert_into(item_tags::table)
                .values(link)
                .on_conflict_do_nothing()
                .execute(c),
        }
        .map_err(query_err)?;
    }
    Ok(())
}
