-- adopt's own introspection (zerg_sql/adopt.py). The session's search_path is the target
-- schema alone, so unqualified names are that schema's.

-- name: get_legacy_state(schema)^
-- What is in the schema: user tables (not bookkeeping), Alembic's table, the variant's extra column and public function.
SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema::text AND c.relkind IN ('r', 'p')
          AND c.relname !~ '^(_yoyo_|_zerg_sql_|yoyo_lock)') AS tables,
       to_regclass('alembic_version') IS NOT NULL AS has_alembic_version,
       EXISTS (SELECT FROM pg_attribute a
               WHERE a.attrelid = to_regclass('thread_messages') AND a.attname = 'created_at'
                 AND NOT a.attisdropped) AS has_message_created_at,
       to_regprocedure('public.update_updated_at_column()') IS NOT NULL AS has_public_trigger_function;

-- name: list_alembic_versions()
-- The legacy Alembic head(s), printed before alembic_version is dropped.
SELECT version_num FROM alembic_version ORDER BY version_num;

-- name: list_table_sizes(schema)
-- Size on disk (table, indexes, TOAST) and estimated rows (NULL: never analyzed) of every table, for the lock-time estimate.
SELECT c.relname AS table_name, pg_total_relation_size(c.oid) AS total_bytes,
       CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END AS estimated_rows
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema::text AND c.relkind IN ('r', 'p')
  AND c.relname !~ '^(_yoyo_|_zerg_sql_|yoyo_lock)'
ORDER BY c.relname;

-- name: set_statement_timeout(timeout)^
-- Raise (or lower) the per-statement limit of this adopt session (--statement-timeout).
SELECT set_config('statement_timeout', :timeout::text, false) AS statement_timeout;
