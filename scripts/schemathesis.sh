#!/usr/bin/env bash
# The OpenAPI document put to the test by schemathesis (PyPI), against a fresh server with
# an administrator's key: every operation exercised, and every answer must be what the
# document says (no 5xx, a documented status, content type and body shape).
# Installed into its own virtual environment in target/ (reused between runs).
# Usage: scripts/schemathesis.sh VITRINE_BINARY [EXAMPLES_PER_OPERATION]
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$1"
examples="${2:-30}"
venv="${CARGO_TARGET_DIR:-target}/schemathesis-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q schemathesis==4.32.5
fi
python3 scripts/schemathesis/run.py "$binary" "$venv/bin/schemathesis" "$examples"
