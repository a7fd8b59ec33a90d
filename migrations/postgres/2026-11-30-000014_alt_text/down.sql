ALTER TABLE items DROP COLUMN alt_text;
