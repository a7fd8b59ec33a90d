//! Spec 5's side of an item: its public-link code, the views of its page, its expiry.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::{ItemId, Result, UserId};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::items;

pub(super) fn item_by_link(conn: &mut AnyConnection, code: &str) -> Result<Option<ItemId>> {
    items::table
        .filter(items::link_code.eq(code))
        .select(items::id)
        .first::<String>(conn)
        .optional()
        .map(|id| id.map(ItemId::from))
        .map_err(query_err)
}

/// One statement, so views at once all count.
pub(super) fn count_view(conn: &mut AnyConnection, code: &str) -> Result<()> {
    diesel::update(items::table.filter(items::link_code.eq(code)))
        .set(items::link_views.eq(items::link_views + 1))
        .execute(conn)
        .map(drop)
        .map_err(query_err)
}

pub(super) fn expired_before(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<(UserId, ItemId)>> {
    let rows: Vec<(String, String)> = items::table
        .filter(items::expires_at.le(now))
        .order(items::expires_at)
        .limit(limit)
        .select((items::user_id, items::id))
        .load(conn)
        .map_err(query_err)?;
    Ok(owners_and_ids(rows))
}

/// `(user_id, id)` rows as the domain names them: the batches the purging jobs walk.
pub(super) fn owners_and_ids(rows: Vec<(String, String)>) -> Vec<(UserId, ItemId)> {
    rows.into_iter()
        .map(|(owner, id)| (UserId::from(owner), ItemId::from(id)))
        .collect()
}
