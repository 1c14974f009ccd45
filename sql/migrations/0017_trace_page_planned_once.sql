-- The one-trace page (trace_summary, trace_timeline, trace_anomalies) took ~1 ms per function
-- to plan and 0.1-0.5 ms to run: its inlined UNIONs over three tables are planned again at
-- every call, prepared or not, because PostgreSQL (plan_cache_mode = auto) keeps custom plans
-- while the generic plan is estimated dearer (unknown level, limit and slow threshold). The
-- page took 3-4 ms at bench scale 10 against 1.6 ms for Zerg's three plain queries.
--
-- The SQL-standard bodies stay as they are under a *_rows name: inlinable, bound to their
-- tables, and what the plan tests read. The public names become plpgsql functions that run
-- them through a plan made once per session (plpgsql caches its statements' plans; the
-- function's own plan_cache_mode makes that plan generic). Their generic plans read the
-- trace_id indexes (tests/test_plans.py). Same arguments, defaults, columns and rows.
-- squawk-ignore renaming-object -- the public name is created again below, in the same transaction
ALTER FUNCTION trace_summary(uuid) RENAME TO trace_summary_rows;
-- squawk-ignore renaming-object -- the public name is created again below, in the same transaction
ALTER FUNCTION trace_timeline(uuid, text, int) RENAME TO trace_timeline_rows;
-- squawk-ignore renaming-object -- the public name is created again below, in the same transaction
ALTER FUNCTION trace_anomalies(uuid, int) RENAME TO trace_anomalies_rows;

CREATE FUNCTION trace_summary(trace uuid)
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

CREATE FUNCTION trace_timeline(trace uuid, level text DEFAULT 'summary', max_events int DEFAULT 100)
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

CREATE FUNCTION trace_anomalies(trace uuid, slow_ms int DEFAULT 60000)
RETURNS TABLE (ts timestamptz, kind text, source text, source_id bigint, message text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY SELECT * FROM trace_anomalies_rows(trace, slow_ms);
END
$$;
