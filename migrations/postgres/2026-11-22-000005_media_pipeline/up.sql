-- The media pipeline's durable queue. Workers in every `serve` process claim a job by
-- setting a lease; a job whose lease ran out (its worker died) is claimed again.
-- Lower priority numbers go first: fresh uploads (0) ahead of backfill (10).
CREATE TABLE media_jobs (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    priority INTEGER NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until TIMESTAMP,
    error TEXT,
    duration_ms BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX media_jobs_ready ON media_jobs (status, priority, created_at);
CREATE INDEX media_jobs_item ON media_jobs (item_id);

-- What the pipeline learns of videos (seconds) and animations.
ALTER TABLE items ADD COLUMN duration_secs DOUBLE PRECISION;
ALTER TABLE items ADD COLUMN is_animated BOOLEAN NOT NULL DEFAULT FALSE;
-- A 64-bit gradient hash (16 hex digits) of the picture, for near-duplicate search.
ALTER TABLE items ADD COLUMN phash TEXT;
-- What a photo says of itself: when (camera-local `YYYY:MM:DD HH:MM:SS`), with what, and
-- whether it is a 360° panorama.
ALTER TABLE items ADD COLUMN taken_at TEXT;
ALTER TABLE items ADD COLUMN camera TEXT;
ALTER TABLE items ADD COLUMN is_360 BOOLEAN NOT NULL DEFAULT FALSE;
