-- Undo 0002_users.
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE users;
