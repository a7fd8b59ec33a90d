-- Spec 4's statistics without counting: the active items of each project per processing
-- state, kept by triggers like item_counts. Counting a page's projects read every one of
-- their index entries (9,800 for 20 projects of 500 images: ~5 ms on PostgreSQL).
CREATE TABLE project_counts (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    processing TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (project_id, processing)
);

CREATE FUNCTION project_counts_track() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.project_id IS NOT NULL AND OLD.status = 'active' THEN
            UPDATE project_counts SET n = n - 1
            WHERE project_id = OLD.project_id AND processing = OLD.processing;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        IF NEW.project_id IS NOT NULL AND NEW.status = 'active' THEN
            INSERT INTO project_counts (project_id, processing, n)
            VALUES (NEW.project_id, NEW.processing, 1)
            ON CONFLICT (project_id, processing) DO UPDATE SET n = project_counts.n + 1;
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER project_counts_insert_delete AFTER INSERT OR DELETE ON items
    FOR EACH ROW EXECUTE FUNCTION project_counts_track();
CREATE TRIGGER project_counts_update AFTER UPDATE OF project_id, status, processing ON items
    FOR EACH ROW
    WHEN (ROW(OLD.project_id, OLD.status, OLD.processing)
        IS DISTINCT FROM ROW(NEW.project_id, NEW.status, NEW.processing))
    EXECUTE FUNCTION project_counts_track();

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
