-- Undo 0011_llm_audit_log.
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE llm_audit_log;
