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

use super::{Dialect, Filter};
use crate::connection::AnyConnection;
use crate::error::query_err;
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

/// A listing filtered by nothing but status and words, on PostgreSQL: the total and the
/// page's item IDs from `item_words` alone (migrations 000007 and 000008), newest first.
/// One word's entries are read, the rarest's, and each is checked for the other words on
/// the entry itself.
pub(crate) fn words_page(
    conn: &mut diesel::PgConnection,
    owner: &str,
    query: &ItemQuery,
    search: &TextSearch,
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
    let names_only = search.scope == SearchScope::NamesOrTag;
    let terms = Term::all(&search.words);
    let rarest = rarest(conn, &terms)?;
    let mut driver = terms[rarest].clone();
    if let (true, Some(status)) = (driver.prefix, query.status) {
        match words_starting(conn, owner, status, &driver.word)? {
            Some((first, last)) if first == last => driver = Term::whole(first),
            Some(_) => {}
            None => return Ok((0, Vec::new())),
        }
    }
    let mut params = Params::default();
    let mut matches = format!(
        "FROM item_words WHERE user_id = {}",
        params.add(owner.to_owned())
    );
    // One status by equality, so that one word's entries come out newest first.
    match query.status {
        Some(status) => matches += &format!(" AND status = {}", params.add(status.as_str())),
        None => {
            let (active, trash) = (ItemStatus::Active.as_str(), ItemStatus::Trash.as_str());
            matches += &format!(" AND status IN ('{active}', '{trash}')");
        }
    }
    if driver.prefix {
        matches += &format!(
            " AND word >= {} AND word < {}",
            params.add(driver.word.clone()),
            params.add(prefix_end(&driver.word))
        );
    } else {
        matches += &format!(" AND word = {}", params.add(driver.word.clone()));
    }
    if names_only {
        matches += " AND in_names";
    }
    let checks: Vec<String> = (terms.iter().enumerate())
        .filter(|(i, _)| *i != rarest)
        .map(|(_, term)| {
            // Words hold only letters and digits: nothing in them is special to LIKE.
            let pattern = params.add(match term.prefix {
                true => format!("% {}%", term.word),
                false => format!("% {} %", term.word),
            });
            match names_only {
                true => format!("name_words LIKE {pattern}"),
                false => format!("(name_words LIKE {pattern} OR description_words LIKE {pattern})"),
            }
        })
        .collect();
    if !checks.is_empty() {
        // The strings are NULL for an item with much text: then its row answers.
        matches += &format!(
            " AND coalesce({}, EXISTS (SELECT 1 FROM items WHERE items.id = item_words.item_id \
             AND items.search @@ to_tsquery('simple', {})))",
            checks.join(" AND "),
            params.add(tsquery(&search.words, names_only))
        );
    }
    let matching = |select: &str, rest: &str| {
        let mut statement =
            diesel::sql_query(format!("{select} {matches}{rest}")).into_boxed::<diesel::pg::Pg>();
        for value in &params.0 {
            statement = statement.bind::<Text, _>(value.clone());
        }
        statement
    };
    let offset = i64::from(query.page.saturating_sub(1)) * i64::from(query.page_size);
    // An item has each of its words once, but may have several that start with a prefix.
    let (distinct, group) = match driver.prefix {
        true => ("DISTINCT ", " GROUP BY item_id, created_at"),
        false => ("", ""),
    };
    // The page and the total in one scan of the range: one sort of the matches, where a
    // separate count(DISTINCT) sorted them again (10 ms of a 16 ms listing).
    let page = matching(
        "SELECT item_id, count(*) OVER () AS total",
        &format!(
            "{group} ORDER BY created_at DESC, item_id DESC LIMIT {} OFFSET {offset}",
            query.page_size
        ),
    )
    .load::<Match>(conn)
    .map_err(query_err)?;
    let total = match page.first() {
        Some(first) => first.total,
        None if offset == 0 => 0,
        // Past the last page: the window had no row to carry the total.
        None => {
            matching(&format!("SELECT count({distinct}item_id) AS total"), "")
                .get_result::<Count>(conn)
                .map_err(query_err)?
                .total
        }
    };
    Ok((total, page.into_iter().map(|m| m.item_id).collect()))
}

/// Values bound to a statement's placeholders, numbered as they are added.
#[derive(Default)]
struct Params(Vec<String>);

impl Params {
    fn add(&mut self, value: impl Into<String>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }
}

/// The first and last of the owner's words in `status` that start with `prefix`, two
/// index probes; `None` when there is none. When they are one word, its entries need no
/// deduplication and come out newest first: `q=harbor` took 3 ms instead of 9.
fn words_starting(
    conn: &mut diesel::PgConnection,
    owner: &str,
    status: ItemStatus,
    prefix: &str,
) -> Result<Option<(String, String)>> {
    #[derive(QueryableByName)]
    struct Bounds {
        #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
        first: Option<String>,
        #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
        last: Option<String>,
    }
    let bounds: Bounds = diesel::sql_query(
        "SELECT min(word) AS first, max(word) AS last FROM item_words \
         WHERE user_id = $1 AND status = $2 AND word >= $3 AND word < $4",
    )
    .bind::<Text, _>(owner)
    .bind::<Text, _>(status.as_str())
    .bind::<Text, _>(prefix)
    .bind::<Text, _>(prefix_end(prefix))
    .get_result(conn)
    .map_err(query_err)?;
    Ok(bounds.first.zip(bounds.last))
}

/// A word of a search: whole, or (the last) the start of one.
#[derive(Debug, Clone, PartialEq)]
struct Term {
    word: String,
    prefix: bool,
}

impl Term {
    fn all(words: &[String]) -> Vec<Term> {
        let last = words.len().saturating_sub(1);
        (words.iter().enumerate())
            .map(|(i, word)| Term {
                word: word.clone(),
                prefix: i == last,
            })
            .collect()
    }

    fn whole(word: String) -> Term {
        Term {
            word,
            prefix: false,
        }
    }
}

/// Which term is in the fewest items, by PostgreSQL's statistics of `items.search`: the
/// share of rows holding each of its most common words. A word not among them is rarer
/// than all of them. On a tie a whole word wins: its entries need no deduplication.
fn rarest(conn: &mut diesel::PgConnection, terms: &[Term]) -> Result<usize> {
    #[derive(QueryableByName)]
    struct Common {
        #[diesel(sql_type = Text)]
        word: String,
        #[diesel(sql_type = diesel::sql_types::Float)]
        share: f32,
    }
    if terms.len() < 2 {
        return Ok(0);
    }
    let words: Vec<&str> = terms.iter().map(|term| term.word.as_str()).collect();
    let prefixes: Vec<String> = (terms.iter())
        .filter(|term| term.prefix)
        .map(|term| format!("{}%", term.word))
        .collect();
    let common: Vec<Common> = diesel::sql_query(
        "SELECT common.word, common.share FROM pg_stats, \
         unnest(most_common_elems::text::text[], most_common_elem_freqs) AS common (word, share) \
         WHERE schemaname = current_schema() AND tablename = 'items' AND attname = 'search' \
           AND (common.word = ANY ($1) OR common.word LIKE ANY ($2))",
    )
    .bind::<Array<Text>, _>(words)
    .bind::<Array<Text>, _>(prefixes)
    .load(conn)
    .map_err(query_err)?;
    let share = |term: &Term| -> f32 {
        (common.iter())
            .filter(|c| match term.prefix {
                true => c.word.starts_with(&term.word),
                false => c.word == term.word,
            })
            .map(|c| c.share)
            .sum()
    };
    let by_rarity = |a: &(usize, &Term), b: &(usize, &Term)| {
        (share(a.1).total_cmp(&share(b.1))).then(a.1.prefix.cmp(&b.1.prefix))
    };
    Ok(terms
        .iter()
        .enumerate()
        .min_by(by_rarity)
        .map_or(0, |(i, _)| i))
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
