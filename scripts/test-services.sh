#!/usr/bin/env bash
# Starts what the PostgreSQL and S3 test runs need, installing it when missing, and prints
# the variables to export. Usage: eval "$(scripts/test-services.sh)"
set -euo pipefail
s3_port="${VITRINE_TEST_S3_PORT:-5055}"

# PostgreSQL: this machine kind runs one on 127.0.0.1:5432; start it if it is down.
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >&2 || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }

# ffmpeg and ffprobe (videos), heif-convert and heif-enc (AVIF and HEIC): the media
# pipeline's external decoders are tested for real.
if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1 \
    || ! command -v heif-convert >/dev/null 2>&1 || ! command -v heif-enc >/dev/null 2>&1; then
    { apt-get update -qq && apt-get install -y -qq ffmpeg libheif-examples; } >&2
fi

# S3: moto's server, an S3-compatible endpoint from PyPI that keeps objects in memory.
if ! command -v moto_server >/dev/null 2>&1 || ! python3 -c 'import moto.server' 2>/dev/null; then
    python3 -m pip install -q 'moto[server]' >&2
fi
if ! curl -sf "http://127.0.0.1:$s3_port/" >/dev/null 2>&1; then
    nohup moto_server -H 127.0.0.1 -p "$s3_port" >/tmp/vitrine-moto.log 2>&1 &
    for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$s3_port/" >/dev/null 2>&1 && break; sleep 0.5; done
fi
curl -sf "http://127.0.0.1:$s3_port/" >/dev/null || { echo "the S3 test server did not start; see /tmp/vitrine-moto.log" >&2; exit 1; }

echo "export VITRINE_TEST_PG_URL=${VITRINE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
echo "export VITRINE_TEST_S3_URL=${VITRINE_TEST_S3_URL:-http://127.0.0.1:$s3_port}"
