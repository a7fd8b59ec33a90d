//! The listing planner: how a query is answered, decided from the query and what a few
//! counter rows said, with no database access. `mod.rs` reads the counters, asks here,
//! and runs the answer; the table tests below pin every choice.
//!
//! The choices, cheapest first:
//! - nothing can match (an include tag the user does not have, a type and a MIME prefix
//!   that disagree): no query at all;
//! - a collection by status and type alone: `collection_items` carries both, so its own
//!   index gives the total and the page (`collection.rs`);
//! - tags that narrow the listing to at most `TAGGED_ITEMS_LIMIT` items: `item_tags`
//!   lists those candidates newest first (`tag_plan.rs`), and the other filters check only them;
//! - words and nothing else on PostgreSQL: one query counts and pages the matches
//!   (`text_search.rs`);
//! - otherwise a total (from the counters kept by triggers when every filter is one they
//!   are keyed by, else counted) and then the page, reached the cheaper of two ways
//!   (`access`).

use vitrine_domain::item::{ItemQuery, KindFilter, MimeFilter};

use super::Dialect;

/// The most candidates taken from `item_tags`. Above it, their IDs would cost more to
/// carry into the page query than probing the listing's own rows.
pub(crate) const TAGGED_ITEMS_LIMIT: i64 = 10_000;

/// What the listing read before planning: its tags, resolved and counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    /// Items carrying each include tag in the listed status, rarest first.
    pub(crate) include_tags: Vec<i64>,
    /// Exclude tags the user has (one they do not have excludes nothing).
    pub(crate) exclude_tags: usize,
    /// An include tag the user does not have.
    pub(crate) unknown_tag: bool,
    /// Spec 2's `q` also names one of the user's tags.
    pub(crate) search_tag: bool,
    /// How many items carry the tags, when `item_tags` listed them (see `wants_candidates`).
    pub(crate) candidates: Option<usize>,
    /// Some of the user's items have expired (spec 5) and await the sweeper: no counter
    /// or side index knows, so every match is checked and counted in `items`.
    pub(crate) expired_pending: bool,
}

/// How a listing is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    Nothing,
    CollectionMembers,
    /// The tags' candidates, checked against the other filters unless there are none;
    /// the total is their number.
    Candidates {
        tags_only: bool,
    },
    /// PostgreSQL: words are the only filter besides status.
    WordsPage,
    CountThenPage(Total),
}

/// Where the total comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Total {
    /// One tag and status: that tag's counter.
    OneTag(i64),
    /// Status, folder, type and favorite: a sum over `item_counts`.
    Counters,
    /// Size bounds with status and type: whole size classes from `item_size_counts`.
    SizeClasses,
    /// SQLite, words and status: counted inside the text index.
    TextIndex,
    /// Counted in `items`, starting from the fewest candidates.
    Rows,
}

/// How the page query reaches its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Access {
    pub(crate) tags: TagAccess,
    /// Matches are common: walk the user's items newest first rather than use a
    /// filter's own index.
    pub(crate) walk_by_date: bool,
}

impl Access {
    /// Every match is visited (a total, or all candidates): start from the fewest.
    pub(crate) const FROM_CANDIDATES: Access = Access {
        tags: TagAccess::FromRarestTag,
        walk_by_date: false,
    };
    /// No filter with a choice: the listing's own order.
    const PLAIN: Access = Access {
        tags: TagAccess::ProbeEachItem,
        walk_by_date: false,
    };
}

/// Where a page filtered by tags starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagAccess {
    /// `items.id IN (items of the rarest tag)`, then sort: best when that tag is rare.
    FromRarestTag,
    /// Walk the user's items newest first and probe each: best when matches are common.
    ProbeEachItem,
}

pub(crate) fn plan(query: &ItemQuery, dialect: Dialect, counters: &Counters) -> Plan {
    if counters.expired_pending {
        return match counters.unknown_tag || query.effective_kind() == KindFilter::Nothing {
            true => Plan::Nothing,
            false => Plan::CountThenPage(Total::Rows),
        };
    }
    if collection_members_answer(query) {
        return Plan::CollectionMembers;
    }
    if counters.unknown_tag || query.effective_kind() == KindFilter::Nothing {
        return Plan::Nothing;
    }
    if counters.candidates.is_some() {
        return Plan::Candidates {
            tags_only: tags_only(query),
        };
    }
    if dialect == Dialect::Postgres && text_only(query, counters) {
        return Plan::WordsPage;
    }
    Plan::CountThenPage(total(query, dialect, counters))
}

/// Whether to ask `item_tags` for the tags' candidates: they may be few (two tags, an
/// exclusion, or one tag under the limit) and no counter gives the total outright.
pub(crate) fn wants_candidates(query: &ItemQuery, counters: &Counters) -> bool {
    let Some(rarest) = counters.include_tags.first() else {
        return false;
    };
    let narrows = counters.include_tags.len() > 1
        || counters.exclude_tags > 0
        || *rarest <= TAGGED_ITEMS_LIMIT;
    !counters.unknown_tag
        && !counters.expired_pending
        && one_tag_total(query, counters).is_none()
        && narrows
}

/// Whether SQLite's text index is searched, so the owner's part of it is needed.
pub(crate) fn searches_text_index(query: &ItemQuery, dialect: Dialect) -> bool {
    dialect == Dialect::Sqlite && has_words(query)
}

/// Whether `access` weighs the two ways to a page, which needs the number of items listed
/// by status alone. Only tag, size and (on SQLite) text filters have a choice to make.
pub(crate) fn access_needs_listed(
    query: &ItemQuery,
    dialect: Dialect,
    counters: &Counters,
) -> bool {
    !counters.include_tags.is_empty()
        || query.min_size.is_some()
        || query.max_size.is_some()
        || searches_text_index(query, dialect)
}

/// How the page reaches its rows, for `wanted` rows (offset + page size) of `total`
/// matches among `listed` items in the status. Walking newest first visits about
/// `wanted / share` rows; reading every match through another index and sorting visits
/// `total`. A text match is checked on the index entry alone (its rowid), which costs
/// about a quarter of reading a row: 4 ms instead of 9 for two words matching 4,000 of a
/// million items.
pub(crate) fn access(
    query: &ItemQuery,
    dialect: Dialect,
    counters: &Counters,
    wanted: i64,
    listed: i64,
    total: i64,
) -> Access {
    if !access_needs_listed(query, dialect, counters) {
        return Access::PLAIN;
    }
    let sized = query.min_size.is_some() || query.max_size.is_some();
    let entry_cost = if searches_text_index(query, dialect) && !sized {
        1
    } else {
        4
    };
    let walked = i128::from(wanted) * i128::from(listed) * entry_cost;
    Access {
        tags: tag_access(&counters.include_tags, wanted, listed),
        walk_by_date: walked < 4 * i128::from(total) * i128::from(total),
    }
}

/// The cheaper way to fill a page filtered by tags: walking `wanted / share` items newest
/// first, or reading every item of the rarest tag and sorting them. Tags are taken as
/// independent: the share carrying all of them is the product of their shares.
fn tag_access(include_tags: &[i64], wanted: i64, listed: i64) -> TagAccess {
    let Some(rarest) = include_tags.first() else {
        return TagAccess::ProbeEachItem;
    };
    if listed <= 0 {
        return TagAccess::FromRarestTag;
    }
    let share: f64 = include_tags
        .iter()
        .map(|n| (*n as f64 / listed as f64).min(1.0))
        .product();
    let walked = wanted as f64 / share.max(f64::MIN_POSITIVE);
    if walked < *rarest as f64 {
        TagAccess::ProbeEachItem
    } else {
        TagAccess::FromRarestTag
    }
}

fn total(query: &ItemQuery, dialect: Dialect, counters: &Counters) -> Total {
    if let Some(n) = one_tag_total(query, counters) {
        Total::OneTag(n)
    } else if countable_from_counters(query) {
        Total::Counters
    } else if countable_by_size(query) {
        Total::SizeClasses
    } else if dialect == Dialect::Sqlite && text_only(query, counters) {
        Total::TextIndex
    } else {
        Total::Rows
    }
}

/// The tag's counter, when one tag is the only filter besides status.
fn one_tag_total(query: &ItemQuery, counters: &Counters) -> Option<i64> {
    let one_tag = counters.include_tags.len() == 1 && counters.exclude_tags == 0;
    let bare = ItemQuery {
        status: query.status,
        tags: query.tags.clone(),
        exclude_tags: query.exclude_tags.clone(),
        page: query.page,
        page_size: query.page_size,
        ..ItemQuery::default()
    };
    (one_tag && *query == bare).then(|| counters.include_tags[0])
}

/// Whether every filter is one `item_counts` is keyed by: status, folder, type (also as a
/// kind-wide MIME prefix) and favorite.
fn countable_from_counters(query: &ItemQuery) -> bool {
    let bare = ItemQuery {
        status: query.status,
        folder: query.folder.clone(),
        kind: query.kind,
        mime: kind_prefix(query),
        favorite: query.favorite,
        page: query.page,
        page_size: query.page_size,
        ..ItemQuery::default()
    };
    *query == bare
}

/// Whether the total can come from the size classes: a size bound, and besides it
/// nothing but status and type.
fn countable_by_size(query: &ItemQuery) -> bool {
    let bare = ItemQuery {
        status: query.status,
        kind: query.kind,
        mime: kind_prefix(query),
        min_size: query.min_size,
        max_size: query.max_size,
        page: query.page,
        page_size: query.page_size,
        ..ItemQuery::default()
    };
    (query.min_size.is_some() || query.max_size.is_some()) && *query == bare
}

/// A collection with nothing but status and type, which `collection_items` carries.
fn collection_members_answer(query: &ItemQuery) -> bool {
    let bare = ItemQuery {
        status: query.status,
        kind: query.kind,
        mime: kind_prefix(query),
        collection: query.collection.clone(),
        page: query.page,
        page_size: query.page_size,
        ..ItemQuery::default()
    };
    query.collection.is_some() && *query == bare
}

/// Whether tags and status are the only filters.
fn tags_only(query: &ItemQuery) -> bool {
    *query
        == ItemQuery {
            status: query.status,
            tags: query.tags.clone(),
            exclude_tags: query.exclude_tags.clone(),
            page: query.page,
            page_size: query.page_size,
            ..ItemQuery::default()
        }
}

/// Whether words and status are the only filters (and, for spec 2's `q`, no tag is named
/// like the query, which would match too).
fn text_only(query: &ItemQuery, counters: &Counters) -> bool {
    let bare = ItemQuery {
        status: query.status,
        search: query.search.clone(),
        page: query.page,
        page_size: query.page_size,
        ..ItemQuery::default()
    };
    has_words(query) && *query == bare && !counters.search_tag
}

fn has_words(query: &ItemQuery) -> bool {
    query.search.as_ref().is_some_and(|s| !s.words.is_empty())
}

/// The query's MIME filter when it only names a kind (`image/`, `video/`), which the
/// counters and memberships carry as the kind.
fn kind_prefix(query: &ItemQuery) -> Option<MimeFilter> {
    match &query.mime {
        Some(MimeFilter::Prefix(prefix)) if prefix == "image/" || prefix == "video/" => {
            query.mime.clone()
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
