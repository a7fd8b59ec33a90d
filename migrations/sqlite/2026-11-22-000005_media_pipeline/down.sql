DROP TABLE media_jobs;
ALTER TABLE items DROP COLUMN duration_secs;
ALTER TABLE items DROP COLUMN is_animated;
ALTER TABLE items DROP COLUMN phash;
ALTER TABLE items DROP COLUMN taken_at;
ALTER TABLE items DROP COLUMN camera;
ALTER TABLE items DROP COLUMN is_360;
