//! Text search, the one place listing SQL differs by backend: SQLite's FTS5 index
//! `items_fts` and PostgreSQL's `items.search` tsvector (GIN). Both split text on anything
//! that is not a letter or digit. Every query word must be a whole word but the last,
//! which may be the start of one: prefix matching on every word made a common word like
//! "taken" expand to its whole posting list (24 ms of a 31 ms search), and the words
//! before the last are the ones already typed in full.
//!
//! SQLite's index is partitioned by owner and status (see migration 000007): its rowid is
//! `(users.rowid << 40) | (trashed << 39) | items.rowid`, so one user's matches in one
//! status are one rowid range and their number is counted inside the index.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Text};
use vitrine_domain::item::{ItemQuery, ItemStatus, SearchScope, TextSearch};
use vitrine_domain::Result;

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::listing::{Dialect, Filter};
use crate::schema::{item_tags, items};

const OWNER_SHIFT: u32 = 40;
const TRASH_SHIFT: u32 = 39;
const ITEM_ROWID_MASK: i64 = (1 << TRASH_SHIFT) - 1;

/// The rowids of SQLite's `items_fts` that hold one owner's items in the listed status
/// (or both): `start..end`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OwnerRange {
    start: i64,
    end: i64,
}

impl OwnerRange {
    pub(crate) fn of(
        conn: &mut AnyConnection,
        owner: &str,
        status: Option<ItemStatus>,
    ) -> Result<OwnerRange> {
        use crate::schema::users;
        let user: i64 = users::table
            .filter(users::id.eq(owner))
            .select(sql::<BigInt>("users.rowid"))
            .first(conn)
            .optional()
            .map_err(query_err)?
            .unwrap_or(-1);
        let base = user << OWNER_SHIFT;
        Ok(match status {
            None => OwnerRange {
                start: base,
                end: base + (1 << OWNER_SHIFT),
            },
            Some(status) => {
                let start = base | (i64::from(status == ItemStatus::Trash) << TRASH_SHIFT);
                OwnerRange {
                    start,
                    end: start + (1 << TRASH_SHIFT),
                }
            }
        })
    }
}

/// The match, as a filter on `items`. `search_tag`: for spec 2's `q`, the user's tag
/// named exactly the query, if there is one. `owner`: SQLite's partition of the index;
/// `hide_rowid` keeps SQLite's planner from starting at the matches (it then walks the
/// listing by date and checks each row, the better plan when matches are common).
pub(crate) fn text_filter(
    search: &TextSearch,
    search_tag: Option<&str>,
    dialect: Dialect,
    owner: Option<OwnerRange>,
    hide_rowid: bool,
) -> Filter {
    let names_only = search.scope == SearchScope::NamesOrTag;
    let words: Option<Filter> = (!search.words.is_empty()).then(|| match (dialect, owner) {
        (Dialect::Sqlite, Some(range)) => {
            let rowid = if hide_rowid {
                "+items.rowid"
            } else {
                "items.rowid"
            };
            Box::new(
                sql::<Bool>(&format!(
                    "{rowid} IN (SELECT rowid & {ITEM_ROWID_MASK} FROM items_fts \
                     WHERE items_fts MATCH "
                ))
                .bind::<Text, _>(fts5_query(&search.words, names_only))
                .sql(" AND rowid >= ")
                .bind::<BigInt, _>(range.start)
                .sql(" AND rowid < ")
                .bind::<BigInt, _>(range.end)
                .sql(")"),
            ) as Filter
        }
        _ => Box::new(
            sql::<Bool>("items.search @@ to_tsquery('simple', ")
                .bind::<Text, _>(tsquery(&search.words, names_only))
                .sql(")"),
        ) as Filter,
    });
    if !names_only {
        return words.unwrap_or_else(|| Box::new(sql::<Bool>("1 = 1")));
    }
    // Spec 2's `q` also finds items with a tag named exactly the query. Resolved first:
    // when there is no such tag the OR goes, and PostgreSQL can use the text index alone
    // instead of scanning every row to evaluate it.
    let Some(tag) = search_tag else {
        return words.unwrap_or_else(|| Box::new(sql::<Bool>("1 = 0")));
    };
    let by_tag = items::id.eq_any(
        item_tags::table
            .filter(item_tags::tag_id.eq(tag.to_owned()))
            .select(item_tags::item_id),
    );
    match words {
        Some(words) => Box::new(words.or(by_tag)),
        None => Box::new(by_tag),
    }
}

/// How many of the owner's items in the range's status match, counted in SQLite's index
/// alone: for a listing filtered by nothing but status and words.
pub(crate) fn count_in_index(
    conn: &mut AnyConnection,
    search: &TextSearch,
    owner: OwnerRange,
) -> Result<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let names_only = search.scope == SearchScope::NamesOrTag;
    diesel::sql_query(
        "SELECT count(*) AS n FROM items_fts WHERE items_fts MATCH ? AND rowid >= ? AND rowid < ?",
    )
    .bind::<Text, _>(fts5_query(&search.words, names_only))
    .bind::<BigInt, _>(owner.start)
    .bind::<BigInt, _>(owner.end)
    .get_result::<Count>(conn)
    .map(|count| count.n)
    .map_err(query_err)
}

/// A listing filtered by nothing but status and one word, on PostgreSQL: the total and
/// the page's item IDs from `item_words` alone (migration 000007), newest first.
pub(crate) fn one_word_page(
    conn: &mut diesel::PgConnection,
    owner: &str,
    query: &ItemQuery,
    word: &str,
) -> Result<(i64, Vec<String>)> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        total: i64,
    }
    #[derive(QueryableByName)]
    struct Match {
        #[diesel(sql_type = Text)]
        item_id: String,
        #[diesel(sql_type = BigInt)]
        total: i64,
    }
    let names_only = query
        .search
        .as_ref()
        .is_some_and(|s| s.scope == SearchScope::NamesOrTag);
    let statuses: Vec<&str> = match query.status {
        Some(status) => vec![status.as_str()],
        None => vec![ItemStatus::Active.as_str(), ItemStatus::Trash.as_str()],
    };
    // The word's prefix range in byte order: [word, word with its last character + 1).
    let matches = format!(
        "FROM item_words WHERE user_id = $1 AND status = ANY ($2) \
         AND word >= $3 AND word < $4{}",
        if names_only { " AND in_names" } else { "" }
    );
    let end = prefix_end(word);
    let matching = |select: &str| {
        diesel::sql_query(format!("{select} {matches}"))
            .into_boxed::<diesel::pg::Pg>()
            .bind::<Text, _>(owner)
            .bind::<Array<Text>, _>(&statuses)
            .bind::<Text, _>(word)
            .bind::<Text, _>(&end)
    };
    let offset = i64::from(query.page.saturating_sub(1)) * i64::from(query.page_size);
    // The page and the total in one scan of the range: one sort of the matches, where a
    // separate count(DISTINCT) sorted them again (10 ms of a 16 ms listing).
    let page = matching("SELECT item_id, count(*) OVER () AS total")
        .sql(" GROUP BY item_id, created_at ORDER BY created_at DESC, item_id DESC")
        .sql(" LIMIT $5 OFFSET $6")
        .bind::<BigInt, _>(i64::from(query.page_size))
        .bind::<BigInt, _>(offset)
        .load::<Match>(conn)
        .map_err(query_err)?;
    let total = match page.first() {
        Some(first) => first.total,
        None if offset == 0 => 0,
        // Past the last page: the window had no row to carry the total.
        None => {
            matching("SELECT count(DISTINCT item_id) AS total")
                .get_result::<Count>(conn)
                .map_err(query_err)?
                .total
        }
    };
    Ok((total, page.into_iter().map(|m| m.item_id).collect()))
}

/// The first string in byte order after every string that starts with `word`.
fn prefix_end(word: &str) -> String {
    let mut end: Vec<char> = word.chars().collect();
    while let Some(last) = end.pop() {
        // The next scalar value; none after U+10FFFF, and the surrogates are skipped.
        let next = (last as u32 + 1..=0x10FFFF).find_map(char::from_u32);
        if let Some(next) = next {
            end.push(next);
            return end.into_iter().collect();
        }
    }
    // Every character was U+10FFFF: nothing in UTF-8 sorts after the prefix's strings.
    "\u{10FFFF}".repeat(word.chars().count() + 1)
}

/// `"w1" AND "w2"*`, limited to the name columns for spec 2's `q`. Words hold only
/// letters and digits, so quoting them is enough to keep FTS5 syntax out.
fn fts5_query(words: &[String], names_only: bool) -> String {
    let last = words.len().saturating_sub(1);
    let all = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let prefix = if i == last { "*" } else { "" };
            format!("\"{w}\"{prefix}")
        })
        .collect::<Vec<_>>()
        .join(" AND ");
    if names_only {
        format!("{{title original_filename}} : ({all})")
    } else {
        all
    }
}

/// `w1 & w2:*`; weight A holds the title and file name, so `:A` limits to those.
fn tsquery(words: &[String], names_only: bool) -> String {
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| match (i == last, names_only) {
            (true, true) => format!("{w}:*A"),
            (true, false) => format!("{w}:*"),
            (false, true) => format!("{w}:A"),
            (false, false) => w.clone(),
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_word_is_a_prefix_and_every_word_is_quoted() {
        let words = vec!["img".to_owned(), "0042".to_owned()];
        assert_eq!(fts5_query(&words, false), "\"img\" AND \"0042\"*");
        assert_eq!(
            fts5_query(&words, true),
            "{title original_filename} : (\"img\" AND \"0042\"*)"
        );
        assert_eq!(tsquery(&words, true), "img:A & 0042:*A");
        assert_eq!(tsquery(&words, false), "img & 0042:*");
    }

    #[test]
    fn a_prefix_range_ends_after_every_word_it_starts() {
        assert_eq!(prefix_end("harbor"), "harbos");
        assert_eq!(prefix_end("ca\u{D7FF}"), "ca\u{E000}");
        assert_eq!(prefix_end("a\u{10FFFF}"), "b");
        assert!("harbors" < prefix_end("harbor").as_str());
    }
}
