#!/usr/bin/env bash
# `vitrine import` against uploads through HTTP: COUNT noisy 1600x1200 PNGs into a fresh
# data directory each way, HTTP with as many uploads in flight as the import keeps
# (two per core), alternating for ROUNDS rounds. Target: import >= 0.9x the HTTP rate.
# Usage: scripts/bench-import.sh [COUNT] [ROUNDS]   (default 60 2)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-60}" rounds="${2:-2}"

cargo build --release -q -p vitrine
bin="$PWD/target/release/vitrine"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/images"
python3 scripts/bench-upload-v1/noise.py "$work/images" "$count" 1600 1200
at_once=$(( $(nproc) * 2 ))
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }

http() {
    local dir="$work/http-$1"
    mkdir -p "$dir"
    "$bin" --data-dir "$dir" user add bench --password bench-password --plan enterprise > /dev/null
    local key; key="$("$bin" --data-dir "$dir" key create --user bench)"
    local p; p=$(port)
    "$bin" --data-dir "$dir" serve --listen "127.0.0.1:$p" 2> "$dir/log" &
    local pid=$!
    until curl -sf "http://127.0.0.1:$p/readyz" > /dev/null; do sleep 0.1; done
    local started; started=$(now)
    find "$work/images" -type f -print0 | xargs -0 -P "$at_once" -I{} \
        curl -sf -o /dev/null -H "Authorization: Bearer $key" -F "file=@{}" "http://127.0.0.1:$p/api/v1/gallery"
    local seconds; seconds=$(echo "$(now) - $started" | bc)
    kill "$pid"; wait "$pid" 2> /dev/null || true
    echo "$seconds"
}

import() {
    local dir="$work/import-$1"
    mkdir -p "$dir"
    "$bin" --data-dir "$dir" user add bench --password bench-password --plan enterprise > /dev/null
    local started; started=$(now)
    "$bin" --data-dir "$dir" import "$work/images" --user bench > "$dir/out"
    local seconds; seconds=$(echo "$(now) - $started" | bc)
    grep -q "imported $count," "$dir/out" || { cat "$dir/out" >&2; exit 1; }
    echo "$seconds"
}

echo "| round | way | files | seconds | files/s |"
echo "|---|---|---:|---:|---:|"
http_total=0 import_total=0
for round in $(seq "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order="http import"; else order="import http"; fi
    for way in $order; do
        seconds=$($way "$round")
        printf '| %s | %s | %s | %.2f | %.1f |\n' "$round" "$way" "$count" "$seconds" "$(echo "$count / $seconds" | bc -l)"
        if [ "$way" = http ]; then http_total=$(echo "$http_total + $seconds" | bc); else import_total=$(echo "$import_total + $seconds" | bc); fi
    done
done
printf '\nimport rate / HTTP rate: %.2f (all rounds)\n' "$(echo "$http_total / $import_total" | bc -l)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%F)" >&2
