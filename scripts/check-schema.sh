#!/usr/bin/env bash
# The storage crate's schema.rs is `diesel print-schema` of the migrations (see
# diesel.toml). Fails when the committed file differs from what the PostgreSQL migrations
# give, or from what the SQLite migrations give once SQLite's own parts are set aside (its
# full-text index tables and generated size column) and its type names are spelled as
# PostgreSQL's (BigInt is Int8, Integer Int4, Double Float8: the same diesel types).
# Needs VITRINE_TEST_PG_URL (scripts/test-services.sh exports it).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v diesel > /dev/null; then
    # diesel_cli (a tool of ours, not part of the binary) links the system's libraries.
    if [ ! -f /usr/include/sqlite3.h ] || ! pkg-config --exists libpq 2> /dev/null; then
        apt-get update -qq && apt-get install -y -qq libsqlite3-dev libpq-dev pkg-config
    fi
    cargo install diesel_cli --version 2.3.4 --no-default-features --features postgres,sqlite --locked
fi

schema=crates/vitrine-storage/src/schema.rs
work="$(mktemp -d)"
pg_server="${VITRINE_TEST_PG_URL%/*}"
db="vitrine_schema_check_$$"
psql -q "$pg_server/postgres" -c "CREATE DATABASE $db"
trap 'psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $db"; rm -rf "$work"' EXIT

# Migrations run without diesel.toml, which would otherwise rewrite schema.rs itself.
: > "$work/plain.toml"
diesel migration run --config-file "$work/plain.toml" --migration-dir migrations/postgres \
    --database-url "$pg_server/$db" > /dev/null
diesel print-schema --database-url "$pg_server/$db" > "$work/postgres.rs"
if ! diff -u "$schema" "$work/postgres.rs"; then
    echo "$schema differs from the PostgreSQL migrations; regenerate it with diesel print-schema" >&2
    exit 1
fi

diesel migration run --config-file "$work/plain.toml" --migration-dir migrations/sqlite \
    --database-url "$work/sqlite.db" > /dev/null
diesel print-schema --config-file "$work/plain.toml" --database-url "$work/sqlite.db" \
    --except-tables item_words 'items_fts.*' \
    | sed -E 's/\bBigInt\b/Int8/g; s/\bInteger\b/Int4/g; s/\bDouble\b/Float8/g' \
    | grep -v 'size_class -> Nullable<Int4>,' > "$work/sqlite.rs"
if ! diff -u "$schema" "$work/sqlite.rs"; then
    echo "the SQLite migrations disagree with $schema (and with the PostgreSQL ones)" >&2
    exit 1
fi
echo "schema.rs matches the migrations of both backends"
