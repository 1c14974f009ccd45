-- transactional: false
-- squawk-disable-assume-in-transaction
--
-- Undo 0014_dashboard_indexes.sql, concurrently (writes go on).
DROP INDEX CONCURRENTLY IF EXISTS runners_last_seen_at_idx;
DROP INDEX CONCURRENTLY IF EXISTS llm_audit_log_untraced_created_at_idx;
DROP INDEX CONCURRENTLY IF EXISTS agent_runs_duration_created_at_idx;
DROP INDEX CONCURRENTLY IF EXISTS worker_jobs_failed_unsigned_idx;
DROP INDEX CONCURRENTLY IF EXISTS agent_runs_failed_unsigned_idx;
DROP INDEX CONCURRENTLY IF EXISTS worker_jobs_failed_created_at_idx;
DROP INDEX CONCURRENTLY IF EXISTS agent_runs_failed_created_at_idx;
