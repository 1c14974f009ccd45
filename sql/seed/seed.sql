-- A realistic, referentially consistent dataset, made set-based (zerg-sql seed --scale S).
-- At scale 1: 1,000 users, 3,000 agents, 30,000 threads, 100,000 runs (+ continuations),
-- about 1,000,000 run events, 2,000,000 thread messages, 500,000 worker jobs and 1,000,000
-- LLM audit rows, runners, barriers and (where ops exists) 10,000 queue jobs. Statuses,
-- failures, slow calls, stuck workers and orphaned jobs in realistic proportions; times
-- spread over the last 30 days, denser towards now, so the dashboards have data.
--
-- Speed (docs/benchmarks.md): the big tables are written in the order their indexes grow.
-- Runs are numbered in time order, and each run's events, LLM calls and worker jobs are
-- generated run after run (messages thread after thread), so ids, run_id and created_at
-- keys are appended at the right edge of their b-trees instead of landing on random
-- pages. That order comes from the plan (a nested loop over the seq scan of a map that
-- was filled in rn order), not from an ORDER BY: sorting millions of rows would cost more
-- than it saves, and the order only affects speed, never the data. Categorical choices come from arithmetic on the row numbers (mod of a product
-- with a prime), not from random(): cheaper, and the same dataset every time except for
-- uuids and now(). JSON payloads are constants where a constant is realistic.
-- Parents are numbered in temporary tables (seed_*), so children pick them by arithmetic.
-- :batch keeps repeated seeds apart (emails, tool_call ids, correlation ids).

-- name: start_seed(seed)$
-- Make random() repeatable, and give the joins, sorts and index builds of the load room (this transaction only).
SELECT setseed(:seed::float8)::text || set_config('work_mem', '64MB', true)
       || set_config('maintenance_work_mem', '256MB', true);

-- name: is_superuser()$
-- May this session skip the per-row foreign-key triggers (session_replication_role)?
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;

-- name: skip_fk_triggers#
-- Bulk-load mode for this transaction only (as pg_restore --disable-triggers does): the
-- per-row RI triggers cost more than the inserts; the seed is consistent by construction
-- and tests/devtools/test_seed.py checks every foreign key of the seeded rows.
SET LOCAL session_replication_role = replica;

-- name: create_index_helpers#
-- Session-private helpers: build a table's secondary indexes after its load when it starts empty.
CREATE OR REPLACE FUNCTION pg_temp.seed_defer_indexes(tbl regclass) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    has_rows boolean;
    r record;
    n int := 0;
BEGIN
    -- Only a table nobody has written to yet: a live table keeps its indexes.
    EXECUTE 'SELECT EXISTS (SELECT FROM ' || tbl::text || ')' INTO has_rows;
    IF has_rows THEN
        RETURN 0;
    END IF;
    CREATE TEMP TABLE IF NOT EXISTS seed_deferred_indexes (tbl regclass, name text, def text);
    -- Plain secondary indexes only: primary keys and unique constraints stay (FKs and
    -- ON CONFLICT need them), and pg_get_indexdef gives back each definition exactly.
    FOR r IN SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
             FROM pg_index AS i
             WHERE i.indrelid = tbl AND NOT i.indisprimary
               AND NOT EXISTS (SELECT FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)
    LOOP
        INSERT INTO seed_deferred_indexes VALUES (tbl, r.name, r.def);
        EXECUTE 'DROP INDEX ' || r.name;
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_restore_indexes(tbl regclass) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n int := 0;
BEGIN
    IF to_regclass('pg_temp.seed_deferred_indexes') IS NULL THEN
        RETURN 0;
    END IF;
    FOR r IN DELETE FROM seed_deferred_indexes AS d WHERE d.tbl = seed_restore_indexes.tbl RETURNING d.def LOOP
        EXECUTE r.def;
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

-- name: defer_indexes(table_name)$
-- Drop the table's secondary indexes for the load if it is empty (same transaction); returns how many.
SELECT pg_temp.seed_defer_indexes(:table_name::regclass);

-- name: restore_indexes(table_name)$
-- Build the deferred indexes again, from their exact definitions (same transaction); returns how many.
SELECT pg_temp.seed_restore_indexes(:table_name::regclass);

-- name: seed_index_definitions()
-- Every index of this schema with its definition (the seed must leave them as it found them).
SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname;

-- name: create_seed_maps#
-- Temporary maps from 1..n to the ids just inserted (they live as long as the session).
CREATE TEMP TABLE seed_users (rn bigint PRIMARY KEY, id bigint);
CREATE TEMP TABLE seed_agents (rn bigint PRIMARY KEY, id bigint, owner_id bigint);
CREATE TEMP TABLE seed_threads (rn bigint PRIMARY KEY, id bigint, agent_id bigint, owner_id bigint);
CREATE TEMP TABLE seed_runs (rn bigint PRIMARY KEY, id bigint, agent_id bigint, thread_id bigint, owner_id bigint,
                             trace_id uuid, created_at timestamptz, started_at timestamptz, status text);

-- name: seed_run_range()^
-- The first and last run id of this seed, for the second loading session.
SELECT min(id) AS lo, max(id) AS hi FROM seed_runs;

-- name: load_seed_runs(lo, hi, prefix)!
-- The run map again, in a second session (temporary tables are private to a session):
-- this seed's runs are those in the id range whose correlation_id has the seed's prefix.
CREATE TEMP TABLE seed_runs AS
SELECT row_number() OVER (ORDER BY r.id) AS rn, r.id, r.agent_id, r.thread_id, a.owner_id, r.trace_id,
       r.created_at, r.started_at, r.status
FROM agent_runs r JOIN agents a ON a.id = r.agent_id
WHERE r.id BETWEEN :lo::bigint AND :hi::bigint
  AND left(r.correlation_id, length(:prefix::text)) = :prefix::text
ORDER BY r.id;

-- name: seed_users(scale, batch)!
-- 1,000 users per scale unit; one in fifty is an admin.
WITH ins AS (
    INSERT INTO users (provider, provider_user_id, email, is_active, role, display_name, prefs, context, last_login, created_at)
    SELECT 'google', 'seed-' || :batch::text || '-' || g,
           'user' || g || '.' || :batch::text || '@seed.invalid',
           mod(g, 97) <> 0,
           CASE WHEN mod(g, 50) = 0 THEN 'admin' ELSE 'user' END,
           'Seed User ' || g,
           CASE WHEN mod(g, 3) = 0 THEN '{"theme": "dark"}'::jsonb ELSE '{"theme": "light"}'::jsonb END,
           '{"timezone": "UTC", "servers": ["cube", "clifford"]}'::jsonb,
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

-- name: seed_runs(scale, batch)!
-- 100,000 runs per scale unit, numbered in time order (created_at grows with g, denser
-- towards now: about one in a hundred in the last hour, one in ten in the last day), dealt
-- to the threads in turn. Mostly successes, some failures with id-bearing errors and
-- cancellations, deferred runs (continued later); in the last 30 minutes also runs still
-- running, waiting or queued (about 1 in 8 of those: their jobs are the stuck, queued and
-- orphaned workers). Durations from 0.2 s to minutes.
WITH t AS (SELECT count(*) AS n FROM seed_threads),
r AS (SELECT (100000 * :scale::float8)::int AS n),
-- MATERIALIZED: each derived value is computed once per run, not at every reference.
base AS MATERIALIZED (
    SELECT g, st.id AS thread_id, st.agent_id, st.owner_id,
           now() - interval '30 days' * power(1 - g / (r.n + 1)::float8, 1.5) AS created_at,
           mod(g * 7919, 1000) AS r, mod(g * 104723, 997)::float8 / 997 AS r2
    FROM r CROSS JOIN generate_series(1, r.n::bigint) g
    JOIN seed_threads st ON st.rn = 1 + mod(g - 1, (SELECT n FROM t))
),
gen AS MATERIALIZED (
    SELECT base.*,
           CASE WHEN created_at < now() - interval '30 minutes' THEN
                     CASE WHEN r < 880 THEN 'success' WHEN r < 960 THEN 'failed'
                          WHEN r < 985 THEN 'cancelled' ELSE 'deferred' END
                WHEN r < 700 THEN 'success' WHEN r < 780 THEN 'failed' WHEN r < 800 THEN 'cancelled'
                WHEN r < 860 THEN 'running' WHEN r < 920 THEN 'waiting' WHEN r < 960 THEN 'deferred'
                ELSE 'queued' END AS status,
           (exp(r2 * 8) * 200) * interval '1 millisecond' AS dur,
           lpad(to_hex((extract(epoch FROM created_at) * 1000)::bigint), 12, '0') AS ms
    FROM base
),
ins AS (
    INSERT INTO agent_runs (agent_id, thread_id, correlation_id, trace_id, model, reasoning_effort, status, trigger,
                            started_at, finished_at, duration_ms, total_tokens, total_cost_usd, error,
                            error_signature, summary, created_at, updated_at)
    SELECT agent_id, thread_id, 'seed-' || :batch::text || '-' || g,
           -- UUIDv7 layout (milliseconds, then random bits): trace ids grow with time.
           (substr(ms, 1, 8) || '-' || substr(ms, 9, 4) || substr(gen_random_uuid()::text, 14))::uuid,
           (ARRAY['gpt-5.2', 'gpt-4o-mini', 'claude-sonnet-4'])[1 + mod(g, 3)],
           (ARRAY['none', 'low', 'medium', 'high'])[1 + mod(g, 4)],
           status,
           (ARRAY['manual', 'schedule', 'chat', 'chat', 'chat', 'webhook', 'api'])[1 + mod(g, 7)],
           CASE WHEN status <> 'queued' THEN created_at + interval '50 milliseconds' END,
           CASE WHEN status IN ('success', 'failed', 'cancelled') THEN created_at + interval '50 milliseconds' + dur END,
           CASE WHEN status IN ('success', 'failed', 'cancelled') THEN (extract(epoch FROM dur) * 1000)::int END,
           CASE WHEN status = 'success' THEN 500 + (r2 * 20000)::int END,
           CASE WHEN status = 'success' THEN round((r2 * 0.2)::numeric, 5)::float8 END,
           CASE WHEN status = 'failed' THEN
               (ARRAY['Tool web_fetch timed out after ' || (10 + mod(g, 50)) || 's (job ' || g || ')',
                      'LLM provider returned 429 for request req_a' || md5(g::text),
                      'Worker ' || g || ' crashed: KeyError ''tool_call_id''',
                      'Connector gmail: token expired for user ' || owner_id])[1 + mod(g, 4)] END,
           -- error_signature() of each message, written out: the regexes cost ~40 us a row
           -- (the trigger that computes it is off during the seed); tests/devtools/test_seed.py
           -- checks every seeded signature against the function.
           CASE WHEN status = 'failed' THEN
               (ARRAY['Tool web_fetch timed out after <n>s (job <n>)',
                      'LLM provider returned <n> for request req_<hex>',
                      'Worker <n> crashed: KeyError ''tool_call_id''',
                      'Connector gmail: token expired for user <n>'])[1 + mod(g, 4)] END,
           CASE WHEN status = 'success' THEN 'Done: summary of run ' || g END,
           created_at, created_at
    FROM gen
    ORDER BY g
    RETURNING id, agent_id, thread_id, trace_id, created_at, started_at, status
)
INSERT INTO seed_runs
SELECT row_number() OVER (ORDER BY ins.id), ins.id, ins.agent_id, ins.thread_id, st.owner_id, ins.trace_id,
       ins.created_at, ins.started_at, ins.status
FROM ins JOIN seed_threads st ON st.id = ins.thread_id;

-- name: analyze_seed_runs#
-- Statistics for the temporary map, so the children's joins are planned right.
ANALYZE seed_runs;

-- name: seed_continuations()!
-- Every deferred run got a continuation run (trigger continuation) that finished the work.
INSERT INTO agent_runs (agent_id, thread_id, continuation_of_run_id, trace_id, model, status, trigger,
                        started_at, finished_at, duration_ms, created_at, updated_at)
SELECT r.agent_id, r.thread_id, r.id, r.trace_id, r.model,
       CASE WHEN mod(s.rn, 5) = 0 THEN 'failed' ELSE 'success' END, 'continuation',
       r.started_at + interval '5 minutes', r.started_at + interval '6 minutes', 60000,
       r.started_at + interval '5 minutes', r.started_at + interval '6 minutes'
FROM agent_runs r JOIN seed_runs s ON s.id = r.id
WHERE s.status = 'deferred';

-- name: seed_run_events(batch)!
-- 1 to 19 events per run (10 on average), run after run, in id order within each run:
-- started, thinking, streamed tokens, worker lifecycle events naming the run's jobs'
-- tool calls, complete. Runs still queued have none yet.
INSERT INTO agent_run_events (run_id, event_type, payload, created_at)
SELECT sr.id, e.event_type,
       CASE WHEN left(e.event_type, 7) = 'worker_'
            THEN jsonb_build_object('tool_call_id', 'call_' || :batch::text || '_' || sr.rn || '_' || k)
            WHEN e.event_type = 'supervisor_token' THEN '{"token": "The"}'::jsonb
            ELSE '{}'::jsonb END,
       sr.started_at + k * interval '1 second'
FROM seed_runs sr
CROSS JOIN LATERAL generate_series(1, 1 + mod(sr.rn * 7, 19)) k
CROSS JOIN LATERAL (SELECT CASE WHEN k = 1 THEN 'supervisor_started'
                                WHEN k = 1 + mod(sr.rn * 7, 19) THEN 'supervisor_complete'
                                ELSE (ARRAY['supervisor_thinking', 'supervisor_token', 'supervisor_token',
                                            'supervisor_token', 'supervisor_tool_started', 'worker_spawned',
                                            'worker_started', 'worker_complete', 'supervisor_tool_completed'])[1 + mod(k, 9)]
                           END AS event_type) e
WHERE sr.started_at IS NOT NULL;

-- name: seed_thread_messages(batch)!
-- 10 to 30 messages per run (20 on average, so 2,000,000 per scale unit) in its thread,
-- run after run: user / assistant / tool / system, the assistant's tool calls answered by
-- tool messages; a queued run's messages are not processed yet; some are internal.
INSERT INTO thread_messages (thread_id, role, content, tool_calls, tool_call_id, name, sent_at, processed,
                             message_metadata, internal)
SELECT sr.thread_id, m.role,
       CASE m.role WHEN 'user' THEN 'Please check my inbox and summarise what is new'
                   WHEN 'assistant' THEN 'Here is what I found in your inbox today'
                   WHEN 'tool' THEN '{"ok": true, "items": 3}'
                   ELSE 'System note: context refreshed' END,
       CASE WHEN mod(k, 7) = 2
            THEN jsonb_build_array(jsonb_build_object('id', 'call_' || :batch::text || '_' || sr.rn || '_' || k,
                                                      'name', 'web_fetch', 'args', '{}'::jsonb)) END,
       CASE WHEN m.role = 'tool' THEN 'call_' || :batch::text || '_' || sr.rn || '_' || (k - 1) END,
       CASE WHEN m.role = 'tool' THEN 'web_fetch' END,
       sr.created_at + k * interval '1 second',
       sr.status <> 'queued',
       CASE WHEN mod(k, 5) = 0 THEN '{"source": "seed"}'::jsonb END,
       mod(k, 11) = 0
FROM seed_runs sr
CROSS JOIN LATERAL generate_series(1, 10 + mod(sr.rn * 13, 21)) k
CROSS JOIN LATERAL (SELECT (ARRAY['user', 'assistant', 'assistant', 'tool', 'user', 'assistant', 'system'])[1 + mod(k, 7)] AS role) m;

-- name: seed_worker_jobs(batch)!
-- 0 to 10 worker jobs per run (5 on average), run after run. A finished run's jobs are
-- done (mostly success, failures under failed runs, a few cancelled); the jobs of runs
-- still running or waiting are running (those older than minutes are the stuck workers),
-- queued, or orphaned in 'created'.
INSERT INTO worker_jobs (owner_id, supervisor_run_id, tool_call_id, trace_id, task, model, reasoning_effort, status,
                         worker_id, error, error_signature, created_at, updated_at, started_at, finished_at)
SELECT sr.owner_id, sr.id, 'call_' || :batch::text || '_' || sr.rn || '_' || j, sr.trace_id,
       'Research topic ' || j || ' of run ' || sr.rn || ' and summarise the findings for the supervisor',
       (ARRAY['gpt-5.2', 'gpt-4o-mini'])[1 + mod(j, 2)], (ARRAY['none', 'low', 'medium'])[1 + mod(j, 3)],
       s.status,
       CASE WHEN s.status IN ('running', 'success', 'failed') THEN 'worker-' || lpad(sr.rn::text, 9, '0') || '-' || j END,
       CASE WHEN s.status = 'failed' THEN
           (ARRAY['Timeout after ' || (60 + mod(sr.rn, 240)) || 's in job ' || j || ' of run ' || sr.rn,
                  'ssh to runner ' || mod(sr.rn, 20) || ' failed: connection refused'])[1 + mod(sr.rn + j, 2)] END,
       CASE WHEN s.status = 'failed' THEN  -- error_signature() of the message, as for runs
           (ARRAY['Timeout after <n>s in job <n> of run <n>',
                  'ssh to runner <n> failed: connection refused'])[1 + mod(sr.rn + j, 2)] END,
       sr.created_at + j * interval '1 second', sr.created_at + j * interval '1 second',
       CASE WHEN s.status IN ('running', 'success', 'failed') THEN sr.created_at + (j + 2) * interval '1 second' END,
       CASE WHEN s.status IN ('success', 'failed', 'cancelled') THEN sr.created_at + (j + 5 + mod(sr.rn * j, 600)) * interval '1 second' END
FROM seed_runs sr
CROSS JOIN LATERAL generate_series(1, mod(sr.rn * 3, 11)) j
CROSS JOIN LATERAL (SELECT mod(sr.rn * 31 + j * 17, 100) AS r) x
CROSS JOIN LATERAL (SELECT CASE
         WHEN sr.status IN ('running', 'waiting') THEN
              CASE WHEN j = 1 THEN 'success' WHEN x.r < 60 THEN 'running' WHEN x.r < 80 THEN 'queued'
                   WHEN x.r < 90 THEN 'created' ELSE 'failed' END
         WHEN sr.status = 'queued' THEN 'created'
         WHEN sr.status = 'cancelled' THEN 'cancelled'
         WHEN sr.status = 'failed' THEN CASE WHEN x.r < 50 THEN 'failed' ELSE 'success' END
         ELSE CASE WHEN x.r < 95 THEN 'success' WHEN x.r < 98 THEN 'failed' ELSE 'cancelled' END
       END AS status) s;

-- name: seed_llm_audit_log()!
-- 1 to 19 LLM calls per run (10 on average), run after run: phases, token counts, 1 in 100
-- slower than 60 s, 2 in 100 errors, prompts and tool calls as jsonb; calls after the
-- first few belong to the run's workers; 1 in 200 without a run (background calls).
INSERT INTO llm_audit_log (created_at, run_id, worker_id, thread_id, owner_id, trace_id, span_id, phase, model,
                           messages, message_count, input_tokens, response_content, response_tool_calls,
                           output_tokens, reasoning_tokens, duration_ms, error)
SELECT sr.created_at + k * interval '2 seconds',
       CASE WHEN x.r <> 0 THEN sr.id END,
       CASE WHEN k > 3 AND mod(sr.rn * 3, 11) > 0
            THEN 'worker-' || lpad(sr.rn::text, 9, '0') || '-' || (1 + mod(k, mod(sr.rn * 3, 11))) END,
       CASE WHEN x.r <> 0 THEN sr.thread_id END,
       sr.owner_id, sr.trace_id, gen_random_uuid(),
       (ARRAY['initial', 'tool_iteration', 'tool_iteration', 'synthesis'])[1 + mod(k, 4)],
       (ARRAY['gpt-5.2', 'gpt-4o-mini', 'claude-sonnet-4'])[1 + mod(sr.rn, 3)],
       CASE WHEN k = 1 THEN '[{"role": "system", "content": "You are Zerg."}, {"role": "user", "content": "Check my inbox"}]'::jsonb
            ELSE '[{"role": "system", "content": "You are Zerg."}, {"role": "user", "content": "Check my inbox"}, {"role": "assistant", "content": "Calling web_fetch"}, {"role": "tool", "content": "{\"ok\": true}"}]'::jsonb END,
       CASE WHEN k = 1 THEN 2 ELSE 4 END, 200 + mod(x.r * 37, 4000),
       CASE WHEN mod(x.r, 50) <> 1 THEN 'I checked your inbox: three new messages, one needs a reply.' END,
       CASE WHEN mod(k, 4) = 1 THEN '[{"name": "web_fetch", "args": {"url": "https://example.test/inbox"}, "id": "call_1"}]'::jsonb END,
       20 + mod(x.r * 13, 800), CASE WHEN mod(x.r, 3) = 0 THEN mod(x.r, 300) END,
       CASE WHEN mod(x.r, 100) = 7 THEN 60001 + x.r * 900 ELSE 200 + mod(x.r * 37, 9000) END,
       CASE WHEN mod(x.r, 50) = 1 THEN 'RateLimitError: 429 Too Many Requests (request ' || sr.rn || '-' || k || ')' END
FROM seed_runs sr
CROSS JOIN LATERAL generate_series(1, 1 + mod(sr.rn * 11, 19)) k
CROSS JOIN LATERAL (SELECT mod(sr.rn * 7 + k * 131, 200) AS r) x;

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

-- name: count_seeded_users()$
-- Users an earlier seed loaded (their e-mails end in @seed.invalid): a second seed doubles the data.
SELECT count(*) FROM users WHERE right(email, 13) = '@seed.invalid';

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

-- name: create_orphan_counter#
-- A session-private helper for count_seed_orphans: rows of tbl.col whose value has no row in ptbl.pcol.
CREATE OR REPLACE FUNCTION pg_temp.seed_orphans(tbl regclass, col name, ptbl regclass, pcol name) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE 'SELECT count(*) FROM ' || tbl::text || ' AS child WHERE child.' || quote_ident(col)
         || ' IS NOT NULL AND NOT EXISTS (SELECT FROM ' || ptbl::text || ' AS parent WHERE parent.'
         || quote_ident(pcol) || ' = child.' || quote_ident(col) || ')' INTO n;
    RETURN n;
END $$;

-- name: count_seed_orphans()
-- Every single-column foreign key of this schema with its rows that have no parent (0 when consistent; after create_orphan_counter).
SELECT c.conname AS constraint_name, c.conrelid::regclass::text AS table_name,
       pg_temp.seed_orphans(c.conrelid::regclass, a.attname, c.confrelid::regclass, pa.attname) AS orphans
FROM pg_constraint AS c
JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
JOIN pg_attribute AS pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace AND cardinality(c.conkey) = 1
ORDER BY 1;

-- name: seed_profile()
-- The mix the seed produced: rows per table and status (or kind), for reports and tests.
SELECT 'agent_runs' AS table_name, status AS kind, count(*) AS rows FROM agent_runs GROUP BY status
UNION ALL
SELECT 'agent_runs', 'continuation', count(*) FROM agent_runs WHERE trigger = 'continuation'
UNION ALL
SELECT 'worker_jobs', status, count(*) FROM worker_jobs GROUP BY status
UNION ALL
SELECT 'worker_jobs', 'stuck (running, started over 10 min ago)', count(*) FROM worker_jobs
WHERE status = 'running' AND started_at < now() - interval '10 minutes'
UNION ALL
SELECT 'worker_jobs', 'orphaned (created over 5 min ago)', count(*) FROM worker_jobs
WHERE status = 'created' AND created_at < now() - interval '5 minutes'
UNION ALL
SELECT 'llm_audit_log', CASE WHEN error IS NOT NULL THEN 'error' WHEN duration_ms > 60000 THEN 'slow (over 60 s)'
                             WHEN run_id IS NULL THEN 'no run' ELSE 'ok' END, count(*)
FROM llm_audit_log GROUP BY 2
UNION ALL
SELECT 'thread_messages', role || CASE WHEN processed THEN '' ELSE ' (unprocessed)' END, count(*)
FROM thread_messages GROUP BY 2
UNION ALL
SELECT 'agent_run_events', event_type, count(*) FROM agent_run_events GROUP BY event_type
ORDER BY 1, 2;

-- name: count_wrong_error_signatures()
-- Rows with an error whose stored error_signature is not error_signature(error) (the seed writes them out; 0 expected).
SELECT 'agent_runs' AS table_name, count(*) AS wrong
FROM agent_runs WHERE error IS NOT NULL AND error_signature IS DISTINCT FROM error_signature(error)
UNION ALL
SELECT 'worker_jobs', count(*)
FROM worker_jobs WHERE error IS NOT NULL AND error_signature IS DISTINCT FROM error_signature(error);
