-- Variants (thumb, medium, frame): blobs like any other, content-addressed and counted in
-- the owner's quota; one row per item and variant.
CREATE TABLE item_variants (
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    variant TEXT NOT NULL,
    blob_id TEXT NOT NULL REFERENCES blobs (id),
    mime TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (item_id, variant)
);
CREATE INDEX item_variants_blob ON item_variants (blob_id);

-- ThumbHash (base64) clients paint before the thumb arrives.
ALTER TABLE items ADD COLUMN placeholder TEXT;
