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
-- Written by a protected environment's run (prod): this database is that environment's, so
-- dev and test refuse it whatever their URL variables say (zerg_sql/db.py, refuse_protected).
-- The server's system identifier and the database name tell a copy elsewhere from the original.
CREATE TABLE IF NOT EXISTS _zerg_sql_protected (
    id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    environment text NOT NULL,
    database text NOT NULL,
    system_identifier text,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    recorded_by text NOT NULL
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

-- name: list_outside_oids(allowed_schemas)
-- Every schema, relation, function and type outside the schemas we may touch, by catalog
-- and oid: taken before a migration, so that what it dropped can be named afterwards.
SELECT 'pg_namespace'::regclass::oid AS classid, n.oid, 'schema' AS kind, n.nspname AS schema, n.nspname AS name
FROM pg_namespace n
WHERE n.nspname <> ALL (:allowed_schemas::text[]) AND n.nspname !~ '^pg_(toast_)?temp_'
UNION ALL
SELECT 'pg_class'::regclass::oid, c.oid, 'relation', n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname <> ALL (:allowed_schemas::text[]) AND n.nspname !~ '^pg_(toast_)?temp_'
UNION ALL
SELECT 'pg_proc'::regclass::oid, p.oid, 'function', n.nspname,
       p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname <> ALL (:allowed_schemas::text[]) AND n.nspname !~ '^pg_(toast_)?temp_'
UNION ALL
SELECT 'pg_type'::regclass::oid, t.oid, 'type', n.nspname, t.typname
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname <> ALL (:allowed_schemas::text[]) AND n.nspname !~ '^pg_(toast_)?temp_';

-- name: list_objects_changed_here(allowed_schemas, before_classids, before_oids)
-- What THIS transaction did outside the schemas we may touch, never a neighbour's concurrent
-- DDL: catalog rows it created or changed carry one of its own transaction ids as xmin (the
-- transaction's and its savepoints' ids are the transactionid locks it holds); an object it
-- dropped is gone and locked by it (DROP locks what it deletes until commit). `how` is
-- 'changed' or 'dropped'; a dropped object's names come from the caller's list taken before.
WITH mine AS (
    SELECT array_agg(l.transactionid) AS xids FROM pg_locks l
    WHERE l.locktype = 'transactionid' AND l.pid = pg_backend_pid()
), outside AS (
    SELECT n.oid FROM pg_namespace n
    WHERE n.nspname <> ALL (:allowed_schemas::text[]) AND n.nspname !~ '^pg_(toast_)?temp_'
)
SELECT 'changed' AS how, 'schema' AS kind, n.nspname AS schema, n.nspname AS name, n.oid
FROM pg_namespace n, mine WHERE n.oid IN (SELECT oid FROM outside) AND n.xmin = ANY (mine.xids)
UNION ALL
SELECT 'changed', 'relation', c.relnamespace::regnamespace::text, c.relname, c.oid
FROM pg_class c, mine WHERE c.relnamespace IN (SELECT oid FROM outside) AND c.xmin = ANY (mine.xids)
UNION ALL
SELECT 'changed', 'function', p.pronamespace::regnamespace::text,
       p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', p.oid
FROM pg_proc p, mine WHERE p.pronamespace IN (SELECT oid FROM outside) AND p.xmin = ANY (mine.xids)
UNION ALL
SELECT 'changed', 'type', t.typnamespace::regnamespace::text, t.typname, t.oid
FROM pg_type t, mine WHERE t.typnamespace IN (SELECT oid FROM outside) AND t.xmin = ANY (mine.xids)
UNION ALL
SELECT 'changed', 'column, trigger or constraint of', c.relnamespace::regnamespace::text, c.relname, c.oid
FROM pg_class c, mine
WHERE c.relnamespace IN (SELECT oid FROM outside)
  AND (EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.xmin = ANY (mine.xids))
       OR EXISTS (SELECT FROM pg_trigger tg WHERE tg.tgrelid = c.oid AND tg.xmin = ANY (mine.xids))
       OR EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = c.oid AND k.xmin = ANY (mine.xids)))
UNION ALL
SELECT 'changed', 'default privileges in', coalesce(d.defaclnamespace::regnamespace::text, 'every schema'),
       d.defaclobjtype::text, d.oid
FROM pg_default_acl d, mine
WHERE (d.defaclnamespace = 0 OR d.defaclnamespace IN (SELECT oid FROM outside)) AND d.xmin = ANY (mine.xids)
UNION ALL
SELECT 'dropped', NULL, NULL, NULL, b.oid
FROM unnest(:before_classids::oid[], :before_oids::oid[]) AS b (classid, oid)
JOIN (SELECT CASE l.locktype WHEN 'relation' THEN 'pg_class'::regclass::oid ELSE l.classid END AS classid,
             CASE l.locktype WHEN 'relation' THEN l.relation ELSE l.objid END AS objid
      FROM pg_locks l
      WHERE l.pid = pg_backend_pid() AND l.granted AND l.locktype IN ('relation', 'object')) m
  ON m.classid = b.classid AND m.objid = b.oid
WHERE NOT EXISTS (SELECT FROM pg_class c WHERE b.classid = 'pg_class'::regclass AND c.oid = b.oid)
  AND NOT EXISTS (SELECT FROM pg_proc p WHERE b.classid = 'pg_proc'::regclass AND p.oid = b.oid)
  AND NOT EXISTS (SELECT FROM pg_type t WHERE b.classid = 'pg_type'::regclass AND t.oid = b.oid)
  AND NOT EXISTS (SELECT FROM pg_namespace n WHERE b.classid = 'pg_namespace'::regclass AND n.oid = b.oid);

-- name: protection_marker_exists(schema)$
-- Has a protected environment marked this database (is its marker table in the schema)?
SELECT to_regclass(quote_ident(:schema::text) || '._zerg_sql_protected') IS NOT NULL;

-- name: get_protection_marker()^
-- The protected environment that marked this database, and whether the mark is about this
-- very database (same name, same server; a server that hides its identifier counts as same).
SELECT environment, database, recorded_at, recorded_by,
       database = current_database()
       AND (system_identifier IS NULL OR system_identifier IS NOT DISTINCT FROM
            (CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE')
                  THEN (SELECT s.system_identifier::text FROM pg_control_system() s) END)) AS here
FROM _zerg_sql_protected WHERE id = 1;

-- name: record_protection_marker(environment, recorded_by)!
-- Mark this database as the protected environment's (kept as first recorded while unchanged).
INSERT INTO _zerg_sql_protected (environment, database, system_identifier, recorded_by)
SELECT :environment::text, current_database(),
       CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE')
            THEN (SELECT s.system_identifier::text FROM pg_control_system() s) END,
       :recorded_by::text
ON CONFLICT (id) DO UPDATE
SET environment = EXCLUDED.environment, database = EXCLUDED.database,
    system_identifier = EXCLUDED.system_identifier, recorded_at = now(), recorded_by = EXCLUDED.recorded_by
WHERE (_zerg_sql_protected.environment, _zerg_sql_protected.database, _zerg_sql_protected.system_identifier)
      IS DISTINCT FROM (EXCLUDED.environment, EXCLUDED.database, EXCLUDED.system_identifier);

-- name: list_lock_holders(schemas)
-- Other sessions holding or awaiting locks on relations of these schemas, oldest transaction
-- first: who a blocked migration waits for, and what doctor reports.
SELECT a.pid, a.usename::text AS user_name, a.application_name, a.client_addr::text AS client_addr,
       a.state, a.xact_start, extract(epoch FROM now() - a.xact_start)::float8 AS xact_seconds,
       a.query_start, left(a.query, 300) AS query,
       string_agg(DISTINCT c.relnamespace::regnamespace::text || '.' || c.relname || ' ' || l.mode
                  || CASE WHEN l.granted THEN '' ELSE ' (waiting)' END, ', ') AS locks,
       pg_blocking_pids(a.pid) AS blocked_by
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
JOIN pg_class c ON c.oid = l.relation
WHERE l.locktype = 'relation' AND l.pid <> pg_backend_pid()
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND c.relnamespace::regnamespace::text = ANY (:schemas::text[]) AND c.relkind IN ('r', 'p', 'm')
GROUP BY a.pid, a.usename, a.application_name, a.client_addr, a.state, a.xact_start, a.query_start, a.query
ORDER BY a.xact_start NULLS LAST, a.pid
LIMIT 10;

-- name: list_long_transactions(min_seconds)
-- Other sessions of this database whose transaction has been open at least min_seconds.
SELECT a.pid, a.usename::text AS user_name, a.application_name, a.state, a.xact_start,
       extract(epoch FROM now() - a.xact_start)::int AS seconds, left(a.query, 300) AS query
FROM pg_stat_activity a
WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL
  AND a.xact_start < now() - make_interval(secs => :min_seconds::float)
ORDER BY a.xact_start
LIMIT 10;

-- name: list_ops_privileges()
-- What the queue's queries need on ops (docs/security.md) and whether this role has it;
-- granted is NULL where the schema or table is missing. Catalog lookups by name, so that a
-- missing USAGE is reported rather than raised.
WITH n AS (SELECT oid FROM pg_namespace WHERE nspname = 'ops'),
     q AS (SELECT c.oid FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM n) AND c.relname = 'job_queue'),
     r AS (SELECT c.oid FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM n) AND c.relname = 'runs')
SELECT 'schema ops' AS object, 'USAGE' AS privilege, has_schema_privilege((SELECT oid FROM n), 'USAGE') AS granted
UNION ALL
SELECT 'ops.job_queue', p, has_table_privilege((SELECT oid FROM q), p)
FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p
UNION ALL
SELECT 'ops.runs', 'INSERT', has_table_privilege((SELECT oid FROM r), 'INSERT')
UNION ALL
SELECT 'ops.runs (' || col || ')', 'SELECT', has_column_privilege((SELECT oid FROM r), col, 'SELECT')
FROM unnest(ARRAY['job_key', 'started_at']) AS col;

-- name: get_dashboard_role_state(role_name, schema)^
-- Does the dashboard role exist, and has it USAGE on the schema (0013 granted it)?
SELECT r.rolname IS NOT NULL AS role_exists,
       CASE WHEN r.oid IS NULL OR n.oid IS NULL THEN false ELSE has_schema_privilege(r.oid, n.oid, 'USAGE') END AS has_usage
FROM (SELECT :role_name::text AS wanted, :schema::text AS schema_name) w
LEFT JOIN pg_roles r ON r.rolname = w.wanted
LEFT JOIN pg_namespace n ON n.nspname = w.schema_name;

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
