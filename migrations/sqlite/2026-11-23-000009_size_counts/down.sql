DROP TRIGGER item_size_counts_update;
DROP TRIGGER item_size_counts_delete;
DROP TRIGGER item_size_counts_insert;
ALTER TABLE items DROP COLUMN size_class;
DROP TABLE item_size_counts;
