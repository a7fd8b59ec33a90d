DROP TABLE item_variants;
ALTER TABLE items DROP COLUMN placeholder;
