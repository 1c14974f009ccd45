-- Undo 0010_sync_tasks_waitlist: drop its tables in reverse order of creation.
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE waitlist_entries;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE user_tasks;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE sync_operations;
