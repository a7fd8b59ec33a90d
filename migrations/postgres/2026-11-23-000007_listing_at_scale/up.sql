-- Listings at a million items: a collection's members carry their item's status, kind
-- and upload time (kept by triggers), so a collection's total and pages, also by type,
-- come from this index alone. (The SQLite migration of this name also repartitions its
-- text index; PostgreSQL's is unchanged.)
ALTER TABLE collection_items ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE collection_items ADD COLUMN kind TEXT NOT NULL DEFAULT 'image';
ALTER TABLE collection_items ADD COLUMN created_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';

UPDATE collection_items SET status = items.status, kind = items.kind, created_at = items.created_at
FROM items WHERE items.id = collection_items.item_id;

CREATE INDEX collection_items_listing
    ON collection_items (collection_id, status, created_at DESC, item_id DESC, kind);

CREATE FUNCTION collection_items_copy() RETURNS trigger AS $$
BEGIN
    SELECT status, kind, created_at INTO NEW.status, NEW.kind, NEW.created_at
    FROM items WHERE id = NEW.item_id;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION collection_items_follow() RETURNS trigger AS $$
BEGIN
    UPDATE collection_items SET status = NEW.status, kind = NEW.kind, created_at = NEW.created_at
    WHERE item_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER collection_items_copy BEFORE INSERT ON collection_items
    FOR EACH ROW EXECUTE FUNCTION collection_items_copy();
CREATE TRIGGER collection_items_follow AFTER UPDATE OF status, kind, created_at ON items
    FOR EACH ROW
    WHEN (ROW(OLD.status, OLD.kind, OLD.created_at)
        IS DISTINCT FROM ROW(NEW.status, NEW.kind, NEW.created_at))
    EXECUTE FUNCTION collection_items_follow();
