-- Organisation: folders, collections, counters for fast totals, full-text search.
-- The PostgreSQL migration of the same name mirrors this; only the search differs.

-- Folders nest; a NULL parent is the root. Items with a NULL folder are in the root.
CREATE TABLE folders (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id TEXT REFERENCES folders (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX folders_user_parent ON folders (user_id, parent_id);

-- Deleting a folder moves what is left in it to the root rather than losing it;
-- the use case moves contents to the parent first, this is the safety net.
ALTER TABLE items ADD COLUMN folder_id TEXT REFERENCES folders (id) ON DELETE SET NULL;

CREATE TABLE collections (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX collections_user ON collections (user_id, created_at);

CREATE TABLE collection_items (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (collection_id, item_id)
);
CREATE INDEX collection_items_item ON collection_items (item_id);

-- Listings: spec 2's default view is one folder of one status, newest first.
CREATE INDEX items_user_status_folder_created
    ON items (user_id, status, folder_id, created_at DESC, id DESC);
-- `status=all` and the date filter walk a user's items by time whatever their status.
CREATE INDEX items_user_created ON items (user_id, created_at DESC, id DESC);
-- Size ranges, within a kind (spec 2's mimePrefix=video/ with minSize): counted from the
-- index alone.
CREATE INDEX items_user_status_kind_size ON items (user_id, status, kind, size);
-- The trash job's question: what, of anyone's, was trashed before the retention cutoff.
CREATE INDEX items_trashed ON items (trashed_at) WHERE trashed_at IS NOT NULL;

-- Totals without counting: one row per (user, status, folder, kind, favorite), kept by
-- triggers so every write path (uploads, moves, trash, purge, transfer) stays exact.
-- folder_key is '' for the root so the key has no NULLs.
CREATE TABLE item_counts (
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    folder_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    favorite BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (user_id, status, folder_key, kind, favorite)
);

CREATE TRIGGER item_counts_insert AFTER INSERT ON items BEGIN
    INSERT INTO item_counts (user_id, status, folder_key, kind, favorite, n)
    VALUES (NEW.user_id, NEW.status, coalesce(NEW.folder_id, ''), NEW.kind, NEW.favorite, 1)
    ON CONFLICT (user_id, status, folder_key, kind, favorite) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER item_counts_delete AFTER DELETE ON items BEGIN
    UPDATE item_counts SET n = n - 1
    WHERE user_id = OLD.user_id AND status = OLD.status
      AND folder_key = coalesce(OLD.folder_id, '') AND kind = OLD.kind
      AND favorite = OLD.favorite;
END;

CREATE TRIGGER item_counts_update AFTER UPDATE OF status, folder_id, kind, favorite ON items
BEGIN
    UPDATE item_counts SET n = n - 1
    WHERE user_id = OLD.user_id AND status = OLD.status
      AND folder_key = coalesce(OLD.folder_id, '') AND kind = OLD.kind
      AND favorite = OLD.favorite;
    INSERT INTO item_counts (user_id, status, folder_key, kind, favorite, n)
    VALUES (NEW.user_id, NEW.status, coalesce(NEW.folder_id, ''), NEW.kind, NEW.favorite, 1)
    ON CONFLICT (user_id, status, folder_key, kind, favorite) DO UPDATE SET n = n + 1;
END;

INSERT INTO item_counts (user_id, status, folder_key, kind, favorite, n)
SELECT user_id, status, coalesce(folder_id, ''), kind, favorite, count(*)
FROM items GROUP BY user_id, status, coalesce(folder_id, ''), kind, favorite;

-- Items per tag and status, kept by triggers like item_counts: a one-tag listing's total
-- without visiting the tag's items.
CREATE TABLE tag_counts (
    tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (tag_id, status)
);

CREATE TRIGGER tag_counts_link AFTER INSERT ON item_tags BEGIN
    INSERT INTO tag_counts (tag_id, status, n)
    SELECT NEW.tag_id, status, 1 FROM items WHERE id = NEW.item_id
    ON CONFLICT (tag_id, status) DO UPDATE SET n = n + 1;
END;

-- When an item goes, this runs first and its cascaded links then find no item to count.
CREATE TRIGGER tag_counts_item_delete BEFORE DELETE ON items BEGIN
    UPDATE tag_counts SET n = n - 1
    WHERE status = OLD.status AND tag_id IN (SELECT tag_id FROM item_tags WHERE item_id = OLD.id);
END;

CREATE TRIGGER tag_counts_unlink AFTER DELETE ON item_tags BEGIN
    UPDATE tag_counts SET n = n - 1
    WHERE tag_id = OLD.tag_id AND status = (SELECT status FROM items WHERE id = OLD.item_id);
END;

CREATE TRIGGER tag_counts_status AFTER UPDATE OF status ON items
WHEN OLD.status <> NEW.status BEGIN
    UPDATE tag_counts SET n = n - 1
    WHERE status = OLD.status AND tag_id IN (SELECT tag_id FROM item_tags WHERE item_id = NEW.id);
    INSERT INTO tag_counts (tag_id, status, n)
    SELECT tag_id, NEW.status, 1 FROM item_tags WHERE item_id = NEW.id
    ON CONFLICT (tag_id, status) DO UPDATE SET n = n + 1;
END;

INSERT INTO tag_counts (tag_id, status, n)
SELECT item_tags.tag_id, items.status, count(*)
FROM item_tags JOIN items ON items.id = item_tags.item_id
GROUP BY item_tags.tag_id, items.status;

-- Words of the title, original filename and description. The index reads the text from
-- `items` by rowid; triggers keep it in step. (VACUUM can renumber rowids of a table
-- without an INTEGER PRIMARY KEY: after a VACUUM, run
-- `INSERT INTO items_fts (items_fts) VALUES ('rebuild')`.)
CREATE VIRTUAL TABLE items_fts USING fts5 (
    title, original_filename, description,
    content = 'items', content_rowid = 'rowid'
);

CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_fts (rowid, title, original_filename, description)
    VALUES (NEW.rowid, NEW.title, NEW.original_filename, NEW.description);
END;

CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, original_filename, description)
    VALUES ('delete', OLD.rowid, OLD.title, OLD.original_filename, OLD.description);
END;

CREATE TRIGGER items_fts_update AFTER UPDATE OF title, original_filename, description ON items
BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, original_filename, description)
    VALUES ('delete', OLD.rowid, OLD.title, OLD.original_filename, OLD.description);
    INSERT INTO items_fts (rowid, title, original_filename, description)
    VALUES (NEW.rowid, NEW.title, NEW.original_filename, NEW.description);
END;

INSERT INTO items_fts (items_fts) VALUES ('rebuild');
