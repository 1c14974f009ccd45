-- Zerg's own queries, as its ORM issued them (zerg-schema-at-seed.md §3 and §4), against
-- the legacy schema (search_path legacy): uppercase agent_runs enums, naive UTC
-- timestamps, Zerg's indexes. bench/questions.py pairs each with our named query that
-- answers the same question. Time windows end at :as_of (Zerg passed utcnow() - hours,
-- naive, as a parameter): the benchmark sets it to the dataset's own "now", so a dataset
-- built an hour ago still has data in its last hour, on both sides alike.

-- name: legacy_list_traces(max_rows, skip)
-- §3.1: one row per run with a trace, newest first, OFFSET paging.
SELECT trace_id, id AS run_id, lower(status) AS status, model, started_at, duration_ms
FROM agent_runs WHERE trace_id IS NOT NULL
ORDER BY created_at DESC OFFSET :skip::int LIMIT :max_rows::int;

-- name: legacy_trace_runs(trace_id, max_rows)
-- §3.2 query 1 of 3: the trace's runs.
SELECT * FROM agent_runs WHERE trace_id = :trace_id::uuid ORDER BY created_at DESC LIMIT :max_rows::int;

-- name: legacy_trace_workers(trace_id, max_rows)
-- §3.2 query 2 of 3: the trace's worker jobs.
SELECT * FROM worker_jobs WHERE trace_id = :trace_id::uuid ORDER BY created_at DESC LIMIT :max_rows::int;

-- name: legacy_trace_llm(trace_id, max_rows)
-- §3.2 query 3 of 3: the trace's LLM calls.
SELECT * FROM llm_audit_log WHERE trace_id = :trace_id::uuid ORDER BY created_at DESC LIMIT :max_rows::int;

-- name: legacy_runner_status_counts()
-- §3.3: runners per status.
SELECT status, count(id) FROM runners GROUP BY status;

-- name: legacy_count_run_errors(minutes, as_of)$
-- §3.3: failed runs created in the last hour.
SELECT count(*) FROM agent_runs
WHERE status = 'FAILED' AND created_at >= (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(mins => :minutes::int);

-- name: legacy_count_worker_errors(minutes, as_of)$
-- §3.3: failed worker jobs created in the last hour.
SELECT count(*) FROM worker_jobs
WHERE status = 'failed' AND created_at >= (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(mins => :minutes::int);

-- name: legacy_run_errors(hours, max_rows, as_of)
-- §3.4 (a): latest failed runs of the window.
SELECT id, left(error, 200) AS error, created_at, trace_id FROM agent_runs
WHERE status = 'FAILED' AND created_at >= (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(hours => :hours::int)
ORDER BY created_at DESC LIMIT :max_rows::int;

-- name: legacy_worker_errors(hours, max_rows, as_of)
-- §3.4 (b): latest failed worker jobs of the window.
SELECT id, left(error, 200) AS error, created_at, left(task, 100) AS task_preview, trace_id FROM worker_jobs
WHERE status = 'failed' AND created_at >= (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(hours => :hours::int)
ORDER BY created_at DESC LIMIT :max_rows::int;

-- name: legacy_run_durations(hours, as_of)
-- §3.5: up to 10,000 durations of the window, newest first (percentiles computed in Python).
SELECT duration_ms FROM agent_runs
WHERE created_at >= (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(hours => :hours::int) AND duration_ms IS NOT NULL
ORDER BY created_at DESC LIMIT 10000;

-- name: legacy_stuck_workers(threshold_mins, as_of)
-- §3.6: running jobs started before the threshold, 50, no order.
SELECT id, left(task, 100) AS task, started_at, worker_id, trace_id FROM worker_jobs
WHERE status = 'running' AND started_at < (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(mins => :threshold_mins::int)
LIMIT 50;

-- name: legacy_list_runners()
-- §3.7: runners, last seen first.
SELECT * FROM runners ORDER BY last_seen_at DESC NULLS LAST LIMIT 100;

-- name: legacy_get_run(run_id)^
-- §4: a run by id.
SELECT * FROM agent_runs WHERE id = :run_id::int;

-- name: legacy_runs_by_agent(agent_id, limit_rows)
-- §4: runs of an agent, newest id first.
SELECT * FROM agent_runs WHERE agent_id = :agent_id::int ORDER BY id DESC LIMIT :limit_rows::int;

-- name: legacy_runs_by_owner(owner_id, limit_rows)
-- §4: a user's run list, joined on the agent's owner, newest first.
SELECT r.* FROM agent_runs r JOIN agents a ON a.id = r.agent_id
WHERE a.owner_id = :owner_id::int ORDER BY r.created_at DESC LIMIT :limit_rows::int;

-- name: legacy_active_run_status(agent_id, status)^
-- §4: active run lookup, one status at a time (RUNNING, then WAITING).
SELECT * FROM agent_runs WHERE agent_id = :agent_id::int AND status = :status::text
ORDER BY created_at DESC LIMIT 1;

-- name: legacy_active_run_deferred(agent_id)^
-- §4: active run lookup, last step: DEFERRED without a finished continuation.
SELECT * FROM agent_runs r WHERE r.agent_id = :agent_id::int AND r.status = 'DEFERRED'
  AND NOT EXISTS (SELECT 1 FROM agent_runs c WHERE c.continuation_of_run_id = r.id
                  AND c.trigger = 'CONTINUATION' AND c.status IN ('SUCCESS', 'FAILED', 'CANCELLED'))
ORDER BY r.created_at DESC LIMIT 1;

-- name: legacy_latest_thread_run(thread_id)^
-- §4: latest run of a thread.
SELECT * FROM agent_runs WHERE thread_id = :thread_id::int ORDER BY created_at DESC LIMIT 1;

-- name: legacy_unfinished_runs()
-- §4: startup recovery.
SELECT * FROM agent_runs WHERE status IN ('RUNNING', 'QUEUED', 'DEFERRED');

-- name: legacy_thread_page(thread_id, offset_rows, limit_rows)
-- §4: thread paging, visible messages in id order, OFFSET / LIMIT.
SELECT * FROM thread_messages WHERE thread_id = :thread_id::int AND internal = false
ORDER BY id OFFSET :offset_rows::int LIMIT :limit_rows::int;

-- name: legacy_chat_history(thread_id, offset_rows, limit_rows)
-- §4: chat history page.
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::int AND role IN ('user', 'assistant') AND internal = false
ORDER BY sent_at ASC OFFSET :offset_rows::int LIMIT :limit_rows::int;

-- name: legacy_count_chat_history(thread_id)$
-- §4: chat history count for the pager.
SELECT count(*) FROM thread_messages WHERE thread_id = :thread_id::int AND role IN ('user', 'assistant') AND internal = false;

-- name: legacy_unprocessed_messages(thread_id)
-- §4: unprocessed messages of a thread.
SELECT * FROM thread_messages WHERE thread_id = :thread_id::int AND processed = false ORDER BY id;

-- name: legacy_last_user_message(thread_id)^
-- §4: last user message of a thread.
SELECT * FROM thread_messages WHERE thread_id = :thread_id::int AND role = 'user' AND internal = false
ORDER BY sent_at DESC LIMIT 1;

-- name: legacy_run_events_after(run_id, after_id)
-- §4: SSE replay without token events.
SELECT * FROM agent_run_events WHERE run_id = :run_id::int AND id > :after_id::bigint
  AND event_type <> 'supervisor_token' ORDER BY id;

-- name: legacy_agent_history_events(agent_id, event_types)
-- §4: history of an agent: events of 8 types over all its runs.
SELECT * FROM agent_run_events
WHERE run_id IN (SELECT id FROM agent_runs WHERE agent_id = :agent_id::int)
  AND event_type = ANY(:event_types::text[]) ORDER BY id;

-- name: legacy_worker_jobs_by_run(supervisor_run_id)
-- §4: jobs of a supervisor run.
SELECT * FROM worker_jobs WHERE supervisor_run_id = :supervisor_run_id::int ORDER BY created_at;

-- name: legacy_recent_worker_jobs(owner_id, minutes, limit_rows, as_of)
-- §4: a user's recent jobs (recent context).
SELECT * FROM worker_jobs
WHERE owner_id = :owner_id::int AND created_at >= (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(mins => :minutes::int)
  AND status IN ('success', 'failed', 'running')
ORDER BY created_at DESC LIMIT :limit_rows::int;

-- name: legacy_active_worker_jobs(owner_id, limit_rows)
-- §4: a user's queued / running jobs.
SELECT * FROM worker_jobs WHERE owner_id = :owner_id::int AND status IN ('queued', 'running')
ORDER BY created_at DESC LIMIT :limit_rows::int;

-- name: legacy_queued_worker_jobs(max_rows)
-- §4: the worker poller, every second.
SELECT * FROM worker_jobs WHERE status = 'queued' ORDER BY created_at ASC LIMIT :max_rows::int;

-- name: legacy_running_worker_jobs()
-- §4: startup recovery of running jobs.
SELECT * FROM worker_jobs WHERE status = 'running';

-- name: legacy_llm_by_trace(trace_id, limit_rows)
-- §4: LLM calls of a trace.
SELECT * FROM llm_audit_log WHERE trace_id = :trace_id::uuid ORDER BY created_at DESC LIMIT :limit_rows::int;

-- name: legacy_llm_by_run(run_id)
-- §4: LLM calls of a run, newest first, 1000.
SELECT * FROM llm_audit_log WHERE run_id = :run_id::int ORDER BY created_at DESC LIMIT 1000;

-- name: legacy_llm_coverage(hours, as_of)^
-- §4: coverage counts since a time.
SELECT count(*) AS calls, count(trace_id) AS traced_calls FROM llm_audit_log
WHERE created_at >= (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(hours => :hours::int);

-- name: legacy_quota_runs_today(owner_id, as_of)$
-- quota.assert_can_start_run: the user's runs with date(started_at) = today (UTC).
SELECT count(r.id) FROM agent_runs r JOIN agents a ON a.id = r.agent_id
WHERE a.owner_id = :owner_id::int AND r.started_at IS NOT NULL
  AND date(r.started_at) = (:as_of::timestamptz AT TIME ZONE 'UTC')::date;

-- name: legacy_quota_user_cost_today(owner_id, as_of)$
-- quota.assert_can_start_run: the user's cost of runs with date(finished_at) = today.
SELECT coalesce(sum(r.total_cost_usd), 0.0) FROM agent_runs r JOIN agents a ON a.id = r.agent_id
WHERE a.owner_id = :owner_id::int AND r.finished_at IS NOT NULL
  AND date(r.finished_at) = (:as_of::timestamptz AT TIME ZONE 'UTC')::date;

-- name: legacy_quota_global_cost_today(as_of)$
-- quota.assert_can_start_run: everyone's cost of runs with date(finished_at) = today.
SELECT coalesce(sum(total_cost_usd), 0.0) FROM agent_runs
WHERE finished_at IS NOT NULL AND date(finished_at) = (:as_of::timestamptz AT TIME ZONE 'UTC')::date;

-- name: legacy_user_usage_range(owner_id, hours, as_of)^
-- usage_service._get_user_usage_range: one user's tokens, cost and runs started in the window.
SELECT coalesce(sum(coalesce(r.total_tokens, 0)), 0) AS total_tokens,
       coalesce(sum(coalesce(r.total_cost_usd, 0.0)), 0.0) AS total_cost, count(r.id) AS run_count
FROM agent_runs r JOIN agents a ON a.id = r.agent_id
WHERE a.owner_id = :owner_id::int AND r.started_at IS NOT NULL
  AND r.started_at >= (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(hours => :hours::int)
  AND r.started_at < (:as_of::timestamptz AT TIME ZONE 'UTC');

-- name: legacy_user_usage_daily(owner_id, hours, as_of)
-- usage_service.get_user_usage_detail: the daily breakdown of the window, newest day first.
SELECT date(r.started_at) AS run_date, coalesce(sum(coalesce(r.total_tokens, 0)), 0) AS tokens,
       coalesce(sum(coalesce(r.total_cost_usd, 0.0)), 0.0) AS cost_usd, count(r.id) AS runs
FROM agent_runs r JOIN agents a ON a.id = r.agent_id
WHERE a.owner_id = :owner_id::int AND r.started_at IS NOT NULL
  AND r.started_at >= (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(hours => :hours::int)
  AND r.started_at < (:as_of::timestamptz AT TIME ZONE 'UTC')
GROUP BY date(r.started_at) ORDER BY date(r.started_at) DESC;

-- name: legacy_user_top_agents(owner_id, hours, as_of)
-- usage_service.get_user_usage_detail: the top 10 agents of the window by cost.
SELECT a.id AS agent_id, a.name, coalesce(sum(coalesce(r.total_tokens, 0)), 0) AS tokens,
       coalesce(sum(coalesce(r.total_cost_usd, 0.0)), 0.0) AS cost_usd, count(r.id) AS runs
FROM agents a JOIN agent_runs r ON a.id = r.agent_id
WHERE a.owner_id = :owner_id::int AND r.started_at IS NOT NULL
  AND r.started_at >= (:as_of::timestamptz AT TIME ZONE 'UTC') - make_interval(hours => :hours::int)
  AND r.started_at < (:as_of::timestamptz AT TIME ZONE 'UTC')
GROUP BY a.id, a.name ORDER BY sum(coalesce(r.total_cost_usd, 0.0)) DESC LIMIT 10;
