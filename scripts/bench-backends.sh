#!/usr/bin/env bash
# Upload and list throughput, embedded default (SQLite + folder) vs PostgreSQL + S3, same
# corpus, same client. Usage: scripts/bench-backends.sh [UPLOADS] [LISTS]  (default 300 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
uploads="${1:-300}"
lists="${2:-1000}"
concurrency=4

cargo build --release -q -p vitrine
bin="$PWD/target/release/vitrine"
eval "$(scripts/test-services.sh)"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# A corpus of distinct 96x96 noisy PNGs (~28 KB each), so nothing deduplicates.
python3 - "$work/corpus" "$uploads" <<'PY'
import os, random, struct, sys, zlib
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
for i in range(n):
    rnd = random.Random(i)
    raw = b"".join(b"\0" + bytes(rnd.getrandbits(8) for _ in range(96 * 3)) for _ in range(96))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 96, 96, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    open(f"{out}/{i:05}.png", "wb").write(png)
PY

run() { # name, then the global flags for vitrine
    local name="$1"; shift
    local env=(AWS_ENDPOINT_URL="$VITRINE_TEST_S3_URL" AWS_ALLOW_HTTP=true AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1)
    env "${env[@]}" "$bin" "$@" user add bench --password bench-password --plan enterprise > /dev/null
    local key; key="$(env "${env[@]}" "$bin" "$@" key create --user bench)"
    local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    env "${env[@]}" "$bin" "$@" serve --listen "127.0.0.1:$port" 2> "$work/$name.log" &
    local pid=$!
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
    python3 - "$name" "http://127.0.0.1:$port" "$key" "$work/corpus" "$lists" "$concurrency" <<'PY'
import concurrent.futures as cf, os, subprocess, sys, time, urllib.request
name, base, key, corpus, lists, conc = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus))
def upload(path):
    subprocess.run(["curl", "-sf", "-o", "/dev/null", "-H", f"Authorization: Bearer {key}", "-F", f"file=@{path}", f"{base}/api/v1/gallery"], check=True)
def listing(_):
    req = urllib.request.Request(f"{base}/api/v1/gallery?limit=50", headers={"Authorization": f"Bearer {key}"})
    urllib.request.urlopen(req).read()
with cf.ThreadPoolExecutor(conc) as pool:
    t = time.perf_counter(); list(pool.map(upload, files)); up = time.perf_counter() - t
    t = time.perf_counter(); list(pool.map(listing, range(lists))); ls = time.perf_counter() - t
print(f"{name}\t{len(files)/up:.1f}\t{lists/ls:.1f}")
PY
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

pg_schema="bench_$$"
psql -q "$VITRINE_TEST_PG_URL" -c "CREATE SCHEMA $pg_schema" > /dev/null
results="$work/results.tsv"
run "sqlite+local" --data-dir "$work/embedded" >> "$results"
run "postgres+s3" --database-url "$VITRINE_TEST_PG_URL?options=-csearch_path%3D$pg_schema" \
    --store "s3://vitrine-test/bench-$$" >> "$results"
psql -q "$VITRINE_TEST_PG_URL" -c "DROP SCHEMA $pg_schema CASCADE" > /dev/null

python3 - "$results" "$uploads" "$lists" "$concurrency" <<'PY'
import sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().split("\n") if line]
print(f"{sys.argv[2]} uploads of distinct ~28 KB PNGs and {sys.argv[3]} list requests (limit=50), {sys.argv[4]} clients at once")
print("| setup | uploads/s | lists/s |")
print("|---|---|---|")
for name, up, ls in rows:
    print(f"| {name} | {up} | {ls} |")
(_, u0, l0), (_, u1, l1) = rows
print(f"| ratio postgres+s3 / sqlite+local | {float(u1)/float(u0):.2f} | {float(l1)/float(l0):.2f} |")
PY
