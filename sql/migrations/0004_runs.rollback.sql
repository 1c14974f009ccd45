-- Undo 0004_runs: drop its tables in reverse order of creation.
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE agent_run_events;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE agent_runs;
