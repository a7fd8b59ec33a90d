ALTER TABLE project_items DROP COLUMN has_inputs;
DROP TRIGGER project_counts_update ON items;
DROP TRIGGER project_counts_insert_delete ON items;
DROP FUNCTION project_counts_track();
DROP TABLE project_counts;
