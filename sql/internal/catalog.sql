-- Catalog descriptions: compare schemas (up/down/up, migrations vs schema.sql, adopt vs
-- fresh) and snapshot neighbour schemas. Bookkeeping tables (_yoyo_*, _zerg_sql_*) and
-- values that differ between equal schemas (OIDs, sequence positions) are left out.

-- name: describe_schema(schema)
-- Every object of one schema as (kind, object, definition) rows, in a stable order.
WITH s AS (SELECT oid FROM pg_namespace WHERE nspname = :schema::text),
rels AS (
    SELECT c.oid, c.relname, c.relkind FROM pg_class c, s
    WHERE c.relnamespace = s.oid AND c.relname !~ '^(_yoyo_|_zerg_sql_|yoyo_lock)'
)
SELECT 'relation' AS kind, r.relname AS object,
       r.relkind::text || coalesce(' ' || array_to_string(c.reloptions, ','), '') AS definition
FROM rels r JOIN pg_class c ON c.oid = r.oid
WHERE r.relkind IN ('r', 'v', 'm', 'p', 'f')
UNION ALL
SELECT 'column', r.relname || '.' || a.attname,
       format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
       || CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END
       || CASE WHEN a.attgenerated = 's' THEN ' generated' ELSE '' END
FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE r.relkind IN ('r', 'v', 'm', 'p', 'f')
UNION ALL
SELECT 'constraint', r.relname || '.' || con.conname, pg_get_constraintdef(con.oid)
FROM rels r JOIN pg_constraint con ON con.conrelid = r.oid
UNION ALL
SELECT 'index', r.relname, pg_get_indexdef(r.oid)
FROM rels r WHERE r.relkind = 'i'
UNION ALL
SELECT 'sequence', r.relname,
       format_type(seq.seqtypid, NULL) || ' increment ' || seq.seqincrement || ' cycle ' || seq.seqcycle
FROM rels r JOIN pg_sequence seq ON seq.seqrelid = r.oid
UNION ALL
SELECT 'trigger', r.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)
FROM rels r JOIN pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
UNION ALL
SELECT 'function', p.oid::regprocedure::text, md5(pg_get_functiondef(p.oid))
FROM pg_proc p, s WHERE p.pronamespace = s.oid
UNION ALL
SELECT 'type', t.typname, t.typtype::text
FROM pg_type t, s WHERE t.typnamespace = s.oid AND t.typrelid = 0 AND t.typelem = 0
UNION ALL
SELECT 'comment', r.relname, obj_description(r.oid, 'pg_class')
FROM rels r WHERE obj_description(r.oid, 'pg_class') IS NOT NULL
UNION ALL
SELECT 'column comment', r.relname || '.' || a.attname, col_description(r.oid, a.attnum)
FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0
WHERE col_description(r.oid, a.attnum) IS NOT NULL
ORDER BY 1, 2, 3;

-- name: describe_privileges(schema)
-- Who may do what on one schema and its objects (grants, default privileges), as (kind,
-- object, definition) rows in a stable order: with describe_schema, what drift compares.
-- A NULL acl means the built-in defaults: spelled out with acldefault(), so that granting
-- and revoking back to the defaults reads the same as never granting.
WITH s AS (SELECT oid, nspacl, nspowner FROM pg_namespace WHERE nspname = :schema::text),
acl AS (
    SELECT 'schema' AS on_kind, :schema::text AS object, coalesce(s.nspacl, acldefault('n', s.nspowner)) AS acl
    FROM s
    UNION ALL
    SELECT 'relation', c.relname,
           coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))
    FROM pg_class c, s
    WHERE c.relnamespace = s.oid AND c.relkind IN ('r', 'v', 'm', 'p', 'f', 'S')
      AND c.relname !~ '^(_yoyo_|_zerg_sql_|yoyo_lock)'
    UNION ALL
    SELECT 'column', c.relname || '.' || a.attname, a.attacl FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped, s
    WHERE c.relnamespace = s.oid AND cardinality(a.attacl) > 0 AND c.relname !~ '^(_yoyo_|_zerg_sql_|yoyo_lock)'
    UNION ALL
    SELECT 'function', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
           coalesce(p.proacl, acldefault('f', p.proowner))
    FROM pg_proc p, s WHERE p.pronamespace = s.oid
    UNION ALL
    SELECT 'default privileges ' || d.defaclobjtype::text, pg_get_userbyid(d.defaclrole), d.defaclacl
    FROM pg_default_acl d, s WHERE d.defaclnamespace = s.oid
)
SELECT 'grants on ' || acl.on_kind AS kind, acl.object,
       coalesce((SELECT string_agg(g.grant_text, ', ' ORDER BY g.grant_text)
                 FROM (SELECT CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(e.grantee) END
                              || ' ' || e.privilege_type
                              || CASE WHEN e.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END AS grant_text
                       FROM aclexplode(acl.acl) AS e) AS g), '(none)') AS definition
FROM acl
ORDER BY 1, 2;

-- name: list_user_schemas()
-- The schemas of this database that are not PostgreSQL's own.
SELECT nspname AS schema, pg_get_userbyid(nspowner) AS owner
FROM pg_namespace
WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'
ORDER BY nspname;

-- name: list_tables_documented(schema)
-- Tables of a schema with their COMMENT, for docs/schema.md.
SELECT c.relname AS table_name, obj_description(c.oid, 'pg_class') AS purpose,
       c.reltuples::bigint AS estimated_rows
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema::text AND c.relkind IN ('r', 'p') AND c.relname !~ '^(_yoyo_|_zerg_sql_|yoyo_lock)'
ORDER BY c.relname;

-- name: list_columns_documented(schema)
-- Columns of a schema's tables with type, nullability and key role, for docs/schema.md.
SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type,
       a.attnotnull AS not_null,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p' AND a.attnum = ANY (k.conkey)) AS is_pk,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f' AND a.attnum = ANY (k.conkey)) AS is_fk,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'u' AND a.attnum = ANY (k.conkey)) AS is_unique
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = :schema::text AND c.relkind IN ('r', 'p') AND c.relname !~ '^(_yoyo_|_zerg_sql_|yoyo_lock)'
ORDER BY c.relname, a.attnum;

-- name: list_foreign_keys(schema)
-- Every foreign key of a schema: from, to, columns and ON DELETE.
SELECT c.relname AS table_name, con.conname AS constraint_name,
       (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
       r.relname AS references_table,
       CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT'
            WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_delete
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class r ON r.oid = con.confrelid
WHERE n.nspname = :schema::text AND con.contype = 'f'
ORDER BY c.relname, con.conname;

-- name: list_table_columns(schema, table_name)
-- Columns of one table with their types (doctor checks ops.job_queue, owned elsewhere in prod).
SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type, a.attnotnull AS not_null
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema::text AND c.relname = :table_name::text AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;
