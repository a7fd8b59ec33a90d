#!/usr/bin/env bash
# The read path through HTTP (issue: "at the speed of the framework"): wrk -t2 -c64 on
# /healthz, GET item, listings and a signed thumb, against one server per backend with a
# library of N items for the caller (seeded as scripts/bench-listing.sh does), and a bare
# actix-web route (examples/bare_hello.rs) built in the same run. Prints one table.
# Usage: scripts/bench-http.sh [N] [SECONDS]   (default 100000 10). Needs wrk (Debian's
# package; installed when missing and apt-get is there).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
seconds="${2:-10}"

command -v wrk > /dev/null || apt-get install -y -q wrk > /dev/null
cargo build --release -q -p vitrine --bin vitrine --example bare_hello
bin="$PWD/target/release/vitrine"
eval "$(scripts/test-services.sh)"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
pg_server="${VITRINE_TEST_PG_URL%/*}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# name, url, [header]: one wrk run as a table row; req/s is also kept for the ratios.
measure() {
    local name="$1" url="$2" header="${3:-X-Bench: 1}"
    local out; out="$(wrk -t2 -c64 -d"${seconds}s" --latency -H "$header" "$url")"
    local rps p50 p99 errors
    rps="$(awk '/^Requests\/sec/ {print $2}' <<< "$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<< "$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<< "$out")"
    errors="$(awk '/Non-2xx/ {print $NF}' <<< "$out")"
    echo "$name $rps $p50 $p99 ${errors:-0}"
}

port=$(free_port)
target/release/examples/bare_hello "127.0.0.1:$port" 2 &
until curl -sf "http://127.0.0.1:$port/hello" > /dev/null; do sleep 0.1; done
hello="$(measure bare "http://127.0.0.1:$port/hello")"
kill %1

bench() { # name, seed command, then the global flags for vitrine
    local name="$1" seed="$2"; shift 2
    "$bin" "$@" migrate > /dev/null
    "$bin" "$@" user add bench --password bench-password --plan enterprise > /dev/null
    local key; key="$("$bin" "$@" key create --user bench)"
    python3 scripts/bench-listing/seed.py "$name" "$n" | eval "$seed"
    local port; port=$(free_port)
    VITRINE_TRASH_RETENTION_DAYS=36500 "$bin" "$@" serve --listen "127.0.0.1:$port" 2> "$work/$name.log" &
    local pid=$!
    local base="http://127.0.0.1:$port"
    until curl -sf "$base/readyz" > /dev/null; do sleep 0.1; done
    python3 scripts/bench-http/one_png.py > "$work/one.png"
    local item; item="$(
        curl -sf -H "Authorization: Bearer $key" -F "file=@$work/one.png;type=image/png" "$base/api/v1/gallery")"
    local id thumb
    id="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<< "$item")"
    thumb="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["thumbnailUrl"])' <<< "$item")"
    local auth="Authorization: Bearer $key"
    local health; health="$(measure healthz "$base/healthz")"
    echo "$name $health"
    echo "$name $(measure "GET item" "$base/api/v1/gallery/$id" "$auth")"
    echo "$name $(measure "GET /api/v1/gallery?limit=20" "$base/api/v1/gallery?limit=20" "$auth")"
    echo "$name $(measure "GET /images?limit=50" "$base/images?limit=50" "$auth")"
    echo "$name $(measure "signed thumb" "$thumb")"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

{
    echo "- $hello"
    mkdir -p "$work/sqlite"
    bench sqlite "python3 scripts/bench-listing/apply_sqlite.py '$work/sqlite/vitrine.db'" \
        --data-dir "$work/sqlite"
    PGOPTIONS=--client-min-messages=warning psql -q "$pg_server/postgres" \
        -c "DROP DATABASE IF EXISTS vitrine_bench_http" -c "CREATE DATABASE vitrine_bench_http"
    bench postgres "psql -q -v ON_ERROR_STOP=1 '$pg_server/vitrine_bench_http' > /dev/null; psql -q '$pg_server/vitrine_bench_http' -c 'VACUUM ANALYZE'" \
        --data-dir "$work/pg" --database-url "$pg_server/vitrine_bench_http"
    psql -q "$pg_server/postgres" -c "DROP DATABASE vitrine_bench_http"
} > "$work/rows"
sed 's/^/raw: /' "$work/rows" >&2
python3 - "$work/rows" <<'PY'
import sys
def ms(text):
    """wrk's latency (`812.00us`, `3.20ms`, `1.01s`) in milliseconds."""
    number = text.rstrip("mus")
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[text[len(number):]]
rows = [line.split() for line in open(sys.argv[1])]
bare = float(rows[0][-4])
print("| backend | request | req/s | × healthz | p50 ms | p99 ms | non-2xx |")
print("|---|---|---:|---:|---:|---:|---:|")
print(f"| — | bare actix-web route | {bare:,.0f} | — | — | — | — |")
health = {}
for row in rows[1:]:
    backend, name, (rps, p50, p99, errors) = row[0], " ".join(row[1:-4]), row[-4:]
    rps = float(rps)
    if name == "healthz":
        health[backend] = rps
        ratio = f"{rps / bare:.2f} × bare"
    else:
        ratio = f"{rps / health[backend]:.2f}"
    print(f"| {backend} | {name} | {rps:,.0f} | {ratio} | {ms(p50):.2f} | {ms(p99):.2f} | {errors} |")
PY
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%F)" >&2
