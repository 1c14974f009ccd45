-- Undo 0013_dashboard_role.sql: take back everything the dashboard role named by
-- zerg.dashboard_role holds in this schema (tables, their columns, functions, the schema,
-- the default privilege), then drop the procedure. Never the owner's own privileges.
DO $$
DECLARE
    dashboard text := coalesce(current_setting('zerg.dashboard_role', true), '');
BEGIN
    IF dashboard = '' OR dashboard = current_user
       OR NOT EXISTS (SELECT FROM pg_roles WHERE rolname = dashboard) THEN
        RAISE NOTICE 'no dashboard role to revoke (zerg.dashboard_role = %)', quote_literal(dashboard);
    ELSE
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE EXECUTE ON FUNCTIONS FROM %I',
                       current_schema(), dashboard);
        -- On a table, REVOKE also takes back its column privileges.
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', current_schema(), dashboard);
        EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA %I FROM %I', current_schema(), dashboard);
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I', current_schema(), dashboard);
    END IF;
END
$$;

DROP PROCEDURE grant_dashboard_access(text);
