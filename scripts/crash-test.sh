#!/usr/bin/env bash
# Crash hygiene, measured: CLIENTS clients upload distinct images (some big enough for S3
# multipart), the server is killed with SIGKILL mid-stream, ROUNDS times; after each
# restart every acknowledged upload must be listed and byte-identical, and once the
# restarted server's first orphan sweep has run, no object may be left that no row
# references, nor any unfinished write. Runs on SQLite + folder and PostgreSQL + S3.
# Usage: scripts/crash-test.sh [ROUNDS] [CLIENTS]   (default 3 8)
# VITRINE_BIN: a binary built already (skips the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
clients="${2:-8}"

bin="${VITRINE_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release -q -p vitrine
    bin="$PWD/target/release/vitrine"
fi
eval "$(scripts/test-services.sh)"
work="$(mktemp -d)"
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export AWS_ENDPOINT_URL="$VITRINE_TEST_S3_URL" AWS_ALLOW_HTTP=true AWS_ACCESS_KEY_ID=crash \
    AWS_SECRET_ACCESS_KEY=crash AWS_REGION=us-east-1

run() { # name, then the global flags for vitrine
    local name="$1"; shift
    "$bin" "$@" user add crash --password crash-password --plan enterprise > /dev/null
    local key; key="$("$bin" "$@" key create --user crash)"
    local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    local base="http://127.0.0.1:$port" pid
    start() { # grace seconds for the orphan sweep, then the global flags
        local grace="$1"; shift
        VITRINE_ORPHAN_GRACE_SECS="$grace" "$bin" "$@" serve --listen "127.0.0.1:$port" >> "$work/$name.log" 2>&1 &
        pid=$!
        until curl -sf "$base/readyz" > /dev/null; do sleep 0.1; done
    }
    for round in $(seq "$rounds"); do
        start 86400 "$@"
        python3 scripts/crash-test/upload.py "$base" "$key" "$clients" "$work/$name.acked" &
        local uploader=$!
        sleep 4
        kill -9 "$pid"; wait "$pid" 2>/dev/null || true
        wait "$uploader"
        local left; left=$(python3 scripts/crash-test/orphans.py "$@")
        sleep 2
        local sweeps; sweeps=$(grep -c "orphan sweep done" "$work/$name.log" || true)
        start 1 "$@"
        until [ "$(grep -c "orphan sweep done" "$work/$name.log")" -gt "$sweeps" ]; do sleep 0.2; done
        local checked; checked=$(python3 scripts/crash-test/verify.py "$base" "$key" "$work/$name.acked")
        local after; after=$(python3 scripts/crash-test/orphans.py "$@")
        kill "$pid"; wait "$pid" 2>/dev/null || true
        echo "| $name | $round | $checked | $left | $after |"
    done
}

echo "| setup | kill | acknowledged uploads: listed / identical / total | orphans + unfinished writes after the kill | after the first sweep |"
echo "|---|---:|---|---|---|"
python3 -c 'import boto3, os
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
try: s3.create_bucket(Bucket="vitrine-test")
except s3.exceptions.BucketAlreadyOwnedByYou: pass'
run "sqlite+folder" --data-dir "$work/embedded"
pg_schema="crash_$$"
psql -q "$VITRINE_TEST_PG_URL" -c "CREATE SCHEMA $pg_schema" > /dev/null
run "postgres+s3" --data-dir "$work/pg" \
    --database-url "$VITRINE_TEST_PG_URL?options=-csearch_path%3D$pg_schema" \
    --store "s3://vitrine-test/crash-$$"
psql -q "$VITRINE_TEST_PG_URL" -c "DROP SCHEMA $pg_schema CASCADE" > /dev/null 2>&1
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%F)" >&2
