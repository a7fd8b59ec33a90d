-- Spec 4's statistics without counting: the active items of each project per processing
-- state, kept by triggers like item_counts. Counting a page's projects read every one of
-- their index entries (9,800 for 20 projects of 500 images).
CREATE TABLE project_counts (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    processing TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (project_id, processing)
);

CREATE TRIGGER project_counts_insert AFTER INSERT ON items
WHEN NEW.project_id IS NOT NULL AND NEW.status = 'active'
BEGIN
    INSERT INTO project_counts (project_id, processing, n)
    VALUES (NEW.project_id, NEW.processing, 1)
    ON CONFLICT (project_id, processing) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER project_counts_delete AFTER DELETE ON items
WHEN OLD.project_id IS NOT NULL AND OLD.status = 'active'
BEGIN
    UPDATE project_counts SET n = n - 1
    WHERE project_id = OLD.project_id AND processing = OLD.processing;
END;

-- An update is a leave of the old place and a join of the new one.
CREATE TRIGGER project_counts_leave AFTER UPDATE OF project_id, status, processing ON items
WHEN OLD.project_id IS NOT NULL AND OLD.status = 'active'
BEGIN
    UPDATE project_counts SET n = n - 1
    WHERE project_id = OLD.project_id AND processing = OLD.processing;
END;

CREATE TRIGGER project_counts_join AFTER UPDATE OF project_id, status, processing ON items
WHEN NEW.project_id IS NOT NULL AND NEW.status = 'active'
BEGIN
    INSERT INTO project_counts (project_id, processing, n)
    VALUES (NEW.project_id, NEW.processing, 1)
    ON CONFLICT (project_id, processing) DO UPDATE SET n = n + 1;
END;

INSERT INTO project_counts (project_id, processing, n)
SELECT project_id, processing, count(*) FROM items
WHERE project_id IS NOT NULL AND status = 'active'
GROUP BY project_id, processing;

-- Whether the item had inputs when its place was last written (placement.rs keeps it
-- with item_inputs in the item's transaction): spec 4's page looks up the inputs of
-- those images only, not of every image on it. An input deleted later leaves it true,
-- which costs one lookup that finds nothing.
ALTER TABLE project_items ADD COLUMN has_inputs BOOLEAN NOT NULL DEFAULT false;
UPDATE project_items SET has_inputs = true
WHERE EXISTS (SELECT 1 FROM item_inputs ii WHERE ii.item_id = project_items.item_id);
