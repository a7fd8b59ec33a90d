-- Milliseconds the item's last processing took (the upload's fast path or its media job),
-- on the item itself: spec 4's page shows it for every image from the row its index walk
-- already reads, instead of looking up each image's latest media job.
ALTER TABLE items ADD COLUMN processing_ms BIGINT;
UPDATE items i SET processing_ms = j.duration_ms
FROM (SELECT DISTINCT ON (item_id) item_id, duration_ms
      FROM media_jobs ORDER BY item_id, updated_at DESC) j
WHERE j.item_id = i.id;
