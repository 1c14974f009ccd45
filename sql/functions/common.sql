-- The helpers of every dashboard function (traces.sql, reliability.sql, queue.sql).
-- Repeatable: `migrate` applies this file after the versioned migrations whenever it changed,
-- together with the files that declare `-- depends:` on it, in one transaction that first drops
-- the routines they created last time (README, "Versioned migrations and function files"). So
-- edit each definition here, in place: one authored definition per function; a signature
-- change needs nothing more.
--
-- Rules every dashboard function follows:
-- * Read-only, STABLE (or IMMUTABLE), SECURITY INVOKER (the default): a read-only dashboard
--   role runs them with its own privileges (sql/migrations/0013_dashboard_role.sql).
-- * The zerg functions are LANGUAGE sql with a single SELECT, so PostgreSQL inlines them
--   into the calling query: the parameters become part of the plan, the tables' indexes
--   are used, and EXPLAIN SELECT * FROM f(...) shows the real plan.
-- * Their bodies are SQL-standard (BEGIN ATOMIC ... END, RETURN ...; PostgreSQL 14+):
--   parsed when the file runs, so tables and functions are bound then (to this schema) and
--   a call works whatever the caller's search_path, e.g. from a bare psql:
--   SELECT * FROM zerg.reliability_errors(hours => 6). PostgreSQL also records what they
--   read, so a migration cannot drop or retype such a column unnoticed. The plpgsql
--   functions pin search_path to this schema instead (SET search_path FROM CURRENT: a
--   setting of the function call only).
-- * Parameters carry the reference's defaults and bounds (dashboard_arg raises a clear
--   error outside them). Time windows end at `as_of` (default now(), NULL = now()), so a
--   past incident can be looked at and tests get exact answers.
-- * Every free text shown (errors, tasks, responses, tool arguments) passes through
--   redact_secrets() (versioned, with error_signature: 0012_error_signatures); no
--   credential column is read.
-- * Parameter names differ from every column name: in a SQL function a column of the
--   same name would silently win over the parameter.
-- Unqualified names: the runner sets search_path to the target schema.

-- Validates one integer parameter: returns it, or raises naming the parameter and its
-- bounds (NULL is refused too). IMMUTABLE so a constant argument is checked at plan time.
CREATE OR REPLACE FUNCTION dashboard_arg(value int, lo int, hi int, param text) RETURNS int
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
CREATE OR REPLACE FUNCTION dashboard_level(level text) RETURNS text
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
