-- Spec 5 (upload V1): categories, and on items the fields V1 sets and the item's
-- public-by-link capability.
CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

ALTER TABLE items ADD COLUMN nsfw BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE items ADD COLUMN category_id INTEGER REFERENCES categories (id) ON DELETE SET NULL;
-- When the item stops existing for everyone (spec 5's `expiration`); the sweeper deletes it.
ALTER TABLE items ADD COLUMN expires_at TIMESTAMP;
CREATE INDEX items_expiry ON items (expires_at) WHERE expires_at IS NOT NULL;
-- The code (`id_encoded`) of its public links while it is public by link; null while
-- private. Making it private drops the code, so links given out before stop working.
-- (SQLite cannot add a UNIQUE column: the index makes it unique.)
ALTER TABLE items ADD COLUMN link_code TEXT;
CREATE UNIQUE INDEX items_link_code ON items (link_code);
ALTER TABLE items ADD COLUMN link_views BIGINT NOT NULL DEFAULT 0;
-- SHA-256 (hex) of the token of its `delete_url`; the token itself is never stored.
ALTER TABLE items ADD COLUMN delete_token_hash TEXT;
