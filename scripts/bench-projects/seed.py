"""Prints the SQL that seeds the spec 4 benchmark: P projects of I images each, shared by
`bench` with a group it has with `mate`; a fifth of the images are mate's. Every value
derives from the image number: 2 % trashed, 3 % failed, 2 % pending, feedback like 30 %,
dislike 10 %, none 60 %, a quality score, a thumb with its placeholder, the media job that processed it (as the
pipeline leaves one per item), and an input for a fifth of them.

Usage: python3 seed.py sqlite|postgres PROJECTS IMAGES > seed.sql
"""

import sys

dialect, projects, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
total = projects * per

if dialect == "sqlite":
    seq = lambda count: f"WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < {count - 1})"
    pad = lambda expr, width: f"printf('%0{width}d', {expr})"
    at = lambda secs: f"datetime('2025-01-01', '+' || ({secs}) || ' seconds')"
    begin, end = "BEGIN;", "COMMIT; ANALYZE;"
else:
    seq = lambda count: f"WITH seq(n) AS (SELECT generate_series(0, {count - 1})::bigint)"
    pad = lambda expr, width: f"lpad(({expr})::text, {width}, '0')"
    at = lambda secs: f"(timestamp '2025-01-01' + ({secs}) * interval '1 second')"
    begin, end = "BEGIN;", "COMMIT; VACUUM ANALYZE;"

bench = "(SELECT id FROM users WHERE name = 'bench')"
mate = "(SELECT id FROM users WHERE name = 'mate')"
item = lambda expr: "'gal_pb' || " + pad(expr, 8)

print(begin)
print(f"INSERT INTO user_groups (id, name, created_by, created_at) VALUES (1, 'Team', {bench}, {at('0')});")
print(f"INSERT INTO group_members (group_id, user_id, added_at) SELECT 1, id, {at('0')} FROM users WHERE name IN ('bench', 'mate');")
print(
    "INSERT INTO projects (id, user_id, name, project_key, group_id, created_at) "
    + seq(projects) + f" SELECT n + 1, {bench}, 'Project ' || n, 'P' || n, 1, {at('n * 3600')} FROM seq;"
)
print(
    "INSERT INTO blobs (id, sha256, md5, size, object_key, ref_count, created_at) VALUES "
    f"('blb_pbench', 'pbench', 'pbench', 1, 'objects/blb_pbench', {2 * total}, {at('0')});"
)
feedback = "CASE WHEN n % 10 < 3 THEN 'like' WHEN n % 10 = 3 THEN 'dislike' ELSE NULL END"
processing = "CASE WHEN n % 100 < 3 THEN 'failed' WHEN n % 100 < 5 THEN 'pending' ELSE 'completed' END"
print(
    "INSERT INTO items (id, user_id, blob_id, kind, mime, size, width, height, original_filename, "
    "favorite, status, processing, created_at, updated_at, quality_score, project_id, feedback, "
    "placeholder, job_id, image_index, version, has_inputs) "
    + seq(total) + f" SELECT {item('n')}, CASE WHEN n % 5 = 4 THEN {mate} ELSE {bench} END, "
    + "'blb_pbench', 'image', 'image/jpeg', 1000000 + n, 4000, 3000, "
    + "'IMG_' || " + pad(f"(n * 7919) % {per}", 5) + " || '.jpg', "
    + ("FALSE" if dialect == "postgres" else "0")
    + f", CASE WHEN n % 50 = 7 THEN 'trash' ELSE 'active' END, {processing}, {at('n')}, {at('n')}, "
    + f"((n * 104729) % 1000) / 10.0, n / {per} + 1, {feedback}, 'mzgGB4CHd3eIiIeIiHiIiHdvj4UA', "
    + f"'job-' || (n / 8), n % 8, 1 + n % 3, n % 5 = 1 FROM seq;"
)
print(
    "INSERT INTO item_variants (item_id, variant, blob_id, mime, width, height, size) "
    + seq(total) + f" SELECT {item('n')}, 'thumb', 'blb_pbench', 'image/jpeg', 256, 192, 1 FROM seq;"
)
print(
    "INSERT INTO media_jobs (id, item_id, kind, priority, status, attempts, error, duration_ms, "
    "created_at, updated_at) " + seq(total) + f" SELECT 'job_pb' || " + pad("n", 8) + f", {item('n')}, "
    + f"'variants', 0, {processing}, 1, CASE WHEN n % 100 < 3 THEN 'decode failed' ELSE NULL END, "
    + f"CASE WHEN n % 100 < 5 AND n % 100 >= 3 THEN NULL ELSE 200 + n % 700 END, {at('n')}, {at('n + 1')} FROM seq;"
)
print(
    "INSERT INTO item_inputs (item_id, input_id, position) "
    + seq(total) + f" SELECT {item('n')}, {item('n - 1')}, 0 FROM seq WHERE n % 5 = 1;"
)
if dialect == "postgres":
    print("SELECT setval(pg_get_serial_sequence('projects', 'id'), (SELECT MAX(id) FROM projects));")
    print("SELECT setval(pg_get_serial_sequence('user_groups', 'id'), 1);")
print(end)
