"""Function files (sql/functions/, repeatable): one authored definition per routine, applied
after the versioned migrations when a checksum changes, atomically, recorded, and shown by
status, verify and dry runs. Plus the rules of the versioned migrations that stay: numbering
and, once released, frozen."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from zerg_sql.config import ROOT, SQL_DIR, ZergError
from zerg_sql.devtools.lint import frozen, numbering
from zerg_sql.migrate import FUNCTIONS, Runner, read_function_files

AUTHORED = [p for p in SQL_DIR.rglob("*.sql") if p != SQL_DIR / "schema.sql"]
# adopt's conversion restates 0001's trigger function for an ORM-built schema (where a failed
# migrate may have applied 0001 already: CREATE OR REPLACE); tests/test_adopt.py checks that
# both build the same catalog. The one known second definition.
RESTATED = {("set_updated_at", SQL_DIR / "adopt" / "convert.sql")}

# A routine's full definition, and the function ledger, as they are in the database.
DEFINITIONS = """SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc AS p
                 WHERE p.pronamespace = 'zerg'::regnamespace ORDER BY 1"""
LEDGER = "SELECT file, checksum, routines, applied_at FROM zerg._zerg_sql_functions ORDER BY file"


def rows(url: str, query: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as c:
        return c.execute(query).fetchall()


@pytest.fixture
def functions(tmp_path) -> Path:
    """A copy of sql/functions/ (same file ids, so the template's record of them holds)."""
    folder = tmp_path / "functions"
    shutil.copytree(FUNCTIONS, folder)
    return folder


def runner(env, folder: Path, out=None) -> Runner:
    return Runner(env, functions_dir=folder, out=out or (lambda _: None))


def cli(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    return subprocess.run([sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", url, *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


# ------------------------------------------------------------------ one authored definition

def test_every_routine_of_the_schema_has_one_authored_definition(fresh_db_url):
    """grep -rln "FUNCTION name\\b" sql/ finds the one file that defines it (and, for a
    versioned one, its rollback file that drops it, and triggers' EXECUTE FUNCTION), besides
    the generated sql/schema.sql."""
    names = {n for (n,) in rows(fresh_db_url, "SELECT DISTINCT p.proname FROM pg_proc AS p WHERE p.pronamespace "
                                              "IN ('zerg'::regnamespace, 'ops'::regnamespace)")}
    assert {"trace_events", "reliability_error_groups", "queue_depth", "redact_secrets", "dashboard_arg"} <= names
    texts = {p: p.read_text() for p in AUTHORED}
    for name in sorted(names):
        mentions = {p for p, t in texts.items() if re.search(rf"(?<!EXECUTE )(FUNCTION|PROCEDURE) (\w+\.)?{name}\b", t, re.I)
                    and (name, p) not in RESTATED}
        defining = {p for p in mentions
                    if re.search(rf"CREATE (OR REPLACE )?(FUNCTION|PROCEDURE) (\w+\.)?{name}\b", texts[p], re.I)}
        assert len(defining) == 1, (name, sorted(map(str, defining)))
        (home,) = defining
        assert mentions <= {home, home.with_name(home.name[:-4] + ".rollback.sql")}, (name, sorted(map(str, mentions)))
    for name, path in RESTATED:
        assert re.search(rf"CREATE (OR REPLACE )?FUNCTION {name}\b", path.read_text())


def test_files_declare_the_files_they_depend_on_and_nothing_versioned_depends_on_them(fresh_db_url):
    """A routine bound (SQL-standard body) to one of another file's must be in a file that
    declares `-- depends:` on it (both are then re-applied together); no versioned object may
    depend on a function file's routine (the runner drops them before applying a file)."""
    files = read_function_files(FUNCTIONS)
    with psycopg.connect(fresh_db_url, autocommit=True) as c:
        home = {r: f for f, routines in c.execute("SELECT file, routines FROM zerg._zerg_sql_functions") for r in routines}
        edges = c.execute("""
            SELECT d.objid::regprocedure::text, d.refobjid::regprocedure::text
            FROM pg_depend AS d
            WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_proc'::regclass
              AND d.refobjid IN (SELECT oid FROM pg_proc WHERE pronamespace = 'zerg'::regnamespace)
              AND d.objid <> d.refobjid""").fetchall()
        other = c.execute("""
            SELECT pg_describe_object(d.classid, d.objid, d.objsubid), d.refobjid::regprocedure::text
            FROM pg_depend AS d
            WHERE d.refclassid = 'pg_proc'::regclass AND d.classid <> 'pg_proc'::regclass AND d.deptype = 'n'
              AND d.refobjid IN (SELECT oid FROM pg_proc WHERE pronamespace = 'zerg'::regnamespace)""").fetchall()
    by_id = {f.id: f for f in files}

    def closure(fid: str) -> set[str]:
        out = set(by_id[fid].depends)
        for d in list(out):
            out |= closure(d)
        return out

    assert len(home) > 20 and edges
    for user, used in edges:
        if user in home and used in home and home[user] != home[used]:
            assert home[used] in closure(home[user]), f"{home[user]} uses {used} of {home[used]}: declare -- depends:"
        if used in home:
            assert user in home, f"{user} (versioned) depends on {used} of {home[used]}"
    assert [(o, used) for o, used in other if used in home] == []


# ------------------------------------------------------------------ applied when changed, alone, atomically

def test_an_edited_file_is_reapplied_alone_and_an_unchanged_one_is_not(test_env, fresh_db_url, functions):
    before = {f: (s, at) for f, s, _, at in rows(fresh_db_url, LEDGER)}
    assert set(before) == {"functions/common.sql", "functions/queue.sql", "functions/reliability.sql",
                           "functions/traces.sql"}
    # A comment or whitespace edit changes nothing.
    edit(functions / "traces.sql", "-- Every event of one trace", "--   Every event   of one trace")
    with runner(test_env, functions) as r:
        assert [f["state"] for f in r.status().functions] == ["ok"] * 4
        assert r.migrate() == [] and r.functions_applied == []
    edit(functions / "traces.sql", "LIMIT dashboard_arg(max_rows, 1, 100, 'max_rows')",
         "LIMIT dashboard_arg(max_rows, 1, 150, 'max_rows')")
    with runner(test_env, functions) as r:
        st = r.status()
        assert {f["file"]: f["state"] for f in st.functions}["functions/traces.sql"] == "changed"
        assert [f["file"] for f in st.pending_functions] == ["functions/traces.sql"]
        assert r.migrate() == [] and r.functions_applied == ["functions/traces.sql"]
        st = r.status()
        assert st.pending_functions == [] and st.drift == [], st.drift  # the run's change is recorded
        assert r.migrate() == [] and r.functions_applied == []
    after = {f: (s, at) for f, s, _, at in rows(fresh_db_url, LEDGER)}
    assert {f for f in after if after[f] != before[f]} == {"functions/traces.sql"}
    with psycopg.connect(fresh_db_url, autocommit=True) as c:
        c.execute("SET search_path = zerg")
        assert c.execute("SELECT count(*) FROM trace_list(max_rows => 150)").fetchone() == (0,)
        log = c.execute("SELECT operation, detail FROM _zerg_sql_log WHERE operation = 'apply-functions' "
                        "ORDER BY id DESC LIMIT 1").fetchone()
    assert log[1].startswith("functions/traces.sql (changed)")


def test_status_verify_and_dry_run_show_function_files(fresh_db_url, functions):
    edit(functions / "queue.sql", "max_attempts_used int)", "max_attempts_used int)\n-- (edited)")
    edit(functions / "queue.sql", "ORDER BY s.n;", "ORDER BY s.n DESC;")
    args = ("--functions-dir", str(functions))
    st = cli(*args, "status", url=fresh_db_url)
    assert st.returncode == 0, st.stderr
    assert re.search(r"applied\s+functions/traces.sql", st.stdout)
    assert re.search(r"pending-changed\s+functions/queue.sql", st.stdout)
    ok = cli(*args, "verify", url=fresh_db_url)
    assert ok.returncode == 0 and "function files: 3 applied, 1 pending" in ok.stdout, ok.stdout + ok.stderr
    dry = cli(*args, "migrate", "--dry-run", url=fresh_db_url)
    assert dry.returncode == 0, dry.stderr
    plan = dry.stdout + dry.stderr
    assert "-- apply functions/queue.sql (changed since applied)" in plan
    assert "ORDER BY s.n DESC;" in plan and "functions/traces.sql" not in plan
    assert "queue_depth(timestamp with time zone)" in plan  # what it drops first
    assert cli(*args, "status", url=fresh_db_url).stdout == st.stdout  # the dry run changed nothing
    done = cli(*args, "migrate", url=fresh_db_url)
    assert done.returncode == 0 and "applied 0 migration(s) and 1 function file(s)" in done.stderr, done.stderr
    assert re.search(r"applied\s+functions/queue.sql", cli(*args, "status", url=fresh_db_url).stdout)


def test_a_file_that_fails_half_way_leaves_every_routine_as_it_was(test_env, fresh_db_url, functions):
    definitions, ledger = rows(fresh_db_url, DEFINITIONS), rows(fresh_db_url, LEDGER)
    edit(functions / "traces.sql", "LIMIT dashboard_arg(max_rows, 1, 100, 'max_rows')",
         "LIMIT dashboard_arg(max_rows, 1, 150, 'max_rows')")
    edit(functions / "traces.sql", "-- The one-trace page", "SELECT 1 / 0;\n\n-- The one-trace page")
    with runner(test_env, functions) as r, pytest.raises(ZergError) as failed:
        r.migrate()
    assert "functions/traces.sql failed: division by zero; rolled back" in str(failed.value)
    assert rows(fresh_db_url, DEFINITIONS) == definitions and rows(fresh_db_url, LEDGER) == ledger
    with runner(test_env, functions) as r:
        assert [f["file"] for f in r.status().pending_functions] == ["functions/traces.sql"]


def test_a_signature_change_drops_the_old_routine_and_reapplies_the_files_that_depend_on_it(test_env, fresh_db_url, functions):
    (functions / "probe.sql").write_text("-- depends: common\n"
                                         "CREATE OR REPLACE FUNCTION probe(a int) RETURNS int\n"
                                         "LANGUAGE sql IMMUTABLE RETURN dashboard_arg(a, 0, 10, 'a');\n")
    (functions / "probe_user.sql").write_text("-- depends: probe\n"
                                              "CREATE OR REPLACE FUNCTION probe_user() RETURNS bigint\n"
                                              "LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT probe(2); END;\n")
    probes = "SELECT oid::regprocedure::text FROM pg_proc WHERE proname LIKE 'probe%' ORDER BY 1"
    with runner(test_env, functions) as r:
        r.migrate()
        assert r.functions_applied == ["functions/probe.sql", "functions/probe_user.sql"]
    assert rows(fresh_db_url, probes) == [("zerg.probe(integer)",), ("zerg.probe_user()",)]
    # New arguments AND a new return type: CREATE OR REPLACE alone would refuse both, and
    # probe_user's body is bound to the old routine.
    (functions / "probe.sql").write_text("-- depends: common\n"
                                         "CREATE OR REPLACE FUNCTION probe(a int, b int DEFAULT 40) RETURNS bigint\n"
                                         "LANGUAGE sql IMMUTABLE RETURN a + b;\n")
    with runner(test_env, functions) as r:
        assert {f["file"]: f["state"] for f in r.status().functions}["functions/probe_user.sql"] == "with"
        r.migrate()
        assert r.functions_applied == ["functions/probe.sql", "functions/probe_user.sql"]
        assert r.status().drift == []
    assert rows(fresh_db_url, probes) == [("zerg.probe(integer,integer)",), ("zerg.probe_user()",)]
    assert rows(fresh_db_url, "SELECT zerg.probe_user()") == [(42,)]
    # A file removed from the checkout: its routines go with the next migrate.
    (functions / "probe_user.sql").unlink()
    with runner(test_env, functions) as r:
        assert {f["file"]: f["state"] for f in r.status().functions}["functions/probe_user.sql"] == "removed"
        r.migrate()
    assert rows(fresh_db_url, probes) == [("zerg.probe(integer,integer)",)]
    assert "functions/probe_user.sql" not in {f for f, *_ in rows(fresh_db_url, LEDGER)}


def test_an_undeclared_dependency_between_files_fails_with_the_fix_and_changes_nothing(test_env, fresh_db_url, functions):
    (functions / "probe.sql").write_text("CREATE OR REPLACE FUNCTION probe() RETURNS int LANGUAGE sql RETURN 1;\n")
    (functions / "probe_user.sql").write_text("CREATE OR REPLACE FUNCTION probe_user() RETURNS int\n"
                                              "LANGUAGE sql BEGIN ATOMIC SELECT probe(); END;\n")
    with runner(test_env, functions) as r:
        r.migrate()
    definitions = rows(fresh_db_url, DEFINITIONS)
    (functions / "probe.sql").write_text("CREATE OR REPLACE FUNCTION probe() RETURNS int LANGUAGE sql RETURN 2;\n")
    with runner(test_env, functions) as r, pytest.raises(ZergError) as failed:
        r.migrate()
    assert "cannot drop function probe() because other objects depend on it" in str(failed.value)
    assert "`-- depends: NAME`" in str(failed.value)
    assert rows(fresh_db_url, DEFINITIONS) == definitions


def test_a_killed_apply_leaves_the_old_bodies_and_a_rerun_applies_the_new(fresh_db_url, functions):
    definitions, ledger = rows(fresh_db_url, DEFINITIONS), rows(fresh_db_url, LEDGER)
    edit(functions / "traces.sql", "LIMIT dashboard_arg(max_rows, 1, 100, 'max_rows')",
         "LIMIT dashboard_arg(max_rows, 1, 150, 'max_rows')")
    slow = functions / "traces.sql"
    edit(slow, "-- The one-trace page", "SELECT pg_sleep(60);\n\n-- The one-trace page")
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    proc = subprocess.Popen([sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", fresh_db_url,
                             "--functions-dir", str(functions), "migrate"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    sleeping = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'"
    try:
        deadline = time.monotonic() + 60
        while not rows(fresh_db_url, sleeping):
            assert time.monotonic() < deadline and proc.poll() is None, "the apply never reached pg_sleep"
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 30
        while rows(fresh_db_url, sleeping):  # the server notices the dead client (1 s check)
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert rows(fresh_db_url, DEFINITIONS) == definitions and rows(fresh_db_url, LEDGER) == ledger
    edit(slow, "SELECT pg_sleep(60);\n\n", "")
    done = cli("--functions-dir", str(functions), "migrate", url=fresh_db_url)
    assert done.returncode == 0, done.stderr
    changed = {n for (n, d), (n2, d2) in zip(definitions, rows(fresh_db_url, DEFINITIONS)) if d != d2}
    assert changed == {"zerg.trace_list(integer,integer)"}


def test_rollback_drops_the_function_files_first_and_migrate_brings_them_back(test_env, fresh_db_url):
    definitions = rows(fresh_db_url, DEFINITIONS)
    with Runner(test_env, out=lambda _: None) as r:
        assert r.rollback(to="0011_llm_audit_log") == ["0014_dashboard_indexes", "0013_dashboard_role",
                                                         "0012_error_signatures"]
        assert rows(fresh_db_url, LEDGER) == []
        assert [f["state"] for f in r.status().functions] == ["new"] * 4
        assert r.migrate() == ["0012_error_signatures", "0013_dashboard_role", "0014_dashboard_indexes"]
        assert len(r.functions_applied) == 4 and r.status().drift == []
    assert [d for _, d in rows(fresh_db_url, DEFINITIONS)] == [d for _, d in definitions]


# ------------------------------------------------------------------ versioned migrations: numbering, frozen once released

def test_the_migrations_are_numbered_without_gap_or_duplicate_each_with_its_rollback(tmp_path):
    for folder in (SQL_DIR / "migrations", SQL_DIR / "migrations-ops"):
        assert numbering(folder) == []
        forward = [p for p in folder.glob("*.sql") if not p.name.endswith(".rollback.sql")]
        assert forward and all(p.with_name(p.name[:-4] + ".rollback.sql").exists() for p in forward)
    folder = tmp_path / "migrations"
    folder.mkdir()
    for name in ("0001_a", "0002_b", "0002_c", "0004_d"):
        (folder / f"{name}.sql").write_text("SELECT 1;\n")
    (folder / "0005_gone.rollback.sql").write_text("SELECT 1;\n")
    problems = numbering(folder)
    assert any("0002 is used twice" in p for p in problems)
    assert any("no migration numbered 0003" in p for p in problems)
    assert any("0005_gone.rollback.sql: a rollback file without its migration" in p for p in problems)


def test_a_migration_a_release_tag_contains_is_frozen(tmp_path):
    repo = tmp_path / "repo"
    migrations = repo / "sql" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "0001_a.sql").write_text("-- a\nCREATE TABLE a (id bigint);\n")
    (migrations / "0001_a.rollback.sql").write_text("DROP TABLE a;\n")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                       check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first")
    assert frozen(repo) == []
    git("tag", "v0.1.0")
    git("tag", "not-a-release")
    # A comment or whitespace edit, and a new migration: allowed.
    (migrations / "0001_a.sql").write_text("-- table a, the first one\nCREATE TABLE a  (id bigint);\n")
    (migrations / "0002_b.sql").write_text("CREATE TABLE b (id bigint);\n")
    assert frozen(repo) == []
    (migrations / "0001_a.sql").write_text("-- a\nCREATE TABLE a (id bigint, name text);\n")
    (problem,) = frozen(repo)
    assert problem.startswith("sql/migrations/0001_a.sql: edited after its release in v0.1.0")
    (migrations / "0001_a.sql").write_text("-- transactional: false\n-- a\nCREATE TABLE a (id bigint);\n")
    assert len(frozen(repo)) == 1
    (migrations / "0001_a.sql").unlink()
    (migrations / "0001_a.rollback.sql").unlink()
    assert {p.split(":")[0] for p in frozen(repo)} == {"sql/migrations/0001_a.sql", "sql/migrations/0001_a.rollback.sql"}
