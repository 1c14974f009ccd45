-- Undo 0019: reliability_error_groups as 0014 made it.
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
    SELECT 'run' AS source, r.error_signature AS signature, r.created_at
    FROM agent_runs AS r, w
    WHERE r.status = 'failed' AND r.error_signature IS NOT NULL
      AND r.created_at > w.since AND r.created_at <= w.at
    UNION ALL
    SELECT 'run' AS source, error_signature(r.error) AS signature, r.created_at
    FROM agent_runs AS r, w
    WHERE r.status = 'failed' AND r.error_signature IS NULL
      AND r.created_at > w.since AND r.created_at <= w.at
    UNION ALL
    SELECT 'worker' AS source, j.error_signature AS signature, j.created_at
    FROM worker_jobs AS j, w
    WHERE j.status = 'failed' AND j.error_signature IS NOT NULL
      AND j.created_at > w.since AND j.created_at <= w.at
    UNION ALL
    SELECT 'worker' AS source, error_signature(j.error) AS signature, j.created_at
    FROM worker_jobs AS j, w
    WHERE j.status = 'failed' AND j.error_signature IS NULL
      AND j.created_at > w.since AND j.created_at <= w.at
), g AS (
    SELECT f.source, f.signature, count(*) AS occurrences, min(f.created_at) AS first_seen,
           max(f.created_at) AS last_seen, count(*) OVER () AS groups_total
    FROM f
    GROUP BY f.source, f.signature
    ORDER BY count(*) DESC, max(f.created_at) DESC, f.source, f.signature
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
