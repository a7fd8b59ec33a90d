-- Listings at a million items: totals that never read `items` row by row.

-- Text search partitioned by owner and status. The index's rowid is
--     (owner's users.rowid << 40) | ((status = 'trash') << 39) | items.rowid
-- (SQLite's << and | bind equally tightly, left to right: hence the parentheses)
-- so one user's active (or trashed) matches are one rowid range, which FTS5 seeks to: a
-- total is counted inside the index instead of reading every match's row for its owner
-- and status. Contentless: the text is in `items`; the triggers pass the old values on
-- delete, as FTS5 requires. (VACUUM can renumber the rowids of tables without an INTEGER
-- PRIMARY KEY; after a VACUUM, rebuild: `INSERT INTO items_fts (items_fts) VALUES
-- ('delete-all')` and re-run the INSERT … SELECT at the end of this file.)
DROP TRIGGER items_fts_insert;
DROP TRIGGER items_fts_delete;
DROP TRIGGER items_fts_update;
DROP TABLE items_fts;

CREATE VIRTUAL TABLE items_fts USING fts5 (
    title, original_filename, description, content = ''
);

CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_fts (rowid, title, original_filename, description)
    VALUES (((SELECT rowid FROM users WHERE id = NEW.user_id) << 40)
                | ((NEW.status = 'trash') << 39) | NEW.rowid,
            NEW.title, NEW.original_filename, NEW.description);
END;

CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, original_filename, description)
    VALUES ('delete', ((SELECT rowid FROM users WHERE id = OLD.user_id) << 40)
                | ((OLD.status = 'trash') << 39) | OLD.rowid,
            OLD.title, OLD.original_filename, OLD.description);
END;

CREATE TRIGGER items_fts_update
AFTER UPDATE OF title, original_filename, description, status, user_id ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, original_filename, description)
    VALUES ('delete', ((SELECT rowid FROM users WHERE id = OLD.user_id) << 40)
                | ((OLD.status = 'trash') << 39) | OLD.rowid,
            OLD.title, OLD.original_filename, OLD.description);
    INSERT INTO items_fts (rowid, title, original_filename, description)
    VALUES (((SELECT rowid FROM users WHERE id = NEW.user_id) << 40)
                | ((NEW.status = 'trash') << 39) | NEW.rowid,
            NEW.title, NEW.original_filename, NEW.description);
END;

-- A deleted user's items go while the user's row, which their index keys name, is still
-- there (the foreign key's cascade would run after it is gone).
CREATE TRIGGER users_delete_items BEFORE DELETE ON users BEGIN
    DELETE FROM items WHERE user_id = OLD.id;
END;

INSERT INTO items_fts (rowid, title, original_filename, description)
SELECT (users.rowid << 40) | ((items.status = 'trash') << 39) | items.rowid,
       items.title, items.original_filename, items.description
FROM items JOIN users ON users.id = items.user_id;

-- A collection's members carry their item's status, kind and upload time (kept by
-- triggers), so a collection's total and pages, also by type, come from this index alone.
ALTER TABLE collection_items ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE collection_items ADD COLUMN kind TEXT NOT NULL DEFAULT 'image';
ALTER TABLE collection_items ADD COLUMN created_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';

UPDATE collection_items SET (status, kind, created_at) =
    (SELECT status, kind, created_at FROM items WHERE items.id = collection_items.item_id);

CREATE INDEX collection_items_listing
    ON collection_items (collection_id, status, created_at DESC, item_id DESC, kind);

CREATE TRIGGER collection_items_copy AFTER INSERT ON collection_items BEGIN
    UPDATE collection_items SET (status, kind, created_at) =
        (SELECT status, kind, created_at FROM items WHERE items.id = NEW.item_id)
    WHERE collection_id = NEW.collection_id AND item_id = NEW.item_id;
END;

-- Likewise a tag's links, so a listing by tags alone never reads `items`, and the tags'
-- ranges, each ordered by item, merge in one pass.
ALTER TABLE item_tags ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE item_tags ADD COLUMN created_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';

UPDATE item_tags SET (status, created_at) =
    (SELECT status, created_at FROM items WHERE items.id = item_tags.item_id);

DROP INDEX item_tags_tag;
CREATE INDEX item_tags_tag ON item_tags (tag_id, status, item_id, created_at);

CREATE TRIGGER item_tags_copy AFTER INSERT ON item_tags BEGIN
    UPDATE item_tags SET (status, created_at) =
        (SELECT status, created_at FROM items WHERE items.id = NEW.item_id)
    WHERE item_id = NEW.item_id AND tag_id = NEW.tag_id;
END;

CREATE TRIGGER memberships_follow AFTER UPDATE OF status, kind, created_at ON items
BEGIN
    UPDATE collection_items SET status = NEW.status, kind = NEW.kind, created_at = NEW.created_at
    WHERE item_id = NEW.id;
    UPDATE item_tags SET status = NEW.status, created_at = NEW.created_at
    WHERE item_id = NEW.id;
END;
