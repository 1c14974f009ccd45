-- Queries of the migration runner itself (zerg_sql/migrate.py). Not part of the service API.

-- name: configure_migration_session(schema, lock_timeout, statement_timeout, app_name, may_create_ops, dashboard_role)^
-- Pin a migration session: search_path is the target schema alone, per-environment timeouts, UTC.
SELECT set_config('search_path', quote_ident(:schema::text), false) AS search_path,
       set_config('lock_timeout', :lock_timeout::text, false) AS lock_timeout,
       set_config('statement_timeout', :statement_timeout::text, false) AS statement_timeout,
       set_config('idle_in_transaction_session_timeout', '10min', false) AS idle_timeout,
       set_config('TimeZone', 'UTC', false) AS time_zone,
       set_config('application_name', :app_name::text, false) AS application_name,
       set_config('zerg.schema', :schema::text, false) AS zerg_schema,
       set_config('zerg.may_create_ops', CASE WHEN :may_create_ops::boolean THEN 'on' ELSE 'off' END, false) AS zerg_ops,
       set_config('zerg.dashboard_role', :dashboard_role::text, false) AS zerg_dashboard_role;

-- name: enable_client_connection_check()^
-- Make the server notice a killed client within a second (PostgreSQL 14+), so its locks go too.
SELECT set_config('client_connection_check_interval', '1s', false) AS interval;

-- name: get_schema_state(schema)^
-- Does the schema exist, who owns it, may we create in it, and where would unqualified objects land?
SELECT n.nspname IS NOT NULL AS schema_exists,
       pg_get_userbyid(n.nspowner) AS owner,
       CASE WHEN n.oid IS NULL THEN false ELSE has_schema_privilege(n.oid, 'CREATE') END AS can_create,
       has_database_privilege(current_database(), 'CREATE') AS can_create_schema,
       current_schema() AS current_schema,
       current_user AS current_user,
       current_database() AS database,
       current_setting('server_version') AS server_version,
       current_setting('server_version_num')::int AS server_version_num
FROM (SELECT :schema::text AS wanted) w
LEFT JOIN pg_namespace n ON n.nspname = w.wanted;

-- name: create_target_schema#
-- Create the schema named by the session setting zerg.schema (identifiers cannot be parameters).
DO $$
BEGIN
    EXECUTE 'CREATE SCHEMA IF NOT EXISTS ' || quote_ident(current_setting('zerg.schema'));
END
$$;

-- name: try_migration_lock(schema)$
-- Take the session-level advisory lock of this schema's migrations without waiting.
SELECT pg_try_advisory_lock(hashtextextended('zerg-sql migrations ' || :schema::text, 0));

-- name: release_migration_lock(schema)$
-- Release the migration lock (it also goes when the session ends, even on kill -9).
SELECT pg_advisory_unlock(hashtextextended('zerg-sql migrations ' || :schema::text, 0));

-- name: get_migration_lock_holder(schema)^
-- Who holds the migration lock: backend pid, client, application name and since when.
SELECT a.pid, a.application_name, a.client_addr::text AS client_addr,
       a.backend_start, a.state, a.query_start, left(a.query, 200) AS query
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('zerg-sql migrations ' || :schema::text, 0)
LIMIT 1;

-- name: create_ledger#
-- zerg-sql's own bookkeeping beside yoyo's tables, in the target schema (search_path).
CREATE TABLE IF NOT EXISTS _zerg_sql_migrations (
    migration_id text PRIMARY KEY,
    checksum text NOT NULL,
    transactional boolean NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL,
    duration_ms integer
);
CREATE TABLE IF NOT EXISTS _zerg_sql_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    migration_id text,
    operation text NOT NULL,
    actor text NOT NULL,
    detail text
);
-- The function files (sql/functions/, repeatable): each file's checksum when it was last
-- applied and the routines it created then, which the runner drops before applying it again.
CREATE TABLE IF NOT EXISTS _zerg_sql_functions (
    file text PRIMARY KEY,
    checksum text NOT NULL,
    routines text[] NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL,
    duration_ms integer
);
-- The schema's catalog (describe_schema + describe_privileges) as zerg-sql last left it: what
-- the migrations made, so that `verify` can tell what was changed by hand since. One row.
CREATE TABLE IF NOT EXISTS _zerg_sql_catalog (
    id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    recorded_by text NOT NULL,
    server_version_num int NOT NULL DEFAULT current_setting('server_version_num')::int,
    format text NOT NULL,
    applied text[] NOT NULL,
    objects jsonb NOT NULL
);

-- name: ledger_exists()$
-- Is our ledger table there (in the current schema)?
SELECT to_regclass('_zerg_sql_migrations') IS NOT NULL;

-- name: list_ledger()
-- Every migration the ledger records as applied, oldest first.
SELECT migration_id, checksum, transactional, applied_at, applied_by, duration_ms
FROM _zerg_sql_migrations
ORDER BY applied_at, migration_id;

-- name: list_yoyo_applied()
-- What yoyo itself records as applied (its table may be absent on a fresh schema).
SELECT migration_id, applied_at_utc
FROM _yoyo_migration
ORDER BY applied_at_utc, migration_id;

-- name: yoyo_table_exists()$
-- Has yoyo created its tracking table in this schema?
SELECT to_regclass('_yoyo_migration') IS NOT NULL;

-- name: record_ledger(migration_id, checksum, transactional, applied_by, duration_ms)!
-- Record an applied migration with its content checksum.
INSERT INTO _zerg_sql_migrations (migration_id, checksum, transactional, applied_by, duration_ms)
VALUES (:migration_id, :checksum, :transactional, :applied_by, :duration_ms::int)
ON CONFLICT (migration_id) DO UPDATE
SET checksum = EXCLUDED.checksum, transactional = EXCLUDED.transactional,
    applied_at = now(), applied_by = EXCLUDED.applied_by, duration_ms = EXCLUDED.duration_ms;

-- name: get_recorded_catalog()^
-- The catalog zerg-sql recorded last (no row: never recorded); call only when the table exists.
SELECT recorded_at, recorded_by, server_version_num, format, applied, objects FROM _zerg_sql_catalog WHERE id = 1;

-- name: catalog_table_exists()$
-- Has a zerg-sql that records catalogs migrated this schema yet?
SELECT to_regclass('_zerg_sql_catalog') IS NOT NULL;

-- name: record_catalog(recorded_by, format, applied, objects)!
-- Keep the schema's catalog as zerg-sql leaves it, with the migrations applied at that moment.
INSERT INTO _zerg_sql_catalog (id, recorded_by, format, applied, objects)
VALUES (1, :recorded_by::text, :format::text, :applied::text[], :objects::jsonb)
ON CONFLICT (id) DO UPDATE
SET recorded_at = now(), recorded_by = EXCLUDED.recorded_by, server_version_num = EXCLUDED.server_version_num,
    format = EXCLUDED.format, applied = EXCLUDED.applied, objects = EXCLUDED.objects;

-- name: delete_ledger(migration_id)!
-- Forget a migration that was rolled back.
DELETE FROM _zerg_sql_migrations WHERE migration_id = :migration_id;

-- name: update_ledger_checksum(migration_id, checksum)!
-- Accept an edited migration's new checksum (the explicit, logged override).
UPDATE _zerg_sql_migrations SET checksum = :checksum WHERE migration_id = :migration_id;

-- name: log_operation(migration_id, operation, actor, detail)!
-- Append to zerg-sql's audit log (overrides, repairs, applies, rollbacks).
INSERT INTO _zerg_sql_log (migration_id, operation, actor, detail)
VALUES (:migration_id, :operation, :actor, :detail);

-- name: list_log(max_rows)
-- The most recent entries of zerg-sql's audit log.
SELECT id, at, migration_id, operation, actor, detail
FROM _zerg_sql_log ORDER BY id DESC LIMIT :max_rows::int;

-- name: list_objects_outside(allowed_schemas)
-- Fingerprint of every object outside the schemas we may touch; xmin changes on any ALTER.
SELECT 'schema' AS kind, n.nspname AS schema, n.nspname AS name, n.xmin::text AS version
FROM pg_namespace n
WHERE n.nspname <> ALL (:allowed_schemas::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
UNION ALL
SELECT 'relation', n.nspname, c.relname, c.xmin::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname <> ALL (:allowed_schemas::text[])
  AND n.nspname NOT IN ('pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_'
UNION ALL
SELECT 'function', n.nspname, p.oid::regprocedure::text, p.xmin::text
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname <> ALL (:allowed_schemas::text[]) AND n.nspname NOT IN ('pg_catalog', 'information_schema')
UNION ALL
SELECT 'type', n.nspname, t.typname, t.xmin::text
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname <> ALL (:allowed_schemas::text[]) AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
ORDER BY 1, 2, 3;

-- name: wait_probe()$
-- A trivial round trip: the server accepts connections and queries.
SELECT 1;

-- name: count_foreign_tables()$
-- Tables in the current schema that are not bookkeeping: a schema with tables but no
-- ledger was built by something else (Zerg's ORM): migrate refuses and points to adopt.
SELECT count(*) FROM pg_class c
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
  AND c.relname !~ '^(_yoyo_|_zerg_sql_|yoyo_lock)';

-- name: function_ledger_exists()$
-- Is the function files' ledger there (a zerg-sql without function files made none)?
SELECT to_regclass('_zerg_sql_functions') IS NOT NULL;

-- name: list_function_ledger()
-- Every function file applied, with its checksum and the routines it created.
SELECT file, checksum, routines, applied_at, applied_by, duration_ms
FROM _zerg_sql_functions
ORDER BY file;

-- name: record_function_file(file, checksum, routines, applied_by, duration_ms)!
-- Record a function file as applied, with the routines it created.
INSERT INTO _zerg_sql_functions (file, checksum, routines, applied_by, duration_ms)
VALUES (:file::text, :checksum::text, :routines::text[], :applied_by::text, :duration_ms::int)
ON CONFLICT (file) DO UPDATE
SET checksum = EXCLUDED.checksum, routines = EXCLUDED.routines, applied_at = now(),
    applied_by = EXCLUDED.applied_by, duration_ms = EXCLUDED.duration_ms;

-- name: delete_function_file(file)!
-- Forget a function file whose routines were dropped.
DELETE FROM _zerg_sql_functions WHERE file = :file::text;

-- name: list_schema_routines()
-- Every routine of the current schema with a fingerprint that changes when it is created or
-- replaced (oid, xmin): what a function file created is what changed while it ran.
SELECT p.oid::regprocedure::text AS routine, p.oid::bigint AS oid, p.oid::text || ':' || p.xmin::text AS version
FROM pg_proc AS p
WHERE p.pronamespace = current_schema()::regnamespace
ORDER BY p.oid;

-- name: set_routines_to_drop(routines)$
-- Name the routines drop_routines drops, for this transaction only (a DO block takes no parameters).
SELECT set_config('zerg.drop_routines', array_to_string(:routines::text[], E'\n'), true);

-- name: drop_routines#
-- Drop the routines named by set_routines_to_drop that exist, in ONE statement, so that
-- those depending on each other go together; anything else depending on them makes it fail.
DO $$
DECLARE
    targets text;
BEGIN
    SELECT string_agg(to_regprocedure(r)::text, ', ') INTO targets
    FROM unnest(string_to_array(nullif(current_setting('zerg.drop_routines', true), ''), E'\n')) AS r
    WHERE to_regprocedure(r) IS NOT NULL;
    IF targets IS NOT NULL THEN
        EXECUTE 'DROP ROUTINE ' || targets;
    END IF;
END
$$;
