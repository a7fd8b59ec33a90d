#!/usr/bin/env bash
# Listing latency at scale: seeds N items for one user (and N more over 100 others), then
# times representative filter combinations through HTTP on SQLite and on PostgreSQL,
# printing p50/p99 per combination. Usage: scripts/bench-listing.sh [N] [REQUESTS]
# (default 1000000 200). Seeding 2×N rows takes a few minutes per backend.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
requests="${2:-200}"

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
    local key; key="$("$bin" "$@" key create --user bench)"
    local started=$SECONDS
    python3 scripts/bench-listing/seed.py "${name%%+*}" "$n" | eval "$seed"
    echo "$name: seeded $((2 * n)) items in $((SECONDS - started)) s" >&2
    local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # The seeded trash is years old: keep the trash job from purging it mid-benchmark.
    VITRINE_TRASH_RETENTION_DAYS=36500 "$bin" "$@" serve --listen "127.0.0.1:$port" 2> "$work/$name.log" &
    local pid=$!
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
    python3 scripts/bench-listing/client.py "$name" "127.0.0.1:$port" "$key" "$requests"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "| backend | combination | matches | p50 ms | p99 ms |"
echo "|---|---|---:|---:|---:|"
mkdir -p "$work/sqlite"
bench sqlite "python3 scripts/bench-listing/apply_sqlite.py '$work/sqlite/vitrine.db'" \
    --data-dir "$work/sqlite"
psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS vitrine_bench" -c "CREATE DATABASE vitrine_bench"
bench postgres "psql -q -v ON_ERROR_STOP=1 '$pg_server/vitrine_bench' > /dev/null" \
    --data-dir "$work/pg" --database-url "$pg_server/vitrine_bench"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%F)" >&2
