-- The benchmarks' own bookkeeping: parameter samples, settings, markers. Not product SQL.

-- name: bench_set_seed(seed)$
-- Repeatable samples (random() below).
SELECT setseed(:seed::float8)::text;

-- name: bench_sample_runs(n, hours)
-- n random runs (not continuations) of the dataset's last :hours, with their agent, thread, owner, trace.
SELECT r.id AS run_id, r.agent_id, r.thread_id, r.trace_id, a.owner_id
FROM agent_runs AS r JOIN agents AS a ON a.id = r.agent_id
WHERE r.continuation_of_run_id IS NULL
  AND r.created_at >= (SELECT max(created_at) FROM agent_runs) - make_interval(hours => :hours::int)
ORDER BY random() LIMIT :n::int;

-- name: bench_settings(names)
-- Server settings reported with the results.
SELECT name, current_setting(name) AS value FROM unnest(:names::text[]) AS name;

-- name: bench_database_exists(name)$
-- Does the database exist?
SELECT EXISTS (SELECT FROM pg_database WHERE datname = :name::text);

-- name: bench_legacy_marker()$
-- What the legacy schema's comment says (set when a bench dataset is complete), NULL if none.
SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'legacy';

-- name: bench_mark_complete(marker)$
-- Mark the bench dataset complete (the comment is set through a function: COMMENT takes no parameters).
SELECT set_config('zerg.bench_marker', :marker::text, false);

-- name: bench_comment_legacy()#
-- COMMENT ON SCHEMA legacy with the marker set above.
DO $$ BEGIN EXECUTE 'COMMENT ON SCHEMA legacy IS ' || quote_literal(current_setting('zerg.bench_marker')); END $$;

-- name: bench_create_legacy_schema()#
-- The schema the legacy copy lives in.
CREATE SCHEMA legacy;

-- name: bench_table_sizes()
-- Rows and size of the big tables in both schemas.
SELECT n.nspname AS schema, c.relname AS table, c.reltuples::bigint AS rows,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size, pg_total_relation_size(c.oid) AS bytes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('zerg', 'legacy') AND c.relkind = 'r'
  AND c.relname IN ('agent_runs', 'agent_run_events', 'thread_messages', 'worker_jobs', 'llm_audit_log')
ORDER BY c.relname, n.nspname;

-- name: bench_table_stats(table_name)^
-- Size and dead tuples of one table of schema zerg.
SELECT pg_total_relation_size(c.oid) AS bytes, pg_size_pretty(pg_total_relation_size(c.oid)) AS size,
       s.n_live_tup, s.n_dead_tup
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE n.nspname = 'zerg' AND c.relname = :table_name::text;

-- name: bench_vacuum_audit#
-- VACUUM the LLM audit log (after a prune).
VACUUM (ANALYZE) llm_audit_log;

-- name: bench_vacuum_events#
-- VACUUM the run events (after a prune).
VACUUM (ANALYZE) agent_run_events;

-- name: bench_data_now()$
-- The dataset's "now": when its newest run was created (time windows of both sides end there).
SELECT max(created_at) FROM agent_runs;

-- name: bench_adopt_take_legacy()#
-- The adopt bench's copy of a dataset: its legacy schema (Zerg's create_all shape, the same
-- rows) becomes schema zerg, where adopt expects it; our converted copy goes.
DROP SCHEMA zerg CASCADE;
ALTER SCHEMA legacy RENAME TO zerg;
COMMENT ON SCHEMA zerg IS NULL;
ANALYZE;

-- name: bench_adopt_sample_run_ids(n)
-- Run ids the app-like reader asks for while adopt runs.
SELECT id FROM agent_runs ORDER BY random() LIMIT :n::int;

-- name: bench_adopt_read_run(run_id)^
-- The app-like reader: one run by id, as Zerg's GET /runs/{id} reads it.
SELECT id, status, started_at FROM agent_runs WHERE id = :run_id::bigint;

-- name: bench_adopt_legacy_rows()
-- Rows per table of the legacy copy (pg_class estimates after ANALYZE).
SELECT c.relname AS table_name, c.reltuples::bigint AS rows, pg_total_relation_size(c.oid) AS bytes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'zerg' AND c.relkind = 'r' AND c.reltuples > 0
ORDER BY pg_total_relation_size(c.oid) DESC;
