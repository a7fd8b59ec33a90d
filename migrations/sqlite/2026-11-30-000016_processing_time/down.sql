ALTER TABLE items DROP COLUMN processing_ms;
