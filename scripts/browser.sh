#!/usr/bin/env bash
# Pages in a real browser: Debian's Chromium driven by Python's Playwright (Playwright's
# own browser download is not used), axe-core from the npm registry for accessibility.
# Installs what is missing.
# Usage: scripts/browser.sh VITRINE_BINARY [--screenshots DIR] | --install-only
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium > /dev/null; then
    apt-get update -qq && apt-get install -y -qq chromium > /dev/null
fi
if ! python3 -c 'import playwright' 2> /dev/null; then
    python3 -m pip install -q playwright
fi
if [ ! -f scripts/browser/node_modules/axe-core/axe.min.js ]; then
    command -v npm > /dev/null || { apt-get update -qq && apt-get install -y -qq npm > /dev/null; }
    (cd scripts/browser && npm ci --silent --no-audit --no-fund)
fi
[ "$1" = --install-only ] && exit 0
python3 scripts/browser/gallery_page.py "$@"
python3 scripts/browser/dashboard.py "$@"
binary="$1"
python3 scripts/browser/accessibility.py "$binary"
python3 scripts/browser/api_docs.py "$binary"
