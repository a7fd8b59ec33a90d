DROP TRIGGER memberships_follow;
DROP TRIGGER item_tags_copy;
DROP INDEX item_tags_tag;
CREATE INDEX item_tags_tag ON item_tags (tag_id, item_id);
ALTER TABLE item_tags DROP COLUMN created_at;
ALTER TABLE item_tags DROP COLUMN status;
DROP TRIGGER collection_items_copy;
DROP INDEX collection_items_listing;
ALTER TABLE collection_items DROP COLUMN created_at;
ALTER TABLE collection_items DROP COLUMN kind;
ALTER TABLE collection_items DROP COLUMN status;

DROP TRIGGER users_delete_items;
DROP TRIGGER items_fts_update;
DROP TRIGGER items_fts_delete;
DROP TRIGGER items_fts_insert;
DROP TABLE items_fts;

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
