-- Undo 0003_agents_threads: drop its tables in reverse order of creation.
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE triggers;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE thread_messages;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE agent_threads;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE agent_messages;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE agents;
