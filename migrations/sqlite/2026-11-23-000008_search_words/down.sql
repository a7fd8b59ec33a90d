-- PostgreSQL's 000008 adds its word index for searches; SQLite's full-text table
-- (000002, 000007) already answers them. This empty step keeps both backends on the same
-- migration versions.
SELECT 1;
