# Vitrine's everyday recipes. The README's commands need only cargo; these are shortcuts.

# Run the server on the embedded default (SQLite + ./vitrine-data).
run:
    cargo run --release -p vitrine -- serve

# All tests on SQLite (PostgreSQL scenarios print SKIPPED).
test:
    cargo test --workspace

# All tests on all four combinations (SQLite/PostgreSQL × folder/S3), services started.
test-all:
    eval "$(scripts/test-services.sh)" && cargo test --workspace

# Formatting, lints, and the domain's independence from frameworks.
lint: check-domain
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# schema.rs against `diesel print-schema` of both backends' migrations (installs diesel_cli).
check-schema:
    eval "$(scripts/test-services.sh)" && scripts/check-schema.sh

# The domain crate must not pull in a web framework, ORM, codec or object store.
check-domain:
    #!/usr/bin/env bash
    set -euo pipefail
    if cargo tree -p vitrine-domain -e normal --prefix none | grep -E '^(actix|diesel|image|object_store|tokio) '; then
        echo "vitrine-domain depends on a framework crate" >&2; exit 1
    fi
    echo "vitrine-domain is framework-free"

# Benchmarks; they print tables and never gate CI.
bench: bench-listing bench-zip bench-thumbs
    scripts/bench-upload.sh
    scripts/bench-backends.sh

# Spec 5: upload throughput through /api/1/upload against POST /api/v1/gallery, and peak
# memory for a large file sent as base64 and as a URL.
bench-upload-v1 count="20" rounds="2" size_mib="100":
    scripts/bench-upload-v1.sh {{count}} {{rounds}} {{size_mib}}

# Peak memory with COUNT parallel uploads of a 100-megapixel PNG, with and without the
# decode budget.
bench-decode count="20":
    scripts/bench-decode.sh {{count}}

# Crash hygiene: uploads killed with SIGKILL ROUNDS times on SQLite + folder and PostgreSQL +
# S3; every acknowledged upload listed and identical, no orphan after the first sweep.
crash-test rounds="3" clients="8":
    scripts/crash-test.sh {{rounds}} {{clients}}

# Every fuzz target for RUNS executions, JOBS at a time (nightly Rust; installs cargo-fuzz).
fuzz runs="10000000" jobs="2":
    scripts/fuzz.sh {{runs}} {{jobs}}

# The dashboard with N items in headless Chromium: first screen, JS + CSS shipped, DOM
# nodes after jumping to item 50,000.
bench-dashboard n="100000" runs="7":
    scripts/bench-dashboard.sh {{n}} {{runs}}

# `vitrine import` against HTTP uploads of the same COUNT files.
bench-import count="200" rounds="2":
    scripts/bench-import.sh {{count}} {{rounds}}

# Thumbnails: ours beside vipsthumbnail and ImageMagick, one core.
bench-thumbs count="20" rounds="5":
    scripts/bench-thumbs.sh {{count}} {{rounds}}

# Pages in headless Chromium (installs chromium and playwright when missing); saves the
# screenshots kept in docs/screenshots.
screenshots:
    cargo build -p vitrine
    scripts/browser.sh target/debug/vitrine --screenshots docs/screenshots

# Spec 4 at size: /gallery/by-project over PROJECTS × IMAGES seeded items, per parameter
# combination, on SQLite and PostgreSQL.
bench-projects projects="200" images="500" requests="200":
    scripts/bench-projects.sh {{projects}} {{images}} {{requests}}

# The quality score's cost per 12 MP photo (target < 3 ms), beside the whole render.
bench-quality count="10":
    cargo build --release -q --example thumbs -p vitrine-media
    rm -rf target/bench-quality && target/release/examples/thumbs corpus target/bench-quality {{count}}
    target/release/examples/thumbs quality target/bench-quality

# Spec 3 at size: a gallery of N items, GET / reorder / public page through HTTP, on SQLite
# and PostgreSQL.
bench-galleries n="1000" requests="300" reorders="100":
    scripts/bench-galleries.sh {{n}} {{requests}} {{reorders}}

# Bulk ZIP of COUNT files of SIZE MiB against cat (and S3 when VITRINE_BENCH_S3_URL is set).
bench-zip count="20" size="100":
    scripts/bench-zip.sh {{count}} {{size}}

# Listing latency with N items for one user and N over others (default 1000000; the
# seeding takes minutes per backend).
bench-listing n="1000000":
    scripts/bench-listing.sh {{n}}

# The read path under load (wrk -t2 -c64): /healthz, GET item, listings and a signed thumb
# with N items for the caller, on SQLite and PostgreSQL, beside a bare actix-web route.
bench-http n="100000" seconds="10":
    scripts/bench-http.sh {{n}} {{seconds}}
