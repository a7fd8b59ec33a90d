"""Prints the SQL that seeds a listing benchmark: N items for the user `bench` and N more
spread over 100 other users, with folders, tags, collections, favorites, trash, titles and
sizes in realistic proportions. Every value derives from the item number, so the filter
values the benchmark asks for select known shares of the library.

Usage: python3 seed.py sqlite|postgres N > seed.sql
"""

import sys

dialect, n = sys.argv[1], int(sys.argv[2])
total = 2 * n
WORDS = (
    "alpine amber anchor arbor aurora autumn avenue bakery balcony bamboo banner barn beach "
    "beacon birch blossom boulder breeze bridge brook cabin cactus canal candle canyon castle "
    "cathedral cedar chapel cherry cliff cloud coast cobble coral cottage crater creek dawn "
    "delta desert dune dusk ember estuary fern ferry field fjord forest fountain garden "
    "geyser glacier granite grove harbor harvest hazel heath hedge heron highland hill "
    "horizon island ivy jasmine jetty jungle juniper kelp lagoon lake lantern larch lava "
    "lavender ledge lighthouse lily lodge lotus maple marble market marsh meadow mesa mill "
    "mist monsoon moor moss mountain museum oasis ocean olive orchard palace palm pasture "
    "pavilion peak pebble pier pine plateau plaza pond poppy prairie quarry quay rain "
    "rapids reef ridge river road rock rose ruin saffron sage savanna sequoia shore shrine "
    "skyline slope snow spire spring spruce square stable station steppe stone storm "
    "stream summit sunrise sunset swamp temple terrace thicket thistle tide timber tower "
    "trail tundra tulip tunnel valley vineyard violet volcano walnut waterfall wave "
    "wharf wheat willow windmill winter wood yard yew zenith"
).split()
VOCAB = len(WORDS)

if dialect == "sqlite":
    seq = f"WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < {total - 1})"
    pad = lambda expr, width: f"printf('%0{width}d', {expr})"
    at = lambda secs: f"datetime('2023-01-01', '+' || ({secs}) || ' seconds')"
    word = lambda expr: f"(SELECT w FROM bench_vocab WHERE i = ({expr}) % {VOCAB})"
    ignore = "INSERT OR IGNORE INTO"
    begin, end = "BEGIN;", "COMMIT; ANALYZE;"
    true, false = "1", "0"
else:
    seq = f"WITH seq(n) AS (SELECT generate_series(0, {total - 1})::bigint)"
    pad = lambda expr, width: f"lpad(({expr})::text, {width}, '0')"
    at = lambda secs: f"(timestamp '2023-01-01' + ({secs}) * interval '1 second')"
    vocab = ", ".join(f"'{w}'" for w in WORDS)
    word = lambda expr: f"((ARRAY[{vocab}])[1 + ({expr}) % {VOCAB}])"
    ignore = "INSERT INTO"
    # Row triggers and incremental index updates make a bulk load crawl: load with the
    # triggers off and the search indexes dropped, then rebuild them in bulk.
    begin = (
        "BEGIN; ALTER TABLE items DISABLE TRIGGER USER; "
        "ALTER TABLE item_tags DISABLE TRIGGER USER; DROP INDEX items_search; "
        "DROP INDEX item_tags_tag;"
    )
    end = (
        "ALTER TABLE items ENABLE TRIGGER USER; ALTER TABLE item_tags ENABLE TRIGGER USER; "
        "DELETE FROM item_counts; "
        "INSERT INTO item_counts (user_id, status, folder_key, kind, favorite, n) "
        "SELECT user_id, status, coalesce(folder_id, ''), kind, favorite, count(*) FROM items "
        "GROUP BY user_id, status, coalesce(folder_id, ''), kind, favorite; "
        "DELETE FROM item_size_counts; "
        "INSERT INTO item_size_counts (user_id, status, kind, size_class, n) "
        "SELECT user_id, status, kind, size_class(size), count(*) FROM items "
        "GROUP BY user_id, status, kind, size_class(size); "
        "DELETE FROM tag_counts; "
        "INSERT INTO tag_counts (tag_id, status, n) SELECT item_tags.tag_id, items.status, "
        "count(*) FROM item_tags JOIN items ON items.id = item_tags.item_id "
        "GROUP BY item_tags.tag_id, items.status; "
        "SET maintenance_work_mem = '1GB'; "
        "ALTER TABLE item_words DROP CONSTRAINT item_words_pkey; DELETE FROM item_words; "
        "INSERT INTO item_words SELECT words.* FROM items, item_words_of(items) AS words; "
        "ALTER TABLE item_words ADD PRIMARY KEY (user_id, status, word, created_at, item_id) "
        "INCLUDE (in_names, name_words, description_words); "
        "UPDATE item_tags SET tag_set = sets.tag_set FROM item_tag_sets AS sets "
        "WHERE sets.item_id = item_tags.item_id; "
        "CREATE INDEX item_tags_tag ON item_tags (tag_id, status, item_id) "
        "INCLUDE (created_at, tag_set); "
        "CREATE INDEX items_search ON items USING gin (search); "
        "COMMIT; VACUUM ANALYZE;"
    )
    true, false = "TRUE", "FALSE"

def mix(expr, prime, modulo):
    """A pseudo-random residue of the item number: distinct primes keep the attributes
    (tags, folder, favorite, trash, collection) independent of each other."""
    return f"(((({expr}) * {prime}) % 1000003) % {modulo})"


owner = f"CASE WHEN n < {n} THEN (SELECT id FROM users WHERE name = 'bench') ELSE 'usr_o' || {pad('n % 100', 2)} END"
on_conflict = " ON CONFLICT DO NOTHING" if dialect == "postgres" else ""

print(begin)
print("CREATE TABLE bench_vocab (i INTEGER PRIMARY KEY, w TEXT NOT NULL);")
for i, w in enumerate(WORDS):
    print(f"INSERT INTO bench_vocab VALUES ({i}, '{w}');")
print(
    "INSERT INTO users (id, name, password_hash, role, plan, bytes_used, created_at) "
    + "SELECT 'usr_o' || " + pad("n", 2) + ", 'other' || " + pad("n", 2)
    + ", 'x', 'user', 'enterprise', 0, " + at("0")
    + f" FROM ({seq} SELECT n FROM seq LIMIT 100) s;"
)
print(
    "INSERT INTO blobs (id, sha256, md5, size, object_key, ref_count, created_at) VALUES "
    f"('blb_bench', 'bench', 'bench', 1, 'objects/blb_bench', {total}, {at('0')});"
)
# Twenty folders for `bench`: five at the root, fifteen below them.
print(
    "INSERT INTO folders (id, user_id, parent_id, name, created_at, updated_at) "
    + "SELECT 'fld_bench_' || " + pad("n", 2) + ", (SELECT id FROM users WHERE name = 'bench'), "
    + "CASE WHEN n < 5 THEN NULL ELSE 'fld_bench_' || " + pad("n % 5", 2) + " END, "
    + "'Folder ' || n, " + at("0") + ", " + at("0")
    + f" FROM ({seq} SELECT n FROM seq LIMIT 20) s ORDER BY n;"
)
# Items: 10 % videos, a third of images PNG; 40 % in the root, 3 % in each folder; 2 %
# favorites; 5 % trashed; ~3 years of uploads, newest last.
folder = (
    f"CASE WHEN n >= {n} OR {mix('n', 31, 100)} < 40 THEN NULL "
    f"ELSE 'fld_bench_' || {pad(mix('n', 31, 100) + ' % 20', 2)} END"
)
video = "n % 10 = 3"
status = f"CASE WHEN {mix('n', 12289, 20)} = 11 THEN 'trash' ELSE 'active' END"
created = at(f"(n % {n}) * 94")
print(
    "INSERT INTO items (id, user_id, blob_id, kind, mime, size, width, height, title, model, "
    "description, original_filename, favorite, status, processing, created_at, updated_at, "
    "trashed_at, folder_id) "
    + seq + " SELECT 'gal_' || " + pad("n", 8) + f", {owner}, 'blb_bench', "
    + f"CASE WHEN {video} THEN 'video' ELSE 'image' END, "
    + f"CASE WHEN {video} THEN 'video/mp4' WHEN n % 3 = 0 THEN 'image/png' ELSE 'image/jpeg' END, "
    + f"CASE WHEN {video} THEN 1000000 + (n * 104729) % 200000000 ELSE 50000 + (n * 7919) % 5000000 END, "
    + "4000, 3000, "
    + word(mix("n", 17, 1000003)) + " || ' ' || " + word(mix("n", 101, 1000003)) + ", NULL, "
    + f"CASE WHEN {mix('n', 3001, 4)} = 0 THEN 'taken near the ' || " + word(mix("n", 13, 1000003)) + " ELSE NULL END, "
    + "'IMG_' || " + pad(f"n % {n}", 7) + " || CASE WHEN " + video + " THEN '.mp4' ELSE '.jpg' END, "
    + f"CASE WHEN {mix('n', 6151, 50)} = 7 THEN {true} ELSE {false} END, "
    + f"{status}, 'completed', {created}, {created}, "
    + f"CASE WHEN {mix('n', 12289, 20)} = 11 THEN " + at(f"(n % {n}) * 94 + 60") + " ELSE NULL END, "
    + folder + " FROM seq;"
)
# Sixty tags per user; every item has one spread evenly (~1.7 % each), a third of them
# one of the first ten as well (~5 % each).
print(
    "INSERT INTO tags (id, user_id, name, name_key) "
    + "SELECT 'tag_' || u.id || '_' || " + pad("t.n", 2) + ", u.id, 't' || " + pad("t.n", 2)
    + ", 't' || " + pad("t.n", 2)
    + f" FROM users u, ({seq} SELECT n FROM seq LIMIT 60) t;"
)
item_user = f"CASE WHEN n < {n} THEN (SELECT id FROM users WHERE name = 'bench') ELSE 'usr_o' || {pad('n % 100', 2)} END"
print(
    f"{ignore} item_tags (item_id, tag_id, status, created_at) {seq} SELECT 'gal_' || {pad('n', 8)}, "
    + f"'tag_' || {item_user} || '_' || {pad(mix('n', 7919, 60), 2)}, {status}, {created} FROM seq{on_conflict};"
)
print(
    f"{ignore} item_tags (item_id, tag_id, status, created_at) {seq} SELECT 'gal_' || {pad('n', 8)}, "
    + f"'tag_' || {item_user} || '_' || {pad(mix('n', 15485863, 10), 2)}, {status}, {created} "
    + f"FROM seq WHERE {mix('n', 104729, 3)} = 0{on_conflict};"
)
# Ten collections for `bench`, 1 % of its items in each.
print(
    "INSERT INTO collections (id, user_id, name, description, created_at, updated_at) "
    + "SELECT 'col_bench_' || n, (SELECT id FROM users WHERE name = 'bench'), 'Collection ' || n, NULL, "
    + at("0") + ", " + at("0") + f" FROM ({seq} SELECT n FROM seq LIMIT 10) s;"
)
print(
    f"INSERT INTO collection_items (collection_id, item_id, added_at) {seq} "
    + f"SELECT 'col_bench_' || {mix('n', 48611, 100)}, 'gal_' || {pad('n', 8)}, {at('0')} "
    + f"FROM seq WHERE n < {n} AND {mix('n', 48611, 100)} < 10;"
)
print("DROP TABLE bench_vocab;")
print(end)
