-- adopt, step "fixes": the rows of a legacy schema that Zerg's ORM could legally write but
-- our constraints reject, and what adopt does with each, so that adopt keeps every legal row
-- (docs/adopting-production.md, "Repairs and quarantine"):
--   * repair: the row stays; one value changes.
--     - a NULL the legacy column allowed and ours does not gets the value Zerg's ORM would have
--       written (its model default at commit 09acf6200): agents.status 'IDLE' (mapped to 'idle'
--       with the other enum names by convert.sql), agent_threads.active true. For a created_at /
--       updated_at / sent_at / timestamp the default is the time of the write; that time being
--       unknown, the row's own nearest time is taken (a run's started_at, the other of
--       created_at / updated_at, a message's previous message), else the adopt's time;
--     - a reference under an ON DELETE SET NULL foreign key whose row is gone becomes NULL, as
--       our schema does when that row is deleted; so does the second continuation of one run
--       (continuation_of_run_id, unique in ours; migration-built databases lack the index).
--   * move: a row that cannot be mapped (a NULL key, an orphan under a required foreign key,
--     a second global canvas layout of one user, or a child of a moved row) moves whole into
--     _zerg_sql_quarantine, in the adopt's transaction.
-- Values that no legal writer could have stored (an unknown enum name, a \u0000 in json) are
-- not fixed: checks.sql refuses them.
--
-- How it runs (zerg_sql/adopt.py): create_fix_list, then find_moves, find_repairs and one of
-- the find_sent_at_repairs queries fill pg_temp.adopt_fixes (session-local: the dry run lists it
-- and changes nothing); a real adopt then runs apply_fixes before fold_created_at.sql and
-- convert.sql, in the same transaction. Moves are found parents first, so a row whose parent
-- moves is found after it; they are applied children first, after the repairs, so that no
-- legacy foreign key sees a missing row. Run by hand with psql after `SET search_path TO zerg;`
-- (each query is plain SQL; the temporary list is dropped at commit).

-- name: create_fix_list()#
-- The session's list of fixes (a temporary table: the dry run fills it and changes nothing).
CREATE TEMPORARY TABLE IF NOT EXISTS adopt_fixes (
    source_table text NOT NULL,
    row_key text NOT NULL,       -- id, or user_id/key for agent_memory_kv
    row_id bigint,               -- id, to join on (NULL: agent_memory_kv, runner_jobs' text ids)
    column_name text NOT NULL DEFAULT '',  -- '' for a move
    action text NOT NULL CHECK (action IN ('move', 'repair')),
    new_value text,              -- a repair's new value as text (NULL: set to NULL)
    reason text NOT NULL,
    PRIMARY KEY (source_table, row_key, column_name)
) ON COMMIT DROP;
CREATE INDEX IF NOT EXISTS adopt_fixes_row_id_idx ON adopt_fixes (source_table, row_id);

-- name: find_moves()#
-- Rows that move to the quarantine, parents first: NULL keys, orphans, children of moved rows,
-- all but the newest global canvas layout of a user.
-- agents
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agents', c.id::text, c.id, 'move', 'agents_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM agents AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
-- agent_messages
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_messages', c.id::text, c.id, 'move', 'agent_messages.agent_id is NULL' FROM agent_messages AS c WHERE c.agent_id IS NULL
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_messages', c.id::text, c.id, 'move', 'agent_messages_agent_id_fkey: agents ' || c.agent_id || ' does not exist'
FROM agent_messages AS c WHERE c.agent_id IS NOT NULL AND NOT EXISTS (SELECT FROM agents AS p WHERE p.id = c.agent_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_messages', c.id::text, c.id, 'move', 'agent_messages_agent_id_fkey: agents ' || c.agent_id || ' moves too'
FROM agent_messages AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'agents' AND f.action = 'move' AND f.row_id = c.agent_id
ON CONFLICT DO NOTHING;
-- agent_threads
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_threads', c.id::text, c.id, 'move', 'agent_threads.agent_id is NULL' FROM agent_threads AS c WHERE c.agent_id IS NULL
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_threads', c.id::text, c.id, 'move', 'agent_threads_agent_id_fkey: agents ' || c.agent_id || ' does not exist'
FROM agent_threads AS c WHERE c.agent_id IS NOT NULL AND NOT EXISTS (SELECT FROM agents AS p WHERE p.id = c.agent_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_threads', c.id::text, c.id, 'move', 'agent_threads_agent_id_fkey: agents ' || c.agent_id || ' moves too'
FROM agent_threads AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'agents' AND f.action = 'move' AND f.row_id = c.agent_id
ON CONFLICT DO NOTHING;
-- thread_messages
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'thread_messages', c.id::text, c.id, 'move', 'thread_messages.thread_id is NULL' FROM thread_messages AS c WHERE c.thread_id IS NULL
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'thread_messages', c.id::text, c.id, 'move', 'thread_messages_thread_id_fkey: agent_threads ' || c.thread_id || ' does not exist'
FROM thread_messages AS c WHERE c.thread_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_threads AS p WHERE p.id = c.thread_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'thread_messages', c.id::text, c.id, 'move', 'thread_messages_thread_id_fkey: agent_threads ' || c.thread_id || ' moves too'
FROM thread_messages AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'agent_threads' AND f.action = 'move' AND f.row_id = c.thread_id
ON CONFLICT DO NOTHING;
-- triggers
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'triggers', c.id::text, c.id, 'move', 'triggers_agent_id_fkey: agents ' || c.agent_id || ' does not exist'
FROM triggers AS c WHERE c.agent_id IS NOT NULL AND NOT EXISTS (SELECT FROM agents AS p WHERE p.id = c.agent_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'triggers', c.id::text, c.id, 'move', 'triggers_agent_id_fkey: agents ' || c.agent_id || ' moves too'
FROM triggers AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'agents' AND f.action = 'move' AND f.row_id = c.agent_id
ON CONFLICT DO NOTHING;
-- agent_runs
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_runs', c.id::text, c.id, 'move', 'agent_runs_agent_id_fkey: agents ' || c.agent_id || ' does not exist'
FROM agent_runs AS c WHERE c.agent_id IS NOT NULL AND NOT EXISTS (SELECT FROM agents AS p WHERE p.id = c.agent_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_runs', c.id::text, c.id, 'move', 'agent_runs_agent_id_fkey: agents ' || c.agent_id || ' moves too'
FROM agent_runs AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'agents' AND f.action = 'move' AND f.row_id = c.agent_id
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_runs', c.id::text, c.id, 'move', 'agent_runs_thread_id_fkey: agent_threads ' || c.thread_id || ' does not exist'
FROM agent_runs AS c WHERE c.thread_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_threads AS p WHERE p.id = c.thread_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_runs', c.id::text, c.id, 'move', 'agent_runs_thread_id_fkey: agent_threads ' || c.thread_id || ' moves too'
FROM agent_runs AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'agent_threads' AND f.action = 'move' AND f.row_id = c.thread_id
ON CONFLICT DO NOTHING;
-- agent_run_events
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_run_events', c.id::text, c.id, 'move', 'agent_run_events_run_id_fkey: agent_runs ' || c.run_id || ' does not exist'
FROM agent_run_events AS c WHERE c.run_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_runs AS p WHERE p.id = c.run_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_run_events', c.id::text, c.id, 'move', 'agent_run_events_run_id_fkey: agent_runs ' || c.run_id || ' moves too'
FROM agent_run_events AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'agent_runs' AND f.action = 'move' AND f.row_id = c.run_id
ON CONFLICT DO NOTHING;
-- worker_jobs
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'worker_jobs', c.id::text, c.id, 'move', 'worker_jobs_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM worker_jobs AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
-- worker_barriers
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'worker_barriers', c.id::text, c.id, 'move', 'worker_barriers_run_id_fkey: agent_runs ' || c.run_id || ' does not exist'
FROM worker_barriers AS c WHERE c.run_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_runs AS p WHERE p.id = c.run_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'worker_barriers', c.id::text, c.id, 'move', 'worker_barriers_run_id_fkey: agent_runs ' || c.run_id || ' moves too'
FROM worker_barriers AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'agent_runs' AND f.action = 'move' AND f.row_id = c.run_id
ON CONFLICT DO NOTHING;
-- barrier_jobs
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'barrier_jobs', c.id::text, c.id, 'move', 'barrier_jobs_barrier_id_fkey: worker_barriers ' || c.barrier_id || ' does not exist'
FROM barrier_jobs AS c WHERE c.barrier_id IS NOT NULL AND NOT EXISTS (SELECT FROM worker_barriers AS p WHERE p.id = c.barrier_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'barrier_jobs', c.id::text, c.id, 'move', 'barrier_jobs_barrier_id_fkey: worker_barriers ' || c.barrier_id || ' moves too'
FROM barrier_jobs AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'worker_barriers' AND f.action = 'move' AND f.row_id = c.barrier_id
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'barrier_jobs', c.id::text, c.id, 'move', 'barrier_jobs_job_id_fkey: worker_jobs ' || c.job_id || ' does not exist'
FROM barrier_jobs AS c WHERE c.job_id IS NOT NULL AND NOT EXISTS (SELECT FROM worker_jobs AS p WHERE p.id = c.job_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'barrier_jobs', c.id::text, c.id, 'move', 'barrier_jobs_job_id_fkey: worker_jobs ' || c.job_id || ' moves too'
FROM barrier_jobs AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'worker_jobs' AND f.action = 'move' AND f.row_id = c.job_id
ON CONFLICT DO NOTHING;
-- runners
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'runners', c.id::text, c.id, 'move', 'runners_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM runners AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
-- runner_enroll_tokens
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'runner_enroll_tokens', c.id::text, c.id, 'move', 'runner_enroll_tokens_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM runner_enroll_tokens AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
-- runner_jobs
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'runner_jobs', c.id, NULL::bigint, 'move', 'runner_jobs_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM runner_jobs AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'runner_jobs', c.id, NULL::bigint, 'move', 'runner_jobs_runner_id_fkey: runners ' || c.runner_id || ' does not exist'
FROM runner_jobs AS c WHERE c.runner_id IS NOT NULL AND NOT EXISTS (SELECT FROM runners AS p WHERE p.id = c.runner_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'runner_jobs', c.id, NULL::bigint, 'move', 'runner_jobs_runner_id_fkey: runners ' || c.runner_id || ' moves too'
FROM runner_jobs AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'runners' AND f.action = 'move' AND f.row_id = c.runner_id
ON CONFLICT DO NOTHING;
-- connectors
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'connectors', c.id::text, c.id, 'move', 'connectors_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM connectors AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
-- connector_credentials
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'connector_credentials', c.id::text, c.id, 'move', 'connector_credentials_agent_id_fkey: agents ' || c.agent_id || ' does not exist'
FROM connector_credentials AS c WHERE c.agent_id IS NOT NULL AND NOT EXISTS (SELECT FROM agents AS p WHERE p.id = c.agent_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'connector_credentials', c.id::text, c.id, 'move', 'connector_credentials_agent_id_fkey: agents ' || c.agent_id || ' moves too'
FROM connector_credentials AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'agents' AND f.action = 'move' AND f.row_id = c.agent_id
ON CONFLICT DO NOTHING;
-- account_connector_credentials
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'account_connector_credentials', c.id::text, c.id, 'move', 'account_connector_credentials_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM account_connector_credentials AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
-- workflows
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'workflows', c.id::text, c.id, 'move', 'workflows_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM workflows AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
-- workflow_templates
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'workflow_templates', c.id::text, c.id, 'move', 'workflow_templates_created_by_fkey: users ' || c.created_by || ' does not exist'
FROM workflow_templates AS c WHERE c.created_by IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.created_by)
ON CONFLICT DO NOTHING;
-- workflow_executions
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'workflow_executions', c.id::text, c.id, 'move', 'workflow_executions_workflow_id_fkey: workflows ' || c.workflow_id || ' does not exist'
FROM workflow_executions AS c WHERE c.workflow_id IS NOT NULL AND NOT EXISTS (SELECT FROM workflows AS p WHERE p.id = c.workflow_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'workflow_executions', c.id::text, c.id, 'move', 'workflow_executions_workflow_id_fkey: workflows ' || c.workflow_id || ' moves too'
FROM workflow_executions AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'workflows' AND f.action = 'move' AND f.row_id = c.workflow_id
ON CONFLICT DO NOTHING;
-- node_execution_states
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'node_execution_states', c.id::text, c.id, 'move', 'node_execution_states_workflow_execution_id_fkey: workflow_executions ' || c.workflow_execution_id || ' does not exist'
FROM node_execution_states AS c WHERE c.workflow_execution_id IS NOT NULL AND NOT EXISTS (SELECT FROM workflow_executions AS p WHERE p.id = c.workflow_execution_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'node_execution_states', c.id::text, c.id, 'move', 'node_execution_states_workflow_execution_id_fkey: workflow_executions ' || c.workflow_execution_id || ' moves too'
FROM node_execution_states AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'workflow_executions' AND f.action = 'move' AND f.row_id = c.workflow_execution_id
ON CONFLICT DO NOTHING;
-- canvas_layouts
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'canvas_layouts', c.id::text, c.id, 'move', 'canvas_layouts_user_id_fkey: users ' || c.user_id || ' does not exist'
FROM canvas_layouts AS c WHERE c.user_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.user_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'canvas_layouts', c.id::text, c.id, 'move', 'canvas_layouts_workflow_id_fkey: workflows ' || c.workflow_id || ' does not exist'
FROM canvas_layouts AS c WHERE c.workflow_id IS NOT NULL AND NOT EXISTS (SELECT FROM workflows AS p WHERE p.id = c.workflow_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'canvas_layouts', c.id::text, c.id, 'move', 'canvas_layouts_workflow_id_fkey: workflows ' || c.workflow_id || ' moves too'
FROM canvas_layouts AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'workflows' AND f.action = 'move' AND f.row_id = c.workflow_id
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'canvas_layouts', c.id::text, c.id, 'move',
       'canvas_layouts_user_id_key: user ' || c.user_id || ' has a newer global layout (id ' || c.newest || ')'
FROM (SELECT id, user_id, first_value(id) OVER w AS newest, row_number() OVER w AS n
      FROM canvas_layouts WHERE workflow_id IS NULL
      WINDOW w AS (PARTITION BY user_id ORDER BY updated_at DESC NULLS LAST, id DESC)) AS c
WHERE c.n > 1
ON CONFLICT DO NOTHING;
-- knowledge_sources
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'knowledge_sources', c.id::text, c.id, 'move', 'knowledge_sources_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM knowledge_sources AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
-- knowledge_documents
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'knowledge_documents', c.id::text, c.id, 'move', 'knowledge_documents_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM knowledge_documents AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'knowledge_documents', c.id::text, c.id, 'move', 'knowledge_documents_source_id_fkey: knowledge_sources ' || c.source_id || ' does not exist'
FROM knowledge_documents AS c WHERE c.source_id IS NOT NULL AND NOT EXISTS (SELECT FROM knowledge_sources AS p WHERE p.id = c.source_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'knowledge_documents', c.id::text, c.id, 'move', 'knowledge_documents_source_id_fkey: knowledge_sources ' || c.source_id || ' moves too'
FROM knowledge_documents AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'knowledge_sources' AND f.action = 'move' AND f.row_id = c.source_id
ON CONFLICT DO NOTHING;
-- agent_memory_kv
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'agent_memory_kv', c.user_id || '/' || c.key, NULL::bigint, 'move', 'agent_memory_kv_user_id_fkey: users ' || c.user_id || ' does not exist'
FROM agent_memory_kv AS c WHERE c.user_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.user_id)
ON CONFLICT DO NOTHING;
-- memory_files
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'memory_files', c.id::text, c.id, 'move', 'memory_files_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM memory_files AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
-- memory_embeddings
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'memory_embeddings', c.id::text, c.id, 'move', 'memory_embeddings_memory_file_id_fkey: memory_files ' || c.memory_file_id || ' does not exist'
FROM memory_embeddings AS c WHERE c.memory_file_id IS NOT NULL AND NOT EXISTS (SELECT FROM memory_files AS p WHERE p.id = c.memory_file_id)
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'memory_embeddings', c.id::text, c.id, 'move', 'memory_embeddings_memory_file_id_fkey: memory_files ' || c.memory_file_id || ' moves too'
FROM memory_embeddings AS c JOIN pg_temp.adopt_fixes AS f ON f.source_table = 'memory_files' AND f.action = 'move' AND f.row_id = c.memory_file_id
ON CONFLICT DO NOTHING;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'memory_embeddings', c.id::text, c.id, 'move', 'memory_embeddings_owner_id_fkey: users ' || c.owner_id || ' does not exist'
FROM memory_embeddings AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
ON CONFLICT DO NOTHING;
-- sync_operations
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'sync_operations', c.id::text, c.id, 'move', 'sync_operations_user_id_fkey: users ' || c.user_id || ' does not exist'
FROM sync_operations AS c WHERE c.user_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.user_id)
ON CONFLICT DO NOTHING;
-- user_tasks
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, action, reason)
SELECT 'user_tasks', c.id::text, c.id, 'move', 'user_tasks_user_id_fkey: users ' || c.user_id || ' does not exist'
FROM user_tasks AS c WHERE c.user_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.user_id)
ON CONFLICT DO NOTHING;

-- name: find_repairs()#
-- Rows that stay with one value changed: NULLs ours rejects, references to rows that are gone.
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agents', c.id::text, c.id, 'status', 'repair', 'IDLE', 'NULL status: the model default (AgentStatus.IDLE)'
FROM agents AS c WHERE c.status IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'agents' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agent_threads', c.id::text, c.id, 'active', 'repair', 'true', 'NULL active: the model default (true)'
FROM agent_threads AS c WHERE c.active IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'agent_threads' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'users', c.id::text, c.id, 'created_at', 'repair', coalesce(c.updated_at, now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: ' || CASE WHEN c.updated_at IS NOT NULL THEN 'updated_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM users AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'users' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'users', c.id::text, c.id, 'updated_at', 'repair', coalesce(c.created_at, now() AT TIME ZONE 'UTC')::text,
       'NULL updated_at: ' || CASE WHEN c.created_at IS NOT NULL THEN 'created_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM users AS c WHERE c.updated_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'users' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agents', c.id::text, c.id, 'created_at', 'repair', coalesce(c.updated_at, now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: ' || CASE WHEN c.updated_at IS NOT NULL THEN 'updated_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM agents AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'agents' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agents', c.id::text, c.id, 'updated_at', 'repair', coalesce(c.created_at, now() AT TIME ZONE 'UTC')::text,
       'NULL updated_at: ' || CASE WHEN c.created_at IS NOT NULL THEN 'created_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM agents AS c WHERE c.updated_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'agents' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agent_threads', c.id::text, c.id, 'created_at', 'repair', coalesce(c.updated_at, now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: ' || CASE WHEN c.updated_at IS NOT NULL THEN 'updated_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM agent_threads AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'agent_threads' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agent_threads', c.id::text, c.id, 'updated_at', 'repair', coalesce(c.created_at, now() AT TIME ZONE 'UTC')::text,
       'NULL updated_at: ' || CASE WHEN c.created_at IS NOT NULL THEN 'created_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM agent_threads AS c WHERE c.updated_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'agent_threads' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agent_messages', c.id::text, c.id, 'timestamp', 'repair', coalesce(now() AT TIME ZONE 'UTC')::text,
       'NULL timestamp: the adopt''s time (no other time on the row)'
FROM agent_messages AS c WHERE c."timestamp" IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'agent_messages' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'triggers', c.id::text, c.id, 'created_at', 'repair', coalesce(now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: the adopt''s time (no other time on the row)'
FROM triggers AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'triggers' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agent_runs', c.id::text, c.id, 'created_at', 'repair', coalesce(c.started_at, c.updated_at, c.finished_at, now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: ' || CASE WHEN c.started_at IS NOT NULL THEN 'started_at' WHEN c.updated_at IS NOT NULL THEN 'updated_at' WHEN c.finished_at IS NOT NULL THEN 'finished_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM agent_runs AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'agent_runs' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agent_runs', c.id::text, c.id, 'updated_at', 'repair', coalesce(c.finished_at, c.started_at, c.created_at, now() AT TIME ZONE 'UTC')::text,
       'NULL updated_at: ' || CASE WHEN c.finished_at IS NOT NULL THEN 'finished_at' WHEN c.started_at IS NOT NULL THEN 'started_at' WHEN c.created_at IS NOT NULL THEN 'created_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM agent_runs AS c WHERE c.updated_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'agent_runs' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'connectors', c.id::text, c.id, 'created_at', 'repair', coalesce(c.updated_at, now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: ' || CASE WHEN c.updated_at IS NOT NULL THEN 'updated_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM connectors AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'connectors' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'connectors', c.id::text, c.id, 'updated_at', 'repair', coalesce(c.created_at, now() AT TIME ZONE 'UTC')::text,
       'NULL updated_at: ' || CASE WHEN c.created_at IS NOT NULL THEN 'created_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM connectors AS c WHERE c.updated_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'connectors' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'workflows', c.id::text, c.id, 'created_at', 'repair', coalesce(c.updated_at, now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: ' || CASE WHEN c.updated_at IS NOT NULL THEN 'updated_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM workflows AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'workflows' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'workflows', c.id::text, c.id, 'updated_at', 'repair', coalesce(c.created_at, now() AT TIME ZONE 'UTC')::text,
       'NULL updated_at: ' || CASE WHEN c.created_at IS NOT NULL THEN 'created_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM workflows AS c WHERE c.updated_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'workflows' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'workflow_templates', c.id::text, c.id, 'created_at', 'repair', coalesce(c.updated_at, now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: ' || CASE WHEN c.updated_at IS NOT NULL THEN 'updated_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM workflow_templates AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'workflow_templates' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'workflow_templates', c.id::text, c.id, 'updated_at', 'repair', coalesce(c.created_at, now() AT TIME ZONE 'UTC')::text,
       'NULL updated_at: ' || CASE WHEN c.created_at IS NOT NULL THEN 'created_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM workflow_templates AS c WHERE c.updated_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'workflow_templates' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'workflow_executions', c.id::text, c.id, 'created_at', 'repair', coalesce(c.started_at, c.updated_at, c.finished_at, now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: ' || CASE WHEN c.started_at IS NOT NULL THEN 'started_at' WHEN c.updated_at IS NOT NULL THEN 'updated_at' WHEN c.finished_at IS NOT NULL THEN 'finished_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM workflow_executions AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'workflow_executions' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'workflow_executions', c.id::text, c.id, 'updated_at', 'repair', coalesce(c.finished_at, c.started_at, c.created_at, now() AT TIME ZONE 'UTC')::text,
       'NULL updated_at: ' || CASE WHEN c.finished_at IS NOT NULL THEN 'finished_at' WHEN c.started_at IS NOT NULL THEN 'started_at' WHEN c.created_at IS NOT NULL THEN 'created_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM workflow_executions AS c WHERE c.updated_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'workflow_executions' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'node_execution_states', c.id::text, c.id, 'created_at', 'repair', coalesce(c.updated_at, now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: ' || CASE WHEN c.updated_at IS NOT NULL THEN 'updated_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM node_execution_states AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'node_execution_states' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'node_execution_states', c.id::text, c.id, 'updated_at', 'repair', coalesce(c.created_at, now() AT TIME ZONE 'UTC')::text,
       'NULL updated_at: ' || CASE WHEN c.created_at IS NOT NULL THEN 'created_at' ELSE 'the adopt''s time (no other time on the row)' END
FROM node_execution_states AS c WHERE c.updated_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'node_execution_states' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'llm_audit_log', c.id::text, c.id, 'created_at', 'repair', coalesce(now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: the adopt''s time (no other time on the row)'
FROM llm_audit_log AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'llm_audit_log' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'waitlist_entries', c.id::text, c.id, 'created_at', 'repair', coalesce(now() AT TIME ZONE 'UTC')::text,
       'NULL created_at: the adopt''s time (no other time on the row)'
FROM waitlist_entries AS c WHERE c.created_at IS NULL
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'waitlist_entries' AND m.action = 'move' AND m.row_id = c.id);
-- References under ON DELETE SET NULL foreign keys to rows that are gone or move.
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'thread_messages', c.id::text, c.id, 'parent_id', 'repair', NULL,
       'thread_messages_parent_id_fkey (ON DELETE SET NULL): thread_messages ' || c.parent_id
       || CASE WHEN p.id IS NULL THEN ' does not exist' ELSE ' moves' END
FROM thread_messages AS c LEFT JOIN thread_messages AS p ON p.id = c.parent_id
WHERE c.parent_id IS NOT NULL
    AND (p.id IS NULL OR EXISTS (SELECT FROM pg_temp.adopt_fixes AS f
                                 WHERE f.source_table = 'thread_messages' AND f.action = 'move' AND f.row_id = c.parent_id))
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'thread_messages' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agent_runs', c.id::text, c.id, 'continuation_of_run_id', 'repair', NULL,
       'agent_runs_continuation_of_run_id_fkey (ON DELETE SET NULL): agent_runs ' || c.continuation_of_run_id
       || CASE WHEN p.id IS NULL THEN ' does not exist' ELSE ' moves' END
FROM agent_runs AS c LEFT JOIN agent_runs AS p ON p.id = c.continuation_of_run_id
WHERE c.continuation_of_run_id IS NOT NULL
    AND (p.id IS NULL OR EXISTS (SELECT FROM pg_temp.adopt_fixes AS f
                                 WHERE f.source_table = 'agent_runs' AND f.action = 'move' AND f.row_id = c.continuation_of_run_id))
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'agent_runs' AND m.action = 'move' AND m.row_id = c.id);
-- A second continuation of one run (unique in ours): the first one (lowest id) keeps the link.
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'agent_runs', c.id::text, c.id, 'continuation_of_run_id', 'repair', NULL,
       'agent_runs_continuation_of_run_id_key: run ' || c.continuation_of_run_id || ' has an earlier continuation (run ' || c.first || ')'
FROM (SELECT r.id, r.continuation_of_run_id, first_value(r.id) OVER w AS first, row_number() OVER w AS n
      FROM agent_runs AS r
      WHERE r.continuation_of_run_id IS NOT NULL
        AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                        WHERE m.source_table = 'agent_runs' AND m.row_id = r.id)
      WINDOW w AS (PARTITION BY r.continuation_of_run_id ORDER BY r.id)) AS c
WHERE c.n > 1;
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'worker_jobs', c.id::text, c.id, 'supervisor_run_id', 'repair', NULL,
       'worker_jobs_supervisor_run_id_fkey (ON DELETE SET NULL): agent_runs ' || c.supervisor_run_id
       || CASE WHEN p.id IS NULL THEN ' does not exist' ELSE ' moves' END
FROM worker_jobs AS c LEFT JOIN agent_runs AS p ON p.id = c.supervisor_run_id
WHERE c.supervisor_run_id IS NOT NULL
    AND (p.id IS NULL OR EXISTS (SELECT FROM pg_temp.adopt_fixes AS f
                                 WHERE f.source_table = 'agent_runs' AND f.action = 'move' AND f.row_id = c.supervisor_run_id))
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'worker_jobs' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'llm_audit_log', c.id::text, c.id, 'owner_id', 'repair', NULL,
       'llm_audit_log_owner_id_fkey (ON DELETE SET NULL): users ' || c.owner_id
       || CASE WHEN p.id IS NULL THEN ' does not exist' ELSE ' moves' END
FROM llm_audit_log AS c LEFT JOIN users AS p ON p.id = c.owner_id
WHERE c.owner_id IS NOT NULL
    AND (p.id IS NULL OR EXISTS (SELECT FROM pg_temp.adopt_fixes AS f
                                 WHERE f.source_table = 'users' AND f.action = 'move' AND f.row_id = c.owner_id))
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'llm_audit_log' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'llm_audit_log', c.id::text, c.id, 'run_id', 'repair', NULL,
       'llm_audit_log_run_id_fkey (ON DELETE SET NULL): agent_runs ' || c.run_id
       || CASE WHEN p.id IS NULL THEN ' does not exist' ELSE ' moves' END
FROM llm_audit_log AS c LEFT JOIN agent_runs AS p ON p.id = c.run_id
WHERE c.run_id IS NOT NULL
    AND (p.id IS NULL OR EXISTS (SELECT FROM pg_temp.adopt_fixes AS f
                                 WHERE f.source_table = 'agent_runs' AND f.action = 'move' AND f.row_id = c.run_id))
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'llm_audit_log' AND m.action = 'move' AND m.row_id = c.id);
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'llm_audit_log', c.id::text, c.id, 'thread_id', 'repair', NULL,
       'llm_audit_log_thread_id_fkey (ON DELETE SET NULL): agent_threads ' || c.thread_id
       || CASE WHEN p.id IS NULL THEN ' does not exist' ELSE ' moves' END
FROM llm_audit_log AS c LEFT JOIN agent_threads AS p ON p.id = c.thread_id
WHERE c.thread_id IS NOT NULL
    AND (p.id IS NULL OR EXISTS (SELECT FROM pg_temp.adopt_fixes AS f
                                 WHERE f.source_table = 'agent_threads' AND f.action = 'move' AND f.row_id = c.thread_id))
    AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS m
                    WHERE m.source_table = 'llm_audit_log' AND m.action = 'move' AND m.row_id = c.id);

-- name: find_sent_at_repairs()#
-- create_all shape: a message without sent_at gets its thread's previous message's time.
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'thread_messages', c.id::text, c.id, 'sent_at', 'repair', coalesce(c.previous, c.thread_created, now())::text,
       'NULL sent_at: ' || CASE WHEN c.previous IS NOT NULL THEN 'the previous message''s sent_at'
                                WHEN c.thread_created IS NOT NULL THEN 'the thread''s created_at'
                                ELSE 'the adopt''s time (no other time)' END
FROM (SELECT m.id,
             (SELECT max(p.sent_at) FROM thread_messages AS p WHERE p.thread_id = m.thread_id AND p.id < m.id) AS previous,
             (SELECT t.created_at AT TIME ZONE 'UTC' FROM agent_threads AS t WHERE t.id = m.thread_id) AS thread_created
      FROM thread_messages AS m
      WHERE m.sent_at IS NULL
        AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS f
                        WHERE f.source_table = 'thread_messages' AND f.action = 'move' AND f.row_id = m.id)) AS c;

-- name: find_sent_at_repairs_unfolded()#
-- Migration-built shape: the same for a message with neither sent_at nor the extra created_at
-- (fold_created_at.sql fills sent_at from created_at where there is one).
INSERT INTO pg_temp.adopt_fixes (source_table, row_key, row_id, column_name, action, new_value, reason)
SELECT 'thread_messages', c.id::text, c.id, 'sent_at', 'repair', coalesce(c.previous, c.thread_created, now())::text,
       'NULL sent_at and created_at: ' || CASE WHEN c.previous IS NOT NULL THEN 'the previous message''s time'
                                               WHEN c.thread_created IS NOT NULL THEN 'the thread''s created_at'
                                               ELSE 'the adopt''s time (no other time)' END
FROM (SELECT m.id,
             (SELECT max(coalesce(p.sent_at, p.created_at AT TIME ZONE 'UTC')) FROM thread_messages AS p
              WHERE p.thread_id = m.thread_id AND p.id < m.id) AS previous,
             (SELECT t.created_at AT TIME ZONE 'UTC' FROM agent_threads AS t WHERE t.id = m.thread_id) AS thread_created
      FROM thread_messages AS m
      WHERE m.sent_at IS NULL AND m.created_at IS NULL
        AND NOT EXISTS (SELECT FROM pg_temp.adopt_fixes AS f
                        WHERE f.source_table = 'thread_messages' AND f.action = 'move' AND f.row_id = m.id)) AS c;

-- name: list_fixes()
-- Every fix found, for the plan and adopt's output.
SELECT action, source_table, row_key, column_name, new_value, reason
FROM pg_temp.adopt_fixes
ORDER BY action, source_table, row_id NULLS LAST, row_key, column_name;

-- name: create_quarantine()#
-- adopt's record of every row it could not keep as it was; created by adopt only, in its
-- transaction (bookkeeping: not part of migrations 0001..0011, not reported as drift).
CREATE TABLE IF NOT EXISTS _zerg_sql_quarantine (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_table text NOT NULL,
    -- moved: the row is no longer in source_table; repaired: it is, with the fix in reason
    action text NOT NULL CHECK (action IN ('moved', 'repaired')),
    reason text NOT NULL,
    -- the row as the legacy schema held it (naive UTC timestamps, UPPERCASE enum names)
    row_data jsonb NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE _zerg_sql_quarantine IS 'Rows zerg-sql adopt moved out of (or repaired in) the legacy schema; see docs/adopting-production.md.';

-- name: apply_fixes()#
-- The fixes of pg_temp.adopt_fixes: repaired rows recorded as they were, then repaired; then the
-- moves, children first, each row into _zerg_sql_quarantine as it leaves its table.
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'users', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'users' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM users AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'users' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'agents', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'agents' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM agents AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'agents' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'agent_messages', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'agent_messages' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM agent_messages AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'agent_messages' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'agent_threads', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'agent_threads' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM agent_threads AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'agent_threads' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'thread_messages', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'thread_messages' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM thread_messages AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'thread_messages' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'triggers', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'triggers' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM triggers AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'triggers' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'agent_runs', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'agent_runs' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM agent_runs AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'agent_runs' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'worker_jobs', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'worker_jobs' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM worker_jobs AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'worker_jobs' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'connectors', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'connectors' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM connectors AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'connectors' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'workflows', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'workflows' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM workflows AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'workflows' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'workflow_templates', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'workflow_templates' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM workflow_templates AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'workflow_templates' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'workflow_executions', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'workflow_executions' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM workflow_executions AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'workflow_executions' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'node_execution_states', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'node_execution_states' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM node_execution_states AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'node_execution_states' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'llm_audit_log', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'llm_audit_log' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM llm_audit_log AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'llm_audit_log' AND f.action = 'repair');
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data)
SELECT 'waitlist_entries', 'repaired', (SELECT string_agg(f.column_name || ' := ' || coalesce(f.new_value, 'NULL') || ' (' || f.reason || ')', '; '
                                    ORDER BY f.column_name)
                         FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'waitlist_entries' AND f.action = 'repair' AND f.row_id = t.id),
       to_jsonb(t)
FROM waitlist_entries AS t
WHERE t.id IN (SELECT f.row_id FROM pg_temp.adopt_fixes AS f WHERE f.source_table = 'waitlist_entries' AND f.action = 'repair');
UPDATE agents AS t SET status = f.new_value FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'agents' AND f.column_name = 'status' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE agent_threads AS t SET active = f.new_value::boolean FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'agent_threads' AND f.column_name = 'active' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE users AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'users' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE users AS t SET updated_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'users' AND f.column_name = 'updated_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE agents AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'agents' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE agents AS t SET updated_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'agents' AND f.column_name = 'updated_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE agent_threads AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'agent_threads' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE agent_threads AS t SET updated_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'agent_threads' AND f.column_name = 'updated_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE agent_messages AS t SET "timestamp" = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'agent_messages' AND f.column_name = 'timestamp' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE triggers AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'triggers' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE agent_runs AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'agent_runs' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE agent_runs AS t SET updated_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'agent_runs' AND f.column_name = 'updated_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE connectors AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'connectors' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE connectors AS t SET updated_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'connectors' AND f.column_name = 'updated_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE workflows AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'workflows' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE workflows AS t SET updated_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'workflows' AND f.column_name = 'updated_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE workflow_templates AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'workflow_templates' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE workflow_templates AS t SET updated_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'workflow_templates' AND f.column_name = 'updated_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE workflow_executions AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'workflow_executions' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE workflow_executions AS t SET updated_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'workflow_executions' AND f.column_name = 'updated_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE node_execution_states AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'node_execution_states' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE node_execution_states AS t SET updated_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'node_execution_states' AND f.column_name = 'updated_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE llm_audit_log AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'llm_audit_log' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE waitlist_entries AS t SET created_at = f.new_value::timestamp FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'waitlist_entries' AND f.column_name = 'created_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE thread_messages AS t SET sent_at = f.new_value::timestamptz FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'thread_messages' AND f.column_name = 'sent_at' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE thread_messages AS t SET parent_id = NULL FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'thread_messages' AND f.column_name = 'parent_id' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE agent_runs AS t SET continuation_of_run_id = NULL FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'agent_runs' AND f.column_name = 'continuation_of_run_id' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE worker_jobs AS t SET supervisor_run_id = NULL FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'worker_jobs' AND f.column_name = 'supervisor_run_id' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE llm_audit_log AS t SET owner_id = NULL FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'llm_audit_log' AND f.column_name = 'owner_id' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE llm_audit_log AS t SET run_id = NULL FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'llm_audit_log' AND f.column_name = 'run_id' AND f.action = 'repair' AND f.row_id = t.id;
UPDATE llm_audit_log AS t SET thread_id = NULL FROM pg_temp.adopt_fixes AS f
WHERE f.source_table = 'llm_audit_log' AND f.column_name = 'thread_id' AND f.action = 'repair' AND f.row_id = t.id;
WITH moved AS (DELETE FROM user_tasks AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'user_tasks' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'user_tasks', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM sync_operations AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'sync_operations' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'sync_operations', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM memory_embeddings AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'memory_embeddings' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'memory_embeddings', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM memory_files AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'memory_files' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'memory_files', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM agent_memory_kv AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'agent_memory_kv' AND f.action = 'move' AND f.row_key = t.user_id || '/' || t.key
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'agent_memory_kv', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM knowledge_documents AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'knowledge_documents' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'knowledge_documents', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM knowledge_sources AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'knowledge_sources' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'knowledge_sources', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM canvas_layouts AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'canvas_layouts' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'canvas_layouts', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM node_execution_states AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'node_execution_states' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'node_execution_states', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM workflow_executions AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'workflow_executions' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'workflow_executions', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM workflow_templates AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'workflow_templates' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'workflow_templates', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM workflows AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'workflows' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'workflows', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM account_connector_credentials AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'account_connector_credentials' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'account_connector_credentials', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM connector_credentials AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'connector_credentials' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'connector_credentials', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM connectors AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'connectors' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'connectors', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM runner_jobs AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'runner_jobs' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'runner_jobs', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM runner_enroll_tokens AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'runner_enroll_tokens' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'runner_enroll_tokens', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM runners AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'runners' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'runners', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM barrier_jobs AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'barrier_jobs' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'barrier_jobs', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM worker_barriers AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'worker_barriers' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'worker_barriers', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM worker_jobs AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'worker_jobs' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'worker_jobs', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM agent_run_events AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'agent_run_events' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'agent_run_events', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM agent_runs AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'agent_runs' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'agent_runs', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM triggers AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'triggers' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'triggers', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM thread_messages AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'thread_messages' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'thread_messages', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM agent_threads AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'agent_threads' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'agent_threads', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM agent_messages AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'agent_messages' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'agent_messages', 'moved', reason, row_data FROM moved;
WITH moved AS (DELETE FROM agents AS t USING pg_temp.adopt_fixes AS f
               WHERE f.source_table = 'agents' AND f.action = 'move' AND f.row_key = t.id::text
               RETURNING f.reason, to_jsonb(t) AS row_data)
INSERT INTO _zerg_sql_quarantine (source_table, action, reason, row_data) SELECT 'agents', 'moved', reason, row_data FROM moved;
