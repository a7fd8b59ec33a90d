-- Tags that narrow a listing, answered from one tag's links: each link carries all of its
-- item's tag IDs (` a b c `), so the rarest include tag's links are read and checked for
-- the other tags on the link itself, instead of merging every link of every tag named.
-- NULL when the IDs pass 512 bytes (each of the item's links carries them, so they grow
-- with the square of its tag count): such a link is checked against `item_tags` instead.
ALTER TABLE item_tags ADD COLUMN tag_set TEXT;

-- Each item's set, the triggers' and the backfill's one definition. A lookup by item_id
-- is pushed into the view and reads only that item's links.
CREATE VIEW item_tag_sets AS
SELECT item_id,
       CASE WHEN sum(length(tag_id) + 1) + 1 <= 512
            THEN ' ' || group_concat(tag_id, ' ') || ' ' END AS tag_set
FROM item_tags GROUP BY item_id;

-- Only the links whose set changes are rewritten: past the size limit every set stays
-- NULL, and adding a 100th tag rewrites one link, not a hundred.
CREATE TRIGGER item_tags_set_link AFTER INSERT ON item_tags BEGIN
    UPDATE item_tags SET tag_set = sets.tag_set
    FROM (SELECT tag_set FROM item_tag_sets WHERE item_id = NEW.item_id) AS sets
    WHERE item_tags.item_id = NEW.item_id AND item_tags.tag_set IS NOT sets.tag_set;
END;

CREATE TRIGGER item_tags_set_unlink AFTER DELETE ON item_tags BEGIN
    UPDATE item_tags SET tag_set = sets.tag_set
    FROM (SELECT tag_set FROM item_tag_sets WHERE item_id = OLD.item_id) AS sets
    WHERE item_tags.item_id = OLD.item_id AND item_tags.tag_set IS NOT sets.tag_set;
END;

UPDATE item_tags SET tag_set = sets.tag_set
FROM item_tag_sets AS sets WHERE sets.item_id = item_tags.item_id;

DROP INDEX item_tags_tag;
CREATE INDEX item_tags_tag ON item_tags (tag_id, status, item_id, created_at, tag_set);
