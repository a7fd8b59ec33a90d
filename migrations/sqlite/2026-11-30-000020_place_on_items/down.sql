CREATE TABLE project_items (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    job_id TEXT,
    image_index INTEGER,
    group_index INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    input_description TEXT,
    download_filename TEXT,
    feedback TEXT,
    feedback_comment TEXT,
    review_status TEXT,
    review_annotations TEXT,
    claimed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    claimed_at TIMESTAMP,
    has_inputs BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX project_items_project ON project_items (project_id);

INSERT INTO project_items
SELECT id, project_id, job_id, image_index, group_index, version, input_description,
       download_filename, feedback, feedback_comment, review_status, review_annotations,
       claimed_by, claimed_at, has_inputs
FROM items WHERE project_id IS NOT NULL;

ALTER TABLE items DROP COLUMN job_id;
ALTER TABLE items DROP COLUMN image_index;
ALTER TABLE items DROP COLUMN group_index;
ALTER TABLE items DROP COLUMN version;
ALTER TABLE items DROP COLUMN input_description;
ALTER TABLE items DROP COLUMN download_filename;
ALTER TABLE items DROP COLUMN feedback_comment;
ALTER TABLE items DROP COLUMN review_status;
ALTER TABLE items DROP COLUMN review_annotations;
ALTER TABLE items DROP COLUMN claimed_by;
ALTER TABLE items DROP COLUMN claimed_at;
ALTER TABLE items DROP COLUMN has_inputs;
