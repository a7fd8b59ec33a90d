-- Share links: a public page for one item or one collection. The link's token is shown
-- once; only its SHA-256 is kept, like API keys. One live share per item or collection:
-- creating a new one revokes the old.
CREATE TABLE shares (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id TEXT REFERENCES items (id) ON DELETE CASCADE,
    collection_id TEXT REFERENCES collections (id) ON DELETE CASCADE,
    -- argon2id; NULL when the link needs no password.
    password_hash TEXT,
    allow_download BOOLEAN NOT NULL,
    hide_metadata BOOLEAN NOT NULL,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX shares_item ON shares (item_id);
CREATE INDEX shares_collection ON shares (collection_id);

-- Wrong share passwords per fixed window, by link and by client address, so guessing
-- is slow across every instance on this database.
CREATE TABLE share_failures (
    bucket TEXT PRIMARY KEY NOT NULL,
    window_start TIMESTAMP NOT NULL,
    failures BIGINT NOT NULL
);
