DROP STATISTICS items_feedback_or_none;
DROP INDEX items_project_name;
CREATE INDEX items_project_name
    ON items (project_id, status, original_filename, id, processing, user_id, feedback)
    WHERE project_id IS NOT NULL;
DROP INDEX items_project_quality;
CREATE INDEX items_project_quality
    ON items (project_id, status, (COALESCE(quality_score, -1)), id, processing, user_id,
              feedback, quality_score)
    WHERE project_id IS NOT NULL;
