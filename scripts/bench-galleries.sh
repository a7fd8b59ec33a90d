#!/usr/bin/env bash
# Spec 3 at size: one gallery of N items on SQLite + folder and PostgreSQL + S3, timed
# through HTTP: GET /api/v1/galleries/{id}, a reorder of every item, and the public page.
# Usage: scripts/bench-galleries.sh [N] [REQUESTS] [REORDERS]  (default 1000 300 100)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
requests="${2:-300}"
reorders="${3:-100}"

cargo build --release -q -p vitrine
bin="$PWD/target/release/vitrine"
eval "$(scripts/test-services.sh)"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

run() { # name, a command to run after seeding, then the global flags for vitrine
    local name="$1" after="$2"; shift 2
    local env=(AWS_ENDPOINT_URL="$VITRINE_TEST_S3_URL" AWS_ALLOW_HTTP=true AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1)
    env "${env[@]}" "$bin" "$@" user add bench --password bench-password --plan enterprise > /dev/null
    local key; key="$(env "${env[@]}" "$bin" "$@" key create --user bench)"
    local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    env "${env[@]}" "$bin" "$@" serve --listen "127.0.0.1:$port" 2> "$work/$name.log" &
    local pid=$!
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
    python3 scripts/bench-galleries/client.py "$name" "http://127.0.0.1:$port" "$key" "$n" "$requests" "$reorders" "$after"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

pg_schema="bench_galleries_$$"
psql -q "$VITRINE_TEST_PG_URL" -c "CREATE SCHEMA $pg_schema" > /dev/null
results="$work/results.tsv"
run "sqlite+local" true --data-dir "$work/embedded" >> "$results"
run "postgres+s3" "psql -q '$VITRINE_TEST_PG_URL' -c 'SET search_path = $pg_schema; ANALYZE'" --database-url "$VITRINE_TEST_PG_URL?options=-csearch_path%3D$pg_schema" \
    --store "s3://vitrine-test/bench-galleries-$$" >> "$results"
PGOPTIONS=--client-min-messages=warning psql -q "$VITRINE_TEST_PG_URL" -c "DROP SCHEMA $pg_schema CASCADE" > /dev/null

python3 - "$results" "$n" "$requests" "$reorders" <<'PY'
import sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().split("\n") if line]
print(f"One gallery of {sys.argv[2]} items; {sys.argv[3]} GETs and page views, {sys.argv[4]} reorders of every item;")
print("one client, one request at a time, kept-alive connection; milliseconds")
print("| setup | GET p50 | GET p99 (< 20) | reorder p50 | reorder p99 (< 100) | page p50 | page p99 (< 30) | page KiB |")
print("|---|---|---|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
PY
