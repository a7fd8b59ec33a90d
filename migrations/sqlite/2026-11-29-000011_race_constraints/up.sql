-- Constraints behind the rules that read then write, the last line of defence when a
-- lock is missed. Rows that broke a rule while it was only checked by reading are
-- repaired first, so the indexes can be built.

-- Sibling folder names are unique regardless of case: later duplicates get their ID
-- appended.
UPDATE folders SET name = name || ' (' || id || ')'
WHERE id IN (
    SELECT id FROM (
        SELECT id, ROW_NUMBER() OVER (
            PARTITION BY user_id, COALESCE(parent_id, ''), lower(name)
            ORDER BY created_at, id
        ) AS position
        FROM folders
    ) ranked
    WHERE position > 1
);
CREATE UNIQUE INDEX folders_sibling_name ON folders (user_id, COALESCE(parent_id, ''), lower(name));

-- One live share link per item and per collection: older live ones are revoked.
UPDATE shares SET revoked_at = created_at
WHERE revoked_at IS NULL AND EXISTS (
    SELECT 1 FROM shares newer
    WHERE newer.revoked_at IS NULL
      AND newer.id <> shares.id
      AND (newer.item_id = shares.item_id OR newer.collection_id = shares.collection_id)
      AND (newer.created_at > shares.created_at
           OR (newer.created_at = shares.created_at AND newer.id > shares.id))
);
CREATE UNIQUE INDEX shares_live_item ON shares (item_id)
    WHERE revoked_at IS NULL AND item_id IS NOT NULL;
CREATE UNIQUE INDEX shares_live_collection ON shares (collection_id)
    WHERE revoked_at IS NULL AND collection_id IS NOT NULL;
