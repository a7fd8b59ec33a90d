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
    !counters.unknown_tag && one_tag_total(query, counters).is_none() && narrows
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
mod tests {
    use chrono::NaiveDate;
    use vitrine_domain::item::{FolderFilter, ItemStatus, MediaKind, SearchScope, TextSearch};
    use vitrine_domain::{CollectionId, FolderId};

    use super::*;

    fn words(raw: &str, scope: SearchScope) -> Option<TextSearch> {
        TextSearch::parse(raw, scope)
    }

    fn tagged(counts: &[i64]) -> Counters {
        Counters {
            include_tags: counts.to_vec(),
            ..Counters::default()
        }
    }

    fn tags(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    /// (what, query, counters, plan on SQLite, plan on PostgreSQL)
    fn plan_table() -> Vec<(&'static str, ItemQuery, Counters, Plan, Plan)> {
        let active = ItemQuery {
            status: Some(ItemStatus::Active),
            ..ItemQuery::default()
        };
        let counted = Plan::CountThenPage(Total::Counters);
        let rows = Plan::CountThenPage(Total::Rows);
        let day = |d| {
            NaiveDate::from_ymd_opt(2025, 3, d)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .unwrap()
        };
        vec![
            (
                "the default listing",
                active.clone(),
                Counters::default(),
                counted,
                counted,
            ),
            (
                "a folder, images, favorites",
                ItemQuery {
                    folder: FolderFilter::In(FolderId::from("fld_a".to_owned())),
                    kind: Some(MediaKind::Image),
                    favorite: Some(true),
                    ..active.clone()
                },
                Counters::default(),
                counted,
                counted,
            ),
            (
                "a kind-wide MIME prefix counts as the type",
                ItemQuery {
                    mime: Some(MimeFilter::Prefix("video/".into())),
                    ..active.clone()
                },
                Counters::default(),
                counted,
                counted,
            ),
            (
                "another MIME prefix is counted in rows",
                ItemQuery {
                    mime: Some(MimeFilter::Prefix("application/".into())),
                    ..active.clone()
                },
                Counters::default(),
                rows,
                rows,
            ),
            (
                "a type and a MIME prefix that disagree",
                ItemQuery {
                    kind: Some(MediaKind::Image),
                    mime: Some(MimeFilter::Prefix("video/".into())),
                    ..active.clone()
                },
                Counters::default(),
                Plan::Nothing,
                Plan::Nothing,
            ),
            (
                "an include tag the user does not have",
                ItemQuery {
                    tags: tags(&["nope"]),
                    ..active.clone()
                },
                Counters {
                    unknown_tag: true,
                    ..Counters::default()
                },
                Plan::Nothing,
                Plan::Nothing,
            ),
            (
                "one tag alone: its counter",
                ItemQuery {
                    tags: tags(&["t05"]),
                    ..active.clone()
                },
                tagged(&[46_937]),
                Plan::CountThenPage(Total::OneTag(46_937)),
                Plan::CountThenPage(Total::OneTag(46_937)),
            ),
            (
                "one tag in a folder, too common for candidates",
                ItemQuery {
                    tags: tags(&["t05"]),
                    folder: FolderFilter::Root,
                    ..active.clone()
                },
                tagged(&[46_937]),
                rows,
                rows,
            ),
            (
                "two tags minus one, with candidates listed",
                ItemQuery {
                    tags: tags(&["t05", "t37"]),
                    exclude_tags: tags(&["t12"]),
                    ..active.clone()
                },
                Counters {
                    include_tags: vec![17_000, 46_937],
                    exclude_tags: 1,
                    candidates: Some(527),
                    ..Counters::default()
                },
                Plan::Candidates { tags_only: true },
                Plan::Candidates { tags_only: true },
            ),
            (
                "rare tag in a month, with candidates listed",
                ItemQuery {
                    tags: tags(&["rare"]),
                    created_from: Some(day(1)),
                    created_before: Some(day(31)),
                    ..active.clone()
                },
                Counters {
                    include_tags: vec![900],
                    candidates: Some(900),
                    ..Counters::default()
                },
                Plan::Candidates { tags_only: false },
                Plan::Candidates { tags_only: false },
            ),
            (
                "a collection by type",
                ItemQuery {
                    collection: Some(CollectionId::from("col_a".to_owned())),
                    kind: Some(MediaKind::Image),
                    ..active.clone()
                },
                Counters::default(),
                Plan::CollectionMembers,
                Plan::CollectionMembers,
            ),
            (
                "a collection of favorites",
                ItemQuery {
                    collection: Some(CollectionId::from("col_a".to_owned())),
                    favorite: Some(true),
                    ..active.clone()
                },
                Counters::default(),
                rows,
                rows,
            ),
            (
                "words alone",
                ItemQuery {
                    search: words("taken lighthouse", SearchScope::Text),
                    ..active.clone()
                },
                Counters::default(),
                Plan::CountThenPage(Total::TextIndex),
                Plan::WordsPage,
            ),
            (
                "spec 2's q that also names a tag",
                ItemQuery {
                    search: words("harbor", SearchScope::NamesOrTag),
                    ..active.clone()
                },
                Counters {
                    search_tag: true,
                    ..Counters::default()
                },
                rows,
                rows,
            ),
            (
                "words in a folder",
                ItemQuery {
                    search: words("harbor", SearchScope::Text),
                    folder: FolderFilter::Root,
                    ..active.clone()
                },
                Counters::default(),
                rows,
                rows,
            ),
            (
                "videos over 100 MB: size classes",
                ItemQuery {
                    mime: Some(MimeFilter::Prefix("video/".into())),
                    min_size: Some(100_000_000),
                    ..active.clone()
                },
                Counters::default(),
                Plan::CountThenPage(Total::SizeClasses),
                Plan::CountThenPage(Total::SizeClasses),
            ),
            (
                "a size bound in a folder",
                ItemQuery {
                    max_size: Some(1_000),
                    folder: FolderFilter::Root,
                    ..active.clone()
                },
                Counters::default(),
                rows,
                rows,
            ),
            (
                "a month",
                ItemQuery {
                    created_from: Some(day(1)),
                    ..active
                },
                Counters::default(),
                rows,
                rows,
            ),
        ]
    }

    #[test]
    fn each_query_gets_its_plan_on_both_backends() {
        for (what, query, counters, sqlite, postgres) in plan_table() {
            assert_eq!(
                plan(&query, Dialect::Sqlite, &counters),
                sqlite,
                "SQLite: {what}"
            );
            assert_eq!(
                plan(&query, Dialect::Postgres, &counters),
                postgres,
                "PostgreSQL: {what}"
            );
        }
    }

    #[test]
    fn candidates_are_asked_for_only_when_tags_may_be_few() {
        let query = |include: &[&str], exclude: &[&str]| ItemQuery {
            tags: tags(include),
            exclude_tags: tags(exclude),
            folder: FolderFilter::Root,
            ..ItemQuery::default()
        };
        let table = [
            ("no tags", query(&[], &[]), tagged(&[]), false),
            (
                "one common tag",
                query(&["a"], &[]),
                tagged(&[50_000]),
                false,
            ),
            (
                "one tag under the limit",
                query(&["a"], &[]),
                tagged(&[10_000]),
                true,
            ),
            (
                "two common tags",
                query(&["a", "b"], &[]),
                tagged(&[50_000, 60_000]),
                true,
            ),
            (
                "a common tag minus another",
                query(&["a"], &["b"]),
                Counters {
                    include_tags: vec![50_000],
                    exclude_tags: 1,
                    ..Counters::default()
                },
                true,
            ),
            (
                "an unknown tag",
                query(&["a", "zz"], &[]),
                Counters {
                    include_tags: vec![5],
                    unknown_tag: true,
                    ..Counters::default()
                },
                false,
            ),
        ];
        for (what, query, counters, wanted) in table {
            assert_eq!(wants_candidates(&query, &counters), wanted, "{what}");
        }
        // One tag alone has its counter: no candidates needed, however few.
        let alone = ItemQuery {
            tags: tags(&["a"]),
            ..ItemQuery::default()
        };
        assert!(!wants_candidates(&alone, &tagged(&[3])));
    }

    #[test]
    fn common_tags_are_probed_and_rare_ones_drive() {
        let table = [
            // 5 % of a million: a page needs ~1000 items walked, far fewer than 50000 read.
            (vec![50_000], TagAccess::ProbeEachItem),
            // 0.01 %: walking would visit 500000 items to find 50; read the 100 instead.
            (vec![100], TagAccess::FromRarestTag),
            // Two common tags whose overlap is rare: start from the rarer one.
            (vec![17_000, 50_000], TagAccess::FromRarestTag),
        ];
        for (counts, expected) in table {
            assert_eq!(tag_access(&counts, 50, 1_000_000), expected, "{counts:?}");
        }
        assert_eq!(tag_access(&[10], 50, 0), TagAccess::FromRarestTag);
    }

    #[test]
    fn pages_walk_by_date_when_matches_are_common() {
        let sized = |min| ItemQuery {
            min_size: Some(min),
            folder: FolderFilter::Root,
            ..ItemQuery::default()
        };
        let words_only = ItemQuery {
            search: words("taken lighthouse", SearchScope::Text),
            folder: FolderFilter::Root,
            ..ItemQuery::default()
        };
        let none = Counters::default();
        // (what, query, dialect, wanted, listed, total, walk by date)
        let table = [
            (
                "half the items are big",
                sized(1),
                Dialect::Postgres,
                50,
                1_000_000,
                500_000,
                true,
            ),
            (
                "a few hundred are big",
                sized(9),
                Dialect::Postgres,
                50,
                1_000_000,
                300,
                false,
            ),
            (
                "deep page of a common size",
                sized(1),
                Dialect::Sqlite,
                10_000,
                1_000_000,
                3_000,
                false,
            ),
            // A text match costs a quarter of a row: 4,000 matches still walk.
            (
                "two words, 4,000 matches",
                words_only.clone(),
                Dialect::Sqlite,
                50,
                1_000_000,
                4_000,
                true,
            ),
            (
                "two words, 1,000 matches",
                words_only,
                Dialect::Sqlite,
                50,
                1_000_000,
                1_000,
                false,
            ),
        ];
        for (what, query, dialect, wanted, listed, total, walk) in table {
            let chosen = access(&query, dialect, &none, wanted, listed, total);
            assert_eq!(chosen.walk_by_date, walk, "{what}");
        }
        // Without a filter that has a choice, no counter is read and nothing changes.
        let plain = ItemQuery::default();
        assert!(!access_needs_listed(&plain, Dialect::Sqlite, &none));
        assert_eq!(
            access(&plain, Dialect::Sqlite, &none, 50, 0, 0),
            Access::PLAIN
        );
    }
}
