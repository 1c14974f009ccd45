"""The harness itself: a migrated template and isolated databases cloned from it.

How fast a clone is gets measured by `make bench` (bench/migrate_bench.py), not here."""

import psycopg

from zerg_sql.queries import internal


def test_isolated_databases_do_not_share_changes(pg, template_db, db):
    tables = {r["object"] for r in internal.describe_schema(db, schema="zerg") if r["kind"] == "relation"}
    assert "users" in tables
    db.execute("CREATE TABLE zerg.scratch_only_here (x int)")
    db.commit()
    other = pg.create_database("isolation_probe", template=template_db)
    try:
        with psycopg.connect(other) as conn:
            assert conn.execute("SELECT to_regclass('zerg.scratch_only_here')").fetchone()[0] is None
            assert conn.execute("SELECT to_regclass('zerg.users')").fetchone()[0] is not None
    finally:
        pg.drop_database("isolation_probe")
