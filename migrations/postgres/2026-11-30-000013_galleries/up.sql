-- Ordered, translated galleries (spec 3). Galleries, translations and languages are
-- identified by UUIDs; a gallery's media are its owner's items.
CREATE TABLE languages (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO languages (id, code, name, created_at)
VALUES ('6a1f0b7e-2c3d-4e5f-8a9b-0c1d2e3f4a5b', 'en', 'English', CURRENT_TIMESTAMP);

CREATE TABLE galleries (
    id TEXT PRIMARY KEY NOT NULL,
    -- Who created it (created_by), and whose items it may hold.
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    status TEXT NOT NULL,
    cover_item_id TEXT REFERENCES items (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    -- Soft delete: the gallery is gone for every request, its slug free again.
    deleted_at TIMESTAMP
);
CREATE UNIQUE INDEX galleries_live_slug ON galleries (slug) WHERE deleted_at IS NULL;
CREATE INDEX galleries_user ON galleries (user_id, created_at);

CREATE TABLE gallery_translations (
    id TEXT PRIMARY KEY NOT NULL,
    gallery_id TEXT NOT NULL REFERENCES galleries (id) ON DELETE CASCADE,
    language_id TEXT NOT NULL REFERENCES languages (id),
    title TEXT,
    description TEXT,
    meta_title TEXT,
    meta_description TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    UNIQUE (gallery_id, language_id)
);

-- "order" is a keyword in SQL; the column is the media's position.
CREATE TABLE gallery_media (
    gallery_id TEXT NOT NULL REFERENCES galleries (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    caption TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (gallery_id, item_id)
);
CREATE INDEX gallery_media_item ON gallery_media (item_id);
