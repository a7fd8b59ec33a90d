DROP TRIGGER item_size_counts_update ON items;
DROP TRIGGER item_size_counts_insert_delete ON items;
DROP FUNCTION item_size_counts_track();
DROP FUNCTION size_class(BIGINT);
DROP TABLE item_size_counts;
