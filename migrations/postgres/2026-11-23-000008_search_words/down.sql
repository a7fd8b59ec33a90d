DROP TRIGGER item_words_update ON items;
DROP TRIGGER item_words_insert_delete ON items;
DROP FUNCTION item_words_track();
DROP FUNCTION item_words_of(items);
DROP TABLE item_words;

CREATE TABLE item_words (
    user_id TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    word TEXT COLLATE "C" NOT NULL,
    item_id TEXT COLLATE "C" NOT NULL,
    in_names BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, status, word, item_id) INCLUDE (in_names, created_at)
);

CREATE FUNCTION item_words_track() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM item_words
        WHERE user_id = OLD.user_id AND status = OLD.status
          AND word = ANY (tsvector_to_array(OLD.search)) AND item_id = OLD.id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO item_words (user_id, status, word, item_id, in_names, created_at)
        SELECT NEW.user_id, NEW.status, lexeme, NEW.id, coalesce('A' = ANY (weights), false),
               NEW.created_at
        FROM unnest(NEW.search);
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

INSERT INTO item_words (user_id, status, word, item_id, in_names, created_at)
SELECT items.user_id, items.status, words.lexeme, items.id,
       coalesce('A' = ANY (words.weights), false), items.created_at
FROM items, unnest(items.search) AS words;
