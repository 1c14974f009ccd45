-- Dashboards: the /traces and /reliability pages (zerg-schema-at-seed.md §3) and the
-- health of ops.job_queue, as SQL functions in this schema. The named queries in
-- sql/queries/{traces,reliability,queue_health}.sql only call them, so Python, the CLI
-- (`zerg-sql dash ...`) and a psql user run exactly the same code:
--     SELECT * FROM reliability_errors(hours => 6);
-- docs/psql.md says why functions (aiosql and psql share only `:name`), docs/dashboards.md
-- what each one computes and what was fixed against Zerg's originals.
--
-- Rules every function here follows:
-- * Read-only, STABLE (or IMMUTABLE), SECURITY INVOKER (the default), no SET clause: a
--   read-only dashboard role can run them with its own privileges.
-- * The zerg functions are LANGUAGE sql with a single SELECT, so PostgreSQL inlines them
--   into the calling query: the parameters become part of the plan, the tables' indexes
--   are used, and EXPLAIN SELECT * FROM f(...) shows the real plan.
-- * Their bodies are SQL-standard (BEGIN ATOMIC ... END, RETURN ...; PostgreSQL 14+):
--   parsed when this migration runs, so tables and functions are bound then (to this
--   schema) and a call works whatever the caller's search_path, e.g. from a bare psql:
--   SELECT * FROM zerg.reliability_errors(hours => 6). PostgreSQL also records what they
--   read, so a later migration cannot drop or retype such a column unnoticed. The plpgsql
--   functions pin search_path to this schema instead (SET search_path FROM CURRENT: a
--   setting of the function call only).
-- * Parameters carry the reference's defaults and bounds (dashboard_arg raises a clear
--   error outside them). Time windows end at `as_of` (default now(), NULL = now()), so a
--   past incident can be looked at and tests get exact answers.
-- * Every free text shown (errors, tasks, responses, tool arguments) passes through
--   redact_secrets(); no credential column is read.
-- * Parameter names differ from every column name: in a SQL function a column of the
--   same name would silently win over the parameter.
-- * The queue functions read ops.job_queue, which in prod belongs to another repo and may
--   be absent here: they are plpgsql, whose bodies are resolved only when called, so this
--   migration works with or without ops.


-- ---------------------------------------------------------------- helpers

-- Validates one integer parameter: returns it, or raises naming the parameter and its
-- bounds (NULL is refused too). IMMUTABLE so a constant argument is checked at plan time.
CREATE FUNCTION dashboard_arg(value int, lo int, hi int, param text) RETURNS int
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF value IS NULL OR value < lo OR value > hi THEN
        RAISE EXCEPTION 'invalid %: %', param, coalesce(value::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('%s must be an integer from %s to %s', param, lo, hi);
    END IF;
    RETURN value;
END
$$;

-- Validates a timeline level: returns it, or raises.
CREATE FUNCTION dashboard_level(level text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF level IS NULL OR level NOT IN ('summary', 'errors', 'full') THEN
        RAISE EXCEPTION 'invalid level: %', coalesce(level, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'level must be summary, errors or full';
    END IF;
    RETURN level;
END
$$;

-- The redaction of Zerg's redact_secrets (§3.2 step 7), case-insensitive:
-- 1. the value after api_key / api-key / apikey, password, secret, token, authorization
--    followed by : or = (optionally quoted, as in JSON: "api_key": "sk-..."); a quoted
--    value is replaced whole, and an "Authorization: Bearer xyz" loses scheme and token;
-- 2. the token after "bearer ".
-- Substrings count, as in Zerg: access_token=..., client_secret: ..., x-api-key: ....
CREATE FUNCTION redact_secrets(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN regexp_replace(
           regexp_replace(t,
               '((?:api[_-]?key|password|secret|token|authorization)["'']?\s*[:=]\s*)'
               '(?:"[^"]*"|''[^'']*''|(?:(?:bearer|basic)\s+)?[^\s"'',;&}]+)',
               '\1[REDACTED]', 'gi'),
           '(bearer\s+)(?!\[REDACTED\])[^\s"'',;&}]+', '\1[REDACTED]', 'gi');

-- The signature an error is grouped by: redacted, uuids -> <uuid>, hex ids (8 or more hex
-- digits mixing letters and digits, or 0x...) -> <hex>, every other digit run -> <n>,
-- whitespace collapsed, 200 characters. "job 123 timed out after 30s" and "job 9 timed out
-- after 31s" group together.
CREATE FUNCTION error_signature(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN btrim(coalesce(t, '')) = '' THEN '(no error message)' ELSE
    left(btrim(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(redact_secrets(t),
                        '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'gi'),
                    '\m(?:0x[0-9a-f]+|(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,})\M', '<hex>', 'gi'),
                '[0-9]+', '<n>', 'g'),
            '\s+', ' ', 'g')), 200)
END;


-- ---------------------------------------------------------------- traces (§3.1, §3.2)

-- Recent traces, ONE ROW PER TRACE (Zerg's list had one row per run, so a run and its
-- continuation showed the trace twice), newest first by when the trace began (its
-- first run). Found by walking agent_runs backwards on created_at and keeping the runs
-- that are the first of their trace (trace_id index), so only the rows shown are read.
-- status / model: of the trace's latest run (a deferred run's continuation decides).
-- Traces with no run (workers or LLM calls only) are not listed, as in Zerg.
CREATE FUNCTION trace_list(max_rows int DEFAULT 20, skip int DEFAULT 0)
RETURNS TABLE (
    trace_id uuid, status text, model text, started_at timestamptz, finished_at timestamptz,
    duration_ms bigint, runs bigint, workers bigint, llm_calls bigint, errors bigint,
    first_run_id bigint, last_run_id bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT h.trace_id, lr.status, lr.model, ra.started_at, ra.finished_at,
       (extract(epoch FROM ra.finished_at - ra.started_at) * 1000)::bigint,
       ra.runs, wa.workers, la.llm_calls,
       ra.failed + wa.failed + la.failed,
       h.id, lr.id
FROM (
    SELECT r.trace_id, r.created_at, r.id
    FROM agent_runs AS r
    WHERE r.trace_id IS NOT NULL
      AND NOT EXISTS (
          SELECT FROM agent_runs AS e
          WHERE e.trace_id = r.trace_id
            AND (e.created_at < r.created_at OR (e.created_at = r.created_at AND e.id < r.id)))
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT dashboard_arg(max_rows, 1, 100, 'max_rows')
    OFFSET dashboard_arg(skip, 0, 1000000, 'skip')
) AS h
CROSS JOIN LATERAL (
    SELECT count(*) AS runs,
           count(*) FILTER (WHERE r.status = 'failed') AS failed,
           min(coalesce(r.started_at, r.created_at)) AS started_at,
           max(r.finished_at) AS finished_at
    FROM agent_runs AS r WHERE r.trace_id = h.trace_id
) AS ra
CROSS JOIN LATERAL (
    SELECT r.id, r.status, r.model
    FROM agent_runs AS r WHERE r.trace_id = h.trace_id
    ORDER BY r.created_at DESC, r.id DESC LIMIT 1
) AS lr
CROSS JOIN LATERAL (
    SELECT count(*) AS workers, count(*) FILTER (WHERE w.status = 'failed') AS failed
    FROM worker_jobs AS w WHERE w.trace_id = h.trace_id
) AS wa
CROSS JOIN LATERAL (
    SELECT count(*) AS llm_calls, count(*) FILTER (WHERE l.error IS NOT NULL) AS failed
    FROM llm_audit_log AS l WHERE l.trace_id = h.trace_id
) AS la
ORDER BY h.created_at DESC, h.id DESC;
END;

-- Every event of one trace, unordered (trace_timeline orders and caps them). The events of
-- §3.2 step 2; ALL rows of the trace are read (Zerg fetched the latest N of each table and
-- then kept the earliest events, so a long trace lost its early LLM calls). `ord` breaks
-- ties on equal timestamps in causal order: run started, worker spawned, worker started,
-- LLM call, worker finished, run finished; then the row id. (ts, ord, source_id) is unique.
-- level 'full' keeps longer texts and adds the LLM response preview and tool names.
CREATE FUNCTION trace_events(trace uuid, level text DEFAULT 'summary')
RETURNS TABLE (
    ts timestamptz, ord int, source text, source_id bigint, event_type text,
    is_error boolean, duration_ms bigint, details jsonb)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT r.started_at, 1, 'run' AS source, r.id, 'supervisor.run.started' AS event_type, false, NULL::bigint,
       jsonb_build_object('run_id', r.id, 'agent_id', r.agent_id, 'thread_id', r.thread_id,
                          'model', r.model, 'status', r.status, 'trigger', r.trigger)
FROM agent_runs AS r
WHERE r.trace_id = trace AND r.started_at IS NOT NULL
UNION ALL
SELECT r.finished_at, 6, 'run' AS source, r.id, 'supervisor.run.' || r.status, r.status = 'failed',
       r.duration_ms::bigint,
       jsonb_build_object('run_id', r.id, 'duration_ms', r.duration_ms,
                          'total_tokens', r.total_tokens,
                          'error', left(redact_secrets(r.error),
                                        CASE dashboard_level(level) WHEN 'full' THEN 2000 ELSE 100 END))
FROM agent_runs AS r
WHERE r.trace_id = trace AND r.finished_at IS NOT NULL
UNION ALL
SELECT w.created_at, 2, 'worker' AS source, w.id, 'worker.spawned' AS event_type, false, NULL::bigint,
       jsonb_build_object('job_id', w.id, 'model', w.model, 'status', w.status,
                          'task', left(redact_secrets(w.task),
                                       CASE dashboard_level(level) WHEN 'full' THEN 500 ELSE 50 END))
FROM worker_jobs AS w
WHERE w.trace_id = trace
UNION ALL
SELECT w.started_at, 3, 'worker' AS source, w.id, 'worker.started' AS event_type, false, NULL::bigint,
       jsonb_build_object('job_id', w.id, 'worker_id', w.worker_id)
FROM worker_jobs AS w
WHERE w.trace_id = trace AND w.started_at IS NOT NULL
UNION ALL
SELECT w.finished_at, 5, 'worker' AS source, w.id, 'worker.' || w.status, w.status = 'failed',
       (extract(epoch FROM w.finished_at - w.started_at) * 1000)::bigint,
       jsonb_build_object('job_id', w.id,
                          'error', left(redact_secrets(w.error),
                                        CASE dashboard_level(level) WHEN 'full' THEN 2000 ELSE 100 END))
FROM worker_jobs AS w
WHERE w.trace_id = trace AND w.finished_at IS NOT NULL
UNION ALL
SELECT l.created_at, 4, 'llm' AS source, l.id, 'llm.generate' AS event_type, l.error IS NOT NULL, l.duration_ms::bigint,
       jsonb_build_object('phase', l.phase, 'model', l.model, 'msg_count', l.message_count,
                          'in_tokens', l.input_tokens, 'out_tokens', l.output_tokens,
                          'duration_ms', l.duration_ms,
                          'error', left(redact_secrets(l.error),
                                        CASE dashboard_level(level) WHEN 'full' THEN 2000 ELSE 50 END))
       || CASE WHEN dashboard_level(level) = 'full' THEN jsonb_build_object(
              'response_preview', left(redact_secrets(l.response_content), 200),
              'tool_names', (SELECT jsonb_agg(coalesce(tc ->> 'name', tc -> 'function' ->> 'name'))
                             FROM jsonb_array_elements(CASE jsonb_typeof(l.response_tool_calls)
                                  WHEN 'array' THEN l.response_tool_calls END) AS tc))
          ELSE '{}'::jsonb END
FROM llm_audit_log AS l
WHERE l.trace_id = trace;
END;

-- The timeline of one trace (§3.2), merged and ordered in SQL: level 'summary' and 'full'
-- keep every event, 'errors' only the error events; then the FIRST max_events (1..500,
-- default 100) in time order. total_events = events at this level before the cap, so a
-- caller knows what was cut. offset_s = seconds since the trace's first event (of any
-- level). Empty for an unknown trace (the API's 404).
CREATE FUNCTION trace_timeline(trace uuid, level text DEFAULT 'summary', max_events int DEFAULT 100)
RETURNS TABLE (
    seq bigint, ts timestamptz, offset_s double precision, event_type text, source text,
    source_id bigint, is_error boolean, duration_ms bigint, details jsonb, total_events bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH ev AS (SELECT * FROM trace_events(trace, level))
SELECT row_number() OVER (ORDER BY e.ts, e.ord, e.source_id),
       e.ts, extract(epoch FROM e.ts - t0.first_ts)::float8,
       e.event_type, e.source, e.source_id, e.is_error, e.duration_ms, e.details,
       count(*) OVER ()
FROM ev AS e
CROSS JOIN (SELECT min(ts) AS first_ts FROM ev) AS t0
WHERE dashboard_level(level) <> 'errors' OR e.is_error
ORDER BY e.ts, e.ord, e.source_id
LIMIT dashboard_arg(max_events, 1, 500, 'max_events');
END;

-- The header of one trace: overall status (of its latest run; 'unknown' without runs),
-- first and last event, duration, counts of every row (not capped, unlike Zerg's N), and
-- errors. No row when the trace has no run, worker or LLM call (the API's 404).
CREATE FUNCTION trace_summary(trace uuid)
RETURNS TABLE (
    trace_id uuid, status text, model text, started_at timestamptz, ended_at timestamptz,
    duration_s double precision, runs bigint, workers bigint, llm_calls bigint,
    events bigint, errors bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT trace, coalesce(lr.status, 'unknown'), lr.model, ev.first_ts, ev.last_ts,
       extract(epoch FROM ev.last_ts - ev.first_ts)::float8,
       ra.runs, wa.workers, la.llm_calls, ev.events, ev.errors
FROM (SELECT count(*) AS runs FROM agent_runs AS r WHERE r.trace_id = trace) AS ra
CROSS JOIN (SELECT count(*) AS workers FROM worker_jobs AS w WHERE w.trace_id = trace) AS wa
CROSS JOIN (SELECT count(*) AS llm_calls FROM llm_audit_log AS l WHERE l.trace_id = trace) AS la
CROSS JOIN (SELECT min(e.ts) AS first_ts, max(e.ts) AS last_ts, count(*) AS events,
                   count(*) FILTER (WHERE e.is_error) AS errors
            FROM trace_events(trace, 'summary') AS e) AS ev
LEFT JOIN LATERAL (
    SELECT r.status, r.model FROM agent_runs AS r WHERE r.trace_id = trace
    ORDER BY r.created_at DESC, r.id DESC LIMIT 1
) AS lr ON true
WHERE ra.runs + wa.workers + la.llm_calls > 0;
END;

-- Anomalies of one trace (§3.2 step 4), over ALL its rows: failed runs and workers, LLM
-- errors, workers that never started (created, not started, not cancelled or failed), and
-- LLM calls slower than slow_ms (default 60 s). Messages are redacted.
CREATE FUNCTION trace_anomalies(trace uuid, slow_ms int DEFAULT 60000)
RETURNS TABLE (ts timestamptz, kind text, source text, source_id bigint, message text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT a.ts, a.kind, a.source, a.source_id, a.message
FROM (
    SELECT coalesce(r.finished_at, r.created_at) AS ts, 'run_failed' AS kind, 'run' AS source,
           r.id AS source_id,
           'Run ' || r.id || ' failed: ' || coalesce(left(redact_secrets(r.error), 200), '(no error message)') AS message
    FROM agent_runs AS r WHERE r.trace_id = trace AND r.status = 'failed'
    UNION ALL
    SELECT coalesce(w.finished_at, w.created_at), 'worker_failed' AS kind, 'worker' AS source, w.id,
           'Worker ' || w.id || ' failed: ' || coalesce(left(redact_secrets(w.error), 200), '(no error message)')
    FROM worker_jobs AS w WHERE w.trace_id = trace AND w.status = 'failed'
    UNION ALL
    SELECT w.created_at, 'worker_never_started' AS kind, 'worker' AS source, w.id,
           'Worker ' || w.id || ' never started (status ' || w.status || ')'
    FROM worker_jobs AS w
    WHERE w.trace_id = trace AND w.started_at IS NULL AND w.status NOT IN ('cancelled', 'failed')
    UNION ALL
    SELECT l.created_at, 'llm_error' AS kind, 'llm' AS source, l.id,
           'LLM call ' || l.id || ' (' || coalesce(l.phase, '?') || ') error: ' || left(redact_secrets(l.error), 200)
    FROM llm_audit_log AS l WHERE l.trace_id = trace AND l.error IS NOT NULL
    UNION ALL
    SELECT l.created_at, 'llm_slow' AS kind, 'llm' AS source, l.id,
           'LLM call ' || l.id || ' took ' || round(l.duration_ms / 1000.0, 1) || ' s'
    FROM llm_audit_log AS l
    WHERE l.trace_id = trace
      AND l.duration_ms > dashboard_arg(slow_ms, 0, 86400000, 'slow_ms')
) AS a
ORDER BY a.ts, a.kind, a.source_id;
END;

-- The 'full' level's LLM details (§3.2 step 6), the FIRST max_rows calls in time order
-- (Zerg took the latest N), with the total. Response preview and tool arguments redacted.
CREATE FUNCTION trace_llm_details(trace uuid, max_rows int DEFAULT 100)
RETURNS TABLE (
    id bigint, created_at timestamptz, phase text, model text, message_count int,
    input_tokens int, output_tokens int, reasoning_tokens int, duration_ms int, error text,
    response_preview text, tool_calls jsonb, total bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT l.id, l.created_at, l.phase, l.model, l.message_count, l.input_tokens, l.output_tokens,
       l.reasoning_tokens, l.duration_ms, redact_secrets(l.error),
       left(redact_secrets(l.response_content), 200),
       (SELECT jsonb_agg(jsonb_build_object(
                   'name', coalesce(tc ->> 'name', tc -> 'function' ->> 'name'),
                   'args', redact_secrets(coalesce(tc -> 'args', tc -> 'function' -> 'arguments')::text))
                ORDER BY o.n)
        FROM jsonb_array_elements(CASE jsonb_typeof(l.response_tool_calls)
                 WHEN 'array' THEN l.response_tool_calls END) WITH ORDINALITY AS o(tc, n)),
       count(*) OVER ()
FROM llm_audit_log AS l
WHERE l.trace_id = trace
ORDER BY l.created_at, l.id
LIMIT dashboard_arg(max_rows, 1, 500, 'max_rows');
END;


-- ---------------------------------------------------------------- reliability (§3.3 - §3.7)

-- System health (§3.3) with the reference's rule and thresholds as parameters:
-- high = run or worker errors > high_errors (10); some = either > some_errors (5);
-- all_runners_offline = runners exist and none is online. unhealthy = high AND all
-- offline; degraded = high OR all offline OR some; else healthy (no runners = healthy).
-- Errors are failed runs / workers CREATED in (as_of - window_minutes, as_of], as in Zerg.
-- "workers" in Zerg's response were runners: here they are called runners.
CREATE FUNCTION reliability_health(
    high_errors int DEFAULT 10, some_errors int DEFAULT 5, window_minutes int DEFAULT 60,
    as_of timestamptz DEFAULT now())
RETURNS TABLE (
    status text, recent_run_errors bigint, recent_worker_errors bigint,
    runners_online bigint, runners_offline bigint, runners_revoked bigint, runners_total bigint,
    all_runners_offline boolean, checked_at timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT CASE
           WHEN h.high_err AND h.all_offline THEN 'unhealthy'
           WHEN h.high_err OR h.all_offline OR h.some_err THEN 'degraded'
           ELSE 'healthy'
       END,
       h.run_errors, h.worker_errors, h.online, h.offline, h.revoked, h.total, h.all_offline, h.at
FROM (
    SELECT e.run_errors, e.worker_errors, rn.online, rn.offline, rn.revoked, rn.total, e.at,
           e.run_errors > dashboard_arg(high_errors, 0, 1000000, 'high_errors')
               OR e.worker_errors > dashboard_arg(high_errors, 0, 1000000, 'high_errors') AS high_err,
           e.run_errors > dashboard_arg(some_errors, 0, 1000000, 'some_errors')
               OR e.worker_errors > dashboard_arg(some_errors, 0, 1000000, 'some_errors') AS some_err,
           rn.total > 0 AND rn.online = 0 AS all_offline
    FROM (
        SELECT w.at,
               (SELECT count(*) FROM agent_runs AS r
                WHERE r.status = 'failed' AND r.created_at > w.since AND r.created_at <= w.at) AS run_errors,
               (SELECT count(*) FROM worker_jobs AS j
                WHERE j.status = 'failed' AND j.created_at > w.since AND j.created_at <= w.at) AS worker_errors
        FROM (SELECT coalesce(as_of, now()) AS at,
                     coalesce(as_of, now())
                         - make_interval(mins => dashboard_arg(window_minutes, 1, 10080, 'window_minutes')) AS since
             ) AS w
    ) AS e
    CROSS JOIN (
        SELECT count(*) FILTER (WHERE x.status = 'online') AS online,
               count(*) FILTER (WHERE x.status = 'offline') AS offline,
               count(*) FILTER (WHERE x.status = 'revoked') AS revoked,
               count(*) AS total
        FROM runners AS x
    ) AS rn
) AS h;
END;

-- Failed runs and workers created in (as_of - hours, as_of] (§3.4): the latest max_rows of
-- each source, newest first, with total = the TRUE number of failures of that source in
-- the window (Zerg reported the length of its limited list). Texts redacted (error 200,
-- task 100 characters). hours 1..168, max_rows 1..200.
CREATE FUNCTION reliability_errors(hours int DEFAULT 24, max_rows int DEFAULT 50,
                                   as_of timestamptz DEFAULT now())
RETURNS TABLE (
    source text, id bigint, created_at timestamptz, error text, task_preview text,
    trace_id uuid, total bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH w AS (
    SELECT coalesce(as_of, now()) AS at,
           coalesce(as_of, now()) - make_interval(hours => dashboard_arg(hours, 1, 168, 'hours')) AS since
)
(SELECT 'run' AS source, r.id, r.created_at, left(redact_secrets(r.error), 200), NULL::text, r.trace_id,
        (SELECT count(*) FROM agent_runs AS c, w
         WHERE c.status = 'failed' AND c.created_at > w.since AND c.created_at <= w.at)
 FROM agent_runs AS r, w
 WHERE r.status = 'failed' AND r.created_at > w.since AND r.created_at <= w.at
 ORDER BY r.created_at DESC, r.id DESC
 LIMIT dashboard_arg(max_rows, 1, 200, 'max_rows'))
UNION ALL
(SELECT 'worker' AS source, j.id, j.created_at, left(redact_secrets(j.error), 200),
        left(redact_secrets(j.task), 100), j.trace_id,
        (SELECT count(*) FROM worker_jobs AS c, w
         WHERE c.status = 'failed' AND c.created_at > w.since AND c.created_at <= w.at)
 FROM worker_jobs AS j, w
 WHERE j.status = 'failed' AND j.created_at > w.since AND j.created_at <= w.at
 ORDER BY j.created_at DESC, j.id DESC
 LIMIT dashboard_arg(max_rows, 1, 200, 'max_rows'));
END;

-- The same failures grouped by error_signature() per source: occurrences, first and last
-- seen, the latest example (redacted) and its trace; most frequent first, max_rows groups,
-- groups_total = every group in the window.
CREATE FUNCTION reliability_error_groups(hours int DEFAULT 24, max_rows int DEFAULT 50,
                                         as_of timestamptz DEFAULT now())
RETURNS TABLE (
    source text, signature text, occurrences bigint, first_seen timestamptz,
    last_seen timestamptz, example_id bigint, example_error text, example_trace_id uuid,
    groups_total bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH w AS (
    SELECT coalesce(as_of, now()) AS at,
           coalesce(as_of, now()) - make_interval(hours => dashboard_arg(hours, 1, 168, 'hours')) AS since
), f AS (
    SELECT 'run' AS source, r.id, r.created_at, r.error, r.trace_id
    FROM agent_runs AS r, w
    WHERE r.status = 'failed' AND r.created_at > w.since AND r.created_at <= w.at
    UNION ALL
    SELECT 'worker' AS source, j.id, j.created_at, j.error, j.trace_id
    FROM worker_jobs AS j, w
    WHERE j.status = 'failed' AND j.created_at > w.since AND j.created_at <= w.at
), g AS (
    SELECT f.source, error_signature(f.error) AS signature, count(*) AS occurrences,
           min(f.created_at) AS first_seen, max(f.created_at) AS last_seen,
           (array_agg(f.id ORDER BY f.created_at DESC, f.id DESC))[1] AS example_id,
           (array_agg(f.error ORDER BY f.created_at DESC, f.id DESC))[1] AS example_error,
           (array_agg(f.trace_id ORDER BY f.created_at DESC, f.id DESC))[1] AS example_trace_id
    FROM f
    GROUP BY f.source, error_signature(f.error)
)
SELECT g.source, g.signature, g.occurrences, g.first_seen, g.last_seen, g.example_id,
       left(redact_secrets(g.example_error), 200), g.example_trace_id, count(*) OVER ()
FROM g
ORDER BY g.occurrences DESC, g.last_seen DESC, g.source, g.signature
LIMIT dashboard_arg(max_rows, 1, 200, 'max_rows');
END;

-- Run durations (§3.5) of EVERY run created in (as_of - hours, as_of] with a duration, all
-- statuses (Zerg read at most 10,000 rows and indexed a sorted list). percentile_cont
-- interpolates: p50/p95/p99 of durations d1 <= ... <= dn is the value at position
-- 1 + p*(n-1). p99 is NULL below 100 runs, as in Zerg. One row for all runs
-- (scope 'all'), one per model and one per trigger.
CREATE FUNCTION reliability_performance(hours int DEFAULT 24, as_of timestamptz DEFAULT now())
RETURNS TABLE (
    scope text, key text, runs bigint, min_ms int, p50_ms double precision,
    p95_ms double precision, p99_ms double precision, max_ms int, avg_ms double precision)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH w AS (
    SELECT coalesce(as_of, now()) AS at,
           coalesce(as_of, now()) - make_interval(hours => dashboard_arg(hours, 1, 168, 'hours')) AS since
)
SELECT CASE WHEN grouping(r.model) = 0 THEN 'model'
            WHEN grouping(r.trigger) = 0 THEN 'trigger' ELSE 'all' END AS scope,
       CASE WHEN grouping(r.model) = 0 THEN coalesce(r.model, '(none)')
            WHEN grouping(r.trigger) = 0 THEN r.trigger ELSE 'all' END AS key,
       count(*) AS runs, min(r.duration_ms),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.duration_ms),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY r.duration_ms),
       CASE WHEN count(*) >= 100 THEN percentile_cont(0.99) WITHIN GROUP (ORDER BY r.duration_ms) END,
       max(r.duration_ms), avg(r.duration_ms)::float8
FROM agent_runs AS r, w
WHERE r.created_at > w.since AND r.created_at <= w.at AND r.duration_ms IS NOT NULL
GROUP BY GROUPING SETS ((), (r.model), (r.trigger))
ORDER BY CASE WHEN grouping(r.model) = 0 THEN 2 WHEN grouping(r.trigger) = 0 THEN 3 ELSE 1 END,
         count(*) DESC, key;
END;

-- Worker jobs that are not progressing (§3.6), in three categories, each longest-waiting
-- first with total = every job of the category (Zerg: LIMIT 50 without ORDER BY, and
-- stuck_count = the rows returned):
--   stuck_running        status 'running' since (started_at, else created_at) strictly
--                        more than threshold_mins (10) ago, as in Zerg's started_at < cutoff;
--   queued_never_started status 'queued', never started, created more than threshold_mins ago;
--   orphaned_created     status 'created' (two-phase spawn never flipped to queued), created
--                        more than orphan_mins (5, the reaper's age) ago.
-- Zerg counted only the first. max_rows rows per category. Task previews are redacted.
CREATE FUNCTION reliability_stuck_workers(
    threshold_mins int DEFAULT 10, max_rows int DEFAULT 50, orphan_mins int DEFAULT 5,
    as_of timestamptz DEFAULT now())
RETURNS TABLE (
    category text, id bigint, status text, task_preview text, created_at timestamptz,
    started_at timestamptz, waiting_since timestamptz, waiting_s double precision,
    worker_id text, trace_id uuid, total bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH w AS (
    SELECT coalesce(as_of, now()) AS at,
           coalesce(as_of, now())
               - make_interval(mins => dashboard_arg(threshold_mins, 0, 1440, 'threshold_mins')) AS cutoff,
           coalesce(as_of, now())
               - make_interval(mins => dashboard_arg(orphan_mins, 0, 1440, 'orphan_mins')) AS orphan_cutoff
), c AS (
    -- Only keys here: the rows of a big backlog are sorted narrow, the text is read for
    -- the rows shown.
    SELECT 1 AS rank, j.id, coalesce(j.started_at, j.created_at) AS since
    FROM worker_jobs AS j, w
    WHERE j.status = 'running' AND coalesce(j.started_at, j.created_at) < w.cutoff
    UNION ALL
    SELECT 2, j.id, j.created_at
    FROM worker_jobs AS j, w
    WHERE j.status = 'queued' AND j.started_at IS NULL AND j.created_at < w.cutoff
    UNION ALL
    SELECT 3, j.id, j.created_at
    FROM worker_jobs AS j, w
    WHERE j.status = 'created' AND j.created_at < w.orphan_cutoff
), ranked AS (
    SELECT c.rank, c.id, c.since,
           row_number() OVER (PARTITION BY c.rank ORDER BY c.since, c.id) AS n,
           count(*) OVER (PARTITION BY c.rank) AS total
    FROM c
)
SELECT (ARRAY['stuck_running', 'queued_never_started', 'orphaned_created'])[x.rank],
       j.id, j.status, left(redact_secrets(j.task), 100), j.created_at, j.started_at, x.since,
       extract(epoch FROM w.at - x.since)::float8, j.worker_id, j.trace_id, x.total
FROM ranked AS x
JOIN worker_jobs AS j ON j.id = x.id
CROSS JOIN w
WHERE x.n <= dashboard_arg(max_rows, 1, 500, 'max_rows')
ORDER BY x.rank, x.n;
END;

-- Runners (§3.7): last seen first, never-seen last, with total = every runner (Zerg's
-- total was the rows returned). Never the secret hash or metadata.
CREATE FUNCTION reliability_runners(max_rows int DEFAULT 100)
RETURNS TABLE (
    id bigint, owner_id bigint, name text, status text, last_seen_at timestamptz,
    capabilities jsonb, total bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT x.id, x.owner_id, x.name, x.status, x.last_seen_at, x.capabilities, count(*) OVER ()
FROM runners AS x
ORDER BY x.last_seen_at DESC NULLS LAST, x.id
LIMIT dashboard_arg(max_rows, 1, 1000, 'max_rows');
END;


-- ---------------------------------------------------------------- queue health (ops.job_queue)
-- plpgsql: the body is resolved when called, so the migration works where ops is absent
-- (prod's ops belongs to another repo); a call there raises a clear error instead.

-- Raises when ops.job_queue is not visible from this database.
CREATE FUNCTION queue_require() RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF to_regclass('ops.job_queue') IS NULL THEN
        RAISE EXCEPTION 'ops.job_queue does not exist in database %', current_database()
            USING ERRCODE = 'undefined_table',
                  HINT = 'the queue is created by the ops migrations (dev, test) or by its owner (prod)';
    END IF;
END
$$;

-- One row of signals: depth (queued, due now, running), the oldest due job, running jobs
-- whose lease expired (a worker died; they are re-claimed or reaped), jobs waiting for a
-- retry, dead jobs finished in the last 24 h; and what predicts queue trouble: dead
-- tuples of the table (claims slow down stepping over them) and the oldest open
-- transaction in this database (it keeps vacuum from removing them). Other sessions'
-- transactions are visible only to their role, superusers and pg_read_all_stats members.
CREATE FUNCTION queue_health(as_of timestamptz DEFAULT now())
RETURNS TABLE (
    queued bigint, queued_due bigint, running bigint, expired_leases bigint,
    oldest_due_at timestamptz, oldest_due_age_s double precision, awaiting_retry bigint,
    dead_last_day bigint, dead_tuples bigint, live_tuples bigint, last_vacuum timestamptz,
    oldest_xact_start timestamptz, oldest_xact_age_s double precision, oldest_xact_pid int,
    oldest_xmin_age bigint)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
    t_now timestamptz := coalesce(as_of, now());
BEGIN
    PERFORM queue_require();
    RETURN QUERY
    SELECT q.queued, q.queued_due, q.running, q.expired, q.oldest_due,
           extract(epoch FROM t_now - q.oldest_due)::float8, q.awaiting_retry, q.dead_last_day,
           s.n_dead_tup, s.n_live_tup, greatest(s.last_vacuum, s.last_autovacuum),
           x.xact_start, extract(epoch FROM t_now - x.xact_start)::float8, x.pid, x.xmin_age
    FROM (
        SELECT count(*) FILTER (WHERE j.status = 'queued') AS queued,
               count(*) FILTER (WHERE j.status = 'queued' AND j.scheduled_for <= t_now) AS queued_due,
               count(*) FILTER (WHERE j.status = 'running') AS running,
               count(*) FILTER (WHERE j.status = 'running' AND j.lease_expires_at < t_now) AS expired,
               min(j.scheduled_for) FILTER (WHERE j.status = 'queued' AND j.scheduled_for <= t_now) AS oldest_due,
               count(*) FILTER (WHERE j.status = 'queued' AND j.attempts > 0) AS awaiting_retry,
               count(*) FILTER (WHERE j.status = 'dead' AND j.finished_at > t_now - interval '1 day'
                                  AND j.finished_at <= t_now) AS dead_last_day
        FROM ops.job_queue AS j
    ) AS q
    LEFT JOIN pg_stat_user_tables AS s ON s.relid = 'ops.job_queue'::regclass
    LEFT JOIN LATERAL (
        SELECT a.xact_start, a.pid, age(a.backend_xmin)::bigint AS xmin_age
        FROM pg_stat_activity AS a
        WHERE a.datname = current_database() AND a.xact_start IS NOT NULL
          AND a.pid <> pg_backend_pid()
        ORDER BY a.xact_start
        LIMIT 1
    ) AS x ON true;
END
$$;

-- Depth by status: jobs, due now, oldest scheduled_for, jobs that took more than one
-- attempt, and the highest attempt count. Every status appears, with 0 when empty.
-- (A full pass over the table, which purge_finished_jobs keeps small.)
CREATE FUNCTION queue_depth(as_of timestamptz DEFAULT now())
RETURNS TABLE (
    status text, jobs bigint, due bigint, oldest_scheduled_for timestamptz,
    retried bigint, max_attempts_used int)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
    t_now timestamptz := coalesce(as_of, now());
BEGIN
    PERFORM queue_require();
    RETURN QUERY
    SELECT s.status, count(j.id), count(j.id) FILTER (WHERE j.scheduled_for <= t_now),
           min(j.scheduled_for), count(j.id) FILTER (WHERE j.attempts > 1), max(j.attempts)
    FROM (VALUES (1, 'queued'), (2, 'running'), (3, 'success'), (4, 'dead')) AS s(n, status)
    LEFT JOIN ops.job_queue AS j ON j.status = s.status
    GROUP BY s.n, s.status
    ORDER BY s.n;
END
$$;

-- The jobs behind the signals: running with an expired lease (oldest expiry first), then
-- dead jobs finished in (as_of - hours, as_of] (latest first), max_rows of each, with the
-- category total; last_error redacted.
CREATE FUNCTION queue_problem_jobs(hours int DEFAULT 24, max_rows int DEFAULT 50,
                                   as_of timestamptz DEFAULT now())
RETURNS TABLE (
    category text, id text, job_id text, status text, attempts int, max_attempts int,
    scheduled_for timestamptz, lease_owner text, lease_expires_at timestamptz,
    finished_at timestamptz, last_error text, total bigint)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
    t_now timestamptz := coalesce(as_of, now());
    since timestamptz := t_now - make_interval(hours => dashboard_arg(hours, 1, 168, 'hours'));
    n int := dashboard_arg(max_rows, 1, 500, 'max_rows');
BEGIN
    PERFORM queue_require();
    RETURN QUERY
    (SELECT 'expired_lease', j.id, j.job_id, j.status, j.attempts, j.max_attempts,
            j.scheduled_for, j.lease_owner, j.lease_expires_at, j.finished_at,
            left(redact_secrets(j.last_error), 200), count(*) OVER ()
     FROM ops.job_queue AS j
     WHERE j.status = 'running' AND j.lease_expires_at < t_now
     ORDER BY j.lease_expires_at, j.id
     LIMIT n)
    UNION ALL
    (SELECT 'dead', j.id, j.job_id, j.status, j.attempts, j.max_attempts,
            j.scheduled_for, j.lease_owner, j.lease_expires_at, j.finished_at,
            left(redact_secrets(j.last_error), 200), count(*) OVER ()
     FROM ops.job_queue AS j
     WHERE j.status = 'dead' AND j.finished_at > since AND j.finished_at <= t_now
     ORDER BY j.finished_at DESC, j.id
     LIMIT n);
END
$$;
