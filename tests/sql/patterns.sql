-- The query patterns of zerg-schema-at-seed.md §4 on the big tables, as Zerg's services
-- run them. tests/test_schema.py EXPLAINs each one on seeded data: none may scan a big table.

-- name: pattern_thread_page(thread_id)
-- Paging a thread's visible messages in id order.
SELECT * FROM thread_messages WHERE thread_id = :thread_id::bigint AND internal = false ORDER BY id LIMIT 50 OFFSET 0;

-- name: pattern_unprocessed_messages(thread_id)
-- Messages of a thread not yet processed.
SELECT id FROM thread_messages WHERE thread_id = :thread_id::bigint AND processed = false ORDER BY id;

-- name: pattern_chat_history(thread_id)
-- Chat history by sent_at.
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role IN ('user', 'assistant') AND internal = false
ORDER BY sent_at LIMIT 50;

-- name: pattern_last_user_message(thread_id)
-- The last user message of a thread.
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'user' AND internal = false ORDER BY sent_at DESC LIMIT 1;

-- name: pattern_tool_results(thread_id)
-- Tool results of a thread.
SELECT * FROM thread_messages WHERE thread_id = :thread_id::bigint AND role = 'tool' AND tool_call_id IS NOT NULL;

-- name: pattern_runs_of_agent(agent_id)
-- Runs of an agent, newest first.
SELECT * FROM agent_runs WHERE agent_id = :agent_id::bigint ORDER BY id DESC LIMIT 20;

-- name: pattern_runs_of_user(owner_id)
-- A user's run list across their agents.
SELECT r.* FROM agent_runs r JOIN agents a ON a.id = r.agent_id
WHERE a.owner_id = :owner_id::bigint ORDER BY r.created_at DESC LIMIT 20;

-- name: pattern_active_run(agent_id)
-- The running run of a supervisor agent.
SELECT * FROM agent_runs WHERE agent_id = :agent_id::bigint AND status = 'running' ORDER BY created_at DESC LIMIT 1;

-- name: pattern_latest_run_of_thread(thread_id)
-- The latest run of a thread.
SELECT * FROM agent_runs WHERE thread_id = :thread_id::bigint ORDER BY created_at DESC LIMIT 1;

-- name: pattern_runs_to_recover()
-- Startup recovery: runs left running, queued or deferred.
SELECT id FROM agent_runs WHERE status IN ('running', 'queued', 'deferred');

-- name: pattern_runs_of_trace(trace_id)
-- Runs of a trace.
SELECT * FROM agent_runs WHERE trace_id = :trace_id::uuid ORDER BY created_at DESC LIMIT 100;

-- name: pattern_recent_failed_runs()
-- Failed runs of the last hour (system health).
SELECT count(*) FROM agent_runs WHERE status = 'failed' AND created_at >= now() - interval '1 hour';

-- name: pattern_run_durations_24h()
-- Durations of the last day's runs (performance).
SELECT duration_ms FROM agent_runs WHERE created_at >= now() - interval '24 hours' AND duration_ms IS NOT NULL;

-- name: pattern_queued_worker_jobs()
-- The worker poller: oldest queued jobs.
SELECT id FROM worker_jobs WHERE status = 'queued' ORDER BY created_at LIMIT 10;

-- name: pattern_orphaned_worker_jobs()
-- The reaper: jobs stuck in created for five minutes.
SELECT id FROM worker_jobs WHERE status = 'created' AND created_at < now() - interval '5 minutes';

-- name: pattern_stuck_workers()
-- Workers running for more than ten minutes.
SELECT id FROM worker_jobs WHERE status = 'running' AND started_at < now() - interval '10 minutes';

-- name: pattern_workers_of_run(run_id)
-- Worker jobs of a supervisor run.
SELECT * FROM worker_jobs WHERE supervisor_run_id = :run_id::bigint;

-- name: pattern_recent_worker_context(owner_id)
-- A user's recent workers (supervisor context).
SELECT * FROM worker_jobs
WHERE owner_id = :owner_id::bigint AND created_at >= now() - interval '60 minutes'
  AND status IN ('success', 'failed', 'running') ORDER BY created_at DESC LIMIT 10;

-- name: pattern_workers_of_trace(trace_id)
-- Worker jobs of a trace.
SELECT * FROM worker_jobs WHERE trace_id = :trace_id::uuid ORDER BY created_at DESC LIMIT 100;

-- name: pattern_llm_calls_of_trace(trace_id)
-- LLM calls of a trace.
SELECT * FROM llm_audit_log WHERE trace_id = :trace_id::uuid ORDER BY created_at DESC LIMIT 100;

-- name: pattern_llm_calls_of_run(run_id)
-- LLM calls of a run.
SELECT * FROM llm_audit_log WHERE run_id = :run_id::bigint ORDER BY created_at DESC LIMIT 1000;

-- name: pattern_llm_coverage()
-- Audit coverage of the last hour.
SELECT count(*), count(trace_id) FROM llm_audit_log WHERE created_at >= now() - interval '1 hour';

-- name: pattern_event_replay(run_id, after_id)
-- SSE replay after an event id, without token events.
SELECT * FROM agent_run_events
WHERE run_id = :run_id::bigint AND id > :after_id::bigint AND event_type <> 'supervisor_token' ORDER BY id;

-- name: pattern_event_max_id(run_id)
-- The newest event id of a run.
SELECT max(id) FROM agent_run_events WHERE run_id = :run_id::bigint;

-- name: pattern_event_history(run_id)
-- Worker and supervisor events of a run.
SELECT * FROM agent_run_events
WHERE run_id = :run_id::bigint AND event_type IN ('worker_spawned', 'worker_started', 'worker_complete') ORDER BY id;
