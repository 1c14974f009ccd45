-- Dashboard role: what the read-only role of the /traces, /reliability and queue dashboards
-- may read in this schema (docs/security.md). Its name comes from the session setting
-- zerg.dashboard_role (environments.toml's dashboard_role, set by the runner); when it is
-- empty or names no existing role, nothing is granted and a NOTICE says so.
--
-- The role is never created here: a role is a cluster-wide object, outside any schema, and
-- creating one needs CREATEROLE. On clifford a DBA creates it; in dev and test whoever sets
-- up the server does (docs/security.md has the SQL). When it appears after this migration
-- ran, the schema owner grants it by hand with the same procedure:
--     CALL zerg.grant_dashboard_access('zerg_dashboard');
--
-- What it is granted: exactly what the dashboard functions (sql/functions/) read. They are SECURITY
-- INVOKER, so the caller's own privileges decide, and this is the whole list:
-- * USAGE on this schema;
-- * SELECT on agent_runs and worker_jobs, whole tables (no credential column; the stuck
--   workers view reads worker_jobs.*);
-- * SELECT on the columns of llm_audit_log except messages (full prompts: no dashboard
--   shows them, and they are the user's words);
-- * SELECT on runners (id, owner_id, name, status, last_seen_at, capabilities): never
--   auth_secret_hash;
-- * EXECUTE on the schema's functions (PUBLIC has it by default; explicit, so a DBA who
--   revokes EXECUTE from PUBLIC does not break the dashboards), now and for functions
--   created later by the schema owner (default privileges).
-- Nothing else: no INSERT / UPDATE / DELETE / TRUNCATE anywhere, no other table, and none
-- of the credential columns: connectors.config (encrypted provider secrets),
-- connector_credentials.encrypted_value, account_connector_credentials.encrypted_value,
-- users.gmail_refresh_token, triggers.secret, runners.auth_secret_hash,
-- runner_enroll_tokens.token_hash.
--
-- No default SELECT on future tables, on purpose: a default privilege is table-wide and
-- cannot leave a column out, so the first new table holding a credential would be
-- readable by every dashboard user the moment it is created. A migration that makes a
-- dashboard read something new grants it (CREATE OR REPLACE the procedure below and CALL
-- it); tests/test_security.py runs every dashboard query as this role, so a missing grant
-- fails there, and it also fails if any credential-looking column becomes readable.
--
-- Queue dashboards read ops.job_queue, which is not ours in prod: its owner grants SELECT
-- on it to this role (docs/security.md).
-- Unqualified names only: the runner sets search_path to the target schema.

-- SET search_path FROM CURRENT pins this schema (the migration's search_path), so the
-- procedure works the same when the owner calls it from psql with any search_path.
-- Identifiers cannot be parameters: format('%I') quotes the role and schema names.
CREATE PROCEDURE grant_dashboard_access(role_name text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
        RAISE EXCEPTION 'role % does not exist', coalesce(role_name, 'NULL')
            USING ERRCODE = 'undefined_object',
                  HINT = 'a DBA creates it: CREATE ROLE ... NOLOGIN (docs/security.md)';
    END IF;
    IF role_name = current_user THEN
        RAISE EXCEPTION 'the dashboard role must not be the schema owner %', current_user
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = role_name AND rolsuper)
       OR pg_has_role(role_name, current_user, 'MEMBER') THEN
        RAISE WARNING 'dashboard role % is a superuser or a member of %: it can write anyway',
            role_name, current_user;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), role_name);
    EXECUTE format('GRANT SELECT ON TABLE agent_runs, worker_jobs TO %I', role_name);
    EXECUTE format('GRANT SELECT (id, created_at, run_id, worker_id, thread_id, owner_id, trace_id, '
                   'span_id, phase, model, message_count, input_tokens, response_content, '
                   'response_tool_calls, output_tokens, reasoning_tokens, duration_ms, '
                   'checkpoint_id, error) ON TABLE llm_audit_log TO %I', role_name);
    EXECUTE format('GRANT SELECT (id, owner_id, name, status, last_seen_at, capabilities) '
                   'ON TABLE runners TO %I', role_name);
    EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO %I', current_schema(), role_name);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT EXECUTE ON FUNCTIONS TO %I',
                   current_schema(), role_name);
END
$$;

-- Only the schema owner grants (GRANT by anyone else would grant nothing anyway).
REVOKE EXECUTE ON PROCEDURE grant_dashboard_access(text) FROM PUBLIC;

DO $$
DECLARE
    dashboard text := coalesce(current_setting('zerg.dashboard_role', true), '');
BEGIN
    IF dashboard = '' THEN
        RAISE NOTICE 'zerg.dashboard_role is not set: no dashboard role granted';
    ELSIF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = dashboard) THEN
        RAISE NOTICE 'dashboard role % does not exist: nothing granted; once a DBA creates it, '
                     'the schema owner runs CALL %.grant_dashboard_access(%)',
                     dashboard, current_schema(), quote_literal(dashboard);
    ELSE
        CALL grant_dashboard_access(dashboard);
    END IF;
END
$$;
