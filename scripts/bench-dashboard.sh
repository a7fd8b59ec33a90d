#!/usr/bin/env bash
# The dashboard with a large library, in headless Chromium: how soon the first screen's
# thumbnails are all shown (cold browser each run), what JS + CSS cost on the wire, and
# how many DOM nodes the page holds after jumping to item 50,000.
# Usage: scripts/bench-dashboard.sh [N] [RUNS]   (default 100000 7; SQLite + local folder)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
runs="${2:-7}"

cargo build --release -q -p vitrine
bin="$PWD/target/release/vitrine"
scripts/browser.sh --install-only
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
flags=(--data-dir "$work")
"$bin" "${flags[@]}" migrate > /dev/null
"$bin" "${flags[@]}" user add bench --password bench-password --plan enterprise > /dev/null
key="$("$bin" "${flags[@]}" key create --user bench)"
started=$SECONDS
python3 scripts/bench-listing/seed.py sqlite "$n" | python3 scripts/bench-listing/apply_sqlite.py "$work/vitrine.db"
echo "seeded $((2 * n)) items ($n for the signed-in user) in $((SECONDS - started)) s" >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
serve() {
    VITRINE_PUBLIC_URL="http://127.0.0.1:$port" VITRINE_TRASH_RETENTION_DAYS=36500 \
        "$bin" "${flags[@]}" serve --listen "127.0.0.1:$port" 2>> "$work/server.log" &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
}
for step in prepare measure; do
    serve
    python3 scripts/bench-dashboard/measure.py "$step" "http://127.0.0.1:$port" "$key" "$work/vitrine.db" "$runs"
    kill "$pid"; wait "$pid" 2> /dev/null || true
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%F)" >&2
