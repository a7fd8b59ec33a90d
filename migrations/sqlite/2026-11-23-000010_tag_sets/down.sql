DROP INDEX item_tags_tag;
CREATE INDEX item_tags_tag ON item_tags (tag_id, status, item_id, created_at);
DROP TRIGGER item_tags_set_unlink;
DROP TRIGGER item_tags_set_link;
DROP VIEW item_tag_sets;
ALTER TABLE item_tags DROP COLUMN tag_set;
