-- Queries of the dev and test servers (zerg_sql/devserver.py, tests/conftest.py).

-- name: database_exists(name)$
-- Is there a database of this name on the server?
SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = :name);

-- name: create_dev_database#
-- The dev database, named zerg as in Zerg's docker-compose setup.
CREATE DATABASE zerg;

-- name: drop_dev_database#
-- Drop the dev database, disconnecting its sessions (dev reset only).
DROP DATABASE IF EXISTS zerg WITH (FORCE);

-- Test servers trade durability for speed (never used for dev or anything kept).
-- ALTER SYSTEM refuses to run in a transaction block, hence one statement per query.

-- name: disable_fsync#
-- Throwaway test server: no fsync.
ALTER SYSTEM SET fsync = off;

-- name: disable_synchronous_commit#
-- Throwaway test server: commits return before the WAL is flushed.
ALTER SYSTEM SET synchronous_commit = off;

-- name: disable_full_page_writes#
-- Throwaway test server: no full-page images in the WAL.
ALTER SYSTEM SET full_page_writes = off;

-- name: reload_configuration()$
-- Apply ALTER SYSTEM changes that need only a reload.
SELECT pg_reload_conf();

-- name: drop_scratch_database#
-- The scratch database `zerg-sql schema` migrates from the checkout and dumps.
DROP DATABASE IF EXISTS zerg_sql_schema_scratch WITH (FORCE);

-- name: create_scratch_database#
-- A new, empty scratch database for `zerg-sql schema`.
CREATE DATABASE zerg_sql_schema_scratch;
