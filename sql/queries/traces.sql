-- The /traces dashboard (zerg-schema-at-seed.md §3.1, §3.2). Each query calls a function
-- of sql/functions/traces.sql, where the SQL and its comments live, so psql
-- users run the same code (docs/psql.md). Timestamps are timestamptz; texts are redacted.


-- name: list_recent_traces(max_rows, skip)
-- Recent traces, one row per trace (newest first by trace start), with run/worker/LLM counts, status and duration.
-- serves: D01
SELECT * FROM trace_list(:max_rows::int, :skip::int);


-- name: get_trace_summary(trace_id)^
-- Header of one trace: status of its latest run, first/last event, counts; None when the trace is unknown.
-- serves: D02
SELECT * FROM trace_summary(:trace_id::uuid);


-- name: list_trace_timeline(trace_id, level, max_events)
-- Unified timeline of one trace (runs, workers, LLM calls) in time order, level summary|errors|full, first max_events.
-- serves: D02
SELECT * FROM trace_timeline(:trace_id::uuid, :level::text, :max_events::int);


-- name: list_trace_anomalies(trace_id, slow_ms)
-- Anomalies of one trace: failed runs and workers, LLM errors, workers never started, LLM calls slower than slow_ms.
-- serves: D02
SELECT * FROM trace_anomalies(:trace_id::uuid, :slow_ms::int);


-- name: list_trace_llm_details(trace_id, max_rows)
-- LLM calls of one trace in time order (the full level's details): tokens, timing, redacted preview and tool calls.
-- serves: D02
SELECT * FROM trace_llm_details(:trace_id::uuid, :max_rows::int);
