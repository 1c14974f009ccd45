-- Undo 0009_knowledge_memory: drop its tables in reverse order of creation.
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE memory_embeddings;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE memory_files;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE agent_memory_kv;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE knowledge_documents;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE knowledge_sources;
