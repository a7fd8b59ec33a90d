//! A collection listed by nothing but status and type (spec 1's `collection=` with
//! `type=`, spec 5's album), answered from `collection_items` alone: its rows carry their
//! item's status, kind and upload time (migration 000007), so the total is one index
//! range and a page is read off the same index newest first, without visiting thousands
//! of items for their status and kind.

use diesel::prelude::*;
use vitrine_domain::item::{ItemQuery, KindFilter};
use vitrine_domain::CollectionId;
use vitrine_domain::Result;

use super::DbBackend;
use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{collection_items, collections};

/// The total and the page's item IDs, newest first, for a query the planner answers
/// from memberships (`Plan::CollectionMembers`).
pub(crate) fn page(
    conn: &mut AnyConnection,
    owner: &str,
    query: &ItemQuery,
) -> Result<(i64, Vec<String>)> {
    let Some(collection) = query.collection.as_ref() else {
        return Ok((0, Vec::new()));
    };
    // Another user's collection lists nothing: its rows are not scoped by owner.
    let owned = collections::table
        .filter(collections::id.eq(collection.as_str()))
        .filter(collections::user_id.eq(owner))
        .count()
        .get_result::<i64>(conn)
        .map_err(query_err)?
        > 0;
    if !owned || query.effective_kind() == KindFilter::Nothing {
        return Ok((0, Vec::new()));
    }
    let total = members(collection, query)
        .count()
        .get_result(conn)
        .map_err(query_err)?;
    let offset = i64::from(query.page.saturating_sub(1)) * i64::from(query.page_size);
    let ids = if offset >= total {
        Vec::new()
    } else {
        members(collection, query)
            .order((
                collection_items::created_at.desc(),
                collection_items::item_id.desc(),
            ))
            .limit(i64::from(query.page_size))
            .offset(offset)
            .select(collection_items::item_id)
            .load(conn)
            .map_err(query_err)?
    };
    Ok((total, ids))
}

fn members<'a>(
    collection: &'a CollectionId,
    query: &ItemQuery,
) -> collection_items::BoxedQuery<'a, DbBackend> {
    let mut q = collection_items::table
        .filter(collection_items::collection_id.eq(collection.as_str()))
        .into_boxed();
    if let Some(status) = query.status {
        q = q.filter(collection_items::status.eq(status.as_str()));
    }
    if let KindFilter::Only(kind) = query.effective_kind() {
        q = q.filter(collection_items::kind.eq(kind.as_str()));
    }
    q
}
