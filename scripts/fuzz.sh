#!/usr/bin/env bash
# Runs every cargo-fuzz target for RUNS executions each (or an hour, whichever comes
# first), JOBS at a time, from the seeds in fuzz/seeds plus what earlier runs found
# (fuzz/corpus, not committed), and prints the executions and time per target. A crash
# stops its target and leaves the input in fuzz/artifacts/TARGET/; make it a regression
# test. Needs the nightly toolchain; installs cargo-fuzz when missing.
# Usage: scripts/fuzz.sh [RUNS] [JOBS] [TARGET…]   (default 10000000 2, all targets)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
runs="${1:-10000000}"
jobs="${2:-2}"
shift $(( $# < 2 ? $# : 2 ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    # The slowest first, so the others share the second core meanwhile.
    targets=(upload_form probe photo_meta listing_query strip frame_count)
fi
command -v cargo-fuzz > /dev/null || cargo install -q cargo-fuzz --locked
cargo +nightly fuzz build -O 2> /dev/null
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

run() {
    local target="$1"
    mkdir -p "corpus/$target"
    local started=$SECONDS
    if cargo +nightly fuzz run -O "$target" "corpus/$target" seeds -- -runs="$runs" \
        -max_total_time=3600 -rss_limit_mb=2048 -print_final_stats=1 > "$logs/$target" 2>&1; then
        echo ok > "$logs/$target.result"
    else
        echo CRASH > "$logs/$target.result"
    fi
    echo $((SECONDS - started)) > "$logs/$target.seconds"
}

running=0
for target in "${targets[@]}"; do
    run "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

echo "| target | seconds | executions | per second | corpus | result |"
echo "|---|---:|---:|---:|---:|---|"
for target in "${targets[@]}"; do
    executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$logs/$target" | grep -o '[0-9]*$' || echo "?")
    per=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$logs/$target" | grep -o '[0-9]*$' || echo "?")
    corpus=$(ls "corpus/$target" | wc -l)
    echo "| $target | $(cat "$logs/$target.seconds") | $executed | $per | $corpus | $(cat "$logs/$target.result") |"
    if grep -q CRASH "$logs/$target.result"; then tail -40 "$logs/$target" >&2; fi
done
echo "machine: $(nproc) cores, $(date -u +%F)" >&2
