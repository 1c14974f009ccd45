"""Safe at 2 a.m. on a shared instance (issue 19): no path from dev or test to a protected
database, a guard that ignores the neighbours' DDL, lock retries the application does not
feel, and one clear message per failure. Real PostgreSQL, real CLI processes."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.conftest import test_env_for
from zerg_sql import config
from zerg_sql.config import ROOT, ZergError, get_environment
from zerg_sql.migrate import Runner



def cli(*args: str, extra_env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "ZERG_ENV"}
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "zerg_sql", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)


def write(folder: Path, name: str, up: str, down: str = "SELECT 1;\n") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.sql").write_text(up)
    (folder / f"{name}.rollback.sql").write_text(down)


@pytest.fixture
def migs(tmp_path) -> Path:
    folder = tmp_path / "migrations"
    write(folder, "0001_things", "CREATE TABLE things (id bigint PRIMARY KEY, name text);\n", "DROP TABLE things;\n")
    write(folder, "0002_tags", "CREATE TABLE tags (id bigint PRIMARY KEY);\n", "DROP TABLE tags;\n")
    return folder


def run(url: str, folder: Path, lines: list[str] | None = None, **overrides) -> list[str]:
    """Migrate in-process as environment test with overrides; returns the ids applied."""
    env = test_env_for(url, **overrides)
    with Runner(env, dirs=[folder], out=(lines.append if lines is not None else lambda _: None)) as runner:
        return runner.migrate()


def one(url: str, query: str, *params):
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def snapshot(url: str) -> list:
    return one(url, "SELECT c.relname, c.xmin::text FROM pg_class c WHERE c.relnamespace = 'zerg'::regnamespace "
                    "UNION ALL SELECT 'ledger ' || migration_id, applied_at::text FROM zerg._zerg_sql_migrations "
                    "ORDER BY 1")


# ------------------------------------------------------------ no path from dev to prod

def test_dev_and_test_never_change_a_protected_database(empty_db_url, migs, tmp_path):
    run(empty_db_url, migs, protected=True, name="prod")  # prod's first migrate marks the database
    write(migs, "0003_more", "CREATE TABLE more (id int);\n", "DROP TABLE more;\n")
    before = snapshot(empty_db_url)
    folder = ["--migrations-dir", str(migs)]

    # DATABASE_URL is what Coolify sets and what dev and prod both read.
    for args in (["migrate"], ["--env", "dev", "migrate"], ["--env", "dev", "rollback"],
                 ["--env", "test", "--database-url", empty_db_url, "migrate"], ["--env", "dev", "stubs", "--check"]):
        r = cli(*folder, *args, extra_env={"DATABASE_URL": empty_db_url})
        assert r.returncode == 1, (args, r.stderr)
        assert "belongs to protected environment prod" in r.stderr and "use --env prod" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    for target in (["migrate"], ["dev"]):
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "ARGS", "ENV")}
        r = subprocess.run(["make", "-s", *target], capture_output=True, text=True,
                           cwd=ROOT, timeout=180, env=dict(env, DATABASE_URL=empty_db_url, ZERG_ENV=""))
        assert r.returncode != 0 and "belongs to protected environment prod" in r.stderr, (target, r.stderr)
    assert snapshot(empty_db_url) == before

    # On purpose: prod, confirmed.
    r = cli("--env", "prod", *folder, "migrate", "--yes", extra_env={"DATABASE_URL": empty_db_url})
    assert r.returncode == 0, r.stderr
    assert "more" in [t for (t,) in one(empty_db_url, "SELECT relname FROM pg_class WHERE relnamespace = 'zerg'::regnamespace")]


def test_a_copy_under_another_name_is_not_protected(pg, empty_db_url, migs):
    run(empty_db_url, migs, protected=True, name="prod")
    name = f"copy_{uuid.uuid4().hex[:8]}"
    with pg.admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(psycopg.conninfo.conninfo_to_dict(empty_db_url)["dbname"])))
    try:
        write(migs, "0003_more", "CREATE TABLE more (id int);\n", "DROP TABLE more;\n")
        assert run(pg.url(name), migs) == ["0003_more"]
    finally:
        pg.drop_database(name)


def test_the_protected_url_variable_is_refused_before_connecting(migs):
    url = "postgresql://someone:pw@clifford.invalid:5433/life_hub"
    r = cli("--env", "dev", "--database-url", url.replace("someone", "other"), "migrate",
            extra_env={"ZERG_PROD_DATABASE_URL": url})
    assert r.returncode == 1
    assert "reaches the database of protected environment prod" in r.stderr and "use --env prod" in r.stderr
    assert "pw@" not in r.stderr


# ------------------------------------------------------------ the neighbours' DDL

def test_a_neighbour_creating_tables_meanwhile_does_not_fail_a_migration(empty_db_url, migs):
    run(empty_db_url, migs)
    write(migs, "0003_slow", "CREATE TABLE slow_a (id int);\nSELECT pg_sleep(2);\nCREATE TABLE slow_b (id int);\n",
          "DROP TABLE slow_b;\nDROP TABLE slow_a;\n")
    stop, made = threading.Event(), []

    def neighbour():  # a TimescaleDB-like tenant: a new chunk table every 50 ms, some dropped
        with psycopg.connect(empty_db_url, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA finance")
            while not stop.is_set():
                n = len(made)
                conn.execute(sql.SQL("CREATE TABLE finance.{} (x int)").format(sql.Identifier(f"chunk_{n}")))
                if n % 3 == 2:
                    conn.execute(sql.SQL("DROP TABLE finance.{}").format(sql.Identifier(f"chunk_{n - 2}")))
                made.append(n)
                time.sleep(0.05)

    t = threading.Thread(target=neighbour)
    t.start()
    try:
        assert run(empty_db_url, migs) == ["0003_slow"]
    finally:
        stop.set()
        t.join(10)
    assert len(made) > 20  # the neighbour was busy the whole time


@pytest.mark.parametrize("statement, named", [
    ("CREATE TABLE public.sneaky (x int);", "relation public.sneaky"),
    ("ALTER TABLE finance.ledger ADD COLUMN y int;", "finance.ledger"),
    ("DROP TABLE finance.ledger;", "dropped relation finance.ledger"),
    ("CREATE FUNCTION finance.f() RETURNS int LANGUAGE sql AS 'SELECT 1';", "function finance.f()"),
])
def test_a_migration_that_really_touches_another_schema_is_rolled_back(empty_db_url, migs, statement, named):
    run(empty_db_url, migs)
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA finance; CREATE TABLE finance.ledger (x int)")
    write(migs, "0003_sneaky", f"CREATE TABLE ours (id int);\n{statement}\n")
    with pytest.raises(ZergError) as e:
        run(empty_db_url, migs)
    assert "0003_sneaky would change objects outside the schemas" in str(e.value) and named in str(e.value)
    assert one(empty_db_url, "SELECT to_regclass('zerg.ours'), to_regclass('finance.ledger') IS NOT NULL") == [(None, True)]
    assert one(empty_db_url, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'ledger'") == [(1,)]


# ------------------------------------------------------------ locks the application does not feel

def test_a_blocked_migration_retries_and_the_application_barely_waits(empty_db_url, migs):
    run(empty_db_url, migs)
    write(migs, "0003_alter", "ALTER TABLE things ADD COLUMN note text;\n", "ALTER TABLE things DROP COLUMN note;\n")
    blocker = psycopg.connect(empty_db_url, application_name="long report")
    blocker.execute("SELECT count(*) FROM zerg.things")  # a long transaction: AccessShareLock held
    stop, waits = threading.Event(), []

    def app():
        with psycopg.connect(empty_db_url, autocommit=True) as conn:
            while not stop.is_set():
                t0 = time.perf_counter()
                conn.execute("SELECT count(*) FROM zerg.things")
                waits.append(time.perf_counter() - t0)
                time.sleep(0.01)

    reader = threading.Thread(target=app)
    reader.start()
    threading.Timer(4.0, blocker.commit).start()  # the blocker ends within the retry budget
    lines: list[str] = []
    started = time.monotonic()
    try:
        applied = run(empty_db_url, migs, lines, lock_timeout="200ms", lock_retry_for="30s")
    finally:
        stop.set()
        reader.join(10)
        blocker.close()
    took = time.monotonic() - started
    assert applied == ["0003_alter"] and 4 <= took < 30
    assert sum("retrying in" in line for line in lines) >= 2, lines
    waits.sort()
    p99 = waits[int(len(waits) * 0.99)]
    print(f"\napp reads while blocked: n={len(waits)}, p50={waits[len(waits) // 2] * 1000:.1f} ms, "
          f"p99={p99 * 1000:.1f} ms, max={waits[-1] * 1000:.1f} ms; migration done after {took:.1f} s")
    assert p99 < 0.2 + 0.15  # the per-attempt lock_timeout, plus the read itself on a loaded machine


def test_a_migration_that_gives_up_names_the_blocker_and_applies_nothing(empty_db_url, migs):
    run(empty_db_url, migs)
    write(migs, "0003_first", "CREATE TABLE first (id int);\n", "DROP TABLE first;\n")
    write(migs, "0004_alter", "ALTER TABLE things ADD COLUMN note text;\n", "ALTER TABLE things DROP COLUMN note;\n")
    with psycopg.connect(empty_db_url, application_name="nightly report") as blocker:
        blocker.execute("SELECT count(*) FROM zerg.things WHERE name <> 'password=hunter22'")
        with pytest.raises(ZergError) as e:
            run(empty_db_url, migs, lock_timeout="100ms", lock_retry_for="1s")
        pid = blocker.info.backend_pid
    text = str(e.value)
    print(text)
    assert e.value.code == 4
    assert "0004_alter: gave up after" in text and "attempt(s) over 1s" in text
    assert f"server pid {pid} (nightly report, user " in text and "zerg.things AccessShareLock" in text
    assert "in a transaction since" in text and "password=***" in text and "hunter22" not in text
    assert "nothing of 0004_alter was applied" in text and "0003_first of this run is applied" in text
    assert one(empty_db_url, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'note'") == [(0,)]


# ------------------------------------------------------------ one clear message per failure

def test_a_syntax_error_names_the_file_and_line(empty_db_url, migs):
    write(migs, "0003_typo", "-- a comment\nCREATE TABLE fine (id int);\n\nCREATE TABLE broken (\n  id int,,\n);\n")
    with pytest.raises(ZergError) as e:
        run(empty_db_url, migs)
    text = str(e.value)
    assert "0003_typo: SyntaxError: syntax error at or near \",\"" in text
    assert "0003_typo.sql, line 5" in text and "nothing of 0003_typo was applied" in text


def test_a_statement_timeout_and_a_privilege_error_are_explained(pg, empty_db_url, migs):
    write(migs, "0003_slow", "SELECT pg_sleep(5);\n")
    with pytest.raises(ZergError) as e:
        run(empty_db_url, migs, statement_timeout="300ms")
    assert "0003_slow: canceling statement due to statement timeout" in str(e.value)
    assert "statement_timeout 300ms" in str(e.value) and "nothing of 0003_slow was applied" in str(e.value)

    role = f"weak_{uuid.uuid4().hex[:8]}"
    (migs / "0003_slow.sql").unlink()
    write(migs, "0003_weak", "SELECT set_config('role', current_setting('zerg.test_role'), true);\n"
                             "CREATE TABLE zerg.weak (id int);\n")
    with pg.admin() as conn:
        conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(role)))
    try:
        with psycopg.connect(empty_db_url, autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER DATABASE {} SET zerg.test_role = {}").format(
                sql.Identifier(conn.info.dbname), sql.Literal(role)))
        with pytest.raises(ZergError) as e:
            run(empty_db_url, migs)
        assert "0003_weak: permission denied for schema zerg" in str(e.value)
        assert "0003_weak.sql, line 2" in str(e.value) and "Grant the privilege" in str(e.value)
    finally:
        with pg.admin() as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}; DROP ROLE {}").format(sql.Identifier(role), sql.Identifier(role)))


def test_a_dropped_connection_mid_run_is_one_message(pg, empty_db_url, migs):
    write(migs, "0003_slow", "CREATE TABLE slow (id int);\nSELECT pg_sleep(30);\n", "DROP TABLE slow;\n")
    cmd = [sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", empty_db_url,
           "--migrations-dir", str(migs), "migrate"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 60
    while not one(pg.admin_url, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%%'")[0][0]:
        assert time.monotonic() < deadline, "the slow migration never started"
        time.sleep(0.1)
    one(pg.admin_url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%%'")
    _, err = p.communicate(timeout=60)
    assert p.returncode == 1 and "Traceback" not in err, err
    assert "0003_slow: the connection to the server was lost" in err
    assert "nothing of 0003_slow was applied" in err and "0001_things, 0002_tags of this run are applied" in err


def test_connection_failures_are_one_line_and_authentication_is_not_retried(empty_db_url):
    bad_role = empty_db_url.replace("postgres@", "no_such_role@")
    started = time.monotonic()
    r = cli("--env", "test", "--database-url", bad_role, "migrate", "--wait", "20")
    assert time.monotonic() - started < 15  # not retried for the whole --wait
    assert r.returncode == 3 and "role \"no_such_role\" does not exist" in r.stderr and "not retried" in r.stderr
    r = cli("--env", "test", "--database-url", "postgresql://u:secret-pw@127.0.0.1:1/x", "status")
    assert r.returncode == 3 and "Connection refused" in r.stderr and "is the server up" in r.stderr
    assert "secret-pw" not in r.stderr and "Traceback" not in r.stderr


def test_migration_notices_reach_the_deployer(empty_db_url, migs):
    write(migs, "0003_notice", "DO $$ BEGIN RAISE NOTICE 'role zerg_dashboard does not exist, granting nothing'; END $$;\n")
    lines: list[str] = []
    run(empty_db_url, migs, lines)
    assert "  notice: role zerg_dashboard does not exist, granting nothing" in lines
    assert not any("already exists, skipping" in line for line in lines)  # the runner's own stay quiet


# ------------------------------------------------------------ out of order

def test_an_out_of_order_migration_is_refused_unless_allowed(empty_db_url, migs):
    write(migs, "0003_notes", "ALTER TABLE things ADD COLUMN note text;\n")
    run(empty_db_url, migs)
    write(migs, "0001a_late", "CREATE TABLE late (id int);\n", "DROP TABLE late;\n")
    with pytest.raises(ZergError) as e:
        run(empty_db_url, migs)
    assert "0001a_late sorts before the applied 0002_tags, 0003_notes" in str(e.value)
    assert "--allow-out-of-order" in str(e.value)
    assert one(empty_db_url, "SELECT to_regclass('zerg.late')") == [(None,)]
    with Runner(test_env_for(empty_db_url), dirs=[migs], out=lambda _: None, allow_out_of_order=True) as runner:
        assert runner.migrate() == ["0001a_late"]


def test_the_dry_run_says_what_a_role_that_cannot_create_the_schema_gets(pg, empty_db_url, migs):
    role = f"plain_{uuid.uuid4().hex[:8]}"
    with pg.admin() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))  # no CREATE on the database
    try:
        lines: list[str] = []
        url = empty_db_url.replace("postgres@", f"{role}@")
        with Runner(test_env_for(url), dirs=[migs], out=lines.append) as runner:
            runner.migrate(dry_run=True)
        text = "\n".join(lines)
        assert "-- would create schema" not in text
        assert f"role {role} may not create it (ask a DBA: CREATE SCHEMA zerg AUTHORIZATION {role})" in text
        assert "-- summary: would apply 2 migration(s): 0001_things, 0002_tags" in text
    finally:
        with pg.admin() as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


# ------------------------------------------------------------ environments.toml values

@pytest.mark.parametrize("line, message", [
    ('lock_timeout = "99999999999999999999s"', "lock_timeout: '99999999999999999999s' is not an interval"),
    ('lock_timeout = "2h"', "lock_timeout: '2h' is out of range (1ms to 1h)"),
    ('statement_timeout = "0"', "statement_timeout: '0' is out of range"),
    ('lock_wait = "sixty"', "lock_wait: 'sixty' is not a number of seconds from 0 to 86400"),
    ("lock_wait = nan", "lock_wait: nan is not a number of seconds"),
    ("lock_wait = inf", "lock_wait: inf is not a number of seconds"),
    ('protected = "yes"', "protected: 'yes' must be true or false"),
    ('lock_timout = "1s"', "unknown key 'lock_timout'"),
    ('schema = "Zerg; DROP"', "schema: 'Zerg; DROP' is not a plain lower-case identifier"),
])
def test_every_environments_toml_value_is_checked_where_it_is_read(tmp_path, monkeypatch, line, message):
    text = config.ENVIRONMENTS_FILE.read_text()
    head, rest = text.split("[test]\n", 1)
    key = line.split(" =")[0]
    rest = "\n".join(x for x in rest.splitlines() if not x.startswith(key + " "))
    (tmp_path / "environments.toml").write_text(f"{head}[test]\n{line}\n{rest}\n")
    monkeypatch.setattr(config, "ENVIRONMENTS_FILE", tmp_path / "environments.toml")
    with pytest.raises(ZergError) as e:
        get_environment("test", "postgresql://localhost/x")
    assert f"environments.toml [test]" in str(e.value) and message in str(e.value)


def test_an_empty_env_name_is_refused():
    with pytest.raises(ZergError, match="--env '': an empty environment name; environments.toml defines: dev"):
        get_environment("")
    assert not math.isnan(get_environment("prod").lock_retry_seconds)


# ------------------------------------------------------------ doctor

def test_doctor_reports_lock_holders_ops_privileges_and_the_dashboard_role(pg, fresh_db_url):
    role = f"doc_{uuid.uuid4().hex[:8]}"
    with pg.admin() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    dbname = psycopg.conninfo.conninfo_to_dict(fresh_db_url)["dbname"]
    try:
        with psycopg.connect(fresh_db_url, autocommit=True) as conn:  # the owner of zerg, as on clifford
            for (table,) in conn.execute("SELECT oid::regclass::text FROM pg_class WHERE relkind IN ('r', 'p') "
                                         "AND relnamespace = 'zerg'::regnamespace AND NOT relispartition").fetchall():
                conn.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.SQL(table), sql.Identifier(role)))
            conn.execute(sql.SQL("GRANT CREATE ON DATABASE {} TO {}; ALTER SCHEMA zerg OWNER TO {}; "
                                 "GRANT USAGE ON SCHEMA ops TO {}; GRANT SELECT, INSERT, UPDATE, DELETE ON ops.job_queue TO {}; "
                                 "GRANT INSERT, SELECT (job_key, started_at) ON ops.runs TO {}").format(
                sql.Identifier(dbname), *[sql.Identifier(role)] * 5))
        url = fresh_db_url.replace("postgres@", f"{role}@")
        with psycopg.connect(fresh_db_url, application_name="stuck report") as holder:
            holder.execute("SELECT count(*) FROM zerg.users")
            time.sleep(1.2)
            r = cli("--env", "test", "--database-url", url, "doctor")
        out = r.stdout  # (FAIL schema drift here: the ownership moved by hand, above)
        assert "ok   ops privileges: " in out and "every privilege the queue's queries use" in out
        assert "WARN lock holders: server pid" in out and "(stuck report, user postgres" in out
        assert "zerg.users AccessShareLock" in out
        assert "WARN dashboard role: zerg_dashboard does not exist" in out or "dashboard role: zerg_dashboard exists" in out

        with psycopg.connect(fresh_db_url, autocommit=True) as conn:
            conn.execute(sql.SQL("REVOKE USAGE ON SCHEMA ops FROM {}").format(sql.Identifier(role)))
        r = cli("--env", "test", "--database-url", url, "doctor")
        assert f"FAIL ops privileges: {role} lacks USAGE on schema ops" in r.stdout
        assert "ok   lock holders: no other session holds a lock" in r.stdout
    finally:
        with psycopg.connect(fresh_db_url, autocommit=True) as conn:
            conn.execute(sql.SQL("REASSIGN OWNED BY {} TO CURRENT_USER; DROP OWNED BY {}").format(
                sql.Identifier(role), sql.Identifier(role)))
        with pg.admin() as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


# ------------------------------------------------------------ the smaller items

def test_new_takes_a_typed_number_once_writes_the_non_transactional_form_and_its_template_fails_lint(tmp_path):
    from zerg_sql.devtools.lint import lint
    from zerg_sql.migrate import new_migration

    write(tmp_path, "0020_old", "-- old\nCREATE TABLE old (id bigint);\n", "DROP TABLE old;\n")
    up, down = new_migration("0021_add_widgets", tmp_path)
    assert up.name == "0021_add_widgets.sql" and down.name == "0021_add_widgets.rollback.sql"
    with pytest.raises(ZergError, match="the next number is 0022"):
        new_migration("0030_later", tmp_path)
    problems = lint([tmp_path])
    assert any("0021_add_widgets.sql: still the template" in p for p in problems), problems
    assert any("0021_add_widgets.rollback.sql: still the template" in p for p in problems), problems

    up2, _ = new_migration("widget_index", tmp_path, transactional=False)
    text = up2.read_text()
    assert text.startswith("-- transactional: false\n-- squawk-disable-assume-in-transaction\n")
    up2.write_text(text.replace("widget index: what this changes and why (a DBA reads this first).",
                                "widget index: lets the list read an index alone.")
                   + "CREATE INDEX CONCURRENTLY IF NOT EXISTS old_id_idx ON old (id);\n")
    rollback = tmp_path / "0022_widget_index.rollback.sql"
    assert rollback.read_text().startswith("-- transactional: false\n")
    rollback.write_text(rollback.read_text() + "DROP INDEX CONCURRENTLY IF EXISTS old_id_idx;\n")
    assert not any("0022_widget_index" in p for p in lint([tmp_path])), lint([tmp_path])


def test_rollback_takes_a_unique_prefix_and_closes_with_a_summary(empty_db_url, migs):
    write(migs, "0003_notes", "ALTER TABLE things ADD COLUMN note text;\n", "ALTER TABLE things DROP COLUMN note;\n")
    write(migs, "0020_x", "CREATE TABLE x (id int);\n", "DROP TABLE x;\n")
    write(migs, "0021_y", "CREATE TABLE y (id int);\n", "DROP TABLE y;\n")
    run(empty_db_url, migs)
    lines: list[str] = []
    with Runner(test_env_for(empty_db_url), dirs=[migs], out=lines.append) as runner:
        with pytest.raises(ZergError, match="--to 00: matches 0001_things, 0002_tags, 0003_notes, 0020_x, 0021_y"):
            runner.rollback(to="00")
        assert runner.plan("rollback", to="0003") == ["0021_y", "0020_x"]
        assert runner.rollback(to="0003") == ["0021_y", "0020_x"]
    assert "rolled back 2 migration(s): 0021_y, 0020_x; the newest applied is now 0003_notes" in lines


def test_make_passes_args_and_status_json_is_json_alone(fresh_db_url):
    import json

    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")
           and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "ARGS")}  # (a `make test` around us)
    env.update(ZERG_TEST_DATABASE_URL=fresh_db_url, ENV="test")

    def make(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["make", "--no-print-directory", *args], capture_output=True, text=True, cwd=ROOT,
                              env=env, timeout=120)

    r = make("status", "ARGS=--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ok"] is True  # nothing but the document on stdout
    r = make("doctor", "ARGS=--json")
    assert json.loads(r.stdout)["environment"] == "test"
    assert "--accept-drift" in make("verify", "ARGS=--help").stdout
    r = make("psql", "ARGS=-Atc 'SELECT 40 + 2'")
    assert r.stdout.strip() == "42", r.stderr


@pytest.mark.parametrize("args, message", [
    (["migrate", "--lock-wait", "nan"], "'--lock-wait': 'nan' is not a number of seconds from 0 to 86400"),
    (["migrate", "--wait", "inf"], "'--wait': 'inf' is not a number of seconds from 0 to 3600"),
    (["rollback", "--lock-wait", "-1"], "'--lock-wait': '-1' is not a number of seconds"),
    (["adopt", "--statement-timeout", "99999999999999999999h"],
     "'--statement-timeout': '99999999999999999999h' is not an interval like '500ms'"),
    (["adopt", "--statement-timeout", "48h"], "'--statement-timeout': '48h' is out of range (1ms to 24h)"),
    (["dash", "health", "--watch", "nan"], "'--watch': 'nan' is not a number of seconds from 1 to 3600"),
    (["worker", "--handlers", "x", "--lease-seconds", "inf"], "'--lease-seconds': 'inf' is not a number"),
])
def test_every_option_is_checked_with_its_range(args, message):
    r = cli("--env", "test", "--database-url", "postgresql://nobody@127.0.0.1:1/x", *args)
    assert r.returncode == 2 and message in r.stderr, r.stderr


def test_the_cli_allows_out_of_order_only_when_told_and_prompts_list_the_migrations(empty_db_url, migs):
    folder = ["--migrations-dir", str(migs)]
    r = cli("--env", "prod", "--database-url", empty_db_url, *folder, "migrate", "--yes")
    assert r.returncode == 0, r.stderr
    assert "  will apply 0001_things\n  will apply 0002_tags\n" in r.stderr  # listed before it runs
    write(migs, "0001a_late", "CREATE TABLE late (id int);\n", "DROP TABLE late;\n")
    r = cli("--env", "prod", "--database-url", empty_db_url, *folder, "migrate", "--yes")
    assert r.returncode == 1 and "0001a_late sorts before the applied 0002_tags" in r.stderr
    r = cli("--env", "prod", "--database-url", empty_db_url, *folder, "migrate", "--yes", "--allow-out-of-order")
    assert r.returncode == 0 and "warning: applying out of order" in r.stderr, r.stderr
    r = cli("--env", "prod", "--database-url", empty_db_url, *folder, "rollback", "--to", "0001_t", "--yes",
            "--allow-protected-rollback")
    assert r.returncode == 0, r.stderr
    assert "  will roll back 0002_tags\n  will roll back 0001a_late\n" in r.stderr  # by name, newest first
    assert "rolled back 2 migration(s): 0002_tags, 0001a_late; the newest applied is now 0001_things" in r.stderr


def test_dev_reset_is_for_dev_only():
    for args, what in ((["--env", "prod"], "environment 'prod'"), (["--database-url", "postgresql://x@h/db"], "--database-url")):
        r = cli(*args, "dev", "reset", "--yes")
        assert r.returncode == 1 and f"is for environment dev only, not {what}; nothing changed" in r.stderr, r.stderr
    r = cli("dev", "reset", "--yes", extra_env={"ZERG_ENV": "prod"})
    assert r.returncode == 1 and "not environment 'prod'" in r.stderr
