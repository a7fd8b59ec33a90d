-- Tags that narrow a listing, answered from one tag's links: each link carries all of its
-- item's tag IDs (` a b c `), so the rarest include tag's links are read and checked for
-- the other tags on the link itself, instead of merging every link of every tag named.
-- NULL when the IDs pass 512 bytes (each of the item's links carries them, so they grow
-- with the square of its tag count): such a link is checked against `item_tags` instead.
-- The triggers rewrite only the links whose set changes.
ALTER TABLE item_tags ADD COLUMN tag_set TEXT;

CREATE TRIGGER item_tags_set_link AFTER INSERT ON item_tags BEGIN
    UPDATE item_tags SET tag_set =
        (SELECT CASE WHEN sum(length(tag_id) + 1) + 1 <= 512
                     THEN ' ' || group_concat(tag_id, ' ') || ' ' END
         FROM item_tags WHERE item_id = NEW.item_id)
    WHERE item_id = NEW.item_id AND tag_set IS NOT
        (SELECT CASE WHEN sum(length(tag_id) + 1) + 1 <= 512
                     THEN ' ' || group_concat(tag_id, ' ') || ' ' END
         FROM item_tags WHERE item_id = NEW.item_id);
END;

CREATE TRIGGER item_tags_set_unlink AFTER DELETE ON item_tags BEGIN
    UPDATE item_tags SET tag_set =
        (SELECT CASE WHEN sum(length(tag_id) + 1) + 1 <= 512
                     THEN ' ' || group_concat(tag_id, ' ') || ' ' END
         FROM item_tags WHERE item_id = OLD.item_id)
    WHERE item_id = OLD.item_id AND tag_set IS NOT
        (SELECT CASE WHEN sum(length(tag_id) + 1) + 1 <= 512
                     THEN ' ' || group_concat(tag_id, ' ') || ' ' END
         FROM item_tags WHERE item_id = OLD.item_id);
END;

UPDATE item_tags SET tag_set =
    (SELECT CASE WHEN sum(length(sibling.tag_id) + 1) + 1 <= 512
                 THEN ' ' || group_concat(sibling.tag_id, ' ') || ' ' END
     FROM item_tags AS sibling WHERE sibling.item_id = item_tags.item_id);

DROP INDEX item_tags_tag;
CREATE INDEX item_tags_tag ON item_tags (tag_id, status, item_id, created_at, tag_set);
