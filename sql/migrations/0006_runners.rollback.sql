-- Undo 0006_runners: drop its tables in reverse order of creation.
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE runner_jobs;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE runner_enroll_tokens;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE runners;
