#!/usr/bin/env bash
# Two builds on one seeded database, alternately, for a same-day comparison:
# scripts/bench-listing/ab.sh OLD_BINARY NEW_BINARY [sqlite|postgres] [N] [REQUESTS]
# (default sqlite 1000000 100). Build the old one from its commit (e.g. in a git worktree)
# and copy it out first. PostgreSQL needs VITRINE_TEST_PG_URL (scripts/test-services.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
old="$1" new="$2" backend="${3:-sqlite}" n="${4:-1000000}" requests="${5:-100}"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
flags=(--data-dir "$work/data")
if [ "$backend" = postgres ]; then
    pg_server="${VITRINE_TEST_PG_URL%/*}"
    psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS vitrine_ab" -c "CREATE DATABASE vitrine_ab"
    flags+=(--database-url "$pg_server/vitrine_ab")
    seed=(psql -q -v ON_ERROR_STOP=1 "$pg_server/vitrine_ab")
else
    mkdir -p "$work/data"
    seed=(python3 scripts/bench-listing/apply_sqlite.py "$work/data/vitrine.db")
fi
"$new" "${flags[@]}" migrate > /dev/null
"$new" "${flags[@]}" user add bench --password bench-password --plan enterprise > /dev/null
key=$("$new" "${flags[@]}" key create --user bench)
python3 scripts/bench-listing/seed.py "$backend" "$n" | "${seed[@]}" > /dev/null
echo "| build | combination | matches | p50 ms | p99 ms |"
echo "|---|---|---:|---:|---:|"
for round in 1 2; do
    for build in old new; do
        bin=$old; [ "$build" = new ] && bin=$new
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
        VITRINE_TRASH_RETENTION_DAYS=36500 "$bin" "${flags[@]}" serve --listen "127.0.0.1:$port" 2> /dev/null &
        pid=$!
        until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
        python3 scripts/bench-listing/client.py "$build-$round" "127.0.0.1:$port" "$key" "$requests"
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
done
