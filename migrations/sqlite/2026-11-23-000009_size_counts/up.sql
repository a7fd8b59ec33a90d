-- Items per owner, status, kind and size class, kept by triggers like item_counts: a
-- listing filtered by size (and at most status and type) sums whole classes here and
-- counts only the items of the class a bound falls inside.
CREATE TABLE item_size_counts (
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    size_class BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (user_id, status, kind, size_class)
);

-- The size cut to its two leading decimal digits (1,234,567 -> 1,200,000; below 100, the
-- size itself), computed when read and never stored. `size_total::size_class` is the same
-- function; the two must agree.
ALTER TABLE items ADD COLUMN size_class INTEGER GENERATED ALWAYS AS (
    CASE WHEN size < 100 THEN size
         ELSE CAST(substr(CAST(size AS TEXT), 1, 2)
              || substr('00000000000000000000', 1, length(CAST(size AS TEXT)) - 2)
              AS INTEGER) END
) VIRTUAL;

CREATE TRIGGER item_size_counts_insert AFTER INSERT ON items BEGIN
    INSERT INTO item_size_counts (user_id, status, kind, size_class, n)
    VALUES (NEW.user_id, NEW.status, NEW.kind, NEW.size_class, 1)
    ON CONFLICT (user_id, status, kind, size_class) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER item_size_counts_delete AFTER DELETE ON items BEGIN
    UPDATE item_size_counts SET n = n - 1
    WHERE user_id = OLD.user_id AND status = OLD.status AND kind = OLD.kind
      AND size_class = OLD.size_class;
END;

CREATE TRIGGER item_size_counts_update AFTER UPDATE OF user_id, status, kind, size ON items
BEGIN
    UPDATE item_size_counts SET n = n - 1
    WHERE user_id = OLD.user_id AND status = OLD.status AND kind = OLD.kind
      AND size_class = OLD.size_class;
    INSERT INTO item_size_counts (user_id, status, kind, size_class, n)
    VALUES (NEW.user_id, NEW.status, NEW.kind, NEW.size_class, 1)
    ON CONFLICT (user_id, status, kind, size_class) DO UPDATE SET n = n + 1;
END;

INSERT INTO item_size_counts (user_id, status, kind, size_class, n)
SELECT user_id, status, kind, size_class, count(*)
FROM items GROUP BY user_id, status, kind, size_class;
