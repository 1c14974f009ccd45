-- transactional: false
-- squawk-disable-assume-in-transaction
--
-- Indexes that let the dashboards and the LLM coverage count read an index alone, measured
-- at bench scale 10 (docs/benchmarks.md, "Dashboards"). Built CONCURRENTLY: writes to these
-- tables go on while they build, so this file runs outside a transaction, one statement
-- at a time. If it is interrupted, running `migrate` again repairs it: the DO block drops
-- an invalid index left by an interrupted build (a brief lock, bounded by lock_timeout),
-- and IF NOT EXISTS skips the ones already built.

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT i.indexrelid::regclass AS name
        FROM pg_index AS i
        JOIN pg_class AS c ON c.oid = i.indexrelid
        WHERE NOT i.indisvalid
          AND c.relnamespace = current_schema()::regnamespace
          AND c.relname IN ('agent_runs_failed_created_at_idx', 'agent_runs_failed_unsigned_idx',
                            'worker_jobs_failed_created_at_idx', 'worker_jobs_failed_unsigned_idx',
                            'agent_runs_duration_created_at_idx', 'llm_audit_log_untraced_created_at_idx',
                            'runners_last_seen_at_idx')
    LOOP
        RAISE NOTICE 'dropping % (invalid: left by an interrupted build)', r.name;
        EXECUTE format('DROP INDEX %s', r.name);
    END LOOP;
END
$$;

-- reliability_error_groups: the failures of a window with their stored signature, read
-- from the index alone (the signature is an INCLUDE column, not a key: grouping needs
-- every row of the window, not an order). ~8 percent of the runs.
CREATE INDEX CONCURRENTLY IF NOT EXISTS agent_runs_failed_created_at_idx
    ON agent_runs (created_at) INCLUDE (error_signature) WHERE status = 'failed';
CREATE INDEX CONCURRENTLY IF NOT EXISTS worker_jobs_failed_created_at_idx
    ON worker_jobs (created_at) INCLUDE (error_signature) WHERE status = 'failed';

-- ... and the failures without a stored signature (older than 0012_error_signatures, or no message), whose
-- signature the dashboard computes: few rows, found without visiting every failure.
CREATE INDEX CONCURRENTLY IF NOT EXISTS agent_runs_failed_unsigned_idx
    ON agent_runs (created_at) WHERE status = 'failed' AND error_signature IS NULL;
CREATE INDEX CONCURRENTLY IF NOT EXISTS worker_jobs_failed_unsigned_idx
    ON worker_jobs (created_at) WHERE status = 'failed' AND error_signature IS NULL;

-- reliability_performance: the durations of a window with what they are grouped by, so
-- the percentiles sort index tuples instead of visiting a heap page per run.
CREATE INDEX CONCURRENTLY IF NOT EXISTS agent_runs_duration_created_at_idx
    ON agent_runs (created_at) INCLUDE (duration_ms, model, trigger) WHERE duration_ms IS NOT NULL;

-- count_llm_audit_since: calls without a trace, counted apart (few), so the total is an
-- index-only count of llm_audit_log_created_at_idx.
CREATE INDEX CONCURRENTLY IF NOT EXISTS llm_audit_log_untraced_created_at_idx
    ON llm_audit_log (created_at) WHERE trace_id IS NULL;

-- reliability_runners: the newest runners without sorting every one.
CREATE INDEX CONCURRENTLY IF NOT EXISTS runners_last_seen_at_idx
    ON runners (last_seen_at DESC NULLS LAST, id);
