#!/usr/bin/env bash
# Two builds of `/gallery/by-project` on one PostgreSQL seed, alternately, for a same-day
# comparison: scripts/bench-projects/ab.sh OLD_BINARY NEW_BINARY [ROUNDS] [REQUESTS]
# (default 3 100). OLD seeds the database (200 × 500); NEW runs on a copy it migrates
# (which also runs any new migration's backfill on 100,000 items). Build the old binary
# from its commit and copy it out first. Needs VITRINE_TEST_PG_URL (scripts/test-services.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
old="$1" new="$2" rounds="${3:-3}" requests="${4:-100}"
pg_server="${VITRINE_TEST_PG_URL%/*}"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"; psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS vitrine_ab_old" -c "DROP DATABASE IF EXISTS vitrine_ab_new"' EXIT
psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS vitrine_ab_old" -c "CREATE DATABASE vitrine_ab_old"
flags=(--data-dir "$work/data" --database-url "$pg_server/vitrine_ab_old")
"$old" "${flags[@]}" migrate > /dev/null
"$old" "${flags[@]}" user add bench --password bench-password --plan enterprise > /dev/null
"$old" "${flags[@]}" user add mate --password mate-password --plan enterprise > /dev/null
key=$("$old" "${flags[@]}" key create --user bench)
python3 scripts/bench-projects/seed.py postgres 200 500 | psql -q -v ON_ERROR_STOP=1 "$pg_server/vitrine_ab_old" > /dev/null
psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS vitrine_ab_new" \
    -c "CREATE DATABASE vitrine_ab_new TEMPLATE vitrine_ab_old"
"$new" --data-dir "$work/data" --database-url "$pg_server/vitrine_ab_new" migrate > /dev/null
psql -q "$pg_server/vitrine_ab_new" -c "VACUUM ANALYZE"
serve() { # binary, database, port
    VITRINE_TRASH_RETENTION_DAYS=36500 VITRINE_MEDIA_WORKERS=0 "$1" --data-dir "$work/data" \
        --database-url "$pg_server/$2" serve --listen "127.0.0.1:$3" 2> "$work/$2.log" &
    until curl -sf "http://127.0.0.1:$3/readyz" > /dev/null; do sleep 0.1; done
}
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
old_port=$(port); serve "$old" vitrine_ab_old "$old_port"
new_port=$(port); serve "$new" vitrine_ab_new "$new_port"
echo "| build | combination | projects × images | KiB | p50 ms | p99 ms |"
echo "|---|---|---|---:|---:|---:|"
for _ in $(seq "$rounds"); do
    python3 scripts/bench-projects/client.py old "127.0.0.1:$old_port" "$key" "$requests"
    python3 scripts/bench-projects/client.py new "127.0.0.1:$new_port" "$key" "$requests"
done
