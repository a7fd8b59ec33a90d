-- Milliseconds the item's last processing took (the upload's fast path or its media job),
-- on the item itself: spec 4's page shows it for every image from the row its index walk
-- already reads, instead of looking up each image's latest media job.
ALTER TABLE items ADD COLUMN processing_ms BIGINT;
UPDATE items SET processing_ms = (
    SELECT j.duration_ms FROM media_jobs j WHERE j.item_id = items.id
    ORDER BY j.updated_at DESC LIMIT 1);
