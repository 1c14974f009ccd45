-- Error signatures: how failures are grouped on /reliability, stored when the error is
-- written, so the error-groups dashboard groups stored values instead of running
-- error_signature() (a chain of regexp_replace, ~50 µs) on every failure of the window at
-- every call (docs/benchmarks.md). 0014_dashboard_indexes indexes the column.
--
-- Versioned, unlike the dashboard functions of sql/functions/: the output of error_signature()
-- is stored, and so is that of redact_secrets(), which it calls. A change to either changes
-- what new rows store next to what old rows hold, so it belongs in a new migration that also
-- recomputes the column. The dashboards call both (sql/functions/).
-- Unqualified names: the runner sets search_path to the target schema.

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
-- digits mixing letters and digits, or 0x...; also right after an underscore, as in OpenAI's
-- request ids "req_8f3c...") -> <hex>, every other digit run -> <n>, whitespace collapsed,
-- 200 characters. "job 123 timed out after 30s" and "job 9 timed out after 31s" group together.
CREATE FUNCTION error_signature(t text) RETURNS text
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
    'error_signature(error), kept by a trigger; NULL when error is NULL or for rows older than migration 0012_error_signatures';
ALTER TABLE worker_jobs ADD COLUMN error_signature text;
COMMENT ON COLUMN worker_jobs.error_signature IS
    'error_signature(error), kept by a trigger; NULL when error is NULL or for rows older than migration 0012_error_signatures';

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
