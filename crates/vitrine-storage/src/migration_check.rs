//! Every migration goes up, down and up again on both backends, and `down` leaves the
//! schema exactly as it was before `up`. PostgreSQL runs when `VITRINE_TEST_PG_URL` is set.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

use super::connection::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

/// Tables' columns, then the text of every index, trigger and view.
const SQLITE_SCHEMA: &str = "\
    SELECT m.name || '.' || p.name || ' ' || p.type || ' notnull=' || p.\"notnull\" \
        || ' default=' || COALESCE(p.dflt_value, '') || ' pk=' || p.pk AS line \
    FROM sqlite_master m JOIN pragma_table_info(m.name) p \
    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
      AND m.name <> '__diesel_schema_migrations' \
    UNION ALL \
    SELECT m.type || ' ' || m.name || ': ' || COALESCE(m.sql, '') FROM sqlite_master m \
    WHERE m.type IN ('index', 'trigger', 'view') AND m.name NOT LIKE 'sqlite_%' \
    ORDER BY line";

/// Columns, constraints, indexes, triggers and functions of the current schema.
const POSTGRES_SCHEMA: &str = "\
    SELECT table_name || '.' || column_name || ' ' || data_type || ' nullable=' \
        || is_nullable || ' default=' || COALESCE(column_default, '') \
        || ' generated=' || COALESCE(generation_expression, '') AS line \
    FROM information_schema.columns \
    WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations' \
    UNION ALL \
    SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ': ' \
        || pg_get_constraintdef(oid) \
    FROM pg_constraint WHERE connamespace = current_schema()::regnamespace \
    UNION ALL \
    SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes \
    WHERE schemaname = current_schema() AND tablename <> '__diesel_schema_migrations' \
    UNION ALL \
    SELECT 'trigger ' || tgname || ': ' || pg_get_triggerdef(oid) FROM pg_trigger \
    WHERE NOT tgisinternal AND tgrelid::regclass::text NOT LIKE 'pg_%' \
    UNION ALL \
    SELECT 'function ' || proname || ': ' || prosrc FROM pg_proc \
    WHERE pronamespace = current_schema()::regnamespace \
    ORDER BY line";

fn snapshot<C: Connection<Backend = B> + diesel::connection::LoadConnection, B>(
    conn: &mut C,
    sql: &str,
) -> Vec<String>
where
    B: diesel::backend::Backend,
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, Line>,
{
    diesel::sql_query(sql)
        .load::<Line>(conn)
        .unwrap_or_else(|err| panic!("reading the schema: {err}"))
        .into_iter()
        .map(|l| l.line)
        .collect()
}

/// Runs each pending migration up, down and up again, comparing the schema each time.
fn check_each_migration<C>(
    conn: &mut C,
    migrations: impl Fn() -> EmbeddedMigrations,
    schema_sql: &str,
) where
    C: MigrationHarness<C::Backend> + Connection + diesel::connection::LoadConnection,
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, Line>,
{
    let mut checked = 0;
    while conn
        .has_pending_migration(migrations())
        .unwrap_or_else(|err| panic!("{err}"))
    {
        let before = snapshot(conn, schema_sql);
        let version = conn
            .run_next_migration(migrations())
            .unwrap_or_else(|err| panic!("up: {err}"))
            .to_string();
        let after_up = snapshot(conn, schema_sql);
        conn.revert_last_migration(migrations())
            .unwrap_or_else(|err| panic!("down {version}: {err}"));
        let after_down = snapshot(conn, schema_sql);
        let left: Vec<_> = after_down.iter().filter(|l| !before.contains(l)).collect();
        let lost: Vec<_> = before.iter().filter(|l| !after_down.contains(l)).collect();
        assert!(
            left.is_empty() && lost.is_empty(),
            "{version} down does not undo up:\nleft behind {left:#?}\nlost {lost:#?}"
        );
        conn.run_next_migration(migrations())
            .unwrap_or_else(|err| panic!("up again {version}: {err}"));
        assert!(
            snapshot(conn, schema_sql) == after_up,
            "{version} up again differs"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} migrations ran");
}

#[test]
fn sqlite_migrations_go_up_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let path = dir.path().join("check.db");
    let mut conn = SqliteConnection::establish(&path.display().to_string())
        .unwrap_or_else(|err| panic!("{err}"));
    conn.batch_execute("PRAGMA foreign_keys = ON")
        .unwrap_or_else(|err| panic!("{err}"));
    check_each_migration(&mut conn, || SQLITE_MIGRATIONS, SQLITE_SCHEMA);
}

#[test]
fn postgres_migrations_go_up_down_and_up_again() {
    let Ok(server) = std::env::var("VITRINE_TEST_PG_URL") else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED on PostgreSQL: set VITRINE_TEST_PG_URL=postgres://… to run it"
        );
        return;
    };
    let schema = format!("vitrine_migrations_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::establish(&server).unwrap_or_else(|err| panic!("{err}"));
    admin
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .unwrap_or_else(|err| panic!("{err}"));
    let separator = if server.contains('?') { '&' } else { '?' };
    let url = format!("{server}{separator}options=-csearch_path%3D{schema}");
    let outcome = std::panic::catch_unwind(|| {
        let mut conn = PgConnection::establish(&url).unwrap_or_else(|err| panic!("{err}"));
        check_each_migration(&mut conn, || POSTGRES_MIGRATIONS, POSTGRES_SCHEMA);
    });
    let _ = admin.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
