#!/usr/bin/env bash
# Streams a large upload through a release server and reports time and the server's peak
# memory (VmHWM). Usage: scripts/bench-upload.sh [SIZE_MIB]   (default 1024)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib="${1:-1024}"

cargo build --release -q -p vitrine
bin="$PWD/target/release/vitrine"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

# An MP4 'ftyp' box, then zeros: real enough for type detection, cheap to make.
file="$work/big.mp4"
printf '\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom' > "$file"
truncate -s "${size_mib}M" "$file"

"$bin" --data-dir "$work/data" user add bench --password bench-password --plan enterprise > /dev/null
key="$("$bin" --data-dir "$work/data" key create --user bench)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
VITRINE_MAX_UPLOAD_BYTES=$((size_mib * 1024 * 1024 + 1)) \
    "$bin" --data-dir "$work/data" serve --listen "127.0.0.1:$port" 2> "$work/server.log" &
server=$!
until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done

rss_kib() { awk "/^$1:/ {print \$2}" "/proc/$server/status"; }
idle_kib=$(rss_kib VmRSS)
start=$(date +%s.%N)
curl -sf -H "Authorization: Bearer $key" -F "file=@$file" "http://127.0.0.1:$port/api/v1/gallery" > "$work/item.json"
end=$(date +%s.%N)
peak_kib=$(rss_kib VmHWM)
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/item.json")

dstart=$(date +%s.%N)
curl -sf -H "Authorization: Bearer $key" -o /dev/null "http://127.0.0.1:$port/api/v1/gallery/$id/download"
dend=$(date +%s.%N)
peak_after_download_kib=$(rss_kib VmHWM)

python3 - "$size_mib" "$start" "$end" "$dstart" "$dend" "$idle_kib" "$peak_kib" "$peak_after_download_kib" <<'PY'
import sys
size, s, e, ds, de, idle, peak, peak_dl = sys.argv[1:]
size = int(size); up = float(e) - float(s); down = float(de) - float(ds)
print(f"| operation | size | seconds | MiB/s | server RSS idle | server peak RSS |")
print(f"|---|---|---|---|---|---|")
print(f"| upload (multipart, SQLite + local) | {size} MiB | {up:.2f} | {size/up:.0f} | {int(idle)/1024:.1f} MiB | {int(peak)/1024:.1f} MiB |")
print(f"| download | {size} MiB | {down:.2f} | {size/down:.0f} | | {int(peak_dl)/1024:.1f} MiB |")
PY
