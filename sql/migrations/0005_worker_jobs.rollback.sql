-- Undo 0005_worker_jobs: drop its tables in reverse order of creation.
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE barrier_jobs;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE worker_barriers;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE worker_jobs;
