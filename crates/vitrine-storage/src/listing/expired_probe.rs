//! Whether some of an owner's items have expired (spec 5) but are not swept yet: rare and
//! short-lived, asked before every listing, so it must cost an index probe, not a walk.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamp};
use vitrine_domain::Result;

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::typed_sql::prepared;

/// Through the partial index of expiring items. SQLite weighs the owner's index (every
/// item they have) above a partial index it has no statistics for, and read all 100,000
/// of a user's rows per listing (89 ms); the unary `+` hides the owner's column from it.
/// PostgreSQL picks the partial index on its own (and has no unary plus for text).
const SQLITE: &str =
    "SELECT EXISTS (SELECT 1 FROM items WHERE expires_at <= ?1 AND +user_id = ?2) AS found";
const POSTGRES: &str =
    "SELECT EXISTS (SELECT 1 FROM items WHERE expires_at <= $1 AND user_id = $2) AS found";

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Bool)]
    found: bool,
}

pub(super) fn has_expired_items(
    conn: &mut AnyConnection,
    owner: &str,
    now: NaiveDateTime,
) -> Result<bool> {
    let probe = match conn {
        AnyConnection::Sqlite(_) => SQLITE,
        AnyConnection::Pg(_) => POSTGRES,
    };
    // Prepared once per connection: it runs before every listing.
    prepared(
        diesel::sql_query(probe)
            .bind::<Timestamp, _>(now)
            .bind::<Text, _>(owner),
    )
    .get_result::<Found>(conn)
    .map(|row| row.found)
    .map_err(query_err)
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::Integer;

    use super::*;

    #[derive(QueryableByName)]
    struct PlanLine {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = Text)]
        detail: String,
    }

    /// With statistics of one user holding 100,000 items, as a real library has them.
    #[test]
    fn sqlite_probes_the_expiry_index_not_the_owners_items() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let path = dir.path().join("probe.db").display().to_string();
        drop(crate::Db::connect(&path).unwrap_or_else(|err| panic!("{err}")));
        let mut conn = SqliteConnection::establish(&path).unwrap_or_else(|err| panic!("{err}"));
        conn.batch_execute(
            "ANALYZE; DELETE FROM sqlite_stat1; \
             INSERT INTO sqlite_stat1 VALUES ('items', 'items_user_created', '100000 100000 1'); \
             ANALYZE sqlite_schema;",
        )
        .unwrap_or_else(|err| panic!("{err}"));
        let plan: Vec<PlanLine> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {SQLITE}"))
            .bind::<Timestamp, _>(chrono::NaiveDateTime::default())
            .bind::<Text, _>("usr_someone")
            .load(&mut conn)
            .unwrap_or_else(|err| panic!("{err}"));
        let plan: Vec<String> = plan
            .into_iter()
            .map(|l| format!("{} {}", l.id, l.detail))
            .collect();
        assert!(
            plan.iter()
                .any(|line| line.contains("USING INDEX items_expiry")),
            "{plan:?}"
        );
    }
}
