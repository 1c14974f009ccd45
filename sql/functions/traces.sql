-- depends: common
-- The /traces pages (zerg-schema-at-seed.md §3.1, §3.2); sql/queries/traces.sql calls them.
-- Repeatable, edited in place (see common.sql).

-- Recent traces, ONE ROW PER TRACE (Zerg's list had one row per run, so a run and its
-- continuation showed the trace twice), newest first by when the trace began (its
-- first run). Found by walking agent_runs backwards on created_at and keeping the runs
-- that are the first of their trace (trace_id index), so only the rows shown are read.
-- status / model: of the trace's latest run (a deferred run's continuation decides).
-- Traces with no run (workers or LLM calls only) are not listed, as in Zerg.
CREATE OR REPLACE FUNCTION trace_list(max_rows int DEFAULT 20, skip int DEFAULT 0)
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
CREATE OR REPLACE FUNCTION trace_events(trace uuid, level text DEFAULT 'summary')
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

-- The one-trace page (trace_summary, trace_timeline, trace_anomalies, trace_llm_details) is
-- two functions each. The SQL-standard *_rows functions below are inlinable, bound to their
-- tables, and what the plan tests read (tests/test_plans.py). The public names at the end of
-- this file are plpgsql functions that run them through a plan made once per session: the
-- inlined UNIONs over three tables took ~1 ms to plan at every call, prepared or not, because
-- PostgreSQL (plan_cache_mode = auto) kept custom plans while the generic plan was estimated
-- dearer. plpgsql caches its statements' plans, and the function's own plan_cache_mode makes
-- that plan generic; the generic plans read the trace_id indexes.

-- The timeline of one trace (§3.2), merged and ordered in SQL: level 'summary' and 'full'
-- keep every event, 'errors' only the error events; then the FIRST max_events (1..500,
-- default 100) in time order. total_events = events at this level before the cap, so a
-- caller knows what was cut. offset_s = seconds since the trace's first event (of any
-- level). Empty for an unknown trace (the API's 404).
CREATE OR REPLACE FUNCTION trace_timeline_rows(trace uuid, level text DEFAULT 'summary', max_events int DEFAULT 100)
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
CREATE OR REPLACE FUNCTION trace_summary_rows(trace uuid)
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
CREATE OR REPLACE FUNCTION trace_anomalies_rows(trace uuid, slow_ms int DEFAULT 60000)
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
CREATE OR REPLACE FUNCTION trace_llm_details_rows(trace uuid, max_rows int DEFAULT 100)
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

-- The public names of the one-trace page: same arguments, defaults, columns and rows as the
-- *_rows functions they run (see above).
CREATE OR REPLACE FUNCTION trace_summary(trace uuid)
RETURNS TABLE (
    trace_id uuid, status text, model text, started_at timestamptz, ended_at timestamptz,
    duration_s double precision, runs bigint, workers bigint, llm_calls bigint, events bigint,
    errors bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY SELECT * FROM trace_summary_rows(trace);
END
$$;

CREATE OR REPLACE FUNCTION trace_timeline(trace uuid, level text DEFAULT 'summary', max_events int DEFAULT 100)
RETURNS TABLE (
    seq bigint, ts timestamptz, offset_s double precision, event_type text, source text,
    source_id bigint, is_error boolean, duration_ms bigint, details jsonb, total_events bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY SELECT * FROM trace_timeline_rows(trace, level, max_events);
END
$$;

CREATE OR REPLACE FUNCTION trace_anomalies(trace uuid, slow_ms int DEFAULT 60000)
RETURNS TABLE (ts timestamptz, kind text, source text, source_id bigint, message text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY SELECT * FROM trace_anomalies_rows(trace, slow_ms);
END
$$;

CREATE OR REPLACE FUNCTION trace_llm_details(trace uuid, max_rows int DEFAULT 100)
RETURNS TABLE (
    id bigint, created_at timestamptz, phase text, model text, message_count int, input_tokens int,
    output_tokens int, reasoning_tokens int, duration_ms int, error text, response_preview text,
    tool_calls jsonb, total bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY SELECT * FROM trace_llm_details_rows(trace, max_rows);
END
$$;
