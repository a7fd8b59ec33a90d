DROP INDEX item_tags_tag;
CREATE INDEX item_tags_tag ON item_tags (tag_id, status, item_id, created_at);
DROP TRIGGER item_tags_set_unlink;
DROP TRIGGER item_tags_set_link;
ALTER TABLE item_tags DROP COLUMN tag_set;
