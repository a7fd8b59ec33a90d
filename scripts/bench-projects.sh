#!/usr/bin/env bash
# Spec 4 at size: P projects × I images (default 200 × 500 = 100,000 items) shared in a
# group, seeded straight into SQLite and PostgreSQL, then `/gallery/by-project` timed
# through HTTP per combination of parameters.
# Usage: scripts/bench-projects.sh [PROJECTS] [IMAGES] [REQUESTS]  (default 200 500 200)
set -euo pipefail
cd "$(dirname "$0")/.."
projects="${1:-200}"
images="${2:-500}"
requests="${3:-200}"

cargo build --release -q -p vitrine
bin="$PWD/target/release/vitrine"
eval "$(scripts/test-services.sh)"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
pg_server="${VITRINE_TEST_PG_URL%/*}"

bench() { # name, seed command, then the global flags for vitrine
    local name="$1" seed="$2"; shift 2
    "$bin" "$@" migrate > /dev/null
    "$bin" "$@" user add bench --password bench-password --plan enterprise > /dev/null
    "$bin" "$@" user add mate --password mate-password --plan enterprise > /dev/null
    local key; key="$("$bin" "$@" key create --user bench)"
    local started=$SECONDS
    python3 scripts/bench-projects/seed.py "$name" "$projects" "$images" | eval "$seed"
    # As a live database is after autovacuum: otherwise it runs during the timing, and
    # the planner has no statistics of what was just seeded.
    if [ "$name" = postgres ]; then
        psql -q "$pg_server/vitrine_bench_projects" -c "VACUUM ANALYZE" > /dev/null
    fi
    echo "$name: seeded $((projects * images)) items in $((SECONDS - started)) s" >&2
    local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    VITRINE_TRASH_RETENTION_DAYS=36500 VITRINE_MEDIA_WORKERS=0 "$bin" "$@" serve --listen "127.0.0.1:$port" 2> "$work/$name.log" &
    local pid=$!
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
    python3 scripts/bench-projects/client.py "$name" "127.0.0.1:$port" "$key" "$requests"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "| backend | combination | projects × images | KiB | p50 ms | p99 ms (< 30) |"
echo "|---|---|---|---:|---:|---:|"
mkdir -p "$work/sqlite"
bench sqlite "python3 scripts/bench-listing/apply_sqlite.py '$work/sqlite/vitrine.db'" \
    --data-dir "$work/sqlite"
PGOPTIONS=--client-min-messages=warning psql -q "$pg_server/postgres" \
    -c "DROP DATABASE IF EXISTS vitrine_bench_projects" -c "CREATE DATABASE vitrine_bench_projects"
bench postgres "psql -q -v ON_ERROR_STOP=1 '$pg_server/vitrine_bench_projects' > /dev/null" \
    --data-dir "$work/pg" --database-url "$pg_server/vitrine_bench_projects"
psql -q "$pg_server/postgres" -c "DROP DATABASE vitrine_bench_projects"
