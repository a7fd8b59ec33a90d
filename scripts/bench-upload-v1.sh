#!/usr/bin/env bash
# Spec 5's targets through HTTP against a release server:
# 1. throughput: COUNT noisy 1600x1200 PNGs uploaded one after another through
#    `/api/1/upload` and through `POST /api/v1/gallery`, each on a fresh data directory,
#    alternating for ROUNDS rounds (the ratio must be >= 0.9);
# 2. memory: a SIZE_MIB file sent as base64 in a multipart form field and as a URL the
#    server fetches: the server's peak resident memory above idle (must be < 64 MiB).
# Usage: scripts/bench-upload-v1.sh [COUNT] [ROUNDS] [SIZE_MIB]   (default 20 2 100)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-20}" rounds="${2:-2}" size_mib="${3:-100}"

bin="${VITRINE_BENCH_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release -q -p vitrine
    bin="$PWD/target/release/vitrine"
fi
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/images"
python3 scripts/bench-upload-v1/noise.py "$work/images" "$count" 1600 1200
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() { # dir, extra env...; sets pid, url, key
    local dir="$1"; shift
    mkdir -p "$dir"
    "$bin" --data-dir "$dir" user add bench --password bench-password --plan enterprise > /dev/null
    key="$("$bin" --data-dir "$dir" key create --user bench)"
    local p; p=$(port)
    env "$@" VITRINE_MEDIA_WORKERS=0 "$bin" --data-dir "$dir" serve --listen "127.0.0.1:$p" 2> "$dir/log" &
    pid=$!
    url="http://127.0.0.1:$p"
    until curl -sf "$url/readyz" > /dev/null; do sleep 0.1; done
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

echo "| round | endpoint | uploads | seconds | uploads/s |"
echo "|---|---|---:|---:|---:|"
for round in $(seq "$rounds"); do
    # Each goes first in every other round: the first run of a round starts colder.
    order="v1 gallery"; [ $((round % 2)) = 0 ] && order="gallery v1"
    for endpoint in $order; do
        start_server "$work/$endpoint-$round" RUST_LOG=warn
        started=$(date +%s.%N)
        for file in "$work"/images/*.png; do
            if [ "$endpoint" = v1 ]; then
                code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $key" -F "source=@$file" "$url/api/1/upload")
                [ "$code" = 200 ] || { echo "v1 upload answered $code" >&2; exit 1; }
            else
                code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $key" -F "file=@$file" "$url/api/v1/gallery")
                [ "$code" = 201 ] || { echo "gallery upload answered $code" >&2; exit 1; }
            fi
        done
        ended=$(date +%s.%N)
        stop_server
        python3 -c "s=$ended-$started; print(f'| $round | $endpoint | $count | {s:.2f} | {$count/s:.2f} |')"
    done
done

# Memory: an MP4-typed file of zeros (cheap to make, real enough for type detection).
file="$work/big.mp4"
printf '\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom' > "$file"
truncate -s "${size_mib}M" "$file"
base64 -w 0 "$file" > "$work/big.b64"
web_port=$(port)
(cd "$work" && python3 -m http.server "$web_port" --bind 127.0.0.1 > /dev/null 2>&1) &
until curl -sf -o /dev/null "http://127.0.0.1:$web_port/big.mp4" -r 0-0; do sleep 0.1; done
echo
echo "| source | MiB sent | server idle MiB | peak MiB | above idle MiB (< 64) |"
echo "|---|---:|---:|---:|---:|"
for source in base64 url; do
    start_server "$work/mem-$source" VITRINE_URL_FETCH_ALLOW=127.0.0.1/32
    idle=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    if [ "$source" = base64 ]; then
        sent=$(( $(stat -c %s "$work/big.b64") / 1048576 ))
        code=$(curl -s -o "$work/answer.json" -w '%{http_code}' -H "X-API-Key: $key" \
            -F "source=<$work/big.b64" "$url/api/1/upload")
    else
        sent=0
        code=$(curl -s -o "$work/answer.json" -w '%{http_code}' -H "X-API-Key: $key" \
            -F "source=http://127.0.0.1:$web_port/big.mp4" "$url/api/1/upload")
    fi
    [ "$code" = 200 ] || { echo "$source upload answered $code: $(head -c 300 "$work/answer.json")" >&2; exit 1; }
    peak=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
    stop_server
    echo "| $source | $sent | $((idle / 1024)) | $((peak / 1024)) | $(((peak - idle) / 1024)) |"
done
