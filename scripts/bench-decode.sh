#!/usr/bin/env bash
# Peak memory under a crowd of huge images: COUNT parallel uploads of one 100-megapixel PNG
# (a few hundred KB on the wire, 400 MB decoded), against the server with its default
# decode budget (512 MiB) and with the budget out of the way. Prints the server's peak
# resident memory (VmHWM) per run. Usage: scripts/bench-decode.sh [COUNT] (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-20}"

# VITRINE_BENCH_BIN: a binary built already (skips the release build).
bin="${VITRINE_BENCH_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release -q -p vitrine
    bin="$PWD/target/release/vitrine"
fi
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
python3 scripts/bench-decode/png.py 10000 10000 > "$work/huge.png"

run() { # label, budget bytes
    local label="$1" budget="$2" dir="$work/$1"
    mkdir -p "$dir"
    "$bin" --data-dir "$dir" user add bench --password bench-password --plan enterprise > /dev/null
    local key; key="$("$bin" --data-dir "$dir" key create --user bench)"
    local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    VITRINE_DECODE_BUDGET_BYTES="$budget" "$bin" --data-dir "$dir" serve --listen "127.0.0.1:$port" 2> "$dir/log" &
    local pid=$!
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
    local started=$SECONDS ok=0
    for i in $(seq "$count"); do
        curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $key" \
            -F "file=@$work/huge.png;filename=huge-$i.png" "http://127.0.0.1:$port/api/v1/gallery" \
            > "$dir/status-$i" &
    done
    wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
    ok=$(cat "$dir"/status-* | grep -c '^201$' || true)
    local peak; peak=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "| $label | $count | $ok | $peak | $((SECONDS - started)) |"
}

echo "| decode budget | uploads | answered 201 | peak RSS MiB | seconds |"
echo "|---|---:|---:|---:|---:|"
run "512 MiB (default)" 536870912
run "none (64 GiB)" 68719476736
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%F)" >&2
