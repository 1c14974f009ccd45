"""The migration runner against real PostgreSQL, driven through the real CLI processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from zerg_sql.config import ROOT
from zerg_sql.migrate import new_migration
from zerg_sql.queries import internal

PASSWORD = "Zq9-unLikely-PW_4711"


def cli(*args: str, url: str | None = None, env_name: str = "test", dirs: list[Path] | None = None,
        extra_env: dict | None = None, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "zerg_sql", "--env", env_name]
    if url:
        cmd += ["--database-url", url]
    for d in dirs or []:
        cmd += ["--migrations-dir", str(d)]
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    env.update(extra_env or {})
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=cwd or ROOT, stdin=subprocess.DEVNULL)


def write(folder: Path, name: str, up: str, down: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.sql").write_text(up)
    (folder / f"{name}.rollback.sql").write_text(down)


@pytest.fixture
def migs(tmp_path) -> Path:
    folder = tmp_path / "migrations"
    write(folder, "0001_things", "-- things\nCREATE TABLE things (id bigint PRIMARY KEY, name text);\n",
          "DROP TABLE things;\n")
    write(folder, "0002_tags", "CREATE TABLE tags (id bigint PRIMARY KEY, thing_id bigint REFERENCES things);\n"
          "CREATE INDEX tags_thing_id_idx ON tags (thing_id);\n", "DROP TABLE tags;\n")
    write(folder, "0003_notes", "ALTER TABLE things ADD COLUMN note text;\n", "ALTER TABLE things DROP COLUMN note;\n")
    return folder


def one(url: str, query: str, *params):
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def applied_ids(url: str) -> list[str]:
    return [r[0] for r in one(url, "SELECT migration_id FROM zerg._zerg_sql_migrations ORDER BY 1")]


def catalog(url: str, schema: str = "zerg") -> list[tuple]:
    with psycopg.connect(url, row_factory=psycopg.rows.dict_row) as conn:
        return [tuple(r.values()) for r in internal.describe_schema(conn, schema=schema)]


# ---------------------------------------------------------------------------------------

def test_up_down_up_of_all_migrations_leaves_an_identical_catalog(empty_db_url):
    assert cli("migrate", url=empty_db_url).returncode == 0
    first = catalog(empty_db_url), catalog(empty_db_url, "ops")
    assert any(r[0] == "relation" for r in first[0])
    down = cli("rollback", "--steps", "1000", url=empty_db_url)
    assert down.returncode == 0, down.stderr
    assert [r for r in catalog(empty_db_url) if r[0] != "type"] == []
    assert applied_ids(empty_db_url) == []
    assert cli("migrate", url=empty_db_url).returncode == 0
    assert (catalog(empty_db_url), catalog(empty_db_url, "ops")) == first


def test_missing_schema_is_created_and_nothing_lands_in_public(empty_db_url, migs):
    before = catalog(empty_db_url, "public")
    r = cli("migrate", url=empty_db_url, dirs=[migs])
    assert r.returncode == 0, r.stderr
    assert "created schema zerg" in r.stderr
    assert catalog(empty_db_url, "public") == before == []
    tables = {t for (t,) in one(empty_db_url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'zerg'")}
    assert {"things", "tags", "_yoyo_migration", "_yoyo_log", "_zerg_sql_migrations"} <= tables
    assert "yoyo_lock" not in tables  # our advisory lock replaces yoyo's lock row
    assert applied_ids(empty_db_url) == ["0001_things", "0002_tags", "0003_notes"]


def test_a_migration_touching_another_schema_is_rolled_back(empty_db_url, migs):
    write(migs, "0004_sneaky", "CREATE TABLE public.sneaky (x int);\n", "DROP TABLE public.sneaky;\n")
    r = cli("migrate", url=empty_db_url, dirs=[migs])
    assert r.returncode == 1
    assert "0004_sneaky would change objects outside the schemas" in r.stderr
    assert "relation public.sneaky" in r.stderr
    assert one(empty_db_url, "SELECT to_regclass('public.sneaky')") == [(None,)]
    assert "0004_sneaky" not in applied_ids(empty_db_url)


def test_eight_deployers_at_once_apply_each_migration_once(empty_db_url):
    procs = [subprocess.Popen([sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", empty_db_url,
                               "migrate"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
             for _ in range(8)]
    results = [(p.wait(timeout=180), p.stderr.read()) for p in procs]
    assert [rc for rc, _ in results] == [0] * 8, results
    applies = one(empty_db_url, "SELECT migration_id, count(*) FROM zerg._zerg_sql_log WHERE operation = 'apply' GROUP BY 1")
    assert applies and all(n == 1 for _, n in applies)
    yoyo = one(empty_db_url, "SELECT count(*), count(DISTINCT migration_id) FROM zerg._yoyo_migration")
    assert yoyo[0][0] == yoyo[0][1] == len(applies)
    assert sum("applying" in err for _, err in results) >= 1


def test_kill_9_during_a_long_migration_then_migrate_completes(empty_db_url, pg, tmp_path):
    folder = tmp_path / "slow"
    write(folder, "0001_quick", "CREATE TABLE quick (id int);\n", "DROP TABLE quick;\n")
    write(folder, "0002_slow",
          "CREATE TABLE slow_started (id int);\n"
          "SELECT pg_sleep(coalesce(nullif(current_setting('zerg.test_sleep', true), ''), '0')::float);\n"
          "CREATE TABLE slow_done (id int);\n", "DROP TABLE slow_done;\nDROP TABLE slow_started;\n")
    cmd = [sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", empty_db_url,
           "--migrations-dir", str(folder), "migrate"]
    env = dict(os.environ, PGOPTIONS="-c zerg.test_sleep=60")
    victim = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if one(pg.admin_url, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%%'")[0][0]:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the slow migration never started")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    started = time.monotonic()
    r = cli("--migrations-dir", str(folder), "migrate", url=empty_db_url)
    assert r.returncode == 0, r.stderr
    # The killed client's server session noticed within seconds (client_connection_check_interval)
    # and released the advisory lock with it: no stale lock, no 10 s yoyo lock timeout.
    assert time.monotonic() - started < 20
    assert applied_ids(empty_db_url) == ["0001_quick", "0002_slow"]
    applies = one(empty_db_url, "SELECT migration_id FROM zerg._zerg_sql_log WHERE operation = 'apply' ORDER BY id")
    assert applies == [("0001_quick",), ("0002_slow",)]
    assert one(empty_db_url, "SELECT count(*) FROM zerg._yoyo_migration") == [(2,)]
    assert one(empty_db_url, "SELECT to_regclass('zerg.slow_done') IS NOT NULL") == [(True,)]


def test_edited_renamed_deleted_and_unknown_migrations_are_refused(empty_db_url, migs):
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0
    tags = migs / "0002_tags.sql"
    original = tags.read_text()

    # Whitespace and comments do not count.
    tags.write_text("-- a reviewer's note\n" + original.replace(" (", "  (").replace(";\n", " ;\n\n"))
    assert cli("verify", url=empty_db_url, dirs=[migs]).returncode == 0

    tags.write_text(original.replace("thing_id bigint", "thing_id integer"))
    r = cli("migrate", url=empty_db_url, dirs=[migs])
    assert r.returncode == 1
    assert "0002_tags: edited after it was applied" in r.stderr and "0002_tags.sql" in r.stderr
    assert "zerg-sql new" in r.stderr
    assert cli("verify", url=empty_db_url, dirs=[migs]).returncode == 1
    tags.write_text(original)

    tags.rename(migs / "0002_labels.sql")
    (migs / "0002_tags.rollback.sql").rename(migs / "0002_labels.rollback.sql")
    r = cli("migrate", url=empty_db_url, dirs=[migs])
    assert r.returncode == 1 and "0002_tags: applied, but its file was renamed to 0002_labels" in r.stderr
    (migs / "0002_labels.sql").unlink()
    (migs / "0002_labels.rollback.sql").unlink()

    r = cli("migrate", url=empty_db_url, dirs=[migs])
    assert r.returncode == 1 and "0002_tags: applied in the database but not in this checkout" in r.stderr
    r = cli("status", url=empty_db_url, dirs=[migs])
    assert r.returncode == 1 and "missing" in r.stdout
    assert applied_ids(empty_db_url) == ["0001_things", "0002_tags", "0003_notes"]  # nothing changed


def test_the_checksum_override_is_explicit_and_logged(empty_db_url, migs):
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0
    tags = migs / "0002_tags.sql"
    tags.write_text(tags.read_text().replace("CREATE INDEX", "CREATE INDEX /* same */"))
    tags.write_text(tags.read_text().replace("tags_thing_id_idx", "tags_thing_idx"))
    assert cli("verify", "--accept", "0002_tags", url=empty_db_url, dirs=[migs]).returncode == 1  # no reason
    r = cli("verify", "--accept", "0002_tags", "--reason", "renamed index by hand on every db",
            url=empty_db_url, dirs=[migs])
    assert r.returncode == 0, r.stderr
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0
    log = one(empty_db_url, "SELECT detail FROM zerg._zerg_sql_log WHERE operation = 'accept-checksum'")
    assert len(log) == 1 and "renamed index by hand" in log[0][0]


def drift_lines(url: str, migs: Path) -> list[str]:
    r = cli("verify", url=url, dirs=[migs])
    return [line for line in r.stdout.splitlines() if line.startswith("drift: ")]


def test_verify_finds_what_was_changed_by_hand_and_a_migrate_does_not_absorb_it(empty_db_url, migs):
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0
    r = cli("verify", url=empty_db_url, dirs=[migs])
    assert r.returncode == 0 and "the schema is as zerg-sql left it" in r.stdout, r.stdout + r.stderr
    with psycopg.connect(empty_db_url) as conn:  # an incident at 2 a.m., in psql
        conn.execute("CREATE INDEX things_name_idx ON zerg.things (name)")
        conn.execute("ALTER TABLE zerg.things ALTER COLUMN name SET DEFAULT 'x'")
        conn.execute("DROP INDEX zerg.tags_thing_id_idx")
        conn.execute("GRANT SELECT (name) ON zerg.things TO PUBLIC")
    r = cli("verify", url=empty_db_url, dirs=[migs])
    assert r.returncode == 1 and "4 object(s) changed outside zerg-sql" in r.stderr and "--accept-drift" in r.stderr
    expected = ["drift: + index things_name_idx: added outside zerg-sql",
                "drift: - index tags_thing_id_idx: dropped outside zerg-sql",
                "drift: ~ column things.name: changed outside zerg-sql (text -> text default 'x'::text)",
                "drift: + grants on column things.name: added outside zerg-sql (PUBLIC SELECT)"]
    lines = drift_lines(empty_db_url, migs)
    assert len(lines) == 4
    assert any(line.startswith(expected[0]) and "CREATE INDEX things_name_idx" in line for line in lines)
    assert any(line.startswith(expected[1]) for line in lines)
    assert expected[2] in lines and expected[3] in lines
    status = json.loads(cli("status", "--json", url=empty_db_url, dirs=[migs]).stdout)
    assert status["ok"] is True and len(status["drift"]) == 4  # drift alone does not block a deploy
    doctor = json.loads(cli("doctor", "--json", url=empty_db_url, dirs=[migs]).stdout)
    assert {"name": "schema drift", "ok": False, "warn": False,
            "detail": "4 object(s) changed outside zerg-sql (zerg-sql verify lists them)"} in doctor["checks"]

    # A new migration: applied with a warning; its own objects are not drift, the old drift stays.
    write(migs, "0004_labels", "CREATE TABLE labels (id bigint PRIMARY KEY);\n", "DROP TABLE labels;\n")
    r = cli("migrate", url=empty_db_url, dirs=[migs])
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("warning: schema drift:") == 4
    assert drift_lines(empty_db_url, migs) == lines
    assert cli("rollback", url=empty_db_url, dirs=[migs]).returncode == 0
    assert drift_lines(empty_db_url, migs) == lines

    # After a major upgrade the same definitions may print differently: verify says so.
    with psycopg.connect(empty_db_url) as conn:
        conn.execute("UPDATE zerg._zerg_sql_catalog SET server_version_num = server_version_num - 10000")
    r = cli("verify", url=empty_db_url, dirs=[migs])
    assert r.returncode == 1 and "the server is" in r.stdout and "recorded on PostgreSQL" in r.stdout

    # Undone by hand: gone from the report.
    with psycopg.connect(empty_db_url) as conn:
        conn.execute("DROP INDEX zerg.things_name_idx")
        conn.execute("REVOKE SELECT (name) ON zerg.things FROM PUBLIC")
    assert len(drift_lines(empty_db_url, migs)) == 2

    # Accepting is explicit, needs a reason, and is logged with what it accepted.
    assert cli("verify", "--accept-drift", url=empty_db_url, dirs=[migs]).returncode == 1
    r = cli("verify", "--accept-drift", "--reason", "default kept; index dropped on purpose", url=empty_db_url,
            dirs=[migs])
    assert r.returncode == 0, r.stderr
    assert cli("verify", url=empty_db_url, dirs=[migs]).returncode == 0
    log = one(empty_db_url, "SELECT detail FROM zerg._zerg_sql_log WHERE operation = 'accept-drift'")
    assert len(log) == 1 and "index dropped on purpose" in log[0][0] and "tags_thing_id_idx" in log[0][0]


def test_drift_is_recorded_anew_where_no_usable_record_exists(empty_db_url, migs):
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0
    # Migrated by a zerg-sql that kept no catalog: nothing to compare with yet, and verify says so.
    with psycopg.connect(empty_db_url) as conn:
        conn.execute("DROP TABLE zerg._zerg_sql_catalog")
    r = cli("verify", url=empty_db_url, dirs=[migs])
    assert r.returncode == 0 and "drift not checked: no catalog recorded yet" in r.stdout
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0  # records it
    assert "the schema is as zerg-sql left it" in cli("verify", url=empty_db_url, dirs=[migs]).stdout
    # While another run holds the migration lock its changes are not recorded yet: no verdict.
    with psycopg.connect(empty_db_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(hashtextextended('zerg-sql migrations zerg', 0))")
        other.execute("CREATE INDEX things_name_idx ON zerg.things (name)")
        r = cli("verify", url=empty_db_url, dirs=[migs])
        assert r.returncode == 0 and "holds the migration lock" in r.stdout, r.stdout + r.stderr
        other.execute("DROP INDEX zerg.things_name_idx")
    # Recorded by a zerg-sql that described the schema differently: not compared, recorded anew.
    with psycopg.connect(empty_db_url) as conn:
        conn.execute("UPDATE zerg._zerg_sql_catalog SET format = 'older', objects = '[]'")
    r = cli("verify", url=empty_db_url, dirs=[migs])
    assert r.returncode == 0 and "described the schema differently" in r.stdout
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0
    assert "the schema is as zerg-sql left it" in cli("verify", url=empty_db_url, dirs=[migs]).stdout
    # A run that stopped between migrations (the record lags the ledger): not reported as drift.
    with psycopg.connect(empty_db_url) as conn:
        conn.execute("UPDATE zerg._zerg_sql_catalog SET applied = applied[1:2]")
    r = cli("verify", url=empty_db_url, dirs=[migs])
    assert r.returncode == 0 and "a run was interrupted" in r.stdout
    with psycopg.connect(empty_db_url) as conn:
        conn.execute("CREATE INDEX things_name_idx ON zerg.things (name)")
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0
    assert drift_lines(empty_db_url, migs) == []  # recorded as found


def test_bookkeeping_out_of_step_is_repaired_without_rerunning_ddl(empty_db_url, migs):
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0
    # As if yoyo's CLI had applied 0002 (no ledger row), and our ledger lost yoyo's row of 0001.
    with psycopg.connect(empty_db_url) as conn:
        conn.execute("DELETE FROM zerg._zerg_sql_migrations WHERE migration_id = '0002_tags'")
        conn.execute("DELETE FROM zerg._yoyo_migration WHERE migration_id = '0001_things'")
    r = cli("migrate", url=empty_db_url, dirs=[migs])
    assert r.returncode == 0, r.stderr  # re-running CREATE TABLE tags would have failed
    assert "repaired: recorded 0002_tags" in r.stderr and "repaired: re-marked 0001_things" in r.stderr
    assert applied_ids(empty_db_url) == ["0001_things", "0002_tags", "0003_notes"]
    assert one(empty_db_url, "SELECT count(*) FROM zerg._yoyo_migration") == [(3,)]


def test_status_never_waits_and_a_second_deployer_is_told_who_holds_the_lock(empty_db_url, migs):
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0
    (migs / "0004_more.sql").write_text("CREATE TABLE more (id int);\n")
    (migs / "0004_more.rollback.sql").write_text("DROP TABLE more;\n")
    with psycopg.connect(empty_db_url, autocommit=True, application_name="zerg-sql migrate otherhost:99") as holder:
        holder.execute("SELECT pg_advisory_lock(hashtextextended('zerg-sql migrations ' || 'zerg', 0))")
        pid = holder.info.backend_pid
        started = time.monotonic()
        r = cli("status", url=empty_db_url, dirs=[migs])
        assert r.returncode == 0 and "pending  0004_more" in r.stdout
        assert time.monotonic() - started < 10
        r = cli("migrate", "--lock-wait", "1", url=empty_db_url, dirs=[migs])
        assert r.returncode == 4  # gave up on a lock: nothing applied, rerun later
        assert f"held by server pid {pid} (zerg-sql migrate otherhost:99" in r.stderr
        assert "connected since" in r.stderr
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0


def test_dry_run_prints_the_plan_and_changes_nothing(empty_db_url, migs):
    r = cli("migrate", "--dry-run", url=empty_db_url, dirs=[migs])
    assert r.returncode == 0, r.stderr
    assert "-- would create schema zerg" in r.stdout + r.stderr
    assert "-- apply 0002_tags" in r.stderr and "CREATE TABLE tags" in r.stderr
    assert one(empty_db_url, "SELECT to_regnamespace('zerg')") == [(None,)]


def test_rollback_steps_and_to(empty_db_url, migs):
    assert cli("migrate", url=empty_db_url, dirs=[migs]).returncode == 0
    assert cli("rollback", url=empty_db_url, dirs=[migs]).returncode == 0
    assert applied_ids(empty_db_url) == ["0001_things", "0002_tags"]
    assert one(empty_db_url, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'note'") == [(0,)]
    r = cli("rollback", "--to", "0001_things", "--dry-run", url=empty_db_url, dirs=[migs])
    assert "-- rollback 0002_tags" in r.stderr and "DROP TABLE tags" in r.stderr
    assert cli("rollback", "--to", "0001_things", url=empty_db_url, dirs=[migs]).returncode == 0
    assert applied_ids(empty_db_url) == ["0001_things"]
    assert cli("rollback", "--to", "nope", url=empty_db_url, dirs=[migs]).returncode == 1
    assert cli("rollback", "--steps", "1", "--to", "x", url=empty_db_url, dirs=[migs]).returncode == 2


def test_rollback_takes_the_schemas_last_migrations_never_the_job_queue_first(fresh_db_url):
    """ops_0001 sorts after every NNNN_ file; rolling back must still start at the schema's end."""
    schema_ids = sorted(p.name[: -len(".sql")] for p in (ROOT / "sql" / "migrations").glob("[0-9]*.sql")
                        if not p.name.endswith(".rollback.sql"))
    one(fresh_db_url, "INSERT INTO ops.job_queue (job_id) VALUES ('kept') RETURNING id")
    r = cli("rollback", "--dry-run", url=fresh_db_url)
    assert r.returncode == 0, r.stderr
    assert f"-- rollback {schema_ids[-1]}" in r.stderr and "ops_0001" not in r.stderr
    r = cli("rollback", "--steps", "2", url=fresh_db_url)
    assert r.returncode == 0, r.stderr
    assert set(applied_ids(fresh_db_url)) == {*schema_ids[:-2], "ops_0001_job_queue"}
    assert one(fresh_db_url, "SELECT job_id FROM ops.job_queue") == [("kept",)]
    # --to an old migration keeps the queue too; only stepping past the schema's first takes it.
    assert cli("rollback", "--to", schema_ids[0], url=fresh_db_url).returncode == 0
    assert set(applied_ids(fresh_db_url)) == {schema_ids[0], "ops_0001_job_queue"}
    assert cli("rollback", "--steps", "2", url=fresh_db_url).returncode == 0
    assert applied_ids(fresh_db_url) == []
    assert one(fresh_db_url, "SELECT to_regclass('ops.job_queue')") == [(None,)]


def test_a_protected_environment_asks_for_yes_and_rollback_for_more(empty_db_url, migs):
    r = cli("migrate", url=empty_db_url, env_name="prod", dirs=[migs])
    assert r.returncode == 1 and "protected" in r.stderr and "--yes" in r.stderr
    assert "schema=zerg" in r.stderr and "database=" in r.stderr
    assert one(empty_db_url, "SELECT to_regnamespace('zerg')") == [(None,)]
    assert cli("migrate", "--yes", url=empty_db_url, env_name="prod", dirs=[migs]).returncode == 0
    r = cli("rollback", "--yes", url=empty_db_url, env_name="prod", dirs=[migs])
    assert r.returncode == 1 and "--allow-protected-rollback" in r.stderr
    r = cli("rollback", "--yes", "--allow-protected-rollback", url=empty_db_url, env_name="prod", dirs=[migs])
    assert r.returncode == 0
    # prod may not own ops: its migrations are not even part of the plan there.
    r = cli("status", "--json", url=empty_db_url, env_name="prod")
    assert "ops_0001" not in r.stdout


def test_a_password_never_appears_in_any_output_or_file(empty_db_url, migs, tmp_path):
    url = empty_db_url.replace("postgresql://postgres@", f"postgresql://postgres:{PASSWORD}@")
    assert PASSWORD in url
    bad_host = f"postgresql://zerg:{PASSWORD}@nonexistent.invalid:5432/zerg"
    bad_option = url + "&options=-cnot_a_real_setting%3D1"
    outputs = []
    for args, u in [
        (("status",), url), (("status", "--json"), url), (("migrate", "--dry-run"), url), (("migrate",), url),
        (("verify",), url), (("doctor",), url), (("doctor", "--json"), url), (("rollback", "--dry-run"), url),
        (("status",), bad_host), (("doctor",), bad_host), (("migrate", "--wait", "1"), bad_host),
        (("status",), bad_option), (("migrate",), f"postgresql://zerg:{PASSWORD}@host:notaport/zerg"),
        (("status",), f"mysql://zerg:{PASSWORD}@host/zerg"),
    ]:
        r = cli(*args, url=u, dirs=[migs], cwd=tmp_path)
        outputs.append((args, r.returncode, r.stdout + r.stderr))
    for args, rc, text in outputs:
        assert PASSWORD not in text, (args, text)
    # Where the URL is shown, it is shown masked.
    assert any("postgresql://postgres:***@" in text for _, _, text in outputs)
    assert any(rc == 1 for _, rc, _ in outputs) and any(rc == 0 for _, rc, _ in outputs)
    # Through the environment variable too, and nothing written to disk anywhere we own.
    r = cli("status", dirs=[migs], extra_env={"ZERG_TEST_DATABASE_URL": url}, cwd=tmp_path)
    assert r.returncode == 0 and PASSWORD not in r.stdout + r.stderr
    for folder in (tmp_path, ROOT / ".dev"):
        for f in folder.rglob("*") if folder.exists() else []:
            if f.is_file() and f.stat().st_size < 5_000_000 and "pgdata" not in str(f) and "pg16" not in str(f):
                assert PASSWORD not in f.read_text(errors="ignore"), f
    assert not (tmp_path / "yoyo.ini").exists()


def test_a_stray_yoyo_ini_is_never_read(empty_db_url, migs, tmp_path):
    (tmp_path / "yoyo.ini").write_text("[DEFAULT]\ndatabase = postgresql://nobody@nowhere.invalid/x\nsources = /nonexistent\n")
    r = cli("migrate", url=empty_db_url, dirs=[migs], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert applied_ids(empty_db_url) == ["0001_things", "0002_tags", "0003_notes"]


def test_migrate_waits_for_the_server_then_fails_clearly(tmp_path):
    started = time.monotonic()
    r = cli("migrate", "--wait", "2", url=f"postgresql://postgres@/zerg?host={tmp_path}&port=1")
    assert r.returncode == 3
    assert "did not accept connections within 2s" in r.stderr
    assert 1.5 < time.monotonic() - started < 30


@pytest.mark.parametrize("form", [
    "postgres://{auth}/{rest}", "postgresql://{auth}/{rest}", "postgresql+psycopg://{auth}/{rest}",
    "postgresql://{auth}/{rest}&options=-csearch_path=zerg,public",
    "postgresql://{auth}/{rest}&options=-c+search_path%3Dzerg,public",
])
def test_pasted_url_forms_all_work(fresh_db_url, form):
    auth, rest = fresh_db_url[len("postgresql://"):].split("/", 1)
    r = cli("status", "--json", url=form.format(auth=auth, rest=rest))
    assert r.returncode == 0, r.stderr
    assert '"ok": true' in r.stdout


def test_usage_errors_exit_2_and_unknown_environments_exit_1(empty_db_url):
    assert cli("rollback", "--steps", "0", url=empty_db_url).returncode == 2
    assert cli("no-such-command").returncode == 2
    r = cli("status", url=empty_db_url, env_name="staging")
    assert r.returncode == 1 and "unknown environment 'staging'" in r.stderr


def test_new_creates_the_next_numbered_pair(tmp_path):
    write(tmp_path, "0007_old", "SELECT 1;\n", "SELECT 1;\n")
    up, down = new_migration("add_widgets", tmp_path)
    assert up.name == "0008_add_widgets.sql" and down.name == "0008_add_widgets.rollback.sql"
    assert up.exists() and down.exists()
    with pytest.raises(Exception, match="slug"):
        new_migration("Bad Slug!", tmp_path)


def test_doctor_checks_the_ops_queue_that_prod_does_not_own(empty_db_url):
    assert cli("migrate", "--yes", url=empty_db_url, env_name="prod").returncode == 0
    r = cli("doctor", url=empty_db_url, env_name="prod")
    assert r.returncode == 1 and "FAIL ops.job_queue: missing (owned by another repo" in r.stdout
    # The other repo creates its queue (here: with the DDL our dev/test migration uses).
    ddl = (ROOT / "sql" / "migrations-ops" / "ops_0001_job_queue.sql").read_text()
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute(ddl)
    r = cli("doctor", url=empty_db_url, env_name="prod")
    assert r.returncode == 0, r.stdout
    assert "ok   ops.job_queue: has every column" in r.stdout
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE ops.job_queue DROP COLUMN dedupe_key")
    r = cli("doctor", url=empty_db_url, env_name="prod")
    assert r.returncode == 1 and "FAIL ops.job_queue: missing columns our queue queries use: dedupe_key" in r.stdout


def test_migrate_refuses_a_schema_built_by_something_else_and_points_to_adopt(empty_db_url, migs):
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA zerg")
        conn.execute("CREATE TABLE zerg.users (id serial PRIMARY KEY, email varchar NOT NULL)")
    r = cli("migrate", url=empty_db_url, dirs=[migs])
    assert r.returncode == 1 and "zerg-sql adopt" in r.stderr and "1 tables" in r.stderr
    assert one(empty_db_url, "SELECT to_regclass('zerg.things')") == [(None,)]


def test_an_interrupted_concurrent_index_build_is_repaired_by_migrating_again(test_env, fresh_db_url):
    # 0014_dashboard_indexes builds its indexes CONCURRENTLY, outside a transaction: a build that fails half way
    # leaves an INVALID index of the same name, which IF NOT EXISTS alone would keep. Here a
    # failed UNIQUE build stands in for an interrupted one; migrating again must drop it and
    # build the real index.
    from zerg_sql.migrate import Runner

    with Runner(test_env, out=lambda _: None) as runner:
        assert "0014_dashboard_indexes" in runner.rollback(to="0013_dashboard_role")
    with psycopg.connect(fresh_db_url, autocommit=True) as c:
        c.execute("SET search_path = zerg")
        user = c.execute("INSERT INTO users (email) VALUES ('ix@example.com') RETURNING id").fetchone()[0]
        agent = c.execute("INSERT INTO agents (name, system_instructions, task_instructions, model, owner_id) "
                          "VALUES ('a', 's', 't', 'm', %s) RETURNING id", (user,)).fetchone()[0]
        thread = c.execute("INSERT INTO agent_threads (agent_id, title) VALUES (%s, 't') RETURNING id",
                           (agent,)).fetchone()[0]
        for _ in range(2):
            c.execute("INSERT INTO agent_runs (agent_id, thread_id, status, trigger, model, error, created_at) "
                      "VALUES (%s, %s, 'failed', 'chat', 'm', 'boom', '2026-01-01 00:00+00')", (agent, thread))
        with pytest.raises(psycopg.errors.UniqueViolation):
            c.execute("CREATE UNIQUE INDEX CONCURRENTLY agent_runs_failed_created_at_idx "
                      "ON agent_runs (created_at) WHERE status = 'failed'")
        valid = "SELECT indisvalid, indisunique FROM pg_index WHERE indexrelid = 'agent_runs_failed_created_at_idx'::regclass"
        assert c.execute(valid).fetchone() == (False, True)
        with Runner(test_env, out=lambda _: None) as runner:
            assert "0014_dashboard_indexes" in runner.migrate()
        assert c.execute(valid).fetchone() == (True, False)
        assert "INCLUDE (error_signature)" in c.execute(
            "SELECT pg_get_indexdef('agent_runs_failed_created_at_idx'::regclass)").fetchone()[0]
