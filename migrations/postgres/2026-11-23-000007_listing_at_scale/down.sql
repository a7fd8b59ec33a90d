DROP TRIGGER collection_items_follow ON items;
DROP TRIGGER collection_items_copy ON collection_items;
DROP FUNCTION collection_items_follow();
DROP FUNCTION collection_items_copy();
DROP INDEX collection_items_listing;
ALTER TABLE collection_items DROP COLUMN created_at;
ALTER TABLE collection_items DROP COLUMN kind;
ALTER TABLE collection_items DROP COLUMN status;
