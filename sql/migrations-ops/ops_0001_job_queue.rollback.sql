-- Drops what ops_0001_job_queue.sql made. DROP SCHEMA without CASCADE (RESTRICT): if
-- anything else lives in ops, the rollback fails with PostgreSQL's list of those objects
-- instead of destroying anyone else's tables.
DROP TABLE IF EXISTS ops.runs;
DROP TABLE IF EXISTS ops.job_queue;
DROP SCHEMA IF EXISTS ops;
