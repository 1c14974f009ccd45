-- The error signature of each failed run and worker job, stored when the error is written,
-- so the error-groups dashboard groups stored values instead of running error_signature()
-- (a chain of regexp_replace, ~50 µs) on every failure of the window at every call: its
-- p95 was 4.7 s at bench scale 10 (docs/benchmarks.md). 0015 indexes the column.
--
-- error_signature() as in 0012, except that a hex id after an underscore is an id too
-- (0012's \m...\M needed a word boundary, so OpenAI's request ids "req_8f3c..." made one
-- group per failure). It is replaced here, before any signature is stored: a later
-- migration that changes it again must recompute the stored column.
CREATE OR REPLACE FUNCTION error_signature(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN btrim(coalesce(t, '')) = '' THEN '(no error message)' ELSE
    left(btrim(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(redact_secrets(t),
                        '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'gi'),
                    '(?<![[:alnum:]])(?:0x[0-9a-f]+|(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,})(?![[:alnum:]])', '<hex>', 'gi'),
                '[0-9]+', '<n>', 'g'),
            '\s+', ' ', 'g')), 200)
END;

-- A trigger, not a STORED generated column: adding a generated column rewrites the whole
-- table under an ACCESS EXCLUSIVE lock; a nullable column without a default is instant.
-- No backfill: rows written before this migration keep NULL, and the dashboard computes
-- their signature as before (its second branch); they leave the 7-day window by themselves,
-- and a backfill would have to update every failed row (and its updated_at).

ALTER TABLE agent_runs ADD COLUMN error_signature text;
COMMENT ON COLUMN agent_runs.error_signature IS
    'error_signature(error), kept by a trigger; NULL when error is NULL or for rows older than migration 0014';
ALTER TABLE worker_jobs ADD COLUMN error_signature text;
COMMENT ON COLUMN worker_jobs.error_signature IS
    'error_signature(error), kept by a trigger; NULL when error is NULL or for rows older than migration 0014';

-- search_path pinned: a trigger runs with the writer's search_path, which may not include
-- this schema (a psql session writing zerg.agent_runs).
CREATE FUNCTION set_error_signature() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
    NEW.error_signature := CASE WHEN NEW.error IS NOT NULL THEN error_signature(NEW.error) END;
    RETURN NEW;
END
$$;

-- INSERT: only rows with an error call the function (the WHEN is checked first, cheaply).
-- UPDATE: only statements that set error (a run failing) or the signature itself.
CREATE TRIGGER agent_runs_error_signature_insert
    BEFORE INSERT ON agent_runs
    FOR EACH ROW WHEN (NEW.error IS NOT NULL OR NEW.error_signature IS NOT NULL)
    EXECUTE FUNCTION set_error_signature();
CREATE TRIGGER agent_runs_error_signature_update
    BEFORE UPDATE OF error, error_signature ON agent_runs
    FOR EACH ROW EXECUTE FUNCTION set_error_signature();
CREATE TRIGGER worker_jobs_error_signature_insert
    BEFORE INSERT ON worker_jobs
    FOR EACH ROW WHEN (NEW.error IS NOT NULL OR NEW.error_signature IS NOT NULL)
    EXECUTE FUNCTION set_error_signature();
CREATE TRIGGER worker_jobs_error_signature_update
    BEFORE UPDATE OF error, error_signature ON worker_jobs
    FOR EACH ROW EXECUTE FUNCTION set_error_signature();


-- Same answer as 0012's version (tests/test_dashboards.py), read differently:
-- * f: the failures of the window with their stored signature (read from the partial index
--   of 0015 alone), plus the rows without one (older rows, or no message) computed here;
-- * g: the groups, counted and limited before any text is read; groups_total is counted
--   before the LIMIT;
-- * the latest example of each group shown: the failure of that signature at its last_seen
--   (ties: the highest id), found through the created_at index.
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

-- Same answer as 0012's version; the total is counted apart (an index-only count) instead
-- of count(*) OVER (), which made every runner pass through the window before the LIMIT.
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
