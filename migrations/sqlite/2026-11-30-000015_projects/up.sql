-- Projects, groups and review (spec 4). Projects and groups have integer IDs, as spec 4
-- shows; a project's images are ordinary items. ("groups" is a keyword of window
-- frames, so their table is user_groups.)
CREATE TABLE user_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

-- project_key is unique per owner, derived from the name when not given.
CREATE TABLE projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    project_key TEXT NOT NULL,
    group_id INTEGER REFERENCES user_groups (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    UNIQUE (user_id, project_key)
);
CREATE INDEX projects_group ON projects (group_id);

-- An item's place in a project and the team's review of it. Deleting the project (or
-- PATCHing project_id to null) deletes this row: the item itself stays.
CREATE TABLE project_items (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    job_id TEXT,
    image_index INTEGER,
    group_index INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    -- JSON object text.
    input_description TEXT,
    download_filename TEXT,
    feedback TEXT,
    feedback_comment TEXT,
    review_status TEXT,
    -- JSON text.
    review_annotations TEXT,
    claimed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    claimed_at TIMESTAMP
);
CREATE INDEX project_items_project ON project_items (project_id);

-- The items an item was made from, in the order given.
CREATE TABLE item_inputs (
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    input_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (item_id, input_id)
);
CREATE INDEX item_inputs_input ON item_inputs (input_id);

-- 0-100 from the pixels (media pipeline); null until computed.
ALTER TABLE items ADD COLUMN quality_score DOUBLE PRECISION;

-- The project an item is in and its feedback there, beside its project_items row (written
-- together), so a project's first images by name or by score are an index walk that
-- stops early, with every filter (processing, owner, feedback) read from the index, and
-- its counts an index scan. Unscored images sort as the lowest score on both backends.
ALTER TABLE items ADD COLUMN project_id INTEGER REFERENCES projects (id) ON DELETE SET NULL;
ALTER TABLE items ADD COLUMN feedback TEXT;
CREATE INDEX items_project_name
    ON items (project_id, status, original_filename, id, processing, user_id, feedback)
    WHERE project_id IS NOT NULL;
CREATE INDEX items_project_quality
    ON items (project_id, status, (COALESCE(quality_score, -1)), id, processing, user_id,
              feedback, quality_score)
    WHERE project_id IS NOT NULL;
