//! The planner's choices, by table: each row a query, what the counters said, and the
//! plan or access expected.

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

/// `counters` when some of the user's items have expired and await the sweeper.
fn awaiting_sweep(counters: Counters) -> Counters {
    Counters {
        expired_pending: true,
        ..counters
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
                ..active.clone()
            },
            Counters::default(),
            rows,
            rows,
        ),
        (
            "expired items await the sweeper: counters and side indexes do not know",
            active.clone(),
            awaiting_sweep(Counters::default()),
            rows,
            rows,
        ),
        (
            "expired items await the sweeper, a collection by type",
            ItemQuery {
                collection: Some(CollectionId::from("col_a".to_owned())),
                kind: Some(MediaKind::Video),
                ..active.clone()
            },
            awaiting_sweep(Counters::default()),
            rows,
            rows,
        ),
        (
            "expired items await the sweeper, words alone",
            ItemQuery {
                search: words("harbour", SearchScope::Text),
                ..active.clone()
            },
            awaiting_sweep(Counters::default()),
            rows,
            rows,
        ),
        (
            "expired items await the sweeper, two rare tags",
            ItemQuery {
                tags: tags(&["a", "b"]),
                ..active.clone()
            },
            awaiting_sweep(tagged(&[10, 20])),
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
        (
            "two common tags while expired items await the sweeper",
            query(&["a", "b"], &[]),
            awaiting_sweep(tagged(&[50_000, 60_000])),
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
