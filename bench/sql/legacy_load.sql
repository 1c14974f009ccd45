-- The legacy copy for the benchmarks (bench/legacy.py): the rows of the `zerg` schema,
-- copied into the `legacy` schema that sql/legacy/create_all.sql built (Zerg's create_all
-- shape with Zerg's indexes), in the same database, so both schemas hold THE SAME DATA
-- with the same ids. Mapping as adopt's in reverse (docs/schema-notes.md "Legacy stored
-- values"): lowercase -> UPPERCASE enum member names, timestamptz -> naive UTC timestamp
-- (except the two columns Zerg kept as timestamptz), jsonb -> json where Zerg had json.
-- Only the tables the benchmarked questions read. Rows go in id order, as they were written.

-- name: legacy_bulk_mode()#
-- Bench-only bulk load: skip the per-row FK triggers (the source rows are consistent).
SET LOCAL session_replication_role = replica;

-- name: legacy_load_users()!
-- users.
INSERT INTO legacy.users (id, provider, provider_user_id, email, is_active, role, display_name, avatar_url,
                          prefs, context, last_login, gmail_refresh_token, created_at, updated_at)
SELECT id, provider, provider_user_id, email, is_active, upper(role), display_name, avatar_url,
       prefs::json, context::json, last_login AT TIME ZONE 'UTC', gmail_refresh_token,
       created_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC'
FROM zerg.users ORDER BY id;

-- name: legacy_load_agents()!
-- agents.
INSERT INTO legacy.agents (id, name, status, system_instructions, task_instructions, schedule, model, config,
                           allowed_tools, owner_id, next_run_at, last_run_at, created_at, updated_at, last_error)
SELECT id, name, upper(status), system_instructions, task_instructions, schedule, model, config::json,
       allowed_tools::json, owner_id, next_run_at AT TIME ZONE 'UTC', last_run_at AT TIME ZONE 'UTC',
       created_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC', last_error
FROM zerg.agents ORDER BY id;

-- name: legacy_load_threads()!
-- agent_threads.
INSERT INTO legacy.agent_threads (id, agent_id, title, active, agent_state, memory_strategy, thread_type,
                                  created_at, updated_at)
SELECT id, agent_id, title, active, agent_state::json, memory_strategy, upper(thread_type),
       created_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC'
FROM zerg.agent_threads ORDER BY id;

-- name: legacy_load_messages()!
-- thread_messages (sent_at was timestamptz in Zerg too).
INSERT INTO legacy.thread_messages (id, thread_id, role, content, tool_calls, tool_call_id, name, sent_at,
                                    processed, message_metadata, parent_id, internal)
SELECT id, thread_id, role, content, tool_calls::json, tool_call_id, name, sent_at, processed,
       message_metadata::json, parent_id, internal
FROM zerg.thread_messages ORDER BY id;

-- name: legacy_load_runs()!
-- agent_runs.
INSERT INTO legacy.agent_runs (id, agent_id, thread_id, continuation_of_run_id, correlation_id, trace_id, model,
                               reasoning_effort, assistant_message_id, status, trigger, started_at, finished_at,
                               duration_ms, total_tokens, total_cost_usd, error, cancel_reason, summary,
                               created_at, updated_at)
SELECT id, agent_id, thread_id, continuation_of_run_id, correlation_id, trace_id, model, reasoning_effort,
       assistant_message_id, upper(status), upper(trigger), started_at AT TIME ZONE 'UTC',
       finished_at AT TIME ZONE 'UTC', duration_ms, total_tokens, total_cost_usd, error, cancel_reason, summary,
       created_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC'
FROM zerg.agent_runs ORDER BY id;

-- name: legacy_load_run_events()!
-- agent_run_events (jsonb payload and timestamptz in Zerg too).
INSERT INTO legacy.agent_run_events (id, run_id, event_type, payload, created_at)
SELECT id, run_id, event_type, payload, created_at
FROM zerg.agent_run_events ORDER BY id;

-- name: legacy_load_worker_jobs()!
-- worker_jobs (statuses were lowercase in Zerg).
INSERT INTO legacy.worker_jobs (id, owner_id, supervisor_run_id, tool_call_id, trace_id, task, model,
                                reasoning_effort, status, worker_id, error, created_at, updated_at,
                                started_at, finished_at)
SELECT id, owner_id, supervisor_run_id, tool_call_id, trace_id, task, model, reasoning_effort, status,
       worker_id, error, created_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC',
       started_at AT TIME ZONE 'UTC', finished_at AT TIME ZONE 'UTC'
FROM zerg.worker_jobs ORDER BY id;

-- name: legacy_load_llm_audit()!
-- llm_audit_log (messages / response_tool_calls were jsonb in Zerg too).
INSERT INTO legacy.llm_audit_log (id, created_at, run_id, worker_id, thread_id, owner_id, trace_id, span_id,
                                  phase, model, messages, message_count, input_tokens, response_content,
                                  response_tool_calls, output_tokens, reasoning_tokens, duration_ms,
                                  checkpoint_id, error)
SELECT id, created_at AT TIME ZONE 'UTC', run_id, worker_id, thread_id, owner_id, trace_id, span_id, phase,
       model, messages, message_count, input_tokens, response_content, response_tool_calls, output_tokens,
       reasoning_tokens, duration_ms, checkpoint_id, error
FROM zerg.llm_audit_log ORDER BY id;

-- name: legacy_load_runners()!
-- runners.
INSERT INTO legacy.runners (id, owner_id, name, labels, capabilities, status, last_seen_at, auth_secret_hash,
                            runner_metadata, created_at, updated_at)
SELECT id, owner_id, name, labels::json, capabilities::json, status, last_seen_at AT TIME ZONE 'UTC',
       auth_secret_hash, runner_metadata::json, created_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC'
FROM zerg.runners ORDER BY id;

-- name: bench_vacuum()#
-- Vacuum the big tables of both schemas (outside a transaction), as autovacuum leaves them.
VACUUM zerg.agent_runs, zerg.agent_run_events, zerg.thread_messages, zerg.worker_jobs, zerg.llm_audit_log,
       zerg.runners, legacy.agent_runs, legacy.agent_run_events, legacy.thread_messages,
       legacy.worker_jobs, legacy.llm_audit_log, legacy.runners;

-- name: legacy_analyze()#
-- Planner statistics for the copy, as for ours.
ANALYZE legacy.users, legacy.agents, legacy.agent_threads, legacy.thread_messages, legacy.agent_runs,
        legacy.agent_run_events, legacy.worker_jobs, legacy.llm_audit_log, legacy.runners;
