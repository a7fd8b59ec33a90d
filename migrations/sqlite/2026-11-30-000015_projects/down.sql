DROP INDEX items_project_quality;
DROP INDEX items_project_name;
ALTER TABLE items DROP COLUMN project_id;
ALTER TABLE items DROP COLUMN quality_score;
DROP TABLE item_inputs;
DROP TABLE project_items;
DROP TABLE projects;
DROP TABLE group_members;
DROP TABLE user_groups;
