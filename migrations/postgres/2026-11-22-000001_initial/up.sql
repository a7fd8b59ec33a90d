-- Same tables as the SQLite migration of this name; see there for the reasons.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    plan TEXT NOT NULL,
    -- Bytes of the user's items, originals and variants; changed in the same
    -- transaction as the rows it counts, so quota checks are atomic.
    bytes_used BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE api_keys (
    key_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX api_keys_user ON api_keys (user_id);

-- Values every instance must agree on, such as generated signing secrets.
CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- One row per distinct content: the same bytes are stored once and counted here.
CREATE TABLE blobs (
    id TEXT PRIMARY KEY NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    md5 TEXT NOT NULL,
    size BIGINT NOT NULL,
    object_key TEXT NOT NULL,
    ref_count BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE items (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blob_id TEXT NOT NULL REFERENCES blobs (id),
    kind TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    width INTEGER,
    height INTEGER,
    title TEXT,
    model TEXT,
    description TEXT,
    original_filename TEXT NOT NULL,
    favorite BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL,
    processing TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    trashed_at TIMESTAMP
);
-- The listing's order and filter: a user's items of one status, newest first.
CREATE INDEX items_user_status_created ON items (user_id, status, created_at DESC, id);
CREATE INDEX items_blob ON items (blob_id);

CREATE TABLE tags (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- Lower-cased name: tags match case-insensitively but keep their first spelling.
    name_key TEXT NOT NULL,
    UNIQUE (user_id, name_key)
);

CREATE TABLE item_tags (
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, tag_id)
);
CREATE INDEX item_tags_tag ON item_tags (tag_id, item_id);
