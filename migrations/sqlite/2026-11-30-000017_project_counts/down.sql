ALTER TABLE project_items DROP COLUMN has_inputs;
DROP TRIGGER project_counts_join;
DROP TRIGGER project_counts_leave;
DROP TRIGGER project_counts_delete;
DROP TRIGGER project_counts_insert;
DROP TABLE project_counts;
