#!/usr/bin/env bash
# Bulk ZIP download against reading the same bytes directly, with the server's peak
# memory. Local store: COUNT files of SIZE_MIB each, compared with `cat` of the stored
# objects. S3 (when VITRINE_BENCH_S3_URL points at an S3-compatible server): S3_COUNT files
# of S3_SIZE_MIB, compared with GETting the same objects straight from that server.
# Usage: scripts/bench-zip.sh [COUNT] [SIZE_MIB]   (default 20 × 100 MiB = 2000 MiB)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-20}"
size_mib="${2:-100}"
s3_count="${S3_COUNT:-10}"
s3_size_mib="${S3_SIZE_MIB:-20}"

cargo build --release -q -p vitrine
bin="$PWD/target/release/vitrine"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

start_server() { # data dir, extra args...
    local data="$1"; shift
    VITRINE_MAX_UPLOAD_BYTES=$((1024 * 1024 * 1024)) \
        "$bin" --data-dir "$data" "$@" serve --listen "127.0.0.1:$port" 2>> "$work/server.log" &
    server=$!
    until curl -sf "$base/readyz" > /dev/null; do sleep 0.1; done
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; }
now() { date +%s.%N; }

# Distinct files (a header naming the file, then zeros), uploaded through the API.
seed() { # data dir, count, size, extra args...
    local data="$1" n="$2" mib="$3"; shift 3
    "$bin" --data-dir "$data" "$@" user add bench --password bench-password --plan enterprise > /dev/null
    key="$("$bin" --data-dir "$data" "$@" key create --user bench)"
    start_server "$data" "$@"
    ids=()
    for i in $(seq 1 "$n"); do
        local file="$work/f.mp4"
        printf '\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom%08d' "$i" > "$file"
        truncate -s "${mib}M" "$file"
        ids+=("$(curl -sf -H "Authorization: Bearer $key" -F "file=@$file;filename=clip.mp4" "$base/api/v1/gallery" \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
    done
    rm -f "$work/f.mp4"
    # A fresh process, so its peak memory is the ZIP's alone.
    stop_server
    start_server "$data" "$@"
}

zip_run() { # prints seconds and bytes of one bulk ZIP download, thrown away like cat's
    local body s e bytes
    body=$(python3 -c 'import json,sys; print(json.dumps({"itemIds": sys.argv[1:]}))' "${ids[@]}")
    s=$(now)
    bytes=$(curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" \
        -o /dev/null -w '%{size_download}' "$base/api/v1/gallery/bulk/download")
    e=$(now)
    echo "$(python3 -c "print(float('$e') - float('$s'))") $bytes"
}

zip_check() { # one untimed download, tested entry by entry
    local body
    body=$(python3 -c 'import json,sys; print(json.dumps({"itemIds": sys.argv[1:]}))' "${ids[@]}")
    curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" \
        -o "$work/out.zip" "$base/api/v1/gallery/bulk/download"
    if command -v unzip > /dev/null; then unzip -tq "$work/out.zip" > /dev/null; fi
    rm -f "$work/out.zip"
}

peak_mib() { awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$server/status"; }

cat_run() {
    local s e
    s=$(now); cat "$work"/local/blobs/objects/* > /dev/null; e=$(now)
    python3 -c "print(float('$e') - float('$s'))"
}
# Empties the page cache where this user may (root on a VM); both sides then read the disk.
drop_caches() { sync && echo 3 > /proc/sys/vm/drop_caches 2> /dev/null; }

rows=()
# Local store, files in the page cache for both: what the HTTP and ZIP path costs.
seed "$work/local" "$count" "$size_mib"
cat_run > /dev/null
cat_secs=$(cat_run)
zip_check # also the warm-up
read -r zip_secs zip_bytes < <(zip_run)
rows+=("local, page cache|$count|$size_mib|$cat_secs|$zip_secs|$zip_bytes|$(peak_mib)")
# Local store, cold: what a server streaming a library bigger than its memory sees.
if drop_caches; then
    cat_secs=$(cat_run)
    drop_caches
    read -r zip_secs zip_bytes < <(zip_run)
    rows+=("local, cold|$count|$size_mib|$cat_secs|$zip_secs|$zip_bytes|$(peak_mib)")
fi
stop_server

if [ -n "${VITRINE_BENCH_S3_URL:-}" ]; then
    bucket="bench$(date +%s)"
    curl -sf -X PUT "$VITRINE_BENCH_S3_URL/$bucket" > /dev/null
    export AWS_ENDPOINT_URL="$VITRINE_BENCH_S3_URL" AWS_ALLOW_HTTP=true AWS_REGION=us-east-1 \
        AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
    seed "$work/s3" "$s3_count" "$s3_size_mib" --store "s3://$bucket/v"
    keys=$(python3 - "$VITRINE_BENCH_S3_URL" "$bucket" <<'PY'
import re, sys, urllib.request
listing = urllib.request.urlopen(f"{sys.argv[1]}/{sys.argv[2]}?list-type=2&prefix=v/objects/").read().decode()
print(" ".join(re.findall(r"<Key>([^<]+)</Key>", listing)))
PY
)
    s=$(now)
    for k in $keys; do curl -sf -o /dev/null "$VITRINE_BENCH_S3_URL/$bucket/$k"; done
    e=$(now)
    get_secs=$(python3 -c "print(float('$e') - float('$s'))")
    read -r zip_secs zip_bytes < <(zip_run)
    rows+=("s3|$s3_count|$s3_size_mib|$get_secs|$zip_secs|$zip_bytes|$(peak_mib)")
    stop_server
fi

python3 - "${rows[@]}" <<'PY'
import sys
print("| store | files | MiB total | direct read s (MiB/s) | ZIP s (MiB/s) | ZIP / direct | server peak RSS |")
print("|---|---|---|---|---|---|---|")
for row in sys.argv[1:]:
    store, n, mib, direct, z, zbytes, peak = row.split("|")
    total = int(n) * int(mib)
    direct, z = float(direct), float(z)
    how = "cat" if store.startswith("local") else "GET each object"
    print(f"| {store} | {n} | {total} | {direct:.2f} ({total/direct:.0f}, {how}) | {z:.2f} ({int(zbytes)/2**20/z:.0f}) "
          f"| {(total/z)/(total/direct):.2f}× | {peak} MiB |")
PY
