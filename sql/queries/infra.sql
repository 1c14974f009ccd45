-- Named queries of the infrastructure around the schema: health probe, advisory lock
-- check, the admin resets, the debug schema view. Loaded by aiosql 15 (zerg_sql.queries);
-- the caller owns the transaction.
--
-- Resets on a shared instance. Zerg is one schema tenant of clifford's life_hub, so the
-- resets touch our tables only, and fail fast instead of fighting other sessions:
--   * never pg_terminate_backend (Zerg's prod rebuild ended every other backend of the
--     database, other tenants' included), never DROP / CREATE of tables or the schema (the
--     migrations own them), never CASCADE (it would follow a foreign key from another
--     schema into that schema's tables); every table is named, and a test checks the list
--     against the catalog;
--   * in ONE transaction: set_local_timeouts first (Zerg: lock 3 s, statement 15 s / 30 s),
--     then optionally list_table_row_counts, then purge_user_data (Zerg's clear_data) or
--     purge_all_data (Zerg's full rebuild), then commit. A lock timeout rolls everything
--     back; the caller may retry (Zerg retried up to 3 times).
-- The migration ledger and yoyo's tables are never touched.


-- name: get_db_health()^
-- Health probe: one round trip, with the server version and whether it is a standby.
-- serves: I01, I03
SELECT 1 AS ok,
       -- Zerg's /health ran SELECT 1 and reported errors instead of raising: the app catches
       -- them. A pool needs no named query to pre-ping (psycopg_pool's check_connection sends an
       -- empty statement); a service that probes by hand runs this one.
       current_setting('server_version_num')::int AS server_version_num,
       pg_is_in_recovery() AS in_recovery;


-- name: get_schema_version()^
-- At start-up, instead of Zerg's create_all and its dev-only column fixes: the newest applied schema migration and how many are applied.
-- serves: I02, I07
SELECT max(migration_id) AS latest_migration, count(*) AS applied
FROM _zerg_sql_migrations
-- The schema is made only by zerg-sql migrate (and adopt for the ORM-built one): the app
-- compares latest_migration with the one it was built against and refuses to start on an
-- older schema, where Zerg created missing tables and patched columns by hand. The job
-- queue's ops_ migrations share the ledger and are left out.
WHERE migration_id ~ '^[0-9]{4}_';


-- name: get_advisory_lock_support()$
-- Startup check that advisory locks work: takes and, at the end of the transaction, releases a probe lock; true when taken.
-- serves: I04
SELECT pg_try_advisory_xact_lock(hashtextextended('zerg-sql advisory lock probe', 0));
-- Transaction-scoped, so a pooled connection can never keep it (Zerg took the session
-- lock 999999 and unlocked it). The key is derived from a zerg-sql name, not a bare number
-- another tenant of the instance might use. false only when another session holds it.


-- name: set_local_timeouts(lock_timeout, statement_timeout)^
-- Lock and statement timeouts for the rest of the transaction (e.g. '3s', '15s'): run first in a reset's transaction.
-- serves: I05, I06
SELECT set_config('lock_timeout', :lock_timeout::text, true) AS lock_timeout,
       set_config('statement_timeout', :statement_timeout::text, true) AS statement_timeout;


-- name: list_table_row_counts()
-- Exact row count of every table of the schema (the admin reset reports them), by table name.
-- serves: I05, I06
SELECT 'account_connector_credentials' AS table_name, count(*) AS row_count FROM account_connector_credentials
UNION ALL SELECT 'agent_memory_kv', count(*) FROM agent_memory_kv
UNION ALL SELECT 'agent_messages', count(*) FROM agent_messages
UNION ALL SELECT 'agent_run_events', count(*) FROM agent_run_events
UNION ALL SELECT 'agent_runs', count(*) FROM agent_runs
UNION ALL SELECT 'agent_threads', count(*) FROM agent_threads
UNION ALL SELECT 'agents', count(*) FROM agents
UNION ALL SELECT 'barrier_jobs', count(*) FROM barrier_jobs
UNION ALL SELECT 'canvas_layouts', count(*) FROM canvas_layouts
UNION ALL SELECT 'connector_credentials', count(*) FROM connector_credentials
UNION ALL SELECT 'connectors', count(*) FROM connectors
UNION ALL SELECT 'knowledge_documents', count(*) FROM knowledge_documents
UNION ALL SELECT 'knowledge_sources', count(*) FROM knowledge_sources
UNION ALL SELECT 'llm_audit_log', count(*) FROM llm_audit_log
UNION ALL SELECT 'memory_embeddings', count(*) FROM memory_embeddings
UNION ALL SELECT 'memory_files', count(*) FROM memory_files
UNION ALL SELECT 'node_execution_states', count(*) FROM node_execution_states
UNION ALL SELECT 'runner_enroll_tokens', count(*) FROM runner_enroll_tokens
UNION ALL SELECT 'runner_jobs', count(*) FROM runner_jobs
UNION ALL SELECT 'runners', count(*) FROM runners
UNION ALL SELECT 'sync_operations', count(*) FROM sync_operations
UNION ALL SELECT 'thread_messages', count(*) FROM thread_messages
UNION ALL SELECT 'triggers', count(*) FROM triggers
UNION ALL SELECT 'user_tasks', count(*) FROM user_tasks
UNION ALL SELECT 'users', count(*) FROM users
UNION ALL SELECT 'waitlist_entries', count(*) FROM waitlist_entries
UNION ALL SELECT 'worker_barriers', count(*) FROM worker_barriers
UNION ALL SELECT 'worker_jobs', count(*) FROM worker_jobs
UNION ALL SELECT 'workflow_executions', count(*) FROM workflow_executions
UNION ALL SELECT 'workflow_templates', count(*) FROM workflow_templates
UNION ALL SELECT 'workflows', count(*) FROM workflows
ORDER BY table_name;


-- name: purge_user_data()!
-- Admin "clear data": empty every table except users and runners, restarting their ids; run after set_local_timeouts.
-- serves: I06
TRUNCATE account_connector_credentials, agent_memory_kv, agent_messages, agent_run_events,
    -- Zerg's TRUNCATE ... RESTART IDENTITY CASCADE of every model table but users, runners and
    -- alembic_version, without CASCADE (see the head of the file). Users and their runners stay.
    agent_runs, agent_threads, agents, barrier_jobs, canvas_layouts, connector_credentials,
    connectors, knowledge_documents, knowledge_sources, llm_audit_log, memory_embeddings,
    memory_files, node_execution_states, runner_enroll_tokens, runner_jobs, sync_operations,
    thread_messages, triggers, user_tasks, waitlist_entries, worker_barriers, worker_jobs,
    workflow_executions, workflow_templates, workflows
    RESTART IDENTITY;


-- name: purge_all_data()!
-- Admin "reset database": empty every table of the schema, users and runners included, restarting their ids; run after set_local_timeouts.
-- serves: I05
TRUNCATE account_connector_credentials, agent_memory_kv, agent_messages, agent_run_events,
    -- Replaces Zerg's drop_all + create_all (and its pg_terminate_backend of every other
    -- session): the schema stays as the migrations built it, only the rows go.
    agent_runs, agent_threads, agents, barrier_jobs, canvas_layouts, connector_credentials,
    connectors, knowledge_documents, knowledge_sources, llm_audit_log, memory_embeddings,
    memory_files, node_execution_states, runner_enroll_tokens, runner_jobs, runners,
    sync_operations, thread_messages, triggers, user_tasks, users, waitlist_entries,
    worker_barriers, worker_jobs, workflow_executions, workflow_templates, workflows
    RESTART IDENTITY;


-- name: create_test_admin(email)^
-- Test and E2E setups: user id 1 as an admin when absent (None if a user 1 or the email exists), then the id sequence past it.
-- serves: I05, I09
WITH ins AS (
    INSERT INTO users (id, email, role) VALUES (1, :email::text, 'admin')
    -- E2E isolation itself (I09) is not served: Zerg dropped and re-created one schema per
    -- test worker with create_all; here each test gets its own database cloned from a migrated
    -- template (tests/conftest.py), so no code path creates schemas.
    ON CONFLICT DO NOTHING
    RETURNING *
)
SELECT ins.*, setval(pg_get_serial_sequence('users', 'id'),
                     greatest((SELECT max(id) FROM users), 1)) AS next_id_from
FROM ins;


-- name: get_debug_schema_info()^
-- Debug view of where the tables resolve: current schema, search_path, agents found via the path and in public, and the agents count.
-- serves: I08
SELECT current_schema() AS current_schema,
       -- Zerg also counted public.agents; a count of a table that may not exist cannot be one
       -- statement, so public_agents only says whether such a stray table exists.
       current_setting('search_path') AS search_path,
       to_regclass('agents')::text AS agents_table,
       to_regclass('public.agents')::text AS public_agents,
       (SELECT count(*) FROM agents) AS agents_count;
