-- A realistic, referentially consistent dataset, made set-based (zerg-sql seed --scale S).
-- At scale 1: 1,000 users, 3,000 agents, 30,000 threads, 100,000 runs (+ continuations),
-- 1,000,000 run events, 2,000,000 thread messages, 500,000 worker jobs, 1,000,000 LLM
-- audit rows, runners, barriers and (where ops exists) 10,000 queue jobs. Statuses, failures,
-- slow calls, stuck workers and orphaned jobs in realistic proportions; times spread over
-- the last 30 days, with the newest rows in the last hours so the dashboards have data.
-- Every step is one INSERT ... SELECT from generate_series; zerg_sql/seed.py runs them in
-- order in one transaction. :batch keeps repeated seeds apart (emails, tool_call ids).
-- Parents are numbered in temporary tables (seed_*), so children pick them by arithmetic.

-- name: start_seed(seed)$
-- Make random() repeatable for this transaction.
SELECT setseed(:seed::float8)::text;

-- name: create_seed_maps#
-- Temporary maps from 1..n to the ids just inserted (dropped at commit).
CREATE TEMP TABLE seed_users (rn bigint PRIMARY KEY, id bigint) ON COMMIT DROP;
CREATE TEMP TABLE seed_agents (rn bigint PRIMARY KEY, id bigint, owner_id bigint) ON COMMIT DROP;
CREATE TEMP TABLE seed_threads (rn bigint PRIMARY KEY, id bigint, agent_id bigint, owner_id bigint) ON COMMIT DROP;
CREATE TEMP TABLE seed_runs (rn bigint PRIMARY KEY, id bigint, thread_id bigint, owner_id bigint,
                             trace_id uuid, started_at timestamptz, status text) ON COMMIT DROP;

-- name: seed_users(scale, batch)!
-- 1,000 users per scale unit; one in fifty is an admin.
WITH ins AS (
    INSERT INTO users (provider, provider_user_id, email, is_active, role, display_name, prefs, context, last_login, created_at)
    SELECT 'google', 'seed-' || :batch::text || '-' || g,
           'user' || g || '.' || :batch::text || '@seed.invalid',
           mod(g, 97) <> 0,
           CASE WHEN mod(g, 50) = 0 THEN 'admin' ELSE 'user' END,
           'Seed User ' || g,
           jsonb_build_object('theme', CASE WHEN mod(g, 3) = 0 THEN 'dark' ELSE 'light' END),
           jsonb_build_object('timezone', 'UTC', 'servers', jsonb_build_array('cube', 'clifford')),
           now() - random() * interval '30 days',
           now() - interval '90 days' + random() * interval '60 days'
    FROM generate_series(1, greatest(10, (1000 * :scale::float8)::int)) g
    RETURNING id
)
INSERT INTO seed_users SELECT row_number() OVER (ORDER BY id), id FROM ins;

-- name: seed_agents()!
-- Three agents per user; about a third scheduled; a few in error.
WITH u AS (SELECT count(*) AS n FROM seed_users),
ins AS (
    INSERT INTO agents (name, status, system_instructions, task_instructions, schedule, model, config,
                        allowed_tools, owner_id, created_at, last_error)
    SELECT CASE mod(g, 3) WHEN 0 THEN 'Supervisor' WHEN 1 THEN 'Inbox triage ' || g ELSE 'Daily digest ' || g END,
           CASE WHEN mod(g, 41) = 0 THEN 'error' WHEN mod(g, 13) = 0 THEN 'running' ELSE 'idle' END,
           'You are a helpful agent.', 'Do the task of agent ' || g,
           CASE WHEN mod(g, 3) = 2 THEN '0 ' || (mod(g, 24)) || ' * * *' END,
           (ARRAY['gpt-5.2', 'gpt-4o-mini', 'claude-sonnet-4'])[1 + mod(g, 3)],
           CASE WHEN mod(g, 3) = 0 THEN '{"is_supervisor": true}'::jsonb ELSE '{}'::jsonb END,
           CASE WHEN mod(g, 4) = 0 THEN '["web_fetch", "send_email"]'::jsonb END,
           su.id, now() - interval '80 days' + random() * interval '40 days',
           CASE WHEN mod(g, 41) = 0 THEN 'Tool send_email failed: SMTP 421' END
    FROM generate_series(1, (SELECT 3 * n FROM u)) g
    JOIN seed_users su ON su.rn = 1 + (g - 1) / 3
    RETURNING id, owner_id
)
INSERT INTO seed_agents SELECT row_number() OVER (ORDER BY id), id, owner_id FROM ins;

-- name: seed_threads()!
-- Ten threads per agent; the supervisor agent's first thread is its 'super' thread.
WITH ins AS (
    INSERT INTO agent_threads (agent_id, title, active, agent_state, memory_strategy, thread_type, created_at)
    SELECT sa.id, 'Thread ' || g, mod(g, 17) <> 0, '{}'::jsonb, 'buffer',
           CASE WHEN mod(g - 1, 10) = 0 AND mod(sa.rn, 3) = 0 THEN 'super'
                WHEN mod(g, 10) IN (2, 3) THEN 'scheduled' WHEN mod(g, 10) = 4 THEN 'manual' ELSE 'chat' END,
           now() - interval '60 days' + random() * interval '30 days'
    FROM generate_series(1, (SELECT 10 * count(*) FROM seed_agents)) g
    JOIN seed_agents sa ON sa.rn = 1 + (g - 1) / 10
    RETURNING id, agent_id
)
INSERT INTO seed_threads
SELECT row_number() OVER (ORDER BY ins.id), ins.id, ins.agent_id, sa.owner_id
FROM ins JOIN seed_agents sa ON sa.id = ins.agent_id;

-- name: seed_runs(scale)!
-- 100,000 runs per scale unit: mostly successes, some failures with id-bearing errors,
-- a few still running, waiting or deferred; durations log-normal-ish (seconds to minutes).
WITH t AS (SELECT count(*) AS n FROM seed_threads),
gen AS (
    SELECT g, st.id AS thread_id, st.agent_id, st.owner_id,
           now() - random() * random() * interval '30 days' AS created_at,
           random() AS r, random() AS r2
    FROM generate_series(1, (100000 * :scale::float8)::int) g
    JOIN seed_threads st ON st.rn = 1 + mod(g::bigint * 7919, (SELECT n FROM t))
),
ins AS (
    INSERT INTO agent_runs (agent_id, thread_id, correlation_id, trace_id, model, reasoning_effort, status, trigger,
                            started_at, finished_at, duration_ms, total_tokens, total_cost_usd, error, summary,
                            created_at, updated_at)
    SELECT agent_id, thread_id, 'corr-' || g, gen_random_uuid(),
           (ARRAY['gpt-5.2', 'gpt-4o-mini', 'claude-sonnet-4'])[1 + mod(g, 3)],
           (ARRAY['none', 'low', 'medium', 'high'])[1 + mod(g, 4)],
           s.status,
           (ARRAY['manual', 'schedule', 'chat', 'chat', 'chat', 'webhook', 'api'])[1 + mod(g, 7)],
           CASE WHEN s.status <> 'queued' THEN created_at + interval '50 milliseconds' END,
           CASE WHEN s.status IN ('success', 'failed', 'cancelled') THEN created_at + interval '50 milliseconds' + d.dur END,
           CASE WHEN s.status IN ('success', 'failed', 'cancelled') THEN (extract(epoch FROM d.dur) * 1000)::int END,
           CASE WHEN s.status = 'success' THEN 500 + (r2 * 20000)::int END,
           CASE WHEN s.status = 'success' THEN round((r2 * 0.2)::numeric, 5)::float8 END,
           CASE WHEN s.status = 'failed' THEN
               (ARRAY['Tool web_fetch timed out after ' || (10 + mod(g, 50)) || 's (job ' || g || ')',
                      'LLM provider returned 429 for request req_' || md5(g::text),
                      'Worker ' || g || ' crashed: KeyError ''tool_call_id''',
                      'Connector gmail: token expired for user ' || owner_id])[1 + mod(g, 4)] END,
           CASE WHEN s.status = 'success' THEN 'Done: summary of run ' || g END,
           created_at, created_at
    FROM gen
    CROSS JOIN LATERAL (SELECT CASE WHEN r < 0.85 THEN 'success' WHEN r < 0.93 THEN 'failed'
                                    WHEN r < 0.95 THEN 'cancelled' WHEN r < 0.965 THEN 'running'
                                    WHEN r < 0.975 THEN 'waiting' WHEN r < 0.985 THEN 'deferred'
                                    ELSE 'queued' END AS status) s
    CROSS JOIN LATERAL (SELECT (exp(r2 * 8) * 20) * interval '1 millisecond' * 10 AS dur) d
    RETURNING id, thread_id, trace_id, started_at, status
)
INSERT INTO seed_runs
SELECT row_number() OVER (ORDER BY ins.id), ins.id, ins.thread_id, st.owner_id, ins.trace_id, ins.started_at, ins.status
FROM ins JOIN seed_threads st ON st.id = ins.thread_id;

-- name: seed_continuations()!
-- Every deferred run got a continuation run (trigger continuation) that finished the work.
INSERT INTO agent_runs (agent_id, thread_id, continuation_of_run_id, trace_id, model, status, trigger,
                        started_at, finished_at, duration_ms, created_at, updated_at)
SELECT r.agent_id, r.thread_id, r.id, r.trace_id, r.model,
       CASE WHEN mod(r.id, 5) = 0 THEN 'failed' ELSE 'success' END, 'continuation',
       r.started_at + interval '5 minutes', r.started_at + interval '6 minutes', 60000,
       r.started_at + interval '5 minutes', r.started_at + interval '6 minutes'
FROM agent_runs r JOIN seed_runs s ON s.id = r.id
WHERE r.status = 'deferred';

-- name: seed_run_events(scale)!
-- Ten events per run on average, in id order within each run.
INSERT INTO agent_run_events (run_id, event_type, payload, created_at)
SELECT sr.id,
       (ARRAY['supervisor_started', 'supervisor_thinking', 'supervisor_token', 'supervisor_token',
              'supervisor_tool_started', 'worker_spawned', 'worker_started', 'worker_complete',
              'supervisor_tool_completed', 'supervisor_complete'])[1 + mod(g, 10)],
       jsonb_build_object('seq', mod(g, 10), 'job_id', g / 10, 'tool_call_id', 'call_' || (g / 10)),
       coalesce(sr.started_at, now()) + (mod(g, 10)) * interval '1 second'
FROM generate_series(1, (1000000 * :scale::float8)::int) g
JOIN seed_runs sr ON sr.rn = 1 + mod(g / 10, (SELECT count(*) FROM seed_runs));

-- name: seed_thread_messages(scale, batch)!
-- Chat history: user / assistant / tool / system messages, most processed, some internal.
INSERT INTO thread_messages (thread_id, role, content, tool_calls, tool_call_id, name, sent_at, processed,
                             message_metadata, internal)
SELECT st.id,
       m.role,
       CASE m.role WHEN 'user' THEN 'Please check my inbox (' || g || ')'
                   WHEN 'assistant' THEN 'Here is what I found in message ' || g
                   WHEN 'tool' THEN '{"ok": true, "items": ' || (mod(g, 7)) || '}'
                   ELSE 'System note ' || g END,
       CASE WHEN m.role = 'assistant' AND mod(g, 3) = 0
            THEN jsonb_build_array(jsonb_build_object('id', 'call_' || :batch::text || g, 'name', 'web_fetch', 'args', '{}'::jsonb)) END,
       CASE WHEN m.role = 'tool' THEN 'call_' || :batch::text || g END,
       CASE WHEN m.role = 'tool' THEN 'web_fetch' END,
       now() - interval '30 days' + (g::float8 / greatest(1, (2000000 * :scale::float8))) * interval '30 days',
       mod(g, 50) <> 0,
       CASE WHEN mod(g, 5) = 0 THEN '{"source": "seed"}'::jsonb END,
       mod(g, 11) = 0
FROM generate_series(1, (2000000 * :scale::float8)::int) g
JOIN seed_threads st ON st.rn = 1 + mod(g::bigint * 104729, (SELECT count(*) FROM seed_threads))
CROSS JOIN LATERAL (SELECT (ARRAY['user', 'assistant', 'assistant', 'tool', 'user', 'assistant', 'system'])[1 + mod(g, 7)] AS role) m;

-- name: seed_worker_jobs(scale, batch)!
-- Worker jobs spawned by supervisor runs: mostly done; some failed, running (a few stuck
-- for hours), queued, cancelled, and some orphaned in 'created' for over five minutes.
INSERT INTO worker_jobs (owner_id, supervisor_run_id, tool_call_id, trace_id, task, model, reasoning_effort, status,
                         worker_id, error, created_at, updated_at, started_at, finished_at)
SELECT sr.owner_id, sr.id, 'call_' || :batch::text || '_' || g, sr.trace_id,
       'Research topic ' || g || ' and summarise the findings for the supervisor',
       (ARRAY['gpt-5.2', 'gpt-4o-mini'])[1 + mod(g, 2)], (ARRAY['none', 'low', 'medium'])[1 + mod(g, 3)],
       s.status,
       CASE WHEN s.status IN ('running', 'success', 'failed') THEN 'worker-' || g END,
       CASE WHEN s.status = 'failed' THEN
           (ARRAY['Timeout after ' || (60 + mod(g, 240)) || 's in job ' || g,
                  'ssh to runner ' || (mod(g, 20)) || ' failed: connection refused'])[1 + mod(g, 2)] END,
       c.created_at, c.created_at,
       CASE WHEN s.status IN ('running', 'success', 'failed') THEN c.created_at + interval '2 seconds' END,
       CASE WHEN s.status IN ('success', 'failed', 'cancelled') THEN c.created_at + (5 + mod(g, 600)) * interval '1 second' END
FROM generate_series(1, (500000 * :scale::float8)::int) g
JOIN seed_runs sr ON sr.rn = 1 + mod(g, (SELECT count(*) FROM seed_runs))
CROSS JOIN LATERAL (SELECT random() AS r) x
CROSS JOIN LATERAL (SELECT CASE WHEN x.r < 0.86 THEN 'success' WHEN x.r < 0.93 THEN 'failed'
                                WHEN x.r < 0.95 THEN 'running' WHEN x.r < 0.97 THEN 'queued'
                                WHEN x.r < 0.98 THEN 'created' ELSE 'cancelled' END AS status) s
CROSS JOIN LATERAL (SELECT CASE WHEN s.status IN ('running', 'queued', 'created')
                                THEN now() - random() * interval '3 hours'
                                ELSE coalesce(sr.started_at, now()) + interval '1 second' END AS created_at) c;

-- name: seed_llm_audit_log(scale)!
-- One row per LLM call: phases, token counts, 1 in 100 slower than 60 s, 2 in 100 errors,
-- messages and tool calls as jsonb; a few rows without a run (background calls).
INSERT INTO llm_audit_log (created_at, run_id, worker_id, thread_id, owner_id, trace_id, span_id, phase, model,
                           messages, message_count, input_tokens, response_content, response_tool_calls,
                           output_tokens, reasoning_tokens, duration_ms, error)
SELECT coalesce(sr.started_at, now()) + (mod(g, 20)) * interval '1 second',
       CASE WHEN mod(g, 200) <> 0 THEN sr.id END,
       CASE WHEN mod(g, 4) = 0 THEN 'worker-' || g END,
       CASE WHEN mod(g, 200) <> 0 THEN sr.thread_id END,
       sr.owner_id, sr.trace_id, gen_random_uuid(),
       (ARRAY['initial', 'tool_iteration', 'tool_iteration', 'synthesis'])[1 + mod(g, 4)],
       (ARRAY['gpt-5.2', 'gpt-4o-mini', 'claude-sonnet-4'])[1 + mod(g, 3)],
       jsonb_build_array(jsonb_build_object('role', 'system', 'content', 'You are Zerg.'),
                         jsonb_build_object('role', 'user', 'content', 'Question ' || g)),
       2, 200 + mod(g, 4000),
       CASE WHEN mod(g, 50) <> 0 THEN 'Answer ' || g END,
       CASE WHEN mod(g, 4) = 1 THEN jsonb_build_array(jsonb_build_object('name', 'web_fetch', 'args', jsonb_build_object('url', 'https://example.test/' || g), 'id', 'call_' || g)) END,
       20 + mod(g, 800), CASE WHEN mod(g, 3) = 0 THEN mod(g, 300) END,
       CASE WHEN mod(g, 100) = 0 THEN 60001 + mod(g, 90000) ELSE 200 + mod(g * 37, 9000) END,
       CASE WHEN mod(g, 50) = 0 THEN 'RateLimitError: 429 Too Many Requests (request ' || md5(g::text) || ')' END
FROM generate_series(1, (1000000 * :scale::float8)::int) g
JOIN seed_runs sr ON sr.rn = 1 + mod(g / 10, (SELECT count(*) FROM seed_runs));

-- name: seed_barriers()!
-- A barrier for every waiting supervisor run, expecting its worker jobs.
INSERT INTO worker_barriers (run_id, expected_count, completed_count, status, deadline_at, created_at)
SELECT sr.id, 2, 1, CASE WHEN mod(sr.rn, 10) = 0 THEN 'resuming' ELSE 'waiting' END,
       coalesce(sr.started_at, now()) + interval '10 minutes', coalesce(sr.started_at, now())
FROM seed_runs sr WHERE sr.status = 'waiting';

-- name: seed_barrier_jobs()!
-- The barrier jobs: the worker jobs of each barrier's run.
INSERT INTO barrier_jobs (barrier_id, job_id, tool_call_id, status, attempt_count, created_at)
SELECT b.id, w.id, w.tool_call_id,
       CASE w.status WHEN 'success' THEN 'completed' WHEN 'failed' THEN 'failed' WHEN 'queued' THEN 'queued' ELSE 'created' END,
       1, w.created_at
FROM worker_barriers b
JOIN seed_runs sr ON sr.id = b.run_id
JOIN worker_jobs w ON w.supervisor_run_id = b.run_id;

-- name: seed_runners(batch)!
-- Two runners for one user in five: online, offline and a revoked one now and then.
INSERT INTO runners (owner_id, name, labels, capabilities, status, last_seen_at, auth_secret_hash, runner_metadata)
SELECT su.id, 'runner-' || k, jsonb_build_object('role', CASE k WHEN 1 THEN 'laptop' ELSE 'server' END),
       CASE WHEN k = 1 THEN '["exec.readonly"]'::jsonb ELSE '["exec.full", "docker"]'::jsonb END,
       CASE WHEN mod(su.rn, 11) = 0 THEN 'revoked' WHEN mod(su.rn + k, 3) = 0 THEN 'offline' ELSE 'online' END,
       now() - random() * interval '2 hours', md5(:batch::text || su.id || k),
       jsonb_build_object('hostname', 'host-' || su.id || '-' || k, 'os', 'linux')
FROM seed_users su CROSS JOIN generate_series(1, 2) k
WHERE mod(su.rn, 5) = 0;

-- name: seed_queue_jobs(scale, batch)!
-- ops.job_queue (dev and test only): due, scheduled, running (some with expired leases),
-- finished and dead jobs with their errors.
INSERT INTO ops.job_queue (id, job_id, status, scheduled_for, attempts, max_attempts, lease_owner, lease_expires_at,
                           dedupe_key, payload, last_error, started_at, finished_at, created_at, updated_at)
SELECT gen_random_uuid()::text, (ARRAY['backup-sentinel', 'disk-health-cube', 'digest'])[1 + mod(g, 3)], s.status,
       now() - (mod(g, 1000)) * interval '1 minute' + CASE WHEN mod(g, 10) = 0 THEN interval '1 hour' ELSE interval '0' END,
       CASE s.status WHEN 'queued' THEN mod(g, 2) WHEN 'dead' THEN 3 ELSE 1 END, 3,
       CASE WHEN s.status = 'running' THEN 'seed-host:' || g END,
       CASE WHEN s.status = 'running' THEN now() + CASE WHEN mod(g, 4) = 0 THEN -interval '5 minutes' ELSE interval '10 minutes' END END,
       'seed:' || :batch::text || ':' || g, '{}'::jsonb,
       CASE WHEN s.status = 'dead' OR (s.status = 'queued' AND mod(g, 2) = 1) THEN 'RuntimeError: backup target unreachable' END,
       CASE WHEN s.status <> 'queued' THEN now() - (mod(g, 1000)) * interval '1 minute' END,
       CASE WHEN s.status IN ('success', 'dead') THEN now() - (mod(g, 1000)) * interval '1 minute' + interval '30 seconds' END,
       now() - (mod(g, 1000)) * interval '1 minute' - interval '1 minute', now()
FROM generate_series(1, greatest(10, (10000 * :scale::float8)::int)) g
CROSS JOIN LATERAL (SELECT CASE WHEN mod(g, 20) < 14 THEN 'success' WHEN mod(g, 20) < 17 THEN 'queued'
                                WHEN mod(g, 20) < 19 THEN 'running' ELSE 'dead' END AS status) s;

-- name: ops_queue_exists()$
-- Is there an ops.job_queue to seed (dev and test create it; prod's belongs elsewhere)?
SELECT to_regclass('ops.job_queue') IS NOT NULL;

-- name: analyze_seeded#
-- Fresh statistics for the planner after a bulk load.
ANALYZE users, agents, agent_threads, agent_runs, agent_run_events, thread_messages, worker_jobs,
        llm_audit_log, worker_barriers, barrier_jobs, runners;

-- name: analyze_queue#
-- Fresh statistics for the queue table.
ANALYZE ops.job_queue;
