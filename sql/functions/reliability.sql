-- depends: common
-- The /reliability page (zerg-schema-at-seed.md §3.3 - §3.7); sql/queries/reliability.sql
-- calls them. The error signatures they group by are stored (0012_error_signatures).
-- Repeatable, edited in place (see common.sql).

-- System health (§3.3) with the reference's rule and thresholds as parameters:
-- high = run or worker errors > high_errors (10); some = either > some_errors (5);
-- all_runners_offline = runners exist and none is online. unhealthy = high AND all
-- offline; degraded = high OR all offline OR some; else healthy (no runners = healthy).
-- Errors are failed runs / workers CREATED in (as_of - window_minutes, as_of], as in Zerg.
-- "workers" in Zerg's response were runners: here they are called runners.
CREATE OR REPLACE FUNCTION reliability_health(
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
CREATE OR REPLACE FUNCTION reliability_errors(hours int DEFAULT 24, max_rows int DEFAULT 50,
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

-- The same failures grouped by their signature per source: occurrences, first and last
-- seen, the latest example (redacted) and its trace; most frequent first, max_rows groups,
-- groups_total = every group in the window. The signature is the stored error_signature
-- column (0012_error_signatures) where there is one, else error_signature(error) computed here
-- (rows written before that column, or no message). Each of the four branches counts its own
-- rows straight off its index (0014_dashboard_indexes; the window bounds are computed once,
-- as InitPlans) and the branches' few groups are merged; groups are limited before any text is
-- read, and the example shown is the failure of that signature at its last_seen (ties: the
-- highest id). Every branch names its columns: an unnamed literal comes back from pg_dump as
-- "AS text", and sql/schema.sql must rebuild the very same function (tests/test_schema.py).
CREATE OR REPLACE FUNCTION reliability_error_groups(hours int DEFAULT 24, max_rows int DEFAULT 50,
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
    SELECT 'run' AS source, r.error_signature AS signature, count(*) AS n,
           min(r.created_at) AS first_seen, max(r.created_at) AS last_seen
    FROM agent_runs AS r
    WHERE r.status = 'failed' AND r.error_signature IS NOT NULL
      AND r.created_at > (SELECT since FROM w) AND r.created_at <= (SELECT at FROM w)
    GROUP BY r.error_signature
    UNION ALL
    SELECT 'run' AS source, error_signature(r.error) AS signature, count(*) AS n,
           min(r.created_at) AS first_seen, max(r.created_at) AS last_seen
    FROM agent_runs AS r
    WHERE r.status = 'failed' AND r.error_signature IS NULL
      AND r.created_at > (SELECT since FROM w) AND r.created_at <= (SELECT at FROM w)
    GROUP BY error_signature(r.error)
    UNION ALL
    SELECT 'worker' AS source, j.error_signature AS signature, count(*) AS n,
           min(j.created_at) AS first_seen, max(j.created_at) AS last_seen
    FROM worker_jobs AS j
    WHERE j.status = 'failed' AND j.error_signature IS NOT NULL
      AND j.created_at > (SELECT since FROM w) AND j.created_at <= (SELECT at FROM w)
    GROUP BY j.error_signature
    UNION ALL
    SELECT 'worker' AS source, error_signature(j.error) AS signature, count(*) AS n,
           min(j.created_at) AS first_seen, max(j.created_at) AS last_seen
    FROM worker_jobs AS j
    WHERE j.status = 'failed' AND j.error_signature IS NULL
      AND j.created_at > (SELECT since FROM w) AND j.created_at <= (SELECT at FROM w)
    GROUP BY error_signature(j.error)
), g AS (
    SELECT f.source, f.signature, sum(f.n)::bigint AS occurrences, min(f.first_seen) AS first_seen,
           max(f.last_seen) AS last_seen, count(*) OVER () AS groups_total
    FROM f
    GROUP BY f.source, f.signature
    ORDER BY sum(f.n) DESC, max(f.last_seen) DESC, f.source, f.signature
    LIMIT dashboard_arg(max_rows, 1, 200, 'max_rows')
)
SELECT g.source, g.signature, g.occurrences, g.first_seen, g.last_seen, x.id,
       left(redact_secrets(x.error), 200), x.trace_id, g.groups_total
FROM g
LEFT JOIN LATERAL (
    SELECT e.id, e.error, e.trace_id
    FROM (SELECT r.id, r.error, r.trace_id
          FROM agent_runs AS r
          WHERE g.source = 'run' AND r.status = 'failed' AND r.created_at = g.last_seen
            AND coalesce(r.error_signature, error_signature(r.error)) = g.signature
          UNION ALL
          SELECT j.id, j.error, j.trace_id
          FROM worker_jobs AS j
          WHERE g.source = 'worker' AND j.status = 'failed' AND j.created_at = g.last_seen
            AND coalesce(j.error_signature, error_signature(j.error)) = g.signature) AS e
    ORDER BY e.id DESC
    LIMIT 1
) AS x ON true
ORDER BY g.occurrences DESC, g.last_seen DESC, g.source, g.signature;
END;

-- Run durations (§3.5) of EVERY run created in (as_of - hours, as_of] with a duration, all
-- statuses (Zerg read at most 10,000 rows and indexed a sorted list). percentile_cont
-- interpolates: p50/p95/p99 of durations d1 <= ... <= dn is the value at position
-- 1 + p*(n-1). p99 is NULL below 100 runs, as in Zerg. One row for all runs
-- (scope 'all'), one per model and one per trigger.
CREATE OR REPLACE FUNCTION reliability_performance(hours int DEFAULT 24, as_of timestamptz DEFAULT now())
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
CREATE OR REPLACE FUNCTION reliability_stuck_workers(
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
-- total was the rows returned), counted apart (an index-only count): count(*) OVER () made
-- every runner pass through the window before the LIMIT. Never the secret hash or metadata.
CREATE OR REPLACE FUNCTION reliability_runners(max_rows int DEFAULT 100)
RETURNS TABLE (
    id bigint, owner_id bigint, name text, status text, last_seen_at timestamptz,
    capabilities jsonb, total bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT x.id, x.owner_id, x.name, x.status, x.last_seen_at, x.capabilities,
       (SELECT count(*) FROM runners)
FROM runners AS x
ORDER BY x.last_seen_at DESC NULLS LAST, x.id
LIMIT dashboard_arg(max_rows, 1, 1000, 'max_rows');
END;
