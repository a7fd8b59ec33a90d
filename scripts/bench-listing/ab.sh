#!/usr/bin/env bash
# Two builds on one seeded SQLite database, alternately, for a same-day comparison:
# scripts/bench-listing/ab.sh OLD_BINARY NEW_BINARY [N] [REQUESTS] (default 1000000 100).
# Build the old one from its commit (e.g. in a git worktree) and copy it out first.
set -euo pipefail
cd "$(dirname "$0")/../.."
old="$1" new="$2" n="${3:-1000000}" requests="${4:-100}"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/sqlite"
"$new" --data-dir "$work/sqlite" migrate > /dev/null
"$new" --data-dir "$work/sqlite" user add bench --password bench-password --plan enterprise > /dev/null
key=$("$new" --data-dir "$work/sqlite" key create --user bench)
python3 scripts/bench-listing/seed.py sqlite "$n" | python3 scripts/bench-listing/apply_sqlite.py "$work/sqlite/vitrine.db"
echo "| build | combination | matches | p50 ms | p99 ms |"
echo "|---|---|---:|---:|---:|"
for round in 1 2; do
    for build in old new; do
        bin=$old; [ "$build" = new ] && bin=$new
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
        VITRINE_TRASH_RETENTION_DAYS=36500 "$bin" --data-dir "$work/sqlite" serve --listen "127.0.0.1:$port" 2> /dev/null &
        pid=$!
        until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
        python3 scripts/bench-listing/client.py "$build-$round" "127.0.0.1:$port" "$key" "$requests"
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
done
