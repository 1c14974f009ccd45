-- The /api/ops dashboard (summary, time series, top agents) and the trace coverage report,
-- which Zerg computed in Python from rows it loaded. Loaded by aiosql 15 (zerg_sql.queries);
-- read-only. Windows are UTC calendar days, as Zerg's date(): :window_days 1 is today, 7 and
-- 30 end with today (Zerg's 7d / 30d); each ends with the last day, where Zerg's had no end.
-- :as_of is "now" (None = now()), so a past day can be shown and tested. Percentiles are
-- percentile_cont (Zerg's linear interpolation), truncated to whole ms, 0 without runs.
-- Budgets (limits, percentages) stay in the app: they come from its settings.


-- name: get_ops_summary(user_id, window_days, as_of)^
-- KPIs of the window: runs started, known cost (None without one), latency p50/p95 of successes; the user's and global cost today; agents; failures last hour.
-- serves: D08, U15, U16
WITH b AS (
    SELECT n.now_at,
           (d.today - (:window_days::int - 1))::timestamp AT TIME ZONE 'UTC' AS window_start,
           d.today::timestamp AT TIME ZONE 'UTC' AS today_start,
           (d.today + 1)::timestamp AT TIME ZONE 'UTC' AS window_end
    FROM (SELECT coalesce(:as_of::timestamptz, now()) AS now_at) AS n
    CROSS JOIN LATERAL (SELECT (n.now_at AT TIME ZONE 'UTC')::date AS today) AS d
), started AS (
    SELECT count(*) AS runs,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.duration_ms)
               FILTER (WHERE r.status = 'success' AND r.duration_ms IS NOT NULL) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY r.duration_ms)
               FILTER (WHERE r.status = 'success' AND r.duration_ms IS NOT NULL) AS p95
    FROM b, agent_runs AS r
    WHERE r.started_at >= b.window_start AND r.started_at < b.window_end
), finished AS (
    -- sum() is NULL when no finished run of the window has a cost: Zerg's "unknown".
    SELECT sum(r.total_cost_usd) AS cost_usd,
           coalesce(sum(r.total_cost_usd) FILTER (WHERE r.finished_at >= b.today_start), 0)
               AS global_cost_today_usd
    FROM b, agent_runs AS r
    WHERE r.finished_at >= b.window_start AND r.finished_at < b.window_end
), user_today AS (
    SELECT coalesce(sum(r.total_cost_usd), 0) AS user_cost_today_usd
    FROM b, agents AS a
    JOIN agent_runs AS r ON r.agent_id = a.id
    WHERE a.owner_id = :user_id::bigint
      AND r.finished_at >= b.today_start AND r.finished_at < b.window_end
), agent_counts AS (
    SELECT count(*) AS agents_total, count(*) FILTER (WHERE schedule IS NOT NULL) AS agents_scheduled
    FROM agents
), errors AS (
    SELECT count(*) AS errors_last_hour
    FROM b, agent_runs AS r
    WHERE r.status = 'failed'
      AND r.finished_at >= b.now_at - interval '1 hour' AND r.finished_at <= b.now_at
)
SELECT :window_days::int AS window_days, b.window_start, b.window_end,
       started.runs, finished.cost_usd,
       coalesce(floor(started.p50), 0)::int AS latency_p50_ms,
       coalesce(floor(started.p95), 0)::int AS latency_p95_ms,
       user_today.user_cost_today_usd, finished.global_cost_today_usd,
       agent_counts.agents_total, agent_counts.agents_scheduled,
       errors.errors_last_hour
FROM b, started, finished, user_today, agent_counts, errors;


-- name: count_ops_active_users(as_of)$
-- The summary's active users: owners of runs started, or of threads with messages sent, in the 24 hours before :as_of (None = now()).
-- serves: D08
WITH b AS (SELECT coalesce(:as_of::timestamptz, now()) AS now_at)
SELECT count(DISTINCT x.owner_id)
FROM (SELECT a.owner_id
      FROM b, agent_runs AS r
      JOIN agents AS a ON a.id = r.agent_id
      WHERE r.started_at >= b.now_at - interval '24 hours' AND r.started_at <= b.now_at
      UNION
      -- Threads first: far fewer than their messages.
      SELECT a.owner_id
      FROM (SELECT DISTINCT m.thread_id
            FROM b, thread_messages AS m
            WHERE m.sent_at >= b.now_at - interval '24 hours' AND m.sent_at <= b.now_at) AS mt
      JOIN agent_threads AS t ON t.id = mt.thread_id
      JOIN agents AS a ON a.id = t.agent_id) AS x;


-- name: list_ops_timeseries(window_days, as_of)
-- Per bucket of the window (24 hours of today for 1 day, else days), zero-filled: runs started, failed runs finished, known cost of runs finished.
-- serves: D09
WITH w AS (
    -- Buckets of a fixed width from UTC midnight: date_bin needs no time zone per row.
    SELECT d.first_day::timestamp AT TIME ZONE 'UTC' AS window_start,
           CASE WHEN :window_days::int = 1 THEN interval '1 hour' ELSE interval '1 day' END AS step,
           CASE WHEN :window_days::int = 1 THEN 24 ELSE :window_days::int END AS buckets
    FROM (SELECT (coalesce(:as_of::timestamptz, now()) AT TIME ZONE 'UTC')::date
                 - (:window_days::int - 1) AS first_day) AS d
), started AS (
    SELECT date_bin(w.step, r.started_at, w.window_start) AS bucket, count(*) AS runs
    FROM w, agent_runs AS r
    WHERE r.started_at >= w.window_start AND r.started_at < w.window_start + w.buckets * w.step
    GROUP BY 1
), finished AS (
    SELECT date_bin(w.step, r.finished_at, w.window_start) AS bucket,
           count(*) FILTER (WHERE r.status = 'failed') AS errors,
           sum(r.total_cost_usd) AS cost_usd
    FROM w, agent_runs AS r
    WHERE r.finished_at >= w.window_start AND r.finished_at < w.window_start + w.buckets * w.step
    GROUP BY 1
)
SELECT g.bucket_start,
       to_char(g.bucket_start AT TIME ZONE 'UTC',
               CASE WHEN w.step = interval '1 hour' THEN 'HH24:"00Z"' ELSE 'YYYY-MM-DD' END) AS label,
       coalesce(s.runs, 0) AS runs, coalesce(f.errors, 0) AS errors,
       coalesce(f.cost_usd, 0) AS cost_usd
FROM w
CROSS JOIN LATERAL (SELECT w.window_start + k * w.step AS bucket_start
                    FROM generate_series(0, w.buckets - 1) AS k) AS g
LEFT JOIN started AS s ON s.bucket = g.bucket_start
LEFT JOIN finished AS f ON f.bucket = g.bucket_start
ORDER BY g.bucket_start;


-- name: list_ops_top_agents(window_days, limit_rows, as_of)
-- The agents with the most runs started in the window (ties by id): name, owner's email, runs, known cost of their runs finished in it (None: none known), p95 of successes.
-- serves: D10
WITH b AS (
    SELECT d.today - (:window_days::int - 1) AS first_day, d.today
    FROM (SELECT (coalesce(:as_of::timestamptz, now()) AT TIME ZONE 'UTC')::date AS today) AS d
), w AS (
    SELECT b.first_day::timestamp AT TIME ZONE 'UTC' AS window_start,
           (b.today + 1)::timestamp AT TIME ZONE 'UTC' AS window_end
    FROM b
), top AS (
    SELECT r.agent_id, count(*) AS runs
    FROM w, agent_runs AS r
    WHERE r.started_at >= w.window_start AND r.started_at < w.window_end
    GROUP BY r.agent_id
    ORDER BY runs DESC, r.agent_id
    LIMIT :limit_rows::int
), latency AS (
    -- Percentiles of the top agents only: a sort per agent is the costly part.
    SELECT r.agent_id, percentile_cont(0.95) WITHIN GROUP (ORDER BY r.duration_ms) AS p95
    FROM w, agent_runs AS r
    WHERE r.started_at >= w.window_start AND r.started_at < w.window_end
      AND r.agent_id IN (SELECT top.agent_id FROM top)
      AND r.status = 'success' AND r.duration_ms IS NOT NULL
    GROUP BY r.agent_id
), cost AS (
    SELECT r.agent_id, sum(r.total_cost_usd) AS cost_usd
    FROM w, agent_runs AS r
    WHERE r.finished_at >= w.window_start AND r.finished_at < w.window_end
      AND r.agent_id IN (SELECT top.agent_id FROM top)
    GROUP BY r.agent_id
)
SELECT top.agent_id, a.name, u.email AS owner_email, top.runs, cost.cost_usd,
       coalesce(floor(latency.p95), 0)::int AS p95_ms
FROM top
LEFT JOIN latency ON latency.agent_id = top.agent_id
LEFT JOIN cost ON cost.agent_id = top.agent_id
LEFT JOIN agents AS a ON a.id = top.agent_id
LEFT JOIN users AS u ON u.id = a.owner_id
ORDER BY top.runs DESC, top.agent_id;


-- name: get_trace_coverage(since)^
-- Coverage since a time ('-infinity': all): runs, worker jobs and LLM calls created since, and how many of each carry a trace id (events: list_trace_coverage_events).
-- serves: D11
SELECT
    (SELECT count(*) FROM agent_runs WHERE created_at >= :since::timestamptz) AS runs,
    (SELECT count(trace_id) FROM agent_runs WHERE created_at >= :since::timestamptz) AS traced_runs,
    -- Every status named: (status, created_at) is worker_jobs' only index on created_at.
    (SELECT count(*) FROM worker_jobs
     WHERE status IN ('created', 'queued', 'running', 'success', 'failed', 'cancelled')
       AND created_at >= :since::timestamptz) AS worker_jobs,
    (SELECT count(trace_id) FROM worker_jobs
     WHERE status IN ('created', 'queued', 'running', 'success', 'failed', 'cancelled')
       AND created_at >= :since::timestamptz) AS traced_worker_jobs,
    (SELECT count(*) FROM llm_audit_log WHERE created_at >= :since::timestamptz) AS llm_calls,
    (SELECT count(trace_id) FROM llm_audit_log WHERE created_at >= :since::timestamptz) AS traced_llm_calls;


-- name: list_trace_coverage_events(since)
-- Run events created since a time ('-infinity': all) per event type, by type: how many, and how many carry a non-empty payload trace_id.
-- serves: D11
SELECT event_type, count(*) AS events,
       count(*) FILTER (WHERE nullif(payload ->> 'trace_id', '') IS NOT NULL) AS traced_events
FROM agent_run_events
WHERE created_at >= :since::timestamptz
GROUP BY event_type
ORDER BY event_type;
