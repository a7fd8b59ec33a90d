ALTER TABLE items DROP COLUMN delete_token_hash;
ALTER TABLE items DROP COLUMN link_views;
ALTER TABLE items DROP COLUMN link_code;
DROP INDEX items_expiry;
ALTER TABLE items DROP COLUMN expires_at;
ALTER TABLE items DROP COLUMN category_id;
ALTER TABLE items DROP COLUMN nsfw;
DROP TABLE categories;
