//! `items.id` among a list of ids, as a statement whose text does not depend on how many
//! there are. diesel's `eq_any` writes `IN (?, ?, …)` on SQLite, one `?` per id, and so
//! never keeps that statement prepared: every listing page was parsed and planned again,
//! a quarter of its CPU (docs/BENCHMARKS.md). Here SQLite reads the ids from one JSON
//! array parameter and PostgreSQL from one array parameter; either statement is prepared
//! once per connection.

use diesel::expression::{is_aggregate, ValidGrouping};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Bool, Text};
use diesel::sqlite::Sqlite;

/// `items.id` is one of `ids`.
#[derive(Debug, Clone)]
pub(crate) struct ItemIdIn {
    ids: Vec<String>,
    /// The same ids as a JSON array, for SQLite's `json_each`.
    json: String,
}

impl ItemIdIn {
    pub(crate) fn new(ids: &[String]) -> Self {
        ItemIdIn {
            ids: ids.to_vec(),
            json: serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned()),
        }
    }
}

impl Expression for ItemIdIn {
    type SqlType = Bool;
}

/// Static: the statement's text is the same for every list, which is the point.
impl QueryId for ItemIdIn {
    type QueryId = ItemIdIn;
    const HAS_STATIC_QUERY_ID: bool = true;
}

// Written for queries on `items` (alone or joined), the only ones that use it.
impl<QS> AppearsOnTable<QS> for ItemIdIn {}

impl<QS> SelectableExpression<QS> for ItemIdIn {}

impl<GB> ValidGrouping<GB> for ItemIdIn {
    type IsAggregate = is_aggregate::Never;
}

impl QueryFragment<Sqlite> for ItemIdIn {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("items.id IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }
}

impl QueryFragment<Pg> for ItemIdIn {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("items.id = ANY(");
        out.push_bind_param::<Array<Text>, _>(&self.ids)?;
        out.push_sql(")");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::items;

    /// The SQL text of `items.id` among `ids` for backend `DB`, without its binds.
    macro_rules! text {
        ($db:ty, $ids:expr) => {{
            let ids: Vec<String> = $ids.iter().map(|id: &&str| (*id).to_owned()).collect();
            let query = items::table.select(items::id).filter(ItemIdIn::new(&ids));
            let shown = diesel::debug_query::<$db, _>(&query).to_string();
            shown
                .split(" -- binds")
                .next()
                .unwrap_or_default()
                .to_owned()
        }};
    }

    /// What keeps the statement prepared: its text is the same for one id and for many,
    /// on both backends (diesel's `eq_any` wrote a `?` per id on SQLite).
    #[test]
    fn the_statement_is_the_same_for_any_number_of_ids() {
        assert_eq!(text!(Sqlite, ["a"]), text!(Sqlite, ["a", "b", "c"]));
        assert_eq!(text!(Pg, ["a"]), text!(Pg, ["a", "b", "c"]));
        assert!(text!(Sqlite, ["a"]).contains("json_each"));
    }

    /// The ids as SQLite reads them: unknown ones match nothing, quotes stay data.
    #[test]
    fn sqlite_reads_the_ids_from_the_json_array() {
        use diesel::connection::SimpleConnection;
        let mut conn =
            diesel::SqliteConnection::establish(":memory:").unwrap_or_else(|err| panic!("{err}"));
        conn.batch_execute(
            "CREATE TABLE items (id TEXT PRIMARY KEY); \
             INSERT INTO items VALUES ('gal_1'), ('gal_2'), ('it''s \"3\"');",
        )
        .unwrap_or_else(|err| panic!("{err}"));
        let ids: Vec<String> = ["gal_2", "gal_9", "it's \"3\"", "gal_2"]
            .iter()
            .map(|id| (*id).to_owned())
            .collect();
        let mut found: Vec<String> = items::table
            .select(items::id)
            .filter(ItemIdIn::new(&ids))
            .load(&mut conn)
            .unwrap_or_else(|err| panic!("{err}"));
        found.sort();
        assert_eq!(found, ["gal_2", "it's \"3\""]);
    }
}
