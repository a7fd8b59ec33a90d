#!/usr/bin/env bash
# Thumbnails against the engines the peers use: libvips' vipsthumbnail (Immich) and
# ImageMagick's -thumbnail (pict-rs, Chevereto), one core, one process doing every file
# of a corpus of 12 MP camera-like JPEGs. Prints ms per file and the ratios.
# ImageMagick's thumb + medium is its cheapest way to make both: the medium from the
# original, then the thumb from the medium.
# Usage: scripts/bench-thumbs.sh [COUNT]   (default 20; installs libvips-tools,
# imagemagick and nasm from Debian when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-20}"

if ! command -v vipsthumbnail > /dev/null || ! command -v mogrify > /dev/null \
    || ! command -v nasm > /dev/null; then
    apt-get update -qq > /dev/null
    apt-get install -y -qq libvips-tools imagemagick nasm > /dev/null
fi
cargo build --release -q --example thumbs -p vitrine-media
ours="$PWD/target/release/examples/thumbs"
# The turbojpeg build in a target folder of its own, so neither evicts the other.
cargo build --release -q --example thumbs -p vitrine-media --features turbojpeg --target-dir target/turbojpeg
turbo="$PWD/target/turbojpeg/release/examples/thumbs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$ours" corpus "$work/corpus" "$count"
cat "$work"/corpus/*.jpg > /dev/null # into the page cache for every contender
one_core() { taskset -c 0 env OMP_NUM_THREADS=1 VIPS_CONCURRENCY=1 MAGICK_THREAD_LIMIT=1 "$@"; }
ms_per_file() { # command...; prints the mean wall milliseconds per corpus file
    local s e
    s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N)
    python3 -c "print(f'{(float(\"$e\") - float(\"$s\")) * 1000 / $count:.1f}')"
}

mkdir -p "$work/vips" "$work/magick" "$work/magick-medium" "$work/magick-thumb"
vips_ms=$(ms_per_file one_core vipsthumbnail "$work"/corpus/*.jpg -s 256 -o "$work/vips/%s.jpg[Q=80]")
magick_ms=$(ms_per_file one_core mogrify -path "$work/magick" -quality 80 -thumbnail 256x256 "$work"/corpus/*.jpg)
magick_both() {
    one_core mogrify -path "$work/magick-medium" -quality 80 -thumbnail 1024x1024 "$work"/corpus/*.jpg
    one_core mogrify -path "$work/magick-thumb" -quality 80 -thumbnail 256x256 "$work"/magick-medium/*.jpg
}
magick_both_ms=$(ms_per_file magick_both)
# Ours prints its own per-file time (reading, decoding, resizing, encoding, writing).
read -r thumb_ms thumb_mib < <(one_core "$ours" run "$work/corpus" "$work/ours")
read -r both_ms both_mib < <(one_core "$ours" run "$work/corpus" "$work/ours2" --medium)
read -r turbo_thumb_ms turbo_thumb_mib < <(one_core "$turbo" run "$work/corpus" "$work/turbo")
read -r turbo_both_ms turbo_both_mib < <(one_core "$turbo" run "$work/corpus" "$work/turbo2" --medium)

python3 - "$count" "$vips_ms" "$magick_ms" "$magick_both_ms" "$thumb_ms" "$both_ms" \
    "$turbo_thumb_ms" "$turbo_both_ms" <<'PY'
import sys
count, vips, magick, magick_both, thumb, both, turbo_thumb, turbo_both = \
    sys.argv[1], *map(float, sys.argv[2:])
print(f"{count} JPEGs of 4000×3000, one core")
print("| engine | work | ms per file | × vipsthumbnail's thumb | ImageMagick's same work ÷ this |")
print("|---|---|---|---|---|")
for name, work, ms, magick_same in [
        ("vipsthumbnail -s 256", "thumb", vips, magick),
        ("ImageMagick mogrify -thumbnail", "thumb", magick, magick),
        ("ImageMagick mogrify -thumbnail", "thumb + medium", magick_both, magick_both),
        ("Vitrine", "thumb", thumb, magick), ("Vitrine", "thumb + medium", both, magick_both),
        ("Vitrine, turbojpeg", "thumb", turbo_thumb, magick),
        ("Vitrine, turbojpeg", "thumb + medium", turbo_both, magick_both)]:
    print(f"| {name} | {work} | {ms:.1f} | {ms / vips:.2f}× | {magick_same / ms:.1f}× |")
PY
echo "peak memory of one process rendering one photo at a time (MiB): thumb $thumb_mib," \
    "thumb + medium $both_mib, turbojpeg thumb $turbo_thumb_mib, turbojpeg thumb + medium $turbo_both_mib"
