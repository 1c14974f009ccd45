-- Undo 0014_error_signatures.sql: the dashboard functions of 0012 again (they compute the
-- signature of every failure), then the triggers, the function and the columns.
-- The signature an error is grouped by: redacted, uuids -> <uuid>, hex ids (8 or more hex
-- digits mixing letters and digits, or 0x...) -> <hex>, every other digit run -> <n>,
-- whitespace collapsed, 200 characters. "job 123 timed out after 30s" and "job 9 timed out
-- after 31s" group together.
CREATE OR REPLACE FUNCTION error_signature(t text) RETURNS text
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

CREATE OR REPLACE FUNCTION reliability_runners(max_rows int DEFAULT 100)
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

DROP TRIGGER worker_jobs_error_signature_update ON worker_jobs;
DROP TRIGGER worker_jobs_error_signature_insert ON worker_jobs;
DROP TRIGGER agent_runs_error_signature_update ON agent_runs;
DROP TRIGGER agent_runs_error_signature_insert ON agent_runs;
DROP FUNCTION set_error_signature();
ALTER TABLE worker_jobs DROP COLUMN error_signature;
ALTER TABLE agent_runs DROP COLUMN error_signature;
