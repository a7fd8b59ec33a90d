#!/usr/bin/env bash
# Spec 5 with a real third-party uploader: `chupo` (PyPI), a CLI for Chevereto's API V1.
# It declares Python >= 3.13 but runs on the Python here; it is installed into its own
# virtual environment in target/ (reused between runs).
# Usage: scripts/uploader-client.sh VITRINE_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${CARGO_TARGET_DIR:-target}/uploader-client-venv"
if [ ! -x "$venv/bin/chupo" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --ignore-requires-python chupo==0.1.3
fi
python3 scripts/uploader-client/check.py "$1" "$venv/bin/chupo"
