//! A collection listed by nothing but status and type (spec 1's `collection=` with
//! `type=`, spec 5's album), answered from `collection_items` alone: its rows carry their
//! item's status, kind and upload time (migration 000007), so the total is one index
//! range and a page is read off the same index newest first, without visiting thousands
//! of items for their status and kind.

use diesel::prelude::*;
use vitrine_domain::item::{ItemQuery, KindFilter, MimeFilter};
use vitrine_domain::CollectionId;
use vitrine_domain::Result;

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::listing::DbBackend;
use crate::schema::{collection_items, collections};

/// The total and the page's item IDs, newest first; `None` when the query has a filter
/// this index cannot answer.
pub(crate) fn page(
    conn: &mut AnyConnection,
    owner: &str,
    query: &ItemQuery,
) -> Result<Option<(i64, Vec<String>)>> {
    let Some(collection) = query.collection.as_ref().filter(|_| answerable(query)) else {
        return Ok(None);
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
        return Ok(Some((0, Vec::new())));
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
    Ok(Some((total, ids)))
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

/// Whether every filter besides the collection is one `collection_items` carries.
fn answerable(query: &ItemQuery) -> bool {
    let kind_like_mime = match &query.mime {
        Some(MimeFilter::Prefix(prefix)) if prefix == "image/" || prefix == "video/" => {
            Some(MimeFilter::Prefix(prefix.clone()))
        }
        _ => None,
    };
    let bare = ItemQuery {
        status: query.status,
        kind: query.kind,
        mime: kind_like_mime,
        collection: query.collection.clone(),
        page: query.page,
        page_size: query.page_size,
        ..ItemQuery::default()
    };
    bare == *query
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_domain::item::{FolderFilter, MediaKind};

    #[test]
    fn only_status_and_type_besides_the_collection_are_answered_from_memberships() {
        let in_collection = ItemQuery {
            collection: Some(CollectionId::from("col_x".to_owned())),
            kind: Some(MediaKind::Image),
            status: None,
            ..ItemQuery::default()
        };
        assert!(answerable(&in_collection));
        let with_video_prefix = ItemQuery {
            mime: Some(MimeFilter::Prefix("video/".into())),
            ..in_collection.clone()
        };
        assert!(answerable(&with_video_prefix));
        let with_folder = ItemQuery {
            folder: FolderFilter::Root,
            ..in_collection.clone()
        };
        assert!(!answerable(&with_folder));
        let with_favorite = ItemQuery {
            favorite: Some(true),
            ..in_collection
        };
        assert!(!answerable(&with_favorite));
    }
}
