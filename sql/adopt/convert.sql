-- adopt, step "convert": turn Zerg's legacy `zerg` schema (SQLAlchemy create_all, optionally
-- with the migration-built variants) into exactly what migrations 0001..0011 build, in place.
--
-- How it runs (zerg_sql/adopt.py): after the catalog matched a known legacy shape and every
-- query of checks.sql came back empty; in ONE transaction together with fold_created_at.sql
-- (migration-built databases only, first) and the records of 0001..0011 in yoyo's table and
-- our ledger; search_path = the target schema alone (names are unqualified); lock_timeout of
-- the environment, so it gives up instead of queueing behind the application. A crash or
-- kill -9 at any point rolls everything back: the schema is either fully legacy or adopted.
--
-- The rule: it never deletes or rewrites data to make it fit. Every value is kept as it is,
-- except the conversions the new types define:
--   * naive `timestamp` values are UTC wall-clock (Zerg's sessions ran in UTC): AT TIME ZONE
--     'UTC' makes them the same instant as timestamptz;
--   * json -> jsonb (same documents; jsonb normalises whitespace and key order, and keeps the
--     last of duplicate keys);
--   * the five non-native SQLAlchemy enum columns hold UPPERCASE member names: mapped to our
--     lowercase values (docs/schema-notes.md "Legacy stored values"); any other value is left
--     as it is, so checks.sql has already refused it if the new CHECK would reject it;
--   * integer -> bigint, varchar(n) -> text: same values.
-- Every table is rewritten once (the type changes); each ALTER TABLE below does all of a
-- table's column changes in one pass. Identifiers that differ between the create_all and the
-- migration-built shapes are dropped with IF EXISTS (the comment says which shape has them);
-- everything else is dropped without, so a surprise fails the transaction instead of being
-- skipped. Tables come in migration order, waitlist_entries (no foreign keys) last.

-- 1. What migration 0001 creates: the updated_at trigger function (same text as 0001, so
--    the catalog matches; OR REPLACE because a `migrate` run against the legacy schema may
--    already have applied 0001 before failing on 0002).
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Respect an explicit value set by the statement (adopt and imports keep history).
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- Legacy objects that are not part of our schema:
-- Alembic's version table (its one row names the legacy head; adopt prints it before).
DROP TABLE alembic_version;
-- The connectors trigger of migration-built databases; set_updated_at replaces it below.
-- Its function public.update_updated_at_column() is NOT dropped: public is not ours (adopt
-- reports it for the owner of public to decide).
DROP TRIGGER IF EXISTS update_connectors_updated_at ON connectors;  -- migration-built only

-- 2. Drop every legacy foreign key (re-created with our names and ON DELETE in step 4).
ALTER TABLE agents
    DROP CONSTRAINT agents_owner_id_fkey;
ALTER TABLE agent_messages
    DROP CONSTRAINT agent_messages_agent_id_fkey;
ALTER TABLE agent_threads
    DROP CONSTRAINT agent_threads_agent_id_fkey;
ALTER TABLE thread_messages
    DROP CONSTRAINT thread_messages_parent_id_fkey,
    DROP CONSTRAINT thread_messages_thread_id_fkey;
ALTER TABLE triggers
    DROP CONSTRAINT triggers_agent_id_fkey;
ALTER TABLE agent_runs
    DROP CONSTRAINT agent_runs_agent_id_fkey,
    DROP CONSTRAINT IF EXISTS agent_runs_continuation_of_run_id_fkey,  -- create_all name
    DROP CONSTRAINT agent_runs_thread_id_fkey,
    DROP CONSTRAINT IF EXISTS fk_agent_runs_continuation_of_run_id;  -- migration-built name
ALTER TABLE agent_run_events
    DROP CONSTRAINT agent_run_events_run_id_fkey;
ALTER TABLE worker_jobs
    DROP CONSTRAINT IF EXISTS fk_worker_jobs_supervisor_run_id,  -- migration-built name
    DROP CONSTRAINT worker_jobs_owner_id_fkey,
    DROP CONSTRAINT IF EXISTS worker_jobs_supervisor_run_id_fkey;  -- create_all name
ALTER TABLE worker_barriers
    DROP CONSTRAINT worker_barriers_run_id_fkey;
ALTER TABLE barrier_jobs
    DROP CONSTRAINT barrier_jobs_barrier_id_fkey,
    DROP CONSTRAINT barrier_jobs_job_id_fkey;
ALTER TABLE runners
    DROP CONSTRAINT runners_owner_id_fkey;
ALTER TABLE runner_enroll_tokens
    DROP CONSTRAINT runner_enroll_tokens_owner_id_fkey;
ALTER TABLE runner_jobs
    DROP CONSTRAINT runner_jobs_owner_id_fkey,
    DROP CONSTRAINT runner_jobs_runner_id_fkey;
ALTER TABLE connectors
    DROP CONSTRAINT connectors_owner_id_fkey;
ALTER TABLE connector_credentials
    DROP CONSTRAINT connector_credentials_agent_id_fkey;
ALTER TABLE account_connector_credentials
    DROP CONSTRAINT account_connector_credentials_owner_id_fkey;
ALTER TABLE workflows
    DROP CONSTRAINT workflows_owner_id_fkey;
ALTER TABLE workflow_templates
    DROP CONSTRAINT workflow_templates_created_by_fkey;
ALTER TABLE workflow_executions
    DROP CONSTRAINT workflow_executions_workflow_id_fkey;
ALTER TABLE node_execution_states
    DROP CONSTRAINT node_execution_states_workflow_execution_id_fkey;
ALTER TABLE canvas_layouts
    DROP CONSTRAINT canvas_layouts_user_id_fkey,
    DROP CONSTRAINT canvas_layouts_workflow_id_fkey;
ALTER TABLE knowledge_sources
    DROP CONSTRAINT knowledge_sources_owner_id_fkey;
ALTER TABLE knowledge_documents
    DROP CONSTRAINT knowledge_documents_owner_id_fkey,
    DROP CONSTRAINT knowledge_documents_source_id_fkey;
ALTER TABLE agent_memory_kv
    DROP CONSTRAINT agent_memory_kv_user_id_fkey;
ALTER TABLE memory_files
    DROP CONSTRAINT memory_files_owner_id_fkey;
ALTER TABLE memory_embeddings
    DROP CONSTRAINT memory_embeddings_memory_file_id_fkey,
    DROP CONSTRAINT memory_embeddings_owner_id_fkey;
ALTER TABLE sync_operations
    DROP CONSTRAINT sync_operations_user_id_fkey;
ALTER TABLE user_tasks
    DROP CONSTRAINT user_tasks_user_id_fkey;
ALTER TABLE llm_audit_log
    DROP CONSTRAINT llm_audit_log_owner_id_fkey,
    DROP CONSTRAINT llm_audit_log_run_id_fkey,
    DROP CONSTRAINT llm_audit_log_thread_id_fkey;

-- 3. Table by table: legacy indexes and constraints out, one rewrite with every column change,
--    CHECKs and unique keys, the serial becomes an identity that continues after both max(id)
--    and the legacy sequence, then our indexes, trigger and comment.

-- users ---------------------------------------------------------------------------------
DROP INDEX ix_zerg_users_email, ix_zerg_users_id, ix_zerg_users_provider_user_id;
ALTER TABLE users
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN provider TYPE text,
    ALTER COLUMN provider_user_id TYPE text,
    ALTER COLUMN email TYPE text,
    ALTER COLUMN is_active SET DEFAULT true,
    ALTER COLUMN role TYPE text USING CASE role WHEN 'USER' THEN 'user' WHEN 'ADMIN' THEN 'admin' ELSE role END,
    ALTER COLUMN role SET DEFAULT 'user',
    ALTER COLUMN display_name TYPE text,
    ALTER COLUMN avatar_url TYPE text,
    ALTER COLUMN prefs TYPE jsonb USING prefs::jsonb,
    ALTER COLUMN prefs SET DEFAULT '{}'::jsonb,
    ALTER COLUMN context DROP DEFAULT,
    ALTER COLUMN context TYPE jsonb USING context::jsonb,
    ALTER COLUMN context SET DEFAULT '{}'::jsonb,
    ALTER COLUMN last_login TYPE timestamptz USING last_login AT TIME ZONE 'UTC',
    ALTER COLUMN gmail_refresh_token TYPE text,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL,
    ADD CONSTRAINT users_email_key UNIQUE (email),
    ADD CONSTRAINT users_role_check CHECK (role IN ('user', 'admin'));
ALTER SEQUENCE users_id_seq RENAME TO users_id_seq_legacy;
ALTER TABLE users ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('users_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM users),
    (SELECT last_value FROM users_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE users_id_seq_legacy;
CREATE INDEX users_provider_user_id_idx ON users (provider_user_id);
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE users IS 'Accounts: one row per person who signs in; owns every other row through owner_id / user_id.';

-- agents --------------------------------------------------------------------------------
DROP INDEX ix_zerg_agents_id, ix_zerg_agents_owner_id;
ALTER TABLE agents
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN name TYPE text,
    ALTER COLUMN status TYPE text USING CASE status WHEN 'IDLE' THEN 'idle' WHEN 'RUNNING' THEN 'running' WHEN 'ERROR' THEN 'error' WHEN 'PROCESSING' THEN 'processing' ELSE status END,
    ALTER COLUMN status SET DEFAULT 'idle',
    ALTER COLUMN status SET NOT NULL,
    ALTER COLUMN schedule TYPE text,
    ALTER COLUMN model TYPE text,
    ALTER COLUMN config TYPE jsonb USING config::jsonb,
    ALTER COLUMN allowed_tools TYPE jsonb USING allowed_tools::jsonb,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN next_run_at TYPE timestamptz USING next_run_at AT TIME ZONE 'UTC',
    ALTER COLUMN last_run_at TYPE timestamptz USING last_run_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL,
    ADD CONSTRAINT agents_status_check CHECK (status IN ('idle', 'running', 'error', 'processing'));
ALTER SEQUENCE agents_id_seq RENAME TO agents_id_seq_legacy;
ALTER TABLE agents ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('agents_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM agents),
    (SELECT last_value FROM agents_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE agents_id_seq_legacy;
CREATE INDEX agents_owner_id_idx ON agents (owner_id);
CREATE TRIGGER agents_set_updated_at BEFORE UPDATE ON agents
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE agents IS 'Agent definitions (instructions, model, tools, schedule) owned by a user.';

-- agent_messages ------------------------------------------------------------------------
DROP INDEX ix_zerg_agent_messages_id;
ALTER TABLE agent_messages
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN agent_id TYPE bigint,
    ALTER COLUMN agent_id SET NOT NULL,
    ALTER COLUMN role TYPE text,
    ALTER COLUMN "timestamp" DROP DEFAULT,
    ALTER COLUMN "timestamp" TYPE timestamptz USING "timestamp" AT TIME ZONE 'UTC',
    ALTER COLUMN "timestamp" SET DEFAULT now(),
    ALTER COLUMN "timestamp" SET NOT NULL;
ALTER SEQUENCE agent_messages_id_seq RENAME TO agent_messages_id_seq_legacy;
ALTER TABLE agent_messages ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('agent_messages_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM agent_messages),
    (SELECT last_value FROM agent_messages_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE agent_messages_id_seq_legacy;
CREATE INDEX agent_messages_agent_id_idx ON agent_messages (agent_id);
COMMENT ON TABLE agent_messages IS 'Legacy per-agent message log, superseded by thread_messages; kept so Zerg data maps one to one.';

-- agent_threads -------------------------------------------------------------------------
DROP INDEX ix_zerg_agent_threads_id;
ALTER TABLE agent_threads
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN agent_id TYPE bigint,
    ALTER COLUMN agent_id SET NOT NULL,
    ALTER COLUMN title TYPE text,
    ALTER COLUMN active SET DEFAULT true,
    ALTER COLUMN active SET NOT NULL,
    ALTER COLUMN agent_state TYPE jsonb USING agent_state::jsonb,
    ALTER COLUMN memory_strategy TYPE text,
    ALTER COLUMN memory_strategy SET DEFAULT 'buffer',
    ALTER COLUMN thread_type TYPE text USING CASE thread_type WHEN 'CHAT' THEN 'chat' WHEN 'SCHEDULED' THEN 'scheduled' WHEN 'MANUAL' THEN 'manual' WHEN 'SUPER' THEN 'super' ELSE thread_type END,
    ALTER COLUMN thread_type SET DEFAULT 'chat',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL,
    ADD CONSTRAINT agent_threads_thread_type_check CHECK (thread_type IN ('chat', 'scheduled', 'manual', 'super'));
ALTER SEQUENCE agent_threads_id_seq RENAME TO agent_threads_id_seq_legacy;
ALTER TABLE agent_threads ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('agent_threads_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM agent_threads),
    (SELECT last_value FROM agent_threads_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE agent_threads_id_seq_legacy;
CREATE INDEX agent_threads_agent_id_idx ON agent_threads (agent_id);
CREATE TRIGGER agent_threads_set_updated_at BEFORE UPDATE ON agent_threads
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE agent_threads IS 'Conversations of an agent: chat, scheduled, manual or the per-user supervisor thread.';

-- thread_messages -----------------------------------------------------------------------
DROP INDEX ix_zerg_thread_messages_id;
ALTER TABLE thread_messages
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN thread_id TYPE bigint,
    ALTER COLUMN thread_id SET NOT NULL,
    ALTER COLUMN role TYPE text,
    ALTER COLUMN tool_calls TYPE jsonb USING tool_calls::jsonb,
    ALTER COLUMN tool_call_id TYPE text,
    ALTER COLUMN name TYPE text,
    ALTER COLUMN sent_at SET NOT NULL,
    ALTER COLUMN processed SET DEFAULT false,
    ALTER COLUMN message_metadata TYPE jsonb USING message_metadata::jsonb,
    ALTER COLUMN parent_id TYPE bigint;
ALTER SEQUENCE thread_messages_id_seq RENAME TO thread_messages_id_seq_legacy;
ALTER TABLE thread_messages ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('thread_messages_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM thread_messages),
    (SELECT last_value FROM thread_messages_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE thread_messages_id_seq_legacy;
CREATE INDEX thread_messages_parent_id_idx ON thread_messages (parent_id) WHERE (parent_id IS NOT NULL);
CREATE INDEX thread_messages_sent_at_idx ON thread_messages (sent_at) INCLUDE (thread_id);
CREATE INDEX thread_messages_thread_id_id_idx ON thread_messages (thread_id, id);
CREATE INDEX thread_messages_thread_id_sent_at_idx ON thread_messages (thread_id, sent_at);
COMMENT ON TABLE thread_messages IS 'Messages of a thread (system, user, assistant, tool), ordered by sent_at / id.';

-- triggers ------------------------------------------------------------------------------
DROP INDEX ix_zerg_triggers_id, ix_zerg_triggers_secret;
ALTER TABLE triggers
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN agent_id TYPE bigint,
    ALTER COLUMN type TYPE text,
    ALTER COLUMN type SET DEFAULT 'webhook',
    ALTER COLUMN secret TYPE text,
    ALTER COLUMN config TYPE jsonb USING config::jsonb,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ADD CONSTRAINT triggers_secret_key UNIQUE (secret);
ALTER SEQUENCE triggers_id_seq RENAME TO triggers_id_seq_legacy;
ALTER TABLE triggers ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('triggers_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM triggers),
    (SELECT last_value FROM triggers_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE triggers_id_seq_legacy;
CREATE INDEX triggers_agent_id_idx ON triggers (agent_id);
COMMENT ON TABLE triggers IS 'Webhook / email triggers that start runs of an agent; secret authenticates the caller.';

-- agent_runs ----------------------------------------------------------------------------
DROP INDEX ix_zerg_agent_runs_id;
DROP INDEX IF EXISTS ix_agent_runs_correlation_id;  -- migration-built name
DROP INDEX IF EXISTS ix_agent_runs_trace_id;  -- migration-built name
DROP INDEX IF EXISTS ix_agent_runs_unique_continuation;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_agent_runs_correlation_id;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_agent_runs_trace_id;  -- create_all name
ALTER TABLE agent_runs
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN agent_id TYPE bigint,
    ALTER COLUMN thread_id TYPE bigint,
    ALTER COLUMN continuation_of_run_id TYPE bigint,
    ALTER COLUMN correlation_id TYPE text,
    ALTER COLUMN trace_id SET DEFAULT gen_random_uuid(),
    ALTER COLUMN model TYPE text,
    ALTER COLUMN reasoning_effort TYPE text,
    ALTER COLUMN assistant_message_id TYPE text,
    ALTER COLUMN status TYPE text USING CASE status WHEN 'QUEUED' THEN 'queued' WHEN 'RUNNING' THEN 'running' WHEN 'WAITING' THEN 'waiting' WHEN 'DEFERRED' THEN 'deferred' WHEN 'SUCCESS' THEN 'success' WHEN 'FAILED' THEN 'failed' WHEN 'CANCELLED' THEN 'cancelled' ELSE status END,
    ALTER COLUMN status SET DEFAULT 'queued',
    ALTER COLUMN trigger TYPE text USING CASE trigger WHEN 'MANUAL' THEN 'manual' WHEN 'SCHEDULE' THEN 'schedule' WHEN 'CHAT' THEN 'chat' WHEN 'WEBHOOK' THEN 'webhook' WHEN 'API' THEN 'api' WHEN 'CONTINUATION' THEN 'continuation' ELSE trigger END,
    ALTER COLUMN trigger SET DEFAULT 'manual',
    ALTER COLUMN started_at TYPE timestamptz USING started_at AT TIME ZONE 'UTC',
    ALTER COLUMN finished_at TYPE timestamptz USING finished_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL,
    ADD CONSTRAINT agent_runs_reasoning_effort_check CHECK (reasoning_effort IN ('none', 'low', 'medium', 'high')),
    ADD CONSTRAINT agent_runs_status_check CHECK (status IN ('queued', 'running', 'waiting', 'deferred', 'success', 'failed', 'cancelled')),
    ADD CONSTRAINT agent_runs_trigger_check CHECK (trigger IN ('manual', 'schedule', 'chat', 'webhook', 'api', 'continuation'));
ALTER SEQUENCE agent_runs_id_seq RENAME TO agent_runs_id_seq_legacy;
ALTER TABLE agent_runs ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('agent_runs_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM agent_runs),
    (SELECT last_value FROM agent_runs_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE agent_runs_id_seq_legacy;
CREATE INDEX agent_runs_agent_id_created_at_idx ON agent_runs (agent_id, created_at) WHERE status IN ('queued', 'running', 'waiting', 'deferred');
CREATE INDEX agent_runs_agent_id_id_idx ON agent_runs (agent_id, id);
CREATE UNIQUE INDEX agent_runs_continuation_of_run_id_key ON agent_runs (continuation_of_run_id) WHERE (continuation_of_run_id IS NOT NULL);
CREATE INDEX agent_runs_created_at_idx ON agent_runs (created_at);
CREATE INDEX agent_runs_finished_at_idx ON agent_runs (finished_at)
    INCLUDE (agent_id, status, total_cost_usd);
CREATE INDEX agent_runs_started_at_idx ON agent_runs (started_at)
    INCLUDE (agent_id, status, duration_ms);
CREATE INDEX agent_runs_status_created_at_idx ON agent_runs (status, created_at);
CREATE INDEX agent_runs_thread_id_created_at_idx ON agent_runs (thread_id, created_at);
CREATE INDEX agent_runs_trace_id_idx ON agent_runs (trace_id);
CREATE TRIGGER agent_runs_set_updated_at BEFORE UPDATE ON agent_runs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE agent_runs IS 'One execution of an agent on a thread: status lifecycle, timing, tokens, cost, trace id.';

-- agent_run_events ----------------------------------------------------------------------
DROP INDEX idx_run_events_created_at, idx_run_events_run_id, idx_run_events_type;
DROP INDEX IF EXISTS ix_zerg_agent_run_events_created_at;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_agent_run_events_event_type;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_agent_run_events_id;  -- create_all name
ALTER TABLE agent_run_events
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN run_id TYPE bigint,
    ALTER COLUMN event_type TYPE text;
ALTER SEQUENCE agent_run_events_id_seq RENAME TO agent_run_events_id_seq_legacy;
ALTER TABLE agent_run_events ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('agent_run_events_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM agent_run_events),
    (SELECT last_value FROM agent_run_events_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE agent_run_events_id_seq_legacy;
CREATE INDEX agent_run_events_run_id_event_type_id_idx ON agent_run_events (run_id, event_type, id);
CREATE INDEX agent_run_events_run_id_id_idx ON agent_run_events (run_id, id);
COMMENT ON TABLE agent_run_events IS 'Append-only event stream of a run (SSE replay and history), ordered by id.';

-- worker_jobs ---------------------------------------------------------------------------
DROP INDEX ix_worker_jobs_idempotency;
DROP INDEX IF EXISTS ix_worker_jobs_id;  -- migration-built name
DROP INDEX IF EXISTS ix_worker_jobs_owner_id;  -- migration-built name
DROP INDEX IF EXISTS ix_worker_jobs_supervisor_run_id;  -- migration-built name
DROP INDEX IF EXISTS ix_worker_jobs_tool_call_id;  -- migration-built name
DROP INDEX IF EXISTS ix_worker_jobs_trace_id;  -- migration-built name
DROP INDEX IF EXISTS ix_worker_jobs_worker_id;  -- migration-built name
DROP INDEX IF EXISTS ix_zerg_worker_jobs_id;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_worker_jobs_owner_id;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_worker_jobs_supervisor_run_id;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_worker_jobs_tool_call_id;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_worker_jobs_trace_id;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_worker_jobs_worker_id;  -- create_all name
ALTER TABLE worker_jobs
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN supervisor_run_id TYPE bigint,
    ALTER COLUMN tool_call_id TYPE text,
    ALTER COLUMN model DROP DEFAULT,
    ALTER COLUMN model TYPE text,
    ALTER COLUMN reasoning_effort TYPE text,
    ALTER COLUMN reasoning_effort SET DEFAULT 'none',
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE text,
    ALTER COLUMN status SET DEFAULT 'queued',
    ALTER COLUMN worker_id TYPE text,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN started_at TYPE timestamptz USING started_at AT TIME ZONE 'UTC',
    ALTER COLUMN finished_at TYPE timestamptz USING finished_at AT TIME ZONE 'UTC',
    ADD CONSTRAINT worker_jobs_reasoning_effort_check CHECK (reasoning_effort IN ('none', 'low', 'medium', 'high')),
    ADD CONSTRAINT worker_jobs_status_check CHECK (status IN ('created', 'queued', 'running', 'success', 'failed', 'cancelled')),
    ADD CONSTRAINT worker_jobs_supervisor_run_id_tool_call_id_key UNIQUE (supervisor_run_id, tool_call_id);
ALTER SEQUENCE worker_jobs_id_seq RENAME TO worker_jobs_id_seq_legacy;
ALTER TABLE worker_jobs ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('worker_jobs_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM worker_jobs),
    (SELECT last_value FROM worker_jobs_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE worker_jobs_id_seq_legacy;
CREATE INDEX worker_jobs_owner_id_created_at_idx ON worker_jobs (owner_id, created_at);
CREATE INDEX worker_jobs_status_created_at_idx ON worker_jobs (status, created_at);
CREATE INDEX worker_jobs_trace_id_idx ON worker_jobs (trace_id);
CREATE INDEX worker_jobs_worker_id_idx ON worker_jobs (worker_id);
CREATE TRIGGER worker_jobs_set_updated_at BEFORE UPDATE ON worker_jobs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE worker_jobs IS 'Background worker tasks spawned by a supervisor run (or a user), picked up by the worker poller.';

-- worker_barriers -----------------------------------------------------------------------
DROP INDEX ix_zerg_worker_barriers_id;
DROP INDEX IF EXISTS ix_worker_barriers_run_id;  -- migration-built name
DROP INDEX IF EXISTS ix_worker_barriers_status;  -- migration-built name
DROP INDEX IF EXISTS ix_zerg_worker_barriers_run_id;  -- create_all name
ALTER TABLE worker_barriers
    DROP CONSTRAINT IF EXISTS uq_worker_barriers_run_id;  -- migration-built name
ALTER TABLE worker_barriers
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN run_id TYPE bigint,
    ALTER COLUMN completed_count SET DEFAULT 0,
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE text,
    ALTER COLUMN status SET DEFAULT 'waiting',
    ALTER COLUMN deadline_at TYPE timestamptz USING deadline_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ADD CONSTRAINT worker_barriers_run_id_key UNIQUE (run_id),
    ADD CONSTRAINT worker_barriers_status_check CHECK (status IN ('waiting', 'resuming', 'completed', 'failed'));
ALTER SEQUENCE worker_barriers_id_seq RENAME TO worker_barriers_id_seq_legacy;
ALTER TABLE worker_barriers ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('worker_barriers_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM worker_barriers),
    (SELECT last_value FROM worker_barriers_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE worker_barriers_id_seq_legacy;
CREATE INDEX worker_barriers_deadline_at_idx ON worker_barriers (deadline_at) WHERE (status = 'waiting');
CREATE TRIGGER worker_barriers_set_updated_at BEFORE UPDATE ON worker_barriers
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE worker_barriers IS 'Per supervisor run: how many spawned workers must finish before the run resumes.';

-- barrier_jobs --------------------------------------------------------------------------
DROP INDEX ix_barrier_jobs_barrier_job, ix_zerg_barrier_jobs_barrier_id, ix_zerg_barrier_jobs_id, ix_zerg_barrier_jobs_job_id;
ALTER TABLE barrier_jobs
    DROP CONSTRAINT uq_barrier_jobs_barrier_job;
ALTER TABLE barrier_jobs
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN barrier_id TYPE bigint,
    ALTER COLUMN job_id TYPE bigint,
    ALTER COLUMN tool_call_id TYPE text,
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE text,
    ALTER COLUMN status SET DEFAULT 'created',
    ALTER COLUMN attempt_count SET DEFAULT 1,
    ALTER COLUMN completed_at TYPE timestamptz USING completed_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ADD CONSTRAINT barrier_jobs_barrier_id_job_id_key UNIQUE (barrier_id, job_id),
    ADD CONSTRAINT barrier_jobs_status_check CHECK (status IN ('created', 'queued', 'completed', 'failed', 'timeout'));
ALTER SEQUENCE barrier_jobs_id_seq RENAME TO barrier_jobs_id_seq_legacy;
ALTER TABLE barrier_jobs ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('barrier_jobs_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM barrier_jobs),
    (SELECT last_value FROM barrier_jobs_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE barrier_jobs_id_seq_legacy;
CREATE INDEX barrier_jobs_job_id_idx ON barrier_jobs (job_id);
COMMENT ON TABLE barrier_jobs IS 'One slot of a barrier: the worker job it waits for, its tool call and cached result.';

-- runners -------------------------------------------------------------------------------
DROP INDEX ix_zerg_runners_id, ix_zerg_runners_owner_id;
ALTER TABLE runners
    DROP CONSTRAINT IF EXISTS ck_runners_status,  -- migration-built name
    DROP CONSTRAINT uix_runner_owner_name;
ALTER TABLE runners
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN name TYPE text,
    ALTER COLUMN labels TYPE jsonb USING labels::jsonb,
    ALTER COLUMN capabilities DROP DEFAULT,
    ALTER COLUMN capabilities TYPE jsonb USING capabilities::jsonb,
    ALTER COLUMN capabilities SET DEFAULT '["exec.readonly"]'::jsonb,
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE text,
    ALTER COLUMN status SET DEFAULT 'offline',
    ALTER COLUMN last_seen_at TYPE timestamptz USING last_seen_at AT TIME ZONE 'UTC',
    ALTER COLUMN auth_secret_hash TYPE text,
    ALTER COLUMN runner_metadata TYPE jsonb USING runner_metadata::jsonb,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ADD CONSTRAINT runners_owner_id_name_key UNIQUE (owner_id, name),
    ADD CONSTRAINT runners_status_check CHECK (status IN ('online', 'offline', 'revoked'));
ALTER SEQUENCE runners_id_seq RENAME TO runners_id_seq_legacy;
ALTER TABLE runners ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('runners_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM runners),
    (SELECT last_value FROM runners_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE runners_id_seq_legacy;
CREATE TRIGGER runners_set_updated_at BEFORE UPDATE ON runners
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE runners IS 'Machines a user enrolled to run commands for their agents (status, capabilities, secret hash).';

-- runner_enroll_tokens ------------------------------------------------------------------
DROP INDEX ix_zerg_runner_enroll_tokens_id, ix_zerg_runner_enroll_tokens_owner_id, ix_zerg_runner_enroll_tokens_token_hash;
ALTER TABLE runner_enroll_tokens
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN token_hash TYPE text,
    ALTER COLUMN expires_at TYPE timestamptz USING expires_at AT TIME ZONE 'UTC',
    ALTER COLUMN used_at TYPE timestamptz USING used_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ADD CONSTRAINT runner_enroll_tokens_token_hash_key UNIQUE (token_hash);
ALTER SEQUENCE runner_enroll_tokens_id_seq RENAME TO runner_enroll_tokens_id_seq_legacy;
ALTER TABLE runner_enroll_tokens ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('runner_enroll_tokens_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM runner_enroll_tokens),
    (SELECT last_value FROM runner_enroll_tokens_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE runner_enroll_tokens_id_seq_legacy;
CREATE INDEX runner_enroll_tokens_owner_id_idx ON runner_enroll_tokens (owner_id);
COMMENT ON TABLE runner_enroll_tokens IS 'Short-lived one-time tokens (hashed) that let a new runner enroll.';

-- runner_jobs ---------------------------------------------------------------------------
DROP INDEX ix_zerg_runner_jobs_owner_id, ix_zerg_runner_jobs_runner_id, ix_zerg_runner_jobs_worker_id;
ALTER TABLE runner_jobs
    DROP CONSTRAINT IF EXISTS ck_runner_jobs_status;  -- migration-built name
ALTER TABLE runner_jobs
    ALTER COLUMN id TYPE text,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN worker_id TYPE text,
    ALTER COLUMN run_id TYPE text,
    ALTER COLUMN runner_id TYPE bigint,
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE text,
    ALTER COLUMN status SET DEFAULT 'queued',
    ALTER COLUMN started_at TYPE timestamptz USING started_at AT TIME ZONE 'UTC',
    ALTER COLUMN finished_at TYPE timestamptz USING finished_at AT TIME ZONE 'UTC',
    ALTER COLUMN artifacts TYPE jsonb USING artifacts::jsonb,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ADD CONSTRAINT runner_jobs_status_check CHECK (status IN ('queued', 'running', 'success', 'failed', 'timeout', 'canceled'));
CREATE INDEX runner_jobs_owner_id_idx ON runner_jobs (owner_id);
CREATE INDEX runner_jobs_runner_id_idx ON runner_jobs (runner_id);
CREATE INDEX runner_jobs_worker_id_idx ON runner_jobs (worker_id);
COMMENT ON TABLE runner_jobs IS 'Commands dispatched to a runner, with status, exit code and truncated output.';

-- connectors ----------------------------------------------------------------------------
DROP INDEX ix_zerg_connectors_id, ix_zerg_connectors_owner_id;
ALTER TABLE connectors
    DROP CONSTRAINT uix_connector_owner_type_provider;
ALTER TABLE connectors
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN type TYPE text,
    ALTER COLUMN provider TYPE text,
    ALTER COLUMN config TYPE jsonb USING config::jsonb,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL,
    ADD CONSTRAINT connectors_owner_id_type_provider_key UNIQUE (owner_id, type, provider);
ALTER SEQUENCE connectors_id_seq RENAME TO connectors_id_seq_legacy;
ALTER TABLE connectors ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('connectors_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM connectors),
    (SELECT last_value FROM connectors_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE connectors_id_seq_legacy;
CREATE TRIGGER connectors_set_updated_at BEFORE UPDATE ON connectors
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE connectors IS 'A user''s connections to external providers (e.g. gmail) with their encrypted config.';

-- connector_credentials -----------------------------------------------------------------
DROP INDEX IF EXISTS ix_connector_credentials_agent_id;  -- migration-built name
DROP INDEX IF EXISTS ix_connector_credentials_id;  -- migration-built name
DROP INDEX IF EXISTS ix_zerg_connector_credentials_agent_id;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_connector_credentials_id;  -- create_all name
ALTER TABLE connector_credentials
    DROP CONSTRAINT uix_agent_connector;
ALTER TABLE connector_credentials
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN agent_id TYPE bigint,
    ALTER COLUMN connector_type TYPE text,
    ALTER COLUMN display_name TYPE text,
    ALTER COLUMN connector_metadata TYPE jsonb USING connector_metadata::jsonb,
    ALTER COLUMN test_status DROP DEFAULT,
    ALTER COLUMN test_status TYPE text,
    ALTER COLUMN test_status SET DEFAULT 'untested',
    ALTER COLUMN last_tested_at TYPE timestamptz USING last_tested_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ADD CONSTRAINT connector_credentials_agent_id_connector_type_key UNIQUE (agent_id, connector_type),
    ADD CONSTRAINT connector_credentials_test_status_check CHECK (test_status IN ('untested', 'success', 'failed'));
ALTER SEQUENCE connector_credentials_id_seq RENAME TO connector_credentials_id_seq_legacy;
ALTER TABLE connector_credentials ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('connector_credentials_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM connector_credentials),
    (SELECT last_value FROM connector_credentials_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE connector_credentials_id_seq_legacy;
CREATE TRIGGER connector_credentials_set_updated_at BEFORE UPDATE ON connector_credentials
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE connector_credentials IS 'Per-agent tool credentials (encrypted); override the owner''s account-level ones.';

-- account_connector_credentials ---------------------------------------------------------
DROP INDEX ix_zerg_account_connector_credentials_id, ix_zerg_account_connector_credentials_organization_id, ix_zerg_account_connector_credentials_owner_id;
ALTER TABLE account_connector_credentials
    DROP CONSTRAINT uix_account_owner_connector;
ALTER TABLE account_connector_credentials
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN organization_id TYPE bigint,
    ALTER COLUMN connector_type TYPE text,
    ALTER COLUMN display_name TYPE text,
    ALTER COLUMN connector_metadata TYPE jsonb USING connector_metadata::jsonb,
    ALTER COLUMN test_status DROP DEFAULT,
    ALTER COLUMN test_status TYPE text,
    ALTER COLUMN test_status SET DEFAULT 'untested',
    ALTER COLUMN last_tested_at TYPE timestamptz USING last_tested_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ADD CONSTRAINT account_connector_credentials_owner_id_connector_type_key UNIQUE (owner_id, connector_type),
    ADD CONSTRAINT account_connector_credentials_test_status_check CHECK (test_status IN ('untested', 'success', 'failed'));
ALTER SEQUENCE account_connector_credentials_id_seq RENAME TO account_connector_credentials_id_seq_legacy;
ALTER TABLE account_connector_credentials ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('account_connector_credentials_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM account_connector_credentials),
    (SELECT last_value FROM account_connector_credentials_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE account_connector_credentials_id_seq_legacy;
CREATE TRIGGER account_connector_credentials_set_updated_at BEFORE UPDATE ON account_connector_credentials
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE account_connector_credentials IS 'Per-user tool credentials (encrypted), shared by all of the user''s agents.';

-- workflows -----------------------------------------------------------------------------
DROP INDEX ix_zerg_workflows_id, ix_zerg_workflows_owner_id;
ALTER TABLE workflows
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN name TYPE text,
    ALTER COLUMN canvas TYPE jsonb USING canvas::jsonb,
    ALTER COLUMN is_active SET DEFAULT true,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL;
ALTER SEQUENCE workflows_id_seq RENAME TO workflows_id_seq_legacy;
ALTER TABLE workflows ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('workflows_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM workflows),
    (SELECT last_value FROM workflows_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE workflows_id_seq_legacy;
CREATE INDEX workflows_owner_id_idx ON workflows (owner_id);
CREATE UNIQUE INDEX workflows_owner_id_name_key ON workflows (owner_id, name) WHERE is_active;
CREATE TRIGGER workflows_set_updated_at BEFORE UPDATE ON workflows
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE workflows IS 'A user''s workflow: a canvas of connected nodes (agents, tools, triggers).';

-- workflow_templates --------------------------------------------------------------------
DROP INDEX ix_zerg_workflow_templates_category, ix_zerg_workflow_templates_created_by, ix_zerg_workflow_templates_id;
ALTER TABLE workflow_templates
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN created_by TYPE bigint,
    ALTER COLUMN name TYPE text,
    ALTER COLUMN category TYPE text,
    ALTER COLUMN canvas TYPE jsonb USING canvas::jsonb,
    ALTER COLUMN tags TYPE jsonb USING tags::jsonb,
    ALTER COLUMN tags SET DEFAULT '[]'::jsonb,
    ALTER COLUMN preview_image_url TYPE text,
    ALTER COLUMN is_public SET DEFAULT true,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL;
ALTER SEQUENCE workflow_templates_id_seq RENAME TO workflow_templates_id_seq_legacy;
ALTER TABLE workflow_templates ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('workflow_templates_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM workflow_templates),
    (SELECT last_value FROM workflow_templates_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE workflow_templates_id_seq_legacy;
CREATE INDEX workflow_templates_category_idx ON workflow_templates (category);
CREATE INDEX workflow_templates_created_by_idx ON workflow_templates (created_by);
CREATE TRIGGER workflow_templates_set_updated_at BEFORE UPDATE ON workflow_templates
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE workflow_templates IS 'Reusable workflow canvases (gallery), public or private to their author.';

-- workflow_executions -------------------------------------------------------------------
DROP INDEX ix_zerg_workflow_executions_id, ix_zerg_workflow_executions_workflow_id;
ALTER TABLE workflow_executions
    DROP CONSTRAINT phase_result_consistency_wf;
ALTER TABLE workflow_executions
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN workflow_id TYPE bigint,
    ALTER COLUMN phase DROP DEFAULT,
    ALTER COLUMN phase TYPE text,
    ALTER COLUMN phase SET DEFAULT 'waiting',
    ALTER COLUMN result TYPE text,
    ALTER COLUMN failure_kind TYPE text,
    ALTER COLUMN heartbeat_ts TYPE timestamptz USING heartbeat_ts AT TIME ZONE 'UTC',
    ALTER COLUMN triggered_by TYPE text,
    ALTER COLUMN triggered_by SET DEFAULT 'manual',
    ALTER COLUMN started_at TYPE timestamptz USING started_at AT TIME ZONE 'UTC',
    ALTER COLUMN finished_at TYPE timestamptz USING finished_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL,
    ADD CONSTRAINT workflow_executions_failure_kind_check CHECK (failure_kind IN ('user', 'system', 'timeout', 'external', 'unknown')),
    ADD CONSTRAINT workflow_executions_phase_check CHECK (phase IN ('waiting', 'running', 'finished')),
    ADD CONSTRAINT workflow_executions_phase_result_check CHECK ((phase = 'finished') = (result IS NOT NULL)),
    ADD CONSTRAINT workflow_executions_result_check CHECK (result IN ('success', 'failure', 'cancelled'));
ALTER SEQUENCE workflow_executions_id_seq RENAME TO workflow_executions_id_seq_legacy;
ALTER TABLE workflow_executions ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('workflow_executions_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM workflow_executions),
    (SELECT last_value FROM workflow_executions_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE workflow_executions_id_seq_legacy;
CREATE INDEX workflow_executions_workflow_id_idx ON workflow_executions (workflow_id);
CREATE TRIGGER workflow_executions_set_updated_at BEFORE UPDATE ON workflow_executions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE workflow_executions IS 'One run of a workflow: phase, result, failure kind, heartbeat and log.';

-- node_execution_states -----------------------------------------------------------------
DROP INDEX ix_zerg_node_execution_states_id, ix_zerg_node_execution_states_workflow_execution_id;
ALTER TABLE node_execution_states
    DROP CONSTRAINT phase_result_consistency_node;
ALTER TABLE node_execution_states
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN workflow_execution_id TYPE bigint,
    ALTER COLUMN node_id TYPE text,
    ALTER COLUMN phase DROP DEFAULT,
    ALTER COLUMN phase TYPE text,
    ALTER COLUMN phase SET DEFAULT 'waiting',
    ALTER COLUMN result TYPE text,
    ALTER COLUMN failure_kind TYPE text,
    ALTER COLUMN heartbeat_ts TYPE timestamptz USING heartbeat_ts AT TIME ZONE 'UTC',
    ALTER COLUMN output TYPE jsonb USING output::jsonb,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL,
    ADD CONSTRAINT node_execution_states_failure_kind_check CHECK (failure_kind IN ('user', 'system', 'timeout', 'external', 'unknown')),
    ADD CONSTRAINT node_execution_states_phase_check CHECK (phase IN ('waiting', 'running', 'finished')),
    ADD CONSTRAINT node_execution_states_phase_result_check CHECK ((phase = 'finished') = (result IS NOT NULL)),
    ADD CONSTRAINT node_execution_states_result_check CHECK (result IN ('success', 'failure', 'cancelled'));
ALTER SEQUENCE node_execution_states_id_seq RENAME TO node_execution_states_id_seq_legacy;
ALTER TABLE node_execution_states ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('node_execution_states_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM node_execution_states),
    (SELECT last_value FROM node_execution_states_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE node_execution_states_id_seq_legacy;
CREATE INDEX node_execution_states_workflow_execution_id_idx ON node_execution_states (workflow_execution_id);
CREATE TRIGGER node_execution_states_set_updated_at BEFORE UPDATE ON node_execution_states
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE node_execution_states IS 'State of one node within a workflow execution (phase, result, output).';

-- canvas_layouts ------------------------------------------------------------------------
ALTER TABLE canvas_layouts
    DROP CONSTRAINT uix_user_workflow_layout;
ALTER TABLE canvas_layouts
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN user_id TYPE bigint,
    ALTER COLUMN workspace TYPE text,
    ALTER COLUMN workflow_id TYPE bigint,
    ALTER COLUMN nodes_json TYPE jsonb USING nodes_json::jsonb,
    ALTER COLUMN viewport TYPE jsonb USING viewport::jsonb,
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ADD CONSTRAINT canvas_layouts_user_id_workflow_id_key UNIQUE (user_id, workflow_id);
ALTER SEQUENCE canvas_layouts_id_seq RENAME TO canvas_layouts_id_seq_legacy;
ALTER TABLE canvas_layouts ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('canvas_layouts_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM canvas_layouts),
    (SELECT last_value FROM canvas_layouts_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE canvas_layouts_id_seq_legacy;
CREATE UNIQUE INDEX canvas_layouts_user_id_key ON canvas_layouts (user_id) WHERE (workflow_id IS NULL);
CREATE INDEX canvas_layouts_workflow_id_idx ON canvas_layouts (workflow_id) WHERE (workflow_id IS NOT NULL);
CREATE TRIGGER canvas_layouts_set_updated_at BEFORE UPDATE ON canvas_layouts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE canvas_layouts IS 'Saved canvas node positions and viewport per user, per workflow or global (workflow_id NULL).';

-- knowledge_sources ---------------------------------------------------------------------
DROP INDEX ix_zerg_knowledge_sources_id, ix_zerg_knowledge_sources_owner_id;
ALTER TABLE knowledge_sources
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN source_type TYPE text,
    ALTER COLUMN name TYPE text,
    ALTER COLUMN config TYPE jsonb USING config::jsonb,
    ALTER COLUMN sync_schedule TYPE text,
    ALTER COLUMN last_synced_at TYPE timestamptz USING last_synced_at AT TIME ZONE 'UTC',
    ALTER COLUMN sync_status DROP DEFAULT,
    ALTER COLUMN sync_status TYPE text,
    ALTER COLUMN sync_status SET DEFAULT 'pending',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ADD CONSTRAINT knowledge_sources_sync_status_check CHECK (sync_status IN ('pending', 'syncing', 'success', 'failed'));
ALTER SEQUENCE knowledge_sources_id_seq RENAME TO knowledge_sources_id_seq_legacy;
ALTER TABLE knowledge_sources ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('knowledge_sources_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM knowledge_sources),
    (SELECT last_value FROM knowledge_sources_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE knowledge_sources_id_seq_legacy;
CREATE INDEX knowledge_sources_owner_id_idx ON knowledge_sources (owner_id);
CREATE TRIGGER knowledge_sources_set_updated_at BEFORE UPDATE ON knowledge_sources
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE knowledge_sources IS 'Where a user''s knowledge comes from (URL, GitHub repo, text) and its sync state.';

-- knowledge_documents -------------------------------------------------------------------
DROP INDEX ix_zerg_knowledge_documents_id, ix_zerg_knowledge_documents_owner_id, ix_zerg_knowledge_documents_source_id;
ALTER TABLE knowledge_documents
    DROP CONSTRAINT uq_source_path;
ALTER TABLE knowledge_documents
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN source_id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN path TYPE text,
    ALTER COLUMN title TYPE text,
    ALTER COLUMN content_hash TYPE text,
    ALTER COLUMN doc_metadata TYPE jsonb USING doc_metadata::jsonb,
    ALTER COLUMN doc_metadata SET DEFAULT '{}'::jsonb,
    ALTER COLUMN fetched_at TYPE timestamptz USING fetched_at AT TIME ZONE 'UTC',
    ALTER COLUMN fetched_at SET DEFAULT now(),
    ADD CONSTRAINT knowledge_documents_source_id_path_key UNIQUE (source_id, path);
ALTER SEQUENCE knowledge_documents_id_seq RENAME TO knowledge_documents_id_seq_legacy;
ALTER TABLE knowledge_documents ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('knowledge_documents_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM knowledge_documents),
    (SELECT last_value FROM knowledge_documents_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE knowledge_documents_id_seq_legacy;
CREATE INDEX knowledge_documents_owner_id_idx ON knowledge_documents (owner_id);
COMMENT ON TABLE knowledge_documents IS 'Fetched, normalised text of one document of a knowledge source.';

-- agent_memory_kv -----------------------------------------------------------------------
DROP INDEX IF EXISTS ix_agent_memory_kv_expires_at;  -- migration-built name
ALTER TABLE agent_memory_kv
    ALTER COLUMN user_id TYPE bigint,
    ALTER COLUMN value TYPE jsonb USING value::jsonb,
    ALTER COLUMN tags TYPE jsonb USING tags::jsonb,
    ALTER COLUMN tags SET DEFAULT '[]'::jsonb,
    ALTER COLUMN expires_at TYPE timestamptz USING expires_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now();
CREATE INDEX agent_memory_kv_expires_at_idx ON agent_memory_kv (expires_at) WHERE (expires_at IS NOT NULL);
CREATE TRIGGER agent_memory_kv_set_updated_at BEFORE UPDATE ON agent_memory_kv
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE agent_memory_kv IS 'Per-user key/value memory of the agents, optionally expiring.';

-- memory_files --------------------------------------------------------------------------
DROP INDEX ix_memory_owner_path, ix_zerg_memory_files_id, ix_zerg_memory_files_owner_id;
ALTER TABLE memory_files
    DROP CONSTRAINT uq_memory_owner_path;
ALTER TABLE memory_files
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN path TYPE text,
    ALTER COLUMN title TYPE text,
    ALTER COLUMN tags TYPE jsonb USING tags::jsonb,
    ALTER COLUMN tags SET DEFAULT '[]'::jsonb,
    ALTER COLUMN file_metadata TYPE jsonb USING file_metadata::jsonb,
    ALTER COLUMN file_metadata SET DEFAULT '{}'::jsonb,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN last_accessed_at TYPE timestamptz USING last_accessed_at AT TIME ZONE 'UTC',
    ADD CONSTRAINT memory_files_owner_id_path_key UNIQUE (owner_id, path);
ALTER SEQUENCE memory_files_id_seq RENAME TO memory_files_id_seq_legacy;
ALTER TABLE memory_files ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('memory_files_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM memory_files),
    (SELECT last_value FROM memory_files_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE memory_files_id_seq_legacy;
CREATE TRIGGER memory_files_set_updated_at BEFORE UPDATE ON memory_files
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE memory_files IS 'Long-term memory of the agents as files in a per-user virtual file system.';

-- memory_embeddings ---------------------------------------------------------------------
DROP INDEX ix_zerg_memory_embeddings_id, ix_zerg_memory_embeddings_memory_file_id, ix_zerg_memory_embeddings_owner_id;
ALTER TABLE memory_embeddings
    DROP CONSTRAINT uq_memory_embedding;
ALTER TABLE memory_embeddings
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN memory_file_id TYPE bigint,
    ALTER COLUMN model TYPE text,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ADD CONSTRAINT memory_embeddings_owner_id_memory_file_id_model_key UNIQUE (owner_id, memory_file_id, model);
ALTER SEQUENCE memory_embeddings_id_seq RENAME TO memory_embeddings_id_seq_legacy;
ALTER TABLE memory_embeddings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('memory_embeddings_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM memory_embeddings),
    (SELECT last_value FROM memory_embeddings_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE memory_embeddings_id_seq_legacy;
CREATE INDEX memory_embeddings_memory_file_id_idx ON memory_embeddings (memory_file_id);
CREATE TRIGGER memory_embeddings_set_updated_at BEFORE UPDATE ON memory_embeddings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE memory_embeddings IS 'Embedding vectors (float32 bytea) of memory files, one per file and model.';

-- sync_operations -----------------------------------------------------------------------
DROP INDEX ix_zerg_sync_operations_id, ix_zerg_sync_operations_op_id, ix_zerg_sync_operations_user_id;
ALTER TABLE sync_operations
    DROP CONSTRAINT uq_sync_operations_user_op;
ALTER TABLE sync_operations
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN op_id TYPE text,
    ALTER COLUMN user_id TYPE bigint,
    ALTER COLUMN type TYPE text,
    ALTER COLUMN body TYPE jsonb USING body::jsonb,
    ALTER COLUMN ts TYPE timestamptz USING ts AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ADD CONSTRAINT sync_operations_user_id_op_id_key UNIQUE (user_id, op_id);
ALTER SEQUENCE sync_operations_id_seq RENAME TO sync_operations_id_seq_legacy;
ALTER TABLE sync_operations ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('sync_operations_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM sync_operations),
    (SELECT last_value FROM sync_operations_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE sync_operations_id_seq_legacy;
COMMENT ON TABLE sync_operations IS 'Append-only log of offline-client operations, idempotent per (user_id, op_id).';

-- user_tasks ----------------------------------------------------------------------------
DROP INDEX ix_zerg_user_tasks_id, ix_zerg_user_tasks_user_id;
DROP INDEX IF EXISTS ix_user_tasks_user_id_status;  -- migration-built name
ALTER TABLE user_tasks
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN user_id TYPE bigint,
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE text,
    ALTER COLUMN status SET DEFAULT 'pending',
    ALTER COLUMN due_at TYPE timestamptz USING due_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at DROP DEFAULT,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at AT TIME ZONE 'UTC',
    ALTER COLUMN updated_at SET DEFAULT now(),
    ADD CONSTRAINT user_tasks_status_check CHECK (status IN ('pending', 'done', 'cancelled'));
ALTER SEQUENCE user_tasks_id_seq RENAME TO user_tasks_id_seq_legacy;
ALTER TABLE user_tasks ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('user_tasks_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM user_tasks),
    (SELECT last_value FROM user_tasks_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE user_tasks_id_seq_legacy;
CREATE INDEX user_tasks_user_id_status_idx ON user_tasks (user_id, status);
CREATE TRIGGER user_tasks_set_updated_at BEFORE UPDATE ON user_tasks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE user_tasks IS 'A user''s to-do items managed by the agents (pending, done, cancelled).';

-- llm_audit_log -------------------------------------------------------------------------
DROP INDEX IF EXISTS ix_llm_audit_log_run_id;  -- migration-built name
DROP INDEX IF EXISTS ix_llm_audit_log_trace_id;  -- migration-built name
DROP INDEX IF EXISTS ix_llm_audit_log_worker_id;  -- migration-built name
DROP INDEX IF EXISTS ix_zerg_llm_audit_log_run_id;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_llm_audit_log_trace_id;  -- create_all name
DROP INDEX IF EXISTS ix_zerg_llm_audit_log_worker_id;  -- create_all name
ALTER TABLE llm_audit_log
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN run_id TYPE bigint,
    ALTER COLUMN worker_id TYPE text,
    ALTER COLUMN thread_id TYPE bigint,
    ALTER COLUMN owner_id TYPE bigint,
    ALTER COLUMN phase TYPE text,
    ALTER COLUMN model TYPE text,
    ALTER COLUMN checkpoint_id TYPE text,
    ADD CONSTRAINT llm_audit_log_phase_check CHECK (phase IN ('initial', 'tool_iteration', 'synthesis'));
ALTER SEQUENCE llm_audit_log_id_seq RENAME TO llm_audit_log_id_seq_legacy;
ALTER TABLE llm_audit_log ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('llm_audit_log_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM llm_audit_log),
    (SELECT last_value FROM llm_audit_log_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE llm_audit_log_id_seq_legacy;
CREATE INDEX llm_audit_log_created_at_idx ON llm_audit_log (created_at);
CREATE INDEX llm_audit_log_owner_id_idx ON llm_audit_log (owner_id) WHERE (owner_id IS NOT NULL);
CREATE INDEX llm_audit_log_run_id_created_at_idx ON llm_audit_log (run_id, created_at);
CREATE INDEX llm_audit_log_thread_id_idx ON llm_audit_log (thread_id) WHERE (thread_id IS NOT NULL);
CREATE INDEX llm_audit_log_trace_id_created_at_idx ON llm_audit_log (trace_id, created_at);
CREATE INDEX llm_audit_log_worker_id_created_at_idx ON llm_audit_log (worker_id, created_at) WHERE (worker_id IS NOT NULL);
COMMENT ON TABLE llm_audit_log IS 'Insert-only record of every LLM call (prompt, response, tokens, timing); survives run/thread/user deletion.';

-- waitlist_entries ----------------------------------------------------------------------
DROP INDEX ix_zerg_waitlist_entries_id;
DROP INDEX IF EXISTS ix_waitlist_entries_email;  -- migration-built name
DROP INDEX IF EXISTS ix_waitlist_entries_source;  -- migration-built name
DROP INDEX IF EXISTS ix_zerg_waitlist_entries_email;  -- create_all name
ALTER TABLE waitlist_entries
    DROP CONSTRAINT IF EXISTS uq_waitlist_entries_email;  -- migration-built name
ALTER TABLE waitlist_entries
    ALTER COLUMN id DROP DEFAULT,
    ALTER COLUMN id TYPE bigint,
    ALTER COLUMN email TYPE text,
    ALTER COLUMN source DROP DEFAULT,
    ALTER COLUMN source TYPE text,
    ALTER COLUMN source SET DEFAULT 'pricing_pro',
    ALTER COLUMN created_at DROP DEFAULT,
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN created_at SET NOT NULL,
    ADD CONSTRAINT waitlist_entries_email_key UNIQUE (email);
ALTER SEQUENCE waitlist_entries_id_seq RENAME TO waitlist_entries_id_seq_legacy;
ALTER TABLE waitlist_entries ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval('waitlist_entries_id_seq', next.value) FROM (SELECT greatest((SELECT max(id) FROM waitlist_entries),
    (SELECT last_value FROM waitlist_entries_id_seq_legacy WHERE is_called)) AS value) AS next WHERE next.value IS NOT NULL;
DROP SEQUENCE waitlist_entries_id_seq_legacy;
COMMENT ON TABLE waitlist_entries IS 'E-mail addresses that asked to be told about a plan before signing up.';

-- 4. Foreign keys, with our names and ON DELETE (validated against the converted rows).
ALTER TABLE agents
    ADD CONSTRAINT agents_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE agent_messages
    ADD CONSTRAINT agent_messages_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents(id) ON DELETE CASCADE;
ALTER TABLE agent_threads
    ADD CONSTRAINT agent_threads_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents(id) ON DELETE CASCADE;
ALTER TABLE thread_messages
    ADD CONSTRAINT thread_messages_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES thread_messages(id) ON DELETE SET NULL,
    ADD CONSTRAINT thread_messages_thread_id_fkey FOREIGN KEY (thread_id) REFERENCES agent_threads(id) ON DELETE CASCADE;
ALTER TABLE triggers
    ADD CONSTRAINT triggers_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents(id) ON DELETE CASCADE;
ALTER TABLE agent_runs
    ADD CONSTRAINT agent_runs_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents(id) ON DELETE CASCADE,
    ADD CONSTRAINT agent_runs_continuation_of_run_id_fkey FOREIGN KEY (continuation_of_run_id) REFERENCES agent_runs(id) ON DELETE SET NULL,
    ADD CONSTRAINT agent_runs_thread_id_fkey FOREIGN KEY (thread_id) REFERENCES agent_threads(id) ON DELETE CASCADE;
ALTER TABLE agent_run_events
    ADD CONSTRAINT agent_run_events_run_id_fkey FOREIGN KEY (run_id) REFERENCES agent_runs(id) ON DELETE CASCADE;
ALTER TABLE worker_jobs
    ADD CONSTRAINT worker_jobs_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE,
    ADD CONSTRAINT worker_jobs_supervisor_run_id_fkey FOREIGN KEY (supervisor_run_id) REFERENCES agent_runs(id) ON DELETE SET NULL;
ALTER TABLE worker_barriers
    ADD CONSTRAINT worker_barriers_run_id_fkey FOREIGN KEY (run_id) REFERENCES agent_runs(id) ON DELETE CASCADE;
ALTER TABLE barrier_jobs
    ADD CONSTRAINT barrier_jobs_barrier_id_fkey FOREIGN KEY (barrier_id) REFERENCES worker_barriers(id) ON DELETE CASCADE,
    ADD CONSTRAINT barrier_jobs_job_id_fkey FOREIGN KEY (job_id) REFERENCES worker_jobs(id) ON DELETE CASCADE;
ALTER TABLE runners
    ADD CONSTRAINT runners_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE runner_enroll_tokens
    ADD CONSTRAINT runner_enroll_tokens_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE runner_jobs
    ADD CONSTRAINT runner_jobs_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE,
    ADD CONSTRAINT runner_jobs_runner_id_fkey FOREIGN KEY (runner_id) REFERENCES runners(id) ON DELETE CASCADE;
ALTER TABLE connectors
    ADD CONSTRAINT connectors_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE connector_credentials
    ADD CONSTRAINT connector_credentials_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents(id) ON DELETE CASCADE;
ALTER TABLE account_connector_credentials
    ADD CONSTRAINT account_connector_credentials_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE workflows
    ADD CONSTRAINT workflows_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE workflow_templates
    ADD CONSTRAINT workflow_templates_created_by_fkey FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE workflow_executions
    ADD CONSTRAINT workflow_executions_workflow_id_fkey FOREIGN KEY (workflow_id) REFERENCES workflows(id) ON DELETE CASCADE;
ALTER TABLE node_execution_states
    ADD CONSTRAINT node_execution_states_workflow_execution_id_fkey FOREIGN KEY (workflow_execution_id) REFERENCES workflow_executions(id) ON DELETE CASCADE;
ALTER TABLE canvas_layouts
    ADD CONSTRAINT canvas_layouts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
    ADD CONSTRAINT canvas_layouts_workflow_id_fkey FOREIGN KEY (workflow_id) REFERENCES workflows(id) ON DELETE CASCADE;
ALTER TABLE knowledge_sources
    ADD CONSTRAINT knowledge_sources_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE knowledge_documents
    ADD CONSTRAINT knowledge_documents_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE,
    ADD CONSTRAINT knowledge_documents_source_id_fkey FOREIGN KEY (source_id) REFERENCES knowledge_sources(id) ON DELETE CASCADE;
ALTER TABLE agent_memory_kv
    ADD CONSTRAINT agent_memory_kv_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE memory_files
    ADD CONSTRAINT memory_files_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE memory_embeddings
    ADD CONSTRAINT memory_embeddings_memory_file_id_fkey FOREIGN KEY (memory_file_id) REFERENCES memory_files(id) ON DELETE CASCADE,
    ADD CONSTRAINT memory_embeddings_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE sync_operations
    ADD CONSTRAINT sync_operations_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE user_tasks
    ADD CONSTRAINT user_tasks_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE llm_audit_log
    ADD CONSTRAINT llm_audit_log_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE SET NULL,
    ADD CONSTRAINT llm_audit_log_run_id_fkey FOREIGN KEY (run_id) REFERENCES agent_runs(id) ON DELETE SET NULL,
    ADD CONSTRAINT llm_audit_log_thread_id_fkey FOREIGN KEY (thread_id) REFERENCES agent_threads(id) ON DELETE SET NULL;
