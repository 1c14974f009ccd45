-- Alembic's version table during the cutover (docs/cutover.md). Zerg's start scripts run
-- `alembic upgrade head` before the app starts; without the table that replays Zerg's chain
-- from its first migration on our schema. So adopt keeps `alembic_version` (Zerg's env.py puts
-- it in schema zerg) holding exactly Zerg's head revision, which makes that command a no-op,
-- and `zerg-sql adopt --finish` drops it once no deployment runs Alembic any more.

-- name: ensure_alembic_version()#
-- The table as Alembic creates it, for a legacy schema that was never stamped.
CREATE TABLE IF NOT EXISTS alembic_version (
    version_num varchar(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- name: stamp_alembic_head(head)!
-- Zerg's head revision as the one row (adopt has checked that no other revision is there).
INSERT INTO alembic_version (version_num) VALUES (:head::text) ON CONFLICT DO NOTHING;

-- name: drop_alembic_version()#
-- The cutover is finished: Alembic no longer runs against this schema.
DROP TABLE alembic_version;
