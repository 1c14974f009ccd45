-- adopt, step "check": every row of the legacy schema that one of our constraints would
-- reject, as (table_name, constraint_name, row_ids, value) rows. adopt runs them all before it
-- changes anything and refuses while any returns a row: it never deletes or rewrites data to
-- make it fit (docs/adopting-production.md says how to fix each kind by hand).
-- Run by hand with psql after `SET search_path TO zerg;` (each query is plain SQL).
-- The constraints are those of migrations 0002..0011; the enum mapping is the one convert.sql
-- applies (docs/schema-notes.md "Legacy stored values").

-- name: list_unknown_values()
-- Rows whose value (after mapping Zerg's UPPERCASE enum names) a new CHECK would reject.
SELECT 'users' AS table_name, 'users_role_check' AS constraint_name, id::text AS row_ids, role::text AS value
FROM users WHERE CASE role WHEN 'USER' THEN 'user' WHEN 'ADMIN' THEN 'admin' ELSE role END NOT IN ('user', 'admin')
UNION ALL
SELECT 'agents', 'agents_status_check', id::text, status::text
FROM agents WHERE CASE status WHEN 'IDLE' THEN 'idle' WHEN 'RUNNING' THEN 'running' WHEN 'ERROR' THEN 'error' WHEN 'PROCESSING' THEN 'processing' ELSE status END NOT IN ('idle', 'running', 'error', 'processing')
UNION ALL
SELECT 'agent_threads', 'agent_threads_thread_type_check', id::text, thread_type::text
FROM agent_threads WHERE CASE thread_type WHEN 'CHAT' THEN 'chat' WHEN 'SCHEDULED' THEN 'scheduled' WHEN 'MANUAL' THEN 'manual' WHEN 'SUPER' THEN 'super' ELSE thread_type END NOT IN ('chat', 'scheduled', 'manual', 'super')
UNION ALL
SELECT 'agent_runs', 'agent_runs_reasoning_effort_check', id::text, reasoning_effort::text
FROM agent_runs WHERE reasoning_effort NOT IN ('none', 'low', 'medium', 'high')
UNION ALL
SELECT 'agent_runs', 'agent_runs_status_check', id::text, status::text
FROM agent_runs WHERE CASE status WHEN 'QUEUED' THEN 'queued' WHEN 'RUNNING' THEN 'running' WHEN 'WAITING' THEN 'waiting' WHEN 'DEFERRED' THEN 'deferred' WHEN 'SUCCESS' THEN 'success' WHEN 'FAILED' THEN 'failed' WHEN 'CANCELLED' THEN 'cancelled' ELSE status END NOT IN ('queued', 'running', 'waiting', 'deferred', 'success', 'failed', 'cancelled')
UNION ALL
SELECT 'agent_runs', 'agent_runs_trigger_check', id::text, trigger::text
FROM agent_runs WHERE CASE trigger WHEN 'MANUAL' THEN 'manual' WHEN 'SCHEDULE' THEN 'schedule' WHEN 'CHAT' THEN 'chat' WHEN 'WEBHOOK' THEN 'webhook' WHEN 'API' THEN 'api' WHEN 'CONTINUATION' THEN 'continuation' ELSE trigger END NOT IN ('manual', 'schedule', 'chat', 'webhook', 'api', 'continuation')
UNION ALL
SELECT 'worker_jobs', 'worker_jobs_reasoning_effort_check', id::text, reasoning_effort::text
FROM worker_jobs WHERE reasoning_effort NOT IN ('none', 'low', 'medium', 'high')
UNION ALL
SELECT 'worker_jobs', 'worker_jobs_status_check', id::text, status::text
FROM worker_jobs WHERE status NOT IN ('created', 'queued', 'running', 'success', 'failed', 'cancelled')
UNION ALL
SELECT 'worker_barriers', 'worker_barriers_status_check', id::text, status::text
FROM worker_barriers WHERE status NOT IN ('waiting', 'resuming', 'completed', 'failed')
UNION ALL
SELECT 'barrier_jobs', 'barrier_jobs_status_check', id::text, status::text
FROM barrier_jobs WHERE status NOT IN ('created', 'queued', 'completed', 'failed', 'timeout')
UNION ALL
SELECT 'runners', 'runners_status_check', id::text, status::text
FROM runners WHERE status NOT IN ('online', 'offline', 'revoked')
UNION ALL
SELECT 'runner_jobs', 'runner_jobs_status_check', id::text, status::text
FROM runner_jobs WHERE status NOT IN ('queued', 'running', 'success', 'failed', 'timeout', 'canceled')
UNION ALL
SELECT 'connector_credentials', 'connector_credentials_test_status_check', id::text, test_status::text
FROM connector_credentials WHERE test_status NOT IN ('untested', 'success', 'failed')
UNION ALL
SELECT 'account_connector_credentials', 'account_connector_credentials_test_status_check', id::text, test_status::text
FROM account_connector_credentials WHERE test_status NOT IN ('untested', 'success', 'failed')
UNION ALL
SELECT 'workflow_executions', 'workflow_executions_failure_kind_check', id::text, failure_kind::text
FROM workflow_executions WHERE failure_kind NOT IN ('user', 'system', 'timeout', 'external', 'unknown')
UNION ALL
SELECT 'workflow_executions', 'workflow_executions_phase_check', id::text, phase::text
FROM workflow_executions WHERE phase NOT IN ('waiting', 'running', 'finished')
UNION ALL
SELECT 'workflow_executions', 'workflow_executions_phase_result_check', id::text, 'phase ' || phase || ', result ' || coalesce(result, 'NULL')
FROM workflow_executions WHERE NOT ((phase = 'finished') = (result IS NOT NULL))
UNION ALL
SELECT 'workflow_executions', 'workflow_executions_result_check', id::text, result::text
FROM workflow_executions WHERE result NOT IN ('success', 'failure', 'cancelled')
UNION ALL
SELECT 'node_execution_states', 'node_execution_states_failure_kind_check', id::text, failure_kind::text
FROM node_execution_states WHERE failure_kind NOT IN ('user', 'system', 'timeout', 'external', 'unknown')
UNION ALL
SELECT 'node_execution_states', 'node_execution_states_phase_check', id::text, phase::text
FROM node_execution_states WHERE phase NOT IN ('waiting', 'running', 'finished')
UNION ALL
SELECT 'node_execution_states', 'node_execution_states_phase_result_check', id::text, 'phase ' || phase || ', result ' || coalesce(result, 'NULL')
FROM node_execution_states WHERE NOT ((phase = 'finished') = (result IS NOT NULL))
UNION ALL
SELECT 'node_execution_states', 'node_execution_states_result_check', id::text, result::text
FROM node_execution_states WHERE result NOT IN ('success', 'failure', 'cancelled')
UNION ALL
SELECT 'knowledge_sources', 'knowledge_sources_sync_status_check', id::text, sync_status::text
FROM knowledge_sources WHERE sync_status NOT IN ('pending', 'syncing', 'success', 'failed')
UNION ALL
SELECT 'user_tasks', 'user_tasks_status_check', id::text, status::text
FROM user_tasks WHERE status NOT IN ('pending', 'done', 'cancelled')
UNION ALL
SELECT 'llm_audit_log', 'llm_audit_log_phase_check', id::text, phase::text
FROM llm_audit_log WHERE phase NOT IN ('initial', 'tool_iteration', 'synthesis')
ORDER BY 1, 2, 3;

-- name: list_missing_values()
-- Rows with NULL in a column that becomes NOT NULL (thread_messages.sent_at: see below).
SELECT 'users' AS table_name, 'users.created_at NOT NULL' AS constraint_name, id::text AS row_ids, NULL::text AS value FROM users WHERE created_at IS NULL
UNION ALL
SELECT 'users', 'users.updated_at NOT NULL', id::text, NULL::text FROM users WHERE updated_at IS NULL
UNION ALL
SELECT 'agents', 'agents.status NOT NULL', id::text, NULL::text FROM agents WHERE status IS NULL
UNION ALL
SELECT 'agents', 'agents.created_at NOT NULL', id::text, NULL::text FROM agents WHERE created_at IS NULL
UNION ALL
SELECT 'agents', 'agents.updated_at NOT NULL', id::text, NULL::text FROM agents WHERE updated_at IS NULL
UNION ALL
SELECT 'agent_messages', 'agent_messages.agent_id NOT NULL', id::text, NULL::text FROM agent_messages WHERE agent_id IS NULL
UNION ALL
SELECT 'agent_messages', 'agent_messages.timestamp NOT NULL', id::text, NULL::text FROM agent_messages WHERE "timestamp" IS NULL
UNION ALL
SELECT 'agent_threads', 'agent_threads.agent_id NOT NULL', id::text, NULL::text FROM agent_threads WHERE agent_id IS NULL
UNION ALL
SELECT 'agent_threads', 'agent_threads.active NOT NULL', id::text, NULL::text FROM agent_threads WHERE active IS NULL
UNION ALL
SELECT 'agent_threads', 'agent_threads.created_at NOT NULL', id::text, NULL::text FROM agent_threads WHERE created_at IS NULL
UNION ALL
SELECT 'agent_threads', 'agent_threads.updated_at NOT NULL', id::text, NULL::text FROM agent_threads WHERE updated_at IS NULL
UNION ALL
SELECT 'thread_messages', 'thread_messages.thread_id NOT NULL', id::text, NULL::text FROM thread_messages WHERE thread_id IS NULL
UNION ALL
SELECT 'triggers', 'triggers.created_at NOT NULL', id::text, NULL::text FROM triggers WHERE created_at IS NULL
UNION ALL
SELECT 'agent_runs', 'agent_runs.created_at NOT NULL', id::text, NULL::text FROM agent_runs WHERE created_at IS NULL
UNION ALL
SELECT 'agent_runs', 'agent_runs.updated_at NOT NULL', id::text, NULL::text FROM agent_runs WHERE updated_at IS NULL
UNION ALL
SELECT 'connectors', 'connectors.created_at NOT NULL', id::text, NULL::text FROM connectors WHERE created_at IS NULL
UNION ALL
SELECT 'connectors', 'connectors.updated_at NOT NULL', id::text, NULL::text FROM connectors WHERE updated_at IS NULL
UNION ALL
SELECT 'workflows', 'workflows.created_at NOT NULL', id::text, NULL::text FROM workflows WHERE created_at IS NULL
UNION ALL
SELECT 'workflows', 'workflows.updated_at NOT NULL', id::text, NULL::text FROM workflows WHERE updated_at IS NULL
UNION ALL
SELECT 'workflow_templates', 'workflow_templates.created_at NOT NULL', id::text, NULL::text FROM workflow_templates WHERE created_at IS NULL
UNION ALL
SELECT 'workflow_templates', 'workflow_templates.updated_at NOT NULL', id::text, NULL::text FROM workflow_templates WHERE updated_at IS NULL
UNION ALL
SELECT 'workflow_executions', 'workflow_executions.created_at NOT NULL', id::text, NULL::text FROM workflow_executions WHERE created_at IS NULL
UNION ALL
SELECT 'workflow_executions', 'workflow_executions.updated_at NOT NULL', id::text, NULL::text FROM workflow_executions WHERE updated_at IS NULL
UNION ALL
SELECT 'node_execution_states', 'node_execution_states.created_at NOT NULL', id::text, NULL::text FROM node_execution_states WHERE created_at IS NULL
UNION ALL
SELECT 'node_execution_states', 'node_execution_states.updated_at NOT NULL', id::text, NULL::text FROM node_execution_states WHERE updated_at IS NULL
UNION ALL
SELECT 'llm_audit_log', 'llm_audit_log.created_at NOT NULL', id::text, NULL::text FROM llm_audit_log WHERE created_at IS NULL
UNION ALL
SELECT 'waitlist_entries', 'waitlist_entries.created_at NOT NULL', id::text, NULL::text FROM waitlist_entries WHERE created_at IS NULL
ORDER BY 1, 2, 3;

-- name: list_orphans()
-- Rows whose reference has no parent row: each foreign key is re-created and validated.
SELECT 'agents' AS table_name, 'agents_owner_id_fkey' AS constraint_name, c.id::text AS row_ids, c.owner_id::text AS value
FROM agents AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'agent_messages', 'agent_messages_agent_id_fkey', c.id::text, c.agent_id::text
FROM agent_messages AS c WHERE c.agent_id IS NOT NULL AND NOT EXISTS (SELECT FROM agents AS p WHERE p.id = c.agent_id)
UNION ALL
SELECT 'agent_threads', 'agent_threads_agent_id_fkey', c.id::text, c.agent_id::text
FROM agent_threads AS c WHERE c.agent_id IS NOT NULL AND NOT EXISTS (SELECT FROM agents AS p WHERE p.id = c.agent_id)
UNION ALL
SELECT 'thread_messages', 'thread_messages_parent_id_fkey', c.id::text, c.parent_id::text
FROM thread_messages AS c WHERE c.parent_id IS NOT NULL AND NOT EXISTS (SELECT FROM thread_messages AS p WHERE p.id = c.parent_id)
UNION ALL
SELECT 'thread_messages', 'thread_messages_thread_id_fkey', c.id::text, c.thread_id::text
FROM thread_messages AS c WHERE c.thread_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_threads AS p WHERE p.id = c.thread_id)
UNION ALL
SELECT 'triggers', 'triggers_agent_id_fkey', c.id::text, c.agent_id::text
FROM triggers AS c WHERE c.agent_id IS NOT NULL AND NOT EXISTS (SELECT FROM agents AS p WHERE p.id = c.agent_id)
UNION ALL
SELECT 'agent_runs', 'agent_runs_agent_id_fkey', c.id::text, c.agent_id::text
FROM agent_runs AS c WHERE c.agent_id IS NOT NULL AND NOT EXISTS (SELECT FROM agents AS p WHERE p.id = c.agent_id)
UNION ALL
SELECT 'agent_runs', 'agent_runs_continuation_of_run_id_fkey', c.id::text, c.continuation_of_run_id::text
FROM agent_runs AS c WHERE c.continuation_of_run_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_runs AS p WHERE p.id = c.continuation_of_run_id)
UNION ALL
SELECT 'agent_runs', 'agent_runs_thread_id_fkey', c.id::text, c.thread_id::text
FROM agent_runs AS c WHERE c.thread_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_threads AS p WHERE p.id = c.thread_id)
UNION ALL
SELECT 'agent_run_events', 'agent_run_events_run_id_fkey', c.id::text, c.run_id::text
FROM agent_run_events AS c WHERE c.run_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_runs AS p WHERE p.id = c.run_id)
UNION ALL
SELECT 'worker_jobs', 'worker_jobs_owner_id_fkey', c.id::text, c.owner_id::text
FROM worker_jobs AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'worker_jobs', 'worker_jobs_supervisor_run_id_fkey', c.id::text, c.supervisor_run_id::text
FROM worker_jobs AS c WHERE c.supervisor_run_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_runs AS p WHERE p.id = c.supervisor_run_id)
UNION ALL
SELECT 'worker_barriers', 'worker_barriers_run_id_fkey', c.id::text, c.run_id::text
FROM worker_barriers AS c WHERE c.run_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_runs AS p WHERE p.id = c.run_id)
UNION ALL
SELECT 'barrier_jobs', 'barrier_jobs_barrier_id_fkey', c.id::text, c.barrier_id::text
FROM barrier_jobs AS c WHERE c.barrier_id IS NOT NULL AND NOT EXISTS (SELECT FROM worker_barriers AS p WHERE p.id = c.barrier_id)
UNION ALL
SELECT 'barrier_jobs', 'barrier_jobs_job_id_fkey', c.id::text, c.job_id::text
FROM barrier_jobs AS c WHERE c.job_id IS NOT NULL AND NOT EXISTS (SELECT FROM worker_jobs AS p WHERE p.id = c.job_id)
UNION ALL
SELECT 'runners', 'runners_owner_id_fkey', c.id::text, c.owner_id::text
FROM runners AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'runner_enroll_tokens', 'runner_enroll_tokens_owner_id_fkey', c.id::text, c.owner_id::text
FROM runner_enroll_tokens AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'runner_jobs', 'runner_jobs_owner_id_fkey', c.id::text, c.owner_id::text
FROM runner_jobs AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'runner_jobs', 'runner_jobs_runner_id_fkey', c.id::text, c.runner_id::text
FROM runner_jobs AS c WHERE c.runner_id IS NOT NULL AND NOT EXISTS (SELECT FROM runners AS p WHERE p.id = c.runner_id)
UNION ALL
SELECT 'connectors', 'connectors_owner_id_fkey', c.id::text, c.owner_id::text
FROM connectors AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'connector_credentials', 'connector_credentials_agent_id_fkey', c.id::text, c.agent_id::text
FROM connector_credentials AS c WHERE c.agent_id IS NOT NULL AND NOT EXISTS (SELECT FROM agents AS p WHERE p.id = c.agent_id)
UNION ALL
SELECT 'account_connector_credentials', 'account_connector_credentials_owner_id_fkey', c.id::text, c.owner_id::text
FROM account_connector_credentials AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'workflows', 'workflows_owner_id_fkey', c.id::text, c.owner_id::text
FROM workflows AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'workflow_templates', 'workflow_templates_created_by_fkey', c.id::text, c.created_by::text
FROM workflow_templates AS c WHERE c.created_by IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.created_by)
UNION ALL
SELECT 'workflow_executions', 'workflow_executions_workflow_id_fkey', c.id::text, c.workflow_id::text
FROM workflow_executions AS c WHERE c.workflow_id IS NOT NULL AND NOT EXISTS (SELECT FROM workflows AS p WHERE p.id = c.workflow_id)
UNION ALL
SELECT 'node_execution_states', 'node_execution_states_workflow_execution_id_fkey', c.id::text, c.workflow_execution_id::text
FROM node_execution_states AS c WHERE c.workflow_execution_id IS NOT NULL AND NOT EXISTS (SELECT FROM workflow_executions AS p WHERE p.id = c.workflow_execution_id)
UNION ALL
SELECT 'canvas_layouts', 'canvas_layouts_user_id_fkey', c.id::text, c.user_id::text
FROM canvas_layouts AS c WHERE c.user_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.user_id)
UNION ALL
SELECT 'canvas_layouts', 'canvas_layouts_workflow_id_fkey', c.id::text, c.workflow_id::text
FROM canvas_layouts AS c WHERE c.workflow_id IS NOT NULL AND NOT EXISTS (SELECT FROM workflows AS p WHERE p.id = c.workflow_id)
UNION ALL
SELECT 'knowledge_sources', 'knowledge_sources_owner_id_fkey', c.id::text, c.owner_id::text
FROM knowledge_sources AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'knowledge_documents', 'knowledge_documents_owner_id_fkey', c.id::text, c.owner_id::text
FROM knowledge_documents AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'knowledge_documents', 'knowledge_documents_source_id_fkey', c.id::text, c.source_id::text
FROM knowledge_documents AS c WHERE c.source_id IS NOT NULL AND NOT EXISTS (SELECT FROM knowledge_sources AS p WHERE p.id = c.source_id)
UNION ALL
SELECT 'agent_memory_kv', 'agent_memory_kv_user_id_fkey', c.user_id || '/' || key, c.user_id::text
FROM agent_memory_kv AS c WHERE c.user_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.user_id)
UNION ALL
SELECT 'memory_files', 'memory_files_owner_id_fkey', c.id::text, c.owner_id::text
FROM memory_files AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'memory_embeddings', 'memory_embeddings_memory_file_id_fkey', c.id::text, c.memory_file_id::text
FROM memory_embeddings AS c WHERE c.memory_file_id IS NOT NULL AND NOT EXISTS (SELECT FROM memory_files AS p WHERE p.id = c.memory_file_id)
UNION ALL
SELECT 'memory_embeddings', 'memory_embeddings_owner_id_fkey', c.id::text, c.owner_id::text
FROM memory_embeddings AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'sync_operations', 'sync_operations_user_id_fkey', c.id::text, c.user_id::text
FROM sync_operations AS c WHERE c.user_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.user_id)
UNION ALL
SELECT 'user_tasks', 'user_tasks_user_id_fkey', c.id::text, c.user_id::text
FROM user_tasks AS c WHERE c.user_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.user_id)
UNION ALL
SELECT 'llm_audit_log', 'llm_audit_log_owner_id_fkey', c.id::text, c.owner_id::text
FROM llm_audit_log AS c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT FROM users AS p WHERE p.id = c.owner_id)
UNION ALL
SELECT 'llm_audit_log', 'llm_audit_log_run_id_fkey', c.id::text, c.run_id::text
FROM llm_audit_log AS c WHERE c.run_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_runs AS p WHERE p.id = c.run_id)
UNION ALL
SELECT 'llm_audit_log', 'llm_audit_log_thread_id_fkey', c.id::text, c.thread_id::text
FROM llm_audit_log AS c WHERE c.thread_id IS NOT NULL AND NOT EXISTS (SELECT FROM agent_threads AS p WHERE p.id = c.thread_id)
ORDER BY 1, 2, 3;

-- name: list_duplicates()
-- Groups of rows that share a key of a unique constraint or unique index of our schema.
-- Addresses are unique whatever their case (users_email_lower_key): list every spelling.
SELECT 'users' AS table_name, 'users_email_lower_key' AS constraint_name, string_agg(id::text, ', ' ORDER BY id) AS row_ids, string_agg(email::text, ', ' ORDER BY id) AS value
FROM users WHERE email IS NOT NULL
GROUP BY lower(email) HAVING count(*) > 1
UNION ALL
SELECT 'triggers', 'triggers_secret_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', secret::text)
FROM triggers WHERE secret IS NOT NULL
GROUP BY secret HAVING count(*) > 1
UNION ALL
SELECT 'agent_runs', 'agent_runs_continuation_of_run_id_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', continuation_of_run_id::text)
FROM agent_runs WHERE continuation_of_run_id IS NOT NULL
GROUP BY continuation_of_run_id HAVING count(*) > 1
UNION ALL
SELECT 'worker_jobs', 'worker_jobs_supervisor_run_id_tool_call_id_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', supervisor_run_id::text, tool_call_id::text)
FROM worker_jobs WHERE supervisor_run_id IS NOT NULL AND tool_call_id IS NOT NULL
GROUP BY supervisor_run_id, tool_call_id HAVING count(*) > 1
UNION ALL
SELECT 'worker_barriers', 'worker_barriers_run_id_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', run_id::text)
FROM worker_barriers WHERE run_id IS NOT NULL
GROUP BY run_id HAVING count(*) > 1
UNION ALL
SELECT 'barrier_jobs', 'barrier_jobs_barrier_id_job_id_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', barrier_id::text, job_id::text)
FROM barrier_jobs WHERE barrier_id IS NOT NULL AND job_id IS NOT NULL
GROUP BY barrier_id, job_id HAVING count(*) > 1
UNION ALL
SELECT 'runners', 'runners_owner_id_name_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', owner_id::text, name::text)
FROM runners WHERE owner_id IS NOT NULL AND name IS NOT NULL
GROUP BY owner_id, name HAVING count(*) > 1
UNION ALL
SELECT 'runner_enroll_tokens', 'runner_enroll_tokens_token_hash_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', token_hash::text)
FROM runner_enroll_tokens WHERE token_hash IS NOT NULL
GROUP BY token_hash HAVING count(*) > 1
UNION ALL
SELECT 'connectors', 'connectors_owner_id_type_provider_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', owner_id::text, type::text, provider::text)
FROM connectors WHERE owner_id IS NOT NULL AND type IS NOT NULL AND provider IS NOT NULL
GROUP BY owner_id, type, provider HAVING count(*) > 1
UNION ALL
SELECT 'connector_credentials', 'connector_credentials_agent_id_connector_type_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', agent_id::text, connector_type::text)
FROM connector_credentials WHERE agent_id IS NOT NULL AND connector_type IS NOT NULL
GROUP BY agent_id, connector_type HAVING count(*) > 1
UNION ALL
SELECT 'account_connector_credentials', 'account_connector_credentials_owner_id_connector_type_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', owner_id::text, connector_type::text)
FROM account_connector_credentials WHERE owner_id IS NOT NULL AND connector_type IS NOT NULL
GROUP BY owner_id, connector_type HAVING count(*) > 1
UNION ALL
SELECT 'workflows', 'workflows_owner_id_name_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', owner_id::text, name::text)
FROM workflows WHERE owner_id IS NOT NULL AND name IS NOT NULL AND is_active
GROUP BY owner_id, name HAVING count(*) > 1
UNION ALL
SELECT 'canvas_layouts', 'canvas_layouts_user_id_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', user_id::text)
FROM canvas_layouts WHERE user_id IS NOT NULL AND workflow_id IS NULL
GROUP BY user_id HAVING count(*) > 1
UNION ALL
SELECT 'canvas_layouts', 'canvas_layouts_user_id_workflow_id_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', user_id::text, workflow_id::text)
FROM canvas_layouts WHERE user_id IS NOT NULL AND workflow_id IS NOT NULL
GROUP BY user_id, workflow_id HAVING count(*) > 1
UNION ALL
SELECT 'knowledge_documents', 'knowledge_documents_source_id_path_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', source_id::text, path::text)
FROM knowledge_documents WHERE source_id IS NOT NULL AND path IS NOT NULL
GROUP BY source_id, path HAVING count(*) > 1
UNION ALL
SELECT 'memory_files', 'memory_files_owner_id_path_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', owner_id::text, path::text)
FROM memory_files WHERE owner_id IS NOT NULL AND path IS NOT NULL
GROUP BY owner_id, path HAVING count(*) > 1
UNION ALL
SELECT 'memory_embeddings', 'memory_embeddings_owner_id_memory_file_id_model_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', owner_id::text, memory_file_id::text, model::text)
FROM memory_embeddings WHERE owner_id IS NOT NULL AND memory_file_id IS NOT NULL AND model IS NOT NULL
GROUP BY owner_id, memory_file_id, model HAVING count(*) > 1
UNION ALL
SELECT 'sync_operations', 'sync_operations_user_id_op_id_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', user_id::text, op_id::text)
FROM sync_operations WHERE user_id IS NOT NULL AND op_id IS NOT NULL
GROUP BY user_id, op_id HAVING count(*) > 1
UNION ALL
SELECT 'waitlist_entries', 'waitlist_entries_email_key', string_agg(id::text, ', ' ORDER BY id), concat_ws(', ', email::text)
FROM waitlist_entries WHERE email IS NOT NULL
GROUP BY email HAVING count(*) > 1
ORDER BY 1, 2, 3;

-- name: list_invalid_json()
-- json values that jsonb rejects: a \u0000 escape (NUL is not allowed in jsonb text).
SELECT 'users' AS table_name, 'users.prefs jsonb' AS constraint_name, id::text AS row_ids, left(prefs::text, 200) AS value
FROM users WHERE prefs::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'users', 'users.context jsonb', id::text, left(context::text, 200)
FROM users WHERE context::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'agents', 'agents.config jsonb', id::text, left(config::text, 200)
FROM agents WHERE config::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'agents', 'agents.allowed_tools jsonb', id::text, left(allowed_tools::text, 200)
FROM agents WHERE allowed_tools::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'agent_threads', 'agent_threads.agent_state jsonb', id::text, left(agent_state::text, 200)
FROM agent_threads WHERE agent_state::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'thread_messages', 'thread_messages.tool_calls jsonb', id::text, left(tool_calls::text, 200)
FROM thread_messages WHERE tool_calls::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'thread_messages', 'thread_messages.message_metadata jsonb', id::text, left(message_metadata::text, 200)
FROM thread_messages WHERE message_metadata::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'triggers', 'triggers.config jsonb', id::text, left(config::text, 200)
FROM triggers WHERE config::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'runners', 'runners.labels jsonb', id::text, left(labels::text, 200)
FROM runners WHERE labels::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'runners', 'runners.capabilities jsonb', id::text, left(capabilities::text, 200)
FROM runners WHERE capabilities::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'runners', 'runners.runner_metadata jsonb', id::text, left(runner_metadata::text, 200)
FROM runners WHERE runner_metadata::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'runner_jobs', 'runner_jobs.artifacts jsonb', id::text, left(artifacts::text, 200)
FROM runner_jobs WHERE artifacts::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'connectors', 'connectors.config jsonb', id::text, left(config::text, 200)
FROM connectors WHERE config::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'connector_credentials', 'connector_credentials.connector_metadata jsonb', id::text, left(connector_metadata::text, 200)
FROM connector_credentials WHERE connector_metadata::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'account_connector_credentials', 'account_connector_credentials.connector_metadata jsonb', id::text, left(connector_metadata::text, 200)
FROM account_connector_credentials WHERE connector_metadata::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'workflows', 'workflows.canvas jsonb', id::text, left(canvas::text, 200)
FROM workflows WHERE canvas::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'workflow_templates', 'workflow_templates.canvas jsonb', id::text, left(canvas::text, 200)
FROM workflow_templates WHERE canvas::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'workflow_templates', 'workflow_templates.tags jsonb', id::text, left(tags::text, 200)
FROM workflow_templates WHERE tags::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'node_execution_states', 'node_execution_states.output jsonb', id::text, left(output::text, 200)
FROM node_execution_states WHERE output::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'canvas_layouts', 'canvas_layouts.nodes_json jsonb', id::text, left(nodes_json::text, 200)
FROM canvas_layouts WHERE nodes_json::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'canvas_layouts', 'canvas_layouts.viewport jsonb', id::text, left(viewport::text, 200)
FROM canvas_layouts WHERE viewport::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'knowledge_sources', 'knowledge_sources.config jsonb', id::text, left(config::text, 200)
FROM knowledge_sources WHERE config::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'knowledge_documents', 'knowledge_documents.doc_metadata jsonb', id::text, left(doc_metadata::text, 200)
FROM knowledge_documents WHERE doc_metadata::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'agent_memory_kv', 'agent_memory_kv.value jsonb', user_id || '/' || key, left(value::text, 200)
FROM agent_memory_kv WHERE value::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'agent_memory_kv', 'agent_memory_kv.tags jsonb', user_id || '/' || key, left(tags::text, 200)
FROM agent_memory_kv WHERE tags::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'memory_files', 'memory_files.tags jsonb', id::text, left(tags::text, 200)
FROM memory_files WHERE tags::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'memory_files', 'memory_files.file_metadata jsonb', id::text, left(file_metadata::text, 200)
FROM memory_files WHERE file_metadata::text ~ '(^|[^\\])(\\\\)*\\u0000'
UNION ALL
SELECT 'sync_operations', 'sync_operations.body jsonb', id::text, left(body::text, 200)
FROM sync_operations WHERE body::text ~ '(^|[^\\])(\\\\)*\\u0000'
ORDER BY 1, 2, 3;

-- name: list_messages_without_sent_at()
-- create_all shape: messages with no sent_at (it becomes NOT NULL; nothing to fill it from).
SELECT 'thread_messages' AS table_name, 'thread_messages.sent_at NOT NULL' AS constraint_name,
       id::text AS row_ids, NULL::text AS value
FROM thread_messages WHERE sent_at IS NULL
ORDER BY id;

-- name: list_messages_without_any_time()
-- Migration-built shape: messages with neither sent_at nor the extra created_at to fill it from.
SELECT 'thread_messages' AS table_name, 'thread_messages.sent_at NOT NULL' AS constraint_name,
       id::text AS row_ids, NULL::text AS value
FROM thread_messages WHERE sent_at IS NULL AND created_at IS NULL
ORDER BY id;

-- name: count_created_at_folds()^
-- Migration-built shape: how many sent_at get filled from created_at, and how many created_at
-- values that differ from sent_at by more than a second go with the column.
SELECT count(*) FILTER (WHERE sent_at IS NULL AND created_at IS NOT NULL) AS filled,
       count(*) FILTER (WHERE sent_at IS NOT NULL AND created_at IS NOT NULL
                        AND abs(extract(epoch FROM sent_at - created_at AT TIME ZONE 'UTC')) > 1) AS differing
FROM thread_messages;
