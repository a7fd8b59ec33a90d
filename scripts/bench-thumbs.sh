#!/usr/bin/env bash
# Thumbnails against the engines the peers use: libvips' vipsthumbnail (Immich) and
# ImageMagick's -thumbnail (pict-rs, Chevereto), one core, one process doing every file
# of a corpus of 12 MP camera-like JPEGs. Prints ms per file and the ratios.
# ImageMagick's thumb + medium is its cheapest way to make both: the medium from the
# original, then the thumb from the medium.
# Usage: scripts/bench-thumbs.sh [COUNT] [ROUNDS]   (defaults 20 and 3; installs libvips-tools,
# imagemagick and nasm from Debian when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-20}"
rounds="${2:-3}"

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
magick_both() {
    one_core mogrify -path "$work/magick-medium" -quality 80 -thumbnail 1024x1024 "$work"/corpus/*.jpg
    one_core mogrify -path "$work/magick-thumb" -quality 80 -thumbnail 256x256 "$work"/magick-medium/*.jpg
}
# Rounds interleave the engines, so a slow minute of the machine hits all of them; the
# table shows each engine's median round. Ours prints its own per-file time (reading,
# decoding, resizing, encoding, writing) and peak memory.
results="$work/results"
for _ in $(seq "$rounds"); do
    echo "vips $(ms_per_file one_core vipsthumbnail "$work"/corpus/*.jpg -s 256 -o "$work/vips/%s.jpg[Q=80]") -"
    echo "magick $(ms_per_file one_core mogrify -path "$work/magick" -quality 80 -thumbnail 256x256 "$work"/corpus/*.jpg) -"
    echo "magick_both $(ms_per_file magick_both) -"
    echo "thumb $(one_core "$ours" run "$work/corpus" "$work/ours")"
    echo "both $(one_core "$ours" run "$work/corpus" "$work/ours2" --medium)"
    echo "webp $(one_core "$ours" run "$work/corpus" "$work/webp" --medium --webp)"
    echo "turbo_thumb $(one_core "$turbo" run "$work/corpus" "$work/turbo")"
    echo "turbo_both $(one_core "$turbo" run "$work/corpus" "$work/turbo2" --medium)"
done > "$results"

python3 - "$count" "$rounds" "$results" <<'PY'
import statistics, sys
count, rounds, path = sys.argv[1:]
runs, peaks = {}, {}
for line in open(path):
    name, ms, mib = line.split()
    runs.setdefault(name, []).append(float(ms))
    if mib != "-":
        peaks[name] = max(peaks.get(name, 0.0), float(mib))
ms = {name: statistics.median(times) for name, times in runs.items()}
print(f"{count} JPEGs of 4000×3000, one core, median of {rounds} rounds")
print("| engine | work | ms per file | × vipsthumbnail's thumb | ImageMagick's same work ÷ this |")
print("|---|---|---|---|---|")
for label, work, name, magick_same in [
        ("vipsthumbnail -s 256", "thumb", "vips", "magick"),
        ("ImageMagick mogrify -thumbnail", "thumb", "magick", "magick"),
        ("ImageMagick mogrify -thumbnail", "thumb + medium", "magick_both", "magick_both"),
        ("Vitrine", "thumb", "thumb", "magick"),
        ("Vitrine", "thumb + medium", "both", "magick_both"),
        ("Vitrine, WebP variants", "thumb + medium", "webp", "magick_both"),
        ("Vitrine, turbojpeg", "thumb", "turbo_thumb", "magick"),
        ("Vitrine, turbojpeg", "thumb + medium", "turbo_both", "magick_both")]:
    print(f"| {label} | {work} | {ms[name]:.1f} | {ms[name] / ms['vips']:.2f}× "
          f"| {ms[magick_same] / ms[name]:.1f}× |")
print("vipsthumbnail's rounds:", ", ".join(f"{t:.1f}" for t in runs["vips"]), "ms;",
      "ours, thumb + medium:", ", ".join(f"{t:.1f}" for t in runs["both"]), "ms")
print("peak memory of one process rendering one photo at a time (MiB):",
      ", ".join(f"{name} {mib:.1f}" for name, mib in peaks.items()))
PY
