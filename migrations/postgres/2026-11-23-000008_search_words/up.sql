-- Searches of several words answered from `item_words` alone. Each entry now also carries
-- its item's other words, so the entries of the query's rarest word are checked for the
-- others on the index entry itself. (The GIN index intersects the words quickly, but the
-- total then read each match from `items`, every owner's, for its owner and status:
-- 22 ms for two words in 4,000 of a million items. Probing `item_words` once per entry
-- for the other word took 44 ms.) The upload time moves into the key, before the item, so
-- one word's entries come out newest first.
DROP TRIGGER item_words_update ON items;
DROP TRIGGER item_words_insert_delete ON items;
DROP FUNCTION item_words_track();
DROP TABLE item_words;

CREATE TABLE item_words (
    user_id TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    word TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMP NOT NULL,
    item_id TEXT COLLATE "C" NOT NULL,
    -- The word is in the title or file name (weight A), which spec 2's `q` searches.
    in_names BOOLEAN NOT NULL,
    -- The item's words, space-separated with a space before and after each, so that
    -- `LIKE '% word %'` finds a whole word and `LIKE '% pre%'` a beginning: those of the
    -- title and file name, and those only in the description. NULL when the two together
    -- pass 256 bytes: each of the item's words carries them, so their size grows with the
    -- square of the word count. A NULL entry is checked against `items.search` instead.
    name_words TEXT COLLATE "C",
    description_words TEXT COLLATE "C"
);

-- One item's `item_words` entries: the trigger's and a bulk load's single definition.
CREATE FUNCTION item_words_of(item items) RETURNS SETOF item_words AS $$
    SELECT item.user_id, item.status, word.lexeme, item.created_at, item.id,
           word.in_names,
           CASE WHEN octet_length(texts.names) + octet_length(texts.description) <= 256
                THEN texts.names END,
           CASE WHEN octet_length(texts.names) + octet_length(texts.description) <= 256
                THEN texts.description END
    FROM (SELECT lexeme, coalesce('A' = ANY (weights), false) AS in_names
          FROM unnest(item.search)) AS word,
         (SELECT ' ' || coalesce(string_agg(lexeme, ' ') FILTER (WHERE in_names), '') || ' '
                     AS names,
                 ' ' || coalesce(string_agg(lexeme, ' ') FILTER (WHERE NOT in_names), '') || ' '
                     AS description
          FROM (SELECT lexeme, coalesce('A' = ANY (weights), false) AS in_names
                FROM unnest(item.search)) AS words) AS texts
$$ LANGUAGE sql STABLE;

CREATE FUNCTION item_words_track() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM item_words
        WHERE user_id = OLD.user_id AND status = OLD.status
          AND word = ANY (tsvector_to_array(OLD.search))
          AND created_at = OLD.created_at AND item_id = OLD.id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO item_words SELECT * FROM item_words_of(NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER item_words_insert_delete AFTER INSERT OR DELETE ON items
    FOR EACH ROW EXECUTE FUNCTION item_words_track();
CREATE TRIGGER item_words_update
    AFTER UPDATE OF title, original_filename, description, status, user_id, created_at ON items
    FOR EACH ROW
    WHEN (ROW(OLD.search, OLD.status, OLD.user_id, OLD.created_at)
        IS DISTINCT FROM ROW(NEW.search, NEW.status, NEW.user_id, NEW.created_at))
    EXECUTE FUNCTION item_words_track();

-- Filled first and indexed after: one sort instead of an index insert per row.
INSERT INTO item_words SELECT words.* FROM items, item_words_of(items) AS words;
ALTER TABLE item_words ADD PRIMARY KEY (user_id, status, word, created_at, item_id)
    INCLUDE (in_names, name_words, description_words);
