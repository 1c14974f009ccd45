-- Catalog lookups of `zerg-sql stubs` and the query gate (zerg_sql/stubs.py): they turn
-- what PostgreSQL reports about a prepared statement (type oids, source table columns)
-- into type names and nullability. Loaded by aiosql 15 on their own, not as service queries.


-- name: list_type_names(oids)
-- The SQL name of each type oid (format_type), e.g. 'bigint', 'timestamp with time zone', 'text[]'.
SELECT t.oid::bigint AS oid, format_type(t.oid, NULL) AS name
FROM pg_type AS t
WHERE t.oid = ANY(:oids::oid[]);


-- name: list_not_null_columns(table_oids)
-- The NOT NULL columns (table oid, attribute number) of the given tables.
SELECT a.attrelid::bigint AS table_oid, a.attnum::int AS attnum
FROM pg_attribute AS a
WHERE a.attrelid = ANY(:table_oids::oid[]) AND a.attnum > 0 AND a.attnotnull AND NOT a.attisdropped;


-- name: list_table_columns(table_names)
-- The columns of the tables a query names, resolved as it resolves them (search_path): name as written, oid, column, NOT NULL.
SELECT n.name AS table_name, c.oid::bigint AS table_oid, a.attnum::int AS attnum,
       a.attname::text AS column_name, a.attnotnull AS not_null
FROM unnest(:table_names::text[]) AS n(name)
JOIN pg_class AS c ON c.oid = to_regclass(n.name)
JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped;
