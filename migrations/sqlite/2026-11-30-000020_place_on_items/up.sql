-- An item's place in its project and the team's review of it, on the item itself. Spec 4's
-- page walks a project's index on items and reads each image's row; a separate
-- project_items row was one more lookup per image. The place exists while project_id is
-- set: leaving a project or its deletion clears these columns (projects/placement.rs).
ALTER TABLE items ADD COLUMN job_id TEXT;
ALTER TABLE items ADD COLUMN image_index INTEGER;
ALTER TABLE items ADD COLUMN group_index INTEGER;
ALTER TABLE items ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- JSON object text.
ALTER TABLE items ADD COLUMN input_description TEXT;
ALTER TABLE items ADD COLUMN download_filename TEXT;
ALTER TABLE items ADD COLUMN feedback_comment TEXT;
ALTER TABLE items ADD COLUMN review_status TEXT;
-- JSON text.
ALTER TABLE items ADD COLUMN review_annotations TEXT;
ALTER TABLE items ADD COLUMN claimed_by TEXT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE items ADD COLUMN claimed_at TIMESTAMP;
-- Whether the item had inputs when they were last written (an input deleted later leaves
-- it true, which costs one lookup that finds nothing).
ALTER TABLE items ADD COLUMN has_inputs BOOLEAN NOT NULL DEFAULT false;

UPDATE items SET
    (job_id, image_index, group_index, version, input_description, download_filename,
     feedback_comment, review_status, review_annotations, claimed_by, claimed_at) =
    (SELECT pi.job_id, pi.image_index, pi.group_index, pi.version, pi.input_description,
            pi.download_filename, pi.feedback_comment, pi.review_status,
            pi.review_annotations, pi.claimed_by, pi.claimed_at
     FROM project_items pi WHERE pi.item_id = items.id)
WHERE id IN (SELECT item_id FROM project_items);

-- Of every item, in a project or not (one with inputs may join one later).
UPDATE items SET has_inputs = true WHERE id IN (SELECT item_id FROM item_inputs);

DROP TABLE project_items;
