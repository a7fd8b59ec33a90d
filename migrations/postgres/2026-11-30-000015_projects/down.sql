ALTER TABLE items DROP COLUMN quality_score;
DROP TABLE item_inputs;
DROP TABLE project_items;
DROP TABLE projects;
DROP TABLE group_members;
DROP TABLE user_groups;
