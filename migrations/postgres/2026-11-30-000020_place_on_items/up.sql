-- An item's place in its project and the team's review of it, on the item itself. Spec 4's
-- page walks a project's index on items and reads each image's row; a separate
-- project_items row was one more index lookup per image (1,000 per default page: about
-- half of the images statement). The place exists while project_id is set: leaving a
-- project or its deletion clears these columns (projects/placement.rs).
ALTER TABLE items
    ADD COLUMN job_id TEXT,
    ADD COLUMN image_index INTEGER,
    ADD COLUMN group_index INTEGER,
    ADD COLUMN version INTEGER NOT NULL DEFAULT 1,
    -- JSON object text.
    ADD COLUMN input_description TEXT,
    ADD COLUMN download_filename TEXT,
    ADD COLUMN feedback_comment TEXT,
    ADD COLUMN review_status TEXT,
    -- JSON text.
    ADD COLUMN review_annotations TEXT,
    ADD COLUMN claimed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN claimed_at TIMESTAMP,
    -- Whether the item had inputs when they were last written (an input deleted later
    -- leaves it true, which costs one lookup that finds nothing).
    ADD COLUMN has_inputs BOOLEAN NOT NULL DEFAULT false;

UPDATE items SET
    job_id = pi.job_id,
    image_index = pi.image_index,
    group_index = pi.group_index,
    version = pi.version,
    input_description = pi.input_description,
    download_filename = pi.download_filename,
    feedback_comment = pi.feedback_comment,
    review_status = pi.review_status,
    review_annotations = pi.review_annotations,
    claimed_by = pi.claimed_by,
    claimed_at = pi.claimed_at
FROM project_items pi
WHERE pi.item_id = items.id;

-- Of every item, in a project or not (one with inputs may join one later).
UPDATE items SET has_inputs = true WHERE id IN (SELECT item_id FROM item_inputs);

DROP TABLE project_items;
