-- Nothing changes on SQLite (the version keeps both backends' lists alike): it already
-- checks the feedback on the index entries, and with COALESCE(feedback, 'none') in the
-- index instead of the column it stopped treating the index as covering.
SELECT 1;
