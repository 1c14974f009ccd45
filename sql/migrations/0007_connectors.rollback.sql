-- Undo 0007_connectors: drop its tables in reverse order of creation.
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE account_connector_credentials;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE connector_credentials;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE connectors;
